//! The workspace through the real binary: init, unlock by keyring (a real gnome-keyring under a
//! private D-Bus) and by passphrase, audit verification, and no plaintext on disk or in logs.

use std::path::Path;

use crate::support::{app, app_with_keyring, run, snapshot, stderr, stdout, with_keyring, write_secret};

const PASS: &str = "scenario passphrase 2026";
const CANARY_PROVIDER: &str = "CANARY-Provider-Zq7Xw";

fn passphrase_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("pass.txt");
    write_secret(&path, &format!("{PASS}\n"));
    path
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn init_without_keyring_then_verify_with_the_passphrase() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let pass = passphrase_file(dir.path());
    let output = run(app()
        .args(["init", "--provider-name", CANARY_PROVIDER, "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass)
        .env("RUST_LOG", "debug"));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let code = text
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 39 && l.matches('-').count() == 7)
        .expect("recovery code printed");
    assert!(
        stderr(&output).contains("not saved in the OS credential store"),
        "says why there is no keyring slot"
    );

    for (name, bytes) in snapshot(&ws) {
        for canary in [CANARY_PROVIDER, PASS, code] {
            assert!(!contains(&bytes, canary), "{canary:?} found in plaintext in {name}");
        }
    }
    let logs = format!("{}{}", stderr(&output), text.replace(code, ""));
    assert!(!logs.contains(CANARY_PROVIDER) && !logs.contains(PASS), "PII or passphrase in logs:\n{logs}");

    let output =
        run(app().args(["audit", "verify", "--workspace"]).arg(&ws).arg("--passphrase-file").arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("audit chain intact: 4 event(s), head "), "{}", stdout(&output));

    let output = run(app().args(["status", "--json", "--workspace"]).arg(&ws));
    let status: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(status["exists"], true);
    assert_eq!(status["has_keyring_slot"], false);
}

#[test]
fn plain_sqlite_refuses_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let pass = passphrase_file(dir.path());
    assert!(
        run(app().arg("init").arg("--workspace").arg(&ws).arg("--passphrase-file").arg(&pass))
            .status
            .success()
    );
    let output = run(std::process::Command::new("sqlite3")
        .arg(ws.join("workspace.db"))
        .arg("SELECT count(*) FROM sqlite_schema;"));
    assert!(!output.status.success(), "plain SQLite must not read the workspace");
    assert!(stderr(&output).contains("file is not a database"), "{}", stderr(&output));
}

