//! Exemptions granted by Commerce (R20) as pure rules: what one covers (the provider, an account
//! type, or a named foreign reseller), when it is in force, and the file an officer records one
//! from. What an exemption lifts comes from the rule pack (`[exemptions]`); the obligations
//! engine applies it ([`crate::obligations::compute`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CoreError, FieldError};

/// What an exemption covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "scope", content = "name", rename_all = "snake_case")]
#[ts(export)]
pub enum Scope {
    /// The whole provider.
    Provider,
    /// The customers whose accounts are all of this type.
    AccountType(String),
    /// A foreign reseller, by its reference.
    Reseller(String),
}

impl Scope {
    /// Its stored code (`provider`, `account_type`, `reseller`) and the name it covers (empty for
    /// the provider).
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            Self::Provider => ("provider", ""),
            Self::AccountType(t) => ("account_type", t),
            Self::Reseller(r) => ("reseller", r),
        }
    }

    /// Words for lists and reasons, e.g. "account type gpu-cluster".
    pub fn describe(&self) -> String {
        match self {
            Self::Provider => "the provider".to_owned(),
            Self::AccountType(t) => format!("account type {t}"),
            Self::Reseller(r) => format!("reseller {r}"),
        }
    }
}

/// An exemption in force from `starts_on` to `ends_on` (inclusive; open-ended without it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Exemption {
    /// Id.
    pub id: String,
    /// What it covers.
    pub scope: Scope,
    /// First day in force.
    #[ts(type = "string")]
    pub starts_on: NaiveDate,
    /// Last day in force, if it ends.
    #[ts(type = "string | null")]
    pub ends_on: Option<NaiveDate>,
    /// Commerce's reference for the decision.
    pub reference: String,
}

/// Where an exemption stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Standing {
    /// Not in force yet.
    Pending,
    /// In force.
    InForce,
    /// Ended.
    Lapsed,
}

impl Exemption {
    /// "until D" (its last day), or "until revoked".
    pub fn until(&self) -> String {
        self.ends_on.map_or_else(|| "until revoked".to_owned(), |d| format!("until {d}"))
    }

    /// Its standing on `day`.
    pub fn standing(&self, day: NaiveDate) -> Standing {
        if day < self.starts_on {
            Standing::Pending
        } else if self.ends_on.is_some_and(|end| day > end) {
            Standing::Lapsed
        } else {
            Standing::InForce
        }
    }
}

/// An exemption as recorded (a TOML file for the CLI, a form in the window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ExemptionInput {
    /// `provider`, `account_type` or `reseller`.
    pub scope: String,
    /// The account type or the reseller's reference (empty for the provider).
    #[serde(default)]
    pub name: String,
    /// First day in force.
    #[ts(type = "string")]
    pub starts_on: NaiveDate,
    /// Last day in force; none: until revoked.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub ends_on: Option<NaiveDate>,
    /// Commerce's conditions, in words.
    #[serde(default)]
    pub conditions: String,
    /// Commerce's reference for the decision.
    pub reference: String,
}

impl ExemptionInput {
    /// Checks the fields and gives the scope. Whether the account type or the reseller exists
    /// is the caller's to check against the records.
    ///
    /// # Errors
    /// [`CoreError::Invalid`], one field per problem.
    pub fn check(&self) -> Result<Scope, CoreError> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, problem: &str| {
            errors.push(FieldError { field: field.to_owned(), problem: problem.to_owned() });
        };
        let name = self.name.trim();
        let scope = match self.scope.as_str() {
            "provider" if name.is_empty() => Some(Scope::Provider),
            "provider" => {
                bad("name", "a provider exemption names nothing else");
                None
            }
            "account_type" | "reseller" if name.is_empty() => {
                bad("name", "name the account type or the reseller's reference");
                None
            }
            "account_type" => Some(Scope::AccountType(name.to_owned())),
            "reseller" => Some(Scope::Reseller(name.to_owned())),
            _ => {
                bad("scope", "must be provider, account_type or reseller");
                None
            }
        };
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            bad("ends_on", "is before starts_on");
        }
        if self.reference.trim().is_empty() {
            bad("reference", "is required (Commerce's reference for the decision)");
        }
        match scope {
            Some(scope) if errors.is_empty() => Ok(scope),
            _ => Err(CoreError::Invalid(errors)),
        }
    }
}

/// Commerce ends an exemption before its term (revokes it), or the officer corrects its last day:
/// the new last day and why, from the window's form or the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ExemptionEndInput {
    /// The new last day in force.
    #[ts(type = "string")]
    pub ends_on: NaiveDate,
    /// Why (Commerce's revocation and its reference, or the correction), in words.
    pub reason: String,
}

