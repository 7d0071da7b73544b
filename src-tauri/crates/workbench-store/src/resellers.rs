//! The reseller register (R17–R19, R25): resellers, their status and their primary CIP contacts
//! over time. Every change is audited with a digest of the record.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use workbench_core::ResellerId;
use workbench_core::reseller::{NewReseller, ResellerContact, ResellerStatus};

use crate::audit::{self, Change, timestamp};
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

fn audit_record(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    id: &str,
    record: &str,
) -> Result<(), StoreError> {
    let digest = Sha256::digest(record.as_bytes());
    let object = format!("reseller:{id}");
    audit::append(tx, at, Change { actor, action, object: &object, before: None, after: Some(&digest) })?;
    Ok(())
}

/// Adds a reseller (validated) with its first contact. A reference already registered is refused.
pub fn insert(
    tx: &Transaction<'_>,
    r: &NewReseller,
    actor: &str,
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
            actor
        ],
    )?;
    insert_contact(tx, &id, &r.contact, actor, at)?;
    audit_record(tx, at, actor, "reseller.create", &id, &format!("{r:?}"))?;
    Ok(id)
}

fn insert_contact(
    tx: &Transaction<'_>,
    id: &str,
    c: &ResellerContact,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO reseller_contact (reseller_id, name, email, phone, since, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, c.name, c.email, c.phone, timestamp(&at), actor],
    )?;
    Ok(())
}

/// Records a new primary CIP contact (a change is an R14 event; the caller records it).
pub fn change_contact(
    tx: &Transaction<'_>,
    reseller_ref: &str,
    contact: &ResellerContact,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = id_of(tx, reseller_ref)?;
    insert_contact(tx, &id, contact, actor, at)?;
    audit_record(tx, at, actor, "reseller.contact", &id, &format!("{contact:?}"))?;
    Ok(id)
}

/// Moves a reseller to `status`, audited.
pub fn set_status(
    tx: &Transaction<'_>,
    reseller_ref: &str,
    status: ResellerStatus,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = id_of(tx, reseller_ref)?;
    tx.execute("UPDATE reseller SET status = ?1 WHERE id = ?2", params![status.code(), id])?;
    audit_record(tx, at, actor, "reseller.status", &id, status.code())
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
