//! The written CIP (R1) on a real SQLCipher workspace: drafts from the pack's topics, saving,
//! approval rules (every topic written, four eyes when on), frozen approved versions, the diff
//! between versions and the R14 notice a material change raises.

mod common;

use std::time::Duration;

use workbench_app::cip::{self, CipApproval, CipDraftSave, SectionText};
use workbench_app::obligations as ob;
use workbench_app::settings;
use workbench_app::workspace::{self, NewActor};
use workbench_app::{AppError, Context, Session};
use workbench_core::Role;
use workbench_core::cip::{LineTag, SectionChange, VersionState};
use workbench_core::obligations::ObligationKind;

const SECOND_PASS: &str = "second officer passphrase 2026";

fn setup() -> (tempfile::TempDir, Context, Session) {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 28, 15, Duration::from_secs(3600));
    (dir, ctx, session)
}

fn write_all(ctx: &Context, session: &Session, number: i64, text: &str, summary: &str, material: bool) {
    let overview = cip::cip_overview(ctx, session).expect("overview");
    let sections = overview
        .topics
        .iter()
        .map(|t| SectionText { key: t.key.clone(), body: format!("## {}\n\n{text} ({})", t.title, t.rid) })
        .collect();
    cip::cip_draft_save(
        ctx,
        session,
        &CipDraftSave { number, sections, change_summary: summary.into(), material },
    )
    .expect("save");
}

fn today(ctx: &Context, session: &Session) -> chrono::NaiveDate {
    cip::cip_overview(ctx, session).expect("overview").today
}

