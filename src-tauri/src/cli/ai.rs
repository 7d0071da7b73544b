//! `ai`: covered AI-training transactions from a terminal (R23–R26), through the same use cases
//! as the window: cases, arrangement versions with their arithmetic, usage imports, resellers'
//! reports.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use workbench_app::ai::{self, CaseView, VersionView};
use workbench_app::error::AppError;
use workbench_app::{ApiError, Context};

use super::{fail, print_json, workspace};

/// `ai` subcommands.
#[derive(Debug, Subcommand)]
pub enum AiCommand {
    /// Every case with its coverage under the active pack and what is due.
    Cases {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cases of one kind.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Arrangement versions.
    #[command(subcommand)]
    Arrangement(ArrangementCommand),
    /// Metered usage.
    #[command(subcommand)]
    Usage(UsageCommand),
    /// A case's arrangement versions evaluated under the active pack, every step printed.
    Evaluate {
        /// The case's id.
        case: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `ai case` subcommands.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case for a foreign customer.
    Add {
        /// The customer's reference.
        #[arg(long)]
        customer: String,
        /// Why, in a few words.
        #[arg(long, default_value = "")]
        summary: String,
    },
    /// Close a case with the reason (a covered case only once reported).
    Close {
        /// The case's id.
        case: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

/// `ai arrangement` subcommands.
#[derive(Debug, Subcommand)]
pub enum ArrangementCommand {
    /// Record the next arrangement version from a TOML file (assets/templates/ai-arrangement.toml).
    Add {
        /// The case's id.
        case: String,
        /// The arrangement.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `ai usage` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Import metered usage (CSV or .xlsx; assets/templates/ai-usage.csv), all or nothing; then
    /// sum the window and open cases for review.
    Import {
        /// The file.
        file: PathBuf,
        /// Only check it.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every foreign customer's usage over the window, judged.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, command: &AiCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let outcome: Result<ExitCode, AppError> = (|| match command {
        AiCommand::Cases { json } => {
            let overview = ai::overview(ctx, &session)?;
            if *json {
                return Ok(print_json(&overview.cases));
            }
            if let Some(problem) = &overview.problem {
                eprintln!("note: {problem}");
            }
            if overview.cases.is_empty() {
                println!("no AI case: cip-workbench ai case add --customer REF");
            }
            for c in &overview.cases {
                print_case(c);
            }
            Ok(ExitCode::SUCCESS)
        }
        AiCommand::Case(CaseCommand::Add { customer, summary }) => {
            let id = ai::case_add(
                ctx,
                &session,
                &ai::NewCase { customer_ref: customer.clone(), summary: summary.clone() },
            )?;
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        AiCommand::Case(CaseCommand::Close { case, reason }) => {
            ai::case_close(ctx, &session, case, reason)?;
            println!("case {case} closed");
            Ok(ExitCode::SUCCESS)
        }
        AiCommand::Arrangement(ArrangementCommand::Add { case, file, json }) => {
            let v = ai::arrangement_add_file(ctx, &session, case, file)?;
            if *json {
                return Ok(print_json(&v));
            }
            print_version(&v);
            Ok(ExitCode::SUCCESS)
        }
        AiCommand::Evaluate { case, json } => {
            let versions = ai::evaluate_case(ctx, &session, case)?;
            if *json {
                return Ok(print_json(&versions));
            }
            if versions.is_empty() {
                println!("case {case} records no arrangement: cip-workbench ai arrangement add {case} FILE");
            }
            for v in &versions {
                print_version(v);
            }
            Ok(ExitCode::SUCCESS)
        }
        AiCommand::Usage(UsageCommand::Import { file, dry_run, json }) => {
            let report = ai::usage_import(ctx, &session, file, *dry_run, &mut |_, _| true)?;
            if *json {
                let code = if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE };
                print_json(&report);
                return Ok(code);
            }
            if !report.errors.is_empty() {
                for e in &report.errors {
                    eprintln!("row {}: {}: {}", e.row, e.column, e.message);
                }
                eprintln!("{} problem(s); nothing was imported", report.errors.len());
                return Ok(ExitCode::FAILURE);
            }
            let verb = if report.dry_run { "would import" } else { "imported" };
            println!(
                "{verb} {} usage row(s) of {} account(s), {} customer(s)",
                report.rows, report.accounts, report.customers
            );
            if let Some(e) = &report.evaluation {
                println!(
                    "window from {}: {} customer(s) with usage, {} at or over the could-be fraction; {} case(s) opened for review{}",
                    e.from,
                    e.customers,
                    e.flagged.len(),
                    e.opened.len(),
                    if e.opened.is_empty() { String::new() } else { format!(": {}", e.opened.join(", ")) }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        AiCommand::Usage(UsageCommand::Show { json }) => {
            let lines = ai::usage_lines(ctx, &session)?;
            if *json {
                return Ok(print_json(&lines));
            }
            if lines.is_empty() {
                println!("no metered usage in the window: cip-workbench ai usage import FILE");
            }
            for l in &lines {
                println!(
                    "{:<12} {:<3} {:<17} {:>18} ({:>9} of the threshold)  cluster {}",
                    l.customer_ref,
                    l.country,
                    l.coverage.label(),
                    l.operations,
                    l.share,
                    l.cluster
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    })();
    outcome.unwrap_or_else(|e| fail(&ApiError::from(e).message))
}

fn print_case(c: &CaseView) {
    let coverage = c.coverage.map_or_else(|| "no arrangement".to_owned(), |k| k.label().to_owned());
    let due = c.due.map_or_else(String::new, |d| format!("  due {d}"));
    let report = c.report.state.as_deref().map_or_else(String::new, |s| format!("  report {s}"));
    println!(
        "{}  {:<7} {:<12} {:<3} {:<17} v{}{report}{due}  {}",
        c.id, c.state, c.customer_ref, c.country, coverage, c.versions, c.customer_name
    );
    if let Some(change) = &c.pack_change {
        println!("    pack change: {change}");
    }
}

fn print_version(v: &VersionView) {
    let a = &v.arrangement;
    println!(
        "version {} — {} × {}, {} Gbit/s, {} to {} (recorded {} under {})",
        v.version,
        a.count,
        a.accelerator,
        a.interconnect_gbps.plain(),
        a.starts_on,
        a.ends_on,
        v.recorded_coverage.label(),
        v.recorded_pack_id
    );
    for change in &v.changes {
        println!("  changed: {change}");
    }
    match (&v.evaluation, &v.problem) {
        (Some(e), _) => {
            for s in &e.steps {
                println!("  {:<30} {:<70} = {}", s.what, s.how, s.result);
            }
            for t in &e.tests {
                let met = if t.meets {
                    "met"
                } else if t.near {
                    "near"
                } else {
                    "not met"
                };
                println!(
                    "  {:<46} {:>18} vs {:<18} {:>9}  {met}",
                    t.condition, t.figure, t.threshold, t.share
                );
            }
            println!("  → {} under {}: {}", e.coverage.label(), e.pack_id, e.reasons.join(" "));
        }
        (None, Some(problem)) => println!("  cannot be evaluated: {problem}"),
        (None, None) => {}
    }
}
