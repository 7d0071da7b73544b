//! `customers import` (dry run, bad rows, commit) and `counts` through the real binary.

use crate::support::{app, run, stderr, stdout};

#[test]
fn import_reports_bad_rows_stores_nothing_then_imports_the_template_and_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = crate::support::new_workspace(dir.path());
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

    // An IP log that names an unknown account refuses everything, customers included.
    let log = dir.path().join("ips.csv");
    std::fs::write(&log, "account_ref,ip,accessed_at,kind\nA-000001,203.0.113.7,2026-03-01T09:30:00Z,access\nA-404,203.0.113.8,2026-03-01T09:31:00Z,admin\n").expect("log");
    let fresh = dir.path().join("ws2");
    let output = run(app()
        .arg("init")
        .arg("--no-keyring")
        .arg("--workspace")
        .arg(&fresh)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    let output = run(app()
        .args(["customers", "import", template, "--ips"])
        .arg(&log)
        .arg("--workspace")
        .arg(&fresh)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("row 3: ips: account_ref: is not an account in this file or the workspace"),
        "{}",
        stderr(&output)
    );
    assert_eq!(counts(&fresh)["foreign_customers"], 0, "the customers were rolled back with the log");
    let ip_template = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/ip-log.csv");
    let output = run(app()
        .args(["customers", "import", template, "--ips", ip_template, "--workspace"])
        .arg(&fresh)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(counts(&fresh)["foreign_customers"], 2);

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

#[test]
fn demo_fills_a_new_workspace_with_customers_in_every_state_and_live_deadlines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("demo");
    let output = run(app()
        .args(["demo", "--customers", "96", "--workspace"])
        .arg(&ws)
        .env("CIPW_PASSPHRASE", "demo workspace passphrase"));
    assert!(output.status.success(), "{}", stderr(&output));
    let json = |args: &[&str]| {
        let output = run(app()
            .args(args)
            .arg("--workspace")
            .arg(&ws)
            .env("CIPW_PASSPHRASE", "demo workspace passphrase"));
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_str::<serde_json::Value>(&stdout(&output)).expect("json")
    };
    let obligations = json(&["obligations", "--json"]);
    // The demo's certifications: the initial filed, an annual approved, a change notice drafted;
    // and two AI-training reports filed (R23).
    let filings = json(&["filing", "list", "--json"]);
    let states: Vec<(&str, &str)> = filings
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| Some((f["kind"].as_str()?, f["state"].as_str()?)))
        .collect();
    assert_eq!(
        states,
        [
            ("ai_report", "filed"),
            ("ai_report", "filed"),
            ("change_notice", "draft"),
            ("annual", "approved"),
            ("initial", "filed")
        ],
        "{filings}"
    );
    let year = obligations["today"].as_str().expect("today")[..4].to_owned();
    let counts = json(&["counts", "--year", &year, "--json"]);
    // 96 customers over 12 countries, 8 of them in the US (U.S. persons), and the 3 that screening
    // hits (Cuba, Spain, China).
    assert_eq!(counts["foreign_customers"], 91);
    assert_eq!(counts["foreign_customers_by_country"].as_array().expect("array").len(), 13);
    assert_eq!(counts["refused_in_year"], 12, "one demo account in eight is refused");
    let statuses: Vec<(&str, &str)> = obligations["obligations"]
        .as_array()
        .expect("array")
        .iter()
        .map(|o| (o["kind"].as_str().unwrap_or(""), o["status"].as_str().unwrap_or("")))
        .collect();
    assert!(statuses.contains(&("cip_copy", "due_soon")), "{statuses:?}");
    assert!(statuses.contains(&("change_notice", "overdue")), "the 45-day-old business change: {statuses:?}");
    assert!(obligations["exposure_usd"].as_u64().unwrap_or(0) >= 368_136);
    // `exposure`: what is at risk (R27), the same sum, each overdue item with its sentence.
    let exposure = json(&["exposure", "--json"]);
    assert_eq!(exposure["total_usd"], obligations["exposure_usd"]);
    let items = exposure["items"].as_array().expect("items");
    assert!(items.iter().any(|i| i["kind"] == "change_notice"), "{exposure}");
    assert!(
        items.iter().all(|i| i["sentence"].as_str().is_some_and(|t| t.starts_with("Up to $"))),
        "{exposure}"
    );
    let text = run(app()
        .args(["exposure", "--workspace"])
        .arg(&ws)
        .env("CIPW_PASSPHRASE", "demo workspace passphrase"));
    let text = stdout(&text);
    assert!(text.contains("At risk: $") && text.contains("not legal advice"), "{text}");

    // The queue holds items in every state: ready (some past their SLA), asleep, second review;
    // the verified and refused customers' items are closed.
    let queue = json(&["queue", "--json", "--limit", "500"]);
    let health = &queue["health"];
    assert_eq!(health["snoozed"], 3, "{health}");
    assert_eq!(health["awaiting_second"], 3, "{health}");
    assert_eq!(health["ready"], 96 - 36 - 6, "{health}");
    assert!(health["past_sla"].as_i64().unwrap_or(0) > 0, "{health}");
    assert_eq!(queue["rows"].as_array().map(Vec::len), Some(54));

    // Issue 14: every record's digest recomputes from the database after all of that (imports,
    // owners, U.S.-person determinations, resellers and their status changes, the officer).
    let verified = json(&["audit", "verify", "--objects", "--json"]);
    let objects = &verified["objects"];
    assert_eq!(objects["problem_count"], 0, "{objects}");
    assert!(objects["checked"].as_u64().unwrap_or(0) > 96, "customers, owners, resellers, actors: {objects}");
    assert_eq!(objects["form"], "record/2");
}

