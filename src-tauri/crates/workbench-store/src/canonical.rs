//! Canonical record digests for the audit chain (issue 14, R11).
//!
//! An audit event keeps a record only as a digest. For every record the app writes ([`KINDS`]),
//! that digest is SHA-256 of the record's **canonical form**: the JSON text SQLite's
//! `json_object()` gives over every stored column of the row, keys in byte order of the column
//! names (a BLOB as hex), plus the record's parts kept in other tables (a customer's e-mails,
//! accounts, queue item, checks, decisions, …) as JSON arrays under their own keys, in a fixed
//! order; secret columns are left out (an actor's passphrase hash, an evidence key). The form is
//! `record/2` ([`FORM`]). Anyone holding the key can recompute it with one query in the
//! `sqlcipher` shell — [`record_sql`] prints it — and `audit verify --objects` does so for every
//! record: the newest event that wrote the record must carry the digest of what is stored now.
//!
//! Every change to a record writes such an event (its kind's *actions*), read inside the same
//! transaction after the change; a change made around the app (an edit with the right key) is
//! named by the object and the event it contradicts. Events from before hashed other encodings;
//! a workspace's first open under a new form appends `audit.digest_form` (naming the form it
//! leaves) and one `record.baseline` event per existing record, and verification starts there.
//! Must not depend on the app layer: the store writes these events itself.

use std::collections::HashMap;
use workbench_core::ActorRef;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::audit::{self, Change};
use crate::error::StoreError;

/// The name of the canonical form. `record/1` (the first six kinds, their own rows and the
/// customer's e-mails and phones) became `record/2` when every record the app writes came under
/// a form: a record is now the whole of what one change writes (a customer with its accounts,
/// queue item, checks, decisions, determinations, evidence links and notices; a reseller with
/// its contacts, CIPs, attestations and notes).
pub const FORM: &str = "record/2";
/// The `workspace_meta` key holding the first event sequence number verified by form.
const FROM_KEY: &str = "canonical_digests_from";
/// The `workspace_meta` key naming the form that sequence number starts (absent: `record/1`).
const FORM_KEY: &str = "canonical_form";

/// A record kind whose digests are canonical.
#[derive(Debug)]
pub struct Kind {
    /// The object prefix in the audit chain (`<name>:<id>`).
    pub name: &'static str,
    /// Its table (alias `r` in the SQL below).
    table: &'static str,
    /// The SQL giving a record's id in the object name (`r.id` for most tables).
    id_sql: &'static str,
    /// Which rows of the table are records of this kind (`1`: all of them).
    filter: &'static str,
    /// Columns left out of the form.
    secret: &'static [&'static str],
    /// The record's parts kept in other tables, each a JSON array under its own key.
    lists: &'static [List],
    /// The actions whose `after` is this form (every action that writes the record).
    pub actions: &'static [&'static str],
}

/// Part of a record kept in another table (alias `c`).
#[derive(Debug)]
struct List {
    /// The key in the form.
    key: &'static str,
    /// The table.
    table: &'static str,
    /// Which of its rows belong to the record `r`.
    belongs: &'static str,
    /// One column's value per row, or (`None`) the whole row as a JSON object of its columns
    /// (sorted like the record's, `belongs`'s own column and `skip` left out).
    value: Option<&'static str>,
    /// Columns left out of each row.
    skip: &'static [&'static str],
    /// The order of the rows.
    order: &'static str,
}

impl List {
    const fn values(key: &'static str, table: &'static str, value: &'static str) -> Self {
        Self {
            key,
            table,
            belongs: "c.customer_id = r.id",
            value: Some(value),
            skip: &[],
            order: "c.position",
        }
    }

    const fn rows(
        key: &'static str,
        table: &'static str,
        belongs: &'static str,
        order: &'static str,
    ) -> Self {
        Self { key, table, belongs, value: None, skip: &[], order }
    }
}

