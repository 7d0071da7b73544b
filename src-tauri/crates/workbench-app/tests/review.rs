//! The verification queue and decisions through the use cases, on a real SQLCipher workspace
//! with a fixed clock (R3–R6, R8, R13): order and locks, approval blocked by unverified
//! elements, four eyes on refusals, snoozing, evidence in the vault, re-verification.

mod common;

use std::sync::Arc;
use std::time::Duration;

use workbench_app::customers;
use workbench_app::obligations as ob;
use workbench_app::review::{
    self as review, CheckRequest, DecisionRequest, DeterminationRequest, QueueShow, SecondReview,
};
use workbench_app::workspace::{self, NewActor};
use workbench_app::{AppError, Context, Session};
use workbench_core::customer::{AccountState, UsPerson};
use workbench_core::obligations::ObligationKind;
use workbench_core::verification::{
    DecisionKind, DecisionStatus, Element, Method, Outcome, QueueReason, QueueState,
};
use workbench_core::{FixedClock, Role};

use common::OFFICER_PASS;
const REVIEWER_PASS: &str = "reviewer passphrase 2026";

const CUSTOMERS: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
C-1,individual,Low Risk Person,FR,1 Rue A,,Paris,,75001,low@example.com,+33 1 23 45 67 89,no,,A-1,card,4242,Banque,low,2026-01-01
C-2,individual,High Risk Person,RU,2 Ulitsa B,,Moskva,,101000,high@example.com,+7 495 123-45-67,no,,A-2,card,1111,Bank,high,2026-01-02
C-3,entity,Medium Risk GmbH,DE,3 Strasse C,,Berlin,,10115,med@example.com,+49 30 1234567,no,,A-3,wire,,Sparkasse,medium,2026-01-03
";

struct World {
    _dir: tempfile::TempDir,
    ctx: Context,
    clock: Arc<FixedClock>,
    session: Session,
    officer: String,
    reviewer: String,
}

fn setup() -> World {
    let (dir, ctx, clock, session) =
        common::workspace_at(2026, 11, 28, 15, Duration::from_secs(3 * 366 * 24 * 3600));
    let officer = workspace::actor_list(&ctx, &session).expect("actors")[0].id.to_string();
    let reviewer = workspace::actor_create(
        &ctx,
        &session,
        &NewActor { name: "Rita Reviewer".into(), role: Role::Reviewer, passphrase: REVIEWER_PASS.into() },
    )
    .expect("reviewer")
    .id
    .to_string();
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, CUSTOMERS).expect("write");
    let report = customers::import(&ctx, &session, &file, false).expect("import");
    assert_eq!(report.stored, 3, "{report:?}");
    World { _dir: dir, ctx, clock, session, officer, reviewer }
}

fn verify_required(w: &World, customer_ref: &str) {
    let view = review::review_get(&w.ctx, &w.session, customer_ref).expect("view");
    for element in view.elements.iter().filter(|e| e.required) {
        review::check_record(
            &w.ctx,
            &w.session,
            &CheckRequest {
                customer_ref: customer_ref.into(),
                element: element.element,
                method: Method::Documentary,
                outcome: Outcome::Verified,
                evidence_id: None,
                note: String::new(),
            },
        )
        .expect("check");
    }
}

fn decide(
    w: &World,
    customer_ref: &str,
    kind: DecisionKind,
    reason: &str,
) -> Result<review::ReviewView, AppError> {
    review::decide(
        &w.ctx,
        &w.session,
        &DecisionRequest {
            customer_ref: customer_ref.into(),
            kind,
            reason_code: reason.into(),
            note: if kind == DecisionKind::MoreInfo { "send a passport scan".into() } else { String::new() },
            until: (kind == DecisionKind::MoreInfo).then(|| w.ctx.clock().now() + chrono::Duration::days(3)),
        },
    )
}

fn switch(w: &World, id: &str, passphrase: &str) {
    workspace::actor_switch(&w.ctx, &w.session, id.parse().expect("id"), passphrase).expect("switch");
}

