//! The reseller register on a real SQLCipher workspace: registration and its validation, the
//! contact history raising an R14 notice, and the supply gate refusing new accounts through a
//! reseller that is terminated or under remediation (R19).

mod common;

use std::time::Duration;

use chrono::TimeZone;

use workbench_app::customers;
use workbench_app::obligations as ob;
use workbench_app::resellers::{self, StatusChange};
use workbench_app::{AppError, Context, Session};
use workbench_core::obligations::ObligationKind;
use workbench_core::reseller::{NewReseller, ResellerContact, ResellerStatus};

fn setup() -> (tempfile::TempDir, Context, Session) {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 28, 15, Duration::from_secs(3600));
    (dir, ctx, session)
}

fn nordic() -> NewReseller {
    NewReseller {
        reseller_ref: "R-01".into(),
        legal_name: "Nordic Cloud Resale AB".into(),
        country: "SE".into(),
        registration_ids: "556000-0000".into(),
        agreement_start: "2025-01-01".parse().expect("date"),
        agreement_end: None,
        contact: ResellerContact {
            name: "Sara Lind".into(),
            email: "cip@nordic-resale.example".into(),
            phone: "+46 8 123 456 78".into(),
        },
    }
}

fn csv(dir: &std::path::Path, name: &str, reseller: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on\n\
             {name}-1,individual,Via Reseller,SE,Gatan 1,,Stockholm,,11122,v@example.se,+46 8 123 456 79,no,{reseller},{name}-A1,card,4242,Bank,low,2026-01-01\n"
        ),
    )
    .expect("write");
    path
}

#[test]
fn a_reseller_is_registered_once_with_its_contact_and_listed() {
    let (_dir, ctx, session) = setup();
    resellers::reseller_add(&ctx, &session, &nordic()).expect("add");
    let err = resellers::reseller_add(&ctx, &session, &nordic()).expect_err("duplicate");
    assert!(err.to_string().contains("R-01 is already registered"), "{err}");
    let mut bad = nordic();
    bad.reseller_ref = "R-02".into();
    bad.country = "XX".into();
    assert!(matches!(resellers::reseller_add(&ctx, &session, &bad), Err(AppError::Core(_))));

    let list = resellers::reseller_list(&ctx, &session).expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].status, ResellerStatus::Active);
    assert_eq!(list[0].contact.as_ref().map(|c| c.phone.as_str()), Some("+46812345678"));
}

#[test]
fn a_contact_change_raises_an_r14_notice() {
    let (_dir, ctx, session) = setup();
    resellers::reseller_add(&ctx, &session, &nordic()).expect("add");
    let contact = ResellerContact {
        name: "Erik Berg".into(),
        email: "erik@nordic-resale.example".into(),
        phone: "08 765 432 10".into(),
    };
    resellers::reseller_contact_change(&ctx, &session, "R-01", &contact).expect("change");
    let list = resellers::reseller_list(&ctx, &session).expect("list");
    assert_eq!(list[0].contact.as_ref().map(|c| c.name.as_str()), Some("Erik Berg"));
    let history: Vec<String> = resellers::reseller_detail(&ctx, &session, "R-01")
        .expect("detail")
        .contacts
        .into_iter()
        .map(|c| c.contact.name)
        .collect();
    assert_eq!(history, ["Erik Berg", "Sara Lind"], "the history is kept, newest first");
    let view = ob::obligations_list(&ctx, &session).expect("obligations");
    let r14 = view.obligations.iter().filter(|o| o.kind == ObligationKind::ChangeNotice).count();
    assert_eq!(r14, 1, "the reseller's contact change is an R14 event");
    assert!(resellers::reseller_contact_change(&ctx, &session, "R-99", &contact).is_err());
}

