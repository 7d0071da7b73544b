//! Rule packs, the provider profile and obligations (R13–R15, R19, R22, R23, R27): the use cases
//! behind the dashboard, the calendar, Settings → Rule pack and the Provider view.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::obligations::{
    self as engine, Event, EventKind, Met, Obligation, ObligationKind, Status,
};
use workbench_core::rules::{LoadedPack, RulePack, RuleStatus};
use workbench_core::{CoreError, EventId};
use workbench_store::audit;
use workbench_store::provider::{self, Contact, Profile};
use workbench_store::{obligations as store, rule_packs, settings};

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

const ACTIVE_PACK: &str = "rule_pack.active";
/// An obligation due within this many days is "due soon" (UI.md: due-in-30-days first).
pub const DUE_SOON_DAYS: i64 = 30;

/// A rule pack as listed in Settings and shown in the frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PackView {
    /// Pack id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Citation.
    pub citation: String,
    /// Proposed or final.
    pub status: RuleStatus,
    /// SHA-256 of the file.
    pub sha256: String,
    /// File name.
    pub file_name: String,
    /// Shipped with the app.
    pub built_in: bool,
    /// The active one.
    pub active: bool,
    /// Values the pack assumes (⚠), with the pack's note on each.
    pub assumed: Vec<AssumedValue>,
}

/// A value the rule leaves open and the pack assumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AssumedValue {
    /// Dotted key, e.g. `deadlines.change_notice`.
    pub key: String,
    /// Why the pack assumes it.
    pub note: String,
}

fn view(loaded: &LoadedPack, file_name: &str, built_in: bool, active: bool) -> PackView {
    let p = &loaded.pack.pack;
    PackView {
        id: p.id.clone(),
        title: p.title.clone(),
        citation: p.citation.clone(),
        status: p.status,
        sha256: loaded.sha256.clone(),
        file_name: file_name.to_owned(),
        built_in,
        active,
        assumed: loaded
            .pack
            .assumed_values()
            .into_iter()
            .map(|(key, note)| AssumedValue { key, note })
            .collect(),
    }
}

/// The active pack: the one chosen in Settings, else the built-in one. A stored pack that no
/// longer loads (it was validated at import, so only if altered) falls back to the built-in one
/// with a warning; the app keeps running.
pub(crate) fn active_pack(u: &Unlocked) -> Result<(LoadedPack, String), AppError> {
    let chosen = u.workspace.db().read(|c| settings::get(c, ACTIVE_PACK))?;
    let built_in = RulePack::built_in();
    let Some(sha) = chosen.filter(|s| *s != built_in.sha256) else {
        return Ok((built_in, workbench_core::rules::BUILT_IN_FILE.to_owned()));
    };
    let stored = u.workspace.db().read(|c| rule_packs::get(c, &sha))?;
    match stored.map(|p| (RulePack::load(&p.file_name, &p.source), p.file_name)) {
        Some((Ok(loaded), file)) => Ok((loaded, file)),
        Some((Err(e), _)) => {
            tracing::warn!(error = %e, "the active rule pack no longer loads; using the built-in one");
            Ok((built_in, workbench_core::rules::BUILT_IN_FILE.to_owned()))
        }
        None => Ok((built_in, workbench_core::rules::BUILT_IN_FILE.to_owned())),
    }
}

/// Every pack: the built-in one, then those imported.
pub fn rules_list(ctx: &Context, session: &Session) -> Result<Vec<PackView>, AppError> {
    session.with(ctx, |u| {
        let (active, _) = active_pack(u)?;
        let built_in = RulePack::built_in();
        let mut out = vec![view(
            &built_in,
            workbench_core::rules::BUILT_IN_FILE,
            true,
            built_in.sha256 == active.sha256,
        )];
        for stored in u.workspace.db().read(rule_packs::list)? {
            if let Ok(loaded) = RulePack::load(&stored.file_name, &stored.source) {
                let is_active = loaded.sha256 == active.sha256;
                out.push(view(&loaded, &stored.file_name, false, is_active));
            }
        }
        Ok(out)
    })
}

