//! Compliance assessments by Commerce (R16): the assessment with its findings, remediation
//! notes with evidence, and closing a finding. Every write is audited under the canonical kinds
//! `assessment` and `finding`.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use workbench_core::ActorId;
use workbench_core::assessment::AssessmentInput;

use crate::audit::timestamp;
use crate::error::StoreError;

/// One assessment as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentRow {
    /// Id.
    pub id: String,
    /// When Commerce assessed.
    pub assessed_on: NaiveDate,
    /// What it covered.
    pub scope: String,
    /// Commerce's reference.
    pub assessor_reference: String,
    /// Commerce requires the remediated CIP to be resubmitted.
    pub resubmission_required: bool,
    /// Recorded by (actor id).
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
}

/// One finding as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRow {
    /// Id.
    pub id: String,
    /// Its assessment.
    pub assessment_id: String,
    /// 1, 2, … within the assessment.
    pub number: u32,
    /// What was found.
    pub title: String,
    /// low | medium | high.
    pub severity: String,
    /// The requirements it concerns.
    pub rids: Vec<String>,
    /// Remediate by.
    pub due_on: NaiveDate,
    /// Who answers for it.
    pub owner: String,
    /// Closed (with evidence) at.
    pub closed_at: Option<String>,
    /// Closed by (actor id).
    pub closed_by: Option<String>,
    /// The CIP version that answers it.
    pub cip_version: Option<i64>,
}

/// A remediation note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteRow {
    /// Text.
    pub note: String,
    /// Evidence in the vault.
    pub evidence_id: Option<String>,
    /// The note that closed the finding.
    pub closing: bool,
    /// By (actor id).
    pub by: String,
    /// When.
    pub at: String,
}

/// Records an assessment with its findings (ids given, in order), audited.
pub fn insert(
    tx: &Transaction<'_>,
    id: &str,
    input: &AssessmentInput,
    finding_ids: &[String],
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO assessment (id, assessed_on, scope, assessor_reference, resubmission_required, recorded_by, \
         recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            input.assessed_on.to_string(),
            input.scope.trim(),
            input.assessor_reference.trim(),
            input.resubmission_required,
            actor.to_string(),
            timestamp(&at)
        ],
    )?;
    let recorded = |kind: &str, id: &str| {
        crate::canonical::record_change(
            tx,
            at,
            actor.into(),
            "assessment.record",
            crate::canonical::known(kind),
            id,
            None,
        )
    };
    recorded("assessment", id)?;
    for (i, (f, finding_id)) in input.findings.iter().zip(finding_ids).enumerate() {
        tx.execute(
            "INSERT INTO finding (id, assessment_id, number, title, severity, rids, due_on, owner) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                finding_id,
                id,
                i64::try_from(i + 1).unwrap_or(i64::MAX),
                f.title.trim(),
                f.severity.code(),
                f.rids.join(","),
                f.due_on.to_string(),
                f.owner.trim()
            ],
        )?;
        recorded("finding", finding_id)?;
    }
    Ok(())
}

/// Every assessment, newest first.
pub fn list(conn: &Connection) -> Result<Vec<AssessmentRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, assessed_on, scope, assessor_reference, resubmission_required, recorded_by, recorded_at \
         FROM assessment ORDER BY assessed_on DESC, id DESC",
    )?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get::<_, i64>(4)?,
            r.get(5)?,
            r.get(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, on, scope, assessor_reference, resubmission, recorded_by, recorded_at) = row?;
        out.push(AssessmentRow {
            assessed_on: on.parse().map_err(|_| StoreError::Corrupt(format!("assessment {id}: date")))?,
            id,
            scope,
            assessor_reference,
            resubmission_required: resubmission != 0,
            recorded_by,
            recorded_at,
        });
    }
    Ok(out)
}

/// The findings of an assessment, by number.
pub fn findings(conn: &Connection, assessment_id: &str) -> Result<Vec<FindingRow>, StoreError> {
    findings_where(conn, "assessment_id = ?1 ORDER BY number", assessment_id)
}

/// One finding.
pub fn finding(conn: &Connection, id: &str) -> Result<Option<FindingRow>, StoreError> {
    Ok(findings_where(conn, "id = ?1", id)?.pop())
}

fn findings_where(conn: &Connection, filter: &str, param: &str) -> Result<Vec<FindingRow>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT id, assessment_id, number, title, severity, rids, due_on, owner, closed_at, closed_by, cip_version \
         FROM finding WHERE {filter}"
    ))?;
    let rows = statement.query_map([param], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (
            id,
            assessment_id,
            number,
            title,
            severity,
            rids,
            due_on,
            owner,
            closed_at,
            closed_by,
            cip_version,
        ) = row?;
        let corrupt = || StoreError::Corrupt(format!("finding {id}"));
        out.push(FindingRow {
            number: u32::try_from(number).map_err(|_| corrupt())?,
            due_on: due_on.parse().map_err(|_| corrupt())?,
            rids: rids.split(',').filter(|r| !r.is_empty()).map(str::to_owned).collect(),
            id,
            assessment_id,
            title,
            severity,
            owner,
            closed_at,
            closed_by,
            cip_version,
        });
    }
    Ok(out)
}

/// A finding's notes, oldest first.
pub fn notes(conn: &Connection, finding_id: &str) -> Result<Vec<NoteRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT note, evidence_id, closing, by, at FROM finding_note WHERE finding_id = ?1 ORDER BY seq",
    )?;
    let rows = statement.query_map([finding_id], |r| {
        Ok(NoteRow {
            note: r.get(0)?,
            evidence_id: r.get(1)?,
            closing: r.get::<_, i64>(2)? != 0,
            by: r.get(3)?,
            at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds a remediation note (with evidence already in the vault), audited. Closing it closes the
/// finding, which must be open.
pub fn add_note(
    tx: &Transaction<'_>,
    finding_id: &str,
    note: &str,
    evidence_id: Option<&str>,
    close: Option<Option<i64>>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let closed: Option<Option<String>> =
        tx.query_row("SELECT closed_at FROM finding WHERE id = ?1", [finding_id], |r| r.get(0)).optional()?;
    match closed {
        None => return Err(StoreError::Conflict("no such finding in this workspace".into())),
        Some(Some(_)) => return Err(StoreError::Conflict("this finding is already closed".into())),
        Some(None) => {}
    }
    tx.execute(
        "INSERT INTO finding_note (finding_id, note, evidence_id, closing, by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![finding_id, note, evidence_id, close.is_some(), actor.to_string(), timestamp(&at)],
    )?;
    let action = if let Some(cip_version) = close {
        tx.execute(
            "UPDATE finding SET closed_at = ?2, closed_by = ?3, cip_version = ?4 WHERE id = ?1",
            params![finding_id, timestamp(&at), actor.to_string(), cip_version],
        )?;
        "finding.close"
    } else {
        "finding.note"
    };
    crate::canonical::record_change(
        tx,
        at,
        actor.into(),
        action,
        crate::canonical::known("finding"),
        finding_id,
        None,
    )
}
