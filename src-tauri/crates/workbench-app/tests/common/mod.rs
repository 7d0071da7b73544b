//! A new workspace on a fixed clock, shared by the use-case tests.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeZone;
use workbench_app::workspace::{self, InitRequest};
use workbench_app::{Context, Session};
use workbench_core::FixedClock;

/// The first officer's (and the workspace's) passphrase.
pub const OFFICER_PASS: &str = "officer passphrase 2026";

/// A workspace created at `y-m-d h:00 UTC` by "Olivia Officer" for "Example Cloud LLC", whose
/// session stays unlocked for `idle` of clock time (tests move the clock by weeks or years).
pub fn workspace_at(
    y: i32,
    m: u32,
    d: u32,
    h: u32,
    idle: Duration,
) -> (tempfile::TempDir, Context, Arc<FixedClock>, Session) {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock =
        Arc::new(FixedClock::new(chrono::Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("date")));
    let ctx = Context::new(dir.path().join("ws"), clock.clone());
    let session = Session::new(idle);
    workspace::init(
        &ctx,
        &session,
        &InitRequest {
            provider_name: "Example Cloud LLC".into(),
            officer_name: "Olivia Officer".into(),
            passphrase: OFFICER_PASS.into(),
            use_keyring: false,
        },
    )
    .expect("init");
    (dir, ctx, clock, session)
}

/// Takes the customer's queue item and records every required element verified, the customer's
/// own and its beneficial owners' (R5).
#[allow(dead_code)] // not every test file uses it
pub fn verify_required(ctx: &workbench_app::Context, session: &workbench_app::Session, customer_ref: &str) {
    verify_elements(ctx, session, customer_ref);
    verify_owners(ctx, session, customer_ref);
}

/// Takes the customer's queue item and records the customer's own required elements verified.
#[allow(dead_code)] // not every test file uses it
pub fn verify_elements(ctx: &workbench_app::Context, session: &workbench_app::Session, customer_ref: &str) {
    workbench_app::review::queue_take(ctx, session, customer_ref).expect("take");
    let view = workbench_app::review::review_get(ctx, session, customer_ref).expect("view");
    for element in view.elements.iter().filter(|e| e.required) {
        workbench_app::review::check_record(
            ctx,
            session,
            &workbench_app::review::CheckRequest {
                customer_ref: customer_ref.into(),
                element: element.element,
                method: workbench_core::verification::Method::Documentary,
                outcome: workbench_core::verification::Outcome::Verified,
                evidence_id: None,
                note: String::new(),
            },
        )
        .expect("check");
    }
}

/// Verifies every beneficial owner still blocking approval (R5): a determination "not a U.S.
/// person" resting on an attached document, then each owner element checked.
#[allow(dead_code)] // not every test file uses it
pub fn verify_owners(ctx: &workbench_app::Context, session: &workbench_app::Session, customer_ref: &str) {
    use workbench_app::review;
    use workbench_core::verification::{Element, Method, Outcome};
    let view = review::review_get(ctx, session, customer_ref).expect("view");
    if view.owners.iter().all(|o| o.missing.is_empty()) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let document = dir.path().join("owner-register-extract.pdf");
    std::fs::write(&document, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").expect("write");
    let view =
        review::evidence_attach(ctx, session, customer_ref, Some(Element::IdentityDocument), &document)
            .expect("attach");
    let evidence = view.evidence.last().expect("attached").id.clone();
    for owner in view.owners.iter().filter(|o| !o.missing.is_empty()) {
        review::us_person_determine(
            ctx,
            session,
            &review::DeterminationRequest {
                customer_ref: customer_ref.into(),
                owner_id: Some(owner.id.clone()),
                status: workbench_core::customer::UsPerson::No,
                reason: "foreign passport".into(),
                evidence_id: Some(evidence.clone()),
            },
        )
        .expect("determine");
        for element in owner.elements.iter().filter(|e| e.required && e.element != Element::UsPerson) {
            review::owner_check_record(
                ctx,
                session,
                &review::OwnerCheckRequest {
                    owner_id: owner.id.clone(),
                    check: review::CheckRequest {
                        customer_ref: customer_ref.into(),
                        element: element.element,
                        method: Method::Documentary,
                        outcome: Outcome::Verified,
                        evidence_id: Some(evidence.clone()),
                        note: String::new(),
                    },
                },
            )
            .expect("owner check");
        }
    }
}

/// Approves the customer's item the acting reviewer holds.
#[allow(dead_code)] // not every test file uses it
pub fn approve(
    ctx: &workbench_app::Context,
    session: &workbench_app::Session,
    customer_ref: &str,
) -> Result<workbench_app::review::ReviewView, workbench_app::AppError> {
    workbench_app::review::decide(
        ctx,
        session,
        &workbench_app::review::DecisionRequest {
            customer_ref: customer_ref.into(),
            kind: workbench_core::verification::DecisionKind::Approve,
            reason_code: String::new(),
            note: String::new(),
            until: None,
        },
    )
}