#[test]
fn imported_customers_queue_by_due_date_then_risk_and_next_locks_the_item() {
    let w = setup();
    let page = review::queue_list(&w.ctx, &w.session, QueueShow::Ready, 50, 0).expect("list");
    let order: Vec<&str> = page.rows.iter().map(|r| r.customer_ref.as_str()).collect();
    // The built-in pack's SLA: high 2 days, medium 5, low 10.
    assert_eq!(order, ["C-2", "C-3", "C-1"]);
    assert_eq!(page.health.ready, 3);
    assert_eq!(page.rows[0].due_at, "2026-11-30T15:00:00.000000Z");

    let first = review::queue_next(&w.ctx, &w.session).expect("next").expect("an item");
    assert_eq!(first.customer_ref, "C-2");
    assert!(first.held_by_me);

    // Another reviewer is not given the held item, and cannot take it…
    switch(&w, &w.reviewer, REVIEWER_PASS);
    let second = review::queue_next(&w.ctx, &w.session).expect("next").expect("an item");
    assert_eq!(second.customer_ref, "C-3");
    let err = review::queue_take(&w.ctx, &w.session, "C-2").expect_err("held by the officer");
    assert!(err.to_string().contains("another reviewer"), "{err}");
    // …until the lock lapses.
    w.clock.advance(chrono::Duration::minutes(review::LOCK_LAPSES_AFTER_MINUTES + 1));
    assert!(review::queue_take(&w.ctx, &w.session, "C-2").expect("lapsed").held_by_me);
}

#[test]
fn approval_names_the_unverified_elements_then_verifies_the_accounts_and_starts_r8() {
    let w = setup();
    review::queue_take(&w.ctx, &w.session, "C-2").expect("take");
    let err = decide(&w, "C-2", DecisionKind::Approve, "").expect_err("nothing verified yet");
    assert!(err.to_string().contains("Name") && err.to_string().contains("Identity document"), "{err}");

    verify_required(&w, "C-2");
    let view = decide(&w, "C-2", DecisionKind::Approve, "").expect("approve");
    assert!(view.approval_blockers.is_empty());
    assert_eq!(view.accounts[0].state, AccountState::Verified);
    assert_eq!(view.queue.as_ref().map(|q| q.state), Some(QueueState::Done));
    assert_eq!(view.decisions.len(), 1);

    // R8: high risk → re-verify in 12 months (the pack's interval).
    let obligations = ob::obligations_list(&w.ctx, &w.session).expect("obligations");
    let r8: Vec<_> =
        obligations.obligations.iter().filter(|o| o.kind == ObligationKind::Reverification).collect();
    assert_eq!(r8.len(), 1);
    assert_eq!(r8[0].due_date.to_string(), "2027-11-28");

    // Ten months on, refreshing the queue does not reopen it yet; within the SLA horizon it does.
    w.clock.advance(chrono::Duration::days(300));
    assert_eq!(review::queue_refresh(&w.ctx, &w.session).expect("refresh"), 0);
    w.clock.advance(chrono::Duration::days(60));
    assert_eq!(review::queue_refresh(&w.ctx, &w.session).expect("refresh"), 1);
    let page = review::queue_list(&w.ctx, &w.session, QueueShow::Ready, 50, 0).expect("list");
    let item = page.rows.iter().find(|r| r.customer_ref == "C-2").expect("reopened");
    assert_eq!(item.reason, QueueReason::Reverification);
}

