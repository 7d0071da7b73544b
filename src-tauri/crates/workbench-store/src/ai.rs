//! Covered AI-training transactions (R23–R26): cases with their arrangement versions, metered
//! usage batches and foreign resellers' own reports. Every change is audited with the record's
//! canonical form (kinds `ai_case`, `ai_usage_batch`, `ai_reseller_report`); the rules (what is
//! covered, who may decide) live in the core and the app.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use workbench_core::ActorId;
use workbench_core::ai::{Arrangement, Coverage};

use crate::audit::timestamp;
use crate::error::StoreError;

/// How a case was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// By a person.
    Manual,
    /// By a usage import crossing the pack's fraction.
    Usage,
}

impl Origin {
    fn code(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Usage => "usage",
        }
    }
}

/// A case as stored, with its customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    /// Id.
    pub id: String,
    /// Customer id.
    pub customer_id: String,
    /// Customer reference.
    pub customer_ref: String,
    /// Customer name.
    pub customer_name: String,
    /// Customer country.
    pub country: String,
    /// `manual` or `usage`.
    pub origin: String,
    /// `review`, `open` or `closed`.
    pub state: String,
    /// Why it was opened.
    pub summary: String,
    /// Opened (RFC 3339) and by whom.
    pub opened_at: String,
    /// Actor id.
    pub opened_by: String,
    /// Closed, with the reason.
    pub closed_at: Option<String>,
    /// Why it was closed.
    pub close_reason: String,
}

/// An arrangement version as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrangementRow {
    /// Version, from 1.
    pub version: u32,
    /// The arrangement.
    pub arrangement: Arrangement,
    /// Coverage under the pack in force when recorded.
    pub coverage: Coverage,
    /// That pack.
    pub pack_id: String,
    /// Its hash.
    pub pack_sha256: String,
    /// Recorded (RFC 3339).
    pub recorded_at: String,
    /// By (actor id).
    pub recorded_by: String,
}

const CASE_SELECT: &str = "SELECT k.id, k.customer_id, c.customer_ref, c.name, c.country, k.origin, k.state, k.summary, \
     k.opened_at, k.opened_by, k.closed_at, k.close_reason FROM ai_case k JOIN customer c ON c.id = k.customer_id";

fn case_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        customer_ref: r.get(2)?,
        customer_name: r.get(3)?,
        country: r.get(4)?,
        origin: r.get(5)?,
        state: r.get(6)?,
        summary: r.get(7)?,
        opened_at: r.get(8)?,
        opened_by: r.get(9)?,
        closed_at: r.get(10)?,
        close_reason: r.get(11)?,
    })
}

/// Every case, newest first.
pub fn cases(conn: &Connection) -> Result<Vec<CaseRow>, StoreError> {
    let mut statement = conn.prepare(&format!("{CASE_SELECT} ORDER BY k.opened_at DESC, k.id DESC"))?;
    Ok(statement.query_map([], case_row)?.collect::<Result<_, _>>()?)
}

/// One case.
pub fn case(conn: &Connection, id: &str) -> Result<Option<CaseRow>, StoreError> {
    Ok(conn.query_row(&format!("{CASE_SELECT} WHERE k.id = ?1"), [id], case_row).optional()?)
}

/// A case's arrangement versions, oldest first.
pub fn arrangements(conn: &Connection, case_id: &str) -> Result<Vec<ArrangementRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT version, body, coverage, pack_id, pack_sha256, recorded_at, recorded_by FROM ai_arrangement \
         WHERE case_id = ?1 ORDER BY version",
    )?;
    let raw = statement
        .query_map([case_id], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter()
        .map(|(version, body, coverage, pack_id, pack_sha256, recorded_at, recorded_by)| {
            Ok(ArrangementRow {
                version,
                arrangement: serde_json::from_str(&body)
                    .map_err(|e| StoreError::Corrupt(format!("AI case {case_id} version {version}: {e}")))?,
                coverage: Coverage::from_code(&coverage).ok_or_else(|| {
                    StoreError::Corrupt(format!("AI case {case_id}: coverage {coverage:?}"))
                })?,
                pack_id,
                pack_sha256,
                recorded_at,
                recorded_by,
            })
        })
        .collect()
}

