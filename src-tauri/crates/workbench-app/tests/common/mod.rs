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
