//! Backups: written and verified, restored elsewhere with the passphrase or recovery code,
//! refused when altered, and a failed restore leaves nothing behind.

use std::io::Cursor;
use std::path::Path;

use chrono::TimeZone;
use workbench_store::evidence::{self, NewEvidence};
use workbench_store::{StoreError, Unlock, Workspace, backup};

mod common;

const PASS: &str = "backup test passphrase";

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 11, 27, 11, 0, 0).single().expect("date")
}

fn populated(root: &Path) -> (Workspace, String, workbench_core::EvidenceId) {
    let mut created = common::create(root, PASS);
    let record = evidence::store(
        &mut created.workspace,
        Cursor::new(vec![7u8; 100_000]),
        &NewEvidence { original_name: "a.pdf", media_type: "application/pdf", max_bytes: u64::MAX },
        created.officer.id,
        at(),
    )
    .expect("evidence");
    (created.workspace, created.recovery_code.to_string(), record.id)
}

#[test]
fn backup_restores_elsewhere_with_passphrase_or_recovery_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, code, evidence_id) = populated(&dir.path().join("origin"));
    let file = dir.path().join("workspace.cipwbak");
    let mut seen = Vec::new();
    let summary = backup::write(&ws, &file, &mut |done, total| seen.push((done, total))).expect("backup");
    assert_eq!(summary.evidence_files, 1);
    assert_eq!(summary.audit_events, 5);
    assert!(seen.last().is_some_and(|(d, t)| d == t), "progress reaches 100 %: {seen:?}");
    drop(ws);

    let restored =
        backup::restore(&file, &dir.path().join("by-pass"), Unlock::Passphrase(PASS), &mut |_, _| {})
            .expect("restore with passphrase");
    let mut out = Vec::new();
    evidence::read(&restored, evidence_id, &mut out).expect("evidence survives");
    assert_eq!(out, vec![7u8; 100_000]);

    backup::restore(&file, &dir.path().join("by-code"), Unlock::RecoveryCode(&code), &mut |_, _| {})
        .expect("restore with recovery code");
}

#[test]
fn an_altered_backup_or_a_wrong_secret_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, _, _) = populated(&dir.path().join("origin"));
    let file = dir.path().join("b.cipwbak");
    backup::write(&ws, &file, &mut |_, _| {}).expect("backup");

    let target = dir.path().join("target");
    let err = backup::restore(&file, &target, Unlock::Passphrase("wrong passphrase!"), &mut |_, _| {})
        .expect_err("wrong");
    assert!(matches!(err, StoreError::WrongPassphrase), "{err}");

    let mut bytes = std::fs::read(&file).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&file, &bytes).expect("write");
    let err = backup::restore(&file, &target, Unlock::Passphrase(PASS), &mut |_, _| {}).expect_err("altered");
    assert_eq!(err.to_string(), "the backup cannot be used: it was altered or damaged");
    assert!(!workbench_store::workspace::exists(&target));
    let leftovers = std::fs::read_dir(&target).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0, "a refused restore writes nothing");

    std::fs::write(&file, b"not a backup").expect("write");
    let err = backup::restore(&file, &target, Unlock::Passphrase(PASS), &mut |_, _| {}).expect_err("junk");
    assert_eq!(err.to_string(), "the backup cannot be used: it is not a CIP Workbench backup");
}

#[test]
fn restoring_over_a_workspace_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let origin = dir.path().join("origin");
    let (ws, _, _) = populated(&origin);
    let file = dir.path().join("b.cipwbak");
    backup::write(&ws, &file, &mut |_, _| {}).expect("backup");
    let err = backup::restore(&file, &origin, Unlock::Passphrase(PASS), &mut |_, _| {}).expect_err("exists");
    assert!(matches!(err, StoreError::WorkspaceExists(_)));
}
