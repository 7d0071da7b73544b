//! The Abuse of IaaS Products Deterrence Program (ADP) dossier (R20–R21): for each criterion the
//! rule pack lists, a narrative kept in versions, who answers for it and when it is next reviewed,
//! the evidence behind it (vault documents or records of the workspace), its strength at a
//! glance; reviews of the dossier; a material change owing a report to Commerce; and the
//! exemption application drawn from it through the filing engine.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::CoreError;
use workbench_core::adp::{self as rules, RecordLink, Strength};
use workbench_core::obligations::{Event, EventKind};
use workbench_store::adp as store;

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// The dossier: each criterion of the active pack with its answer and strength.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AdpView {
    /// The pack has `[adp]` (else no dossier is kept).
    pub available: bool,
    /// The pack's criteria, in print order.
    pub criteria: Vec<CriterionView>,
    /// Criteria answered under an earlier pack that the active one no longer lists (kept).
    pub gone: Vec<CriterionView>,
    /// Titles of the pack's criteria not answered yet.
    pub new: Vec<String>,
    /// The newest review of the dossier.
    pub last_review: Option<String>,
}

/// One criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CriterionView {
    /// The pack's key.
    pub key: String,
    /// As printed.
    pub title: String,
    /// Requirement.
    pub rid: String,
    /// What the answer should say.
    pub guidance: String,
    /// The newest narrative (Markdown; empty when unanswered).
    pub narrative: String,
    /// Who answers for it.
    pub owner: String,
    /// Next review.
    #[ts(type = "string | null")]
    pub review_on: Option<NaiveDate>,
    /// Versions of the narrative.
    #[ts(type = "number")]
    pub versions: i64,
    /// The evidence.
    pub evidence: Vec<AdpEvidenceView>,
    /// How well it is answered.
    pub strength: Strength,
}

/// A piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AdpEvidenceView {
    /// Id.
    pub id: String,
    /// As shown.
    pub label: String,
    /// A vault document's id.
    pub evidence_id: Option<String>,
    /// Or a record's link (`reseller_matrix`, `queue_statistics`, `cip_version:N`).
    pub record: Option<String>,
}

/// A new version of a criterion's answer.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct AdpAnswerForm {
    /// The criterion's key.
    pub criterion: String,
    /// Markdown.
    pub narrative: String,
    /// Who answers for it.
    #[serde(default)]
    pub owner: String,
    /// Next review.
    #[ts(type = "string | null")]
    pub review_on: Option<NaiveDate>,
    /// A material change to the ADP (R21: reported to Commerce).
    #[serde(default)]
    pub material: bool,
}

/// The dossier under the active pack.
pub fn adp_status(ctx: &Context, session: &Session) -> Result<AdpView, AppError> {
    session.with(ctx, |u| status(u))
}

