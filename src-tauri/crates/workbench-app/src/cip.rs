//! The written CIP (R1) as use cases: begin a draft from the pack's topics (carrying the text of
//! the version in force), save it, preview its Markdown, compare any two versions, approve it
//! (four eyes when Settings say so; a material change raises the R14 notice) and render any
//! version as a PDF.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::cip::{self as core_cip, ApprovalCheck, CipSection, SectionDiff, VersionState};
use workbench_core::obligations::{Event, EventKind};
use workbench_core::rules::CipTopic;
use workbench_core::{CoreError, EventId};
use workbench_store::cip::{self as store, DraftEdit, VersionRow};
use workbench_store::provider;

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// A version as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CipVersionSummary {
    /// Number.
    #[ts(type = "number")]
    pub number: i64,
    /// The version it was begun from.
    #[ts(type = "number | null")]
    pub based_on: Option<i64>,
    /// Draft, approved, discarded.
    pub state: VersionState,
    /// Whether it is the version in force today.
    pub in_force: bool,
    /// What changed.
    pub change_summary: String,
    /// Material change (R14).
    pub material: bool,
    /// Begun by (name).
    pub created_by: String,
    /// Last saved, RFC 3339.
    pub updated_at: String,
    /// Approved by (name).
    pub approved_by: Option<String>,
    /// Approved when.
    pub approved_at: Option<String>,
    /// Takes effect.
    #[ts(type = "string | null")]
    pub effective_on: Option<NaiveDate>,
    /// SHA-256 of the text.
    pub sha256: String,
}

/// The CIP screen's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CipOverview {
    /// Every version, newest first.
    pub versions: Vec<CipVersionSummary>,
    /// The pack's topics with their guidance.
    pub topics: Vec<CipTopic>,
    /// Four eyes on approval (Settings).
    pub four_eyes: bool,
    /// Today in the provider's time zone (the earliest effective date).
    #[ts(type = "string")]
    pub today: NaiveDate,
}

/// One version with its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CipVersionView {
    /// As listed.
    pub summary: CipVersionSummary,
    /// Sections with text.
    pub sections: Vec<CipSection>,
    /// Everyone who wrote in it (names).
    pub authors: Vec<String>,
    /// Whether the acting officer may approve it now (four eyes).
    pub may_approve: bool,
}

impl CipVersionSummary {
    /// The state as a word.
    pub fn state_label(&self) -> &'static str {
        self.state.code()
    }
}

fn today(u: &Unlocked, ctx: &Context) -> Result<NaiveDate, AppError> {
    let tz = crate::obligations::provider_tz(u)?;
    Ok(ctx.clock().now().with_timezone(&tz).date_naive())
}

fn summary(u: &Unlocked, row: &VersionRow, in_force: Option<i64>) -> CipVersionSummary {
    CipVersionSummary {
        number: row.number,
        based_on: row.based_on,
        state: row.state,
        in_force: in_force == Some(row.number),
        change_summary: row.change_summary.clone(),
        material: row.material,
        created_by: u.actor_name(&row.created_by),
        updated_at: row.updated_at.clone(),
        approved_by: row.approved_by.as_deref().map(|id| u.actor_name(id)),
        approved_at: row.approved_at.clone(),
        effective_on: row.effective_on,
        sha256: row.sha256.clone(),
    }
}

fn four_eyes(u: &Unlocked) -> Result<bool, AppError> {
    Ok(crate::settings::load(&u.workspace)?.cip_four_eyes)
}

fn require_version(u: &Unlocked, number: i64) -> Result<VersionRow, AppError> {
    u.workspace
        .db()
        .read(|c| store::version(c, number))?
        .ok_or_else(|| CoreError::invalid("version", format!("there is no CIP version {number}")).into())
}

/// Every version and what the screen needs around them.
pub fn cip_overview(ctx: &Context, session: &Session) -> Result<CipOverview, AppError> {
    session.with(ctx, |u| {
        let today = today(u, ctx)?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let in_force = u.workspace.db().read(|c| store::in_force(c, today))?.map(|v| v.number);
        let rows = u.workspace.db().read(store::versions)?;
        Ok(CipOverview {
            versions: rows.iter().map(|r| summary(u, r, in_force)).collect(),
            topics: pack.pack.cip.sections.clone(),
            four_eyes: four_eyes(u)?,
            today,
        })
    })
}

