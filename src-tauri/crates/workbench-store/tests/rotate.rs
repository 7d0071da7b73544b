//! Data-key rotation: the database is re-encrypted, evidence stays readable, the old recovery
//! code stops working, and a rotation interrupted on either side of its commit point leaves a
//! workspace that opens with the right key and loses nothing.

use std::io::Cursor;
use std::path::Path;

use chrono::TimeZone;
use workbench_core::ActorId;
use workbench_store::evidence::{self, NewEvidence};
use workbench_store::rotate::{NEXT_DB_FILE, StopAt};
use workbench_store::workspace::{DB_FILE, KEYSLOTS_FILE};
use workbench_store::{DataKey, Database, StoreError, Unlock, Workspace, audit};

mod common;

const PASS: &str = "rotation test passphrase";

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).single().expect("date")
}

/// A workspace with two evidence files; returns it, the officer and the old recovery code.
fn populated(root: &Path) -> (Workspace, ActorId, String, Vec<u8>) {
    let created = common::create(root, PASS);
    let (mut ws, officer) = (created.workspace, created.officer.id);
    let code = created.recovery_code.to_string();
    let data = b"passport scan bytes ".repeat(5000);
    let new = NewEvidence { original_name: "scan.jpg", media_type: "image/jpeg", max_bytes: u64::MAX };
    for _ in 0..2 {
        evidence::store(&mut ws, Cursor::new(&data), &new, officer, at()).expect("store");
    }
    (ws, officer, code, data)
}

fn all_evidence_reads_back(ws: &Workspace, expected: &[u8]) -> usize {
    let (count, bad) = evidence::verify_all(ws).expect("verify evidence");
    assert!(bad.is_empty(), "evidence unreadable after rotation: {bad:?}");
    let ids: Vec<String> = ws
        .db()
        .read(|c| {
            let mut s = c.prepare("SELECT id FROM evidence")?;
            let ids = s.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            Ok(ids)
        })
        .expect("ids");
    for id in ids {
        let mut out = Vec::new();
        evidence::read(ws, id.parse().expect("id"), &mut out).expect("read");
        assert!(out == expected);
    }
    count
}

fn events(ws: &Workspace) -> i64 {
    let report = ws.db().read(audit::verify_chain).expect("verify");
    assert!(report.first_break.is_none(), "chain broken: {:?}", report.first_break);
    report.events
}

#[test]
fn rotation_re_encrypts_and_replaces_the_recovery_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, officer, old_code, data) = populated(dir.path());
    let before_events = events(&ws);
    let old_db = std::fs::read(dir.path().join(DB_FILE)).expect("read db");

    let mut reports = Vec::new();
    let rotated = ws
        .rotate_data_key(PASS, officer, at(), &mut |done, total| reports.push((done, total)))
        .expect("rotate");
    assert_eq!(rotated.evidence_keys, 2);
    assert!(rotated.keyring_problem.is_none());
    let (last_done, last_total) = *reports.last().expect("progress reported");
    assert!(last_total > 0 && last_done == last_total, "progress ends complete: {reports:?}");
    assert!(reports.windows(2).all(|w| w[0].0 <= w[1].0), "progress never goes back");

    // Still usable in this session, and the rotation is in the chain.
    assert_eq!(all_evidence_reads_back(&ws, &data), 2);
    assert_eq!(events(&ws), before_events + 1);
    drop(ws);

    assert!(!dir.path().join(NEXT_DB_FILE).exists(), "the copy was swapped in");
    let new_db = std::fs::read(dir.path().join(DB_FILE)).expect("read db");
    assert_ne!(old_db[..4096], new_db[..4096], "the first page is encrypted differently");

    let err = Workspace::unlock(dir.path(), Unlock::RecoveryCode(&old_code)).expect_err("old code");
    assert!(matches!(err, StoreError::WrongRecoveryCode), "{err}");
    let ws = Workspace::unlock(dir.path(), Unlock::RecoveryCode(&rotated.recovery_code)).expect("new code");
    assert_eq!(all_evidence_reads_back(&ws, &data), 2);
    drop(ws);
    let ws = Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("same passphrase");
    assert_eq!(events(&ws), before_events + 1);
}

