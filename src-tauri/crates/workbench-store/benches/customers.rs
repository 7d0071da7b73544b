//! `cargo xtask bench customers`: a 100k-row customers CSV imported end to end (parse, validate,
//! store with audit events, in one transaction), then search latency over those customers.
//!
//! Size: CIPW_BENCH_CUSTOMERS (default 100,000).
//!
//! Measured here (2 cores): with `cipher_memory_security = ON` (the app's setting) the store
//! step costs ~2.5 ms per row — SQLCipher mlocks and wipes every allocation, and the kernel's
//! VMA bookkeeping dominates (perf: split_vma, mt_find); with it OFF, 20,000 rows took 2.6 s
//! instead of 51 s. The trade (no swapped-out plaintext pages vs. bulk speed) is open.

use std::time::Instant;

use chrono::Utc;
use workbench_core::import::parse_customers;
use workbench_store::customers::{self, Sort};
use workbench_store::{NewWorkspace, Workspace};

const HEADER: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on";
const PLACES: [(&str, &str, &str); 6] = [
    ("DE", "Müller Datentechnik", "+49 30 1234"),
    ("JP", "株式会社サクラ", "+81 3 1234 "),
    ("RU", "Иванов Сергей", "+7 495 123 "),
    ("BR", "Ana Souza", "+55 11 91234 "),
    ("GR", "Παπαδόπουλος", "+30 21 0123 "),
    ("FR", "Société Générale Test", "+33 1 23 45 "),
];

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

fn main() {
    let rows: usize =
        std::env::var("CIPW_BENCH_CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
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
    let officer = created.officer.id.to_string();
    let text = csv(rows);

    let started = Instant::now();
    let parsed = parse_customers(text.as_bytes()).expect("good file");
    let parse = started.elapsed();
    let stored = ws
        .db_mut()
        .write(|tx| customers::insert_imported(tx, &parsed, &officer, Utc::now()))
        .expect("store")
        .expect("no clashes");
    let total = started.elapsed();
    assert_eq!(stored, rows);

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
    println!(
        "  import {rows} rows end to end         {:.2} s (parse + validate {:.2} s)   goal ≤ 5 s",
        total.as_secs_f64(),
        parse.as_secs_f64()
    );
    println!(
        "  search by reference or name (substring) median {:.1} ms, p95 {:.1} ms     goal ≤ 20 ms",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
    println!("  ({} MB of CSV, {} audit events)", text.len() / 1_000_000, rows);
}
