//! Use cases of CIP Workbench: the single API surface shared by the GUI and the CLI.
//!
//! Every user-visible operation is a function here taking a [`Context`]; the Tauri commands and
//! the CLI subcommands are thin adapters over them. DTOs crossing to the UI derive `ts_rs::TS`
//! and are exported to `ui/src/lib/ipc/bindings/`. Must not depend on `tauri`.

#![forbid(unsafe_code)]

pub mod about;
pub mod adp;
pub mod ai;
pub mod assessments;
pub mod attestations;
pub mod audit;
pub mod cip;
pub mod cip_requests;
pub mod context;
pub mod customers;
pub mod demo;
pub mod doctor;
mod documents;
pub mod error;
pub mod exemptions;
pub mod filings;
pub mod jobs;
pub mod limits;
pub mod measures;
pub mod metadata;
pub mod obligations;
pub mod os_lock;
pub mod resellers;
pub mod retention;
pub mod review;
pub mod screening;

/// A private D-Bus for tests, shared with the e2e harness.
#[cfg(all(test, target_os = "linux"))]
#[path = "../../../../tests/support/bus.rs"]
mod test_bus;

pub mod session;
pub mod settings;
pub mod table;
pub mod workspace;

pub use about::{AppInfo, KeyringInfo, app_info, export_about_pdf};
pub use context::Context;
pub use doctor::{Check, CheckStatus, DoctorReport, doctor};
pub use error::{ApiError, AppError, ErrorCode};
pub use session::Session;
