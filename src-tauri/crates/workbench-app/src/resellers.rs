//! The reseller register (R17–R19, R25): add resellers, change their primary CIP contact (an R14
//! change notice), set their status — and the supply gate that keeps new customer accounts away
//! from a reseller under remediation or terminated.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::obligations::{Event, EventKind};
use workbench_core::reseller::{NewReseller, ResellerContact, ResellerStatus, validate_contact};
use workbench_core::{CoreError, EventId};
use workbench_store::resellers as store;

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

/// A reseller as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ResellerView {
    /// Reference.
    pub reseller_ref: String,
    /// Legal name.
    pub legal_name: String,
    /// Country.
    pub country: String,
    /// Registration ids.
    pub registration_ids: String,
    /// Agreement start.
    pub agreement_start: String,
    /// Agreement end.
    pub agreement_end: Option<String>,
    /// Status.
    pub status: ResellerStatus,
    /// Primary CIP contact.
    pub contact: Option<ResellerContact>,
    /// Customers that came through it.
    #[ts(type = "number")]
    pub customers: i64,
}

/// Every registered reseller.
pub fn reseller_list(ctx: &Context, session: &Session) -> Result<Vec<ResellerView>, AppError> {
    session.with(ctx, |u| {
        let rows = u.workspace.db().read(store::list)?;
        Ok(rows
            .into_iter()
            .map(|r| ResellerView {
                status: ResellerStatus::from_code(&r.status).unwrap_or(ResellerStatus::Active),
                reseller_ref: r.reseller_ref,
                legal_name: r.legal_name,
                country: r.country,
                registration_ids: r.registration_ids,
                agreement_start: r.agreement_start,
                agreement_end: r.agreement_end,
                contact: r.contact,
                customers: r.customers,
            })
            .collect())
    })
}

/// Registers a reseller (officers).
pub fn reseller_add(ctx: &Context, session: &Session, new: &NewReseller) -> Result<(), AppError> {
    let valid = new.clone().validate()?;
    session.with(ctx, |u| {
        u.require_officer("register resellers")?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        // Its yearly attestations (R18) run from the agreement's start.
        let event = Event {
            id: EventId::new().to_string(),
            occurred_at: valid.agreement_start.and_hms_opt(12, 0, 0).map_or(at, |t| t.and_utc()),
            kind: EventKind::ResellerRegistered { reseller: valid.reseller_ref.clone() },
        };
        u.workspace.db_mut().write(|tx| {
            store::insert(tx, &valid, me, at)?;
            crate::obligations::record(tx, &event, me, at)
        })?;
        Ok(())
    })
}

/// A new primary CIP contact for a reseller: recorded with its history, and an R14 change
/// notice falls due.
pub fn reseller_contact_change(
    ctx: &Context,
    session: &Session,
    reseller_ref: &str,
    contact: &ResellerContact,
) -> Result<(), AppError> {
    session.with(ctx, |u| {
        u.require_officer("change a reseller's contact")?;
        let listed = u.workspace.db().read(store::list)?;
        let reseller = listed.iter().find(|r| r.reseller_ref == reseller_ref).ok_or_else(|| {
            CoreError::invalid("reseller_ref", format!("no reseller {reseller_ref} in the register"))
        })?;
        let mut contact = contact.clone();
        validate_contact(&mut contact, &reseller.country).map_err(CoreError::Invalid)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            store::change_contact(tx, reseller_ref, &contact, me, at)?;
            let event = Event {
                id: EventId::new().to_string(),
                occurred_at: at,
                kind: EventKind::ResellerContactChanged { reseller: reseller_ref.to_owned() },
            };
            crate::obligations::record(tx, &event, me, at)
        })?;
        Ok(())
    })
}

/// A non-compliance finding about a reseller (R19).
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    /// Reseller.
    pub reseller_ref: String,
    /// When the provider learned of it (the R19 clock starts here).
    #[ts(type = "string")]
    pub aware_on: chrono::NaiveDate,
    /// What was found, kept as the first note of the case.
    #[serde(default)]
    pub summary: String,
}

