//! Screening list versions (R22): each import of a list's files, kept with the files, one version
//! active per list. The matcher itself lives in `workbench-screening`; this module keeps what it
//! reads, and every import and activation in the audit chain (kind `screening_list`).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use workbench_core::ActorId;

use crate::audit::timestamp;
use crate::error::StoreError;

/// A list version as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListVersionRow {
    /// UUIDv7.
    pub id: String,
    /// `sdn` or `csl`.
    pub source: String,
    /// SHA-256 over the version's files.
    pub sha256: String,
    /// Entries.
    pub entries: i64,
    /// Aliases (names beyond each entry's primary one).
    pub aliases: i64,
    /// The publication date the officer stated.
    pub published_on: Option<String>,
    /// When it was imported.
    pub imported_at: String,
    /// Who imported it.
    pub imported_by: String,
    /// The version the list is checked against now.
    pub active: bool,
    /// When it last became active.
    pub activated_at: Option<String>,
}

/// A list version to store.
#[derive(Debug, Clone, Copy)]
pub struct NewListVersion<'a> {
    /// `sdn` or `csl`.
    pub source: &'a str,
    /// SHA-256 over the files.
    pub sha256: &'a str,
    /// Entries.
    pub entries: usize,
    /// Aliases.
    pub aliases: usize,
    /// The publication date stated, if any.
    pub published_on: Option<chrono::NaiveDate>,
    /// The files, by name.
    pub files: &'a [(&'a str, &'a [u8])],
}

const COLUMNS: &str =
    "id, source, sha256, entries, aliases, published_on, imported_at, imported_by, active, activated_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ListVersionRow> {
    Ok(ListVersionRow {
        id: r.get(0)?,
        source: r.get(1)?,
        sha256: r.get(2)?,
        entries: r.get(3)?,
        aliases: r.get(4)?,
        published_on: r.get(5)?,
        imported_at: r.get(6)?,
        imported_by: r.get(7)?,
        active: r.get::<_, i64>(8)? == 1,
        activated_at: r.get(9)?,
    })
}

/// Every version, newest import first.
pub fn versions(conn: &Connection) -> Result<Vec<ListVersionRow>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM screening_list_version ORDER BY imported_at DESC, id DESC"
    ))?;
    let rows = statement.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One version.
pub fn version(conn: &Connection, id: &str) -> Result<Option<ListVersionRow>, StoreError> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM screening_list_version WHERE id = ?1"), [id], row)
        .optional()?)
}

/// The version with this fingerprint, if that list holds it already.
pub fn by_sha256(
    conn: &Connection,
    source: &str,
    sha256: &str,
) -> Result<Option<ListVersionRow>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM screening_list_version WHERE source = ?1 AND sha256 = ?2"),
            [source, sha256],
            row,
        )
        .optional()?)
}

