//! Issue 15: an import, a backup and a key rotation run on a connection of their own while the
//! window reads through the main one; what a job stored is what the main connection reads next.

mod common;

use std::time::Duration;

use workbench_app::audit::{self, AuditQuery};
use workbench_app::customers::{self, CustomerQuery};

const CSV: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
J-1,individual,Ana Souza,BR,Rua A 10,,São Paulo,SP,01000-000,ana@example.br,+55 11 91234-5678,no,,JA-1,card,1111,Itaú,low,2026-03-01
J-2,individual,Иванов Сергей,RU,ул. Ленина 1,,Москва,,101000,s@example.ru,+7 495 123-45-67,no,,JA-2,wire,,Sberbank,medium,2026-02-01
";

#[test]
fn what_a_job_stored_is_what_the_window_reads_next() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600));
    let file = dir.path().join("c.csv");
    std::fs::write(&file, CSV).expect("csv");
    // The window read before: the list, the counts, the audit trail.
    let before = customers::list(&ctx, &session, &CustomerQuery::default()).expect("list");
    assert_eq!(before.total, 0);
    customers::counts(&ctx, &session, 2026).expect("counts");
    audit::list(&ctx, &session, &AuditQuery { action_prefix: None, limit: Some(50), offset: None })
        .expect("audit");

    let report = customers::import(&ctx, &session, &file, false).expect("import");
    assert_eq!(report.stored, 2);
    let after = customers::list(&ctx, &session, &CustomerQuery::default()).expect("list");
    assert_eq!(after.total, 2, "the main connection reads what the job stored");
    let counts = customers::counts(&ctx, &session, 2026).expect("counts");
    assert_eq!(counts.foreign_customers, 2);
}

/// Reads the customers list on another thread while a job is running (from the job's progress
/// callback); fails if the read does not answer within 10 s, i.e. if the job holds the session.
fn read_answers_during_the_job(ctx: &workbench_app::Context, session: &workbench_app::Session) -> bool {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        scope.spawn(move || {
            let _ = tx.send(customers::list(ctx, session, &CustomerQuery::default()).is_ok());
        });
        rx.recv_timeout(Duration::from_secs(10)).unwrap_or(false)
    })
}

#[test]
fn the_window_reads_while_a_backup_and_a_key_rotation_run() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600));
    let file = dir.path().join("c.csv");
    std::fs::write(&file, CSV).expect("csv");
    customers::import(&ctx, &session, &file, false).expect("import");

    let mut answered = Vec::new();
    let out = dir.path().join("b.cipwbak");
    let summary = workbench_app::workspace::backup(&ctx, &session, &out, &mut |_, _| {
        if answered.is_empty() {
            answered.push(read_answers_during_the_job(&ctx, &session));
        }
    })
    .expect("backup");
    assert!(summary.bytes > 0);
    assert_eq!(answered, [true], "a read answered while the backup ran");
    let trail = audit::list(
        &ctx,
        &session,
        &AuditQuery { action_prefix: Some("export.backup".into()), limit: Some(5), offset: None },
    )
    .expect("audit");
    assert_eq!(trail.len(), 1, "the backup is in the chain: {trail:?}");

    answered.clear();
    let rotated = workbench_app::workspace::rotate_key(&ctx, &session, common::OFFICER_PASS, &mut |_, _| {
        if answered.is_empty() {
            answered.push(read_answers_during_the_job(&ctx, &session));
        }
    })
    .expect("rotate");
    assert!(!rotated.recovery_code.is_empty());
    assert_eq!(answered, [true], "a read answered while the key rotation copied the database");
    let after = customers::list(&ctx, &session, &CustomerQuery::default()).expect("list");
    assert_eq!(after.total, 2, "the rotated database holds what was there");
}
