//! `rules validate` and `obligations`: the rule pack and the compliance calendar from a terminal.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use workbench_app::obligations as ob;
use workbench_app::{ApiError, Context};
use workbench_core::rules::RulePack;

use super::{fail, print_json, workspace};

/// `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rule pack file; exit 1 naming the file, key and line of the first problem.
    Validate {
        /// The TOML file.
        file: PathBuf,
    },
}

/// Options of `obligations`.
#[derive(Debug, Args)]
pub struct ObligationsArgs {
    /// Print JSON (every obligation with its status, due date and pack).
    #[arg(long, conflicts_with = "ics")]
    json: bool,
    /// Print an iCalendar file of the open obligations (subscribe to it in a calendar).
    #[arg(long)]
    ics: bool,
}

pub fn rules(command: &RulesCommand) -> ExitCode {
    match command {
        RulesCommand::Validate { file } => {
            let name =
                file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into());
            let source = match std::fs::read_to_string(file) {
                Ok(s) => s,
                Err(e) => return fail(&format!("reading {}: {e}", file.display())),
            };
            match RulePack::load(&name, &source) {
                Ok(loaded) => {
                    let p = &loaded.pack;
                    println!("{name}: valid rule pack {} ({:?})", p.pack.id, p.pack.status);
                    println!("sha256 {}", loaded.sha256);
                    let assumed = p.assumed_keys();
                    if !assumed.is_empty() {
                        println!("assumed values ({}): {}", assumed.len(), assumed.join(", "));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e.to_string()),
            }
        }
    }
}

pub fn obligations(ctx: &Context, args: &ObligationsArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    if args.ics {
        return match ob::obligations_ics(ctx, &session) {
            Ok(ics) => {
                print!("{ics}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&ApiError::from(e).message),
        };
    }
    let view = match ob::obligations_list(ctx, &session) {
        Ok(v) => v,
        Err(e) => return fail(&ApiError::from(e).message),
    };
    if args.json {
        return print_json(&view);
    }
    println!("Obligations on {} ({}), rule pack {}", view.today, view.time_zone, view.pack.id);
    for o in &view.obligations {
        let status = serde_json::to_value(o.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mark = if o.assumed { " ⚠" } else { "" };
        println!("{:<10} {:<9} {:<4} {}{mark}", o.due_date, status, o.rid, o.title);
    }
    if view.exposure_usd > 0 {
        println!("Penalty exposure of overdue obligations (R27 ceiling): ${}", view.exposure_usd);
    }
    ExitCode::SUCCESS
}

/// Options of `exposure`.
#[derive(Debug, Args)]
pub struct ExposureArgs {
    /// Print JSON (the total, each overdue obligation's ceiling and sentence, the pack's figures).
    #[arg(long)]
    json: bool,
}

/// `exposure`: what being late could cost (R27), from the rule pack's figures.
pub fn exposure(ctx: &Context, args: &ExposureArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let view = match ob::exposure(ctx, &session) {
        Ok(v) => v,
        Err(e) => return fail(&ApiError::from(e).message),
    };
    if args.json {
        return print_json(&view);
    }
    let money = |n: u64| format!("${}", workbench_core::quantity::grouped(u128::from(n)));
    if view.items.is_empty() {
        println!("Nothing is overdue: no penalty exposure.");
    } else {
        println!("At risk: {} across {} overdue obligation(s)", money(view.total_usd), view.items.len());
        for item in &view.items {
            println!(
                "{:>12}  {:<4} {} ({} day(s) late)",
                money(item.usd),
                item.rid,
                item.title,
                item.days_late
            );
            println!("              {}", item.sentence);
        }
    }
    println!("Per violation: {} ({})", money(view.per_violation_usd), view.citation);
    println!("{}", view.disclaimer);
    ExitCode::SUCCESS
}
