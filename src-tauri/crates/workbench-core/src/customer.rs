//! Customers, accounts and their identifying information (R2–R6): the types, the validation of
//! what a person or an import enters, and the account state machine. Pure.
//!
//! Validation uses crates made for each job — `email_address` (RFC 5321/5322 syntax),
//! `phonenumber` (libphonenumber's metadata, E.164) and `isocountry` (ISO 3166-1) — and every
//! error names the field, never the value (it may be PII).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CoreError, FieldError};
use crate::rules::RiskTier;

/// Individual or entity (R2, R5: only entities have beneficial owners).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CustomerKind {
    /// A natural person.
    Individual,
    /// A company, partnership or other organisation.
    Entity,
}

/// U.S.-person determination (R3). A customer is foreign until shown otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UsPerson {
    /// Not yet determined: treated as foreign.
    Undetermined,
    /// A U.S. person (citizen, permanent resident, U.S. entity, or located in the U.S.).
    Yes,
    /// A foreign person.
    No,
}

impl UsPerson {
    /// Whether the rule's foreign-customer duties apply (undetermined counts as foreign).
    pub fn is_foreign(self) -> bool {
        self != Self::Yes
    }
}

/// Account states (R6). Only the transitions in [`AccountState::can_become`] are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccountState {
    /// Asked for an account; nothing collected yet.
    Applicant,
    /// Information collected; verification under way.
    PendingVerification,
    /// Access limited while verification is pending.
    Restricted,
    /// Access allowed under closer monitoring while verification is pending.
    Monitored,
    /// Identity verified.
    Verified,
    /// Refused (identity could not be verified or the customer may not be served).
    Refused,
    /// Closed (the retention clock of R10 runs from here or the last access).
    Closed,
}

impl AccountState {
    /// Every state, in life-cycle order.
    pub const ALL: [Self; 7] = [
        Self::Applicant,
        Self::PendingVerification,
        Self::Restricted,
        Self::Monitored,
        Self::Verified,
        Self::Refused,
        Self::Closed,
    ];

    /// The states this one may move to.
    pub fn next_states(self) -> &'static [Self] {
        use AccountState::*;
        match self {
            Applicant => &[PendingVerification, Refused, Closed],
            PendingVerification => &[Restricted, Monitored, Verified, Refused, Closed],
            Restricted => &[Monitored, Verified, Refused, Closed],
            Monitored => &[Restricted, Verified, Refused, Closed],
            // Re-verification (R7 new owners, R8 periodic) sends a verified account back.
            Verified => &[PendingVerification, Closed],
            // Redress (R6): an appeal another person grants sends a refusal back for review.
            Refused => &[PendingVerification, Closed],
            Closed => &[],
        }
    }

    /// Whether `self → to` is allowed.
    pub fn can_become(self, to: Self) -> bool {
        self.next_states().contains(&to)
    }

    /// Checks a transition, naming both states when it is not allowed.
    pub fn transition(self, to: Self) -> Result<Self, CoreError> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(CoreError::invalid(
                "state",
                format!("an account cannot go from {} to {}", self.label(), to.label()),
            ))
        }
    }

    /// Words for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::PendingVerification => "pending verification",
            Self::Restricted => "restricted",
            Self::Monitored => "monitored",
            Self::Verified => "verified",
            Self::Refused => "refused",
            Self::Closed => "closed",
        }
    }

    /// Still waiting for a verification decision (counts as "not verified", R12).
    pub fn is_unverified(self) -> bool {
        matches!(self, Self::Applicant | Self::PendingVerification | Self::Restricted | Self::Monitored)
    }
}

/// A structured postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Address {
    /// First line.
    pub line1: String,
    /// Second line.
    #[serde(default)]
    pub line2: String,
    /// City.
    pub city: String,
    /// Region, state or province.
    #[serde(default)]
    pub region: String,
    /// Postal code.
    #[serde(default)]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// How an account pays (R2: means and source of payment); never a full card number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Payment {
    /// Means, e.g. "card", "wire", "invoice".
    pub method: String,
    /// Last four digits of a card or account number, when there is one.
    #[serde(default)]
    pub last4: String,
    /// Source of the funds, e.g. the paying bank or the company paying.
    #[serde(default)]
    pub source: String,
    /// A card's network (visa, mastercard, …), read from its number when one was given.
    #[serde(default)]
    pub network: String,
}

