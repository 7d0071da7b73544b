//! Identification finished (issue 18) on a real SQLCipher workspace: the initial certification
//! (R12) is an obligation from the program's start, and until it is filed an import opening
//! foreign customers' accounts warns — or, by Setting, is refused with nothing stored.

mod common;

use std::time::Duration;

use workbench_app::filings::{self, DraftRequest, FiledForm};
use workbench_app::review::QueueShow;
use workbench_app::{customers, obligations, settings};
use workbench_core::filing::{FilingKind, PageSize};
use workbench_core::obligations::ObligationKind;

const FOREIGN: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
C-1,individual,Anna Berg,SE,Gatan 1,,Stockholm,,11122,a@example.se,+46 8 123 456 78,no,,A-1,card,4242,Bank,low,2026-03-01
C-2,individual,Jane Doe,US,1 Main St,,Omaha,NE,68102,j@example.com,+1 402 555 0100,yes,,A-2,card,1111,Bank,low,2026-03-01
";

const DOMESTIC: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
C-3,individual,John Roe,US,2 Main St,,Omaha,NE,68102,r@example.com,+1 402 555 0101,yes,,A-3,card,2222,Bank,low,2026-03-01
";

#[test]
fn the_initial_certification_is_owed_from_the_start_and_gates_foreign_accounts_until_filed() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let view = obligations::obligations_list(&ctx, &session).expect("obligations");
    let initial = view
        .obligations
        .iter()
        .find(|o| o.kind == ObligationKind::InitialCertification)
        .expect("owed from the start");
    assert_eq!(
        (initial.key.as_str(), initial.due_date.to_string().as_str()),
        ("initial_certification:program", "2026-03-31")
    );

    // Refuse (Setting): nothing stored, the reason named.
    let mut prefs = settings::get(&ctx, &session).expect("settings");
    prefs.initial_gate_refuse = true;
    settings::update(&ctx, &session, &prefs).expect("refuse");
    let foreign = dir.path().join("foreign.csv");
    std::fs::write(&foreign, FOREIGN).expect("write");
    let refused = customers::import(&ctx, &session, &foreign, false).expect("import");
    assert_eq!(refused.stored, 0);
    assert!(
        refused.errors[0].message.contains("initial CIP certification is not filed"),
        "{:?}",
        refused.errors
    );
    assert!(refused.errors[0].message.contains("1 foreign customer(s)"), "the U.S. person does not count");
    // A file of U.S. persons only is not gated.
    let domestic = dir.path().join("domestic.csv");
    std::fs::write(&domestic, DOMESTIC).expect("write");
    assert_eq!(customers::import(&ctx, &session, &domestic, false).expect("import").stored, 1);

    // Warn (the default): stored, with the warning first.
    prefs.initial_gate_refuse = false;
    settings::update(&ctx, &session, &prefs).expect("warn");
    let warned = customers::import(&ctx, &session, &foreign, false).expect("import");
    assert_eq!(warned.stored, 2);
    assert!(
        warned.warnings[0].starts_with("R12: the initial CIP certification is not filed yet"),
        "{:?}",
        warned.warnings
    );

    // Filing the initial certification meets the obligation and lifts the gate.
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
    assert_eq!(draft.obligation_key.as_deref(), Some("initial_certification:program"));
    filings::filing_approve(&ctx, &session, &draft.id).expect("approve");
    let on = ctx.clock().now().date_naive();
    filings::filing_mark_filed(
        &ctx,
        &session,
        &FiledForm {
            id: draft.id.clone(),
            filed_on: on,
            channel: "portal".into(),
            agency_reference: String::new(),
        },
    )
    .expect("filed");
    let view = obligations::obligations_list(&ctx, &session).expect("obligations");
    let initial =
        view.obligations.iter().find(|o| o.kind == ObligationKind::InitialCertification).expect("o");
    assert!(initial.met.as_ref().is_some_and(|m| m.reference.contains(&draft.id)), "{initial:?}");
    prefs.initial_gate_refuse = true;
    settings::update(&ctx, &session, &prefs).expect("refuse again");
    let later = dir.path().join("later.csv");
    std::fs::write(
        &later,
        FOREIGN
            .replace("C-1,", "C-9,")
            .replace(",A-1,", ",A-9,")
            .replace("C-2,", "C-8,")
            .replace(",A-2,", ",A-8,"),
    )
    .expect("write");
    let after = customers::import(&ctx, &session, &later, false).expect("import");
    assert_eq!(
        (after.stored, after.warnings.iter().any(|w| w.starts_with("R12"))),
        (2, false),
        "{:?}",
        after
    );
}

