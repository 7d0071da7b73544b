//! Exact quantities for the AI-training arithmetic (R23–R26).
//!
//! Training compute reaches 10^26 operations and beyond; an `f64` holds 10^26 only as
//! 100000000000000004764729344, so a figure "at the threshold" could fall either side of it.
//! Every figure the arithmetic touches is therefore exact: a [`Quantity`] is a non-negative
//! decimal (digits and a scale, no rounding) read from text or from a TOML number by its
//! shortest round-trip spelling (`1e26` is the decimal 10^26), and products are `u128`, which
//! holds 3.4 × 10^38. A product that would not fit is an error, never a wrapped number.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact non-negative decimal: `digits / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    digits: u128,
    scale: u32,
}

/// The most decimal places a quantity keeps (micro-units).
const MAX_SCALE: u32 = 6;

impl Quantity {
    /// A whole number.
    pub const fn whole(n: u128) -> Self {
        Self { digits: n, scale: 0 }
    }

    /// Parses `1e26`, `989.4e12`, `0.4`, `100`, `1_000` (spaces and `_`/`,` separators allowed).
    ///
    /// # Errors
    /// A sentence naming what is wrong: not a number, negative, more than six decimal places,
    /// or too large.
    pub fn parse(text: &str) -> Result<Self, String> {
        let cleaned: String = text.trim().chars().filter(|c| !matches!(c, '_' | ',' | ' ')).collect();
        if cleaned.starts_with('-') {
            return Err(format!("“{}” is negative", text.trim()));
        }
        let cleaned = cleaned.strip_prefix('+').unwrap_or(&cleaned);
        let (mantissa, exponent) = match cleaned.find(['e', 'E']) {
            Some(at) => {
                let exponent: i32 =
                    cleaned[at + 1..].parse().map_err(|_| format!("“{}” is not a number", text.trim()))?;
                (&cleaned[..at], exponent)
            }
            None => (cleaned, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if (int.is_empty() && frac.is_empty()) || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(format!("“{}” is not a number", text.trim()));
        }
        let too_large = || format!("“{}” is too large", text.trim());
        let mut digits: u128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            digits = digits
                .checked_mul(10)
                .and_then(|d| d.checked_add(u128::from(b - b'0')))
                .ok_or_else(too_large)?;
        }
        // value = digits × 10^(exponent − frac.len())
        let shift = i64::from(exponent) - i64::try_from(frac.len()).map_err(|_| too_large())?;
        let q = if shift >= 0 {
            let factor =
                10u128.checked_pow(u32::try_from(shift).map_err(|_| too_large())?).ok_or_else(too_large)?;
            Self { digits: digits.checked_mul(factor).ok_or_else(too_large)?, scale: 0 }
        } else {
            Self { digits, scale: u32::try_from(-shift).map_err(|_| too_large())? }
        };
        let q = q.normalised();
        if q.scale > MAX_SCALE {
            return Err(format!("“{}” has more than {MAX_SCALE} decimal places", text.trim()));
        }
        Ok(q)
    }

    /// Drops trailing zero decimals.
    fn normalised(mut self) -> Self {
        while self.scale > 0 && self.digits.is_multiple_of(10) {
            self.digits /= 10;
            self.scale -= 1;
        }
        self
    }

    /// The value × 10^`scale`, exactly, when that is a whole number that fits.
    pub fn scaled(self, scale: u32) -> Option<u128> {
        if scale >= self.scale {
            self.digits.checked_mul(10u128.checked_pow(scale - self.scale)?)
        } else {
            let div = 10u128.checked_pow(self.scale - scale)?;
            self.digits.is_multiple_of(div).then_some(self.digits / div)
        }
    }

    /// The value as a whole number, when it is one.
    pub fn to_integer(self) -> Option<u128> {
        self.scaled(0)
    }

    /// True for zero.
    pub fn is_zero(self) -> bool {
        self.digits == 0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return f.write_str(&sci(self.digits));
        }
        let text = format!("{:0>width$}", self.digits, width = self.scale as usize + 1);
        let (int, frac) = text.split_at(text.len() - self.scale as usize);
        write!(f, "{int}.{frac}")
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.plain())
    }
}

