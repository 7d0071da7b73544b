//! Customers and accounts (R2–R6): stored in one transaction with their audit events, listed
//! page by page, and counted for the certifications (R12, R13).

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::Sha256;
use workbench_core::customer::{AccountState, CustomerKind, UsPerson};
use workbench_core::import::{
    AccessKind, ImportedCustomer, ImportedOwner, IpAccess, RowError, parse_customers_chunked,
};
use workbench_core::rules::RiskTier;
use workbench_core::{CustomerId, EventId};

use crate::audit::{self, Change, timestamp};
use crate::bulk::{insert_rows, text, text_or_null};
use crate::error::StoreError;
use crate::review;

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
    actor: &str,
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
    actor: &str,
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
    actor: &str,
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
    actor: &'t str,
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
    fn new(tx: &'t Transaction<'c>, actor: &'t str, at: DateTime<Utc>) -> Result<Self, StoreError> {
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
        let (actor, stamp) = (text(self.actor), self.stamp.as_str());
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
                actor: self.actor,
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

/// Moves an account to `to` if the state machine (R6) allows it, recording the change (and an
/// audit event) in `tx`.
pub fn set_state(
    tx: &Transaction<'_>,
    account_ref: &str,
    to: AccountState,
    reason: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (id, from, customer_id): (String, String, String) = tx
        .query_row("SELECT id, state, customer_id FROM account WHERE account_ref = ?1", [account_ref], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(|_| StoreError::Conflict(format!("no account {account_ref} in this workspace")))?;
    let from_state = AccountState::ALL
        .into_iter()
        .find(|s| state_code(*s) == from)
        .ok_or_else(|| StoreError::Corrupt(format!("account {account_ref}: unknown state")))?;
    from_state.transition(to).map_err(|e| StoreError::Conflict(e.to_string()))?;
    let stamp = timestamp(&at);
    tx.execute("UPDATE account SET state = ?1 WHERE id = ?2", params![state_code(to), id])?;
    if to == AccountState::Closed {
        tx.execute("UPDATE account SET closed_on = ?1 WHERE id = ?2", params![&stamp[..10], id])?;
    }
    tx.execute(
        "INSERT INTO account_state_change (account_id, at, from_state, to_state, actor, reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, stamp, from, state_code(to), actor, reason],
    )?;
    crate::review::record_customer(tx, at, actor, "account.state", &customer_id)
}

/// Stores IP access log rows (R2) in `tx`. Every account must exist (stored earlier in this
/// transaction or before); otherwise nothing is stored and each such row is named.
pub fn insert_ip_log(
    tx: &Transaction<'_>,
    rows: &[IpAccess],
    actor: &str,
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
        crate::canonical::record_ip_batch(tx, at, actor, last - rows.len() as i64 + 1, last)?;
    }
    Ok(Ok(rows.len()))
}

/// Stores beneficial owners (R5) in `tx`; each customer must exist (in this transaction or
/// before), otherwise nothing is stored and each such row is named.
pub fn insert_owners(
    tx: &Transaction<'_>,
    owners: &[ImportedOwner],
    actor: &str,
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
        crate::canonical::record_change(tx, at, actor, "owner.import", kind, &id, None)?;
    }
    Ok(Ok(owners.len()))
}

/// IP log entries of one account, newest first: (ip, accessed_at, kind).
pub fn ip_log(conn: &Connection, account_ref: &str) -> Result<Vec<(String, String, String)>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT l.ip, l.accessed_at, l.kind FROM ip_access l JOIN account a ON a.id = l.account_id \
         WHERE a.account_ref = ?1 ORDER BY l.accessed_at DESC",
    )?;
    let rows = statement.query_map([account_ref], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One customer as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRow {
    /// Id.
    pub id: String,
    /// The provider's reference.
    pub customer_ref: String,
    /// Individual or entity.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// U.S.-person status.
    pub us_person: String,
    /// Risk tier.
    pub risk_tier: String,
    /// The first account's state.
    pub state: String,
    /// Accounts held.
    pub accounts: i64,
    /// The reseller it came through.
    pub reseller_ref: Option<String>,
}

/// Sort orders of the customer list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By reference.
    #[default]
    Ref,
    /// By name.
    Name,
    /// By country, then name.
    Country,
}

