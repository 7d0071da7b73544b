//! Customer use cases (R2–R7, R12, R13): import from CSV or XLSX (dry run or all-or-nothing commit),
//! the customer list, and the certification counts.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::import::{
    CUSTOMER_COLUMNS, IP_COLUMNS, OWNER_COLUMNS, RowError, owner_warnings, parse_customers, parse_ip_log,
    parse_owners,
};
use workbench_store::customers::{self as store, Sort};

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    /// Good rows (all of them were stored unless `dry_run` or `errors` is not empty).
    #[ts(type = "number")]
    pub rows: u64,
    /// Every bad row; when not empty, nothing was stored.
    pub errors: Vec<RowError>,
    /// R5 warnings (entity without a beneficial owner, over 100 %, owner lacking R2 data); they
    /// do not stop the import.
    pub warnings: Vec<String>,
    /// Only checked, nothing stored.
    pub dry_run: bool,
    /// Rows stored.
    #[ts(type = "number")]
    pub stored: u64,
    /// The intake screening of the customers stored (R22), run right after the import when a
    /// list is active or a measure is in force; `None` otherwise.
    pub screening: Option<crate::screening::RunSummary>,
    /// Why the intake screening could not run (the import itself is kept).
    pub screening_problem: Option<String>,
}

/// Reads a customers CSV and stores it (officers and reviewers), all or nothing; with `dry_run`
/// only checks it.
pub fn import(
    ctx: &Context,
    session: &Session,
    path: &Path,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    import_with(ctx, session, path, None, None, dry_run)
}

/// Like [`import`], with a beneficial owners file (`--owners`) and an IP access log file
/// (`--ips`) stored in the same transaction: every file goes in, or none.
pub fn import_with(
    ctx: &Context,
    session: &Session,
    path: &Path,
    owners: Option<&Path>,
    ips: Option<&Path>,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    import_tracked(ctx, session, path, owners, ips, dry_run, &mut |_, _| true)
}

