//! The bulk export of the customers the list shows (issue 18): CSV in the customers file's own
//! columns, JSON with each customer's whole file, or an Excel workbook with the customers and
//! owners sheets in the import's own columns beside the element checks and decisions. Written
//! atomically once complete and audited as data leaving the workbench; a long export reports
//! its progress and stops, writing nothing, when cancelled.

use std::path::Path;

use workbench_core::import::{CUSTOMER_COLUMNS, OWNER_COLUMNS, OWNER_OPTIONAL_COLUMNS};
use workbench_store::customers::{self as store, CustomerDetail};
use workbench_store::review as review_store;

use super::{CustomerQuery, ExportFormat, ExportSummary, matching_ids};
use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// One sheet of the export: its name, header and rows.
struct Sheet {
    name: &'static str,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

/// What one pass over the customers gathers for a tabular export.
struct Tables {
    customers: Sheet,
    owners: Sheet,
    checks: Sheet,
    decisions: Sheet,
}

/// Exports the customers matching `query` (search and country, like the list) to `path`.
///
/// # Errors
/// As [`export_all_tracked`].
pub fn export_all(
    ctx: &Context,
    session: &Session,
    query: &CustomerQuery,
    format: ExportFormat,
    path: &Path,
) -> Result<ExportSummary, AppError> {
    export_all_tracked(ctx, session, query, format, path, &mut |_, _| true)
}

/// [`export_all`], reporting `progress(customers done, customers in all)`; when it returns
/// false the export stops with [`AppError::Cancelled`] and writes nothing.
///
/// # Errors
/// A locked workspace, a role that may not take data out, [`AppError::Cancelled`], or the file
/// not written (nothing is left half written).
pub fn export_all_tracked(
    ctx: &Context,
    session: &Session,
    query: &CustomerQuery,
    format: ExportFormat,
    path: &Path,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<ExportSummary, AppError> {
    let (bytes, customers) = session.with(ctx, |u| {
        let ids = matching_ids(u, query)?;
        let total = ids.len() as u64;
        let mut step =
            |done: usize| if progress(done as u64, total) { Ok(()) } else { Err(AppError::Cancelled) };
        let bytes = match format {
            ExportFormat::Csv => csv_of(&tables(u, &ids, &mut step)?.customers)?,
            ExportFormat::Xlsx => xlsx_of(&tables(u, &ids, &mut step)?)?,
            ExportFormat::Json => {
                let now = ctx.clock().now();
                let mut files = Vec::with_capacity(ids.len());
                for (i, id) in ids.iter().enumerate() {
                    files.push(crate::review::review_of(u, id, now)?);
                    step(i + 1)?;
                }
                serde_json::to_vec_pretty(&files).map_err(|e| invalid(&e))?
            }
        };
        Ok((bytes, total))
    })?;
    let filter =
        format!("customers:search={:?},country={}", query.search, query.country.as_deref().unwrap_or("all"));
    crate::audit::take_out(
        ctx,
        session,
        crate::audit::MayTakeOut::Reviewer,
        "export.customers",
        &filter,
        &[(path, &bytes)],
    )?;
    Ok(ExportSummary { customers, bytes: bytes.len() as u64 })
}

fn invalid(e: &dyn std::fmt::Display) -> AppError {
    workbench_core::CoreError::invalid("file", e.to_string()).into()
}

/// The customers, owners, checks and decisions of `ids`, one customer at a time.
fn tables(
    u: &Unlocked,
    ids: &[String],
    step: &mut dyn FnMut(usize) -> Result<(), AppError>,
) -> Result<Tables, AppError> {
    let mut customers_header: Vec<&'static str> = CUSTOMER_COLUMNS.to_vec();
    customers_header.push("national_id");
    let mut owners_header: Vec<&'static str> = OWNER_COLUMNS.to_vec();
    owners_header.extend(OWNER_OPTIONAL_COLUMNS);
    let mut t = Tables {
        customers: Sheet { name: "customers", header: customers_header, rows: Vec::new() },
        owners: Sheet { name: "owners", header: owners_header, rows: Vec::new() },
        checks: Sheet {
            name: "checks",
            header: vec!["customer_ref", "subject", "element", "method", "outcome", "reviewer", "at", "note"],
            rows: Vec::new(),
        },
        decisions: Sheet {
            name: "decisions",
            header: vec![
                "customer_ref",
                "kind",
                "reason_code",
                "note",
                "decided_by",
                "decided_at",
                "status",
                "second_by",
                "second_at",
            ],
            rows: Vec::new(),
        },
    };
    let db = u.workspace.db();
    for (i, id) in ids.iter().enumerate() {
        let d = db.read(|c| store::detail(c, id))?.ok_or_else(|| invalid(&"a customer is gone"))?;
        let national = db.read(|c| store::national_id(c, id))?.unwrap_or_default();
        t.customers.rows.extend(customer_rows(&d, &national));
        for o in &d.owners {
            let ips: Vec<String> = o.ip_accesses.iter().map(|(ip, at)| format!("{ip}@{at}")).collect();
            t.owners.rows.push(vec![
                d.row.customer_ref.clone(),
                o.name.clone(),
                o.country.clone(),
                o.ownership_pct.map(|p| p.to_string()).unwrap_or_default(),
                (if o.control { "yes" } else { "no" }).to_owned(),
                as_given(&o.us_person).to_owned(),
                o.emails.clone(),
                o.phones.clone(),
                o.address_line1.clone(),
                o.city.clone(),
                o.postal_code.clone(),
                ips.join(";"),
            ]);
        }
        let check_row = |subject: &str, c: &review_store::Check| {
            vec![
                d.row.customer_ref.clone(),
                subject.to_owned(),
                c.element.code().to_owned(),
                c.method.code().to_owned(),
                c.outcome.code().to_owned(),
                u.actor_name(&c.reviewer),
                c.at.clone(),
                c.note.clone(),
            ]
        };
        for c in db.read(|conn| review_store::current_checks(conn, id))? {
            t.checks.rows.push(check_row("customer", &c));
        }
        for (owner, c) in db.read(|conn| review_store::owner_checks(conn, id))? {
            let name = d.owners.iter().find(|o| o.id == owner).map_or("owner", |o| o.name.as_str());
            t.checks.rows.push(check_row(&format!("owner: {name}"), &c));
        }
        for x in db.read(|conn| review_store::decisions(conn, id))? {
            t.decisions.rows.push(vec![
                d.row.customer_ref.clone(),
                x.kind,
                x.reason_code,
                x.note,
                u.actor_name(&x.decided_by),
                x.decided_at,
                x.status,
                x.second_by.as_deref().map(|a| u.actor_name(a)).unwrap_or_default(),
                x.second_at.unwrap_or_default(),
            ]);
        }
        step(i + 1)?;
    }
    Ok(t)
}

/// A stored U.S.-person status as the import takes it (`yes`, `no`, empty for undetermined).
fn as_given(status: &str) -> &'static str {
    match status {
        "yes" => "yes",
        "no" => "no",
        _ => "",
    }
}

/// One customer in the customers file's columns: a row per account.
fn customer_rows(d: &CustomerDetail, national: &str) -> Vec<Vec<String>> {
    d.accounts
        .iter()
        .map(|a| {
            vec![
                d.row.customer_ref.clone(),
                d.row.kind.clone(),
                d.row.name.clone(),
                d.row.country.clone(),
                d.address_line1.clone(),
                d.address_line2.clone(),
                d.city.clone(),
                d.region.clone(),
                d.postal_code.clone(),
                d.emails.join(";"),
                d.phones.join(";"),
                as_given(&d.row.us_person).to_owned(),
                d.row.reseller_ref.clone().unwrap_or_default(),
                a.account_ref.clone(),
                a.payment_method.clone(),
                a.payment_last4.clone(),
                a.payment_source.clone(),
                d.row.risk_tier.clone(),
                a.opened_on.get(..10).unwrap_or(&a.opened_on).to_owned(),
                national.to_owned(),
            ]
        })
        .collect()
}

fn csv_of(sheet: &Sheet) -> Result<Vec<u8>, AppError> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    out.write_record(&sheet.header).map_err(|e| invalid(&e))?;
    for row in &sheet.rows {
        out.write_record(row).map_err(|e| invalid(&e))?;
    }
    out.into_inner().map_err(|e| invalid(&e))
}

/// The workbook: every cell text (a postal code or a phone number is never turned into a
/// number), the header bold and frozen, columns wide enough to read.
fn xlsx_of(t: &Tables) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for sheet in [&t.customers, &t.owners, &t.checks, &t.decisions] {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name).map_err(|e| invalid(&e))?;
        for (col, title) in sheet.header.iter().enumerate() {
            let col = u16::try_from(col).map_err(|e| invalid(&e))?;
            ws.write_string_with_format(0, col, *title, &bold).map_err(|e| invalid(&e))?;
            let widest =
                sheet.rows.iter().filter_map(|r| r.get(usize::from(col))).map(|v| v.chars().count()).max();
            let width = widest.unwrap_or(0).max(title.len()).clamp(8, 48);
            ws.set_column_width(col, width as f64 + 1.0).map_err(|e| invalid(&e))?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|e| invalid(&e))?;
            for (c, value) in row.iter().enumerate() {
                if !value.is_empty() {
                    let c = u16::try_from(c).map_err(|e| invalid(&e))?;
                    ws.write_string(r, c, value).map_err(|e| invalid(&e))?;
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(|e| invalid(&e))?;
    }
    book.save_to_buffer().map_err(|e| invalid(&e))
}
