//! The reviewer's work (R3–R6, R8): the verification queue, the review screen's data, evidence,
//! element checks, U.S.-person determinations and decisions with four eyes on refusals.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::customer::{AccountState, CustomerKind, UsPerson};
use workbench_core::import::{ImportedOwner, owner_warnings};
use workbench_core::obligations::{Event, EventKind};
use workbench_core::rules::{RefusalReason, RiskTier, RulePack};
use workbench_core::verification::{self as rules, DecisionKind, Element, Method, Outcome};
use workbench_core::{CoreError, EventId, Role};
use workbench_store::customers::{self as customers_store, CustomerDetail};
use workbench_store::evidence::{self, NewEvidence};
use workbench_store::review::{self as store, NewCheck, NewDecision, Show};
use workbench_store::rusqlite::Transaction;
use workbench_store::{StoreError, actors};

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// A reviewer's lock on a queue item lapses after this long without a decision, so an item left
/// open on a laptop that went home does not stay hidden from the others.
pub const LOCK_LAPSES_AFTER_MINUTES: i64 = 30;

/// Queue health (the dashboard's panel and the queue's header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QueueHealth {
    /// Waiting and available now.
    #[ts(type = "number")]
    pub ready: i64,
    /// Sleeping until more information arrives.
    #[ts(type = "number")]
    pub snoozed: i64,
    /// Refusals waiting for a second reviewer.
    #[ts(type = "number")]
    pub awaiting_second: i64,
    /// Open items past their SLA.
    #[ts(type = "number")]
    pub past_sla: i64,
    /// When the oldest open item was opened.
    pub oldest_opened_at: Option<String>,
}

/// One queue row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QueueListRow {
    /// Customer reference.
    pub customer_ref: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// individual | entity.
    pub kind: String,
    /// Risk tier.
    pub risk_tier: String,
    /// waiting | awaiting_second | done.
    pub state: String,
    /// onboarding | reverification | new_owner.
    pub reason: String,
    /// Opened.
    pub opened_at: String,
    /// SLA due.
    pub due_at: String,
    /// Asleep until (more information asked for).
    pub available_at: String,
    /// Assigned reviewer's name.
    pub assigned_to: Option<String>,
    /// Reviewer holding it.
    pub taken_by: Option<String>,
    /// Held by the acting reviewer.
    pub mine: bool,
    /// Past its SLA.
    pub past_sla: bool,
}

/// Which part of the queue to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QueueShow {
    /// Ready for review.
    Ready,
    /// Asleep (more information asked for).
    Snoozed,
    /// Refusals waiting for a second reviewer.
    AwaitingSecond,
}

/// A page of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QueuePage {
    /// Rows in working order (due date, risk, age).
    pub rows: Vec<QueueListRow>,
    /// How many in all.
    #[ts(type = "number")]
    pub total: i64,
    /// The whole queue's health.
    pub health: QueueHealth,
}

/// One element on the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ElementRow {
    /// Element.
    pub element: Element,
    /// Label.
    pub label: String,
    /// What the record says, shortly.
    pub summary: String,
    /// Approval needs it verified (the pack says).
    pub required: bool,
    /// Newest outcome.
    pub outcome: Option<Outcome>,
    /// Method of the newest check.
    pub method: Option<Method>,
    /// Reviewer's name.
    pub reviewer: Option<String>,
    /// When.
    pub at: Option<String>,
    /// A warning for the reviewer (e.g. R5 ownership).
    pub warning: Option<String>,
}

/// A file attached to a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EvidenceView {
    /// Id.
    pub id: String,
    /// Name as attached.
    pub original_name: String,
    /// Media type.
    pub media_type: String,
    /// Size.
    #[ts(type = "number")]
    pub size_bytes: u64,
    /// The element it serves (may be empty).
    pub element: String,
    /// Added by (name).
    pub added_by: String,
    /// When.
    pub added_at: String,
    /// SHA-256 of the plaintext.
    pub sha256: String,
}

/// A decision on the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DecisionView {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: String,
    /// Refusal reason code.
    pub reason_code: String,
    /// Its title in the active pack.
    pub reason_title: String,
    /// Note.
    pub note: String,
    /// More information: asleep until.
    pub until: Option<String>,
    /// Decided by (name).
    pub decided_by: String,
    /// Decided by (id).
    pub decided_by_id: String,
    /// When.
    pub decided_at: String,
    /// final | awaiting_second | declined.
    pub status: String,
    /// Second reviewer (name).
    pub second_by: Option<String>,
    /// When.
    pub second_at: Option<String>,
}

/// An account on the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AccountView {
    /// Reference.
    pub account_ref: String,
    /// State.
    pub state: String,
    /// Means of payment.
    pub payment_method: String,
    /// Card last four.
    pub payment_last4: String,
    /// Source of payment.
    pub payment_source: String,
    /// Opened.
    pub opened_on: String,
    /// IP accesses.
    #[ts(type = "number")]
    pub ip_accesses: i64,
    /// Of which admin.
    #[ts(type = "number")]
    pub ip_admin: i64,
}

/// A beneficial owner on the review screen.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OwnerView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// Percent.
    pub ownership_pct: Option<f64>,
    /// Control prong.
    pub control: bool,
    /// U.S.-person status.
    pub us_person: String,
    /// At or over the pack's threshold, or control (R5).
    pub beneficial: bool,
}