#[test]
fn a_resellers_suspected_activity_is_reported_through_the_filing_engine_by_its_own_deadline() {
    let (_dir, ctx, clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let reseller = workbench_core::reseller::NewReseller {
        reseller_ref: "R-07".into(),
        legal_name: "Baltic Compute Resale OÜ".into(),
        country: "EE".into(),
        registration_ids: "EE-12345678".into(),
        agreement_start: "2025-06-01".parse().expect("date"),
        agreement_end: None,
        contact: workbench_core::reseller::ResellerContact {
            name: "Mari Tamm".into(),
            email: "cip@baltic.example".into(),
            phone: "+372 612 3456".into(),
        },
    };
    workbench_app::resellers::reseller_add(&ctx, &session, &reseller).expect("reseller");
    let finding = workbench_app::resellers::Finding {
        reseller_ref: "R-07".into(),
        aware_on: "2026-03-01".parse().expect("date"),
        summary: "Accounts opened without identity checks; botnet command servers traced to them".into(),
    };
    workbench_app::resellers::reseller_finding(&ctx, &session, &finding).expect("finding");
    let view = obligations::obligations_list(&ctx, &session).expect("obligations");
    let report = view.obligations.iter().find(|o| o.kind == ObligationKind::ActivityReport).expect("owed");
    assert_eq!((report.rid.as_str(), report.due_date.to_string().as_str()), ("R19", "2026-03-31"));
    assert!(report.assumed, "the pack assumes the 30 days");

    clock.advance(chrono::Duration::days(3));
    let draft = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::ActivityReport,
            year: None,
            event_id: Some(report.source_event.clone()),
            case_id: None,
            update: false,
            page: PageSize::A4,
        },
    )
    .expect("draft");
    assert_eq!(draft.kind, FilingKind::ActivityReport);
    assert_eq!(draft.label, "Report of suspected malicious activity: R-07");
    let text =
        serde_json::to_string(&filings::filing_get(&ctx, &session, &draft.id).expect("get").document.blocks)
            .expect("json");
    for needle in [
        "Baltic Compute Resale OÜ",
        "EE-12345678",
        "Mari Tamm",
        "botnet command servers",
        "under remediation",
        "2026-03-31",
    ] {
        assert!(text.contains(needle), "{needle} missing: {text}");
    }
    // The PDF renders and verifies against the register.
    let pdf = filings::filing_pdf(&ctx, &session, &draft.id).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    filings::filing_approve(&ctx, &session, &draft.id).expect("approve");
    let on = ctx.clock().now().date_naive();
    filings::filing_mark_filed(
        &ctx,
        &session,
        &FiledForm {
            id: draft.id.clone(),
            filed_on: on,
            channel: "email to BIS".into(),
            agency_reference: String::new(),
        },
    )
    .expect("filed");
    let view = obligations::obligations_list(&ctx, &session).expect("obligations");
    let report = view.obligations.iter().find(|o| o.kind == ObligationKind::ActivityReport).expect("o");
    assert!(report.met.is_some(), "filing meets it: {report:?}");
    let termination =
        view.obligations.iter().find(|o| o.kind == ObligationKind::ResellerTermination).expect("o");
    assert!(termination.met.is_none(), "ending the relationship is its own obligation");
    // Another event is refused.
    let err = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::ActivityReport,
            year: None,
            event_id: Some(view.obligations[0].source_event.clone()),
            case_id: None,
            update: false,
            page: PageSize::A4,
        },
    );
    if view.obligations[0].kind != ObligationKind::ActivityReport
        && view.obligations[0].kind != ObligationKind::ResellerTermination
    {
        assert!(
            err.expect_err("not a finding")
                .to_string()
                .contains("is not a reseller's non-compliance finding")
        );
    }
}

