//! The bulk import pipeline (R2, R5): customers checked on a second thread while their good rows
//! are stored in batches (multi-row inserts, canonical audit digests worked out on the parsing
//! thread), beneficial owners and IP access logs, all in the caller's one transaction, all or
//! nothing; the search index filled once per import.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sha2::Sha256;
use workbench_core::ActorId;
use workbench_core::import::{
    AccessKind, ImportedCustomer, ImportedOwner, IpAccess, RowError, parse_customers_chunked,
};
use workbench_core::rules::RiskTier;
use workbench_core::{CustomerId, EventId};

use crate::audit::{self, Change, timestamp};
use crate::bulk::{insert_rows, text, text_or_null};
use crate::error::StoreError;
use crate::review;

use super::*;

/// The rows whose customer or account reference is already in the workspace.
pub fn clashes(conn: &Connection, rows: &[ImportedCustomer]) -> Result<Vec<RowError>, StoreError> {
    let mut clashes = Vec::new();
    let mut customer = conn.prepare("SELECT 1 FROM customer WHERE customer_ref = ?1")?;
    let mut account = conn.prepare("SELECT 1 FROM account WHERE account_ref = ?1")?;
    for r in rows {
        let c = &r.customer.0;
        for (column, taken) in [
            ("customer_ref", customer.exists([&c.customer_ref])?),
            ("account_ref", account.exists([&c.account_ref])?),
        ] {
            if taken {
                clashes.push(RowError {
                    row: r.row,
                    column: column.into(),
                    message: "is already in the workspace".into(),
                });
            }
        }
    }
    Ok(clashes)
}

