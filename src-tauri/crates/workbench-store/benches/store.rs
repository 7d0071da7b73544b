//! `cargo xtask bench store`: the workspace store's figures, printed as a table.
//!
//! - SQLCipher vs the same engine unkeyed (plain SQLite pages): bulk insert rate, point-query
//!   latency, and the ratio. (A separately bundled plain SQLite cannot be linked beside
//!   SQLCipher in one process; the unkeyed SQLCipher build is that SQLite without encryption.)
//! - Unlock with the key in hand (what the OS credential store returns) → first query.
//! - Passphrase change: total, and the part after key derivation (re-wrap + atomic write).
//! - Audit chain verification of N events (default 1,000,000).
//!
//! Sizes: CIPW_BENCH_ROWS (default 200,000), CIPW_BENCH_EVENTS (default 1,000,000).
//! Experiments: CIPW_BENCH_MEMSEC=OFF (memory wiping off), CIPW_BENCH_PAGE=16384 (both engines
//! on a larger page size, for the insert comparison only).

use std::time::{Duration, Instant};

use chrono::Utc;
use rusqlite::{Connection, params};
use workbench_core::audit::{EventBody, GENESIS, chain};
use workbench_store::{DataKey, Database, NewWorkspace, Unlock, Workspace, audit};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn configure(conn: &Connection) {
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.pragma_update(None, "synchronous", "FULL").expect("sync");
    conn.pragma_update(None, "cache_size", -65_536).expect("cache");
}

