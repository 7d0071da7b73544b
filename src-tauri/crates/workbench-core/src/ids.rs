//! Typed identifiers.
//!
//! Every record is keyed by a UUIDv7 (time-ordered, so B-tree inserts stay local) wrapped in a
//! newtype, so a `CustomerId` can never be passed where a `ResellerId` is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use crate::error::CoreError;

macro_rules! id_newtype {
    ($(#[$doc:meta] $name:ident => $kind:literal),+ $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        #[ts(export, type = "string")]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered id (UUIDv7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The underlying UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// The kind of record this id names, for messages.
            pub const KIND: &'static str = $kind;
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = CoreError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self).map_err(|_| CoreError::BadId { kind: $kind })
            }
        }
    )+};
}

id_newtype! {
    /// Identifies a workspace (one encrypted case database and its evidence vault).
    WorkspaceId => "workspace",
    /// Identifies an actor: a local person profile that changes records (R11).
    ActorId => "actor",
    /// Identifies a customer (individual or entity, R2).
    CustomerId => "customer",
    /// Identifies a foreign reseller (R17–R19).
    ResellerId => "reseller",
    /// Identifies a piece of evidence in the vault (R4).
    EvidenceId => "evidence",
    /// Identifies a filing (R12–R15).
    FilingId => "filing",
    /// Identifies an event obligations are dated from (R13–R23).
    EventId => "event",
}

/// Who an audited change names as its author: a person, or the workbench itself (the work at
/// creation and open, a rebuild from the recovery sheet). Recorded as the actor id, or `system`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorRef {
    /// A person's actor profile.
    Person(ActorId),
    /// The workbench, on no one's behalf.
    System,
}

impl From<ActorId> for ActorRef {
    fn from(id: ActorId) -> Self {
        Self::Person(id)
    }
}

impl FromStr for ActorRef {
    type Err = CoreError;

    /// Reads what [`fmt::Display`] wrote: `system`, or an actor id.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "system" { Ok(Self::System) } else { s.parse().map(Self::Person) }
    }
}

impl fmt::Display for ActorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Person(id) => id.fmt(f),
            Self::System => f.write_str("system"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn ids_are_time_ordered() {
        let a = CustomerId::new();
        let b = CustomerId::new();
        assert!(a < b, "UUIDv7 ids must sort by creation time");
        assert_eq!(a.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn round_trips_through_text_and_json() {
        let id = FilingId::new();
        let parsed: FilingId = id.to_string().parse().expect("parses");
        assert_eq!(parsed, id);
        let json = serde_json::to_string(&id).expect("serializes");
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<FilingId>(&json).expect("deserializes"), id);
    }

    #[test]
    fn an_actor_ref_is_recorded_as_the_id_or_system() {
        let id = ActorId::new();
        assert_eq!(ActorRef::from(id).to_string(), id.to_string());
        assert_eq!(ActorRef::System.to_string(), "system");
        for who in [ActorRef::from(id), ActorRef::System] {
            assert_eq!(who.to_string().parse::<ActorRef>(), Ok(who));
        }
        assert_eq!("nobody".parse::<ActorRef>(), Err(CoreError::BadId { kind: "actor" }));
    }

    #[rstest]
    #[case("")]
    #[case("not-a-uuid")]
    #[case("0191e0b2-1c3d-7e4f-8a9b")]
    fn bad_text_names_the_kind(#[case] text: &str) {
        let err = text.parse::<ResellerId>().expect_err("must fail");
        assert_eq!(err, CoreError::BadId { kind: "reseller" });
        assert_eq!(err.to_string(), "not a valid reseller id");
    }
}
