//! `cargo xtask bench customers`: a 100k-row customers CSV imported end to end (parse and
//! validate on a second thread while the good rows are stored with their audit events, search
//! index and queue items, in one transaction), then — with 300k evidence rows and element checks
//! beside them — customer search and "take next" latencies.
//!
//! Two kinds of data (issue 20): **realistic** (`realistic.rs`: 16 countries, names in their own
//! scripts, phone numbers written as people write them, owners and IP logs) — the figures the
//! goals are read against — and the earlier **synthetic** rows (six places, alike phones), kept
//! as a second case. Each import is set beside the floor: the same CSV parsed and inserted into a
//! plain, unencrypted SQLite table in one transaction, in the same run.
//!
//! Size: CIPW_BENCH_CUSTOMERS (default 100,000); evidence rows are three per customer.
//! `CIPW_BENCH_SYNTHETIC=0` skips the synthetic case; `CIPW_BENCH_WRITE=DIR` also writes the
//! realistic files there (customers, owners, IP log, a 2,000-row file) for trying the CLI.
//! Experiments: `CIPW_BENCH_IMPORT_ONLY=1` stops after the import and prints the workspace's
//! files (`CIPW_BENCH_STAT=1` adds the biggest tables and indexes, from `dbstat`);
//! `CIPW_BENCH_CACHE_KIB` sets the page cache; `CIPW_BENCH_SQL` runs any SQL before the import.
//!
//! History (release, 2 cores; this VM's runs vary by ±1.5 s):
//! - `cipher_memory_security = ON` cost ~2.5 ms per row (mlock of every allocation): 268 s.
//!   The store sets it OFF, SQLCipher's own default: 16–17 s.
//! - 2026-11-28: the trigram index was fed by a per-row trigger; each INSERT's statement
//!   savepoint made FTS5 flush its pending terms, so the import wrote 100k one-row segments and
//!   merged them (a quarter of the time, per perf). Migration 0014 drops the trigger and the
//!   import indexes its rows in one statement: 16.5 s → 9.1 s. Parsing on a second thread while
//!   storing: ≈ 8.7 s (the two threads share this VM's two cores, so the store slows a little).
//!   Multi-row INSERTs (bulk.rs, 64 rows per statement): 7.1–8.3 s (median of three 7.9 s); a
//!   1,000-row file into the 100k workspace 0.42–0.49 s. Queue items written with each batch
//!   instead of by a scan of every customer afterwards: median 7.6 s (7.5–7.7), 1,000 rows 0.28 s.
//!   New ids and record digests worked out on the parsing thread (alternating single runs, old
//!   7.0–7.8 s median 7.5, new 5.8–7.6 s median 6.1): median of three 6.5 s (6.2–6.7).
//!   What is left is SQLite's own b-tree work: ~25 b-tree inserts per customer over 200 MB of
//!   pages (before multi-row INSERTs: customer 1.4 s, account 1.0 s, audit events 1.3 s, queue
//!   items 0.8 s, e-mail/phone 0.6 s, state changes 0.35 s, search index 0.6 s, reference clash
//!   checks 0.35 s, commit 1.1 s of which the WAL checkpoint ≈ 0.5 s). An unencrypted database
//!   measured the same, so it is not the cipher; perf now shows no single hot spot.
//!   Page size (`cipher_page_size`, fixed when a database is created), alternating runs: before
//!   multi-row INSERTs 64 KiB pages measured 6.7–9.6 s against 10.4–12.3 s for 4 KiB; after
//!   them 64 KiB no longer helps (7.0–8.6 s: each multi-row statement copies the 64 KiB pages it
//!   touches into its statement journal) and 16 KiB measured 6.2–7.9 s against 6.9–9.0 s. Not
//!   taken: existing workspaces would need their page size recorded beside the key slots, every
//!   small commit would write larger pages, and it would not reach 5 s either. `INSERT OR
//!   ROLLBACK` with deferred foreign keys (no statement journal) changed nothing beyond noise at
//!   4 KiB. A bigger page cache, FTS5 `hashsize`/`automerge` and dropping secondary indexes
//!   change nothing beyond noise. One audit event per import instead of per customer would save
//!   ≈ 1.2 s and still leave ≈ 6.5 s: reaching ≤ 5 s here also needs fewer b-trees per customer
//!   (indexes, text UUID keys) — product and schema decisions, not taken.
//! - 2026-12-03 (issue 20): on realistic data the import took ~280 s: the `phonenumber` crate's
//!   100-entry regex cache behind a global mutex thrashed on numbers of many countries (3.9 ms a
//!   number; 30 µs when the numbers come grouped by country, as the synthetic rows do). Phone
//!   checks now use `rlibphonenumber` (patterns compiled once each, no lock): 2.7 µs a number.