/// (inserts per second, mean point-query latency)
fn workload(conn: &mut Connection, rows: usize) -> (f64, Duration) {
    conn.execute_batch(
        "CREATE TABLE customer (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, name TEXT NOT NULL, \
         country TEXT NOT NULL, email TEXT NOT NULL, risk INTEGER NOT NULL)",
    )
    .expect("schema");
    let started = Instant::now();
    let tx = conn.transaction().expect("tx");
    {
        let mut insert = tx
            .prepare("INSERT INTO customer (ref, name, country, email, risk) VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("prepare");
        for i in 0..rows {
            insert
                .execute(params![
                    format!("C-{i:07}"),
                    format!("Customer number {i} GmbH"),
                    ["DE", "JP", "BR", "RU"][i % 4],
                    format!("contact{i}@example.com"),
                    (i % 3) as i64
                ])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    let rate = rows as f64 / started.elapsed().as_secs_f64();

    let queries = 20_000;
    let mut select = conn.prepare("SELECT name, email FROM customer WHERE ref = ?1").expect("prepare");
    let started = Instant::now();
    for i in 0..queries {
        let key = format!("C-{:07}", (i * 7919) % rows);
        let _: (String, String) = select.query_row([key], |r| Ok((r.get(0)?, r.get(1)?))).expect("query");
    }
    (rate, started.elapsed() / queries as u32)
}

fn main() {
    let rows = env("CIPW_BENCH_ROWS", 200_000);
    let events = env("CIPW_BENCH_EVENTS", 1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut table: Vec<(String, String, String)> = Vec::new();

    // 1. Encryption overhead on the same workload.
    let mut plain = Connection::open(dir.path().join("plain.db")).expect("plain");
    if let Ok(size) = std::env::var("CIPW_BENCH_PAGE") {
        plain.pragma_update(None, "page_size", &size).expect("page size");
    }
    configure(&plain);
    let (plain_rate, plain_query) = workload(&mut plain, rows);
    // The bench picks the key bytes itself so it can key a raw connection for the identical
    // workload; Database::open first proves the file is SQLCipher under that key.
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("random");
    let db = Database::open(&dir.path().join("cipher.db"), &DataKey::from_bytes(bytes)).expect("sqlcipher");
    drop(db);
    let cipher_file = if std::env::var("CIPW_BENCH_PAGE").is_ok() { "cipher-page.db" } else { "cipher.db" };
    let mut cipher = Connection::open(dir.path().join(cipher_file)).expect("reopen");
    cipher.pragma_update(None, "key", format!("x'{}'", hex::encode(bytes))).expect("key");
    // The same setting the app uses (Database::open): wipe freed memory that held plaintext.
    // CIPW_BENCH_MEMSEC=OFF measures what that costs.
    let memsec = std::env::var("CIPW_BENCH_MEMSEC").unwrap_or_else(|_| "ON".into());
    cipher.pragma_update(None, "cipher_memory_security", &memsec).expect("memory security");
    if let Ok(size) = std::env::var("CIPW_BENCH_PAGE") {
        cipher.pragma_update(None, "cipher_page_size", &size).expect("page size");
    }
    configure(&cipher);
    let (cipher_rate, cipher_query) = workload(&mut cipher, rows);
    table.push((
        format!("insert {rows} rows, one transaction"),
        format!("{plain_rate:.0} rows/s plain"),
        format!("{cipher_rate:.0} rows/s SQLCipher"),
    ));
    table.push((
        "point query (mean of 20,000)".into(),
        format!("{:.1} µs plain", micros(plain_query)),
        format!("{:.1} µs SQLCipher", micros(cipher_query)),
    ));
    table.push((
        "overhead ratio (SQLCipher / plain)".into(),
        format!("insert {:.2}", plain_rate / cipher_rate),
        format!(
            "query {:.2}  (goal ≤ 1.10; cipher_memory_security {memsec})",
            micros(cipher_query) / micros(plain_query)
        ),
    ));

    // 2. Unlock with the key in hand → first query; passphrase change.
    let root = dir.path().join("ws");
    let created = Workspace::create(
        &root,
        &NewWorkspace {
            provider_name: "Bench",
            officer_name: "O",
            passphrase: "bench passphrase 1",
            use_keyring: false,
            at: Utc::now(),
        },
    )
    .expect("create");
    let code = created.recovery_code.to_string();
    let officer = created.officer.id;
    drop(created);
    let started = Instant::now();
    let ws = Workspace::unlock(&root, Unlock::RecoveryCode(&code)).expect("unlock");
    let _: i64 =
        ws.db().read(|c| Ok(c.query_row("SELECT count(*) FROM actor", [], |r| r.get(0))?)).expect("query");
    let unlock = started.elapsed();
    table.push((
        "unlock with the key → first query".into(),
        format!("{:.1} ms", millis(unlock)),
        "goal ≤ 50 ms (recovery-code slot: HKDF, like a keyring key)".into(),
    ));
    let mut ws = ws;
    let started = Instant::now();
    ws.change_passphrase(officer, "bench passphrase 2", Utc::now()).expect("change");
    let change = started.elapsed();
    let slots = workbench_store::workspace::read_slots(&root).expect("slots");
    let kdf_only = {
        let t = Instant::now();
        let _ = slots.open_with_passphrase("bench passphrase 2");
        t.elapsed()
    };
    table.push((
        "passphrase change (re-wrap, database untouched)".into(),
        format!("{:.0} ms total", millis(change)),
        format!(
            "Argon2id alone {:.0} ms; the rest {:.1} ms",
            millis(kdf_only),
            millis(change.saturating_sub(kdf_only))
        ),
    ));
    drop(ws);

    // 3. Audit verification of `events` events.
    let mut ws = Workspace::unlock(&root, Unlock::RecoveryCode(&code)).expect("unlock");
    let at = Utc::now();
    ws.db_mut()
        .write(|tx| {
            let (mut seq, mut prev): (i64, String) = tx.query_row(
                "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            ).unwrap_or((0, GENESIS.to_owned()));
            let mut insert = tx.prepare(
                "INSERT INTO audit_event (seq, at, actor, action, object, before, after, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let stamp = audit::timestamp(&at);
            for i in 0..events {
                seq += 1;
                let event = chain(&prev, EventBody {
                    seq,
                    at,
                    actor: "bench".into(),
                    action: "customer.update".into(),
                    object: format!("customer:{i}"),
                    before: Some("a".repeat(64)),
                    after: Some("b".repeat(64)),
                });
                insert.execute(params![seq, stamp, event.body.actor, event.body.action, event.body.object, event.body.before, event.body.after, event.prev_hash, event.hash])?;
                prev = event.hash;
            }
            Ok(())
        })
        .expect("fill");
    let started = Instant::now();
    let bytes_read: usize = ws
        .db()
        .read(|c| {
            let mut statement = c.prepare(
                "SELECT seq, at, actor, action, object, before, after, prev_hash, hash FROM audit_event ORDER BY seq",
            )?;
            let mut rows = statement.query([])?;
            let mut total = 0;
            while let Some(row) = rows.next()? {
                for i in 1..9 {
                    total += row.get_ref(i)?.as_bytes_or_null().ok().flatten().map_or(0, <[u8]>::len);
                }
            }
            Ok(total)
        })
        .expect("scan");
    let scan = started.elapsed();
    table.push((
        "audit rows read, no hashing (same table)".into(),
        format!("{:.2} s", scan.as_secs_f64()),
        format!("{} MB of event text", bytes_read / 1_000_000),
    ));
    let started = Instant::now();
    let report = ws.db().read(audit::verify_chain).expect("verify");
    let sequential = started.elapsed();
    assert!(report.first_break.is_none());
    table.push((
        format!("audit verify, {} events, one thread", report.events),
        format!("{:.2} s", sequential.as_secs_f64()),
        "for comparison".into(),
    ));
    let started = Instant::now();
    let report = ws.verify_audit().expect("verify");
    let verify = started.elapsed();
    assert!(report.first_break.is_none(), "{:?}", report.first_break);
    table.push((
        format!("audit verify, {} events (as the app runs it)", report.events),
        format!("{:.2} s", verify.as_secs_f64()),
        format!(
            "goal ≤ 1 s; two halves on two connections, {:.2}× the one-thread time",
            verify.as_secs_f64() / sequential.as_secs_f64()
        ),
    ));

    println!(
        "\nworkbench-store benchmark ({} cores)\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let width = table.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    for (what, a, b) in &table {
        println!("  {what:<width$}  {a:<28}  {b}");
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