#[test]
fn the_supply_gate_refuses_new_accounts_through_a_blocked_reseller() {
    let (dir, ctx, session) = setup();
    resellers::reseller_add(&ctx, &session, &nordic()).expect("add");
    let report = customers::import(&ctx, &session, &csv(dir.path(), "A", "R-01"), false).expect("import");
    assert_eq!(report.stored, 1, "active: allowed");
    let report = customers::import(&ctx, &session, &csv(dir.path(), "U", "R-77"), false).expect("import");
    assert_eq!(report.stored, 1, "unregistered references pass");

    resellers::reseller_set_status(
        &ctx,
        &session,
        &StatusChange { reseller_ref: "R-01".into(), status: ResellerStatus::Terminated },
    )
    .expect("terminate");
    let report = customers::import(&ctx, &session, &csv(dir.path(), "B", "R-01"), false).expect("checked");
    assert_eq!(report.stored, 0);
    let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors, ["row 2: reseller_ref: R-01 is terminated; no new account may come through it (R19)"]);
    let page = customers::list(&ctx, &session, &customers::CustomerQuery::default()).expect("list");
    assert_eq!(page.total, 2, "nothing stored by the refused import");
}

#[test]
fn a_finding_closes_the_gate_starts_the_r19_deadline_and_termination_meets_it() {
    // A session that stays open while the clock moves on two years.
    let (_dir, ctx, clock, session) =
        common::workspace_at(2026, 11, 28, 15, Duration::from_secs(3 * 366 * 24 * 3600));
    resellers::reseller_add(&ctx, &session, &nordic()).expect("add");
    let future = resellers::Finding {
        reseller_ref: "R-01".into(),
        aware_on: "2030-01-01".parse().expect("date"),
        summary: String::new(),
    };
    assert!(
        resellers::reseller_finding(&ctx, &session, &future).is_err(),
        "awareness cannot be in the future"
    );
    let finding = resellers::Finding {
        reseller_ref: "R-01".into(),
        aware_on: "2026-11-20".parse().expect("date"),
        summary: String::new(),
    };
    resellers::reseller_finding(&ctx, &session, &finding).expect("finding");
    assert_eq!(
        resellers::reseller_list(&ctx, &session).expect("list")[0].status,
        ResellerStatus::UnderRemediation
    );
    let view = ob::obligations_list(&ctx, &session).expect("obligations");
    let r19 = view.obligations.iter().find(|o| o.kind == ObligationKind::ResellerTermination).expect("R19");
    assert_eq!(r19.due_date.to_string(), "2026-12-20", "30 days (the pack's) from awareness");
    assert!(r19.met.is_none());
    let attestations = |view: &ob::ObligationsView| -> Vec<String> {
        view.obligations
            .iter()
            .filter(|o| o.kind == ObligationKind::ResellerAttestation)
            .map(|o| o.key.clone())
            .collect()
    };
    assert_eq!(attestations(&view), ["reseller_attestation:R-01:2026", "reseller_attestation:R-01:2027"]);

    resellers::reseller_set_status(
        &ctx,
        &session,
        &StatusChange { reseller_ref: "R-01".into(), status: ResellerStatus::Terminated },
    )
    .expect("terminate");
    let view = ob::obligations_list(&ctx, &session).expect("obligations");
    let r19 = view.obligations.iter().find(|o| o.kind == ObligationKind::ResellerTermination).expect("R19");
    assert_eq!(r19.met.as_ref().map(|m| m.reference.as_str()), Some("R-01 terminated"));
    let listed = resellers::reseller_list(&ctx, &session).expect("list");
    assert_eq!(listed[0].agreement_end.as_deref(), Some("2026-11-28"), "termination ends the agreement");
    // Two years on: the attestation covering 2026 (the year it ended) is still owed, the one
    // covering 2027 is not (R18 ends with the relationship).
    clock.set(chrono::Utc.with_ymd_and_hms(2028, 2, 1, 12, 0, 0).single().expect("date"));
    let view = ob::obligations_list(&ctx, &session).expect("obligations");
    assert_eq!(attestations(&view), ["reseller_attestation:R-01:2026", "reseller_attestation:R-01:2027"]);
}
