//! Reachability of the OS credential store.
//!
//! The workspace key slot (a) lives in the OS credential store: the Secret Service on Linux. This
//! module answers "can we use it, and if not, why not" without writing anything, so `doctor` and
//! the About view can tell the user before unlocking depends on it.

use serde::Serialize;

use crate::error::StoreError;
use crate::key::DataKey;

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

/// Saves the workspace's data key in the OS credential store (key slot (c)).
pub fn store_key(account: &str, key: &DataKey) -> Result<(), StoreError> {
    let secret = zeroize::Zeroizing::new(hex::encode(key.expose()));
    entry(account)?.set_password(&secret).map_err(keyring_error)
}

/// Reads the workspace's data key from the OS credential store.
pub fn load_key(account: &str) -> Result<DataKey, StoreError> {
    let secret = zeroize::Zeroizing::new(entry(account)?.get_password().map_err(keyring_error)?);
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(secret.as_bytes(), &mut bytes).map_err(|_| StoreError::KeyMismatch)?;
    Ok(DataKey::from_bytes(bytes))
}

/// Removes the workspace's data key from the OS credential store, if present.
pub fn delete_key(account: &str) -> Result<(), StoreError> {
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}

/// An entry in the default store if one is set (tests set the mock store), else in the
/// platform store.
fn entry(account: &str) -> Result<keyring_core::Entry, StoreError> {
    if keyring_core::get_default_store().is_some() {
        return keyring_core::Entry::new(SERVICE, account).map_err(keyring_error);
    }
    let store = platform::store()?;
    keyring_core::Entry::new_in_store(&store, SERVICE, account).map_err(keyring_error)
}

fn keyring_error(e: keyring_core::Error) -> StoreError {
    match e {
        keyring_core::Error::NoEntry => StoreError::Keyring(
            "the OS credential store has no key for this workspace (it was removed, or this is another \
             user or machine)"
                .into(),
        ),
        keyring_core::Error::NoStorageAccess(_) => {
            StoreError::Keyring("the OS credential store is locked; unlock your login keyring".into())
        }
        other => StoreError::Keyring(format!("the OS credential store failed: {other}")),
    }
}

#[cfg(target_os = "linux")]
mod platform {
    use std::collections::HashMap;

    use super::{KeyringStatus, SERVICE};
    use crate::error::StoreError;

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
            Ok(_) => KeyringStatus { available: true, backend: BACKEND.into(), detail: None },
            Err(e) => unavailable(&format!("the Secret Service did not answer a search: {e}")),
        }
    }

    pub(super) fn store() -> Result<std::sync::Arc<keyring_core::CredentialStore>, StoreError> {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return Err(StoreError::Keyring(
                "no D-Bus session bus: the OS credential store is unavailable".into(),
            ));
        }
        let store = zbus_secret_service_keyring_store::Store::new()
            .map_err(|e| StoreError::Keyring(format!("cannot reach the Secret Service: {e}")))?;
        Ok(store)
    }

    fn unavailable(why: &str) -> KeyringStatus {
        KeyringStatus { available: false, backend: BACKEND.into(), detail: Some(why.to_owned()) }
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    use super::KeyringStatus;
    use crate::error::StoreError;

    pub(super) fn store() -> Result<std::sync::Arc<keyring_core::CredentialStore>, StoreError> {
        Err(StoreError::Keyring("this build has no credential store for this platform yet".into()))
    }

    pub(super) fn probe() -> KeyringStatus {
        KeyringStatus {
            available: false,
            backend: std::env::consts::OS.to_owned(),
            detail: Some("this build has no credential store for this platform yet".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_round_trips_through_the_mock_store() {
        keyring_core::set_default_store(keyring_core::mock::Store::new().expect("mock store"));
        let key = DataKey::generate().expect("key");
        store_key("ws-test", &key).expect("store");
        assert_eq!(load_key("ws-test").expect("load").expose(), key.expose());
        delete_key("ws-test").expect("delete");
        let err = load_key("ws-test").expect_err("gone");
        assert!(err.to_string().contains("has no key for this workspace"), "{err}");
        delete_key("ws-test").expect("deleting twice is fine");
    }
}
