//! `rules validate` and `obligations --json|--ics` through the real binary.

use crate::support::{app, run, stderr, stdout};

#[test]
fn rules_validate_accepts_the_shipped_pack_and_names_file_key_and_line_of_a_bad_one() {
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/rules/us-bis-iaas-cip-2024-nprm.toml");
    let output = run(app().args(["rules", "validate", shipped]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("valid rule pack us-bis-iaas-cip-2024-nprm"), "{text}");
    assert!(text.contains("deadlines.change_notice"), "assumed values are listed: {text}");

    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("final.toml");
    let source = std::fs::read_to_string(shipped).expect("read").replacen("days = 30\n", "days = -30\n", 1);
    std::fs::write(&bad, &source).expect("write");
    let line = source.lines().position(|l| l == "days = -30").expect("line") + 1;
    let output = run(app().args(["rules", "validate"]).arg(&bad));
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains(&format!("final.toml:{line}: deadlines.reseller_termination.days:")), "{err}");
}

#[test]
fn obligations_prints_json_and_ics_of_a_new_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = crate::support::new_workspace(dir.path());

    let output = run(app()
        .args(["obligations", "--json", "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    let obligations = json["obligations"].as_array().expect("array");
    assert!(!obligations.is_empty(), "next year's annual certification");
    // A new provider owes its initial certification (R12) and, from next year, the annual one.
    assert_eq!(obligations[0]["kind"], "initial_certification");
    assert_eq!(obligations[0]["rid"], "R12");
    assert!(obligations[1..].iter().all(|o| o["kind"] == "annual_certification" && o["rid"] == "R13"));
    assert_eq!(json["pack"]["id"], "us-bis-iaas-cip-2024-nprm");

    let output =
        run(app().args(["obligations", "--ics", "--workspace"]).arg(&ws).arg("--passphrase-file").arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    let ics = stdout(&output);
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("SUMMARY:R13 — Annual certification"), "{ics}");
}