/// A customer's parts; a determination names its subject as `customer:<id>` or `owner:<id>`.
const CUSTOMER_LISTS: &[List] = &[
    List::values("emails", "customer_email", "email"),
    List::values("phones", "customer_phone", "e164"),
    List::rows("accounts", "account", "c.customer_id = r.id", "c.rowid"),
    // A reviewer's claim on the item (taken_by/at) changes at every "take next" and is work
    // distribution, not a record of the program: left out.
    List {
        skip: &["taken_by", "taken_at"],
        ..List::rows("queue", "queue_item", "c.customer_id = r.id", "c.rowid")
    },
    List::rows("checks", "element_check", "c.customer_id = r.id", "c.seq"),
    List::rows("decisions", "decision", "c.customer_id = r.id", "c.rowid"),
    List::rows("determinations", "us_person_determination", "c.subject = 'customer:' || r.id", "c.seq"),
    List::rows("evidence", "customer_evidence", "c.customer_id = r.id", "c.evidence_id"),
    List::rows("notices", "customer_notice", "c.customer_id = r.id", "c.rowid"),
];

/// Every action that writes a customer record.
pub const CUSTOMER_ACTIONS: &[&str] = &[
    "customer.import",
    "us_person.determine",
    "account.state",
    "queue.open",
    "queue.assign",
    "queue.close",
    "evidence.attach",
    "verification.check",
    "verification.decide",
    "verification.confirm",
    "verification.decline",
    "notice.issue",
    "notice.mark",
];

/// The kinds under canonical digests.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "customer",
        table: "customer",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: CUSTOMER_LISTS,
        actions: CUSTOMER_ACTIONS,
    },
    Kind {
        name: "owner",
        table: "beneficial_owner",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[List::rows(
            "determinations",
            "us_person_determination",
            "c.subject = 'owner:' || r.id",
            "c.seq",
        )],
        actions: &["owner.import", "us_person.determine"],
    },
    Kind {
        name: "reseller",
        table: "reseller",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[
            List::rows("contacts", "reseller_contact", "c.reseller_id = r.id", "c.seq"),
            List::rows("cips", "reseller_cip", "c.reseller_id = r.id", "c.seq"),
            List::rows("attestations", "reseller_attestation", "c.reseller_id = r.id", "c.period"),
            List::rows("notes", "reseller_note", "c.reseller_id = r.id", "c.seq"),
        ],
        actions: &[
            "reseller.create",
            "reseller.status",
            "reseller.agreement_end",
            "reseller.contact",
            "reseller.cip",
            "reseller.attestation_request",
            "reseller.attestation_return",
            "reseller.note",
        ],
    },
    Kind {
        name: "screening_list",
        table: "screening_list_version",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["screening.list_import", "screening.list_activate"],
    },
    Kind {
        name: "special_measure",
        table: "special_measure",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[List::rows("extensions", "special_measure_extension", "c.measure_id = r.id", "c.seq")],
        actions: &["measure.record", "measure.extend"],
    },
    Kind {
        name: "screening_ipdb",
        table: "screening_ipdb_version",
        id_sql: "r.id",
        filter: "1",
        // The file itself is fingerprinted by its SHA-256, which the form holds.
        secret: &["bytes"],
        lists: &[],
        actions: &["screening.ipdb_import"],
    },
    Kind {
        name: "screening_run",
        table: "screening_run",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["screening.run"],
    },
    Kind {
        name: "screening_hit",
        table: "screening_hit",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[List::rows("conditions", "screening_condition", "c.hit_id = r.id", "c.position")],
        actions: &[
            "screening.hit_open",
            "screening.hit_decide",
            "screening.hit_second",
            "screening.condition_met",
        ],
    },
    Kind {
        name: "national_id",
        table: "customer_national_id",
        id_sql: "r.customer_id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["national_id.record"],
    },
    Kind {
        name: "adp_answer",
        table: "adp_answer",
        id_sql: "r.seq",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["adp.answer"],
    },
    Kind {
        name: "adp_evidence",
        table: "adp_evidence",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["adp.evidence"],
    },
    Kind {
        name: "adp_review",
        table: "adp_review",
        id_sql: "r.seq",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["adp.review"],
    },
    Kind {
        name: "exemption",
        table: "exemption",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["exemption.record", "exemption.end"],
    },
    Kind {
        name: "exemption_end",
        table: "exemption_end",
        id_sql: "r.seq",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["exemption.end"],
    },
    Kind {
        name: "account_type",
        table: "account_type",
        id_sql: "r.account_id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["account_type.record"],
    },
    Kind {
        name: "decision_exemption",
        table: "decision_exemption",
        id_sql: "r.decision_id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["verification.exempt_approval"],
    },
    Kind {
        name: "assessment",
        table: "assessment",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["assessment.record"],
    },
    Kind {
        name: "finding",
        table: "finding",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[List::rows("notes", "finding_note", "c.finding_id = r.id", "c.seq")],
        actions: &["assessment.record", "finding.note", "finding.close"],
    },
    Kind {
        name: "owner_check",
        table: "owner_check",
        id_sql: "r.seq",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["verification.owner_check"],
    },
    Kind {
        name: "owner_ip_access",
        table: "owner_ip_access",
        id_sql: "r.rowid",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["owner.import"],
    },
    Kind {
        name: "pending_terms",
        table: "pending_terms",
        id_sql: "r.customer_id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["terms.place"],
    },
    Kind {
        name: "appeal",
        table: "appeal",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["appeal.record", "appeal.review"],
    },
    Kind {
        name: "ai_case",
        table: "ai_case",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[List::rows("arrangements", "ai_arrangement", "c.case_id = r.id", "c.version")],
        actions: &["ai.case_open", "ai.arrangement", "ai.case_close"],
    },
    Kind {
        name: "ai_usage_batch",
        table: "ai_usage_batch",
        id_sql: "r.id",
        filter: "1",
        // The rows themselves are fingerprinted by the file's SHA-256, which the form holds.
        secret: &[],
        lists: &[],
        actions: &["ai.usage_import"],
    },
    Kind {
        name: "ai_reseller_report",
        table: "ai_reseller_report",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["ai.reseller_report", "ai.reseller_transmit"],
    },
    Kind {
        name: "provider",
        table: "provider_profile",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["provider.create", "provider.update"],
    },
    Kind {
        name: "provider_contact",
        table: "provider_contact",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["provider.contact_change"],
    },
    Kind {
        name: "evidence",
        table: "evidence",
        id_sql: "r.id",
        filter: "1",
        // Re-wrapped at every key rotation, and key material besides.
        secret: &["wrapped_key"],
        lists: &[],
        actions: &["evidence.store"],
    },
    Kind {
        name: "actor",
        table: "actor",
        id_sql: "r.id",
        filter: "1",
        secret: &["passphrase_hash"],
        lists: &[],
        actions: &["actor.create"],
    },
    Kind {
        name: "filing",
        table: "filing",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &[
            "filing.draft",
            "filing.discard",
            "filing.approve",
            "filing.file",
            "filing.acknowledgement",
        ],
    },
    Kind {
        name: "cip",
        table: "cip_version",
        id_sql: "r.number",
        filter: "1",
        secret: &[],
        lists: &[List {
            value: Some("actor_id"),
            ..List::rows("authors", "cip_version_author", "c.number = r.number", "c.actor_id")
        }],
        actions: &["cip.draft", "cip.save", "cip.approve", "cip.discard"],
    },
    Kind {
        name: "cip_request",
        table: "cip_request",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["cip_request.record", "cip_request.packet", "cip_request.deliver"],
    },
    Kind {
        name: "event",
        table: "obligation_event",
        id_sql: "r.id",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["obligation.event"],
    },
    Kind {
        name: "obligation",
        table: "obligation_met",
        id_sql: "r.key",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["obligation.meet"],
    },
    Kind {
        name: "rule_pack",
        table: "rule_pack",
        id_sql: "r.sha256",
        filter: "1",
        secret: &[],
        lists: &[],
        actions: &["rules.import"],
    },
    Kind {
        name: "setting",
        table: "workspace_meta",
        id_sql: "substr(r.key, 9)",
        filter: "r.key LIKE 'setting.%'",
        secret: &[],
        lists: &[],
        actions: &["settings.update"],
    },
];

