//! Compliance assessments (R16) on a real SQLCipher workspace: a bad file is refused field by
//! field with nothing stored; each finding is an obligation due on Commerce's date; a note may go
//! without evidence but closing needs it and meets the obligation; the remediated CIP goes out as
//! a resubmission filing listing every finding and what changed in the CIP, whose filing meets
//! the resubmission obligation.

mod common;

use std::path::Path;
use std::time::Duration;

use workbench_app::assessments::{self, Closing};
use workbench_app::cip::{self, CipApproval, CipDraftSave, SectionText};
use workbench_app::filings::{self, DraftRequest, FiledForm};
use workbench_app::{Context, Session, obligations};
use workbench_core::filing::{FilingKind, PageSize};
use workbench_core::obligations::{ObligationKind, Status};

/// The template users start from: two findings, a resubmission required.
const ASSESSMENT: &str = include_str!("../../../../assets/templates/assessment.toml");

/// Writes every CIP section with `text` and approves the version, effective today.
fn approve_cip(ctx: &Context, session: &Session, text: &str) -> i64 {
    let number = cip::cip_draft_begin(ctx, session, None).expect("begin");
    let overview = cip::cip_overview(ctx, session).expect("overview");
    let sections = overview
        .topics
        .iter()
        .map(|t| SectionText { key: t.key.clone(), body: format!("{text} ({})", t.rid) })
        .collect();
    cip::cip_draft_save(
        ctx,
        session,
        &CipDraftSave { number, sections, change_summary: "remediation".into(), material: false },
    )
    .expect("save");
    cip::cip_approve(ctx, session, &CipApproval { number, effective_on: overview.today }).expect("approve");
    number
}

