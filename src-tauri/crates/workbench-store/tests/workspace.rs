//! A whole workspace on disk: create, unlock every way, refuse wrong secrets without writing,
//! detect tampering with the audit chain.

use std::path::Path;

use chrono::TimeZone;
use workbench_store::audit;
use workbench_store::workspace::{DB_FILE, KEYSLOTS_COPY_FILE, KEYSLOTS_FILE};
use workbench_store::{NewWorkspace, StoreError, Unlock, Workspace};

mod common;
use common::snapshot;

const PASS: &str = "a long workspace passphrase";

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 11, 27, 9, 30, 0).single().expect("date")
}

fn create(root: &Path) -> workbench_store::Created {
    Workspace::create(
        root,
        &NewWorkspace {
            provider_name: "Example Cloud LLC",
            officer_name: "Olivia Officer",
            passphrase: PASS,
            use_keyring: false,
            at: at(),
        },
    )
    .expect("create")
}

#[test]
fn create_then_unlock_with_passphrase_and_recovery_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = create(dir.path());
    let code = created.recovery_code.clone();
    assert_eq!(created.workspace.slot_kinds(), ["person", "recovery"]);
    assert_eq!(created.officer.name, "Olivia Officer");
    drop(created);

    let ws = Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("passphrase unlock");
    assert_eq!(ws.provider_name().expect("meta"), "Example Cloud LLC");
    let report = ws.db().read(audit::verify_chain).expect("verify");
    assert_eq!(report.events, 4, "workspace.create, provider.create, obligation.event and actor.create");
    assert!(report.first_break.is_none());
    drop(ws);

    Workspace::unlock(dir.path(), Unlock::RecoveryCode(&code)).expect("recovery unlock");
}

#[test]
fn wrong_secrets_fail_clearly_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(create(dir.path()));
    let before = snapshot(dir.path());

    let err = Workspace::unlock(dir.path(), Unlock::Passphrase("not the passphrase")).expect_err("wrong");
    assert_eq!(err.to_string(), "the passphrase is not right for this workspace");
    let err = Workspace::unlock(dir.path(), Unlock::RecoveryCode("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"))
        .expect_err("wrong");
    assert_eq!(err.to_string(), "the recovery code is not right for this workspace");
    let err = Workspace::unlock(dir.path(), Unlock::Keyring).expect_err("no keyring slot");
    assert_eq!(err.to_string(), "this workspace keeps no key in the OS credential store");

    assert_eq!(snapshot(dir.path()), before, "a failed unlock must leave every file byte-identical");
}

#[test]
fn creating_over_an_existing_workspace_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(create(dir.path()));
    let err = new_workspace(dir.path()).expect_err("exists");
    assert!(matches!(err, StoreError::WorkspaceExists(_)), "{err}");
}

#[test]
fn changing_the_passphrase_rewraps_without_touching_the_database_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut created = create(dir.path());
    let officer = created.officer.id;
    created.workspace.change_passphrase(officer, "the second passphrase", at()).expect("change");
    drop(created);
    assert!(Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).is_err());
    let ws =
        Workspace::unlock(dir.path(), Unlock::Passphrase("the second passphrase")).expect("new passphrase");
    let report = ws.db().read(audit::verify_chain).expect("verify");
    assert_eq!(report.events, 5);
}

#[test]
fn an_audit_row_edited_with_the_right_key_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut created = create(dir.path());
    created
        .workspace
        .db_mut()
        .write(|tx| Ok(tx.execute("UPDATE audit_event SET actor = 'mallory' WHERE seq = 2", [])?))
        .expect("tamper");
    let report = created.workspace.db().read(audit::verify_chain).expect("verify");
    let broken = report.first_break.expect("detected");
    assert_eq!(broken.seq, 2);
    assert_eq!(report.events, 1);
}

fn flip_middle_byte(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(path, &bytes).expect("write");
}

#[test]
fn a_damaged_key_slot_file_is_reported_not_panicked() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(create(dir.path()));
    flip_middle_byte(&dir.path().join(KEYSLOTS_FILE));
    flip_middle_byte(&dir.path().join(KEYSLOTS_COPY_FILE));
    let err = Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect_err("damaged");
    // Issue 14: damage used to read as a wrong passphrase; the checksum names it first.
    assert!(
        matches!(err, StoreError::KeySlots(_)),
        "a flipped byte is damage, not a wrong passphrase: {err}"
    );
    assert!(err.to_string().starts_with("the key-slot file is damaged"), "{err}");
}