#[test]
fn a_refusal_waits_for_a_different_reviewer_with_their_own_passphrase() {
    let w = setup();
    review::queue_take(&w.ctx, &w.session, "C-1").expect("take");
    let err = decide(&w, "C-1", DecisionKind::Refuse, "because").expect_err("unknown reason");
    assert!(err.to_string().contains("reason"), "{err}");
    let view = decide(&w, "C-1", DecisionKind::Refuse, "identity_unverifiable").expect("refuse");
    assert_eq!(view.queue.as_ref().map(|q| q.state), Some(QueueState::AwaitingSecond));
    assert_eq!(view.accounts[0].state, AccountState::Applicant, "nothing refused before the second reviewer");
    assert_eq!(
        view.pending_refusal.as_ref().map(|d| d.reason_title.as_str()),
        Some("Identity could not be verified")
    );

    let second = |id: &str, pass: &str, confirm: bool| {
        review::refusal_second_review(
            &w.ctx,
            &w.session,
            &SecondReview {
                customer_ref: "C-1".into(),
                reviewer_id: id.into(),
                passphrase: pass.into(),
                confirm,
            },
        )
    };
    let err = second(&w.officer, OFFICER_PASS, true).expect_err("same person");
    assert!(err.to_string().contains("four eyes"), "{err}");
    let err = second(&w.reviewer, "not the passphrase", true).expect_err("wrong passphrase");
    assert!(err.to_string().contains("passphrase"), "{err}");
    let view = second(&w.reviewer, REVIEWER_PASS, true).expect("confirmed");
    assert_eq!(view.accounts[0].state, AccountState::Refused);
    assert_eq!(view.decisions[0].status, DecisionStatus::Final);
    assert_eq!(view.decisions[0].second_by.as_deref(), Some("Rita Reviewer"));
    let page = review::queue_list(&w.ctx, &w.session, QueueShow::AwaitingSecond, 50, 0).expect("list");
    assert_eq!(page.total, 0);

    // Counted for the annual certification (R13).
    let counts = customers::counts(&w.ctx, &w.session, 2026).expect("counts");
    assert_eq!(counts.refused_in_year, 1);
    assert_eq!(counts.foreign_accounts_unverified, 2, "the other two are still applicants");
}

#[test]
fn a_declined_refusal_goes_back_to_the_queue() {
    let w = setup();
    review::queue_take(&w.ctx, &w.session, "C-3").expect("take");
    decide(&w, "C-3", DecisionKind::Refuse, "no_response").expect("refuse");
    let view = review::refusal_second_review(
        &w.ctx,
        &w.session,
        &SecondReview {
            customer_ref: "C-3".into(),
            reviewer_id: w.reviewer.clone(),
            passphrase: REVIEWER_PASS.into(),
            confirm: false,
        },
    )
    .expect("declined");
    assert_eq!(view.decisions[0].status, DecisionStatus::Declined);
    assert_eq!(view.queue.as_ref().map(|q| q.state), Some(QueueState::Waiting));
    assert_eq!(view.accounts[0].state, AccountState::Applicant);
}

#[test]
fn more_information_puts_the_item_to_sleep_until_the_date() {
    let w = setup();
    review::queue_take(&w.ctx, &w.session, "C-2").expect("take");
    let err = review::decide(
        &w.ctx,
        &w.session,
        &DecisionRequest {
            customer_ref: "C-2".into(),
            kind: DecisionKind::MoreInfo,
            reason_code: String::new(),
            note: String::new(),
            until: None,
        },
    )
    .expect_err("needs a note and a date");
    assert!(err.to_string().contains("note"), "{err}");
    let view = decide(&w, "C-2", DecisionKind::MoreInfo, "").expect("snooze");
    assert_eq!(view.accounts[0].state, AccountState::PendingVerification);
    let next = review::queue_next(&w.ctx, &w.session).expect("next").expect("item");
    assert_eq!(next.customer_ref, "C-3", "the sleeping item is skipped");
    let snoozed = review::queue_list(&w.ctx, &w.session, QueueShow::Snoozed, 50, 0).expect("list");
    assert_eq!(snoozed.total, 1);
    w.clock.advance(chrono::Duration::days(3) + chrono::Duration::minutes(1));
    let next = review::queue_next(&w.ctx, &w.session).expect("next").expect("item");
    assert_eq!(next.customer_ref, "C-2", "awake again, and still the most urgent");
}

#[test]
fn a_viewer_cannot_decide_and_an_unheld_item_cannot_be_decided() {
    let w = setup();
    let err = decide(&w, "C-1", DecisionKind::Refuse, "no_response").expect_err("not taken");
    assert!(err.to_string().contains("take the item"), "{err}");
    let viewer = workspace::actor_create(
        &w.ctx,
        &w.session,
        &NewActor {
            name: "Vic Viewer".into(),
            role: Role::Viewer,
            passphrase: "viewer passphrase 2026".into(),
        },
    )
    .expect("viewer");
    switch(&w, &viewer.id.to_string(), "viewer passphrase 2026");
    assert!(matches!(review::queue_next(&w.ctx, &w.session), Err(AppError::Forbidden(_))));
}

