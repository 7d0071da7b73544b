//! Filings (R12–R14) as use cases: draft one (its data frozen as a snapshot, an audit checkpoint
//! taken, its PDF's hash recorded), approve it (officers; four eyes when Settings say so), mark
//! it filed (meeting its obligation), keep the agency's acknowledgement, and verify a PDF
//! against the register.
//!
//! The PDF is rendered from the snapshot, the filing's id, the checkpoint and the drafting time
//! only, so rendering an approved filing again gives the same bytes — and a PDF that does not
//! hash as recorded is refused, never shown as the filing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::cip::{Block as CipBlock, markdown_blocks};
use workbench_core::filing::{
    ByCountry, Element, FilingDoc, FilingKind, FilingState, Masthead, PageSize, ResellerLine, Snapshot,
    UnverifiedCase,
};
use workbench_core::obligations::{EventKind, ObligationKind};
use workbench_core::{CoreError, EventId};
use workbench_store::filings::{self as store, FilingRow};

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// What to draft.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct DraftRequest {
    /// Kind.
    pub kind: FilingKind,
    /// Annual: the certification's year (it covers the year before).
    pub year: Option<i32>,
    /// Change notice, activity report: the event it reports; CIP resubmission: the assessment.
    pub event_id: Option<String>,
    /// AI report: the case it reports.
    #[serde(default)]
    pub case_id: Option<String>,
    /// AI report: an update of the filed report (the case's newest arrangement version).
    #[serde(default)]
    pub update: bool,
    /// Paper.
    #[serde(default)]
    pub page: PageSize,
}

/// A filing as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FilingView {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: FilingKind,
    /// Label.
    pub label: String,
    /// State.
    pub state: FilingState,
    /// Paper.
    pub page: PageSize,
    /// Drafted (RFC 3339) and by whom.
    pub drafted_at: String,
    /// Drafter's name.
    pub drafted_by: String,
    /// Approver's name and when.
    pub approved: Option<String>,
    /// Filed on, channel and agency reference.
    pub filed: Option<String>,
    /// SHA-256 of the PDF.
    pub pdf_sha256: String,
    /// The audit checkpoint (event number and hash).
    pub checkpoint: String,
    /// Rule pack id.
    pub pack_id: String,
    /// The obligation it meets.
    pub obligation_key: Option<String>,
    /// The agency's acknowledgement is kept.
    pub has_acknowledgement: bool,
    /// The acting officer may approve it now (false with the reason in `approve_blocked`).
    pub may_approve: bool,
    /// Why not, when not.
    pub approve_blocked: Option<String>,
}

fn kind_of(row: &FilingRow) -> FilingKind {
    FilingKind::from_code(&row.kind).unwrap_or(FilingKind::Initial)
}

fn page_of(row: &FilingRow) -> PageSize {
    if row.page_size == "letter" { PageSize::Letter } else { PageSize::A4 }
}

fn view(u: &Unlocked, row: &FilingRow, four_eyes: bool) -> FilingView {
    let state = FilingState::from_code(&row.state).unwrap_or(FilingState::Draft);
    let approve_blocked = if state != FilingState::Draft {
        Some("only a draft is approved".to_owned())
    } else if !u.actor.role.can_manage_actors() {
        Some("only an officer approves filings".to_owned())
    } else if four_eyes && row.drafted_by == u.actor.id.to_string() {
        Some("four eyes: an officer who did not draft it approves it".to_owned())
    } else {
        None
    };
    FilingView {
        id: row.id.clone(),
        kind: kind_of(row),
        label: row.label.clone(),
        state,
        page: page_of(row),
        drafted_at: row.drafted_at.clone(),
        drafted_by: u.actor_name(&row.drafted_by),
        approved: match (&row.approved_by, &row.approved_at) {
            (Some(by), Some(at)) => Some(format!("{} on {}", u.actor_name(by), at.get(..10).unwrap_or(at))),
            _ => None,
        },
        filed: row.filed_on.as_ref().map(|on| {
            let reference = if row.agency_reference.is_empty() {
                String::new()
            } else {
                format!(", reference {}", row.agency_reference)
            };
            format!("{on} via {}{reference}", row.channel)
        }),
        pdf_sha256: row.pdf_sha256.clone(),
        checkpoint: format!("event {} · {}", row.checkpoint_seq, row.checkpoint_hash),
        pack_id: row.pack_id.clone(),
        obligation_key: row.obligation_key.clone(),
        has_acknowledgement: row.ack_evidence.is_some(),
        may_approve: approve_blocked.is_none(),
        approve_blocked,
    }
}

