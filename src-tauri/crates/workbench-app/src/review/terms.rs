//! Pending terms and redress (R6): a reviewer places a customer's pending accounts under the
//! pack's restricted or monitored terms, with the date to decide by; a refused customer's appeal
//! is recorded and reviewed by a person who took no part in the refusal — granted, the refusal
//! goes back to the queue for review.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::CoreError;
use workbench_core::customer::AccountState;
use workbench_core::rules::TermKind;
use workbench_store::terms as store;

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

use super::require_reviewer;

/// Terms to place.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct TermsRequest {
    /// The customer.
    pub customer_ref: String,
    /// Restricted or monitored.
    pub state: TermKind,
    /// The pack's term keys (of that state).
    pub terms: Vec<String>,
    /// Why.
    #[serde(default)]
    pub note: String,
}

/// Terms in force on a customer's pending accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TermsView {
    /// Restricted or monitored.
    pub state: TermKind,
    /// The terms (key, title).
    pub terms: Vec<(String, String)>,
    /// Why.
    pub note: String,
    /// Placed (RFC 3339).
    pub placed_at: String,
    /// By whom.
    pub placed_by: String,
    /// The verification is decided by this day (the pack's days after placing).
    #[ts(type = "string")]
    pub decide_by: NaiveDate,
    /// Days left (negative when past).
    #[ts(type = "number")]
    pub days_left: i64,
}

fn today(ctx: &Context, u: &Unlocked) -> Result<NaiveDate, AppError> {
    Ok(ctx.clock().now().with_timezone(&crate::obligations::provider_tz(u)?).date_naive())
}

/// The terms in force on a customer: placed, and some account still restricted or monitored.
pub(crate) fn terms_of(
    u: &Unlocked,
    customer_id: &str,
    today: NaiveDate,
) -> Result<Option<TermsView>, AppError> {
    let (pack, _) = crate::obligations::active_pack(u)?;
    let Some(row) = u.workspace.db().read(|c| store::get(c, customer_id))? else { return Ok(None) };
    let running: bool = u.workspace.db().read(|c| {
        Ok(c.query_row(
            "SELECT EXISTS (SELECT 1 FROM account WHERE customer_id = ?1 AND state IN ('restricted', 'monitored'))",
            [customer_id],
            |r| r.get(0),
        )?)
    })?;
    if !running {
        return Ok(None);
    }
    let titles = pack.pack.verification.pending.as_ref().map(|p| p.terms.clone()).unwrap_or_default();
    Ok(Some(TermsView {
        state: if row.state == "restricted" { TermKind::Restricted } else { TermKind::Monitored },
        terms: row
            .terms
            .iter()
            .map(|k| {
                let title =
                    titles.iter().find(|t| &t.key == k).map_or_else(|| k.clone(), |t| t.title.clone());
                (k.clone(), title)
            })
            .collect(),
        note: row.note,
        placed_at: row.placed_at,
        placed_by: u.actor_name(&row.placed_by),
        days_left: (row.decide_by - today).num_days(),
        decide_by: row.decide_by,
    }))
}

