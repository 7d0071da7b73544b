//! The ADP dossier and the exemption application through the CLI (R20–R21): a criterion answered
//! from a Markdown file with a document and a record as evidence, the status by strength, and the
//! application rendered as a clean PDF that names every criterion.

use crate::filings::fonts_embedded_and_subset;
use crate::support::{in_workspace, new_workspace, stderr, stdout, tool};

#[test]
fn a_dossier_is_answered_and_the_exemption_application_renders_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    let cli = |args: &[&str]| in_workspace(&ws, &pass, args);
    let narrative = dir.path().join("red-flags.md");
    std::fs::write(
        &narrative,
        "# Red flags\n\nBulk sign-ups and mining spikes go to the officer within a day.\n",
    )
    .expect("write");
    let answered = cli(&[
        "adp",
        "answer",
        "red_flags",
        "--file",
        narrative.to_str().expect("utf-8"),
        "--owner",
        "Olivia Officer",
        "--review-on",
        "2027-06-30",
    ]);
    assert!(answered.status.success(), "{}", stderr(&answered));
    let document = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/register-extract-specimen.png");
    assert!(
        cli(&["adp", "evidence", "red_flags", "--document", document, "--label", "Abuse playbook"])
            .status
            .success()
    );
    assert!(cli(&["adp", "evidence", "red_flags", "--record", "queue_statistics"]).status.success());
    let refused = cli(&["adp", "evidence", "red_flags", "--record", "customers"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("record"), "{}", stderr(&refused));
    let status: serde_json::Value =
        serde_json::from_str(&stdout(&cli(&["adp", "status", "--json"]))).expect("json");
    let red =
        status["criteria"].as_array().and_then(|c| c.iter().find(|c| c["key"] == "red_flags")).expect("c");
    assert_eq!(red["strength"], "evidenced", "{red}");

    let pdf = dir.path().join("application.pdf");
    let path = pdf.to_str().expect("utf-8");
    let output = cli(&["adp", "render", "--scope", "provider", "--out", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    tool("qpdf", &["--check", path]);
    fonts_embedded_and_subset(path);
    let text = tool("pdftotext", &[path, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Exemption application: the provider",
        "Fit to the provider's size and complexity",
        "Handling of red flags",
        "Bulk sign-ups and mining spikes go to the officer within a day.",
        "Abuse playbook — document register-extract-specimen.png",
        "Verification queue (R4)",
        "Oversight of foreign resellers",
        "Cooperation with law enforcement",
        "Privacy-preserving data sharing",
        "Not answered yet.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from the application:\n{text}");
    }
    let refused = cli(&["adp", "render", "--scope", "reseller", "R-09", "--out", path]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("not a foreign reseller in the register"), "{}", stderr(&refused));
}