/// One version with its text and authors.
pub fn cip_version_get(ctx: &Context, session: &Session, number: i64) -> Result<CipVersionView, AppError> {
    session.with(ctx, |u| {
        let row = require_version(u, number)?;
        let today = today(u, ctx)?;
        let in_force = u.workspace.db().read(|c| store::in_force(c, today))?.map(|v| v.number);
        let author_ids = u.workspace.db().read(|c| store::authors(c, number))?;
        let me = u.actor.id.to_string();
        let may_approve = row.state == VersionState::Draft
            && u.actor.role.can_manage_actors()
            && !(four_eyes(u)? && author_ids.contains(&me));
        Ok(CipVersionView {
            summary: summary(u, &row, in_force),
            sections: row.sections,
            authors: author_ids.iter().map(|id| u.actor_name(id)).collect(),
            may_approve,
        })
    })
}

/// Begins a draft (officers): the pack's topics, carrying the text of version `from` — by default
/// the newest approved version. Refused while another draft is open.
pub fn cip_draft_begin(ctx: &Context, session: &Session, from: Option<i64>) -> Result<i64, AppError> {
    session.with(ctx, |u| {
        u.require_officer("write the CIP")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let base = match from {
            Some(n) => Some(require_version(u, n)?),
            None => u
                .workspace
                .db()
                .read(store::versions)?
                .into_iter()
                .find(|v| v.state == VersionState::Approved),
        };
        let previous = base.as_ref().map(|b| b.sections.as_slice()).unwrap_or_default();
        let sections = core_cip::outline(&pack.pack.cip.sections, previous);
        let me = u.actor.id;
        let at = ctx.clock().now();
        let number = u
            .workspace
            .db_mut()
            .write(|tx| store::begin_draft(tx, &sections, base.as_ref().map(|b| b.number), me, at))?;
        Ok(number)
    })
}

/// A section's new text.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct SectionText {
    /// Section key.
    pub key: String,
    /// Markdown.
    pub body: String,
}

/// What a save sends: the changed sections and the notes.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct CipDraftSave {
    /// The draft.
    #[ts(type = "number")]
    pub number: i64,
    /// Sections whose text changed (others keep theirs).
    pub sections: Vec<SectionText>,
    /// What changed.
    pub change_summary: String,
    /// Whether the change is material (R14).
    pub material: bool,
}

/// Saves a draft (officers); the saver becomes one of its authors. Returns the new text hash.
pub fn cip_draft_save(ctx: &Context, session: &Session, save: &CipDraftSave) -> Result<String, AppError> {
    session.with(ctx, |u| {
        u.require_officer("write the CIP")?;
        let draft = require_version(u, save.number)?;
        let edited: Vec<CipSection> = save
            .sections
            .iter()
            .map(|t| CipSection {
                key: t.key.clone(),
                title: String::new(),
                rid: String::new(),
                body: t.body.clone(),
            })
            .collect();
        core_cip::check_edit(&draft.sections, &edited)?;
        let summary = save.change_summary.trim();
        if summary.chars().count() > 2_000 {
            return Err(CoreError::invalid("change_summary", "is longer than 2000 characters").into());
        }
        let sections: Vec<CipSection> = draft
            .sections
            .into_iter()
            .map(|s| match edited.iter().find(|e| e.key == s.key) {
                Some(e) => CipSection { body: e.body.clone(), ..s },
                None => s,
            })
            .collect();
        let me = u.actor.id;
        let at = ctx.clock().now();
        let edit = DraftEdit { sections: &sections, change_summary: summary, material: save.material };
        Ok(u.workspace.db_mut().write(|tx| store::save_draft(tx, save.number, &edit, me, at))?)
    })
}

/// Markdown as the preview shows it (safe HTML: nothing in it can run or load).
pub fn cip_preview(markdown: &str) -> String {
    core_cip::markdown_html(markdown)
}

/// What an approval sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct CipApproval {
    /// The draft.
    #[ts(type = "number")]
    pub number: i64,
    /// When it takes effect (today or later).
    #[ts(type = "string")]
    pub effective_on: NaiveDate,
}

