//! The review records (R3, R4, R6, R7): evidence linked to customers, element checks, U.S.-person
//! determinations, the verification queue and decisions. The rules (what may be approved, who may
//! confirm a refusal, the SLA) live in `workbench_core::verification`; this module stores, orders
//! and audits.

use chrono::{DateTime, Utc};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use workbench_core::ActorId;
use workbench_core::EventId;
use workbench_core::rules::RiskTier;
use workbench_core::verification::{DecisionKind, Element, Method, Outcome};

use crate::audit::timestamp;
use crate::bulk;
use crate::error::StoreError;
use crate::evidence::EvidenceRecord;

/// Queue states.
pub const WAITING: &str = "waiting";
/// A refusal waits for its second reviewer.
pub const AWAITING_SECOND: &str = "awaiting_second";
/// Decided.
pub const DONE: &str = "done";

/// The customer's id for its reference.
pub fn customer_id(conn: &Connection, customer_ref: &str) -> Result<String, StoreError> {
    conn.query_row("SELECT id FROM customer WHERE customer_ref = ?1", [customer_ref], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Conflict(format!("no customer {customer_ref} in this workspace")))
}

/// Due dates per tier for items opened now: `[low, medium, high]`.
pub type DueByTier = [DateTime<Utc>; 3];

/// Opens a queue item for every customer that has none (new customers), due by their tier.
/// Returns how many were opened.
pub fn enqueue_new(
    tx: &Transaction<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
    due: &DueByTier,
) -> Result<usize, StoreError> {
    let stamp = timestamp(&at);
    let opened: Vec<String> = tx
        .prepare(
            "INSERT INTO queue_item (customer_id, state, risk_rank, reason, opened_at, due_at, available_at) \
             SELECT c.id, 'waiting', CASE c.risk_tier WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END, \
                    'onboarding', ?1, CASE c.risk_tier WHEN 'high' THEN ?4 WHEN 'medium' THEN ?3 ELSE ?2 END, ?1 \
             FROM customer c WHERE NOT EXISTS (SELECT 1 FROM queue_item q WHERE q.customer_id = c.id) \
             RETURNING customer_id",
        )?
        .query_map(params![stamp, timestamp(&due[0]), timestamp(&due[1]), timestamp(&due[2])], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &opened {
        crate::canonical::written(tx, at, actor.into(), "queue.open", "customer", id)?;
    }
    Ok(opened.len())
}

/// Opens a queue item for each of `customers` (id and risk tier), just stored by an import, due
/// by their tier: what [`enqueue_new`] would open for them, without looking at every customer.
pub fn enqueue_customers(
    tx: &Transaction<'_>,
    customers: &[(&str, RiskTier)],
    at: DateTime<Utc>,
    due: &DueByTier,
) -> Result<usize, StoreError> {
    let stamp = timestamp(&at);
    let due: Vec<String> = due.iter().map(timestamp).collect();
    let values: Vec<ToSqlOutput<'_>> = customers
        .iter()
        .flat_map(|&(id, tier)| {
            // The rank orders the queue (2 high, 1 medium, 0 low) and picks the tier's due date.
            let rank = match tier {
                RiskTier::Low => 0,
                RiskTier::Medium => 1,
                RiskTier::High => 2,
            };
            [
                bulk::text(id),
                ToSqlOutput::from(rank),
                bulk::text(&stamp),
                bulk::text(&due[rank as usize]),
                bulk::text(&stamp),
            ]
        })
        .collect();
    bulk::insert_rows(
        tx,
        "INSERT INTO queue_item (customer_id, state, risk_rank, reason, opened_at, due_at, available_at)",
        "(?, 'waiting', ?, 'onboarding', ?, ?, ?)",
        &values,
    )?;
    Ok(customers.len())
}

/// Re-opens (or opens) a customer's review, e.g. for periodic re-verification (R8) or a new
/// beneficial owner (R7). An item already waiting keeps its place.
pub fn reopen(
    tx: &Transaction<'_>,
    customer_id: &str,
    reason: &str,
    at: DateTime<Utc>,
    due: DateTime<Utc>,
    actor: ActorId,
) -> Result<bool, StoreError> {
    let stamp = timestamp(&at);
    let changed = tx.execute(
        "INSERT INTO queue_item (customer_id, state, risk_rank, reason, opened_at, due_at, available_at) \
         SELECT id, 'waiting', CASE risk_tier WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END, ?2, ?3, ?4, ?3 \
         FROM customer WHERE id = ?1 \
         ON CONFLICT (customer_id) DO UPDATE SET state = 'waiting', reason = excluded.reason, \
           opened_at = excluded.opened_at, due_at = excluded.due_at, available_at = excluded.available_at, \
           taken_by = NULL, taken_at = NULL, closed_at = NULL \
         WHERE queue_item.state = 'done'",
        params![customer_id, reason, stamp, timestamp(&due)],
    )?;
    if changed > 0 {
        crate::canonical::written(tx, at, actor.into(), "queue.open", "customer", customer_id)?;
    }
    Ok(changed > 0)
}

/// Re-opens (or opens) a customer's review for `reason`, due by its risk tier's date in `due`.
pub fn reopen_by_tier(
    tx: &Transaction<'_>,
    customer_id: &str,
    reason: &str,
    at: DateTime<Utc>,
    due: &DueByTier,
    actor: ActorId,
) -> Result<bool, StoreError> {
    let tier: String =
        tx.query_row("SELECT risk_tier FROM customer WHERE id = ?1", [customer_id], |r| r.get(0))?;
    let rank = match tier.as_str() {
        "high" => 2,
        "medium" => 1,
        _ => 0,
    };
    reopen(tx, customer_id, reason, at, due[rank], actor)
}

/// Re-opens the review of each customer a new beneficial owner was added to (R7), reason
/// `new_owner`, due by its tier. Returns the references of the customers whose decided review
/// was re-opened (an item still waiting keeps its place and is not counted).
pub fn reopen_for_new_owners(
    tx: &Transaction<'_>,
    customer_ids: &[String],
    at: DateTime<Utc>,
    due: &DueByTier,
    actor: ActorId,
) -> Result<Vec<String>, StoreError> {
    let mut seen = std::collections::HashSet::new();
    let mut reopened = Vec::new();
    for id in customer_ids {
        if seen.insert(id.as_str()) && reopen_by_tier(tx, id, "new_owner", at, due, actor)? {
            reopened
                .push(tx.query_row("SELECT customer_ref FROM customer WHERE id = ?1", [id], |r| r.get(0))?);
        }
    }
    Ok(reopened)
}

/// Gives `actor` the next item: one assigned to them first, else the most urgent free one
/// (due date, then risk, then age). Locks it to them and releases any other item they held.
/// Locks older than `stale_before` are free again. `None` when nothing is waiting.
pub fn take_next(
    tx: &Transaction<'_>,
    actor: ActorId,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let now_s = timestamp(&now);
    let stale = timestamp(&stale_before);
    let assigned: Option<String> = tx
        .query_row(
            "SELECT customer_id FROM queue_item INDEXED BY queue_item_assigned \
             WHERE assigned_to = ?1 AND state = 'waiting' \
             AND available_at <= ?2 AND (taken_by IS NULL OR taken_by = ?1 OR taken_at < ?3) \
             ORDER BY due_at, risk_rank DESC, opened_at LIMIT 1",
            params![actor.to_string(), now_s, stale],
            |r| r.get(0),
        )
        .optional()?;
    let next = match assigned {
        Some(id) => Some(id),
        None => tx
            .query_row(
                "SELECT customer_id FROM queue_item INDEXED BY queue_item_next \
                 WHERE state = 'waiting' AND available_at <= ?2 \
                 AND (assigned_to IS NULL OR assigned_to = ?1) \
                 AND (taken_by IS NULL OR taken_by = ?1 OR taken_at < ?3) \
                 ORDER BY due_at, risk_rank DESC, opened_at LIMIT 1",
                params![actor.to_string(), now_s, stale],
                |r| r.get(0),
            )
            .optional()?,
    };
    if let Some(id) = &next {
        lock_to(tx, id, actor, &now_s)?;
    }
    Ok(next)
}

fn lock_to(tx: &Transaction<'_>, customer_id: &str, actor: ActorId, now: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE queue_item SET taken_by = NULL, taken_at = NULL WHERE taken_by = ?1 AND customer_id <> ?2",
        params![actor.to_string(), customer_id],
    )?;
    tx.execute(
        "UPDATE queue_item SET taken_by = ?1, taken_at = ?2 WHERE customer_id = ?3",
        params![actor.to_string(), now, customer_id],
    )?;
    Ok(())
}