/// Takes the customer's queue item, records every required element verified and approves.
fn approve(ctx: &workbench_app::Context, session: &workbench_app::Session, customer_ref: &str) {
    common::verify_required(ctx, session, customer_ref);
    common::approve(ctx, session, customer_ref).expect("approve");
}

#[test]
fn a_new_owner_reopens_an_approved_customer_which_counts_as_unverified_until_decided_again() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, FOREIGN).expect("write");
    customers::import(&ctx, &session, &file, false).expect("import");
    approve(&ctx, &session, "C-1");
    let year = 2026;
    assert_eq!(customers::counts(&ctx, &session, year).expect("counts").foreign_accounts_unverified, 0);

    let owners = dir.path().join("owners.csv");
    std::fs::write(
        &owners,
        "customer_ref,name,country,ownership_pct,control,us_person,emails,phones,address_line1,city,postal_code
C-1,Erik Berg,SE,40,no,no,erik@example.se,+46 8 765 432 10,Gatan 9,Stockholm,11123
",
    )
    .expect("write");
    let dry = customers::owners_import(&ctx, &session, &owners, true).expect("dry");
    assert_eq!((dry.rows, dry.stored, dry.reopened.as_slice()), (1, 0, ["C-1".to_owned()].as_slice()));
    assert_eq!(
        customers::counts(&ctx, &session, year).expect("counts").foreign_accounts_unverified,
        0,
        "dry run"
    );

    let done = customers::owners_import(&ctx, &session, &owners, false).expect("import");
    assert_eq!((done.stored, done.reopened.as_slice()), (1, ["C-1".to_owned()].as_slice()));
    let queue = workbench_app::review::queue_list(&ctx, &session, QueueShow::Ready, 100, 0).expect("queue");
    let item = queue.rows.iter().find(|r| r.customer_ref == "C-1").expect("back in the queue");
    assert_eq!(item.reason, workbench_core::verification::QueueReason::NewOwner);
    assert_eq!(
        customers::counts(&ctx, &session, year).expect("counts").foreign_accounts_unverified,
        1,
        "approved, but not verified while the new owner is reviewed (R7)"
    );
    approve(&ctx, &session, "C-1");
    assert_eq!(customers::counts(&ctx, &session, year).expect("counts").foreign_accounts_unverified, 0);

    // An owner of an unknown customer refuses the whole file.
    std::fs::write(
        &owners,
        "customer_ref,name,country,ownership_pct,control,us_person,emails,phones,address_line1,city,postal_code
C-1,Ida Berg,SE,30,no,no,ida@example.se,+46 8 765 432 11,Gatan 9,Stockholm,11123
C-404,Nobody,SE,30,no,no,n@example.se,+46 8 765 432 12,Gatan 9,Stockholm,11123
",
    )
    .expect("write");
    let bad = customers::owners_import(&ctx, &session, &owners, false).expect("import");
    assert_eq!((bad.stored, bad.errors.len(), bad.errors[0].row), (0, 1, 3));
    let queue = workbench_app::review::queue_list(&ctx, &session, QueueShow::Ready, 100, 0).expect("queue");
    assert!(queue.rows.iter().all(|r| r.customer_ref != "C-1"), "nothing re-opened by a refused file");
}

const ENTITY: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
E-1,entity,Nordlys Data AB,SE,Gatan 1,,Stockholm,,11122,ops@nordlys.example,+46 8 123 456 78,no,,A-9,card,4242,Bank,medium,2026-03-01
";

const ENTITY_OWNERS: &str = "customer_ref,name,country,ownership_pct,control,us_person,emails,phones,address_line1,city,postal_code,ip_accesses
E-1,Astrid Lind,SE,60,no,no,astrid@nordlys.example,+46 8 765 432 10,Gatan 9,Stockholm,11123,198.51.100.7@2026-02-27T08:15:00Z;2001:db8::7@2026-02-28T19:40:00+01:00
E-1,Ben Carter,US,30,no,yes,ben@example.com,+1 402 555 0199,3 Elm St,Omaha,68102,
E-1,Mika Saari,FI,10,no,no,,,,,,
";