/// A customer notice (R9) on the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NoticeView {
    /// Id.
    pub id: String,
    /// The PDF in the vault (viewable like evidence).
    pub evidence_id: String,
    /// Rendered.
    pub rendered_at: String,
    /// By (name).
    pub rendered_by: String,
    /// Sent on (YYYY-MM-DD).
    pub sent_on: Option<String>,
    /// Acknowledged on (YYYY-MM-DD).
    pub acknowledged_on: Option<String>,
}

/// Everything the review screen shows for one customer.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReviewView {
    /// Reference.
    pub customer_ref: String,
    /// Name.
    pub name: String,
    /// individual | entity.
    pub kind: String,
    /// Country.
    pub country: String,
    /// Risk tier.
    pub risk_tier: String,
    /// yes | no | undetermined.
    pub us_person: String,
    /// The newest determination's reason (R3).
    pub us_person_reason: Option<String>,
    /// Reseller.
    pub reseller_ref: Option<String>,
    /// Address, one line.
    pub address: String,
    /// Emails.
    pub emails: Vec<String>,
    /// Phones.
    pub phones: Vec<String>,
    /// Accounts.
    pub accounts: Vec<AccountView>,
    /// Beneficial owners.
    pub owners: Vec<OwnerView>,
    /// Elements with their checks.
    pub elements: Vec<ElementRow>,
    /// Attached evidence.
    pub evidence: Vec<EvidenceView>,
    /// Decisions, oldest first.
    pub decisions: Vec<DecisionView>,
    /// The queue item.
    pub queue: Option<QueueListRow>,
    /// Why approval is not possible yet (empty: it is).
    pub approval_blockers: Vec<String>,
    /// A refusal waiting for its second reviewer.
    pub pending_refusal: Option<DecisionView>,
    /// The acting reviewer holds the item.
    pub held_by_me: bool,
    /// Methods the CIP accepts.
    pub methods: Vec<Method>,
    /// Refusal reasons of the pack.
    pub refusal_reasons: Vec<RefusalReason>,
    /// Notices given (R9).
    pub notices: Vec<NoticeView>,
}

fn now_and_stale(ctx: &Context) -> (DateTime<Utc>, DateTime<Utc>) {
    let now = ctx.clock().now();
    (now, now - Duration::minutes(LOCK_LAPSES_AFTER_MINUTES))
}

fn require_reviewer(u: &Unlocked, what: &str) -> Result<(), AppError> {
    if u.actor.role == Role::Viewer {
        Err(AppError::Forbidden(format!("a viewer cannot {what}")))
    } else {
        Ok(())
    }
}

/// The due dates of items opened at `at`, per tier, from the pack's SLA.
pub(crate) fn due_by_tier(pack: &RulePack, at: DateTime<Utc>) -> store::DueByTier {
    [RiskTier::Low, RiskTier::Medium, RiskTier::High].map(|tier| rules::sla_due(pack, tier, at))
}

/// Opens queue items for customers that have none, in `tx` (called after an import).
pub(crate) fn enqueue_new(
    tx: &Transaction<'_>,
    pack: &RulePack,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<usize, StoreError> {
    store::enqueue_new(tx, actor, at, &due_by_tier(pack, at))
}

fn list_row(u: &Unlocked, row: store::QueueRow, now: DateTime<Utc>) -> QueueListRow {
    let me = u.actor.id.to_string();
    QueueListRow {
        past_sla: row.state != store::DONE && row.due_at < workbench_store::audit::timestamp(&now),
        mine: row.taken_by.as_deref() == Some(me.as_str()),
        assigned_to: row.assigned_to.as_deref().map(|id| u.actor_name(id)),
        taken_by: row.taken_by.as_deref().map(|id| u.actor_name(id)),
        customer_ref: row.customer_ref,
        name: row.name,
        country: row.country,
        kind: row.kind,
        risk_tier: row.risk_tier,
        state: row.state,
        reason: row.reason,
        opened_at: row.opened_at,
        due_at: row.due_at,
        available_at: row.available_at,
    }
}

fn health(u: &Unlocked, now: DateTime<Utc>) -> Result<QueueHealth, AppError> {
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
            rows: rows.into_iter().map(|r| list_row(u, r, now)).collect(),
            total,
            health: health(u, now)?,
        })
    })
}

/// Opens re-verification items (R8) for customers whose re-verification falls due within the
/// pack's SLA for their tier (or is overdue), and items for customers that have none. Returns
/// how many were opened.
pub fn queue_refresh(ctx: &Context, session: &Session) -> Result<usize, AppError> {
    let view = crate::obligations::obligations_list(ctx, session)?;
    session.with(ctx, |u| {
        require_reviewer(u, "refresh the queue")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let now = ctx.clock().now();
        let by = u.actor.id.to_string();
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
                    && o.due_date <= horizon
            })
            .filter_map(|o| verified.get(&o.source_event).map(|c| (c.clone(), o.due_at)))
            .collect();
        let opened = u.workspace.db_mut().write(|tx| {
            let mut n = enqueue_new(tx, &pack.pack, &by, now)?;
            for (customer, due_at) in &due {
                if store::reopen(tx, customer, "reverification", now, *due_at, &by)? {
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
        let me = u.actor.id.to_string();
        let next = u.workspace.db_mut().write_ephemeral(|tx| store::take_next(tx, &me, now, stale))?;
        next.map(|id| review_of(u, &id, now)).transpose()
    })
}

/// Takes one chosen item (refused while another reviewer holds it).
pub fn queue_take(ctx: &Context, session: &Session, customer_ref: &str) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        require_reviewer(u, "take queue items")?;
        let (now, stale) = now_and_stale(ctx);
        let me = u.actor.id.to_string();
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        u.workspace.db_mut().write_ephemeral(|tx| store::take(tx, &id, &me, now, stale))?;
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
        let me = u.actor.id.to_string();
        let ids = u.workspace.db().read(|c| {
            customer_refs.iter().map(|r| store::customer_id(c, r)).collect::<Result<Vec<_>, _>>()
        })?;
        Ok(u.workspace.db_mut().write(|tx| store::assign(tx, &ids, to, &me, at))?)
    })
}

