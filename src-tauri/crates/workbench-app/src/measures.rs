//! The special-measures register (R22): measures recorded with their source document in the
//! vault, extended with their own citations, their status computed for the provider's today.
//! Recording a measure also records the obligations event that puts its effective date and its
//! end on the calendar (and in the .ics export).

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;
use workbench_core::CoreError;
use workbench_core::measures::{
    self as core, Extension, MeasureKind, MeasurePerson, MeasureStatus, NewMeasure,
};
use workbench_core::obligations::{Event, EventKind};
use workbench_store::measures as store;

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// A measure as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MeasureView {
    /// UUIDv7.
    pub id: String,
    /// Title.
    pub title: String,
    /// Federal Register citation.
    pub citation: String,
    /// Determination date.
    pub determined_on: String,
    /// Effective date.
    pub effective_on: String,
    /// True when the effective date came from the pack's lead days (none was stated).
    pub effective_derived: bool,
    /// The end before any extension.
    pub ends_on: String,
    /// True when the end came from the pack's maximum.
    pub end_derived: bool,
    /// The end with its extensions.
    pub current_end: String,
    /// Computed for the provider's today.
    pub status: MeasureStatus,
    /// What it does.
    pub kind: MeasureKind,
    /// Close-by date of a prohibition on maintaining.
    pub close_by: Option<String>,
    /// Conditions (a checklist on each affected customer).
    pub conditions: Vec<String>,
    /// Persons named.
    pub persons: Vec<MeasurePerson>,
    /// Jurisdictions named.
    pub jurisdictions: Vec<String>,
    /// The determination in the vault, if filed.
    pub source_evidence: Option<String>,
    /// Extensions, oldest first.
    pub extensions: Vec<Extension>,
    /// When it was recorded.
    pub recorded_at: String,
    /// Who recorded it (name).
    pub recorded_by: String,
}

impl MeasureView {
    /// What it does, in a few words.
    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            MeasureKind::ProhibitOpening => "no new accounts",
            MeasureKind::ProhibitMaintaining => "accounts close",
            MeasureKind::Conditions => "conditions",
        }
    }
}

fn today(ctx: &Context, u: &Unlocked) -> Result<NaiveDate, AppError> {
    Ok(ctx.clock().now().with_timezone(&crate::obligations::provider_tz(u)?).date_naive())
}

fn view(u: &Unlocked, row: store::MeasureRow, today: NaiveDate) -> MeasureView {
    let current_end = core::current_end(row.ends_on, &row.extensions);
    MeasureView {
        status: core::status(row.effective_on, row.ends_on, &row.extensions, today),
        current_end: current_end.to_string(),
        recorded_by: u.actor_name(&row.recorded_by),
        id: row.id,
        title: row.title,
        citation: row.citation,
        determined_on: row.determined_on.to_string(),
        effective_on: row.effective_on.to_string(),
        effective_derived: row.effective_derived,
        ends_on: row.ends_on.to_string(),
        end_derived: row.end_derived,
        kind: row.kind,
        close_by: row.close_by.map(|d| d.to_string()),
        conditions: row.conditions,
        persons: row.persons,
        jurisdictions: row.jurisdictions,
        source_evidence: row.source_evidence,
        extensions: row.extensions,
        recorded_at: row.recorded_at,
    }
}

/// Every measure, by effective date, with its status today.
pub fn list(ctx: &Context, session: &Session) -> Result<Vec<MeasureView>, AppError> {
    session.with(ctx, |u| {
        let today = today(ctx, u)?;
        Ok(u.workspace.db().read(store::list)?.into_iter().map(|r| view(u, r, today)).collect())
    })
}

/// One measure.
pub fn get(ctx: &Context, session: &Session, id: &str) -> Result<MeasureView, AppError> {
    session.with(ctx, |u| {
        let today = today(ctx, u)?;
        let row = u
            .workspace
            .db()
            .read(|c| store::get(c, id))?
            .ok_or_else(|| CoreError::invalid("id", format!("there is no special measure {id}")))?;
        Ok(view(u, row, today))
    })
}

/// Records a measure (officers only), with the determination's PDF or image in the vault when
/// given. Checked against the active pack first: nothing is stored when a field is wrong.
pub fn add(
    ctx: &Context,
    session: &Session,
    measure: &NewMeasure,
    document: Option<&Path>,
) -> Result<MeasureView, AppError> {
    let document = document
        .map(|path| crate::documents::Document::read(ctx, session, path, "document", "determination.pdf"))
        .transpose()?;
    let id = session.with(ctx, |u| {
        u.require_officer("record special measures")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let valid = measure.clone().validate(&pack.pack)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let evidence = document.as_ref().map(|d| d.store(u, at)).transpose()?;
        let target = describe_target(&valid.measure);
        let determined = valid.measure.determined_on.and_hms_opt(12, 0, 0).map_or(at, |t| t.and_utc());
        let event = Event {
            id: workbench_core::EventId::new().to_string(),
            occurred_at: determined,
            kind: EventKind::SpecialMeasure {
                target,
                effective_on: Some(valid.effective_on),
                expires_on: Some(valid.ends_on),
            },
        };
        Ok(u.workspace.db_mut().write(|tx| {
            let id = store::insert(tx, &valid, evidence.as_deref(), me, at)?;
            crate::obligations::record(tx, &event, me, at)?;
            Ok(id)
        })?)
    })?;
    get(ctx, session, &id)
}

/// Who or where a measure names, in a few words (for the calendar).
fn describe_target(m: &NewMeasure) -> String {
    let mut parts: Vec<String> = m.persons.iter().map(|p| p.name.clone()).collect();
    parts.extend(m.jurisdictions.iter().map(|c| format!("persons in {c}")));
    match parts.len() {
        0 => m.title.clone(),
        1..=2 => parts.join(" and "),
        n => format!("{} and {} more", parts[..2].join(", "), n - 2),
    }
}

/// Records an extension of a measure's end, with its own citation (officers only).
pub fn extend(
    ctx: &Context,
    session: &Session,
    id: &str,
    extension: &Extension,
) -> Result<MeasureView, AppError> {
    session.with(ctx, |u| {
        u.require_officer("extend special measures")?;
        let row = u
            .workspace
            .db()
            .read(|c| store::get(c, id))?
            .ok_or_else(|| CoreError::invalid("id", format!("there is no special measure {id}")))?;
        let valid = core::validate_extension(extension, core::current_end(row.ends_on, &row.extensions))?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| store::extend(tx, id, &valid, me, at))?;
        Ok(())
    })?;
    get(ctx, session, id)
}