/// Imports the entity E-1 and then `owners` (an owners file's text) beside it.
fn entity_with_owners(
    dir: &tempfile::TempDir,
    ctx: &workbench_app::Context,
    session: &workbench_app::Session,
    owners: &str,
) -> workbench_app::customers::OwnersImportReport {
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, ENTITY).expect("write");
    customers::import(ctx, session, &file, false).expect("import");
    let path = dir.path().join("owners.csv");
    std::fs::write(&path, owners).expect("write");
    customers::owners_import(ctx, session, &path, false).expect("owners")
}

#[test]
fn each_foreign_beneficial_owner_is_verified_on_its_own_before_the_customer_can_be_approved() {
    use workbench_app::review::{self, DeterminationRequest, OwnerCheckRequest};
    use workbench_core::customer::UsPerson;
    use workbench_core::verification::{Element, Method, Outcome};
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let imported = entity_with_owners(&dir, &ctx, &session, ENTITY_OWNERS);
    assert_eq!(imported.stored, 3);

    // The customer's own elements verified: the owners still block, each named by position.
    common::verify_elements(&ctx, &session, "E-1");
    let view = review::review_get(&ctx, &session, "E-1").expect("view");
    let by_name = |v: &review::ReviewView, name: &str| {
        v.owners.iter().find(|o| o.name == name).cloned().expect("owner")
    };
    let astrid = by_name(&view, "Astrid Lind");
    assert_eq!(astrid.missing, ["Name", "Address", "Identity document", "U.S. person"]);
    // R2 for the owner: their IP addresses with the time of each, in UTC.
    let ips: Vec<(&str, &str)> =
        astrid.ip_accesses.iter().map(|a| (a.ip.as_str(), a.accessed_at.as_str())).collect();
    assert_eq!(
        ips,
        [("198.51.100.7", "2026-02-27T08:15:00.000000Z"), ("2001:db8::7", "2026-02-28T18:40:00.000000Z")]
    );
    assert_eq!(astrid.emails, ["astrid@nordlys.example"]);
    // "yes" as imported is no determination: foreign until shown otherwise (R3).
    assert_eq!(by_name(&view, "Ben Carter").missing.len(), 4);
    assert!(by_name(&view, "Mika Saari").missing.is_empty(), "10 %, no control: not a beneficial owner");
    assert_eq!(view.approval_blockers.len(), 2, "{:?}", view.approval_blockers);
    let err = common::approve(&ctx, &session, "E-1").expect_err("owners block approval");
    assert!(
        err.to_string().contains("not verified yet: Name, Address, Identity document, U.S. person"),
        "{err}"
    );
    assert!(!err.to_string().contains("Astrid"), "errors never echo names: {err}");

    // The U.S. owner: a determination without evidence does not do; with evidence it does.
    let determine = |owner: &str, status, evidence: Option<String>| {
        review::us_person_determine(
            &ctx,
            &session,
            &DeterminationRequest {
                customer_ref: "E-1".into(),
                owner_id: Some(owner.to_owned()),
                status,
                reason: "passport".into(),
                evidence_id: evidence,
            },
        )
        .expect("determine")
    };
    let ben = by_name(&view, "Ben Carter");
    let after = determine(&ben.id, UsPerson::Yes, None);
    assert_eq!(by_name(&after, "Ben Carter").missing.len(), 4);
    let document = dir.path().join("passport.pdf");
    std::fs::write(&document, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").expect("write");
    let attached = review::evidence_attach(&ctx, &session, "E-1", Some(Element::IdentityDocument), &document)
        .expect("attach");
    let evidence = attached.evidence.last().expect("attached").id.clone();
    let after = determine(&ben.id, UsPerson::Yes, Some(evidence.clone()));
    assert!(by_name(&after, "Ben Carter").missing.is_empty(), "a U.S. person shown with evidence");

    // The foreign owner: determined, then each element checked; a failed check still blocks.
    let after = determine(&astrid.id, UsPerson::No, Some(evidence.clone()));
    assert_eq!(by_name(&after, "Astrid Lind").missing, ["Name", "Address", "Identity document"]);
    let check = |element, outcome| {
        review::owner_check_record(
            &ctx,
            &session,
            &OwnerCheckRequest {
                owner_id: astrid.id.clone(),
                check: review::CheckRequest {
                    customer_ref: "E-1".into(),
                    element,
                    method: Method::Documentary,
                    outcome,
                    evidence_id: Some(evidence.clone()),
                    note: String::new(),
                },
            },
        )
    };
    check(Element::Name, Outcome::Verified).expect("name");
    check(Element::Address, Outcome::Verified).expect("address");
    let after = check(Element::IdentityDocument, Outcome::Failed).expect("document");
    assert_eq!(by_name(&after, "Astrid Lind").missing, ["Identity document"]);
    assert!(common::approve(&ctx, &session, "E-1").is_err());
    // An owner's U.S.-person status is a determination, never a check; payment is not an owner's.
    assert!(check(Element::UsPerson, Outcome::Verified).is_err());
    assert!(check(Element::Payment, Outcome::Verified).is_err());
    let after = check(Element::IdentityDocument, Outcome::Verified).expect("document again");
    assert!(after.approval_blockers.is_empty(), "{:?}", after.approval_blockers);
    let approved = common::approve(&ctx, &session, "E-1").expect("approve");
    assert!(approved.accounts.iter().all(|a| a.state == workbench_core::customer::AccountState::Verified));

    // Another customer's owner cannot be checked through this one.
    let err = review::owner_check_record(
        &ctx,
        &session,
        &OwnerCheckRequest {
            owner_id: "not-an-owner".into(),
            check: review::CheckRequest {
                customer_ref: "E-1".into(),
                element: Element::Name,
                method: Method::Documentary,
                outcome: Outcome::Verified,
                evidence_id: None,
                note: String::new(),
            },
        },
    )
    .expect_err("not this customer's owner");
    assert!(err.to_string().contains("not an owner of this customer"), "{err}");
}

#[test]
fn an_owners_file_with_a_bad_ip_access_is_refused_naming_the_row_and_column() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let refused = entity_with_owners(
        &dir,
        &ctx,
        &session,
        "customer_ref,name,country,ownership_pct,control,us_person,emails,phones,address_line1,city,postal_code,ip_accesses
E-1,Astrid Lind,SE,60,no,no,,,,,,198.51.100.7@2026-02-27T08:15:00Z
E-1,Ola Lind,SE,40,no,no,,,,,,198.51.100.8 yesterday
",
    );
    assert_eq!(refused.stored, 0);
    assert_eq!((refused.errors[0].row, refused.errors[0].column.as_str()), (3, "ip_accesses"));
    let view = workbench_app::review::review_get(&ctx, &session, "E-1").expect("view");
    assert!(view.owners.is_empty(), "nothing half-written");
}

