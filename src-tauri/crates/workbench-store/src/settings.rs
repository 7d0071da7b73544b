//! Workspace settings: small named values in `workspace_meta` under `setting.`, each change
//! audited with the canonical form (`{"key":"setting.<name>","value":…}`) before and after.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use workbench_core::ActorId;

use crate::db::Database;
use crate::error::StoreError;

/// Reads a setting; `None` when it was never set (the caller applies its default).
pub fn get(conn: &Connection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM workspace_meta WHERE key = ?1", [format!("setting.{name}")], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Sets a setting and records the change in the audit chain, in one transaction.
pub fn set(
    db: &mut Database,
    name: &str,
    value: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    db.write(|tx| {
        let key = format!("setting.{name}");
        let kind = crate::canonical::known("setting");
        let before = crate::canonical::record(tx, kind, name)?;
        tx.execute(
            "INSERT INTO workspace_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        crate::canonical::record_change(tx, at, actor.into(), "settings.update", kind, name, before.as_deref())
    })
}
