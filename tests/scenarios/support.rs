//! Running the real binary and the real external tools for scenario tests.

use std::path::Path;

#[path = "../support/files.rs"]
mod files;
pub use files::snapshot;
use std::process::{Command, Output};

/// The app binary, built by cargo for this test.
pub fn app() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cip-workbench"));
    // Subcommands must never need a display or a session bus unless a test gives one.
    command.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY").env_remove("DBUS_SESSION_BUS_ADDRESS");
    command
}

/// The app binary under a private D-Bus session with an unlocked gnome-keyring, with its own
/// scratch XDG folders so no real keyring is touched. The same `scratch` gives the same keyring.
pub fn app_with_keyring(scratch: &Path) -> Command {
    with_keyring(scratch, env!("CARGO_BIN_EXE_cip-workbench"))
}

/// Any program under the private keyring set up for `scratch` (e.g. `secret-tool`).
pub fn with_keyring(scratch: &Path, program: &str) -> Command {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/with-keyring.sh");
    let mut command = Command::new("dbus-run-session");
    command
        .arg("--")
        .arg("sh")
        .arg(script)
        .arg(program)
        .env_remove("DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_DATA_HOME", scratch.join("data"))
        .env("XDG_RUNTIME_DIR", scratch.join("run"))
        .env("XDG_CONFIG_HOME", scratch.join("config"));
    for dir in ["data", "run", "config"] {
        std::fs::create_dir_all(scratch.join(dir)).expect("scratch dir");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(scratch.join("run"), std::fs::Permissions::from_mode(0o700));
    }
    command
}

/// Runs `command`, returning its output (never panics on a non-zero exit).
pub fn run(command: &mut Command) -> Output {
    command.output().unwrap_or_else(|e| panic!("could not start {command:?}: {e}"))
}

/// Stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs an external tool that must succeed, returning its stdout.
pub fn tool(program: &str, args: &[&str]) -> String {
    let output = run(Command::new(program).args(args));
    assert!(output.status.success(), "{program} {args:?} failed: {}{}", stdout(&output), stderr(&output));
    stdout(&output)
}

/// Writes a secret file (passphrase, recovery code) readable by its owner only, as the CLI
/// requires.
pub fn write_secret(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("secret file");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
}

/// A new workspace in `dir/ws` without a keyring slot, its passphrase in `dir/pass.txt`.
pub fn new_workspace(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let ws = dir.join("ws");
    let pass = dir.join("pass.txt");
    write_secret(&pass, "scenario passphrase 2026\n");
    let output = run(app()
        .arg("init")
        .arg("--no-keyring")
        .arg("--workspace")
        .arg(&ws)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(output.status.success(), "{}", stderr(&output));
    (ws, pass)
}

/// Runs the CLI with `args` on the workspace `ws`, unlocked with the passphrase in `pass`.
pub fn in_workspace(ws: &Path, pass: &Path, args: &[&str]) -> Output {
    run(app().args(args).arg("--workspace").arg(ws).arg("--passphrase-file").arg(pass))
}
