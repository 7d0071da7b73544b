//! The filing register on a real SQLCipher workspace (R12–R14): drafts frozen from the records
//! with an audit checkpoint, the exact counts, four eyes on approval, filing meeting its
//! obligation, re-rendering reproducing the recorded bytes, and verifying a PDF by its hash.

mod common;

use std::time::Duration;

use workbench_app::filings::{self as filings, DraftRequest, FiledForm};
use workbench_app::obligations::{self as ob, NewEvent};
use workbench_app::retention::{self, CloseAccount};
use workbench_app::workspace::{self, NewActor};
use workbench_app::{AppError, Context, Session, customers, settings};
use workbench_core::Role;
use workbench_core::filing::{Block, FilingKind, FilingState, PageSize};

const CUSTOMERS: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
C-1,individual,Anna Berg,SE,Gatan 1,,Stockholm,,11122,a@example.se,+46 8 123 456 78,no,,A-1,card,4242,Bank,low,2025-02-01
C-2,individual,Ivan Petrov,RU,Ulitsa 2,,Moskva,,101000,i@example.ru,+7 495 123-45-67,no,,A-2,card,1111,Bank,high,2025-02-02
C-3,entity,Müller GmbH,DE,Strasse 3,,Berlin,,10115,m@example.de,+49 30 1234567,no,,A-3,wire,,Sparkasse,medium,2025-02-03
";

/// A workspace begun in 2025 with three foreign customers, two accounts closed unverified that
/// year; the clock then moves to 2026.
fn setup() -> (tempfile::TempDir, Context, std::sync::Arc<workbench_core::FixedClock>, Session) {
    let (dir, ctx, clock, session) =
        common::workspace_at(2025, 3, 1, 15, Duration::from_secs(3600 * 24 * 800));
    let csv = dir.path().join("customers.csv");
    std::fs::write(&csv, CUSTOMERS).expect("write");
    customers::import(&ctx, &session, &csv, false).expect("import");
    for account in ["A-1", "A-2"] {
        let close = CloseAccount { account_ref: account.into(), reason: "no documents sent".into() };
        retention::account_close(&ctx, &session, &close).expect("close");
    }
    clock.advance(chrono::Duration::days(340)); // 2026-02-04
    (dir, ctx, clock, session)
}

fn text(blocks: &[Block]) -> String {
    serde_json::to_string(blocks).expect("json")
}

#[test]
fn an_annual_certification_counts_the_covered_year_and_lists_each_case() {
    let (_dir, ctx, _clock, session) = setup();
    let err = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::Annual,
            year: Some(2027),
            event_id: None,
            case_id: None,
            update: false,
            page: PageSize::A4,
        },
    )
    .expect_err("2026 has not ended");
    assert!(err.to_string().contains("2026 has not ended yet"), "{err}");

    let draft = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::Annual,
            year: Some(2026),
            event_id: None,
            case_id: None,
            update: false,
            page: PageSize::Letter,
        },
    )
    .expect("draft");
    assert_eq!(
        (draft.state, draft.label.as_str()),
        (FilingState::Draft, "Annual certification 2026 (covers 2025)")
    );
    let detail = filings::filing_get(&ctx, &session, &draft.id).expect("detail");
    let content = text(&detail.document.blocks);
    assert!(content.contains("2 time(s)"), "two accounts closed unverified in 2025: {content}");
    assert!(content.contains("0 account(s)"), "none refused: {content}");
    for case in ["C-1", "C-2", "account closed before verification"] {
        assert!(content.contains(case), "{case} missing: {content}");
    }
    assert!(!content.contains("C-3"), "C-3 was not a case");
}

#[test]
fn approval_needs_four_eyes_when_on_and_filing_meets_the_obligation() {
    let (_dir, ctx, _clock, session) = setup();
    let mut prefs = settings::get(&ctx, &session).expect("settings");
    prefs.filing_four_eyes = true;
    settings::update(&ctx, &session, &prefs).expect("four eyes");
    let draft = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::Annual,
            year: Some(2026),
            event_id: None,
            case_id: None,
            update: false,
            page: PageSize::A4,
        },
    )
    .expect("draft");
    assert!(!draft.may_approve);
    let err = filings::filing_approve(&ctx, &session, &draft.id).expect_err("the drafter may not approve");
    assert!(matches!(err, AppError::Forbidden(ref m) if m.contains("four eyes")), "{err}");
    let filed = FiledForm {
        id: draft.id.clone(),
        filed_on: "2026-02-04".parse().expect("date"),
        channel: "BIS portal".into(),
        agency_reference: "ACK-1".into(),
    };
    assert!(filings::filing_mark_filed(&ctx, &session, &filed).is_err(), "a draft is not filed");

    let other = workspace::actor_create(
        &ctx,
        &session,
        &NewActor {
            name: "Oscar Officer".into(),
            role: Role::Officer,
            passphrase: "second officer passphrase".into(),
        },
    )
    .expect("second officer");
    workspace::actor_switch(&ctx, &session, other.id, "second officer passphrase").expect("switch");
    let approved = filings::filing_approve(&ctx, &session, &draft.id).expect("approve");
    assert_eq!(approved.state, FilingState::Approved);
    assert!(approved.approved.as_deref().is_some_and(|a| a.starts_with("Oscar Officer")));

    let done = filings::filing_mark_filed(&ctx, &session, &filed).expect("filed");
    assert_eq!(done.filed.as_deref(), Some("2026-02-04 via BIS portal, reference ACK-1"));
    let view = ob::obligations_list(&ctx, &session).expect("obligations");
    let r13 = view.obligations.iter().find(|o| o.key == "annual_certification:2026").expect("R13 obligation");
    assert!(r13.met.as_ref().is_some_and(|m| m.reference.contains(&draft.id)), "filing meets it");
}