/// The kind named `name`.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// The kind named `name`, which this build defines (a programming error otherwise).
pub(crate) fn known(name: &str) -> &'static Kind {
    kind(name).unwrap_or_else(|| panic!("{name} is a canonical kind"))
}

/// The query giving `(id, canonical form)` for every record of `kind` (add ` AND …` on `r.`).
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

/// A table's columns with their declared types, in table order.
fn columns(conn: &Connection, table: &str) -> Result<Vec<(String, String)>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT name, type FROM pragma_table_info(?1)")?;
    let rows = statement.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let columns: Vec<(String, String)> = rows.collect::<Result<_, _>>()?;
    if columns.is_empty() {
        return Err(StoreError::Corrupt(format!("no table {table}")));
    }
    Ok(columns)
}

/// `json_object(…)` over `alias`'s columns in byte order of their names; a BLOB as hex.
fn object_sql(columns: &[(String, String)], alias: &str, extra: Vec<(String, String)>) -> String {
    let mut parts: Vec<(String, String)> = columns
        .iter()
        .map(|(c, ty)| {
            let value = if ty.eq_ignore_ascii_case("BLOB") {
                format!("hex({alias}.\"{c}\")")
            } else {
                format!("{alias}.\"{c}\"")
            };
            (c.clone(), value)
        })
        .chain(extra)
        .collect();
    parts.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let body: Vec<String> = parts.iter().map(|(k, v)| format!("'{k}', {v}")).collect();
    format!("json_object({})", body.join(", "))
}