#[test]
fn a_damaged_database_page_is_reported_not_panicked() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(create(dir.path()));
    let path = dir.path().join(DB_FILE);
    let mut bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() >= 8192, "at least two pages");
    bytes[4096 + 100] ^= 0xFF; // inside page 2, which holds schema or rows
    std::fs::write(&path, &bytes).expect("write");
    match Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)) {
        // The altered page may hold the schema, so opening itself can fail — clearly.
        Err(e) => assert!(!e.to_string().is_empty()),
        Ok(ws) => {
            let problems = ws.db().integrity_problems().expect("check runs");
            assert!(!problems.is_empty(), "SQLCipher's page HMAC must flag the altered page");
        }
    }
}

#[test]
fn missing_workspace_says_how_to_create_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect_err("none");
    assert!(err.to_string().ends_with("(run `cip-workbench init` to create one)"), "{err}");
}

/// Copies the workspace folder while `ws` is open, as a crash would leave it: the recent commits
/// are still in the write-ahead log.
fn crash_copy(from: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(from).expect("list").flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), to.path().join(entry.file_name())).expect("copy");
        }
    }
    std::fs::create_dir_all(to.path().join("evidence")).expect("vault");
    to
}

/// A workspace whose last commits sit in the WAL; returns the open workspace (keep it alive).
fn with_commits_in_wal(root: &Path) -> Workspace {
    let mut created = create(root);
    let officer = created.officer.id;
    for i in 0..3 {
        created
            .workspace
            .db_mut()
            .write(|tx| {
                let object = format!("test:{i}");
                audit::append(
                    tx,
                    at(),
                    audit::Change {
                        actor: officer.into(),
                        action: "test.write",
                        object: &object,
                        before: None,
                        after: Some(b"x"),
                    },
                )
            })
            .expect("commit");
    }
    let wal = std::fs::metadata(root.join(format!("{DB_FILE}-wal"))).expect("wal").len();
    assert!(wal > 32 + 24 + 4096, "the commits are in the WAL ({wal} bytes)");
    created.workspace
}

#[test]
fn a_flipped_byte_in_the_wal_is_detected_through_the_audit_anchor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = with_commits_in_wal(dir.path());
    // WAL layout: 32-byte header, then frames of a 24-byte header and one page. Flip a byte in
    // the last frame's page: SQLite drops that commit silently; the anchor must not.
    for (what, offset_from_end) in [("the last frame", 100usize), ("the first frame", 0)] {
        let copy = crash_copy(dir.path());
        let wal = copy.path().join(format!("{DB_FILE}-wal"));
        let mut bytes = std::fs::read(&wal).expect("read wal");
        let at = if offset_from_end == 0 { 32 + 24 + 10 } else { bytes.len() - offset_from_end };
        bytes[at] ^= 0x01;
        std::fs::write(&wal, &bytes).expect("write wal");

        let opened = Workspace::unlock(copy.path(), Unlock::Passphrase(PASS)).expect("still opens");
        let report = opened.verify_audit().expect("verify runs");
        let broken = report.first_break.unwrap_or_else(|| panic!("{what}: lost commits not detected"));
        assert_eq!(broken.seq, 7, "{what}: the anchored event is named");
        assert!(broken.problem.contains("committed changes were lost"), "{what}: {}", broken.problem);
        // SQLite itself saw nothing wrong: the shorter chain verifies on its own.
        assert!(opened.db().read(audit::verify_chain).expect("chain").first_break.is_none());
    }
    drop(ws);
}

