//! The reviewer's work (R3–R6, R8): the verification queue, the review screen's data, evidence,
//! element checks, U.S.-person determinations and decisions with four eyes on refusals, notices
//! and a customer's file. One module per concern; the use cases are re-exported here.

mod decisions;
mod dossier;
mod evidence;
mod notices;
mod queue;
mod screen;
mod terms;
mod views;

use chrono::{DateTime, Duration, Utc};
use workbench_core::Role;

use crate::context::Context;
use crate::error::AppError;
use crate::session::Unlocked;

pub use decisions::*;
pub use dossier::*;
pub use evidence::*;
pub use notices::*;
pub use queue::*;
pub use screen::*;
pub use terms::*;
pub use views::*;

/// A reviewer's lock on a queue item lapses after this long without a decision, so an item left
/// open on a laptop that went home does not stay hidden from the others.
pub const LOCK_LAPSES_AFTER_MINUTES: i64 = 30;

/// A code read from the database as its enum; an unknown one means the database was changed
/// around the app (the code is a fixed word, never personal data, so it may be named).
pub(super) fn stored<T: serde::de::DeserializeOwned>(field: &str, code: &str) -> Result<T, AppError> {
    workbench_core::verification::code(code).ok_or_else(|| {
        AppError::Store(workbench_store::StoreError::Corrupt(format!("{field}: unknown code {code:?}")))
    })
}

pub(super) fn now_and_stale(ctx: &Context) -> (DateTime<Utc>, DateTime<Utc>) {
    let now = ctx.clock().now();
    (now, now - Duration::minutes(LOCK_LAPSES_AFTER_MINUTES))
}

pub(super) fn require_reviewer(u: &Unlocked, what: &str) -> Result<(), AppError> {
    if u.actor.role == Role::Viewer {
        Err(AppError::Forbidden(format!("a viewer cannot {what}")))
    } else {
        Ok(())
    }
}