#[test]
fn a_draft_follows_the_pack_and_approval_needs_every_topic_written() {
    let (_dir, ctx, session) = setup();
    let number = cip::cip_draft_begin(&ctx, &session, None).expect("begin");
    assert_eq!(number, 1);
    let view = cip::cip_version_get(&ctx, &session, number).expect("view");
    let overview = cip::cip_overview(&ctx, &session).expect("overview");
    assert_eq!(view.sections.len(), overview.topics.len());
    assert!(view.sections.iter().any(|s| s.key == "reseller_oversight" && s.rid == "R17"));
    assert_eq!(view.summary.state, VersionState::Draft);
    let err = cip::cip_draft_begin(&ctx, &session, None).expect_err("one draft at a time");
    assert!(err.to_string().contains("draft version 1 is open"), "{err}");

    // Only one section written: approval names every empty one.
    cip::cip_draft_save(
        &ctx,
        &session,
        &CipDraftSave {
            number,
            sections: vec![SectionText { key: "scope".into(), body: "We are small.".into() }],
            change_summary: String::new(),
            material: false,
        },
    )
    .expect("save");
    let err = cip::cip_approve(&ctx, &session, &CipApproval { number, effective_on: today(&ctx, &session) })
        .expect_err("empty topics");
    let text = err.to_string();
    assert!(text.contains("sections.verification_methods") && !text.contains("sections.scope:"), "{text}");

    // A key that is not a section is refused by name, and nothing is saved.
    let err = cip::cip_draft_save(
        &ctx,
        &session,
        &CipDraftSave {
            number,
            sections: vec![SectionText { key: "made_up".into(), body: "x".into() }],
            change_summary: String::new(),
            material: false,
        },
    )
    .expect_err("unknown section");
    assert!(err.to_string().contains("sections.made_up"), "{err}");

    write_all(&ctx, &session, number, "Policy text", "", false);
    let yesterday = today(&ctx, &session).pred_opt().expect("date");
    let err = cip::cip_approve(&ctx, &session, &CipApproval { number, effective_on: yesterday })
        .expect_err("backdated");
    assert!(err.to_string().contains("effective_on"), "{err}");
    let approved =
        cip::cip_approve(&ctx, &session, &CipApproval { number, effective_on: today(&ctx, &session) })
            .expect("approve");
    assert_eq!(approved.state, VersionState::Approved);
    assert!(approved.in_force);

    // Approved versions never change.
    let err = cip::cip_draft_save(
        &ctx,
        &session,
        &CipDraftSave { number, sections: Vec::new(), change_summary: "x".into(), material: false },
    )
    .expect_err("frozen");
    assert!(err.to_string().contains("only a draft can change"), "{err}");

    // The PDF of the version is a real PDF.
    let pdf = cip::cip_render(&ctx, &session, number).expect("render");
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn four_eyes_needs_another_officer_and_a_material_change_raises_the_r14_notice() {
    let (_dir, ctx, session) = setup();
    let first = cip::cip_draft_begin(&ctx, &session, None).expect("begin");
    write_all(&ctx, &session, first, "First text.\nWe check passports and utility bills.", "", true);
    cip::cip_approve(&ctx, &session, &CipApproval { number: first, effective_on: today(&ctx, &session) })
        .expect("approve");
    let notices = |ctx: &Context, session: &Session| {
        ob::obligations_list(ctx, session)
            .expect("obligations")
            .obligations
            .into_iter()
            .filter(|o| o.kind == ObligationKind::ChangeNotice)
            .count()
    };
    assert_eq!(notices(&ctx, &session), 0, "the first version is the program itself, not a change to it");

    let mut prefs = settings::get(&ctx, &session).expect("settings");
    prefs.cip_four_eyes = true;
    settings::update(&ctx, &session, &prefs).expect("four eyes on");
    let second = cip::cip_draft_begin(&ctx, &session, None).expect("begin second");
    let carried = cip::cip_version_get(&ctx, &session, second).expect("view");
    assert_eq!(carried.summary.based_on, Some(first));
    assert!(carried.sections.iter().all(|s| s.body.contains("First text.")), "text carried over");
    write_all(
        &ctx,
        &session,
        second,
        "First text.\nWe check passports, utility bills and digital ID.",
        "Digital ID",
        true,
    );
    assert!(!cip::cip_version_get(&ctx, &session, second).expect("view").may_approve);
    let err = cip::cip_approve(
        &ctx,
        &session,
        &CipApproval { number: second, effective_on: today(&ctx, &session) },
    )
    .expect_err("the author may not approve");
    assert!(err.to_string().contains("four eyes"), "{err}");

    // A second officer approves.
    let other = workspace::actor_create(
        &ctx,
        &session,
        &NewActor { name: "Oscar Officer".into(), role: Role::Officer, passphrase: SECOND_PASS.into() },
    )
    .expect("officer");
    workspace::actor_switch(&ctx, &session, other.id, SECOND_PASS).expect("switch");
    assert!(cip::cip_version_get(&ctx, &session, second).expect("view").may_approve);
    let approved = cip::cip_approve(
        &ctx,
        &session,
        &CipApproval { number: second, effective_on: today(&ctx, &session) },
    )
    .expect("approve");
    assert!(approved.in_force && approved.material);
    assert_eq!(approved.approved_by.as_deref(), Some("Oscar Officer"));
    assert_eq!(notices(&ctx, &session), 1, "a material change raises the R14 change notice");

    // The diff shows the changed words, section by section.
    let diff = cip::cip_diff(&ctx, &session, first, second).expect("diff");
    assert!(diff.iter().all(|s| s.change == SectionChange::Changed));
    let line = diff[0].lines.iter().find(|l| l.tag == LineTag::Added).expect("added line");
    assert!(line.segments.iter().any(|s| s.changed && s.text.contains("digital")), "{line:?}");
    let same = cip::cip_diff(&ctx, &session, second, second).expect("same");
    assert!(same.iter().all(|s| s.change == SectionChange::Unchanged && s.lines.is_empty()));

    // A reviewer can read but not write.
    let reviewer = workspace::actor_create(
        &ctx,
        &session,
        &NewActor {
            name: "Rita Reviewer".into(),
            role: Role::Reviewer,
            passphrase: "reviewer passphrase 2026".into(),
        },
    )
    .expect("reviewer");
    workspace::actor_switch(&ctx, &session, reviewer.id, "reviewer passphrase 2026").expect("switch");
    assert!(cip::cip_version_get(&ctx, &session, first).is_ok());
    assert!(matches!(cip::cip_draft_begin(&ctx, &session, None), Err(AppError::Forbidden(_))));
}

#[test]
fn a_discarded_draft_stays_on_record_and_a_new_one_can_begin() {
    let (_dir, ctx, session) = setup();
    let first = cip::cip_draft_begin(&ctx, &session, None).expect("begin");
    cip::cip_discard(&ctx, &session, first).expect("discard");
    let second = cip::cip_draft_begin(&ctx, &session, None).expect("begin again");
    assert_eq!(second, 2);
    let overview = cip::cip_overview(&ctx, &session).expect("overview");
    let states: Vec<_> = overview.versions.iter().map(|v| (v.number, v.state)).collect();
    assert_eq!(states, [(2, VersionState::Draft), (1, VersionState::Discarded)]);
    assert!(cip::cip_render(&ctx, &session, first).is_err(), "a discarded draft is not rendered");
    let events = workbench_app::audit::list(&ctx, &session, &Default::default()).expect("audit");
    let actions: Vec<_> =
        events.iter().filter(|e| e.action.starts_with("cip.")).map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"cip.draft") && actions.contains(&"cip.discard"), "{actions:?}");
}
