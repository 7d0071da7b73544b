//! Exemptions granted by Commerce (R20), their ends before term, and the account types they may
//! cover. Every write is audited under the canonical kinds `exemption`, `exemption_end` and
//! `account_type`.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use workbench_core::ActorId;
use workbench_core::exemption::{Exemption, Scope};

use crate::audit::timestamp;
use crate::error::StoreError;

/// One exemption as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemptionRow {
    /// The exemption.
    pub exemption: Exemption,
    /// Commerce's conditions.
    pub conditions: String,
    /// The decision in the vault.
    pub evidence_id: Option<String>,
    /// Recorded by (actor id).
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
}

/// What a new exemption records.
#[derive(Debug, Clone, Copy)]
pub struct NewExemption<'a> {
    /// What it covers.
    pub scope: &'a Scope,
    /// First day in force.
    pub starts_on: NaiveDate,
    /// Last day in force.
    pub ends_on: Option<NaiveDate>,
    /// Conditions.
    pub conditions: &'a str,
    /// Commerce's reference.
    pub reference: &'a str,
    /// The decision in the vault.
    pub evidence_id: Option<&'a str>,
}

/// Records an exemption, audited; returns its id.
pub fn insert(
    tx: &Transaction<'_>,
    new: &NewExemption<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = workbench_core::EventId::new().to_string();
    let (scope, name) = new.scope.parts();
    tx.execute(
        "INSERT INTO exemption (id, scope, name, starts_on, ends_on, conditions, reference, evidence_id, \
         recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            scope,
            name,
            new.starts_on.to_string(),
            new.ends_on.map(|d| d.to_string()),
            new.conditions.trim(),
            new.reference.trim(),
            new.evidence_id,
            actor.to_string(),
            timestamp(&at)
        ],
    )?;
    crate::canonical::record_change(
        tx,
        at,
        actor.into(),
        "exemption.record",
        crate::canonical::known("exemption"),
        &id,
        None,
    )?;
    Ok(id)
}

/// One change of an exemption's last day (R20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndRow {
    /// The exemption.
    pub exemption_id: String,
    /// The last day it replaced (none: it was until revoked).
    pub ends_on_before: Option<String>,
    /// The new last day.
    pub ends_on: String,
    /// Why.
    pub reason: String,
    /// Recorded by (actor id).
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
}

/// Ends exemption `id` on `ends_on` (or corrects its last day), keeping the day it replaces and
/// `reason`; both the exemption and the change are audited. The caller checks the day.
pub fn end(
    tx: &Transaction<'_>,
    id: &str,
    ends_on: NaiveDate,
    reason: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind = crate::canonical::known("exemption");
    let before = crate::canonical::record(tx, kind, id)?
        .ok_or_else(|| StoreError::Conflict(format!("there is no exemption {id}")))?;
    let stamp = timestamp(&at);
    tx.execute(
        "INSERT INTO exemption_end (exemption_id, ends_on_before, ends_on, reason, recorded_by, recorded_at) \
         SELECT id, ends_on, ?2, ?3, ?4, ?5 FROM exemption WHERE id = ?1",
        params![id, ends_on.to_string(), reason.trim(), actor.to_string(), stamp],
    )?;
    let seq = tx.last_insert_rowid().to_string();
    tx.execute("UPDATE exemption SET ends_on = ?2 WHERE id = ?1", params![id, ends_on.to_string()])?;
    crate::canonical::record_change(tx, at, actor.into(), "exemption.end", kind, id, Some(&before))?;
    crate::canonical::written(tx, at, actor.into(), "exemption.end", "exemption_end", &seq)
}

/// Every change of an exemption's last day, oldest first.
pub fn ends(conn: &Connection) -> Result<Vec<EndRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT exemption_id, ends_on_before, ends_on, reason, recorded_by, recorded_at FROM exemption_end \
         ORDER BY seq",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(EndRow {
            exemption_id: r.get(0)?,
            ends_on_before: r.get(1)?,
            ends_on: r.get(2)?,
            reason: r.get(3)?,
            recorded_by: r.get(4)?,
            recorded_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every exemption, the latest start first.
pub fn list(conn: &Connection) -> Result<Vec<ExemptionRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, scope, name, starts_on, ends_on, conditions, reference, evidence_id, recorded_by, recorded_at \
         FROM exemption ORDER BY starts_on DESC, id DESC",
    )?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, String>(8)?,
            r.get::<_, String>(9)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, scope, name, starts, ends, conditions, reference, evidence_id, recorded_by, recorded_at) =
            row?;
        let corrupt = || StoreError::Corrupt(format!("exemption {id}"));
        let scope = match scope.as_str() {
            "provider" => Scope::Provider,
            "account_type" => Scope::AccountType(name),
            "reseller" => Scope::Reseller(name),
            _ => return Err(corrupt()),
        };
        out.push(ExemptionRow {
            exemption: Exemption {
                starts_on: starts.parse().map_err(|_| corrupt())?,
                ends_on: ends.map(|e| e.parse().map_err(|_| corrupt())).transpose()?,
                id,
                scope,
                reference,
            },
            conditions,
            evidence_id,
            recorded_by,
            recorded_at,
        });
    }
    Ok(out)
}

/// Records the type of imported accounts, by account reference, audited.
pub fn insert_account_types(
    tx: &Transaction<'_>,
    types: &[(&str, &str)],
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut insert = tx.prepare(
        "INSERT INTO account_type (account_id, type) SELECT id, ?2 FROM account WHERE account_ref = ?1 \
         ON CONFLICT (account_id) DO UPDATE SET type = excluded.type RETURNING account_id",
    )?;
    for (account_ref, kind) in types {
        let id: Option<String> = insert.query_row(params![account_ref, kind], |r| r.get(0)).optional()?;
        if let Some(id) = id {
            crate::canonical::written(tx, at, actor.into(), "account_type.record", "account_type", &id)?;
        }
    }
    Ok(())
}

/// Whether any account is of `kind`.
pub fn account_type_exists(conn: &Connection, kind: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM account_type WHERE type = ?1)", [kind], |r| r.get(0))?)
}

/// Each customer whose accounts are all of one type, with that type: (customer id, type).
pub fn customer_account_types(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT a.customer_id, min(t.type) FROM account a LEFT JOIN account_type t ON t.account_id = a.id \
         GROUP BY a.customer_id HAVING count(t.type) = count(*) AND min(t.type) = max(t.type)",
    )?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The one account type every account of a customer has, if they share one.
pub fn customer_account_type(conn: &Connection, customer_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT min(t.type) FROM account a LEFT JOIN account_type t ON t.account_id = a.id \
             WHERE a.customer_id = ?1 HAVING count(t.type) = count(*) AND min(t.type) = max(t.type)",
            [customer_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}
