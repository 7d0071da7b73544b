//! Reading a folder tree whole, for before/after comparisons and plaintext scans in tests
//! (included by path by the scenario tests and by workbench-store's integration tests).

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `root` (path relative to `root` → bytes).
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
