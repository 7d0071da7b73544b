//! The audit chain (R11): every change appends an event whose hash covers the previous event's
//! hash, so editing, deleting or reordering any stored event breaks every hash after it.
//!
//! Events carry digests of the record before and after the change, never the record itself, so
//! the chain can be kept (and printed on filings) after the data it describes is purged (R10).
//! Pure: the store persists events; this module only computes and checks hashes. Verification
//! streams borrowed rows and allocates nothing per event, so a million events check in about a
//! second.

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

/// An event exactly as stored (time as its canonical text), borrowed from a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventFields<'a> {
    /// Sequence number.
    pub seq: i64,
    /// Canonical time text (see [`canonical_time`]).
    pub at: &'a str,
    /// Actor.
    pub actor: &'a str,
    /// Action.
    pub action: &'a str,
    /// Object.
    pub object: &'a str,
    /// Digest before.
    pub before: Option<&'a str>,
    /// Digest after.
    pub after: Option<&'a str>,
    /// Previous hash, hex.
    pub prev_hash: &'a str,
    /// This event's hash, hex.
    pub hash: &'a str,
}

/// SHA-256 of `bytes` as lowercase hex; the digest form used for before/after.
pub fn digest_hex(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

/// The canonical text of an event time, as stored and hashed: RFC 3339, microseconds, `Z`.
pub fn canonical_time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Hash of an event: length-prefixed fields, so no two different bodies can encode alike.
pub fn event_hash(prev_hash: &str, body: &EventBody) -> String {
    let at = canonical_time(&body.at);
    let fields = EventFields {
        seq: body.seq,
        at: &at,
        actor: &body.actor,
        action: &body.action,
        object: &body.object,
        before: body.before.as_deref(),
        after: body.after.as_deref(),
        prev_hash,
        hash: "",
    };
    hex_lower(&digest_fields(prev_hash, &fields))
}

/// The SHA-256 of an event's fields after `prev_hash`. The stored time text is hashed as stored,
/// so a reformatted or altered time breaks the hash.
fn digest_fields(prev_hash: &str, event: &EventFields<'_>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let seq = Decimal::new(event.seq);
    let fields: [&str; 8] = [
        prev_hash,
        seq.as_str(),
        event.at,
        event.actor,
        event.action,
        event.object,
        event.before.unwrap_or("-"),
        event.after.unwrap_or("-"),
    ];
    for field in fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().into()
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

/// Verifies a chain one stored event at a time, in constant memory.
#[derive(Debug)]
pub struct Verifier {
    expected_prev: String,
    expected_seq: i64,
    checked: i64,
    first_break: Option<ChainBreak>,
}

impl Default for Verifier {
    fn default() -> Self {
        Self { expected_prev: GENESIS.to_owned(), expected_seq: 1, checked: 0, first_break: None }
    }
}

impl Verifier {
    /// A verifier for the part of a chain that starts at `seq`, whose event must link to
    /// `prev_hash` (the caller checks that the part before ends with that hash).
    pub fn resume(seq: i64, prev_hash: &str) -> Self {
        Self { expected_prev: prev_hash.to_owned(), expected_seq: seq, checked: 0, first_break: None }
    }

    /// Checks the next event; returns false once the chain has broken (stop feeding it).
    pub fn push(&mut self, event: &EventFields<'_>) -> bool {
        if self.first_break.is_some() {
            return false;
        }
        let problem = if event.seq != self.expected_seq {
            Some(format!(
                "sequence {} where {} was expected (an event is missing or moved)",
                event.seq, self.expected_seq
            ))
        } else if event.prev_hash != self.expected_prev {
            Some("does not link to the event before it".to_owned())
        } else if !hex_matches(&digest_fields(event.prev_hash, event), event.hash) {
            Some("its content does not match its hash (it was altered)".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            self.first_break = Some(ChainBreak { seq: event.seq, problem });
            return false;
        }
        self.checked += 1;
        self.expected_seq += 1;
        self.expected_prev.clear();
        self.expected_prev.push_str(event.hash);
        true
    }

    /// Records a break found outside the hashes (an unreadable row, a checkpoint mismatch).
    pub fn fail(&mut self, seq: i64, problem: impl Into<String>) {
        if self.first_break.is_none() {
            self.first_break = Some(ChainBreak { seq, problem: problem.into() });
        }
    }

    /// The report so far.
    pub fn report(self) -> ChainReport {
        ChainReport { events: self.checked, head: self.expected_prev, first_break: self.first_break }
    }
}

/// Recomputes every hash in order and names the first event that does not fit.
pub fn verify<I: IntoIterator<Item = ChainedEvent>>(events: I) -> ChainReport {
    let mut verifier = Verifier::default();
    for event in events {
        let at = canonical_time(&event.body.at);
        let fields = EventFields {
            seq: event.body.seq,
            at: &at,
            actor: &event.body.actor,
            action: &event.body.action,
            object: &event.body.object,
            before: event.body.before.as_deref(),
            after: event.body.after.as_deref(),
            prev_hash: &event.prev_hash,
            hash: &event.hash,
        };
        if !verifier.push(&fields) {
            break;
        }
    }
    verifier.report()
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The SHA-256 of `bytes` as lower-case hex, as every stored hash is written.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes
        .iter()
        .flat_map(|b| [char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 0x0f)])])
        .collect()
}

/// Compares a digest with its stored hex form without allocating.
fn hex_matches(digest: &[u8; 32], stored: &str) -> bool {
    let stored = stored.as_bytes();
    stored.len() == 64
        && digest.iter().enumerate().all(|(i, b)| {
            stored[2 * i] == HEX[usize::from(b >> 4)] && stored[2 * i + 1] == HEX[usize::from(b & 0x0f)]
        })
}

/// A decimal integer on the stack: no allocation per event.
struct Decimal {
    bytes: [u8; 20],
    start: usize,
}

impl Decimal {
    fn new(value: i64) -> Self {
        let mut out = Self { bytes: [0; 20], start: 20 };
        let mut n = value.unsigned_abs();
        loop {
            out.start -= 1;
            out.bytes[out.start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if value < 0 {
            out.start -= 1;
            out.bytes[out.start] = b'-';
        }
        out
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[self.start..]).unwrap_or("")
    }
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

    #[test]
    fn integer_text_matches_std() {
        for n in [0i64, 1, 9, 10, 999, 1_000_000, i64::MAX, -1, i64::MIN + 1] {
            assert_eq!(Decimal::new(n).as_str(), n.to_string());
        }
    }

    #[test]
    fn hex_matches_std_formatting() {
        let bytes: Vec<u8> = (0..=255).collect();
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex_lower(&bytes), expected);
        let digest: [u8; 32] = Sha256::digest(b"x").into();
        assert!(hex_matches(&digest, &hex_lower(&digest)));
        assert!(!hex_matches(&digest, &hex_lower(&digest).to_uppercase()));
    }
}
