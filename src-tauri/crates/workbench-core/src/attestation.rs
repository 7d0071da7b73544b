//! Foreign resellers' annual attestations (R18 with R13): what a reseller returns for a calendar
//! year, the checks on it, and the reseller × year matrix an officer reads at a glance.
//!
//! A *period* is the calendar year the attestation covers; it falls due to the provider in the
//! next year, on the pack's `deadlines.reseller_attestation` day.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CoreError, FieldError};

/// The counts a reseller reports for its period (R13, R18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportedCounts {
    /// Foreign customers served through the reseller at the period's end.
    pub customers: u32,
    /// Times identity could not be verified during the period.
    pub unverified: u32,
    /// Accounts refused during the period.
    pub refused: u32,
}

/// A signed return as an officer records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttestationReturn {
    /// The reseller.
    pub reseller_ref: String,
    /// The calendar year it covers.
    pub period: i32,
    /// The day the signed return reached the provider.
    #[ts(type = "string")]
    pub returned_on: NaiveDate,
    /// The counts reported.
    pub counts: ReportedCounts,
    /// Keys of the pack's annual statements the reseller affirmed; a statement left out is an
    /// exception the officer must follow up.
    pub affirmed: Vec<String>,
    /// Free note (how exceptions are being handled, who signed).
    #[serde(default)]
    pub note: String,
}

impl AttestationReturn {
    /// Checks the return against today and the pack's statement keys, naming each bad field.
    ///
    /// # Errors
    /// [`CoreError::Invalid`] listing every bad field.
    pub fn validate(mut self, today: NaiveDate, statements: &[&str]) -> Result<Self, CoreError> {
        let mut errors = Vec::new();
        let mut fail =
            |field: &str, problem: String| errors.push(FieldError { field: field.into(), problem });
        self.reseller_ref = self.reseller_ref.trim().to_owned();
        if self.reseller_ref.is_empty() {
            fail("reseller_ref", "is required".into());
        }
        if let Err(problem) = check_period(self.period, today) {
            fail("period", problem);
        }
        if self.returned_on > today {
            fail("returned_on", "cannot be in the future".into());
        }
        if let Some(unknown) = self.affirmed.iter().find(|k| !statements.contains(&k.as_str())) {
            fail("affirmed", format!("“{unknown}” is not one of the pack's annual statements"));
        }
        self.affirmed.sort();
        self.affirmed.dedup();
        self.note = self.note.trim().to_owned();
        if self.note.chars().count() > 4000 {
            fail("note", "is longer than 4000 characters".into());
        }
        if errors.is_empty() { Ok(self) } else { Err(CoreError::Invalid(errors)) }
    }

    /// Whether every statement was affirmed.
    pub fn complete(&self, statements: &[&str]) -> bool {
        statements.iter().all(|s| self.affirmed.iter().any(|a| a == s))
    }
}

/// A period can be attested once it has ended, and not before 2000.
///
/// # Errors
/// Why not, in words.
pub fn check_period(period: i32, today: NaiveDate) -> Result<(), String> {
    if period < 2000 {
        Err(format!("{period} is not a calendar year this workbench covers"))
    } else if period >= today.year() {
        Err(format!("{period} has not ended yet"))
    } else {
        Ok(())
    }
}

/// Where one reseller stands for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CellStatus {
    /// Outside the agreement, or the period has not ended.
    NotApplicable,
    /// Due later; nothing sent yet.
    Open,
    /// The request went out; no return yet, not yet due.
    Requested,
    /// Due and not returned.
    Overdue,
    /// Returned with a statement not affirmed: follow up.
    Exceptions,
    /// Returned, every statement affirmed.
    Complete,
}

impl CellStatus {
    /// As printed in filings and lists.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotApplicable => "not due",
            Self::Open => "open",
            Self::Requested => "requested",
            Self::Overdue => "overdue",
            Self::Exceptions => "returned with exceptions",
            Self::Complete => "complete",
        }
    }
}

/// What the store knows of one reseller's attestation for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationFacts {
    /// The period.
    pub period: i32,
    /// A request was generated.
    pub requested: bool,
    /// A return was recorded: `Some(true)` when every statement was affirmed.
    pub returned_complete: Option<bool>,
}