/// The review screen of one customer (read only; does not take the item).
pub fn review_get(ctx: &Context, session: &Session, customer_ref: &str) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        review_of(u, &id, ctx.clock().now())
    })
}

fn owner_for_warnings(index: usize, o: &workbench_store::customers::OwnerDetail) -> ImportedOwner {
    let split = |s: &str| s.split(';').filter(|p| !p.trim().is_empty()).map(str::to_owned).collect();
    ImportedOwner {
        row: index as u64 + 1,
        customer_ref: String::new(),
        name: o.name.clone(),
        country: o.country.clone(),
        ownership_pct: o.ownership_pct,
        control: o.control,
        us_person: UsPerson::Undetermined,
        emails: split(&o.emails),
        phones: split(&o.phones),
        address_line1: o.address_line1.clone(),
        city: o.city.clone(),
        postal_code: o.postal_code.clone(),
    }
}

/// The postal address on one line: street, postal code and town, region, country.
fn one_line_address(d: &CustomerDetail) -> String {
    let town = format!("{} {}", d.postal_code, d.city);
    [
        d.address_line1.as_str(),
        d.address_line2.as_str(),
        town.trim(),
        d.region.as_str(),
        d.row.country.as_str(),
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

fn summaries(d: &CustomerDetail, evidence: &[EvidenceView], threshold: f64) -> Vec<(Element, String)> {
    let first_and_more = |items: &[String]| match items {
        [] => "none recorded".to_owned(),
        [one] => one.clone(),
        [one, rest @ ..] => format!("{one} (+{})", rest.len()),
    };
    let accesses: i64 = d.accounts.iter().map(|a| a.ip_accesses).sum();
    let admin: i64 = d.accounts.iter().map(|a| a.ip_admin).sum();
    let payment = d.accounts.first().map_or_else(
        || "no account".to_owned(),
        |a| {
            let last4 = if a.payment_last4.is_empty() {
                String::new()
            } else {
                format!(" ••{}", a.payment_last4)
            };
            let network =
                if a.payment_network.is_empty() { String::new() } else { format!(" {}", a.payment_network) };
            format!("{}{network}{last4} · {}", a.payment_method, a.payment_source)
        },
    );
    let documents = evidence.iter().filter(|e| e.element == Element::IdentityDocument.code()).count();
    let beneficial =
        d.owners.iter().filter(|o| o.control || o.ownership_pct.is_some_and(|p| p >= threshold)).count();
    Element::ALL
        .into_iter()
        .map(|e| {
            let text = match e {
                Element::Name => d.row.name.clone(),
                Element::Address => one_line_address(d),
                Element::IdentityDocument => match documents {
                    0 => "no document attached".to_owned(),
                    1 => "1 document".to_owned(),
                    n => format!("{n} documents"),
                },
                Element::Payment => payment.clone(),
                Element::Emails => first_and_more(&d.emails),
                Element::Phones => first_and_more(&d.phones),
                Element::IpAddresses => format!("{accesses} accesses ({admin} admin)"),
                Element::BeneficialOwners => {
                    if d.row.kind == "individual" {
                        "not applicable (individual)".to_owned()
                    } else {
                        format!("{} ({beneficial} beneficial)", d.owners.len())
                    }
                }
                Element::UsPerson => d.row.us_person.clone(),
            };
            (e, text)
        })
        .collect()
}

fn decision_view(u: &Unlocked, pack: &RulePack, d: store::DecisionRow) -> DecisionView {
    DecisionView {
        reason_title: pack
            .verification
            .refusal_reasons
            .iter()
            .find(|r| r.code == d.reason_code)
            .map_or_else(|| d.reason_code.clone(), |r| r.title.clone()),
        decided_by: u.actor_name(&d.decided_by),
        second_by: d.second_by.as_deref().map(|id| u.actor_name(id)),
        id: d.id,
        kind: d.kind,
        reason_code: d.reason_code,
        note: d.note,
        until: d.until,
        decided_by_id: d.decided_by,
        decided_at: d.decided_at,
        status: d.status,
        second_at: d.second_at,
    }
}

fn review_of(u: &Unlocked, customer_id: &str, now: DateTime<Utc>) -> Result<ReviewView, AppError> {
    let (pack, _) = crate::obligations::active_pack(u)?;
    let pack = &pack.pack;
    let db = u.workspace.db();
    let detail = db
        .read(|c| customers_store::detail(c, customer_id))?
        .ok_or_else(|| AppError::Store(StoreError::Conflict("no such customer".into())))?;
    let evidence: Vec<EvidenceView> = db
        .read(|c| store::evidence_of(c, customer_id))?
        .into_iter()
        .map(|(e, element)| EvidenceView {
            id: e.id.to_string(),
            added_by: u.actor_name(&e.added_by),
            original_name: e.original_name,
            media_type: e.media_type,
            size_bytes: e.size_bytes,
            element,
            added_at: e.added_at,
            sha256: e.sha256,
        })
        .collect();
    let checks = db.read(|c| store::current_checks(c, customer_id))?;
    let threshold = f64::from(pack.beneficial_owner.threshold.percent);
    let kind = if detail.row.kind == "entity" { CustomerKind::Entity } else { CustomerKind::Individual };
    let owners_for_rules: Vec<ImportedOwner> =
        detail.owners.iter().enumerate().map(|(i, o)| owner_for_warnings(i, o)).collect();
    let owner_warning = owner_warnings(kind, &owners_for_rules, threshold);
    let elements: Vec<ElementRow> = summaries(&detail, &evidence, threshold)
        .into_iter()
        .map(|(element, summary)| {
            let check = checks.iter().find(|c| c.element == element);
            ElementRow {
                element,
                label: element.label().to_owned(),
                summary,
                required: pack.verification.required_elements.contains(&element),
                outcome: check.map(|c| c.outcome),
                method: check.map(|c| c.method),
                reviewer: check.map(|c| u.actor_name(&c.reviewer)),
                at: check.map(|c| c.at.clone()),
                warning: match element {
                    Element::BeneficialOwners if !owner_warning.is_empty() => Some(owner_warning.join("; ")),
                    Element::Payment => detail
                        .accounts
                        .iter()
                        .map(|a| a.same_card_customers)
                        .max()
                        .filter(|n| *n > 0)
                        .map(|n| format!("the same card is on the accounts of {n} other customer(s)")),
                    _ => None,
                },
            }
        })
        .collect();
    let status: rules::ElementStatus = checks.iter().map(|c| (c.element, c.outcome)).collect();
    let approval_blockers = match rules::check_approvable(pack, &status) {
        Ok(()) => Vec::new(),
        Err(CoreError::Invalid(fields)) => fields.into_iter().map(|f| f.problem).collect(),
        Err(other) => vec![other.to_string()],
    };
    let decisions: Vec<DecisionView> = db
        .read(|c| store::decisions(c, customer_id))?
        .into_iter()
        .map(|d| decision_view(u, pack, d))
        .collect();
    let queue = db.read(|c| store::item(c, customer_id))?.map(|q| list_row(u, q, now));
    let determination = db.read(|c| store::determination(c, &format!("customer:{customer_id}")))?;
    let held_by_me = queue.as_ref().is_some_and(|q| q.mine && q.state == store::WAITING);
    let notices = db
        .read(|c| store::notices_of(c, customer_id))?
        .into_iter()
        .map(|n| NoticeView {
            rendered_by: u.actor_name(&n.rendered_by),
            id: n.id,
            evidence_id: n.evidence_id,
            rendered_at: n.rendered_at,
            sent_on: n.sent_on,
            acknowledged_on: n.acknowledged_on,
        })
        .collect();
    Ok(ReviewView {
        customer_ref: detail.row.customer_ref.clone(),
        name: detail.row.name.clone(),
        kind: detail.row.kind.clone(),
        country: detail.row.country.clone(),
        risk_tier: detail.row.risk_tier.clone(),
        us_person: detail.row.us_person.clone(),
        us_person_reason: determination.map(|d| d.reason),
        reseller_ref: detail.row.reseller_ref.clone(),
        address: one_line_address(&detail),
        emails: detail.emails.clone(),
        phones: detail.phones.clone(),
        accounts: detail
            .accounts
            .iter()
            .map(|a| AccountView {
                account_ref: a.account_ref.clone(),
                state: a.state.clone(),
                payment_method: a.payment_method.clone(),
                payment_last4: a.payment_last4.clone(),
                payment_source: a.payment_source.clone(),
                opened_on: a.opened_on.clone(),
                ip_accesses: a.ip_accesses,
                ip_admin: a.ip_admin,
            })
            .collect(),
        owners: detail
            .owners
            .iter()
            .map(|o| OwnerView {
                id: o.id.clone(),
                name: o.name.clone(),
                country: o.country.clone(),
                ownership_pct: o.ownership_pct,
                control: o.control,
                us_person: o.us_person.clone(),
                beneficial: o.control || o.ownership_pct.is_some_and(|p| p >= threshold),
            })
            .collect(),
        pending_refusal: decisions.iter().rev().find(|d| d.status == store::AWAITING_SECOND).cloned(),
        elements,
        evidence,
        decisions,
        queue,
        approval_blockers,
        held_by_me,
        methods: pack.verification.methods.clone(),
        refusal_reasons: pack.verification.refusal_reasons.clone(),
        notices,
    })
}

/// A reviewer's check of one element.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct CheckRequest {
    /// Customer reference.
    pub customer_ref: String,
    /// Element.
    pub element: Element,
    /// Method.
    pub method: Method,
    /// Outcome.
    pub outcome: Outcome,
    /// Evidence relied on.
    pub evidence_id: Option<String>,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// Records an element check (R4) and returns the refreshed review screen.
pub fn check_record(
    ctx: &Context,
    session: &Session,
    request: &CheckRequest,
) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        require_reviewer(u, "verify identity")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        rules::check_method(&pack.pack, request.method)?;
        let at = ctx.clock().now();
        let me = u.actor.id.to_string();
        let id = u.workspace.db().read(|c| store::customer_id(c, &request.customer_ref))?;
        let check = NewCheck {
            element: request.element,
            method: request.method,
            outcome: request.outcome,
            evidence_id: request.evidence_id.as_deref().filter(|e| !e.is_empty()),
            note: request.note.trim(),
        };
        u.workspace.db_mut().write(|tx| store::record_check(tx, &id, &check, &me, at))?;
        review_of(u, &id, at)
    })
}