#[test]
fn evidence_is_stored_encrypted_shown_decrypted_and_only_images_or_pdfs_are_accepted() {
    let w = setup();
    let dir = tempfile::tempdir().expect("dir");
    // The smallest valid PNG: 1×1, one grey pixel.
    let png: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0,
        0, 0, 1, 8, 0, 0, 0, 0, 0x3A, 0x7E, 0x9B, 0x55, 0, 0, 0, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C,
        0x63, 0x68, 0, 0, 0, 0x82, 0, 0x81, 0x4C, 0x17, 0xD7, 0xDF, 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE,
        0x42, 0x60, 0x82,
    ];
    let file = dir.path().join("passport.png");
    std::fs::write(&file, png).expect("write");
    let view = review::evidence_attach(&w.ctx, &w.session, "C-1", Some(Element::IdentityDocument), &file)
        .expect("attach");
    assert_eq!(view.evidence.len(), 1);
    assert_eq!(view.evidence[0].media_type, "image/png");
    assert_eq!(view.evidence[0].original_name, "passport.png");
    let doc = view.elements.iter().find(|e| e.element == Element::IdentityDocument).expect("row");
    assert_eq!(doc.summary, "1 document");
    let (media, bytes) =
        review::evidence_content(&w.ctx, &w.session, "C-1", &view.evidence[0].id).expect("content");
    assert_eq!((media.as_str(), bytes.as_slice()), ("image/png", png));
    // Not another customer's.
    assert!(review::evidence_content(&w.ctx, &w.session, "C-2", &view.evidence[0].id).is_err());
    // The vault holds ciphertext only.
    let vault = w.ctx.data_dir().join("evidence");
    for entry in std::fs::read_dir(&vault).expect("vault") {
        let stored = std::fs::read(entry.expect("entry").path()).expect("read");
        assert!(!stored.windows(4).any(|w| w == b"IHDR"), "plaintext PNG in the vault");
    }

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello").expect("write");
    let err = review::evidence_attach(&w.ctx, &w.session, "C-1", None, &text).expect_err("refused");
    assert!(err.to_string().contains("PDF"), "{err}");
    assert_eq!(review::review_get(&w.ctx, &w.session, "C-1").expect("view").evidence.len(), 1);
}

#[test]
fn a_us_person_determination_records_status_reason_and_who() {
    let w = setup();
    let err = review::us_person_determine(
        &w.ctx,
        &w.session,
        &DeterminationRequest {
            customer_ref: "C-1".into(),
            owner_id: None,
            status: UsPerson::Yes,
            reason: "  ".into(),
            evidence_id: None,
        },
    )
    .expect_err("reason required");
    assert!(err.to_string().contains("reason"), "{err}");
    let view = review::us_person_determine(
        &w.ctx,
        &w.session,
        &DeterminationRequest {
            customer_ref: "C-1".into(),
            owner_id: None,
            status: UsPerson::Yes,
            reason: "U.S. passport seen".into(),
            evidence_id: None,
        },
    )
    .expect("determined");
    assert_eq!(view.us_person, "yes");
    assert_eq!(view.us_person_reason.as_deref(), Some("U.S. passport seen"));
}

#[test]
fn officers_assign_items_and_the_assignee_gets_them_first() {
    let w = setup();
    let n = review::queue_assign(&w.ctx, &w.session, &["C-1".into()], Some(&w.reviewer)).expect("assign");
    assert_eq!(n, 1);
    switch(&w, &w.reviewer, REVIEWER_PASS);
    let next = review::queue_next(&w.ctx, &w.session).expect("next").expect("item");
    assert_eq!(next.customer_ref, "C-1", "assigned beats more urgent");
    assert!(matches!(
        review::queue_assign(&w.ctx, &w.session, &["C-2".into()], None),
        Err(AppError::Forbidden(_))
    ));
}

