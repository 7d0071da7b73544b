//! `cargo xtask bench filings`: the filing engine's figures (issue 7's goals), printed as a table.
//!
//! - A 10-page annual certification: render time (median of runs) and PDF size.
//! - An annual certification listing 500 foreign resellers: render time.
//!
//! Runs: CIPW_BENCH_RUNS (default 15).

use std::time::{Duration, Instant};

use chrono::TimeZone;
use workbench_core::filing::{FilingDoc, Masthead, PageSize, ResellerLine, Snapshot, UnverifiedCase};
use workbench_filings::render_filing;

fn annual(resellers: usize, cases: usize) -> FilingDoc {
    let snapshot = Snapshot::Annual {
        provider: "Example Cloud LLC".into(),
        year: 2026,
        statements: vec![
            ("The CIP was reviewed during the year".into(), "R13".into()),
            ("The provider complies with its CIP".into(), "R13".into()),
        ],
        unverifiable: cases as i64,
        refused: (cases / 2) as i64,
        cases: (0..cases)
            .map(|i| UnverifiedCase {
                customer_ref: format!("C-{i:06}"),
                country: ["DE", "BR", "JP", "GR"][i % 4].into(),
                on: "2025-06-01".into(),
                resolution: "account refused; now refused".into(),
            })
            .collect(),
        resellers: (0..resellers)
            .map(|i| ResellerLine {
                reseller_ref: format!("R-{i:04}"),
                legal_name: format!("Reseller number {i} — Λύσεις Νέφους / Облако"),
                country: ["SE", "RO", "NZ", "GR"][i % 4].into(),
                status: "active".into(),
                attestation: "complete".into(),
                reported: Some((40, 2, 1)),
            })
            .collect(),
        signer: "Olivia Officer, CIP officer".into(),
    };
    let masthead = Masthead {
        provider: "Example Cloud LLC".into(),
        kind: "Annual certification".into(),
        filing_id: "01a221ae-34ec-7349-baf3-be007751f5cf".into(),
        pack_id: "us-bis-iaas-cip-2024-nprm".into(),
        checkpoint: "ab".repeat(32),
    };
    snapshot.document(masthead, PageSize::A4)
}

fn median(doc: &FilingDoc, runs: usize) -> (Duration, Vec<u8>) {
    let at = chrono::Utc.with_ymd_and_hms(2026, 1, 20, 9, 0, 0).single().expect("date");
    let mut times = Vec::with_capacity(runs);
    let mut pdf = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        pdf = render_filing(doc, at).expect("render");
        times.push(started.elapsed());
    }
    times.sort();
    (times[runs / 2], pdf)
}

fn pages(pdf: &[u8]) -> usize {
    pdf.windows(10).filter(|w| w == b"/Type /Pag" || w == b"/Type/Page").count().saturating_sub(1)
}

fn main() {
    let runs = std::env::var("CIPW_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(15);
    // About 10 A4 pages: 150 resellers and 150 cases.
    let (ten, ten_pdf) = median(&annual(150, 150), runs);
    let (big, big_pdf) = median(&annual(500, 20), runs);
    let kb = ten_pdf.len() as f64 / 1024.0;
    println!("\nfiling engine, median of {runs} runs (release)\n");
    println!("{:<46} {:>12} {:>10} {:>8}", "figure", "measured", "goal", "ratio");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:<46} {:>9.1} ms {:>7} ms {:>8.2}",
        format!("render, {}-page annual certification", pages(&ten_pdf)),
        ms(ten),
        100,
        ms(ten) / 100.0
    );
    println!("{:<46} {:>9.1} KB {:>7} KB {:>8.2}", "size of that PDF", kb, 200, kb / 200.0);
    println!(
        "{:<46} {:>9.1} ms {:>7} ms {:>8.2}",
        format!("render, annual with 500 resellers ({} pages)", pages(&big_pdf)),
        ms(big),
        1000,
        ms(big) / 1000.0
    );
}
