//! Element checks (R4), U.S.-person determinations (R3), decisions on an item and four eyes on
//! refusals (R6).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use ts_rs::TS;
use workbench_core::customer::{AccountState, UsPerson};
use workbench_core::obligations::{Event, EventKind};
use workbench_core::rules::RiskTier;
use workbench_core::verification::{self as rules, DecisionKind, Element, Method, Outcome};
use workbench_core::{CoreError, EventId};
use workbench_store::customers::{self as customers_store};
use workbench_store::review::{self as store, NewCheck, NewDecision};
use workbench_store::rusqlite::Transaction;
use workbench_store::{StoreError, actors};

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

use super::*;

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
    record_check(ctx, session, request, None)
}

/// Records a check of the customer's element, or (`owner`) of one of its owners'.
fn record_check(
    ctx: &Context,
    session: &Session,
    request: &CheckRequest,
    owner: Option<&str>,
) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        require_reviewer(u, "verify identity")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        rules::check_method(&pack.pack, request.method)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let id = u.workspace.db().read(|c| store::customer_id(c, &request.customer_ref))?;
        let check = NewCheck {
            element: request.element,
            method: request.method,
            outcome: request.outcome,
            evidence_id: request.evidence_id.as_deref().filter(|e| !e.is_empty()),
            note: request.note.trim(),
        };
        u.workspace.db_mut().write(|tx| match owner {
            Some(owner) => store::record_owner_check(tx, &id, owner, &check, me, at),
            None => store::record_check(tx, &id, &check, me, at),
        })?;
        review_of(u, &id, at)
    })
}

/// A reviewer's check of one element of a beneficial owner (R5): the customer's reference and
/// the check as for the customer, with the owner's id.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct OwnerCheckRequest {
    /// The owner's id.
    pub owner_id: String,
    /// The check (its element one an owner has, other than `us_person`: that is a determination).
    #[serde(flatten)]
    #[ts(flatten)]
    pub check: CheckRequest,
}

/// Records a check of one element of a beneficial owner (R5) and returns the refreshed review
/// screen.
pub fn owner_check_record(
    ctx: &Context,
    session: &Session,
    request: &OwnerCheckRequest,
) -> Result<ReviewView, AppError> {
    let element = request.check.element;
    if element == Element::UsPerson {
        return Err(CoreError::invalid(
            "element",
            "an owner's U.S.-person status is a determination with its evidence, not a check",
        )
        .into());
    }
    if !rules::OWNER_ELEMENTS.contains(&element) {
        return Err(CoreError::invalid("element", format!("an owner has no {}", element.label())).into());
    }
    record_check(ctx, session, &request.check, Some(&request.owner_id))
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
pub(super) fn move_account(
    tx: &Transaction<'_>,
    account_ref: &str,
    from: &str,
    target: AccountState,
    reason: &str,
    actor: workbench_core::ActorId,
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
        let me = u.actor.id;
        let id = u.workspace.db().read(|c| store::customer_id(c, &request.customer_ref))?;
        let note = request.note.trim();
        let mut exemption = None;
        match request.kind {
            DecisionKind::Approve => {
                // R20: an exemption of the customer's account type lifts identity verification;
                // the approval names it, so that its lapse makes the identity owed again.
                let today = crate::obligations::today(ctx, u)?;
                exemption = crate::exemptions::customer_exemption(u, pack, &id, today)?.map(|e| e.id);
                if exemption.is_none() {
                    let checks = u.workspace.db().read(|c| store::current_checks(c, &id))?;
                    let status: rules::ElementStatus =
                        checks.iter().map(|c| (c.element, c.outcome)).collect();
                    rules::check_approvable(pack, &status)?;
                    // R5: every foreign beneficial owner verified on its own.
                    let owners = u.workspace.db().read(|c| owner_statuses(c, &id))?;
                    rules::check_owners_approvable(pack, &owners)?;
                }
                // R22: a screening hit waiting for a decision, or a true match, blocks approval.
                if let Some(reason) = crate::screening::approval_blocked(u, &id)? {
                    return Err(CoreError::invalid("screening", reason).into());
                }
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
            exemption_id: exemption.as_deref(),
        };
        let tier = match u.workspace.db().read(|c| customers_store::detail(c, &id))? {
            Some(d) if d.row.risk_tier == "high" => RiskTier::High,
            Some(d) if d.row.risk_tier == "medium" => RiskTier::Medium,
            _ => RiskTier::Low,
        };
        u.workspace.db_mut().write(|tx| {
            store::decide(tx, &id, &new, me, at)?;
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
                            me,
                            at,
                        )?;
                    }
                    let event = Event {
                        id: EventId::new().to_string(),
                        occurred_at: at,
                        kind: EventKind::CustomerVerified { customer: id.clone(), tier },
                    };
                    crate::obligations::record(tx, &event, me, at)?;
                }
                DecisionKind::MoreInfo => {
                    for (account, state) in accounts.iter().filter(|(_, s)| s == "applicant") {
                        move_account(
                            tx,
                            account,
                            state,
                            AccountState::PendingVerification,
                            "more information asked for",
                            me,
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
        let second = reviewer.id;
        u.workspace.db_mut().write(|tx| {
            store::second_review(tx, &pending.id, request.confirm, second, at)?;
            if request.confirm {
                for (account, state) in store::accounts_of(tx, &id)? {
                    move_account(
                        tx,
                        &account,
                        &state,
                        AccountState::Refused,
                        "refused (four eyes)",
                        second,
                        at,
                    )?;
                }
            }
            Ok(())
        })?;
        review_of(u, &id, at)
    })
}
