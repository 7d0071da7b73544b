//! The reseller register (R17–R19, R25): resellers, their status and their primary CIP contacts
//! over time. Every change is audited with a digest of the record.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use workbench_core::ActorId;
use workbench_core::ResellerId;
use workbench_core::reseller::{NewReseller, ResellerContact, ResellerStatus};

use crate::audit::timestamp;
use crate::error::StoreError;

/// A reseller as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResellerRow {
    /// Id.
    pub id: String,
    /// Reference.
    pub reseller_ref: String,
    /// Legal name.
    pub legal_name: String,
    /// Country.
    pub country: String,
    /// Registration ids.
    pub registration_ids: String,
    /// Agreement start (YYYY-MM-DD).
    pub agreement_start: String,
    /// Agreement end.
    pub agreement_end: Option<String>,
    /// Status code.
    pub status: String,
    /// The current primary CIP contact.
    pub contact: Option<ResellerContact>,
    /// Customers that came through it.
    pub customers: i64,
}

/// Adds a reseller (validated) with its first contact. A reference already registered is refused.
pub fn insert(
    tx: &Transaction<'_>,
    r: &NewReseller,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let taken: bool = tx
        .query_row("SELECT 1 FROM reseller WHERE reseller_ref = ?1", [&r.reseller_ref], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Err(StoreError::Conflict(format!("reseller_ref: {} is already registered", r.reseller_ref)));
    }
    let id = ResellerId::new().to_string();
    let stamp = timestamp(&at);
    tx.execute(
        "INSERT INTO reseller (id, reseller_ref, legal_name, country, registration_ids, agreement_start, agreement_end, \
         status, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', ?8, ?9)",
        params![
            id,
            r.reseller_ref,
            r.legal_name,
            r.country,
            r.registration_ids,
            r.agreement_start.to_string(),
            r.agreement_end.map(|d| d.to_string()),
            stamp,
            actor.to_string()
        ],
    )?;
    insert_contact(tx, &id, &r.contact, actor, at)?;
    crate::canonical::written(tx, at, actor.into(), "reseller.create", "reseller", &id)?;
    Ok(id)
}

fn insert_contact(
    tx: &Transaction<'_>,
    id: &str,
    c: &ResellerContact,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO reseller_contact (reseller_id, name, email, phone, since, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, c.name, c.email, c.phone, timestamp(&at), actor.to_string()],
    )?;
    Ok(())
}

/// Records a new primary CIP contact (a change is an R14 event; the caller records it).
pub fn change_contact(
    tx: &Transaction<'_>,
    reseller_ref: &str,
    contact: &ResellerContact,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = id_of(tx, reseller_ref)?;
    insert_contact(tx, &id, contact, actor, at)?;
    crate::canonical::written(tx, at, actor.into(), "reseller.contact", "reseller", &id)?;
    Ok(id)
}

/// Moves a reseller to `status`, audited.
pub fn set_status(
    tx: &Transaction<'_>,
    reseller_ref: &str,
    status: ResellerStatus,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = id_of(tx, reseller_ref)?;
    tx.execute("UPDATE reseller SET status = ?1 WHERE id = ?2", params![status.code(), id])?;
    crate::canonical::written(tx, at, actor.into(), "reseller.status", "reseller", &id)
}

/// Ends a reseller's agreement on `day` unless it already ended earlier (a termination, R19).
pub fn end_agreement(
    tx: &Transaction<'_>,
    reseller_ref: &str,
    day: NaiveDate,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = id_of(tx, reseller_ref)?;
    let day = day.to_string();
    let changed = tx.execute(
        "UPDATE reseller SET agreement_end = ?1 WHERE id = ?2 AND (agreement_end IS NULL OR agreement_end > ?1)",
        params![day, id],
    )?;
    if changed == 0 {
        return Ok(());
    }
    crate::canonical::written(tx, at, actor.into(), "reseller.agreement_end", "reseller", &id)
}

fn id_of(conn: &Connection, reseller_ref: &str) -> Result<String, StoreError> {
    conn.query_row("SELECT id FROM reseller WHERE reseller_ref = ?1", [reseller_ref], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Conflict(format!("no reseller {reseller_ref} in the register")))
}