/// The customer's id for a reference.
pub fn customer_id(conn: &Connection, customer_ref: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT id FROM customer WHERE customer_ref = ?1", [customer_ref], |r| r.get(0))
        .optional()?)
}

/// Opens a case; audited. Returns its id.
pub fn open_case(
    tx: &Transaction<'_>,
    customer_id: &str,
    origin: Origin,
    summary: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = workbench_core::EventId::new().to_string();
    let state = match origin {
        Origin::Manual => "open",
        Origin::Usage => "review",
    };
    tx.execute(
        "INSERT INTO ai_case (id, customer_id, origin, state, summary, opened_at, opened_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, customer_id, origin.code(), state, summary, timestamp(&at), actor.to_string()],
    )?;
    crate::canonical::written(tx, at, actor.into(), "ai.case_open", "ai_case", &id)?;
    Ok(id)
}

/// Which pack an evaluation was made under.
#[derive(Debug, Clone, Copy)]
pub struct Under<'a> {
    /// Pack id.
    pub pack_id: &'a str,
    /// Pack hash.
    pub pack_sha256: &'a str,
}

/// Adds the next arrangement version to an open case (a case in review becomes open); audited.
/// Returns the version number.
pub fn add_arrangement(
    tx: &Transaction<'_>,
    case_id: &str,
    arrangement: &Arrangement,
    coverage: Coverage,
    under: Under<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let state: Option<String> =
        tx.query_row("SELECT state FROM ai_case WHERE id = ?1", [case_id], |r| r.get(0)).optional()?;
    match state.as_deref() {
        None => return Err(StoreError::Conflict(format!("there is no AI case {case_id}"))),
        Some("closed") => return Err(StoreError::Conflict(format!("AI case {case_id} is closed"))),
        Some(_) => {}
    }
    let kind = crate::canonical::known("ai_case");
    let before = crate::canonical::record(tx, kind, case_id)?;
    let version: u32 = tx.query_row(
        "SELECT coalesce(max(version), 0) + 1 FROM ai_arrangement WHERE case_id = ?1",
        [case_id],
        |r| r.get(0),
    )?;
    let body = serde_json::to_string(arrangement).map_err(|e| StoreError::Conflict(e.to_string()))?;
    tx.execute(
        "INSERT INTO ai_arrangement (case_id, version, body, coverage, pack_id, pack_sha256, recorded_at, recorded_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            case_id,
            version,
            body,
            coverage.code(),
            under.pack_id,
            under.pack_sha256,
            timestamp(&at),
            actor.to_string()
        ],
    )?;
    tx.execute("UPDATE ai_case SET state = 'open' WHERE id = ?1 AND state = 'review'", [case_id])?;
    crate::canonical::record_change(
        tx,
        at,
        actor.into(),
        "ai.arrangement",
        kind,
        case_id,
        before.as_deref(),
    )?;
    Ok(version)
}

/// Closes a case with the reason; audited.
pub fn close_case(
    tx: &Transaction<'_>,
    case_id: &str,
    reason: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind = crate::canonical::known("ai_case");
    let before = crate::canonical::record(tx, kind, case_id)?;
    let changed = tx.execute(
        "UPDATE ai_case SET state = 'closed', closed_at = ?2, closed_by = ?3, close_reason = ?4 \
         WHERE id = ?1 AND state != 'closed'",
        params![case_id, timestamp(&at), actor.to_string(), reason],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!("AI case {case_id} does not exist or is already closed")));
    }
    crate::canonical::record_change(tx, at, actor.into(), "ai.case_close", kind, case_id, before.as_deref())
}

/// An account a usage row may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageAccount {
    /// Account id.
    pub account_id: String,
    /// Its customer.
    pub customer_id: String,
    /// The customer's U.S.-person status code (`yes`, `no`, `undetermined`).
    pub us_person: String,
}

