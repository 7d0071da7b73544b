//! Foreign resellers' annual attestations (R18 with R13) as use cases: generate the request PDF,
//! record the signed return (form or CSV), and the reseller × year matrix. A recorded return
//! meets the reseller's attestation obligation for that year.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use ts_rs::TS;
use workbench_core::CoreError;
use workbench_core::attestation::{
    AttestationFacts, AttestationReturn, CellStatus, ReportedCounts, cell_status,
};
use workbench_core::import::RowError;
use workbench_core::obligations::day_of_year;
use workbench_core::reseller::ResellerStatus;
use workbench_core::rules::LoadedPack;
use workbench_store::resellers::{self as store, AttestationRow, ReturnRecord};

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// How many past periods the matrix shows at most.
const MATRIX_YEARS: i32 = 5;

/// One reseller's attestation for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AttestationView {
    /// The calendar year attested.
    pub period: i32,
    /// Where it stands.
    pub status: CellStatus,
    /// Due to the provider on.
    pub due_on: String,
    /// When the request PDF was made.
    pub requested_at: Option<String>,
    /// When the return arrived.
    pub returned_on: Option<String>,
    /// The counts reported.
    pub counts: Option<ReportedCounts>,
    /// Titles of statements not affirmed (exceptions to follow up).
    pub exceptions: Vec<String>,
    /// The scanned return is in the vault.
    pub has_evidence: bool,
    /// Note.
    pub note: String,
    /// `form` or `csv`.
    pub source: Option<String>,
}

/// A matrix row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MatrixRow {
    /// Reseller.
    pub reseller_ref: String,
    /// Legal name.
    pub legal_name: String,
    /// Register status.
    pub status: ResellerStatus,
    /// One cell per period of [`AttestationMatrix::periods`].
    pub cells: Vec<AttestationView>,
}

/// Resellers × periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AttestationMatrix {
    /// The periods shown, oldest first.
    pub periods: Vec<i32>,
    /// One row per reseller.
    pub rows: Vec<MatrixRow>,
    /// The pack's statements: (key, title).
    pub statements: Vec<(String, String)>,
    /// The pack's due day, e.g. "15 January", and whether the pack assumes it.
    pub due_day: String,
    /// The due day is the pack's assumption.
    pub due_day_assumed: bool,
}

fn due_on(pack: &LoadedPack, period: i32) -> NaiveDate {
    let d = &pack.pack.deadlines.reseller_attestation;
    day_of_year(period + 1, d.month, d.day)
}

fn statements(pack: &LoadedPack) -> Vec<(String, String)> {
    pack.pack.certification.annual.iter().map(|s| (s.key.clone(), s.title.clone())).collect()
}

struct Register {
    rows: Vec<store::ResellerRow>,
    attestations: Vec<AttestationRow>,
}

fn register(u: &Unlocked) -> Result<Register, AppError> {
    let db = u.workspace.db();
    Ok(Register { rows: db.read(store::list)?, attestations: db.read(store::attestations)? })
}

fn view(
    pack: &LoadedPack,
    r: &store::ResellerRow,
    row: Option<&AttestationRow>,
    period: i32,
    today: NaiveDate,
) -> AttestationView {
    let start = r.agreement_start.parse().unwrap_or(NaiveDate::MIN);
    let end = r.agreement_end.as_deref().and_then(|e| e.parse().ok());
    let facts = row.map(|a| AttestationFacts {
        period,
        requested: a.requested_at.is_some(),
        returned_complete: a.complete,
    });
    let due = due_on(pack, period);
    let exceptions = match row {
        Some(a) if a.complete == Some(false) => statements(pack)
            .into_iter()
            .filter(|(key, _)| !a.affirmed.contains(key))
            .map(|(_, title)| title)
            .collect(),
        _ => Vec::new(),
    };
    AttestationView {
        period,
        status: cell_status(period, (start, end), facts.as_ref(), due, today),
        due_on: due.to_string(),
        requested_at: row.and_then(|a| a.requested_at.clone()),
        returned_on: row.and_then(|a| a.returned_on.clone()),
        counts: row.and_then(|a| a.counts).map(|(c, u, r)| ReportedCounts {
            customers: u32::try_from(c).unwrap_or(0),
            unverified: u32::try_from(u).unwrap_or(0),
            refused: u32::try_from(r).unwrap_or(0),
        }),
        exceptions,
        has_evidence: row.is_some_and(|a| a.evidence_id.is_some()),
        note: row.map(|a| a.note.clone()).unwrap_or_default(),
        source: row.and_then(|a| a.source.clone()),
    }
}

fn today(ctx: &Context, u: &Unlocked) -> Result<NaiveDate, AppError> {
    Ok(ctx.clock().now().with_timezone(&crate::obligations::provider_tz(u)?).date_naive())
}

