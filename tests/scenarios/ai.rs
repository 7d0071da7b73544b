//! Covered AI-training transactions through the CLI (R23–R26, issue 17): a usage import refused
//! whole for one bad row, then stored and opening a case for review; an arrangement recorded
//! from TOML with its arithmetic printed; the report rendered through the filing engine, checked
//! with qpdf, its fonts embedded and subset, and every R2 field read back with pdftotext.

use crate::filings::fonts_embedded_and_subset;
use crate::support::{in_workspace, new_workspace, stderr, stdout, tool};

const CUSTOMERS: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
C-1,entity,Kappa Compute Pte Ltd,SG,1 Fusionopolis Way,#10-01,Singapore,,138632,ops@kappa.example;cto@kappa.example,+65 6123 4567,no,,A-1,card,4242,DBS Bank,high,2026-10-01
C-2,individual,Иван Петров,RU,Ulitsa 2,,Moskva,,101000,i@example.ru,+7 495 123-45-67,no,,A-2,wire,,Sberbank,high,2026-10-02
";

const IPS: &str = "account_ref,ip,accessed_at,kind
A-1,198.51.100.1,2026-11-02T01:15:00Z,access
A-1,198.51.100.2,2026-11-03T02:15:00Z,access
A-1,198.51.100.3,2026-11-04T03:15:00Z,access
A-1,198.51.100.4,2026-11-05T04:15:00Z,access
A-1,198.51.100.5,2026-11-06T05:15:00Z,admin
A-1,198.51.100.6,2026-11-07T06:15:00Z,access
A-1,198.51.100.7,2026-11-08T07:15:00Z,access
A-1,198.51.100.8,2026-11-09T08:15:00Z,access
A-1,198.51.100.9,2026-11-10T09:15:00Z,access
A-1,198.51.100.10,2026-11-11T00:15:00Z,admin
A-1,198.51.100.11,2026-11-12T01:15:00Z,access
A-1,198.51.100.12,2026-11-13T02:15:00Z,access
A-1,198.51.100.13,2026-11-14T03:15:00Z,access
A-1,198.51.100.14,2026-11-15T04:15:00Z,access
A-1,198.51.100.15,2026-11-16T05:15:00Z,admin
A-1,198.51.100.16,2026-11-17T06:15:00Z,access
A-1,198.51.100.17,2026-11-18T07:15:00Z,access
A-1,198.51.100.18,2026-11-19T08:15:00Z,access
A-1,198.51.100.19,2026-11-20T09:15:00Z,access
A-1,198.51.100.20,2026-11-21T00:15:00Z,admin
A-1,198.51.100.21,2026-11-22T01:15:00Z,access
A-1,198.51.100.22,2026-11-23T02:15:00Z,access
A-1,198.51.100.23,2026-11-24T03:15:00Z,access
A-1,198.51.100.24,2026-11-25T04:15:00Z,access
A-1,198.51.100.25,2026-11-26T05:15:00Z,admin
A-1,198.51.100.26,2026-11-27T06:15:00Z,access
A-1,198.51.100.27,2026-11-28T07:15:00Z,access
A-1,198.51.100.28,2026-11-01T08:15:00Z,access
A-1,198.51.100.29,2026-11-02T09:15:00Z,access
A-1,198.51.100.30,2026-11-03T00:15:00Z,admin
";

