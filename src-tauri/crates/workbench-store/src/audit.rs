//! The audit chain's table (R11): appending inside the caller's transaction, checkpoints,
//! listing and verification. Hashing rules live in `workbench_core::audit`.

use chrono::{DateTime, Utc};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use workbench_core::ActorRef;
use workbench_core::audit::{
    ChainBreak, ChainReport, ChainedEvent, EventBody, EventFields, GENESIS, Verifier, chain, digest_hex,
};

use crate::bulk;
use crate::error::StoreError;

/// A checkpoint is written every this many events (and at every filing).
pub const CHECKPOINT_EVERY: i64 = 1000;

/// What a change tells the audit chain. Before/after are the record's canonical bytes; only
/// their SHA-256 is stored.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// Actor id, or "system".
    pub actor: ActorRef,
    /// `<domain>.<verb>`, e.g. `actor.create`.
    pub action: &'a str,
    /// `<kind>:<id>`.
    pub object: &'a str,
    /// The record before the change (None on create).
    pub before: Option<&'a [u8]>,
    /// The record after the change (None on delete).
    pub after: Option<&'a [u8]>,
}

/// Appends `change` at `at` to the chain, in the caller's transaction, so the event commits or
/// rolls back with the change it describes.
pub fn append(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    change: Change<'_>,
) -> Result<ChainedEvent, StoreError> {
    Appender::new(tx)?.append(at, change)
}

/// Appends events one after another in the caller's transaction, reading the chain's head once:
/// a bulk import appends one event per customer. Nothing else may append in the same
/// transaction while an appender is in use (its head would be stale; the `seq` primary key then
/// refuses the insert rather than fork the chain).
pub struct Appender<'t, 'c> {
    tx: &'t Transaction<'c>,
    seq: i64,
    prev: String,
}

impl<'t, 'c> Appender<'t, 'c> {
    /// Reads the chain's head.
    pub fn new(tx: &'t Transaction<'c>) -> Result<Self, StoreError> {
        let last: Option<(i64, String)> = tx
            .prepare_cached("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (seq, prev) = last.unwrap_or_else(|| (0, GENESIS.to_owned()));
        Ok(Self { tx, seq, prev })
    }

    /// Appends `change` at `at` after the last event appended.
    pub fn append(&mut self, at: DateTime<Utc>, change: Change<'_>) -> Result<ChainedEvent, StoreError> {
        let mut events = self.append_all(at, [change])?;
        Ok(events.pop().expect("one change, one event"))
    }

    /// Appends `changes` at `at`, in order, with multi-row statements (a bulk import appends one
    /// per customer). On an error the appender is spent: the caller's transaction must roll back.
    pub fn append_all<'x>(
        &mut self,
        at: DateTime<Utc>,
        changes: impl IntoIterator<Item = Change<'x>>,
    ) -> Result<Vec<ChainedEvent>, StoreError> {
        let events: Vec<ChainedEvent> = changes
            .into_iter()
            .map(|change| {
                let event = chain(
                    &self.prev,
                    EventBody {
                        seq: self.seq + 1,
                        at,
                        actor: change.actor.to_string(),
                        action: change.action.to_owned(),
                        object: change.object.to_owned(),
                        before: change.before.map(digest_hex),
                        after: change.after.map(digest_hex),
                    },
                );
                self.seq = event.body.seq;
                self.prev.clone_from(&event.hash);
                event
            })
            .collect();
        let stamp = timestamp(&at);
        let values: Vec<ToSqlOutput<'_>> = events
            .iter()
            .flat_map(|e| {
                [
                    ToSqlOutput::from(e.body.seq),
                    bulk::text(&stamp),
                    bulk::text(&e.body.actor),
                    bulk::text(&e.body.action),
                    bulk::text(&e.body.object),
                    bulk::text_or_null(e.body.before.as_deref()),
                    bulk::text_or_null(e.body.after.as_deref()),
                    bulk::text(&e.prev_hash),
                    bulk::text(&e.hash),
                ]
            })
            .collect();
        bulk::insert_rows(
            self.tx,
            "INSERT INTO audit_event (seq, at, actor, action, object, before, after, prev_hash, hash)",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &values,
        )?;
        for event in events.iter().filter(|e| e.body.seq % CHECKPOINT_EVERY == 0) {
            insert_checkpoint(self.tx, event.body.seq, &event.hash, at, "interval")?;
        }
        Ok(events)
    }
}

/// A checkpoint: the chain's size and root hash at a moment, printed on filings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    /// Events in the chain at the checkpoint.
    pub events: i64,
    /// Hash of the last event then.
    pub root_hash: String,
    /// When it was taken.
    pub at: String,
    /// Why: "interval" or "filing".
    pub reason: String,
}