/// A U.S.-person determination (R3) for the customer or one of its owners.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct DeterminationRequest {
    /// Customer reference.
    pub customer_ref: String,
    /// An owner's id, or none for the customer itself.
    pub owner_id: Option<String>,
    /// yes | no | undetermined.
    pub status: UsPerson,
    /// Why (required).
    pub reason: String,
    /// Evidence relied on.
    pub evidence_id: Option<String>,
}

/// Records a U.S.-person determination (R3): status, reason, evidence, who and when.
pub fn us_person_determine(
    ctx: &Context,
    session: &Session,
    request: &DeterminationRequest,
) -> Result<ReviewView, AppError> {
    let reason = request.reason.trim();
    if reason.is_empty() {
        return Err(CoreError::invalid("reason", "say why (e.g. the document relied on)").into());
    }
    session.with(ctx, |u| {
        require_reviewer(u, "determine U.S.-person status")?;
        let at = ctx.clock().now();
        let id = u.workspace.db().read(|c| store::customer_id(c, &request.customer_ref))?;
        let subject = match &request.owner_id {
            Some(owner) => {
                let detail = u.workspace.db().read(|c| customers_store::detail(c, &id))?;
                if !detail.is_some_and(|d| d.owners.iter().any(|o| &o.id == owner)) {
                    return Err(CoreError::invalid("owner", "is not an owner of this customer").into());
                }
                format!("owner:{owner}")
            }
            None => format!("customer:{id}"),
        };
        let determination = store::Determination {
            subject,
            status: customers_store::us_person_code(request.status).to_owned(),
            reason: reason.to_owned(),
            evidence_id: request.evidence_id.clone().filter(|e| !e.is_empty()),
            actor: u.actor.id.to_string(),
            at: workbench_store::audit::timestamp(&at),
        };
        u.workspace.db_mut().write(|tx| store::determine_us_person(tx, &determination, at))?;
        review_of(u, &id, at)
    })
}

