//! Screening lists (R22, issue 16): versions imported from the real SDN snapshot, one active per
//! list, a malformed file refused with nothing changed, names checked with explanations.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use workbench_app::error::AppError;
use workbench_app::screening::{self, ListFiles, ScreeningQuery};
use workbench_screening::{EntryKind, ListSource};

fn shared_sdn() -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/data/ofac-sdn-watchman-2021");
    assert!(dir.join("sdn.csv").is_file(), "the shared SDN snapshot is missing at {}", dir.display());
    dir
}

/// A copy of the SDN set in `dir`, with `sdn.csv` passed through `edit`.
fn sdn_copy(dir: &Path, edit: impl FnOnce(String) -> String) -> PathBuf {
    std::fs::create_dir_all(dir).expect("dir");
    for name in ["add.csv", "alt.csv"] {
        std::fs::copy(shared_sdn().join(name), dir.join(name)).expect("copy");
    }
    let sdn = std::fs::read_to_string(shared_sdn().join("sdn.csv")).expect("sdn");
    std::fs::write(dir.join("sdn.csv"), edit(sdn)).expect("write");
    dir.to_path_buf()
}

fn cuba() -> ScreeningQuery {
    ScreeningQuery {
        name: "National Bank of Cuba".into(),
        kind: Some(EntryKind::Entity),
        ..Default::default()
    }
}

#[test]
fn an_imported_list_is_checked_against_with_explained_hits() {
    let (_dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600));
    let err = screening::check(&ctx, &session, &cuba()).expect_err("no list yet");
    assert!(err.to_string().contains("no screening list is active"), "{err}");

    let published = chrono::NaiveDate::from_ymd_opt(2021, 7, 7);
    let imported =
        screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: shared_sdn() }, published, true)
            .expect("import");
    let v = &imported.version;
    assert_eq!((v.source, v.entries, v.aliases, v.active), (ListSource::Sdn, 8_976, 11_910, true));
    assert_eq!(v.published_on.as_deref(), Some("2021-07-07"));
    assert_eq!(v.imported_by, "Olivia Officer");
    assert!(!imported.already_held);

    let result = screening::check(&ctx, &session, &cuba()).expect("check");
    let hit = result.hits.first().expect("a hit");
    assert_eq!((hit.list, hit.entry_id.as_str()), (ListSource::Sdn, "306"));
    assert_eq!(hit.primary_name, "BANCO NACIONAL DE CUBA");
    assert_eq!(hit.explanation.list_name, "NATIONAL BANK OF CUBA", "the alias it met");
    assert_eq!(hit.explanation.list_fingerprint, v.sha256);
    assert_eq!(result.threshold, 0.85);
    assert_eq!(result.lists[0].sha256, v.sha256);
    let none = screening::check(
        &ctx,
        &session,
        &ScreeningQuery {
            name: "Olivia Whitfield".into(),
            kind: Some(EntryKind::Individual),
            ..Default::default()
        },
    )
    .expect("check");
    assert!(none.hits.is_empty(), "{:#?}", none.hits);

    // The same files again: nothing new is stored.
    let again = screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: shared_sdn() }, None, true)
        .expect("again");
    assert!(again.already_held);
    assert_eq!(screening::lists(&ctx, &session).expect("lists").len(), 1);

    let trail = workbench_app::audit::list(&ctx, &session, &Default::default()).expect("audit");
    let actions: Vec<&str> =
        trail.iter().map(|e| e.action.as_str()).filter(|a| a.starts_with("screening.")).collect();
    assert_eq!(actions.iter().filter(|a| **a == "screening.list_import").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "screening.list_activate").count(), 1, "{actions:?}");
}

