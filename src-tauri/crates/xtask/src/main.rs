//! Project automation: the two README commands and their helpers.
//!
//! - `cargo xtask run`    sets up what is missing, builds, and opens the app on a demo workspace.
//! - `cargo xtask test`   sets up what is missing and runs every check and test, then a summary.
//! - `cargo xtask bundle` builds the installable .deb through the Tauri CLI.
//! - `cargo xtask setup`  only the setup step.
//!
//! Must not depend on `tauri` or on the workbench crates: it drives them as a user would.

#![forbid(unsafe_code)]

mod proc;
#[cfg(test)]
mod requirement_map;
mod run;
mod setup;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "CIP Workbench project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Install what is missing (as root on Debian/Ubuntu), build the UI, open the app.
    Run(run::RunArgs),
    /// Install what is missing, then run every check and test.
    Test(test::TestArgs),
    /// Build the installable .deb with the Tauri CLI.
    Bundle,
    /// Run a benchmark and print its table: `store` (SQLCipher overhead, unlock, passphrase
    /// change, audit verification), `customers` (100k-row import, search latency), `filings`
    /// (render time and size of long filings), `screening` (matcher recall and false positives
    /// on an evaluation set made from the SDN snapshot, check latency, rescreen of 100k
    /// customers with 50k owners), `ai` (a 1M-row usage import and the rolling-window
    /// evaluation) or `crash` (kill -9 during evidence stores,
    /// imports, passphrase changes and key rotations: 1,000 cycles each, `CIPW_CRASH_CYCLES`
    /// to change; the same tests run with fewer cycles in `cargo xtask test`).
    Bench {
        /// Which benchmark.
        #[arg(value_parser = ["store", "customers", "filings", "screening", "ai", "crash"])]
        which: String,
        /// For `crash`: run one loop only, so that each can be run and timed alone.
        #[arg(value_parser = ["evidence", "import", "passphrase", "rotation"])]
        crash_loop: Option<String>,
    },
    /// Only install what is missing and build the UI.
    Setup,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Run(args) => run::run(&args),
        Task::Test(args) => test::test(&args),
        Task::Bundle => bundle(),
        Task::Bench { which, crash_loop } => bench(&which, crash_loop.as_deref()),
        Task::Setup => setup::ensure(setup::Needs::All),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (where the root Cargo.toml and tauri.conf.json live).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(3)
        .expect("xtask lives at src-tauri/crates/xtask")
        .to_path_buf()
}

/// The test of `tests/crash.rs` that runs each kill -9 loop (matched as a name prefix).
fn crash_test(crash_loop: &str) -> &'static str {
    match crash_loop {
        "evidence" => "kill_minus_9_loses_no_acknowledged_commit",
        "import" => "kill_minus_9_during_imports",
        "passphrase" => "kill_minus_9_during_passphrase_changes",
        _ => "kill_minus_9_during_key_rotations",
    }
}

fn bench(which: &str, crash_loop: Option<&str>) -> anyhow::Result<()> {
    let root = root();
    if which == "crash" {
        proc::step(&format!(
            "bench crash {} (kill -9 loops, release build)",
            crash_loop.unwrap_or("(all four)")
        ))?;
        let cycles = std::env::var("CIPW_CRASH_CYCLES").unwrap_or_else(|_| "1000".into());
        let status = std::process::Command::new("cargo")
            .args(["test", "--release", "--locked", "-p", "workbench-store", "--test", "crash", "--"])
            .args(crash_loop.map(crash_test))
            .args(["--nocapture", "--test-threads", "1"])
            .env("CIPW_CRASH_CYCLES", cycles)
            .current_dir(&root)
            .status()?;
        anyhow::ensure!(status.success(), "a kill -9 loop failed");
        return Ok(());
    }
    proc::step(&format!("bench {which} (release build)"))?;
    proc::run_in(
        &root,
        std::path::Path::new("cargo"),
        &[
            "bench",
            "--locked",
            "-p",
            match which {
                "filings" => "workbench-filings",
                "screening" => "workbench-screening",
                "ai" => "workbench-app",
                _ => "workbench-store",
            },
            "--bench",
            which,
        ],
    )
}

fn bundle() -> anyhow::Result<()> {
    setup::ensure(setup::Needs::Build)?;
    let root = root();
    proc::step("bundle: tauri build --debug (.deb)")?;
    proc::run_in(&root, &root.join("ui/node_modules/.bin/tauri"), &["build", "--debug", "--bundles", "deb"])?;
    let debs = root.join("target/debug/bundle/deb");
    println!("\nThe .deb is in {}.", debs.display());
    println!("Install it as root with:  apt-get install ./target/debug/bundle/deb/<file>.deb");
    Ok(())
}
