//! Domain core of CIP Workbench.
//!
//! Owns the vocabulary every other crate speaks: identifiers, the injected [`Clock`], and the
//! validation error that names the field at fault. Must stay pure: no file, database, network or
//! UI code, and no dependency on `tauri`, so that rules can be tested as plain functions.

#![forbid(unsafe_code)]

pub mod about;
pub mod actor;
pub mod adp;
pub mod ai;
pub mod assessment;
pub mod attestation;
pub mod audit;
pub mod card;
pub mod cip;
pub mod clock;
pub mod customer;
pub mod error;
pub mod exemption;
pub mod filing;
pub mod ids;
pub mod import;
pub mod measures;
pub mod obligations;
pub mod packet;
pub mod phone;
pub mod quantity;
pub mod reseller;
pub mod rules;
pub mod toml_file;
pub mod verification;

pub use about::{AboutSheet, Fact};
pub use actor::{Role, validate_actor_name, validate_new_passphrase};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{CoreError, FieldError};
pub use ids::{ActorId, ActorRef, CustomerId, EventId, EvidenceId, FilingId, ResellerId, WorkspaceId};
