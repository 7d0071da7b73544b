//! `cargo xtask test`: every check and test, in order of cost, with a summary at the end.
//!
//! Each step runs even if an earlier one failed (so one run shows every problem); the task fails
//! if any step failed. Test counts are read from the runners' own closing lines and added up into
//! the final `tests: N passed, N failed` line.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::bail;

use crate::proc::{run_captured, step};
use crate::root;
use crate::setup::{self, Needs};

/// Options of `cargo xtask test`.
#[derive(Debug, clap::Args)]
pub(crate) struct TestArgs {
    /// Skip the end-to-end tests (they need a display or Xvfb, and tauri-driver).
    #[arg(long)]
    no_e2e: bool,
}

/// Crates that must never depend on tauri or WebKit (STYLE.md "Core without Tauri").
const TAURI_FREE: &[&str] =
    &["workbench-core", "workbench-store", "workbench-filings", "workbench-app", "xtask"];
const FORBIDDEN: &[&str] = &["tauri", "tauri-runtime", "tauri-runtime-wry", "wry", "webkit2gtk"];

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    skipped: u64,
}

struct Outcome {
    name: &'static str,
    ok: bool,
    seconds: f64,
}

pub(crate) fn test(args: &TestArgs) -> anyhow::Result<()> {
    setup::ensure(Needs::All)?;
    let root = root();
    let ui = root.join("ui");
    let mut tally = Tally::default();
    let mut outcomes = Vec::new();
    let mut check = |name: &'static str, mut command: Command, tally: &mut Tally| -> anyhow::Result<()> {
        step(name)?;
        let started = Instant::now();
        let (ok, output) = run_captured(&mut command)?;
        count_tests(&output, tally);
        outcomes.push(Outcome { name, ok, seconds: started.elapsed().as_secs_f64() });
        Ok(())
    };

    check("rustfmt --check", cargo(&root, &["fmt", "--all", "--check"]), &mut tally)?;
    check("no tauri under src-tauri/crates", no_tauri_command(&root), &mut tally)?;
    check(
        "clippy -D warnings",
        cargo(&root, &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]),
        &mut tally,
    )?;
    let mut doc = cargo(&root, &["doc", "--workspace", "--no-deps", "--locked"]);
    doc.env("RUSTDOCFLAGS", "-D warnings");
    check("cargo doc -D warnings", doc, &mut tally)?;
    check("svelte-check", npm(&ui, &["run", "check"]), &mut tally)?;
    check("eslint", npm(&ui, &["run", "lint"]), &mut tally)?;
    check("prettier --check", npm(&ui, &["run", "format:check"]), &mut tally)?;
    check("vitest", npm(&ui, &["run", "test"]), &mut tally)?;
    check(
        "cargo nextest (unit, integration, scenarios, mock runtime)",
        cargo(&root, &["nextest", "run", "--workspace", "--locked", "--no-fail-fast"]),
        &mut tally,
    )?;
    check("bindings drift (ui/src/lib/ipc/bindings)", bindings_drift(&root), &mut tally)?;
    check("cargo deny (offline advisories, licenses, bans, sources)", deny(&root)?, &mut tally)?;
    if !args.no_e2e {
        let mut e2e = cargo(&root, &["nextest", "run", "--test", "e2e", "--locked", "--run-ignored", "only"]);
        // One window at a time: two WebKit processes on 2 cores make timing flaky.
        e2e.args(["--no-fail-fast", "--test-threads", "1"]);
        check("end-to-end (WebDriver on the real window)", e2e, &mut tally)?;
    }

    println!("\n\x1b[1mSummary\x1b[0m");
    for o in &outcomes {
        println!("  {:<4} {:>7.1}s  {}", if o.ok { "ok" } else { "FAIL" }, o.seconds, o.name);
    }
    println!("\ntests: {} passed, {} failed, {} skipped", tally.passed, tally.failed, tally.skipped);
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.ok).map(|o| o.name).collect();
    if !failed.is_empty() {
        bail!("{} step(s) failed: {}", failed.len(), failed.join(", "));
    }
    Ok(())
}

fn cargo(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("cargo");
    command.args(args).current_dir(dir);
    command
}

fn npm(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("npm");
    command.args(args).current_dir(dir);
    command
}

/// `cargo tree` of each library crate must not contain a tauri/WebKit crate (normal, build or dev).
fn no_tauri_command(root: &Path) -> Command {
    let mut script = String::from("set -e\n");
    for krate in TAURI_FREE {
        script.push_str(&format!(
            "if cargo tree --locked -p {krate} -e normal,build,dev --prefix none --format '{{p}}' \
             | awk '{{print $1}}' | grep -qxE '{}'; then echo \"{krate} depends on tauri/WebKit\"; exit 1; \
             else echo \"{krate}: no tauri\"; fi\n",
            FORBIDDEN.join("|")
        ));
    }
    let mut command = Command::new("sh");
    command.args(["-c", &script]).current_dir(root);
    command
}

/// The bindings ts-rs wrote during the test run must equal the committed ones.
fn bindings_drift(root: &Path) -> Command {
    let mut command = Command::new("sh");
    command
        .args([
            "-c",
            "changes=$(git status --porcelain -- ui/src/lib/ipc/bindings); \
             if [ -n \"$changes\" ]; then echo \"bindings drifted from the Rust types; commit them:\"; \
             echo \"$changes\"; git --no-pager diff -- ui/src/lib/ipc/bindings; exit 1; \
             else echo 'bindings match the Rust types'; fi; \
             if grep -l bigint ui/src/lib/ipc/bindings/*.ts; then \
             echo 'a binding uses bigint, but JSON numbers arrive as number: add #[ts(type = \"number\")]'; exit 1; fi",
        ])
        .current_dir(root);
    command
}