fn build_record_sql(conn: &Connection, kind: &Kind) -> Result<String, StoreError> {
    let mut own = columns(conn, kind.table)?;
    own.retain(|(c, _)| !kind.secret.contains(&c.as_str()));
    let mut lists = Vec::new();
    for list in kind.lists {
        // A row's object loses its JSON subtype through the subquery: `json()` gives it back.
        let (item, element) = match list.value {
            Some(value) => (format!("c.\"{value}\""), "item"),
            None => {
                let mut theirs = columns(conn, list.table)?;
                // The column that points at the record says nothing the record does not.
                let link = list.belongs.strip_prefix("c.").and_then(|b| b.split_whitespace().next());
                theirs.retain(|(c, _)| Some(c.as_str()) != link && !list.skip.contains(&c.as_str()));
                (object_sql(&theirs, "c", Vec::new()), "json(item)")
            }
        };
        lists.push((
            list.key.to_owned(),
            format!(
                "json((SELECT json_group_array({element}) FROM (SELECT {item} AS item FROM {} c WHERE {} ORDER BY {})))",
                list.table, list.belongs, list.order
            ),
        ));
    }
    Ok(format!(
        "SELECT CAST({} AS TEXT), {} FROM {} r WHERE {}",
        kind.id_sql,
        object_sql(&own, "r", lists),
        kind.table,
        kind.filter
    ))
}

/// The canonical form of one record, if it exists.
pub fn record(conn: &Connection, kind: &Kind, id: &str) -> Result<Option<String>, StoreError> {
    let sql = format!("{} AND {} = ?1", record_sql(conn, kind)?, kind.id_sql);
    Ok(conn.prepare_cached(&sql)?.query_row([id], |r| r.get(1)).optional()?)
}

