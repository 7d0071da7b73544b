//! Identity verification (R3, R4, R6, R7) as pure rules: the elements a reviewer verifies, the
//! methods, the decisions a reviewer may take and what each one needs. The store keeps the
//! records; the queue's order and deadlines come from here and from the rule pack.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Role;
use crate::error::CoreError;
use crate::rules::{RiskTier, RulePack};

/// A piece of a customer's identifying information that is verified on its own (R4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Element {
    /// The name.
    Name,
    /// The address.
    Address,
    /// An identity document (passport, register extract, …).
    IdentityDocument,
    /// Means and source of payment.
    Payment,
    /// Email addresses.
    Emails,
    /// Telephone numbers.
    Phones,
    /// IP addresses used for access and administration.
    IpAddresses,
    /// Beneficial owners (R5).
    BeneficialOwners,
    /// The U.S.-person determination (R3).
    UsPerson,
}

impl Element {
    /// Every element, in the order the review screen shows them.
    pub const ALL: [Self; 9] = [
        Self::Name,
        Self::Address,
        Self::IdentityDocument,
        Self::Payment,
        Self::Emails,
        Self::Phones,
        Self::IpAddresses,
        Self::BeneficialOwners,
        Self::UsPerson,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Address => "address",
            Self::IdentityDocument => "identity_document",
            Self::Payment => "payment",
            Self::Emails => "emails",
            Self::Phones => "phones",
            Self::IpAddresses => "ip_addresses",
            Self::BeneficialOwners => "beneficial_owners",
            Self::UsPerson => "us_person",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    /// Words for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Address => "Address",
            Self::IdentityDocument => "Identity document",
            Self::Payment => "Payment",
            Self::Emails => "Emails",
            Self::Phones => "Phones",
            Self::IpAddresses => "IP addresses",
            Self::BeneficialOwners => "Beneficial owners",
            Self::UsPerson => "U.S. person",
        }
    }
}

/// How an element was verified (R4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Method {
    /// Against a document (passport, register extract, utility bill).
    Documentary,
    /// By other means (database checks, a test payment, a call-back).
    NonDocumentary,
    /// Through a digital identity service.
    DigitalId,
}

impl Method {
    /// Every method.
    pub const ALL: [Self; 3] = [Self::Documentary, Self::NonDocumentary, Self::DigitalId];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Documentary => "documentary",
            Self::NonDocumentary => "non_documentary",
            Self::DigitalId => "digital_id",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// The outcome of checking one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Outcome {
    /// The element matches the evidence.
    Verified,
    /// It could not be verified or contradicts the evidence.
    Failed,
}

impl Outcome {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Failed => "failed",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Verified, Self::Failed].into_iter().find(|o| o.code() == code)
    }
}

/// A decision on a queue item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DecisionKind {
    /// Identity verified: the accounts become verified.
    Approve,
    /// Refused: needs a reason code and a second reviewer (four eyes).
    Refuse,
    /// More information needed: the item sleeps until a date.
    MoreInfo,
}

impl DecisionKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Refuse => "refuse",
            Self::MoreInfo => "more_info",
        }
    }
}

/// Where a customer's verification-queue item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QueueState {
    /// Waiting for a reviewer (maybe asleep until more information arrives).
    Waiting,
    /// A refusal waits for a second reviewer (four eyes).
    AwaitingSecond,
    /// Decided.
    Done,
}

/// Why a customer's item was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QueueReason {
    /// A new customer (R4).
    Onboarding,
    /// Periodic re-verification falling due (R8).
    Reverification,
    /// A beneficial owner was added (R7).
    NewOwner,
    /// A refused customer's appeal was granted by another person: the refusal is reviewed again
    /// (R6 redress).
    Appeal,
    /// The customer was approved without identity verification under an exemption of its account
    /// type, and the exemption has lapsed: its identity is verified now (R20).
    ExemptionLapsed,
}

/// Where a decision stands: a refusal is final only once a second reviewer confirms it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DecisionStatus {
    /// In force.
    Final,
    /// A refusal waiting for a second reviewer.
    AwaitingSecond,
    /// A refusal the second reviewer declined.
    Declined,
}

/// Reads a code as stored (the snake_case name every enum here serializes to), e.g.
/// `code::<QueueState>("awaiting_second")`; `None` for a code the enum does not have.
pub fn code<T: serde::de::DeserializeOwned>(stored: &str) -> Option<T> {
    use serde::de::IntoDeserializer as _;
    let text: serde::de::value::StrDeserializer<'_, serde::de::value::Error> = stored.into_deserializer();
    T::deserialize(text).ok()
}

/// The newest outcome recorded for each element of one customer.
pub type ElementStatus = Vec<(Element, Outcome)>;

