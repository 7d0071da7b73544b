//! The ADP dossier (R20–R21) on a real SQLCipher workspace: each criterion's strength grows
//! from no evidence to reviewed; a material change owes a report by the pack's days and a review
//! starts the next cycle; a pack whose criteria keys change keeps the answers and names what is
//! new or gone; the exemption application draws every criterion through the filing engine, and a
//! scope naming no reseller is refused.

mod common;

use std::time::Duration;

use workbench_app::adp::{self, AdpAnswerForm};
use workbench_app::filings::{self, DraftRequest};
use workbench_app::obligations;
use workbench_core::adp::Strength;
use workbench_core::filing::{FilingKind, PageSize};
use workbench_core::obligations::ObligationKind;

fn answer(criterion: &str, narrative: &str, material: bool) -> AdpAnswerForm {
    AdpAnswerForm {
        criterion: criterion.into(),
        narrative: narrative.into(),
        owner: "Olivia Officer".into(),
        review_on: Some("2027-06-30".parse().expect("date")),
        material,
    }
}

fn application(scope: &str) -> DraftRequest {
    DraftRequest {
        kind: FilingKind::ExemptionApplication,
        year: None,
        event_id: Some(scope.into()),
        case_id: None,
        update: false,
        page: PageSize::A4,
    }
}

#[test]
fn a_criterion_grows_from_no_evidence_to_reviewed_and_the_application_prints_the_dossier() {
    let (dir, ctx, clock, session) = common::workspace_at(2026, 11, 2, 15, Duration::from_secs(86_400 * 90));
    let view = adp::adp_status(&ctx, &session).expect("status");
    assert!(view.available);
    assert_eq!(view.criteria.len(), 5, "the pack's five criteria");
    assert!(view.criteria.iter().all(|c| c.strength == Strength::NoEvidence));

    // Bad input: an unknown criterion, an empty narrative.
    let err = adp::adp_answer(&ctx, &session, &answer("made_up", "text", false)).expect_err("unknown");
    assert!(err.to_string().contains("criterion"), "{err}");
    assert!(adp::adp_answer(&ctx, &session, &answer("red_flags", "  ", false)).is_err());

    let strength =
        |v: &adp::AdpView| v.criteria.iter().find(|c| c.key == "red_flags").expect("criterion").strength;
    let v = adp::adp_answer(
        &ctx,
        &session,
        &answer("red_flags", "We watch for **bulk** sign-ups.\n\nEscalated within a day.", false),
    )
    .expect("answer");
    assert_eq!(strength(&v), Strength::NarrativeOnly);
    let v = adp::adp_evidence_record(&ctx, &session, "red_flags", "queue_statistics").expect("record");
    assert_eq!(strength(&v), Strength::Evidenced);
    assert!(
        v.criteria
            .iter()
            .any(|c| c.evidence.iter().any(|e| e.label.starts_with("Verification queue (R4): 0 ready")))
    );
    let err =
        adp::adp_evidence_record(&ctx, &session, "red_flags", "cip_version:4").expect_err("no version 4");
    assert!(err.to_string().contains("not an approved CIP version"), "{err}");
    let memo = dir.path().join("playbook.pdf");
    std::fs::write(&memo, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").expect("write");
    adp::adp_evidence_document(&ctx, &session, "red_flags", "Abuse playbook", &memo).expect("document");

    // The first answer started the review cycle (12 months); a review marks it reviewed.
    let due = |kind: ObligationKind| {
        obligations::obligations_list(&ctx, &session)
            .expect("obligations")
            .obligations
            .into_iter()
            .filter(|o| o.kind == kind)
            .map(|o| o.due_date.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(due(ObligationKind::AdpReview), ["2027-11-02"]);
    clock.advance(chrono::Duration::days(10));
    let v = adp::adp_review(&ctx, &session, "All criteria read with the team").expect("review");
    assert_eq!(strength(&v), Strength::Reviewed);
    assert_eq!(due(ObligationKind::AdpReview), ["2027-11-12"], "the newest review restarts the cycle");
    // A new version after the review is evidenced again, not reviewed; a material one owes a report.
    clock.advance(chrono::Duration::days(1));
    let v = adp::adp_answer(
        &ctx,
        &session,
        &answer("red_flags", "We now also watch crypto-mining spikes.", true),
    )
    .expect("material");
    assert_eq!(strength(&v), Strength::Evidenced);
    assert_eq!(v.criteria.iter().find(|c| c.key == "red_flags").expect("c").versions, 2);
    assert_eq!(due(ObligationKind::AdpChangeReport), ["2026-12-13"], "30 days (the pack's assumption)");

    // The application: every criterion, the answered one with its narrative and evidence.
    let draft = filings::filing_draft(&ctx, &session, &application("provider")).expect("draft");
    assert_eq!(draft.label, "Exemption application: the provider");
    let text =
        serde_json::to_string(&filings::filing_get(&ctx, &session, &draft.id).expect("get").document.blocks)
            .expect("json");
    for needle in [
        "Handling of red flags",
        "We now also watch crypto-mining spikes.",
        "Abuse playbook — document playbook.pdf, SHA-256",
        "Verification queue (R4)",
        "Privacy-preserving data sharing",
        "Not answered yet.",
        "1 of 5 (1 evidenced or reviewed)",
    ] {
        assert!(text.contains(needle), "{needle:?} missing: {text}");
    }
    assert!(filings::filing_pdf(&ctx, &session, &draft.id).expect("pdf").starts_with(b"%PDF-"));
    let err =
        filings::filing_draft(&ctx, &session, &application("reseller:R-99")).expect_err("no such reseller");
    assert!(err.to_string().contains("not a foreign reseller in the register"), "{err}");
}

#[test]
fn a_pack_whose_criteria_change_keeps_the_answers_and_names_the_new_and_the_gone() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 15, Duration::from_secs(86_400 * 90));
    adp::adp_answer(&ctx, &session, &answer("data_sharing", "We share indicators through an ISAC.", false))
        .expect("answer");
    let source = workbench_core::rules::BUILT_IN
        .replacen("key = \"data_sharing\"", "key = \"threat_sharing\"", 1)
        .replacen("id = \"us-bis-iaas-cip-2024-nprm\"", "id = \"us-bis-iaas-cip-2024-nprm-b\"", 1);
    assert!(source.contains("threat_sharing"));
    let file = dir.path().join("pack-b.toml");
    std::fs::write(&file, source).expect("write");
    let pack = obligations::rules_import(&ctx, &session, &file).expect("import");
    obligations::rules_activate(&ctx, &session, &pack.sha256).expect("activate");
    let view = adp::adp_status(&ctx, &session).expect("status");
    assert_eq!(view.gone.len(), 1);
    assert_eq!(view.gone[0].key, "data_sharing");
    assert_eq!(view.gone[0].narrative, "We share indicators through an ISAC.", "the answer is kept");
    assert_eq!(view.new, ["Privacy-preserving data sharing"], "the renamed criterion is new");
}
