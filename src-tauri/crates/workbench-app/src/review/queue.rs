//! The verification queue (R4, R8): items opened by tier and SLA, the list, health, taking and
//! assigning items, re-verifications falling due.

use chrono::{DateTime, Duration, Utc};
use workbench_core::obligations::EventKind;
use workbench_core::rules::{RiskTier, RulePack};
use workbench_core::verification as rules;
use workbench_core::{CoreError, Role};
use workbench_store::review::{self as store, Show};
use workbench_store::rusqlite::Transaction;
use workbench_store::{StoreError, actors};

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

use super::*;

/// The due dates of items opened at `at`, per tier, from the pack's SLA.
pub(crate) fn due_by_tier(pack: &RulePack, at: DateTime<Utc>) -> store::DueByTier {
    [RiskTier::Low, RiskTier::Medium, RiskTier::High].map(|tier| rules::sla_due(pack, tier, at))
}

/// Opens queue items for customers that have none, in `tx` (called after an import).
pub(crate) fn enqueue_new(
    tx: &Transaction<'_>,
    pack: &RulePack,
    actor: workbench_core::ActorId,
    at: DateTime<Utc>,
) -> Result<usize, StoreError> {
    store::enqueue_new(tx, actor, at, &due_by_tier(pack, at))
}

pub(super) fn list_row(
    u: &Unlocked,
    row: store::QueueRow,
    now: DateTime<Utc>,
) -> Result<QueueListRow, AppError> {
    let me = u.actor.id;
    Ok(QueueListRow {
        past_sla: row.state != store::DONE && row.due_at < workbench_store::audit::timestamp(&now),
        mine: row.taken_by.as_deref() == Some(me.to_string().as_str()),
        assigned_to: row.assigned_to.as_deref().map(|id| u.actor_name(id)),
        taken_by: row.taken_by.as_deref().map(|id| u.actor_name(id)),
        customer_ref: row.customer_ref,
        name: row.name,
        country: row.country,
        kind: stored("kind", &row.kind)?,
        risk_tier: stored("risk_tier", &row.risk_tier)?,
        state: stored("state", &row.state)?,
        reason: stored("reason", &row.reason)?,
        opened_at: row.opened_at,
        due_at: row.due_at,
        available_at: row.available_at,
    })
}

pub(super) fn health(u: &Unlocked, now: DateTime<Utc>) -> Result<QueueHealth, AppError> {
    let h = u.workspace.db().read(|c| store::health(c, now))?;
    Ok(QueueHealth {
        ready: h.ready,
        snoozed: h.snoozed,
        awaiting_second: h.awaiting_second,
        past_sla: h.past_sla,
        oldest_opened_at: h.oldest_opened_at,
    })
}

/// The queue's health alone (dashboard, navigation count).
pub fn queue_health(ctx: &Context, session: &Session) -> Result<QueueHealth, AppError> {
    session.with(ctx, |u| health(u, ctx.clock().now()))
}

/// A page of the queue in working order.
pub fn queue_list(
    ctx: &Context,
    session: &Session,
    show: QueueShow,
    limit: i64,
    offset: i64,
) -> Result<QueuePage, AppError> {
    let show = match show {
        QueueShow::Ready => Show::Ready,
        QueueShow::Snoozed => Show::Snoozed,
        QueueShow::AwaitingSecond => Show::AwaitingSecond,
    };
    session.with(ctx, |u| {
        let now = ctx.clock().now();
        let (rows, total) =
            u.workspace.db().read(|c| store::list(c, show, now, limit.clamp(1, 500), offset.max(0)))?;
        Ok(QueuePage {
            rows: rows.into_iter().map(|r| list_row(u, r, now)).collect::<Result<_, _>>()?,
            total,
            health: health(u, now)?,
        })
    })
}

