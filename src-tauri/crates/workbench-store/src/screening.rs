//! Screening list versions (R22): each import of a list's files, kept with the files, one version
//! active per list. The matcher itself lives in `workbench-screening`; this module keeps what it
//! reads, and every import and activation in the audit chain (kind `screening_list`).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use workbench_core::ActorId;

use crate::audit::timestamp;
use crate::error::StoreError;

/// A list version as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListVersionRow {
    /// UUIDv7.
    pub id: String,
    /// `sdn` or `csl`.
    pub source: String,
    /// SHA-256 over the version's files.
    pub sha256: String,
    /// Entries.
    pub entries: i64,
    /// Aliases (names beyond each entry's primary one).
    pub aliases: i64,
    /// The publication date the officer stated.
    pub published_on: Option<String>,
    /// When it was imported.
    pub imported_at: String,
    /// Who imported it.
    pub imported_by: String,
    /// The version the list is checked against now.
    pub active: bool,
    /// When it last became active.
    pub activated_at: Option<String>,
}

/// A list version to store.
#[derive(Debug, Clone, Copy)]
pub struct NewListVersion<'a> {
    /// `sdn` or `csl`.
    pub source: &'a str,
    /// SHA-256 over the files.
    pub sha256: &'a str,
    /// Entries.
    pub entries: usize,
    /// Aliases.
    pub aliases: usize,
    /// The publication date stated, if any.
    pub published_on: Option<chrono::NaiveDate>,
    /// The files, by name.
    pub files: &'a [(&'a str, &'a [u8])],
}

const COLUMNS: &str =
    "id, source, sha256, entries, aliases, published_on, imported_at, imported_by, active, activated_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ListVersionRow> {
    Ok(ListVersionRow {
        id: r.get(0)?,
        source: r.get(1)?,
        sha256: r.get(2)?,
        entries: r.get(3)?,
        aliases: r.get(4)?,
        published_on: r.get(5)?,
        imported_at: r.get(6)?,
        imported_by: r.get(7)?,
        active: r.get::<_, i64>(8)? == 1,
        activated_at: r.get(9)?,
    })
}

/// Every version, newest import first.
pub fn versions(conn: &Connection) -> Result<Vec<ListVersionRow>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM screening_list_version ORDER BY imported_at DESC, id DESC"
    ))?;
    let rows = statement.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One version.
pub fn version(conn: &Connection, id: &str) -> Result<Option<ListVersionRow>, StoreError> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM screening_list_version WHERE id = ?1"), [id], row)
        .optional()?)
}

/// The version with this fingerprint, if that list holds it already.
pub fn by_sha256(
    conn: &Connection,
    source: &str,
    sha256: &str,
) -> Result<Option<ListVersionRow>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM screening_list_version WHERE source = ?1 AND sha256 = ?2"),
            [source, sha256],
            row,
        )
        .optional()?)
}

/// The active version of each list that has one.
pub fn active(conn: &Connection) -> Result<Vec<ListVersionRow>, StoreError> {
    let mut statement = conn
        .prepare(&format!("SELECT {COLUMNS} FROM screening_list_version WHERE active = 1 ORDER BY source"))?;
    let rows = statement.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A version's files, by name.
pub fn files(conn: &Connection, id: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut statement =
        conn.prepare("SELECT name, bytes FROM screening_list_file WHERE version_id = ?1 ORDER BY name")?;
    let rows = statement.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Stores a version with its files (not active yet); audited. Returns its id.
pub fn insert(
    tx: &Transaction<'_>,
    new: &NewListVersion<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = workbench_core::EventId::new().to_string();
    tx.execute(
        "INSERT INTO screening_list_version (id, source, sha256, entries, aliases, published_on, imported_at, imported_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            new.source,
            new.sha256,
            new.entries as i64,
            new.aliases as i64,
            new.published_on.map(|d| d.to_string()),
            timestamp(&at),
            actor.to_string()
        ],
    )?;
    let mut file =
        tx.prepare("INSERT INTO screening_list_file (version_id, name, bytes) VALUES (?1, ?2, ?3)")?;
    for (name, bytes) in new.files {
        file.execute(params![id, name, bytes])?;
    }
    crate::canonical::written(tx, at, actor.into(), "screening.list_import", "screening_list", &id)?;
    Ok(id)
}

/// Makes `id` its list's active version (the one before stops being active); both changes
/// audited.
pub fn activate(tx: &Transaction<'_>, id: &str, actor: ActorId, at: DateTime<Utc>) -> Result<(), StoreError> {
    let source: String = tx
        .query_row("SELECT source FROM screening_list_version WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Conflict(format!("there is no screening list version {id}")))?;
    let previous: Option<String> = tx
        .query_row("SELECT id FROM screening_list_version WHERE source = ?1 AND active = 1", [&source], |r| {
            r.get(0)
        })
        .optional()?;
    if previous.as_deref() == Some(id) {
        return Ok(());
    }
    // Off first: the index allows one active version per list.
    let kind = crate::canonical::known("screening_list");
    let switch = |version: &str, sql: &str| -> Result<(), StoreError> {
        let before = crate::canonical::record(tx, kind, version)?;
        tx.execute(sql, params![version, timestamp(&at)])?;
        let before = before.as_deref();
        crate::canonical::record_change(
            tx,
            at,
            actor.into(),
            "screening.list_activate",
            kind,
            version,
            before,
        )
    };
    if let Some(previous) = previous {
        switch(&previous, "UPDATE screening_list_version SET active = 0 WHERE id = ?1 AND ?2 IS NOT NULL")?;
    }
    switch(id, "UPDATE screening_list_version SET active = 1, activated_at = ?2 WHERE id = ?1")
}