fn evidence(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("remediation-memo.pdf");
    std::fs::write(&path, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").expect("write");
    path
}

#[test]
fn findings_are_obligations_closed_with_evidence_and_the_remediated_cip_is_resubmitted() {
    let (dir, ctx, clock, session) = common::workspace_at(2026, 9, 1, 15, Duration::from_secs(86_400 * 400));
    let first = approve_cip(&ctx, &session, "We verify customers with documents.");
    clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 10, 5, 15, 0, 0).single().expect("date"));

    // A bad file: every bad field named, nothing stored.
    let file = dir.path().join("assessment.toml");
    std::fs::write(
        &file,
        ASSESSMENT.replace("2027-01-31", "2026-09-30").replace("[\"R18\", \"R17\"]", "[\"R99\"]"),
    )
    .expect("write");
    let err = assessments::assessment_add_file(&ctx, &session, &file).expect_err("bad file").to_string();
    assert!(err.contains("findings[1].rids") && err.contains("findings[1].due_on"), "{err}");
    assert!(assessments::assessments_list(&ctx, &session).expect("list").assessments.is_empty());

    std::fs::write(&file, ASSESSMENT).expect("write");
    let recorded = assessments::assessment_add_file(&ctx, &session, &file).expect("add");
    assert_eq!(recorded.findings.len(), 2);
    let view = obligations::obligations_list(&ctx, &session).expect("obligations");
    let due: Vec<(ObligationKind, String, &str)> = view
        .obligations
        .iter()
        .filter(|o| matches!(o.kind, ObligationKind::FindingRemediation | ObligationKind::CipResubmission))
        .map(|o| (o.kind, o.due_date.to_string(), o.rid.as_str()))
        .collect();
    assert_eq!(
        due,
        [
            (ObligationKind::CipResubmission, "2026-10-31".to_owned(), "R16"),
            (ObligationKind::FindingRemediation, "2026-12-15".to_owned(), "R16"),
            (ObligationKind::FindingRemediation, "2027-01-31".to_owned(), "R16"),
        ],
        "findings on Commerce's dates; the resubmission 30 days (the pack's assumption) after the assessment"
    );

    // A note without evidence is fine; closing without evidence is refused.
    let owners = &recorded.findings[0];
    let attestations = &recorded.findings[1];
    assessments::finding_note(
        &ctx,
        &session,
        &owners.id,
        "Owner checks added to the review screen",
        None,
        Closing::Open,
    )
    .expect("note");
    let err = assessments::finding_note(&ctx, &session, &owners.id, "done", None, Closing::Close(None))
        .expect_err("no evidence");
    assert!(err.to_string().contains("closing a finding needs evidence"), "{err}");
    let err =
        assessments::finding_note(&ctx, &session, &owners.id, "   ", None, Closing::Open).expect_err("empty");
    assert!(err.to_string().contains("note"), "{err}");

    // The remediated CIP, then the finding closed with evidence, answered by that version.
    let remediated = approve_cip(&ctx, &session, "We verify customers and every foreign beneficial owner.");
    assert_eq!(remediated, first + 1);
    let memo = evidence(dir.path());
    let err = assessments::finding_note(
        &ctx,
        &session,
        &owners.id,
        "owners verified",
        Some(&memo),
        Closing::Close(Some(99)),
    )
    .expect_err("no such version");
    assert!(err.to_string().contains("cip_version"), "{err}");
    let after = assessments::finding_note(
        &ctx,
        &session,
        &owners.id,
        "Every foreign owner verified on its own",
        Some(&memo),
        Closing::Close(Some(remediated)),
    )
    .expect("close");
    let closed = &after.assessments[0].findings[0];
    assert!(closed.closed_at.is_some() && closed.cip_version == Some(remediated));
    assert_eq!(closed.notes.len(), 2);
    assert!(closed.notes[1].closing && closed.notes[1].evidence_id.is_some());
    assert_eq!(after.open_findings, 1);
    let err =
        assessments::finding_note(&ctx, &session, &owners.id, "again", Some(&memo), Closing::Close(None))
            .expect_err("closed");
    assert!(err.to_string().contains("already closed"), "{err}");
    let view = obligations::obligations_list(&ctx, &session).expect("obligations");
    let met = |key: &str| view.obligations.iter().find(|o| o.key == key).map(|o| o.status);
    assert_eq!(met(&format!("finding_remediation:{}", owners.id)), Some(Status::Met));
    assert_ne!(met(&format!("finding_remediation:{}", attestations.id)), Some(Status::Met));

    // The resubmission lists every finding (the open one too) and what changed in the CIP.
    let draft = filings::filing_draft(
        &ctx,
        &session,
        &DraftRequest {
            kind: FilingKind::CipResubmission,
            year: None,
            event_id: Some(recorded.id.clone()),
            case_id: None,
            update: false,
            page: PageSize::A4,
        },
    )
    .expect("draft");
    assert_eq!(
        draft.label,
        format!("CIP resubmission: version {remediated} (assessment BIS-OICTS-2026-0142)")
    );
    let text =
        serde_json::to_string(&filings::filing_get(&ctx, &session, &draft.id).expect("get").document.blocks)
            .expect("json");
    for needle in [
        "Beneficial owners of entity customers are not verified",
        "Two foreign resellers' attestations were not collected",
        "Every foreign owner verified on its own",
        "closed on 2026-10-05",
        "open",
        "+ We verify customers and every foreign beneficial owner.",
        "− We verify customers with documents.",
        &format!("replacing version {first} assessed"),
    ] {
        assert!(text.contains(needle), "{needle:?} missing: {text}");
    }
    let pdf = filings::filing_pdf(&ctx, &session, &draft.id).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    filings::filing_approve(&ctx, &session, &draft.id).expect("approve");
    filings::filing_mark_filed(
        &ctx,
        &session,
        &FiledForm {
            id: draft.id.clone(),
            filed_on: ctx.clock().now().date_naive(),
            channel: "email to BIS".into(),
            agency_reference: "BIS-R-1".into(),
        },
    )
    .expect("filed");
    let view = obligations::obligations_list(&ctx, &session).expect("obligations");
    let resubmission =
        view.obligations.iter().find(|o| o.kind == ObligationKind::CipResubmission).expect("o");
    assert_eq!(resubmission.status, Status::Met, "the filing meets it");
}

#[test]
fn a_reviewer_may_remediate_but_only_an_officer_records_an_assessment() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 1, 15, Duration::from_secs(86_400 * 30));
    let file = dir.path().join("assessment.toml");
    std::fs::write(&file, ASSESSMENT).expect("write");
    workbench_app::workspace::actor_create(
        &ctx,
        &session,
        &workbench_app::workspace::NewActor {
            name: "Rita Reviewer".into(),
            role: workbench_core::Role::Reviewer,
            passphrase: "rita's own passphrase".into(),
        },
    )
    .expect("actor");
    let recorded = assessments::assessment_add_file(&ctx, &session, &file).expect("officer records");
    let rita = workbench_app::workspace::actor_list(&ctx, &session)
        .expect("actors")
        .into_iter()
        .find(|a| a.name == "Rita Reviewer")
        .expect("rita");
    let rita_id = rita.id;
    workbench_app::workspace::actor_switch(&ctx, &session, rita_id, "rita's own passphrase").expect("switch");
    let err = assessments::assessment_add_file(&ctx, &session, &file).expect_err("reviewer");
    assert!(matches!(err, workbench_app::AppError::Forbidden(_)), "{err}");
    assessments::finding_note(&ctx, &session, &recorded.findings[0].id, "started", None, Closing::Open)
        .expect("a reviewer remediates");
}