/// The cell for one reseller and period. `agreement` is the reseller's agreement start and end;
/// `due_on` the pack's due day in the year after the period.
pub fn cell_status(
    period: i32,
    agreement: (NaiveDate, Option<NaiveDate>),
    facts: Option<&AttestationFacts>,
    due_on: NaiveDate,
    today: NaiveDate,
) -> CellStatus {
    let (start, end) = agreement;
    let outside = start.year() > period || end.is_some_and(|e| e.year() < period);
    match facts.and_then(|f| f.returned_complete) {
        Some(true) => return CellStatus::Complete,
        Some(false) => return CellStatus::Exceptions,
        None => {}
    }
    if outside || period >= today.year() {
        CellStatus::NotApplicable
    } else if today > due_on {
        CellStatus::Overdue
    } else if facts.is_some_and(|f| f.requested) {
        CellStatus::Requested
    } else {
        CellStatus::Open
    }
}

/// The annual attestation request a provider sends a foreign reseller: the view-model the PDF
/// engine lays out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationRequest {
    /// The provider's legal name.
    pub provider: String,
    /// The provider's primary CIP contact, one line (name, email).
    pub provider_contact: String,
    /// Reseller reference.
    pub reseller_ref: String,
    /// Reseller legal name.
    pub legal_name: String,
    /// Reseller country (ISO code).
    pub country: String,
    /// The calendar year attested.
    pub period: i32,
    /// Return by (YYYY-MM-DD).
    pub due_on: String,
    /// The pack's annual statements: (title, requirement id).
    pub statements: Vec<(String, String)>,
    /// The rule pack's id, printed so the reader knows which rule the statements come from.
    pub pack: String,
    /// When it was made.
    pub generated_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    const STATEMENTS: [&str; 2] = ["cip_reviewed", "compliant"];

    fn ret() -> AttestationReturn {
        AttestationReturn {
            reseller_ref: " R-01 ".into(),
            period: 2025,
            returned_on: day("2026-01-10"),
            counts: ReportedCounts { customers: 40, unverified: 2, refused: 1 },
            affirmed: vec!["compliant".into(), "cip_reviewed".into(), "compliant".into()],
            note: String::new(),
        }
    }

    #[test]
    fn a_good_return_is_normalised_and_complete() {
        let r = ret().validate(day("2026-02-01"), &STATEMENTS).expect("valid");
        assert_eq!(r.reseller_ref, "R-01");
        assert_eq!(r.affirmed, ["cip_reviewed", "compliant"]);
        assert!(r.complete(&STATEMENTS));
        let mut partial = r.clone();
        partial.affirmed.pop();
        assert!(!partial.complete(&STATEMENTS));
    }

    #[test]
    fn bad_fields_are_named() {
        let mut bad = ret();
        bad.period = 2026;
        bad.returned_on = day("2026-03-01");
        bad.affirmed.push("made_up".into());
        let text = bad.validate(day("2026-02-01"), &STATEMENTS).expect_err("invalid").to_string();
        for needle in ["period: 2026 has not ended yet", "returned_on", "“made_up”"] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
    }

    #[test]
    fn cells_follow_the_agreement_the_due_day_and_the_return() {
        let agreement = (day("2024-05-01"), None);
        let due = day("2026-01-15");
        let requested = AttestationFacts { period: 2025, requested: true, returned_complete: None };
        let returned = |complete| AttestationFacts { returned_complete: Some(complete), ..requested.clone() };
        let at = |today: &str, facts: Option<&AttestationFacts>| {
            cell_status(2025, agreement, facts, due, day(today))
        };
        assert_eq!(at("2025-12-01", None), CellStatus::NotApplicable, "the period has not ended");
        assert_eq!(at("2026-01-02", None), CellStatus::Open);
        assert_eq!(at("2026-01-02", Some(&requested)), CellStatus::Requested);
        assert_eq!(at("2026-01-15", Some(&requested)), CellStatus::Requested, "due today is not late");
        assert_eq!(at("2026-01-16", Some(&requested)), CellStatus::Overdue);
        assert_eq!(at("2026-01-16", Some(&returned(true))), CellStatus::Complete);
        assert_eq!(at("2026-01-16", Some(&returned(false))), CellStatus::Exceptions);
        let before = cell_status(2023, agreement, None, day("2024-01-15"), day("2026-01-16"));
        assert_eq!(before, CellStatus::NotApplicable, "before the agreement");
        let ended =
            cell_status(2025, (day("2020-01-01"), Some(day("2024-06-30"))), None, due, day("2026-02-01"));
        assert_eq!(ended, CellStatus::NotApplicable, "after the agreement ended");
    }
}
