//! The special-measures register (R22, issue 16): dates from the pack, status over time with the
//! injected clock, extensions, bad measures refused with nothing stored, the calendar.

mod common;

use std::time::Duration;

use chrono::NaiveDate;
use workbench_app::measures;
use workbench_core::measures::{Extension, MeasureKind, MeasurePerson, MeasureStatus, NewMeasure};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn on_persons() -> NewMeasure {
    NewMeasure {
        title: "Prohibition on opening accounts: Example Cyber Group".into(),
        citation: "91 FR 12345".into(),
        determined_on: day(2026, 11, 2),
        effective_on: None,
        ends_on: None,
        kind: MeasureKind::ProhibitOpening,
        close_by: None,
        conditions: Vec::new(),
        persons: vec![MeasurePerson {
            name: "Example Cyber Group".into(),
            aliases: vec!["ECG".into()],
            entity: true,
            dates_of_birth: Vec::new(),
            countries: vec!["RU".into()],
            identifiers: Vec::new(),
        }],
        jurisdictions: Vec::new(),
    }
}

#[test]
fn a_measure_is_announced_in_force_extended_and_expired_as_the_days_go() {
    let (_dir, ctx, clock, session) =
        common::workspace_at(2026, 11, 2, 15, Duration::from_secs(86_400 * 800));
    let m = measures::add(&ctx, &session, &on_persons(), None).expect("add");
    let pack = workbench_core::rules::RulePack::built_in().pack;
    let lead = pack.deadlines.special_measure_lead.days;
    let effective = day(2026, 11, 2) + chrono::Duration::days(lead);
    assert_eq!(m.effective_on, effective.to_string());
    assert!(m.effective_derived && m.end_derived);
    assert_eq!(m.recorded_by, "Olivia Officer");
    let expected = if lead > 0 { MeasureStatus::Announced } else { MeasureStatus::InForce };
    assert_eq!(m.status, expected);

    clock.advance(chrono::Duration::days(lead + 1));
    assert_eq!(measures::get(&ctx, &session, &m.id).expect("get").status, MeasureStatus::InForce);

    let end: NaiveDate = m.ends_on.parse().expect("date");
    let err =
        measures::extend(&ctx, &session, &m.id, &Extension { citation: "92 FR 1".into(), ends_on: end })
            .expect_err("not later");
    assert!(err.to_string().contains("must be after the current end"), "{err}");
    let later = end + chrono::Duration::days(90);
    let extended =
        measures::extend(&ctx, &session, &m.id, &Extension { citation: "92 FR 1".into(), ends_on: later })
            .expect("extend");
    assert_eq!(extended.current_end, later.to_string());

    let now = workbench_core::Clock::now(clock.as_ref()).date_naive();
    clock.advance((end - now) + chrono::Duration::days(1));
    assert_eq!(measures::get(&ctx, &session, &m.id).expect("get").status, MeasureStatus::Extended);
    clock.advance(chrono::Duration::days(90));
    assert_eq!(measures::get(&ctx, &session, &m.id).expect("get").status, MeasureStatus::Expired);

    let trail = workbench_app::audit::list(&ctx, &session, &Default::default()).expect("audit");
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"measure.record") && actions.contains(&"measure.extend"), "{actions:?}");
}

#[test]
fn a_bad_measure_is_refused_by_field_and_nothing_is_stored() {
    let (_dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 15, Duration::from_secs(3600));
    let mut bad = on_persons();
    bad.effective_on = Some(day(2026, 12, 1));
    bad.ends_on = Some(day(2026, 11, 20));
    bad.jurisdictions = vec!["ZZ".into()];
    let err = measures::add(&ctx, &session, &bad, None).expect_err("bad").to_string();
    assert!(err.contains("ends_on: must be after the effective date"), "{err}");
    assert!(err.contains("jurisdictions: \"ZZ\""), "{err}");
    assert!(measures::list(&ctx, &session).expect("list").is_empty());
}

#[test]
fn a_measure_puts_its_dates_on_the_calendar() {
    let (_dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 15, Duration::from_secs(3600));
    let mut m = on_persons();
    m.persons.clear();
    m.jurisdictions = vec!["kp".into()];
    m.effective_on = Some(day(2026, 12, 1));
    let added = measures::add(&ctx, &session, &m, None).expect("add");
    assert_eq!(added.jurisdictions, ["KP"]);
    let view = workbench_app::obligations::obligations_list(&ctx, &session).expect("obligations");
    let titles: Vec<String> =
        view.obligations.iter().map(|o| format!("{} {}", o.due_date, o.title)).collect();
    assert!(titles.iter().any(|t| t.starts_with("2026-12-01") && t.contains("persons in KP")), "{titles:#?}");
    let ics = workbench_app::obligations::obligations_ics(&ctx, &session).expect("ics");
    assert!(ics.contains("persons in KP"), "the .ics export carries it");
}