/// What a person or an import row enters for a new customer (R2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewCustomer {
    /// The provider's own reference, unique.
    pub customer_ref: String,
    /// Individual or entity.
    pub kind: CustomerKind,
    /// Full name or legal name.
    pub name: String,
    /// Address.
    pub address: Address,
    /// Email addresses.
    pub emails: Vec<String>,
    /// Telephone numbers (any common format; stored as E.164).
    pub phones: Vec<String>,
    /// U.S.-person determination.
    pub us_person: UsPerson,
    /// Risk tier (R8 re-verification interval).
    pub risk_tier: RiskTier,
    /// First account's reference.
    pub account_ref: String,
    /// First account's payment.
    pub payment: Payment,
}

/// A validated customer: phones normalised to E.164, country upper-case, text trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidCustomer(pub NewCustomer);

impl NewCustomer {
    /// Checks every field; returns all problems at once (a form shows them together, an import
    /// row lists them all).
    pub fn validate(mut self) -> Result<ValidCustomer, CoreError> {
        let mut problems = Vec::new();
        let mut fail = |field: &str, problem: &str| {
            problems.push(FieldError { field: field.to_owned(), problem: problem.to_owned() });
        };
        self.customer_ref = self.customer_ref.trim().to_owned();
        self.name = self.name.trim().to_owned();
        self.account_ref = self.account_ref.trim().to_owned();
        if self.customer_ref.is_empty() {
            fail("customer_ref", "is required");
        }
        if self.name.is_empty() {
            fail("name", "is required");
        } else if self.name.chars().count() > 300 {
            fail("name", "is longer than 300 characters");
        }
        if self.account_ref.is_empty() {
            fail("account_ref", "is required");
        }
        match normalise_country(&self.address.country) {
            Some(code) => self.address.country = code,
            None => fail("country", "is not an ISO 3166-1 two-letter country code"),
        }
        if self.address.line1.trim().is_empty() {
            fail("address_line1", "is required");
        }
        if self.address.city.trim().is_empty() {
            fail("city", "is required");
        }
        self.emails = self.emails.iter().map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()).collect();
        for (i, email) in self.emails.iter().enumerate() {
            if !email_address::EmailAddress::is_valid(email) {
                fail(&format!("emails[{i}]"), "is not a valid email address");
            }
        }
        let mut phones = Vec::new();
        for (i, phone) in self.phones.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).enumerate() {
            match normalise_phone(phone, &self.address.country) {
                Some(e164) => phones.push(e164),
                None => {
                    fail(&format!("phones[{i}]"), "is not a valid telephone number (use +<country code> …)")
                }
            }
        }
        self.phones = phones;
        let last4 = self.payment.last4.trim();
        if !last4.is_empty() && (last4.len() != 4 || !last4.chars().all(|c| c.is_ascii_digit())) {
            fail("payment_last4", "must be exactly the last 4 digits (a full card number is never stored)");
        }
        self.payment.last4 = last4.to_owned();
        if self.payment.method.trim().is_empty() {
            fail("payment_method", "is required (R2: means of payment)");
        }
        if problems.is_empty() { Ok(ValidCustomer(self)) } else { Err(CoreError::Invalid(problems)) }
    }
}

/// `de`, ` DE ` → `DE`, when it is an ISO 3166-1 alpha-2 code.
pub fn normalise_country(text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    isocountry::CountryCode::for_alpha2(&code).ok().map(|_| code)
}