/// The reseller × year matrix: the last few ended calendar years since the earliest agreement.
pub fn attestation_matrix(ctx: &Context, session: &Session) -> Result<AttestationMatrix, AppError> {
    session.with(ctx, |u| {
        let (pack, _) = crate::obligations::active_pack(u)?;
        let today = today(ctx, u)?;
        let reg = register(u)?;
        let last = today.year() - 1;
        let earliest = reg
            .rows
            .iter()
            .filter_map(|r| r.agreement_start.parse::<NaiveDate>().ok().map(|d| d.year()))
            .min()
            .unwrap_or(last);
        let periods: Vec<i32> = (earliest.max(last - MATRIX_YEARS + 1)..=last).collect();
        let rows = reg
            .rows
            .iter()
            .map(|r| MatrixRow {
                reseller_ref: r.reseller_ref.clone(),
                legal_name: r.legal_name.clone(),
                status: ResellerStatus::from_code(&r.status).unwrap_or(ResellerStatus::Active),
                cells: periods
                    .iter()
                    .map(|&p| {
                        let row = reg
                            .attestations
                            .iter()
                            .find(|a| a.reseller_ref == r.reseller_ref && a.period == p);
                        view(&pack, r, row, p, today)
                    })
                    .collect(),
            })
            .collect();
        let d = &pack.pack.deadlines.reseller_attestation;
        let month = NaiveDate::from_ymd_opt(2000, d.month, 1)
            .map_or_else(String::new, |m| m.format("%B").to_string());
        Ok(AttestationMatrix {
            periods,
            rows,
            statements: statements(&pack),
            due_day: format!("{} {month}", d.day),
            due_day_assumed: d.assumed,
        })
    })
}

/// A reseller's attestations, newest period first (every period since its agreement began, at
/// most the matrix's span).
pub(crate) fn for_reseller(
    ctx: &Context,
    session: &Session,
    reseller_ref: &str,
) -> Result<Vec<AttestationView>, AppError> {
    let matrix = attestation_matrix(ctx, session)?;
    let mut cells =
        matrix.rows.into_iter().find(|r| r.reseller_ref == reseller_ref).map(|r| r.cells).unwrap_or_default();
    cells.retain(|c| c.status != CellStatus::NotApplicable || c.returned_on.is_some());
    cells.reverse();
    Ok(cells)
}

/// Renders the attestation request for a reseller and period, records that it was made (with
/// its hash), and returns the PDF.
pub fn attestation_request_pdf(
    ctx: &Context,
    session: &Session,
    reseller_ref: &str,
    period: i32,
) -> Result<Vec<u8>, AppError> {
    // Read under the session, render without it, record under it (issue 15).
    let request = session.with(ctx, |u| {
        u.require_officer("request reseller attestations")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let today = today(ctx, u)?;
        workbench_core::attestation::check_period(period, today)
            .map_err(|p| CoreError::invalid("period", p))?;
        let reseller = u
            .workspace
            .db()
            .read(store::list)?
            .into_iter()
            .find(|r| r.reseller_ref == reseller_ref)
            .ok_or_else(|| {
                CoreError::invalid("reseller_ref", format!("no reseller {reseller_ref} in the register"))
            })?;
        let db = u.workspace.db();
        let provider = db.read(workbench_store::provider::get)?.legal_name;
        let contact = db.read(workbench_store::provider::current_contact)?.map_or_else(
            || "(no primary CIP contact on record)".to_owned(),
            |c| format!("{}, {}", c.name, c.email),
        );
        let request = workbench_filings::AttestationRequest {
            provider,
            provider_contact: contact,
            reseller_ref: reseller.reseller_ref.clone(),
            legal_name: reseller.legal_name,
            country: reseller.country,
            period,
            due_on: due_on(&pack, period).to_string(),
            statements: pack.pack.certification.annual_statements(),
            pack: pack.pack.pack.id.clone(),
            generated_at: ctx.clock().now(),
        };
        Ok(request)
    })?;
    let pdf = workbench_filings::render_attestation_request(&request)?;
    let sha = workbench_core::audit::sha256_hex(&pdf);
    session.with(ctx, |u| {
        u.require_officer("request reseller attestations")?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| store::mark_requested(tx, reseller_ref, period, &sha, me, at))?;
        Ok(pdf)
    })
}

/// Writes the request PDF to `path` atomically.
pub fn attestation_write_request(
    ctx: &Context,
    session: &Session,
    reseller_ref: &str,
    period: i32,
    path: &std::path::Path,
) -> Result<(), AppError> {
    let pdf = attestation_request_pdf(ctx, session, reseller_ref, period)?;
    Ok(workbench_store::files::write_atomically(path, &pdf)?)
}

/// The obligation a return for `period` meets.
fn obligation_key(reseller_ref: &str, period: i32) -> String {
    format!("reseller_attestation:{reseller_ref}:{}", period + 1)
}

