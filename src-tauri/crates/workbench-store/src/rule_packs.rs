//! Imported rule packs, kept verbatim (the active one is the setting `rule_pack.active`, its
//! SHA-256). The built-in pack is always available without being stored.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use workbench_core::ActorId;

use crate::audit::timestamp;
use crate::error::StoreError;

/// An imported pack as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPack {
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// The pack's id.
    pub pack_id: String,
    /// The file it came from.
    pub file_name: String,
    /// Its text.
    pub source: String,
    /// When, RFC 3339 UTC.
    pub imported_at: String,
}

/// Stores a pack (already validated); importing the same bytes twice is a no-op.
pub fn insert(
    tx: &Transaction<'_>,
    sha256: &str,
    pack_id: &str,
    file_name: &str,
    source: &str,
    by: ActorId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "INSERT OR IGNORE INTO rule_pack (sha256, pack_id, file_name, source, imported_at, imported_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![sha256, pack_id, file_name, source, timestamp(&at), by.to_string()],
    )?;
    if changed > 0 {
        crate::canonical::written(tx, at, by.into(), "rules.import", "rule_pack", sha256)?;
    }
    Ok(changed > 0)
}

/// Every imported pack, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<StoredPack>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT sha256, pack_id, file_name, source, imported_at FROM rule_pack ORDER BY imported_at, sha256",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(StoredPack {
            sha256: r.get(0)?,
            pack_id: r.get(1)?,
            file_name: r.get(2)?,
            source: r.get(3)?,
            imported_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One pack by hash.
pub fn get(conn: &Connection, sha256: &str) -> Result<Option<StoredPack>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT sha256, pack_id, file_name, source, imported_at FROM rule_pack WHERE sha256 = ?1",
            [sha256],
            |r| {
                Ok(StoredPack {
                    sha256: r.get(0)?,
                    pack_id: r.get(1)?,
                    file_name: r.get(2)?,
                    source: r.get(3)?,
                    imported_at: r.get(4)?,
                })
            },
        )
        .optional()?)
}
