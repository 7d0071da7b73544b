//! Child processes shared by the end-to-end harness and `cargo xtask run` (included by path in
//! both, so the two cannot drift): a private Xvfb, and a gentle stop.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts Xvfb on the first free display number from :90 and waits for its socket.
/// Returns the display name (e.g. ":90") and the process.
pub fn start_xvfb() -> Result<(String, Child), String> {
    for number in 90..190 {
        let lock = PathBuf::from(format!("/tmp/.X{number}-lock"));
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        if lock.exists() || socket.exists() {
            continue;
        }
        let mut child = Command::new("Xvfb")
            .args([&format!(":{number}"), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start Xvfb (run `cargo xtask setup` as root): {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            if Instant::now() > deadline {
                terminate(&mut child);
                return Err(format!("Xvfb did not open display :{number} within 10 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        return Ok((format!(":{number}"), child));
    }
    Err("no free X display number between :90 and :189".into())
}

/// SIGTERM, then up to 5 s to exit; SIGKILL only if it ignores SIGTERM. (tauri-driver must get
/// SIGTERM: SIGKILL leaks its WebKitWebDriver child, which keeps the native port.)
pub fn terminate(child: &mut Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}