/// A decision on the item the reviewer holds.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct DecisionRequest {
    /// Customer reference.
    pub customer_ref: String,
    /// Approve, refuse or more information.
    pub kind: DecisionKind,
    /// Refusal: a reason code of the pack.
    #[serde(default)]
    pub reason_code: String,
    /// Note (required for more information: what is asked for).
    #[serde(default)]
    pub note: String,
    /// More information: asleep until this date.
    #[ts(type = "string | null")]
    pub until: Option<DateTime<Utc>>,
}

/// Moves an account towards `target` through the state machine, via pending verification when
/// the direct step is not allowed (e.g. applicant → verified).
fn move_account(
    tx: &Transaction<'_>,
    account_ref: &str,
    from: &str,
    target: AccountState,
    reason: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let from = AccountState::ALL
        .into_iter()
        .find(|s| customers_store::state_code(*s) == from)
        .ok_or_else(|| StoreError::Corrupt(format!("account {account_ref}: unknown state")))?;
    if from == target || from == AccountState::Closed {
        return Ok(());
    }
    if !from.can_become(target) && from.can_become(AccountState::PendingVerification) {
        customers_store::set_state(tx, account_ref, AccountState::PendingVerification, reason, actor, at)?;
    }
    customers_store::set_state(tx, account_ref, target, reason, actor, at)
}

/// Decides on the item the acting reviewer holds: approve (every required element verified;
/// accounts become verified; the R8 re-verification clock restarts), refuse (a reason code;
/// waits for a second reviewer) or ask for more information (a note and a date; the item sleeps).
pub fn decide(ctx: &Context, session: &Session, request: &DecisionRequest) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        require_reviewer(u, "decide on identity")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let pack = &pack.pack;
        let at = ctx.clock().now();
        let me = u.actor.id.to_string();
        let id = u.workspace.db().read(|c| store::customer_id(c, &request.customer_ref))?;
        let note = request.note.trim();
        match request.kind {
            DecisionKind::Approve => {
                let checks = u.workspace.db().read(|c| store::current_checks(c, &id))?;
                let status: rules::ElementStatus = checks.iter().map(|c| (c.element, c.outcome)).collect();
                rules::check_approvable(pack, &status)?;
            }
            DecisionKind::Refuse => rules::check_refusal_reason(pack, &request.reason_code)?,
            DecisionKind::MoreInfo => {
                if note.is_empty() {
                    return Err(CoreError::invalid("note", "say what information is needed").into());
                }
                if request.until.is_none_or(|until| until <= at) {
                    return Err(CoreError::invalid("until", "choose a date after today").into());
                }
            }
        }
        let new = NewDecision {
            kind: request.kind,
            reason_code: if request.kind == DecisionKind::Refuse { &request.reason_code } else { "" },
            note,
            until: if request.kind == DecisionKind::MoreInfo { request.until } else { None },
        };
        let tier = match u.workspace.db().read(|c| customers_store::detail(c, &id))? {
            Some(d) if d.row.risk_tier == "high" => RiskTier::High,
            Some(d) if d.row.risk_tier == "medium" => RiskTier::Medium,
            _ => RiskTier::Low,
        };
        u.workspace.db_mut().write(|tx| {
            store::decide(tx, &id, &new, &me, at)?;
            let accounts = store::accounts_of(tx, &id)?;
            match request.kind {
                DecisionKind::Approve => {
                    for (account, state) in &accounts {
                        move_account(
                            tx,
                            account,
                            state,
                            AccountState::Verified,
                            "identity verified",
                            &me,
                            at,
                        )?;
                    }
                    let event = Event {
                        id: EventId::new().to_string(),
                        occurred_at: at,
                        kind: EventKind::CustomerVerified { customer: id.clone(), tier },
                    };
                    crate::obligations::record(tx, &event, &me, at)?;
                }
                DecisionKind::MoreInfo => {
                    for (account, state) in accounts.iter().filter(|(_, s)| s == "applicant") {
                        move_account(
                            tx,
                            account,
                            state,
                            AccountState::PendingVerification,
                            "more information asked for",
                            &me,
                            at,
                        )?;
                    }
                }
                DecisionKind::Refuse => {}
            }
            Ok(())
        })?;
        review_of(u, &id, at)
    })
}