/// Records that a reseller does not comply (R19): it goes under remediation (the supply gate
/// closes) and the pack's termination deadline starts from the day of awareness.
pub fn reseller_finding(ctx: &Context, session: &Session, finding: &Finding) -> Result<(), AppError> {
    let now = ctx.clock().now();
    if finding.aware_on > now.date_naive() {
        return Err(CoreError::invalid("aware_on", "cannot be in the future").into());
    }
    session.with(ctx, |u| {
        u.require_officer("record a non-compliance finding")?;
        let me = u.actor.id;
        let occurred_at = finding.aware_on.and_hms_opt(12, 0, 0).map_or(now, |t| t.and_utc());
        let summary = finding.summary.trim();
        let summary = if summary.is_empty() { "Non-compliance finding recorded" } else { summary };
        u.workspace.db_mut().write(|tx| {
            store::set_status(tx, &finding.reseller_ref, ResellerStatus::UnderRemediation, me, now)?;
            store::add_note(
                tx,
                &finding.reseller_ref,
                NoteKind::Finding.code(),
                summary,
                finding.aware_on,
                me,
                now,
            )?;
            let event = Event {
                id: EventId::new().to_string(),
                occurred_at,
                kind: EventKind::ResellerNonCompliance { reseller: finding.reseller_ref.clone() },
            };
            crate::obligations::record(tx, &event, me, now)
        })?;
        Ok(())
    })
}

/// What a status change says.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct StatusChange {
    /// Reseller.
    pub reseller_ref: String,
    /// New status.
    pub status: ResellerStatus,
}

/// Sets a reseller's status (officers). Under remediation or terminated, the supply gate closes;
/// terminating meets the reseller's open R19 termination deadlines and ends its yearly
/// attestations (R18: none falls due after the termination).
pub fn reseller_set_status(ctx: &Context, session: &Session, change: &StatusChange) -> Result<(), AppError> {
    session.with(ctx, |u| {
        u.require_officer("change a reseller's status")?;
        let at = ctx.clock().now();
        let today = at.with_timezone(&crate::obligations::provider_tz(u)?).date_naive();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            store::set_status(tx, &change.reseller_ref, change.status, me, at)?;
            if change.status == ResellerStatus::Terminated {
                // The agreement ends today (unless it ended earlier), and with it the yearly
                // attestations (R18): the one covering this year is still owed, none after.
                store::end_agreement(tx, &change.reseller_ref, today, me, at)?;
                let ended = Event {
                    id: EventId::new().to_string(),
                    occurred_at: at,
                    kind: EventKind::ResellerTerminated { reseller: change.reseller_ref.clone() },
                };
                crate::obligations::record(tx, &ended, me, at)?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    if change.status != ResellerStatus::Terminated {
        return Ok(());
    }
    // Terminating meets the open R19 deadlines raised by findings about this reseller.
    let findings: Vec<String> = session.with(ctx, |u| {
        Ok(u.workspace
            .db()
            .read(workbench_store::obligations::events)?
            .into_iter()
            .filter(|e| matches!(&e.kind, EventKind::ResellerNonCompliance { reseller } if *reseller == change.reseller_ref))
            .map(|e| e.id)
            .collect())
    })?;
    let view = crate::obligations::obligations_list(ctx, session)?;
    for o in view.obligations.iter().filter(|o| {
        o.kind == workbench_core::obligations::ObligationKind::ResellerTermination
            && o.met.is_none()
            && findings.contains(&o.source_event)
    }) {
        crate::obligations::obligation_meet(
            ctx,
            session,
            &o.key,
            &format!("{} terminated", change.reseller_ref),
        )?;
    }
    Ok(())
}

/// The supply gate over an import: each row naming a registered reseller that may not bring new
/// accounts is an error naming the row and the reason. Unregistered references pass (the register
/// may not be complete yet).
pub(crate) fn gate(
    conn: &workbench_store::rusqlite::Connection,
    rows: &[workbench_core::import::ImportedCustomer],
) -> Result<Vec<workbench_core::import::RowError>, workbench_store::StoreError> {
    let refs: Vec<&str> = rows.iter().filter_map(|r| r.reseller_ref.as_deref()).collect();
    let statuses = store::statuses(conn, &refs)?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let reseller = r.reseller_ref.as_deref()?;
            let (_, status) = statuses.iter().find(|(s, _)| s == reseller)?;
            let Err(CoreError::Invalid(fields)) = status.check_new_account(reseller) else { return None };
            let field = fields.into_iter().next()?;
            Some(workbench_core::import::RowError { row: r.row, column: field.field, message: field.problem })
        })
        .collect())
}