mod realistic;

use std::time::{Duration as Elapsed, Instant};
use workbench_core::ActorId;

use chrono::{Duration, Utc};
use workbench_core::import::parse_customers;
use workbench_store::customers::{self, Sort};
use workbench_store::review;
use workbench_store::{NewWorkspace, Workspace};

use realistic::CUSTOMER_HEADER as HEADER;
const PLACES: [(&str, &str, &str); 6] = [
    ("DE", "Müller Datentechnik", "+49 30 1234"),
    ("JP", "株式会社サクラ", "+81 3 1234 "),
    ("RU", "Иванов Сергей", "+7 495 123 "),
    ("BR", "Ana Souza", "+55 11 91234 "),
    ("GR", "Παπαδόπουλος", "+30 21 0123 "),
    ("FR", "Société Générale Test", "+33 1 23 45 "),
];

/// The earlier synthetic rows: six places, phone numbers of one shape each.
fn csv(rows: usize) -> String {
    let mut out = String::with_capacity(rows * 220);
    out.push_str(HEADER);
    out.push('\n');
    for i in 0..rows {
        let (country, name, phone) = PLACES[i % PLACES.len()];
        out.push_str(&format!(
            "C-{i:07},entity,{name} {i},{country},Street {i},,City,,1000,c{i}@example.com,{phone}{:04},no,,A-{i:07},card,4242,Bank,medium,2026-01-15\n",
            i % 10_000
        ));
    }
    out
}

/// A new workspace, with the experiments' settings applied.
fn fresh() -> (tempfile::TempDir, Workspace, ActorId) {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = Workspace::create(
        dir.path(),
        &NewWorkspace {
            provider_name: "Bench",
            officer_name: "O",
            passphrase: "bench passphrase 2026",
            use_keyring: false,
            at: Utc::now(),
        },
    )
    .expect("workspace");
    let mut ws = created.workspace;
    if let Ok(kib) = std::env::var("CIPW_BENCH_CACHE_KIB") {
        // Experiment: a larger page cache for the bulk import.
        ws.db_mut()
            .write(|tx| Ok(tx.execute_batch(&format!("PRAGMA cache_size = -{kib};"))?))
            .expect("cache");
    }
    if let Ok(sql) = std::env::var("CIPW_BENCH_SQL") {
        // Experiment: any SQL run before the import (FTS5 settings, dropped indexes).
        ws.db_mut().write(|tx| Ok(tx.execute_batch(&sql)?)).expect("CIPW_BENCH_SQL");
    }
    (dir, ws, created.officer.id)
}

/// Imports `text` end to end (parse on the second core, store with queue items, commit) as the
/// app does; returns the total time and the time to the end of storing.
fn import(ws: &mut Workspace, officer: ActorId, text: &str) -> (std::time::Duration, std::time::Duration) {
    let now = Utc::now();
    let due = [now + Duration::days(10), now + Duration::days(5), now + Duration::days(2)];
    let mut stored = std::time::Duration::ZERO;
    let started = Instant::now();
    ws.db_mut()
        .write(|tx| {
            customers::import_csv(
                tx,
                text.as_bytes(),
                officer,
                now,
                &due,
                &mut |_, _| Ok(Vec::new()),
                &mut |_| true,
            )?;
            stored = started.elapsed();
            Ok(())
        })
        .expect("store");
    (started.elapsed(), stored)
}