/// Stores every imported customer with its first account in `tx`, all or nothing. A reference
/// already in the workspace refuses the whole import before anything is written, naming each
/// such row.
pub fn insert_imported(
    tx: &Transaction<'_>,
    rows: &[ImportedCustomer],
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<Result<usize, Vec<RowError>>, StoreError> {
    insert_imported_with(tx, rows, actor, at, &mut |_| true)
}

/// How often a long import reports progress (and may be cancelled), in rows; also the size of
/// the batches [`import_csv`] stores while the rest of the file is being checked.
pub const PROGRESS_EVERY: usize = 500;

/// [`insert_imported`], calling `progress(rows stored)` every [`PROGRESS_EVERY`] rows; when it
/// returns `false` the import stops with [`StoreError::Cancelled`] (the caller's transaction
/// then rolls back: nothing is kept).
pub fn insert_imported_with(
    tx: &Transaction<'_>,
    rows: &[ImportedCustomer],
    actor: ActorId,
    at: DateTime<Utc>,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<Result<usize, Vec<RowError>>, StoreError> {
    let clashes = clashes(tx, rows)?;
    if !clashes.is_empty() {
        return Ok(Err(clashes));
    }
    let mut importer = Importer::new(tx, actor, at)?;
    for batch in rows.chunks(PROGRESS_EVERY) {
        if !progress(importer.stored) {
            return Err(StoreError::Cancelled);
        }
        importer.add(batch, &Prepared::new(batch))?;
    }
    importer.finish().map(Ok)
}

/// A check the caller runs on each batch before [`import_csv`] stores it (the app's supply gate,
/// R19); the problems it returns refuse the import.
pub type BatchCheck<'a> =
    dyn FnMut(&Transaction<'_>, &[ImportedCustomer]) -> Result<Vec<RowError>, StoreError> + 'a;

/// Imports a customers CSV into `tx` end to end, using both cores: a second thread parses and
/// validates the file while this one stores the good rows, batch by batch, as they come.
///
/// All or nothing, as [`insert_imported`]: a bad row, a reference already in the workspace or a
/// problem `check` finds stops the storing, every remaining row is still checked, and the
/// import fails with [`StoreError::Rejected`] naming every problem — the caller's transaction
/// (which must roll back on an error) then keeps nothing. `progress(rows stored)` returning
/// `false` stops it with [`StoreError::Cancelled`]. Every stored customer enters the
/// verification queue (R4), due by `queue_due` for its tier. Returns the stored rows.
pub fn import_csv(
    tx: &Transaction<'_>,
    bytes: &[u8],
    actor: ActorId,
    at: DateTime<Utc>,
    queue_due: &review::DueByTier,
    check: &mut BatchCheck<'_>,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<Vec<ImportedCustomer>, StoreError> {
    let mut importer = Importer::new(tx, actor, at)?;
    importer.queue_due = Some(*queue_due);
    let mut stored = Vec::new();
    let mut problems = Vec::new();
    let parsed = std::thread::scope(|scope| -> Result<_, StoreError> {
        let (send, batches) = std::sync::mpsc::sync_channel::<(Vec<ImportedCustomer>, Prepared)>(4);
        let parser = scope.spawn(move || {
            parse_customers_chunked(bytes, PROGRESS_EVERY, &mut |batch| {
                let prepared = Prepared::new(&batch);
                send.send((batch, prepared)).is_ok()
            })
        });
        let mut stopped = Ok(());
        for (batch, prepared) in &batches {
            if !progress(importer.stored) {
                stopped = Err(StoreError::Cancelled);
                break;
            }
            // Once a problem is found nothing more is stored, but every batch is still checked.
            let mut found = clashes(tx, &batch)?;
            found.extend(check(tx, &batch)?);
            if found.is_empty() && problems.is_empty() {
                importer.add(&batch, &prepared)?;
                stored.extend(batch);
            } else {
                problems.extend(found);
            }
        }
        // After a cancel the parser may still be sending: dropping the receiver ends it (a
        // storage error above returns early, which drops it too; the scope then joins).
        drop(batches);
        let parsed = parser.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        stopped.map(|()| parsed)
    })?;
    if let Err(bad_rows) = parsed {
        // Bad rows first, in file order; clashes or check problems of earlier batches after.
        problems.splice(0..0, bad_rows);
    }
    if !problems.is_empty() {
        return Err(StoreError::Rejected(problems));
    }
    importer.finish()?;
    Ok(stored)
}

/// What storing a batch needs that does not touch the database — new ids and audit objects —
/// worked out beside the rows (on the parsing thread in [`import_csv`]).
struct Prepared {
    ids: Vec<String>,
    account_ids: Vec<String>,
    objects: Vec<String>,
}

impl Prepared {
    fn new(rows: &[ImportedCustomer]) -> Self {
        let ids: Vec<String> = rows.iter().map(|_| CustomerId::new().to_string()).collect();
        Self {
            account_ids: rows.iter().map(|_| EventId::new().to_string()).collect(),
            objects: ids.iter().map(|id| format!("customer:{id}")).collect(),
            ids,
        }
    }
}

/// Stores imported customers batch by batch in one transaction: each with its first account,
/// the account's first state, and an audit event (the record's digest); the search index is
/// brought up to date once, by [`Importer::finish`]. Callers check clashes first.
struct Importer<'t, 'c> {
    tx: &'t Transaction<'c>,
    actor: ActorId,
    at: DateTime<Utc>,
    stamp: String,
    audit: audit::Appender<'t, 'c>,
    fingerprint_key: Option<zeroize::Zeroizing<Vec<u8>>>,
    /// When set, each stored customer also gets its verification queue item, due by its tier.
    queue_due: Option<review::DueByTier>,
    /// The largest customer rowid before the import: every row after it is this import's (new
    /// rows get the next rowid), for the search index.
    rowid_before: i64,
    /// The largest customer rowid before the current batch: its rows are read back after it,
    /// for their canonical digests.
    batch_rowid: i64,
    stored: usize,
}

impl<'t, 'c> Importer<'t, 'c> {
    fn new(tx: &'t Transaction<'c>, actor: ActorId, at: DateTime<Utc>) -> Result<Self, StoreError> {
        Ok(Self {
            tx,
            actor,
            at,
            stamp: timestamp(&at),
            audit: audit::Appender::new(tx)?,
            fingerprint_key: None,
            queue_due: None,
            rowid_before: tx.query_row("SELECT coalesce(max(rowid), 0) FROM customer", [], |r| r.get(0))?,
            batch_rowid: 0,
            stored: 0,
        })
    }

    fn add(&mut self, rows: &[ImportedCustomer], prepared: &Prepared) -> Result<(), StoreError> {
        let Prepared { ids, account_ids, objects } = prepared;
        if self.stored == 0 {
            self.batch_rowid = self.rowid_before;
        }
        let tx = self.tx;
        let actor = self.actor.to_string();
        let (actor, stamp) = (text(&actor), self.stamp.as_str());
        if self.fingerprint_key.is_none() && rows.iter().any(|r| r.card.is_some()) {
            self.fingerprint_key = Some(card_fingerprint_key(tx)?);
        }
        let opened: Vec<String> = rows.iter().map(|r| r.opened_on.to_string()).collect();
        let fingerprints: Vec<Option<String>> = rows
            .iter()
            .map(|r| {
                r.card.as_ref().zip(self.fingerprint_key.as_ref()).map(|(card, key)| {
                    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_ref())
                        .expect("HMAC takes any key length");
                    mac.update(card.digits().as_bytes());
                    hex::encode(mac.finalize().into_bytes())
                })
            })
            .collect();
        let customers: Vec<ToSqlOutput<'_>> = rows
            .iter()
            .zip(ids)
            .flat_map(|(r, id)| {
                let c = &r.customer.0;
                [
                    text(id),
                    text(&c.customer_ref),
                    text(kind_code(c.kind)),
                    text(&c.name),
                    text(&c.address.line1),
                    text(&c.address.line2),
                    text(&c.address.city),
                    text(&c.address.region),
                    text(&c.address.postal_code),
                    text(&c.address.country),
                    text(us_person_code(c.us_person)),
                    text(c.risk_tier.label()),
                    text_or_null(r.reseller_ref.as_deref()),
                    text(stamp),
                    actor.clone(),
                ]
            })
            .collect();
        insert_rows(
            tx,
            "INSERT INTO customer (id, customer_ref, kind, name, address_line1, address_line2, city, region, \
             postal_code, country, us_person, risk_tier, reseller_ref, created_at, created_by)",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &customers,
        )?;
        // Each e-mail and phone with its position, in the order the file gave them.
        let listed = |list: fn(&ImportedCustomer) -> &Vec<String>| -> Vec<ToSqlOutput<'_>> {
            rows.iter()
                .zip(ids)
                .flat_map(|(r, id)| {
                    list(r)
                        .iter()
                        .enumerate()
                        .flat_map(move |(i, value)| [text(id), ToSqlOutput::from(i as i64), text(value)])
                })
                .collect()
        };
        insert_rows(
            tx,
            "INSERT INTO customer_email (customer_id, position, email)",
            "(?, ?, ?)",
            &listed(|r| &r.customer.0.emails),
        )?;
        insert_rows(
            tx,
            "INSERT INTO customer_phone (customer_id, position, e164)",
            "(?, ?, ?)",
            &listed(|r| &r.customer.0.phones),
        )?;
        let accounts: Vec<ToSqlOutput<'_>> = rows
            .iter()
            .zip(ids.iter().zip(account_ids))
            .zip(opened.iter().zip(&fingerprints))
            .flat_map(|((r, (id, account_id)), (opened_on, fingerprint))| {
                let c = &r.customer.0;
                [
                    text(account_id),
                    text(id),
                    text(&c.account_ref),
                    text(&c.payment.method),
                    text(&c.payment.last4),
                    text(&c.payment.source),
                    text(opened_on),
                    text(&c.payment.network),
                    text_or_null(fingerprint.as_deref()),
                ]
            })
            .collect();
        insert_rows(
            tx,
            "INSERT INTO account (id, customer_id, account_ref, state, payment_method, payment_last4, \
             payment_source, opened_on, payment_network, payment_fingerprint)",
            "(?, ?, ?, 'applicant', ?, ?, ?, ?, ?, ?)",
            &accounts,
        )?;
        let changes: Vec<ToSqlOutput<'_>> = account_ids
            .iter()
            .flat_map(|account_id| [text(account_id), text(stamp), actor.clone()])
            .collect();
        insert_rows(
            tx,
            "INSERT INTO account_state_change (account_id, at, from_state, to_state, actor, reason)",
            "(?, ?, NULL, 'applicant', ?, 'imported')",
            &changes,
        )?;
        if let Some(due) = &self.queue_due {
            let queued: Vec<(&str, RiskTier)> =
                ids.iter().zip(rows).map(|(id, r)| (id.as_str(), r.customer.0.risk_tier)).collect();
            review::enqueue_customers(tx, &queued, self.at, due)?;
        }
        // The audit keeps each record's canonical digest, never the record (names, e-mails are
        // PII): the batch is read back as stored, with its e-mails and phones.
        let kind = crate::canonical::kind("customer").expect("customer is a canonical kind");
        let forms = crate::canonical::records_after(tx, kind, self.batch_rowid)?;
        self.batch_rowid = tx.query_row("SELECT coalesce(max(rowid), 0) FROM customer", [], |r| r.get(0))?;
        let changes = ids.iter().zip(objects).map(|(id, object)| {
            forms.get(id).map(|form| Change {
                actor: self.actor.into(),
                action: "customer.import",
                object,
                before: None,
                after: Some(form.as_bytes()),
            })
        });
        let changes: Option<Vec<Change<'_>>> = changes.collect();
        let changes =
            changes.ok_or_else(|| StoreError::Conflict("an imported customer was not stored".into()))?;
        self.audit.append_all(self.at, changes)?;
        self.stored += rows.len();
        Ok(())
    }

    /// Adds what was stored to the search index; returns the number of customers stored.
    fn finish(self) -> Result<usize, StoreError> {
        if self.stored > 0 {
            index_for_search(self.tx, self.rowid_before)?;
        }
        Ok(self.stored)
    }
}

/// Adds the customers after rowid `after` to the trigram search index (0007) in one
/// statement: FTS5 then buffers their terms and writes a few large segments, where a row at a
/// time (0014 dropped that trigger) wrote one tiny segment per customer.
fn index_for_search(tx: &Transaction<'_>, after: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO customer_search (rowid, customer_ref, name) \
         SELECT rowid, customer_ref, name FROM customer WHERE rowid > ?1",
        [after],
    )?;
    Ok(())
}