/// [`import_with`], reporting `progress(rows stored, rows in all)` as it stores; when
/// `progress` returns `false` the import stops and nothing is kept ([`AppError::Cancelled`]).
pub fn import_tracked(
    ctx: &Context,
    session: &Session,
    path: &Path,
    owners: Option<&Path>,
    ips: Option<&Path>,
    dry_run: bool,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<ImportReport, AppError> {
    // CSV, or the sheet of an .xlsx workbook that starts with the file's columns (converted to
    // the same CSV).
    let read = |p: &Path, columns: &[&str]| -> Result<Vec<u8>, AppError> {
        let bytes = crate::limits::read_import(p)?;
        Ok(crate::table::as_csv(bytes, columns)?)
    };
    let bytes = read(path, &CUSTOMER_COLUMNS)?;
    let log = ips.map(|p| read(p, &IP_COLUMNS).map(|bytes| parse_ip_log(&bytes))).transpose()?;
    let owner_rows = owners.map(|p| read(p, &OWNER_COLUMNS).map(|bytes| parse_owners(&bytes))).transpose()?;
    let mut errors = Vec::new();
    if let Some(Err(e)) = &owner_rows {
        errors.extend(e.iter().map(|e| RowError { column: format!("owners: {}", e.column), ..e.clone() }));
    }
    let owner_rows = owner_rows.and_then(Result::ok).unwrap_or_default();
    if let Some(Err(e)) = &log {
        errors.extend(e.iter().map(|e| RowError { column: format!("ips: {}", e.column), ..e.clone() }));
    }
    let log = log.transpose().ok().flatten().unwrap_or_default();
    if !errors.is_empty() {
        // A bad owners or IP file: report the customers file's problems with them, store nothing.
        return Ok(match parse_customers(&bytes) {
            Ok(rows) => ImportReport {
                rows: rows.len() as u64,
                errors,
                warnings: Vec::new(),
                dry_run,
                stored: 0,
                screening: None,
                screening_problem: None,
            },
            Err(mut bad) => {
                bad.extend(errors);
                ImportReport {
                    rows: 0,
                    errors: bad,
                    warnings: Vec::new(),
                    dry_run,
                    stored: 0,
                    screening: None,
                    screening_problem: None,
                }
            }
        });
    }
    // The import runs on a connection of its own (issue 15): the window keeps reading meanwhile,
    // and locking the workspace stops it (keeping nothing).
    // R12: before the initial certification is filed, opening accounts for foreign customers
    // warns, or (Settings) is refused.
    let foreign = foreign_rows(&bytes);
    let gate = session.with(ctx, |u| initial_gate(u, foreign))?;
    if let Some(Gate::Refuse(message)) = &gate {
        return Ok(ImportReport {
            rows: 0,
            errors: vec![RowError { row: 1, column: "(file)".into(), message: message.clone() }],
            warnings: Vec::new(),
            dry_run,
            stored: 0,
            screening: None,
            screening_problem: None,
        });
    }
    let gate_warning = match gate {
        Some(Gate::Warn(message)) => Some(message),
        _ => None,
    };
    let prepare = |u: &mut crate::session::Unlocked| {
        if u.actor.role == workbench_core::Role::Viewer {
            return Err(AppError::Forbidden("a viewer cannot import customers".into()));
        }
        Ok((crate::obligations::active_pack(u)?.0, u.actor.id))
    };
    let (mut report, stored_refs) = session.job(ctx, prepare, |mut job, (pack, by), lease| {
        let at = ctx.clock().now();
        // For the progress bar: lines after the header (a quoted field may span lines, so this is
        // an estimate; the count reported never goes past it).
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + usize::from(!bytes.ends_with(b"\n"));
        let total = (lines.saturating_sub(1) as u64).max(1);
        // One transaction for every file; any problem rolls all of it back and is reported by
        // row. The customers file is checked on a second thread while its good rows are stored
        // (store::import_csv). A dry run always rolls back.
        let mut imported = Vec::new();
        let outcome = job.db_mut().write(|tx| {
            let mut report =
                |done: usize| progress(done as u64, total.max(done as u64)) && lease.is_current();
            // The supply gate (R19): no new account through a reseller under remediation or
            // terminated.
            let mut gate = |tx: &workbench_store::rusqlite::Transaction<'_>, rows: &[_]| {
                crate::resellers::gate(tx, rows)
            };
            // Every new customer enters the verification queue (R4), due by the pack's SLA
            // for its tier.
            let due = crate::review::due_by_tier(&pack.pack, at);
            imported = store::import_csv(tx, &bytes, by, at, &due, &mut gate, &mut report)?;
            // R2: the optional national identity number, in its own record.
            let national: Vec<(&str, &str)> = imported
                .iter()
                .filter_map(|r| r.national_id.as_deref().map(|n| (r.customer.0.customer_ref.as_str(), n)))
                .collect();
            store::insert_national_ids(tx, &national, by, at)?;
            // R20: the account's type, which an exemption may cover.
            let types: Vec<(&str, &str)> = imported
                .iter()
                .filter_map(|r| r.account_type.as_deref().map(|t| (r.customer.0.account_ref.as_str(), t)))
                .collect();
            workbench_store::exemptions::insert_account_types(tx, &types, by, at)?;
            let problems = match store::insert_owners(tx, &owner_rows, by, at)? {
                Err(unknown) => unknown
                    .into_iter()
                    .map(|e| RowError { column: format!("owners: {}", e.column), ..e })
                    .collect(),
                Ok(_) => {
                    // R7: an owner added to a customer already in the workspace re-opens its
                    // review.
                    let new: std::collections::HashSet<&str> =
                        imported.iter().map(|r| r.customer.0.customer_ref.as_str()).collect();
                    let existing = owner_rows
                        .iter()
                        .filter(|o| !new.contains(o.customer_ref.as_str()))
                        .map(|o| workbench_store::review::customer_id(tx, &o.customer_ref))
                        .collect::<Result<Vec<_>, _>>()?;
                    workbench_store::review::reopen_for_new_owners(tx, &existing, at, &due, by)?;
                    match store::insert_ip_log(tx, &log, by, at)? {
                        Err(unknown) => unknown
                            .into_iter()
                            .map(|e| RowError { column: format!("ips: {}", e.column), ..e })
                            .collect(),
                        Ok(_) if dry_run => Vec::new(),
                        Ok(n) => return Ok(n),
                    }
                }
            };
            // Problems, or a dry run (no problems): roll back.
            Err(workbench_store::StoreError::Rejected(problems))
        });
        // R5 warnings (not errors) for the entities in this file, with the pack's threshold.
        let threshold = f64::from(pack.pack.beneficial_owner.threshold.percent);
        let warnings = entity_warnings(&imported, &owner_rows, threshold);
        let good = imported.len() as u64;
        let report = |errors, stored| ImportReport {
            rows: good,
            errors,
            warnings: warnings.clone(),
            dry_run,
            stored,
            screening: None,
            screening_problem: None,
        };
        match outcome {
            Ok(_) => Ok((
                report(Vec::new(), good),
                imported.iter().map(|r| r.customer.0.customer_ref.clone()).collect::<Vec<_>>(),
            )),
            Err(workbench_store::StoreError::Rejected(problems)) => Ok((report(problems, 0), Vec::new())),
            Err(workbench_store::StoreError::Cancelled) => Err(AppError::Cancelled),
            Err(other) => Err(other.into()),
        }
    })?;
    if let Some(warning) = gate_warning
        && report.errors.is_empty()
    {
        report.warnings.insert(0, warning);
    }
    Ok(screen_on_intake(ctx, session, report, &stored_refs, progress))
}