#[test]
fn a_pending_account_runs_under_the_packs_terms_until_decided_and_a_refusal_can_be_appealed() {
    let (dir, ctx, clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, FOREIGN).expect("write");
    customers::import(&ctx, &session, &file, false).expect("import");
    let review = workbench_app::review::review_get(&ctx, &session, "C-1").expect("view");
    assert_eq!(review.pending_decide_days, Some(30));
    assert!(review.terms.is_none());

    // A monitored term on a restricted request is refused; so is an unknown term.
    let wrong = workbench_app::review::TermsRequest {
        customer_ref: "C-1".into(),
        state: workbench_core::rules::TermKind::Restricted,
        terms: vec!["weekly_review".into()],
        note: String::new(),
    };
    let err = workbench_app::review::place_terms(&ctx, &session, &wrong).expect_err("other kind");
    assert!(err.to_string().contains("a term of the other kind"), "{err}");
    let restricted = workbench_app::review::TermsRequest {
        terms: vec!["no_accelerators".into(), "spend_cap".into()],
        note: "Waiting for the company register extract".into(),
        ..wrong
    };
    let terms = workbench_app::review::place_terms(&ctx, &session, &restricted).expect("restrict");
    assert_eq!(terms.decide_by.to_string(), "2026-03-31", "the pack's 30 days");
    assert_eq!(terms.terms[0].1, "No accelerator (GPU, TPU) instances");
    let review = workbench_app::review::review_get(&ctx, &session, "C-1").expect("view");
    assert_eq!(review.accounts[0].state, workbench_core::customer::AccountState::Restricted);
    assert!(review.terms.is_some(), "shown on the customer");
    // Moved to monitored terms: the accounts follow.
    let monitored = workbench_app::review::TermsRequest {
        customer_ref: "C-1".into(),
        state: workbench_core::rules::TermKind::Monitored,
        terms: vec!["weekly_review".into()],
        note: String::new(),
    };
    workbench_app::review::place_terms(&ctx, &session, &monitored).expect("monitor");
    clock.advance(chrono::Duration::days(31));
    let review = workbench_app::review::review_get(&ctx, &session, "C-1").expect("view");
    assert_eq!(review.accounts[0].state, workbench_core::customer::AccountState::Monitored);
    assert_eq!(review.terms.as_ref().map(|t| t.days_left), Some(-1), "past the date to decide");

    // Refused (four eyes: a second reviewer confirms), appealed, reviewed by a third person.
    let second = workbench_app::workspace::actor_create(
        &ctx,
        &session,
        &workbench_app::workspace::NewActor {
            name: "Rita Reviewer".into(),
            role: workbench_core::Role::Reviewer,
            passphrase: "reviewer passphrase 2026".into(),
        },
    )
    .expect("reviewer");
    let third = workbench_app::workspace::actor_create(
        &ctx,
        &session,
        &workbench_app::workspace::NewActor {
            name: "Tom Third".into(),
            role: workbench_core::Role::Reviewer,
            passphrase: "third reviewer passphrase".into(),
        },
    )
    .expect("third");
    workbench_app::review::queue_take(&ctx, &session, "C-1").expect("take");
    workbench_app::review::decide(
        &ctx,
        &session,
        &workbench_app::review::DecisionRequest {
            customer_ref: "C-1".into(),
            kind: workbench_core::verification::DecisionKind::Refuse,
            reason_code: "identity_unverifiable".into(),
            note: String::new(),
            until: None,
        },
    )
    .expect("refuse");
    workbench_app::review::refusal_second_review(
        &ctx,
        &session,
        &workbench_app::review::SecondReview {
            customer_ref: "C-1".into(),
            reviewer_id: second.id.to_string(),
            passphrase: "reviewer passphrase 2026".into(),
            confirm: true,
        },
    )
    .expect("confirm");
    let appeal = workbench_app::review::appeal_record(
        &ctx,
        &session,
        &workbench_app::review::AppealRequest {
            customer_ref: "C-1".into(),
            received_on: ctx.clock().now().date_naive(),
            statement: "The register extract was sent by post; please look again".into(),
        },
    )
    .expect("appeal");
    assert!(
        appeal.review_blocked.as_deref().is_some_and(|r| r.contains("took part in the refusal")),
        "{appeal:?}"
    );
    let err = workbench_app::review::appeal_review(
        &ctx,
        &session,
        &appeal.id,
        workbench_app::review::AppealOutcome::Reopened,
        "ok",
    )
    .expect_err("not the same person");
    assert!(matches!(err, workbench_app::AppError::Forbidden(_)), "{err}");
    workbench_app::workspace::actor_switch(&ctx, &session, third.id, "third reviewer passphrase")
        .expect("switch");
    let reviewed = workbench_app::review::appeal_review(
        &ctx,
        &session,
        &appeal.id,
        workbench_app::review::AppealOutcome::Reopened,
        "The extract arrived; verify again",
    )
    .expect("granted");
    assert_eq!(reviewed.outcome.as_deref(), Some("reopened"));
    let review = workbench_app::review::review_get(&ctx, &session, "C-1").expect("view");
    assert_eq!(review.accounts[0].state, workbench_core::customer::AccountState::PendingVerification);
    assert_eq!(
        review.queue.as_ref().map(|q| q.reason),
        Some(workbench_core::verification::QueueReason::Appeal),
        "back in the queue"
    );
}

