//! Exemptions (R20) on a real SQLCipher workspace with an injected clock: an account-type
//! exemption takes its customers out of the unverified count and lifts their re-verification while
//! in force — each lifted obligation saying why — and when it lapses the re-verification comes
//! back with a fresh due date; a customer approved under it is owed again; an exemption ended
//! before its term lapses the next day and keeps why; a reseller exemption lifts that reseller's
//! attestation; a scope naming nothing that exists, or dates backwards, is refused with nothing
//! stored.

mod common;

use std::time::Duration;

use chrono::TimeZone;
use workbench_app::customers;
use workbench_app::exemptions;
use workbench_app::obligations;
use workbench_app::resellers;
use workbench_core::exemption::{ExemptionEndInput, ExemptionInput, Standing};
use workbench_core::obligations::{ObligationKind, Status};
use workbench_core::reseller::{NewReseller, ResellerContact};

const CUSTOMERS: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on,account_type
C-1,individual,Anna Berg,SE,Gatan 1,,Stockholm,,11122,a@example.se,+46 8 123 456 78,no,,A-1,card,4242,Bank,high,2026-01-05,GPU-Cluster
C-2,individual,Ana Souza,BR,Rua 4,,São Paulo,,01000-000,s@example.br,+55 11 2345-6789,no,,A-2,card,9999,Banco,high,2026-01-05,object-storage
C-3,individual,Mehmet Kaya,TR,Cadde 3,,İstanbul,,34000,m@example.tr,+90 212 555 0101,no,,A-3,card,1111,Banka,high,2026-01-05,
";

/// A workspace on the day (15:00 UTC) holding the three customers above.
fn with_customers(
    y: i32,
    m: u32,
    d: u32,
) -> (
    tempfile::TempDir,
    workbench_app::Context,
    std::sync::Arc<workbench_core::FixedClock>,
    workbench_app::Session,
) {
    let (dir, ctx, clock, session) = common::workspace_at(y, m, d, 15, Duration::from_secs(86_400 * 900));
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, CUSTOMERS).expect("write");
    let imported = customers::import(&ctx, &session, &file, false).expect("import");
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    (dir, ctx, clock, session)
}

fn input(scope: &str, name: &str, starts: &str, ends: Option<&str>) -> ExemptionInput {
    ExemptionInput {
        scope: scope.into(),
        name: name.into(),
        starts_on: starts.parse().expect("date"),
        ends_on: ends.map(|e| e.parse().expect("date")),
        conditions: "Keep the ADP current; report significant changes.".into(),
        reference: "BIS-EX-2026-7".into(),
    }
}