fn four_eyes(u: &Unlocked) -> Result<bool, AppError> {
    Ok(crate::settings::load(&u.workspace)?.filing_four_eyes)
}

/// Every filing, newest first.
pub fn filing_list(ctx: &Context, session: &Session) -> Result<Vec<FilingView>, AppError> {
    session.with(ctx, |u| {
        let rows = u.workspace.db().read(store::list)?;
        let four = four_eyes(u)?;
        Ok(rows.iter().map(|r| view(u, r, four)).collect())
    })
}

fn require(u: &Unlocked, id: &str) -> Result<FilingRow, AppError> {
    u.workspace
        .db()
        .read(|c| store::get(c, id))?
        .ok_or_else(|| CoreError::invalid("filing", format!("there is no filing {id}")).into())
}

/// The document a stored filing renders, from its snapshot.
fn document(row: &FilingRow) -> Result<FilingDoc, AppError> {
    let snapshot: Snapshot = serde_json::from_str(&row.snapshot)
        .map_err(|e| CoreError::invalid("snapshot", format!("filing {} cannot be read back: {e}", row.id)))?;
    let masthead = Masthead {
        provider: provider_of(&snapshot),
        kind: kind_of(row).label().to_owned(),
        filing_id: row.id.clone(),
        pack_id: row.pack_id.clone(),
        checkpoint: row.checkpoint_hash.clone(),
    };
    Ok(snapshot.document(masthead, page_of(row)))
}

fn provider_of(s: &Snapshot) -> String {
    match s {
        Snapshot::Initial { provider, .. }
        | Snapshot::Annual { provider, .. }
        | Snapshot::ChangeNotice { provider, .. }
        | Snapshot::AiReport { provider, .. }
        | Snapshot::ActivityReport { provider, .. }
        | Snapshot::CipResubmission { provider, .. }
        | Snapshot::ExemptionApplication { provider, .. } => provider.clone(),
    }
}

fn drafted_at(row: &FilingRow) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    Ok(chrono::DateTime::parse_from_rfc3339(&row.drafted_at)
        .map_err(|_| CoreError::invalid("drafted_at", "is not a time"))?
        .to_utc())
}

/// A filing with the document it renders (for the in-app preview of its content).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FilingDetail {
    /// The register entry.
    pub filing: FilingView,
    /// What the PDF says.
    pub document: FilingDoc,
}

/// One filing with its content.
pub fn filing_get(ctx: &Context, session: &Session, id: &str) -> Result<FilingDetail, AppError> {
    session.with(ctx, |u| {
        let row = require(u, id)?;
        Ok(FilingDetail { filing: view(u, &row, four_eyes(u)?), document: document(&row)? })
    })
}

/// The filing's PDF, rendered again from its snapshot and checked against the recorded hash.
pub fn filing_pdf(ctx: &Context, session: &Session, id: &str) -> Result<Vec<u8>, AppError> {
    // Rendering runs after the session is let go (issue 15).
    let row = session.with(ctx, |u| require(u, id))?;
    let pdf = workbench_filings::render_filing(&document(&row)?, drafted_at(&row)?)?;
    let sha = workbench_core::audit::sha256_hex(&pdf);
    if sha != row.pdf_sha256 {
        return Err(CoreError::invalid(
            "filing",
            format!("filing {id} no longer renders to the PDF recorded (SHA-256 {} ≠ {sha})", row.pdf_sha256),
        )
        .into());
    }
    Ok(pdf)
}

/// Writes the filing's PDF to `path` atomically.
pub fn filing_write_pdf(
    ctx: &Context,
    session: &Session,
    id: &str,
    path: &std::path::Path,
) -> Result<(), AppError> {
    let pdf = filing_pdf(ctx, session, id)?;
    let object = format!("filing:{id}");
    crate::audit::take_out(
        ctx,
        session,
        crate::audit::MayTakeOut::Officer,
        "export.filing",
        &object,
        &[(path, &pdf)],
    )
}