/// Takes one chosen item. Refused when another reviewer holds a fresh lock on it.
pub fn take(
    tx: &Transaction<'_>,
    customer_id: &str,
    actor: ActorId,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<(), StoreError> {
    let holder: Option<(Option<String>, Option<String>, String)> = tx
        .query_row(
            "SELECT taken_by, taken_at, state FROM queue_item WHERE customer_id = ?1",
            [customer_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((taken_by, taken_at, state)) = holder else {
        return Err(StoreError::Conflict("this customer is not in the verification queue".into()));
    };
    if state != WAITING {
        return Err(StoreError::Conflict("this queue item is not waiting for review".into()));
    }
    let fresh = taken_at.is_some_and(|t| t >= timestamp(&stale_before));
    if taken_by.as_deref().is_some_and(|holder| holder != actor.to_string()) && fresh {
        return Err(StoreError::Conflict("another reviewer is working on this item".into()));
    }
    lock_to(tx, customer_id, actor, &timestamp(&now))
}

/// Releases whatever `actor` holds.
pub fn release(tx: &Transaction<'_>, actor: ActorId) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE queue_item SET taken_by = NULL, taken_at = NULL WHERE taken_by = ?1",
        [actor.to_string()],
    )?;
    Ok(())
}

/// Assigns items to a reviewer (or unassigns with `None`). Returns how many changed.
pub fn assign(
    tx: &Transaction<'_>,
    customer_ids: &[String],
    to: Option<&str>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut update =
        tx.prepare("UPDATE queue_item SET assigned_to = ?1 WHERE customer_id = ?2 AND state <> 'done'")?;
    let mut changed = 0;
    for id in customer_ids {
        let n = update.execute(params![to, id])?;
        if n > 0 {
            crate::canonical::written(tx, at, actor.into(), "queue.assign", "customer", id)?;
        }
        changed += n;
    }
    Ok(changed)
}

/// One queue row as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueRow {
    /// Customer id.
    pub customer_id: String,
    /// The provider's reference.
    pub customer_ref: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// Individual or entity.
    pub kind: String,
    /// Risk tier.
    pub risk_tier: String,
    /// Queue state.
    pub state: String,
    /// Onboarding, re-verification, new owner.
    pub reason: String,
    /// Opened, RFC 3339.
    pub opened_at: String,
    /// SLA due, RFC 3339.
    pub due_at: String,
    /// Hidden until (more information asked for), RFC 3339.
    pub available_at: String,
    /// Assigned reviewer's id.
    pub assigned_to: Option<String>,
    /// Reviewer holding the lock.
    pub taken_by: Option<String>,
}

/// Which items a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Waiting and available now.
    Ready,
    /// Waiting but sleeping (more information asked for).
    Snoozed,
    /// Refusals waiting for a second reviewer.
    AwaitingSecond,
}

