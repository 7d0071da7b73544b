//! kill -9 (issue 14: not only the evidence loop). A child process commits as fast as it can
//! and acknowledges each commit on stdout; the parent SIGKILLs it at random moments, then checks
//! that no acknowledged commit was lost, nothing was half written, the database passes its
//! integrity checks and the audit chain verifies. Four kinds of work, each its own test:
//! - evidence: file + row + audit event (every evidence file must decrypt to its hash);
//! - import: a 40-customer CSV in one transaction (each batch all there or not at all);
//! - passphrase change: the key-slot files replaced (the workspace opens with the last
//!   acknowledged passphrase or the one being set, and always with the recovery code);
//! - key rotation: the database re-encrypted and swapped in (it opens with the passphrase; every
//!   acknowledged rotation is in the audit chain).
//!
//! The child is this same test binary, re-run on the ignored test `crash_child`. Cycles:
//! `CIPW_CRASH_CYCLES` (default: 200 evidence, 60 import, 20 passphrase, 12 rotation — what
//! `cargo xtask test` runs); `cargo xtask bench crash [LOOP]` runs 1,000 of each, or of one.
//! Each loop prints its progress every [`PROGRESS_EVERY`] cycles. The import loop starts a fresh
//! workspace every [`GENERATION`] cycles: what a kill can break lies in the batch being written,
//! not in the size of what is already there, while the checks after each kill (integrity check,
//! the whole audit chain) grow with it — 1,000 cycles in one workspace made the loop quadratic.

use std::io::{BufRead, BufReader, Cursor};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use workbench_store::evidence::{self, NewEvidence};
use workbench_store::{NewWorkspace, Unlock, Workspace};

const CHILD_ENV: &str = "CIPW_CRASH_CHILD_DIR";
const CODE_ENV: &str = "CIPW_CRASH_CHILD_CODE";
const MODE_ENV: &str = "CIPW_CRASH_CHILD_MODE";
const PASS_ENV: &str = "CIPW_CRASH_CHILD_PASS";
const START_ENV: &str = "CIPW_CRASH_CHILD_START";
const CYCLES_ENV: &str = "CIPW_CRASH_CYCLES";
const PASS: &str = "crash test passphrase";
const HEADER: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on";
const BATCH: usize = 40;
/// Cycles between two progress lines.
const PROGRESS_EVERY: u32 = 100;
/// Import cycles in one workspace before the loop starts a fresh one.
const GENERATION: u32 = 100;

