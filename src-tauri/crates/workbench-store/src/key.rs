//! The data key (DEK) that SQLCipher uses as its raw key.
//!
//! Held in memory only as long as the workspace is unlocked, zeroized on drop, never printed:
//! `Debug` is redacted so a stray `{:?}` in a log cannot leak it.

use zeroize::Zeroize;

use crate::error::StoreError;

/// One page of memory, page-aligned, so that locking it locks no one else's data and unlocking
/// it (when the key is dropped) unlocks no other key.
#[repr(C, align(4096))]
struct Page([u8; 4096]);

/// A 256-bit data-encryption key.
///
/// Kept on a page of its own that is locked into RAM where the OS allows (`mlock`; issue 14), so
/// it is never written to swap; zeroized when dropped. A lock that fails (a low
/// `RLIMIT_MEMLOCK`) leaves the key usable and is reported by [`DataKey::is_locked_in_memory`].
pub struct DataKey {
    page: Box<Page>,
    lock: Option<region::LockGuard>,
}

impl DataKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, StoreError> {
        let mut key = Self::blank();
        getrandom::fill(&mut key.page.0[..32]).map_err(|e| StoreError::Random(e.to_string()))?;
        Ok(key)
    }

    /// Wraps existing key bytes (e.g. unwrapped from a key slot); the caller's copy is zeroized.
    pub fn from_bytes(mut bytes: [u8; 32]) -> Self {
        let mut key = Self::blank();
        key.page.0[..32].copy_from_slice(&bytes);
        bytes.zeroize();
        key
    }

    /// A zeroed key page, locked into RAM if the OS lets it.
    fn blank() -> Self {
        let page = Box::new(Page([0; 4096]));
        let lock = match region::lock(page.0.as_ptr(), page.0.len()) {
            Ok(guard) => Some(guard),
            Err(e) => {
                tracing::debug!(error = %e, "the data key could not be locked into RAM");
                None
            }
        };
        Self { page, lock }
    }

    /// True when the key's page is locked into RAM.
    pub fn is_locked_in_memory(&self) -> bool {
        self.lock.is_some()
    }

    /// The raw key bytes, for wrapping into key slots. Never log or display them.
    pub(crate) fn expose(&self) -> &[u8; 32] {
        self.page.0[..32].try_into().expect("32 bytes")
    }

    /// The `PRAGMA key` value for a raw key: `"x'<64 hex>'"`, so SQLCipher skips its own KDF.
    ///
    /// The returned string is itself key material; it is zeroized when dropped.
    pub(crate) fn sqlcipher_pragma_value(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(format!("x'{}'", hex::encode(self.expose())))
    }
}

impl Clone for DataKey {
    fn clone(&self) -> Self {
        let mut key = Self::blank();
        key.page.0[..32].copy_from_slice(self.expose());
        key
    }
}

impl Drop for DataKey {
    fn drop(&mut self) {
        // Before the page is unlocked (the guard drops after this) and freed.
        self.page.0.zeroize();
    }
}

/// Whether a data key made now is locked into RAM (for `doctor`).
pub fn keys_lock_into_memory() -> bool {
    DataKey::blank().is_locked_in_memory()
}

/// Compares without an early exit, so timing does not reveal how much of a MAC matched.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_lives_on_its_own_locked_page_and_clones_are_equal() {
        let key = DataKey::generate().expect("key");
        assert_eq!(key.page.0.as_ptr() as usize % 4096, 0, "page-aligned");
        let copy = key.clone();
        assert_eq!(copy.expose(), key.expose());
        assert_ne!(copy.page.0.as_ptr(), key.page.0.as_ptr());
        // Where the OS allows it (root, or RLIMIT_MEMLOCK above a few pages), both are locked.
        if memlock_limit_allows() {
            assert!(key.is_locked_in_memory() && copy.is_locked_in_memory());
        }
    }

    /// RLIMIT_MEMLOCK as /proc reports it: true when it is unlimited or at least 64 KiB.
    fn memlock_limit_allows() -> bool {
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
        limits.lines().find(|l| l.starts_with("Max locked memory")).is_some_and(|l| {
            let soft = l.split_whitespace().nth(3).unwrap_or("0");
            soft == "unlimited" || soft.parse::<u64>().is_ok_and(|b| b >= 64 * 1024)
        })
    }

    #[test]
    fn debug_never_shows_key_bytes() {
        let key = DataKey::from_bytes([0xAB; 32]);
        let shown = format!("{key:?}");
        assert_eq!(shown, "DataKey(<redacted>)");
        assert!(!shown.to_lowercase().contains("ab"));
    }

    #[test]
    fn pragma_value_is_raw_hex_key() {
        let key = DataKey::from_bytes([0x01; 32]);
        let value = key.sqlcipher_pragma_value();
        assert_eq!(value.len(), 2 + 64 + 1);
        assert!(value.starts_with("x'0101"));
        assert!(value.ends_with("01'"));
    }

    #[test]
    fn generated_keys_differ() {
        let a = DataKey::generate().expect("random");
        let b = DataKey::generate().expect("random");
        assert_ne!(a.sqlcipher_pragma_value(), b.sqlcipher_pragma_value());
    }
}
