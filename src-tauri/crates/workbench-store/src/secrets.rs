//! Actor passphrases: stored only as Argon2id PHC strings, verified in constant time.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::StoreError;
use crate::keyslots::KdfCost;

fn hasher() -> Result<Argon2<'static>, StoreError> {
    let cost = KdfCost::DEFAULT;
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| StoreError::KeySlots(format!("bad Argon2id cost: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes an actor's passphrase into a PHC string (`$argon2id$v=19$m=131072,t=4,p=1$…`).
pub fn hash_passphrase(passphrase: &str) -> Result<String, StoreError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(hasher()?
        .hash_password(passphrase.as_bytes(), &salt)
        .map_err(|e| StoreError::KeySlots(format!("Argon2id failed: {e}")))?
        .to_string())
}

/// True when `passphrase` matches the stored PHC string. The parameters come from the string,
/// so hashes made with older costs still verify.
pub fn verify_passphrase(passphrase: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|hash| Argon2::default().verify_password(passphrase.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash_passphrase("reviewer passphrase 1").expect("hash");
        let b = hash_passphrase("reviewer passphrase 1").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=131072,t=4,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_passphrase("reviewer passphrase 1", &a));
        assert!(!verify_passphrase("reviewer passphrase 2", &a));
        assert!(!verify_passphrase("anything", "not a phc string"));
    }
}