/// The active version of each list that has one.
pub fn active(conn: &Connection) -> Result<Vec<ListVersionRow>, StoreError> {
    let mut statement = conn
        .prepare(&format!("SELECT {COLUMNS} FROM screening_list_version WHERE active = 1 ORDER BY source"))?;
    let rows = statement.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A version's files, by name.
pub fn files(conn: &Connection, id: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut statement =
        conn.prepare("SELECT name, bytes FROM screening_list_file WHERE version_id = ?1 ORDER BY name")?;
    let rows = statement.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Stores a version with its files (not active yet); audited. Returns its id.
pub fn insert(
    tx: &Transaction<'_>,
    new: &NewListVersion<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = workbench_core::EventId::new().to_string();
    tx.execute(
        "INSERT INTO screening_list_version (id, source, sha256, entries, aliases, published_on, imported_at, imported_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            new.source,
            new.sha256,
            new.entries as i64,
            new.aliases as i64,
            new.published_on.map(|d| d.to_string()),
            timestamp(&at),
            actor.to_string()
        ],
    )?;
    let mut file =
        tx.prepare("INSERT INTO screening_list_file (version_id, name, bytes) VALUES (?1, ?2, ?3)")?;
    for (name, bytes) in new.files {
        file.execute(params![id, name, bytes])?;
    }
    crate::canonical::written(tx, at, actor.into(), "screening.list_import", "screening_list", &id)?;
    Ok(id)
}

/// Makes `id` its list's active version (the one before stops being active); both changes
/// audited.
pub fn activate(tx: &Transaction<'_>, id: &str, actor: ActorId, at: DateTime<Utc>) -> Result<(), StoreError> {
    let source: String = tx
        .query_row("SELECT source FROM screening_list_version WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Conflict(format!("there is no screening list version {id}")))?;
    let previous: Option<String> = tx
        .query_row("SELECT id FROM screening_list_version WHERE source = ?1 AND active = 1", [&source], |r| {
            r.get(0)
        })
        .optional()?;
    if previous.as_deref() == Some(id) {
        return Ok(());
    }
    // Off first: the index allows one active version per list.
    let kind = crate::canonical::known("screening_list");
    let switch = |version: &str, sql: &str| -> Result<(), StoreError> {
        let before = crate::canonical::record(tx, kind, version)?;
        tx.execute(sql, params![version, timestamp(&at)])?;
        let before = before.as_deref();
        crate::canonical::record_change(
            tx,
            at,
            actor.into(),
            "screening.list_activate",
            kind,
            version,
            before,
        )
    };
    if let Some(previous) = previous {
        switch(&previous, "UPDATE screening_list_version SET active = 0 WHERE id = ?1 AND ?2 IS NOT NULL")?;
    }
    switch(id, "UPDATE screening_list_version SET active = 1, activated_at = ?2 WHERE id = ?1")
}

/// A customer or one of its beneficial owners, as screened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The customer (its own id for an owner too).
    pub customer_id: String,
    /// `customer`, or `owner:<id>`.
    pub subject: String,
    /// The name screened.
    pub name: String,
    /// `individual` or `entity` for a customer; `None` for an owner (not recorded).
    pub kind: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Telephone numbers (E.164), for the jurisdiction check.
    pub phones: Vec<String>,
    /// IP addresses its accounts were reached from (the IP log), for the jurisdiction check.
    pub ips: Vec<String>,
}

/// Customers (all, or those with these ids) and their owners, in a stable order.
pub fn subjects(conn: &Connection, only: Option<&[String]>) -> Result<Vec<Subject>, StoreError> {
    let customer = |r: &rusqlite::Row<'_>| {
        Ok(Subject {
            customer_id: r.get(0)?,
            subject: "customer".into(),
            name: r.get(1)?,
            kind: Some(r.get(2)?),
            country: r.get(3)?,
            phones: r.get::<_, String>(4)?.split(';').filter(|p| !p.is_empty()).map(str::to_owned).collect(),
            ips: r.get::<_, String>(5)?.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect(),
        })
    };
    let owner = |r: &rusqlite::Row<'_>| {
        Ok(Subject {
            customer_id: r.get(0)?,
            subject: format!("owner:{}", r.get::<_, String>(1)?),
            name: r.get(2)?,
            kind: None,
            country: r.get(3)?,
            phones: r.get::<_, String>(4)?.split(';').filter(|p| !p.is_empty()).map(str::to_owned).collect(),
            ips: Vec::new(),
        })
    };
    const CUSTOMERS: &str = "SELECT id, name, kind, country, \
         (SELECT coalesce(group_concat(e164, ';'), '') FROM customer_phone p WHERE p.customer_id = customer.id), \
         (SELECT coalesce(group_concat(DISTINCT i.ip), '') FROM ip_access i JOIN account a ON a.id = i.account_id \
          WHERE a.customer_id = customer.id) FROM customer";
    const OWNERS: &str = "SELECT customer_id, id, name, country, phones FROM beneficial_owner";
    let mut out = Vec::new();
    match only {
        None => {
            let mut c = conn.prepare(&format!("{CUSTOMERS} ORDER BY rowid"))?;
            for row in c.query_map([], customer)? {
                out.push(row?);
            }
            let mut o = conn.prepare(&format!("{OWNERS} ORDER BY rowid"))?;
            for row in o.query_map([], owner)? {
                out.push(row?);
            }
        }
        Some(ids) => {
            let mut c = conn.prepare(&format!("{CUSTOMERS} WHERE id = ?1"))?;
            let mut o = conn.prepare(&format!("{OWNERS} WHERE customer_id = ?1 ORDER BY rowid"))?;
            for id in ids {
                for row in c.query_map([id], customer)? {
                    out.push(row?);
                }
                for row in o.query_map([id], owner)? {
                    out.push(row?);
                }
            }
        }
    }
    Ok(out)
}

