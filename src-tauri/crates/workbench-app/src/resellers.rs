//! The reseller register (R17–R19, R25): add resellers, change their primary CIP contact (an R14
//! change notice), set their status — and the supply gate that keeps new customer accounts away
//! from a reseller under remediation or terminated.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::obligations::{Event, EventKind};
use workbench_core::reseller::{NewReseller, ResellerContact, ResellerStatus, validate_contact};
use workbench_core::{CoreError, EventId};
use workbench_store::resellers as store;

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// A reseller as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ResellerView {
    /// Reference.
    pub reseller_ref: String,
    /// Legal name.
    pub legal_name: String,
    /// Country.
    pub country: String,
    /// Registration ids.
    pub registration_ids: String,
    /// Agreement start.
    pub agreement_start: String,
    /// Agreement end.
    pub agreement_end: Option<String>,
    /// Status.
    pub status: ResellerStatus,
    /// Primary CIP contact.
    pub contact: Option<ResellerContact>,
    /// Customers that came through it.
    #[ts(type = "number")]
    pub customers: i64,
}

fn require_officer(u: &Unlocked, what: &str) -> Result<(), AppError> {
    if u.actor.role.can_manage_actors() {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("only an officer may {what}")))
    }
}

/// Every registered reseller.
pub fn reseller_list(ctx: &Context, session: &Session) -> Result<Vec<ResellerView>, AppError> {
    session.with(ctx, |u| {
        let rows = u.workspace.db().read(store::list)?;
        Ok(rows
            .into_iter()
            .map(|r| ResellerView {
                status: ResellerStatus::from_code(&r.status).unwrap_or(ResellerStatus::Active),
                reseller_ref: r.reseller_ref,
                legal_name: r.legal_name,
                country: r.country,
                registration_ids: r.registration_ids,
                agreement_start: r.agreement_start,
                agreement_end: r.agreement_end,
                contact: r.contact,
                customers: r.customers,
            })
            .collect())
    })
}

/// Registers a reseller (officers).
pub fn reseller_add(ctx: &Context, session: &Session, new: &NewReseller) -> Result<(), AppError> {
    let valid = new.clone().validate()?;
    session.with(ctx, |u| {
        require_officer(u, "register resellers")?;
        let at = ctx.clock().now();
        let me = u.actor.id.to_string();
        u.workspace.db_mut().write(|tx| store::insert(tx, &valid, &me, at))?;
        Ok(())
    })
}

/// A new primary CIP contact for a reseller: recorded with its history, and an R14 change
/// notice falls due.
pub fn reseller_contact_change(
    ctx: &Context,
    session: &Session,
    reseller_ref: &str,
    contact: &ResellerContact,
) -> Result<(), AppError> {
    session.with(ctx, |u| {
        require_officer(u, "change a reseller's contact")?;
        let listed = u.workspace.db().read(store::list)?;
        let reseller = listed.iter().find(|r| r.reseller_ref == reseller_ref).ok_or_else(|| {
            CoreError::invalid("reseller_ref", format!("no reseller {reseller_ref} in the register"))
        })?;
        let mut contact = contact.clone();
        validate_contact(&mut contact, &reseller.country).map_err(CoreError::Invalid)?;
        let at = ctx.clock().now();
        let me = u.actor.id.to_string();
        u.workspace.db_mut().write(|tx| {
            store::change_contact(tx, reseller_ref, &contact, &me, at)?;
            let event = Event {
                id: EventId::new().to_string(),
                occurred_at: at,
                kind: EventKind::ResellerContactChanged { reseller: reseller_ref.to_owned() },
            };
            crate::obligations::record(tx, &event, &me, at)
        })?;
        Ok(())
    })
}

/// What a status change says.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct StatusChange {
    /// Reseller.
    pub reseller_ref: String,
    /// New status.
    pub status: ResellerStatus,
}

/// Sets a reseller's status (officers). Under remediation or terminated, the supply gate closes.
pub fn reseller_set_status(ctx: &Context, session: &Session, change: &StatusChange) -> Result<(), AppError> {
    session.with(ctx, |u| {
        require_officer(u, "change a reseller's status")?;
        let at = ctx.clock().now();
        let me = u.actor.id.to_string();
        u.workspace
            .db_mut()
            .write(|tx| store::set_status(tx, &change.reseller_ref, change.status, &me, at))?;
        Ok(())
    })
}

/// The supply gate over an import: each row naming a registered reseller that may not bring new
/// accounts is an error naming the row and the reason. Unregistered references pass (the register
/// may not be complete yet).
pub(crate) fn gate(
    conn: &workbench_store::rusqlite::Connection,
    rows: &[workbench_core::import::ImportedCustomer],
) -> Result<Vec<workbench_core::import::RowError>, workbench_store::StoreError> {
    let refs: Vec<&str> = rows.iter().filter_map(|r| r.reseller_ref.as_deref()).collect();
    let statuses = store::statuses(conn, &refs)?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let reseller = r.reseller_ref.as_deref()?;
            let (_, status) = statuses.iter().find(|(s, _)| s == reseller)?;
            let Err(CoreError::Invalid(fields)) = status.check_new_account(reseller) else { return None };
            let field = fields.into_iter().next()?;
            Some(workbench_core::import::RowError { row: r.row, column: field.field, message: field.problem })
        })
        .collect())
}