/// cargo-deny against the offline RustSec snapshot in ../shared/data/advisory-db (BUILD.md):
/// copied into a scratch git folder under target/, and always run with --offline.
fn deny(root: &Path) -> anyhow::Result<Command> {
    let snapshot = root.join("../shared/data/advisory-db");
    let db = root.join("target/advisory-dbs/advisory-db-3157b0e258782691");
    // cargo-deny reads metadata offline, for every target: fetch crates that this platform's
    // build does not need (e.g. a fuzzing-only dependency) first.
    let mut script = String::from("set -e\ncargo fetch --locked --quiet\n");
    if snapshot.join("crates").is_dir() {
        script.push_str(&format!(
            "rm -rf '{db}'; mkdir -p '{db}'; cp -R '{snap}/crates' '{db}/crates'; \
             git -C '{db}' init -q; touch -d 2026-08-21T06:28:40Z '{db}/.git/FETCH_HEAD'\n\
             cargo deny --offline --locked --config .config/deny.toml check\n",
            db = db.display(),
            snap = snapshot.display()
        ));
    } else {
        script.push_str(
            "echo 'no advisory snapshot at ../shared/data/advisory-db: checking licenses, bans, sources only'\n\
             cargo deny --offline --locked --config .config/deny.toml check licenses bans sources\n",
        );
    }
    let mut command = Command::new("sh");
    command.args(["-c", &script]).current_dir(root);
    Ok(command)
}

/// Adds up test counts from nextest (`N tests run: N passed, N failed, N skipped`) and vitest
/// (`Tests  N passed | N failed (N)`) closing lines.
fn count_tests(output: &str, tally: &mut Tally) {
    for line in output.lines() {
        let line = strip_ansi(line);
        let nextest = line.contains("tests run:") || line.contains("test run:");
        let vitest = line.trim_start().starts_with("Tests ");
        if nextest || vitest {
            tally.passed += number_before(&line, " passed");
            tally.failed += number_before(&line, " failed");
            tally.skipped += number_before(&line, " skipped");
        }
    }
}

fn number_before(line: &str, word: &str) -> u64 {
    line.find(word)
        .and_then(|at| line[..at].split(|c: char| !c.is_ascii_digit()).next_back()?.parse().ok())
        .unwrap_or(0)
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TypeScript names the ts-rs exports in one Rust source file: a `#[ts(export, rename =
    /// "X")]` type is `X`, any other `#[ts(export…)]` type keeps its Rust name. ts-rs writes one file
    /// per name, so two exports of the same name overwrite each other's binding silently.
    fn exported_names(source: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut pending: Option<Option<String>> = None;
        for line in source.lines().map(str::trim) {
            if line.starts_with("#[ts(export") {
                let rename =
                    line.split("rename = \"").nth(1).and_then(|r| r.split('"').next()).map(str::to_owned);
                pending = Some(rename);
                continue;
            }
            let Some(rename) = &pending else { continue };
            let declared = ["pub struct ", "pub enum ", "pub(crate) struct ", "pub(crate) enum "]
                .iter()
                .find_map(|kw| line.strip_prefix(kw))
                .and_then(|rest| rest.split(|c: char| !c.is_alphanumeric() && c != '_').next());
            if let Some(name) = declared {
                names.push(rename.clone().unwrap_or_else(|| name.to_owned()));
                pending = None;
            }
        }
        names
    }

    #[test]
    fn exported_names_follow_renames() {
        let source = "#[ts(export)]\npub struct Element {}\n#[derive(TS)]\n#[ts(export, rename = \"CertElement\")]\n\
                      #[serde(tag = \"kind\")]\npub enum Element2 { A }\nstruct NotExported;";
        assert_eq!(exported_names(source), ["Element", "CertElement"]);
    }

    /// Two exported types with one TypeScript name would overwrite each other's binding file.
    #[test]
    fn every_exported_binding_name_is_unique() {
        let repo = root();
        let mut seen: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
        let mut clashes = Vec::new();
        let mut dirs = vec![repo.join("src-tauri")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
                let path = entry.path();
                if path.is_dir() && !path.ends_with("target") {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("read source");
                    for name in exported_names(&text) {
                        let here = path.display().to_string();
                        if let Some(first) = seen.insert(name.clone(), here.clone()) {
                            clashes.push(format!("{name}: {first} and {here}"));
                        }
                    }
                }
            }
        }
        assert!(seen.len() > 50, "the scan found the exported types ({})", seen.len());
        assert!(clashes.is_empty(), "binding names exported twice: {clashes:#?}");
    }

    #[test]
    fn counts_nextest_and_vitest_summaries() {
        let mut tally = Tally::default();
        count_tests(
            "     Summary [   3.2s] 41 tests run: 40 passed, 1 failed, 3 skipped\n\
             \x1b[2m      Tests \x1b[22m \x1b[1m\x1b[32m9 passed\x1b[39m\x1b[22m\x1b[90m (9)\x1b[39m\n",
            &mut tally,
        );
        assert_eq!((tally.passed, tally.failed, tally.skipped), (49, 1, 3));
    }

    #[test]
    fn ignores_lines_without_counts() {
        let mut tally = Tally::default();
        count_tests("Compiling foo\n   Test Files  2 passed (2)\n", &mut tally);
        assert_eq!((tally.passed, tally.failed), (0, 0));
    }
}
