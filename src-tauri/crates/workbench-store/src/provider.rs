//! The provider profile and its primary CIP contact history (R12, R14). One row of profile;
//! contacts are appended, the newest is current.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::audit::timestamp;
use crate::error::StoreError;

/// The provider profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Legal name.
    pub legal_name: String,
    /// Postal address, free text.
    pub address: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// small | medium | large.
    pub size_tier: String,
    /// Offers virtualized IaaS.
    pub virtualized: bool,
    /// Offers dedicated (bare-metal) IaaS.
    pub dedicated: bool,
    /// The IaaS products, described.
    pub products: String,
    /// IANA time zone used to count calendar days.
    pub time_zone: String,
}

/// A primary CIP contact, from `since` until the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Job title.
    pub title: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// RFC 3339 UTC.
    pub since: String,
    /// Actor who recorded it.
    pub recorded_by: String,
}

/// Creates the profile of a new workspace.
pub fn init(tx: &Transaction<'_>, legal_name: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO provider_profile (id, legal_name, updated_at) VALUES (1, ?1, ?2)",
        params![legal_name, timestamp(&at)],
    )?;
    crate::canonical::record_change(
        tx,
        at,
        workbench_core::ActorRef::System,
        "provider.create",
        profile_kind(),
        "1",
        None,
    )
}

/// The profile.
pub fn get(conn: &Connection) -> Result<Profile, StoreError> {
    Ok(conn.query_row(
        "SELECT legal_name, address, country, size_tier, virtualized, dedicated, products, time_zone \
         FROM provider_profile WHERE id = 1",
        [],
        |r| {
            Ok(Profile {
                legal_name: r.get(0)?,
                address: r.get(1)?,
                country: r.get(2)?,
                size_tier: r.get(3)?,
                virtualized: r.get(4)?,
                dedicated: r.get(5)?,
                products: r.get(6)?,
                time_zone: r.get(7)?,
            })
        },
    )?)
}

/// Replaces the profile; returns the previous one (for the audit digest).
pub fn update(tx: &Transaction<'_>, profile: &Profile, at: DateTime<Utc>) -> Result<Profile, StoreError> {
    let before = get(tx)?;
    tx.execute(
        "UPDATE provider_profile SET legal_name = ?1, address = ?2, country = ?3, size_tier = ?4, \
         virtualized = ?5, dedicated = ?6, products = ?7, time_zone = ?8, updated_at = ?9 WHERE id = 1",
        params![
            profile.legal_name,
            profile.address,
            profile.country,
            profile.size_tier,
            profile.virtualized,
            profile.dedicated,
            profile.products,
            profile.time_zone,
            timestamp(&at)
        ],
    )?;
    Ok(before)
}

/// Appends a contact (it becomes the current one), audited as `provider.contact_change`.
pub fn add_contact(tx: &Transaction<'_>, contact: &Contact, at: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO provider_contact (id, name, title, email, phone, since, recorded_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            contact.id,
            contact.name,
            contact.title,
            contact.email,
            contact.phone,
            contact.since,
            contact.recorded_by
        ],
    )?;
    let kind = crate::canonical::known("provider_contact");
    crate::canonical::record_change(
        tx,
        at,
        crate::canonical::actor_ref(&contact.recorded_by)?,
        "provider.contact_change",
        kind,
        &contact.id,
        None,
    )
}

/// Every contact, newest first.
pub fn contacts(conn: &Connection) -> Result<Vec<Contact>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, name, title, email, phone, since, recorded_by FROM provider_contact ORDER BY since DESC, id DESC",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(Contact {
            id: r.get(0)?,
            name: r.get(1)?,
            title: r.get(2)?,
            email: r.get(3)?,
            phone: r.get(4)?,
            since: r.get(5)?,
            recorded_by: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The current contact, if any was recorded.
pub fn current_contact(conn: &Connection) -> Result<Option<Contact>, StoreError> {
    Ok(contacts(conn)?.into_iter().next())
}

/// The provider profile's canonical kind (one row, id 1).
pub fn profile_kind() -> &'static crate::canonical::Kind {
    crate::canonical::kind("provider").expect("provider is a canonical kind")
}