impl Quantity {
    /// The exact decimal, without exponent (`100000000000000000000000000`, `0.4`).
    pub fn plain(self) -> String {
        if self.scale == 0 {
            return self.digits.to_string();
        }
        let text = format!("{:0>width$}", self.digits, width = self.scale as usize + 1);
        let (int, frac) = text.split_at(text.len() - self.scale as usize);
        format!("{int}.{frac}")
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative number (e.g. 1e26, 989.4e12, \"1e26\")")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity::whole(u128::from(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                u128::try_from(v).map(Quantity::whole).map_err(|_| E::custom(format!("{v} is negative")))
            }
            fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Quantity, E> {
                Ok(Quantity::whole(v))
            }
            fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Quantity, E> {
                u128::try_from(v).map(Quantity::whole).map_err(|_| E::custom(format!("{v} is negative")))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                // The shortest text that reads back as `v` is what the author wrote (`1e26`).
                if !v.is_finite() {
                    return Err(E::custom("must be a finite number"));
                }
                Quantity::parse(&format!("{v:e}")).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(Visit)
    }
}

impl ts_rs::TS for Quantity {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn name(_: &ts_rs::Config) -> String {
        "string".to_owned()
    }
    fn inline(_: &ts_rs::Config) -> String {
        "string".to_owned()
    }
}

/// A whole number in scientific notation with four significant digits, exact digits cut (never
/// rounded up past the value): `1.0000e26`, `4.0530e18`; numbers below 10 000 as they are.
pub fn sci(n: u128) -> String {
    if n < 10_000 {
        return n.to_string();
    }
    let digits = n.to_string();
    let exponent = digits.len() - 1;
    let mantissa = &digits[..5];
    let rest_zero = digits[5..].bytes().all(|b| b == b'0');
    format!("{}.{}{}e{exponent}", &mantissa[..1], &mantissa[1..], if rest_zero { "" } else { "…" })
}

/// A whole number with thousands separators: `100,000,000`.
pub fn grouped(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_to_the_twenty_six_is_exact() {
        let q = Quantity::parse("1e26").expect("parse");
        assert_eq!(q.to_integer(), Some(10u128.pow(26)));
        // As TOML gives it: a float whose shortest spelling is 1e26.
        let v: toml::Value = toml::from_str::<toml::Table>("v = 1e26").expect("toml")["v"].clone();
        let from_float: Quantity = v.try_into().expect("quantity");
        assert_eq!(from_float.to_integer(), Some(10u128.pow(26)));
    }

    #[test]
    fn decimals_are_kept_exactly() {
        let q = Quantity::parse("989.4e12").expect("parse");
        assert_eq!(q.to_integer(), Some(989_400_000_000_000));
        let frac = Quantity::parse("0.4").expect("parse");
        assert_eq!(frac.to_integer(), None);
        assert_eq!(frac.scaled(3), Some(400));
        assert_eq!(frac.plain(), "0.4");
        assert_eq!(Quantity::parse("1,000").expect("parse").to_integer(), Some(1000));
    }

    #[test]
    fn bad_numbers_say_why() {
        assert!(Quantity::parse("-3").expect_err("negative").contains("negative"));
        assert!(Quantity::parse("abc").expect_err("nan").contains("not a number"));
        assert!(Quantity::parse("1e40").expect_err("big").contains("too large"));
        assert!(Quantity::parse("0.0000001").expect_err("small").contains("decimal places"));
    }

    #[test]
    fn scientific_notation_cuts_never_rounds() {
        assert_eq!(sci(10u128.pow(26)), "1.0000e26");
        assert_eq!(sci(10u128.pow(26) - 1), "9.9999…e25");
        assert_eq!(sci(4_053_000_000_000_000_000), "4.0530e18");
        assert_eq!(sci(999), "999");
        assert_eq!(grouped(100_000_000), "100,000,000");
        assert_eq!(grouped(12), "12");
    }
}
