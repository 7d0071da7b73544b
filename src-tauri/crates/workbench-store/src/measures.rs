//! The special-measures register (R22): measures as recorded, with their extensions; every
//! change audited with the record's canonical form (kind `special_measure`).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use workbench_core::ActorId;
use workbench_core::measures::{Extension, MeasureKind, MeasurePerson, ValidMeasure};

use crate::audit::timestamp;
use crate::error::StoreError;

/// A measure as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRow {
    /// UUIDv7.
    pub id: String,
    /// Title.
    pub title: String,
    /// Federal Register citation.
    pub citation: String,
    /// Determination date.
    pub determined_on: NaiveDate,
    /// Effective date.
    pub effective_on: NaiveDate,
    /// Whether the effective date came from the pack.
    pub effective_derived: bool,
    /// End date before any extension.
    pub ends_on: NaiveDate,
    /// Whether the end came from the pack.
    pub end_derived: bool,
    /// What it does.
    pub kind: MeasureKind,
    /// Close-by date of a prohibition on maintaining.
    pub close_by: Option<NaiveDate>,
    /// Conditions.
    pub conditions: Vec<String>,
    /// Persons named.
    pub persons: Vec<MeasurePerson>,
    /// Jurisdictions named.
    pub jurisdictions: Vec<String>,
    /// The determination in the vault.
    pub source_evidence: Option<String>,
    /// When it was recorded.
    pub recorded_at: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// Extensions, oldest first.
    pub extensions: Vec<Extension>,
}

fn date(text: &str) -> Result<NaiveDate, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("special measure: {text:?} is not a date")))
}

fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("special measure: {e}")))
}

const COLUMNS: &str = "id, title, citation, determined_on, effective_on, effective_derived, ends_on, end_derived, \
     kind, close_by, conditions, persons, jurisdictions, source_evidence, recorded_at, recorded_by";

/// A row as SQLite gives it, before its dates and JSON are read.
struct Raw {
    id: String,
    title: String,
    citation: String,
    determined_on: String,
    effective_on: String,
    effective_derived: bool,
    ends_on: String,
    end_derived: bool,
    kind: String,
    close_by: Option<String>,
    conditions: String,
    persons: String,
    jurisdictions: String,
    source_evidence: Option<String>,
    recorded_at: String,
    recorded_by: String,
}

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        id: r.get(0)?,
        title: r.get(1)?,
        citation: r.get(2)?,
        determined_on: r.get(3)?,
        effective_on: r.get(4)?,
        effective_derived: r.get::<_, i64>(5)? == 1,
        ends_on: r.get(6)?,
        end_derived: r.get::<_, i64>(7)? == 1,
        kind: r.get(8)?,
        close_by: r.get(9)?,
        conditions: r.get(10)?,
        persons: r.get(11)?,
        jurisdictions: r.get(12)?,
        source_evidence: r.get(13)?,
        recorded_at: r.get(14)?,
        recorded_by: r.get(15)?,
    })
}

fn read(
    conn: &Connection,
    where_sql: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<MeasureRow>, StoreError> {
    let mut statement = conn
        .prepare(&format!("SELECT {COLUMNS} FROM special_measure {where_sql} ORDER BY effective_on, id"))?;
    let rows = statement.query_map(args, raw)?.collect::<Result<Vec<_>, _>>()?;
    let mut extensions = conn.prepare(
        "SELECT citation, ends_on FROM special_measure_extension WHERE measure_id = ?1 ORDER BY seq",
    )?;
    rows.into_iter()
        .map(|r| {
            let extensions = extensions
                .query_map([&r.id], |x| Ok((x.get::<_, String>(0)?, x.get::<_, String>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .map(|(citation, ends_on)| Ok(Extension { citation, ends_on: date(&ends_on)? }))
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(MeasureRow {
                kind: MeasureKind::from_code(&r.kind).ok_or_else(|| {
                    StoreError::Corrupt(format!("special measure {}: kind {:?}", r.id, r.kind))
                })?,
                determined_on: date(&r.determined_on)?,
                effective_on: date(&r.effective_on)?,
                effective_derived: r.effective_derived,
                ends_on: date(&r.ends_on)?,
                end_derived: r.end_derived,
                close_by: r.close_by.as_deref().map(date).transpose()?,
                conditions: json(&r.conditions)?,
                persons: json(&r.persons)?,
                jurisdictions: json(&r.jurisdictions)?,
                id: r.id,
                title: r.title,
                citation: r.citation,
                source_evidence: r.source_evidence,
                recorded_at: r.recorded_at,
                recorded_by: r.recorded_by,
                extensions,
            })
        })
        .collect()
}

/// Every measure, by effective date.
pub fn list(conn: &Connection) -> Result<Vec<MeasureRow>, StoreError> {
    read(conn, "", &[])
}

/// One measure.
pub fn get(conn: &Connection, id: &str) -> Result<Option<MeasureRow>, StoreError> {
    Ok(read(conn, "WHERE id = ?1", &[&id])?.into_iter().next())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Conflict(e.to_string()))
}

/// Records a measure; audited. Returns its id.
pub fn insert(
    tx: &Transaction<'_>,
    valid: &ValidMeasure,
    source_evidence: Option<&str>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let m = &valid.measure;
    let id = workbench_core::EventId::new().to_string();
    tx.execute(
        &format!("INSERT INTO special_measure ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"),
        params![
            id,
            m.title,
            m.citation,
            m.determined_on.to_string(),
            valid.effective_on.to_string(),
            i64::from(valid.effective_derived),
            valid.ends_on.to_string(),
            i64::from(valid.end_derived),
            m.kind.code(),
            m.close_by.map(|d| d.to_string()),
            to_json(&m.conditions)?,
            to_json(&m.persons)?,
            to_json(&m.jurisdictions)?,
            source_evidence,
            timestamp(&at),
            actor.to_string()
        ],
    )?;
    crate::canonical::written(tx, at, actor.into(), "measure.record", "special_measure", &id)?;
    Ok(id)
}

/// Records an extension of a measure (checked by the caller against its current end); audited.
pub fn extend(
    tx: &Transaction<'_>,
    id: &str,
    extension: &Extension,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let exists: Option<String> =
        tx.query_row("SELECT id FROM special_measure WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    if exists.is_none() {
        return Err(StoreError::Conflict(format!("there is no special measure {id}")));
    }
    let kind = crate::canonical::known("special_measure");
    let before = crate::canonical::record(tx, kind, id)?;
    tx.execute(
        "INSERT INTO special_measure_extension (measure_id, citation, ends_on, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, extension.citation, extension.ends_on.to_string(), timestamp(&at), actor.to_string()],
    )?;
    crate::canonical::record_change(tx, at, actor.into(), "measure.extend", kind, id, before.as_deref())
}