fn signer(u: &Unlocked) -> Result<String, AppError> {
    let contact = u.workspace.db().read(workbench_store::provider::current_contact)?;
    Ok(contact.map_or_else(
        || u.actor.name.clone(),
        |c| if c.title.is_empty() { c.name } else { format!("{}, {}", c.name, c.title) },
    ))
}

fn by_country(rows: Vec<crate::customers::CountryCount>) -> Vec<ByCountry> {
    rows.into_iter().map(|c| ByCountry { country: c.country, count: c.count }).collect()
}

fn reseller_lines(
    ctx: &Context,
    session: &Session,
    period: Option<i32>,
) -> Result<Vec<ResellerLine>, AppError> {
    let matrix = crate::attestations::attestation_matrix(ctx, session)?;
    let resellers = crate::resellers::reseller_list(ctx, session)?;
    Ok(resellers
        .into_iter()
        .map(|r| {
            let cell = period.and_then(|p| {
                matrix
                    .rows
                    .iter()
                    .find(|m| m.reseller_ref == r.reseller_ref)
                    .and_then(|m| m.cells.iter().find(|c| c.period == p))
            });
            ResellerLine {
                status: r.status.code().replace('_', " "),
                attestation: cell.map_or_else(String::new, |c| c.status.label().to_owned()),
                reported: cell.and_then(|c| c.counts).map(|c| (c.customers, c.unverified, c.refused)),
                reseller_ref: r.reseller_ref,
                legal_name: r.legal_name,
                country: r.country,
            }
        })
        .collect())
}

