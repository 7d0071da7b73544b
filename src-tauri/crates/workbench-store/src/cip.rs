//! The written CIP's versions (R1): one draft at a time, approved versions frozen, every change
//! audited with the version's content hash. The rules (what may be approved, by whom) live in
//! `workbench_core::cip`; this module only stores.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::Serialize;
use workbench_core::ActorId;
use workbench_core::cip::{CipSection, VersionState, content_sha256};

use crate::audit::timestamp;
use crate::error::StoreError;

/// A stored version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionRow {
    /// Version number.
    pub number: i64,
    /// The version it was begun from.
    pub based_on: Option<i64>,
    /// Draft, approved or discarded.
    pub state: VersionState,
    /// Sections with their text.
    pub sections: Vec<CipSection>,
    /// SHA-256 of the text.
    pub sha256: String,
    /// What changed.
    pub change_summary: String,
    /// Whether the change is material (R14).
    pub material: bool,
    /// Begun when.
    pub created_at: String,
    /// Begun by.
    pub created_by: String,
    /// Last saved.
    pub updated_at: String,
    /// Approved when.
    pub approved_at: Option<String>,
    /// Approved by.
    pub approved_by: Option<String>,
    /// Takes effect.
    pub effective_on: Option<NaiveDate>,
}

const COLUMNS: &str = "number, based_on, state, sections, sha256, change_summary, material, created_at, created_by, \
                       updated_at, approved_at, approved_by, effective_on";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(VersionRow, String, String, Option<String>)> {
    Ok((
        VersionRow {
            number: r.get(0)?,
            based_on: r.get(1)?,
            state: VersionState::Draft,
            sections: Vec::new(),
            sha256: r.get(4)?,
            change_summary: r.get(5)?,
            material: r.get::<_, i64>(6)? == 1,
            created_at: r.get(7)?,
            created_by: r.get(8)?,
            updated_at: r.get(9)?,
            approved_at: r.get(10)?,
            approved_by: r.get(11)?,
            effective_on: None,
        },
        r.get(2)?,
        r.get(3)?,
        r.get(12)?,
    ))
}

fn finish(
    (mut row, state, sections, effective): (VersionRow, String, String, Option<String>),
) -> Result<VersionRow, StoreError> {
    let n = row.number;
    row.state = VersionState::from_code(&state)
        .ok_or_else(|| StoreError::Corrupt(format!("CIP version {n}: state {state:?}")))?;
    row.sections = serde_json::from_str(&sections)
        .map_err(|e| StoreError::Corrupt(format!("CIP version {n}: sections: {e}")))?;
    row.effective_on = effective
        .map(|d| d.parse().map_err(|_| StoreError::Corrupt(format!("CIP version {n}: effective date {d:?}"))))
        .transpose()?;
    Ok(row)
}

/// Every version, newest first.
pub fn versions(conn: &Connection) -> Result<Vec<VersionRow>, StoreError> {
    let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM cip_version ORDER BY number DESC"))?;
    let rows = statement.query_map([], from_row)?;
    rows.map(|r| finish(r?)).collect()
}

/// One version.
pub fn version(conn: &Connection, number: i64) -> Result<Option<VersionRow>, StoreError> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM cip_version WHERE number = ?1"), [number], from_row)
        .optional()?
        .map(finish)
        .transpose()
}

/// The version in force on `day`: the newest approved one whose effective date has come.
pub fn in_force(conn: &Connection, day: NaiveDate) -> Result<Option<VersionRow>, StoreError> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM cip_version WHERE state = 'approved' AND effective_on <= ?1 \
             ORDER BY effective_on DESC, number DESC LIMIT 1"
        ),
        [day.to_string()],
        from_row,
    )
    .optional()?
    .map(finish)
    .transpose()
}

/// The draft, if one is open.
pub fn draft(conn: &Connection) -> Result<Option<VersionRow>, StoreError> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM cip_version WHERE state = 'draft'"), [], from_row)
        .optional()?
        .map(finish)
        .transpose()
}