/// `init` with the OS credential store (a private gnome-keyring under `scratch`); must succeed.
fn init_with_keyring(scratch: &Path, ws: &Path, pass: &Path) -> std::process::Output {
    let output = run(app_with_keyring(scratch)
        .arg("init")
        .arg("--workspace")
        .arg(ws)
        .arg("--passphrase-file")
        .arg(pass));
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

#[test]
fn keyring_slot_unlocks_without_a_passphrase_and_its_loss_is_explained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let pass = passphrase_file(dir.path());
    let scratch = dir.path().join("session");

    let output = init_with_keyring(&scratch, &ws, &pass);
    assert!(!stderr(&output).contains("not saved"), "the keyring slot must be created: {}", stderr(&output));

    // A later session, no passphrase given: the OS credential store's copy unlocks.
    let output = run(app_with_keyring(&scratch).args(["audit", "verify", "--workspace"]).arg(&ws));
    assert!(output.status.success(), "keyring unlock failed: {}", stderr(&output));
    assert!(stdout(&output).starts_with("audit chain intact"));

    // The entry disappears: the app says so, and the passphrase still works. Never plaintext.
    let clear = run(with_keyring(&scratch, "secret-tool").args(["clear", "service", "cip-workbench"]));
    assert!(clear.status.success(), "{}", stderr(&clear));
    let output = run(app_with_keyring(&scratch).args(["audit", "verify", "--workspace"]).arg(&ws));
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("has no key for this workspace"), "{err}");
    assert!(err.contains("use --passphrase-file"), "{err}");
    let output = run(app_with_keyring(&scratch)
        .args(["audit", "verify", "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn backup_then_restore_elsewhere_then_doctor_checks_the_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let pass = passphrase_file(dir.path());
    let output = run(app().arg("init").arg("--workspace").arg(&ws).arg("--passphrase-file").arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));

    let backup = dir.path().join("ws.cipwbak");
    let output = run(app()
        .arg("backup")
        .arg("--out")
        .arg(&backup)
        .arg("--workspace")
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("verified"), "{}", stdout(&output));
    assert!(stderr(&output).contains("backup: 100 %"), "progress is shown: {}", stderr(&output));

    let elsewhere = dir.path().join("restored");
    let output = run(app()
        .arg("restore")
        .arg("--from")
        .arg(&backup)
        .arg("--workspace")
        .arg(&elsewhere)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));

    let output =
        run(app().arg("doctor").arg("--workspace").arg(&elsewhere).arg("--passphrase-file").arg(&pass));
    let text = stdout(&output);
    for line in [
        "ok   integrity: every page authenticates",
        "ok   audit: 4 event(s) verify",
        "ok   evidence: 0 file(s)",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}

#[test]
fn init_can_write_the_recovery_sheet_for_printing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let pdf = dir.path().join("recovery.pdf");
    let output = run(app()
        .args(["init", "--no-keyring", "--provider-name", "Müller Datentechnik GmbH", "--workspace"])
        .arg(&ws)
        .arg("--recovery-pdf")
        .arg(&pdf)
        .env("CIPW_PASSPHRASE", PASS));
    assert!(output.status.success(), "{}", stderr(&output));
    let code = stdout(&output)
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 39 && l.matches('-').count() == 7)
        .expect("code printed")
        .to_owned();
    let path = pdf.to_str().expect("utf-8");
    crate::support::tool("qpdf", &["--check", path]);
    let text = crate::support::tool("pdftotext", &[path, "-"]);
    assert!(text.contains(&code), "the sheet carries the code shown:\n{text}");
    assert!(text.contains("Müller Datentechnik GmbH"), "{text}");
}

/// Issue 14: with keyslots.json and its copy both gone, the records could not be opened, not
/// even with the recovery code. The printed sheet now rebuilds them: the block is read back
/// from the PDF's text as a person would type it from paper.
#[test]
fn lost_key_slot_files_are_rebuilt_from_the_printed_recovery_sheet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let pdf = dir.path().join("recovery.pdf");
    let output = run(app()
        .args(["init", "--no-keyring", "--workspace"])
        .arg(&ws)
        .arg("--recovery-pdf")
        .arg(&pdf)
        .env("CIPW_PASSPHRASE", PASS));
    assert!(output.status.success(), "{}", stderr(&output));
    let code = printed_code(&stdout(&output));
    let text = crate::support::tool("pdftotext", &[pdf.to_str().expect("utf-8"), "-"]);
    let block: Vec<&str> = text
        .lines()
        .map(str::trim)
        .skip_while(|l| *l != "CIPW-SLOTS-1")
        .take_while(|l| *l == "CIPW-SLOTS-1" || l.split(' ').all(|g| g.len() == 4))
        .collect();
    assert!(block.len() > 4, "the sheet prints the rebuild block:\n{text}");
    let block_file = dir.path().join("block.txt");
    std::fs::write(&block_file, block.join("\n")).expect("typed in");
    let code_file = dir.path().join("code.txt");
    write_secret(&code_file, &code);
    let new_pass = dir.path().join("new.txt");
    write_secret(&new_pass, "the rebuilt officer passphrase\n");

    for name in ["keyslots.json", "keyslots.copy.json"] {
        std::fs::remove_file(ws.join(name)).expect("lost");
    }
    let output = run(app().args(["status", "--workspace"]).arg(&ws));
    assert!(stdout(&output).starts_with("no workspace"), "{}", stdout(&output));
    let output = run(app()
        .args(["keyslots", "rebuild", "--workspace"])
        .arg(&ws)
        .arg("--block-file")
        .arg(&block_file)
        .arg("--recovery-code-file")
        .arg(&code_file)
        .arg("--new-passphrase-file")
        .arg(&new_pass));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("the recovery code opened it as Compliance officer"),
        "{}",
        stdout(&output)
    );

    let output =
        run(app().args(["audit", "verify", "--workspace"]).arg(&ws).arg("--passphrase-file").arg(&new_pass));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("audit chain intact"), "{}", stdout(&output));
    let output =
        run(app().args(["audit", "list", "--workspace"]).arg(&ws).arg("--passphrase-file").arg(&new_pass));
    assert!(stdout(&output).contains("keyslots.rebuild"), "{}", stdout(&output));
}

