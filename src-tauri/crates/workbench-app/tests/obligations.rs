//! Obligations through the use cases, on a real SQLCipher workspace with a fixed clock: events
//! recorded from the UI forms become dated obligations; packs import, validate and switch;
//! met obligations keep their pack; the .ics export carries the open ones.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeZone;
use workbench_app::obligations::{self as ob, ContactView, NewEvent};
use workbench_app::{AppError, Context, Session};
use workbench_core::FixedClock;
use workbench_core::obligations::{ObligationKind, Status};

fn setup() -> (tempfile::TempDir, Context, Arc<FixedClock>, Session) {
    // 28 Nov 2026 03:00 UTC is still 27 November in New York (the default provider time zone);
    // a year of idle time: the tests move the clock by weeks.
    common::workspace_at(2026, 11, 28, 3, Duration::from_secs(366 * 24 * 3600))
}

fn cip_request(ctx: &Context, session: &Session) -> String {
    let created = ob::event_record(
        ctx,
        session,
        &NewEvent::CipCopyRequested {
            requester: "BIS Office of ICTS".into(),
            reference: String::new(),
            received_at: ctx.clock().now(),
        },
    )
    .expect("record");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].kind, ObligationKind::CipCopy);
    created[0].key.clone()
}

#[test]
fn a_cip_copy_request_is_due_in_the_packs_days_counted_in_the_providers_calendar() {
    let (_dir, ctx, _clock, session) = setup();
    let key = cip_request(&ctx, &session);
    let view = ob::obligations_list(&ctx, &session).expect("list");
    assert_eq!(view.today.to_string(), "2026-11-27", "New York date, not the UTC one");
    let o = view.obligations.iter().find(|o| o.key == key).expect("listed");
    assert_eq!(o.due_date.to_string(), "2026-12-07", "27 Nov + 10 days");
    assert_eq!(o.status, Status::DueSoon);
    assert_eq!(o.rid, "R15");
    let counts = view.counts.iter().find(|c| c.kind == ObligationKind::CipCopy).expect("count");
    assert_eq!(counts.open, 1);
    // The program started this year: next year's annual certification is listed.
    assert!(view.obligations.iter().any(|o| o.key == "annual_certification:2027"));

    let ics = ob::obligations_ics(&ctx, &session).expect("ics");
    assert!(ics.contains("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains(&format!("UID:{key}@cip-workbench")), "{ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20261207"), "{ics}");
}

#[test]
fn overdue_obligations_carry_the_penalty_ceiling_and_meeting_one_clears_it() {
    let (_dir, ctx, clock, session) = setup();
    let key = cip_request(&ctx, &session);
    clock.set(chrono::Utc.with_ymd_and_hms(2026, 12, 20, 12, 0, 0).single().expect("date"));
    let view = ob::obligations_list(&ctx, &session).expect("list");
    let o = view.obligations.iter().find(|o| o.key == key).expect("listed");
    assert_eq!(o.status, Status::Overdue);
    // R27: the pack's inflation-adjusted figure per violation, said in a sentence with its source.
    assert_eq!(view.exposure_usd, 368_136);
    assert_eq!(view.at_risk.total_usd, 368_136);
    let item = &view.at_risk.items[0];
    assert_eq!((item.key.as_str(), item.days_late, item.usd), (key.as_str(), 13, 368_136));
    assert_eq!(
        item.sentence,
        "Up to $368,136 per violation (civil, R27; the inflation-adjusted figure of the rule pack)."
    );
    assert!(
        view.at_risk.citation.starts_with(
            "R27 · rule pack us-bis-iaas-cip-2024-nprm · penalties.civil_per_violation_adjusted ⚠ assumed"
        ),
        "{}",
        view.at_risk.citation
    );
    assert_eq!(view.at_risk.statutory_usd, Some(250_000));
    assert!(view.at_risk.disclaimer.contains("not legal advice"));
    assert_eq!(ob::exposure(&ctx, &session).expect("exposure"), view.at_risk);

    let err = ob::obligation_meet(&ctx, &session, &key, "  ").expect_err("needs a reference");
    assert!(matches!(err, AppError::Core(_)));
    ob::obligation_meet(&ctx, &session, &key, "delivered by secure email").expect("meet");
    let view = ob::obligations_list(&ctx, &session).expect("list");
    let o = view.obligations.iter().find(|o| o.key == key).expect("listed");
    assert_eq!(o.status, Status::Met);
    assert_eq!(o.met.as_ref().expect("met").reference, "delivered by secure email");
    assert_eq!(view.exposure_usd, 0);
    assert!(view.at_risk.items.is_empty() && view.at_risk.total_usd == 0);
    assert!(!ob::obligations_ics(&ctx, &session).expect("ics").contains(&key), "met ones are not exported");
    let again = ob::obligation_meet(&ctx, &session, &key, "twice").expect_err("already met");
    assert!(again.to_string().contains("already met"), "{again}");
}

#[test]
fn a_bad_pack_is_refused_with_file_key_and_line_and_the_active_pack_stays() {
    let (dir, ctx, _clock, session) = setup();
    let bad = dir.path().join("final.toml");
    std::fs::write(&bad, workbench_core::rules::BUILT_IN.replacen("days = 10\n", "days = -1\n", 1))
        .expect("write");
    let err = ob::rules_import(&ctx, &session, &bad).expect_err("refused");
    let message = err.to_string();
    assert!(message.starts_with("final.toml:"), "{message}");
    assert!(message.contains("deadlines.cip_copy.days"), "{message}");
    let packs = ob::rules_list(&ctx, &session).expect("list");
    assert_eq!(packs.len(), 1);
    assert!(packs[0].built_in && packs[0].active);
}

#[test]
fn switching_packs_recomputes_open_obligations_and_keeps_met_ones() {
    let (dir, ctx, _clock, session) = setup();
    let met_key = cip_request(&ctx, &session);
    ob::obligation_meet(&ctx, &session, &met_key, "delivered").expect("meet");
    let open_key = cip_request(&ctx, &session);

    let file = dir.path().join("final-rule.toml");
    std::fs::write(
        &file,
        workbench_core::rules::BUILT_IN
            .replacen("id = \"us-bis-iaas-cip-2024-nprm\"", "id = \"us-bis-iaas-cip-final\"", 1)
            .replacen("status = \"proposed\"", "status = \"final\"", 1)
            .replacen("days = 10\n", "days = 5\n", 1),
    )
    .expect("write");
    let imported = ob::rules_import(&ctx, &session, &file).expect("import");
    assert!(!imported.active);
    ob::rules_activate(&ctx, &session, &imported.sha256).expect("activate");

    let view = ob::obligations_list(&ctx, &session).expect("list");
    assert_eq!(view.pack.id, "us-bis-iaas-cip-final");
    let open = view.obligations.iter().find(|o| o.key == open_key).expect("open");
    assert_eq!(open.due_date.to_string(), "2026-12-02", "5 days under the new pack");
    assert_eq!(open.pack_sha256, imported.sha256);
    let met = view.obligations.iter().find(|o| o.key == met_key).expect("met");
    assert_eq!(met.due_date.to_string(), "2026-12-07", "kept from the old pack");
    assert_eq!(met.pack_id, "us-bis-iaas-cip-2024-nprm");
}

#[test]
fn replacing_the_primary_contact_raises_a_change_notice() {
    let (_dir, ctx, _clock, session) = setup();
    let contact = |name: &str| ContactView {
        name: name.into(),
        title: "CIP officer".into(),
        email: "cip@example.com".into(),
        phone: "+1 202 555 0100".into(),
        since: String::new(),
    };
    ob::provider_contact_change(&ctx, &session, &contact("Ann Able")).expect("first");
    let notices = |ctx: &Context| {
        ob::obligations_list(ctx, &session)
            .expect("list")
            .obligations
            .into_iter()
            .filter(|o| o.kind == ObligationKind::ChangeNotice)
            .count()
    };
    assert_eq!(notices(&ctx), 0, "designating the first contact is not a change");
    let view = ob::provider_contact_change(&ctx, &session, &contact("Ben Baker")).expect("second");
    assert_eq!(view.contacts[0].name, "Ben Baker");
    assert_eq!(view.contacts.len(), 2, "history kept");
    assert_eq!(notices(&ctx), 1);
}

#[test]
fn the_profile_validates_each_field() {
    let (_dir, ctx, _clock, session) = setup();
    let mut profile = ob::provider_get(&ctx, &session).expect("get");
    assert_eq!(profile.legal_name, "Example Cloud LLC");
    profile.country = "usa".into();
    profile.time_zone = "Mars/Olympus".into();
    let err = ob::provider_update(&ctx, &session, &profile).expect_err("invalid");
    let message = err.to_string();
    assert!(message.contains("country") && message.contains("time_zone"), "{message}");
    profile.country = "US".into();
    profile.time_zone = "Asia/Tokyo".into();
    let saved = ob::provider_update(&ctx, &session, &profile).expect("valid");
    assert_eq!(saved.time_zone, "Asia/Tokyo");
    let view = ob::obligations_list(&ctx, &session).expect("list");
    assert_eq!(view.today.to_string(), "2026-11-28", "Tokyo is a day ahead of New York here");
}

/// Found by the e2e run after midnight UTC: forms defaulted dates to the computer's day, which in
/// the evening in New York (the provider's zone) is already tomorrow, and the backend refused a
/// signed return "in the future". The status now says the provider's today for forms to use.
#[test]
fn status_says_today_in_the_providers_time_zone() {
    let (_dir, ctx, _clock, session) =
        common::workspace_at(2026, 12, 6, 1, std::time::Duration::from_secs(3600));
    let status = workbench_app::workspace::status(&ctx, &session).expect("status");
    assert_eq!(status.today.as_deref(), Some("2026-12-05"), "01:00 UTC is 20:00 the day before in New York");
    workbench_app::workspace::lock(&session);
    assert_eq!(workbench_app::workspace::status(&ctx, &session).expect("status").today, None);
}