/// Validates and stores a pack file (officers). Does not activate it.
pub fn rules_import(ctx: &Context, session: &Session, path: &std::path::Path) -> Result<PackView, AppError> {
    let file_name = path.file_name().map_or_else(|| "pack.toml".into(), |n| n.to_string_lossy().into_owned());
    let source = std::fs::read_to_string(path).map_err(|e| {
        AppError::Store(workbench_store::StoreError::io(format!("reading {}", path.display()), e))
    })?;
    let loaded = RulePack::load(&file_name, &source)?;
    session.with(ctx, |u| {
        u.require_officer("import a rule pack")?;
        let at = ctx.clock().now();
        let by = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            rule_packs::insert(tx, &loaded.sha256, &loaded.pack.pack.id, &file_name, &source, by, at)
                .map(drop)
        })?;
        Ok(view(&loaded, &file_name, false, false))
    })
}

/// Makes a pack (by SHA-256) the active one (officers). Open obligations follow it from now on;
/// met ones keep the pack they were met under.
pub fn rules_activate(ctx: &Context, session: &Session, sha256: &str) -> Result<(), AppError> {
    session.with(ctx, |u| {
        u.require_officer("choose the rule pack")?;
        let built_in = RulePack::built_in();
        let known =
            sha256 == built_in.sha256 || u.workspace.db().read(|c| rule_packs::get(c, sha256))?.is_some();
        if !known {
            return Err(CoreError::invalid("sha256", "no imported rule pack has this hash").into());
        }
        let by = u.actor.id;
        settings::set(u.workspace.db_mut(), ACTIVE_PACK, sha256, by, ctx.clock().now())?;
        Ok(())
    })
}

/// The provider profile with its contact history (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProviderView {
    /// Legal name.
    pub legal_name: String,
    /// Postal address.
    pub address: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// small | medium | large.
    pub size_tier: String,
    /// Offers virtualized IaaS.
    pub virtualized: bool,
    /// Offers dedicated IaaS.
    pub dedicated: bool,
    /// The IaaS products, described.
    pub products: String,
    /// IANA time zone for counting calendar days.
    pub time_zone: String,
    /// Primary CIP contacts, newest (current) first.
    #[serde(default)]
    pub contacts: Vec<ContactView>,
}

/// A primary CIP contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactView {
    /// Name.
    pub name: String,
    /// Job title.
    pub title: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// From when (RFC 3339 UTC); empty for a new one.
    #[serde(default)]
    pub since: String,
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> Self {
        Self { name: c.name, title: c.title, email: c.email, phone: c.phone, since: c.since }
    }
}

/// The profile and contacts.
pub fn provider_get(ctx: &Context, session: &Session) -> Result<ProviderView, AppError> {
    session.with(ctx, |u| {
        let profile = u.workspace.db().read(provider::get)?;
        let contacts =
            u.workspace.db().read(provider::contacts)?.into_iter().map(ContactView::from).collect();
        Ok(ProviderView {
            legal_name: profile.legal_name,
            address: profile.address,
            country: profile.country,
            size_tier: profile.size_tier,
            virtualized: profile.virtualized,
            dedicated: profile.dedicated,
            products: profile.products,
            time_zone: profile.time_zone,
            contacts,
        })
    })
}

/// Saves the profile (officers); audited with digests.
pub fn provider_update(
    ctx: &Context,
    session: &Session,
    new: &ProviderView,
) -> Result<ProviderView, AppError> {
    let mut problems = Vec::new();
    if new.legal_name.trim().is_empty() {
        problems.push(field("legal_name", "the provider's legal name is required"));
    }
    if new.country.len() != 2 || !new.country.chars().all(|c| c.is_ascii_uppercase()) {
        problems.push(field("country", "use the two-letter ISO 3166-1 code, e.g. US"));
    }
    if !["small", "medium", "large"].contains(&new.size_tier.as_str()) {
        problems.push(field("size_tier", "choose small, medium or large"));
    }
    if Tz::from_str(&new.time_zone).is_err() {
        problems.push(field("time_zone", "not a known IANA time zone, e.g. America/New_York"));
    }
    if !new.virtualized && !new.dedicated {
        problems.push(field("products", "offer at least one of virtualized or dedicated IaaS"));
    }
    if !problems.is_empty() {
        return Err(CoreError::Invalid(problems).into());
    }
    let profile = Profile {
        legal_name: new.legal_name.trim().to_owned(),
        address: new.address.trim().to_owned(),
        country: new.country.clone(),
        size_tier: new.size_tier.clone(),
        virtualized: new.virtualized,
        dedicated: new.dedicated,
        products: new.products.trim().to_owned(),
        time_zone: new.time_zone.clone(),
    };
    session.with(ctx, |u| {
        u.require_officer("change the provider profile")?;
        let at = ctx.clock().now();
        let by = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            let kind = provider::profile_kind();
            let before = workbench_store::canonical::record(tx, kind, "1")?;
            provider::update(tx, &profile, at)?;
            workbench_store::canonical::record_change(
                tx,
                at,
                by.into(),
                "provider.update",
                kind,
                "1",
                before.as_deref(),
            )
        })?;
        Ok(())
    })?;
    provider_get(ctx, session)
}