/// What identifies a hit across runs: customer, subject, list, entry.
pub type HitKey = (String, String, String, String);

/// False-positive decisions in force, with the digests they were made on.
pub fn cleared(conn: &Connection) -> Result<std::collections::HashMap<HitKey, (String, String)>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT customer_id, subject, list_source, entry_id, subject_digest, entry_digest FROM screening_cleared",
    )?;
    let rows = statement
        .query_map([], |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?), (r.get(4)?, r.get(5)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Hits still waiting for a decision (open or awaiting a second reviewer), by key.
pub fn pending_keys(conn: &Connection) -> Result<std::collections::HashSet<HitKey>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT customer_id, subject, list_source, entry_id FROM screening_hit WHERE state IN ('open', 'awaiting_second')",
    )?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A run to record.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    /// `intake`, `rescreen` or `on_demand`.
    pub trigger: &'a str,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// The list versions read (JSON).
    pub lists: &'a str,
    /// The threshold.
    pub threshold: f64,
    /// Subjects screened.
    pub subjects: usize,
    /// Hits left closed by a false-positive decision.
    pub remembered: usize,
    /// The customers screened, for a run that did not cover everyone.
    pub customers: Option<&'a [String]>,
}

/// A hit to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHit {
    /// The customer.
    pub customer_id: String,
    /// `customer` or `owner:<id>`.
    pub subject: String,
    /// `sdn`, `csl`, `register`.
    pub list_source: String,
    /// The entry's id.
    pub entry_id: String,
    /// The list version's fingerprint.
    pub list_sha256: String,
    /// 0–1.
    pub score: f64,
    /// The explanation (JSON).
    pub explanation: String,
    /// The entry as screened (JSON).
    pub entry: String,
    /// SHA-256 of the subject's data.
    pub subject_digest: String,
    /// SHA-256 of the entry.
    pub entry_digest: String,
}

/// Records a run and the hits it opened, in one transaction; audited. Returns the run's id.
pub fn record_run(
    tx: &Transaction<'_>,
    run: &NewRun<'_>,
    hits: &[NewHit],
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = workbench_core::EventId::new().to_string();
    tx.execute(
        "INSERT INTO screening_run (id, trigger, started_at, finished_at, started_by, lists, threshold, subjects, hits, remembered) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            run.trigger,
            timestamp(&run.started_at),
            timestamp(&at),
            actor.to_string(),
            run.lists,
            run.threshold,
            run.subjects as i64,
            hits.len() as i64,
            run.remembered as i64
        ],
    )?;
    if let Some(customers) = run.customers {
        let mut statement =
            tx.prepare("INSERT INTO screening_run_customer (run_id, customer_id) VALUES (?1, ?2)")?;
        for customer in customers {
            statement.execute(params![id, customer])?;
        }
    }
    let stamp = timestamp(&at);
    let mut statement = tx.prepare(
        "INSERT INTO screening_hit (id, run_id, customer_id, subject, list_source, entry_id, list_sha256, score, explanation, entry, \
         subject_digest, entry_digest, state, opened_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'open', ?13)",
    )?;
    for hit in hits {
        let hit_id = workbench_core::EventId::new().to_string();
        statement.execute(params![
            hit_id,
            id,
            hit.customer_id,
            hit.subject,
            hit.list_source,
            hit.entry_id,
            hit.list_sha256,
            hit.score,
            hit.explanation,
            hit.entry,
            hit.subject_digest,
            hit.entry_digest,
            stamp
        ])?;
        crate::canonical::written(tx, at, actor.into(), "screening.hit_open", "screening_hit", &hit_id)?;
    }
    crate::canonical::written(tx, at, actor.into(), "screening.run", "screening_run", &id)?;
    Ok(id)
}

