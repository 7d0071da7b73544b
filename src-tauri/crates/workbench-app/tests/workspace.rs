//! Workspace use cases through `workbench_app`, on real SQLCipher files with a fixed clock.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeZone;
use workbench_app::workspace::{self, InitRequest, NewActor, UnlockRequest};
use workbench_app::{AppError, Context, ErrorCode, Session};
use workbench_core::{FixedClock, Role};

const PASS: &str = "officer passphrase 2026";

fn setup() -> (tempfile::TempDir, Context, Arc<FixedClock>, Session) {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(FixedClock::new(
        chrono::Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().expect("date"),
    ));
    let ctx = Context::new(dir.path(), clock.clone());
    (dir, ctx, clock, Session::new(Duration::from_secs(15 * 60)))
}

fn init(ctx: &Context, session: &Session) -> String {
    workspace::init(
        ctx,
        session,
        &InitRequest {
            provider_name: "Example Cloud LLC".into(),
            officer_name: "Olivia Officer".into(),
            passphrase: PASS.into(),
            use_keyring: false,
        },
    )
    .expect("init")
    .recovery_code
}

#[test]
fn first_run_unlocks_as_the_officer() {
    let (_dir, ctx, _clock, session) = setup();
    let before = workspace::status(&ctx, &session).expect("status");
    assert!(!before.exists && !before.unlocked);

    let code = init(&ctx, &session);
    assert_eq!(code.len(), 39);
    let after = workspace::status(&ctx, &session).expect("status");
    assert!(after.exists && after.unlocked);
    assert_eq!(after.actor.expect("actor").name, "Olivia Officer");
    assert_eq!(after.provider_name.as_deref(), Some("Example Cloud LLC"));
    assert_eq!(after.seconds_to_lock, Some(900));
}

#[test]
fn first_run_validates_every_field_by_name() {
    let (_dir, ctx, _clock, session) = setup();
    let request = |provider: &str, officer: &str, pass: &str| InitRequest {
        provider_name: provider.into(),
        officer_name: officer.into(),
        passphrase: pass.into(),
        use_keyring: false,
    };
    let cases = [
        (request(" ", "O", PASS), "provider_name: is required"),
        (request("P", "", PASS), "name: is required"),
        (request("P", "O", "short"), "passphrase: must be at least 12 characters"),
    ];
    for (req, problem) in cases {
        let err = workspace::init(&ctx, &session, &req).expect_err("invalid");
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().ends_with(problem), "{err}");
    }
    assert!(!workspace::status(&ctx, &session).expect("status").exists, "nothing is created on bad input");
}

#[test]
fn idle_limit_locks_the_workspace() {
    let (_dir, ctx, clock, session) = setup();
    init(&ctx, &session);
    clock.advance(chrono::Duration::minutes(14));
    assert_eq!(workspace::status(&ctx, &session).expect("status").seconds_to_lock, Some(60));
    workspace::actor_list(&ctx, &session).expect("activity resets the timer");
    clock.advance(chrono::Duration::minutes(15));
    let err = workspace::actor_list(&ctx, &session).expect_err("locked");
    assert!(matches!(err, AppError::Locked));
    assert!(!workspace::status(&ctx, &session).expect("status").unlocked);

    let status = workspace::unlock(&ctx, &session, &UnlockRequest::Passphrase(PASS.into())).expect("unlock");
    assert!(status.unlocked);
}

#[test]
fn lock_then_unlock_with_recovery_code() {
    let (_dir, ctx, _clock, session) = setup();
    let code = init(&ctx, &session);
    assert!(workspace::lock(&session));
    assert!(!workspace::lock(&session), "locking twice is harmless");
    let err = workspace::unlock(&ctx, &session, &UnlockRequest::Passphrase("wrong passphrase!".into()))
        .expect_err("wrong");
    assert_eq!(err.code(), ErrorCode::WrongKey);
    workspace::unlock(&ctx, &session, &UnlockRequest::RecoveryCode(code)).expect("recovery code");
}