#[test]
fn a_malformed_file_is_refused_by_line_and_the_active_version_stays() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600));
    let first = screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: shared_sdn() }, None, true)
        .expect("import")
        .version;

    // Line 3 loses its last fields.
    let broken = sdn_copy(&dir.path().join("broken"), |sdn| {
        let mut lines: Vec<String> = sdn.split("\r\n").map(str::to_owned).collect();
        lines[2] = lines[2].split(",-0-").next().unwrap_or_default().to_owned();
        lines.join("\r\n")
    });
    let err =
        screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: broken }, None, true).expect_err("bad");
    assert!(matches!(err, AppError::Core(_)), "{err}");
    let message = err.to_string();
    assert!(message.contains("sdn.csv, line 3"), "names file and line: {message}");

    // An entry twice.
    let twice = sdn_copy(&dir.path().join("twice"), |sdn| {
        // The file ends with the DOS end-of-file mark (0x1A), as OFAC's do: the copy goes before it.
        let first_line = sdn.split("\r\n").next().unwrap_or_default().to_owned();
        format!("{}{first_line}\r\n", sdn.trim_end_matches('\u{1a}'))
    });
    let err =
        screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: twice }, None, true).expect_err("dup");
    assert!(err.to_string().contains("column ent_num: entry 36 appears twice"), "{err}");

    let lists = screening::lists(&ctx, &session).expect("lists");
    assert_eq!(lists.len(), 1, "nothing stored");
    assert!(lists[0].active && lists[0].id == first.id, "the active version is untouched");
    assert_eq!(screening::check(&ctx, &session, &cuba()).expect("check").hits[0].entry_id, "306");
}

#[test]
fn several_versions_are_kept_and_one_is_active() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600));
    let first = screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: shared_sdn() }, None, true)
        .expect("import")
        .version;
    // A later version without the Cuban bank (entry 306), imported but not yet active.
    let later = sdn_copy(&dir.path().join("later"), |sdn| {
        sdn.split("\r\n").filter(|l| !l.starts_with("306,")).collect::<Vec<_>>().join("\r\n")
    });
    let add_alt_without_306 = |name: &str| {
        let text = std::fs::read_to_string(later.join(name)).expect("read");
        let kept: Vec<&str> = text.split("\r\n").filter(|l| !l.starts_with("306,")).collect();
        std::fs::write(later.join(name), kept.join("\r\n")).expect("write");
    };
    add_alt_without_306("add.csv");
    add_alt_without_306("alt.csv");
    let second = screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: later }, None, false)
        .expect("import")
        .version;
    assert_eq!(second.entries, 8_975);
    assert!(!second.active);
    assert_eq!(
        screening::check(&ctx, &session, &cuba()).expect("check").hits[0].entry_id,
        "306",
        "first still active"
    );

    let activated = screening::list_activate(&ctx, &session, &second.id).expect("activate");
    assert!(activated.active);
    let lists = screening::lists(&ctx, &session).expect("lists");
    assert_eq!(lists.iter().filter(|l| l.active).count(), 1);
    assert!(lists.iter().any(|l| l.id == first.id && !l.active), "the first is kept, inactive");
    let result = screening::check(&ctx, &session, &cuba()).expect("check");
    assert!(result.hits.iter().all(|h| h.entry_id != "306"), "checked against the new version");
    assert_eq!(result.lists[0].version_id, second.id);
}

#[test]
fn a_csl_file_is_a_list_of_its_own() {
    let (_dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600));
    let csl = screening::list_import(
        &ctx,
        &session,
        &ListFiles::Csl { file: shared_sdn().join("csl_sample.csv") },
        None,
        true,
    )
    .expect("import")
    .version;
    assert_eq!((csl.source, csl.entries), (ListSource::Csl, 115));
    screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: shared_sdn() }, None, true).expect("sdn");
    let lists = screening::lists(&ctx, &session).expect("lists");
    assert_eq!(lists.iter().filter(|l| l.active).count(), 2, "one active per list");
    let result = screening::check(&ctx, &session, &cuba()).expect("check");
    assert_eq!(result.lists.len(), 2, "checked against both");
    let err = screening::check(
        &ctx,
        &session,
        &ScreeningQuery { name: "X".into(), country: Some("XX".into()), ..Default::default() },
    )
    .expect_err("bad country");
    assert!(err.to_string().contains("country"), "{err}");
}

const SCREENED: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
S-1,entity,Banco Nacional de Cuba S.A.,CU,Calle 1,,La Habana,,10400,it@bnc.example,+53 7 123 4567,no,,SA-1,wire,,Banco,high,2026-01-01
S-2,individual,Olivia Whitfield,GB,1 High Street,,London,,EC1A 1BB,olivia@example.co.uk,+44 20 7946 0000,no,,SA-2,card,4242,Barclays,low,2026-01-02
";