#[test]
fn imported_customer_pii_never_reaches_disk_in_the_clear_nor_the_logs_nor_error_messages() {
    const NAME: &str = "Zygmunt Canarywicz-Qx9";
    const EMAIL: &str = "canary.pii.qx9@example.org";
    const STREET: &str = "Kanarienweg 77-Qx9";
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = crate::support::new_workspace(dir.path());
    let header =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.csv"))
            .expect("template")
            .lines()
            .next()
            .expect("header")
            .to_owned();
    let good = format!(
        "{header}\nC-9,individual,{NAME},PL,{STREET},,Kraków,,30-001,{EMAIL},+48 12 345 67 89,no,,A-9,card,4242,Bank,high,2026-01-02\n"
    );
    // A bad row carrying the same PII: the error must name row and column, never the value.
    let bad = good.replace(",PL,", ",PLX,").replace(EMAIL, &format!("{EMAIL}@@"));
    let (bad_file, good_file) = (dir.path().join("bad.csv"), dir.path().join("good.csv"));
    std::fs::write(&bad_file, bad).expect("bad");
    std::fs::write(&good_file, good).expect("good");

    let mut logs = String::new();
    for file in [&bad_file, &good_file] {
        let output = run(app()
            .args(["customers", "import"])
            .arg(file)
            .arg("--workspace")
            .arg(&ws)
            .arg("--passphrase-file")
            .arg(&pass)
            .env("RUST_LOG", "debug"));
        logs.push_str(&stdout(&output));
        logs.push_str(&stderr(&output));
    }
    assert!(logs.contains("row 2: country:") && logs.contains("row 2: emails:"), "{logs}");
    assert!(logs.contains("imported 1 customer(s)"), "{logs}");
    for canary in [NAME, EMAIL, STREET] {
        assert!(!logs.contains(canary), "{canary:?} in the output or logs:\n{logs}");
        for (name, bytes) in crate::support::snapshot(&ws) {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{canary:?} in plaintext in {name}"
            );
        }
    }
}