/// A page of customers whose reference or name contains `search` (case-insensitive), optionally
/// of one country.
pub fn list(
    conn: &Connection,
    search: &str,
    country: Option<&str>,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CustomerRow>, i64), StoreError> {
    let order = match sort {
        Sort::Ref => "c.customer_ref",
        Sort::Name => "c.name COLLATE NOCASE, c.customer_ref",
        Sort::Country => "c.country, c.name COLLATE NOCASE",
    };
    let needle = search.trim();
    // Three characters or more: the trigram index (0007) finds the rows; shorter needles scan.
    let (filter, pattern) = if needle.chars().count() >= 3 {
        (
            "c.rowid IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?1) \
             AND (?2 IS NULL OR c.country = ?2)",
            format!("\"{}\"", needle.replace('"', "\"\"")),
        )
    } else {
        (
            "(c.customer_ref LIKE ?1 ESCAPE '\\' OR c.name LIKE ?1 ESCAPE '\\') AND (?2 IS NULL OR c.country = ?2)",
            format!("%{}%", needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")),
        )
    };
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM customer c WHERE {filter}"),
        params![pattern, country],
        |r| r.get(0),
    )?;
    let mut statement = conn.prepare(&format!(
        "SELECT c.id, c.customer_ref, c.kind, c.name, c.country, c.us_person, c.risk_tier, c.reseller_ref, \
         (SELECT state FROM account a WHERE a.customer_id = c.id ORDER BY a.opened_on, a.id LIMIT 1), \
         (SELECT count(*) FROM account a WHERE a.customer_id = c.id) \
         FROM customer c WHERE {filter} ORDER BY {order} LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = statement.query_map(params![pattern, country, limit, offset], |r| {
        Ok(CustomerRow {
            id: r.get(0)?,
            customer_ref: r.get(1)?,
            kind: r.get(2)?,
            name: r.get(3)?,
            country: r.get(4)?,
            us_person: r.get(5)?,
            risk_tier: r.get(6)?,
            reseller_ref: r.get(7)?,
            state: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
            accounts: r.get(9)?,
        })
    })?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

/// The counts the certifications print (R12, R13), computed from the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Foreign customers (not shown to be U.S. persons), by country, largest first.
    pub foreign_customers_by_country: Vec<(String, i64)>,
    /// Foreign customers in all.
    pub foreign_customers: i64,
    /// Foreign beneficial owners (not shown to be U.S. persons), by country (R12).
    pub foreign_owners_by_country: Vec<(String, i64)>,
    /// Accounts of foreign customers whose identity is not verified yet (R12).
    pub foreign_accounts_unverified: i64,
    /// Accounts refused in the year (R13).
    pub refused_in_year: i64,
    /// Accounts that left verification unverified in the year — refused or closed before
    /// being verified (R13: how often identity could not be verified).
    pub unverifiable_in_year: i64,
    /// The calendar year of the yearly counts.
    pub year: i32,
}

/// Computes [`Counts`] for `year`.
pub fn counts(conn: &Connection, year: i32) -> Result<Counts, StoreError> {
    let foreign = "c.us_person <> 'yes'";
    let mut by_country = conn.prepare(&format!(
        "SELECT c.country, count(*) FROM customer c WHERE {foreign} GROUP BY c.country ORDER BY count(*) DESC, c.country"
    ))?;
    let foreign_customers_by_country: Vec<(String, i64)> =
        by_country.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut owners = conn.prepare(
        "SELECT country, count(*) FROM beneficial_owner WHERE us_person <> 'yes' GROUP BY country \
         ORDER BY count(*) DESC, country",
    )?;
    let foreign_owners_by_country: Vec<(String, i64)> =
        owners.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let unverified_states = unverified_states_sql();
    let foreign_accounts_unverified: i64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM account a JOIN customer c ON c.id = a.customer_id \
             WHERE {foreign} AND a.state IN ({unverified_states})"
        ),
        [],
        |r| r.get(0),
    )?;
    let (from, to) = (format!("{year}-01-01"), format!("{}-01-01", year + 1));
    let refused_in_year: i64 = conn.query_row(
        "SELECT count(*) FROM account_state_change WHERE to_state = 'refused' AND at >= ?1 AND at < ?2",
        [&from, &to],
        |r| r.get(0),
    )?;
    let unverifiable_in_year: i64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM account_state_change WHERE at >= ?1 AND at < ?2 \
             AND (to_state = 'refused' OR (to_state = 'closed' AND from_state IN ({unverified_states})))"
        ),
        [&from, &to],
        |r| r.get(0),
    )?;
    Ok(Counts {
        foreign_customers: foreign_customers_by_country.iter().map(|(_, n)| n).sum(),
        foreign_customers_by_country,
        foreign_owners_by_country,
        foreign_accounts_unverified,
        refused_in_year,
        unverifiable_in_year,
        year,
    })
}