#[test]
fn an_account_type_exemption_lifts_and_restores_around_its_dates_and_changes_the_counts() {
    let (_dir, ctx, clock, session) = with_customers(2026, 1, 10);
    for c in ["C-1", "C-2", "C-3"] {
        common::verify_required(&ctx, &session, c);
        common::approve(&ctx, &session, c).expect("approve");
    }

    // Bad input: nothing stored.
    let err = exemptions::exemption_add(
        &ctx,
        &session,
        &input("account_type", "tape-backup", "2026-02-01", None),
        None,
    )
    .expect_err("no such type");
    assert!(err.to_string().contains("no account is of this type"), "{err}");
    let err = exemptions::exemption_add(&ctx, &session, &input("reseller", "R-99", "2026-02-01", None), None)
        .expect_err("no such reseller");
    assert!(err.to_string().contains("not a foreign reseller in the register"), "{err}");
    let err = exemptions::exemption_add(
        &ctx,
        &session,
        &input("account_type", "gpu-cluster", "2026-06-01", Some("2026-05-01")),
        None,
    )
    .expect_err("backwards");
    assert!(err.to_string().contains("ends_on"), "{err}");
    assert!(exemptions::exemptions_list(&ctx, &session).expect("list").is_empty());

    // High risk: re-verified within 12 months — due 2027-01-10 for each customer.
    let reverification = |customer_ref: &str| {
        let id = customer_id(&ctx, &session, customer_ref);
        obligations::obligations_list(&ctx, &session)
            .expect("obligations")
            .obligations
            .into_iter()
            .find(|o| o.kind == ObligationKind::Reverification && o.subject.as_deref() == Some(id.as_str()))
            .expect("re-verification owed")
    };
    assert_eq!(reverification("C-1").due_date.to_string(), "2027-01-10");

    let recorded = exemptions::exemption_add(
        &ctx,
        &session,
        &input("account_type", "gpu-cluster", "2026-06-01", Some("2027-03-31")),
        None,
    )
    .expect("recorded");
    assert_eq!(recorded.standing, Standing::Pending);
    assert_eq!(recorded.lifts, ["Verify the customers' identity", "Re-verify customer"]);

    // Counts: the GPU customer's account is verified anyway; reopen it to see the difference.
    clock.set(chrono::Utc.with_ymd_and_hms(2027, 2, 1, 12, 0, 0).single().expect("date"));
    let c1 = reverification("C-1");
    assert_eq!(c1.status, Status::Lifted, "in force on 2027-02-01");
    assert_eq!(
        c1.exemption.as_deref(),
        Some(
            "Lifted by exemption BIS-EX-2026-7 (account type gpu-cluster), in force until 2027-03-31 (R20)."
        )
    );
    assert_eq!(reverification("C-2").status, Status::Overdue, "object storage is not exempt");
    assert_eq!(reverification("C-3").status, Status::Overdue, "no account type: not exempt");
    let view = obligations::obligations_list(&ctx, &session).expect("obligations");
    let counts = view.counts.iter().find(|c| c.kind == ObligationKind::Reverification).expect("count");
    assert_eq!((counts.open, counts.overdue), (2, 2), "a lifted obligation is neither open nor overdue");
    assert!(view.at_risk.items.iter().all(|i| i.key != c1.key), "nothing at risk for a lifted one");

    // The queue does not open a re-verification the exemption lifts.
    workbench_app::review::queue_refresh(&ctx, &session).expect("refresh");
    let queue =
        workbench_app::review::queue_list(&ctx, &session, workbench_app::review::QueueShow::Ready, 100, 0)
            .expect("queue");
    let refs: Vec<&str> = queue.rows.iter().map(|r| r.customer_ref.as_str()).collect();
    assert!(refs.contains(&"C-2") && !refs.contains(&"C-1"), "{refs:?}");

    // Certification counts: the customers back in the queue count as unverified (R12) — all but
    // the GPU one, whose account type is exempt.
    let counts = customers::counts(&ctx, &session, 2027).expect("counts");
    assert_eq!(counts.exempt_account_types, ["gpu-cluster"]);

    // Lapsed on 2027-03-31: due again no earlier than 30 days after (the pack's grace).
    clock.set(chrono::Utc.with_ymd_and_hms(2027, 4, 5, 12, 0, 0).single().expect("date"));
    let c1 = reverification("C-1");
    assert_eq!((c1.due_date.to_string().as_str(), c1.status), ("2027-04-30", Status::DueSoon));
    assert!(c1.exemption.as_deref().is_some_and(|w| w.contains("lapsed on 2027-03-31")), "{c1:?}");
    let after = customers::counts(&ctx, &session, 2027).expect("counts");
    assert!(after.exempt_account_types.is_empty() && after.exempt_accounts == 0);
}