fn reviewer(ctx: &workbench_app::Context, session: &workbench_app::Session) -> String {
    workbench_app::workspace::actor_create(
        ctx,
        session,
        &workbench_app::workspace::NewActor {
            name: "Rita Reviewer".into(),
            role: workbench_core::Role::Reviewer,
            passphrase: "reviewer passphrase 2026".into(),
        },
    )
    .expect("reviewer")
    .id
    .to_string()
}

/// A workspace with the `IN_KP` customers whose officer works alone (four eyes on screening off).
fn kp_customers_alone() -> (tempfile::TempDir, workbench_app::Context, workbench_app::Session) {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600 * 24));
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, IN_KP).expect("write");
    workbench_app::customers::import(&ctx, &session, &file, false).expect("import");
    let mut settings = workbench_app::settings::get(&ctx, &session).expect("settings");
    settings.screening_four_eyes = false;
    workbench_app::settings::update(&ctx, &session, &settings).expect("four eyes off");
    (dir, ctx, session)
}

/// A measure in force since 2026-10-01 naming Park Elsewhere (customer J-3 of `IN_KP`).
fn on_park(
    kind: workbench_core::measures::MeasureKind,
    close_by: Option<chrono::NaiveDate>,
    conditions: &[&str],
) -> workbench_core::measures::NewMeasure {
    let determined = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date");
    workbench_core::measures::NewMeasure {
        title: "A measure on Park Elsewhere".into(),
        citation: "91 FR 777".into(),
        determined_on: determined,
        effective_on: Some(determined),
        ends_on: None,
        kind,
        close_by,
        conditions: conditions.iter().map(|c| (*c).to_owned()).collect(),
        persons: vec![workbench_core::measures::MeasurePerson {
            name: "Park Elsewhere".into(),
            aliases: Vec::new(),
            entity: false,
            dates_of_birth: Vec::new(),
            countries: vec!["KR".into()],
            identifiers: Vec::new(),
        }],
        jurisdictions: Vec::new(),
    }
}

fn rescreen(ctx: &workbench_app::Context, session: &workbench_app::Session) -> screening::RunSummary {
    screening::run(ctx, session, screening::RunTrigger::Rescreen, None, &mut |_, _| true).expect("run")
}