/// What a note on a reseller's compliance records (R19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NoteKind {
    /// A non-compliance finding.
    Finding,
    /// The suspected malicious activity was reported (R19).
    Referral,
    /// A step taken to remedy the finding.
    Remediation,
    /// The relationship ended.
    Termination,
    /// Anything else worth keeping.
    Note,
}

impl NoteKind {
    /// Every kind.
    pub const ALL: [Self; 5] =
        [Self::Finding, Self::Referral, Self::Remediation, Self::Termination, Self::Note];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Finding => "finding",
            Self::Referral => "referral",
            Self::Remediation => "remediation",
            Self::Termination => "termination",
            Self::Note => "note",
        }
    }

    fn from_code(code: &str) -> Self {
        Self::ALL.into_iter().find(|k| k.code() == code).unwrap_or(Self::Note)
    }
}

/// A note as entered.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct NewNote {
    /// Reseller.
    pub reseller_ref: String,
    /// What kind.
    pub kind: NoteKind,
    /// Text.
    pub text: String,
    /// The day it is about.
    #[ts(type = "string")]
    pub on_day: chrono::NaiveDate,
}

/// Adds a note to a reseller's compliance record (officers). A termination note also ends the
/// relationship when it has not ended yet.
pub fn reseller_note_add(ctx: &Context, session: &Session, note: &NewNote) -> Result<(), AppError> {
    let text = note.text.trim();
    if text.is_empty() {
        return Err(CoreError::invalid("text", "is required").into());
    }
    if text.chars().count() > 4000 {
        return Err(CoreError::invalid("text", "is longer than 4000 characters").into());
    }
    if note.on_day > ctx.clock().now().date_naive() {
        return Err(CoreError::invalid("on_day", "cannot be in the future").into());
    }
    session.with(ctx, |u| {
        u.require_officer("add notes to a reseller's record")?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            store::add_note(tx, &note.reseller_ref, note.kind.code(), text, note.on_day, me, at)
        })?;
        Ok(())
    })?;
    if note.kind == NoteKind::Termination {
        let listed = reseller_list(ctx, session)?;
        if listed
            .iter()
            .any(|r| r.reseller_ref == note.reseller_ref && r.status != ResellerStatus::Terminated)
        {
            let change =
                StatusChange { reseller_ref: note.reseller_ref.clone(), status: ResellerStatus::Terminated };
            reseller_set_status(ctx, session, &change)?;
        }
    }
    Ok(())
}

/// A reseller's CIP as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ResellerCipView {
    /// Order; the first listed is on file.
    #[ts(type = "number")]
    pub seq: i64,
    /// True for the one on file (the newest).
    pub on_file: bool,
    /// An uploaded document, or an adoption of the provider's version.
    pub kind: String,
    /// The document's file name.
    pub file_name: Option<String>,
    /// The provider version adopted.
    #[ts(type = "number | null")]
    pub adopted_version: Option<i64>,
    /// SHA-256 of the document or of the adopted text.
    pub sha256: String,
    /// Its date.
    pub dated: String,
    /// Note.
    pub note: String,
    /// Recorded when (RFC 3339).
    pub recorded_at: String,
    /// Recorded by (name).
    pub recorded_by: String,
}

