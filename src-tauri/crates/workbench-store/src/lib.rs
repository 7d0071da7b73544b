//! The encrypted workspace store of CIP Workbench.
//!
//! Owns everything that touches disk or the OS credential store: the SQLCipher database
//! ([`db`]), the data key ([`key`]) and the keyring probe ([`keyring`]). Depends on
//! `workbench-core` for domain types only; never on `tauri`, never on the UI.
//!
//! Invariant: a database handle exists only after SQLCipher has confirmed it is running
//! (`PRAGMA cipher_version` non-empty), so no code path can write compliance records to plain
//! SQLite by accident.

#![forbid(unsafe_code)]

pub mod actors;
pub mod adp;
pub mod ai;
pub mod anchor;
pub mod assessments;
pub mod audit;
pub mod backup;
mod bulk;
pub mod canonical;
pub mod cip;
pub mod customers;
pub mod db;
pub mod error;
pub mod evidence;
pub mod exemptions;
pub mod files;
pub mod filings;
pub mod key;
pub mod keyring;
pub mod keyslots;
pub mod lock;
pub mod measures;
pub mod migrations;
pub mod obligations;
pub mod provider;
pub mod resellers;
pub mod review;
pub mod rotate;
pub mod rule_packs;
pub mod screening;
pub mod secrets;
pub mod settings;
pub mod terms;
pub mod workspace;

pub use db::{Database, sqlcipher_version};
pub use error::StoreError;
pub use key::DataKey;
pub use keyring::{KeyringStatus, probe_keyring};
/// The SQLite binding, for callers that pass a transaction into repository functions.
pub use rusqlite;
pub use workspace::{Created, JobWorkspace, NewWorkspace, Unlock, Workspace};
