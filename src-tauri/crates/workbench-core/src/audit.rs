//! The audit chain (R11): every change appends an event whose hash covers the previous event's
//! hash, so editing, deleting or reordering any stored event breaks every hash after it.
//!
//! Events carry digests of the record before and after the change, never the record itself, so
//! the chain can be kept (and printed on filings) after the data it describes is purged (R10).
//! Pure: the store persists events; this module only computes and checks hashes.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// The hash before the first event: 32 zero bytes, hex.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an event says happened, without its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventBody {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When, UTC.
    pub at: DateTime<Utc>,
    /// Who: an actor id, or `system`.
    pub actor: String,
    /// What, as `<domain>.<verb>`, e.g. `actor.create`.
    pub action: String,
    /// Which record, e.g. `actor:0191…`.
    pub object: String,
    /// SHA-256 (hex) of the record before the change; `None` on create.
    pub before: Option<String>,
    /// SHA-256 (hex) of the record after the change; `None` on delete.
    pub after: Option<String>,
}

/// A stored event: its body, the previous event's hash and its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedEvent {
    /// The event.
    pub body: EventBody,
    /// Hash of the previous event ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// Hash of this event: SHA-256 over `prev_hash` and the canonical body.
    pub hash: String,
}

/// SHA-256 of `bytes` as lowercase hex; the digest form used for before/after.
pub fn digest_hex(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

/// Hash of an event: length-prefixed fields, so no two different bodies can encode alike.
pub fn event_hash(prev_hash: &str, body: &EventBody) -> String {
    let mut hasher = Sha256::new();
    let at = body.at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let fields: [&str; 8] = [
        prev_hash,
        &body.seq.to_string(),
        &at,
        &body.actor,
        &body.action,
        &body.object,
        body.before.as_deref().unwrap_or("-"),
        body.after.as_deref().unwrap_or("-"),
    ];
    for field in fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex_lower(&hasher.finalize())
}

/// Chains `body` after the event whose hash is `prev_hash`.
pub fn chain(prev_hash: &str, body: EventBody) -> ChainedEvent {
    let hash = event_hash(prev_hash, &body);
    ChainedEvent { body, prev_hash: prev_hash.to_owned(), hash }
}

/// Why verification stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChainBreak {
    /// Sequence number of the first bad event.
    #[ts(type = "number")]
    pub seq: i64,
    /// What is wrong with it.
    pub problem: String,
}

/// The result of verifying a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChainReport {
    /// Events checked.
    #[ts(type = "number")]
    pub events: i64,
    /// Hash of the last good event (the root of the verified prefix).
    pub head: String,
    /// The first bad event, if any.
    pub first_break: Option<ChainBreak>,
}

/// Recomputes every hash in order and names the first event that does not fit.
pub fn verify<I: IntoIterator<Item = ChainedEvent>>(events: I) -> ChainReport {
    let mut expected_prev = GENESIS.to_owned();
    let mut checked = 0;
    for (expected_seq, event) in (1..).zip(events) {
        let seq = event.body.seq;
        let problem = if seq != expected_seq {
            Some(format!("sequence {seq} where {expected_seq} was expected (an event is missing or moved)"))
        } else if event.prev_hash != expected_prev {
            Some("does not link to the event before it".to_owned())
        } else if event_hash(&event.prev_hash, &event.body) != event.hash {
            Some("its content does not match its hash (it was altered)".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return ChainReport {
                events: checked,
                head: expected_prev,
                first_break: Some(ChainBreak { seq, problem }),
            };
        }
        checked += 1;
        expected_prev = event.hash;
    }
    ChainReport { events: checked, head: expected_prev, first_break: None }
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn body(seq: i64) -> EventBody {
        EventBody {
            seq,
            at: Utc.with_ymd_and_hms(2026, 2, 28, 23, 59, 59).single().expect("date")
                + chrono::Duration::seconds(seq),
            actor: "actor:1".into(),
            action: "customer.update".into(),
            object: format!("customer:{seq}"),
            before: Some(digest_hex(b"before")),
            after: Some(digest_hex(format!("after {seq}").as_bytes())),
        }
    }

    fn chain_of(n: i64) -> Vec<ChainedEvent> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let event = chain(&prev, body(seq));
                prev = event.hash.clone();
                event
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let events = chain_of(5);
        let report = verify(events.clone());
        assert_eq!(report.events, 5);
        assert_eq!(report.first_break, None);
        assert_eq!(report.head, events[4].hash);
    }

    #[test]
    fn an_altered_event_is_named() {
        let mut events = chain_of(5);
        events[2].body.action = "customer.delete".into();
        let report = verify(events);
        assert_eq!(report.events, 2);
        assert_eq!(
            report.first_break,
            Some(ChainBreak {
                seq: 3,
                problem: "its content does not match its hash (it was altered)".into()
            })
        );
    }

    #[test]
    fn a_deleted_event_is_named() {
        let mut events = chain_of(5);
        events.remove(1);
        let report = verify(events);
        let broken = report.first_break.expect("break");
        assert_eq!(broken.seq, 3);
        assert!(broken.problem.starts_with("sequence 3 where 2 was expected"), "{}", broken.problem);
    }

    #[test]
    fn a_rehashed_event_still_breaks_the_link() {
        let mut events = chain_of(4);
        events[1].body.after = Some(digest_hex(b"forged"));
        events[1].hash = event_hash(&events[1].prev_hash, &events[1].body);
        let broken = verify(events).first_break.expect("break");
        assert_eq!(broken.seq, 3, "the forger must also rewrite every later event");
        assert_eq!(broken.problem, "does not link to the event before it");
    }

    #[test]
    fn field_boundaries_matter() {
        let mut a = body(1);
        let mut b = body(1);
        a.actor = "ab".into();
        a.action = "c".into();
        b.actor = "a".into();
        b.action = "bc".into();
        assert_ne!(event_hash(GENESIS, &a), event_hash(GENESIS, &b));
    }
}
