//! `doctor`: can this machine run CIP Workbench safely?
//!
//! Each check is independent and reports in one line, so a failing machine shows every problem
//! at once rather than the first. A check that does not apply here (the credential store for a
//! workspace that keeps no key there, a display for the CLI) is `skipped` or `warn`, never
//! `failed`: `failed` — and `doctor`'s exit status 1 — is kept for real faults.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::context::Context;
use crate::session::Session;

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CheckStatus {
    /// Works.
    Ok,
    /// Works with less than it could (no credential store: unlock with the passphrase; no
    /// display: the CLI only). Not a fault.
    Warn,
    /// Does not work; the app cannot do what depends on it.
    Failed,
    /// Not checked, or does not apply (the workspace is locked; it keeps no key in the
    /// credential store).
    Skipped,
}

/// One named check and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Check {
    /// Short stable name: `sqlcipher`, `keyring`, `fonts`, `data-folder`, `display`,
    /// `hardening`, `integrity`, `audit`, `evidence`.
    pub name: String,
    /// Whether it passed.
    pub status: CheckStatus,
    /// What was found, or why it failed and what to do.
    pub detail: String,
}

/// Every check, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DoctorReport {
    /// The checks.
    pub checks: Vec<Check>,
}

impl DoctorReport {
    /// True when no check failed (skipped checks do not count against it).
    pub fn healthy(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Failed)
    }

    /// The failed checks only.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == CheckStatus::Failed)
    }
}

fn check(name: &str, result: Result<String, String>) -> Check {
    let (status, detail) = match result {
        Ok(detail) => (CheckStatus::Ok, detail),
        Err(detail) => (CheckStatus::Failed, detail),
    };
    Check { name: name.to_owned(), status, detail }
}

/// Runs every check; with an unlocked session also the workspace's own: page HMACs and b-tree
/// (`cipher_integrity_check`, `quick_check`), the audit chain, and every evidence file's hash.
/// Writes nothing.
pub fn doctor(ctx: &Context, session: &Session) -> DoctorReport {
    let mut report = machine_checks(ctx);
    let workspace_checks = session.peek(ctx, |u| {
        let ws = &u.workspace;
        let integrity = match ws.db().integrity_problems() {
            Ok(p) if p.is_empty() => Ok("every page authenticates; b-tree intact".to_owned()),
            Ok(p) => Err(p.join("; ")),
            Err(e) => Err(e.to_string()),
        };
        let audit = match ws.verify_audit() {
            Ok(r) => match r.first_break {
                None => Ok(format!("{} event(s) verify", r.events)),
                Some(b) => Err(format!("broken at event {}: {}", b.seq, b.problem)),
            },
            Err(e) => Err(e.to_string()),
        };
        let evidence = match workbench_store::evidence::verify_all(ws) {
            Ok((n, bad)) if bad.is_empty() => Ok(format!("{n} file(s) match their recorded SHA-256")),
            Ok((n, bad)) => {
                Err(format!("{} of {n} file(s) damaged or altered: {}", bad.len(), bad.join(", ")))
            }
            Err(e) => Err(e.to_string()),
        };
        Ok(vec![check("integrity", integrity), check("audit", audit), check("evidence", evidence)])
    });
    match workspace_checks {
        Ok(checks) => report.checks.extend(checks),
        Err(_) => {
            for name in ["integrity", "audit", "evidence"] {
                report.checks.push(Check {
                    name: name.to_owned(),
                    status: CheckStatus::Skipped,
                    detail: "not checked: the workspace is locked".to_owned(),
                });
            }
        }
    }
    report
}

/// Whether the workspace at the data folder keeps a copy of its key in the credential store:
/// `None` when there is no (readable) workspace yet.
fn keyring_slot(root: &Path) -> Option<bool> {
    workbench_store::workspace::exists(root)
        .then(|| workbench_store::workspace::read_slots(root).ok().map(|s| s.keyring().is_some()))
        .flatten()
}

