//! Foreign resellers (R17–R19, R25): the register's rules. A reseller's status decides whether
//! new customer accounts may come through it — the supply gate — and its primary CIP contact is
//! validated like a customer's contact data.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customer::{normalise_country, normalise_phone};
use crate::error::{CoreError, FieldError};

/// Where a reseller stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ResellerStatus {
    /// Under agreement and compliant as far as is known.
    Active,
    /// A non-compliance finding is being remediated (R19); no new accounts meanwhile.
    UnderRemediation,
    /// The relationship has ended (R19).
    Terminated,
}

impl ResellerStatus {
    /// Every status.
    pub const ALL: [Self; 3] = [Self::Active, Self::UnderRemediation, Self::Terminated];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::UnderRemediation => "under_remediation",
            Self::Terminated => "terminated",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The supply gate (R19, R25): only an active reseller may bring new customer accounts.
    ///
    /// # Errors
    /// [`CoreError::Invalid`] on field `reseller_ref`, saying why.
    pub fn check_new_account(self, reseller_ref: &str) -> Result<(), CoreError> {
        match self {
            Self::Active => Ok(()),
            Self::UnderRemediation => Err(CoreError::invalid(
                "reseller_ref",
                format!("{reseller_ref} is under remediation; no new account may come through it (R19)"),
            )),
            Self::Terminated => Err(CoreError::invalid(
                "reseller_ref",
                format!("{reseller_ref} is terminated; no new account may come through it (R19)"),
            )),
        }
    }
}

/// A reseller's primary CIP contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ResellerContact {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Telephone (E.164 once validated).
    pub phone: String,
}

/// What an officer enters for a reseller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewReseller {
    /// The provider's reference, unique (what customer files name in `reseller_ref`).
    pub reseller_ref: String,
    /// Legal name.
    pub legal_name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Registration ids (company register, tax id), free text.
    #[serde(default)]
    pub registration_ids: String,
    /// Agreement start.
    #[ts(type = "string")]
    pub agreement_start: NaiveDate,
    /// Agreement end, if fixed.
    #[ts(type = "string | null")]
    pub agreement_end: Option<NaiveDate>,
    /// Primary CIP contact.
    pub contact: ResellerContact,
}

impl NewReseller {
    /// Checks every field, naming each bad one; normalises country and phone.
    ///
    /// # Errors
    /// [`CoreError::Invalid`] listing every bad field.
    pub fn validate(mut self) -> Result<Self, CoreError> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, problem: &str| {
            errors.push(FieldError { field: field.into(), problem: problem.into() });
        };
        self.reseller_ref = self.reseller_ref.trim().to_owned();
        if self.reseller_ref.is_empty() || self.reseller_ref.len() > 64 {
            fail("reseller_ref", "is required (at most 64 characters)");
        }
        self.legal_name = self.legal_name.trim().to_owned();
        if self.legal_name.is_empty() {
            fail("legal_name", "is required");
        }
        match normalise_country(&self.country) {
            Some(code) => self.country = code,
            None => fail("country", "is not an ISO 3166-1 two-letter country code"),
        }
        if self.agreement_end.is_some_and(|end| end < self.agreement_start) {
            fail("agreement_end", "is before the agreement's start");
        }
        if let Err(e) = validate_contact(&mut self.contact, &self.country) {
            errors.extend(e);
        }
        if errors.is_empty() { Ok(self) } else { Err(CoreError::Invalid(errors)) }
    }
}

/// Validates a contact in place (E.164 phone read in the reseller's country).
///
/// # Errors
/// The bad fields, as `contact.<field>`.
pub fn validate_contact(contact: &mut ResellerContact, country: &str) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    contact.name = contact.name.trim().to_owned();
    if contact.name.is_empty() {
        errors.push(FieldError { field: "contact.name".into(), problem: "is required".into() });
    }
    contact.email = contact.email.trim().to_owned();
    if !email_address::EmailAddress::is_valid(&contact.email) {
        errors.push(FieldError { field: "contact.email".into(), problem: "is not an email address".into() });
    }
    match normalise_phone(&contact.phone, country) {
        Some(e164) => contact.phone = e164,
        None => errors
            .push(FieldError { field: "contact.phone".into(), problem: "is not a telephone number".into() }),
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reseller() -> NewReseller {
        NewReseller {
            reseller_ref: " R-01 ".into(),
            legal_name: "Nordic Cloud Resale AB".into(),
            country: "se".into(),
            registration_ids: "556000-0000".into(),
            agreement_start: "2025-01-01".parse().expect("date"),
            agreement_end: None,
            contact: ResellerContact {
                name: "Sara Lind".into(),
                email: "cip@nordic-resale.example".into(),
                phone: "08 123 456 78".into(),
            },
        }
    }

    #[test]
    fn a_good_reseller_is_normalised() {
        let r = reseller().validate().expect("valid");
        assert_eq!((r.reseller_ref.as_str(), r.country.as_str()), ("R-01", "SE"));
        assert_eq!(r.contact.phone, "+46812345678");
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = reseller();
        bad.legal_name = " ".into();
        bad.country = "XX".into();
        bad.agreement_end = Some("2024-01-01".parse().expect("date"));
        bad.contact.email = "not an email".into();
        let err = bad.validate().expect_err("invalid");
        let text = err.to_string();
        for field in ["legal_name", "country", "agreement_end", "contact.email"] {
            assert!(text.contains(field), "{field} missing from {text}");
        }
    }

    #[test]
    fn only_an_active_reseller_passes_the_supply_gate() {
        assert!(ResellerStatus::Active.check_new_account("R-01").is_ok());
        let err = ResellerStatus::Terminated.check_new_account("R-01").expect_err("gate");
        assert!(err.to_string().contains("R-01 is terminated"), "{err}");
        assert!(ResellerStatus::UnderRemediation.check_new_account("R-01").is_err());
        for status in ResellerStatus::ALL {
            assert_eq!(ResellerStatus::from_code(status.code()), Some(status));
        }
    }
}