#[test]
fn the_old_key_no_longer_opens_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, officer, _, _) = populated(dir.path());
    // Recover the old key the way an attacker with an old key-slot file and passphrase would.
    let old_slots = workbench_store::workspace::read_slots(dir.path()).expect("slots");
    let old_key: DataKey = old_slots.open_with_passphrase(PASS).expect("old key");
    ws.rotate_data_key(PASS, officer, at(), &mut |_, _| {}).expect("rotate");
    drop(ws);
    let err = Database::open(&dir.path().join(DB_FILE), &old_key).expect_err("old key");
    assert!(matches!(err, StoreError::WrongKey), "{err}");
}

#[test]
fn a_wrong_passphrase_rotates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, officer, _, _) = populated(dir.path());
    let slots_before = std::fs::read(dir.path().join(KEYSLOTS_FILE)).expect("slots");
    let events_before = events(&ws);
    let err = ws.rotate_data_key("not it", officer, at(), &mut |_, _| {}).expect_err("wrong");
    assert!(matches!(err, StoreError::WrongPassphrase), "{err}");
    assert_eq!(std::fs::read(dir.path().join(KEYSLOTS_FILE)).expect("slots"), slots_before);
    assert!(!dir.path().join(NEXT_DB_FILE).exists());
    assert_eq!(events(&ws), events_before);
}

#[test]
fn interrupted_before_the_commit_point_keeps_the_old_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, officer, old_code, data) = populated(dir.path());
    let before_events = events(&ws);
    let err = ws
        .rotate_data_key_until(PASS, officer, at(), &mut |_, _| {}, Some(StopAt::BeforeCommit))
        .expect_err("stopped");
    assert!(matches!(err, StoreError::Interrupted));
    drop(ws);
    assert!(dir.path().join(NEXT_DB_FILE).exists(), "the crash left the copy behind");

    let ws = Workspace::unlock(dir.path(), Unlock::RecoveryCode(&old_code)).expect("old code still opens");
    assert!(!dir.path().join(NEXT_DB_FILE).exists(), "the stray copy is discarded at unlock");
    assert_eq!(events(&ws), before_events, "no rotation event: it did not happen");
    assert_eq!(all_evidence_reads_back(&ws, &data), 2);
}

/// Found by 1,000 release cycles of the kill -9 rotation loop (cycle 95): a kill after the
/// copy was swapped in but before `audit.anchor` was rewritten left an anchor MAC'd under the old
/// key, and every later open reported "the audit anchor file audit.anchor was altered". The
/// rotation now writes the copy's anchor under the new key before its commit point, and the
/// next open puts it in place.
#[test]
fn interrupted_after_the_swap_opens_with_an_intact_anchor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, officer, _, data) = populated(dir.path());
    let before_events = events(&ws);
    ws.rotate_data_key_until(PASS, officer, at(), &mut |_, _| {}, Some(StopAt::AfterSwap))
        .expect_err("stopped");
    drop(ws);
    assert!(!dir.path().join(NEXT_DB_FILE).exists(), "swapped in");
    assert!(dir.path().join(workbench_store::anchor::PENDING_ANCHOR_FILE).exists());

    let ws = Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("opens with the new key");
    let report = ws.verify_audit().expect("verify");
    assert!(report.first_break.is_none(), "{:?}", report.first_break);
    assert_eq!(events(&ws), before_events + 1);
    assert!(!dir.path().join(workbench_store::anchor::PENDING_ANCHOR_FILE).exists(), "settled");
    assert_eq!(all_evidence_reads_back(&ws, &data), 2);
}

/// A rotation that did not reach its commit point leaves a pending anchor under a key that is
/// not the workspace's: it is removed, and the anchor in force still verifies.
#[test]
fn a_pending_anchor_of_a_rotation_that_did_not_commit_is_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, officer, _, _) = populated(dir.path());
    ws.rotate_data_key_until(PASS, officer, at(), &mut |_, _| {}, Some(StopAt::BeforeCommit))
        .expect_err("stopped");
    drop(ws);
    assert!(dir.path().join(workbench_store::anchor::PENDING_ANCHOR_FILE).exists());
    let ws = Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("old key opens");
    assert!(ws.verify_audit().expect("verify").first_break.is_none());
    assert!(!dir.path().join(workbench_store::anchor::PENDING_ANCHOR_FILE).exists());
}