/// Records a new primary CIP contact (officers). Replacing an existing contact is an R14 event.
pub fn provider_contact_change(
    ctx: &Context,
    session: &Session,
    new: &ContactView,
) -> Result<ProviderView, AppError> {
    if new.name.trim().is_empty() {
        return Err(CoreError::invalid("name", "the contact's name is required").into());
    }
    if !new.email.is_empty() && !new.email.contains('@') {
        return Err(CoreError::invalid("email", "not an email address").into());
    }
    session.with(ctx, |u| {
        u.require_officer("change the primary CIP contact")?;
        let at = ctx.clock().now();
        let by = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            let previous = provider::current_contact(tx)?;
            let contact = Contact {
                id: EventId::new().to_string(),
                name: new.name.trim().to_owned(),
                title: new.title.trim().to_owned(),
                email: new.email.trim().to_owned(),
                phone: new.phone.trim().to_owned(),
                since: audit::timestamp(&at),
                recorded_by: by.to_string(),
            };
            provider::add_contact(tx, &contact, at)?;
            if previous.is_some() {
                let event = Event {
                    id: EventId::new().to_string(),
                    occurred_at: at,
                    kind: EventKind::PrimaryContactChanged { contact: contact.name.clone() },
                };
                record(tx, &event, by, at)?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    provider_get(ctx, session)
}

/// An event a user records from the UI or CLI (this issue owns these kinds; later issues emit
/// their own through the same store).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum NewEvent {
    /// R15: a request for the CIP.
    CipCopyRequested {
        /// Who asked (e.g. "BIS Office of ICTS").
        requester: String,
        /// Their reference, if they gave one.
        #[serde(default)]
        reference: String,
        /// When the request was received, RFC 3339.
        #[ts(type = "string")]
        received_at: DateTime<Utc>,
    },
    /// R14: a significant change of business or corporate structure.
    BusinessChange {
        /// What changed.
        summary: String,
        /// When it took effect, RFC 3339.
        #[ts(type = "string")]
        occurred_at: DateTime<Utc>,
    },
}

/// Records an event (officers); returns the obligations it gives rise to.
pub fn event_record(ctx: &Context, session: &Session, new: &NewEvent) -> Result<Vec<Obligation>, AppError> {
    let (kind, occurred_at) = match new {
        NewEvent::CipCopyRequested { requester, received_at, .. } => {
            let requester = requester.trim();
            if requester.is_empty() {
                return Err(CoreError::invalid("requester", "say who asked for the CIP").into());
            }
            (EventKind::CipCopyRequested { requester: requester.to_owned() }, *received_at)
        }
        NewEvent::BusinessChange { summary, occurred_at } => {
            let summary = summary.trim();
            if summary.is_empty() {
                return Err(CoreError::invalid("summary", "describe the change in a few words").into());
            }
            (EventKind::BusinessChange { summary: summary.to_owned() }, *occurred_at)
        }
    };
    if occurred_at > ctx.clock().now() + chrono::Duration::minutes(5) {
        return Err(CoreError::invalid("date", "cannot be in the future").into());
    }
    let event = Event { id: EventId::new().to_string(), occurred_at, kind };
    session.with(ctx, |u| {
        u.require_officer("record this event")?;
        let at = ctx.clock().now();
        let by = u.actor.id;
        let tz = provider_tz(u)?;
        u.workspace.db_mut().write(|tx| {
            record(tx, &event, by, at)?;
            if let (EventKind::CipCopyRequested { requester }, NewEvent::CipCopyRequested { reference, .. }) =
                (&event.kind, new)
            {
                // The request the packet answers (R15), under the event's id.
                let received_on = event.occurred_at.with_timezone(&tz).date_naive();
                let reference = reference.trim();
                workbench_store::cip::insert_request(
                    tx,
                    &event.id,
                    requester,
                    reference,
                    received_on,
                    by,
                    at,
                )?;
            }
            Ok(())
        })?;
        Ok(compute(ctx, u)?.obligations.into_iter().filter(|o| o.source_event == event.id).collect())
    })
}

/// Stores an event with its audit event (the audit keeps the digest of the event's canonical
/// form, never its text).
pub(crate) fn record(
    tx: &workbench_store::rusqlite::Transaction<'_>,
    event: &Event,
    by: workbench_core::ActorId,
    at: DateTime<Utc>,
) -> Result<(), workbench_store::StoreError> {
    store::insert_event(tx, event, by.into(), at)
}

/// Everything the dashboard and calendar show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ObligationsView {
    /// Every obligation, by due date.
    pub obligations: Vec<Obligation>,
    /// Today in the provider's time zone.
    #[ts(type = "string")]
    pub today: NaiveDate,
    /// The provider's time zone.
    pub time_zone: String,
    /// Sum of penalty ceilings of overdue obligations (R27).
    #[ts(type = "number")]
    pub exposure_usd: u64,
    /// The active pack.
    pub pack: PackView,
    /// Open (not met) obligations per kind.
    pub counts: Vec<KindCount>,
    /// What is at risk (R27): each overdue obligation's ceiling, and the pack's figures.
    pub at_risk: ExposureView,
}

/// What being late could cost (R27): the civil ceiling of each overdue obligation from the rule
/// pack, their sum, and the pack's figures with their citation. Ceilings, not estimates, and not
/// legal advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExposureView {
    /// Sum of the overdue obligations' ceilings.
    #[ts(type = "number")]
    pub total_usd: u64,
    /// The overdue obligations, the costliest first.
    pub items: Vec<ExposureItem>,
    /// The civil ceiling per violation the pack gives.
    #[ts(type = "number")]
    pub per_violation_usd: u64,
    /// It is the inflation-adjusted figure (else the statutory one).
    pub adjusted: bool,
    /// The statutory figure.
    #[ts(type = "number | null")]
    pub statutory_usd: Option<u64>,
    /// The multiple of a transaction's value that applies when greater.
    pub transaction_multiple: Option<u32>,
    /// Criminal: the most in dollars.
    #[ts(type = "number | null")]
    pub criminal_max_usd: Option<u64>,
    /// Criminal: the most in years.
    pub criminal_max_years: Option<u32>,
    /// Where the figures come from: requirement, pack and key, and the pack's note when assumed.
    pub citation: String,
    /// What the figures are not.
    pub disclaimer: String,
}