fn status(u: &Unlocked) -> Result<AdpView, AppError> {
    let (pack, _) = crate::obligations::active_pack(u)?;
    let db = u.workspace.db();
    let answers = db.read(store::answers)?;
    let evidence = db.read(store::evidence)?;
    let last_review = db.read(store::last_review)?;
    let view = |key: &str, title: &str, rid: &str, guidance: &str| {
        let answer = answers.iter().find(|a| a.criterion == key);
        let evidence: Vec<AdpEvidenceView> = evidence
            .iter()
            .filter(|e| e.criterion == key)
            .map(|e| AdpEvidenceView {
                id: e.id.clone(),
                label: e.label.clone(),
                evidence_id: e.evidence_id.clone(),
                record: e.record.clone(),
            })
            .collect();
        let narrative = answer.map(|a| a.narrative.clone()).unwrap_or_default();
        let reviewed_since = match (&last_review, answer) {
            (Some(review), Some(a)) => review.as_str() > a.recorded_at.as_str(),
            _ => false,
        };
        CriterionView {
            key: key.to_owned(),
            title: title.to_owned(),
            rid: rid.to_owned(),
            guidance: guidance.to_owned(),
            strength: rules::strength(!narrative.trim().is_empty(), evidence.len(), reviewed_since),
            owner: answer.map(|a| a.owner.clone()).unwrap_or_default(),
            review_on: answer.and_then(|a| a.review_on),
            versions: answer.map_or(0, |a| a.versions),
            narrative,
            evidence,
        }
    };
    let Some(adp) = &pack.pack.adp else {
        return Ok(AdpView {
            available: false,
            criteria: Vec::new(),
            gone: Vec::new(),
            new: Vec::new(),
            last_review,
        });
    };
    let pack_keys: Vec<&str> = adp.criteria.iter().map(|c| c.key.as_str()).collect();
    let answered: Vec<&str> = answers.iter().map(|a| a.criterion.as_str()).collect();
    // What the dossier was written against: the criteria of the pack of its newest answer.
    let before: Vec<&str> = answers
        .iter()
        .max_by_key(|a| a.seq)
        .map(|a| a.criteria.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let (_, gone) = rules::changes(&pack_keys, &answered);
    let (new, _) = rules::changes(&pack_keys, &before);
    Ok(AdpView {
        available: true,
        criteria: adp.criteria.iter().map(|c| view(&c.key, &c.title, &c.rid, &c.guidance)).collect(),
        gone: gone
            .iter()
            .map(|k| view(k, k, "R20", "No longer a criterion of the active rule pack"))
            .collect(),
        new: adp
            .criteria
            .iter()
            .filter(|c| !before.is_empty() && new.contains(&c.key.as_str()))
            .map(|c| c.title.clone())
            .collect(),
        last_review,
    })
}

fn criterion_title(u: &Unlocked, key: &str) -> Result<String, AppError> {
    let (pack, _) = crate::obligations::active_pack(u)?;
    let adp = pack
        .pack
        .adp
        .as_ref()
        .ok_or_else(|| CoreError::invalid("criterion", "the active rule pack keeps no ADP dossier"))?;
    adp.criteria
        .iter()
        .find(|c| c.key == key)
        .map(|c| c.title.clone())
        .ok_or_else(|| CoreError::invalid("criterion", "is not a criterion of the active rule pack").into())
}

/// Saves a new version of a criterion's answer (officers). A material change owes a report to
/// Commerce (R21, the pack's days); the dossier's first answer starts its review cycle.
///
/// # Errors
/// An unknown criterion; an empty narrative; not an officer.
pub fn adp_answer(ctx: &Context, session: &Session, form: &AdpAnswerForm) -> Result<AdpView, AppError> {
    if form.narrative.trim().is_empty() {
        return Err(CoreError::invalid("narrative", "write what the program does for this criterion").into());
    }
    session.with(ctx, |u| {
        u.require_officer("keep the ADP dossier")?;
        let title = criterion_title(u, &form.criterion)?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let criteria: Vec<String> =
            pack.pack.adp.iter().flat_map(|a| a.criteria.iter().map(|c| c.key.clone())).collect();
        let first = u.workspace.db().read(store::answers)?.is_empty();
        let at = ctx.clock().now();
        let me = u.actor.id;
        let mut events = Vec::new();
        if form.material {
            events.push(Event {
                id: workbench_core::EventId::new().to_string(),
                occurred_at: at,
                kind: EventKind::AdpMaterialChange { criterion: title },
            });
        }
        if first && u.workspace.db().read(store::last_review)?.is_none() {
            events.push(Event {
                id: workbench_core::EventId::new().to_string(),
                occurred_at: at,
                kind: EventKind::AdpReviewed,
            });
        }
        let new = store::NewAnswer {
            criterion: &form.criterion,
            narrative: form.narrative.trim(),
            owner: &form.owner,
            review_on: form.review_on,
            material: form.material,
            criteria: &criteria,
        };
        u.workspace.db_mut().write(|tx| {
            store::answer(tx, &new, me, at)?;
            events.iter().try_for_each(|e| crate::obligations::record(tx, e, me, at))
        })?;
        status(u)
    })
}

/// Attaches a document (PDF or image, kept in the vault) as evidence for a criterion (officers).
///
/// # Errors
/// An unknown criterion; the file not a PDF or an image, or too large; not an officer.
pub fn adp_evidence_document(
    ctx: &Context,
    session: &Session,
    criterion: &str,
    label: &str,
    path: &Path,
) -> Result<AdpView, AppError> {
    let document = crate::documents::Document::read(ctx, session, path, "evidence", "document")?;
    let label = if label.trim().is_empty() {
        path.file_name().map_or_else(|| "document".into(), |n| n.to_string_lossy().into_owned())
    } else {
        label.trim().to_owned()
    };
    session.with(ctx, |u| {
        u.require_officer("keep the ADP dossier")?;
        criterion_title(u, criterion)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let evidence_id = document.store(u, at)?;
        u.workspace
            .db_mut()
            .write(|tx| store::add_evidence(tx, criterion, Some(&evidence_id), None, &label, me, at))?;
        status(u)
    })
}

/// Cites a record of the workspace as evidence for a criterion (officers): `reseller_matrix`,
/// `queue_statistics` or `cip_version:N` (an approved version).
///
/// # Errors
/// An unknown criterion or record; not an officer.
pub fn adp_evidence_record(
    ctx: &Context,
    session: &Session,
    criterion: &str,
    record: &str,
) -> Result<AdpView, AppError> {
    let link = RecordLink::parse(record).ok_or_else(|| {
        CoreError::invalid("record", "must be reseller_matrix, queue_statistics or cip_version:N")
    })?;
    session.with(ctx, |u| {
        u.require_officer("keep the ADP dossier")?;
        criterion_title(u, criterion)?;
        let label = record_summary(ctx, u, &link)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace
            .db_mut()
            .write(|tx| store::add_evidence(tx, criterion, None, Some(&link.code()), &label, me, at))?;
        status(u)
    })
}

/// What a record says now, in one line (printed in the application).
fn record_summary(ctx: &Context, u: &Unlocked, link: &RecordLink) -> Result<String, AppError> {
    let db = u.workspace.db();
    Ok(match link {
        RecordLink::ResellerMatrix => {
            let resellers = db.read(workbench_store::resellers::list)?;
            let attestations = db.read(workbench_store::resellers::attestations)?;
            format!(
                "Foreign resellers' attestation matrix (R18): {} reseller(s), {} attestation(s) on record",
                resellers.len(),
                attestations.len()
            )
        }
        RecordLink::QueueStatistics => {
            let h = db.read(|c| workbench_store::review::health(c, ctx.clock().now()))?;
            format!(
                "Verification queue (R4): {} ready, {} past their SLA, {} waiting for more information, {} refusals \
                 awaiting a second reviewer",
                h.ready, h.past_sla, h.snoozed, h.awaiting_second
            )
        }
        RecordLink::CipVersion(n) => {
            let v = db
                .read(|c| workbench_store::cip::version(c, *n))?
                .filter(|v| v.state == workbench_core::cip::VersionState::Approved)
                .ok_or_else(|| CoreError::invalid("record", "is not an approved CIP version"))?;
            format!(
                "CIP version {n} (R1), effective {}, SHA-256 {}",
                v.effective_on.map_or_else(|| "—".into(), |d| d.to_string()),
                v.sha256.get(..16).unwrap_or(&v.sha256)
            )
        }
    })
}

/// Records a review of the whole dossier (officers): the criteria evidenced so far count as
/// reviewed, and the next review falls due by the pack's months (R21).
///
/// # Errors
/// No note; not an officer.
pub fn adp_review(ctx: &Context, session: &Session, note: &str) -> Result<AdpView, AppError> {
    if note.trim().is_empty() {
        return Err(CoreError::invalid("note", "say what the review found").into());
    }
    session.with(ctx, |u| {
        u.require_officer("review the ADP dossier")?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let event = Event {
            id: workbench_core::EventId::new().to_string(),
            occurred_at: at,
            kind: EventKind::AdpReviewed,
        };
        u.workspace.db_mut().write(|tx| {
            store::review(tx, note, me, at)?;
            crate::obligations::record(tx, &event, me, at)
        })?;
        status(u)
    })
}

/// The snapshot of an exemption application for `scope` (`provider`, `account_type:T` or
/// `reseller:R`), drawn from the dossier (R20).
pub(crate) fn application_snapshot(
    ctx: &Context,
    session: &Session,
    scope: &str,
    provider: String,
    signer: String,
) -> Result<workbench_core::filing::Snapshot, AppError> {
    let (kind, name) = scope.split_once(':').unwrap_or((scope, ""));
    let input = workbench_core::exemption::ExemptionInput {
        scope: kind.to_owned(),
        name: name.to_owned(),
        starts_on: chrono::NaiveDate::MIN,
        ends_on: None,
        conditions: String::new(),
        reference: "application".into(),
    };
    let scope = input.check()?;
    session.with(ctx, |u| {
        crate::exemptions::check_scope_exists(u, &scope)?;
        let view = status(u)?;
        if !view.available {
            return Err(CoreError::invalid("adp", "the active rule pack keeps no ADP dossier").into());
        }
        let db = u.workspace.db();
        let criteria = view
            .criteria
            .iter()
            .map(|c| {
                let evidence = c
                    .evidence
                    .iter()
                    .map(|e| match &e.evidence_id {
                        Some(id) => Ok(match db.read(|conn| store::document(conn, id))? {
                            Some((name, sha)) => {
                                format!(
                                    "{} — document {name}, SHA-256 {}",
                                    e.label,
                                    sha.get(..16).unwrap_or(&sha)
                                )
                            }
                            None => e.label.clone(),
                        }),
                        None => Ok(e.label.clone()),
                    })
                    .collect::<Result<Vec<_>, AppError>>()?;
                Ok(workbench_core::filing::AdpCriterionSnapshot {
                    title: c.title.clone(),
                    rid: c.rid.clone(),
                    narrative: paragraphs(&c.narrative),
                    evidence,
                    owner: c.owner.clone(),
                    review_on: c.review_on.map(|d| d.to_string()),
                    strength: c.strength.label().to_owned(),
                })
            })
            .collect::<Result<_, AppError>>()?;
        Ok(workbench_core::filing::Snapshot::ExemptionApplication {
            provider,
            scope: scope.describe(),
            criteria,
            signer,
        })
    })
}

/// Markdown flattened to paragraphs of text: headings, list marks and emphasis dropped.
fn paragraphs(markdown: &str) -> Vec<String> {
    markdown
        .split("\n\n")
        .map(|block| {
            block
                .lines()
                .map(|l| l.trim().trim_start_matches('#').trim_start_matches(['-', '*', '>']).trim())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
                .replace("**", "")
                .replace('*', "")
        })
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_is_flattened_to_paragraphs() {
        let text = "# Red flags\n\nWe watch for:\n- **bulk** sign-ups\n- *crypto* mining\n\n> escalated within a day";
        assert_eq!(
            super::paragraphs(text),
            ["Red flags", "We watch for: bulk sign-ups crypto mining", "escalated within a day"]
        );
    }
}