/// Why a customer cannot be approved yet: the required elements not verified, in screen order.
///
/// # Errors
/// [`CoreError::Invalid`] on field `elements`, naming each one.
pub fn check_approvable(pack: &RulePack, status: &ElementStatus) -> Result<(), CoreError> {
    let missing: Vec<&str> = pack
        .verification
        .required_elements
        .iter()
        .filter(|required| !status.iter().any(|(e, o)| e == *required && *o == Outcome::Verified))
        .map(|e| e.label())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CoreError::invalid("elements", format!("not verified yet: {}", missing.join(", "))))
    }
}

/// The elements a beneficial owner has (R2 for owners, R5): an owner holds no accounts (no
/// payment) and has no owners of its own.
pub const OWNER_ELEMENTS: [Element; 7] = [
    Element::Name,
    Element::Address,
    Element::IdentityDocument,
    Element::Emails,
    Element::Phones,
    Element::IpAddresses,
    Element::UsPerson,
];

/// The elements each foreign beneficial owner must have verified (R5): the pack's
/// `owner_required_elements`, or else the customer's required elements an owner has.
pub fn owner_required_elements(pack: &RulePack) -> Vec<Element> {
    match &pack.verification.owner_required_elements {
        Some(list) => OWNER_ELEMENTS.into_iter().filter(|e| list.contains(e)).collect(),
        None => {
            OWNER_ELEMENTS.into_iter().filter(|e| pack.verification.required_elements.contains(e)).collect()
        }
    }
}

/// Checks a pack's owner elements: each must be one an owner has.
///
/// # Errors
/// [`CoreError::Invalid`] on field `verification.owner_required_elements`.
pub fn check_owner_elements(pack: &RulePack) -> Result<(), CoreError> {
    let foreign: Vec<&str> = pack
        .verification
        .owner_required_elements
        .iter()
        .flatten()
        .filter(|e| !OWNER_ELEMENTS.contains(e))
        .map(|e| e.code())
        .collect();
    if foreign.is_empty() {
        Ok(())
    } else {
        Err(CoreError::invalid(
            "verification.owner_required_elements",
            format!("an owner has no {} to verify", foreign.join(", ")),
        ))
    }
}

/// One beneficial owner as the approval gate sees it (R3, R5).
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerStatus {
    /// Percent of ownership, when known.
    pub ownership_pct: Option<f64>,
    /// Exercises substantial control.
    pub control: bool,
    /// The owner's U.S.-person status.
    pub us_person: crate::customer::UsPerson,
    /// The newest determination of that status names its evidence.
    pub determined_with_evidence: bool,
    /// The newest outcome of each of the owner's checked elements.
    pub checks: ElementStatus,
}

impl OwnerStatus {
    /// At or over the pack's threshold, or with control (R5).
    pub fn is_beneficial(&self, threshold_pct: f64) -> bool {
        self.control || self.ownership_pct.is_some_and(|p| p >= threshold_pct)
    }

    /// What this owner still lacks before its customer can be approved, in screen order (empty:
    /// nothing). Only beneficial owners are verified; a U.S. person needs only the determination
    /// with its evidence; an undetermined owner counts as foreign (R3).
    pub fn missing(&self, pack: &RulePack) -> Vec<Element> {
        if !self.is_beneficial(f64::from(pack.beneficial_owner.threshold.percent)) {
            return Vec::new();
        }
        let determined =
            self.us_person != crate::customer::UsPerson::Undetermined && self.determined_with_evidence;
        owner_required_elements(pack)
            .into_iter()
            .filter(|e| match e {
                Element::UsPerson => !determined,
                _ if determined && self.us_person == crate::customer::UsPerson::Yes => false,
                _ => !self.checks.iter().any(|(c, o)| c == e && *o == Outcome::Verified),
            })
            .collect()
    }
}

/// Why the owners keep a customer from approval (R5): one field per owner still lacking
/// elements, `owners[i]` in the order given (names are never echoed).
///
/// # Errors
/// [`CoreError::Invalid`], one field per owner.
pub fn check_owners_approvable(pack: &RulePack, owners: &[OwnerStatus]) -> Result<(), CoreError> {
    let fields: Vec<crate::error::FieldError> = owners
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let missing = o.missing(pack);
            (!missing.is_empty()).then(|| crate::error::FieldError {
                field: format!("owners[{i}]"),
                problem: format!(
                    "beneficial owner {} of {}: not verified yet: {}",
                    i + 1,
                    owners.len(),
                    missing.iter().map(|e| e.label()).collect::<Vec<_>>().join(", ")
                ),
            })
        })
        .collect();
    if fields.is_empty() { Ok(()) } else { Err(CoreError::Invalid(fields)) }
}

