//! Canonical record digests for the audit chain (issue 14, R11).
//!
//! An audit event keeps a record only as a digest. For the record kinds below, that digest is
//! SHA-256 of the record's **canonical form**: the JSON text SQLite's `json_object()` gives
//! over every stored column of the row, keys in byte order of the column names, plus the
//! record's lists (a customer's e-mails and phones, in their stored order) as JSON arrays under
//! their own keys; secret columns are left out (an actor's passphrase hash). The form is
//! `record/1` ([`FORM`]). Anyone holding the key can recompute it with one query in the
//! `sqlcipher` shell — [`record_sql`] prints it — and `audit verify --objects` does so for every
//! record: the newest event that wrote the record must carry the digest of what is stored now.
//!
//! Every change to a listed table writes such an event (its *record actions*); a change made
//! around the app (an edit with the right key) is named by the object and the event it
//! contradicts. Events from before this form hashed other encodings; the workspace's first open
//! with it appends `audit.digest_form` and one `record.baseline` event per existing record
//! (the checkpoint that records the change), and verification starts there.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::audit::{self, Change};
use crate::error::StoreError;

/// The name of the canonical form.
pub const FORM: &str = "record/1";
/// The `workspace_meta` key holding the first event sequence number verified by form.
const FROM_KEY: &str = "canonical_digests_from";

/// A record kind whose digests are canonical.
#[derive(Debug)]
pub struct Kind {
    /// The object prefix in the audit chain (`<name>:<id>`).
    pub name: &'static str,
    /// Its table (keyed by `id`).
    table: &'static str,
    /// Columns left out of the form.
    secret: &'static [&'static str],
    /// Lists: (key, table, foreign-key column, value column), ordered by `position`.
    lists: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// The actions whose `after` is this form (every action that writes the row).
    pub actions: &'static [&'static str],
}

/// The kinds under canonical digests.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "customer",
        table: "customer",
        secret: &[],
        lists: &[
            ("emails", "customer_email", "customer_id", "email"),
            ("phones", "customer_phone", "customer_id", "e164"),
        ],
        actions: &["customer.import", "us_person.determine"],
    },
    Kind {
        name: "owner",
        table: "beneficial_owner",
        secret: &[],
        lists: &[],
        actions: &["owner.import", "us_person.determine"],
    },
    Kind {
        name: "reseller",
        table: "reseller",
        secret: &[],
        lists: &[],
        actions: &["reseller.create", "reseller.status", "reseller.agreement_end"],
    },
    Kind {
        name: "provider",
        table: "provider_profile",
        secret: &[],
        lists: &[],
        actions: &["provider.create", "provider.update"],
    },
    Kind {
        name: "evidence",
        table: "evidence",
        // Re-wrapped at every key rotation, and key material besides.
        secret: &["wrapped_key"],
        lists: &[],
        actions: &["evidence.store"],
    },
    Kind {
        name: "actor",
        table: "actor",
        secret: &["passphrase_hash"],
        lists: &[],
        actions: &["actor.create"],
    },
];

/// The kind named `name`.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// The query giving `(id, canonical form)` for every record of `kind` (add a `WHERE` on `r.`).
/// Built from the table's columns once per kind: the schema is this build's, migrated at open.
pub fn record_sql(conn: &Connection, kind: &Kind) -> Result<String, StoreError> {
    static BUILT: std::sync::Mutex<Vec<(&'static str, String)>> = std::sync::Mutex::new(Vec::new());
    if let Some((_, sql)) =
        BUILT.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(k, _)| *k == kind.name)
    {
        return Ok(sql.clone());
    }
    let sql = build_record_sql(conn, kind)?;
    BUILT.lock().unwrap_or_else(|e| e.into_inner()).push((kind.name, sql.clone()));
    Ok(sql)
}

fn build_record_sql(conn: &Connection, kind: &Kind) -> Result<String, StoreError> {
    let mut columns: Vec<String> = conn
        .prepare_cached(&format!("SELECT name FROM pragma_table_info('{}')", kind.table))?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    columns.retain(|c| !kind.secret.contains(&c.as_str()));
    let mut parts: Vec<(String, String)> =
        columns.iter().map(|c| (c.clone(), format!("r.\"{c}\""))).collect();
    for (key, table, fk, value) in kind.lists {
        parts.push((
            (*key).to_owned(),
            format!(
                "json((SELECT json_group_array({value}) FROM (SELECT {value} FROM {table} WHERE {fk} = r.id ORDER BY position)))"
            ),
        ));
    }
    parts.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let body: Vec<String> = parts.iter().map(|(k, v)| format!("'{k}', {v}")).collect();
    Ok(format!("SELECT CAST(r.id AS TEXT), json_object({}) FROM {} r", body.join(", "), kind.table))
}

/// The canonical form of one record, if it exists.
pub fn record(conn: &Connection, kind: &Kind, id: &str) -> Result<Option<String>, StoreError> {
    let sql = format!("{} WHERE r.id = ?1", record_sql(conn, kind)?);
    Ok(conn.prepare_cached(&sql)?.query_row([id], |r| r.get(1)).optional()?)
}

