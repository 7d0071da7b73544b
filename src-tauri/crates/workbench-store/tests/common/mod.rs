//! Helpers shared by the store's integration tests.

// Each test binary includes this module and uses a subset of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `root` (relative path → bytes), for before/after comparisons.
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(root).expect("inside").display().to_string();
                files.insert(name, std::fs::read(&path).expect("read"));
            }
        }
    }
    files
}

/// A new workspace in `root` with passphrase `passphrase` and no keyring slot.
pub fn create(root: &Path, passphrase: &str) -> workbench_store::Created {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
        .expect("date")
        .with_timezone(&chrono::Utc);
    workbench_store::Workspace::create(
        root,
        &workbench_store::NewWorkspace {
            provider_name: "P",
            officer_name: "O",
            passphrase,
            use_keyring: false,
            at,
        },
    )
    .expect("create")
}