/// Checks that `method` is one the pack (the CIP) accepts (R4).
///
/// # Errors
/// [`CoreError::Invalid`] on field `method`.
pub fn check_method(pack: &RulePack, method: Method) -> Result<(), CoreError> {
    if pack.verification.methods.contains(&method) {
        Ok(())
    } else {
        Err(CoreError::invalid("method", format!("{} is not a method this CIP accepts", method.code())))
    }
}

/// Checks a refusal's reason code against the pack's list.
///
/// # Errors
/// [`CoreError::Invalid`] on field `reason`.
pub fn check_refusal_reason(pack: &RulePack, code: &str) -> Result<(), CoreError> {
    if pack.verification.refusal_reasons.iter().any(|r| r.code == code) {
        Ok(())
    } else {
        Err(CoreError::invalid("reason", format!("'{code}' is not a refusal reason of the active rule pack")))
    }
}

/// Four eyes: the confirming reviewer must be another person who may decide.
///
/// # Errors
/// [`CoreError::Invalid`] on field `second_reviewer`.
pub fn check_second_reviewer(
    decided_by: &str,
    confirmer: &str,
    confirmer_role: Role,
) -> Result<(), CoreError> {
    if confirmer == decided_by {
        return Err(CoreError::invalid(
            "second_reviewer",
            "a refusal must be confirmed by a different reviewer (four eyes)",
        ));
    }
    if confirmer_role == Role::Viewer {
        return Err(CoreError::invalid("second_reviewer", "a viewer cannot confirm a refusal"));
    }
    Ok(())
}

/// When a queue item opened at `opened_at` for a customer of `tier` is due (the pack's SLA).
pub fn sla_due(pack: &RulePack, tier: RiskTier, opened_at: DateTime<Utc>) -> DateTime<Utc> {
    opened_at + Duration::days(pack.verification.sla_days(tier))
}