/// Opens re-verification items (R8) for customers whose re-verification falls due within the
/// pack's SLA for their tier (or is overdue), items for customers that have none, and items for
/// customers approved without identity verification under an exemption that has lapsed (R20),
/// due by their tier's SLA — and no earlier than the pack's grace — from the day it lapsed.
/// Returns how many were opened.
pub fn queue_refresh(ctx: &Context, session: &Session) -> Result<usize, AppError> {
    let view = crate::obligations::obligations_list(ctx, session)?;
    session.with(ctx, |u| {
        require_reviewer(u, "refresh the queue")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let now = ctx.clock().now();
        let by = u.actor.id;
        let horizon = now.date_naive() + Duration::days(pack.pack.verification.sla_days(RiskTier::Low));
        let verified: std::collections::HashMap<String, String> = u
            .workspace
            .db()
            .read(workbench_store::obligations::events)?
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::CustomerVerified { customer, .. } => Some((e.id, customer)),
                _ => None,
            })
            .collect();
        let due: Vec<(String, DateTime<Utc>)> = view
            .obligations
            .iter()
            .filter(|o| {
                o.kind == workbench_core::obligations::ObligationKind::Reverification
                    && o.met.is_none()
                    // R20: an exemption in force lifts the re-verification.
                    && o.status != workbench_core::obligations::Status::Lifted
                    && o.due_date <= horizon
            })
            .filter_map(|o| verified.get(&o.source_event).map(|c| (c.clone(), o.due_at)))
            .collect();
        let tz = crate::obligations::provider_tz(u)?;
        let grace = pack.pack.exemptions.as_ref().map_or(0, |e| e.lapse_grace_days);
        let lapsed: Vec<(String, store::DueByTier)> =
            crate::exemptions::lapsed_approvals(u, now.with_timezone(&tz).date_naive())?
                .into_iter()
                .map(|(customer, day)| {
                    let lapsed_at = day
                        .and_time(chrono::NaiveTime::MIN)
                        .and_local_timezone(tz)
                        .earliest()
                        .map_or(now, |t| t.with_timezone(&Utc));
                    let due =
                        due_by_tier(&pack.pack, lapsed_at).map(|d| d.max(lapsed_at + Duration::days(grace)));
                    (customer, due)
                })
                .collect();
        let opened = u.workspace.db_mut().write(|tx| {
            let mut n = enqueue_new(tx, &pack.pack, by, now)?;
            for (customer, due_at) in &due {
                if store::reopen(tx, customer, "reverification", now, *due_at, by)? {
                    n += 1;
                }
            }
            for (customer, due) in &lapsed {
                if store::reopen_by_tier(tx, customer, "exemption_lapsed", now, due, by)? {
                    n += 1;
                }
            }
            Ok(n)
        })?;
        Ok(opened)
    })
}

/// Takes the next item for the acting reviewer (assigned to them first, then by due date,
/// risk and age) and returns its review screen; `None` when the queue is empty.
pub fn queue_next(ctx: &Context, session: &Session) -> Result<Option<ReviewView>, AppError> {
    session.with(ctx, |u| {
        require_reviewer(u, "take queue items")?;
        let (now, stale) = now_and_stale(ctx);
        let me = u.actor.id;
        let next = u.workspace.db_mut().write_ephemeral(|tx| store::take_next(tx, me, now, stale))?;
        next.map(|id| review_of(u, &id, now)).transpose()
    })
}

/// Takes one chosen item (refused while another reviewer holds it).
pub fn queue_take(ctx: &Context, session: &Session, customer_ref: &str) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        require_reviewer(u, "take queue items")?;
        let (now, stale) = now_and_stale(ctx);
        let me = u.actor.id;
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        u.workspace.db_mut().write_ephemeral(|tx| store::take(tx, &id, me, now, stale))?;
        review_of(u, &id, now)
    })
}

/// Assigns queue items to a reviewer, or unassigns (officers).
pub fn queue_assign(
    ctx: &Context,
    session: &Session,
    customer_refs: &[String],
    to: Option<&str>,
) -> Result<usize, AppError> {
    session.with(ctx, |u| {
        if !u.actor.role.can_manage_actors() {
            return Err(AppError::Forbidden("only an officer may assign queue items".into()));
        }
        if let Some(to) = to {
            let id = to
                .parse()
                .map_err(|_| CoreError::invalid("reviewer", "is not a reviewer of this workspace"))?;
            let reviewer = u.workspace.db().read(|c| actors::get(c, id))?;
            if !reviewer.is_some_and(|a| a.role != Role::Viewer) {
                return Err(
                    CoreError::invalid("reviewer", "is not an active reviewer of this workspace").into()
                );
            }
        }
        let at = ctx.clock().now();
        let me = u.actor.id;
        let ids = u.workspace.db().read(|c| {
            customer_refs.iter().map(|r| store::customer_id(c, r)).collect::<Result<Vec<_>, _>>()
        })?;
        Ok(u.workspace.db_mut().write(|tx| store::assign(tx, &ids, to, me, at))?)
    })
}