/// The second reviewer's answer to a refusal (four eyes).
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct SecondReview {
    /// Customer reference.
    pub customer_ref: String,
    /// The second reviewer's actor id.
    pub reviewer_id: String,
    /// Their passphrase (checked, never stored).
    pub passphrase: String,
    /// Confirm the refusal (true) or send the item back to the queue (false).
    pub confirm: bool,
}

/// A second reviewer confirms or declines a refusal with their own passphrase (four eyes).
/// Confirmed, the accounts become refused (counted for R13).
pub fn refusal_second_review(
    ctx: &Context,
    session: &Session,
    request: &SecondReview,
) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        let id = u.workspace.db().read(|c| store::customer_id(c, &request.customer_ref))?;
        let pending = u.workspace.db().read(|c| store::pending_refusal(c, &id))?.ok_or_else(|| {
            AppError::Store(StoreError::Conflict("no refusal is waiting for a second reviewer here".into()))
        })?;
        let reviewer_id = request
            .reviewer_id
            .parse()
            .map_err(|_| CoreError::invalid("second_reviewer", "choose a reviewer of this workspace"))?;
        let reviewer = u.workspace.db().read(|c| actors::get(c, reviewer_id))?.ok_or_else(|| {
            CoreError::invalid("second_reviewer", "choose an active reviewer of this workspace")
        })?;
        rules::check_second_reviewer(&pending.decided_by, &reviewer.id.to_string(), reviewer.role)?;
        let hash = u.workspace.db().read(|c| actors::passphrase_hash(c, reviewer_id))?.unwrap_or_default();
        if !workbench_store::secrets::verify_passphrase(&request.passphrase, &hash) {
            return Err(CoreError::invalid("passphrase", "is not the second reviewer's passphrase").into());
        }
        let at = ctx.clock().now();
        let second = reviewer.id.to_string();
        u.workspace.db_mut().write(|tx| {
            store::second_review(tx, &pending.id, request.confirm, &second, at)?;
            if request.confirm {
                for (account, state) in store::accounts_of(tx, &id)? {
                    move_account(
                        tx,
                        &account,
                        &state,
                        AccountState::Refused,
                        "refused (four eyes)",
                        &second,
                        at,
                    )?;
                }
            }
            Ok(())
        })?;
        review_of(u, &id, at)
    })
}

pub(crate) fn media_type_of(head: &[u8]) -> Option<&'static str> {
    let kind = infer::get(head)?;
    matches!(
        kind.mime_type(),
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/tiff" | "application/pdf"
    )
    .then(|| kind.mime_type())
}

/// Stores a file in the vault and attaches it to a customer (optionally for one element).
/// Images (PNG, JPEG, GIF, WebP, TIFF) and PDFs are accepted, recognised by their content.
pub fn evidence_attach(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    element: Option<Element>,
    path: &Path,
) -> Result<ReviewView, AppError> {
    let io = |e| AppError::Store(StoreError::io(format!("reading {}", path.display()), e));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut head = [0u8; 512];
    let read = std::io::Read::read(&mut file, &mut head).map_err(io)?;
    let media_type = media_type_of(&head[..read])
        .ok_or_else(|| CoreError::invalid("file", "is not an image (PNG, JPEG, GIF, WebP, TIFF) or a PDF"))?;
    std::io::Seek::rewind(&mut file).map_err(io)?;
    let name = path.file_name().map_or_else(|| "evidence".into(), |n| n.to_string_lossy().into_owned());
    // The Settings limit (issue 14: it was ignored); the vault enforces it while streaming.
    let max_bytes = crate::limits::evidence_max_bytes(ctx, session)?;
    session.with(ctx, |u| {
        require_reviewer(u, "attach evidence")?;
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let new = NewEvidence { original_name: &name, media_type, max_bytes };
        let record = evidence::store(&mut u.workspace, file, &new, me, at)?;
        let evidence_id = record.id.to_string();
        let by = me.to_string();
        u.workspace.db_mut().write(|tx| store::attach_evidence(tx, &id, &evidence_id, element, &by, at))?;
        review_of(u, &id, at)
    })
}

/// Attaches several files at once (a drag and drop): every file is checked first and one that
/// is not an image or PDF refuses the whole drop, naming it; then each is stored.
pub fn evidence_attach_all(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    element: Option<Element>,
    paths: &[std::path::PathBuf],
) -> Result<ReviewView, AppError> {
    if paths.is_empty() {
        return Err(CoreError::invalid("files", "drop one or more files").into());
    }
    for path in paths {
        let name =
            path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let mut head = [0u8; 512];
        let read = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .map_err(|e| AppError::Store(StoreError::io(format!("reading {name}"), e)))?;
        if media_type_of(&head[..read]).is_none() {
            return Err(CoreError::invalid(
                "files",
                format!("{name} is not an image or a PDF; nothing was attached"),
            )
            .into());
        }
    }
    let mut view = None;
    for path in paths {
        view = Some(evidence_attach(ctx, session, customer_ref, element, path)?);
    }
    view.ok_or_else(|| CoreError::invalid("files", "drop one or more files").into())
}