#[test]
fn a_notice_is_rendered_from_the_pack_kept_as_proof_and_its_dates_recorded() {
    let w = setup();
    let view = review::notice_issue(&w.ctx, &w.session, "C-3").expect("issue");
    assert_eq!(view.notices.len(), 1);
    let notice = &view.notices[0];
    assert_eq!((notice.sent_on.as_deref(), notice.acknowledged_on.as_deref()), (None, None));
    let (media, pdf) = review::evidence_content(&w.ctx, &w.session, "C-3", &notice.evidence_id).expect("pdf");
    assert_eq!(media, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));

    let err = review::notice_mark(&w.ctx, &w.session, "C-3", &notice.id, Some("2030-01-01"), None)
        .expect_err("future");
    assert!(err.to_string().contains("sent_on"), "{err}");
    let err = review::notice_mark(&w.ctx, &w.session, "C-3", &notice.id, Some("28.11.2026"), None)
        .expect_err("not a date");
    assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
    review::notice_mark(&w.ctx, &w.session, "C-3", &notice.id, Some("2026-11-28"), None).expect("sent");
    let view =
        review::notice_mark(&w.ctx, &w.session, "C-3", &notice.id, None, Some("2026-11-28")).expect("ack");
    let notice = &view.notices[0];
    assert_eq!(notice.sent_on.as_deref(), Some("2026-11-28"), "kept when only the acknowledgement is given");
    assert_eq!(notice.acknowledged_on.as_deref(), Some("2026-11-28"));
    // Another customer's notice is not reachable through this one.
    assert!(review::notice_mark(&w.ctx, &w.session, "C-1", &notice.id, Some("2026-11-28"), None).is_err());
}

#[test]
fn closing_starts_retention_and_an_officer_purges_once_it_has_run_out() {
    use workbench_app::retention::{self, CloseAccount};
    let w = setup();
    let dir = tempfile::tempdir().expect("dir");
    let scan = dir.path().join("scan.png");
    std::fs::write(&scan, include_bytes!("../../../../assets/demo/id-card-specimen.png")).expect("write");
    review::evidence_attach(&w.ctx, &w.session, "C-1", Some(Element::IdentityDocument), &scan)
        .expect("attach");
    review::notice_issue(&w.ctx, &w.session, "C-1").expect("notice");
    let vault = w.ctx.data_dir().join("evidence");
    assert_eq!(std::fs::read_dir(&vault).expect("vault").count(), 2);

    let close = |account: &str| {
        retention::account_close(
            &w.ctx,
            &w.session,
            &CloseAccount { account_ref: account.into(), reason: "customer left".into() },
        )
    };
    close("A-1").expect("closed");
    assert!(close("A-1").is_err(), "closed is final");
    let obligations = ob::obligations_list(&w.ctx, &w.session).expect("obligations");
    let r10 =
        obligations.obligations.iter().find(|o| o.kind == ObligationKind::RetentionExpiry).expect("R10");
    assert_eq!(r10.due_date.to_string(), "2028-11-28", "two years (the pack's) after closure");
    assert!(retention::retention_list(&w.ctx, &w.session).expect("list").candidates.is_empty());

    w.clock.advance(chrono::Duration::days(2 * 365 + 2));
    let due = retention::retention_list(&w.ctx, &w.session).expect("list");
    let refs: Vec<&str> = due.candidates.iter().map(|c| c.customer_ref.as_str()).collect();
    assert_eq!(refs, ["C-1"], "C-2 and C-3 are open");
    assert_eq!(due.candidates[0].retain_until, "2028-11-28");

    let err =
        retention::retention_purge(&w.ctx, &w.session, &["C-1".into()], "wrong").expect_err("passphrase");
    assert!(matches!(err, AppError::Store(_)), "{err}");
    let err = retention::retention_purge(&w.ctx, &w.session, &["C-1".into(), "C-2".into()], OFFICER_PASS)
        .expect_err("C-2 is not due");
    assert!(err.to_string().contains("C-2 is not past retention"), "{err}");
    assert!(review::review_get(&w.ctx, &w.session, "C-1").is_ok(), "nothing purged by a refused request");

    assert_eq!(
        retention::retention_purge(&w.ctx, &w.session, &["C-1".into()], OFFICER_PASS).expect("purge"),
        1
    );
    assert!(review::review_get(&w.ctx, &w.session, "C-1").is_err(), "the record is gone");
    assert_eq!(std::fs::read_dir(&vault).expect("vault").count(), 0, "its files too");
    let page = customers::list(&w.ctx, &w.session, &customers::CustomerQuery::default()).expect("list");
    assert_eq!(page.total, 2);
    let chain = workbench_app::audit::verify(&w.ctx, &w.session).expect("verify");
    assert!(chain.first_break.is_none(), "the chain still verifies after a purge");
}