#[test]
fn the_optional_national_id_column_is_read_kept_in_its_own_record_and_shown_in_the_review() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let with_ids = FOREIGN
        .replacen("risk_tier,opened_on", "risk_tier,opened_on,national_id", 1)
        .replacen("low,2026-03-01\nC-2", "low,2026-03-01,SE 19800101-1234\nC-2", 1)
        .replacen("Bank,low,2026-03-01\n", "Bank,low,2026-03-01,\n", 1);
    let file = dir.path().join("ids.csv");
    std::fs::write(&file, &with_ids).expect("write");
    let report = customers::import(&ctx, &session, &file, false).expect("import");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let review = workbench_app::review::review_get(&ctx, &session, "C-1").expect("view");
    assert_eq!(review.national_id.as_deref(), Some("SE 19800101-1234"));
    assert_eq!(workbench_app::review::review_get(&ctx, &session, "C-2").expect("view").national_id, None);
    let objects = workbench_app::audit::verify_objects(&ctx, &session).expect("verify");
    assert_eq!(objects.problem_count, 0, "{:?}", objects.problems);
    assert!(
        objects.by_kind.iter().any(|k| k.kind == "national_id" && k.checked == 1),
        "{:?}",
        objects.by_kind
    );

    // Too long: the row and column are named, nothing stored.
    let long = with_ids
        .replace("C-1,", "C-5,")
        .replace(",A-1,", ",A-5,")
        .replace("C-2,", "C-6,")
        .replace(",A-2,", ",A-6,")
        .replace("SE 19800101-1234", &"9".repeat(65));
    std::fs::write(&file, long).expect("write");
    let bad = customers::import(&ctx, &session, &file, false).expect("import");
    assert_eq!(bad.stored, 0);
    assert_eq!((bad.errors[0].row, bad.errors[0].column.as_str()), (2, "national_id"));
}