/// The floor: `text` parsed as CSV and inserted row by row (prepared statement, one
/// transaction) into a plain, unencrypted SQLite table with the file's columns.
fn floor(text: &str) -> Elapsed {
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let mut conn = rusqlite::Connection::open(dir.path().join("plain.db")).expect("plain db");
    conn.execute_batch("PRAGMA journal_mode = WAL;").expect("wal");
    let columns: Vec<String> = HEADER.split(',').map(|c| format!("{c} TEXT")).collect();
    conn.execute_batch(&format!("CREATE TABLE t ({});", columns.join(", "))).expect("table");
    let tx = conn.transaction().expect("tx");
    {
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let mut insert = tx.prepare(&format!("INSERT INTO t VALUES ({})", marks.join(", "))).expect("insert");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for record in reader.records() {
            let record = record.expect("row");
            insert.execute(rusqlite::params_from_iter(record.iter())).expect("row insert");
        }
    }
    tx.commit().expect("commit");
    started.elapsed()
}

/// Median, min and max.
fn spread(mut times: Vec<Elapsed>) -> (Elapsed, Elapsed, Elapsed) {
    times.sort();
    (times[times.len() / 2], times[0], times[times.len() - 1])
}

/// One data set's import figures: `runs` imports of `text` into new workspaces, each after its
/// plain-SQLite floor. Returns the last workspace (kept for the latency part) and the figures.
struct Case {
    label: &'static str,
    rows: usize,
    total: (Elapsed, Elapsed, Elapsed),
    stored: Elapsed,
    commit: Elapsed,
    parse: Elapsed,
    floor: Elapsed,
}

fn import_case(
    label: &'static str,
    text: &str,
    rows: usize,
    runs: usize,
) -> (Case, (tempfile::TempDir, Workspace, ActorId)) {
    // Parse + validate alone, for the breakdown: in the import it runs on the second core.
    let started = Instant::now();
    let parsed = parse_customers(text.as_bytes())
        .unwrap_or_else(|e| panic!("{label}: bad file: {:?}", &e[..e.len().min(5)]));
    let parse = started.elapsed();
    assert_eq!(parsed.len(), rows);
    drop(parsed);
    let mut totals = Vec::new();
    let mut floors = Vec::new();
    let mut breakdown = Vec::new();
    let mut kept = None;
    for _ in 0..runs {
        drop(kept.take()); // the previous run's workspace goes first
        floors.push(floor(text));
        let (dir, mut ws, officer) = fresh();
        let (total, stored) = import(&mut ws, officer, text);
        eprintln!(
            "({label} import done: {:.2} s — parse and store with queue items {:.2}, commit {:.2}; floor {:.2})",
            total.as_secs_f64(),
            stored.as_secs_f64(),
            (total - stored).as_secs_f64(),
            floors[floors.len() - 1].as_secs_f64(),
        );
        totals.push(total);
        breakdown.push((total, stored));
        kept = Some((dir, ws, officer));
    }
    let kept = kept.expect("at least one run");
    let stored: i64 = kept
        .1
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?))
        .expect("count");
    assert_eq!(stored as usize, rows);
    breakdown.sort();
    let (median_total, median_stored) = breakdown[breakdown.len() / 2];
    let case = Case {
        label,
        rows,
        total: spread(totals),
        stored: median_stored,
        commit: median_total - median_stored,
        parse,
        floor: spread(floors).0,
    };
    (case, kept)
}

