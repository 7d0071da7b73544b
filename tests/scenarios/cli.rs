//! The headless CLI: `--help`, `version`, `doctor`, `about --pdf`.

use crate::support::{app, app_with_keyring, new_workspace, run, stderr, stdout, tool};

#[test]
fn help_lists_every_subcommand() {
    let output = run(app().arg("--help"));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for word in ["version", "doctor", "about", "--workspace"] {
        assert!(text.contains(word), "--help lacks {word}:\n{text}");
    }
}

#[test]
fn version_json_reports_the_linked_sqlcipher_without_a_display() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run(app().args(["version", "--json", "--workspace"]).arg(dir.path()));
    assert!(output.status.success(), "{}", stderr(&output));
    let info: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(info["sqlcipher_version"], workbench_store::sqlcipher_version().expect("probe"));
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["data_dir"], dir.path().display().to_string());
}

#[test]
fn doctor_without_a_session_bus_warns_on_the_keyring_and_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run(app().arg("doctor").env("CIPW_WORKSPACE", dir.path()));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "a missing credential store or display is no fault:\n{text}");
    assert!(!text.lines().any(|l| l.starts_with("FAIL")), "{text}");
    let keyring = text.lines().find(|l| l.starts_with("warn keyring: ")).unwrap_or_else(|| panic!("{text}"));
    assert!(keyring.contains("DBUS_SESSION_BUS_ADDRESS"), "the reason is named: {text}");
    assert!(keyring.contains("passphrase only"), "{text}");
    assert!(text.contains("warn display: no display"), "{text}");
    for name in ["sqlcipher", "fonts", "data-folder"] {
        assert!(text.contains(&format!("ok   {name}: ")), "{name} should pass:\n{text}");
    }
}

/// Issue 14: a passphrase-only workspace on a machine without a Secret Service got
/// `FAIL keyring` and exit 1.
#[test]
fn doctor_on_a_passphrase_only_workspace_skips_the_keyring() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    let output = run(app()
        .arg("doctor")
        .arg("--json")
        .arg("--workspace")
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let checks = report["checks"].as_array().expect("checks");
    let status = |name: &str| {
        checks.iter().find(|c| c["name"] == name).map(|c| c["status"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(status("keyring").as_deref(), Some("skipped"), "{report}");
    assert_eq!(status("display").as_deref(), Some("warn"), "{report}");
    for name in ["sqlcipher", "fonts", "data-folder", "hardening", "integrity", "audit", "evidence"] {
        assert_eq!(status(name).as_deref(), Some("ok"), "{name}: {report}");
    }
}

/// Issue 14: `$CIPW_PASSPHRASE` stayed in the environment of the process and its children, and
/// a crash could dump core with the key in it.
#[test]
fn the_passphrase_variable_is_taken_out_of_the_environment_and_core_dumps_are_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, _) = new_workspace(dir.path());
    let output = run(app()
        .args(["doctor", "--workspace"])
        .arg(&ws)
        .env("CIPW_PASSPHRASE", "scenario passphrase 2026"));
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(
        text.contains("ok   hardening: core dumps off; $CIPW_PASSPHRASE not in the environment"),
        "{text}"
    );
    assert!(text.contains("ok   audit: "), "the variable still unlocked the workspace:\n{text}");
}

/// Issue 14: `--passphrase-file` was read whatever its permissions.
#[test]
fn a_passphrase_file_other_users_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let output =
        run(app().args(["audit", "verify", "--workspace"]).arg(&ws).arg("--passphrase-file").arg(&pass));
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("can be read or changed by other users (mode 644)"), "{err}");
    assert!(err.contains("chmod 600"), "{err}");
}

#[test]
fn doctor_with_a_real_secret_service_passes_every_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run(app_with_keyring(dir.path()).args(["doctor", "--json", "--workspace"]).arg(dir.path()));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("JSON ({e}): {}{}", stdout(&output), stderr(&output)));
    let checks = report["checks"].as_array().expect("checks");
    let names: Vec<&str> = checks.iter().map(|c| c["name"].as_str().expect("name")).collect();
    assert_eq!(
        names,
        [
            "sqlcipher",
            "keyring",
            "fonts",
            "data-folder",
            "display",
            "hardening",
            "integrity",
            "audit",
            "evidence"
        ]
    );
    for check in &checks[..4] {
        assert_eq!(check["status"], "ok", "{check}");
    }
    assert_eq!(checks[4]["status"], "warn", "the scenario gives no display: {}", checks[4]);
    assert_eq!(checks[5]["status"], "ok", "{}", checks[5]);
    for check in &checks[6..] {
        assert_eq!(check["status"], "skipped", "no workspace yet: {check}");
    }
    assert!(output.status.success());
}

#[test]
fn about_pdf_is_valid_with_embedded_subset_fonts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("about.pdf");
    let output = run(app().args(["about", "--workspace"]).arg(dir.path()).arg("--pdf").arg(&pdf));
    assert!(output.status.success(), "{}", stderr(&output));
    let path = pdf.to_str().expect("utf-8 path");

    tool("qpdf", &["--check", path]);

    let fonts = tool("pdffonts", &[path]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "font not embedded+subset+unicode: {row}");
    }

    let text = tool("pdftotext", &["-layout", path, "-"]);
    assert!(text.contains("About this workspace"), "{text}");
    let version = workbench_store::sqlcipher_version().expect("probe");
    assert!(text.contains(&version), "SQLCipher version {version} missing:\n{text}");
    assert!(std::fs::metadata(&pdf).expect("pdf").len() < 60_000, "fonts must be subset");
}

#[test]
fn about_pdf_into_a_missing_folder_fails_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("no-such-folder/about.pdf");
    let output = run(app().args(["about", "--workspace"]).arg(dir.path()).arg("--pdf").arg(&pdf));
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    let expected =
        format!("error: the folder {} does not exist", dir.path().join("no-such-folder").display());
    assert!(err.lines().any(|l| l == expected), "{err}");
    assert!(!pdf.exists());
}