/// A page of the queue in working order.
pub fn list(
    conn: &Connection,
    show: Show,
    now: DateTime<Utc>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<QueueRow>, i64), StoreError> {
    let filter = match show {
        Show::Ready => "q.state = 'waiting' AND q.available_at <= ?1",
        Show::Snoozed => "q.state = 'waiting' AND q.available_at > ?1",
        Show::AwaitingSecond => "q.state = 'awaiting_second' AND ?1 IS NOT NULL",
    };
    let now_s = timestamp(&now);
    let total: i64 =
        conn.query_row(&format!("SELECT count(*) FROM queue_item q WHERE {filter}"), [&now_s], |r| r.get(0))?;
    let mut statement = conn.prepare(&format!(
        "SELECT {QUEUE_COLUMNS} FROM queue_item q JOIN customer c ON c.id = q.customer_id WHERE {filter} \
         ORDER BY q.due_at, q.risk_rank DESC, q.opened_at LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = statement.query_map(params![now_s, limit, offset], queue_row)?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

const QUEUE_COLUMNS: &str = "q.customer_id, c.customer_ref, c.name, c.country, c.kind, c.risk_tier, q.state, \
     q.reason, q.opened_at, q.due_at, q.available_at, q.assigned_to, q.taken_by";

fn queue_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueueRow> {
    Ok(QueueRow {
        customer_id: r.get(0)?,
        customer_ref: r.get(1)?,
        name: r.get(2)?,
        country: r.get(3)?,
        kind: r.get(4)?,
        risk_tier: r.get(5)?,
        state: r.get(6)?,
        reason: r.get(7)?,
        opened_at: r.get(8)?,
        due_at: r.get(9)?,
        available_at: r.get(10)?,
        assigned_to: r.get(11)?,
        taken_by: r.get(12)?,
    })
}

/// The queue item of one customer, if any.
pub fn item(conn: &Connection, customer_id: &str) -> Result<Option<QueueRow>, StoreError> {
    conn.query_row(
        &format!("SELECT {QUEUE_COLUMNS} FROM queue_item q JOIN customer c ON c.id = q.customer_id WHERE q.customer_id = ?1"),
        [customer_id],
        queue_row,
    )
    .optional()
    .map_err(Into::into)
}

/// Queue health for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Health {
    /// Waiting and available now.
    pub ready: i64,
    /// Sleeping until more information arrives.
    pub snoozed: i64,
    /// Refusals waiting for a second reviewer.
    pub awaiting_second: i64,
    /// Open items past their SLA.
    pub past_sla: i64,
    /// When the oldest open item was opened.
    pub oldest_opened_at: Option<String>,
}

/// Counts the open queue.
pub fn health(conn: &Connection, now: DateTime<Utc>) -> Result<Health, StoreError> {
    let now_s = timestamp(&now);
    Ok(conn.query_row(
        "SELECT \
           count(*) FILTER (WHERE state = 'waiting' AND available_at <= ?1), \
           count(*) FILTER (WHERE state = 'waiting' AND available_at > ?1), \
           count(*) FILTER (WHERE state = 'awaiting_second'), \
           count(*) FILTER (WHERE due_at < ?1), \
           min(opened_at) \
         FROM queue_item WHERE state <> 'done'",
        [now_s],
        |r| {
            Ok(Health {
                ready: r.get(0)?,
                snoozed: r.get(1)?,
                awaiting_second: r.get(2)?,
                past_sla: r.get(3)?,
                oldest_opened_at: r.get(4)?,
            })
        },
    )?)
}

/// Links stored evidence to a customer (optionally to one element).
pub fn attach_evidence(
    tx: &Transaction<'_>,
    customer_id: &str,
    evidence_id: &str,
    element: Option<Element>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO customer_evidence (customer_id, evidence_id, element) VALUES (?1, ?2, ?3)",
        params![customer_id, evidence_id, element.map_or("", Element::code)],
    )?;
    crate::canonical::written(tx, at, actor.into(), "evidence.attach", "customer", customer_id)
}

/// A customer's evidence with the element each serves.
pub fn evidence_of(
    conn: &Connection,
    customer_id: &str,
) -> Result<Vec<(EvidenceRecord, String)>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT e.id, e.sha256, e.size_bytes, e.media_type, e.original_name, e.added_by, e.added_at, ce.element \
         FROM customer_evidence ce JOIN evidence e ON e.id = ce.evidence_id \
         WHERE ce.customer_id = ?1 ORDER BY e.added_at, e.id",
    )?;
    let rows = statement.query_map([customer_id], |r| {
        let id: String = r.get(0)?;
        Ok((id, r.get(1)?, r.get::<_, i64>(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, sha256, size, media_type, original_name, added_by, added_at, element) = row?;
        let id = id.parse().map_err(|_| StoreError::Corrupt(format!("evidence id {id}")))?;
        out.push((
            EvidenceRecord {
                id,
                sha256,
                size_bytes: u64::try_from(size).unwrap_or(0),
                media_type,
                original_name,
                added_by,
                added_at,
            },
            element,
        ));
    }
    Ok(out)
}

/// Whether a stored file belongs to a customer — attached evidence or one of its notices (what
/// the review screen may show).
pub fn evidence_belongs(conn: &Connection, customer_id: &str, evidence_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM customer_evidence WHERE customer_id = ?1 AND evidence_id = ?2 \
             UNION ALL SELECT 1 FROM customer_notice WHERE customer_id = ?1 AND evidence_id = ?2",
            params![customer_id, evidence_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// One element check as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Element.
    pub element: Element,
    /// Method.
    pub method: Method,
    /// Outcome.
    pub outcome: Outcome,
    /// Evidence relied on.
    pub evidence_id: Option<String>,
    /// Reviewer's note.
    pub note: String,
    /// Reviewer id.
    pub reviewer: String,
    /// When.
    pub at: String,
}

/// What a reviewer recorded for one element.
#[derive(Debug, Clone, Copy)]
pub struct NewCheck<'a> {
    /// Element.
    pub element: Element,
    /// Method.
    pub method: Method,
    /// Outcome.
    pub outcome: Outcome,
    /// Evidence relied on.
    pub evidence_id: Option<&'a str>,
    /// Note.
    pub note: &'a str,
}

/// Records an element check (R4), audited.
pub fn record_check(
    tx: &Transaction<'_>,
    customer_id: &str,
    check: &NewCheck<'_>,
    reviewer: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let Some(evidence) = check.evidence_id
        && !evidence_belongs(tx, customer_id, evidence)?
    {
        return Err(StoreError::Conflict("that evidence is not attached to this customer".into()));
    }
    insert_check(tx, "element_check", "customer_id", customer_id, check, reviewer, at)?;
    crate::canonical::written(tx, at, reviewer.into(), "verification.check", "customer", customer_id)
}

/// The newest check of each element of a customer.
pub fn current_checks(conn: &Connection, customer_id: &str) -> Result<Vec<Check>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT customer_id, element, method, outcome, evidence_id, note, reviewer, at FROM element_check \
         WHERE seq IN (SELECT max(seq) FROM element_check WHERE customer_id = ?1 GROUP BY element)",
    )?;
    let mut checks: Vec<Check> =
        checks_of(&mut statement, customer_id, "customer")?.into_iter().map(|(_, check)| check).collect();
    checks.sort_by_key(|c| Element::ALL.iter().position(|e| *e == c.element));
    Ok(checks)
}