/// Prints where a loop stands every [`PROGRESS_EVERY`] cycles (on stderr, with `--nocapture`).
fn progress(name: &str, cycle: u32, cycles: u32, acknowledged: usize, started: Instant) {
    let done = cycle + 1;
    if done.is_multiple_of(PROGRESS_EVERY) && done < cycles {
        eprintln!(
            "kill -9 {name}: {done}/{cycles} cycles, {acknowledged} acknowledged, {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
}

fn batch_csv(n: u64) -> String {
    let mut out = format!("{HEADER}\n");
    for i in 0..BATCH {
        out.push_str(&format!(
            "K{n}-{i},individual,Ana Souza {n} {i},BR,Rua Augusta {i},,São Paulo,,01305-000,k{n}.{i}@example.com.br,+55 11 91234-{:04},no,,KA{n}-{i},card,4242,Itaú,low,2026-01-15\n",
            i % 10_000
        ));
    }
    out
}

#[test]
#[ignore = "the child process of the kill -9 tests"]
fn crash_child() {
    let dir = std::env::var(CHILD_ENV).expect("run by the parent test");
    let mode = std::env::var(MODE_ENV).unwrap_or_else(|_| "evidence".into());
    let start: u64 = std::env::var(START_ENV).ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let dir = Path::new(&dir);
    let mut ws = match std::env::var(CODE_ENV) {
        Ok(code) if mode != "rotate" => Workspace::unlock(dir, Unlock::RecoveryCode(&code)),
        _ => Workspace::unlock(dir, Unlock::Passphrase(&std::env::var(PASS_ENV).expect("passphrase"))),
    }
    .expect("child unlock");
    let actor =
        ws.db().read(workbench_store::actors::list).expect("actors").first().map(|a| a.id).expect("officer");
    let new = NewEvidence { original_name: "scan.pdf", media_type: "application/pdf", max_bytes: u64::MAX };
    let now = Utc::now();
    let due =
        [now + chrono::Duration::days(10), now + chrono::Duration::days(5), now + chrono::Duration::days(2)];
    for n in start.. {
        match mode.as_str() {
            "evidence" => {
                let data = vec![(n % 251) as u8; 1000 + (n as usize % 7) * 20_000];
                let record =
                    evidence::store(&mut ws, Cursor::new(data), &new, actor, Utc::now()).expect("store");
                println!("ACK {}", record.id);
            }
            "import" => {
                let csv = batch_csv(n);
                ws.db_mut()
                    .write(|tx| {
                        workbench_store::customers::import_csv(
                            tx,
                            csv.as_bytes(),
                            actor,
                            Utc::now(),
                            &due,
                            &mut |_, _| Ok(Vec::new()),
                            &mut |_| true,
                        )
                    })
                    .expect("import");
                println!("ACK {n}");
            }
            "passphrase" => {
                ws.change_passphrase(actor, &format!("{PASS} {n}"), Utc::now()).expect("change");
                println!("ACK {n}");
            }
            "rotate" => {
                ws.rotate_data_key(PASS, actor, Utc::now(), &mut |_, _| {}).expect("rotate");
                println!("ACK {n}");
            }
            other => panic!("unknown mode {other}"),
        }
    }
}

/// What a parent test does around its kills.
struct Loop {
    dir: tempfile::TempDir,
    code: String,
    seed: u64,
    kill_within_ms: u64,
}

impl Loop {
    fn new(kill_within_ms: u64) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let created = Workspace::create(
            dir.path(),
            &NewWorkspace {
                provider_name: "P",
                officer_name: "O",
                passphrase: PASS,
                use_keyring: false,
                at: Utc::now(),
            },
        )
        .expect("create");
        let code = created.recovery_code.to_string();
        drop(created);
        Self { dir, code, seed: 0x9E37_79B9_7F4A_7C15, kill_within_ms }
    }

    /// Runs one child in `mode`, kills it at a random moment after its first acknowledgement,
    /// and returns the acknowledgements it printed.
    fn cycle(&mut self, mode: &str, pass: &str, start: u64) -> Vec<String> {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "crash_child", "--ignored", "--nocapture", "--test-threads", "1"])
            .env(CHILD_ENV, self.dir.path())
            .env(CODE_ENV, &self.code)
            .env(MODE_ENV, mode)
            .env(PASS_ENV, pass)
            .env(START_ENV, start.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        // xorshift: no dependency, reproducible per run.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let after = Duration::from_millis(self.seed % self.kill_within_ms);
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(ack) = line.strip_prefix("ACK ") {
                    let _ = tx.send(ack.to_owned());
                }
            }
        });
        // Let the child get going (unlock, first commit), then kill it at a random point inside
        // a transaction, a file write, a rename or an fsync.
        let mut acks = Vec::new();
        if let Ok(first) = rx.recv_timeout(Duration::from_secs(30)) {
            acks.push(first);
        }
        std::thread::sleep(after);
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        reader.join().expect("reader");
        acks.extend(rx.try_iter());
        acks
    }

    fn check(&self, ws: &Workspace, cycle: u32) {
        let problems = ws.db().integrity_problems().expect("integrity check runs");
        assert!(problems.is_empty(), "cycle {cycle}: integrity failures {problems:?}");
        let report = ws.verify_audit().expect("verify");
        assert!(report.first_break.is_none(), "cycle {cycle}: audit chain broken: {:?}", report.first_break);
    }
}

