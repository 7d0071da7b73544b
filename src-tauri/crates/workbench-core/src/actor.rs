//! Who is acting: local profiles with a role. Every change records its actor (R11), and
//! four-eyes decisions later need a second actor's confirmation.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;

/// What an actor may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    /// Compliance officer: everything, including managing actors and approving filings.
    Officer,
    /// Reviewer: works the verification queue.
    Reviewer,
    /// Viewer: reads only.
    Viewer,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Officer => "officer",
            Self::Reviewer => "reviewer",
            Self::Viewer => "viewer",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(text: &str) -> Result<Self, CoreError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "officer" => Ok(Self::Officer),
            "reviewer" => Ok(Self::Reviewer),
            "viewer" => Ok(Self::Viewer),
            _ => Err(CoreError::invalid("role", "must be officer, reviewer or viewer")),
        }
    }

    /// Whether this role may change records (viewers may not).
    pub fn can_write(self) -> bool {
        !matches!(self, Self::Viewer)
    }

    /// Whether this role may manage actor profiles.
    pub fn can_manage_actors(self) -> bool {
        matches!(self, Self::Officer)
    }
}

/// Checks an actor's display name: 1–80 characters after trimming, no control characters.
pub fn validate_actor_name(name: &str) -> Result<String, CoreError> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(CoreError::invalid("name", "is required"));
    }
    if trimmed.chars().count() > 80 {
        return Err(CoreError::invalid("name", "must be at most 80 characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(CoreError::invalid("name", "must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

/// The shortest passphrase accepted for a workspace or an actor.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// Checks a new passphrase's length (the only rule: long passphrases beat composition rules).
pub fn validate_new_passphrase(field: &str, passphrase: &str) -> Result<(), CoreError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(CoreError::invalid(field, format!("must be at least {MIN_PASSPHRASE_CHARS} characters")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("officer", Role::Officer)]
    #[case(" Reviewer ", Role::Reviewer)]
    #[case("VIEWER", Role::Viewer)]
    fn roles_parse(#[case] text: &str, #[case] role: Role) {
        assert_eq!(Role::parse(text).expect("parses"), role);
        assert_eq!(Role::parse(role.as_str()).expect("round trip"), role);
    }

    #[test]
    fn unknown_role_names_the_field() {
        assert_eq!(
            Role::parse("admin").expect_err("unknown").to_string(),
            "1 invalid field(s): role: must be officer, reviewer or viewer"
        );
    }

    #[test]
    fn permissions_follow_roles() {
        assert!(Role::Officer.can_manage_actors());
        assert!(!Role::Reviewer.can_manage_actors());
        assert!(Role::Reviewer.can_write());
        assert!(!Role::Viewer.can_write());
    }

    #[rstest]
    #[case("", "is required")]
    #[case("   ", "is required")]
    #[case("a\u{7}b", "must not contain control characters")]
    fn bad_names(#[case] name: &str, #[case] problem: &str) {
        let err = validate_actor_name(name).expect_err("invalid");
        assert_eq!(err, CoreError::invalid("name", problem));
    }

    #[test]
    fn names_are_trimmed_and_may_be_unicode() {
        assert_eq!(validate_actor_name("  Ana Souza ").expect("ok"), "Ana Souza");
        assert_eq!(validate_actor_name("Иванов Сергей").expect("ok"), "Иванов Сергей");
        assert!(validate_actor_name(&"x".repeat(81)).is_err());
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(validate_new_passphrase("passphrase", "short").is_err());
        assert!(validate_new_passphrase("passphrase", "correct horse battery").is_ok());
    }
}
