//! Audit use cases: list events and verify the chain (R11).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::audit::ChainReport;
use workbench_store::audit;

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

/// One event in the Audit view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditEventView {
    /// Sequence number.
    #[ts(type = "number")]
    pub seq: i64,
    /// RFC 3339 UTC.
    pub at: String,
    /// Actor id or "system".
    pub actor: String,
    /// The actor's name (or "system"), for display.
    pub actor_name: String,
    /// `<domain>.<verb>`.
    pub action: String,
    /// `<kind>:<id>`.
    pub object: String,
    /// The event's hash.
    pub hash: String,
}

/// Filter and page of the audit list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct AuditQuery {
    /// Only actions starting with this, e.g. "actor.".
    pub action_prefix: Option<String>,
    /// Page size (1–500, default 100).
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
    /// Rows to skip.
    #[ts(type = "number | null")]
    pub offset: Option<i64>,
}

/// Lists events, newest first.
pub fn list(ctx: &Context, session: &Session, query: &AuditQuery) -> Result<Vec<AuditEventView>, AppError> {
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let offset = query.offset.unwrap_or(0).max(0);
    session.with(ctx, |u| {
        let rows =
            u.workspace.db().read(|c| audit::list(c, query.action_prefix.as_deref(), limit, offset))?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEventView {
                actor_name: r.actor_name.unwrap_or_else(|| r.actor.clone()),
                seq: r.seq,
                at: r.at,
                actor: r.actor,
                action: r.action,
                object: r.object,
                hash: r.hash,
            })
            .collect())
    })
}

/// Recomputes the chain and names the first bad event.
pub fn verify(ctx: &Context, session: &Session) -> Result<ChainReport, AppError> {
    session.with(ctx, |u| Ok(u.workspace.verify_audit()?))
}

/// A record whose stored form disagrees with the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ObjectProblemView {
    /// `<kind>:<id>`.
    pub object: String,
    /// The newest event that wrote it; null when none did.
    #[ts(type = "number | null")]
    pub seq: Option<i64>,
    /// What is wrong.
    pub problem: String,
}

/// How many records of one kind were recomputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KindCheckedView {
    /// The kind, as objects name it (`customer`, `filing`, `setting`, …).
    pub kind: String,
    /// Records of it recomputed.
    #[ts(type = "number")]
    pub checked: u64,
}

/// What recomputing every record's digest found (`audit verify --objects`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ObjectsReportView {
    /// The canonical form checked, e.g. `record/2`.
    pub form: String,
    /// The first event checked by form.
    #[ts(type = "number")]
    pub from_seq: i64,
    /// Records recomputed.
    #[ts(type = "number")]
    pub checked: u64,
    /// How many of each kind (customer, owner, reseller, …), in a fixed order.
    pub by_kind: Vec<KindCheckedView>,
    /// How many disagree in all.
    #[ts(type = "number")]
    pub problem_count: u64,
    /// The first of them (at most 100).
    pub problems: Vec<ObjectProblemView>,
}

/// Recomputes the canonical digest of every record (every kind of
/// `workbench_store::canonical::KINDS`) and compares it with the newest event that wrote it.
pub fn verify_objects(ctx: &Context, session: &Session) -> Result<ObjectsReportView, AppError> {
    let report =
        session.with(ctx, |u| Ok(u.workspace.db().read(workbench_store::canonical::verify_objects)?))?;
    Ok(ObjectsReportView {
        form: report.form.to_owned(),
        from_seq: report.from_seq,
        checked: report.checked,
        by_kind: report
            .by_kind
            .into_iter()
            .map(|(kind, checked)| KindCheckedView { kind: kind.to_owned(), checked })
            .collect(),
        problem_count: report.problem_count,
        problems: report
            .problems
            .into_iter()
            .map(|p| ObjectProblemView { object: p.object, seq: p.seq, problem: p.problem })
            .collect(),
    })
}

/// Who may take data out of the app (issue 14; R11: access limited and logged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MayTakeOut {
    /// Reviewers and officers: customer files and evidence (personal data they work with).
    Reviewer,
    /// Officers only: backups, the recovery sheet, filings.
    Officer,
}

/// Writes `files` (path and bytes, each atomically) for the acting person, after checking their
/// role, and records the read that left the app as one audit event `action` on `object` —
/// who (the actor), what (the object) and where: the event's digest covers
/// `{"to": [{"path", "sha256"}…]}` as sorted-key JSON, so an examiner holding the files and
/// their paths can recompute it. When the event cannot be recorded the files are removed again:
/// nothing leaves unrecorded.
pub(crate) fn take_out(
    ctx: &Context,
    session: &Session,
    may: MayTakeOut,
    action: &str,
    object: &str,
    files: &[(&std::path::Path, &[u8])],
) -> Result<(), AppError> {
    session.with(ctx, |u| {
        match may {
            MayTakeOut::Officer => u.require_officer(&format!("take this out of the workbench ({action})"))?,
            MayTakeOut::Reviewer if u.actor.role == workbench_core::Role::Viewer => {
                return Err(AppError::Forbidden(format!(
                    "a viewer cannot take personal data out of the workbench ({action})"
                )));
            }
            MayTakeOut::Reviewer => {}
        }
        for (path, bytes) in files {
            workbench_store::files::write_atomically(path, bytes)?;
        }
        let to: Vec<serde_json::Value> = files
            .iter()
            .map(|(path, bytes)| {
                serde_json::json!({ "path": path.display().to_string(), "sha256": workbench_core::audit::sha256_hex(bytes) })
            })
            .collect();
        let after = serde_json::json!({ "to": to }).to_string();
        let at = ctx.clock().now();
        let actor = u.actor.id;
        let recorded = u.workspace.db_mut().write(|tx| audit::record(tx, at, actor.into(), action, object, &after));
        if let Err(e) = recorded {
            for (path, _) in files {
                let _ = std::fs::remove_file(path);
            }
            return Err(e.into());
        }
        Ok(())
    })
}