/// A telephone number in E.164 (`+4915112345678`), read with the customer's country as the
/// default region for numbers written without `+`.
pub fn normalise_phone(text: &str, country: &str) -> Option<String> {
    crate::phone::parse(text, country).map(|p| p.e164)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn customer() -> NewCustomer {
        NewCustomer {
            customer_ref: "C-004211".into(),
            kind: CustomerKind::Entity,
            name: "Müller Datentechnik GmbH".into(),
            address: Address {
                line1: "Hauptstraße 4".into(),
                line2: String::new(),
                city: "München".into(),
                region: "BY".into(),
                postal_code: "80331".into(),
                country: "de".into(),
            },
            emails: vec!["it@mueller-daten.de".into(), " ops@mueller-daten.de ".into()],
            phones: vec!["+49 151 23456789".into(), "089 1234567".into()],
            us_person: UsPerson::No,
            risk_tier: RiskTier::High,
            account_ref: "A-1".into(),
            payment: Payment {
                method: "card".into(),
                last4: "4242".into(),
                source: "Sparkasse".into(),
                network: String::new(),
            },
        }
    }

    #[test]
    fn a_good_customer_is_normalised() {
        let ValidCustomer(c) = customer().validate().expect("valid");
        assert_eq!(c.address.country, "DE");
        assert_eq!(c.phones, ["+4915123456789", "+49891234567"], "E.164, national numbers read as DE");
        assert_eq!(c.emails[1], "ops@mueller-daten.de");
    }

    #[rstest]
    #[case::no_name(|c: &mut NewCustomer| c.name = " ".into(), "name")]
    #[case::bad_country(|c: &mut NewCustomer| { c.address.country = "XX".into(); c.phones.truncate(1) }, "country")]
    #[case::bad_email(|c: &mut NewCustomer| c.emails = vec!["not-an-email".into()], "emails[0]")]
    #[case::bad_phone(|c: &mut NewCustomer| c.phones = vec!["+49 12".into()], "phones[0]")]
    #[case::full_card(|c: &mut NewCustomer| c.payment.last4 = "4242424242424242".into(), "payment_last4")]
    #[case::no_payment(|c: &mut NewCustomer| c.payment.method = String::new(), "payment_method")]
    #[case::no_city(|c: &mut NewCustomer| c.address.city = String::new(), "city")]
    fn each_bad_field_is_named(#[case] spoil: fn(&mut NewCustomer), #[case] field: &str) {
        let mut c = customer();
        spoil(&mut c);
        let Err(CoreError::Invalid(problems)) = c.validate() else { panic!("must be refused") };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, field);
        assert!(!problems[0].problem.contains("4242424242"), "a message never echoes the value");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut c = customer();
        c.name = String::new();
        c.address.country = "ZZ".into();
        c.emails = vec!["a@".into()];
        let Err(CoreError::Invalid(problems)) = c.validate() else { panic!("refused") };
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        // Without a valid country, a national number (no +) cannot be read either.
        assert_eq!(fields, ["name", "country", "emails[0]", "phones[1]"]);
    }

    #[test]
    fn the_state_machine_allows_only_the_documented_transitions() {
        use AccountState::*;
        let allowed = [
            (Applicant, PendingVerification),
            (Applicant, Refused),
            (Applicant, Closed),
            (PendingVerification, Restricted),
            (PendingVerification, Monitored),
            (PendingVerification, Verified),
            (PendingVerification, Refused),
            (PendingVerification, Closed),
            (Restricted, Monitored),
            (Restricted, Verified),
            (Restricted, Refused),
            (Restricted, Closed),
            (Monitored, Restricted),
            (Monitored, Verified),
            (Monitored, Refused),
            (Monitored, Closed),
            (Verified, PendingVerification),
            (Verified, Closed),
            // R6 redress: an appeal another person grants.
            (Refused, PendingVerification),
            (Refused, Closed),
        ];
        for from in AccountState::ALL {
            for to in AccountState::ALL {
                let expected = allowed.contains(&(from, to));
                assert_eq!(from.can_become(to), expected, "{from:?} → {to:?}");
                assert_eq!(from.transition(to).is_ok(), expected);
            }
        }
        let err = Closed.transition(Verified).expect_err("closed is final");
        assert_eq!(
            err.to_string(),
            "1 invalid field(s): state: an account cannot go from closed to verified"
        );
    }

    #[test]
    fn undetermined_counts_as_foreign() {
        assert!(UsPerson::Undetermined.is_foreign());
        assert!(UsPerson::No.is_foreign());
        assert!(!UsPerson::Yes.is_foreign());
    }
}
