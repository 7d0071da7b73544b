//! Exemptions granted by Commerce (R20): recorded with their decision in the vault, listed with
//! where each stands today, and applied — through the obligations engine, which lifts what an
//! exemption in force covers and brings it back when it lapses, and through the certification
//! counts, which leave out accounts of an exempt account type.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;
use workbench_core::CoreError;
use workbench_core::exemption::{self as rules, ExemptionInput, Scope, Standing};
use workbench_store::exemptions as store;

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// One exemption with where it stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExemptionView {
    /// Id.
    pub id: String,
    /// What it covers, in words.
    pub scope: String,
    /// provider | account_type | reseller.
    pub scope_kind: String,
    /// The account type or the reseller's reference.
    pub name: String,
    /// First day in force.
    pub starts_on: String,
    /// Last day in force, if it ends.
    pub ends_on: Option<String>,
    /// Commerce's conditions.
    pub conditions: String,
    /// Commerce's reference.
    pub reference: String,
    /// The decision in the vault.
    pub evidence_id: Option<String>,
    /// Pending, in force or lapsed, today.
    pub standing: Standing,
    /// What it lifts under the active pack (obligation kinds), in words.
    pub lifts: Vec<String>,
    /// Recorded by (name).
    pub recorded_by: String,
    /// Each change of its last day since it was recorded (Commerce ended it before its term, or
    /// the day was corrected), oldest first, in words.
    pub ended: Vec<String>,
}

/// Every exemption, the latest start first.
pub fn exemptions_list(ctx: &Context, session: &Session) -> Result<Vec<ExemptionView>, AppError> {
    session.with(ctx, |u| {
        let (pack, _) = crate::obligations::active_pack(u)?;
        let today = crate::obligations::today(ctx, u)?;
        let rows = u.workspace.db().read(store::list)?;
        let ends = u.workspace.db().read(store::ends)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let e = &r.exemption;
                let (kind, name) = e.scope.parts();
                let lifts = pack.pack.exemptions.as_ref().map_or_else(Vec::new, |x| {
                    // An account type's customers also need no identity verification (see
                    // `customer_exemption`).
                    let identity =
                        (kind == "account_type").then(|| "Verify the customers' identity".to_owned());
                    identity
                        .into_iter()
                        .chain(
                            x.lifts(&e.scope)
                                .iter()
                                .filter_map(|c| workbench_core::obligations::ObligationKind::from_code(c))
                                .map(|k| k.label().to_owned()),
                        )
                        .collect()
                });
                ExemptionView {
                    id: e.id.clone(),
                    scope: e.scope.describe(),
                    scope_kind: kind.to_owned(),
                    name: name.to_owned(),
                    starts_on: e.starts_on.to_string(),
                    ends_on: e.ends_on.map(|d| d.to_string()),
                    conditions: r.conditions.clone(),
                    reference: e.reference.clone(),
                    evidence_id: r.evidence_id.clone(),
                    standing: e.standing(today),
                    lifts,
                    recorded_by: u.actor_name(&r.recorded_by),
                    ended: ends
                        .iter()
                        .filter(|x| x.exemption_id == e.id)
                        .map(|x| {
                            format!(
                                "Last day {} (was {}), recorded {} by {}: {}",
                                x.ends_on,
                                x.ends_on_before.as_deref().unwrap_or("until revoked"),
                                x.recorded_at.get(..10).unwrap_or(&x.recorded_at),
                                u.actor_name(&x.recorded_by),
                                x.reason
                            )
                        })
                        .collect(),
                }
            })
            .collect())
    })
}

/// Records an exemption (officers) from the form, with Commerce's decision (a PDF or an image)
/// in the vault when given. The reseller or account type it names must exist; nothing is stored
/// when a field is wrong.
///
/// # Errors
/// [`CoreError::Invalid`] naming each bad field; not an officer; a locked workspace.
pub fn exemption_add(
    ctx: &Context,
    session: &Session,
    input: &ExemptionInput,
    decision: Option<&Path>,
) -> Result<ExemptionView, AppError> {
    let scope = input.check()?;
    let document = decision
        .map(|p| crate::documents::Document::read(ctx, session, p, "decision", "decision"))
        .transpose()?;
    let id = session.with(ctx, |u| {
        u.require_officer("record exemptions")?;
        check_scope_exists(u, &scope)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let evidence_id = document.as_ref().map(|d| d.store(u, at)).transpose()?;
        let new = store::NewExemption {
            scope: &scope,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            conditions: &input.conditions,
            reference: &input.reference,
            evidence_id: evidence_id.as_deref(),
        };
        Ok(u.workspace.db_mut().write(|tx| store::insert(tx, &new, me, at))?)
    })?;
    exemptions_list(ctx, session)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| CoreError::invalid("exemption", "was not stored").into())
}

/// Ends an exemption before its term — Commerce revoked it — or corrects its last day
/// (officers). From the day after, what it lifted is owed again after the pack's grace, and a
/// customer approved under it goes back to the queue (R20). The old day and the reason are kept.
///
/// # Errors
/// [`CoreError::Invalid`] on `exemption` (unknown), `ends_on` (before the start, or unchanged) or
/// `reason` (empty), nothing stored; not an officer; a locked workspace.
pub fn exemption_end(
    ctx: &Context,
    session: &Session,
    id: &str,
    input: &rules::ExemptionEndInput,
) -> Result<ExemptionView, AppError> {
    session.with(ctx, |u| {
        u.require_officer("end exemptions")?;
        let exemption = u
            .workspace
            .db()
            .read(store::list)?
            .into_iter()
            .map(|r| r.exemption)
            .find(|e| e.id == id)
            .ok_or_else(|| CoreError::invalid("exemption", format!("there is no exemption {id}")))?;
        input.check(&exemption)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        Ok(u.workspace.db_mut().write(|tx| store::end(tx, id, input.ends_on, &input.reason, me, at))?)
    })?;
    exemptions_list(ctx, session)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| CoreError::invalid("exemption", "was not stored").into())
}