#[test]
fn owners_import_with_their_customers_warn_per_r5_and_are_counted_by_country() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = crate::support::new_workspace(dir.path());
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.csv");
    let owners = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/owners.csv");

    // An owner of an unknown customer refuses everything.
    let stray = dir.path().join("stray.csv");
    let text = std::fs::read_to_string(owners).expect("owners");
    std::fs::write(&stray, text.replacen("C-000001,Greta", "C-404,Greta", 1)).expect("stray");
    let output = run(app()
        .args(["customers", "import", template, "--owners"])
        .arg(&stray)
        .arg("--workspace")
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(!output.status.success());
    assert!(
        stderr(&output)
            .contains("row 3: owners: customer_ref: is not a customer in this file or the workspace"),
        "{}",
        stderr(&output)
    );

    let output = run(app()
        .args(["customers", "import", template, "--owners", owners, "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    let output = run(app()
        .args(["counts", "--year", "2026", "--json", "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    let by_country = json["foreign_owners_by_country"].as_array().expect("array");
    assert_eq!(by_country.len(), 2, "{json}");
    assert_eq!(json["foreign_customers"], 2, "customers stored with their owners");

    // An entity with only a 10 % owner: warned, still imported.
    let lone = dir.path().join("lone.csv");
    let customers = std::fs::read_to_string(template)
        .expect("template")
        .replace("C-00000", "D-00000")
        .replace("A-00000", "B-00000");
    std::fs::write(&lone, customers).expect("lone");
    let minor = dir.path().join("minor.csv");
    std::fs::write(&minor, "customer_ref,name,country,ownership_pct,control,us_person,emails,phones,address_line1,city,postal_code\nD-000001,Klein Anteil,DE,10,no,no,k@example.de,,Weg 2,Köln,50667\n").expect("minor");
    let output = run(app()
        .args(["customers", "import"])
        .arg(&lone)
        .arg("--owners")
        .arg(&minor)
        .arg("--workspace")
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "warning: D-000001 (row 2): no beneficial owner (control, or 25 % or more) is recorded"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_customer_notice_is_issued_as_a_valid_pdf_with_the_packs_text_and_evidence_attaches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = crate::support::new_workspace(dir.path());
    let cli = |args: &[&str]| crate::support::in_workspace(&ws, &pass, args);
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.csv");
    assert!(cli(&["customers", "import", template]).status.success());

    let pdf = dir.path().join("notice.pdf");
    let output = cli(&["customers", "notice", "C-000001", "--out", pdf.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", stderr(&output));
    let path = pdf.to_str().expect("utf-8");
    crate::support::tool("qpdf", &["--check", path]);
    let text = crate::support::tool("pdftotext", &[path, "-"]);
    assert!(text.contains("Notice: customer identification"), "{text}");
    assert!(text.contains("Customer reference C-000001"), "{text}");
    assert!(text.contains("Müller Datentechnik GmbH"), "{text}");
    assert!(text.contains("offers Infrastructure as a Service"), "the pack's text: {text}");
    assert!(text.contains("(R9)"), "{text}");

    let specimen = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/id-card-specimen.png");
    let output = cli(&["customers", "attach", "C-000001", specimen, "--element", "identity_document"]);
    assert!(output.status.success(), "{}", stderr(&output));

    // The customer's file: a PDF and a JSON document.
    let (file_pdf, file_json) = (dir.path().join("file.pdf"), dir.path().join("file.json"));
    let output = cli(&[
        "customers",
        "export",
        "C-000001",
        "--pdf",
        file_pdf.to_str().expect("utf-8"),
        "--json",
        file_json.to_str().expect("utf-8"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    crate::support::tool("qpdf", &["--check", file_pdf.to_str().expect("utf-8")]);
    let text = crate::support::tool("pdftotext", &[file_pdf.to_str().expect("utf-8"), "-"]);
    for expected in [
        "Customer file C-000001",
        "Identifying information (R2)",
        "Verification (R4)",
        "Notices (R9)",
        "id-card-specimen.png",
        "Audit history",
        "evidence.attach",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file_json).expect("json")).expect("parse");
    assert_eq!(json["format"], "cip-workbench/customer-file/1");
    assert_eq!(json["customer"]["name"], "Müller Datentechnik GmbH");
    assert_eq!(json["customer"]["notices"].as_array().map(Vec::len), Some(1));
    assert!(json["audit"].as_array().is_some_and(|a| a.len() >= 3), "{}", json["audit"]);

    let output = cli(&["customers", "attach", "C-000002", specimen, "--element", "passport"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("--element passport: not one of name, address, identity_document"),
        "{}",
        stderr(&output)
    );
    let output = cli(&["customers", "attach", "C-000002", specimen, "--element", "identity_document"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = cli(&["customers", "attach", "C-000002", template]);
    assert!(!output.status.success(), "a CSV is not evidence");
    assert!(stderr(&output).contains("is not an image"), "{}", stderr(&output));
}

#[test]
fn an_excel_workbook_imports_like_its_csv_with_real_date_cells() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = crate::support::new_workspace(dir.path());
    let cli = |args: &[&str]| crate::support::in_workspace(&ws, &pass, args);
    let xlsx = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.xlsx");
    let output = cli(&["customers", "import", xlsx, "--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("2 row(s), all good"), "{}", stdout(&output));
    // The same rows behind a cover sheet: the sheet starting with the columns is read.
    let covered = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/customers-with-cover-sheet.xlsx");
    let output = cli(&["customers", "import", covered, "--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("2 row(s), all good"), "{}", stdout(&output));
    let output = cli(&["customers", "import", xlsx]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The same customers as the CSV template: importing that now clashes on every reference.
    let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.csv");
    let output = cli(&["customers", "import", csv]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("row 2: customer_ref: is already in the workspace"), "{err}");
    assert!(err.contains("row 3: account_ref: is already in the workspace"), "{err}");

    let broken = dir.path().join("broken.xlsx");
    std::fs::write(&broken, b"PK\x03\x04 truncated").expect("write");
    let output = cli(&["customers", "import", broken.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("this workbook cannot be read"), "{}", stderr(&output));
}

#[test]
fn closing_an_account_puts_its_retention_end_on_the_calendar_and_nothing_is_purgeable_yet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = crate::support::new_workspace(dir.path());
    let cli = |args: &[&str]| crate::support::in_workspace(&ws, &pass, args);
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.csv");
    assert!(cli(&["customers", "import", template]).status.success());
    let output = cli(&["customers", "close", "A-000001", "--reason", "contract ended"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = cli(&["obligations", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    let r10: Vec<&serde_json::Value> = json["obligations"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|o| o["kind"] == "retention_expiry")
        .collect();
    assert_eq!(r10.len(), 1, "{json}");
    assert_eq!(r10[0]["rid"], "R10");
    let output = cli(&["retention"]);
    assert!(stdout(&output).contains("No customer is past retention."), "{}", stdout(&output));
    let output = cli(&["retention", "--purge", "C-000001"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("C-000001 is not past retention"), "{}", stderr(&output));
}

#[test]
fn the_reseller_register_lists_as_json_and_an_unknown_reseller_cannot_change_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = crate::support::new_workspace(dir.path());
    let cli = |args: &[&str]| crate::support::in_workspace(&ws, &pass, args);
    let output = cli(&["resellers", "list", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(0));
    let output = cli(&["resellers", "status", "R-01", "terminated"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("no reseller R-01 in the register"), "{}", stderr(&output));
    let output = cli(&["resellers", "status", "R-01", "closed"]);
    assert!(
        stderr(&output).contains("status: must be active, under_remediation or terminated"),
        "{}",
        stderr(&output)
    );
}