/// What the initial-certification gate (R12) says about an import.
enum Gate {
    /// Go ahead, with this warning.
    Warn(String),
    /// Refused (Settings), for this reason.
    Refuse(String),
}

/// Rows of a customers file whose `us_person` is not `yes` (foreign or undetermined, R3).
fn foreign_rows(bytes: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes));
    let Ok(header) = reader.headers().cloned() else { return 0 };
    let Some(at) = header.iter().position(|h| h.trim().eq_ignore_ascii_case("us_person")) else { return 0 };
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| !r.get(at).is_some_and(|v| v.trim().eq_ignore_ascii_case("yes")))
        .count()
}

/// The gate, when the file opens accounts for foreign customers and no initial certification is
/// filed yet.
fn initial_gate(u: &crate::session::Unlocked, foreign: usize) -> Result<Option<Gate>, AppError> {
    if foreign == 0 {
        return Ok(None);
    }
    let filed = u
        .workspace
        .db()
        .read(workbench_store::filings::list)?
        .iter()
        .any(|f| f.kind == "initial" && f.state == "filed");
    if filed {
        return Ok(None);
    }
    let refuse = crate::settings::load(&u.workspace)?.initial_gate_refuse;
    let what = format!(
        "R12: the initial CIP certification is not filed yet, and this file opens accounts for {foreign} foreign customer(s)"
    );
    Ok(Some(if refuse {
        Gate::Refuse(format!("{what}; Settings refuse such imports until it is filed (nothing was imported)"))
    } else {
        Gate::Warn(format!("{what}: file it (Filings) before they get access"))
    }))
}

/// Screens the customers an import stored (R22) as a follow-on job: the import is committed
/// first, so its speed is its own. Nothing runs when no list is active and no measure is in
/// force; a failure is reported beside the import, which stays.
fn screen_on_intake(
    ctx: &Context,
    session: &Session,
    mut report: ImportReport,
    refs: &[String],
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> ImportReport {
    if refs.is_empty() {
        return report;
    }
    match crate::screening::run(ctx, session, crate::screening::RunTrigger::Intake, Some(refs), progress) {
        Ok(summary) => report.screening = Some(summary),
        Err(AppError::Core(e)) if e.to_string().contains("no screening list is active") => {}
        Err(e) => report.screening_problem = Some(e.to_string()),
    }
    report
}

/// What adding beneficial owners to existing customers did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OwnersImportReport {
    /// Good rows.
    #[ts(type = "number")]
    pub rows: u64,
    /// Every bad row; when not empty, nothing was stored.
    pub errors: Vec<RowError>,
    /// R5 warnings (an owner lacking R2 data); they do not stop the import.
    pub warnings: Vec<String>,
    /// Only checked.
    pub dry_run: bool,
    /// Owners stored.
    #[ts(type = "number")]
    pub stored: u64,
    /// Customers whose decided review was re-opened for the new owner (R7).
    pub reopened: Vec<String>,
}

