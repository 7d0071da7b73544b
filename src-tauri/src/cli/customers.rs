//! `customers import` and `counts`: bulk import and the certification counts from a terminal.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use workbench_app::customers;
use workbench_app::{ApiError, Context};
use workbench_core::verification::Element;

use super::{fail, print_json, workspace};

/// `customers` subcommands.
#[derive(Debug, Subcommand)]
pub enum CustomersCommand {
    /// Import customers from a CSV file or an Excel workbook (.xlsx, first sheet), all or
    /// nothing; exit 1 listing every bad row.
    Import {
        /// The customers CSV or .xlsx (columns in assets/templates/README.md).
        file: PathBuf,
        /// A beneficial owners CSV (`customer_ref, name, country, ownership_pct, control, …`),
        /// stored with the customers in the same transaction.
        #[arg(long, value_name = "FILE")]
        owners: Option<PathBuf>,
        /// An IP access log CSV (`account_ref, ip, accessed_at, kind`), stored with the customers
        /// in the same transaction.
        #[arg(long, value_name = "FILE")]
        ips: Option<PathBuf>,
        /// Only check the file(s); store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Add beneficial owners to customers already in the workspace (CSV or .xlsx, the owners
    /// columns), all or nothing; each customer with a new owner goes back to the verification
    /// queue (R7). Exit 1 listing every bad row.
    Owners {
        /// The owners CSV or .xlsx.
        file: PathBuf,
        /// Only check the file; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export every customer matching the search and country (like the list) as CSV (the import's
    /// own columns: it reads the file back), JSON (each customer's whole file) or an Excel
    /// workbook (customers and owners sheets the import reads back, checks, decisions); audited.
    ExportAll {
        /// `csv`, `json` or `xlsx`.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Where to write it (atomically).
        #[arg(long)]
        out: PathBuf,
        /// Part of the reference or name.
        #[arg(long, default_value = "")]
        search: String,
        /// One country (ISO alpha-2).
        #[arg(long)]
        country: Option<String>,
    },
    /// Place a customer's pending accounts under the rule pack's restricted or monitored terms
    /// while verification is pending (R6); prints the date to decide by.
    Terms {
        /// The customer's reference.
        customer_ref: String,
        /// `restricted` or `monitored`.
        #[arg(long)]
        state: String,
        /// A term key of the pack (repeat for several).
        #[arg(long = "term", required = true)]
        terms: Vec<String>,
        /// Why.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a refused customer's appeal (R6 redress); another person reviews it.
    Appeal {
        /// The customer's reference.
        customer_ref: String,
        /// When it was received (YYYY-MM-DD).
        #[arg(long)]
        received: String,
        /// What the customer asks.
        #[arg(long)]
        statement: String,
    },
    /// Review an appeal: `refusal_stands`, or `reopened` (back to the queue).
    AppealReview {
        /// The appeal's id.
        id: String,
        /// `refusal_stands` or `reopened`.
        #[arg(long)]
        outcome: String,
        /// Why.
        #[arg(long)]
        note: String,
    },
    /// Attach an evidence file (image or PDF) to a customer, encrypted into the vault (R4).
    Attach {
        /// The customer's reference.
        customer_ref: String,
        /// The file.
        file: PathBuf,
        /// The element it serves, e.g. identity_document, address, payment.
        #[arg(long, value_name = "ELEMENT")]
        element: Option<String>,
    },
    /// Export one customer's file: a PDF to read or print and a JSON document with every value.
    Export {
        /// The customer's reference.
        customer_ref: String,
        /// Where to write the PDF.
        #[arg(long, value_name = "FILE")]
        pdf: PathBuf,
        /// Where to write the JSON.
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Close an account (R6); its records' retention clock (R10) starts.
    Close {
        /// The account's reference.
        account_ref: String,
        /// Why it is closed.
        #[arg(long)]
        reason: String,
    },
    /// Issue the rule pack's customer notice (R9): rendered as a PDF, kept in the vault as proof,
    /// and written to --out.
    Notice {
        /// The customer's reference.
        customer_ref: String,
        /// Where to write a copy of the PDF (replaced atomically).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// Options of `counts`.
#[derive(Debug, Args)]
pub struct CountsArgs {
    /// The calendar year of the yearly counts (R13).
    #[arg(long)]
    year: i32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, command: &CustomersCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let (file, owners, ips, dry_run) = match command {
        CustomersCommand::ExportAll { format, out, search, country } => {
            let format = match format.as_str() {
                "csv" => workbench_app::customers::ExportFormat::Csv,
                "json" => workbench_app::customers::ExportFormat::Json,
                "xlsx" => workbench_app::customers::ExportFormat::Xlsx,
                other => return fail(&format!("--format {other}: csv, json or xlsx")),
            };
            let query = workbench_app::customers::CustomerQuery {
                search: search.clone(),
                country: country.clone(),
                sort: None,
                limit: None,
                offset: None,
            };
            return match workbench_app::customers::export_all(ctx, &session, &query, format, out) {
                Ok(s) => {
                    println!("{}: {} customer(s), {} bytes", out.display(), s.customers, s.bytes);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
        CustomersCommand::Terms { customer_ref, state, terms, note } => {
            let state = match state.as_str() {
                "restricted" => workbench_core::rules::TermKind::Restricted,
                "monitored" => workbench_core::rules::TermKind::Monitored,
                other => return fail(&format!("--state {other}: restricted or monitored")),
            };
            let request = workbench_app::review::TermsRequest {
                customer_ref: customer_ref.clone(),
                state,
                terms: terms.clone(),
                note: note.clone(),
            };
            return match workbench_app::review::place_terms(ctx, &session, &request) {
                Ok(t) => {
                    let titles: Vec<&str> = t.terms.iter().map(|(_, title)| title.as_str()).collect();
                    println!("{customer_ref}: {} — decide by {}", titles.join("; "), t.decide_by);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
        CustomersCommand::Appeal { customer_ref, received, statement } => {
            let Ok(received_on) = received.parse() else {
                return fail(&format!("--received {received}: not a date (YYYY-MM-DD)"));
            };
            let request = workbench_app::review::AppealRequest {
                customer_ref: customer_ref.clone(),
                received_on,
                statement: statement.clone(),
            };
            return match workbench_app::review::appeal_record(ctx, &session, &request) {
                Ok(a) => {
                    println!("appeal {} recorded for {customer_ref}; another person reviews it", a.id);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
        CustomersCommand::AppealReview { id, outcome, note } => {
            let outcome = match outcome.as_str() {
                "refusal_stands" => workbench_app::review::AppealOutcome::RefusalStands,
                "reopened" => workbench_app::review::AppealOutcome::Reopened,
                other => return fail(&format!("--outcome {other}: refusal_stands or reopened")),
            };
            return match workbench_app::review::appeal_review(ctx, &session, id, outcome, note) {
                Ok(a) => {
                    println!("appeal {id}: {}", a.outcome.unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
        CustomersCommand::Owners { file, dry_run } => {
            return match workbench_app::customers::owners_import(ctx, &session, file, *dry_run) {
                Ok(report) if !report.errors.is_empty() => {
                    for e in &report.errors {
                        eprintln!("row {}: {}: {}", e.row, e.column, e.message);
                    }
                    fail(&format!("{} problem(s); nothing was stored", report.errors.len()))
                }
                Ok(report) => {
                    for w in &report.warnings {
                        eprintln!("warning: {w}");
                    }
                    let verb = if report.dry_run { "would add" } else { "added" };
                    println!("{}: {verb} {} owner(s)", file.display(), report.rows);
                    if !report.reopened.is_empty() {
                        println!(
                            "back in the verification queue for the new owner (R7): {}",
                            report.reopened.join(", ")
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
        CustomersCommand::Export { customer_ref, pdf, json } => {
            return match workbench_app::review::customer_export(ctx, &session, customer_ref, pdf, json) {
                Ok(()) => {
                    println!("{customer_ref}: {} and {}", pdf.display(), json.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
        CustomersCommand::Close { account_ref, reason } => {
            let request = workbench_app::retention::CloseAccount {
                account_ref: account_ref.clone(),
                reason: reason.clone(),
            };
            return match workbench_app::retention::account_close(ctx, &session, &request) {
                Ok(()) => {
                    println!(
                        "{account_ref}: closed; its records are kept for the rule pack's retention period (R10)"
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
        CustomersCommand::Notice { customer_ref, out } => {
            let issued = workbench_app::review::notice_issue(ctx, &session, customer_ref).and_then(|view| {
                let notice = view.notices.last().cloned().ok_or(workbench_app::AppError::Cancelled)?;
                workbench_app::review::evidence_export(ctx, &session, customer_ref, &notice.evidence_id, out)
                    .map(|()| notice)
            });
            return match issued {
                Ok(notice) => {
                    println!("{}: notice {} to {customer_ref} (kept in the vault)", out.display(), notice.id);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
        CustomersCommand::Import { file, owners, ips, dry_run } => (file, owners, ips, dry_run),
        CustomersCommand::Attach { customer_ref, file, element } => {
            let element = match element.as_deref().map(|e| Element::from_code(e).ok_or(e)).transpose() {
                Ok(element) => element,
                Err(unknown) => {
                    let known: Vec<&str> = Element::ALL.iter().map(|e| e.code()).collect();
                    return fail(&format!("--element {unknown}: not one of {}", known.join(", ")));
                }
            };
            return match workbench_app::review::evidence_attach(ctx, &session, customer_ref, element, file) {
                Ok(view) => {
                    let added = view.evidence.last().map(|e| e.id.as_str()).unwrap_or_default();
                    println!("{}: attached to {customer_ref} as evidence {added}", file.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
    };
    match customers::import_with(ctx, &session, file, owners.as_deref(), ips.as_deref(), *dry_run) {
        Ok(report) if report.errors.is_empty() => {
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            if report.dry_run {
                println!("{}: {} row(s), all good; nothing stored (dry run)", file.display(), report.rows);
            } else {
                println!("{}: imported {} customer(s)", file.display(), report.stored);
                if let Some(run) = &report.screening {
                    println!(
                        "screened on intake: {} new hit(s) wait for a decision (screening run {})",
                        run.new_hits, run.run_id
                    );
                }
                if let Some(problem) = &report.screening_problem {
                    eprintln!("warning: intake screening did not run: {problem}");
                }
            }
            ExitCode::SUCCESS
        }
        Ok(report) => {
            for error in &report.errors {
                eprintln!("{error}");
            }
            fail(&format!("{} problem(s); nothing was imported", report.errors.len()))
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

pub fn counts(ctx: &Context, args: &CountsArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match customers::counts(ctx, &session, args.year) {
        Ok(c) if args.json => print_json(&c),
        Ok(c) => {
            println!("Foreign customers: {}", c.foreign_customers);
            for country in &c.foreign_customers_by_country {
                println!("  {}  {}", country.country, country.count);
            }
            println!(
                "Foreign beneficial owners: {}",
                c.foreign_owners_by_country.iter().map(|o| o.count).sum::<i64>()
            );
            for country in &c.foreign_owners_by_country {
                println!("  {}  {}", country.country, country.count);
            }
            println!("Foreign-customer accounts not verified (R12): {}", c.foreign_accounts_unverified);
            println!("Identity could not be verified in {} (R13): {}", c.year, c.unverifiable_in_year);
            println!("Accounts refused in {} (R13): {}", c.year, c.refused_in_year);
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

/// Options of `queue`.
#[derive(Debug, Args)]
pub struct QueueArgs {
    /// How many ready items to list.
    #[arg(long, default_value_t = 20)]
    limit: i64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn queue(ctx: &Context, args: &QueueArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let page = match workbench_app::review::queue_list(
        ctx,
        &session,
        workbench_app::review::QueueShow::Ready,
        args.limit,
        0,
    ) {
        Ok(page) => page,
        Err(e) => return fail(&ApiError::from(e).message),
    };
    if args.json {
        return print_json(&page);
    }
    let h = &page.health;
    println!(
        "Ready {} · asleep {} · second review {} · past SLA {}",
        h.ready, h.snoozed, h.awaiting_second, h.past_sla
    );
    for row in &page.rows {
        let late = if row.past_sla { "  LATE" } else { "" };
        println!(
            "{:<12} {:<2} {:<6} due {}{late}",
            row.customer_ref,
            row.country,
            row.risk_tier.label(),
            &row.due_at[..10]
        );
    }
    ExitCode::SUCCESS
}

/// Options of `retention`.
#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// Purge the records of these customers (each must be past retention).
    #[arg(long, value_name = "REF", num_args = 1..)]
    purge: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn retention(ctx: &Context, args: &RetentionArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    if !args.purge.is_empty() {
        // The acting officer confirms with their own passphrase.
        let passphrase =
            match super::secrets::passphrase(passphrase_file, "Officer passphrase to confirm the purge: ") {
                Ok(p) => p,
                Err(e) => return fail(&e),
            };
        return match workbench_app::retention::retention_purge(ctx, &session, &args.purge, &passphrase) {
            Ok(n) => {
                println!("purged the records of {n} customer(s); the audit keeps their digests");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&ApiError::from(e).message),
        };
    }
    match workbench_app::retention::retention_list(ctx, &session) {
        Ok(view) if args.json => print_json(&view),
        Ok(view) => {
            println!(
                "Retention (R10): {} year(s) after closure or last access{}",
                view.years,
                if view.assumed { " (assumed)" } else { "" }
            );
            if view.candidates.is_empty() {
                println!("No customer is past retention.");
            }
            for c in &view.candidates {
                println!("{:<12} kept until {}  {}", c.customer_ref, c.retain_until, c.name);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}
