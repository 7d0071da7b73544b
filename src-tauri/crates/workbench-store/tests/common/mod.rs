//! Helpers shared by the store's integration tests.

// Each test binary includes this module and uses a subset of it.
#![allow(dead_code)]

use std::path::Path;

#[path = "../../../../../tests/support/files.rs"]
mod files;
#[allow(unused_imports)] // not every test binary compares snapshots
pub use files::snapshot;

/// A new workspace in `root` whose first officer, Olivia Officer, has passphrase `passphrase`
/// (no keyring slot).
pub fn create(root: &Path, passphrase: &str) -> workbench_store::Created {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
        .expect("date")
        .with_timezone(&chrono::Utc);
    workbench_store::Workspace::create(
        root,
        &workbench_store::NewWorkspace {
            provider_name: "Example Cloud LLC",
            officer_name: "Olivia Officer",
            passphrase,
            use_keyring: false,
            at,
        },
    )
    .expect("create")
}