#[test]
fn a_false_positive_stays_closed_until_the_entry_changes_and_a_true_match_blocks_approval() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600 * 24));
    let rita = reviewer(&ctx, &session);
    screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: shared_sdn() }, None, true).expect("list");
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, SCREENED).expect("write");
    let report = workbench_app::customers::import(&ctx, &session, &file, false).expect("import");
    // Intake: the customers stored are screened right after the import.
    let first = report.screening.expect("screened on intake");
    assert_eq!((first.trigger, first.subjects), (screening::RunTrigger::Intake, 2));
    assert!(first.new_hits >= 1, "{first:?}");
    let pending = screening::hits_pending(&ctx, &session).expect("hits");
    let bank =
        pending.iter().find(|h| h.entry.as_ref().is_some_and(|e| e.entry_id == "306")).expect("hit on 306");
    assert_eq!(bank.customer_ref, "S-1");
    assert_eq!(bank.entry.as_ref().map(|e| e.names[0].text.as_str()), Some("BANCO NACIONAL DE CUBA"));
    assert!(bank.explanation.as_ref().is_some_and(|e| e.set_aside == ["sa"]));
    assert!(pending.iter().all(|h| h.customer_ref == "S-1"), "Olivia Whitfield is on no list: {pending:#?}");

    // On demand, one customer: only it (and its owners) is screened, and the run says which.
    let one = screening::run(
        &ctx,
        &session,
        screening::RunTrigger::OnDemand,
        Some(&["S-2".to_owned()]),
        &mut |_, _| true,
    )
    .expect("on demand");
    assert_eq!((one.subjects, one.new_hits), (1, 0));
    let err = screening::run(
        &ctx,
        &session,
        screening::RunTrigger::OnDemand,
        Some(&["NOPE".to_owned()]),
        &mut |_, _| true,
    )
    .expect_err("unknown customer");
    assert!(err.to_string().contains("NOPE") || err.to_string().contains("customer"), "{err}");

    // The same hits again are not opened twice.
    let again = rescreen(&ctx, &session);
    assert_eq!((again.new_hits, again.already_open), (0, first.new_hits));

    // Every hit called a false positive: the next run leaves them closed.
    let err = screening::decide_hit(
        &ctx,
        &session,
        &screening::HitDecision { hit_id: bank.id.clone(), true_match: false, reason: " ".into() },
    )
    .expect_err("a reason is required");
    assert!(err.to_string().contains("reason"), "{err}");
    for hit in &pending {
        screening::decide_hit(
            &ctx,
            &session,
            &screening::HitDecision {
                hit_id: hit.id.clone(),
                true_match: false,
                reason: "other bank, other country records".into(),
            },
        )
        .expect("false positive");
    }
    let remembered = rescreen(&ctx, &session);
    assert_eq!((remembered.new_hits, remembered.remembered), (0, first.new_hits), "{remembered:?}");

    // A new list version where entry 306 changed: its hit comes back.
    let changed = sdn_copy(&dir.path().join("changed"), |sdn| {
        sdn.replace(
            "306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\"",
            "306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA] [CYBER2\"",
        )
    });
    screening::list_import(&ctx, &session, &ListFiles::Sdn { dir: changed }, None, true)
        .expect("new version");
    let back = rescreen(&ctx, &session);
    assert_eq!(back.new_hits, 1, "only the changed entry's hit comes back: {back:?}");
    let returned = screening::hits_pending(&ctx, &session).expect("hits").into_iter().next().expect("one");
    assert!(
        returned
            .entry
            .as_ref()
            .is_some_and(|e| e.entry_id == "306" && e.programs.contains(&"CYBER2".to_owned()))
    );

    // A true match waits for a second reviewer (four eyes on by default), who must be someone else.
    let decided = screening::decide_hit(
        &ctx,
        &session,
        &screening::HitDecision {
            hit_id: returned.id.clone(),
            true_match: true,
            reason: "same bank, same address".into(),
        },
    )
    .expect("true match");
    assert_eq!(decided.state, "awaiting_second");
    let err = screening::second_hit(&ctx, &session, &returned.id, true).expect_err("same person");
    assert!(err.to_string().contains("four eyes"), "{err}");
    workbench_app::workspace::actor_switch(
        &ctx,
        &session,
        rita.parse().expect("id"),
        "reviewer passphrase 2026",
    )
    .expect("switch");
    assert_eq!(
        screening::second_hit(&ctx, &session, &returned.id, true).expect("confirm").state,
        "true_match"
    );

    // The true match blocks approval of the customer.
    common::verify_required(&ctx, &session, "S-1");
    let err = workbench_app::review::decide(
        &ctx,
        &session,
        &workbench_app::review::DecisionRequest {
            customer_ref: "S-1".into(),
            kind: workbench_core::verification::DecisionKind::Approve,
            reason_code: String::new(),
            note: String::new(),
            until: None,
        },
    )
    .expect_err("blocked");
    assert!(err.to_string().contains("true match") && err.to_string().contains("special_measure"), "{err}");
}

const IN_KP: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
J-1,individual,Kim Address,KP,1 Street,,Pyongyang,,00000,kim@example.kp,+82 2 312 3456,no,,JA-1,card,4242,Bank,high,2026-01-01
J-2,individual,Lee Phone,CN,2 Road,,Dandong,,118000,lee@example.cn,+850 2 381 2345,no,,JA-2,card,4243,Bank,high,2026-01-02
J-3,individual,Park Elsewhere,KR,3 Avenue,,Seoul,,04524,park@example.kr,+82 2 312 3457,no,,JA-3,card,4244,Bank,low,2026-01-03
J-4,individual,Choi Remote,KR,4 Avenue,,Busan,,48058,choi@example.kr,+82 51 123 4567,no,,JA-4,card,4245,Bank,low,2026-01-04
";

/// JA-4 was reached from a North Korean address (175.45.176.0/22), JA-3 from Seoul.
const IP_LOG: &str = "account_ref,ip,accessed_at,kind
JA-4,175.45.176.9,2026-10-01T08:00:00Z,admin
JA-4,203.0.113.7,2026-10-02T08:00:00Z,access
JA-3,211.234.10.20,2026-10-01T08:00:00Z,access
";

fn mmdb() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../../../ui/node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb",
    )
}

