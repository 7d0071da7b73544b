//! Covered AI-training transactions (R23–R26, issue 17) on a real SQLCipher workspace: the
//! arithmetic's outcome starts the clock from the pack's date, a changed arrangement starts it
//! (second prong) or owes an update that references the original filing, usage imports are all
//! or nothing and open cases for review only, a reseller's report owes a transmittal, a
//! reseller's failure closes the supply gate, and a new pack re-evaluates open cases.

mod common;

use std::time::Duration;

use chrono::NaiveDate;
use workbench_app::filings::{self, DraftRequest, FiledForm};
use workbench_app::{Context, Session, ai, customers};
use workbench_core::ai::{Coverage, FlagNote, NewArrangement};
use workbench_core::filing::{FilingKind, PageSize};
use workbench_core::quantity::Quantity;

const CUSTOMERS: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
C-1,entity,Kappa Compute Pte Ltd,SG,1 Fusionopolis Way,#10-01,Singapore,,138632,ops@kappa.example;cto@kappa.example,+65 6123 4567,no,,A-1,card,4242,DBS Bank,high,2025-11-01
C-2,entity,Nordlicht KI GmbH,DE,Torstraße 5,,Berlin,,10119,it@nordlicht.example,+49 30 1234567,no,,A-2,wire,,Deutsche Bank,medium,2025-11-02
C-3,entity,Prairie AI Inc,US,1 Main St,,Omaha,NE,68102,ops@prairie.example,+1 402 555 0100,yes,,A-3,card,1111,First Bank,low,2025-11-03
";

const IPS: &str = "account_ref,ip,accessed_at,kind
A-1,203.0.113.7,2026-01-05T09:30:00Z,access
A-1,2001:db8::17,2026-01-06T10:05:00Z,admin
";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// A workspace on 2026-03-01 with two foreign customers and a U.S. one.
fn setup() -> (tempfile::TempDir, Context, std::sync::Arc<workbench_core::FixedClock>, Session) {
    let (dir, ctx, clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 400));
    let csv = dir.path().join("customers.csv");
    std::fs::write(&csv, CUSTOMERS).expect("write");
    let ips = dir.path().join("ips.csv");
    std::fs::write(&ips, IPS).expect("write");
    let report = customers::import_with(&ctx, &session, &csv, None, Some(&ips), false).expect("import");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    (dir, ctx, clock, session)
}

fn arrangement(
    accelerator: &str,
    count: u64,
    days: i64,
    transaction: NaiveDate,
    known: NaiveDate,
) -> NewArrangement {
    NewArrangement {
        accelerator: accelerator.into(),
        count,
        interconnect_gbps: Quantity::whole(400),
        transaction_on: transaction,
        known_on: known,
        starts_on: transaction,
        ends_on: None,
        duration_days: Some(days),
        purpose: "Pre-training a language model".into(),
        reseller_ref: None,
        accounts: vec!["A-1".into()],
        red_flags: Vec::new(),
        value_usd: Some(3_000_000),
    }
}

fn draft(ctx: &Context, session: &Session, case: &str, update: bool) -> filings::FilingView {
    filings::filing_draft(
        ctx,
        session,
        &DraftRequest {
            kind: FilingKind::AiReport,
            year: None,
            event_id: None,
            case_id: Some(case.into()),
            update,
            page: PageSize::A4,
        },
    )
    .expect("draft")
}

fn file(ctx: &Context, session: &Session, id: &str, on: NaiveDate) {
    filings::filing_approve(ctx, session, id).expect("approve (four eyes off)");
    let form = FiledForm {
        id: id.into(),
        filed_on: on,
        channel: "portal".into(),
        agency_reference: "BIS-AI-7".into(),
    };
    filings::filing_mark_filed(ctx, session, &form).expect("filed");
}

