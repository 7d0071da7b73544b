//! Running child processes with visible headers and honest failures.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// Prints a step header.
pub(crate) fn step(name: &str) -> anyhow::Result<()> {
    println!("\n\x1b[1m==> {name}\x1b[0m");
    Ok(())
}

/// Runs `program args…` in `dir`, inheriting stdio; fails on a non-zero exit.
pub(crate) fn run_in(dir: &Path, program: &Path, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .with_context(|| format!("could not start {}", program.display()))?;
    if !status.success() {
        bail!("{} {} failed ({status})", program.display(), args.join(" "));
    }
    Ok(())
}

/// Runs a command, echoing its output line by line while keeping a copy for parsing.
/// Returns (success, combined output).
pub(crate) fn run_captured(command: &mut Command) -> anyhow::Result<(bool, String)> {
    use std::io::{BufRead, BufReader};
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {command:?}"))?;
    let stderr = child.stderr.take().context("stderr pipe")?;
    let echo_err = std::thread::spawn(move || {
        let mut seen = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            seen.push_str(&line);
            seen.push('\n');
        }
        seen
    });
    let mut seen = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            seen.push_str(&line);
            seen.push('\n');
        }
    }
    let status = child.wait()?;
    seen.push_str(&echo_err.join().unwrap_or_default());
    Ok((status.success(), seen))
}

/// True when `program` is found on PATH.
pub(crate) fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// True when running as root (uid 0).
pub(crate) fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}