#[test]
fn the_unverified_count_leaves_out_accounts_of_an_exempt_type_only_while_in_force_and_a_lapse_reopens_them() {
    let (_dir, ctx, clock, session) = with_customers(2026, 1, 10);
    let before = customers::counts(&ctx, &session, 2026).expect("counts");
    assert_eq!((before.foreign_accounts_unverified, before.exempt_accounts), (3, 0));
    exemptions::exemption_add(
        &ctx,
        &session,
        &input("account_type", "gpu-cluster", "2026-02-01", Some("2026-12-31")),
        None,
    )
    .expect("add");
    assert_eq!(
        customers::counts(&ctx, &session, 2026).expect("counts").foreign_accounts_unverified,
        3,
        "not yet"
    );
    clock.set(chrono::Utc.with_ymd_and_hms(2026, 2, 1, 12, 0, 0).single().expect("date"));
    let during = customers::counts(&ctx, &session, 2026).expect("counts");
    assert_eq!((during.foreign_accounts_unverified, during.exempt_accounts), (2, 1));
    // Its customer needs no identity verification: approved without a single check; the others
    // still need theirs.
    let review = workbench_app::review::review_get(&ctx, &session, "C-1").expect("view");
    assert!(review.exemption.as_deref().is_some_and(|w| w.contains("identity verification is not required")));
    assert!(review.approval_blockers.is_empty(), "{:?}", review.approval_blockers);
    let approve = |customer_ref: &str| {
        workbench_app::review::queue_take(&ctx, &session, customer_ref).expect("take");
        common::approve(&ctx, &session, customer_ref)
    };
    approve("C-1").expect("exempt: approved without checks");
    let err = approve("C-2").expect_err("not exempt");
    assert!(err.to_string().contains("not verified yet"), "{err}");
    // Approved without verification: still left out as exempt, never counted as verified.
    let approved = customers::counts(&ctx, &session, 2026).expect("counts");
    assert_eq!((approved.foreign_accounts_unverified, approved.exempt_accounts), (2, 1));
    let decided = workbench_app::review::review_get(&ctx, &session, "C-1").expect("view");
    let last = decided.decisions.last().expect("the approval");
    assert_eq!(
        last.exemption_reference.as_deref(),
        Some("BIS-EX-2026-7"),
        "the approval names its exemption"
    );

    // Lapsed after 2026-12-31: C-1's identity is owed again. It counts as unverified, and the
    // queue re-opens it with reason exemption_lapsed, due by its tier's SLA (high: 2 days in the
    // pack) or the pack's 30 days' grace, whichever is later, from the day it lapsed.
    clock.set(chrono::Utc.with_ymd_and_hms(2027, 1, 12, 12, 0, 0).single().expect("date"));
    let after = customers::counts(&ctx, &session, 2026).expect("counts");
    assert_eq!((after.foreign_accounts_unverified, after.exempt_accounts), (3, 0), "lapsed");
    let opened = workbench_app::review::queue_refresh(&ctx, &session).expect("refresh");
    assert!(opened >= 1, "{opened}");
    let queue =
        workbench_app::review::queue_list(&ctx, &session, workbench_app::review::QueueShow::Ready, 100, 0)
            .expect("queue");
    let item = queue.rows.iter().find(|r| r.customer_ref == "C-1").expect("C-1 back in the queue");
    assert_eq!(item.reason, workbench_core::verification::QueueReason::ExemptionLapsed);
    let due = chrono::DateTime::parse_from_rfc3339(&item.due_at)
        .expect("due")
        .with_timezone(&chrono_tz::America::New_York);
    assert_eq!(due.date_naive().to_string(), "2027-01-31", "lapsed 2027-01-01 + 30 days' grace");
    assert_eq!(workbench_app::review::queue_refresh(&ctx, &session).expect("again"), 0, "opened once");
    // Now approval needs every check; once verified, C-1 is verified for good.
    let err = approve("C-1").expect_err("no longer exempt");
    assert!(err.to_string().contains("not verified yet"), "{err}");
    common::verify_required(&ctx, &session, "C-1");
    common::approve(&ctx, &session, "C-1").expect("verified");
    let verified = customers::counts(&ctx, &session, 2026).expect("counts");
    assert_eq!((verified.foreign_accounts_unverified, verified.exempt_accounts), (2, 0));
    workbench_app::review::queue_refresh(&ctx, &session).expect("refresh");
    let queue =
        workbench_app::review::queue_list(&ctx, &session, workbench_app::review::QueueShow::Ready, 100, 0)
            .expect("queue");
    assert!(queue.rows.iter().all(|r| r.customer_ref != "C-1"), "not re-opened after a verified approval");
}

fn customer_id(ctx: &workbench_app::Context, session: &workbench_app::Session, customer_ref: &str) -> String {
    let page = customers::list(
        ctx,
        session,
        &customers::CustomerQuery {
            search: customer_ref.into(),
            country: None,
            sort: None,
            limit: None,
            offset: None,
        },
    )
    .expect("list");
    page.rows.into_iter().find(|r| r.customer_ref == customer_ref).expect("customer").id
}