#[test]
fn a_measure_on_a_jurisdiction_hits_by_address_phone_and_ip_and_a_named_person_by_name() {
    use workbench_core::measures::{MeasureKind, MeasurePerson, NewMeasure};
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600 * 24));
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, IN_KP).expect("write");
    let log = dir.path().join("ips.csv");
    std::fs::write(&log, IP_LOG).expect("write");
    let report = workbench_app::customers::import_tracked(
        &ctx,
        &session,
        &file,
        None,
        Some(&log),
        false,
        &mut |_, _| true,
    )
    .expect("import");
    assert_eq!(report.stored, 4, "{report:?}");
    let err = screening::ipdb_import(&ctx, &session, &file).expect_err("a CSV is not an IP database");
    assert!(
        err.to_string().contains("customers.csv") && err.to_string().contains("not an IP-to-country"),
        "{err}"
    );
    let ipdb = screening::ipdb_import(&ctx, &session, &mmdb()).expect("ipdb");
    assert!(ipdb.active && ipdb.built_on.is_some());
    let determined = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date");
    workbench_app::measures::add(
        &ctx,
        &session,
        &NewMeasure {
            title: "Prohibition: persons in KP, and Park Elsewhere".into(),
            citation: "91 FR 555".into(),
            determined_on: determined,
            effective_on: Some(determined),
            ends_on: None,
            kind: MeasureKind::ProhibitOpening,
            close_by: None,
            conditions: Vec::new(),
            persons: vec![MeasurePerson {
                name: "Park Elsewhere".into(),
                aliases: Vec::new(),
                entity: false,
                dates_of_birth: Vec::new(),
                countries: vec!["KR".into()],
                identifiers: Vec::new(),
            }],
            jurisdictions: vec!["KP".into()],
        },
        None,
    )
    .expect("measure");

    // No list imported: the register alone is screened against.
    let run = rescreen(&ctx, &session);
    assert_eq!(run.lists.iter().map(|l| l.source).collect::<Vec<_>>(), [ListSource::Register]);
    let hits = screening::hits_pending(&ctx, &session).expect("hits");
    let by_ref = |r: &str| hits.iter().filter(|h| h.customer_ref == r).collect::<Vec<_>>();
    let kim = by_ref("J-1");
    assert_eq!(kim.len(), 1, "{hits:#?}");
    assert_eq!(
        kim[0].jurisdiction.as_ref().map(|j| j.found.clone()),
        Some(vec!["address country KP".to_owned()])
    );
    let lee = by_ref("J-2");
    assert_eq!(lee.len(), 1, "{hits:#?}");
    assert_eq!(
        lee[0].jurisdiction.as_ref().map(|j| j.found.clone()),
        Some(vec!["phone +85023812345 (KP)".to_owned()])
    );
    let choi = by_ref("J-4");
    assert_eq!(choi.len(), 1, "{hits:#?}");
    assert_eq!(
        choi[0].jurisdiction.as_ref().map(|j| j.found.clone()),
        Some(vec!["IP address 175.45.176.9 (KP)".to_owned()])
    );
    let park = by_ref("J-3");
    assert_eq!(park.len(), 1, "named by the measure: {hits:#?}");
    assert_eq!(park[0].list, ListSource::Register);
    assert!(park[0].explanation.as_ref().is_some_and(|e| e.score >= 0.85));

    // The dashboard's figures.
    let o = screening::overview(&ctx, &session).expect("overview");
    assert_eq!((o.measures_in_force, o.measures_announced, o.hits_waiting, o.true_matches), (1, 0, 4, 0));
    assert!(o.active_lists.is_empty() && o.last_rescreen_at.is_some() && o.max_age_days == 30, "{o:?}");

    // The register's persons are checked one by one too.
    let result = screening::check(
        &ctx,
        &session,
        &ScreeningQuery { name: "Park Elsewhere".into(), ..Default::default() },
    )
    .expect("check");
    assert_eq!(result.hits.first().map(|h| h.list), Some(ListSource::Register));
}

#[test]
fn the_demo_screens_against_its_sdn_sample_and_measures_with_a_true_match_a_false_positive_and_an_open_hit() {
    let (_dir, ctx, _clock, session) = common::workspace_at(2026, 11, 2, 9, Duration::from_secs(3600));
    workbench_app::demo::fill(&ctx, &session, 30).expect("demo");
    let lists = screening::lists(&ctx, &session).expect("lists");
    assert_eq!((lists.len(), lists[0].entries, lists[0].active), (1, 300, true));
    let measures = workbench_app::measures::list(&ctx, &session).expect("measures");
    assert_eq!(measures.len(), 2);
    let o = screening::overview(&ctx, &session).expect("overview");
    assert_eq!((o.measures_in_force, o.true_matches), (2, 1), "{o:?}");
    let pending = screening::hits_pending(&ctx, &session).expect("hits");
    assert!(pending.iter().any(|h| h.customer_ref == "S-000003" && h.jurisdiction.is_some()), "{pending:#?}");
    assert!(
        pending.iter().all(|h| h.customer_ref != "S-000002"),
        "the false positive is closed: {pending:#?}"
    );
}