impl ExemptionEndInput {
    /// Checks the new last day against the exemption it ends.
    ///
    /// # Errors
    /// [`CoreError::Invalid`], one field per problem: a day before the exemption starts or the one
    /// it already ends on; no reason.
    pub fn check(&self, exemption: &Exemption) -> Result<(), CoreError> {
        let mut errors = Vec::new();
        if self.ends_on < exemption.starts_on {
            errors.push(FieldError {
                field: "ends_on".into(),
                problem: format!("is before the exemption starts ({})", exemption.starts_on),
            });
        } else if exemption.ends_on == Some(self.ends_on) {
            errors.push(FieldError { field: "ends_on".into(), problem: "is already its last day".into() });
        }
        if self.reason.trim().is_empty() {
            errors.push(FieldError {
                field: "reason".into(),
                problem: "say why (Commerce's revocation and its reference, or the correction)".into(),
            });
        }
        if errors.is_empty() { Ok(()) } else { Err(CoreError::Invalid(errors)) }
    }
}

/// Reads an exemption file (TOML).
///
/// # Errors
/// [`CoreError::Invalid`] naming the line of a syntax or type error, or every field that fails
/// [`ExemptionInput::check`].
pub fn parse(text: &str) -> Result<(ExemptionInput, Scope), CoreError> {
    let input: ExemptionInput = crate::toml_file::from_toml(text)?;
    let scope = input.check()?;
    Ok((input, scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn first_half_of_2026() -> Exemption {
        Exemption {
            id: "x".into(),
            scope: Scope::Provider,
            starts_on: day("2026-01-01"),
            ends_on: Some(day("2026-06-30")),
            reference: "BIS-EX-7".into(),
        }
    }

    #[test]
    fn an_exemption_is_pending_in_force_then_lapsed_around_its_dates() {
        let e = first_half_of_2026();
        assert_eq!(e.standing(day("2025-12-31")), Standing::Pending);
        assert_eq!(e.standing(day("2026-01-01")), Standing::InForce);
        assert_eq!(e.standing(day("2026-06-30")), Standing::InForce, "the last day is in force");
        assert_eq!(e.standing(day("2026-07-01")), Standing::Lapsed);
        let open = Exemption { ends_on: None, ..e };
        assert_eq!(open.standing(day("2040-01-01")), Standing::InForce);
    }

    #[test]
    fn an_end_needs_a_day_from_the_start_a_change_and_a_reason() {
        let e = first_half_of_2026();
        let end = |on: &str, reason: &str| ExemptionEndInput { ends_on: day(on), reason: reason.into() };
        assert!(end("2026-03-31", "Revoked by BIS letter R-12").check(&e).is_ok());
        assert!(end("2026-01-01", "Revoked the day it started").check(&e).is_ok(), "one day in force");
        assert!(end("2026-09-30", "Corrected: the decision says September").check(&e).is_ok());
        let CoreError::Invalid(fields) = end("2025-12-31", " ").check(&e).expect_err("bad") else {
            panic!("invalid")
        };
        let named: Vec<(&str, &str)> =
            fields.iter().map(|f| (f.field.as_str(), f.problem.as_str())).collect();
        assert_eq!(named[0], ("ends_on", "is before the exemption starts (2026-01-01)"));
        assert_eq!(named[1].0, "reason");
        let CoreError::Invalid(fields) = end("2026-06-30", "again").check(&e).expect_err("same") else {
            panic!("invalid")
        };
        assert_eq!(fields[0].problem, "is already its last day");
    }

    #[test]
    fn a_file_names_each_bad_field() {
        let good = "scope = \"account_type\"\nname = \"gpu-cluster\"\nstarts_on = 2026-01-01\nends_on = 2026-12-31\nreference = \"BIS-EX-7\"\n";
        assert_eq!(parse(good).expect("good").1, Scope::AccountType("gpu-cluster".into()));
        let backwards = good.replace("ends_on = 2026-12-31", "ends_on = 2025-12-31");
        let CoreError::Invalid(fields) = parse(&backwards).expect_err("ends first") else {
            panic!("invalid")
        };
        assert_eq!(fields[0].field, "ends_on");
        let unnamed = good
            .replace("name = \"gpu-cluster\"\n", "")
            .replace("reference = \"BIS-EX-7\"", "reference = \" \"");
        let CoreError::Invalid(fields) = parse(&unnamed).expect_err("unnamed") else { panic!("invalid") };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["name", "reference"]);
        assert!(parse(&good.replace("account_type", "planet")).is_err());
        assert!(
            parse("scope = \"provider\"\nstarts_on = \"soon\"\nreference = \"x\"\n")
                .expect_err("date")
                .to_string()
                .contains("starts_on")
        );
    }
}
