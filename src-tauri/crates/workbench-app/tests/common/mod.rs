//! A new workspace on a fixed clock, shared by the use-case tests.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeZone;
use workbench_app::workspace::{self, InitRequest};
use workbench_app::{Context, Session};
use workbench_core::FixedClock;

/// The first officer's (and the workspace's) passphrase.
pub const OFFICER_PASS: &str = "officer passphrase 2026";

/// A workspace created at `y-m-d h:00 UTC` by "Olivia Officer" for "Example Cloud LLC", whose
/// session stays unlocked for `idle` of clock time (tests move the clock by weeks or years).
pub fn workspace_at(
    y: i32,
    m: u32,
    d: u32,
    h: u32,
    idle: Duration,
) -> (tempfile::TempDir, Context, Arc<FixedClock>, Session) {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock =
        Arc::new(FixedClock::new(chrono::Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("date")));
    let ctx = Context::new(dir.path().join("ws"), clock.clone());
    let session = Session::new(idle);
    workspace::init(
        &ctx,
        &session,
        &InitRequest {
            provider_name: "Example Cloud LLC".into(),
            officer_name: "Olivia Officer".into(),
            passphrase: OFFICER_PASS.into(),
            use_keyring: false,
        },
    )
    .expect("init");
    (dir, ctx, clock, session)
}

/// Takes the customer's queue item and records every required element verified.
#[allow(dead_code)] // not every test file uses it
pub fn verify_required(ctx: &workbench_app::Context, session: &workbench_app::Session, customer_ref: &str) {
    workbench_app::review::queue_take(ctx, session, customer_ref).expect("take");
    let view = workbench_app::review::review_get(ctx, session, customer_ref).expect("view");
    for element in view.elements.iter().filter(|e| e.required) {
        workbench_app::review::check_record(
            ctx,
            session,
            &workbench_app::review::CheckRequest {
                customer_ref: customer_ref.into(),
                element: element.element,
                method: workbench_core::verification::Method::Documentary,
                outcome: workbench_core::verification::Outcome::Verified,
                evidence_id: None,
                note: String::new(),
            },
        )
        .expect("check");
    }
}