/// A hit as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct HitRow {
    /// UUIDv7.
    pub id: String,
    /// The run that opened it.
    pub run_id: String,
    /// What was found, as recorded when the run opened it.
    pub hit: NewHit,
    /// `open`, `false_positive`, `true_match`, `awaiting_second`.
    pub state: String,
    /// When it was opened.
    pub opened_at: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<String>,
    /// Why.
    pub reason: String,
    /// The second reviewer of a true match.
    pub second_by: Option<String>,
}

const HIT_COLUMNS: &str = "id, run_id, customer_id, subject, list_source, entry_id, list_sha256, score, explanation, entry, \
     subject_digest, entry_digest, state, opened_at, decided_by, decided_at, reason, second_by";

fn hit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HitRow> {
    Ok(HitRow {
        id: r.get(0)?,
        run_id: r.get(1)?,
        hit: NewHit {
            customer_id: r.get(2)?,
            subject: r.get(3)?,
            list_source: r.get(4)?,
            entry_id: r.get(5)?,
            list_sha256: r.get(6)?,
            score: r.get(7)?,
            explanation: r.get(8)?,
            entry: r.get(9)?,
            subject_digest: r.get(10)?,
            entry_digest: r.get(11)?,
        },
        state: r.get(12)?,
        opened_at: r.get(13)?,
        decided_by: r.get(14)?,
        decided_at: r.get(15)?,
        reason: r.get(16)?,
        second_by: r.get(17)?,
    })
}

/// Hits in these states (all when empty), oldest first.
pub fn hits(conn: &Connection, states: &[&str]) -> Result<Vec<HitRow>, StoreError> {
    let filter = if states.is_empty() {
        String::new()
    } else {
        format!(" WHERE state IN ({})", states.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(","))
    };
    let mut statement =
        conn.prepare(&format!("SELECT {HIT_COLUMNS} FROM screening_hit{filter} ORDER BY opened_at, id"))?;
    let rows = statement.query_map([], hit_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The hits of one customer, oldest first.
pub fn hits_of(conn: &Connection, customer_id: &str) -> Result<Vec<HitRow>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {HIT_COLUMNS} FROM screening_hit WHERE customer_id = ?1 ORDER BY opened_at, id"
    ))?;
    let rows = statement.query_map([customer_id], hit_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One hit.
pub fn hit(conn: &Connection, id: &str) -> Result<Option<HitRow>, StoreError> {
    Ok(conn
        .query_row(&format!("SELECT {HIT_COLUMNS} FROM screening_hit WHERE id = ?1"), [id], hit_row)
        .optional()?)
}

/// Records a decision on an open hit: `false_positive` (remembered for the subject and entry),
/// `true_match`, or `awaiting_second` (a true match waiting for a second reviewer); audited.
pub fn decide(
    tx: &Transaction<'_>,
    id: &str,
    state: &str,
    reason: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind = crate::canonical::known("screening_hit");
    let before = crate::canonical::record(tx, kind, id)?;
    let changed = tx.execute(
        "UPDATE screening_hit SET state = ?2, reason = ?3, decided_by = ?4, decided_at = ?5 WHERE id = ?1 AND state = 'open'",
        params![id, state, reason, actor.to_string(), timestamp(&at)],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict("this hit is not open (decided already?)".into()));
    }
    if state == "false_positive" {
        tx.execute(
            "INSERT INTO screening_cleared (customer_id, subject, list_source, entry_id, subject_digest, entry_digest, hit_id) \
             SELECT customer_id, subject, list_source, entry_id, subject_digest, entry_digest, id FROM screening_hit WHERE id = ?1 \
             ON CONFLICT (customer_id, subject, list_source, entry_id) DO UPDATE SET subject_digest = excluded.subject_digest, \
             entry_digest = excluded.entry_digest, hit_id = excluded.hit_id",
            [id],
        )?;
    }
    crate::canonical::record_change(tx, at, actor.into(), "screening.hit_decide", kind, id, before.as_deref())
}

