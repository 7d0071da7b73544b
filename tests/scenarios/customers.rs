//! `customers import` (dry run, bad rows, commit) and `counts` through the real binary.

use crate::support::{app, run, stderr, stdout};

#[test]
fn import_reports_bad_rows_stores_nothing_then_imports_the_template_and_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "scenario passphrase 2026\n").expect("pass");
    let output = run(app()
        .arg("init")
        .arg("--no-keyring")
        .arg("--workspace")
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.csv");

    let bad = dir.path().join("bad.csv");
    let text = std::fs::read_to_string(template).expect("template");
    std::fs::write(&bad, text.replacen(",DE,", ",XX,", 1).replacen(",medium,", ",severe,", 1)).expect("bad");
    let output = run(app()
        .args(["customers", "import"])
        .arg(&bad)
        .arg("--workspace")
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("row 2: country: is not an ISO 3166-1 two-letter country code"), "{err}");
    assert!(err.contains("row 3: risk_tier: must be low, medium or high"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");

    let output = run(app()
        .args(["customers", "import", template, "--dry-run", "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("2 row(s), all good; nothing stored"), "{}", stdout(&output));
    let counts = |ws: &std::path::Path| {
        let output = run(app()
            .args(["counts", "--year", "2026", "--json", "--workspace"])
            .arg(ws)
            .arg("--passphrase-file")
            .arg(&pass));
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_str::<serde_json::Value>(&stdout(&output)).expect("json")
    };
    assert_eq!(counts(&ws)["foreign_customers"], 0, "the dry run stored nothing");

    let output = run(app()
        .args(["customers", "import", template, "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    let json = counts(&ws);
    assert_eq!(json["foreign_customers"], 2, "one 'no', one undetermined");
    assert_eq!(json["foreign_accounts_unverified"], 2);

    // The same file again clashes on every reference and changes nothing.
    let output = run(app()
        .args(["customers", "import", template, "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("row 2: customer_ref: is already in the workspace"),
        "{}",
        stderr(&output)
    );
    assert_eq!(counts(&ws)["foreign_customers"], 2);
}