#[test]
fn the_pdf_reproduces_and_verifies_against_the_register() {
    let (dir, ctx, _clock, session) = setup();
    let draft = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::Initial,
            year: None,
            event_id: None,
            case_id: None,
            update: false,
            page: PageSize::A4,
        },
    )
    .expect("draft");
    let pdf = filings::filing_pdf(&ctx, &session, &draft.id).expect("pdf");
    assert_eq!(workbench_core::audit::sha256_hex(&pdf), draft.pdf_sha256, "the recorded hash");
    filings::filing_approve(&ctx, &session, &draft.id).expect("approve (four eyes off)");
    assert_eq!(
        filings::filing_pdf(&ctx, &session, &draft.id).expect("again"),
        pdf,
        "same bytes after approval"
    );

    let verified = filings::filing_verify(&ctx, &session, &pdf).expect("verify");
    assert_eq!(verified.filing.as_ref().map(|f| f.id.as_str()), Some(draft.id.as_str()));
    assert!(
        verified.checkpoint.as_deref().is_some_and(|c| c.starts_with("event ")),
        "{:?}",
        verified.checkpoint
    );
    let mut altered = pdf.clone();
    let last = altered.len() - 10;
    altered[last] ^= 1;
    let err = filings::filing_verify(&ctx, &session, &altered).expect_err("altered");
    assert!(err.to_string().contains("matches no filing"), "{err}");

    let detail = filings::filing_get(&ctx, &session, &draft.id).expect("detail");
    let content = text(&detail.document.blocks);
    assert!(content.contains("3 foreign customers in 3 countries"), "{content}");
    assert!(content.contains("1 foreign-customer accounts are not verified"), "C-3 is still open: {content}");
    let out = dir.path().join("initial.pdf");
    filings::filing_write_pdf(&ctx, &session, &draft.id, &out).expect("write");
    assert_eq!(std::fs::read(out).expect("read"), pdf);
}

#[test]
fn a_change_notice_reports_its_event_and_refuses_other_events() {
    let (_dir, ctx, _clock, session) = setup();
    let created = ob::event_record(
        &ctx,
        &session,
        &NewEvent::BusinessChange {
            summary: "merged with Example Hosting".into(),
            occurred_at: ctx.clock().now(),
        },
    )
    .expect("event");
    let event = created[0].source_event.clone();
    let draft = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::ChangeNotice,
            year: None,
            event_id: Some(event.clone()),
            case_id: None,
            update: false,
            page: PageSize::A4,
        },
    )
    .expect("draft");
    assert!(draft.label.contains("merged with Example Hosting"), "{}", draft.label);
    assert_eq!(draft.obligation_key.as_deref(), Some(format!("change_notice:{event}").as_str()));
    let again = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::ChangeNotice,
            year: None,
            event_id: Some(event),
            case_id: None,
            update: false,
            page: PageSize::A4,
        },
    )
    .expect("redraft");
    let list = filings::filing_list(&ctx, &session).expect("list");
    assert_eq!(list.len(), 1, "a new draft replaces the open one");
    assert_eq!(list[0].id, again.id);

    let request = ob::event_record(
        &ctx,
        &session,
        &NewEvent::CipCopyRequested {
            requester: "BIS".into(),
            reference: String::new(),
            received_at: ctx.clock().now(),
        },
    )
    .expect("request");
    let err = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::ChangeNotice,
            year: None,
            event_id: Some(request[0].source_event.clone()),
            case_id: None,
            update: false,
            page: PageSize::A4,
        },
    )
    .expect_err("not an R14 change");
    assert!(err.to_string().contains("is not a change the rule asks to notify"), "{err}");
}
