//! Where the CLI gets a passphrase: `--passphrase-file`, `$CIPW_PASSPHRASE`, or a prompt on the
//! terminal (never echoed). Secrets are zeroized when dropped and never logged.
//!
//! `$CIPW_PASSPHRASE` is taken out of the process environment as the process starts (`main`
//! calls [`take_from_environment`]), so neither `/proc/<pid>/environ` nor a child process (the
//! viewer a PDF is opened with) sees it. A passphrase file that other users can read is refused.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::OnceLock;

use zeroize::Zeroizing;

/// Environment variable holding the passphrase for scripted use.
pub const PASSPHRASE_ENV: &str = "CIPW_PASSPHRASE";

/// A secret string, wiped on drop.
pub type Secret = Zeroizing<String>;

/// The passphrase the environment held at start, once taken out of it.
static FROM_ENVIRONMENT: OnceLock<Option<Secret>> = OnceLock::new();

/// Records the value `main` took out of `$CIPW_PASSPHRASE` (empty counts as none). Later calls
/// change nothing.
pub fn take_from_environment(value: Option<String>) {
    let value = value.filter(|v| !v.is_empty()).map(Zeroizing::new);
    let _ = FROM_ENVIRONMENT.set(value);
}

/// The passphrase the environment gave, if any (also before `main` took it: tests call the CLI
/// functions directly).
fn environment() -> Option<Secret> {
    match FROM_ENVIRONMENT.get() {
        Some(taken) => taken.clone(),
        None => std::env::var(PASSPHRASE_ENV).ok().filter(|v| !v.is_empty()).map(Zeroizing::new),
    }
}

/// True when the environment gave a passphrase.
pub fn in_environment() -> bool {
    environment().is_some()
}

/// Refuses a secret file that users other than its owner can read or write.
#[cfg(unix)]
fn check_private(path: &Path, what: &str) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "the {what} {} can be read or changed by other users (mode {:o}); make it yours alone with: chmod 600 {}",
            path.display(),
            mode & 0o777,
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _what: &str) -> Result<(), String> {
    Ok(())
}

/// Reads the first line of `path` (a trailing newline is not part of the passphrase). The file
/// must be readable by its owner only.
pub fn from_file(path: &Path) -> Result<Secret, String> {
    check_private(path, "passphrase file")?;
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the passphrase file {}: {e}", path.display()))?,
    );
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        return Err(format!("the passphrase file {} is empty", path.display()));
    }
    Ok(Zeroizing::new(line.to_owned()))
}

/// The passphrase from the file, the environment, or the terminal, in that order.
pub fn passphrase(file: Option<&Path>, prompt: &str) -> Result<Secret, String> {
    if let Some(path) = file {
        return from_file(path);
    }
    if let Some(value) = environment() {
        return Ok(value);
    }
    ask(prompt)
}

/// Asks on the terminal; fails clearly when there is none.
pub fn ask(prompt: &str) -> Result<Secret, String> {
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "no passphrase given: use --passphrase-file FILE or set {PASSPHRASE_ENV} (there is no terminal to ask on)"
        ));
    }
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|e| format!("could not read the passphrase: {e}"))
}

/// A new passphrase: from the file/environment, or asked twice on the terminal.
pub fn new_passphrase(file: Option<&Path>) -> Result<Secret, String> {
    if file.is_some() || in_environment() {
        return passphrase(file, "");
    }
    let first = ask("New passphrase (12+ characters): ")?;
    let second = ask("Repeat it: ")?;
    if *first != *second {
        return Err("the two passphrases differ; nothing was changed".into());
    }
    Ok(first)
}
