//! Compliance assessments by Commerce (R16): recording an assessment and its findings, each
//! finding an obligation due on Commerce's date with an owner; remediation notes with evidence;
//! closing a finding, which needs evidence and meets its obligation; and, when Commerce requires
//! it, the remediated CIP resubmitted through the filing engine (see [`crate::filings`]).

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;
use workbench_core::CoreError;
use workbench_core::assessment::{self as rules, AssessmentInput};
use workbench_core::obligations::{Event, EventKind, ObligationKind};
use workbench_store::StoreError;
use workbench_store::assessments as store;

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// Every assessment with its findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AssessmentsView {
    /// Newest first.
    pub assessments: Vec<AssessmentView>,
    /// Findings still open, across assessments.
    #[ts(type = "number")]
    pub open_findings: u64,
}

/// One assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AssessmentView {
    /// Id.
    pub id: String,
    /// When Commerce assessed.
    #[ts(type = "string")]
    pub assessed_on: NaiveDate,
    /// What it covered.
    pub scope: String,
    /// Commerce's reference.
    pub assessor_reference: String,
    /// Commerce requires the remediated CIP to be resubmitted.
    pub resubmission_required: bool,
    /// Recorded by (name).
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
    /// Its findings, by number.
    pub findings: Vec<FindingView>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FindingView {
    /// Id.
    pub id: String,
    /// 1, 2, …
    pub number: u32,
    /// What was found.
    pub title: String,
    /// low | medium | high.
    pub severity: String,
    /// The requirements it concerns.
    pub rids: Vec<String>,
    /// Remediate by.
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    /// Who answers for it.
    pub owner: String,
    /// Closed (with evidence) at.
    pub closed_at: Option<String>,
    /// Closed by (name).
    pub closed_by: Option<String>,
    /// The CIP version that answers it.
    #[ts(type = "number | null")]
    pub cip_version: Option<i64>,
    /// Remediation notes, oldest first.
    pub notes: Vec<FindingNoteView>,
}

/// A remediation note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FindingNoteView {
    /// Text.
    pub note: String,
    /// Evidence in the vault, if any.
    pub evidence_id: Option<String>,
    /// The note that closed the finding.
    pub closing: bool,
    /// By (name).
    pub by: String,
    /// When.
    pub at: String,
}

/// The obligation key of a finding's remediation.
pub(crate) fn finding_key(finding_id: &str) -> String {
    format!("{}:{finding_id}", ObligationKind::FindingRemediation.code())
}

/// The obligation key of an assessment's resubmission.
pub(crate) fn resubmission_key(assessment_id: &str) -> String {
    format!("{}:{assessment_id}", ObligationKind::CipResubmission.code())
}

/// Every assessment, newest first.
pub fn assessments_list(ctx: &Context, session: &Session) -> Result<AssessmentsView, AppError> {
    session.with(ctx, |u| {
        let rows = u.workspace.db().read(store::list)?;
        let assessments = rows.into_iter().map(|a| assessment_view(u, a)).collect::<Result<Vec<_>, _>>()?;
        let open_findings =
            assessments.iter().flat_map(|a| &a.findings).filter(|f| f.closed_at.is_none()).count() as u64;
        Ok(AssessmentsView { assessments, open_findings })
    })
}