/// Places the customer's pending accounts (applicant, pending, restricted or monitored) under
/// restricted or monitored terms from the pack, with the date to decide by (R6).
pub fn place_terms(ctx: &Context, session: &Session, request: &TermsRequest) -> Result<TermsView, AppError> {
    session.with(ctx, |u| {
        require_reviewer(u, "place an account under terms")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let pending = pack.pack.verification.pending.clone().ok_or_else(|| {
            CoreError::invalid(
                "state",
                "the active rule pack names no terms for pending accounts (verification.pending)",
            )
        })?;
        if request.terms.is_empty() {
            return Err(CoreError::invalid("terms", "choose at least one term").into());
        }
        for key in &request.terms {
            match pending.terms.iter().find(|t| &t.key == key) {
                None => {
                    return Err(CoreError::invalid(
                        "terms",
                        format!("“{key}” is not a term of the rule pack"),
                    )
                    .into());
                }
                Some(t) if t.state != request.state => {
                    return Err(CoreError::invalid(
                        "terms",
                        format!("“{}” is a term of the other kind", t.title),
                    )
                    .into());
                }
                Some(_) => {}
            }
        }
        let customer_id =
            u.workspace.db().read(|c| workbench_store::review::customer_id(c, &request.customer_ref))?;
        let accounts: Vec<(String, String)> = u.workspace.db().read(|c| {
            let mut s = c.prepare(
                "SELECT account_ref, state FROM account WHERE customer_id = ?1 ORDER BY account_ref",
            )?;
            let rows = s.query_map([&customer_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        let pending_accounts: Vec<&(String, String)> = accounts
            .iter()
            .filter(|(_, s)| {
                matches!(s.as_str(), "applicant" | "pending_verification" | "restricted" | "monitored")
            })
            .collect();
        if pending_accounts.is_empty() {
            return Err(CoreError::invalid(
                "customer_ref",
                format!("{} has no account waiting for verification", request.customer_ref),
            )
            .into());
        }
        let to = match request.state {
            TermKind::Restricted => AccountState::Restricted,
            TermKind::Monitored => AccountState::Monitored,
        };
        let at = ctx.clock().now();
        let me = u.actor.id;
        let decide_by = today(ctx, u)?
            .checked_add_days(Days::new(pending.decide_days.unsigned_abs()))
            .ok_or_else(|| CoreError::invalid("decide_days", "is out of range"))?;
        let titles: Vec<&str> = request
            .terms
            .iter()
            .filter_map(|k| pending.terms.iter().find(|t| &t.key == k).map(|t| t.title.as_str()))
            .collect();
        let reason = format!("R6 {} terms: {}", to.label(), titles.join("; "));
        u.workspace.db_mut().write(|tx| {
            for (account, state) in &pending_accounts {
                if state == "applicant" {
                    workbench_store::customers::set_state(
                        tx,
                        account,
                        AccountState::PendingVerification,
                        "verification pending",
                        me,
                        at,
                    )?;
                }
                if state != workbench_store::customers::state_code(to) {
                    workbench_store::customers::set_state(tx, account, to, &reason, me, at)?;
                }
            }
            store::place(
                tx,
                &customer_id,
                workbench_store::customers::state_code(to),
                &request.terms,
                request.note.trim(),
                decide_by,
                me,
                at,
            )
        })?;
        terms_of(u, &customer_id, today(ctx, u)?)?
            .ok_or_else(|| CoreError::invalid("terms", "were not placed").into())
    })
}

/// An appeal to record.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct AppealRequest {
    /// The refused customer.
    pub customer_ref: String,
    /// When the appeal was received.
    #[ts(type = "string")]
    pub received_on: NaiveDate,
    /// What the customer says, in a few words.
    pub statement: String,
}

/// How an appeal ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AppealOutcome {
    /// The refusal stands.
    RefusalStands,
    /// The refusal is reviewed again: the accounts go back to pending, the customer to the queue.
    Reopened,
}

impl AppealOutcome {
    fn code(self) -> &'static str {
        match self {
            Self::RefusalStands => "refusal_stands",
            Self::Reopened => "reopened",
        }
    }
}

/// An appeal as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppealView {
    /// Id.
    pub id: String,
    /// Received on.
    pub received_on: String,
    /// What the customer says.
    pub statement: String,
    /// Recorded by (name).
    pub recorded_by: String,
    /// The review: outcome code, by whom and when, and the note.
    pub outcome: Option<String>,
    /// Reviewed by (name) and when.
    pub reviewed: Option<String>,
    /// The reviewer's note.
    pub review_note: String,
    /// Why the acting person may not review it, when they may not.
    pub review_blocked: Option<String>,
}