#[test]
fn the_bulk_export_reads_back_into_a_new_workspace_and_exports_the_same_file() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let templates = templates();
    let source = std::fs::read_to_string(templates.join("customers.csv"))
        .expect("template")
        .replacen("risk_tier,opened_on", "risk_tier,opened_on,national_id", 1)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                format!("{l},DE-T220001293")
            } else if i > 1 {
                format!("{l},")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let file = dir.path().join("source.csv");
    std::fs::write(&file, format!("{source}\n")).expect("write");
    let imported = customers::import(&ctx, &session, &file, false).expect("import");
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    let all = everyone();
    let first = dir.path().join("export-1.csv");
    let summary =
        customers::export_all(&ctx, &session, &all, customers::ExportFormat::Csv, &first).expect("export");
    assert_eq!(summary.customers, 2);

    // A new workspace reads the export back; its own export is the same file.
    let (dir2, ctx2, _clock2, session2) =
        common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let back = customers::import(&ctx2, &session2, &first, false).expect("read back");
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!(back.stored, 2);
    let second = dir2.path().join("export-2.csv");
    customers::export_all(&ctx2, &session2, &all, customers::ExportFormat::Csv, &second).expect("export");
    assert_eq!(std::fs::read(&first).expect("1"), std::fs::read(&second).expect("2"), "round trip");
    let text = std::fs::read_to_string(&first).expect("read");
    assert!(text.contains("Müller Datentechnik GmbH") && text.contains("DE-T220001293"), "{text}");

    // Filtered like the list; JSON carries each whole file; both audited.
    let german = customers::CustomerQuery { country: Some("DE".into()), ..all };
    let json = dir.path().join("de.json");
    let summary =
        customers::export_all(&ctx, &session, &german, customers::ExportFormat::Json, &json).expect("json");
    assert_eq!(summary.customers, 1);
    let files: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("read")).expect("json");
    assert_eq!(files[0]["customer_ref"], "C-000001");
    assert!(
        files[0]["elements"].is_array() && files[0]["decisions"].is_array() && files[0]["owners"].is_array()
    );
    assert_eq!(files[0]["national_id"], "DE-T220001293");
    let trail = workbench_app::audit::list(&ctx, &session, &Default::default()).expect("audit");
    assert_eq!(trail.iter().filter(|e| e.action == "export.customers").count(), 2);
}

/// The import templates (`assets/templates`).
fn templates() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../assets/templates")
}

/// Every customer, in the list's order.
fn everyone() -> customers::CustomerQuery {
    customers::CustomerQuery { search: String::new(), country: None, sort: None, limit: None, offset: None }
}

/// The cells of one sheet of a workbook, as text.
fn sheet_cells(path: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).expect("workbook");
    let range = book.worksheet_range(name).expect("sheet");
    range.rows().map(|row| row.iter().map(ToString::to_string).collect()).collect()
}

