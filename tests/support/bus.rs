//! A private D-Bus session bus for tests (included by path by the e2e harness and by
//! workbench-app's unit tests), and the screen saver's lock signal sent on it.

use std::process::{Child, Command, Stdio};

/// A private D-Bus session bus for one test; stopped on drop.
pub struct PrivateBus {
    daemon: Child,
    /// The bus address (`unix:path=…`), for `DBUS_SESSION_BUS_ADDRESS` and `dbus-send --bus=`.
    pub address: String,
}

impl PrivateBus {
    /// Starts `dbus-daemon --session` and reads its address.
    pub fn start() -> Self {
        use std::io::{BufRead, BufReader};
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (cargo xtask setup installs dbus)");
        let mut address = String::new();
        let stdout = daemon.stdout.take().expect("stdout");
        BufReader::new(stdout).read_line(&mut address).expect("bus address");
        Self { daemon, address: address.trim().to_owned() }
    }

    /// Emits `org.freedesktop.ScreenSaver.ActiveChanged(active)` on the bus.
    pub fn screen_saver(&self, active: bool) {
        let status = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--type=signal",
                "/org/freedesktop/ScreenSaver",
                "org.freedesktop.ScreenSaver.ActiveChanged",
            ])
            .arg(format!("boolean:{active}"))
            .status()
            .expect("dbus-send");
        assert!(status.success(), "dbus-send failed");
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}