/// A file's plaintext and media type, decrypted for the review screen (never written to disk).
pub fn evidence_content(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    evidence_id: &str,
) -> Result<(String, Vec<u8>), AppError> {
    session.with(ctx, |u| {
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        if !u.workspace.db().read(|c| store::evidence_belongs(c, &id, evidence_id))? {
            return Err(CoreError::invalid("evidence", "is not attached to this customer").into());
        }
        let eid = evidence_id.parse().map_err(|_| CoreError::invalid("evidence", "is not an evidence id"))?;
        let mut bytes = Vec::new();
        let record = evidence::read(&u.workspace, eid, &mut bytes)?;
        Ok((record.media_type, bytes))
    })
}

/// Renders the pack's notice (R9) for a customer, keeps the PDF in the vault as proof and
/// records it; returns the refreshed review screen.
pub fn notice_issue(ctx: &Context, session: &Session, customer_ref: &str) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        require_reviewer(u, "issue notices")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        let detail = u
            .workspace
            .db()
            .read(|c| customers_store::detail(c, &id))?
            .ok_or_else(|| AppError::Store(StoreError::Conflict("no such customer".into())))?;
        let provider = u.workspace.db().read(workbench_store::provider::get)?;
        let at = ctx.clock().now();
        let notice_id = EventId::new().to_string();
        let address = one_line_address(&detail);
        let pdf = workbench_filings::render_notice(&workbench_filings::CustomerNotice {
            provider: provider.legal_name,
            customer_ref: detail.row.customer_ref.clone(),
            customer_name: detail.row.name.clone(),
            customer_address: address,
            text: pack.pack.notice.text.clone(),
            pack: pack.pack.pack.id.clone(),
            notice_id: notice_id.clone(),
            issued_at: at,
        })?;
        let name = format!("notice-{}.pdf", detail.row.customer_ref);
        let new = NewEvidence {
            original_name: &name,
            media_type: "application/pdf",
            max_bytes: evidence::DEFAULT_MAX_BYTES,
        };
        let record = evidence::store(&mut u.workspace, pdf.as_slice(), &new, u.actor.id, at)?;
        let row = store::NoticeRow {
            id: notice_id,
            evidence_id: record.id.to_string(),
            pack_sha256: pack.sha256.clone(),
            rendered_at: workbench_store::audit::timestamp(&at),
            rendered_by: u.actor.id.to_string(),
            sent_on: None,
            acknowledged_on: None,
        };
        u.workspace.db_mut().write(|tx| store::insert_notice(tx, &id, &row, at))?;
        review_of(u, &id, at)
    })
}

/// Records that a notice was sent and/or acknowledged (dates `YYYY-MM-DD`, not in the future).
pub fn notice_mark(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    notice_id: &str,
    sent_on: Option<&str>,
    acknowledged_on: Option<&str>,
) -> Result<ReviewView, AppError> {
    let today = ctx.clock().now().date_naive();
    let check = |field: &str, value: Option<&str>| -> Result<Option<String>, AppError> {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
        let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| CoreError::invalid(field, "is not a date (YYYY-MM-DD)"))?;
        if date > today + Duration::days(1) {
            return Err(CoreError::invalid(field, "cannot be in the future").into());
        }
        Ok(Some(date.to_string()))
    };
    let sent = check("sent_on", sent_on)?;
    let acknowledged = check("acknowledged_on", acknowledged_on)?;
    if sent.is_none() && acknowledged.is_none() {
        return Err(CoreError::invalid("sent_on", "give the date it was sent or acknowledged").into());
    }
    session.with(ctx, |u| {
        require_reviewer(u, "record notices")?;
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        let at = ctx.clock().now();
        let me = u.actor.id.to_string();
        u.workspace.db_mut().write(|tx| {
            store::mark_notice(tx, &id, notice_id, sent.as_deref(), acknowledged.as_deref(), &me, at)
        })?;
        review_of(u, &id, at)
    })
}

/// Writes a customer's stored file (evidence or notice PDF) to `path`, decrypted, atomically.
pub fn evidence_export(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    evidence_id: &str,
    path: &Path,
) -> Result<(), AppError> {
    let (_, bytes) = evidence_content(ctx, session, customer_ref, evidence_id)?;
    let object = format!("evidence:{evidence_id}");
    crate::audit::take_out(
        ctx,
        session,
        crate::audit::MayTakeOut::Reviewer,
        "export.evidence",
        &object,
        &[(path, &bytes)],
    )
}

/// One customer's file as exported: the review screen's data, its audit history and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerFileExport {
    /// Format marker for readers of the JSON.
    pub format: &'static str,
    /// The provider.
    pub provider: String,
    /// When it was exported (RFC 3339).
    pub generated_at: String,
    /// Everything the review screen shows.
    pub customer: ReviewView,
    /// Audit events about the customer: `(seq, at, who, action, event hash)`.
    pub audit: Vec<(i64, String, String, String, String)>,
}

