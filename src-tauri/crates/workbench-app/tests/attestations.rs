//! Resellers' annual attestations (R18 with R13) on a real SQLCipher workspace: the reseller ×
//! year matrix for a fixture, the request PDF, returns recorded from the form and from CSV (all
//! or nothing), and the attestation obligations they meet.

mod common;

use std::time::Duration;

use workbench_app::attestations::{self as att, AttestationMatrix};
use workbench_app::obligations as ob;
use workbench_app::resellers;
use workbench_app::{Context, Session};
use workbench_core::attestation::{AttestationReturn, CellStatus, ReportedCounts};
use workbench_core::reseller::{NewReseller, ResellerContact};

fn setup() -> (tempfile::TempDir, Context, Session) {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 28, 15, Duration::from_secs(3600));
    for (reference, name, country, start) in [
        ("R-01", "Nordic Cloud Resale AB", "SE", "2025-01-01"),
        ("R-02", "Gamma Hosting SRL", "RO", "2024-03-01"),
        ("R-03", "Kiwi Compute Ltd", "NZ", "2026-02-01"),
    ] {
        let new = NewReseller {
            reseller_ref: reference.into(),
            legal_name: name.into(),
            country: country.into(),
            registration_ids: String::new(),
            agreement_start: start.parse().expect("date"),
            agreement_end: None,
            contact: ResellerContact {
                name: "CIP Contact".into(),
                email: format!("cip@{}.example", reference.to_lowercase()),
                phone: "+44 20 7946 0000".into(),
            },
        };
        resellers::reseller_add(&ctx, &session, &new).expect("add");
    }
    (dir, ctx, session)
}

fn cells(m: &AttestationMatrix) -> Vec<(String, Vec<CellStatus>)> {
    m.rows.iter().map(|r| (r.reseller_ref.clone(), r.cells.iter().map(|c| c.status).collect())).collect()
}

fn every_statement(ctx: &Context, session: &Session) -> Vec<String> {
    att::attestation_matrix(ctx, session).expect("matrix").statements.into_iter().map(|(k, _)| k).collect()
}

fn ret(reseller: &str, period: i32, affirmed: Vec<String>) -> AttestationReturn {
    AttestationReturn {
        reseller_ref: reseller.into(),
        period,
        returned_on: "2026-01-12".parse().expect("date"),
        counts: ReportedCounts { customers: 40, unverified: 2, refused: 1 },
        affirmed,
        note: String::new(),
    }
}

#[test]
fn the_matrix_follows_agreements_due_days_and_returns() {
    use CellStatus::{Complete, Exceptions, NotApplicable, Overdue};
    let (_dir, ctx, session) = setup();
    let m = att::attestation_matrix(&ctx, &session).expect("matrix");
    assert_eq!(m.periods, [2024, 2025], "from the earliest agreement to the last ended year");
    assert_eq!((m.due_day.as_str(), m.due_day_assumed), ("15 January", true));
    let s = |v: &[CellStatus]| v.to_vec();
    assert_eq!(
        cells(&m),
        [
            ("R-01".into(), s(&[NotApplicable, Overdue])),
            ("R-02".into(), s(&[Overdue, Overdue])),
            ("R-03".into(), s(&[NotApplicable, NotApplicable])),
        ]
    );

    let all = every_statement(&ctx, &session);
    att::attestation_return(&ctx, &session, &ret("R-01", 2025, all.clone()), None).expect("return");
    let mut partial = all.clone();
    partial.retain(|k| k != "compliant");
    let views = att::attestation_return(&ctx, &session, &ret("R-02", 2025, partial), None).expect("return");
    let r2 = views.iter().find(|v| v.period == 2025).expect("2025");
    assert_eq!(r2.exceptions, ["The provider complies with its CIP"]);
    assert_eq!(r2.counts, Some(ReportedCounts { customers: 40, unverified: 2, refused: 1 }));

    let m = att::attestation_matrix(&ctx, &session).expect("matrix");
    assert_eq!(cells(&m)[0].1, [NotApplicable, Complete]);
    assert_eq!(cells(&m)[1].1, [Overdue, Exceptions]);

    let err = att::attestation_return(&ctx, &session, &ret("R-01", 2025, all), None).expect_err("twice");
    assert!(
        err.to_string().contains("R-01 2025: a return is already recorded (received 2026-01-12)"),
        "{err}"
    );
}