#[test]
fn a_cancelled_import_keeps_nothing() {
    let w = setup();
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("many.csv");
    let header = CUSTOMERS.lines().next().expect("header");
    let rows: Vec<String> = (0..1200)
        .map(|i| format!("M-{i},individual,Person {i},FR,1 Rue A,,Paris,,75001,p{i}@example.com,+33 1 23 45 67 89,no,,MA-{i},card,4242,Banque,low,2026-01-01"))
        .collect();
    std::fs::write(&file, format!("{header}\n{}\n", rows.join("\n"))).expect("write");
    let mut seen = Vec::new();
    let err = customers::import_tracked(&w.ctx, &w.session, &file, None, None, false, &mut |done, total| {
        seen.push((done, total));
        done < 500
    })
    .expect_err("cancelled");
    assert!(matches!(err, AppError::Cancelled), "{err}");
    assert_eq!(seen, [(0, 1200), (500, 1200)]);
    let page = customers::list(&w.ctx, &w.session, &customers::CustomerQuery::default()).expect("list");
    assert_eq!(page.total, 3, "only the customers from before");
    let queue = review::queue_list(&w.ctx, &w.session, QueueShow::Ready, 10, 0).expect("queue");
    assert_eq!(queue.total, 3);
}

#[test]
fn dropped_files_are_all_checked_before_any_is_attached() {
    let w = setup();
    let dir = tempfile::tempdir().expect("dir");
    let card = dir.path().join("card.png");
    let extract = dir.path().join("extract.png");
    let notes = dir.path().join("notes.txt");
    std::fs::write(&card, include_bytes!("../../../../assets/demo/id-card-specimen.png")).expect("write");
    std::fs::write(&extract, include_bytes!("../../../../assets/demo/register-extract-specimen.png"))
        .expect("write");
    std::fs::write(&notes, "not evidence").expect("write");

    let err =
        review::evidence_attach_all(&w.ctx, &w.session, "C-3", None, &[card.clone(), notes, extract.clone()])
            .expect_err("a text file in the drop");
    assert!(err.to_string().contains("notes.txt is not an image or a PDF; nothing was attached"), "{err}");
    assert!(review::review_get(&w.ctx, &w.session, "C-3").expect("view").evidence.is_empty());

    let view = review::evidence_attach_all(
        &w.ctx,
        &w.session,
        "C-3",
        Some(Element::IdentityDocument),
        &[card, extract],
    )
    .expect("both");
    let names: Vec<&str> = view.evidence.iter().map(|e| e.original_name.as_str()).collect();
    assert_eq!(names, ["card.png", "extract.png"]);
    assert!(review::evidence_attach_all(&w.ctx, &w.session, "C-3", None, &[]).is_err());
}

