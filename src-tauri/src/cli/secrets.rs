//! Where the CLI gets a passphrase: `--passphrase-file`, `$CIPW_PASSPHRASE`, or a prompt on the
//! terminal (never echoed). Secrets are zeroized when dropped and never logged.

use std::io::IsTerminal;
use std::path::Path;

use zeroize::Zeroizing;

/// Environment variable holding the passphrase for scripted use.
pub const PASSPHRASE_ENV: &str = "CIPW_PASSPHRASE";

/// A secret string, wiped on drop.
pub type Secret = Zeroizing<String>;

/// Reads the first line of `path` (a trailing newline is not part of the passphrase).
pub fn from_file(path: &Path) -> Result<Secret, String> {
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
    if let Ok(value) = std::env::var(PASSPHRASE_ENV)
        && !value.is_empty()
    {
        return Ok(Zeroizing::new(value));
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
    if file.is_some() || std::env::var_os(PASSPHRASE_ENV).is_some_and(|v| !v.is_empty()) {
        return passphrase(file, "");
    }
    let first = ask("New workspace passphrase (12+ characters): ")?;
    let second = ask("Repeat it: ")?;
    if *first != *second {
        return Err("the two passphrases differ; nothing was created".into());
    }
    Ok(first)
}