/// Plain text of a CIP section's Markdown (paragraphs and items on their own lines).
fn plain(markdown: &str) -> String {
    markdown_blocks(markdown)
        .into_iter()
        .filter_map(|b| match b {
            CipBlock::Heading { text, .. } | CipBlock::Paragraph(text) => Some(text),
            CipBlock::Item { marker, text, .. } => Some(format!("{marker} {text}")),
            CipBlock::Code(text) => Some(text),
            CipBlock::Rule => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a draft is made of: the snapshot, the obligation it meets, and its subject (the event
/// or AI case it reports).
type Drafted = (Snapshot, Option<String>, Option<String>);

fn snapshot(ctx: &Context, session: &Session, request: &DraftRequest) -> Result<Drafted, AppError> {
    if request.kind == FilingKind::AiReport {
        let case =
            request.case_id.as_deref().ok_or_else(|| CoreError::invalid("case_id", "say which AI case"))?;
        let (provider, signer) = session.with(ctx, |u| {
            Ok((u.workspace.db().read(workbench_store::provider::get)?.legal_name, signer(u)?))
        })?;
        let (snapshot, key, subject) =
            crate::ai::report_snapshot(ctx, session, case, request.update, provider, signer)?;
        return Ok((snapshot, key, Some(subject)));
    }
    let (snapshot, key) = certification_snapshot(ctx, session, request)?;
    let subject = request.event_id.clone().filter(|_| {
        matches!(
            request.kind,
            FilingKind::ChangeNotice
                | FilingKind::ActivityReport
                | FilingKind::CipResubmission
                | FilingKind::ExemptionApplication
        )
    });
    Ok((snapshot, key, subject))
}

/// The recorded event a change notice or an activity report is drafted for.
fn event_of<'e>(
    events: &'e [workbench_core::obligations::Event],
    request: &DraftRequest,
    missing: &str,
) -> Result<(&'e str, &'e workbench_core::obligations::Event), AppError> {
    let id = request.event_id.as_deref().ok_or_else(|| CoreError::invalid("event_id", missing))?;
    let event = events
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| CoreError::invalid("event_id", format!("there is no event {id}")))?;
    Ok((&event.id, event))
}

/// The due date (YYYY-MM-DD) of the obligation `key`, or "" when there is none.
fn due_of(ctx: &Context, session: &Session, key: &str) -> Result<String, AppError> {
    Ok(crate::obligations::obligations_list(ctx, session)?
        .obligations
        .into_iter()
        .find(|o| o.key == key)
        .map_or_else(String::new, |o| o.due_date.to_string()))
}

fn certification_snapshot(
    ctx: &Context,
    session: &Session,
    request: &DraftRequest,
) -> Result<(Snapshot, Option<String>), AppError> {
    let today = crate::cip::cip_overview(ctx, session)?.today;
    let (pack, provider, address, signer, in_force, events) = session.with(ctx, |u| {
        let (pack, _) = crate::obligations::active_pack(u)?;
        let profile = u.workspace.db().read(workbench_store::provider::get)?;
        let in_force = u.workspace.db().read(|c| workbench_store::cip::in_force(c, today))?;
        let events = u.workspace.db().read(workbench_store::obligations::events)?;
        Ok((pack, profile.legal_name, profile.address, signer(u)?, in_force, events))
    })?;
    match request.kind {
        FilingKind::Initial => {
            let counts = crate::customers::counts(ctx, session, chrono::Datelike::year(&today))?;
            let resellers = reseller_lines(ctx, session, None)?;
            let contact = session
                .with(ctx, |u| Ok(u.workspace.db().read(workbench_store::provider::current_contact)?))?;
            let elements = pack
                .pack
                .certification
                .initial
                .iter()
                .map(|e| {
                    let section = e.cip_section.as_ref().and_then(|key| {
                        in_force
                            .as_ref()
                            .and_then(|v| v.sections.iter().find(|s| &s.key == key).map(|s| (v.number, s)))
                    });
                    let answer = match (e.key.as_str(), section) {
                        (_, Some((number, s))) => {
                            format!("From CIP version {number}, “{}”: {}", s.title, plain(&s.body))
                        }
                        ("responsible_contact", _) => contact.as_ref().map_or_else(
                            || "No primary CIP contact is recorded.".to_owned(),
                            |c| format!("{}, {} — {}, {}", c.name, c.title, c.email, c.phone),
                        ),
                        ("customers_by_location", _) if counts.foreign_customers == 0 => {
                            "No foreign customers are recorded.".to_owned()
                        }
                        ("customers_by_location", _) => format!(
                            "{} foreign customers in {} countries:",
                            counts.foreign_customers,
                            counts.foreign_customers_by_country.len()
                        ),
                        ("beneficial_owners_by_location", _) => {
                            let total: i64 = counts.foreign_owners_by_country.iter().map(|c| c.count).sum();
                            if total == 0 {
                                "No foreign beneficial owners are recorded.".to_owned()
                            } else {
                                format!(
                                    "{total} foreign beneficial owners in {} countries:",
                                    counts.foreign_owners_by_country.len()
                                )
                            }
                        }
                        ("foreign_resellers", _) if resellers.is_empty() => {
                            "The provider has no foreign resellers.".to_owned()
                        }
                        ("foreign_resellers", _) => format!("{} foreign resellers:", resellers.len()),
                        ("unverified_accounts", _) => format!(
                            "{} foreign-customer accounts are not verified.",
                            counts.foreign_accounts_unverified
                        ),
                        _ => "See the written CIP.".to_owned(),
                    };
                    Element { key: e.key.clone(), title: e.title.clone(), rid: e.rid.clone(), answer }
                })
                .collect();
            Ok((
                Snapshot::Initial {
                    provider,
                    address,
                    cip_version: in_force.as_ref().map(|v| v.number),
                    elements,
                    customers: by_country(counts.foreign_customers_by_country),
                    owners: by_country(counts.foreign_owners_by_country),
                    unverified_accounts: counts.foreign_accounts_unverified,
                    resellers,
                    signer,
                },
                Some(format!("{}:program", ObligationKind::InitialCertification.code())),
            ))
        }
        FilingKind::Annual => {
            let year =
                request.year.ok_or_else(|| CoreError::invalid("year", "say which year's certification"))?;
            let covered = year - 1;
            workbench_core::attestation::check_period(covered, today).map_err(|problem| {
                CoreError::invalid(
                    "year",
                    format!("the {year} certification covers {covered}, but {problem}"),
                )
            })?;
            let counts = crate::customers::counts(ctx, session, covered)?;
            let cases = session.with(ctx, |u| {
                Ok(u.workspace.db().read(|c| workbench_store::customers::unverified_cases(c, covered))?)
            })?;
            let cases = cases
                .into_iter()
                .map(|(customer_ref, country, at, ended, now)| UnverifiedCase {
                    customer_ref,
                    country,
                    on: at.get(..10).unwrap_or(&at).to_owned(),
                    resolution: match ended.as_str() {
                        "refused" => format!("account refused; now {}", now.replace('_', " ")),
                        _ => format!("account closed before verification; now {}", now.replace('_', " ")),
                    },
                })
                .collect();
            Ok((
                Snapshot::Annual {
                    provider,
                    year,
                    statements: pack.pack.certification.annual_statements(),
                    unverifiable: counts.unverifiable_in_year,
                    refused: counts.refused_in_year,
                    cases,
                    resellers: reseller_lines(ctx, session, Some(covered))?,
                    signer,
                },
                Some(format!("{}:{year}", ObligationKind::AnnualCertification.code())),
            ))
        }
        FilingKind::ExemptionApplication => {
            let scope = request.event_id.as_deref().unwrap_or("provider");
            Ok((crate::adp::application_snapshot(ctx, session, scope, provider, signer)?, None))
        }
        FilingKind::CipResubmission => {
            let assessment = request
                .event_id
                .as_deref()
                .ok_or_else(|| CoreError::invalid("event_id", "say which assessment"))?;
            let due = due_of(ctx, session, &crate::assessments::resubmission_key(assessment))?;
            crate::assessments::resubmission_snapshot(ctx, session, assessment, provider, signer, due)
        }
        FilingKind::ActivityReport => {
            let (id, event) = event_of(&events, request, "say which finding")?;
            let EventKind::ResellerNonCompliance { reseller } = &event.kind else {
                return Err(CoreError::invalid(
                    "event_id",
                    "is not a reseller's non-compliance finding (R19)",
                )
                .into());
            };
            let tz = session.with(ctx, |u| crate::obligations::provider_tz(u))?;
            let detail = crate::resellers::reseller_detail(ctx, session, reseller)?;
            let r = &detail.reseller;
            let key = format!("{}:{id}", ObligationKind::ActivityReport.code());
            let due = due_of(ctx, session, &key)?;
            Ok((
                Snapshot::ActivityReport {
                    provider,
                    event_id: id.to_owned(),
                    reseller_ref: r.reseller_ref.clone(),
                    legal_name: r.legal_name.clone(),
                    country: r.country.clone(),
                    registration_ids: r.registration_ids.clone(),
                    contact: r.contact.as_ref().map_or_else(
                        || "not recorded".to_owned(),
                        |c| format!("{} — {}, {}", c.name, c.email, c.phone),
                    ),
                    status: r.status.code().replace('_', " "),
                    aware_on: event.occurred_at.with_timezone(&tz).date_naive().to_string(),
                    notes: detail
                        .notes
                        .iter()
                        .map(|n| workbench_core::filing::CaseNote {
                            on: n.on_day.clone(),
                            kind: format!("{:?}", n.kind).to_lowercase(),
                            text: n.text.clone(),
                        })
                        .collect(),
                    due,
                    signer,
                },
                Some(key),
            ))
        }
        FilingKind::AiReport => {
            Err(CoreError::invalid("kind", "an AI report is drafted from its case").into())
        }
        FilingKind::ChangeNotice => {
            let (id, event) = event_of(&events, request, "say which change")?;
            let what = match &event.kind {
                EventKind::PrimaryContactChanged { contact } => {
                    format!("the primary CIP contact is now {contact}")
                }
                EventKind::ResellerContactChanged { reseller } => {
                    format!("{reseller} changed its primary CIP contact")
                }
                EventKind::BusinessChange { summary } => format!("significant change: {summary}"),
                EventKind::MaterialCipChange { version } => {
                    format!("material change to the CIP (version {version})")
                }
                _ => {
                    return Err(CoreError::invalid(
                        "event_id",
                        "is not a change the rule asks to notify (R14)",
                    )
                    .into());
                }
            };
            let key = format!("{}:{id}", ObligationKind::ChangeNotice.code());
            let due = due_of(ctx, session, &key)?;
            Ok((
                Snapshot::ChangeNotice {
                    provider,
                    event_id: id.to_owned(),
                    what,
                    on: event.occurred_at.date_naive().to_string(),
                    due,
                    signer,
                },
                Some(key),
            ))
        }
    }
}

/// Drafts a filing (officers): the data frozen now, an audit checkpoint taken, the PDF rendered
/// and its hash recorded. A draft of the same kind and year or event is replaced.
pub fn filing_draft(
    ctx: &Context,
    session: &Session,
    request: &DraftRequest,
) -> Result<FilingView, AppError> {
    session.with(ctx, |u| u.require_officer("draft filings"))?;
    let (snapshot, obligation_key, subject) = snapshot(ctx, session, request)?;
    session.with(ctx, |u| {
        let (pack, _) = crate::obligations::active_pack(u)?;
        let at = ctx.clock().now();
        let id = EventId::new().to_string();
        let json =
            serde_json::to_string(&snapshot).map_err(|e| CoreError::invalid("snapshot", e.to_string()))?;
        let me = u.actor.id;
        let page = match request.page {
            PageSize::A4 => "a4",
            PageSize::Letter => "letter",
        };
        let mut row = FilingRow {
            id: id.clone(),
            kind: request.kind.code().to_owned(),
            label: snapshot.label(),
            year: request.year.filter(|_| request.kind == FilingKind::Annual),
            event_id: subject,
            obligation_key,
            state: "draft".into(),
            page_size: page.into(),
            snapshot_sha256: workbench_core::audit::sha256_hex(json.as_bytes()),
            snapshot: json,
            pack_id: pack.pack.pack.id.clone(),
            pack_sha256: pack.sha256.clone(),
            checkpoint_seq: 0,
            checkpoint_hash: String::new(),
            pdf_sha256: String::new(),
            drafted_at: workbench_store::audit::timestamp(&at),
            drafted_by: me.to_string(),
            approved_at: None,
            approved_by: None,
            filed_on: None,
            filed_by: None,
            channel: String::new(),
            agency_reference: String::new(),
            ack_evidence: None,
        };
        u.workspace.db_mut().write(|tx| {
            let checkpoint = workbench_store::audit::checkpoint(tx, at, "filing")?
                .ok_or_else(|| workbench_store::StoreError::Conflict("the audit chain is empty".into()))?;
            row.checkpoint_seq = checkpoint.events;
            row.checkpoint_hash = checkpoint.root_hash;
            let doc = document(&row).map_err(|e| workbench_store::StoreError::Conflict(e.to_string()))?;
            let at_drafted = chrono::DateTime::parse_from_rfc3339(&row.drafted_at)
                .map_err(|e| workbench_store::StoreError::Conflict(e.to_string()))?
                .to_utc();
            let pdf = workbench_filings::render_filing(&doc, at_drafted)
                .map_err(|e| workbench_store::StoreError::Conflict(e.to_string()))?;
            row.pdf_sha256 = workbench_core::audit::sha256_hex(&pdf);
            store::insert_draft(tx, &row, at)
        })?;
        Ok(view(u, &row, four_eyes(u)?))
    })
}

/// Approves a draft (officers; under four eyes, not the officer who drafted it).
pub fn filing_approve(ctx: &Context, session: &Session, id: &str) -> Result<FilingView, AppError> {
    session.with(ctx, |u| {
        u.require_officer("approve filings")?;
        let row = require(u, id)?;
        let v = view(u, &row, four_eyes(u)?);
        if let Some(reason) = v.approve_blocked {
            return Err(AppError::Forbidden(reason));
        }
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| store::approve(tx, id, me, at))?;
        Ok(view(u, &require(u, id)?, four_eyes(u)?))
    })
}

/// How a filing was sent.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct FiledForm {
    /// The filing.
    pub id: String,
    /// Sent on.
    #[ts(type = "string")]
    pub filed_on: NaiveDate,
    /// How (portal, email, mail).
    pub channel: String,
    /// The agency's reference, if given.
    #[serde(default)]
    pub agency_reference: String,
}

