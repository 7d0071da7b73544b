//! The data key (DEK) that SQLCipher uses as its raw key.
//!
//! Held in memory only as long as the workspace is unlocked, zeroized on drop, never printed:
//! `Debug` is redacted so a stray `{:?}` in a log cannot leak it.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::StoreError;

/// A 256-bit data-encryption key.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, StoreError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
        Ok(Self(bytes))
    }

    /// Wraps existing key bytes (e.g. unwrapped from a key slot).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw key bytes, for wrapping into key slots. Never log or display them.
    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// The `PRAGMA key` value for a raw key: `"x'<64 hex>'"`, so SQLCipher skips its own KDF.
    ///
    /// The returned string is itself key material; it is zeroized when dropped.
    pub(crate) fn sqlcipher_pragma_value(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(format!("x'{}'", hex::encode(self.0)))
    }
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
