//! Customers and accounts (R2–R6): stored in one transaction with their audit events, listed
//! page by page, and counted for the certifications (R12, R13).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use workbench_core::ActorId;
use workbench_core::customer::{AccountState, CustomerKind, UsPerson};

use crate::audit::{self, Change, timestamp};
use crate::error::StoreError;

mod import;

pub use import::*;

/// Moves an account to `to` if the state machine (R6) allows it, recording the change (and an
/// audit event) in `tx`.
pub fn set_state(
    tx: &Transaction<'_>,
    account_ref: &str,
    to: AccountState,
    reason: &str,
    actor: ActorId,
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
        params![id, stamp, from, state_code(to), actor.to_string(), reason],
    )?;
    crate::canonical::written(tx, at, actor.into(), "account.state", "customer", &customer_id)
}

/// Stores the national identity numbers of customers just imported (R2, optional), each
/// audited under its own record (kind `national_id`).
pub fn insert_national_ids(
    tx: &Transaction<'_>,
    ids: &[(&str, &str)],
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut insert = tx.prepare(
        "INSERT INTO customer_national_id (customer_id, national_id) \
         SELECT id, ?2 FROM customer WHERE customer_ref = ?1 RETURNING customer_id",
    )?;
    for (customer_ref, national_id) in ids {
        let id: String = insert.query_row(params![customer_ref, national_id], |r| r.get(0))?;
        crate::canonical::written(tx, at, actor.into(), "national_id.record", "national_id", &id)?;
    }
    Ok(())
}

/// A customer's national identity number, when one was given.
pub fn national_id(conn: &Connection, customer_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT national_id FROM customer_national_id WHERE customer_id = ?1",
            [customer_id],
            |r| r.get(0),
        )
        .optional()?)
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
    /// Accounts of foreign customers whose identity is not verified yet (R12) — including those of
    /// a customer whose review a new beneficial owner re-opened (R7) until it is decided again,
    /// and those approved under an exemption that has since lapsed (R20).
    pub foreign_accounts_unverified: i64,
    /// Accounts of foreign customers not identity-verified (pending, or approved under the
    /// exemption) but left out of that count: their account type is exempt (R20).
    pub exempt_accounts: i64,
    /// Accounts refused in the year (R13).
    pub refused_in_year: i64,
    /// Accounts that left verification unverified in the year — refused or closed before
    /// being verified (R13: how often identity could not be verified).
    pub unverifiable_in_year: i64,
    /// The calendar year of the yearly counts.
    pub year: i32,
}

/// Computes [`Counts`] for `year`; accounts of the `exempt_types` (account types an exemption in
/// force covers, R20) do not count as unverified.
pub fn counts(conn: &Connection, year: i32, exempt_types: &[String]) -> Result<Counts, StoreError> {
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
    let under_exemption = crate::review::APPROVED_UNDER_EXEMPTION_SQL;
    let placeholders = (1..=exempt_types.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let (foreign_accounts_unverified, exempt_accounts): (i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*) FILTER (WHERE NOT exempt), count(*) FILTER (WHERE exempt) FROM ( \
               SELECT EXISTS (SELECT 1 FROM account_type t WHERE t.account_id = a.id AND t.type IN ({placeholders})) \
                 AS exempt \
               FROM account a JOIN customer c ON c.id = a.customer_id \
               WHERE {foreign} AND (a.state IN ({unverified_states}) \
                 OR EXISTS (SELECT 1 FROM queue_item q WHERE q.customer_id = c.id AND q.reason = 'new_owner' \
                            AND q.state <> 'done') \
                 OR (a.state = 'verified' AND {under_exemption})))"
        ),
        rusqlite::params_from_iter(exempt_types),
        |r| Ok((r.get(0)?, r.get(1)?)),
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
        exempt_accounts,
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
    /// IP addresses used to administer the customer's accounts, oldest first: (ip, accessed_at).
    pub ip_accesses: Vec<(String, String)>,
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
                ip_accesses: Vec::new(),
            })
        })?
        .collect::<Result<Vec<OwnerDetail>, _>>()?;
    let mut accesses = conn.prepare(
        "SELECT ip, accessed_at FROM owner_ip_access WHERE owner_id = ?1 ORDER BY accessed_at, rowid",
    )?;
    let owners = owners
        .into_iter()
        .map(|mut o| {
            o.ip_accesses =
                accesses.query_map([&o.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            Ok(o)
        })
        .collect::<Result<_, StoreError>>()?;
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
    actor: ActorId,
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
        "DELETE FROM account_type WHERE account_id IN (SELECT id FROM account WHERE customer_id = ?1) AND ?2 IS NOT NULL",
        "DELETE FROM account_state_change WHERE account_id IN (SELECT id FROM account WHERE customer_id = ?1) AND ?2 IS NOT NULL",
        "DELETE FROM account WHERE customer_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM owner_check WHERE owner_id IN (SELECT id FROM beneficial_owner WHERE customer_id = ?1) AND ?2 IS NOT NULL",
        "DELETE FROM owner_ip_access WHERE owner_id IN (SELECT id FROM beneficial_owner WHERE customer_id = ?1) AND ?2 IS NOT NULL",
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
            actor: actor.into(),
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