#[test]
fn the_excel_export_reads_back_customers_and_owners_into_a_new_workspace() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let templates = templates();
    let imported =
        customers::import(&ctx, &session, &templates.join("customers.csv"), false).expect("import");
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    let owners =
        customers::owners_import(&ctx, &session, &templates.join("owners.csv"), false).expect("owners");
    assert!(owners.errors.is_empty() && owners.stored == 2, "{:?}", owners.errors);
    common::verify_required(&ctx, &session, "C-000001");
    let all = everyone();
    let book = dir.path().join("customers.xlsx");
    let summary =
        customers::export_all(&ctx, &session, &all, customers::ExportFormat::Xlsx, &book).expect("xlsx");
    assert_eq!(summary.customers, 2);
    let cells = sheet_cells(&book, "customers");
    assert_eq!(cells[0][..4], ["customer_ref", "kind", "name", "country"]);
    // Text stays text: a postal code with a leading zero, a phone in E.164.
    assert!(cells.iter().any(|r| r.iter().any(|c| c == "01000-000" || c.starts_with("+55"))), "{cells:?}");
    let owner_rows = sheet_cells(&book, "owners");
    assert_eq!(owner_rows.len(), 3, "header and two owners");
    assert!(
        owner_rows[1..].iter().any(|r| r[11] == "198.51.100.23@2026-02-27T08:15:00.000000Z"),
        "{owner_rows:?}"
    );
    let checks = sheet_cells(&book, "checks");
    assert!(
        checks.iter().any(|r| r[1].starts_with("owner: ") && r[4] == "verified"),
        "owner checks exported: {checks:?}"
    );
    assert!(checks.iter().any(|r| r[1] == "customer" && r[2] == "address"), "{checks:?}");
    assert_eq!(sheet_cells(&book, "decisions")[0][..2], ["customer_ref", "kind"]);

    // A new workspace reads the workbook back: the customers sheet as customers, the owners
    // sheet as owners; its own exports are the same.
    let (dir2, ctx2, _clock2, session2) =
        common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let back = customers::import(&ctx2, &session2, &book, false).expect("read back");
    assert!(back.errors.is_empty() && back.stored == 2, "{:?}", back.errors);
    let back_owners = customers::owners_import(&ctx2, &session2, &book, false).expect("owners back");
    assert!(back_owners.errors.is_empty() && back_owners.stored == 2, "{:?}", back_owners.errors);
    let book2 = dir2.path().join("again.xlsx");
    customers::export_all(&ctx2, &session2, &all, customers::ExportFormat::Xlsx, &book2).expect("again");
    for sheet in ["customers", "owners"] {
        assert_eq!(sheet_cells(&book, sheet), sheet_cells(&book2, sheet), "sheet {sheet} round trip");
    }
    let (csv1, csv2) = (dir.path().join("1.csv"), dir2.path().join("2.csv"));
    customers::export_all(&ctx, &session, &all, customers::ExportFormat::Csv, &csv1).expect("csv");
    customers::export_all(&ctx2, &session2, &all, customers::ExportFormat::Csv, &csv2).expect("csv");
    assert_eq!(std::fs::read(csv1).expect("1"), std::fs::read(csv2).expect("2"));
}

#[test]
fn a_cancelled_export_writes_nothing_and_reports_its_progress_until_then() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let templates = templates();
    customers::import(&ctx, &session, &templates.join("customers.csv"), false).expect("import");
    let all = everyone();
    for format in [customers::ExportFormat::Csv, customers::ExportFormat::Json, customers::ExportFormat::Xlsx]
    {
        let out = dir.path().join("export.out");
        let mut seen = Vec::new();
        let err = customers::export_all_tracked(&ctx, &session, &all, format, &out, &mut |done, total| {
            seen.push((done, total));
            done < 1
        })
        .expect_err("cancelled after the first customer");
        assert!(matches!(err, workbench_app::AppError::Cancelled), "{err}");
        assert_eq!(seen, [(1, 2), (2, 2)][..seen.len()].to_vec());
        assert!(!out.exists(), "{format:?}: nothing written");
        let mut steps = 0;
        customers::export_all_tracked(&ctx, &session, &all, format, &out, &mut |_, _| {
            steps += 1;
            true
        })
        .expect("export");
        assert_eq!(steps, 2, "one step per customer");
        std::fs::remove_file(&out).expect("written");
    }
}