/// Owners and IP log files through the store's use cases, each in its own transaction.
fn import_side_files(
    ws: &mut Workspace,
    officer: ActorId,
    intake: &realistic::Intake,
) -> [(usize, Elapsed); 2] {
    let now = Utc::now();
    let started = Instant::now();
    let owners = workbench_core::import::parse_owners(intake.owners.as_bytes()).expect("owners file");
    let n_owners = owners.len();
    ws.db_mut()
        .write(|tx| Ok(customers::insert_owners(tx, &owners, officer, now)?.expect("owners stored")))
        .expect("owners");
    let owners_time = started.elapsed();
    let started = Instant::now();
    let log = workbench_core::import::parse_ip_log(intake.ip_log.as_bytes()).expect("IP log");
    let n_log = log.len();
    ws.db_mut()
        .write(|tx| Ok(customers::insert_ip_log(tx, &log, officer, now)?.expect("log stored")))
        .expect("ip log");
    [(n_owners, owners_time), (n_log, started.elapsed())]
}

fn main() {
    let rows: usize =
        std::env::var("CIPW_BENCH_CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runs: usize =
        std::env::var("CIPW_BENCH_IMPORT_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3).max(1);
    let phones = realistic::Phones::new();
    let intake = realistic::intake(rows, "C", &phones, 2026);

    // The small files first, into new workspaces: 2,000 realistic rows end to end, and checked
    // alone (what `customers import --dry-run` does).
    let small_intake = realistic::intake(2_000, "K", &phones, 7);
    if let Some(dir) = std::env::var_os("CIPW_BENCH_WRITE") {
        // The realistic files, for trying them through the CLI (`customers import --dry-run`).
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).expect("CIPW_BENCH_WRITE folder");
        for (name, text) in [
            ("customers-2000.csv", &small_intake.customers),
            ("customers.csv", &intake.customers),
            ("owners.csv", &intake.owners),
            ("ip-log.csv", &intake.ip_log),
        ] {
            std::fs::write(dir.join(name), text).expect("write");
        }
    }
    let mut small_runs = Vec::new();
    let mut small_dry = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        parse_customers(small_intake.customers.as_bytes()).expect("2,000 rows");
        small_dry.push(started.elapsed());
        let (_dir, mut ws, officer) = fresh();
        small_runs.push(import(&mut ws, officer, &small_intake.customers).0);
    }
    let small_2000 = spread(small_runs);
    let small_2000_dry = spread(small_dry);

    let synthetic = if std::env::var("CIPW_BENCH_SYNTHETIC").as_deref() == Ok("0") {
        None
    } else {
        Some(import_case("synthetic", &csv(rows), rows, 1).0)
    };
    let (realistic_case, kept) = import_case("realistic", &intake.customers, rows, runs);
    let (dir, mut ws, officer) = kept;
    let [(n_owners, owners_time), (n_log, log_time)] = import_side_files(&mut ws, officer, &intake);

    // The everyday case: a small file into the big workspace.
    let small = realistic::intake(1_000, "S", &phones, 99).customers;
    let (small_total, small_stored) = import(&mut ws, officer, &small);
    eprintln!(
        "(small import: store with queue items {:.3} s, commit {:.3} s)",
        small_stored.as_secs_f64(),
        (small_total - small_stored).as_secs_f64()
    );
    let now = Utc::now();
    if std::env::var_os("CIPW_BENCH_IMPORT_ONLY").is_some() {
        let size: u64 = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum();
        eprintln!("(workspace files {:.1} MB)", size as f64 / 1e6);
        for e in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            eprintln!("  {:?} {:?}", e.file_name(), e.metadata().map(|m| m.len()));
        }
        if std::env::var_os("CIPW_BENCH_STAT").is_some() {
            ws.db()
                .read(|c| {
                    let mut st = c.prepare(
                        "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 25",
                    )?;
                    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
                    for row in rows {
                        let (name, size) = row?;
                        eprintln!("  {name:40} {:8.1} MB", size as f64 / 1e6);
                    }
                    Ok(())
                })
                .expect("dbstat");
        }
        return;
    }

    // 300k evidence register rows (three per customer) and a check per evidence row, as a
    // busy workspace holds them; the vault files themselves are not the point here.
    let evidence_started = Instant::now();
    ws.db_mut()
        .write(|tx| {
            tx.execute_batch(&format!(
                "CREATE TEMP TABLE bench_ev AS \
                 SELECT c.id AS customer_id, k.n AS n, c.created_at AS at, lower(printf('%s-%s-7%s-8%s-%s', \
                   hex(randomblob(4)), hex(randomblob(2)), substr(hex(randomblob(2)), 2), \
                   substr(hex(randomblob(2)), 2), hex(randomblob(6)))) AS id \
                 FROM customer c, (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) k;
                 INSERT INTO evidence (id, sha256, size_bytes, media_type, original_name, wrapped_key, added_by, added_at) \
                 SELECT id, lower(hex(randomblob(32))), 250000, 'image/png', 'scan.png', randomblob(72), '{officer}', at FROM bench_ev;
                 INSERT INTO customer_evidence (customer_id, evidence_id, element) \
                 SELECT customer_id, id, 'identity_document' FROM bench_ev;
                 INSERT INTO element_check (customer_id, element, method, outcome, evidence_id, note, reviewer, at) \
                 SELECT customer_id, CASE n WHEN 1 THEN 'name' WHEN 2 THEN 'address' ELSE 'identity_document' END, \
                        'documentary', 'verified', id, '', '{officer}', '2026-01-01T00:00:00.000000Z' FROM bench_ev;
                 DROP TABLE bench_ev;"
            ))?;
            Ok(())
        })
        .expect("evidence rows");
    let evidence_rows: i64 = ws
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM customer_evidence", [], |r| r.get(0))?))
        .expect("count");
    let evidence_time = evidence_started.elapsed();

    // Take next: the most urgent free item, locked to the reviewer, in its own transaction
    // (committed without an fsync: a lock may be lost on a power cut), then the review
    // screen's reads of that item.
    if std::env::var_os("CIPW_BENCH_PLAN").is_some() {
        ws.db()
            .read(|c| {
                for sql in [
                    "SELECT customer_id FROM queue_item INDEXED BY queue_item_assigned WHERE assigned_to = ?1 AND state = 'waiting' \
                     AND available_at <= ?2 AND (taken_by IS NULL OR taken_by = ?1 OR taken_at < ?3) \
                     ORDER BY due_at, risk_rank DESC, opened_at LIMIT 1",
                    "UPDATE queue_item SET taken_by = NULL, taken_at = NULL WHERE taken_by = ?1 AND customer_id <> ?2 AND ?3 IS NOT NULL",
                    "UPDATE queue_item SET taken_by = ?1, taken_at = ?2 WHERE customer_id = ?3",
                ] {
                    let mut plan = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                    let rows = plan.query_map(["a", "b", "c"], |r| r.get::<_, String>(3))?;
                    for row in rows {
                        println!("plan: {}", row?);
                    }
                }
                let started = Instant::now();
                for _ in 0..20 {
                    review::health(c, now)?;
                }
                println!("health: {:.2} ms", started.elapsed().as_secs_f64() * 1e3 / 20.0);
                Ok(())
            })
            .expect("plan");
    }
    let mut takes = Vec::new();
    let mut screens = Vec::new();
    for i in 0..300 {
        let at = now + Duration::milliseconds(i);
        let started = Instant::now();
        let taken = ws
            .db_mut()
            .write_ephemeral(|tx| review::take_next(tx, officer, at, at - Duration::minutes(30)))
            .expect("take next")
            .expect("an item");
        takes.push(started.elapsed());
        let started = Instant::now();
        ws.db()
            .read(|c| {
                customers::detail(c, &taken)?;
                review::evidence_of(c, &taken)?;
                review::current_checks(c, &taken)?;
                review::decisions(c, &taken)
            })
            .expect("screen");
        screens.push(started.elapsed());
        // Decide on it (an approval) so the next take moves on.
        ws.db_mut()
            .write(|tx| {
                let decision = review::NewDecision {
                    kind: workbench_core::verification::DecisionKind::Approve,
                    reason_code: "",
                    note: "",
                    until: None,
                    exemption_id: None,
                };
                review::decide(tx, &taken, &decision, officer, at).map(|_| ())
            })
            .expect("decide");
    }
    takes.sort();
    screens.sort();
    let take_p95 = takes[takes.len() * 95 / 100];
    let screen_p95 = screens[screens.len() * 95 / 100];

    let mut latencies = Vec::new();
    for i in 0..200 {
        let needle = format!("{}", (i * 7919) % rows);
        let started = Instant::now();
        let (page, _) =
            ws.db().read(|c| customers::list(c, &needle, None, Sort::Ref, 100, 0)).expect("search");
        latencies.push(started.elapsed());
        assert!(!page.is_empty());
    }
    latencies.sort();
    let p95 = latencies[latencies.len() * 95 / 100];
    let median = latencies[latencies.len() / 2];

    println!(
        "\nworkbench-store customers benchmark ({} cores)\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let secs = |d: Elapsed| d.as_secs_f64();
    for case in std::iter::once(&realistic_case).chain(synthetic.as_ref()) {
        let (median, min, max) = case.total;
        println!(
            "  import {} {} rows end to end  median {:.2} s of {} (min {:.2}, max {:.2})   goal ≤ 5 s{}",
            case.rows,
            case.label,
            secs(median),
            if case.label == "realistic" { runs } else { 1 },
            secs(min),
            secs(max),
            if case.label == "realistic" { "" } else { " (not a goal: alike rows)" },
        );
        println!(
            "      stages: parse + validate alone {:.2} s ({:.1} µs a row, overlapped with storing); parse and store {:.2} s; commit {:.2} s",
            secs(case.parse),
            secs(case.parse) * 1e6 / case.rows as f64,
            secs(case.stored),
            secs(case.commit),
        );
        println!(
            "      plain-SQLite floor (same CSV, one unencrypted table, one transaction) {:.2} s; ratio {:.1}×   goal ≤ 6×",
            secs(case.floor),
            secs(median) / secs(case.floor),
        );
    }
    println!(
        "  realistic data: {} countries; {n_owners} owners stored in {:.2} s, {n_log} IP log rows in {:.2} s (parse, store, commit)",
        intake.countries,
        secs(owners_time),
        secs(log_time),
    );
    println!(
        "  import 2000 realistic rows into a new workspace  median {:.3} s (min {:.3}, max {:.3})   goal ≤ 0.3 s; checked alone (dry run) {:.3} s",
        secs(small_2000.0),
        secs(small_2000.1),
        secs(small_2000.2),
        secs(small_2000_dry.0),
    );
    println!(
        "  import 1000 realistic rows into the {rows}-customer workspace  {:.2} s",
        small_total.as_secs_f64()
    );
    println!(
        "  search by reference or name (substring) median {:.1} ms, p95 {:.1} ms     goal ≤ 20 ms",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
    println!(
        "  queue: take next (one transaction, lock not fsynced) median {:.2} ms, p95 {:.2} ms     goal ≤ 5 ms",
        takes[takes.len() / 2].as_secs_f64() * 1e3,
        take_p95.as_secs_f64() * 1e3
    );
    println!("  queue: review screen reads of the taken item, p95 {:.2} ms", screen_p95.as_secs_f64() * 1e3);
    println!(
        "  ({} MB of CSV, {} audit events; {evidence_rows} evidence rows + checks added in {:.1} s)",
        intake.customers.len() / 1_000_000,
        rows,
        evidence_time.as_secs_f64()
    );
}