/// Checks that the reseller or account type a scope names exists in the records.
///
/// # Errors
/// [`CoreError::Invalid`] on field `name`.
pub(crate) fn check_scope_exists(u: &Unlocked, scope: &Scope) -> Result<(), AppError> {
    let db = u.workspace.db();
    match scope {
        Scope::Provider => Ok(()),
        Scope::Reseller(reference) => {
            if db.read(|c| workbench_store::resellers::statuses(c, &[reference.as_str()]))?.is_empty() {
                Err(CoreError::invalid("name", "is not a foreign reseller in the register").into())
            } else {
                Ok(())
            }
        }
        Scope::AccountType(kind) => {
            if db.read(|c| store::account_type_exists(c, kind))? {
                Ok(())
            } else {
                Err(CoreError::invalid(
                    "name",
                    "no account is of this type (the customers file's account_type column)",
                )
                .into())
            }
        }
    }
}

/// Records an exemption from a TOML file (`cip-workbench exemptions add FILE`).
///
/// # Errors
/// As [`exemption_add`], and the file unreadable.
pub fn exemption_add_file(
    ctx: &Context,
    session: &Session,
    path: &Path,
    decision: Option<&Path>,
) -> Result<ExemptionView, AppError> {
    let bytes = crate::limits::read_import(path)?;
    let text = String::from_utf8(bytes).map_err(|_| CoreError::invalid("file", "is not UTF-8 text"))?;
    let (input, _) = rules::parse(&text)?;
    exemption_add(ctx, session, &input, decision)
}

/// The exemptions as the engine applies them, and each customer's account type.
pub(crate) fn in_effect(
    u: &Unlocked,
) -> Result<(Vec<workbench_core::exemption::Exemption>, std::collections::HashMap<String, String>), AppError>
{
    let db = u.workspace.db();
    let exemptions = db.read(store::list)?.into_iter().map(|r| r.exemption).collect();
    let types = db.read(store::customer_account_types)?.into_iter().collect();
    Ok((exemptions, types))
}

/// The account types an exemption in force covers today, when the pack lets exemptions apply.
pub(crate) fn exempt_account_types(ctx: &Context, u: &Unlocked) -> Result<Vec<String>, AppError> {
    let (pack, _) = crate::obligations::active_pack(u)?;
    if pack.pack.exemptions.is_none() {
        return Ok(Vec::new());
    }
    let today = crate::obligations::today(ctx, u)?;
    let mut types: Vec<String> = u
        .workspace
        .db()
        .read(store::list)?
        .into_iter()
        .filter(|r| r.exemption.standing(today) == Standing::InForce)
        .filter_map(|r| match r.exemption.scope {
            Scope::AccountType(t) => Some(t),
            _ => None,
        })
        .collect();
    types.sort();
    types.dedup();
    Ok(types)
}

/// An exemption in force under which a customer needs no identity verification (R20).
pub(crate) struct CustomerExemption {
    /// The exemption's id.
    pub(crate) id: String,
    /// Why, in words for the review screen.
    pub(crate) reason: String,
}

/// The exemption under which a customer needs no identity verification, when every account of it
/// is of an account type an exemption in force on `today` covers (R20) and the active `pack` lets
/// exemptions apply.
pub(crate) fn customer_exemption(
    u: &Unlocked,
    pack: &workbench_core::rules::RulePack,
    customer_id: &str,
    today: chrono::NaiveDate,
) -> Result<Option<CustomerExemption>, AppError> {
    if pack.exemptions.is_none() {
        return Ok(None);
    }
    let db = u.workspace.db();
    let Some(kind) = db.read(|c| store::customer_account_type(c, customer_id))? else {
        return Ok(None);
    };
    Ok(db
        .read(store::list)?
        .into_iter()
        .map(|r| r.exemption)
        .find(|e| e.scope == Scope::AccountType(kind.clone()) && e.standing(today) == Standing::InForce)
        .map(|e| {
            let until = e.until();
            CustomerExemption {
                reason: format!(
                    "Exemption {} covers account type {kind} ({until}): identity verification is not required (R20).",
                    e.reference
                ),
                id: e.id,
            }
        }))
}

/// Customers approved without identity verification under an exemption that is no longer in
/// force on `today` (R20): `(customer id, the day its identity became owed again)`.
pub(crate) fn lapsed_approvals(
    u: &Unlocked,
    today: chrono::NaiveDate,
) -> Result<Vec<(String, chrono::NaiveDate)>, AppError> {
    let db = u.workspace.db();
    let approved = db.read(workbench_store::review::approved_under_exemption)?;
    if approved.is_empty() {
        return Ok(Vec::new());
    }
    let exemptions: std::collections::HashMap<String, workbench_core::exemption::Exemption> =
        db.read(store::list)?.into_iter().map(|r| (r.exemption.id.clone(), r.exemption)).collect();
    Ok(approved
        .into_iter()
        .filter_map(|(customer, exemption_id)| {
            let e = exemptions.get(&exemption_id)?;
            (e.standing(today) == Standing::Lapsed)
                .then(|| (customer, e.ends_on.map_or(today, |end| end + chrono::Days::new(1))))
        })
        .collect())
}