/// Approves a draft (officers; with four eyes on, not one who wrote in it). A material change
/// records the R14 event, so the change notice falls due.
pub fn cip_approve(
    ctx: &Context,
    session: &Session,
    approval: &CipApproval,
) -> Result<CipVersionSummary, AppError> {
    session.with(ctx, |u| {
        u.require_officer("approve the CIP")?;
        let draft = require_version(u, approval.number)?;
        if draft.state != VersionState::Draft {
            return Err(
                CoreError::invalid("version", format!("version {} is not a draft", draft.number)).into()
            );
        }
        let authors = u.workspace.db().read(|c| store::authors(c, draft.number))?;
        let approved_before =
            u.workspace.db().read(store::versions)?.iter().any(|v| v.state == VersionState::Approved);
        let me = u.actor.id;
        let today = today(u, ctx)?;
        core_cip::check_approval(&ApprovalCheck {
            sections: &draft.sections,
            authors: &authors,
            approver: &me.to_string(),
            four_eyes: four_eyes(u)?,
            effective_on: approval.effective_on,
            today,
            change_summary: &draft.change_summary,
            first: !approved_before,
        })?;
        let at = ctx.clock().now();
        let row = u.workspace.db_mut().write(|tx| {
            let row = store::approve(tx, draft.number, approval.effective_on, me, at)?;
            if row.material && approved_before {
                let event = Event {
                    id: EventId::new().to_string(),
                    occurred_at: at,
                    kind: EventKind::MaterialCipChange { version: row.number.to_string() },
                };
                crate::obligations::record(tx, &event, me, at)?;
            }
            Ok(row)
        })?;
        let in_force = u.workspace.db().read(|c| store::in_force(c, today))?.map(|v| v.number);
        Ok(summary(u, &row, in_force))
    })
}

/// Gives up a draft (officers).
pub fn cip_discard(ctx: &Context, session: &Session, number: i64) -> Result<(), AppError> {
    session.with(ctx, |u| {
        u.require_officer("discard a CIP draft")?;
        let me = u.actor.id;
        let at = ctx.clock().now();
        u.workspace.db_mut().write(|tx| store::discard(tx, number, me, at))?;
        Ok(())
    })
}

/// The difference between two versions, `old` → `new`.
pub fn cip_diff(ctx: &Context, session: &Session, old: i64, new: i64) -> Result<Vec<SectionDiff>, AppError> {
    session.with(ctx, |u| {
        let old = require_version(u, old)?;
        let new = require_version(u, new)?;
        Ok(core_cip::diff(&old.sections, &new.sections))
    })
}

/// The view-model a version's PDF is drawn from.
pub(crate) fn document(
    u: &Unlocked,
    ctx: &Context,
    row: &VersionRow,
) -> Result<workbench_filings::CipDocument, AppError> {
    let provider = u.workspace.db().read(provider::get)?.legal_name;
    let approved_by = match (&row.approved_by, &row.approved_at) {
        (Some(by), Some(at)) => Some(format!("{} on {}", u.actor_name(by), at.get(..10).unwrap_or(at))),
        _ => None,
    };
    Ok(workbench_filings::CipDocument {
        provider,
        number: row.number,
        approved: row.state == VersionState::Approved,
        effective_on: row.effective_on.map(|d| d.to_string()),
        approved_by,
        change_summary: row.change_summary.clone(),
        sha256: row.sha256.clone(),
        sections: row.sections.clone(),
        generated_at: ctx.clock().now(),
    })
}

/// A version as a PDF.
pub fn cip_render(ctx: &Context, session: &Session, number: i64) -> Result<Vec<u8>, AppError> {
    // Rendering (fonts subset, pages laid out) runs after the session is let go (issue 15).
    let doc = session.with(ctx, |u| {
        let row = require_version(u, number)?;
        if row.state == VersionState::Discarded {
            return Err(CoreError::invalid("version", format!("version {number} was discarded")).into());
        }
        document(u, ctx, &row)
    })?;
    Ok(workbench_filings::render_cip(&doc)?)
}

/// Renders a version and writes the PDF to `path` atomically (a failed render writes nothing).
pub fn cip_write_pdf(
    ctx: &Context,
    session: &Session,
    number: i64,
    path: &std::path::Path,
) -> Result<(), AppError> {
    let pdf = cip_render(ctx, session, number)?;
    Ok(workbench_store::files::write_atomically(path, &pdf)?)
}

/// Begins a draft from a whole-program Markdown file (`# Section title` headings, see
/// [`core_cip::split_program`]): the file is checked first, so a bad file begins nothing.
pub fn cip_draft_import(
    ctx: &Context,
    session: &Session,
    text: &str,
    change_summary: &str,
    material: bool,
) -> Result<i64, AppError> {
    let topics = session.with(ctx, |u| Ok(crate::obligations::active_pack(u)?.0.pack.cip.sections))?;
    let sections: Vec<SectionText> = core_cip::split_program(&topics, text)?
        .into_iter()
        .map(|(key, body)| SectionText { key, body })
        .collect();
    let number = cip_draft_begin(ctx, session, None)?;
    let save = CipDraftSave { number, sections, change_summary: change_summary.to_owned(), material };
    if let Err(e) = cip_draft_save(ctx, session, &save) {
        // Leave no half-made draft behind.
        cip_discard(ctx, session, number)?;
        return Err(e);
    }
    Ok(number)
}