#[test]
fn a_card_number_gives_last_four_network_and_a_shared_card_flag_but_is_never_stored() {
    let w = setup();
    let dir = tempfile::tempdir().expect("dir");
    let header = format!("{},payment_card", CUSTOMERS.lines().next().expect("header"));
    let row = |n: u32, card: &str, last4: &str| {
        format!(
            "K-{n},individual,Card Holder {n},FR,1 Rue A,,Paris,,75001,k{n}@example.com,+33 1 23 45 67 89,no,,KA-{n},card,{last4},Banque,low,2026-01-01,{card}"
        )
    };
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{header}\n{}\n{}\n", row(1, "4242 4242 4242 4241", ""), row(2, "4242424242424242", "1111")),
    )
    .expect("write");
    let report = customers::import(&w.ctx, &w.session, &bad, false).expect("checked");
    let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "row 2: payment_card: is not a card number (the check digit does not match)",
            "row 3: payment_last4: does not match the last four digits of payment_card"
        ]
    );
    assert!(errors.iter().all(|e| !e.contains("4242424242")), "the number is never echoed");

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!(
            "{header}\n{}\n{}\n{}\n",
            row(1, "4242 4242 4242 4242", ""),
            row(2, "4242-4242-4242-4242", "4242"),
            row(3, "5555555555554444", "")
        ),
    )
    .expect("write");
    let report = customers::import(&w.ctx, &w.session, &good, false).expect("import");
    assert_eq!(report.stored, 3, "{report:?}");
    let first = review::review_get(&w.ctx, &w.session, "K-1").expect("view");
    let payment = first.elements.iter().find(|e| e.element == Element::Payment).expect("payment");
    assert_eq!(payment.summary, "card visa ••4242 · Banque");
    assert_eq!(payment.warning.as_deref(), Some("the same card is on the accounts of 1 other customer(s)"));
    let third = review::review_get(&w.ctx, &w.session, "K-3").expect("view");
    let payment = third.elements.iter().find(|e| e.element == Element::Payment).expect("payment");
    assert_eq!(
        (payment.summary.as_str(), payment.warning.as_deref()),
        ("card mastercard ••4444 · Banque", None)
    );

    // Nowhere on disk in the clear (the database is encrypted; check every file anyway).
    for entry in walk(w.ctx.data_dir()) {
        let bytes = std::fs::read(&entry).expect("read");
        assert!(!bytes.windows(16).any(|win| win == b"4242424242424242"), "{}", entry.display());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

/// Issue 14: exports of decrypted personal data had no role check and left no audit event (R11
/// asks that access be limited and logged).
#[test]
fn taking_data_out_needs_the_role_and_is_an_audit_event_naming_who_what_and_where() {
    let w = setup();
    let dir = tempfile::tempdir().expect("dir");
    let (pdf, json) = (dir.path().join("C-1.pdf"), dir.path().join("C-1.json"));
    review::customer_export(&w.ctx, &w.session, "C-1", &pdf, &json).expect("the officer exports");
    let events = workbench_app::audit::list(
        &w.ctx,
        &w.session,
        &workbench_app::audit::AuditQuery {
            action_prefix: Some("export.".into()),
            limit: None,
            offset: None,
        },
    )
    .expect("audit");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].action, "export.customer_file");
    assert!(events[0].object.starts_with("customer:"), "{}", events[0].object);
    assert_eq!(events[0].actor, w.officer, "who took it out");
    assert!(pdf.is_file() && json.is_file());

    let viewer = workspace::actor_create(
        &w.ctx,
        &w.session,
        &NewActor {
            name: "Vic Viewer".into(),
            role: Role::Viewer,
            passphrase: "viewer passphrase 2026".into(),
        },
    )
    .expect("viewer");
    switch(&w, &viewer.id.to_string(), "viewer passphrase 2026");
    let (pdf2, json2) = (dir.path().join("V.pdf"), dir.path().join("V.json"));
    let err = review::customer_export(&w.ctx, &w.session, "C-1", &pdf2, &json2).expect_err("viewer");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    assert!(!pdf2.exists() && !json2.exists(), "nothing written for a refused export");
    let backup = dir.path().join("ws.cipwbak");
    let err = workspace::backup(&w.ctx, &w.session, &backup, &mut |_, _| {}).expect_err("viewer backup");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    assert!(!backup.exists());
    let sheet = dir.path().join("sheet.pdf");
    let err =
        workspace::write_recovery_sheet(&w.ctx, &w.session, "ABCD-EFGH", &sheet).expect_err("viewer sheet");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");

    // A reviewer may export the customer file; an officer writes the backup, both recorded.
    switch(&w, &w.reviewer, REVIEWER_PASS);
    review::customer_export(&w.ctx, &w.session, "C-1", &pdf2, &json2).expect("reviewer exports");
    switch(&w, &w.officer, OFFICER_PASS);
    workspace::backup(&w.ctx, &w.session, &backup, &mut |_, _| {}).expect("officer backup");
    let events = workbench_app::audit::list(
        &w.ctx,
        &w.session,
        &workbench_app::audit::AuditQuery {
            action_prefix: Some("export.".into()),
            limit: None,
            offset: None,
        },
    )
    .expect("audit");
    let seen: Vec<(&str, &str)> = events.iter().map(|e| (e.action.as_str(), e.actor.as_str())).collect();
    assert_eq!(
        seen,
        [
            ("export.backup", w.officer.as_str()),
            ("export.customer_file", w.reviewer.as_str()),
            ("export.customer_file", w.officer.as_str())
        ]
    );
}