/// Marks an approved filing as filed; meets its obligation in the same transaction.
pub fn filing_mark_filed(ctx: &Context, session: &Session, form: &FiledForm) -> Result<FilingView, AppError> {
    let channel = form.channel.trim();
    if channel.is_empty() {
        return Err(CoreError::invalid("channel", "say how it was filed").into());
    }
    if form.filed_on > ctx.clock().now().date_naive() {
        return Err(CoreError::invalid("filed_on", "cannot be in the future").into());
    }
    session.with(ctx, |u| {
        u.require_officer("record filings")?;
        let row = require(u, &form.id)?;
        let mut met = Vec::new();
        if let Some(key) = &row.obligation_key {
            let reference = format!("filed {} via {channel} (filing {})", form.filed_on, row.id);
            let view = crate::obligations::compute(ctx, u)?;
            // An AI report update for version N also answers the updates still owed for the
            // versions before it (R23): it reports the arrangement as it now stands.
            let mut keys = vec![key.clone()];
            if let Some((case, version)) = key
                .strip_prefix("ai_report_update:")
                .and_then(|rest| rest.rsplit_once(':'))
                .and_then(|(case, v)| v.parse::<u32>().ok().map(|v| (case.to_owned(), v)))
            {
                let prefix = format!("ai_report_update:{case}:");
                keys.extend(view.obligations.iter().filter_map(|o| {
                    let earlier = o.key.strip_prefix(&prefix)?.parse::<u32>().ok()? < version;
                    (earlier && o.met.is_none()).then(|| o.key.clone())
                }));
            }
            for k in &keys {
                met.extend(crate::obligations::met_if_open(ctx, u, &view, k, &reference)?);
            }
        }
        let at = ctx.clock().now();
        let me = u.actor.id;
        let filed = store::Filed { on: form.filed_on, channel, reference: form.agency_reference.trim() };
        u.workspace.db_mut().write(|tx| {
            store::mark_filed(tx, &form.id, filed, me, at)?;
            met.iter().try_for_each(|m| crate::obligations::insert_met(tx, m))
        })?;
        Ok(view(u, &require(u, &form.id)?, four_eyes(u)?))
    })
}