/// The status of each registered reference among `refs` (unregistered ones are left out).
pub fn statuses(conn: &Connection, refs: &[&str]) -> Result<Vec<(String, ResellerStatus)>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT status FROM reseller WHERE reseller_ref = ?1")?;
    let mut out = Vec::new();
    for r in refs {
        let code: Option<String> = statement.query_row([r], |row| row.get(0)).optional()?;
        if let Some(status) = code.as_deref().and_then(ResellerStatus::from_code) {
            out.push(((*r).to_owned(), status));
        }
    }
    Ok(out)
}

/// Every reseller, by reference, with its current contact and customer count.
pub fn list(conn: &Connection) -> Result<Vec<ResellerRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT r.id, r.reseller_ref, r.legal_name, r.country, r.registration_ids, r.agreement_start, r.agreement_end, \
         r.status, c.name, c.email, c.phone, \
         (SELECT count(*) FROM customer k WHERE k.reseller_ref = r.reseller_ref) \
         FROM reseller r LEFT JOIN reseller_contact c \
           ON c.seq = (SELECT max(seq) FROM reseller_contact WHERE reseller_id = r.id) \
         ORDER BY r.reseller_ref",
    )?;
    let rows = statement.query_map([], |r| {
        let name: Option<String> = r.get(8)?;
        Ok(ResellerRow {
            id: r.get(0)?,
            reseller_ref: r.get(1)?,
            legal_name: r.get(2)?,
            country: r.get(3)?,
            registration_ids: r.get(4)?,
            agreement_start: r.get(5)?,
            agreement_end: r.get(6)?,
            status: r.get(7)?,
            contact: match name {
                Some(name) => Some(ResellerContact { name, email: r.get(9)?, phone: r.get(10)? }),
                None => None,
            },
            customers: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A reseller's CIP as recorded: an uploaded document or an adoption of a provider version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResellerCipRow {
    /// Order of recording; the highest per reseller is on file.
    pub seq: i64,
    /// `document` or `adoption`.
    pub kind: String,
    /// The vault file, for a document.
    pub evidence_id: Option<String>,
    /// Its file name, for a document.
    pub file_name: Option<String>,
    /// The provider version adopted.
    pub adopted_version: Option<i64>,
    /// SHA-256 of the document, or of the adopted version's text.
    pub sha256: String,
    /// The document's date or the adoption agreement's.
    pub dated: String,
    /// Note.
    pub note: String,
    /// Recorded when.
    pub recorded_at: String,
    /// Recorded by (actor id).
    pub recorded_by: String,
}

/// What is recorded as a reseller's CIP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CipOnFile<'a> {
    /// An uploaded document already in the vault.
    Document {
        /// Vault id.
        evidence_id: &'a str,
        /// The file's SHA-256.
        sha256: &'a str,
    },
    /// The provider's version `version`, adopted by agreement.
    Adoption {
        /// Version number (approved).
        version: i64,
        /// Its text's SHA-256.
        sha256: &'a str,
    },
}

/// Records a reseller's CIP (the newest is the one on file), audited; returns its sequence.
pub fn record_cip(
    tx: &Transaction<'_>,
    reseller_ref: &str,
    cip: &CipOnFile<'_>,
    dated: chrono::NaiveDate,
    note: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let id = id_of(tx, reseller_ref)?;
    let (kind, evidence, version, sha) = match cip {
        CipOnFile::Document { evidence_id, sha256 } => ("document", Some(*evidence_id), None, *sha256),
        CipOnFile::Adoption { version, sha256 } => ("adoption", None, Some(*version), *sha256),
    };
    tx.execute(
        "INSERT INTO reseller_cip (reseller_id, kind, evidence_id, adopted_version, sha256, dated, note, recorded_at, recorded_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![id, kind, evidence, version, sha, dated.to_string(), note, timestamp(&at), actor.to_string()],
    )?;
    let seq = tx.last_insert_rowid();
    crate::canonical::written(tx, at, actor.into(), "reseller.cip", "reseller", &id)?;
    Ok(seq)
}

const CIP_COLUMNS: &str = "c.seq, c.kind, c.evidence_id, e.original_name, c.adopted_version, c.sha256, c.dated, c.note, \
                           c.recorded_at, c.recorded_by";

fn cip_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResellerCipRow> {
    Ok(ResellerCipRow {
        seq: r.get(0)?,
        kind: r.get(1)?,
        evidence_id: r.get(2)?,
        file_name: r.get(3)?,
        adopted_version: r.get(4)?,
        sha256: r.get(5)?,
        dated: r.get(6)?,
        note: r.get(7)?,
        recorded_at: r.get(8)?,
        recorded_by: r.get(9)?,
    })
}

/// A reseller's CIPs, newest (the one on file) first.
pub fn cip_history(conn: &Connection, reseller_ref: &str) -> Result<Vec<ResellerCipRow>, StoreError> {
    let id = id_of(conn, reseller_ref)?;
    let mut statement = conn.prepare(&format!(
        "SELECT {CIP_COLUMNS} FROM reseller_cip c LEFT JOIN evidence e ON e.id = c.evidence_id \
         WHERE c.reseller_id = ?1 ORDER BY c.seq DESC"
    ))?;
    let rows = statement.query_map([id], cip_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every reseller's CIP on file, by reseller reference (resellers with none are left out).
pub fn cips_on_file(conn: &Connection) -> Result<Vec<(String, ResellerCipRow)>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {CIP_COLUMNS}, r.reseller_ref FROM reseller r \
         JOIN reseller_cip c ON c.seq = (SELECT max(seq) FROM reseller_cip WHERE reseller_id = r.id) \
         LEFT JOIN evidence e ON e.id = c.evidence_id ORDER BY r.reseller_ref"
    ))?;
    let rows = statement.query_map([], |r| Ok((r.get(10)?, cip_row(r)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One reseller's attestation for one period, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttestationRow {
    /// Reseller reference.
    pub reseller_ref: String,
    /// Covered year.
    pub period: i32,
    /// When the request PDF was made.
    pub requested_at: Option<String>,
    /// SHA-256 of that PDF.
    pub request_sha256: Option<String>,
    /// Return date.
    pub returned_on: Option<String>,
    /// The signed return in the vault.
    pub evidence_id: Option<String>,
    /// Reported counts (customers, unverified, refused), once returned.
    pub counts: Option<(i64, i64, i64)>,
    /// Statement keys affirmed.
    pub affirmed: Vec<String>,
    /// Every statement affirmed.
    pub complete: Option<bool>,
    /// Note.
    pub note: String,
    /// `form` or `csv`.
    pub source: Option<String>,
}

/// Records that a request PDF was generated for `period` (again: the newest counts).
pub fn mark_requested(
    tx: &Transaction<'_>,
    reseller_ref: &str,
    period: i32,
    sha256: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = id_of(tx, reseller_ref)?;
    tx.execute(
        "INSERT INTO reseller_attestation (reseller_id, period, requested_at, requested_by, request_sha256) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (reseller_id, period) DO UPDATE SET \
         requested_at = excluded.requested_at, requested_by = excluded.requested_by, request_sha256 = excluded.request_sha256",
        params![id, period, timestamp(&at), actor.to_string(), sha256],
    )?;
    crate::canonical::written(tx, at, actor.into(), "reseller.attestation_request", "reseller", &id)
}

/// What a recorded return carries besides the reseller's statement.
#[derive(Debug, Clone, Copy)]
pub struct ReturnRecord<'a> {
    /// Every statement affirmed.
    pub complete: bool,
    /// The scanned signed return in the vault.
    pub evidence_id: Option<&'a str>,
    /// `form` or `csv`.
    pub source: &'a str,
}

/// Records a signed return. A period already returned is refused (a correction is a new note).
pub fn record_return(
    tx: &Transaction<'_>,
    r: &workbench_core::attestation::AttestationReturn,
    record: ReturnRecord<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = id_of(tx, &r.reseller_ref)?;
    let already: Option<String> = tx
        .query_row(
            "SELECT returned_on FROM reseller_attestation WHERE reseller_id = ?1 AND period = ?2 AND returned_on IS NOT NULL",
            params![id, r.period],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(on) = already {
        return Err(StoreError::Conflict(format!(
            "{} {}: a return is already recorded (received {on})",
            r.reseller_ref, r.period
        )));
    }
    let affirmed = serde_json::to_string(&r.affirmed).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO reseller_attestation (reseller_id, period, returned_on, evidence_id, customers, unverified, refused, \
         affirmed, complete, note, source, recorded_at, recorded_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (reseller_id, period) DO UPDATE SET \
         returned_on = excluded.returned_on, evidence_id = excluded.evidence_id, customers = excluded.customers, \
         unverified = excluded.unverified, refused = excluded.refused, affirmed = excluded.affirmed, \
         complete = excluded.complete, note = excluded.note, source = excluded.source, \
         recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
        params![
            id,
            r.period,
            r.returned_on.to_string(),
            record.evidence_id,
            r.counts.customers,
            r.counts.unverified,
            r.counts.refused,
            affirmed,
            record.complete,
            r.note,
            record.source,
            timestamp(&at),
            actor.to_string()
        ],
    )?;
    crate::canonical::written(tx, at, actor.into(), "reseller.attestation_return", "reseller", &id)
}

/// Every attestation row, by reseller and period.
pub fn attestations(conn: &Connection) -> Result<Vec<AttestationRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT r.reseller_ref, a.period, a.requested_at, a.request_sha256, a.returned_on, a.evidence_id, \
         a.customers, a.unverified, a.refused, a.affirmed, a.complete, a.note, a.source \
         FROM reseller_attestation a JOIN reseller r ON r.id = a.reseller_id ORDER BY r.reseller_ref, a.period",
    )?;
    let rows = statement.query_map([], |r| {
        let customers: Option<i64> = r.get(6)?;
        let affirmed: Option<String> = r.get(9)?;
        Ok(AttestationRow {
            reseller_ref: r.get(0)?,
            period: r.get(1)?,
            requested_at: r.get(2)?,
            request_sha256: r.get(3)?,
            returned_on: r.get(4)?,
            evidence_id: r.get(5)?,
            counts: match customers {
                Some(c) => Some((c, r.get(7)?, r.get(8)?)),
                None => None,
            },
            affirmed: affirmed.and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_default(),
            complete: r.get::<_, Option<i64>>(10)?.map(|c| c == 1),
            note: r.get(11)?,
            source: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A note on a reseller's compliance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteRow {
    /// Order.
    pub seq: i64,
    /// finding | referral | remediation | termination | note.
    pub kind: String,
    /// Text.
    pub text: String,
    /// The day it is about.
    pub on_day: String,
    /// Recorded when.
    pub recorded_at: String,
    /// Recorded by (actor id).
    pub recorded_by: String,
}

/// Adds a note (never edited), audited.
pub fn add_note(
    tx: &Transaction<'_>,
    reseller_ref: &str,
    kind: &str,
    text: &str,
    on_day: chrono::NaiveDate,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = id_of(tx, reseller_ref)?;
    tx.execute(
        "INSERT INTO reseller_note (reseller_id, kind, text, on_day, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, kind, text, on_day.to_string(), timestamp(&at), actor.to_string()],
    )?;
    crate::canonical::written(tx, at, actor.into(), "reseller.note", "reseller", &id)
}

/// A reseller's notes, oldest first.
pub fn notes(conn: &Connection, reseller_ref: &str) -> Result<Vec<NoteRow>, StoreError> {
    let id = id_of(conn, reseller_ref)?;
    let mut statement = conn.prepare(
        "SELECT seq, kind, text, on_day, recorded_at, recorded_by FROM reseller_note WHERE reseller_id = ?1 ORDER BY seq",
    )?;
    let rows = statement.query_map([id], |r| {
        Ok(NoteRow {
            seq: r.get(0)?,
            kind: r.get(1)?,
            text: r.get(2)?,
            on_day: r.get(3)?,
            recorded_at: r.get(4)?,
            recorded_by: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A reseller's primary CIP contacts, newest first, with the time each was recorded.
pub fn contacts(conn: &Connection, reseller_ref: &str) -> Result<Vec<(ResellerContact, String)>, StoreError> {
    let id = id_of(conn, reseller_ref)?;
    let mut statement = conn.prepare(
        "SELECT name, email, phone, since FROM reseller_contact WHERE reseller_id = ?1 ORDER BY seq DESC",
    )?;
    let rows = statement.query_map([id], |r| {
        Ok((ResellerContact { name: r.get(0)?, email: r.get(1)?, phone: r.get(2)? }, r.get(3)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