/// Every account by reference, with its customer and U.S.-person status.
pub fn usage_accounts(conn: &Connection) -> Result<HashMap<String, UsageAccount>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT a.account_ref, a.id, c.id, c.us_person FROM account a JOIN customer c ON c.id = a.customer_id",
    )?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            UsageAccount { account_id: r.get(1)?, customer_id: r.get(2)?, us_person: r.get(3)? },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One usage row ready to store.
#[derive(Debug, Clone, Copy)]
pub struct UsageInsert<'a> {
    /// Customer id.
    pub customer_id: &'a str,
    /// Account id.
    pub account_id: &'a str,
    /// First day.
    pub period_start: NaiveDate,
    /// Last day.
    pub period_end: NaiveDate,
    /// Catalogue model name.
    pub accelerator: &'a str,
    /// Accelerator-hours × 1,000.
    pub milli_hours: u64,
    /// Peak accelerators.
    pub peak: u64,
    /// Gbit/s × 10^6.
    pub micro_gbps: u64,
}

/// What a usage batch is.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    /// The file's name.
    pub file_name: &'a str,
    /// Its SHA-256.
    pub sha256: &'a str,
}

/// Stores a usage batch and its rows (one statement, prepared once); audited by the batch.
/// Returns the batch id.
pub fn insert_usage<'a>(
    tx: &Transaction<'_>,
    batch: Batch<'_>,
    rows: impl ExactSizeIterator<Item = UsageInsert<'a>>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = workbench_core::EventId::new().to_string();
    let count = i64::try_from(rows.len()).map_err(|_| StoreError::Conflict("too many rows".into()))?;
    tx.execute(
        "INSERT INTO ai_usage_batch (id, file_name, sha256, rows, imported_at, imported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, batch.file_name, batch.sha256, count, timestamp(&at), actor.to_string()],
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO ai_usage (batch_id, customer_id, account_id, period_start, period_end, accelerator, milli_hours, peak, micro_gbps) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut start = String::with_capacity(10);
    let mut end = String::with_capacity(10);
    for r in rows {
        use std::fmt::Write as _;
        start.clear();
        end.clear();
        let _ = write!(start, "{}", r.period_start.format("%Y-%m-%d"));
        let _ = write!(end, "{}", r.period_end.format("%Y-%m-%d"));
        insert.execute(params![
            id,
            r.customer_id,
            r.account_id,
            start,
            end,
            r.accelerator,
            i64::try_from(r.milli_hours).unwrap_or(i64::MAX),
            i64::try_from(r.peak).unwrap_or(i64::MAX),
            i64::try_from(r.micro_gbps).unwrap_or(i64::MAX),
        ])?;
    }
    crate::canonical::written(tx, at, actor.into(), "ai.usage_import", "ai_usage_batch", &id)?;
    Ok(id)
}

/// One customer's usage of one model over a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageSum {
    /// Customer id.
    pub customer_id: String,
    /// Catalogue model name.
    pub accelerator: String,
    /// Σ accelerator-hours × 1,000.
    pub milli_hours: u128,
    /// Most accelerators at once.
    pub peak: u64,
    /// Highest interconnect, Gbit/s × 10^6.
    pub micro_gbps: u128,
}