#[test]
fn a_covered_arrangement_starts_the_clock_from_the_later_date_and_filing_meets_it() {
    let (_dir, ctx, _clock, session) = setup();
    let case = ai::case_add(
        &ctx,
        &session,
        &ai::NewCase { customer_ref: "C-1".into(), summary: "Sales lead".into() },
    )
    .expect("case");
    // 12,288 H100 for 120 days: 12,288 × 989.4e12 × 10,368,000 s = 1.2605e26 op (covered).
    let v = ai::arrangement_add(
        &ctx,
        &session,
        &case,
        &arrangement("H100", 12_288, 120, day(2026, 2, 20), day(2026, 2, 25)),
    )
    .expect("arrangement");
    let e = v.evaluation.expect("evaluation");
    assert_eq!(e.coverage, Coverage::Covered);
    assert_eq!(e.training_operations, (12_288u128 * 989_400_000_000_000 * 10_368_000).to_string());
    assert_eq!(e.steps.len(), 5, "every step printed");
    let detail = ai::case_get(&ctx, &session, &case).expect("detail");
    let key = format!("ai_report:{case}");
    let o = detail.obligations.iter().find(|o| o.key == key).expect("report obligation");
    assert_eq!(o.due_date, day(2026, 3, 12), "15 days from the later of 20 and 25 February");
    assert_eq!(detail.case.due, Some(day(2026, 3, 12)));

    let f = draft(&ctx, &session, &case, false);
    assert_eq!(f.kind, FilingKind::AiReport);
    assert_eq!(f.obligation_key.as_deref(), Some(key.as_str()));
    let doc = filings::filing_get(&ctx, &session, &f.id).expect("get").document;
    let text = serde_json::to_string(&doc.blocks).expect("json");
    for needle in [
        "Kappa Compute Pte Ltd",
        "1 Fusionopolis Way",
        "ops@kappa.example",
        "cto@kappa.example",
        "+6561234567",
        "A-1",
        "DBS Bank",
        "card ending 4242",
        "203.0.113.7",
        "2001:db8::17",
        "2026-01-06T10:05:00",
        "Potential training operations",
        "1.2605…e26 op",
    ] {
        assert!(text.contains(needle), "{needle} missing from the report: {text}");
    }
    file(&ctx, &session, &f.id, day(2026, 3, 1));
    let after = ai::case_get(&ctx, &session, &case).expect("detail");
    assert!(after.obligations.iter().find(|o| o.key == key).expect("o").met.is_some(), "filing meets it");
    assert_eq!(after.case.report.reported_version, Some(1));
    let err = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::AiReport,
            year: None,
            event_id: None,
            case_id: Some(case.clone()),
            update: false,
            page: PageSize::A4,
        },
    )
    .expect_err("reported once");
    assert!(err.to_string().contains("already reported"), "{err}");
}

#[test]
fn a_change_makes_a_case_covered_and_a_later_change_owes_an_update_that_references_the_original() {
    let (_dir, ctx, clock, session) = setup();
    let case =
        ai::case_add(&ctx, &session, &ai::NewCase { customer_ref: "C-2".into(), summary: String::new() })
            .expect("case");
    let mut small = arrangement("A100", 16, 30, day(2026, 1, 10), day(2026, 1, 10));
    small.accounts = vec!["A-2".into()];
    let v1 = ai::arrangement_add(&ctx, &session, &case, &small).expect("v1");
    assert_eq!(v1.recorded_coverage, Coverage::NotCovered);
    assert!(ai::case_get(&ctx, &session, &case).expect("d").obligations.is_empty(), "no clock yet");

    // Second prong: the customer moves to 12,000 H100 on 2026-02-26, known on 2026-02-27.
    let mut big = arrangement("NVIDIA H100 SXM5", 12_000, 120, day(2026, 2, 26), day(2026, 2, 27));
    big.accounts = vec!["A-2".into()];
    let v2 = ai::arrangement_add(&ctx, &session, &case, &big).expect("v2");
    assert_eq!(v2.recorded_coverage, Coverage::Covered);
    assert!(
        v2.changes.iter().any(|c| c.contains("16 × NVIDIA A100 SXM4 → 12000 × NVIDIA H100 SXM5")),
        "{:?}",
        v2.changes
    );
    let d = ai::case_get(&ctx, &session, &case).expect("detail");
    let o = d.obligations.iter().find(|o| o.key == format!("ai_report:{case}")).expect("report");
    assert_eq!(o.due_date, day(2026, 3, 14), "the clock starts at the change (later date 27 Feb)");

    let original = draft(&ctx, &session, &case, false);
    file(&ctx, &session, &original.id, day(2026, 3, 1));
    clock.advance(chrono::Duration::days(32)); // 2026-04-02
    let mut longer = big.clone();
    longer.transaction_on = day(2026, 3, 30);
    longer.known_on = day(2026, 3, 30);
    longer.duration_days = Some(240);
    longer.red_flags =
        vec![FlagNote { key: "weights_export".into(), note: "Checkpoints copied out weekly".into() }];
    ai::arrangement_add(&ctx, &session, &case, &longer).expect("v3");
    let d = ai::case_get(&ctx, &session, &case).expect("detail");
    let update_key = format!("ai_report_update:{case}:3");
    let o = d.obligations.iter().find(|o| o.key == update_key).expect("update owed");
    assert_eq!(o.due_date, day(2026, 4, 14));
    assert!(o.title.contains(&original.id[..8]), "references the original: {}", o.title);

    // A second change before the update is filed: the update for version 4 answers both.
    let mut wider = longer.clone();
    wider.count = 16_384;
    wider.transaction_on = day(2026, 4, 1);
    wider.known_on = day(2026, 4, 1);
    ai::arrangement_add(&ctx, &session, &case, &wider).expect("v4");
    let update = draft(&ctx, &session, &case, true);
    assert_eq!(update.obligation_key.as_deref(), Some(format!("ai_report_update:{case}:4").as_str()));
    let row = filings::filing_get(&ctx, &session, &update.id).expect("get");
    let text = serde_json::to_string(&row.document.blocks).expect("json");
    assert!(text.contains(&format!("filing {}", original.id)), "names the original: {text}");
    assert!(text.contains("Period: 2026-02-26 to 2026-06-26 → 2026-02-26 to 2026-10-24"), "{text}");
    assert!(text.contains("12000 × NVIDIA H100 SXM5 → 16384 × NVIDIA H100 SXM5"), "{text}");
    assert!(text.contains("Checkpoints copied out weekly"), "{text}");
    file(&ctx, &session, &update.id, day(2026, 4, 2));
    let d = ai::case_get(&ctx, &session, &case).expect("detail");
    assert!(d.obligations.iter().all(|o| o.met.is_some()), "{:#?}", d.obligations);
    assert_eq!(d.obligations.len(), 3, "the report and two updates, all met");
    assert_eq!(d.case.report.reported_version, Some(4));
}