fn assessment_view(u: &Unlocked, a: store::AssessmentRow) -> Result<AssessmentView, AppError> {
    let findings = u.workspace.db().read(|c| store::findings(c, &a.id))?;
    let findings = findings
        .into_iter()
        .map(|f| {
            let notes = u.workspace.db().read(|c| store::notes(c, &f.id))?;
            Ok(FindingView {
                closed_by: f.closed_by.as_deref().map(|a| u.actor_name(a)),
                notes: notes
                    .into_iter()
                    .map(|n| FindingNoteView {
                        by: u.actor_name(&n.by),
                        note: n.note,
                        evidence_id: n.evidence_id,
                        closing: n.closing,
                        at: n.at,
                    })
                    .collect(),
                id: f.id,
                number: f.number,
                title: f.title,
                severity: f.severity,
                rids: f.rids,
                due_on: f.due_on,
                owner: f.owner,
                closed_at: f.closed_at,
                cip_version: f.cip_version,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(AssessmentView {
        recorded_by: u.actor_name(&a.recorded_by),
        recorded_at: a.recorded_at,
        id: a.id,
        assessed_on: a.assessed_on,
        scope: a.scope,
        assessor_reference: a.assessor_reference,
        resubmission_required: a.resubmission_required,
        findings,
    })
}

/// Records an assessment from a TOML file (`cip-workbench assessments add FILE`).
///
/// # Errors
/// The file unreadable, a field wrong (named), or as [`assessment_add`].
pub fn assessment_add_file(
    ctx: &Context,
    session: &Session,
    path: &Path,
) -> Result<AssessmentView, AppError> {
    let bytes = crate::limits::read_import(path)?;
    let text = String::from_utf8(bytes).map_err(|_| CoreError::invalid("file", "is not UTF-8 text"))?;
    let today = session.with(ctx, |u| crate::obligations::today(ctx, u))?;
    let input = rules::parse(&text, today)?;
    assessment_add(ctx, session, &input)
}

/// Records an assessment by Commerce (officers): each finding becomes an obligation due on
/// Commerce's date; a required resubmission, one due by the pack's days. Nothing is stored when
/// a field is wrong.
///
/// # Errors
/// [`CoreError::Invalid`] naming each bad field; not an officer; a locked workspace.
pub fn assessment_add(
    ctx: &Context,
    session: &Session,
    input: &AssessmentInput,
) -> Result<AssessmentView, AppError> {
    session.with(ctx, |u| {
        u.require_officer("record compliance assessments")?;
        rules::check(input, crate::obligations::today(ctx, u)?)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let id = workbench_core::EventId::new().to_string();
        let finding_ids: Vec<String> =
            input.findings.iter().map(|_| workbench_core::EventId::new().to_string()).collect();
        let occurred = input.assessed_on.and_hms_opt(12, 0, 0).map_or(at, |t| t.and_utc());
        let mut events: Vec<Event> = input
            .findings
            .iter()
            .zip(&finding_ids)
            .enumerate()
            .map(|(i, (f, finding))| Event {
                id: workbench_core::EventId::new().to_string(),
                occurred_at: occurred,
                kind: EventKind::AssessmentFinding {
                    finding: finding.clone(),
                    number: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    title: f.title.trim().to_owned(),
                    rids: f.rids.clone(),
                    due_on: f.due_on,
                },
            })
            .collect();
        if input.resubmission_required {
            events.push(Event {
                id: workbench_core::EventId::new().to_string(),
                occurred_at: occurred,
                kind: EventKind::ResubmissionRequired {
                    assessment: id.clone(),
                    assessor_reference: input.assessor_reference.trim().to_owned(),
                },
            });
        }
        u.workspace.db_mut().write(|tx| {
            store::insert(tx, &id, input, &finding_ids, me, at)?;
            events.iter().try_for_each(|e| crate::obligations::record(tx, e, me, at))
        })?;
        let row =
            u.workspace.db().read(store::list)?.into_iter().find(|a| a.id == id).ok_or_else(|| {
                AppError::Store(StoreError::Conflict("the assessment was not stored".into()))
            })?;
        assessment_view(u, row)
    })
}

/// How a remediation note ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// It is a note; the finding stays open.
    Open,
    /// It closes the finding, answered (optionally) by this approved CIP version.
    Close(Option<i64>),
}

/// Adds a remediation note to a finding (officers and reviewers), with evidence when given;
/// [`Closing::Close`] closes the finding — evidence required — and meets its obligation.
///
/// # Errors
/// No note text; closing without evidence; a CIP version that is not approved; a finding that
/// is unknown or already closed. Nothing is stored then.
pub fn finding_note(
    ctx: &Context,
    session: &Session,
    finding_id: &str,
    note: &str,
    evidence: Option<&Path>,
    closing: Closing,
) -> Result<AssessmentsView, AppError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(CoreError::invalid("note", "say what was done").into());
    }
    if closing != Closing::Open && evidence.is_none() {
        return Err(
            CoreError::invalid("evidence", "closing a finding needs evidence of the remediation").into()
        );
    }
    let document = evidence
        .map(|p| crate::documents::Document::read(ctx, session, p, "evidence", "evidence"))
        .transpose()?;
    session.with(ctx, |u| {
        if u.actor.role == workbench_core::Role::Viewer {
            return Err(AppError::Forbidden("a viewer cannot remediate findings".into()));
        }
        let finding = u
            .workspace
            .db()
            .read(|c| store::finding(c, finding_id))?
            .ok_or_else(|| CoreError::invalid("finding", "is not a finding of this workspace"))?;
        if finding.closed_at.is_some() {
            return Err(CoreError::invalid("finding", "is already closed").into());
        }
        let close = match closing {
            Closing::Open => None,
            Closing::Close(version) => {
                if let Some(number) = version {
                    let row = u.workspace.db().read(|c| workbench_store::cip::version(c, number))?;
                    if !row.is_some_and(|v| v.state == workbench_core::cip::VersionState::Approved) {
                        return Err(
                            CoreError::invalid("cip_version", "is not an approved CIP version").into()
                        );
                    }
                }
                Some(version)
            }
        };
        let met = match close {
            Some(_) => crate::obligations::met_if_open(
                ctx,
                u,
                &crate::obligations::compute(ctx, u)?,
                &finding_key(finding_id),
                &format!("finding {} closed with evidence", finding.number),
            )?,
            None => None,
        };
        let at = ctx.clock().now();
        let me = u.actor.id;
        let evidence_id = document.as_ref().map(|d| d.store(u, at)).transpose()?;
        u.workspace.db_mut().write(|tx| {
            store::add_note(tx, finding_id, note, evidence_id.as_deref(), close, me, at)?;
            met.iter().try_for_each(|m| crate::obligations::insert_met(tx, m))
        })?;
        Ok(())
    })?;
    assessments_list(ctx, session)
}

/// The snapshot of a CIP resubmission after `assessment_id` (R16): every finding with what was
/// done, the newest approved CIP version and what changed in it since the version in force when
/// Commerce assessed.
pub(crate) fn resubmission_snapshot(
    ctx: &Context,
    session: &Session,
    assessment_id: &str,
    provider: String,
    signer: String,
    due: String,
) -> Result<(workbench_core::filing::Snapshot, Option<String>), AppError> {
    use workbench_core::cip::VersionState;
    let view = assessments_list(ctx, session)?;
    let a = view
        .assessments
        .into_iter()
        .find(|a| a.id == assessment_id)
        .ok_or_else(|| CoreError::invalid("event_id", "is not an assessment of this workspace"))?;
    if !a.resubmission_required {
        return Err(CoreError::invalid(
            "event_id",
            "Commerce did not require a resubmission after this assessment",
        )
        .into());
    }
    session.with(ctx, |u| {
        let db = u.workspace.db();
        let latest = db
            .read(workbench_store::cip::versions)?
            .into_iter()
            .filter(|v| v.state == VersionState::Approved)
            .max_by_key(|v| v.number)
            .ok_or_else(|| CoreError::invalid("cip", "approve the remediated CIP version first"))?;
        // The version Commerce assessed: in force on the assessment's date, else the newest
        // approved by the time the assessment was recorded.
        let assessed = match db.read(|c| workbench_store::cip::in_force(c, a.assessed_on))? {
            Some(v) => Some(v),
            None => db
                .read(workbench_store::cip::versions)?
                .into_iter()
                .filter(|v| v.approved_at.as_deref().is_some_and(|at| at <= a.recorded_at.as_str()))
                .max_by_key(|v| v.number),
        };
        let changes = match &assessed {
            Some(old) if old.number != latest.number => {
                workbench_core::cip::excerpts(&workbench_core::cip::diff(&old.sections, &latest.sections), 6)
            }
            Some(_) => Vec::new(),
            None => workbench_core::cip::excerpts(&workbench_core::cip::diff(&[], &latest.sections), 6),
        };
        let findings = a
            .findings
            .iter()
            .map(|f| workbench_core::filing::ResubmittedFinding {
                number: f.number,
                title: f.title.clone(),
                severity: f.severity.clone(),
                rids: f.rids.clone(),
                due_on: f.due_on.to_string(),
                status: f.closed_at.as_deref().map_or_else(
                    || "open".to_owned(),
                    |at| format!("closed on {}", at.get(..10).unwrap_or(at)),
                ),
                remediation: f
                    .notes
                    .iter()
                    .map(|n| format!("{}: {}", n.at.get(..10).unwrap_or(&n.at), n.note))
                    .collect(),
                cip_version: f.cip_version,
            })
            .collect();
        Ok((
            workbench_core::filing::Snapshot::CipResubmission {
                provider,
                assessment_id: a.id.clone(),
                assessor_reference: a.assessor_reference.clone(),
                assessed_on: a.assessed_on.to_string(),
                scope: a.scope.clone(),
                findings,
                assessed_version: assessed.map(|v| v.number),
                version: latest.number,
                version_sha256: latest.sha256.clone(),
                changes,
                due: Some(due).filter(|d| !d.is_empty()),
                signer,
            },
            Some(resubmission_key(&a.id)),
        ))
    })
}