/// The credential store: needed only by a workspace that keeps its key there.
fn keyring_check(probe: workbench_store::KeyringStatus, slot: Option<bool>) -> Check {
    let name = "keyring".to_owned();
    let unreachable =
        || format!("{} unreachable: {}", probe.backend, probe.detail.as_deref().unwrap_or("no reason given"));
    let (status, detail) = match (probe.available, slot) {
        (true, _) => (CheckStatus::Ok, format!("{} reachable", probe.backend)),
        (false, Some(false)) => (
            CheckStatus::Skipped,
            format!("not used: this workspace keeps no key in the credential store ({})", unreachable()),
        ),
        (false, Some(true)) => (
            CheckStatus::Warn,
            format!(
                "{}; this workspace opens with its passphrase or recovery code until it is back",
                unreachable()
            ),
        ),
        (false, None) => (
            CheckStatus::Warn,
            format!("{}; a new workspace will open with its passphrase only", unreachable()),
        ),
    };
    Check { name, status, detail }
}

/// A display for the window: without one only the CLI works, which is no fault.
fn display_check(display: Option<String>, wayland: Option<String>) -> Check {
    let (status, detail) = match (display.filter(|d| !d.is_empty()), wayland.filter(|w| !w.is_empty())) {
        (_, Some(w)) => (CheckStatus::Ok, format!("Wayland display {w}")),
        (Some(d), None) => (CheckStatus::Ok, format!("X display {d}")),
        (None, None) => (
            CheckStatus::Warn,
            "no display (DISPLAY and WAYLAND_DISPLAY unset): the window cannot open here; the CLI works"
                .to_owned(),
        ),
    };
    Check { name: "display".to_owned(), status, detail }
}

/// What the process does to keep secrets in: no core dumps (they would hold the data key and
/// decrypted pages) and `$CIPW_PASSPHRASE` taken out of the environment (the binary's `main`
/// does both). `limits` is `/proc/self/limits`; `passphrase_in_environment` whether the
/// variable is still set.
fn hardening_check(limits: Option<&str>, passphrase_in_environment: bool, key_locked: bool) -> Check {
    let name = "hardening".to_owned();
    let Some(limits) = limits else {
        return Check {
            name,
            status: CheckStatus::Skipped,
            detail: "not checked: this platform has no /proc/self/limits".to_owned(),
        };
    };
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).map(|l| {
        let fields: Vec<&str> = l["Max core file size".len()..].split_whitespace().collect();
        fields.len() >= 2 && fields[0] == "0" && fields[1] == "0"
    });
    let mut problems = Vec::new();
    if core != Some(true) {
        problems.push("core dumps are allowed (a crash could write the key to disk)");
    }
    if passphrase_in_environment {
        problems.push("$CIPW_PASSPHRASE is still in the environment");
    }
    if !key_locked {
        problems.push("the data key cannot be locked into RAM (raise RLIMIT_MEMLOCK): it could reach swap");
    }
    if problems.is_empty() {
        Check {
            name,
            status: CheckStatus::Ok,
            detail:
                "core dumps off; $CIPW_PASSPHRASE not in the environment; the data key is locked into RAM"
                    .into(),
        }
    } else {
        Check { name, status: CheckStatus::Warn, detail: problems.join("; ") }
    }
}

fn machine_checks(ctx: &Context) -> DoctorReport {
    let sqlcipher = match workbench_store::sqlcipher_version() {
        Ok(v) if v.starts_with('4') => Ok(format!("SQLCipher {v}")),
        Ok(v) => Err(format!("SQLCipher {v} found, version 4 required")),
        Err(e) => Err(e.to_string()),
    };
    let keyring = keyring_check(workbench_store::probe_keyring(), keyring_slot(ctx.data_dir()));
    let fonts = workbench_filings::check_fonts()
        .map(|fonts| {
            let names: Vec<_> = fonts.iter().map(|f| f.name).collect();
            format!("{} embedded font(s): {}", names.len(), names.join(", "))
        })
        .map_err(|e| e.to_string());
    DoctorReport {
        checks: vec![
            check("sqlcipher", sqlcipher),
            keyring,
            check("fonts", fonts),
            check("data-folder", data_folder(ctx.data_dir())),
            display_check(std::env::var("DISPLAY").ok(), std::env::var("WAYLAND_DISPLAY").ok()),
            hardening_check(
                std::fs::read_to_string("/proc/self/limits").ok().as_deref(),
                // The CLI's variable (cli::secrets::PASSPHRASE_ENV in the binary).
                std::env::var_os("CIPW_PASSPHRASE").is_some(),
                workbench_store::key::keys_lock_into_memory(),
            ),
        ],
    }
}

