//! The events obligations are computed from, and the record of obligations met. The engine
//! itself lives in `workbench_core::obligations`; this module only stores its inputs.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use workbench_core::ActorRef;
use workbench_core::obligations::{Event, EventKind, Met};

use crate::audit::timestamp;
use crate::error::StoreError;

/// Stores an event.
pub fn insert_event(
    tx: &Transaction<'_>,
    event: &Event,
    recorded_by: ActorRef,
    recorded_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let payload = serde_json::to_string(&event.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let kind = serde_json::to_value(&event.kind)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
        .unwrap_or_default();
    tx.execute(
        "INSERT INTO obligation_event (id, occurred_at, kind, payload, recorded_by, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            event.id,
            timestamp(&event.occurred_at),
            kind,
            payload,
            recorded_by.to_string(),
            timestamp(&recorded_at)
        ],
    )?;
    crate::canonical::written(tx, recorded_at, recorded_by, "obligation.event", "event", &event.id)
}

/// Every event, oldest first.
pub fn events(conn: &Connection) -> Result<Vec<Event>, StoreError> {
    let mut statement =
        conn.prepare("SELECT id, occurred_at, payload FROM obligation_event ORDER BY occurred_at, id")?;
    let rows = statement
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut events = Vec::new();
    for row in rows {
        let (id, occurred_at, payload) = row?;
        let kind: EventKind = serde_json::from_str(&payload)
            .map_err(|e| StoreError::Corrupt(format!("obligation event {id}: {e}")))?;
        events.push(Event { id, occurred_at: parse_time(&occurred_at)?, kind });
    }
    Ok(events)
}

/// Every obligation met.
pub fn met(conn: &Connection) -> Result<Vec<Met>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT key, met_at, met_by, reference, due_date, pack_id, pack_sha256 FROM obligation_met ORDER BY key",
    )?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (key, met_at, by, reference, due, pack_id, pack_sha256) = row?;
        let due_date: NaiveDate =
            due.parse().map_err(|_| StoreError::Corrupt(format!("obligation {key}: due date {due:?}")))?;
        out.push(Met { key, met_at: parse_time(&met_at)?, by, reference, due_date, pack_id, pack_sha256 });
    }
    Ok(out)
}

/// Records an obligation as met; refuses one already met.
pub fn insert_met(tx: &Transaction<'_>, met: &Met) -> Result<(), StoreError> {
    let exists: Option<i64> =
        tx.query_row("SELECT 1 FROM obligation_met WHERE key = ?1", [&met.key], |r| r.get(0)).optional()?;
    if exists.is_some() {
        return Err(StoreError::Conflict(format!("obligation {} is already met", met.key)));
    }
    tx.execute(
        "INSERT INTO obligation_met (key, met_at, met_by, reference, due_date, pack_id, pack_sha256) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            met.key,
            timestamp(&met.met_at),
            met.by,
            met.reference,
            met.due_date.to_string(),
            met.pack_id,
            met.pack_sha256
        ],
    )?;
    crate::canonical::written(
        tx,
        met.met_at,
        crate::canonical::actor_ref(&met.by)?,
        "obligation.meet",
        "obligation",
        &met.key,
    )
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("a stored time is not RFC 3339: {text:?}")))
}