/// Issue 14: a person's own keyring entry, on a real gnome-keyring. A workspace made without
/// one gets it from `keyslots keyring` (as the person `--as` names); later commands unlock from
/// it without a passphrase, and `status` lists whose it is.
#[test]
fn a_person_keeps_their_own_key_in_the_credential_store_later() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let pass = passphrase_file(dir.path());
    let scratch = dir.path().join("session");
    let output = run(app_with_keyring(&scratch)
        .args(["init", "--no-keyring", "--officer-name", "Olivia Officer", "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    let output = run(app_with_keyring(&scratch)
        .args(["keyslots", "keyring", "--as", "Olivia Officer", "--workspace"])
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    let output = run(app_with_keyring(&scratch).args(["status", "--json", "--workspace"]).arg(&ws));
    let status: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(status["keyring_people"], serde_json::json!(["Olivia Officer"]));
    let output = run(app_with_keyring(&scratch)
        .args(["audit", "verify", "--as", "olivia officer", "--workspace"])
        .arg(&ws));
    assert!(output.status.success(), "keyring unlock as Olivia: {}", stderr(&output));
    let output = run(app_with_keyring(&scratch).args(["audit", "list", "--workspace"]).arg(&ws));
    assert!(stdout(&output).contains("keyslots.keyring_added"), "{}", stdout(&output));
}

fn printed_code(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| l.len() == 39 && l.matches('-').count() == 7)
        .expect("a recovery code is printed")
        .to_owned()
}

#[test]
fn rotate_key_re_encrypts_keeps_the_keyring_working_and_replaces_the_recovery_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let pass = passphrase_file(dir.path());
    let scratch = dir.path().join("session");
    let output = init_with_keyring(&scratch, &ws, &pass);
    let old_code = printed_code(&stdout(&output));
    let old_db = std::fs::read(ws.join("workspace.db")).expect("db");

    let output = run(app_with_keyring(&scratch)
        .arg("rotate-key")
        .arg("--workspace")
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("re-encrypting: 100 %"), "progress shown: {}", stderr(&output));
    let new_code = printed_code(&stdout(&output));
    assert_ne!(new_code, old_code);
    assert!(!stderr(&output).contains("did not take"), "the keyring took the new key: {}", stderr(&output));
    let new_db = std::fs::read(ws.join("workspace.db")).expect("db");
    assert_ne!(old_db[..4096], new_db[..4096], "the database was re-encrypted");

    // The keyring copy was replaced: unlock without a passphrase still works, and the rotation
    // is in the chain (create, actor, rotate).
    let output = run(app_with_keyring(&scratch).args(["audit", "verify", "--workspace"]).arg(&ws));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("audit chain intact: 5 event(s)"), "{}", stdout(&output));

    // A backup opens with the new recovery code, not the old one.
    let backup = dir.path().join("ws.cipwbak");
    let output =
        run(app_with_keyring(&scratch).arg("backup").arg("--out").arg(&backup).arg("--workspace").arg(&ws));
    assert!(output.status.success(), "{}", stderr(&output));
    for (code, ok) in [(&old_code, false), (&new_code, true)] {
        let code_file = dir.path().join("code.txt");
        write_secret(&code_file, &format!("{code}\n"));
        let target = dir.path().join(if ok { "restored-new" } else { "restored-old" });
        let output = run(app()
            .arg("restore")
            .arg("--from")
            .arg(&backup)
            .arg("--recovery-code-file")
            .arg(&code_file)
            .arg("--workspace")
            .arg(&target));
        assert_eq!(output.status.success(), ok, "code old={}: {}", !ok, stderr(&output));
    }
}