/// Inserts one check of an element into `table`, for the subject in `subject_column`.
fn insert_check(
    tx: &Transaction<'_>,
    table: &str,
    subject_column: &str,
    subject: &str,
    check: &NewCheck<'_>,
    reviewer: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        &format!(
            "INSERT INTO {table} ({subject_column}, element, method, outcome, evidence_id, note, reviewer, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        ),
        params![
            subject,
            check.element.code(),
            check.method.code(),
            check.outcome.code(),
            check.evidence_id,
            check.note,
            reviewer.to_string(),
            timestamp(&at)
        ],
    )?;
    Ok(())
}

/// Reads checks from a statement selecting `subject, element, method, outcome, evidence_id, note,
/// reviewer, at` for one parameter: (subject, check).
fn checks_of(
    statement: &mut rusqlite::Statement<'_>,
    param: &str,
    subject_kind: &str,
) -> Result<Vec<(String, Check)>, StoreError> {
    let rows = statement.query_map([param], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
        ))
    })?;
    let mut checks = Vec::new();
    for row in rows {
        let (subject, element, method, outcome, evidence_id, note, reviewer, at) = row?;
        let corrupt = || StoreError::Corrupt(format!("check of {subject_kind} {subject}"));
        let check = Check {
            element: Element::from_code(&element).ok_or_else(corrupt)?,
            method: Method::from_code(&method).ok_or_else(corrupt)?,
            outcome: Outcome::from_code(&outcome).ok_or_else(corrupt)?,
            evidence_id,
            note,
            reviewer,
            at,
        };
        checks.push((subject, check));
    }
    Ok(checks)
}