/// Appends an event saying `actor` did `action` to `object` (`<kind>:<id>`), which now reads
/// `after` — kept, like every record in the chain, as its digest only.
pub fn record(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: ActorRef,
    action: &str,
    object: &str,
    after: &str,
) -> Result<(), StoreError> {
    append(tx, at, Change { actor, action, object, before: None, after: Some(after.as_bytes()) }).map(|_| ())
}

/// Writes a checkpoint at the chain's current head (e.g. for a filing).
pub fn checkpoint(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<Option<Checkpoint>, StoreError> {
    let Some((seq, hash)) = tx
        .query_row("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?
    else {
        return Ok(None);
    };
    tx.execute("DELETE FROM audit_checkpoint WHERE seq = ?1", [seq])?;
    Ok(Some(insert_checkpoint(tx, seq, &hash, at, reason)?))
}

fn insert_checkpoint(
    tx: &Transaction<'_>,
    seq: i64,
    hash: &str,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<Checkpoint, StoreError> {
    let checkpoint =
        Checkpoint { events: seq, root_hash: hash.to_owned(), at: timestamp(&at), reason: reason.to_owned() };
    tx.execute(
        "INSERT INTO audit_checkpoint (seq, at, events, root_hash, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![seq, checkpoint.at, checkpoint.events, checkpoint.root_hash, reason],
    )?;
    Ok(checkpoint)
}

/// Recomputes the whole chain in order, streaming rows in constant memory, and checks every
/// checkpoint against it; names the first bad event. The stored time text is hashed as stored.
pub fn verify_chain(conn: &Connection) -> Result<ChainReport, StoreError> {
    let verifier = verify_range(conn, 1, i64::MAX, Verifier::default())?;
    finish(conn, verifier.report())
}

/// Like [`verify_chain`], with the second half of a long chain read and hashed on a second
/// connection (`open_second`) in parallel: decrypting pages is most of the work, and the two
/// halves need each other only at the seam.
pub fn verify_chain_parallel(
    conn: &Connection,
    open_second: impl FnOnce() -> Result<Connection, StoreError> + Send,
) -> Result<ChainReport, StoreError> {
    const PARALLEL_FROM: i64 = 50_000;
    let head: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM audit_event", [], |r| r.get(0))?;
    if head < PARALLEL_FROM {
        return verify_chain(conn);
    }
    let seam = head / 2 + 1;
    let seam_prev: Option<String> = conn
        .query_row("SELECT prev_hash FROM audit_event WHERE seq = ?1", [seam], |r| r.get(0))
        .optional()?;
    let Some(seam_prev) = seam_prev else {
        // A gap at the seam: the sequential pass names it precisely.
        return verify_chain(conn);
    };
    let (first, second) = std::thread::scope(|scope| {
        let seam_prev = seam_prev.clone();
        let second = scope.spawn(move || {
            let other = open_second()?;
            verify_range(&other, seam, i64::MAX, Verifier::resume(seam, &seam_prev))
        });
        let first = verify_range(conn, 1, seam - 1, Verifier::default());
        (
            first,
            second.join().unwrap_or_else(|_| Err(StoreError::Corrupt("the verifier thread failed".into()))),
        )
    });
    let first = first?.report();
    if first.first_break.is_some() {
        return finish(conn, first);
    }
    if first.head != seam_prev {
        let report = ChainReport {
            events: first.events,
            head: first.head,
            first_break: Some(ChainBreak {
                seq: seam,
                problem: "does not link to the event before it".into(),
            }),
        };
        return finish(conn, report);
    }
    let second = second?.report();
    let report = ChainReport {
        events: first.events + second.events,
        head: if second.events > 0 { second.head } else { first.head },
        first_break: second.first_break,
    };
    finish(conn, report)
}

/// Feeds events `from..=to` to `verifier`, stopping at the first break.
fn verify_range(
    conn: &Connection,
    from: i64,
    to: i64,
    mut verifier: Verifier,
) -> Result<Verifier, StoreError> {
    let mut statement = conn.prepare(
        "SELECT seq, at, actor, action, object, before, after, prev_hash, hash FROM audit_event \
         WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
    )?;
    let mut rows = statement.query([from, to])?;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        // Borrow every text column from the row: no allocation per event.
        let text = |i: usize| row.get_ref(i).ok().and_then(|v| v.as_str().ok());
        let optional = |i: usize| row.get_ref(i).ok().map(|v| v.as_str_or_null().ok().flatten());
        let fields = (|| {
            Some(EventFields {
                seq,
                at: text(1)?,
                actor: text(2)?,
                action: text(3)?,
                object: text(4)?,
                before: optional(5)?,
                after: optional(6)?,
                prev_hash: text(7)?,
                hash: text(8)?,
            })
        })();
        match fields {
            Some(fields) => {
                if !verifier.push(&fields) {
                    break;
                }
            }
            None => {
                verifier.fail(seq, "the stored event cannot be read (it was altered)");
                break;
            }
        }
    }
    Ok(verifier)
}

fn finish(conn: &Connection, mut report: ChainReport) -> Result<ChainReport, StoreError> {
    if report.first_break.is_none() {
        report.first_break = check_checkpoints(conn)?;
    }
    Ok(report)
}

fn check_checkpoints(conn: &Connection) -> Result<Option<ChainBreak>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT c.seq, c.root_hash, e.hash FROM audit_checkpoint c LEFT JOIN audit_event e ON e.seq = c.seq ORDER BY c.seq",
    )?;
    let rows = statement.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
    })?;
    for row in rows {
        let (seq, root, hash) = row?;
        if hash.as_deref() != Some(root.as_str()) {
            return Ok(Some(ChainBreak {
                seq,
                problem: "does not match the checkpoint recorded for it".into(),
            }));
        }
    }
    Ok(None)
}

