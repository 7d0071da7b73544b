//! The `actor` table: local profiles that act in the workspace, each with its own Argon2id
//! passphrase hash (to switch actor and to confirm four-eyes decisions).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use workbench_core::{ActorId, Role};

use crate::audit::timestamp;
use crate::error::StoreError;

/// An actor as stored (without its passphrase hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// Id.
    pub id: ActorId,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// When created, RFC 3339 UTC.
    pub created_at: String,
}

/// Inserts a new actor with the id its key slot was made for.
pub fn insert(
    tx: &Transaction<'_>,
    id: ActorId,
    name: &str,
    role: Role,
    passphrase_hash: &str,
    at: DateTime<Utc>,
) -> Result<Actor, StoreError> {
    let actor = Actor { id, name: name.to_owned(), role, created_at: timestamp(&at) };
    tx.execute(
        "INSERT INTO actor (id, name, role, passphrase_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![actor.id.to_string(), actor.name, role.as_str(), passphrase_hash, actor.created_at],
    )?;
    Ok(actor)
}

/// Every active actor, by name.
pub fn list(conn: &Connection) -> Result<Vec<Actor>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, name, role, created_at FROM actor WHERE disabled_at IS NULL ORDER BY name COLLATE NOCASE",
    )?;
    let rows = statement.query_map([], row_to_actor)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One actor by id.
pub fn get(conn: &Connection, id: ActorId) -> Result<Option<Actor>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, name, role, created_at FROM actor WHERE id = ?1 AND disabled_at IS NULL",
            [id.to_string()],
            row_to_actor,
        )
        .optional()?)
}

/// The first active officer (the oldest): who the recovery code, and the shared passphrase of
/// files from before per-person key slots, open the workspace as.
pub fn first_officer(conn: &Connection) -> Result<Option<Actor>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, name, role, created_at FROM actor WHERE disabled_at IS NULL AND role = 'officer'
             ORDER BY created_at, rowid LIMIT 1",
            [],
            row_to_actor,
        )
        .optional()?)
}

/// Replaces an actor's passphrase hash.
pub fn set_passphrase_hash(tx: &Transaction<'_>, id: ActorId, hash: &str) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE actor SET passphrase_hash = ?2 WHERE id = ?1 AND disabled_at IS NULL",
        params![id.to_string(), hash],
    )?;
    if changed == 1 { Ok(()) } else { Err(StoreError::UnknownActor) }
}

/// The stored passphrase hash of an actor.
pub fn passphrase_hash(conn: &Connection, id: ActorId) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT passphrase_hash FROM actor WHERE id = ?1 AND disabled_at IS NULL",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?)
}

fn row_to_actor(row: &rusqlite::Row<'_>) -> rusqlite::Result<Actor> {
    let id: String = row.get(0)?;
    let role: String = row.get(2)?;
    let bad = |i: usize, e: workbench_core::CoreError| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    };
    Ok(Actor {
        id: id.parse().map_err(|e| bad(0, e))?,
        name: row.get(1)?,
        role: Role::parse(&role).map_err(|e| bad(2, e))?,
        created_at: row.get(3)?,
    })
}