/// Everyone who wrote in a version.
pub fn authors(conn: &Connection, number: i64) -> Result<Vec<String>, StoreError> {
    let mut statement =
        conn.prepare("SELECT actor_id FROM cip_version_author WHERE number = ?1 ORDER BY actor_id")?;
    let rows = statement.query_map([number], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn sections_json(sections: &[CipSection]) -> Result<String, StoreError> {
    serde_json::to_string(sections).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn audit_version(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: ActorId,
    action: &str,
    number: i64,
) -> Result<(), StoreError> {
    crate::canonical::written(tx, at, actor.into(), action, "cip", &number.to_string())
}

/// Begins a draft with `sections` (refused while another draft is open). Returns its number.
pub fn begin_draft(
    tx: &Transaction<'_>,
    sections: &[CipSection],
    based_on: Option<i64>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    if let Some(open) = draft(tx)? {
        return Err(StoreError::Conflict(format!(
            "draft version {} is open: approve or discard it before beginning another",
            open.number
        )));
    }
    let sha = content_sha256(sections);
    let stamp = timestamp(&at);
    tx.execute(
        "INSERT INTO cip_version (based_on, state, sections, sha256, created_at, created_by, updated_at) \
         VALUES (?1, 'draft', ?2, ?3, ?4, ?5, ?4)",
        params![based_on, sections_json(sections)?, sha, stamp, actor.to_string()],
    )?;
    let number = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO cip_version_author (number, actor_id) VALUES (?1, ?2)",
        params![number, actor.to_string()],
    )?;
    audit_version(tx, at, actor, "cip.draft", number)?;
    Ok(number)
}

fn open_draft(tx: &Transaction<'_>, number: i64) -> Result<VersionRow, StoreError> {
    match version(tx, number)? {
        Some(v) if v.state == VersionState::Draft => Ok(v),
        Some(v) => Err(StoreError::Conflict(format!(
            "version {number} is {}: only a draft can change",
            v.state.code()
        ))),
        None => Err(StoreError::Conflict(format!("there is no CIP version {number}"))),
    }
}

/// What a save changes in a draft.
#[derive(Debug, Clone)]
pub struct DraftEdit<'a> {
    /// The full set of sections after the edit.
    pub sections: &'a [CipSection],
    /// What changed, in the author's words.
    pub change_summary: &'a str,
    /// Whether the change is material (R14).
    pub material: bool,
}

/// Saves a draft's text and notes; the saver becomes one of its authors. Returns the new hash.
pub fn save_draft(
    tx: &Transaction<'_>,
    number: i64,
    edit: &DraftEdit<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let current = open_draft(tx, number)?;
    let sha = content_sha256(edit.sections);
    if sha == current.sha256
        && edit.change_summary == current.change_summary
        && edit.material == current.material
    {
        return Ok(sha);
    }
    tx.execute(
        "UPDATE cip_version SET sections = ?1, sha256 = ?2, change_summary = ?3, material = ?4, updated_at = ?5 \
         WHERE number = ?6",
        params![sections_json(edit.sections)?, sha, edit.change_summary, i64::from(edit.material), timestamp(&at), number],
    )?;
    if sha != current.sha256 {
        tx.execute(
            "INSERT OR IGNORE INTO cip_version_author (number, actor_id) VALUES (?1, ?2)",
            params![number, actor.to_string()],
        )?;
    }
    audit_version(tx, at, actor, "cip.save", number)?;
    Ok(sha)
}

/// Approves a draft: it is frozen and takes effect on `effective_on`.
pub fn approve(
    tx: &Transaction<'_>,
    number: i64,
    effective_on: NaiveDate,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<VersionRow, StoreError> {
    open_draft(tx, number)?;
    tx.execute(
        "UPDATE cip_version SET state = 'approved', approved_at = ?1, approved_by = ?2, effective_on = ?3 \
         WHERE number = ?4",
        params![timestamp(&at), actor.to_string(), effective_on.to_string(), number],
    )?;
    audit_version(tx, at, actor, "cip.approve", number)?;
    version(tx, number)?.ok_or_else(|| StoreError::Corrupt(format!("CIP version {number} vanished")))
}

/// Gives up a draft; it stays on record as discarded.
pub fn discard(
    tx: &Transaction<'_>,
    number: i64,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    open_draft(tx, number)?;
    tx.execute(
        "UPDATE cip_version SET state = 'discarded', updated_at = ?1 WHERE number = ?2",
        params![timestamp(&at), number],
    )?;
    audit_version(tx, at, actor, "cip.discard", number)
}

/// A request from Commerce for the CIPs (R15), as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRow {
    /// The obligation event's id.
    pub id: String,
    /// Who asked.
    pub requester: String,
    /// Their reference.
    pub reference: String,
    /// Received on (YYYY-MM-DD).
    pub received_on: String,
    /// The packet in the vault, once assembled.
    pub packet_evidence: Option<String>,
    /// The packet's manifest (JSON), once assembled.
    pub manifest: Option<String>,
    /// When it was assembled.
    pub assembled_at: Option<String>,
    /// Delivered on.
    pub delivered_on: Option<String>,
    /// Delivered by (actor id).
    pub delivered_by: Option<String>,
    /// How it was delivered.
    pub delivery_note: String,
}

/// Records a request (its obligation event is recorded by the caller with the same id).
pub fn insert_request(
    tx: &Transaction<'_>,
    id: &str,
    requester: &str,
    reference: &str,
    received_on: NaiveDate,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO cip_request (id, requester, reference, received_on, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, requester, reference, received_on.to_string(), timestamp(&at), actor.to_string()],
    )?;
    crate::canonical::written(tx, at, actor.into(), "cip_request.record", "cip_request", id)
}

/// Keeps the assembled packet (already in the vault) and its manifest with the request.
pub fn set_packet(
    tx: &Transaction<'_>,
    id: &str,
    evidence_id: &str,
    manifest: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE cip_request SET packet_evidence = ?2, manifest = ?3, assembled_at = ?4 WHERE id = ?1 AND delivered_on IS NULL",
        params![id, evidence_id, manifest, timestamp(&at)],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!("request {id}: not found, or already delivered")));
    }
    crate::canonical::written(tx, at, actor.into(), "cip_request.packet", "cip_request", id)
}

/// Records delivery of the assembled packet.
pub fn set_delivered(
    tx: &Transaction<'_>,
    id: &str,
    on: NaiveDate,
    note: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE cip_request SET delivered_on = ?2, delivered_by = ?3, delivery_note = ?4 \
         WHERE id = ?1 AND delivered_on IS NULL AND packet_evidence IS NOT NULL",
        params![id, on.to_string(), actor.to_string(), note],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!(
            "request {id}: not found, already delivered, or no packet assembled yet"
        )));
    }
    crate::canonical::written(tx, at, actor.into(), "cip_request.deliver", "cip_request", id)
}

/// Every request, newest first.
pub fn requests(conn: &Connection) -> Result<Vec<RequestRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, requester, reference, received_on, packet_evidence, manifest, assembled_at, delivered_on, delivered_by, \
         delivery_note FROM cip_request ORDER BY received_on DESC, id DESC",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(RequestRow {
            id: r.get(0)?,
            requester: r.get(1)?,
            reference: r.get(2)?,
            received_on: r.get(3)?,
            packet_evidence: r.get(4)?,
            manifest: r.get(5)?,
            assembled_at: r.get(6)?,
            delivered_on: r.get(7)?,
            delivered_by: r.get(8)?,
            delivery_note: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