fn kind_code(kind: CustomerKind) -> &'static str {
    match kind {
        CustomerKind::Individual => "individual",
        CustomerKind::Entity => "entity",
    }
}

/// The stored code of a U.S.-person status.
pub fn us_person_code(us: UsPerson) -> &'static str {
    match us {
        UsPerson::Undetermined => "undetermined",
        UsPerson::Yes => "yes",
        UsPerson::No => "no",
    }
}

/// The stored code of a state (as serialised).
pub fn state_code(state: AccountState) -> &'static str {
    match state {
        AccountState::Applicant => "applicant",
        AccountState::PendingVerification => "pending_verification",
        AccountState::Restricted => "restricted",
        AccountState::Monitored => "monitored",
        AccountState::Verified => "verified",
        AccountState::Refused => "refused",
        AccountState::Closed => "closed",
    }
}

/// One account in a customer's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountDetail {
    /// Reference.
    pub account_ref: String,
    /// State code.
    pub state: String,
    /// Means of payment.
    pub payment_method: String,
    /// Last four digits of a card, if any.
    pub payment_last4: String,
    /// Source of payment.
    pub payment_source: String,
    /// A card's network.
    pub payment_network: String,
    /// Other customers whose accounts carry the same card (keyed fingerprint).
    pub same_card_customers: i64,
    /// Opened.
    pub opened_on: String,
    /// Closed.
    pub closed_on: Option<String>,
    /// IP accesses recorded.
    pub ip_accesses: i64,
    /// Of which administrative.
    pub ip_admin: i64,
    /// Distinct addresses.
    pub ip_distinct: i64,
}

/// A beneficial owner in a customer's file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnerDetail {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// Ownership, percent.
    pub ownership_pct: Option<f64>,
    /// Control prong.
    pub control: bool,
    /// U.S.-person status.
    pub us_person: String,
    /// Emails, `;`-separated.
    pub emails: String,
    /// Phones, `;`-separated.
    pub phones: String,
    /// Address line.
    pub address_line1: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
}

/// A customer's whole file (what the review screen and the export show).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerDetail {
    /// The list columns.
    pub row: CustomerRow,
    /// Address lines.
    pub address_line1: String,
    /// Second line.
    pub address_line2: String,
    /// City.
    pub city: String,
    /// Region.
    pub region: String,
    /// Postal code.
    pub postal_code: String,
    /// Emails in order.
    pub emails: Vec<String>,
    /// Phones (E.164) in order.
    pub phones: Vec<String>,
    /// Accounts.
    pub accounts: Vec<AccountDetail>,
    /// Beneficial owners.
    pub owners: Vec<OwnerDetail>,
    /// Created.
    pub created_at: String,
}