/// One overdue obligation's exposure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExposureItem {
    /// The obligation's key.
    pub key: String,
    /// Kind.
    pub kind: ObligationKind,
    /// What to do.
    pub title: String,
    /// Requirement.
    pub rid: String,
    /// Due date.
    #[ts(type = "string")]
    pub due_date: NaiveDate,
    /// Days past it.
    #[ts(type = "number")]
    pub days_late: i64,
    /// The ceiling.
    #[ts(type = "number")]
    pub usd: u64,
    /// How it is reached, in a plain sentence.
    pub sentence: String,
}

/// What is at risk under `pack` given `obligations` (R27).
fn at_risk(pack: &workbench_core::rules::LoadedPack, obligations: &[Obligation]) -> ExposureView {
    let p = &pack.pack.penalties;
    let (per_violation_usd, adjusted) = engine::per_violation(&pack.pack);
    let mut items: Vec<ExposureItem> = obligations
        .iter()
        .filter_map(|o| {
            Some(ExposureItem {
                key: o.key.clone(),
                kind: o.kind,
                title: o.title.clone(),
                rid: o.rid.clone(),
                due_date: o.due_date,
                days_late: -o.days_left,
                usd: o.exposure_usd?,
                sentence: o.exposure_note.clone().unwrap_or_default(),
            })
        })
        .collect();
    items.sort_by(|a, b| b.usd.cmp(&a.usd).then_with(|| a.due_date.cmp(&b.due_date)));
    let (key, param) = if adjusted {
        ("penalties.civil_per_violation_adjusted", &p.civil_per_violation_adjusted)
    } else {
        ("penalties.civil_per_violation", &p.civil_per_violation)
    };
    let assumed = match (&param.note, param.assumed) {
        (Some(note), true) => format!(" ⚠ assumed: {note}"),
        (None, true) => " ⚠ assumed".to_owned(),
        _ => String::new(),
    };
    ExposureView {
        total_usd: items.iter().map(|i| i.usd).sum(),
        items,
        per_violation_usd,
        adjusted,
        statutory_usd: p.civil_per_violation.usd,
        transaction_multiple: p.transaction_multiple.times,
        criminal_max_usd: p.criminal_max.usd,
        criminal_max_years: p.criminal_max.years,
        citation: format!("{} · rule pack {} · {key}{assumed}", param.rid, pack.pack.pack.id),
        disclaimer: "Ceilings from the rule pack — the most a civil penalty could be per violation — not an \
                     estimate of any penalty and not legal advice."
            .to_owned(),
    }
}

