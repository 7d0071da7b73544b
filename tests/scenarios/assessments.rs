//! Compliance assessments through the CLI (R16): an assessment recorded from a TOML file (a bad
//! one refused by field), a finding closed with its evidence, and the remediated CIP resubmitted
//! as a clean PDF listing every finding and what changed in the CIP.

use crate::filings::fonts_embedded_and_subset;
use crate::support::{in_workspace, new_workspace, stderr, stdout, tool};

#[test]
fn an_assessment_is_recorded_remediated_and_answered_by_a_resubmission_filing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    let cli = |args: &[&str]| in_workspace(&ws, &pass, args);
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/cip.md");
    assert!(cli(&["cip", "draft", program]).status.success());
    assert!(cli(&["cip", "approve", "1"]).status.success());

    // Commerce's assessment, dated today (the provider's calendar may be a day behind UTC).
    let today = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/assessment.toml"))
            .expect("template")
            .replace("2026-10-01", &today.to_string())
            .replace("2026-12-15", &(today + chrono::Duration::days(30)).to_string())
            .replace("2027-01-31", &(today + chrono::Duration::days(60)).to_string());
    let file = dir.path().join("assessment.toml");
    std::fs::write(&file, template.replace("severity = \"medium\"", "severity = \"grave\"")).expect("write");
    let refused = cli(&["assessments", "add", file.to_str().expect("utf-8")]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("unknown variant `grave`"), "{}", stderr(&refused));
    std::fs::write(&file, &template).expect("write");
    let added = cli(&["assessments", "add", file.to_str().expect("utf-8")]);
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(stdout(&added).contains("2 finding(s)"), "{}", stdout(&added));

    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&cli(&["assessments", "list", "--json"]))).expect("json");
    let assessment = &listed["assessments"][0];
    let id = assessment["id"].as_str().expect("id").to_owned();
    let first = assessment["findings"][0]["id"].as_str().expect("finding").to_owned();
    let obligations = stdout(&cli(&["obligations", "--json"]));
    assert!(obligations.contains("\"finding_remediation\"") && obligations.contains("\"cip_resubmission\""));

    // Closing needs evidence (clap refuses without it); with it, the finding closes.
    assert!(!cli(&["assessments", "finding", "close", &first]).status.success());
    let evidence = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/register-extract-specimen.png");
    let closed = cli(&[
        "assessments",
        "finding",
        "close",
        &first,
        "--evidence",
        evidence,
        "--note",
        "Owner verification added to the review screen",
    ]);
    assert!(closed.status.success(), "{}", stderr(&closed));

    // The remediated CIP (a sentence added), then the resubmission.
    let remediated = dir.path().join("cip-v2.md");
    let text = std::fs::read_to_string(program).expect("program").replace(
        "A reviewer decides whether the customer and each beneficial owner is a U.S. person",
        "Each foreign beneficial owner is verified on its own before approval.\n\nA reviewer decides whether the customer and each beneficial owner is a U.S. person",
    );
    std::fs::write(&remediated, text).expect("write");
    assert!(
        cli(&["cip", "draft", remediated.to_str().expect("utf-8"), "--summary", "Owners verified"])
            .status
            .success()
    );
    assert!(cli(&["cip", "approve", "2"]).status.success());
    let pdf = dir.path().join("resubmission.pdf");
    let path = pdf.to_str().expect("utf-8");
    let output = cli(&["filing", "render", "resubmission", "--assessment", &id, "--out", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    tool("qpdf", &["--check", path]);
    fonts_embedded_and_subset(path);
    let text = tool("pdftotext", &[path, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "CIP resubmission: version 2 (assessment BIS-OICTS-2026-0142)",
        "Beneficial owners of entity customers are not verified",
        "Two foreign resellers' attestations were not collected",
        "Owner verification added to the review screen",
        "What changed in the CIP",
        "+ Each foreign beneficial owner is verified on its own before approval.",
        "replacing version 1 assessed",
        "Finding(s) made: 2; still open: 1.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from the resubmission:\n{text}");
    }
}