/// The workspace folder must exist and be writable, or be creatable under a writable ancestor.
fn data_folder(dir: &Path) -> Result<String, String> {
    let existing = dir
        .ancestors()
        .find(|p| p.exists())
        .ok_or_else(|| format!("{}: no part of this path exists", dir.display()))?;
    let meta = std::fs::metadata(existing).map_err(|e| format!("{}: {e}", existing.display()))?;
    if !meta.is_dir() {
        return Err(format!("{} is a file, not a folder", existing.display()));
    }
    if meta.permissions().readonly() {
        return Err(format!("{} is read-only", existing.display()));
    }
    if existing == dir {
        Ok(format!("{} (exists)", dir.display()))
    } else {
        Ok(format!("{} (will be created)", dir.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_folder_states() {
        let tmp = std::env::temp_dir();
        assert!(data_folder(&tmp).expect("exists").ends_with("(exists)"));
        let future = tmp.join("cipw-doctor-not-yet").join("ws");
        assert!(data_folder(&future).expect("creatable").ends_with("(will be created)"));
    }

    #[test]
    fn a_file_in_the_way_fails() {
        let file = tempfile_path();
        let err = data_folder(&file.join("ws")).expect_err("file in the way");
        assert!(err.ends_with("is a file, not a folder"), "{err}");
        let _ = std::fs::remove_file(file);
    }

    fn tempfile_path() -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("cipw-doctor-{}", std::process::id()));
        std::fs::write(&path, b"x").expect("write");
        path
    }

    fn probe(available: bool) -> workbench_store::KeyringStatus {
        workbench_store::KeyringStatus {
            backend: "Secret Service".into(),
            available,
            detail: (!available).then(|| "no D-Bus session".into()),
        }
    }

    /// Issue 14: a passphrase-only workspace on a machine without a Secret Service got
    /// `FAIL keyring` and exit 1.
    #[test]
    fn an_unreachable_keyring_is_never_a_failure() {
        let passphrase_only = keyring_check(probe(false), Some(false));
        assert_eq!(passphrase_only.status, CheckStatus::Skipped);
        assert!(passphrase_only.detail.starts_with("not used"), "{}", passphrase_only.detail);
        assert_eq!(keyring_check(probe(false), Some(true)).status, CheckStatus::Warn);
        assert_eq!(keyring_check(probe(false), None).status, CheckStatus::Warn);
        assert_eq!(keyring_check(probe(true), Some(false)).status, CheckStatus::Ok);
        let report = DoctorReport { checks: vec![passphrase_only, keyring_check(probe(false), None)] };
        assert!(report.healthy(), "skipped and warn do not fail doctor");
    }

    #[test]
    fn no_display_is_a_warning() {
        assert_eq!(display_check(None, None).status, CheckStatus::Warn);
        assert_eq!(display_check(Some(String::new()), None).status, CheckStatus::Warn);
        assert_eq!(display_check(Some(":99".into()), None).detail, "X display :99");
        assert_eq!(display_check(None, Some("wayland-0".into())).status, CheckStatus::Ok);
    }

    #[test]
    fn hardening_reads_the_core_limit_and_the_environment() {
        let off = "Limit                     Soft Limit           Hard Limit           Units\nMax core file size        0                    0                    bytes\n";
        let on = off.replace("0                    0   ", "unlimited            unlimited");
        assert_eq!(hardening_check(Some(off), false, true).status, CheckStatus::Ok);
        let unlocked = hardening_check(Some(off), false, false);
        assert!(unlocked.status == CheckStatus::Warn && unlocked.detail.contains("RLIMIT_MEMLOCK"));
        let warned = hardening_check(Some(&on), true, true);
        assert_eq!(warned.status, CheckStatus::Warn);
        assert!(
            warned.detail.contains("core dumps are allowed") && warned.detail.contains("CIPW_PASSPHRASE")
        );
        assert_eq!(hardening_check(None, false, true).status, CheckStatus::Skipped);
    }

    #[test]
    fn report_lists_failures_only() {
        let report =
            DoctorReport { checks: vec![check("a", Ok("fine".into())), check("b", Err("broken".into()))] };
        assert!(!report.healthy());
        let failed: Vec<_> = report.failures().map(|c| c.name.as_str()).collect();
        assert_eq!(failed, ["b"]);
    }
}