/// A second reviewer confirms (`true_match`) or declines (back to `open`) a true match.
pub fn second(
    tx: &Transaction<'_>,
    id: &str,
    confirm: bool,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind = crate::canonical::known("screening_hit");
    let before = crate::canonical::record(tx, kind, id)?;
    let changed = if confirm {
        tx.execute(
            "UPDATE screening_hit SET state = 'true_match', second_by = ?2, second_at = ?3 WHERE id = ?1 AND state = 'awaiting_second'",
            params![id, actor.to_string(), timestamp(&at)],
        )?
    } else {
        tx.execute(
            "UPDATE screening_hit SET state = 'open', decided_by = NULL, decided_at = NULL, reason = '' WHERE id = ?1 AND state = 'awaiting_second'",
            [id],
        )?
    };
    if changed == 0 {
        return Err(StoreError::Conflict("this hit is not waiting for a second reviewer".into()));
    }
    crate::canonical::record_change(tx, at, actor.into(), "screening.hit_second", kind, id, before.as_deref())
}

/// An IP-to-country database version as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpdbRow {
    /// UUIDv7.
    pub id: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The type its metadata states.
    pub database_type: String,
    /// Its build date.
    pub built_on: Option<String>,
    /// Its size.
    pub bytes_len: i64,
    /// When it was imported.
    pub imported_at: String,
    /// Who imported it.
    pub imported_by: String,
    /// The one looked up now.
    pub active: bool,
}

/// Every IP database version, newest import first.
pub fn ipdb_versions(conn: &Connection) -> Result<Vec<IpdbRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, sha256, database_type, built_on, bytes_len, imported_at, imported_by, active \
         FROM screening_ipdb_version ORDER BY imported_at DESC, id DESC",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(IpdbRow {
            id: r.get(0)?,
            sha256: r.get(1)?,
            database_type: r.get(2)?,
            built_on: r.get(3)?,
            bytes_len: r.get(4)?,
            imported_at: r.get(5)?,
            imported_by: r.get(6)?,
            active: r.get::<_, i64>(7)? == 1,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The active IP database's fingerprint and file, if one was imported.