/// Records a check of one element of a beneficial owner (R5), audited. The owner must be the
/// customer's, the element one an owner has, the evidence attached to the customer.
pub fn record_owner_check(
    tx: &Transaction<'_>,
    customer_id: &str,
    owner_id: &str,
    check: &NewCheck<'_>,
    reviewer: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let owns: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM beneficial_owner WHERE id = ?1 AND customer_id = ?2)",
        params![owner_id, customer_id],
        |r| r.get(0),
    )?;
    if !owns {
        return Err(StoreError::Conflict("that owner is not an owner of this customer".into()));
    }
    if let Some(evidence) = check.evidence_id
        && !evidence_belongs(tx, customer_id, evidence)?
    {
        return Err(StoreError::Conflict("that evidence is not attached to this customer".into()));
    }
    insert_check(tx, "owner_check", "owner_id", owner_id, check, reviewer, at)?;
    let seq = tx.last_insert_rowid().to_string();
    crate::canonical::record_change(
        tx,
        at,
        reviewer.into(),
        "verification.owner_check",
        crate::canonical::known("owner_check"),
        &seq,
        None,
    )
}

/// The newest check of each element of each owner of a customer: (owner id, check).
pub fn owner_checks(conn: &Connection, customer_id: &str) -> Result<Vec<(String, Check)>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT k.owner_id, k.element, k.method, k.outcome, k.evidence_id, k.note, k.reviewer, k.at \
         FROM owner_check k JOIN beneficial_owner o ON o.id = k.owner_id \
         WHERE o.customer_id = ?1 AND k.seq IN \
           (SELECT max(seq) FROM owner_check WHERE owner_id IN \
              (SELECT id FROM beneficial_owner WHERE customer_id = ?1) GROUP BY owner_id, element) \
         ORDER BY k.seq",
    )?;
    checks_of(&mut statement, customer_id, "owner")
}

