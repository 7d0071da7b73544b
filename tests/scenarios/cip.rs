//! The written CIP through the CLI: a draft from a Markdown program, its approval and its PDF
//! checked with qpdf and read back with pdftotext (R1).

use crate::support::{in_workspace, new_workspace, stderr, stdout, tool};

#[test]
fn a_program_file_becomes_an_approved_version_rendered_as_a_valid_pdf() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    let cli = |args: &[&str]| in_workspace(&ws, &pass, args);
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/cip.md");

    // A file with a heading that names no section begins nothing.
    let bad = dir.path().join("bad.md");
    std::fs::write(&bad, "# Scope\nok\n# Pricing\nnot a CIP topic\n").expect("write");
    let output = cli(&["cip", "draft", bad.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("line 3: heading “Pricing” names no section"), "{}", stderr(&output));
    let listed = cli(&["cip", "list"]);
    assert!(stdout(&listed).contains("No CIP version yet"), "{}", stdout(&listed));

    let output = cli(&["cip", "draft", program]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("draft version 1"));
    let output = cli(&["cip", "approve", "1"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let listed = stdout(&cli(&["cip", "list"]));
    assert!(listed.contains("approved") && listed.contains("in force"), "{listed}");

    let pdf = dir.path().join("cip-v1.pdf");
    let path = pdf.to_str().expect("utf-8");
    let output = cli(&["cip", "render", "--version", "1", "--out", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    tool("qpdf", &["--check", path]);
    let text = tool("pdftotext", &[path, "-"]);
    for expected in [
        "Customer Identification Program",
        "Unnamed provider",
        "Approved",
        "4. Verification methods",
        "11. Oversight of foreign resellers",
        "Documentary methods",
        "page 1 of",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }

    let missing = cli(&["cip", "render", "--version", "9", "--out", path]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("there is no CIP version 9"), "{}", stderr(&missing));
    tool("qpdf", &["--check", path]);
}
