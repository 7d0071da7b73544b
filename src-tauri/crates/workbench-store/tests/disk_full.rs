//! A full disk: a 2 MiB tmpfs holds the workspace; storing evidence or writing a backup that
//! does not fit fails with a clear error, leaves no partial file, and the database still opens.
//! (Mounting needs root, which `cargo xtask test` has on its machines.)

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Utc;
use workbench_store::evidence::{self, NewEvidence};
use workbench_store::workspace::EVIDENCE_DIR;
use workbench_store::{NewWorkspace, StoreError, Unlock, Workspace, backup};

mod common;

const PASS: &str = "disk full passphrase";

/// A small tmpfs, unmounted on drop.
struct SmallDisk {
    mount: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn new(size: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mount = dir.path().join("disk");
        std::fs::create_dir(&mount).expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&mount)
            .status()
            .expect("mount");
        assert!(status.success(), "mounting a tmpfs needs root (cargo xtask test runs as root)");
        Self { mount, _dir: dir }
    }

    fn path(&self) -> &Path {
        &self.mount
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.mount).status();
    }
}

fn files_under(root: &Path) -> Vec<String> {
    common::snapshot(root).into_keys().collect()
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let disk = SmallDisk::new("2m");
    let root = disk.path().join("ws");
    let created = Workspace::create(
        &root,
        &NewWorkspace {
            provider_name: "P",
            officer_name: "O",
            passphrase: PASS,
            use_keyring: false,
            at: Utc::now(),
        },
    )
    .expect("create on the small disk");
    let actor = created.officer.id;
    let mut ws = created.workspace;
    let kept = evidence::store(
        &mut ws,
        Cursor::new(vec![1u8; 100_000]),
        &NewEvidence { original_name: "small.pdf", media_type: "application/pdf", max_bytes: u64::MAX },
        actor,
        Utc::now(),
    )
    .expect("a small file fits");
    let before = files_under(&root);

    let err = evidence::store(
        &mut ws,
        Cursor::new(vec![2u8; 4 * 1024 * 1024]),
        &NewEvidence { original_name: "big.pdf", media_type: "application/pdf", max_bytes: u64::MAX },
        actor,
        Utc::now(),
    )
    .expect_err("4 MiB cannot fit on 2 MiB");
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("No space left on device"), "{err}");
    assert_eq!(files_under(&root.join(EVIDENCE_DIR)).len(), 1, "no partial evidence file");

    // Fill the disk to within 60 KB, less than a backup needs.
    let filler = disk.path().join("filler");
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&filler).expect("filler");
        while file.write_all(&[0u8; 64 * 1024]).is_ok() {}
        let _ = file.flush();
        let len = file.metadata().expect("len").len();
        file.set_len(len.saturating_sub(60 * 1024)).expect("truncate");
    }
    let out = disk.path().join("backup.cipwbak");
    let err = backup::write(&ws, &out, &mut |_, _| {}).expect_err("the backup cannot fit either");
    let text = err.to_string();
    assert!(text.contains("No space left on device") || text.contains("is full"), "{text}");
    assert!(!out.exists(), "no partial backup");
    std::fs::remove_file(&filler).expect("free the disk");
    drop(ws);

    let after: Vec<String> =
        files_under(&root).into_iter().filter(|f| !f.ends_with("-wal") && !f.ends_with("-shm")).collect();
    let before: Vec<String> =
        before.into_iter().filter(|f| !f.ends_with("-wal") && !f.ends_with("-shm")).collect();
    assert_eq!(after, before, "the workspace holds the same files as before the failures");
    let ws = Workspace::unlock(&root, Unlock::Passphrase(PASS)).expect("the database still opens");
    assert!(ws.db().integrity_problems().expect("check").is_empty());
    let mut out = Vec::new();
    evidence::read(&ws, kept.id, &mut out).expect("earlier evidence intact");
    assert_eq!(out.len(), 100_000);
}
