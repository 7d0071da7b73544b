//! Reachability of the OS credential store.
//!
//! The workspace key slot (a) lives in the OS credential store: the Secret Service on Linux. This
//! module answers "can we use it, and if not, why not" without writing anything, so `doctor` and
//! the About view can tell the user before unlocking depends on it.

use serde::Serialize;

/// The service name under which CIP Workbench keeps its entries.
pub const SERVICE: &str = "cip-workbench";

/// Whether the OS credential store can be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyringStatus {
    /// True when the store answered a read-only query.
    pub available: bool,
    /// Which backend was tried, e.g. "Secret Service (D-Bus)".
    pub backend: String,
    /// When unavailable: why, in words a user can act on.
    pub detail: Option<String>,
}

/// Probes the platform credential store with a read-only search.
pub fn probe_keyring() -> KeyringStatus {
    platform::probe()
}

#[cfg(target_os = "linux")]
mod platform {
    use std::collections::HashMap;

    use super::{KeyringStatus, SERVICE};

    const BACKEND: &str = "Secret Service (D-Bus)";

    pub(super) fn probe() -> KeyringStatus {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return unavailable(
                "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset); \
                 use a desktop session, or unlock with the passphrase",
            );
        }
        let store = match zbus_secret_service_keyring_store::Store::new() {
            Ok(store) => store,
            Err(e) => return unavailable(&format!("cannot reach the Secret Service: {e}")),
        };
        let spec = HashMap::from([("service", SERVICE)]);
        let store: std::sync::Arc<keyring_core::CredentialStore> = store;
        match keyring_core::Entry::search_in_store(&store, &spec) {
            Ok(_) => KeyringStatus {
                available: true,
                backend: BACKEND.into(),
                detail: None,
            },
            Err(e) => unavailable(&format!("the Secret Service did not answer a search: {e}")),
        }
    }

    fn unavailable(why: &str) -> KeyringStatus {
        KeyringStatus {
            available: false,
            backend: BACKEND.into(),
            detail: Some(why.to_owned()),
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    use super::KeyringStatus;

    pub(super) fn probe() -> KeyringStatus {
        KeyringStatus {
            available: false,
            backend: std::env::consts::OS.to_owned(),
            detail: Some("this build has no credential store for this platform yet".into()),
        }
    }
}