#[test]
fn a_usage_import_is_all_or_nothing_and_opens_a_case_for_review_not_a_report() {
    let (dir, ctx, clock, session) = setup();
    clock.advance(chrono::Duration::days(30)); // 2026-03-31
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "account_ref,period_start,period_end,accelerator,accelerator_hours,peak_accelerators,interconnect_gbps
A-1,2026-03-01,2026-03-30,H100,1000,8,400
A-1,2026-03-10,2026-03-01,H100,1000,8,400
A-2,2026-03-01,2026-03-30,H1OO-SXM,1000,8,400
A-2,2026-03-01,2026-03-30,A100,-4,8,400
A-9,2026-03-01,2026-03-30,A100,4,8,400
A-3,2026-03-01,2026-03-30,A100,4,8,400
A-2,2026-03-01,2026-03-30,A100,4,99999999999,400
",
    )
    .expect("write");
    let report = ai::usage_import(&ctx, &session, &bad, false, &mut |_, _| true).expect("import");
    let shown: Vec<String> = report.errors.iter().map(|e| format!("{}:{}", e.row, e.column)).collect();
    assert_eq!(shown, ["3:period_end", "4:accelerator", "5:accelerator_hours", "8:peak_accelerators"]);
    assert!(report.errors[1].message.contains("did you mean NVIDIA H100"), "{}", report.errors[1].message);
    assert_eq!(report.stored, 0);
    // With the format errors fixed, the accounts are checked: unknown and U.S.-person rows.
    std::fs::write(
        &bad,
        "account_ref,period_start,period_end,accelerator,accelerator_hours,peak_accelerators,interconnect_gbps
A-1,2026-03-01,2026-03-30,H100,1000,8,400
A-9,2026-03-01,2026-03-30,A100,4,8,400
A-3,2026-03-01,2026-03-30,A100,4,8,400
",
    )
    .expect("write");
    let report = ai::usage_import(&ctx, &session, &bad, false, &mut |_, _| true).expect("import");
    let shown: Vec<String> = report.errors.iter().map(|e| format!("{}:{}", e.row, e.column)).collect();
    assert_eq!(shown, ["3:account_ref", "4:account_ref"]);
    assert!(report.errors[1].message.contains("U.S. person"), "{}", report.errors[1].message);
    let overview = ai::overview(&ctx, &session).expect("overview");
    assert!(overview.batches.is_empty() && overview.cases.is_empty(), "nothing stored");

    // C-1 ran 5,000 H100 all of March: 5,000 × 720 h = 3.6M accelerator-hours
    // → 3.6e6 × 3,600 × 989.4e12 = 1.2822624e25 op, 12.8 % of 1e26 (not covered); its cluster of
    // 60,000 at peak is 5.9364e19 op/s, 59 % of 1e20, with 400 Gbit/s: could be covered.
    let good = dir.path().join("usage.csv");
    std::fs::write(
        &good,
        "account_ref,period_start,period_end,accelerator,accelerator_hours,peak_accelerators,interconnect_gbps
A-1,2026-03-01,2026-03-30,h100-sxm,3600000,60000,400
A-2,2026-03-01,2026-03-30,A100,1200.5,8,25
",
    )
    .expect("write");
    let dry = ai::usage_import(&ctx, &session, &good, true, &mut |_, _| true).expect("dry");
    assert_eq!((dry.rows, dry.stored, dry.customers), (2, 0, 2));
    let mut seen = Vec::new();
    let report = ai::usage_import(&ctx, &session, &good, false, &mut |d, t| {
        seen.push((d, t));
        true
    })
    .expect("import");
    assert_eq!(report.stored, 2);
    assert_eq!(seen.last(), Some(&(2, 2)), "progress ends at all rows");
    let evaluation = report.evaluation.expect("evaluated");
    assert_eq!(evaluation.opened, ["C-1"]);
    assert_eq!(evaluation.flagged[0].coverage, Coverage::CouldBe);
    assert_eq!(evaluation.flagged[0].operations, "1.2822…e25 op");
    let overview = ai::overview(&ctx, &session).expect("overview");
    assert_eq!(overview.cases.len(), 1);
    assert_eq!((overview.cases[0].state.as_str(), overview.cases[0].origin.as_str()), ("review", "usage"));
    assert!(
        overview.cases[0].due.is_none(),
        "a review case owes no report until a person records the arrangement"
    );
    let again = ai::usage_evaluate(&ctx, &session).expect("again");
    assert!(again.opened.is_empty(), "no second case for the same customer");
}