fn dossier_of(file: &CustomerFileExport, at: DateTime<Utc>) -> workbench_filings::Dossier {
    use workbench_filings::DossierSection as S;
    let c = &file.customer;
    let line = |l: &str, v: String| (l.to_owned(), v);
    let mut sections = vec![
        S {
            title: "Identifying information (R2)".into(),
            lines: vec![
                line("Name", c.name.clone()),
                line("Kind", c.kind.clone()),
                line("Address", c.address.clone()),
                line("Emails", c.emails.join(", ")),
                line("Phones", c.phones.join(", ")),
                line("Risk tier", c.risk_tier.clone()),
                line(
                    "U.S. person (R3)",
                    match &c.us_person_reason {
                        Some(reason) => format!("{} — {reason}", c.us_person),
                        None => c.us_person.clone(),
                    },
                ),
                line("Came through", c.reseller_ref.clone().unwrap_or_else(|| "direct".into())),
            ],
        },
        S {
            title: "Accounts (R6)".into(),
            lines: c
                .accounts
                .iter()
                .map(|a| {
                    let card = if a.payment_last4.is_empty() {
                        String::new()
                    } else {
                        format!(" ••{}", a.payment_last4)
                    };
                    line(
                        &a.account_ref,
                        format!(
                            "{} · opened {} · {}{card} from {} · {} IP accesses ({} admin)",
                            a.state.replace('_', " "),
                            a.opened_on,
                            a.payment_method,
                            a.payment_source,
                            a.ip_accesses,
                            a.ip_admin
                        ),
                    )
                })
                .collect(),
        },
        S {
            title: "Beneficial owners (R5)".into(),
            lines: c
                .owners
                .iter()
                .map(|o| {
                    let share =
                        o.ownership_pct.map_or_else(|| "share unknown".to_owned(), |p| format!("{p} %"));
                    let control = if o.control { ", control" } else { "" };
                    line(&o.name, format!("{} · {share}{control} · U.S. person: {}", o.country, o.us_person))
                })
                .collect(),
        },
        S {
            title: "Verification (R4)".into(),
            lines: c
                .elements
                .iter()
                .map(|e| {
                    let check = match (&e.outcome, &e.method) {
                        (Some(o), Some(m)) => format!(
                            "{} ({}) by {} at {}",
                            o.code(),
                            m.code().replace('_', "-"),
                            e.reviewer.clone().unwrap_or_default(),
                            e.at.clone().unwrap_or_default()
                        ),
                        _ if e.required => "not verified".to_owned(),
                        _ => "not checked (optional)".to_owned(),
                    };
                    line(&e.label, check)
                })
                .collect(),
        },
        S {
            title: "Decisions".into(),
            lines: c
                .decisions
                .iter()
                .map(|d| {
                    let second =
                        d.second_by.as_ref().map(|s| format!(", second reviewer {s}")).unwrap_or_default();
                    let reason = if d.reason_code.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", d.reason_title)
                    };
                    line(
                        &d.decided_at[..10.min(d.decided_at.len())],
                        format!(
                            "{} by {}{reason} · {}{second}",
                            d.kind.replace('_', " "),
                            d.decided_by,
                            d.status.replace('_', " ")
                        ),
                    )
                })
                .collect(),
        },
        S {
            title: "Notices (R9)".into(),
            lines: c
                .notices
                .iter()
                .map(|n| {
                    line(
                        &n.rendered_at[..10.min(n.rendered_at.len())],
                        format!(
                            "issued by {} · sent {} · acknowledged {}",
                            n.rendered_by,
                            n.sent_on.clone().unwrap_or_else(|| "—".into()),
                            n.acknowledged_on.clone().unwrap_or_else(|| "—".into())
                        ),
                    )
                })
                .collect(),
        },
        S {
            title: "Evidence (kept encrypted in the workspace)".into(),
            lines: c
                .evidence
                .iter()
                .map(|e| {
                    line(
                        &e.original_name,
                        format!("{} · {} bytes · SHA-256 {}", e.media_type, e.size_bytes, e.sha256),
                    )
                })
                .collect(),
        },
    ];
    sections.push(S {
        title: "Audit history".into(),
        lines: file
            .audit
            .iter()
            .map(|(seq, at, who, action, _)| line(&format!("#{seq}"), format!("{at} · {action} · {who}")))
            .collect(),
    });
    workbench_filings::Dossier {
        title: format!("Customer file {}", c.customer_ref),
        subtitle: format!("{} · exported {} UTC", file.provider, at.format("%Y-%m-%d %H:%M")),
        generated_at: at,
        sections,
    }
}

/// Exports one customer's file as a PDF and a JSON document (both written atomically).
pub fn customer_export(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    pdf: &Path,
    json: &Path,
) -> Result<(), AppError> {
    let customer = review_get(ctx, session, customer_ref)?;
    let at = ctx.clock().now();
    let (file, customer_id) = session.with(ctx, |u| {
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        let provider = u.workspace.db().read(workbench_store::provider::get)?.legal_name;
        let audit = u
            .workspace
            .db()
            .read(|c| workbench_store::audit::for_object(c, &format!("customer:{id}")))?
            .into_iter()
            .map(|e| (e.seq, e.at, e.actor_name.unwrap_or(e.actor), e.action, e.hash))
            .collect();
        let file = CustomerFileExport {
            format: "cip-workbench/customer-file/1",
            provider,
            generated_at: workbench_store::audit::timestamp(&at),
            customer,
            audit,
        };
        Ok((file, id))
    })?;
    let rendered = workbench_filings::render_dossier(&dossier_of(&file, at))?;
    let text = serde_json::to_vec_pretty(&file).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let object = format!("customer:{customer_id}");
    crate::audit::take_out(
        ctx,
        session,
        crate::audit::MayTakeOut::Reviewer,
        "export.customer_file",
        &object,
        &[(pdf, &rendered), (json, &text)],
    )
}