/// A U.S.-person determination (R3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Determination {
    /// `customer:<id>` or `owner:<id>`.
    pub subject: String,
    /// undetermined | yes | no.
    pub status: String,
    /// Why.
    pub reason: String,
    /// Evidence relied on.
    pub evidence_id: Option<String>,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
}

/// Records a U.S.-person determination and updates the subject's status, audited.
pub fn determine_us_person(
    tx: &Transaction<'_>,
    d: &Determination,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let updated = match d.subject.split_once(':') {
        Some(("customer", id)) => {
            tx.execute("UPDATE customer SET us_person = ?1 WHERE id = ?2", params![d.status, id])?
        }
        Some(("owner", id)) => {
            tx.execute("UPDATE beneficial_owner SET us_person = ?1 WHERE id = ?2", params![d.status, id])?
        }
        _ => 0,
    };
    if updated == 0 {
        return Err(StoreError::Conflict(format!("no {} in this workspace", d.subject)));
    }
    tx.execute(
        "INSERT INTO us_person_determination (subject, status, reason, evidence_id, actor, at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![d.subject, d.status, d.reason, d.evidence_id, d.actor, d.at],
    )?;
    let (kind, id) = d.subject.split_once(':').expect("checked above");
    let kind = crate::canonical::kind(kind).expect("customer and owner are canonical kinds");
    crate::canonical::record_change(
        tx,
        at,
        crate::canonical::actor_ref(&d.actor)?,
        "us_person.determine",
        kind,
        id,
        None,
    )
}

/// The newest determination for a subject.
pub fn determination(conn: &Connection, subject: &str) -> Result<Option<Determination>, StoreError> {
    conn.query_row(
        "SELECT subject, status, reason, evidence_id, actor, at FROM us_person_determination \
         WHERE subject = ?1 ORDER BY seq DESC LIMIT 1",
        [subject],
        |r| {
            Ok(Determination {
                subject: r.get(0)?,
                status: r.get(1)?,
                reason: r.get(2)?,
                evidence_id: r.get(3)?,
                actor: r.get(4)?,
                at: r.get(5)?,
            })
        },
    )
    .optional()
    .map_err(Into::into)
}

/// A decision as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRow {
    /// Id.
    pub id: String,
    /// Customer id.
    pub customer_id: String,
    /// approve | refuse | more_info.
    pub kind: String,
    /// Refusal reason code.
    pub reason_code: String,
    /// Note.
    pub note: String,
    /// More information: asleep until.
    pub until: Option<String>,
    /// Decided by.
    pub decided_by: String,
    /// When.
    pub decided_at: String,
    /// final | awaiting_second | declined.
    pub status: String,
    /// Second reviewer.
    pub second_by: Option<String>,
    /// When confirmed or declined.
    pub second_at: Option<String>,
    /// An approval given under an exemption, without identity verification: the exemption's
    /// reference (R20).
    pub exemption_reference: Option<String>,
}

/// What a reviewer decided.
#[derive(Debug, Clone, Copy)]
pub struct NewDecision<'a> {
    /// Approve, refuse, more information.
    pub kind: DecisionKind,
    /// Refusal reason code (empty otherwise).
    pub reason_code: &'a str,
    /// Note.
    pub note: &'a str,
    /// More information: the item sleeps until then.
    pub until: Option<DateTime<Utc>>,
    /// Approve: the exemption in force (its id) under which no identity verification was needed
    /// (R20).
    pub exemption_id: Option<&'a str>,
}