/// A note as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NoteView {
    /// Kind.
    pub kind: NoteKind,
    /// Text.
    pub text: String,
    /// The day it is about.
    pub on_day: String,
    /// Recorded by (name).
    pub recorded_by: String,
}

/// Everything the reseller's page shows besides the register line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ResellerDetail {
    /// The register line.
    pub reseller: ResellerView,
    /// Its CIPs, the one on file first.
    pub cips: Vec<ResellerCipView>,
    /// Compliance notes, oldest first.
    pub notes: Vec<NoteView>,
    /// Its attestations by period, newest first.
    pub attestations: Vec<crate::attestations::AttestationView>,
    /// Its primary CIP contacts, newest (current) first, with when each was recorded (R14).
    pub contacts: Vec<ContactSince>,
}

/// A primary CIP contact and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ContactSince {
    /// The contact.
    pub contact: ResellerContact,
    /// Recorded (RFC 3339).
    pub since: String,
}

/// One reseller with its CIPs, notes and attestations.
pub fn reseller_detail(
    ctx: &Context,
    session: &Session,
    reseller_ref: &str,
) -> Result<ResellerDetail, AppError> {
    let reseller =
        reseller_list(ctx, session)?.into_iter().find(|r| r.reseller_ref == reseller_ref).ok_or_else(
            || CoreError::invalid("reseller_ref", format!("no reseller {reseller_ref} in the register")),
        )?;
    let attestations = crate::attestations::for_reseller(ctx, session, reseller_ref)?;
    session.with(ctx, |u| {
        let db = u.workspace.db();
        let cips = db.read(|c| store::cip_history(c, reseller_ref))?;
        let notes = db.read(|c| store::notes(c, reseller_ref))?;
        let contacts = db.read(|c| store::contacts(c, reseller_ref))?;
        Ok(ResellerDetail {
            reseller,
            cips: cips
                .into_iter()
                .enumerate()
                .map(|(i, c)| ResellerCipView {
                    seq: c.seq,
                    on_file: i == 0,
                    recorded_by: u.actor_name(&c.recorded_by),
                    kind: c.kind,
                    file_name: c.file_name,
                    adopted_version: c.adopted_version,
                    sha256: c.sha256,
                    dated: c.dated,
                    note: c.note,
                    recorded_at: c.recorded_at,
                })
                .collect(),
            notes: notes
                .into_iter()
                .map(|n| NoteView {
                    kind: NoteKind::from_code(&n.kind),
                    recorded_by: u.actor_name(&n.recorded_by),
                    text: n.text,
                    on_day: n.on_day,
                })
                .collect(),
            attestations,
            contacts: contacts.into_iter().map(|(contact, since)| ContactSince { contact, since }).collect(),
        })
    })
}

/// What an officer enters to put a reseller's CIP on file.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct CipOnFileForm {
    /// Reseller.
    pub reseller_ref: String,
    /// The document's date, or the adoption agreement's.
    #[ts(type = "string")]
    pub dated: chrono::NaiveDate,
    /// The provider version adopted (adoption only).
    #[ts(type = "number | null")]
    pub adopted_version: Option<i64>,
    /// Note.
    #[serde(default)]
    pub note: String,
}

fn check_dated(ctx: &Context, form: &CipOnFileForm) -> Result<(), AppError> {
    if form.dated > ctx.clock().now().date_naive() {
        return Err(CoreError::invalid("dated", "cannot be in the future").into());
    }
    Ok(())
}

fn put_on_file(
    u: &mut crate::session::Unlocked,
    form: &CipOnFileForm,
    cip: &store::CipOnFile<'_>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let me = u.actor.id;
    u.workspace
        .db_mut()
        .write(|tx| store::record_cip(tx, &form.reseller_ref, cip, form.dated, form.note.trim(), me, at))?;
    Ok(())
}

