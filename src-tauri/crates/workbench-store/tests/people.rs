//! Unlock as yourself (issue 14, R11): every person has a key slot of their own, so whoever
//! unlocks is the actor the workspace acts and audits as; a key rotation keeps only the
//! rotating officer's slot; an officer can set a person a new passphrase.

use std::path::Path;

mod common;

use chrono::TimeZone;
use workbench_core::Role;
use workbench_store::{StoreError, Unlock, Workspace};

const OLIVIA: &str = "olivia's own passphrase";
const RITA: &str = "rita's own passphrase";

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 0).single().expect("date")
}

fn create(root: &Path) -> workbench_store::Created {
    common::create(root, OLIVIA)
}

fn actions(ws: &Workspace) -> Vec<(String, String)> {
    ws.db()
        .read(|c| {
            let mut s = c.prepare("SELECT action, actor FROM audit_event ORDER BY seq")?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .expect("audit")
}

#[test]
fn each_person_unlocks_as_themselves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = create(dir.path());
    let mut ws = created.workspace;
    let olivia = created.officer;
    let rita = ws.add_person(olivia.id, "Rita Reviewer", Role::Reviewer, RITA, at()).expect("add rita");
    assert!(actions(&ws).contains(&("actor.create".into(), olivia.id.to_string())), "added by olivia");
    drop(ws);
    let names: Vec<String> =
        workbench_store::workspace::people(dir.path()).expect("people").into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["Olivia Officer", "Rita Reviewer"], "known while locked, for the unlock screen");

    // A passphrase alone no longer says who; the name does.
    let err = Workspace::unlock(dir.path(), Unlock::Passphrase(RITA)).expect_err("who?");
    assert!(matches!(err, StoreError::WhoAreYou { people: 2 }), "{err}");
    let ws = Workspace::unlock(dir.path(), Unlock::Person { name: "rita reviewer", passphrase: RITA })
        .expect("rita");
    assert_eq!((ws.person().id, ws.person().role), (rita.id, Role::Reviewer));
    drop(ws);
    // Olivia's passphrase does not open Rita's slot, nor Rita's Olivia's.
    for (name, passphrase) in [("Rita Reviewer", OLIVIA), ("Olivia Officer", RITA)] {
        let err = Workspace::unlock(dir.path(), Unlock::Person { name, passphrase }).expect_err("not theirs");
        assert!(matches!(err, StoreError::WrongPassphrase), "{err}");
    }

    // Rita changes her own passphrase: her slot and her actor passphrase both follow.
    let mut ws = Workspace::unlock(dir.path(), Unlock::Person { name: "Rita Reviewer", passphrase: RITA })
        .expect("rita");
    ws.change_passphrase(rita.id, "rita's second passphrase", at()).expect("change");
    assert!(ws.check_actor(rita.id, "rita's second passphrase").is_ok());
    assert!(actions(&ws).contains(&("actor.passphrase_change".into(), rita.id.to_string())));
    drop(ws);
    assert!(
        Workspace::unlock(dir.path(), Unlock::Person { name: "Rita Reviewer", passphrase: RITA }).is_err()
    );
    let ws = Workspace::unlock(
        dir.path(),
        Unlock::Person { name: "Rita Reviewer", passphrase: "rita's second passphrase" },
    )
    .expect("the new one");
    assert!(ws.verify_audit().expect("verify").first_break.is_none());
}

