//! Errors of the store.

/// What can go wrong opening or using the encrypted workspace.
///
/// Messages never contain key material or record contents.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite library linked in is not SQLCipher: refusing to store records unencrypted.
    #[error("the database engine is not SQLCipher (cipher_version is empty); refusing to continue")]
    NotSqlCipher,
    /// The key does not open the database (wrong key, or the file is not a workspace database).
    #[error("the database could not be unlocked: wrong key, or not a CIP Workbench database")]
    WrongKey,
    /// Any other database failure.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The system random source failed.
    #[error("the system random number generator failed: {0}")]
    Random(String),
}
