//! The evidence vault on disk: round trips across chunk boundaries, limits, tampering, sweep.

use std::io::Cursor;
use std::path::Path;

use chrono::TimeZone;
use workbench_core::ActorId;
use workbench_store::evidence::{self, NewEvidence};
use workbench_store::workspace::EVIDENCE_DIR;
use workbench_store::{StoreError, Unlock, Workspace};

mod common;

const PASS: &str = "evidence test passphrase";
const CHUNK: usize = 64 * 1024;

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).single().expect("date")
}

fn open(root: &Path) -> (Workspace, ActorId) {
    let created = common::create(root, PASS);
    (created.workspace, created.officer.id)
}

fn new(max: u64) -> NewEvidence<'static> {
    NewEvidence { original_name: "passport_owner1.jpg", media_type: "image/jpeg", max_bytes: max }
}

fn vault_files(root: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(root.join(EVIDENCE_DIR)).expect("list").map(|e| e.expect("entry").path()).collect()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn round_trips_at_every_chunk_boundary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, actor) = open(dir.path());
    for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
        let data = pattern(len);
        let record =
            evidence::store(&mut ws, Cursor::new(&data), &new(u64::MAX), actor, at()).expect("store");
        assert_eq!(record.size_bytes, len as u64);
        let mut out = Vec::new();
        evidence::read(&ws, record.id, &mut out).expect("read");
        assert!(out == data, "round trip of {len} bytes");
    }
    let report = ws.db().read(workbench_store::audit::verify_chain).expect("verify");
    assert_eq!(report.events, 4 + 6, "every store is audited");
}

#[test]
fn the_vault_file_holds_no_plaintext() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, actor) = open(dir.path());
    let canary = b"PASSPORT No. X1234567 CANARY Muller".repeat(100);
    evidence::store(&mut ws, Cursor::new(&canary), &new(u64::MAX), actor, at()).expect("store");
    for file in vault_files(dir.path()) {
        let bytes = std::fs::read(&file).expect("read");
        assert!(!bytes.windows(20).any(|w| w == &canary[..20]), "plaintext in {}", file.display());
    }
}

#[test]
fn too_large_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, actor) = open(dir.path());
    let err = evidence::store(&mut ws, Cursor::new(pattern(CHUNK * 2)), &new(CHUNK as u64), actor, at())
        .expect_err("too large");
    assert!(matches!(err, StoreError::EvidenceTooLarge { .. }), "{err}");
    assert!(vault_files(dir.path()).is_empty(), "no partial file may remain");
    let rows: i64 =
        ws.db().read(|c| Ok(c.query_row("SELECT count(*) FROM evidence", [], |r| r.get(0))?)).expect("count");
    assert_eq!(rows, 0);
}

#[test]
fn a_flipped_byte_or_a_truncation_is_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, actor) = open(dir.path());
    let a = evidence::store(&mut ws, Cursor::new(pattern(2 * CHUNK + 10)), &new(u64::MAX), actor, at())
        .expect("a");
    let b = evidence::store(&mut ws, Cursor::new(pattern(2 * CHUNK + 10)), &new(u64::MAX), actor, at())
        .expect("b");
    let path = |id: workbench_core::EvidenceId| dir.path().join(EVIDENCE_DIR).join(format!("{id}.bin"));

    let mut bytes = std::fs::read(path(a.id)).expect("read");
    bytes[CHUNK + 100] ^= 1;
    std::fs::write(path(a.id), &bytes).expect("write");
    let err = evidence::read(&ws, a.id, std::io::sink()).expect_err("flipped");
    assert!(matches!(err, StoreError::EvidenceCorrupt(_)), "{err}");

    let bytes = std::fs::read(path(b.id)).expect("read");
    std::fs::write(path(b.id), &bytes[..bytes.len() - (CHUNK / 2)]).expect("truncate");
    assert!(matches!(evidence::read(&ws, b.id, std::io::sink()), Err(StoreError::EvidenceCorrupt(_))));

    let (count, bad) = evidence::verify_all(&ws).expect("verify all");
    assert_eq!(count, 2);
    assert_eq!(bad.len(), 2);
}

#[test]
fn the_sweep_at_open_quarantines_orphans_and_reports_missing_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, actor) = open(dir.path());
    let kept = evidence::store(&mut ws, Cursor::new(pattern(10)), &new(u64::MAX), actor, at()).expect("kept");
    let lost = evidence::store(&mut ws, Cursor::new(pattern(10)), &new(u64::MAX), actor, at()).expect("lost");
    drop(ws);
    // A crash between rename and row leaves an orphan; a half-written temp file likewise.
    std::fs::write(dir.path().join(EVIDENCE_DIR).join("0191e0b2-0000-7000-8000-000000000000.bin"), b"x")
        .expect("orphan");
    std::fs::write(dir.path().join(EVIDENCE_DIR).join(".incoming-abc"), b"half").expect("temp");
    std::fs::remove_file(dir.path().join(EVIDENCE_DIR).join(format!("{}.bin", lost.id))).expect("remove");

    let ws = Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("unlock sweeps");
    let names: Vec<String> = vault_files(dir.path())
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [format!("{}.bin", kept.id)]);
    // Moved aside, never deleted (issue 14): a file the sweep took for an orphan can come back.
    let mut quarantined: Vec<String> = std::fs::read_dir(dir.path().join(evidence::QUARANTINE_DIR))
        .expect("quarantine")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    quarantined.sort();
    assert_eq!(quarantined, [".incoming-abc", "0191e0b2-0000-7000-8000-000000000000.bin"]);
    assert_eq!(std::fs::read(dir.path().join("quarantine/.incoming-abc")).expect("kept"), b"half");
    let report = evidence::sweep(&ws).expect("sweep again");
    assert_eq!(report.quarantined, 0);
    assert_eq!(report.missing_files, [lost.id.to_string()]);
    assert!(!report.skipped_after_lost_commits);
}

/// A source that fails part-way, like a disk or a network share giving out mid-copy.
struct FailingReader {
    left: usize,
}

impl std::io::Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("device went away"));
        }
        let n = buf.len().min(self.left);
        buf[..n].fill(1);
        self.left -= n;
        Ok(n)
    }
}

#[test]
fn a_read_or_write_error_mid_file_leaves_no_partial_file_and_the_database_opens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut ws, actor) = open(dir.path());
    let err = evidence::store(&mut ws, FailingReader { left: 3 * CHUNK + 7 }, &new(u64::MAX), actor, at())
        .expect_err("fails");
    assert_eq!(err.to_string(), "reading the evidence file: device went away");
    assert!(vault_files(dir.path()).is_empty(), "no partial file may remain");
    drop(ws);
    let ws = Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("still opens");
    assert!(ws.db().integrity_problems().expect("check").is_empty());
}
