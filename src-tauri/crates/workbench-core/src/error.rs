//! Errors raised by domain rules.
//!
//! A domain error always says *which* field is wrong and why, in words a compliance officer
//! uses, so the UI can show it beside the field and the CLI can name it in an import row.

use serde::Serialize;
use ts_rs::TS;

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `owners[1].ownership_percent`.
    pub field: String,
    /// What is wrong, safe to show to the user (never echoes the raw value: it may be PII).
    pub problem: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

/// Errors of the domain core.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CoreError {
    /// One or more fields are invalid; the list is never empty.
    #[error("{} invalid field(s): {}", .0.len(), join(.0))]
    Invalid(Vec<FieldError>),
    /// An identifier did not parse.
    #[error("not a valid {kind} id")]
    BadId {
        /// The kind of id expected, e.g. "customer".
        kind: &'static str,
    },
}

impl CoreError {
    /// A single invalid field.
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError { field: field.into(), problem: problem.into() }])
    }
}

fn join(errors: &[FieldError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_names_every_field() {
        let err = CoreError::Invalid(vec![
            FieldError { field: "name".into(), problem: "is required".into() },
            FieldError { field: "phones[0]".into(), problem: "is not an E.164 number".into() },
        ]);
        assert_eq!(
            err.to_string(),
            "2 invalid field(s): name: is required; phones[0]: is not an E.164 number"
        );
    }

    #[test]
    fn single_field_shortcut() {
        let err = CoreError::invalid("country", "is not an ISO 3166-1 code");
        assert_eq!(err.to_string(), "1 invalid field(s): country: is not an ISO 3166-1 code");
    }
}