pub fn active_ipdb(conn: &Connection) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    Ok(conn
        .query_row("SELECT sha256, bytes FROM screening_ipdb_version WHERE active = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// The active IP database's fingerprint only.
pub fn active_ipdb_sha256(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT sha256 FROM screening_ipdb_version WHERE active = 1", [], |r| r.get(0))
        .optional()?)
}

/// Stores an IP database (checked by the caller) and makes it the active one; audited. A file
/// held already becomes active again. Returns its id.
pub fn insert_ipdb(
    tx: &Transaction<'_>,
    sha256: &str,
    database_type: &str,
    built_on: Option<chrono::NaiveDate>,
    bytes: &[u8],
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    // The version active before stops being so: its record changes, and the chain says so.
    let kind = crate::canonical::known("screening_ipdb");
    let previous: Option<String> = tx
        .query_row("SELECT id FROM screening_ipdb_version WHERE active = 1", [], |r| r.get(0))
        .optional()?;
    if let Some(previous) = &previous {
        let before = crate::canonical::record(tx, kind, previous)?;
        tx.execute("UPDATE screening_ipdb_version SET active = 0 WHERE id = ?1", [previous])?;
        let before = before.as_deref();
        crate::canonical::record_change(
            tx,
            at,
            actor.into(),
            "screening.ipdb_import",
            kind,
            previous,
            before,
        )?;
    }
    let held: Option<String> = tx
        .query_row("SELECT id FROM screening_ipdb_version WHERE sha256 = ?1", [sha256], |r| r.get(0))
        .optional()?;
    let id = match held {
        Some(id) => {
            let before = crate::canonical::record(tx, kind, &id)?;
            tx.execute("UPDATE screening_ipdb_version SET active = 1 WHERE id = ?1", [&id])?;
            let before = before.as_deref();
            crate::canonical::record_change(
                tx,
                at,
                actor.into(),
                "screening.ipdb_import",
                kind,
                &id,
                before,
            )?;
            return Ok(id);
        }
        None => {
            let id = workbench_core::EventId::new().to_string();
            tx.execute(
                "INSERT INTO screening_ipdb_version (id, sha256, database_type, built_on, bytes_len, imported_at, imported_by, active, bytes) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8)",
                params![
                    id,
                    sha256,
                    database_type,
                    built_on.map(|d| d.to_string()),
                    bytes.len() as i64,
                    timestamp(&at),
                    actor.to_string(),
                    bytes
                ],
            )?;
            id
        }
    };
    crate::canonical::written(tx, at, actor.into(), "screening.ipdb_import", "screening_ipdb", &id)?;
    Ok(id)
}

/// A condition of a measure on a true match, as the checklist shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionRow {
    /// The hit it belongs to.
    pub hit_id: String,
    /// The customer.
    pub customer_id: String,
    /// Its place in the measure's list.
    pub position: i64,
    /// The condition.
    pub condition: String,
    /// When it was met.
    pub met_at: Option<String>,
    /// Who recorded it met.
    pub met_by: Option<String>,
    /// How.
    pub note: String,
}

/// Puts a measure's conditions on a true match as a checklist (in the caller's transaction,
/// before the hit's own audit event, which then carries them).
pub fn add_conditions(tx: &Transaction<'_>, hit_id: &str, conditions: &[String]) -> Result<(), StoreError> {
    let mut statement =
        tx.prepare("INSERT INTO screening_condition (hit_id, position, condition) VALUES (?1, ?2, ?3)")?;
    for (i, condition) in conditions.iter().enumerate() {
        statement.execute(params![hit_id, i as i64, condition])?;
    }
    Ok(())
}

/// The conditions of one customer's true matches (all customers when `None`), unmet first.
pub fn conditions(conn: &Connection, customer_id: Option<&str>) -> Result<Vec<ConditionRow>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT c.hit_id, h.customer_id, c.position, c.condition, c.met_at, c.met_by, c.note \
         FROM screening_condition c JOIN screening_hit h ON h.id = c.hit_id \
         WHERE ?1 IS NULL OR h.customer_id = ?1 ORDER BY c.met_at IS NOT NULL, h.opened_at, c.hit_id, c.position",
    )?;
    let rows = statement.query_map([customer_id], |r| {
        Ok(ConditionRow {
            hit_id: r.get(0)?,
            customer_id: r.get(1)?,
            position: r.get(2)?,
            condition: r.get(3)?,
            met_at: r.get(4)?,
            met_by: r.get(5)?,
            note: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records a condition met, with how; audited as a change of the hit.
pub fn meet_condition(
    tx: &Transaction<'_>,
    hit_id: &str,
    position: i64,
    note: &str,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind = crate::canonical::known("screening_hit");
    let before = crate::canonical::record(tx, kind, hit_id)?;
    let changed = tx.execute(
        "UPDATE screening_condition SET met_at = ?3, met_by = ?4, note = ?5 WHERE hit_id = ?1 AND position = ?2 AND met_at IS NULL",
        params![hit_id, position, timestamp(&at), actor.to_string(), note],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict("no such condition waiting (met already?)".into()));
    }
    crate::canonical::record_change(
        tx,
        at,
        actor.into(),
        "screening.condition_met",
        kind,
        hit_id,
        before.as_deref(),
    )
}
