//! A reusable harness for end-to-end tests.
//!
//! [`App::launch`] gives each test its own display (the current one, or a private Xvfb), its own
//! tauri-driver on fresh ports, its own temporary workspace folder, and a WebDriver session on
//! the real binary. Dropping it stops everything: tauri-driver with SIGTERM (never SIGKILL, which
//! would leak its WebKitWebDriver child and its port), then Xvfb.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::common::keys::TypingData;
use thirtyfour::prelude::*;

#[path = "../support/bus.rs"]
mod bus;
#[path = "../support/process.rs"]
mod process;
pub use bus::PrivateBus;
use process::{start_xvfb, terminate};

/// The first officer's passphrase [`App::create_workspace`] sets.
pub const PASSPHRASE: &str = "e2e workspace passphrase";
/// The first officer [`App::create_workspace`] names.
pub const OFFICER: &str = "Olivia Officer";

/// A running app under WebDriver.
pub struct App {
    driver: Option<WebDriver>,
    tauri_driver: Child,
    xvfb: Option<Child>,
    workspace: tempfile::TempDir,
    profile: tempfile::TempDir,
}

impl App {
    /// Starts a display if needed, tauri-driver, and the app binary with a fresh workspace.
    pub async fn launch() -> WebDriverResult<Self> {
        Self::launch_with_env(&[]).await
    }