/// Keeps the agency's acknowledgement (image or PDF) with a filed filing.
pub fn filing_attach_ack(
    ctx: &Context,
    session: &Session,
    id: &str,
    path: &std::path::Path,
) -> Result<FilingView, AppError> {
    let document = crate::documents::Document::read(ctx, session, path, "file", "acknowledgement")?;
    session.with(ctx, |u| {
        u.require_officer("record filings")?;
        let row = require(u, id)?;
        if row.state != "filed" {
            return Err(CoreError::invalid("filing", "is not filed yet").into());
        }
        let at = ctx.clock().now();
        let evidence_id = document.store(u, at)?;
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| store::attach_ack(tx, id, &evidence_id, me, at))?;
        Ok(view(u, &require(u, id)?, four_eyes(u)?))
    })
}

/// Which register entry a PDF is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Verified {
    /// The file's SHA-256.
    pub sha256: String,
    /// What it is, in words.
    pub entry: String,
    /// The audit checkpoint it was made at, when one was taken.
    pub checkpoint: Option<String>,
    /// The filing, when it is one of the register's filings.
    pub filing: Option<FilingView>,
}

/// Recomputes a PDF's hash and names the register entry (and its audit checkpoint) it belongs
/// to — a filing, a CIP copy packet (R15) or a reseller attestation request (R18); a PDF that
/// matches none is an error saying so.
pub fn filing_verify(ctx: &Context, session: &Session, pdf: &[u8]) -> Result<Verified, AppError> {
    let sha = workbench_core::audit::sha256_hex(pdf);
    if let Some(found) = session.with(ctx, |u| {
        let Some(row) = u.workspace.db().read(|c| store::by_pdf(c, &sha))? else { return Ok(None) };
        let filing = view(u, &row, four_eyes(u)?);
        Ok(Some(Verified {
            sha256: sha.clone(),
            entry: format!("filing {} · {} · {}", filing.id, filing.label, filing.state.code()),
            checkpoint: Some(filing.checkpoint.clone()),
            filing: Some(filing),
        }))
    })? {
        return Ok(found);
    }
    let packets = crate::cip_requests::cip_request_list(ctx, session)?;
    if let Some(r) = packets.iter().find(|r| r.manifest.as_ref().is_some_and(|m| m.packet_sha256 == sha)) {
        return Ok(Verified {
            sha256: sha,
            entry: format!(
                "CIP copy packet (R15) for request {} from {}, received {}",
                r.id, r.requester, r.received_on
            ),
            checkpoint: r.manifest.as_ref().and_then(|m| m.checkpoint.clone()),
            filing: None,
        });
    }
    let requests =
        session.with(ctx, |u| Ok(u.workspace.db().read(workbench_store::resellers::attestations)?))?;
    if let Some(a) = requests.iter().find(|a| a.request_sha256.as_deref() == Some(sha.as_str())) {
        return Ok(Verified {
            sha256: sha,
            entry: format!("attestation request (R18) to {} for {}", a.reseller_ref, a.period),
            checkpoint: None,
            filing: None,
        });
    }
    Err(CoreError::invalid("file", format!("SHA-256 {sha} matches no filing in this workspace's register"))
        .into())
}
