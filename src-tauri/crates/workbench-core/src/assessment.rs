//! Compliance assessments by Commerce (R16) as pure rules: the file an officer records one from
//! (what was assessed, by whom, each finding with its severity, the requirements it concerns and
//! the date Commerce set to remediate it), checked field by field before anything is stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CoreError, FieldError};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Severity {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

impl Severity {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// One finding as Commerce wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct FindingInput {
    /// What was found.
    pub title: String,
    /// How serious.
    pub severity: Severity,
    /// The requirements it concerns, e.g. `["R5"]`.
    pub rids: Vec<String>,
    /// Remediate by (Commerce's date).
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    /// Who in the provider's team answers for it.
    pub owner: String,
}

/// An assessment as recorded (a TOML file for the CLI, a form in the window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct AssessmentInput {
    /// When Commerce assessed.
    #[ts(type = "string")]
    pub assessed_on: NaiveDate,
    /// What it covered.
    pub scope: String,
    /// Commerce's reference.
    pub assessor_reference: String,
    /// Commerce requires the remediated CIP to be resubmitted.
    #[serde(default)]
    pub resubmission_required: bool,
    /// The shortcomings found (may be none).
    #[serde(default)]
    pub findings: Vec<FindingInput>,
}

/// Reads an assessment file (TOML).
///
/// # Errors
/// [`CoreError::Invalid`] naming the key of the first syntax or type error, or every field that
/// fails [`check`].
pub fn parse(text: &str, today: NaiveDate) -> Result<AssessmentInput, CoreError> {
    let input: AssessmentInput = crate::toml_file::from_toml(text)?;
    check(&input, today)?;
    Ok(input)
}

/// Checks an assessment: text present, requirement ids among R1–R27, no date in the future for
/// the assessment, each remediation date on or after it.
///
/// # Errors
/// [`CoreError::Invalid`], one field per problem (`findings[1].due_on`).
pub fn check(input: &AssessmentInput, today: NaiveDate) -> Result<(), CoreError> {
    let mut errors = Vec::new();
    let mut bad =
        |field: String, problem: &str| errors.push(FieldError { field, problem: problem.to_owned() });
    if input.assessed_on > today {
        bad("assessed_on".into(), "is after today");
    }
    if input.scope.trim().is_empty() {
        bad("scope".into(), "is required (what the assessment covered)");
    }
    if input.assessor_reference.trim().is_empty() {
        bad("assessor_reference".into(), "is required (Commerce's reference)");
    }
    for (i, f) in input.findings.iter().enumerate() {
        if f.title.trim().is_empty() {
            bad(format!("findings[{i}].title"), "is required");
        }
        if f.owner.trim().is_empty() {
            bad(format!("findings[{i}].owner"), "is required (who answers for the remediation)");
        }
        if f.rids.is_empty() {
            bad(format!("findings[{i}].rids"), "names no requirement (e.g. [\"R5\"])");
        }
        if f.rids.iter().any(|r| !is_rid(r)) {
            bad(format!("findings[{i}].rids"), "holds an id that is not one of R1 to R27");
        }
        if f.due_on < input.assessed_on {
            bad(format!("findings[{i}].due_on"), "is before the assessment");
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(CoreError::Invalid(errors)) }
}

/// `R1` … `R27`.
fn is_rid(text: &str) -> bool {
    text.strip_prefix('R').and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (1..=27).contains(&n))
        && !text[1..].starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-12-06".parse().expect("date")
    }

    /// The template users start from.
    const GOOD: &str = include_str!("../../../../assets/templates/assessment.toml");

    #[test]
    fn a_good_file_reads_with_its_findings() {
        let a = parse(GOOD, today()).expect("good");
        assert!(a.resubmission_required);
        assert_eq!(a.findings.len(), 2);
        assert_eq!(a.findings[0].severity, Severity::High);
        assert_eq!(a.findings[1].rids, ["R18", "R17"]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = GOOD.replace("2026-12-15", "2026-09-01").replace("[\"R5\"]", "[\"R5\", \"R28\"]").replacen(
            "Olivia Officer",
            " ",
            1,
        );
        let CoreError::Invalid(fields) = parse(&bad, today()).expect_err("bad") else { panic!("invalid") };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["findings[0].owner", "findings[0].rids", "findings[0].due_on"]);
        let future = GOOD.replace("2026-10-01", "2027-01-01");
        assert!(parse(&future, today()).expect_err("future").to_string().contains("assessed_on"));
        let typo = GOOD.replace("severity = \"high\"", "severity = \"grave\"");
        let err = parse(&typo, today()).expect_err("severity").to_string();
        assert!(err.contains("findings[0].severity") && err.contains("unknown variant `grave`"), "{err}");
        // Dates as TOML's own or quoted.
        let bare = GOOD.replace("\"2026-10-01\"", "2026-10-01");
        assert_eq!(
            parse(&bare, today()).expect("bare date").assessed_on,
            parse(GOOD, today()).expect("good").assessed_on
        );
        let unknown = format!("{GOOD}\ncolour = \"red\"\n");
        assert!(parse(&unknown, today()).is_err(), "unknown keys are refused");
    }

    #[test]
    fn requirement_ids_are_r1_to_r27() {
        assert!(is_rid("R1") && is_rid("R16") && is_rid("R27"));
        assert!(!is_rid("R0") && !is_rid("R28") && !is_rid("R05") && !is_rid("r5") && !is_rid("R"));
    }
}