const FINGERPRINT_KEY: &str = "card_fingerprint_key";

/// The workspace's random key for card fingerprints, made on first use. It lives inside the
/// encrypted database (not derived from the data key) so fingerprints survive a key rotation.
fn card_fingerprint_key(tx: &Transaction<'_>) -> Result<zeroize::Zeroizing<Vec<u8>>, StoreError> {
    let stored: Option<String> = tx
        .query_row("SELECT value FROM workspace_meta WHERE key = ?1", [FINGERPRINT_KEY], |r| r.get(0))
        .optional()?;
    if let Some(hex_key) = stored {
        return hex::decode(hex_key)
            .map(zeroize::Zeroizing::new)
            .map_err(|_| StoreError::Corrupt("the card fingerprint key is not hex".into()));
    }
    let mut key = zeroize::Zeroizing::new(vec![0u8; 32]);
    getrandom::fill(&mut key).map_err(|e| StoreError::Random(e.to_string()))?;
    tx.execute(
        "INSERT INTO workspace_meta (key, value) VALUES (?1, ?2)",
        params![FINGERPRINT_KEY, hex::encode(key.as_slice())],
    )?;
    Ok(key)
}

/// Stores IP access log rows (R2) in `tx`. Every account must exist (stored earlier in this
/// transaction or before); otherwise nothing is stored and each such row is named.
pub fn insert_ip_log(
    tx: &Transaction<'_>,
    rows: &[IpAccess],
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<Result<usize, Vec<RowError>>, StoreError> {
    let mut ids = Vec::with_capacity(rows.len());
    let mut unknown = Vec::new();
    {
        let mut account = tx.prepare("SELECT id FROM account WHERE account_ref = ?1")?;
        for r in rows {
            match account.query_row([&r.account_ref], |row| row.get::<_, String>(0)) {
                Ok(id) => ids.push(id),
                Err(rusqlite::Error::QueryReturnedNoRows) => unknown.push(RowError {
                    row: r.row,
                    column: "account_ref".into(),
                    message: "is not an account in this file or the workspace".into(),
                }),
                Err(e) => return Err(e.into()),
            }
        }
    }
    if !unknown.is_empty() {
        return Ok(Err(unknown));
    }
    let mut insert =
        tx.prepare("INSERT INTO ip_access (account_id, ip, accessed_at, kind) VALUES (?1, ?2, ?3, ?4)")?;
    for (r, id) in rows.iter().zip(&ids) {
        let kind = match r.kind {
            AccessKind::Access => "access",
            AccessKind::Admin => "admin",
        };
        insert.execute(params![id, r.ip.to_string(), timestamp(&r.accessed_at), kind])?;
    }
    if !rows.is_empty() {
        // The batch is the rows just written: their rowids are consecutive in this transaction.
        let last = tx.last_insert_rowid();
        crate::canonical::record_ip_batch(tx, at, actor.into(), last - rows.len() as i64 + 1, last)?;
    }
    Ok(Ok(rows.len()))
}

/// Stores beneficial owners (R5) in `tx`; each customer must exist (in this transaction or
/// before), otherwise nothing is stored and each such row is named.
pub fn insert_owners(
    tx: &Transaction<'_>,
    owners: &[ImportedOwner],
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<Result<usize, Vec<RowError>>, StoreError> {
    let mut ids = Vec::with_capacity(owners.len());
    let mut unknown = Vec::new();
    {
        let mut customer = tx.prepare("SELECT id FROM customer WHERE customer_ref = ?1")?;
        for o in owners {
            match customer.query_row([&o.customer_ref], |row| row.get::<_, String>(0)) {
                Ok(id) => ids.push(id),
                Err(rusqlite::Error::QueryReturnedNoRows) => unknown.push(RowError {
                    row: o.row,
                    column: "customer_ref".into(),
                    message: "is not a customer in this file or the workspace".into(),
                }),
                Err(e) => return Err(e.into()),
            }
        }
    }
    if !unknown.is_empty() {
        return Ok(Err(unknown));
    }
    let mut insert = tx.prepare(
        "INSERT INTO beneficial_owner (id, customer_id, name, country, ownership_pct, control, us_person, \
         emails, phones, address_line1, city, postal_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (o, customer_id) in owners.iter().zip(&ids) {
        let id = EventId::new().to_string();
        insert.execute(params![
            id,
            customer_id,
            o.name,
            o.country,
            o.ownership_pct,
            o.control,
            us_person_code(o.us_person),
            o.emails.join(";"),
            o.phones.join(";"),
            o.address_line1,
            o.city,
            o.postal_code
        ])?;
        let kind = crate::canonical::kind("owner").expect("owner is a canonical kind");
        crate::canonical::record_change(tx, at, actor.into(), "owner.import", kind, &id, None)?;
        for (ip, accessed_at) in &o.ip_accesses {
            tx.execute(
                "INSERT INTO owner_ip_access (owner_id, ip, accessed_at, kind) VALUES (?1, ?2, ?3, 'admin')",
                params![id, ip.to_string(), timestamp(accessed_at)],
            )?;
            let rowid = tx.last_insert_rowid().to_string();
            let access = crate::canonical::known("owner_ip_access");
            crate::canonical::record_change(tx, at, actor.into(), "owner.import", access, &rowid, None)?;
        }
    }
    Ok(Ok(owners.len()))
}