#[test]
fn a_true_match_on_a_measure_that_prohibits_maintaining_raises_the_closing_obligation() {
    use workbench_core::measures::MeasureKind;
    let (_dir, ctx, session) = kp_customers_alone();
    let close_by = chrono::NaiveDate::from_ymd_opt(2026, 12, 15).expect("date");
    workbench_app::measures::add(
        &ctx,
        &session,
        &on_park(MeasureKind::ProhibitMaintaining, Some(close_by), &[]),
        None,
    )
    .expect("measure");
    rescreen(&ctx, &session);
    let hit = screening::hits_pending(&ctx, &session)
        .expect("hits")
        .into_iter()
        .find(|h| h.customer_ref == "J-3")
        .expect("hit");
    screening::decide_hit(
        &ctx,
        &session,
        &screening::HitDecision { hit_id: hit.id, true_match: true, reason: "same person".into() },
    )
    .expect("true match");
    let view = workbench_app::obligations::obligations_list(&ctx, &session).expect("obligations");
    let closing = view
        .obligations
        .iter()
        .find(|o| o.kind == workbench_core::obligations::ObligationKind::SpecialMeasureClosure)
        .expect("a closing obligation");
    assert_eq!(closing.due_date, close_by);
    assert!(
        closing.title.contains("J-3") && closing.title.contains("A measure on Park Elsewhere"),
        "{}",
        closing.title
    );
    assert_eq!(closing.rid, "R22");
}

#[test]
fn a_true_match_on_a_measure_of_conditions_puts_a_checklist_that_holds_approval_until_met() {
    use workbench_core::measures::MeasureKind;
    let (_dir, ctx, session) = kp_customers_alone();
    let conditions = ["Identity re-verified in person", "No GPU instances"];
    workbench_app::measures::add(&ctx, &session, &on_park(MeasureKind::Conditions, None, &conditions), None)
        .expect("measure");
    rescreen(&ctx, &session);
    let hit = screening::hits_pending(&ctx, &session)
        .expect("hits")
        .into_iter()
        .find(|h| h.customer_ref == "J-3")
        .expect("hit");
    screening::decide_hit(
        &ctx,
        &session,
        &screening::HitDecision { hit_id: hit.id.clone(), true_match: true, reason: "same person".into() },
    )
    .expect("true match");
    let list = screening::conditions(&ctx, &session).expect("conditions");
    assert_eq!(
        list.iter().map(|c| c.condition.as_str()).collect::<Vec<_>>(),
        ["Identity re-verified in person", "No GPU instances"]
    );
    assert!(list.iter().all(|c| c.customer_ref == "J-3" && c.met_at.is_none()));

    let approve = || {
        workbench_app::review::decide(
            &ctx,
            &session,
            &workbench_app::review::DecisionRequest {
                customer_ref: "J-3".into(),
                kind: workbench_core::verification::DecisionKind::Approve,
                reason_code: String::new(),
                note: String::new(),
                until: None,
            },
        )
    };
    common::verify_required(&ctx, &session, "J-3");
    let err = approve().expect_err("conditions unmet");
    assert!(err.to_string().contains("2 condition(s)"), "{err}");
    assert!(screening::condition_met(&ctx, &session, &hit.id, 0, " ").is_err(), "a note is required");
    screening::condition_met(&ctx, &session, &hit.id, 0, "seen with passport at the Seoul office")
        .expect("met");
    screening::condition_met(&ctx, &session, &hit.id, 1, "GPU instance types disabled on JA-3").expect("met");
    assert!(screening::condition_met(&ctx, &session, &hit.id, 1, "again").is_err(), "met once");
    approve().expect("conditions met: approval goes through");
    let report = workbench_app::audit::verify_objects(&ctx, &session).expect("verify");
    assert_eq!(report.problem_count, 0, "the checklist is part of the hit's record: {:?}", report.problems);
}