#[test]
fn interrupted_after_the_commit_point_finishes_at_the_next_unlock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, officer, old_code, data) = populated(dir.path());
    let before_events = events(&ws);
    ws.rotate_data_key_until(PASS, officer, at(), &mut |_, _| {}, Some(StopAt::AfterCommit))
        .expect_err("stopped");
    drop(ws);
    // A WAL left by the old database must not be replayed onto the new one.
    std::fs::write(dir.path().join(format!("{DB_FILE}-wal")), b"stale wal of the old key").expect("wal");

    let err = Workspace::unlock(dir.path(), Unlock::RecoveryCode(&old_code)).expect_err("old code");
    assert!(matches!(err, StoreError::WrongRecoveryCode));
    let ws = Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("finishes the rotation");
    assert!(!dir.path().join(NEXT_DB_FILE).exists());
    assert_eq!(events(&ws), before_events + 1, "the rotation event came with the copy");
    assert_eq!(all_evidence_reads_back(&ws, &data), 2);
    assert!(ws.db().integrity_problems().expect("check").is_empty());
}

#[test]
fn reads_go_on_while_the_copy_is_written_and_a_write_waits_for_the_swap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, officer, _, data) = populated(dir.path());
    let before = events(&ws);
    let mut rotation = ws.begin_rotation(PASS, officer).expect("begin");

    // The window's reads go on (issue 15); a write waits out the busy timeout and keeps nothing.
    assert_eq!(all_evidence_reads_back(&ws, &data), 2);
    let new = NewEvidence { original_name: "late.jpg", media_type: "image/jpeg", max_bytes: u64::MAX };
    let err = evidence::store(&mut ws, Cursor::new(b"late".as_slice()), &new, officer, at())
        .expect_err("writes are paused");
    assert!(matches!(err, StoreError::Busy), "{err}");

    rotation.write_copy(at(), &mut |_, _| {}).expect("copy");
    assert_eq!(events(&ws), before, "reads still see the old database");
    let rotated = ws.finish_rotation(rotation, None).expect("finish");
    assert_eq!(rotated.evidence_keys, 2);
    assert_eq!(events(&ws), before + 1);
    assert_eq!(all_evidence_reads_back(&ws, &data), 2, "the refused write left nothing");
    // Writes resume after the swap.
    evidence::store(&mut ws, Cursor::new(b"later".as_slice()), &new, officer, at()).expect("write");
    drop(ws);
    let ws = Workspace::unlock(dir.path(), Unlock::RecoveryCode(&rotated.recovery_code)).expect("new code");
    assert_eq!(events(&ws), before + 2);
}

#[test]
fn an_abandoned_rotation_keeps_the_old_key_and_shares_the_workspace_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, officer, old_code, data) = populated(dir.path());
    let before = events(&ws);
    let mut rotation = ws.begin_rotation(PASS, officer).expect("begin");
    rotation.write_copy(at(), &mut |_, _| {}).expect("copy");
    assert!(dir.path().join(NEXT_DB_FILE).exists());
    ws.abandon_rotation(rotation);

    assert!(!dir.path().join(NEXT_DB_FILE).exists(), "the copy is gone");
    assert_eq!(all_evidence_reads_back(&ws, &data), 2);
    let new = NewEvidence { original_name: "after.jpg", media_type: "image/jpeg", max_bytes: u64::MAX };
    evidence::store(&mut ws, Cursor::new(b"after".as_slice()), &new, officer, at()).expect("writes resume");
    // Another process may open the workspace again beside this one.
    let second = Workspace::unlock(dir.path(), Unlock::RecoveryCode(&old_code)).expect("old code, shared");
    assert_eq!(events(&second), before + 1);
}