/// The people who took part in the refusal: who refused and who confirmed it.
fn refusers(u: &Unlocked, customer_id: &str) -> Result<Vec<String>, AppError> {
    Ok(u.workspace.db().read(|c| {
        let mut s = c.prepare(
            "SELECT decided_by, second_by FROM decision WHERE customer_id = ?1 AND kind = 'refuse' AND status = 'final'",
        )?;
        let rows = s.query_map([customer_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
        let mut people = Vec::new();
        for row in rows {
            let (by, second) = row?;
            people.push(by);
            people.extend(second);
        }
        Ok(people)
    })?)
}

fn appeal_view(u: &Unlocked, row: &store::AppealRow, refusers: &[String]) -> AppealView {
    let me = u.actor.id.to_string();
    let review_blocked = if row.review.is_some() {
        Some("already reviewed".to_owned())
    } else if u.actor.role == workbench_core::Role::Viewer {
        Some("a viewer cannot review an appeal".to_owned())
    } else if refusers.contains(&me) {
        Some("another person reviews it: you took part in the refusal".to_owned())
    } else if row.recorded_by == me {
        Some("another person reviews it: you recorded it".to_owned())
    } else {
        None
    };
    AppealView {
        id: row.id.clone(),
        received_on: row.received_on.clone(),
        statement: row.statement.clone(),
        recorded_by: u.actor_name(&row.recorded_by),
        outcome: row.review.as_ref().map(|(_, _, outcome, _)| outcome.clone()),
        reviewed: row
            .review
            .as_ref()
            .map(|(at, by, _, _)| format!("{} on {}", u.actor_name(by), at.get(..10).unwrap_or(at))),
        review_note: row.review.as_ref().map(|(_, _, _, note)| note.clone()).unwrap_or_default(),
        review_blocked,
    }
}

/// A customer's appeals, oldest first.
pub(crate) fn appeals_of(u: &Unlocked, customer_id: &str) -> Result<Vec<AppealView>, AppError> {
    let rows = u.workspace.db().read(|c| store::appeals(c, Some(customer_id), None))?;
    let people = refusers(u, customer_id)?;
    Ok(rows.iter().map(|r| appeal_view(u, r, &people)).collect())
}

/// Records a refused customer's appeal (officers and reviewers).
pub fn appeal_record(
    ctx: &Context,
    session: &Session,
    request: &AppealRequest,
) -> Result<AppealView, AppError> {
    let statement = request.statement.trim();
    if statement.is_empty() {
        return Err(CoreError::invalid("statement", "say what the customer asks").into());
    }
    session.with(ctx, |u| {
        require_reviewer(u, "record an appeal")?;
        if request.received_on > today(ctx, u)? {
            return Err(CoreError::invalid("received_on", "cannot be in the future").into());
        }
        let customer_id =
            u.workspace.db().read(|c| workbench_store::review::customer_id(c, &request.customer_ref))?;
        let refused: bool = u.workspace.db().read(|c| {
            Ok(c.query_row(
                "SELECT EXISTS (SELECT 1 FROM account WHERE customer_id = ?1 AND state = 'refused')",
                [&customer_id],
                |r| r.get(0),
            )?)
        })?;
        if !refused {
            return Err(CoreError::invalid(
                "customer_ref",
                format!("{} has no refused account to appeal", request.customer_ref),
            )
            .into());
        }
        let at = ctx.clock().now();
        let me = u.actor.id;
        let id = u
            .workspace
            .db_mut()
            .write(|tx| store::appeal_record(tx, &customer_id, request.received_on, statement, me, at))?;
        let row = u.workspace.db().read(|c| store::appeals(c, None, Some(&id)))?;
        let people = refusers(u, &customer_id)?;
        row.first()
            .map(|r| appeal_view(u, r, &people))
            .ok_or_else(|| CoreError::invalid("appeal", "was not recorded").into())
    })
}

/// Reviews an appeal (a person who neither refused, confirmed the refusal, nor recorded the
/// appeal). Reopened: the refused accounts go back to pending and the customer to the queue
/// (reason `appeal`).
pub fn appeal_review(
    ctx: &Context,
    session: &Session,
    id: &str,
    outcome: AppealOutcome,
    note: &str,
) -> Result<AppealView, AppError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(CoreError::invalid("note", "say why").into());
    }
    session.with(ctx, |u| {
        let row = u
            .workspace
            .db()
            .read(|c| store::appeals(c, None, Some(id)))?
            .into_iter()
            .next()
            .ok_or_else(|| CoreError::invalid("appeal", format!("there is no appeal {id}")))?;
        let people = refusers(u, &row.customer_id)?;
        if let Some(reason) = appeal_view(u, &row, &people).review_blocked {
            return Err(AppError::Forbidden(reason));
        }
        let (pack, _) = crate::obligations::active_pack(u)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let due = crate::review::due_by_tier(&pack.pack, at);
        u.workspace.db_mut().write(|tx| {
            store::appeal_review(tx, id, outcome.code(), note, me, at)?;
            if outcome == AppealOutcome::Reopened {
                let refused: Vec<String> = {
                    let mut s = tx.prepare(
                        "SELECT account_ref FROM account WHERE customer_id = ?1 AND state = 'refused'",
                    )?;
                    let rows = s.query_map([&row.customer_id], |r| r.get(0))?;
                    rows.collect::<Result<_, _>>()?
                };
                for account in &refused {
                    workbench_store::customers::set_state(
                        tx,
                        account,
                        AccountState::PendingVerification,
                        "appeal granted (R6)",
                        me,
                        at,
                    )?;
                }
                workbench_store::review::reopen_by_tier(tx, &row.customer_id, "appeal", at, &due, me)?;
            }
            Ok(())
        })?;
        let row = u.workspace.db().read(|c| store::appeals(c, None, Some(id)))?;
        row.first()
            .map(|r| appeal_view(u, r, &people))
            .ok_or_else(|| CoreError::invalid("appeal", "is gone").into())
    })
}