#[test]
fn a_return_meets_that_years_attestation_obligation() {
    let (_dir, ctx, session) = setup();
    let key = "reseller_attestation:R-01:2026";
    let open = ob::obligations_list(&ctx, &session).expect("obligations");
    let o =
        open.obligations.iter().find(|o| o.key == key).expect("R-01's 2026 attestation is on the calendar");
    assert_eq!((o.due_date.to_string().as_str(), o.rid.as_str()), ("2026-01-15", "R18"));
    assert!(o.met.is_none());

    let all = every_statement(&ctx, &session);
    att::attestation_return(&ctx, &session, &ret("R-01", 2025, all), None).expect("return");
    let view = ob::obligations_list(&ctx, &session).expect("obligations");
    let met = view.obligations.iter().find(|o| o.key == key).and_then(|o| o.met.clone()).expect("met");
    assert!(met.reference.contains("R-01 attestation for 2025 returned 2026-01-12"), "{}", met.reference);
}

#[test]
fn the_request_pdf_is_made_for_an_ended_year_and_recorded() {
    let (dir, ctx, session) = setup();
    let err = att::attestation_request_pdf(&ctx, &session, "R-01", 2026).expect_err("year not ended");
    assert!(err.to_string().contains("period: 2026 has not ended yet"), "{err}");
    let err = att::attestation_request_pdf(&ctx, &session, "R-99", 2025).expect_err("unknown");
    assert!(err.to_string().contains("no reseller R-99"), "{err}");

    let path = dir.path().join("request.pdf");
    att::attestation_write_request(&ctx, &session, "R-01", 2025, &path).expect("request");
    let pdf = std::fs::read(&path).expect("written");
    assert!(pdf.starts_with(b"%PDF-"));
    let detail = resellers::reseller_detail(&ctx, &session, "R-01").expect("detail");
    let cell = detail.attestations.iter().find(|a| a.period == 2025).expect("2025");
    assert!(cell.requested_at.is_some(), "the request is recorded");
    assert_eq!(cell.due_on, "2026-01-15");
}

#[test]
fn a_counts_csv_is_recorded_whole_or_not_at_all() {
    let (_dir, ctx, session) = setup();
    let header = "reseller_ref,period,returned_on,customers,unverified,refused,statements_affirmed\n";
    let bad = format!(
        "{header}R-02,2024,2025-01-10,12,1,0,yes\nR-99,2025,2026-01-10,3,0,0,yes\nR-01,2025,2026-01-10,x,0,0,yes\n"
    );
    let report = att::attestation_import(&ctx, &session, bad.as_bytes(), false).expect("checked");
    let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors, ["row 4: customers: must be a whole number, 0 or more"], "parse errors first");
    assert!(!report.committed);

    let unknown = format!("{header}R-02,2024,2025-01-10,12,1,0,yes\nR-99,2025,2026-01-10,3,0,0,yes\n");
    let report = att::attestation_import(&ctx, &session, unknown.as_bytes(), false).expect("checked");
    let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors, ["row 3: reseller_ref: no reseller R-99 in the register"]);
    let m = att::attestation_matrix(&ctx, &session).expect("matrix");
    assert_eq!(cells(&m)[1].1[0], CellStatus::Overdue, "nothing recorded from the refused file");

    let good = format!("{header}R-02,2024,2025-01-10,12,1,0,yes\nR-02,2025,2026-01-10,14,0,1,no\n");
    let dry = att::attestation_import(&ctx, &session, good.as_bytes(), true).expect("dry run");
    assert_eq!((dry.rows, dry.committed), (2, false));
    let report = att::attestation_import(&ctx, &session, good.as_bytes(), false).expect("import");
    assert_eq!((report.rows, report.committed), (2, true));
    let m = att::attestation_matrix(&ctx, &session).expect("matrix");
    assert_eq!(cells(&m)[1].1, [CellStatus::Complete, CellStatus::Exceptions]);
    let again = att::attestation_import(&ctx, &session, good.as_bytes(), false).expect("checked");
    assert_eq!(again.errors.len(), 2, "returns already recorded are refused by row");

    // The template as an Excel workbook (numbers and the return date as real cells) reads like
    // its CSV: the same rows, checked the same way.
    let template =
        |name: &str| std::fs::read(format!("{}/../../../{name}", env!("CARGO_MANIFEST_DIR"))).expect(name);
    let from_csv =
        att::attestation_import(&ctx, &session, &template("assets/templates/reseller-counts.csv"), true)
            .expect("csv");
    let from_xlsx =
        att::attestation_import(&ctx, &session, &template("tests/fixtures/reseller-counts.xlsx"), true)
            .expect("xlsx");
    assert_eq!(from_xlsx, from_csv);
    assert_eq!(from_xlsx.rows, 2);
}