#[test]
fn a_resellers_report_owes_a_transmittal_and_a_failure_closes_the_supply_gate() {
    let (dir, ctx, _clock, session) = setup();
    let reseller = workbench_core::reseller::NewReseller {
        reseller_ref: "R-01".into(),
        legal_name: "Nordic Cloud Resale AB".into(),
        country: "SE".into(),
        registration_ids: String::new(),
        agreement_start: day(2025, 6, 1),
        agreement_end: None,
        contact: workbench_core::reseller::ResellerContact {
            name: "Eva Lind".into(),
            email: "eva@nordic.example".into(),
            phone: "+46 8 123 456 78".into(),
        },
    };
    workbench_app::resellers::reseller_add(&ctx, &session, &reseller).expect("reseller");
    let document = dir.path().join("report.pdf");
    std::fs::write(&document, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").expect("write");
    let form = ai::ResellerReportForm {
        reseller_ref: "R-01".into(),
        customer_name: "Fjord Models AS".into(),
        country: "no".into(),
        transaction_on: day(2026, 2, 20),
        known_on: day(2026, 2, 24),
        summary: "8,192 H100 for 90 days".into(),
    };
    let id = ai::reseller_report_record(&ctx, &session, &form, &document).expect("record");
    let overview = ai::overview(&ctx, &session).expect("overview");
    assert_eq!(overview.reseller_reports[0].due, Some(day(2026, 3, 11)), "15 days from the later date");
    ai::reseller_report_transmit(
        &ctx,
        &session,
        &ai::Transmittal {
            id: id.clone(),
            on: day(2026, 3, 1),
            channel: "portal".into(),
            reference: String::new(),
        },
    )
    .expect("transmit");
    let overview = ai::overview(&ctx, &session).expect("overview");
    assert!(overview.reseller_reports[0].transmitted.as_deref().is_some_and(|t| t.contains("portal")));
    assert_eq!(overview.reseller_reports[0].due, None);

    ai::reseller_failure(&ctx, &session, "R-01", day(2026, 3, 1), "did not report a known run")
        .expect("finding");
    let csv = dir.path().join("through.csv");
    std::fs::write(
        &csv,
        format!(
            "{}C-9,individual,Kari Nordmann,NO,Gate 1,,Oslo,,0150,k@example.no,+47 22 12 34 56,no,R-01,A-9,card,4242,DNB,low,2026-03-01\n",
            CUSTOMERS.lines().next().map(|h| format!("{h}\n")).unwrap_or_default()
        ),
    )
    .expect("write");
    let report = customers::import(&ctx, &session, &csv, false).expect("import");
    assert_eq!(report.stored, 0, "the supply gate is closed (R25)");
    assert!(report.errors.iter().any(|e| e.message.contains("under remediation")), "{:?}", report.errors);
}

#[test]
fn a_new_pack_re_evaluates_open_cases_and_says_what_changed() {
    let (dir, ctx, _clock, session) = setup();
    let case =
        ai::case_add(&ctx, &session, &ai::NewCase { customer_ref: "C-1".into(), summary: String::new() })
            .expect("case");
    // 4,000 H100 for 100 days: 3.419e25 op, 34 % of 1e26: not covered under the shipped pack.
    ai::arrangement_add(
        &ctx,
        &session,
        &case,
        &arrangement("H100", 4_000, 100, day(2026, 2, 1), day(2026, 2, 2)),
    )
    .expect("v1");
    assert_eq!(ai::overview(&ctx, &session).expect("o").cases[0].coverage, Some(Coverage::NotCovered));
    let text = workbench_core::rules::BUILT_IN
        .replace("id = \"us-bis-iaas-cip-2024-nprm\"", "id = \"us-bis-iaas-cip-final-test\"")
        .replacen("value = 1e26", "value = 3e25", 1);
    let path = dir.path().join("final.toml");
    std::fs::write(&path, text).expect("write");
    let pack = workbench_app::obligations::rules_import(&ctx, &session, &path).expect("import pack");
    workbench_app::obligations::rules_activate(&ctx, &session, &pack.sha256).expect("activate");
    let view = ai::overview(&ctx, &session).expect("o");
    assert_eq!(view.cases[0].coverage, Some(Coverage::Covered));
    let change = view.cases[0].pack_change.as_deref().expect("said");
    assert!(change.contains("not covered under us-bis-iaas-cip-2024-nprm"), "{change}");
    assert!(change.contains("covered under the active pack us-bis-iaas-cip-final-test"), "{change}");
    assert_eq!(view.cases[0].due, Some(day(2026, 2, 17)), "now owed, from the pack's clock");
    // The frozen report says which pack it was made under.
    let f = draft(&ctx, &session, &case, false);
    let row = filings::filing_get(&ctx, &session, &f.id).expect("get");
    assert!(
        serde_json::to_string(&row.document.blocks).expect("json").contains("us-bis-iaas-cip-final-test")
    );
}

#[test]
fn the_demo_has_a_reported_case_a_changed_case_with_an_update_due_and_a_case_from_usage() {
    let (_dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600));
    workbench_app::demo::fill(&ctx, &session, 30).expect("demo");
    let o = ai::overview(&ctx, &session).expect("overview");
    assert_eq!(o.cases.len(), 3, "{:#?}", o.cases);
    assert_eq!(o.batches.len(), 1, "one usage import");
    let from_usage = o.cases.iter().find(|c| c.origin == "usage").expect("a case from usage");
    assert_eq!(from_usage.state, "review");
    let reported: Vec<_> = o.cases.iter().filter(|c| c.report.filed_on.is_some()).collect();
    assert_eq!(reported.len(), 2, "two reports filed");
    let changed = reported.iter().find(|c| c.versions == 3).expect("the changed case");
    assert_eq!(changed.report.reported_version, Some(2));
    assert!(changed.due_key.as_deref().is_some_and(|k| k.starts_with("ai_report_update:")), "{changed:?}");
    assert!(changed.due.is_some(), "an update is due");
}

#[test]
fn the_usage_template_imports_as_a_workbook_with_date_and_number_cells() {
    let (_dir, ctx, _clock, session) = common::workspace_at(2026, 12, 1, 9, Duration::from_secs(3600));
    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../assets/templates");
    customers::import(&ctx, &session, &templates.join("customers.csv"), false).expect("customers");
    let report = ai::usage_import(&ctx, &session, &templates.join("ai-usage.xlsx"), false, &mut |_, _| true)
        .expect("xlsx");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!((report.stored, report.accounts), (2, 1));
    let csv = ai::usage_import(&ctx, &session, &templates.join("ai-usage.csv"), true, &mut |_, _| true)
        .expect("csv");
    assert_eq!((csv.rows, csv.errors.len()), (2, 0), "the CSV template reads the same");
    let lines = ai::usage_lines(&ctx, &session).expect("lines");
    // 368,640 H100-hours + 1,200.5 A100-hours over November, within the 90-day window.
    let expected = 368_640u128 * 3_600 * 989_400_000_000_000 + 12_005 * 360 * 312_000_000_000_000;
    assert_eq!(lines[0].operations, format!("{} op", workbench_core::quantity::sci(expected)));
}
