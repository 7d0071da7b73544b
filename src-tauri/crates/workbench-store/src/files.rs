//! Crash-safe file output: every file the workbench writes goes through here.

use std::io::Write;
use std::path::Path;

use crate::error::StoreError;

/// Writes `bytes` to `path` atomically: a temp file in the same folder, fsync, rename, fsync of the
/// folder. A crash or a full disk leaves either the old file or the new one, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(StoreError::MissingFolder(dir.to_path_buf()));
    }
    let what = |step: &str| format!("{step} {}", path.display());
    let mut tmp = tempfile::Builder::new()
        .prefix(".cipw-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| StoreError::io(what("creating a temporary file beside"), e))?;
    tmp.write_all(bytes).map_err(|e| StoreError::io(what("writing"), e))?;
    tmp.as_file().sync_all().map_err(|e| StoreError::io(what("flushing"), e))?;
    tmp.persist(path).map_err(|e| StoreError::io(what("replacing"), e.error))?;
    if let Ok(folder) = std::fs::File::open(dir) {
        // Makes the rename itself durable; not every platform allows fsync on a folder.
        let _ = folder.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.pdf");
        std::fs::write(&path, b"old").expect("seed");
        write_atomically(&path, b"new contents").expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"new contents");
        let names: Vec<_> =
            std::fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(names, ["out.pdf"], "no temporary file may be left behind");
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("no-such-folder").join("out.pdf");
        let err = write_atomically(&path, b"x").expect_err("must fail");
        assert_eq!(
            err.to_string(),
            format!("the folder {} does not exist", dir.path().join("no-such-folder").display())
        );
        assert!(!path.exists());
    }
}
