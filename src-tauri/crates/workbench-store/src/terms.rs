//! Pending terms and appeals (R6): the restricted or monitored terms an account runs on while its
//! verification is pending, with the date to decide by, and refused customers' appeals with their
//! review by another person. Every change is audited with the record's canonical form (kinds
//! `pending_terms`, `appeal`); the rules (who may review, which terms) live in the app.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use workbench_core::ActorId;

use crate::audit::timestamp;
use crate::error::StoreError;

/// Terms as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsRow {
    /// `restricted` or `monitored`.
    pub state: String,
    /// The pack's term keys.
    pub terms: Vec<String>,
    /// Why.
    pub note: String,
    /// Placed (RFC 3339).
    pub placed_at: String,
    /// By (actor id).
    pub placed_by: String,
    /// Decide by.
    pub decide_by: NaiveDate,
}

/// Places (or replaces) a customer's terms; audited.
#[allow(clippy::too_many_arguments)]
pub fn place(
    tx: &Transaction<'_>,
    customer_id: &str,
    state: &str,
    terms: &[String],
    note: &str,
    decide_by: NaiveDate,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind = crate::canonical::known("pending_terms");
    let before = crate::canonical::record(tx, kind, customer_id)?;
    let json = serde_json::to_string(terms).map_err(|e| StoreError::Conflict(e.to_string()))?;
    tx.execute(
        "INSERT INTO pending_terms (customer_id, state, terms, note, placed_at, placed_by, decide_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (customer_id) DO UPDATE SET state = excluded.state, \
         terms = excluded.terms, note = excluded.note, placed_at = excluded.placed_at, \
         placed_by = excluded.placed_by, decide_by = excluded.decide_by",
        params![customer_id, state, json, note, timestamp(&at), actor.to_string(), decide_by.to_string()],
    )?;
    crate::canonical::record_change(tx, at, actor.into(), "terms.place", kind, customer_id, before.as_deref())
}

/// A customer's terms, if any were placed.
pub fn get(conn: &Connection, customer_id: &str) -> Result<Option<TermsRow>, StoreError> {
    let raw: Option<(String, String, String, String, String, String)> = conn
        .query_row(
            "SELECT state, terms, note, placed_at, placed_by, decide_by FROM pending_terms WHERE customer_id = ?1",
            [customer_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    raw.map(|(state, terms, note, placed_at, placed_by, decide_by)| {
        Ok(TermsRow {
            state,
            terms: serde_json::from_str(&terms).map_err(|e| StoreError::Corrupt(format!("terms: {e}")))?,
            note,
            placed_at,
            placed_by,
            decide_by: decide_by
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("terms: {decide_by:?} is not a date")))?,
        })
    })
    .transpose()
}

/// An appeal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealRow {
    /// Id.
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// Received on (YYYY-MM-DD).
    pub received_on: String,
    /// What the customer says.
    pub statement: String,
    /// Recorded (RFC 3339).
    pub recorded_at: String,
    /// By (actor id).
    pub recorded_by: String,
    /// Reviewed: when, by whom, the outcome and the note.
    pub review: Option<(String, String, String, String)>,
}

/// Records an appeal; audited. Returns its id.
pub fn appeal_record(
    tx: &Transaction<'_>,
    customer_id: &str,
    received_on: NaiveDate,
    statement: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = workbench_core::EventId::new().to_string();
    tx.execute(
        "INSERT INTO appeal (id, customer_id, received_on, statement, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, customer_id, received_on.to_string(), statement, timestamp(&at), actor.to_string()],
    )?;
    crate::canonical::written(tx, at, actor.into(), "appeal.record", "appeal", &id)?;
    Ok(id)
}

/// Records an appeal's review (`refusal_stands` or `reopened`); audited.
pub fn appeal_review(
    tx: &Transaction<'_>,
    id: &str,
    outcome: &str,
    note: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind = crate::canonical::known("appeal");
    let before = crate::canonical::record(tx, kind, id)?;
    let changed = tx.execute(
        "UPDATE appeal SET reviewed_at = ?2, reviewed_by = ?3, outcome = ?4, review_note = ?5 \
         WHERE id = ?1 AND outcome IS NULL",
        params![id, timestamp(&at), actor.to_string(), outcome, note],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!("there is no appeal {id} waiting for review")));
    }
    crate::canonical::record_change(tx, at, actor.into(), "appeal.review", kind, id, before.as_deref())
}

/// A customer's appeals, oldest first; or, with `id`, that one.
pub fn appeals(
    conn: &Connection,
    customer_id: Option<&str>,
    id: Option<&str>,
) -> Result<Vec<AppealRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, customer_id, received_on, statement, recorded_at, recorded_by, reviewed_at, reviewed_by, outcome, \
         review_note FROM appeal WHERE (?1 IS NULL OR customer_id = ?1) AND (?2 IS NULL OR id = ?2) \
         ORDER BY recorded_at, id",
    )?;
    let rows = statement.query_map(params![customer_id, id], |r| {
        let reviewed_at: Option<String> = r.get(6)?;
        Ok(AppealRow {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            received_on: r.get(2)?,
            statement: r.get(3)?,
            recorded_at: r.get(4)?,
            recorded_by: r.get(5)?,
            review: match reviewed_at {
                Some(at) => Some((
                    at,
                    r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                    r.get(9)?,
                )),
                None => None,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
