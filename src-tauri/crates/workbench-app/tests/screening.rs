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