#[test]
fn an_intact_crash_copy_verifies_and_an_altered_anchor_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = with_commits_in_wal(dir.path());
    let copy = crash_copy(dir.path());
    drop(ws);
    let opened = Workspace::unlock(copy.path(), Unlock::Passphrase(PASS)).expect("opens");
    let report = opened.verify_audit().expect("verify");
    assert_eq!(report.events, 7);
    assert!(report.first_break.is_none(), "{:?}", report.first_break);
    drop(opened);

    let anchor = copy.path().join(workbench_store::anchor::ANCHOR_FILE);
    let text = std::fs::read_to_string(&anchor).expect("anchor").replace(" 7 ", " 6 ");
    std::fs::write(&anchor, text).expect("write");
    let opened = Workspace::unlock(copy.path(), Unlock::Passphrase(PASS)).expect("opens");
    let broken = opened.verify_audit().expect("verify").first_break.expect("detected");
    assert!(broken.problem.contains("was altered"), "{}", broken.problem);
    drop(opened);

    std::fs::remove_file(&anchor).expect("remove");
    let opened = Workspace::unlock(copy.path(), Unlock::Passphrase(PASS)).expect("opens");
    let broken = opened.verify_audit().expect("verify").first_break.expect("detected");
    assert!(broken.problem.contains("is missing"), "{}", broken.problem);
}

#[test]
fn a_long_chain_is_verified_in_two_halves_and_a_break_in_either_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut created = create(dir.path());
    let officer = created.officer.id;
    created
        .workspace
        .db_mut()
        .write(|tx| {
            for i in 0..60_000 {
                let object = format!("test:{i}");
                audit::append(
                    tx,
                    at(),
                    audit::Change {
                        actor: officer.into(),
                        action: "test.write",
                        object: &object,
                        before: None,
                        after: None,
                    },
                )?;
            }
            Ok(())
        })
        .expect("fill");
    let ws = created.workspace;
    let report = ws.verify_audit().expect("verify");
    assert_eq!(report.events, 60_004);
    assert!(report.first_break.is_none(), "{:?}", report.first_break);
    let sequential = ws.db().read(audit::verify_chain).expect("verify");
    assert_eq!(sequential.head, report.head, "both ways end at the same head");

    let mut ws = ws;
    for seq in [10_000i64, 50_000] {
        ws.db_mut()
            .write(|tx| Ok(tx.execute("UPDATE audit_event SET action = 'x' WHERE seq = ?1", [seq])?))
            .expect("tamper");
        let broken = ws.verify_audit().expect("verify").first_break.expect("detected");
        assert_eq!(broken.seq, 10_000, "the first altered event is named (seq {seq} altered)");
    }
}

fn new_workspace(root: &Path) -> Result<workbench_store::Created, StoreError> {
    Workspace::create(
        root,
        &NewWorkspace {
            provider_name: "X",
            officer_name: "Y",
            passphrase: PASS,
            use_keyring: false,
            at: at(),
        },
    )
}

/// Issue 14: with keyslots.json moved away (a sync tool, a partial copy), `init` deleted the
/// database and made a new one.
#[test]
fn creating_where_a_database_lies_without_key_slots_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(create(dir.path()));
    for slots in [KEYSLOTS_FILE, KEYSLOTS_COPY_FILE] {
        std::fs::rename(dir.path().join(slots), dir.path().join(format!("{slots}.moved"))).expect("move");
    }
    let before = std::fs::read(dir.path().join(DB_FILE)).expect("db");
    let err = new_workspace(dir.path()).expect_err("refused");
    assert!(matches!(err, StoreError::FolderHoldsData { what: "a workspace database", .. }), "{err}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert_eq!(std::fs::read(dir.path().join(DB_FILE)).expect("db"), before, "the database is untouched");

    // Evidence alone is data too.
    let other = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(other.path().join("evidence")).expect("vault");
    std::fs::write(other.path().join("evidence/0191e0b2-0000-7000-8000-000000000000.bin"), b"x")
        .expect("file");
    let err = new_workspace(other.path()).expect_err("refused");
    assert!(matches!(err, StoreError::FolderHoldsData { what: "evidence files", .. }), "{err}");

    // The slots put back, the workspace opens as before.
    for slots in [KEYSLOTS_FILE, KEYSLOTS_COPY_FILE] {
        std::fs::rename(dir.path().join(format!("{slots}.moved")), dir.path().join(slots)).expect("back");
    }
    Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("unlocks");
}

#[test]
fn a_creation_that_crashed_is_cleaned_up_and_created_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    // What a crash between the database and the key slots leaves: the marker and a database.
    std::fs::write(dir.path().join(".creating"), b"a workspace is being created here\n").expect("marker");
    std::fs::write(dir.path().join(DB_FILE), b"half a database").expect("db");
    let created = new_workspace(dir.path()).expect("created over the leftovers");
    assert!(!dir.path().join(".creating").exists(), "the marker goes when creation finishes");
    drop(created);
    Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("unlocks");
}