/// What is at risk (R27), for `cip-workbench exposure`.
pub fn exposure(ctx: &Context, session: &Session) -> Result<ExposureView, AppError> {
    Ok(obligations_list(ctx, session)?.at_risk)
}

/// Open obligations of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KindCount {
    /// Kind.
    pub kind: ObligationKind,
    /// Label.
    pub label: String,
    /// Not met.
    #[ts(type = "number")]
    pub open: u64,
    /// Of those, overdue.
    #[ts(type = "number")]
    pub overdue: u64,
}

/// Computes every obligation under the active pack.
pub fn obligations_list(ctx: &Context, session: &Session) -> Result<ObligationsView, AppError> {
    session.with(ctx, |u| compute(ctx, u))
}

/// Today in the provider's time zone.
pub(crate) fn today(ctx: &Context, u: &Unlocked) -> Result<NaiveDate, AppError> {
    Ok(ctx.clock().now().with_timezone(&provider_tz(u)?).date_naive())
}

/// The provider's time zone (Provider profile), New York when unset or unknown.
pub(crate) fn provider_tz(u: &Unlocked) -> Result<Tz, AppError> {
    let profile = u.workspace.db().read(provider::get)?;
    Ok(Tz::from_str(&profile.time_zone).unwrap_or(Tz::America__New_York))
}

pub(crate) fn compute(ctx: &Context, u: &Unlocked) -> Result<ObligationsView, AppError> {
    let (pack, file) = active_pack(u)?;
    let tz = provider_tz(u)?;
    let mut events = u.workspace.db().read(store::events)?;
    // R23–R24: derived from the AI cases under the active pack, so a new pack re-evaluates them.
    events.extend(u.workspace.db().read(|c| {
        crate::ai::events(c, &pack.pack).map_err(|e| workbench_store::StoreError::Conflict(e.to_string()))
    })?);
    let met = u.workspace.db().read(store::met)?;
    let now = ctx.clock().now();
    let engine_ctx = engine::Context { pack: &pack, tz, now, due_soon_days: DUE_SOON_DAYS };
    let mut obligations = engine::compute(&events, &met, &engine_ctx);
    // R20: what an exemption in force covers is lifted, saying why; after a lapse it is due again.
    let (exemptions, account_types) = crate::exemptions::in_effect(u)?;
    engine::apply_exemptions(&mut obligations, &exemptions, &|c| account_types.get(c).cloned(), &engine_ctx);
    let counts = ObligationKind::ALL
        .iter()
        .map(|kind| {
            let of_kind = obligations
                .iter()
                .filter(|o| o.kind == *kind && !matches!(o.status, Status::Met | Status::Lifted));
            let (open, overdue) =
                of_kind.fold((0, 0), |(n, late), o| (n + 1, late + u64::from(o.status == Status::Overdue)));
            KindCount { kind: *kind, label: kind.label().to_owned(), open, overdue }
        })
        .collect();
    Ok(ObligationsView {
        exposure_usd: engine::total_exposure(&obligations),
        at_risk: at_risk(&pack, &obligations),
        today: now.with_timezone(&tz).date_naive(),
        time_zone: tz.name().to_owned(),
        pack: view(&pack, &file, pack.sha256 == RulePack::built_in().sha256, true),
        obligations,
        counts,
    })
}