/// Records a signed return from the form, with the scanned return (image or PDF) when given;
/// meets that year's attestation obligation. Nothing is stored when any check fails.
pub fn attestation_return(
    ctx: &Context,
    session: &Session,
    ret: &AttestationReturn,
    scan: Option<&std::path::Path>,
) -> Result<Vec<AttestationView>, AppError> {
    let scanned = scan
        .map(|path| crate::documents::Document::read(ctx, session, path, "file", "attestation"))
        .transpose()?;
    session.with(ctx, |u| {
        u.require_officer("record reseller attestations")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let keys = pack.pack.certification.annual_keys();
        let valid = ret.clone().validate(today(ctx, u)?, &keys)?;
        let complete = valid.complete(&keys);
        let reg = register(u)?;
        check_row(&reg, &valid).map_err(|m| CoreError::invalid("reseller_ref", m))?;
        let at = ctx.clock().now();
        let evidence_id = scanned.as_ref().map(|doc| doc.store(u, at)).transpose()?;
        let met = meets(ctx, u, &crate::obligations::compute(ctx, u)?, &valid, "form")?;
        let me = u.actor.id;
        let record = ReturnRecord { complete, evidence_id: evidence_id.as_deref(), source: "form" };
        u.workspace.db_mut().write(|tx| {
            store::record_return(tx, &valid, record, me, at)?;
            met.iter().try_for_each(|m| crate::obligations::insert_met(tx, m))
        })?;
        Ok(())
    })?;
    for_reseller(ctx, session, &ret.reseller_ref)
}

/// Why a checked return cannot be recorded against the register, if it cannot.
fn check_row(reg: &Register, r: &AttestationReturn) -> Result<(), String> {
    if !reg.rows.iter().any(|x| x.reseller_ref == r.reseller_ref) {
        return Err(format!("no reseller {} in the register", r.reseller_ref));
    }
    match reg.attestations.iter().find(|a| a.reseller_ref == r.reseller_ref && a.period == r.period) {
        Some(AttestationRow { returned_on: Some(on), .. }) => {
            Err(format!("{} {}: a return is already recorded (received {on})", r.reseller_ref, r.period))
        }
        _ => Ok(()),
    }
}

/// The obligation the return meets, when the calendar has it (resellers registered before
/// attestation reminders existed have none).
fn meets(
    ctx: &Context,
    u: &Unlocked,
    view: &crate::obligations::ObligationsView,
    r: &AttestationReturn,
    source: &str,
) -> Result<Option<workbench_core::obligations::Met>, AppError> {
    let reference =
        format!("{} attestation for {} returned {} ({source})", r.reseller_ref, r.period, r.returned_on);
    crate::obligations::met_if_open(ctx, u, view, &obligation_key(&r.reseller_ref, r.period), &reference)
}

/// What an import of reseller counts found or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CountsImport {
    /// Good rows (all of them when committed).
    #[ts(type = "number")]
    pub rows: u64,
    /// Every bad row, as `row N: column: message`; nothing is recorded when there is one.
    pub errors: Vec<RowError>,
    /// Whether the rows were recorded.
    pub committed: bool,
}

/// Imports reseller counts from CSV (template `assets/templates/reseller-counts.csv`) or an
/// .xlsx workbook laid out the same: every row is checked against the pack and the register
/// first; the rows are recorded all together or, on any bad row, not at all. Each recorded
/// return meets its attestation obligation.
pub fn attestation_import(
    ctx: &Context,
    session: &Session,
    bytes: &[u8],
    dry_run: bool,
) -> Result<CountsImport, AppError> {
    session.with(ctx, |u| {
        u.require_officer("import reseller counts")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let keys = pack.pack.certification.annual_keys();
        let bytes = crate::table::as_csv(bytes.to_vec(), &workbench_core::import::RESELLER_COUNT_COLUMNS)?;
        let rows = match workbench_core::import::parse_reseller_counts(&bytes, today(ctx, u)?, &keys) {
            Ok(rows) => rows,
            Err(errors) => return Ok(CountsImport { rows: 0, errors, committed: false }),
        };
        let reg = register(u)?;
        let errors: Vec<RowError> = rows
            .iter()
            .filter_map(|(row, r)| {
                check_row(&reg, r).err().map(|message| RowError {
                    row: *row,
                    column: "reseller_ref".into(),
                    message,
                })
            })
            .collect();
        if !errors.is_empty() || dry_run {
            return Ok(CountsImport { rows: rows.len() as u64, errors, committed: false });
        }
        let view = crate::obligations::compute(ctx, u)?;
        let mut met = Vec::new();
        for (_, r) in &rows {
            met.extend(meets(ctx, u, &view, r, "csv")?);
        }
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            for (_, r) in &rows {
                let record = ReturnRecord { complete: r.complete(&keys), evidence_id: None, source: "csv" };
                store::record_return(tx, r, record, me, at)?;
            }
            met.iter().try_for_each(|m| crate::obligations::insert_met(tx, m))
        })?;
        Ok(CountsImport { rows: rows.len() as u64, errors: Vec::new(), committed: true })
    })
}
