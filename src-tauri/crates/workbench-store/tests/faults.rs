//! Faults besides kill -9 (issue 14): a full disk during a database write, a read-only
//! workspace folder, a database kept busy by another process. Each gives a clear error and
//! loses nothing: what was committed before is there, the failed change is not there at all,
//! the workspace opens and verifies, and the same change succeeds once the fault is gone.
//!
//! The full-disk and read-only cases mount a small tmpfs, which needs root (CI and this project's
//! machines run as root); elsewhere they say so and return.

use std::path::Path;
use std::process::Command;

use chrono::Utc;
use workbench_store::{NewWorkspace, StoreError, Unlock, Workspace};

const PASS: &str = "faults test passphrase";
const HEADER: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on";

fn batch(n: usize, rows: usize) -> String {
    let mut out = format!("{HEADER}\n");
    for i in 0..rows {
        out.push_str(&format!(
            "F{n}-{i},individual,Jan Kowalski {n} {i} {},PL,ul. Floriańska {i},,Kraków,,31-019,f{n}.{i}@example.pl,+48 12 345 {:02} {:02},no,,FA{n}-{i},card,4242,PKO,low,2026-01-15\n",
            "x".repeat(200),
            i % 100,
            n % 100
        ));
    }
    out
}

fn import(ws: &mut Workspace, csv: &str) -> Result<usize, StoreError> {
    let actor = ws.db().read(workbench_store::actors::list)?.first().map(|a| a.id).expect("an officer");
    let now = Utc::now();
    let due = [now, now, now];
    ws.db_mut().write(|tx| {
        workbench_store::customers::import_csv(
            tx,
            csv.as_bytes(),
            actor,
            now,
            &due,
            &mut |_, _| Ok(Vec::new()),
            &mut |_| true,
        )
        .map(|rows| rows.len())
    })
}

fn customers(ws: &Workspace) -> i64 {
    ws.db().read(|c| Ok(c.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?)).expect("count")
}

fn create(root: &Path) -> Workspace {
    Workspace::create(
        root,
        &NewWorkspace {
            provider_name: "P",
            officer_name: "O",
            passphrase: PASS,
            use_keyring: false,
            at: Utc::now(),
        },
    )
    .expect("create")
    .workspace
}

fn verify(ws: &Workspace) {
    assert!(ws.db().integrity_problems().expect("integrity").is_empty());
    assert!(ws.verify_audit().expect("audit").first_break.is_none());
}

/// A tmpfs of `mib` MiB, unmounted when dropped; `None` where mounting is not allowed.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(mib: u32) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Some(Self(dir))
        } else {
            eprintln!("not run: mounting a tmpfs needs root");
            None
        }
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn remount(&self, options: &str) {
        let status =
            Command::new("mount").args(["-o", &format!("remount,{options}")]).arg(self.path()).status();
        assert!(status.is_ok_and(|s| s.success()), "remount {options}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_disk_during_an_import_is_named_and_loses_nothing() {
    let Some(disk) = Tmpfs::mount(24) else { return };
    let root = disk.path().join("ws");
    let mut ws = create(&root);
    let mut stored = 0;
    let mut n = 0;
    // Fill the disk with imports until one does not fit.
    let err = loop {
        match import(&mut ws, &batch(n, 400)) {
            Ok(rows) => stored += rows as i64,
            Err(e) => break e,
        }
        n += 1;
        assert!(n < 500, "the disk never filled");
    };
    assert!(matches!(err, StoreError::DiskFull | StoreError::Io { .. }), "{err}");
    assert!(err.to_string().contains("full") || err.to_string().contains("space"), "a clear error: {err}");
    assert_eq!(customers(&ws), stored, "committed imports are all there, the failed one not at all");
    drop(ws);
    // Room again (the disk grows), and the workspace opens, verifies and takes the same import.
    disk.remount("size=64m");
    let mut ws = Workspace::unlock(&root, Unlock::Passphrase(PASS)).expect("opens after the full disk");
    verify(&ws);
    assert_eq!(customers(&ws), stored);
    assert_eq!(import(&mut ws, &batch(n, 400)).expect("fits now"), 400);
    eprintln!("full disk: {n} imports of 400 committed ({stored} customers), the next refused: {err}");
}

#[test]
fn a_read_only_workspace_folder_is_named_and_changes_nothing() {
    let Some(disk) = Tmpfs::mount(16) else { return };
    let root = disk.path().join("ws");
    let mut ws = create(&root);
    import(&mut ws, &batch(0, 50)).expect("import");
    drop(ws);
    let before = std::fs::read(root.join("workspace.db")).expect("db");
    disk.remount("ro");
    let err = Workspace::unlock(&root, Unlock::Passphrase(PASS)).expect_err("read-only");
    assert!(err.to_string().contains("Read-only file system"), "a clear error: {err}");
    disk.remount("rw");
    assert_eq!(std::fs::read(root.join("workspace.db")).expect("db"), before);
    let ws = Workspace::unlock(&root, Unlock::Passphrase(PASS)).expect("opens again");
    verify(&ws);
    assert_eq!(customers(&ws), 50);
    eprintln!("read-only folder: {err}");
}

#[test]
fn a_database_kept_busy_by_another_process_is_named_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = create(dir.path());
    import(&mut ws, &batch(0, 20)).expect("import");
    // Another process's connection holds the write lock (the key read as any holder of the
    // passphrase would).
    let key = workbench_store::workspace::read_slots(dir.path())
        .expect("slots")
        .open_with_passphrase(PASS)
        .expect("key");
    let other = workbench_store::Database::open(&dir.path().join("workspace.db"), &key)
        .expect("open")
        .into_connection();
    other.execute_batch("BEGIN EXCLUSIVE").expect("hold the write lock");
    let started = std::time::Instant::now();
    let err = import(&mut ws, &batch(1, 20)).expect_err("busy");
    let waited = started.elapsed();
    assert!(matches!(err, StoreError::Busy), "{err}");
    assert!(err.to_string().contains("stayed busy with a long job"), "{err}");
    assert!(waited >= std::time::Duration::from_secs(4), "it waited for the other writer ({waited:?})");
    other.execute_batch("ROLLBACK").expect("release");
    assert_eq!(customers(&ws), 20, "the refused import left nothing");
    assert_eq!(import(&mut ws, &batch(1, 20)).expect("free now"), 20);
    verify(&ws);
    eprintln!("busy database: refused after {:.1} s: {err}", waited.as_secs_f64());
}