/// Loads one customer's file by id.
pub fn detail(conn: &Connection, id: &str) -> Result<Option<CustomerDetail>, StoreError> {
    let head = conn
        .query_row(
            "SELECT c.id, c.customer_ref, c.kind, c.name, c.country, c.us_person, c.risk_tier, c.reseller_ref, \
             c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.created_at, \
             (SELECT count(*) FROM account a WHERE a.customer_id = c.id) \
             FROM customer c WHERE c.id = ?1",
            [id],
            |r| {
                Ok((
                    CustomerRow {
                        id: r.get(0)?,
                        customer_ref: r.get(1)?,
                        kind: r.get(2)?,
                        name: r.get(3)?,
                        country: r.get(4)?,
                        us_person: r.get(5)?,
                        risk_tier: r.get(6)?,
                        reseller_ref: r.get(7)?,
                        state: String::new(),
                        accounts: r.get(14)?,
                    },
                    [r.get::<_, String>(8)?, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?],
                ))
            },
        )
        .optional()?;
    let Some((mut row, [line1, line2, city, region, postal_code, created_at])) = head else {
        return Ok(None);
    };
    let strings = |sql: &str| -> Result<Vec<String>, StoreError> {
        let mut s = conn.prepare(sql)?;
        let rows = s.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let emails = strings("SELECT email FROM customer_email WHERE customer_id = ?1 ORDER BY position")?;
    let phones = strings("SELECT e164 FROM customer_phone WHERE customer_id = ?1 ORDER BY position")?;
    let mut statement = conn.prepare(
        "SELECT a.account_ref, a.state, a.payment_method, a.payment_last4, a.payment_source, a.opened_on, a.closed_on, \
         (SELECT count(*) FROM ip_access i WHERE i.account_id = a.id), \
         (SELECT count(*) FROM ip_access i WHERE i.account_id = a.id AND i.kind = 'admin'), \
         (SELECT count(DISTINCT ip) FROM ip_access i WHERE i.account_id = a.id), \
         a.payment_network, \
         (SELECT count(DISTINCT o.customer_id) FROM account o \
            WHERE o.payment_fingerprint = a.payment_fingerprint AND o.customer_id <> a.customer_id) \
         FROM account a WHERE a.customer_id = ?1 ORDER BY a.opened_on, a.id",
    )?;
    let accounts: Vec<AccountDetail> = statement
        .query_map([id], |r| {
            Ok(AccountDetail {
                account_ref: r.get(0)?,
                state: r.get(1)?,
                payment_method: r.get(2)?,
                payment_last4: r.get(3)?,
                payment_source: r.get(4)?,
                opened_on: r.get(5)?,
                closed_on: r.get(6)?,
                ip_accesses: r.get(7)?,
                ip_admin: r.get(8)?,
                ip_distinct: r.get(9)?,
                payment_network: r.get(10)?,
                same_card_customers: r.get(11)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut statement = conn.prepare(
        "SELECT id, name, country, ownership_pct, control, us_person, emails, phones, address_line1, city, postal_code \
         FROM beneficial_owner WHERE customer_id = ?1 ORDER BY ownership_pct DESC, name",
    )?;
    let owners = statement
        .query_map([id], |r| {
            Ok(OwnerDetail {
                id: r.get(0)?,
                name: r.get(1)?,
                country: r.get(2)?,
                ownership_pct: r.get(3)?,
                control: r.get::<_, i64>(4)? != 0,
                us_person: r.get(5)?,
                emails: r.get(6)?,
                phones: r.get(7)?,
                address_line1: r.get(8)?,
                city: r.get(9)?,
                postal_code: r.get(10)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    row.state = accounts.first().map(|a| a.state.clone()).unwrap_or_default();
    Ok(Some(CustomerDetail {
        row,
        address_line1: line1,
        address_line2: line2,
        city,
        region,
        postal_code,
        emails,
        phones,
        accounts,
        owners,
        created_at,
    }))
}

/// A customer whose accounts are all closed, with the latest of their closing and last-access
/// dates (R10 counts the retention period from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionRow {
    /// Id.
    pub id: String,
    /// Reference.
    pub customer_ref: String,
    /// Name.
    pub name: String,
    /// The later of closure and last access, over every account (YYYY-MM-DD).
    pub latest: String,
}

/// Customers whose every account is closed and whose latest closing or access date is before
/// `before` (YYYY-MM-DD): the candidates for purging once retention has run out.
pub fn closed_before(conn: &Connection, before: &str) -> Result<Vec<RetentionRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT c.id, c.customer_ref, c.name, \
           max(max(coalesce(a.closed_on, ''), coalesce(a.last_access_on, ''))) AS latest \
         FROM customer c JOIN account a ON a.customer_id = c.id \
         GROUP BY c.id \
         HAVING count(*) = count(a.closed_on) AND latest < ?1 \
         ORDER BY latest, c.customer_ref",
    )?;
    let rows = statement.query_map([before], |r| {
        Ok(RetentionRow { id: r.get(0)?, customer_ref: r.get(1)?, name: r.get(2)?, latest: r.get(3)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes every record of a customer (R10 purge) in `tx` and returns the ids of its vault
/// files, for the caller to remove after the commit. The audit keeps one event whose `before` is
/// the digest of the customer's canonical form as it was (issue 14), never the record.
pub fn purge(
    tx: &Transaction<'_>,
    customer_id: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let form = crate::canonical::record(tx, crate::canonical::known("customer"), customer_id)?
        .ok_or_else(|| StoreError::Conflict("no such customer".into()))?;
    let files: Vec<String> = {
        let mut s = tx.prepare(
            "SELECT evidence_id FROM customer_evidence WHERE customer_id = ?1 \
             UNION SELECT evidence_id FROM customer_notice WHERE customer_id = ?1",
        )?;
        let rows = s.query_map([customer_id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let subject = format!("customer:{customer_id}");
    for sql in [
        "DELETE FROM us_person_determination WHERE subject = ?2 \
           OR subject IN (SELECT 'owner:' || id FROM beneficial_owner WHERE customer_id = ?1)",
        "DELETE FROM element_check WHERE customer_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM customer_evidence WHERE customer_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM customer_notice WHERE customer_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM decision WHERE customer_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM queue_item WHERE customer_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM ip_access WHERE account_id IN (SELECT id FROM account WHERE customer_id = ?1) AND ?2 IS NOT NULL",
        "DELETE FROM account_state_change WHERE account_id IN (SELECT id FROM account WHERE customer_id = ?1) AND ?2 IS NOT NULL",
        "DELETE FROM account WHERE customer_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM beneficial_owner WHERE customer_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM customer_email WHERE customer_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM customer_phone WHERE customer_id = ?1 AND ?2 IS NOT NULL",
    ] {
        tx.execute(sql, params![customer_id, subject])?;
    }
    let mut delete_file = tx.prepare("DELETE FROM evidence WHERE id = ?1")?;
    for id in &files {
        delete_file.execute([id])?;
    }
    if tx.execute("DELETE FROM customer WHERE id = ?1", [customer_id])? == 0 {
        return Err(StoreError::Conflict("no such customer".into()));
    }
    audit::append(
        tx,
        at,
        Change {
            actor,
            action: "customer.purge",
            object: &subject,
            before: Some(form.as_bytes()),
            after: None,
        },
    )?;
    Ok(files)
}

/// The account states that count as not verified, as an SQL list (`'applicant', …`).
fn unverified_states_sql() -> String {
    AccountState::ALL
        .iter()
        .filter(|s| s.is_unverified())
        .map(|s| format!("'{}'", state_code(*s)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A case of unverified identity: customer, country, when (RFC 3339), how it ended (`refused` or
/// `closed`), and the account's state now (R13).
pub type UnverifiedCaseRow = (String, String, String, String, String);

/// The cases of unverified identity in calendar year `year` — an account refused, or closed before
/// it was verified — the same events [`counts`] counts as `unverifiable_in_year`.
pub fn unverified_cases(conn: &Connection, year: i32) -> Result<Vec<UnverifiedCaseRow>, StoreError> {
    let states = unverified_states_sql();
    let mut statement = conn.prepare(&format!(
        "SELECT c.customer_ref, c.country, s.at, s.to_state, a.state FROM account_state_change s \
         JOIN account a ON a.id = s.account_id JOIN customer c ON c.id = a.customer_id \
         WHERE s.at >= ?1 AND s.at < ?2 AND (s.to_state = 'refused' OR (s.to_state = 'closed' AND s.from_state IN ({states}))) \
         ORDER BY s.at, c.customer_ref"
    ))?;
    let (from, to) = (format!("{year:04}-01-01"), format!("{:04}-01-01", year + 1));
    let rows =
        statement.query_map([from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
