//! Locks the workspace when the desktop locks the screen or the machine goes to sleep, where
//! the platform says so: on Linux, `org.freedesktop.ScreenSaver.ActiveChanged(true)` on the
//! session bus and logind's `PrepareForSleep(true)` on the system bus. Where neither bus exists
//! (headless, CI), nothing is watched and the idle limit still applies.

/// Starts background watchers that call `lock` on a screen lock or before sleep. Returns how
/// many watchers started (0 when no bus is reachable).
pub fn watch(lock: impl Fn(&'static str) + Send + Sync + Clone + 'static) -> usize {
    platform::watch(lock)
}

#[cfg(target_os = "linux")]
mod platform {
    use zbus::blocking::{Connection, MessageIterator};
    use zbus::{MatchRule, message::Type};

    /// (which bus, interface, member, why) of every signal that means "lock now".
    const SIGNALS: [(bool, &str, &str, &str); 2] = [
        (false, "org.freedesktop.ScreenSaver", "ActiveChanged", "screen locked"),
        (true, "org.freedesktop.login1.Manager", "PrepareForSleep", "going to sleep"),
    ];

    pub(super) fn watch(lock: impl Fn(&'static str) + Send + Sync + Clone + 'static) -> usize {
        let mut started = 0;
        for (system, interface, member, why) in SIGNALS {
            let connection = if system { Connection::system() } else { Connection::session() };
            let Ok(connection) = connection else { continue };
            if spawn(connection, interface, member, why, lock.clone()).is_ok() {
                started += 1;
            }
        }
        started
    }

    /// Watches one signal on `connection`; the thread ends when the bus goes away.
    pub(crate) fn spawn(
        connection: Connection,
        interface: &'static str,
        member: &'static str,
        why: &'static str,
        lock: impl Fn(&'static str) + Send + 'static,
    ) -> zbus::Result<()> {
        let rule = MatchRule::builder().msg_type(Type::Signal).interface(interface)?.member(member)?.build();
        let messages = MessageIterator::for_match_rule(rule, &connection, Some(16))?;
        std::thread::Builder::new()
            .name(format!("os-lock {member}"))
            .spawn(move || {
                let _connection = connection;
                for message in messages.flatten() {
                    if message.body().deserialize::<bool>().unwrap_or(false) {
                        tracing::info!(reason = why, "locking the workspace");
                        lock(why);
                    }
                }
            })
            .map_err(|e| zbus::Error::Failure(e.to_string()))?;
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use std::sync::mpsc;
        use std::time::Duration;

        use super::*;
        use crate::test_bus::PrivateBus;

        /// A private session bus (dbus-daemon), the watcher on it, and `dbus-send` emitting the
        /// screen saver's signal: the callback must fire for `true` and not for `false`.
        #[test]
        fn a_screen_lock_signal_on_a_real_bus_locks() {
            let bus = PrivateBus::start();
            let connection = zbus::blocking::connection::Builder::address(bus.address.as_str())
                .expect("address")
                .build()
                .expect("connect");
            let (tx, rx) = mpsc::channel();
            spawn(connection, "org.freedesktop.ScreenSaver", "ActiveChanged", "screen locked", move |why| {
                let _ = tx.send(why);
            })
            .expect("watch");

            bus.screen_saver(false);
            assert!(
                rx.recv_timeout(Duration::from_millis(500)).is_err(),
                "unlocking the screen must not lock"
            );
            bus.screen_saver(true);
            assert_eq!(rx.recv_timeout(Duration::from_secs(5)).expect("lock callback"), "screen locked");
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    pub(super) fn watch(_lock: impl Fn(&'static str) + Send + Sync + Clone + 'static) -> usize {
        0
    }
}
