//! Payment cards (R2 means of payment): a full card number is read only to check it, to keep its
//! last four digits and network, and to compute a keyed fingerprint (in the store) that shows
//! the same card used by several customers. The number itself is never stored, logged or shown.

use zeroize::Zeroizing;

/// A card number that passed the length and check-digit tests. Wiped from memory when dropped;
/// `Debug` shows only the last four digits.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(Zeroizing<String>);

impl std::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardNumber(••{})", self.last4())
    }
}

impl CardNumber {
    /// Reads a card number typed with or without spaces or hyphens.
    ///
    /// # Errors
    /// A message safe to show (it never repeats the number).
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let digits: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !matches!(c, ' ' | '-')).collect());
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("must contain only digits, spaces and hyphens");
        }
        if !(12..=19).contains(&digits.len()) {
            return Err("is not a card number (12 to 19 digits)");
        }
        if !luhn(&digits) {
            return Err("is not a card number (the check digit does not match)");
        }
        Ok(Self(digits))
    }

    /// The digits (for the keyed fingerprint only).
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The last four digits.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    /// The card network, from the number's first digits (IIN ranges).
    pub fn network(&self) -> &'static str {
        let prefix = |n: usize| self.0[..n].parse::<u32>().unwrap_or(0);
        match (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6)) {
            (4, ..) => "visa",
            (_, 34 | 37, ..) => "amex",
            (_, 51..=55, ..) | (.., 2221..=2720, _) => "mastercard",
            (.., 6011, _) | (_, 65, ..) | (_, _, 644..=649, ..) => "discover",
            (.., 3528..=3589, _) => "jcb",
            (_, 36 | 38 | 39, ..) | (_, _, 300..=305, ..) => "diners",
            (_, 62, ..) => "unionpay",
            _ => "other",
        }
    }
}

/// The Luhn check (ISO/IEC 7812-1).
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    // Test numbers published by the networks for testing (not real cards).
    #[rstest]
    #[case("4242 4242 4242 4242", "visa", "4242")]
    #[case("5555-5555-5555-4444", "mastercard", "4444")]
    #[case("2223003122003222", "mastercard", "3222")]
    #[case("378282246310005", "amex", "0005")]
    #[case("6011111111111117", "discover", "1117")]
    #[case("3530111333300000", "jcb", "0000")]
    #[case("36227206271667", "diners", "1667")]
    #[case("6200000000000005", "unionpay", "0005")]
    fn reads_network_and_last_four(#[case] number: &str, #[case] network: &str, #[case] last4: &str) {
        let card = CardNumber::parse(number).expect("a valid test number");
        assert_eq!((card.network(), card.last4()), (network, last4));
    }

    #[rstest]
    #[case("4242 4242 4242 4241", "check digit")]
    #[case("4242", "12 to 19 digits")]
    #[case("4242-4242-4242-424x", "only digits")]
    fn refuses_bad_numbers_without_repeating_them(#[case] number: &str, #[case] problem: &str) {
        let err = CardNumber::parse(number).expect_err("bad");
        assert!(err.contains(problem), "{err}");
        assert!(!err.contains("4242"), "never echoes the number");
    }

    #[test]
    fn debug_shows_only_the_last_four() {
        let card = CardNumber::parse("4242424242424242").expect("valid");
        assert_eq!(format!("{card:?}"), "CardNumber(••4242)");
    }
}