fn cycles(default: u32) -> u32 {
    std::env::var(CYCLES_ENV).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn count(ws: &Workspace, sql: &str) -> i64 {
    ws.db().read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).expect("count")
}

#[test]
fn kill_minus_9_loses_no_acknowledged_commit() {
    let cycles = cycles(200);
    let mut run = Loop::new(40);
    let mut acknowledged = Vec::new();
    let started = Instant::now();
    for cycle in 0..cycles {
        acknowledged.extend(run.cycle("evidence", PASS, 0));
        let ws = Workspace::unlock(run.dir.path(), Unlock::RecoveryCode(&run.code))
            .unwrap_or_else(|e| panic!("cycle {cycle}: the workspace does not open after kill -9: {e}"));
        run.check(&ws, cycle);
        progress("evidence", cycle, cycles, acknowledged.len(), started);
    }
    let ws = Workspace::unlock(run.dir.path(), Unlock::RecoveryCode(&run.code)).expect("final unlock");
    let stored: std::collections::HashSet<String> = ws
        .db()
        .read(|c| {
            let mut s = c.prepare("SELECT id FROM evidence")?;
            let ids = s.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
            Ok(ids)
        })
        .expect("ids");
    let lost: Vec<_> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(lost.is_empty(), "{} acknowledged commit(s) lost: {lost:?}", lost.len());
    let (count, bad) = evidence::verify_all(&ws).expect("verify evidence");
    assert!(bad.is_empty(), "damaged evidence after kill -9: {bad:?}");
    let sweep = evidence::sweep(&ws).expect("sweep");
    assert!(sweep.missing_files.is_empty(), "rows without files: {:?}", sweep.missing_files);
    assert!(
        acknowledged.len() as u32 >= cycles / 4,
        "the child must commit in most cycles (got {})",
        acknowledged.len()
    );
    eprintln!(
        "kill -9 evidence: {cycles} cycles, {} acknowledged commits, {count} evidence rows, 0 integrity failures, 0 lost, {:.1} s",
        acknowledged.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn kill_minus_9_during_imports_loses_no_batch_and_half_stores_none() {
    let cycles = cycles(60);
    let mut run = Loop::new(60);
    let mut next = 0u64;
    let mut acknowledged = 0usize;
    let mut customers = 0i64;
    let started = Instant::now();
    for cycle in 0..cycles {
        if cycle > 0 && cycle % GENERATION == 0 {
            customers += final_import_check(&run, next);
            run = Loop::new(60);
            next = 0;
        }
        let acks = run.cycle("import", PASS, next);
        acknowledged += acks.len();
        let last_ack = acks.last().and_then(|a| a.parse::<u64>().ok());
        let ws = Workspace::unlock(run.dir.path(), Unlock::RecoveryCode(&run.code))
            .unwrap_or_else(|e| panic!("cycle {cycle}: the workspace does not open after kill -9: {e}"));
        run.check(&ws, cycle);
        // Every batch this child started is whole or absent; every acknowledged one is whole.
        let first = next;
        let mut n = first;
        loop {
            let stored =
                count(&ws, &format!("SELECT count(*) FROM customer WHERE customer_ref LIKE 'K{n}-%'"));
            let acked = last_ack.is_some_and(|l| n <= l);
            assert!(stored == 0 || stored == BATCH as i64, "cycle {cycle}: batch {n} half stored ({stored})");
            assert!(!acked || stored == BATCH as i64, "cycle {cycle}: acknowledged batch {n} lost");
            if stored == 0 {
                break;
            }
            n += 1;
        }
        next = n;
        drop(ws);
        progress("import", cycle, cycles, acknowledged, started);
    }
    customers += final_import_check(&run, next);
    assert!(acknowledged as u32 >= cycles / 4, "the child must commit in most cycles (got {acknowledged})");
    eprintln!(
        "kill -9 import: {cycles} cycles, {acknowledged} acknowledged batches of {BATCH}, {customers} customers in {} workspace(s), 0 half-stored, 0 integrity failures, 0 lost, {:.1} s",
        cycles.div_ceil(GENERATION),
        started.elapsed().as_secs_f64()
    );
}

/// The end of one import workspace: exactly the batches found whole are there. Returns the
/// number of customers.
fn final_import_check(run: &Loop, batches: u64) -> i64 {
    let ws = Workspace::unlock(run.dir.path(), Unlock::RecoveryCode(&run.code)).expect("final unlock");
    let customers = count(&ws, "SELECT count(*) FROM customer");
    assert_eq!(customers, (batches as i64) * BATCH as i64);
    customers
}

#[test]
fn kill_minus_9_during_passphrase_changes_leaves_a_workspace_that_opens() {
    let cycles = cycles(20);
    let mut run = Loop::new(1200);
    let mut current = PASS.to_owned();
    let mut next = 0u64;
    let mut acknowledged = 0usize;
    let started = Instant::now();
    for cycle in 0..cycles {
        let acks = run.cycle("passphrase", &current, next);
        acknowledged += acks.len();
        // The last acknowledged passphrase, or the one being set when the kill came.
        let last: Option<u64> = acks.last().and_then(|a| a.parse().ok());
        let candidates: Vec<String> =
            [last.map(|l| format!("{PASS} {l}")), Some(format!("{PASS} {}", last.map_or(next, |l| l + 1)))]
                .into_iter()
                .flatten()
                .chain(last.is_none().then(|| current.clone()))
                .collect();
        let opened = candidates
            .iter()
            .find(|p| Workspace::unlock(run.dir.path(), Unlock::Passphrase(p)).map(drop).is_ok())
            .unwrap_or_else(|| panic!("cycle {cycle}: no passphrase of {candidates:?} opens the workspace"))
            .clone();
        let ws = Workspace::unlock(run.dir.path(), Unlock::RecoveryCode(&run.code))
            .unwrap_or_else(|e| panic!("cycle {cycle}: the recovery code no longer opens it: {e}"));
        run.check(&ws, cycle);
        let changes = count(&ws, "SELECT count(*) FROM audit_event WHERE action = 'actor.passphrase_change'");
        assert!(
            changes as usize >= acknowledged,
            "cycle {cycle}: {changes} changes recorded, {acknowledged} acknowledged"
        );
        next = opened
            .strip_prefix(&format!("{PASS} "))
            .and_then(|n| n.parse::<u64>().ok())
            .map_or(next, |n| n + 1);
        current = opened;
        progress("passphrase change", cycle, cycles, acknowledged, started);
    }
    eprintln!(
        "kill -9 passphrase change: {cycles} cycles, {acknowledged} acknowledged changes, 0 integrity failures, 0 lost, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn kill_minus_9_during_key_rotations_leaves_a_workspace_that_opens() {
    let cycles = cycles(12);
    let mut run = Loop::new(2500);
    let mut acknowledged = 0usize;
    let started = Instant::now();
    for cycle in 0..cycles {
        acknowledged += run.cycle("rotate", PASS, 0).len();
        let ws = Workspace::unlock(run.dir.path(), Unlock::Passphrase(PASS))
            .unwrap_or_else(|e| panic!("cycle {cycle}: the workspace does not open after kill -9: {e}"));
        run.check(&ws, cycle);
        let rotations = count(&ws, "SELECT count(*) FROM audit_event WHERE action = 'workspace.key_rotate'");
        assert!(
            rotations as usize >= acknowledged,
            "cycle {cycle}: {rotations} rotations recorded, {acknowledged} acknowledged"
        );
        assert!(
            !run.dir.path().join("workspace.db.next").exists(),
            "cycle {cycle}: the interrupted copy was left"
        );
        progress("key rotation", cycle, cycles, acknowledged, started);
    }
    assert!(acknowledged as u32 >= cycles / 4, "the child must rotate in most cycles (got {acknowledged})");
    eprintln!(
        "kill -9 key rotation: {cycles} cycles, {acknowledged} acknowledged rotations, 0 integrity failures, 0 lost, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