/// The canonical forms of the records of `kind` with a rowid above `rowid`, by id (a bulk
/// import reads its batch back once).
pub fn records_after(
    conn: &Connection,
    kind: &Kind,
    rowid: i64,
) -> Result<HashMap<String, String>, StoreError> {
    let sql = format!("{} AND r.rowid > ?1", record_sql(conn, kind)?);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([rowid], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The author a stored record names (`system` or an actor id), for its audit event.
pub(crate) fn actor_ref(stored: &str) -> Result<ActorRef, StoreError> {
    stored.parse().map_err(|_| StoreError::Conflict(format!("the record names no actor ({stored:?})")))
}

/// Appends `action` on the record `id` of the kind named `kind` (one of [`KINDS`]), with the
/// record's canonical form as `after`: what every write of a record calls after its change.
pub(crate) fn written(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: ActorRef,
    action: &str,
    kind: &str,
    id: &str,
) -> Result<(), StoreError> {
    record_change(tx, at, actor, action, known(kind), id, None)
}

/// Appends `action` on `<kind>:<id>` with the record's canonical form as `after`, read inside
/// the caller's transaction after its change, and `before` (its form before, for an update).
pub fn record_change(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: ActorRef,
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

/// The canonical form of a batch of IP access rows (R2), rowids `first..=last`: a JSON array,
/// in rowid order, of each row's columns as a JSON object with sorted keys and its `rowid`.
/// The log is append-only but for purges past retention, so `audit verify --objects` leaves
/// batches out; an examiner recomputes one with this query.
pub const IP_BATCH_SQL: &str = "SELECT json_group_array(json(item)) FROM (SELECT json_object('accessed_at', accessed_at, \
     'account_id', account_id, 'ip', ip, 'kind', kind, 'rowid', rowid) AS item FROM ip_access \
     WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid)";

/// Appends `ip_log.import` on `ip_access:<first>-<last>` with the batch's canonical form.
pub(crate) fn record_ip_batch(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: ActorRef,
    first: i64,
    last: i64,
) -> Result<(), StoreError> {
    let form: String = tx.prepare_cached(IP_BATCH_SQL)?.query_row([first, last], |r| r.get(0))?;
    let object = format!("ip_access:{first}-{last}");
    audit::append(
        tx,
        at,
        Change {
            actor,
            action: "ip_log.import",
            object: &object,
            before: None,
            after: Some(form.as_bytes()),
        },
    )
    .map(|_| ())
}

/// Starts canonical digests in a workspace that has none yet, or moves one kept under an
/// earlier form to [`FORM`]: `audit.digest_form` (naming the form and its kinds), then one
/// `record.baseline` per existing record; verification starts at that event. A new workspace
/// starts them before its first record ([`start_new`]).
pub(crate) fn start(tx: &Transaction<'_>, at: DateTime<Utc>) -> Result<(), StoreError> {
    if current(tx)? {
        return Ok(());
    }
    let kinds: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
    let description =
        serde_json::json!({ "form": FORM, "from": stored_form(tx)?, "kinds": kinds }).to_string();
    let event = audit::append(
        tx,
        at,
        Change {
            actor: ActorRef::System,
            action: "audit.digest_form",
            object: "audit:digests",
            before: None,
            after: Some(description.as_bytes()),
        },
    )?;
    set_meta(tx, FROM_KEY, &event.body.seq.to_string())?;
    set_meta(tx, FORM_KEY, FORM)?;
    let mut appender = audit::Appender::new(tx)?;
    for kind in KINDS {
        let forms = records_after(tx, kind, i64::MIN)?;
        let mut ids: Vec<&String> = forms.keys().collect();
        ids.sort();
        let objects: Vec<String> = ids.iter().map(|id| format!("{}:{id}", kind.name)).collect();
        appender.append_all(
            at,
            ids.iter().zip(&objects).map(|(id, object)| Change {
                actor: ActorRef::System,
                action: "record.baseline",
                object,
                before: None,
                after: Some(forms[*id].as_bytes()),
            }),
        )?;
    }
    Ok(())
}

fn set_meta(tx: &Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO workspace_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// Marks a new workspace as under canonical digests from its first event.
pub(crate) fn start_new(tx: &Transaction<'_>) -> Result<(), StoreError> {
    set_meta(tx, FROM_KEY, "1")?;
    set_meta(tx, FORM_KEY, FORM)
}

/// True once canonical digests are kept in this build's form (otherwise [`start`] is due).
pub(crate) fn current(conn: &Connection) -> Result<bool, StoreError> {
    Ok(from(conn)?.is_some() && stored_form(conn)?.as_deref() == Some(FORM))
}

/// The form the workspace's digests are kept in: none before they started; `record/1` for a
/// workspace that started them before the form was written down.
fn stored_form(conn: &Connection) -> Result<Option<String>, StoreError> {
    if from(conn)?.is_none() {
        return Ok(None);
    }
    let form: Option<String> = conn
        .query_row("SELECT value FROM workspace_meta WHERE key = ?1", [FORM_KEY], |r| r.get(0))
        .optional()?;
    Ok(Some(form.unwrap_or_else(|| "record/1".to_owned())))
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
    /// How many of each kind (every kind of [`KINDS`], in that order).
    pub by_kind: Vec<(&'static str, u64)>,
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
    let mut report = ObjectsReport {
        form: FORM,
        from_seq,
        checked: 0,
        by_kind: Vec::new(),
        problems: Vec::new(),
        problem_count: 0,
    };
    for kind in KINDS {
        let mut latest: HashMap<String, (i64, Option<String>)> = HashMap::new();
        let mut actions: Vec<&str> = kind.actions.to_vec();
        actions.push("record.baseline");
        let placeholders = vec!["?"; actions.len()].join(", ");
        let sql = format!(
            "SELECT seq, object, after FROM audit_event WHERE seq >= ? AND substr(object, 1, length(?2)) = ?2 AND action IN ({placeholders}) ORDER BY seq"
        );
        let mut statement = conn.prepare(&sql)?;
        let prefix = format!("{}:", kind.name);
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&from_seq, &prefix];
        values.extend(actions.iter().map(|a| a as &dyn rusqlite::ToSql));
        let mut rows = statement.query(values.as_slice())?;
        while let Some(row) = rows.next()? {
            let object: String = row.get(1)?;
            latest.insert(object, (row.get(0)?, row.get(2)?));
        }
        let records = records_after(conn, kind, i64::MIN)?;
        report.by_kind.push((kind.name, records.len() as u64));
        for (id, form) in records {
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