/// One event as listed in the Audit view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventRow {
    /// Sequence number.
    pub seq: i64,
    /// RFC 3339 UTC.
    pub at: String,
    /// Actor id or "system".
    pub actor: String,
    /// The actor's display name, when the actor still exists.
    pub actor_name: Option<String>,
    /// Action.
    pub action: String,
    /// Object.
    pub object: String,
    /// Hash of the event.
    pub hash: String,
}

fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        object: r.get(4)?,
        hash: r.get(5)?,
        actor_name: r.get(6)?,
    })
}

/// Every event about one object (`customer:<id>`), oldest first (a customer's history; scans
/// the chain, which a rare export can afford).
pub fn for_object(conn: &Connection, object: &str) -> Result<Vec<EventRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT e.seq, e.at, e.actor, e.action, e.object, e.hash, a.name FROM audit_event e \
         LEFT JOIN actor a ON a.id = e.actor WHERE e.object = ?1 ORDER BY e.seq",
    )?;
    let rows = statement.query_map([object], event_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Lists events newest first, optionally only those whose action starts with `action_prefix`.
pub fn list(
    conn: &Connection,
    action_prefix: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<EventRow>, StoreError> {
    let pattern = format!("{}%", action_prefix.unwrap_or("").replace('%', "").replace('_', "\\_"));
    let mut statement = conn.prepare(
        "SELECT e.seq, e.at, e.actor, e.action, e.object, e.hash, a.name FROM audit_event e \
         LEFT JOIN actor a ON a.id = e.actor WHERE e.action LIKE ?1 ESCAPE '\\' \
         ORDER BY e.seq DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = statement.query_map(params![pattern, limit, offset], event_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The stored form of a UTC time: RFC 3339 with microseconds and `Z` (also what is hashed).
pub fn timestamp(at: &DateTime<Utc>) -> String {
    workbench_core::audit::canonical_time(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DataKey, Database};

    fn db_with_events(n: usize) -> Database {
        let mut db = Database::open_in_memory(&DataKey::generate().expect("key")).expect("open");
        db.migrate().expect("migrate");
        db.write(|tx| {
            for i in 0..n {
                let object = format!("customer:{i}");
                append(
                    tx,
                    Utc::now(),
                    Change {
                        actor: ActorRef::System,
                        action: "customer.create",
                        object: &object,
                        before: None,
                        after: Some(b"x"),
                    },
                )?;
            }
            Ok(())
        })
        .expect("events");
        db
    }

    #[test]
    fn a_filing_checkpoint_records_the_head_and_is_checked() {
        let mut db = db_with_events(3);
        let checkpoint =
            db.write(|tx| checkpoint(tx, Utc::now(), "filing")).expect("checkpoint").expect("some");
        let report = db.read(verify_chain).expect("verify");
        assert_eq!(checkpoint.events, 3);
        assert_eq!(checkpoint.root_hash, report.head);
        assert!(report.first_break.is_none());

        db.write(|tx| Ok(tx.execute("UPDATE audit_checkpoint SET root_hash = 'forged' WHERE seq = 3", [])?))
            .expect("tamper");
        let broken = db.read(verify_chain).expect("verify").first_break.expect("detected");
        assert_eq!(broken.seq, 3);
        assert_eq!(broken.problem, "does not match the checkpoint recorded for it");
    }

    #[test]
    fn no_checkpoint_on_an_empty_chain() {
        let mut db = db_with_events(0);
        assert_eq!(db.write(|tx| checkpoint(tx, Utc::now(), "filing")).expect("runs"), None);
    }

    #[test]
    fn list_filters_by_action_prefix_literally() {
        let db = db_with_events(2);
        let all = db.read(|c| list(c, None, 10, 0)).expect("list");
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 1], "newest first");
        assert_eq!(db.read(|c| list(c, Some("customer."), 10, 0)).expect("list").len(), 2);
        assert!(
            db.read(|c| list(c, Some("customer_"), 10, 0)).expect("list").is_empty(),
            "_ is not a wildcard"
        );
        assert_eq!(db.read(|c| list(c, None, 1, 1)).expect("page")[0].seq, 1);
    }
}
