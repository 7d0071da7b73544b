//! Foreign resellers and CIP copy requests through the CLI on the demo workspace: the register as
//! JSON, the attestation matrix, a request PDF, a counts CSV refused by row, and the R15 packet —
//! checked with qpdf, read with pdftotext, its attached parts detached with pdfdetach and hashed
//! against the manifest.

use workbench_core::audit::sha256_hex;

use crate::support::{app, run, stderr, stdout, tool};

const PASS: &str = "demo workspace passphrase";

fn cli(ws: &std::path::Path, args: &[&str]) -> std::process::Output {
    run(app().args(args).arg("--workspace").arg(ws).env("CIPW_PASSPHRASE", PASS))
}

fn json(ws: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let output = cli(ws, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("json")
}

#[test]
fn the_packet_holds_every_resellers_cip_and_its_manifest_hashes_the_attached_parts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("demo");
    let output = cli(&ws, &["demo", "--customers", "48"]);
    assert!(output.status.success(), "{}", stderr(&output));

    let resellers = json(&ws, &["resellers", "list", "--json"]);
    let refs: Vec<&str> =
        resellers.as_array().expect("array").iter().filter_map(|r| r["reseller_ref"].as_str()).collect();
    assert_eq!(refs, ["R-01", "R-02", "R-03", "R-04", "R-05"]);

    let packet = dir.path().join("packet.pdf");
    let path = packet.to_str().expect("utf-8");
    let output = cli(&ws, &["cip-request", "packet", "--out", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    tool("qpdf", &["--check", path]);
    let text = tool("pdftotext", &[path, "-"]);
    for expected in [
        "copy on request",
        "ICTS-CIP-2026-041",
        "Nordic Cloud Resale AB",
        "Λύσεις Νέφους ΑΕ",
        "R-03 — Kiwi Compute Ltd",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from the packet");
    }

    let requests = json(&ws, &["cip-request", "list", "--json"]);
    let manifest = &requests[0]["manifest"];
    let bytes = std::fs::read(&packet).expect("packet");
    assert_eq!(manifest["packet_sha256"].as_str(), Some(sha256_hex(&bytes).as_str()));
    let parts = manifest["parts"].as_array().expect("parts");
    let owners: Vec<&str> = parts.iter().filter_map(|p| p["owner"].as_str()).collect();
    assert_eq!(owners, ["Provider", "R-01", "R-02", "R-04", "R-05"], "every reseller with a CIP on file");
    assert_eq!(manifest["gaps"], serde_json::json!(["R-03"]));
    let detached = dir.path().join("parts");
    std::fs::create_dir(&detached).expect("dir");
    tool("pdfdetach", &["-saveall", "-o", detached.to_str().expect("utf-8"), path]);
    for part in parts {
        let name = part["file_name"].as_str().expect("name");
        let file = std::fs::read(detached.join(name)).expect("detached part");
        assert_eq!(part["sha256"].as_str(), Some(sha256_hex(&file).as_str()), "{name}");
    }
    let pages: u64 = parts.iter().filter_map(|p| p["pages"].as_u64()).sum();
    let info = tool("pdfinfo", &[path]);
    assert!(info.contains(&format!("Pages:           {}", pages + 1)), "{info}");
    crate::filings::fonts_embedded_and_subset(path);

    // The register knows the packet by its hash, with the audit checkpoint taken at assembly.
    let verified = cli(&ws, &["filing", "verify", path]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    let said = stdout(&verified);
    assert!(said.contains("CIP copy packet (R15)") && said.contains("audit checkpoint: event"), "{said}");
}

#[test]
fn attestations_through_the_cli_matrix_request_and_a_counts_file_refused_by_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("demo");
    assert!(cli(&ws, &["demo", "--customers", "24"]).status.success());
    let matrix = json(&ws, &["resellers", "matrix", "--json"]);
    let last = matrix["periods"]
        .as_array()
        .and_then(|p| p.last())
        .and_then(serde_json::Value::as_i64)
        .expect("year");
    let cell = |m: &serde_json::Value, row: usize| {
        m["rows"][row]["cells"].as_array().and_then(|c| c.last()).expect("cell")["status"].clone()
    };
    assert_eq!(cell(&matrix, 0), "complete");
    assert_eq!(cell(&matrix, 1), "exceptions");
    assert_eq!(cell(&matrix, 2), "overdue");

    let request = dir.path().join("request.pdf");
    let path = request.to_str().expect("utf-8");
    let period = last.to_string();
    let output = cli(&ws, &["resellers", "request", "R-03", "--period", &period, "--out", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    tool("qpdf", &["--check", path]);
    let text = tool("pdftotext", &[path, "-"]);
    for expected in [
        "Annual CIP attestation for",
        "Kiwi Compute Ltd (R-03, NZ)",
        "The CIP was reviewed during the year",
        "Accounts refused during the year",
        "Signature",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }

    let header = "reseller_ref,period,returned_on,customers,unverified,refused,statements_affirmed\n";
    let csv = dir.path().join("counts.csv");
    std::fs::write(
        &csv,
        format!(
            "{header}R-03,{last},{}-01-20,5,0,0,yes\nR-77,{last},{}-01-20,5,0,0,maybe\n",
            last + 1,
            last + 1
        ),
    )
    .expect("write");
    let output = cli(&ws, &["resellers", "counts", csv.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("row 3: statements_affirmed: must be yes or no"), "{}", stderr(&output));
    assert_eq!(cell(&json(&ws, &["resellers", "matrix", "--json"]), 2), "overdue", "nothing recorded");

    std::fs::write(&csv, format!("{header}R-03,{last},{}-01-20,5,0,0,yes\n", last + 1)).expect("write");
    let output = cli(&ws, &["resellers", "counts", csv.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(cell(&json(&ws, &["resellers", "matrix", "--json"]), 2), "complete");
}