/// The queue's sort rank for a tier: higher is more urgent.
pub fn risk_rank(tier: RiskTier) -> i64 {
    match tier {
        RiskTier::Low => 0,
        RiskTier::Medium => 1,
        RiskTier::High => 2,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_codes_read_back_as_their_enums() {
        use super::{DecisionStatus, QueueReason, QueueState, code};
        assert_eq!(code::<QueueState>("awaiting_second"), Some(QueueState::AwaitingSecond));
        assert_eq!(code::<QueueReason>("new_owner"), Some(QueueReason::NewOwner));
        assert_eq!(code::<DecisionStatus>("declined"), Some(DecisionStatus::Declined));
        assert_eq!(
            code::<crate::customer::AccountState>("pending_verification"),
            Some(crate::customer::AccountState::PendingVerification)
        );
        assert_eq!(code::<QueueState>("launched"), None);
    }

    use super::*;

    fn all_verified(except: &[Element]) -> ElementStatus {
        Element::ALL
            .into_iter()
            .map(|e| (e, if except.contains(&e) { Outcome::Failed } else { Outcome::Verified }))
            .collect()
    }

    fn owner(pct: Option<f64>, control: bool, us: crate::customer::UsPerson, evidence: bool) -> OwnerStatus {
        OwnerStatus {
            ownership_pct: pct,
            control,
            us_person: us,
            determined_with_evidence: evidence,
            checks: Vec::new(),
        }
    }

    #[test]
    fn a_foreign_beneficial_owner_blocks_approval_until_each_owner_element_is_verified() {
        use crate::customer::UsPerson;
        let pack = &RulePack::built_in().pack;
        assert_eq!(
            owner_required_elements(pack),
            [Element::Name, Element::Address, Element::IdentityDocument, Element::UsPerson]
        );
        // 40 %, foreign, determined with evidence: name, address and document still to verify.
        let mut o = owner(Some(40.0), false, UsPerson::No, true);
        assert_eq!(o.missing(pack), [Element::Name, Element::Address, Element::IdentityDocument]);
        o.checks = vec![
            (Element::Name, Outcome::Verified),
            (Element::Address, Outcome::Verified),
            (Element::IdentityDocument, Outcome::Failed),
        ];
        let err = check_owners_approvable(pack, &[owner(Some(10.0), false, UsPerson::No, false), o.clone()])
            .expect_err("blocked");
        let CoreError::Invalid(fields) = err else { panic!("invalid") };
        assert_eq!(fields.len(), 1, "the 10 % owner is not beneficial: {fields:?}");
        assert_eq!(fields[0].field, "owners[1]");
        assert_eq!(fields[0].problem, "beneficial owner 2 of 2: not verified yet: Identity document");
        o.checks[2].1 = Outcome::Verified;
        assert!(check_owners_approvable(pack, &[o]).is_ok());
    }

    #[test]
    fn an_owners_us_person_status_needs_a_determination_with_evidence() {
        use crate::customer::UsPerson;
        let pack = &RulePack::built_in().pack;
        // Control without a percentage is beneficial; undetermined counts as foreign.
        assert_eq!(
            owner(None, true, UsPerson::Undetermined, false).missing(pack),
            [Element::Name, Element::Address, Element::IdentityDocument, Element::UsPerson]
        );
        // "Yes" imported, no evidence behind it: still to determine, and foreign until then.
        assert_eq!(owner(Some(25.0), false, UsPerson::Yes, false).missing(pack).len(), 4);
        // A U.S. person shown with evidence needs nothing more (R5 verifies foreign owners).
        assert!(owner(Some(25.0), false, UsPerson::Yes, true).missing(pack).is_empty());
        // Exactly at the threshold is beneficial; just under is not.
        assert!(owner(Some(24.99), false, UsPerson::No, true).missing(pack).is_empty());
        assert_eq!(owner(Some(25.0), false, UsPerson::No, true).missing(pack).len(), 3);
    }

    #[test]
    fn a_pack_chooses_the_owner_elements_and_an_element_an_owner_lacks_is_refused() {
        use crate::customer::UsPerson;
        let mut pack = RulePack::built_in().pack;
        pack.verification.owner_required_elements = Some(vec![Element::Name, Element::Emails]);
        assert_eq!(
            owner(Some(50.0), false, UsPerson::No, true).missing(&pack),
            [Element::Name, Element::Emails]
        );
        pack.verification.owner_required_elements = None;
        assert_eq!(
            owner_required_elements(&pack),
            [
                Element::Name,
                Element::Address,
                Element::IdentityDocument,
                Element::Emails,
                Element::Phones,
                Element::UsPerson
            ],
            "absent: the customer's required elements an owner has (no payment)"
        );
        pack.verification.owner_required_elements = Some(vec![Element::Payment]);
        let err = check_owner_elements(&pack).expect_err("payment is the customer's");
        assert!(err.to_string().contains("an owner has no payment"), "{err}");
    }

    #[test]
    fn approval_needs_every_required_element_and_names_the_missing_ones() {
        let pack = &RulePack::built_in().pack;
        assert!(check_approvable(pack, &all_verified(&[])).is_ok());
        let err = check_approvable(pack, &all_verified(&[Element::Address, Element::Payment]))
            .expect_err("refused");
        assert_eq!(err.to_string(), "1 invalid field(s): elements: not verified yet: Address, Payment");
        let err = check_approvable(pack, &Vec::new()).expect_err("refused");
        for required in &pack.verification.required_elements {
            assert!(err.to_string().contains(required.label()), "{err} lacks {}", required.label());
        }
    }

    #[test]
    fn an_optional_element_does_not_block_approval() {
        let pack = &RulePack::built_in().pack;
        let optional: Vec<Element> =
            Element::ALL.into_iter().filter(|e| !pack.verification.required_elements.contains(e)).collect();
        assert!(!optional.is_empty(), "the built-in pack leaves some elements optional");
        assert!(check_approvable(pack, &all_verified(&optional)).is_ok());
    }

    #[test]
    fn the_same_person_cannot_confirm_their_own_refusal() {
        assert!(check_second_reviewer("a", "a", Role::Officer).is_err());
        assert!(check_second_reviewer("a", "b", Role::Viewer).is_err());
        assert!(check_second_reviewer("a", "b", Role::Reviewer).is_ok());
        assert!(check_second_reviewer("a", "b", Role::Officer).is_ok());
    }

    #[test]
    fn refusal_reasons_and_methods_come_from_the_pack() {
        let pack = &RulePack::built_in().pack;
        let first = &pack.verification.refusal_reasons[0].code;
        assert!(check_refusal_reason(pack, first).is_ok());
        assert!(check_refusal_reason(pack, "because").is_err());
        for method in Method::ALL {
            assert_eq!(check_method(pack, method).is_ok(), pack.verification.methods.contains(&method));
        }
    }

    #[test]
    fn sla_is_counted_from_opening_by_tier() {
        let pack = &RulePack::built_in().pack;
        let opened: DateTime<Utc> = "2026-03-01T09:00:00Z".parse().expect("time");
        for tier in [RiskTier::Low, RiskTier::Medium, RiskTier::High] {
            let due = sla_due(pack, tier, opened);
            assert_eq!((due - opened).num_days(), pack.verification.sla_days(tier));
        }
        assert!(pack.verification.sla_days(RiskTier::High) <= pack.verification.sla_days(RiskTier::Low));
    }

    #[test]
    fn codes_round_trip() {
        for e in Element::ALL {
            assert_eq!(Element::from_code(e.code()), Some(e));
        }
        for m in Method::ALL {
            assert_eq!(Method::from_code(m.code()), Some(m));
        }
        assert_eq!(Outcome::from_code("failed"), Some(Outcome::Failed));
        assert_eq!(Element::from_code("shoe size"), None);
    }
}