#[test]
fn one_lost_or_damaged_key_slot_file_is_survivable_and_put_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(create(dir.path()));
    let good = std::fs::read(dir.path().join(KEYSLOTS_FILE)).expect("slots");
    assert_eq!(std::fs::read(dir.path().join(KEYSLOTS_COPY_FILE)).expect("copy"), good, "kept twice");

    std::fs::remove_file(dir.path().join(KEYSLOTS_FILE)).expect("lose it");
    assert!(workbench_store::workspace::exists(dir.path()), "still a workspace");
    drop(Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("the copy opens it"));
    assert_eq!(std::fs::read(dir.path().join(KEYSLOTS_FILE)).expect("put back"), good);

    flip_middle_byte(&dir.path().join(KEYSLOTS_FILE));
    drop(
        Workspace::unlock(dir.path(), Unlock::RecoveryCode("not it")).expect_err("a wrong code still fails"),
    );
    drop(
        Workspace::unlock(dir.path(), Unlock::Passphrase(PASS))
            .expect("the copy opens a damaged file's workspace"),
    );
    assert_eq!(std::fs::read(dir.path().join(KEYSLOTS_FILE)).expect("repaired"), good);

    std::fs::remove_file(dir.path().join(KEYSLOTS_COPY_FILE)).expect("lose the copy");
    drop(Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("the file opens it"));
    assert_eq!(std::fs::read(dir.path().join(KEYSLOTS_COPY_FILE)).expect("copy back"), good);
}

/// Issue 14: the sweep ran at every open while another process (the CLI beside the window)
/// could be between writing an evidence file and its row. A second open shares the workspace
/// and leaves the work at open to a process that has it alone; a rotation needs it alone.
#[test]
fn a_second_open_shares_the_workspace_and_skips_the_work_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = create(dir.path());
    let officer = created.officer.id;
    // What another process leaves mid-store: a file whose row is not written yet.
    let incoming = dir.path().join("evidence/0191e0b2-0000-7000-8000-000000000000.bin");
    std::fs::write(&incoming, b"being stored by the first process").expect("file");
    let mut second =
        Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("a second open shares it");
    assert!(incoming.is_file(), "the sweep waits while another process has the workspace open");
    let err = second.rotate_data_key(PASS, officer, at(), &mut |_, _| {}).expect_err("not alone");
    assert!(matches!(err, StoreError::InUse { .. }), "{err}");
    assert!(err.to_string().contains("in use by"), "{err}");
    second
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM audit_event", [], |r| r.get::<_, i64>(0))?))
        .expect("still open and usable after the refused rotation");
    drop(created);
    // Alone now: the rotation runs, and the next open alone sweeps.
    second.rotate_data_key(PASS, officer, at(), &mut |_, _| {}).expect("alone");
    drop(second);
    drop(Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("alone"));
    assert!(!incoming.exists(), "quarantined by an open that had the workspace alone");
    assert!(dir.path().join("quarantine/0191e0b2-0000-7000-8000-000000000000.bin").is_file());
}

/// Issue 14: the sweep deleted vault files at every open, also right after the anchor reported
/// lost commits — when the files are the survivors and their rows are what was lost.
#[test]
fn after_lost_commits_the_vault_is_left_as_it_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = with_commits_in_wal(dir.path());
    let copy = crash_copy(dir.path());
    drop(ws);
    let wal = copy.path().join(format!("{DB_FILE}-wal"));
    let mut bytes = std::fs::read(&wal).expect("read wal");
    let last = bytes.len() - 100;
    bytes[last] ^= 0x01;
    std::fs::write(&wal, &bytes).expect("write wal");
    let survivor = copy.path().join("evidence/0191e0b2-0000-7000-8000-000000000000.bin");
    std::fs::write(&survivor, b"a file whose row was lost").expect("file");

    let opened = Workspace::unlock(copy.path(), Unlock::Passphrase(PASS)).expect("opens");
    assert!(opened.verify_audit().expect("verify").first_break.is_some(), "lost commits reported");
    assert!(survivor.is_file(), "not moved, not deleted");
    let report = workbench_store::evidence::sweep(&opened).expect("sweep");
    assert!(report.skipped_after_lost_commits);
    assert_eq!(report.quarantined, 0);
}
