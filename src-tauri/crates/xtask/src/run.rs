//! `cargo xtask run`: build and open the app on the demo workspace, on a display or under Xvfb.
//!
//! The app is built with the release profile, so what opens runs at the product's real speed (a
//! debug build imports 2,000 customers several times slower); `--debug` opens a debug build
//! instead (faster to rebuild while working on the code; it also answers the end-to-end tests'
//! file-dialog hooks).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::proc::{on_path, run_in, step};

#[path = "../../../../tests/support/process.rs"]
mod process;
use crate::root;
use crate::setup::{self, Needs};
use process::{start_xvfb, terminate};

/// The demo workspace's passphrase (it holds no real data).
const DEMO_PASSPHRASE: &str = "demo workspace passphrase";

/// Options of `cargo xtask run`.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// Workspace folder to open (default: target/demo-workspace, created on first run with the
    /// passphrase printed by this command).
    #[arg(long, value_name = "DIR")]
    workspace: Option<PathBuf>,
    /// Save a screenshot of the screen to FILE once the window is up.
    #[arg(long, value_name = "FILE")]
    screenshot: Option<PathBuf>,
    /// Close the app after this many seconds (for scripted checks).
    #[arg(long, value_name = "SECONDS")]
    exit_after: Option<u64>,
    /// Build and open a debug build rather than the release build.
    #[arg(long)]
    debug: bool,
}

pub(crate) fn run(args: &RunArgs) -> anyhow::Result<()> {
    setup::ensure(Needs::Build)?;
    let root = root();
    let (profile, flags): (&str, &[&str]) =
        if args.debug { ("debug", &[]) } else { ("release", &["--release"]) };
    step(&format!("build the app ({profile})"))?;
    let mut build = vec!["build", "--locked", "--bin", "cip-workbench"];
    build.extend_from_slice(flags);
    run_in(&root, Path::new("cargo"), &build)?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let binary = target.join(profile).join("cip-workbench");
    let workspace = args.workspace.clone().unwrap_or_else(|| root.join("target/demo-workspace"));
    std::fs::create_dir_all(&workspace).context("creating the demo workspace folder")?;
    if args.workspace.is_none() && !workspace.join("keyslots.json").exists() {
        step(
            "create the demo workspace (2,500 synthetic customers, queue, evidence, deadlines; under a minute)",
        )?;
        let status = Command::new(&binary)
            .args(["demo", "--customers", "2500"])
            .arg("--workspace")
            .arg(&workspace)
            .env("CIPW_PASSPHRASE", DEMO_PASSPHRASE)
            .stdout(std::process::Stdio::null())
            .status()
            .context("creating the demo workspace")?;
        if !status.success() {
            bail!("could not create the demo workspace in {}", workspace.display());
        }
    }
    if args.workspace.is_none() {
        println!("\nDemo workspace passphrase: {DEMO_PASSPHRASE}");
    }

    let has_display =
        ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    let (display, mut xvfb) = if has_display {
        (None, None)
    } else {
        if !on_path("Xvfb") {
            bail!("no display and no Xvfb: run `cargo xtask setup` as root, or start a desktop session");
        }
        let (display, child) = start_xvfb().map_err(anyhow::Error::msg)?;
        println!("\nNo display found (DISPLAY is unset): running the app under Xvfb on {display}.");
        println!("To see it: take a screenshot with  DISPLAY={display} import -window root shot.png");
        println!("or watch it live with a VNC server:  x11vnc -display {display} -localhost");
        (Some(display), Some(child))
    };

    step(&format!("open CIP Workbench on {}", workspace.display()))?;
    let mut command = Command::new(&binary);
    command.env("CIPW_WORKSPACE", &workspace);
    if let Some(display) = &display {
        command.env("DISPLAY", display).env_remove("WAYLAND_DISPLAY");
    }
    let mut app = command.spawn().context("starting the app")?;

    if let Some(file) = &args.screenshot {
        std::thread::sleep(Duration::from_secs(6));
        screenshot(display.as_deref(), file)?;
    }
    let status = match args.exit_after {
        Some(seconds) => {
            let deadline = Instant::now() + Duration::from_secs(seconds);
            while Instant::now() < deadline && app.try_wait()?.is_none() {
                std::thread::sleep(Duration::from_millis(200));
            }
            if app.try_wait()?.is_none() {
                terminate(&mut app);
            }
            None
        }
        None => Some(app.wait()?),
    };
    if let Some(xvfb) = xvfb.as_mut() {
        terminate(xvfb);
    }
    match status {
        Some(s) if !s.success() => bail!("the app exited with {s}"),
        _ => Ok(()),
    }
}

fn screenshot(display: Option<&str>, file: &Path) -> anyhow::Result<()> {
    let mut command = Command::new("import");
    command.args(["-window", "root"]).arg(file);
    if let Some(display) = display {
        command.env("DISPLAY", display);
    }
    let status = command.status().context("running ImageMagick import")?;
    if !status.success() {
        bail!("the screenshot failed ({status})");
    }
    println!("screenshot saved to {}", file.display());
    Ok(())
}