#[test]
fn only_officers_manage_actors_and_switching_checks_the_passphrase() {
    let (_dir, ctx, _clock, session) = setup();
    init(&ctx, &session);
    let reviewer = workspace::actor_create(
        &ctx,
        &session,
        &NewActor {
            name: "Rita Reviewer".into(),
            role: Role::Reviewer,
            passphrase: "reviewer passphrase".into(),
        },
    )
    .expect("create");
    assert_eq!(workspace::actor_list(&ctx, &session).expect("list").len(), 2);

    let err = workspace::actor_switch(&ctx, &session, reviewer.id, "not hers at all").expect_err("wrong");
    assert_eq!(err.code(), ErrorCode::WrongKey);
    workspace::actor_switch(&ctx, &session, reviewer.id, "reviewer passphrase").expect("switch");

    let err = workspace::actor_create(
        &ctx,
        &session,
        &NewActor { name: "Vic Viewer".into(), role: Role::Viewer, passphrase: "viewer passphrase".into() },
    )
    .expect_err("reviewers may not");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    assert_eq!(err.to_string(), "only an officer may manage actor profiles");

    let report = workbench_app::audit::verify(&ctx, &session).expect("verify");
    assert_eq!(report.events, 5, "workspace.create, provider.create, obligation.event, actor.create ×2");
    assert!(report.first_break.is_none());
    let events = workbench_app::audit::list(&ctx, &session, &Default::default()).expect("list");
    assert_eq!(events[0].action, "actor.create");
    assert_eq!(events[0].actor, status_actor_id_of_officer(&events));
}

/// The newest actor.create was made by the officer (the first actor.create's object).
fn status_actor_id_of_officer(events: &[workbench_app::audit::AuditEventView]) -> String {
    let first_actor = events.iter().rev().find(|e| e.action == "actor.create").expect("officer creation");
    first_actor.object.trim_start_matches("actor:").to_owned()
}

#[test]
fn passphrase_change_needs_a_long_passphrase_and_takes_effect() {
    let (_dir, ctx, _clock, session) = setup();
    init(&ctx, &session);
    let err = workspace::change_passphrase(&ctx, &session, "short").expect_err("short");
    assert!(err.to_string().ends_with("new_passphrase: must be at least 12 characters"));
    workspace::change_passphrase(&ctx, &session, "a different passphrase").expect("change");
    workspace::lock(&session);
    assert!(workspace::unlock(&ctx, &session, &UnlockRequest::Passphrase(PASS.into())).is_err());
    workspace::unlock(&ctx, &session, &UnlockRequest::Passphrase("a different passphrase".into()))
        .expect("new one");
}

#[test]
fn the_idle_lock_setting_applies_at_once_and_survives_unlock() {
    use workbench_app::settings::{self, WorkspaceSettings};
    let (_dir, ctx, clock, session) = setup();
    init(&ctx, &session);
    assert_eq!(settings::get(&ctx, &session).expect("get"), WorkspaceSettings::default());

    let err = settings::update(
        &ctx,
        &session,
        &WorkspaceSettings {
            idle_lock_minutes: 0,
            evidence_max_mib: 5000,
            cip_four_eyes: false,
            filing_four_eyes: false,
            screening_threshold: 40,
            screening_list_max_age_days: 30,
            screening_four_eyes: true,
            initial_gate_refuse: false,
        },
    )
    .expect_err("out of range");
    assert_eq!(
        err.to_string(),
        "3 invalid field(s): idle_lock_minutes: must be 1 to 240 minutes; evidence_max_mib: must be 1 to 1024 MiB; \
         screening_threshold: must be 50 to 99 hundredths"
    );

    let five = WorkspaceSettings {
        idle_lock_minutes: 5,
        evidence_max_mib: 20,
        cip_four_eyes: true,
        filing_four_eyes: true,
        screening_threshold: 88,
        screening_list_max_age_days: 14,
        screening_four_eyes: false,
        initial_gate_refuse: true,
    };
    settings::update(&ctx, &session, &five).expect("update");
    clock.advance(chrono::Duration::minutes(5));
    assert!(matches!(workspace::actor_list(&ctx, &session), Err(AppError::Locked)), "5 idle minutes lock it");

    workspace::unlock(&ctx, &session, &UnlockRequest::Passphrase(PASS.into())).expect("unlock");
    assert_eq!(workspace::status(&ctx, &session).expect("status").seconds_to_lock, Some(300));
    assert_eq!(settings::get(&ctx, &session).expect("get"), five);
    let events = workbench_app::audit::list(&ctx, &session, &Default::default()).expect("events");
    assert_eq!(events.iter().filter(|e| e.action == "settings.update").count(), 8, "each change is audited");
}

