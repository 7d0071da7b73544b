//! Issue 14, item 6: every record the app writes is digested in the audit chain over its
//! canonical form, so `audit verify --objects` recomputes all of them from the database. The
//! demo workspace writes every kind (customers through the whole review, resellers with their
//! CIPs, attestations and notes, filings through their states, CIP versions, a CIP request,
//! obligation events, settings); nothing disagrees, and an edit made around the app to any of
//! the parts that used to carry value digests (a queue move, a determination, a note, a filing's
//! state, a setting, a decision) is named by its record.

mod common;

use std::time::Duration;

use workbench_app::review::{self, DeterminationRequest};
use workbench_app::settings;
use workbench_app::{audit, demo};
use workbench_core::customer::UsPerson;

#[test]
fn every_record_of_the_demo_recomputes_and_an_edit_to_any_part_is_named() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600));
    demo::fill(&ctx, &session, 120).expect("demo");
    // What the demo does not do: a setting, a U.S.-person determination, a rule pack imported.
    let pack = dir.path().join("pack.toml");
    std::fs::write(
        &pack,
        workbench_core::rules::BUILT_IN.replacen("id = \"us-bis-iaas-cip-2024-nprm\"", "id = \"copy\"", 1),
    )
    .expect("write");
    workbench_app::obligations::rules_import(&ctx, &session, &pack).expect("import a pack");
    let mut s = settings::get(&ctx, &session).expect("settings");
    s.idle_lock_minutes = 30;
    settings::update(&ctx, &session, &s).expect("update");
    let subject = session
        .with(&ctx, |u| {
            Ok(u.workspace.db().read(|c| {
                Ok(c.query_row("SELECT customer_ref FROM customer ORDER BY customer_ref LIMIT 1", [], |r| {
                    r.get::<_, String>(0)
                })?)
            })?)
        })
        .expect("a customer");
    review::us_person_determine(
        &ctx,
        &session,
        &DeterminationRequest {
            customer_ref: subject.clone(),
            owner_id: None,
            status: UsPerson::No,
            reason: "foreign passport, foreign address".into(),
            evidence_id: None,
        },
    )
    .expect("determine");

    let report = audit::verify_objects(&ctx, &session).expect("verify");
    assert_eq!(report.form, "record/2");
    assert_eq!(report.problem_count, 0, "{:?}", report.problems);
    let of = |kind: &str| report.by_kind.iter().find(|k| k.kind == kind).map_or(0, |k| k.checked);
    for kind in [
        "customer",
        "reseller",
        "provider",
        "provider_contact",
        "evidence",
        "actor",
        "filing",
        "cip",
        "cip_request",
        "event",
        "rule_pack",
        "setting",
        "screening_list",
        "special_measure",
        "screening_run",
        "screening_hit",
    ] {
        assert!(of(kind) > 0, "the demo writes {kind} records: {:?}", report.by_kind);
    }
    assert_eq!(of("customer"), 123, "120 synthetic and 3 that screening hits");
    let total: u64 = report.by_kind.iter().map(|k| k.checked).sum();
    assert_eq!(total, report.checked);
    eprintln!(
        "canonical records of the demo: {} in {} kinds ({:?})",
        report.checked,
        report.by_kind.iter().filter(|k| k.checked > 0).count(),
        report.by_kind
    );

    // Edits made with the key but around the app, one to each part that carried a value digest
    // before record/2.
    let edited: Vec<String> = session
        .with(&ctx, |u| {
            Ok(u.workspace.db_mut().write(|tx| {
                let one = |sql: &str| -> Result<String, workbench_store::StoreError> {
                    Ok(tx.query_row(sql, [], |r| r.get(0))?)
                };
                let determined: String =
                    tx.query_row("SELECT id FROM customer WHERE customer_ref = ?1", [&subject], |r| r.get(0))?;
                tx.execute(
                    "UPDATE us_person_determination SET reason = 'changed' WHERE subject = 'customer:' || ?1",
                    [&determined],
                )?;
                let queue: String = tx.query_row(
                    "SELECT customer_id FROM queue_item WHERE state = 'waiting' AND customer_id <> ?1 \
                     ORDER BY customer_id LIMIT 1",
                    [&determined],
                    |r| r.get(0),
                )?;
                tx.execute("UPDATE queue_item SET assigned_to = 'nobody-real' WHERE customer_id = ?1", [&queue])?;
                let decided: String = tx.query_row(
                    "SELECT customer_id FROM decision WHERE customer_id NOT IN (?1, ?2) ORDER BY customer_id LIMIT 1",
                    [&queue, &determined],
                    |r| r.get(0),
                )?;
                tx.execute("UPDATE decision SET note = 'rewritten' WHERE customer_id = ?1", [&decided])?;
                let reseller = one("SELECT reseller_id FROM reseller_note ORDER BY seq LIMIT 1")?;
                tx.execute("UPDATE reseller_note SET text = 'rewritten' WHERE reseller_id = ?1", [&reseller])?;
                let filing = one("SELECT id FROM filing WHERE state = 'filed' ORDER BY id LIMIT 1")?;
                tx.execute("UPDATE filing SET agency_reference = 'FORGED' WHERE id = ?1", [&filing])?;
                tx.execute("UPDATE workspace_meta SET value = '240' WHERE key = 'setting.idle_lock_minutes'", [])?;
                Ok(vec![
                    format!("customer:{queue}"),
                    format!("customer:{determined}"),
                    format!("customer:{decided}"),
                    format!("reseller:{reseller}"),
                    format!("filing:{filing}"),
                    "setting:idle_lock_minutes".to_owned(),
                ])
            })?)
        })
        .expect("edit around the app");
    let report = audit::verify_objects(&ctx, &session).expect("verify");
    let mut named: Vec<String> = report.problems.iter().map(|p| p.object.clone()).collect();
    named.sort();
    let mut expected = edited.clone();
    expected.sort();
    assert_eq!(named, expected, "{:?}", report.problems);
    assert!(report.problems.iter().all(|p| p.seq.is_some() && p.problem.contains("does not match")));
}