#[test]
fn a_rotation_keeps_the_officers_slot_and_the_others_come_back_by_sign_in_or_reset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = create(dir.path());
    let mut ws = created.workspace;
    let olivia = created.officer;
    let rita = ws.add_person(olivia.id, "Rita Reviewer", Role::Reviewer, RITA, at()).expect("rita");
    let vic =
        ws.add_person(olivia.id, "Vic Viewer", Role::Viewer, "vic's own passphrase", at()).expect("vic");

    let rotated = ws.rotate_data_key(OLIVIA, olivia.id, at(), &mut |_, _| {}).expect("rotate");
    assert_eq!(rotated.people_without_slot, ["Rita Reviewer", "Vic Viewer"]);
    assert_eq!(ws.people().len(), 1);
    // Rita signs in on the unlocked workspace (her actor passphrase still checks): her slot is
    // back. Vic forgot his: Olivia sets him a new one.
    ws.sign_in(rita.id, RITA, at()).expect("rita signs in");
    ws.set_passphrase_of(olivia.id, vic.id, "vic's reset passphrase", "actor.passphrase_reset", at())
        .expect("reset");
    assert!(actions(&ws).contains(&("actor.passphrase_reset".into(), olivia.id.to_string())));
    drop(ws);
    for (name, passphrase, who) in [
        ("Olivia Officer", OLIVIA, olivia.id),
        ("Rita Reviewer", RITA, rita.id),
        ("Vic Viewer", "vic's reset passphrase", vic.id),
    ] {
        let ws = Workspace::unlock(dir.path(), Unlock::Person { name, passphrase }).expect(name);
        assert_eq!(ws.person().id, who);
    }
}

/// Issue 14: without keyslots.json (and now its copy) the database could not be opened at all,
/// even with the recovery code. The recovery sheet's rebuild block brings the recovery slot
/// back; the first officer then sets their passphrase, the others sign in again.
#[test]
fn both_key_slot_files_lost_are_rebuilt_from_the_recovery_sheet() {
    use workbench_store::workspace::{DB_FILE, KEYSLOTS_COPY_FILE, KEYSLOTS_FILE, rebuild_slots};
    let dir = tempfile::tempdir().expect("tempdir");
    let created = create(dir.path());
    let code = created.recovery_code.clone();
    let olivia = created.officer.clone();
    let mut ws = created.workspace;
    let rita = ws.add_person(olivia.id, "Rita Reviewer", Role::Reviewer, RITA, at()).expect("rita");
    let block = ws.rebuild_block().expect("the sheet's block");
    // The block from another workspace, and a wrong code, are refused before anything is written.
    let other = tempfile::tempdir().expect("tempdir");
    let other_block = create(other.path()).workspace.rebuild_block().expect("block");
    drop(ws);
    std::fs::remove_file(dir.path().join(KEYSLOTS_COPY_FILE)).expect("lost");
    std::fs::write(dir.path().join(KEYSLOTS_FILE), b"{\"format\": \"cip-workb").expect("damaged");
    let db_before = std::fs::read(dir.path().join(DB_FILE)).expect("db");

    let err = rebuild_slots(dir.path(), &other_block, &code).expect_err("another workspace's block");
    assert!(matches!(err, StoreError::WrongRecoveryCode), "{err}");
    let err = rebuild_slots(dir.path(), &block, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH").expect_err("code");
    assert!(matches!(err, StoreError::WrongRecoveryCode), "{err}");
    assert_eq!(std::fs::read(dir.path().join(DB_FILE)).expect("db"), db_before, "nothing written");
    assert!(!dir.path().join(KEYSLOTS_COPY_FILE).exists());

    let mut ws = rebuild_slots(dir.path(), &block, &code).expect("rebuilt");
    assert_eq!(ws.person().id, olivia.id, "the recovery code opens as the first officer");
    assert!(dir.path().join(format!("{KEYSLOTS_FILE}.damaged")).exists(), "the damaged file is kept");
    assert!(actions(&ws).iter().any(|(action, _)| action == "keyslots.rebuild"));
    ws.change_passphrase(olivia.id, OLIVIA, at()).expect("olivia's slot again");
    ws.sign_in(rita.id, RITA, at()).expect("rita's slot again");
    assert!(ws.verify_audit().expect("verify").first_break.is_none());
    drop(ws);
    let ws = Workspace::unlock(dir.path(), Unlock::Person { name: "Rita Reviewer", passphrase: RITA })
        .expect("rita");
    assert_eq!(ws.person().id, rita.id);
    // A workspace whose slots read is not rebuilt over.
    drop(ws);
    assert!(matches!(rebuild_slots(dir.path(), &block, &code), Err(StoreError::WorkspaceExists(_))));
}