/// Puts an uploaded PDF on file as the reseller's CIP (R17): checked to be a readable,
/// unprotected PDF (it goes into the R15 packet as it is), encrypted into the vault, recorded with
/// its SHA-256. An earlier CIP stays in the history.
pub fn reseller_cip_upload(
    ctx: &Context,
    session: &Session,
    form: &CipOnFileForm,
    path: &std::path::Path,
) -> Result<ResellerDetail, AppError> {
    check_dated(ctx, form)?;
    let max_bytes = crate::limits::evidence_max_bytes(ctx, session)?;
    let bytes = crate::limits::read_evidence(path, max_bytes)?;
    let name =
        path.file_name().map_or_else(|| "reseller-cip.pdf".into(), |n| n.to_string_lossy().into_owned());
    workbench_filings::check_part(&name, &bytes)
        .map_err(|e| CoreError::invalid("file", format!("{e}; the CIP on file must be a PDF")))?;
    session.with(ctx, |u| {
        u.require_officer("put a reseller's CIP on file")?;
        // Fails before anything is stored when the reseller is unknown.
        u.workspace.db().read(|c| store::cip_history(c, &form.reseller_ref))?;
        let at = ctx.clock().now();
        let new = workbench_store::evidence::NewEvidence {
            original_name: &name,
            media_type: "application/pdf",
            max_bytes,
        };
        let record =
            workbench_store::evidence::store(&mut u.workspace, bytes.as_slice(), &new, u.actor.id, at)?;
        let evidence_id = record.id.to_string();
        put_on_file(
            u,
            form,
            &store::CipOnFile::Document { evidence_id: &evidence_id, sha256: &record.sha256 },
            at,
        )
    })?;
    reseller_detail(ctx, session, &form.reseller_ref)
}

/// Records that a reseller adopted an approved version of the provider's CIP by agreement (R17).
pub fn reseller_cip_adopt(
    ctx: &Context,
    session: &Session,
    form: &CipOnFileForm,
) -> Result<ResellerDetail, AppError> {
    check_dated(ctx, form)?;
    let number = form
        .adopted_version
        .ok_or_else(|| CoreError::invalid("adopted_version", "choose the approved version adopted"))?;
    session.with(ctx, |u| {
        u.require_officer("put a reseller's CIP on file")?;
        let version = u
            .workspace
            .db()
            .read(|c| workbench_store::cip::version(c, number))?
            .filter(|v| v.state == workbench_core::cip::VersionState::Approved)
            .ok_or_else(|| {
                CoreError::invalid(
                    "adopted_version",
                    format!("version {number} is not an approved CIP version"),
                )
            })?;
        let approved_on = version.approved_at.as_deref().and_then(|a| a.get(..10)).unwrap_or_default();
        if form.dated.to_string().as_str() < approved_on {
            return Err(CoreError::invalid(
                "dated",
                format!("is before version {number} was approved ({approved_on})"),
            )
            .into());
        }
        let cip = store::CipOnFile::Adoption { version: number, sha256: &version.sha256 };
        put_on_file(u, form, &cip, ctx.clock().now())
    })?;
    reseller_detail(ctx, session, &form.reseller_ref)
}

/// A reseller's CIP (one recorded `seq`) as a PDF: the uploaded document decrypted, or the
/// adopted version rendered under the reseller's name.
pub fn reseller_cip_pdf(
    ctx: &Context,
    session: &Session,
    reseller_ref: &str,
    seq: i64,
) -> Result<Vec<u8>, AppError> {
    session.with(ctx, |u| {
        let history = u.workspace.db().read(|c| store::cip_history(c, reseller_ref))?;
        let row = history
            .into_iter()
            .find(|c| c.seq == seq)
            .ok_or_else(|| CoreError::invalid("seq", format!("{reseller_ref} has no CIP record {seq}")))?;
        let legal_name = u
            .workspace
            .db()
            .read(store::list)?
            .into_iter()
            .find(|r| r.reseller_ref == reseller_ref)
            .map_or_else(|| reseller_ref.to_owned(), |r| r.legal_name);
        crate::cip_requests::reseller_part_pdf(ctx, u, &legal_name, &row)
    })
}