/// Records that an obligation was met (officers), with what met it; the due date and pack in
/// force are frozen with it.
pub fn obligation_meet(ctx: &Context, session: &Session, key: &str, reference: &str) -> Result<(), AppError> {
    session.with(ctx, |u| {
        u.require_officer("record an obligation as met")?;
        let met = met_now(ctx, u, key, reference)?;
        u.workspace.db_mut().write(|tx| insert_met(tx, &met))?;
        Ok(())
    })
}

/// What meeting obligation `key` now records, checked (the obligation exists; a reference is
/// given). Written by [`insert_met`], in the caller's transaction.
pub(crate) fn met_now(ctx: &Context, u: &Unlocked, key: &str, reference: &str) -> Result<Met, AppError> {
    met_in(ctx, u, &compute(ctx, u)?, key, reference)
}

/// What meeting `key` records when it is due and still open in `view` (computed once by a
/// caller meeting several), else nothing.
pub(crate) fn met_if_open(
    ctx: &Context,
    u: &Unlocked,
    view: &ObligationsView,
    key: &str,
    reference: &str,
) -> Result<Option<Met>, AppError> {
    if !view.obligations.iter().any(|o| o.key == key && o.met.is_none()) {
        return Ok(None);
    }
    met_in(ctx, u, view, key, reference).map(Some)
}

fn met_in(
    ctx: &Context,
    u: &Unlocked,
    view: &ObligationsView,
    key: &str,
    reference: &str,
) -> Result<Met, AppError> {
    let reference = reference.trim();
    if reference.is_empty() {
        return Err(
            CoreError::invalid("reference", "say what met it (a delivery, a filing, a reference)").into()
        );
    }
    let obligation = view
        .obligations
        .iter()
        .find(|o| o.key == key)
        .ok_or_else(|| CoreError::invalid("key", "no such obligation"))?;
    Ok(Met {
        key: key.to_owned(),
        met_at: ctx.clock().now(),
        by: u.actor.id.to_string(),
        reference: reference.to_owned(),
        due_date: obligation.due_date,
        pack_id: view.pack.id.clone(),
        pack_sha256: view.pack.sha256.clone(),
    })
}

/// Stores a [`Met`] with its audit event.
pub(crate) fn insert_met(
    tx: &workbench_store::rusqlite::Transaction<'_>,
    met: &Met,
) -> Result<(), workbench_store::StoreError> {
    store::insert_met(tx, met)
}

/// The open obligations as an iCalendar file (all-day events on the due date, in the
/// provider's calendar), for subscribing in a personal calendar.
pub fn obligations_ics(ctx: &Context, session: &Session) -> Result<String, AppError> {
    let view = obligations_list(ctx, session)?;
    Ok(to_ics(&view))
}

/// Writes the .ics export to `path` (atomically).
pub fn obligations_write_ics(
    ctx: &Context,
    session: &Session,
    path: &std::path::Path,
) -> Result<(), AppError> {
    let ics = obligations_ics(ctx, session)?;
    workbench_store::files::write_atomically(path, ics.as_bytes())?;
    Ok(())
}

/// Renders obligations as iCalendar. Met ones are left out.
pub fn to_ics(view: &ObligationsView) -> String {
    use icalendar::{Calendar, Component, EventLike};
    let mut calendar = Calendar::new();
    calendar.name("CIP Workbench obligations");
    for o in view.obligations.iter().filter(|o| !matches!(o.status, Status::Met | Status::Lifted)) {
        let mut event = icalendar::Event::new();
        let assumed = if o.assumed { " (due date assumed by the rule pack)" } else { "" };
        event
            .uid(&format!("{}@cip-workbench", o.key))
            .summary(&format!("{} — {}", o.rid, o.title))
            .description(&format!(
                "{}{assumed}. Due {} ({}). Rule pack {} ({}).",
                o.kind.label(),
                o.due_date,
                view.time_zone,
                o.pack_id,
                &o.pack_sha256[..12]
            ))
            .all_day(o.due_date);
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

fn field(name: &str, problem: &str) -> workbench_core::FieldError {
    workbench_core::FieldError { field: name.to_owned(), problem: problem.to_owned() }
}
