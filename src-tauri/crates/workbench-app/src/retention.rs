//! Record retention (R10): closing an account starts its retention clock (an obligation on the
//! calendar); once the pack's years have passed since the later of closure and last access, an
//! officer may purge the customer's records. The purge deletes every row and vault file of the
//! customer in one transaction; the audit chain keeps a digest of what was purged, never the data.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::customer::AccountState;
use workbench_core::obligations::{Event, EventKind};
use workbench_core::{CoreError, EventId};
use workbench_store::customers as store;
use workbench_store::evidence;

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

/// A customer whose records may be purged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PurgeCandidate {
    /// Reference.
    pub customer_ref: String,
    /// Name.
    pub name: String,
    /// The later of closure and last access (YYYY-MM-DD).
    pub latest: String,
    /// Records must be kept until this day (inclusive).
    pub retain_until: String,
}

/// The retention rule in force and the customers past it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RetentionView {
    /// Years to keep records after closure / last access (the pack's).
    pub years: u32,
    /// The pack marks the value as assumed.
    pub assumed: bool,
    /// Customers past retention, oldest first.
    pub candidates: Vec<PurgeCandidate>,
}

fn retain_until(latest: NaiveDate, years: u32) -> NaiveDate {
    // 29 February + whole years falls back to 28 February, as the obligations engine counts.
    latest.checked_add_months(Months::new(years * 12)).unwrap_or(latest.with_day(28).unwrap_or(latest))
}

/// Customers whose records are past retention today (provider calendar date in UTC terms).
pub fn retention_list(ctx: &Context, session: &Session) -> Result<RetentionView, AppError> {
    session.with(ctx, |u| {
        let (pack, _) = crate::obligations::active_pack(u)?;
        let retention = &pack.pack.records.retention;
        let today = ctx.clock().now().date_naive();
        // Anything closed after this day cannot be past retention yet.
        let horizon = today.checked_sub_months(Months::new(retention.years * 12)).unwrap_or(today);
        let rows = u
            .workspace
            .db()
            .read(|c| store::closed_before(c, &horizon.succ_opt().unwrap_or(horizon).to_string()))?;
        let candidates = rows
            .into_iter()
            .filter_map(|r| {
                let latest = NaiveDate::parse_from_str(&r.latest, "%Y-%m-%d").ok()?;
                let until = retain_until(latest, retention.years);
                (until < today).then(|| PurgeCandidate {
                    customer_ref: r.customer_ref,
                    name: r.name,
                    latest: r.latest,
                    retain_until: until.to_string(),
                })
            })
            .collect();
        Ok(RetentionView { years: retention.years, assumed: retention.assumed, candidates })
    })
}

/// Purges the records of customers past retention (officers, confirmed by their passphrase).
/// All of them or none; returns how many were purged.
pub fn retention_purge(
    ctx: &Context,
    session: &Session,
    customer_refs: &[String],
    passphrase: &str,
) -> Result<usize, AppError> {
    if customer_refs.is_empty() {
        return Err(CoreError::invalid("customers", "choose at least one customer").into());
    }
    let due = retention_list(ctx, session)?;
    session.with(ctx, |u| {
        if !u.actor.role.can_manage_actors() {
            return Err(AppError::Forbidden("only an officer may purge records".into()));
        }
        u.workspace.check_actor(u.actor.id, passphrase)?;
        for r in customer_refs {
            if !due.candidates.iter().any(|c| &c.customer_ref == r) {
                return Err(CoreError::invalid("customers", format!("{r} is not past retention")).into());
            }
        }
        let at = ctx.clock().now();
        let me = u.actor.id;
        let mut ids = Vec::new();
        for r in customer_refs {
            ids.push(u.workspace.db().read(|c| workbench_store::review::customer_id(c, r))?);
        }
        let files = u.workspace.db_mut().write(|tx| {
            let mut files = Vec::new();
            for id in &ids {
                files.extend(store::purge(tx, id, me, at)?);
            }
            Ok(files)
        })?;
        evidence::remove_files(&u.workspace, &files);
        Ok(ids.len())
    })
}

/// What closing an account needs.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct CloseAccount {
    /// The account.
    pub account_ref: String,
    /// Why (kept with the state change).
    pub reason: String,
}

/// Closes an account (R6) and starts its retention clock (R10): the calendar shows when its
/// records may be purged.
pub fn account_close(ctx: &Context, session: &Session, request: &CloseAccount) -> Result<(), AppError> {
    let reason = request.reason.trim();
    if reason.is_empty() {
        return Err(CoreError::invalid("reason", "say why the account is closed").into());
    }
    session.with(ctx, |u| {
        if u.actor.role == workbench_core::Role::Viewer {
            return Err(AppError::Forbidden("a viewer cannot close accounts".into()));
        }
        let at = ctx.clock().now();
        let me = u.actor.id;
        let last_access: Option<String> = u.workspace.db().read(|c| {
            Ok(c.query_row(
                "SELECT max(substr(i.accessed_at, 1, 10)) FROM ip_access i JOIN account a ON a.id = i.account_id \
                 WHERE a.account_ref = ?1",
                [&request.account_ref],
                |r| r.get(0),
            )?)
        })?;
        let today = at.date_naive();
        let last_access_on = last_access
            .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
            .unwrap_or(today);
        u.workspace.db_mut().write(|tx| {
            store::set_state(tx, &request.account_ref, AccountState::Closed, reason, me, at)?;
            let event = Event {
                id: EventId::new().to_string(),
                occurred_at: at,
                kind: EventKind::AccountActivity {
                    account: request.account_ref.clone(),
                    closed_on: Some(today),
                    last_access_on,
                },
            };
            crate::obligations::record(tx, &event, me, at)
        })?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_counts_whole_years_with_29_february_falling_back() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(retain_until(d("2024-02-29"), 2), d("2026-02-28"));
        assert_eq!(retain_until(d("2024-06-30"), 2), d("2026-06-30"));
    }
}