/// Usage per customer and model over periods ending on or after `from` (one grouped scan), of
/// every customer or of one.
pub fn usage_sums(
    conn: &Connection,
    from: NaiveDate,
    customer_id: Option<&str>,
) -> Result<Vec<UsageSum>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT customer_id, accelerator, sum(milli_hours), max(peak), max(micro_gbps) FROM ai_usage \
         WHERE period_end >= ?1 AND (?2 IS NULL OR customer_id = ?2) \
         GROUP BY customer_id, accelerator ORDER BY customer_id, accelerator",
    )?;
    let rows = statement.query_map(params![from.to_string(), customer_id], |r| {
        Ok(UsageSum {
            customer_id: r.get(0)?,
            accelerator: r.get(1)?,
            milli_hours: u128::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
            peak: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
            micro_gbps: u128::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A usage batch as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    /// Id.
    pub id: String,
    /// File name.
    pub file_name: String,
    /// Rows.
    pub rows: i64,
    /// When.
    pub imported_at: String,
}

/// Every usage batch, newest first.
pub fn batches(conn: &Connection) -> Result<Vec<BatchRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, file_name, rows, imported_at FROM ai_usage_batch ORDER BY imported_at DESC, id DESC",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(BatchRow { id: r.get(0)?, file_name: r.get(1)?, rows: r.get(2)?, imported_at: r.get(3)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A reseller's report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResellerReportRow {
    /// Id.
    pub id: String,
    /// Reseller.
    pub reseller_ref: String,
    /// Its customer as the report names it.
    pub customer_name: String,
    /// Country.
    pub country: String,
    /// Transaction.
    pub transaction_on: String,
    /// Knowledge.
    pub known_on: String,
    /// What it says.
    pub summary: String,
    /// The document.
    pub evidence_id: String,
    /// Recorded.
    pub recorded_at: String,
    /// Transmitted on, channel and reference.
    pub transmitted: Option<(String, String, String)>,
}

/// A reseller's report to record.
#[derive(Debug, Clone, Copy)]
pub struct NewResellerReport<'a> {
    /// Reseller.
    pub reseller_ref: &'a str,
    /// Its customer.
    pub customer_name: &'a str,
    /// Country.
    pub country: &'a str,
    /// Transaction.
    pub transaction_on: NaiveDate,
    /// Knowledge.
    pub known_on: NaiveDate,
    /// Summary.
    pub summary: &'a str,
    /// The document in the vault.
    pub evidence_id: &'a str,
}

/// Records a reseller's report; audited. Returns its id.
pub fn insert_reseller_report(
    tx: &Transaction<'_>,
    new: NewResellerReport<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = workbench_core::EventId::new().to_string();
    tx.execute(
        "INSERT INTO ai_reseller_report (id, reseller_ref, customer_name, country, transaction_on, known_on, summary, \
         evidence_id, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            new.reseller_ref,
            new.customer_name,
            new.country,
            new.transaction_on.to_string(),
            new.known_on.to_string(),
            new.summary,
            new.evidence_id,
            timestamp(&at),
            actor.to_string()
        ],
    )?;
    crate::canonical::written(tx, at, actor.into(), "ai.reseller_report", "ai_reseller_report", &id)?;
    Ok(id)
}

/// Records that a reseller's report was transmitted to Commerce; audited.
pub fn transmit_reseller_report(
    tx: &Transaction<'_>,
    id: &str,
    (on, channel, reference): (NaiveDate, &str, &str),
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind = crate::canonical::known("ai_reseller_report");
    let before = crate::canonical::record(tx, kind, id)?;
    let changed = tx.execute(
        "UPDATE ai_reseller_report SET transmitted_on = ?2, transmitted_by = ?3, channel = ?4, reference = ?5 \
         WHERE id = ?1 AND transmitted_on IS NULL",
        params![id, on.to_string(), actor.to_string(), channel, reference],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!("there is no untransmitted reseller report {id}")));
    }
    crate::canonical::record_change(tx, at, actor.into(), "ai.reseller_transmit", kind, id, before.as_deref())
}

/// Every reseller report, newest first.
pub fn reseller_reports(conn: &Connection) -> Result<Vec<ResellerReportRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, reseller_ref, customer_name, country, transaction_on, known_on, summary, evidence_id, recorded_at, \
         transmitted_on, channel, reference FROM ai_reseller_report ORDER BY recorded_at DESC, id DESC",
    )?;
    let rows = statement.query_map([], |r| {
        let on: Option<String> = r.get(9)?;
        Ok(ResellerReportRow {
            id: r.get(0)?,
            reseller_ref: r.get(1)?,
            customer_name: r.get(2)?,
            country: r.get(3)?,
            transaction_on: r.get(4)?,
            known_on: r.get(5)?,
            summary: r.get(6)?,
            evidence_id: r.get(7)?,
            recorded_at: r.get(8)?,
            transmitted: on.map(|on| Ok::<_, rusqlite::Error>((on, r.get(10)?, r.get(11)?))).transpose()?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