    /// As [`App::launch`], with extra environment variables for the app (e.g. a private D-Bus).
    pub async fn launch_with_env(env: &[(&str, &str)]) -> WebDriverResult<Self> {
        let workspace = tempfile::tempdir().expect("temporary workspace");
        // A fresh WebView profile (localStorage, caches) per test, so no test sees another's state.
        let profile = tempfile::tempdir().expect("temporary profile");
        let (display, xvfb) = display();
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new(tauri_driver_path());
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("CIPW_WORKSPACE", workspace.path())
            .env("XDG_DATA_HOME", profile.path().join("data"))
            .env("XDG_CACHE_HOME", profile.path().join("cache"))
            .env("XDG_CONFIG_HOME", profile.path().join("config"))
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            // The app's and the driver's stderr go into the profile (scanned for PII by
            // `quit_and_find`), or where CIPW_E2E_LOG says (a debugging aid).
            .stderr({
                let file = std::env::var_os("CIPW_E2E_LOG")
                    .map_or_else(|| profile.path().join("stderr.log"), PathBuf::from);
                std::fs::File::create(file).map_or_else(|_| Stdio::null(), Stdio::from)
            });
        let tauri_driver = command.spawn().expect("tauri-driver starts (cargo xtask setup installs it)");
        let mut app = Self { driver: None, tauri_driver, xvfb, workspace, profile };
        // tauri-driver listens at once but proxies to WebKitWebDriver, which starts a moment
        // later: wait for both ports, then allow a few attempts under load.
        wait_for_port(port, Duration::from_secs(20));
        wait_for_port(native_port, Duration::from_secs(20));

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": env!("CARGO_BIN_EXE_cip-workbench"), "args": [] }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut attempt = 1;
        let driver = loop {
            match WebDriver::new(url.clone(), caps.clone()).await {
                Ok(driver) => break driver,
                // Under load WebKitWebDriver may take seconds to accept its first session (one CI
                // run saw five attempts 0.5 s apart all refused): retry for about 15 s.
                Err(e) if attempt < 10 => {
                    eprintln!("WebDriver session attempt {attempt} failed ({e}); retrying");
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(1_500)).await;
                }
                Err(e) => return Err(e),
            }
        };
        app.driver = Some(driver);
        Ok(app)
    }

    /// The WebDriver session.
    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("session is open until quit")
    }

    /// The temporary workspace folder the app was started with.
    pub fn workspace(&self) -> &Path {
        self.workspace.path()
    }

    /// Runs the CLI on this app's workspace as the first officer ([`OFFICER`], unlocked with
    /// [`PASSPHRASE`]) while the window has it open, as an officer's second terminal would;
    /// panics with its stderr if it fails.
    pub fn cli(&self, args: &[&str]) -> String {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cip-workbench"))
            .args(args)
            .arg("--workspace")
            .arg(self.workspace())
            .env("CIPW_PASSPHRASE", PASSPHRASE)
            .env("CIPW_AS", OFFICER)
            .output()
            .expect("run the CLI");
        assert!(output.status.success(), "cli {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits (up to the query timeout) for `css` to show non-empty text and returns it.
    pub async fn text_of(&self, css: &str) -> WebDriverResult<String> {
        let element = self.wait_for(css).await?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = element.text().await?;
            if !text.trim().is_empty() || Instant::now() > deadline {
                return Ok(text.trim().to_owned());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fills the first-run form (workspace passphrase [`PASSPHRASE`]), confirms the recovery
    /// code was saved, and waits for the app frame. Returns the recovery code shown.
    pub async fn create_workspace(&self) -> WebDriverResult<String> {
        self.type_into("[data-testid='provider-name']", "Example Cloud LLC").await?;
        self.type_into("[data-testid='officer-name']", OFFICER).await?;
        self.type_into("[data-testid='passphrase']", PASSPHRASE).await?;
        self.type_into("[data-testid='passphrase-repeat']", PASSPHRASE).await?;
        self.click("[data-testid='create-workspace']").await?;
        let code = self.text_of("[data-testid='recovery-code']").await?;
        self.screenshot("recovery-code").await;
        self.click("[data-testid='saved-code']").await?;
        self.click("[data-testid='recovery-done']").await?;
        if let Err(e) = self.text_of("[data-testid='actor']").await {
            self.screenshot("workspace-did-not-open").await;
            return Err(e);
        }
        Ok(code)
    }

    /// Adds a person through Settings → People (the acting officer stays in charge).
    pub async fn add_actor(&self, name: &str, role: &str, passphrase: &str) -> WebDriverResult<()> {
        self.go("s").await?;
        self.type_into("[data-testid='new-actor-name']", name).await?;
        let form = self.wait_for("form[aria-label='Add a person']").await?;
        form.find(By::Css("select")).await?.send_keys(role).await?;
        form.find(By::Css("input[type='password']")).await?.send_keys(passphrase).await?;
        form.find(By::Css("button[type='submit']")).await?.click().await?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.text_of("[data-testid='actors']").await?.contains(name) {
            assert!(Instant::now() < deadline, "{name} was not added");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// Sends keys to the page itself (no field focused), as a reviewer's keyboard does.
    pub async fn keys(&self, keys: impl Into<TypingData>) -> WebDriverResult<()> {
        self.driver().find(By::Tag("body")).await?.send_keys(keys).await
    }

    /// Polls `css`'s text until `done` holds (10 s), returning it.
    pub async fn wait_text(&self, css: &str, done: impl Fn(&str) -> bool) -> WebDriverResult<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text_of(css).await?;
            if done(&text) {
                return Ok(text);
            }
            assert!(Instant::now() < deadline, "{css} never matched: {text}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Presses `g` then `key` on the page: the frame's "go to view" shortcut.
    pub async fn go(&self, key: &str) -> WebDriverResult<()> {
        let body = self.driver().find(By::Tag("body")).await?;
        body.send_keys("g").await?;
        body.send_keys(key).await
    }

    /// Waits for `css`, clears it and types `text`.
    pub async fn type_into(&self, css: &str, text: &str) -> WebDriverResult<()> {
        let input = self.wait_for(css).await?;
        input.clear().await?;
        input.send_keys(text).await
    }

    /// Waits for `css` to be displayed and clicks it.
    pub async fn click(&self, css: &str) -> WebDriverResult<()> {
        self.wait_for(css).await?.click().await
    }

    /// Waits up to 20 s for `css` to be displayed.
    pub async fn wait_for(&self, css: &str) -> WebDriverResult<WebElement> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(200));
            match self
                .driver()
                .query(By::Css(css))
                .wait(left, Duration::from_millis(100))
                .and_displayed()
                .first()
                .await
            {
                // WebKitWebDriver answers this when the element it found was replaced while it
                // read it (a view swapping, e.g. to the lock screen): look again.
                Err(e)
                    if format!("{e:?}").contains("Could not parse element info")
                        && Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => return other,
            }
        }
    }

    /// Saves a screenshot to `target/e2e-screenshots/<name>.png` as an artifact (never asserted).
    pub async fn screenshot(&self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
        if std::fs::create_dir_all(&dir).is_ok() {
            let _ = self.driver().screenshot(&dir.join(format!("{name}.png"))).await;
        }
    }

    /// Closes the app, then reads every file it and its WebView wrote outside the workspace —
    /// the WebView's storage and caches, the app's logs — and returns those holding any of
    /// `canaries`, with how many files were read.
    pub async fn quit_and_find(mut self, canaries: &[&str]) -> WebDriverResult<(Vec<String>, usize)> {
        if let Some(driver) = self.driver.take() {
            driver.quit().await?;
        }
        // The WebView flushes its storage as it closes.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let mut found = Vec::new();
        let mut read = 0;
        let mut stack = vec![self.profile.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    read += 1;
                    for canary in canaries {
                        if bytes.windows(canary.len()).any(|w| w == canary.as_bytes()) {
                            found.push(format!("{canary:?} in {}", path.display()));
                        }
                    }
                }
            }
        }
        Ok((found, read))
    }

    /// Ends the WebDriver session (closing the app); the rest stops on drop.
    pub async fn quit(mut self) -> WebDriverResult<()> {
        if let Some(driver) = self.driver.take() {
            driver.quit().await?;
        }
        Ok(())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // Reached without `quit` only when a test failed: stop the driver first, so the
        // session's fallback teardown meets a closed port at once instead of waiting.
        terminate(&mut self.tauri_driver);
        let _ = &self.profile;
        if let Some(xvfb) = self.xvfb.as_mut() {
            terminate(xvfb);
        }
    }
}

/// The current display, or a private Xvfb.
fn display() -> (String, Option<Child>) {
    if let Ok(display) = std::env::var("DISPLAY")
        && !display.is_empty()
    {
        return (display, None);
    }
    let (display, child) = start_xvfb().unwrap_or_else(|e| panic!("{e}"));
    (display, Some(child))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port()
}

fn wait_for_port(port: u16, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `tauri-driver` from PATH, or from cargo's bin folder where `cargo install` puts it.
fn tauri_driver_path() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("tauri-driver")).find(|p| p.exists()));
    if let Some(Some(path)) = on_path {
        return path;
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("HOME or CARGO_HOME");
    cargo_home.join("bin/tauri-driver")
}