/// The canonical forms of the records of `kind` with a rowid above `rowid`, by id (a bulk
/// import reads its batch back once).
pub fn records_after(
    conn: &Connection,
    kind: &Kind,
    rowid: i64,
) -> Result<HashMap<String, String>, StoreError> {
    let sql = format!("{} WHERE r.rowid > ?1", record_sql(conn, kind)?);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([rowid], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Appends `action` on `<kind>:<id>` with the record's canonical form as `after`, read inside
/// the caller's transaction after its change, and `before` (its form before, for an update).
pub fn record_change(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    kind: &Kind,
    id: &str,
    before: Option<&str>,
) -> Result<(), StoreError> {
    debug_assert!(kind.actions.contains(&action), "{action} is not a record action of {}", kind.name);
    let form = record(tx, kind, id)?
        .ok_or_else(|| StoreError::Conflict(format!("no {} {id} to record", kind.name)))?;
    let object = format!("{}:{id}", kind.name);
    audit::append(
        tx,
        at,
        Change {
            actor,
            action,
            object: &object,
            before: before.map(str::as_bytes),
            after: Some(form.as_bytes()),
        },
    )
    .map(|_| ())
}

/// Starts canonical digests in a workspace that has none yet: `audit.digest_form`, then one
/// `record.baseline` per existing record. A new workspace starts them before its first record.
pub(crate) fn start(tx: &Transaction<'_>, at: DateTime<Utc>) -> Result<(), StoreError> {
    if from(tx)?.is_some() {
        return Ok(());
    }
    let kinds: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
    let description = serde_json::json!({ "form": FORM, "kinds": kinds }).to_string();
    let event = audit::append(
        tx,
        at,
        Change {
            actor: "system",
            action: "audit.digest_form",
            object: "audit:digests",
            before: None,
            after: Some(description.as_bytes()),
        },
    )?;
    tx.execute(
        "INSERT INTO workspace_meta (key, value) VALUES (?1, ?2)",
        [FROM_KEY, &event.body.seq.to_string()],
    )?;
    let mut appender = audit::Appender::new(tx)?;
    for kind in KINDS {
        let forms = records_after(tx, kind, 0)?;
        let mut ids: Vec<&String> = forms.keys().collect();
        ids.sort();
        let objects: Vec<String> = ids.iter().map(|id| format!("{}:{id}", kind.name)).collect();
        appender.append_all(
            at,
            ids.iter().zip(&objects).map(|(id, object)| Change {
                actor: "system",
                action: "record.baseline",
                object,
                before: None,
                after: Some(forms[*id].as_bytes()),
            }),
        )?;
    }
    Ok(())
}

/// Marks a new workspace as under canonical digests from its first event.
pub(crate) fn start_new(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("INSERT INTO workspace_meta (key, value) VALUES (?1, '1')", [FROM_KEY])?;
    Ok(())
}

/// True once canonical digests have started in this workspace.
pub(crate) fn started(conn: &Connection) -> Result<bool, StoreError> {
    Ok(from(conn)?.is_some())
}

/// The first event verified by form, once canonical digests have started.
fn from(conn: &Connection) -> Result<Option<i64>, StoreError> {
    let value: Option<String> = conn
        .query_row("SELECT value FROM workspace_meta WHERE key = ?1", [FROM_KEY], |r| r.get(0))
        .optional()?;
    Ok(value.and_then(|v| v.parse().ok()))
}

/// A record whose stored form disagrees with the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectProblem {
    /// `<kind>:<id>`.
    pub object: String,
    /// The newest event that wrote it (absent: no event did).
    pub seq: Option<i64>,
    /// What is wrong.
    pub problem: String,
}

/// What `audit verify --objects` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectsReport {
    /// The form checked.
    pub form: &'static str,
    /// The first event checked by form.
    pub from_seq: i64,
    /// Records whose digest was recomputed.
    pub checked: u64,
    /// Records that disagree (at most [`MAX_PROBLEMS`] listed).
    pub problems: Vec<ObjectProblem>,
    /// How many disagree in all.
    pub problem_count: u64,
}

/// The most problems listed.
pub const MAX_PROBLEMS: usize = 100;

/// Recomputes the canonical digest of every record of every kind and compares it with the
/// newest event that wrote it.
pub fn verify_objects(conn: &Connection) -> Result<ObjectsReport, StoreError> {
    let from_seq =
        from(conn)?.ok_or_else(|| StoreError::Conflict("canonical digests have not started".into()))?;
    let mut report =
        ObjectsReport { form: FORM, from_seq, checked: 0, problems: Vec::new(), problem_count: 0 };
    for kind in KINDS {
        let mut latest: HashMap<String, (i64, Option<String>)> = HashMap::new();
        let mut actions: Vec<&str> = kind.actions.to_vec();
        actions.push("record.baseline");
        let placeholders = vec!["?"; actions.len()].join(", ");
        let sql = format!(
            "SELECT seq, object, after FROM audit_event WHERE seq >= ? AND object LIKE ? AND action IN ({placeholders}) ORDER BY seq"
        );
        let mut statement = conn.prepare(&sql)?;
        let prefix = format!("{}:%", kind.name);
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&from_seq, &prefix];
        values.extend(actions.iter().map(|a| a as &dyn rusqlite::ToSql));
        let mut rows = statement.query(values.as_slice())?;
        while let Some(row) = rows.next()? {
            let object: String = row.get(1)?;
            latest.insert(object, (row.get(0)?, row.get(2)?));
        }
        for (id, form) in records_after(conn, kind, i64::MIN)? {
            report.checked += 1;
            let object = format!("{}:{id}", kind.name);
            let problem = match latest.get(&object) {
                None => Some((None, "no audit event wrote this record".to_owned())),
                Some((seq, after)) => {
                    let digest = hex::encode(Sha256::digest(form.as_bytes()));
                    (after.as_deref() != Some(digest.as_str())).then(|| {
                        (
                            Some(*seq),
                            format!("the stored record does not match the digest event {seq} recorded"),
                        )
                    })
                }
            };
            if let Some((seq, problem)) = problem {
                report.problem_count += 1;
                if report.problems.len() < MAX_PROBLEMS {
                    report.problems.push(ObjectProblem { object, seq, problem });
                }
            }
        }
    }
    report.problems.sort_by(|a, b| a.object.cmp(&b.object));
    Ok(report)
}
