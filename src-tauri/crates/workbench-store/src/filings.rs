//! The filing register (R12–R14): filings with their frozen snapshot, state, audit checkpoint and
//! PDF hash. Every change is audited. The rules (who may approve, what a filing meets) live in the
//! app's use cases; this module only stores.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::Serialize;
use workbench_core::ActorId;

use crate::audit::timestamp;
use crate::error::StoreError;

/// A filing as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilingRow {
    /// Id (printed on every page).
    pub id: String,
    /// `initial`, `annual` or `change_notice`.
    pub kind: String,
    /// One-line label.
    pub label: String,
    /// Annual: the certification's year.
    pub year: Option<i32>,
    /// Change notice: the event.
    pub event_id: Option<String>,
    /// The obligation it meets once filed.
    pub obligation_key: Option<String>,
    /// draft | approved | filed | discarded.
    pub state: String,
    /// `a4` or `letter`.
    pub page_size: String,
    /// The snapshot JSON.
    pub snapshot: String,
    /// Its SHA-256.
    pub snapshot_sha256: String,
    /// Rule pack id.
    pub pack_id: String,
    /// Rule pack file hash.
    pub pack_sha256: String,
    /// Audit event the checkpoint was taken at.
    pub checkpoint_seq: i64,
    /// The chain's hash there.
    pub checkpoint_hash: String,
    /// SHA-256 of the PDF.
    pub pdf_sha256: String,
    /// Drafted when (RFC 3339) — also the PDF's own date.
    pub drafted_at: String,
    /// Drafted by (actor id).
    pub drafted_by: String,
    /// Approved when.
    pub approved_at: Option<String>,
    /// Approved by (actor id).
    pub approved_by: Option<String>,
    /// Filed on.
    pub filed_on: Option<String>,
    /// Filed by (actor id).
    pub filed_by: Option<String>,
    /// How it was filed.
    pub channel: String,
    /// The agency's reference.
    pub agency_reference: String,
    /// The agency's acknowledgement in the vault.
    pub ack_evidence: Option<String>,
}

const COLUMNS: &str = "id, kind, label, year, event_id, obligation_key, state, page_size, snapshot, snapshot_sha256, \
                       pack_id, pack_sha256, checkpoint_seq, checkpoint_hash, pdf_sha256, drafted_at, drafted_by, \
                       approved_at, approved_by, filed_on, filed_by, channel, agency_reference, ack_evidence";

fn from_row(r: &Row<'_>) -> rusqlite::Result<FilingRow> {
    Ok(FilingRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        label: r.get(2)?,
        year: r.get(3)?,
        event_id: r.get(4)?,
        obligation_key: r.get(5)?,
        state: r.get(6)?,
        page_size: r.get(7)?,
        snapshot: r.get(8)?,
        snapshot_sha256: r.get(9)?,
        pack_id: r.get(10)?,
        pack_sha256: r.get(11)?,
        checkpoint_seq: r.get(12)?,
        checkpoint_hash: r.get(13)?,
        pdf_sha256: r.get(14)?,
        drafted_at: r.get(15)?,
        drafted_by: r.get(16)?,
        approved_at: r.get(17)?,
        approved_by: r.get(18)?,
        filed_on: r.get(19)?,
        filed_by: r.get(20)?,
        channel: r.get(21)?,
        agency_reference: r.get(22)?,
        ack_evidence: r.get(23)?,
    })
}

/// Stores a new draft (the caller took the checkpoint and rendered the PDF). An open draft of the
/// same kind, year and event is discarded: the newest draft is the one worked on.
pub fn insert_draft(tx: &Transaction<'_>, row: &FilingRow, at: DateTime<Utc>) -> Result<(), StoreError> {
    let discarded: Vec<String> = tx
        .prepare(
            "UPDATE filing SET state = 'discarded' WHERE state = 'draft' AND kind = ?1 \
             AND year IS ?2 AND event_id IS ?3 RETURNING id",
        )?
        .query_map(params![row.kind, row.year, row.event_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &discarded {
        crate::canonical::written(
            tx,
            at,
            crate::canonical::actor_ref(&row.drafted_by)?,
            "filing.discard",
            "filing",
            id,
        )?;
    }
    tx.execute(
        &format!("INSERT INTO filing ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'draft', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, NULL, NULL, NULL, NULL, '', '', NULL)"),
        params![
            row.id,
            row.kind,
            row.label,
            row.year,
            row.event_id,
            row.obligation_key,
            row.page_size,
            row.snapshot,
            row.snapshot_sha256,
            row.pack_id,
            row.pack_sha256,
            row.checkpoint_seq,
            row.checkpoint_hash,
            row.pdf_sha256,
            row.drafted_at,
            row.drafted_by
        ],
    )?;
    crate::canonical::written(
        tx,
        at,
        crate::canonical::actor_ref(&row.drafted_by)?,
        "filing.draft",
        "filing",
        &row.id,
    )
}

/// Approves a draft.
pub fn approve(tx: &Transaction<'_>, id: &str, actor: ActorId, at: DateTime<Utc>) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE filing SET state = 'approved', approved_at = ?2, approved_by = ?3 WHERE id = ?1 AND state = 'draft'",
        params![id, timestamp(&at), actor.to_string()],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!("filing {id} is not a draft")));
    }
    crate::canonical::written(tx, at, actor.into(), "filing.approve", "filing", id)
}

/// What filing records.
#[derive(Debug, Clone, Copy)]
pub struct Filed<'a> {
    /// Sent on.
    pub on: NaiveDate,
    /// How.
    pub channel: &'a str,
    /// The agency's reference.
    pub reference: &'a str,
}

/// Marks an approved filing as filed.
pub fn mark_filed(
    tx: &Transaction<'_>,
    id: &str,
    filed: Filed<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE filing SET state = 'filed', filed_on = ?2, filed_by = ?3, channel = ?4, agency_reference = ?5 \
         WHERE id = ?1 AND state = 'approved'",
        params![id, filed.on.to_string(), actor.to_string(), filed.channel, filed.reference],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!(
            "filing {id} is not approved (only an approved filing is filed)"
        )));
    }
    crate::canonical::written(tx, at, actor.into(), "filing.file", "filing", id)
}

/// Keeps the agency's acknowledgement (already in the vault) with a filed filing.
pub fn attach_ack(
    tx: &Transaction<'_>,
    id: &str,
    evidence_id: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE filing SET ack_evidence = ?2 WHERE id = ?1 AND state = 'filed'",
        params![id, evidence_id],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!("filing {id} is not filed yet")));
    }
    crate::canonical::written(tx, at, actor.into(), "filing.acknowledgement", "filing", id)
}

/// Every filing but discarded drafts, newest first.
pub fn list(conn: &Connection) -> Result<Vec<FilingRow>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM filing WHERE state <> 'discarded' ORDER BY drafted_at DESC, id DESC"
    ))?;
    let rows = statement.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One filing.
pub fn get(conn: &Connection, id: &str) -> Result<Option<FilingRow>, StoreError> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM filing WHERE id = ?1"), [id], from_row).optional()?)
}

/// The filing whose PDF has this hash, if any.
pub fn by_pdf(conn: &Connection, sha256: &str) -> Result<Option<FilingRow>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM filing WHERE pdf_sha256 = ?1 ORDER BY drafted_at DESC"),
            [sha256],
            from_row,
        )
        .optional()?)
}