#[test]
fn a_usage_import_opens_a_case_whose_arrangement_is_reported_with_every_r2_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    let cli = |args: &[&str]| in_workspace(&ws, &pass, args);
    let path = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p.to_str().expect("utf-8").to_owned()
    };
    let customers = path("customers.csv", CUSTOMERS);
    let ips = path("ips.csv", IPS);
    let out = cli(&["customers", "import", &customers, "--ips", &ips]);
    assert!(out.status.success(), "{}", stderr(&out));

    let today = chrono::Utc::now().date_naive();
    let start = today - chrono::Duration::days(20);
    let end = today - chrono::Duration::days(1);
    let header = "account_ref,period_start,period_end,accelerator,accelerator_hours,peak_accelerators,interconnect_gbps";
    let bad = path(
        "bad.csv",
        &format!("{header}\nA-1,{start},{end},H100,1000,8,400\nA-2,{start},{end},Hopper 100,10,1,25\n"),
    );
    let out = cli(&["ai", "usage", "import", &bad]);
    assert!(!out.status.success(), "a bad row refuses the file");
    assert!(stderr(&out).contains("row 3: accelerator:"), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing was imported"), "{}", stderr(&out));
    let show = cli(&["ai", "usage", "show"]);
    assert!(stdout(&show).contains("no metered usage"), "{}", stdout(&show));

    // 70,000 H100 at peak with 400 Gbit/s: a cluster of 6.9e19 op/s, 69 % of 1e20.
    let good = path(
        "usage.csv",
        &format!(
            "{header}\nA-1,{start},{end},NVIDIA H100 SXM5,1200000,70000,400\nA-2,{start},{end},A100,12.5,4,25\n"
        ),
    );
    let out = cli(&["ai", "usage", "import", &good]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 case(s) opened for review: C-1"), "{}", stdout(&out));
    let cases: serde_json::Value =
        serde_json::from_str(&stdout(&cli(&["ai", "cases", "--json"]))).expect("json");
    let case = cases[0]["id"].as_str().expect("id").to_owned();
    assert_eq!(cases[0]["state"], "review");
    assert_eq!(cases[0]["origin"], "usage");

    let transaction = today - chrono::Duration::days(5);
    let known = today - chrono::Duration::days(2);
    let toml = path(
        "arrangement.toml",
        &format!(
            "accelerator = \"H100\"\ncount = 12288\ninterconnect_gbps = 400\ntransaction_on = \"{transaction}\"\nknown_on = \"{known}\"\nstarts_on = \"{transaction}\"\nduration_days = 120\npurpose = \"Pre-training\"\naccounts = [\"A-1\"]\nvalue_usd = 4200000\n\n[[red_flags]]\nkey = \"weights_export\"\nnote = \"Checkpoints copied out weekly\"\n"
        ),
    );
    let out = cli(&["ai", "arrangement", "add", &case, &toml]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    for needle in [
        "Cluster peak",
        "12,288 accelerators × 9.8940e14 op/s",
        "1.2605…e26 op",
        "126.05 %",
        "covered under us-bis-iaas-cip-2024-nprm",
    ] {
        assert!(printed.contains(needle), "{needle} not in {printed}");
    }
    let bad_toml = path(
        "bad.toml",
        "accelerator = \"H100\"\ncount = 8\ninterconnect_gbps = 10\ntransaction_on = \"2026-01-01\"\nknown_on = \"2026-01-01\"\nstarts_on = \"2026-01-01\"\n",
    );
    let out = cli(&["ai", "arrangement", "add", &case, &bad_toml]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no duration"), "{}", stderr(&out));

    let pdf = dir.path().join("ai-report.pdf");
    let pdf = pdf.to_str().expect("utf-8");
    let out = cli(&["filing", "render", "ai-report", "--case", &case, "--out", pdf]);
    assert!(out.status.success(), "{}", stderr(&out));
    tool("qpdf", &["--check", pdf]);
    fonts_embedded_and_subset(pdf);
    let text = tool("pdftotext", &[pdf, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "AI-training transaction report",
        "Kappa Compute Pte Ltd",
        "1 Fusionopolis Way, #10-01, Singapore, 138632",
        "SG",
        "ops@kappa.example; cto@kappa.example",
        "+6561234567",
        "card ending 4242",
        "DBS Bank",
        "30 accesses from 30 distinct IP addresses",
        "Annex A",
        "198.51.100.17",
        "Potential training operations",
        "Checkpoints copied out weekly",
        "12,288 × NVIDIA H100 SXM5",
    ] {
        assert!(text.contains(needle), "{needle} not in the report: {text}");
    }
    let verified = cli(&["filing", "verify", pdf]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    let out = cli(&["ai", "cases"]);
    assert!(stdout(&out).contains("report draft"), "{}", stdout(&out));
}