#[test]
fn a_reseller_exemption_lifts_that_resellers_attestation_with_its_reason() {
    let (_dir, ctx, _clock, session) = common::workspace_at(2026, 11, 28, 15, Duration::from_secs(3600));
    for reference in ["R-01", "R-02"] {
        resellers::reseller_add(
            &ctx,
            &session,
            &NewReseller {
                reseller_ref: reference.into(),
                legal_name: format!("{reference} Cloud Resale"),
                country: "SE".into(),
                registration_ids: String::new(),
                agreement_start: "2025-01-01".parse().expect("date"),
                agreement_end: None,
                contact: ResellerContact {
                    name: "CIP Contact".into(),
                    email: "cip@example.se".into(),
                    phone: "+46 8 123 456 78".into(),
                },
            },
        )
        .expect("reseller");
    }
    exemptions::exemption_add(&ctx, &session, &input("reseller", "R-01", "2026-01-01", None), None)
        .expect("add");
    let view = obligations::obligations_list(&ctx, &session).expect("obligations");
    let attestation = |reference: &str| {
        view.obligations
            .iter()
            .find(|o| {
                o.kind == ObligationKind::ResellerAttestation && o.subject.as_deref() == Some(reference)
            })
            .expect("attestation")
    };
    assert_eq!(attestation("R-01").status, Status::Lifted);
    assert!(attestation("R-01").exemption.as_deref().is_some_and(|w| w.contains("reseller R-01")));
    assert_ne!(attestation("R-02").status, Status::Lifted);
}

#[test]
fn an_exemption_ended_before_its_term_lapses_the_next_day_keeps_why_and_reopens_who_it_excused() {
    let (_dir, ctx, clock, session) = with_customers(2026, 2, 2);
    let recorded = exemptions::exemption_add(
        &ctx,
        &session,
        &input("account_type", "gpu-cluster", "2026-02-01", None),
        None,
    )
    .expect("until revoked");
    workbench_app::review::queue_take(&ctx, &session, "C-1").expect("take");
    common::approve(&ctx, &session, "C-1").expect("exempt: approved without checks");

    // Bad input: each field named, nothing stored.
    let end = |id: &str, on: &str, reason: &str| {
        exemptions::exemption_end(
            &ctx,
            &session,
            id,
            &ExemptionEndInput { ends_on: on.parse().expect("date"), reason: reason.into() },
        )
    };
    let err = end(&recorded.id, "2026-01-15", "").expect_err("bad");
    let text = err.to_string();
    assert!(
        text.contains("ends_on") && text.contains("before the exemption starts") && text.contains("reason"),
        "{text}"
    );
    assert!(
        end("no-such-id", "2026-03-31", "Revoked").expect_err("unknown").to_string().contains("no exemption")
    );
    let unchanged = exemptions::exemptions_list(&ctx, &session).expect("list");
    assert_eq!((unchanged[0].ends_on.as_deref(), unchanged[0].ended.len()), (None, 0), "nothing stored");

    // Commerce revokes it as of 31 March.
    let ended = end(&recorded.id, "2026-03-31", "Revoked by BIS letter EX-2026-7/R").expect("ended");
    assert_eq!((ended.ends_on.as_deref(), ended.standing), (Some("2026-03-31"), Standing::InForce));
    assert_eq!(
        ended.ended,
        [
            "Last day 2026-03-31 (was until revoked), recorded 2026-02-02 by Olivia Officer: Revoked by BIS letter EX-2026-7/R"
        ]
    );
    assert!(
        end(&recorded.id, "2026-03-31", "again")
            .expect_err("same day")
            .to_string()
            .contains("already its last day")
    );
    let objects = workbench_app::audit::verify_objects(&ctx, &session).expect("verify");
    assert_eq!(objects.problem_count, 0, "{:?}", objects.problems);
    assert!(
        objects.by_kind.iter().any(|k| k.kind == "exemption_end" && k.checked == 1),
        "{:?}",
        objects.by_kind
    );

    // From 1 April it has lapsed: C-1's identity is owed again, due 30 days (the grace) on.
    clock.set(chrono::Utc.with_ymd_and_hms(2026, 4, 2, 12, 0, 0).single().expect("date"));
    let listed = exemptions::exemptions_list(&ctx, &session).expect("list");
    assert_eq!(listed[0].standing, Standing::Lapsed);
    let counts = customers::counts(&ctx, &session, 2026).expect("counts");
    assert_eq!((counts.foreign_accounts_unverified, counts.exempt_accounts), (3, 0));
    workbench_app::review::queue_refresh(&ctx, &session).expect("refresh");
    let queue =
        workbench_app::review::queue_list(&ctx, &session, workbench_app::review::QueueShow::Ready, 100, 0)
            .expect("queue");
    let item = queue.rows.iter().find(|r| r.customer_ref == "C-1").expect("C-1 back in the queue");
    assert_eq!(item.reason, workbench_core::verification::QueueReason::ExemptionLapsed);
    assert!(item.due_at.starts_with("2026-05-01"), "{}", item.due_at);
}
