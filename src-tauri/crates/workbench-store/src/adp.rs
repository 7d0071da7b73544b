//! The ADP dossier (R20–R21): narratives in versions per criterion, their evidence and the
//! dossier's reviews. Every write is audited under the canonical kinds `adp_answer`,
//! `adp_evidence` and `adp_review`.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction, params};
use serde::Serialize;
use workbench_core::ActorId;

use crate::audit::timestamp;
use crate::error::StoreError;

/// The newest version of a criterion's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerRow {
    /// Its sequence (versions grow).
    pub seq: i64,
    /// The criterion's key.
    pub criterion: String,
    /// Markdown.
    pub narrative: String,
    /// Who answers for it.
    pub owner: String,
    /// Next review.
    pub review_on: Option<NaiveDate>,
    /// How many versions it has.
    pub versions: i64,
    /// The pack's criteria keys when it was written.
    pub criteria: Vec<String>,
    /// Recorded by (actor id).
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
}

/// A piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRow {
    /// Id.
    pub id: String,
    /// The criterion's key.
    pub criterion: String,
    /// A vault document.
    pub evidence_id: Option<String>,
    /// Or a record link.
    pub record: Option<String>,
    /// As shown.
    pub label: String,
    /// When.
    pub added_at: String,
}

/// What a new answer version records.
#[derive(Debug, Clone, Copy)]
pub struct NewAnswer<'a> {
    /// The criterion's key.
    pub criterion: &'a str,
    /// Markdown.
    pub narrative: &'a str,
    /// Who answers for it.
    pub owner: &'a str,
    /// Next review.
    pub review_on: Option<NaiveDate>,
    /// A material change (R21).
    pub material: bool,
    /// The active pack's criteria keys.
    pub criteria: &'a [String],
}

fn audit(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: ActorId,
    action: &str,
    kind: &str,
    id: &str,
) -> Result<(), StoreError> {
    crate::canonical::record_change(tx, at, actor.into(), action, crate::canonical::known(kind), id, None)
}

/// Records a new version of a criterion's answer, audited.
pub fn answer(
    tx: &Transaction<'_>,
    new: &NewAnswer<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO adp_answer (criterion, narrative, owner, review_on, material, criteria, recorded_by, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            new.criterion,
            new.narrative,
            new.owner.trim(),
            new.review_on.map(|d| d.to_string()),
            new.material,
            new.criteria.join(","),
            actor.to_string(),
            timestamp(&at)
        ],
    )?;
    let seq = tx.last_insert_rowid();
    audit(tx, at, actor, "adp.answer", "adp_answer", &seq.to_string())?;
    Ok(seq)
}

/// The newest answer of each criterion answered.
pub fn answers(conn: &Connection) -> Result<Vec<AnswerRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT a.seq, a.criterion, a.narrative, a.owner, a.review_on, \
           (SELECT count(*) FROM adp_answer v WHERE v.criterion = a.criterion), a.recorded_by, a.recorded_at, \
           a.criteria \
         FROM adp_answer a WHERE a.seq IN (SELECT max(seq) FROM adp_answer GROUP BY criterion) ORDER BY a.criterion",
    )?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, criterion, narrative, owner, review_on, versions, recorded_by, recorded_at, criteria) =
            row?;
        out.push(AnswerRow {
            review_on: review_on
                .map(|d| d.parse().map_err(|_| StoreError::Corrupt(format!("ADP answer {seq}: date"))))
                .transpose()?,
            seq,
            criterion,
            narrative,
            owner,
            versions,
            criteria: criteria.split(',').filter(|k| !k.is_empty()).map(str::to_owned).collect(),
            recorded_by,
            recorded_at,
        });
    }
    Ok(out)
}

/// Adds a piece of evidence (a vault document or a record link), audited.
pub fn add_evidence(
    tx: &Transaction<'_>,
    criterion: &str,
    evidence_id: Option<&str>,
    record: Option<&str>,
    label: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = workbench_core::EventId::new().to_string();
    tx.execute(
        "INSERT INTO adp_evidence (id, criterion, evidence_id, record, label, added_by, added_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, criterion, evidence_id, record, label.trim(), actor.to_string(), timestamp(&at)],
    )?;
    audit(tx, at, actor, "adp.evidence", "adp_evidence", &id)?;
    Ok(id)
}

/// Every piece of evidence, by criterion then age.
pub fn evidence(conn: &Connection) -> Result<Vec<EvidenceRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, criterion, evidence_id, record, label, added_at FROM adp_evidence ORDER BY criterion, added_at, id",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(EvidenceRow {
            id: r.get(0)?,
            criterion: r.get(1)?,
            evidence_id: r.get(2)?,
            record: r.get(3)?,
            label: r.get(4)?,
            added_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records a review of the whole dossier, audited; returns its time.
pub fn review(
    tx: &Transaction<'_>,
    note: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    tx.execute(
        "INSERT INTO adp_review (note, reviewed_by, reviewed_at) VALUES (?1, ?2, ?3)",
        params![note.trim(), actor.to_string(), timestamp(&at)],
    )?;
    let seq = tx.last_insert_rowid();
    audit(tx, at, actor, "adp.review", "adp_review", &seq.to_string())?;
    Ok(timestamp(&at))
}

/// The newest review's time, if any.
pub fn last_review(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT max(reviewed_at) FROM adp_review", [], |r| r.get(0))?)
}

/// A vault document's name and SHA-256.
pub fn document(conn: &Connection, evidence_id: &str) -> Result<Option<(String, String)>, StoreError> {
    use rusqlite::OptionalExtension as _;
    Ok(conn
        .query_row("SELECT original_name, sha256 FROM evidence WHERE id = ?1", [evidence_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}