/// Issue 14, "roles are advisory": unlock opened as the first officer whatever the secret.
/// Now each person unlocks with their own passphrase as themselves, is audited as themselves,
/// and the backend holds them to their role.
#[test]
fn each_person_unlocks_as_themselves_and_is_held_to_their_role() {
    let (dir, ctx, _clock, session) = setup();
    init(&ctx, &session);
    let viewer = workspace::actor_create(
        &ctx,
        &session,
        &NewActor {
            name: "Vic Viewer".into(),
            role: Role::Viewer,
            passphrase: "vic's own passphrase".into(),
        },
    )
    .expect("create");
    workspace::lock(&session);
    let locked = workspace::status(&ctx, &session).expect("status");
    assert_eq!(locked.people, ["Olivia Officer", "Vic Viewer"], "the unlock screen can ask who");

    let err = workspace::unlock(&ctx, &session, &UnlockRequest::Passphrase("vic's own passphrase".into()))
        .expect_err("who?");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("2 people can unlock"), "{err}");
    let as_vic =
        UnlockRequest::Person { name: "vic viewer".into(), passphrase: "vic's own passphrase".into() };
    let status = workspace::unlock(&ctx, &session, &as_vic).expect("vic");
    let actor = status.actor.expect("actor");
    assert_eq!((actor.id, actor.role), (viewer.id, Role::Viewer));

    // A viewer may not take a backup, set another's passphrase, or add people.
    let out = dir.path().join("backup.cipw");
    let err = workspace::backup(&ctx, &session, &out, &mut |_, _| {}).expect_err("viewer backup");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    assert!(!out.exists());
    let err =
        workspace::actor_reset_passphrase(&ctx, &session, actor.id, "a new one for vic").expect_err("reset");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    // But changes his own passphrase, audited as him.
    workspace::change_passphrase(&ctx, &session, "vic's second passphrase").expect("own");
    let events = workbench_app::audit::list(&ctx, &session, &Default::default()).expect("list");
    assert_eq!(
        (events[0].action.as_str(), events[0].actor.as_str()),
        ("actor.passphrase_change", &*viewer.id.to_string())
    );

    // The wrong person's name with a right passphrase is a wrong key, not a way in.
    workspace::lock(&session);
    let err = workspace::unlock(
        &ctx,
        &session,
        &UnlockRequest::Person {
            name: "Olivia Officer".into(),
            passphrase: "vic's second passphrase".into(),
        },
    )
    .expect_err("not hers");
    assert_eq!(err.code(), ErrorCode::WrongKey);
    let as_olivia = UnlockRequest::Person { name: "Olivia Officer".into(), passphrase: PASS.into() };
    let status = workspace::unlock(&ctx, &session, &as_olivia).expect("olivia");
    assert_eq!(status.actor.expect("actor").role, Role::Officer);
    workspace::actor_reset_passphrase(&ctx, &session, viewer.id, "vic's reset passphrase").expect("reset");
    workspace::lock(&session);
    let as_vic =
        UnlockRequest::Person { name: "Vic Viewer".into(), passphrase: "vic's reset passphrase".into() };
    workspace::unlock(&ctx, &session, &as_vic).expect("vic with the reset passphrase");
}