/// Adds beneficial owners to customers already in the workspace from an owners file (CSV or
/// .xlsx; `assets/templates/owners.csv`), all or nothing (officers and reviewers). Each customer
/// with a new owner goes back to the verification queue with reason `new_owner` (R7), and its
/// accounts count as unverified until the review is decided again. With `dry_run` only checks.
pub fn owners_import(
    ctx: &Context,
    session: &Session,
    path: &Path,
    dry_run: bool,
) -> Result<OwnersImportReport, AppError> {
    let bytes = crate::table::as_csv(crate::limits::read_import(path)?, &OWNER_COLUMNS)?;
    let report = |rows: u64, errors: Vec<RowError>| OwnersImportReport {
        rows,
        errors,
        warnings: Vec::new(),
        dry_run,
        stored: 0,
        reopened: Vec::new(),
    };
    let owners = match parse_owners(&bytes) {
        Ok(owners) => owners,
        Err(errors) => return Ok(report(0, errors)),
    };
    let rows = owners.len() as u64;
    session.with(ctx, |u| {
        if u.actor.role == workbench_core::Role::Viewer {
            return Err(AppError::Forbidden("a viewer cannot add beneficial owners".into()));
        }
        let pack = crate::obligations::active_pack(u)?.0;
        let at = ctx.clock().now();
        let by = u.actor.id;
        let due = crate::review::due_by_tier(&pack.pack, at);
        let threshold = f64::from(pack.pack.beneficial_owner.threshold.percent);
        let mut reopened = Vec::new();
        let outcome = u.workspace.db_mut().write(|tx| {
            if let Err(unknown) = store::insert_owners(tx, &owners, by, at)? {
                return Err(workbench_store::StoreError::Rejected(unknown));
            }
            let ids = owners
                .iter()
                .map(|o| workbench_store::review::customer_id(tx, &o.customer_ref))
                .collect::<Result<Vec<_>, _>>()?;
            reopened = workbench_store::review::reopen_for_new_owners(tx, &ids, at, &due, by)?;
            if dry_run { Err(workbench_store::StoreError::Rejected(Vec::new())) } else { Ok(()) }
        });
        let warnings: Vec<String> = owners
            .iter()
            .flat_map(|o| {
                owner_warnings(
                    workbench_core::customer::CustomerKind::Entity,
                    std::slice::from_ref(o),
                    threshold,
                )
                .into_iter()
                .filter(|w| !w.contains("no beneficial owner"))
                .map(move |w| format!("{} (row {}): {w}", o.customer_ref, o.row))
            })
            .collect();
        match outcome {
            Ok(()) => Ok(OwnersImportReport { stored: rows, reopened, warnings, ..report(rows, Vec::new()) }),
            Err(workbench_store::StoreError::Rejected(errors)) if errors.is_empty() => {
                Ok(OwnersImportReport { reopened, warnings, ..report(rows, Vec::new()) })
            }
            Err(workbench_store::StoreError::Rejected(errors)) => Ok(report(rows, errors)),
            Err(e) => Err(e.into()),
        }
    })
}

/// R5 warnings for the entities among `rows`: no beneficial owner in the owners file, owners
/// over 100 %, an owner lacking R2 data.
fn entity_warnings(
    rows: &[workbench_core::import::ImportedCustomer],
    owner_rows: &[workbench_core::import::ImportedOwner],
    threshold: f64,
) -> Vec<String> {
    rows.iter()
        .filter(|r| r.customer.0.kind == workbench_core::customer::CustomerKind::Entity)
        .flat_map(|r| {
            let c = &r.customer.0;
            let mine: Vec<_> =
                owner_rows.iter().filter(|o| o.customer_ref == c.customer_ref).cloned().collect();
            owner_warnings(c.kind, &mine, threshold)
                .into_iter()
                .map(|w| format!("{} (row {}): {w}", c.customer_ref, r.row))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A page request for the customer list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct CustomerQuery {
    /// Part of the reference or name.
    #[serde(default)]
    pub search: String,
    /// One country (ISO alpha-2), or all.
    pub country: Option<String>,
    /// "ref" (default), "name" or "country".
    pub sort: Option<String>,
    /// Page size (1–500, default 100).
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
    /// Rows to skip.
    #[ts(type = "number | null")]
    pub offset: Option<i64>,
}

/// One customer in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CustomerListRow {
    /// Id.
    pub id: String,
    /// Reference.
    pub customer_ref: String,
    /// individual | entity.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// yes | no | undetermined.
    pub us_person: String,
    /// Risk tier.
    pub risk_tier: String,
    /// First account's state.
    pub state: String,
    /// Accounts held.
    #[ts(type = "number")]
    pub accounts: i64,
    /// Reseller it came through.
    pub reseller_ref: Option<String>,
}

/// A page of the list and the total that match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CustomerPage {
    /// The rows.
    pub rows: Vec<CustomerListRow>,
    /// How many match in all.
    #[ts(type = "number")]
    pub total: i64,
}

/// The list's order a query asks for (by reference unless it says name or country).
fn sort_of(query: &CustomerQuery) -> Sort {
    match query.sort.as_deref() {
        Some("name") => Sort::Name,
        Some("country") => Sort::Country,
        _ => Sort::Ref,
    }
}

/// Lists customers, a page at a time.
pub fn list(ctx: &Context, session: &Session, query: &CustomerQuery) -> Result<CustomerPage, AppError> {
    let sort = sort_of(query);
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let offset = query.offset.unwrap_or(0).max(0);
    let country = query.country.as_deref().filter(|c| !c.is_empty());
    session.with(ctx, |u| {
        let (rows, total) =
            u.workspace.db().read(|c| store::list(c, &query.search, country, sort, limit, offset))?;
        Ok(CustomerPage {
            rows: rows
                .into_iter()
                .map(|r| CustomerListRow {
                    id: r.id,
                    customer_ref: r.customer_ref,
                    kind: r.kind,
                    name: r.name,
                    country: r.country,
                    us_person: r.us_person,
                    risk_tier: r.risk_tier,
                    state: r.state,
                    accounts: r.accounts,
                    reseller_ref: r.reseller_ref,
                })
                .collect(),
            total,
        })
    })
}

/// The certification counts for a calendar year (R12, R13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CountsView {
    /// The year of the yearly counts.
    pub year: i32,
    /// Foreign customers in all.
    #[ts(type = "number")]
    pub foreign_customers: i64,
    /// Foreign customers by country, largest first.
    pub foreign_customers_by_country: Vec<CountryCount>,
    /// Foreign beneficial owners by country, largest first (R12).
    pub foreign_owners_by_country: Vec<CountryCount>,
    /// Foreign-customer accounts not yet verified (R12).
    #[ts(type = "number")]
    pub foreign_accounts_unverified: i64,
    /// Foreign-customer accounts not verified but left out of that count: their account type is
    /// exempt (R20).
    #[ts(type = "number")]
    pub exempt_accounts: i64,
    /// The account types an exemption in force covers today.
    pub exempt_account_types: Vec<String>,
    /// Accounts refused in the year (R13).
    #[ts(type = "number")]
    pub refused_in_year: i64,
    /// Times identity could not be verified in the year (R13).
    #[ts(type = "number")]
    pub unverifiable_in_year: i64,
}