/// Records a decision and moves the queue item: an approval closes it, a refusal waits for the
/// second reviewer, more information puts it to sleep (released). The item must be waiting and
/// held by `actor`. Account states are the caller's to move (through the state machine).
pub fn decide(
    tx: &Transaction<'_>,
    customer_id: &str,
    new: &NewDecision<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let held: Option<(String, Option<String>)> = tx
        .query_row("SELECT state, taken_by FROM queue_item WHERE customer_id = ?1", [customer_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match held {
        None => return Err(StoreError::Conflict("this customer is not in the verification queue".into())),
        Some((state, _)) if state != WAITING => {
            return Err(StoreError::Conflict("this queue item is not waiting for a decision".into()));
        }
        Some((_, taken_by)) if taken_by.as_deref() != Some(actor.to_string().as_str()) => {
            return Err(StoreError::Conflict("take the item before deciding on it".into()));
        }
        Some(_) => {}
    }
    let id = EventId::new().to_string();
    let stamp = timestamp(&at);
    let status = if new.kind == DecisionKind::Refuse { AWAITING_SECOND } else { "final" };
    tx.execute(
        "INSERT INTO decision (id, customer_id, kind, reason_code, note, until, decided_by, decided_at, status) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            customer_id,
            new.kind.code(),
            new.reason_code,
            new.note,
            new.until.as_ref().map(timestamp),
            actor.to_string(),
            stamp,
            status
        ],
    )?;
    match new.kind {
        DecisionKind::Approve => tx.execute(
            "UPDATE queue_item SET state = 'done', closed_at = ?1, taken_by = NULL, taken_at = NULL WHERE customer_id = ?2",
            params![stamp, customer_id],
        )?,
        DecisionKind::Refuse => tx.execute(
            "UPDATE queue_item SET state = 'awaiting_second', taken_by = NULL, taken_at = NULL WHERE customer_id = ?1",
            [customer_id],
        )?,
        DecisionKind::MoreInfo => tx.execute(
            "UPDATE queue_item SET available_at = ?1, taken_by = NULL, taken_at = NULL WHERE customer_id = ?2",
            params![new.until.as_ref().map_or_else(|| stamp.clone(), timestamp), customer_id],
        )?,
    };
    crate::canonical::written(tx, at, actor.into(), "verification.decide", "customer", customer_id)?;
    if let Some(exemption_id) = new.exemption_id.filter(|_| new.kind == DecisionKind::Approve) {
        tx.execute(
            "INSERT INTO decision_exemption (decision_id, exemption_id) VALUES (?1, ?2)",
            params![id, exemption_id],
        )?;
        crate::canonical::written(
            tx,
            at,
            actor.into(),
            "verification.exempt_approval",
            "decision_exemption",
            &id,
        )?;
    }
    Ok(id)
}

/// The id of the latest decision in force (approval or refusal) of a customer aliased `c`.
macro_rules! latest_decision_sql {
    () => {
        "(SELECT d.id FROM decision d WHERE d.customer_id = c.id AND d.kind IN ('approve', 'refuse') \
         AND d.status = 'final' ORDER BY d.decided_at DESC, d.rowid DESC LIMIT 1)"
    };
}

/// The SQL condition (on a customer aliased `c`) that its latest decision in force is an approval
/// given under an exemption, without identity verification (R20).
pub(crate) const APPROVED_UNDER_EXEMPTION_SQL: &str =
    concat!("EXISTS (SELECT 1 FROM decision_exemption x WHERE x.decision_id = ", latest_decision_sql!(), ")");

/// Customers whose latest decision in force (approval or refusal) is an approval given under an
/// exemption (R20): `(customer id, exemption id)`.
pub fn approved_under_exemption(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut statement = conn.prepare(concat!(
        "SELECT c.id, x.exemption_id FROM customer c JOIN decision_exemption x ON x.decision_id = ",
        latest_decision_sql!(),
        " ORDER BY c.customer_ref"
    ))?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The refusal waiting for a second reviewer on this customer, if any.
pub fn pending_refusal(conn: &Connection, customer_id: &str) -> Result<Option<DecisionRow>, StoreError> {
    Ok(decisions(conn, customer_id)?.into_iter().rev().find(|d| d.status == AWAITING_SECOND))
}

/// Confirms (`accept`) or declines a refusal as the second reviewer: confirmed, the item closes;
/// declined, it goes back to the queue. The four-eyes rule itself is checked by the caller.
pub fn second_review(
    tx: &Transaction<'_>,
    decision_id: &str,
    accept: bool,
    second: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let stamp = timestamp(&at);
    let customer_id: String = tx
        .query_row(
            "SELECT customer_id FROM decision WHERE id = ?1 AND status = 'awaiting_second'",
            [decision_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| StoreError::Conflict("no refusal is waiting for a second reviewer here".into()))?;
    tx.execute(
        "UPDATE decision SET status = ?1, second_by = ?2, second_at = ?3 WHERE id = ?4",
        params![if accept { "final" } else { "declined" }, second.to_string(), stamp, decision_id],
    )?;
    if accept {
        tx.execute(
            "UPDATE queue_item SET state = 'done', closed_at = ?1 WHERE customer_id = ?2",
            params![stamp, customer_id],
        )?;
    } else {
        tx.execute(
            "UPDATE queue_item SET state = 'waiting', available_at = ?1 WHERE customer_id = ?2",
            params![stamp, customer_id],
        )?;
    }
    let action = if accept { "verification.confirm" } else { "verification.decline" };
    crate::canonical::written(tx, at, second.into(), action, "customer", &customer_id)
}

/// Every decision on a customer, oldest first.
pub fn decisions(conn: &Connection, customer_id: &str) -> Result<Vec<DecisionRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT d.id, d.customer_id, d.kind, d.reason_code, d.note, d.until, d.decided_by, d.decided_at, d.status, \
           d.second_by, d.second_at, e.reference \
         FROM decision d LEFT JOIN decision_exemption x ON x.decision_id = d.id \
           LEFT JOIN exemption e ON e.id = x.exemption_id \
         WHERE d.customer_id = ?1 ORDER BY d.decided_at, d.id",
    )?;
    let rows = statement.query_map([customer_id], |r| {
        Ok(DecisionRow {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            kind: r.get(2)?,
            reason_code: r.get(3)?,
            note: r.get(4)?,
            until: r.get(5)?,
            decided_by: r.get(6)?,
            decided_at: r.get(7)?,
            status: r.get(8)?,
            second_by: r.get(9)?,
            second_at: r.get(10)?,
            exemption_reference: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A customer's accounts: `(account_ref, state code)`.
pub fn accounts_of(conn: &Connection, customer_id: &str) -> Result<Vec<(String, String)>, StoreError> {
    let mut statement =
        conn.prepare("SELECT account_ref, state FROM account WHERE customer_id = ?1 ORDER BY opened_on, id")?;
    let rows = statement.query_map([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Marks a customer's item decided without a decision of its own (customers whose accounts were
/// settled before the queue existed, e.g. migrated or demo records), audited as `queue.close`.
pub fn close_item(
    tx: &Transaction<'_>,
    customer_id: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE queue_item SET state = 'done', closed_at = ?1, taken_by = NULL, taken_at = NULL WHERE customer_id = ?2",
        params![timestamp(&at), customer_id],
    )?;
    crate::canonical::written(tx, at, actor.into(), "queue.close", "customer", customer_id)
}

/// A customer notice as stored (R9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeRow {
    /// Id.
    pub id: String,
    /// The rendered PDF in the vault.
    pub evidence_id: String,
    /// The pack whose text it carries.
    pub pack_sha256: String,
    /// Rendered.
    pub rendered_at: String,
    /// By.
    pub rendered_by: String,
    /// Sent to the customer on.
    pub sent_on: Option<String>,
    /// Acknowledged by the customer on.
    pub acknowledged_on: Option<String>,
}

/// Records a rendered notice (its PDF already stored in the vault), audited.
pub fn insert_notice(
    tx: &Transaction<'_>,
    customer_id: &str,
    notice: &NoticeRow,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO customer_notice (id, customer_id, evidence_id, pack_sha256, rendered_at, rendered_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            notice.id,
            customer_id,
            notice.evidence_id,
            notice.pack_sha256,
            notice.rendered_at,
            notice.rendered_by
        ],
    )?;
    crate::canonical::written(
        tx,
        at,
        crate::canonical::actor_ref(&notice.rendered_by)?,
        "notice.issue",
        "customer",
        customer_id,
    )
}

/// Records when a notice was sent and/or acknowledged (a date already set is kept unless a new
/// one is given), audited.
pub fn mark_notice(
    tx: &Transaction<'_>,
    customer_id: &str,
    notice_id: &str,
    sent_on: Option<&str>,
    acknowledged_on: Option<&str>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE customer_notice SET sent_on = coalesce(?1, sent_on), acknowledged_on = coalesce(?2, acknowledged_on) \
         WHERE id = ?3 AND customer_id = ?4",
        params![sent_on, acknowledged_on, notice_id, customer_id],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict("no such notice for this customer".into()));
    }
    crate::canonical::written(tx, at, actor.into(), "notice.mark", "customer", customer_id)
}

/// A customer's notices, oldest first.
pub fn notices_of(conn: &Connection, customer_id: &str) -> Result<Vec<NoticeRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, evidence_id, pack_sha256, rendered_at, rendered_by, sent_on, acknowledged_on \
         FROM customer_notice WHERE customer_id = ?1 ORDER BY rendered_at, id",
    )?;
    let rows = statement.query_map([customer_id], |r| {
        Ok(NoticeRow {
            id: r.get(0)?,
            evidence_id: r.get(1)?,
            pack_sha256: r.get(2)?,
            rendered_at: r.get(3)?,
            rendered_by: r.get(4)?,
            sent_on: r.get(5)?,
            acknowledged_on: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
