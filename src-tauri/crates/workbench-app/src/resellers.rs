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
use crate::session::Session;

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
        u.require_officer("register resellers")?;
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
        u.require_officer("change a reseller's contact")?;
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

/// A non-compliance finding about a reseller (R19).
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    /// Reseller.
    pub reseller_ref: String,
    /// When the provider learned of it (the R19 clock starts here).
    #[ts(type = "string")]
    pub aware_on: chrono::NaiveDate,
}

/// Records that a reseller does not comply (R19): it goes under remediation (the supply gate
/// closes) and the pack's termination deadline starts from the day of awareness.
pub fn reseller_finding(ctx: &Context, session: &Session, finding: &Finding) -> Result<(), AppError> {
    let now = ctx.clock().now();
    if finding.aware_on > now.date_naive() {
        return Err(CoreError::invalid("aware_on", "cannot be in the future").into());
    }
    session.with(ctx, |u| {
        u.require_officer("record a non-compliance finding")?;
        let me = u.actor.id.to_string();
        let occurred_at = finding.aware_on.and_hms_opt(12, 0, 0).map_or(now, |t| t.and_utc());
        u.workspace.db_mut().write(|tx| {
            store::set_status(tx, &finding.reseller_ref, ResellerStatus::UnderRemediation, &me, now)?;
            let event = Event {
                id: EventId::new().to_string(),
                occurred_at,
                kind: EventKind::ResellerNonCompliance { reseller: finding.reseller_ref.clone() },
            };
            crate::obligations::record(tx, &event, &me, now)
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

/// Sets a reseller's status (officers). Under remediation or terminated, the supply gate closes;
/// terminating meets the reseller's open R19 termination deadlines.
pub fn reseller_set_status(ctx: &Context, session: &Session, change: &StatusChange) -> Result<(), AppError> {
    session.with(ctx, |u| {
        u.require_officer("change a reseller's status")?;
        let at = ctx.clock().now();
        let me = u.actor.id.to_string();
        u.workspace
            .db_mut()
            .write(|tx| store::set_status(tx, &change.reseller_ref, change.status, &me, at))?;
        Ok(())
    })?;
    if change.status != ResellerStatus::Terminated {
        return Ok(());
    }
    // Terminating meets the open R19 deadlines raised by findings about this reseller.
    let findings: Vec<String> = session.with(ctx, |u| {
        Ok(u.workspace
            .db()
            .read(workbench_store::obligations::events)?
            .into_iter()
            .filter(|e| matches!(&e.kind, EventKind::ResellerNonCompliance { reseller } if *reseller == change.reseller_ref))
            .map(|e| e.id)
            .collect())
    })?;
    let view = crate::obligations::obligations_list(ctx, session)?;
    for o in view.obligations.iter().filter(|o| {
        o.kind == workbench_core::obligations::ObligationKind::ResellerTermination
            && o.met.is_none()
            && findings.contains(&o.source_event)
    }) {
        crate::obligations::obligation_meet(
            ctx,
            session,
            &o.key,
            &format!("{} terminated", change.reseller_ref),
        )?;
    }
    Ok(())
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