/// Customers of one country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CountryCount {
    /// ISO alpha-2.
    pub country: String,
    /// How many.
    #[ts(type = "number")]
    pub count: i64,
}

/// Computes the counts for `year`.
pub fn counts(ctx: &Context, session: &Session, year: i32) -> Result<CountsView, AppError> {
    session.with(ctx, |u| {
        let exempt = crate::exemptions::exempt_account_types(ctx, u)?;
        let c = u.workspace.db().read(|conn| store::counts(conn, year, &exempt))?;
        Ok(CountsView {
            year: c.year,
            foreign_customers: c.foreign_customers,
            foreign_customers_by_country: c
                .foreign_customers_by_country
                .into_iter()
                .map(|(country, count)| CountryCount { country, count })
                .collect(),
            foreign_owners_by_country: c
                .foreign_owners_by_country
                .into_iter()
                .map(|(country, count)| CountryCount { country, count })
                .collect(),
            foreign_accounts_unverified: c.foreign_accounts_unverified,
            exempt_accounts: c.exempt_accounts,
            exempt_account_types: exempt,
            refused_in_year: c.refused_in_year,
            unverifiable_in_year: c.unverifiable_in_year,
        })
    })
}

/// The formats of the bulk export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    /// The customers file's own columns (one row per customer and its account, plus
    /// `national_id`): the import reads it back.
    Csv,
    /// Every customer's whole file: accounts, owners, checks, decisions, notices, terms, appeals.
    Json,
    /// An Excel workbook: the customers sheet in the customers file's own columns (the import
    /// reads it back), an owners sheet in the owners file's columns (read back too), and the
    /// element checks and decisions.
    Xlsx,
}

/// What a bulk export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExportSummary {
    /// Customers written.
    #[ts(type = "number")]
    pub customers: u64,
    /// Bytes written.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The customers matching `query` (its search and country; every page), in the list's order.
pub(crate) fn matching_ids(
    u: &crate::session::Unlocked,
    query: &CustomerQuery,
) -> Result<Vec<String>, AppError> {
    let sort = sort_of(query);
    let country = query.country.as_deref().filter(|c| !c.is_empty());
    let (rows, _) = u.workspace.db().read(|c| store::list(c, &query.search, country, sort, i64::MAX, 0))?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

mod export;
pub use export::{export_all, export_all_tracked};
