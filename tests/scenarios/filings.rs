//! Filings through the CLI (R12–R14): each kind drafted from a fixture workspace, checked with
//! qpdf, read with pdftotext for every required element and the exact counts, fonts listed by
//! pdffonts as embedded and subset; `filing verify` names the register entry and its checkpoint.

use crate::support::{in_workspace, new_workspace, stderr, stdout, tool};

const CUSTOMERS: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
C-1,individual,Anna Berg,SE,Gatan 1,,Stockholm,,11122,a@example.se,+46 8 123 456 78,no,,A-1,card,4242,Bank,low,2026-02-01
C-2,individual,Иван Петров,RU,Ulitsa 2,,Moskva,,101000,i@example.ru,+7 495 123-45-67,no,,A-2,card,1111,Bank,high,2026-02-02
C-3,entity,Müller GmbH,DE,Strasse 3,,Berlin,,10115,m@example.de,+49 30 1234567,no,,A-3,wire,,Sparkasse,medium,2026-02-03
C-4,individual,Ana Souza,BR,Rua 4,,São Paulo,,01000-000,s@example.br,+55 11 2345-6789,no,,A-4,card,9999,Banco,low,2026-02-04
";

/// Every font `pdffonts` lists in `path` is embedded and subset.
pub fn fonts_embedded_and_subset(path: &str) {
    let listing = tool("pdffonts", &[path]);
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!fonts.is_empty(), "no fonts in {path}");
    for line in fonts {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type… encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!((cols[n - 5], cols[n - 4]), ("yes", "yes"), "not embedded and subset: {line}");
        assert!(cols[0].contains('+'), "a subset font's name has its tag: {line}");
    }
}

#[test]
fn every_kind_of_filing_is_a_clean_pdf_with_its_elements_and_exact_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    let cli = |args: &[&str]| in_workspace(&ws, &pass, args);
    let csv = dir.path().join("customers.csv");
    std::fs::write(&csv, CUSTOMERS).expect("write");
    assert!(cli(&["customers", "import", csv.to_str().expect("utf-8")]).status.success());
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/cip.md");
    assert!(cli(&["cip", "draft", program]).status.success());
    assert!(cli(&["cip", "approve", "1"]).status.success());

    // Initial certification (R12): the eight elements, the counts from the records.
    let initial = dir.path().join("initial.pdf");
    let path = initial.to_str().expect("utf-8");
    let output = cli(&["filing", "render", "initial", "--out", path, "--paper", "letter"]);
    assert!(output.status.success(), "{}", stderr(&output));
    tool("qpdf", &["--check", path]);
    fonts_embedded_and_subset(path);
    assert!(tool("pdfinfo", &[path]).contains("letter"), "US Letter as asked");
    let text = tool("pdftotext", &[path, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "identity verification procedures",
        "Resources used to detect malicious cyber-enabled activity",
        "How foreign resellers are kept compliant",
        "The person responsible for the CIP",
        "Number and locations of foreign customers",
        "Number and locations of foreign beneficial owners",
        "List of foreign resellers",
        "Number of foreign-customer accounts whose identity is not verified",
        "4 foreign customers in 4 countries",
        "4 foreign-customer accounts are not verified",
        "From CIP version 1",
        "rule pack us-bis-iaas-cip-2024-nprm",
        "audit checkpoint",
        "page 1 of",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from the initial certification:\n{text}");
    }

    // `filing verify` names the entry and its checkpoint; another file matches nothing.
    let verified = cli(&["filing", "verify", path]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    let said = stdout(&verified);
    assert!(said.contains("Initial CIP certification") && said.contains("audit checkpoint: event"), "{said}");
    assert!(said.contains("rule pack us-bis-iaas-cip-2024-nprm"), "{said}");
    let stranger = dir.path().join("other.pdf");
    assert!(cli(&["about", "--pdf", stranger.to_str().expect("utf-8")]).status.success());
    let refused = cli(&["filing", "verify", stranger.to_str().expect("utf-8")]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("matches no filing"), "{}", stderr(&refused));

    // Annual certification (R13) for the year whose covered year has ended.
    let annual = dir.path().join("annual.pdf");
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let output = cli(&[
        "filing",
        "render",
        "annual",
        "--year",
        &year.to_string(),
        "--out",
        annual.to_str().expect("utf-8"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    tool("qpdf", &["--check", annual.to_str().expect("utf-8")]);
    fonts_embedded_and_subset(annual.to_str().expect("utf-8"));
    let text = tool("pdftotext", &[annual.to_str().expect("utf-8"), "-"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        format!("Annual certification {year} (covers {})", year - 1),
        "The CIP was reviewed during the year".into(),
        "0 time(s)".into(),
        "0 account(s)".into(),
        format!("No case of unverified identity in {}.", year - 1),
        "The provider has no foreign resellers.".into(),
    ] {
        assert!(text.contains(&expected), "{expected:?} missing from the annual certification:\n{text}");
    }

    // Change notice (R14) for a material change to the CIP; a CIP request is not such a change.
    assert!(cli(&["cip", "draft", program, "--summary", "Digital ID added", "--material"]).status.success());
    assert!(cli(&["cip", "approve", "2"]).status.success());
    assert!(cli(&["cip-request", "record", "--requester", "BIS"]).status.success());
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&cli(&["obligations", "--json"]))).expect("json");
    let event_of = |kind: &str| {
        listed["obligations"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["kind"] == kind))
            .and_then(|o| o["source_event"].as_str())
            .expect("an event")
            .to_owned()
    };
    let change = dir.path().join("change.pdf");
    let change_path = change.to_str().expect("utf-8");
    let output =
        cli(&["filing", "render", "change", "--event", &event_of("change_notice"), "--out", change_path]);
    assert!(output.status.success(), "{}", stderr(&output));
    tool("qpdf", &["--check", change_path]);
    fonts_embedded_and_subset(change_path);
    let text = tool("pdftotext", &[change_path, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("material change to the CIP (version 2)"), "{text}");
    let refused =
        cli(&["filing", "render", "change", "--event", &event_of("cip_copy"), "--out", change_path]);
    assert!(!refused.status.success(), "a CIP request is not an R14 change");
    assert!(stderr(&refused).contains("is not a change the rule asks to notify"), "{}", stderr(&refused));
    tool("qpdf", &["--check", change_path]);

    let list: serde_json::Value =
        serde_json::from_str(&stdout(&cli(&["filing", "list", "--json"]))).expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(3), "three drafts in the register");
}
