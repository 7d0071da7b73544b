//! `screening`: list versions and checks from a terminal (R22), through the same use cases as
//! the window. `--json` output is documented in the README ("Screening from the command line").

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use workbench_app::error::AppError;
use workbench_app::screening::{self, EntryKind, ListFiles, NaiveDate, ScreeningQuery, ScreeningResult};
use workbench_app::{ApiError, Context};

use super::{fail, print_json, workspace};

/// `screening` subcommands.
#[derive(Debug, Subcommand)]
pub enum ScreeningCommand {
    /// The list versions held (newest first), or import / activate one.
    Lists(ListsArgs),
    /// Check names against the active lists; hits at or above the workspace's threshold only.
    Check(CheckArgs),
    /// The offline IP-to-country database (MaxMind DB format) of the jurisdiction check: list
    /// the versions, or import one (it becomes the one looked up).
    Ipdb {
        /// The .mmdb file to import.
        #[arg(long, value_name = "FILE")]
        import: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Screen every customer and beneficial owner against the active lists (a rescreen); new
    /// hits wait for a decision in the window.
    Run {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Options of `screening lists`.
#[derive(Debug, Args)]
pub struct ListsArgs {
    #[command(subcommand)]
    action: Option<ListsAction>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `screening lists` actions.
#[derive(Debug, Subcommand)]
enum ListsAction {
    /// Import a list version from its files; it becomes the active one unless --keep-active.
    Import {
        /// The folder of the OFAC SDN legacy CSV set (sdn.csv; add.csv, alt.csv,
        /// sdn_comments.csv when present).
        #[arg(long, value_name = "DIR", conflicts_with = "csl", required_unless_present = "csl")]
        sdn: Option<PathBuf>,
        /// A Consolidated Screening List CSV.
        #[arg(long, value_name = "FILE")]
        csl: Option<PathBuf>,
        /// The list's publication date, as the download page states it (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        published: Option<String>,
        /// Keep the version active now; the new one is stored inactive.
        #[arg(long)]
        keep_active: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a stored version its list's active one.
    Activate {
        /// The version's id (from `screening lists`).
        id: String,
    },
}

/// Options of `screening check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The name to check.
    #[arg(long, value_name = "NAME", conflicts_with = "file", required_unless_present = "file")]
    name: Option<String>,
    /// individual or entity.
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    #[arg(long, value_name = "CC")]
    country: Option<String>,
    /// Date of birth (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    dob: Option<String>,
    /// A CSV of names (columns name, type, and optionally country, dob): one JSON object per
    /// line, in the file's order.
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, command: &ScreeningCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let outcome = match command {
        ScreeningCommand::Lists(args) => lists(ctx, &session, args),
        ScreeningCommand::Check(args) => check(ctx, &session, args),
        ScreeningCommand::Run { json } => run_all(ctx, &session, *json),
        ScreeningCommand::Ipdb { import, json } => ipdb(ctx, &session, import.as_deref(), *json),
    };
    outcome.unwrap_or_else(|e| fail(&ApiError::from(e).message))
}

type Outcome = Result<ExitCode, AppError>;

fn date(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>, AppError> {
    text.map(|t| {
        t.parse().map_err(|_| {
            workbench_core::CoreError::invalid(field, format!("{t:?} is not a date (YYYY-MM-DD)")).into()
        })
    })
    .transpose()
}

fn lists(ctx: &Context, session: &workbench_app::Session, args: &ListsArgs) -> Outcome {
    match &args.action {
        Some(ListsAction::Import { sdn, csl, published, keep_active, json }) => {
            let files = match (sdn, csl) {
                (Some(dir), _) => ListFiles::Sdn { dir: dir.clone() },
                (None, Some(file)) => ListFiles::Csl { file: file.clone() },
                (None, None) => unreachable!("clap requires --sdn or --csl"),
            };
            let published = date("published", published.as_deref())?;
            let imported = screening::list_import(ctx, session, &files, published, !keep_active)?;
            // A new active version: everyone is screened against it (R22).
            let rescreen = (imported.version.active && !imported.already_held).then(|| {
                screening::run(ctx, session, screening::RunTrigger::Rescreen, None, &mut |_, _| true)
            });
            if *json {
                return Ok(print_json(&imported));
            }
            let v = &imported.version;
            let what = if imported.already_held { "already held" } else { "imported" };
            println!("{} {what}: {} entries, {} aliases, sha256 {}", v.title, v.entries, v.aliases, v.sha256);
            println!("version {}{}", v.id, if v.active { " (active)" } else { " (not active)" });
            if !imported.unmapped_countries.is_empty() {
                println!(
                    "countries kept as written (no ISO code): {}",
                    imported.unmapped_countries.join(", ")
                );
            }
            match rescreen {
                Some(Ok(run)) => {
                    println!("rescreened {} customers and owners: {} new hit(s)", run.subjects, run.new_hits);
                }
                Some(Err(e)) => eprintln!("note: no rescreen: {}", ApiError::from(e).message),
                None => {}
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(ListsAction::Activate { id }) => {
            let v = screening::list_activate(ctx, session, id)?;
            println!("{} version {} is active", v.title, v.id);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let versions = screening::lists(ctx, session)?;
            if args.json {
                return Ok(print_json(&versions));
            }
            if versions.is_empty() {
                println!("no screening list imported yet: cip-workbench screening lists import --sdn DIR");
            }
            for v in versions {
                println!(
                    "{} {:<28} {:>6} entries {:>6} aliases  published {:<10}  imported {}  {}",
                    if v.active { "*" } else { " " },
                    v.title,
                    v.entries,
                    v.aliases,
                    v.published_on.as_deref().unwrap_or("-"),
                    v.imported_at.get(..10).unwrap_or(&v.imported_at),
                    v.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(ctx: &Context, session: &workbench_app::Session, args: &CheckArgs) -> Outcome {
    if let Some(file) = &args.file {
        let bytes = std::fs::read(file).map_err(|e| {
            AppError::from(workbench_core::CoreError::invalid("file", format!("{}: {e}", file.display())))
        })?;
        let requests = screening::read_check_file(&bytes)?;
        let results = screening::check_many(ctx, session, &requests)?;
        for result in &results {
            if args.json {
                match serde_json::to_string(result) {
                    Ok(line) => println!("{line}"),
                    Err(e) => return Ok(fail(&format!("could not encode JSON: {e}"))),
                }
            } else {
                print_result(result);
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let kind = match args.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("") => None,
        Some("individual") => Some(EntryKind::Individual),
        Some("entity") => Some(EntryKind::Entity),
        Some(other) => {
            return Err(workbench_core::CoreError::invalid(
                "type",
                format!("{other:?} is not individual or entity"),
            )
            .into());
        }
    };
    let request = ScreeningQuery {
        name: args.name.clone().unwrap_or_default(),
        kind,
        country: args.country.clone(),
        date_of_birth: date("dob", args.dob.as_deref())?,
        identifiers: Vec::new(),
    };
    let result = screening::check(ctx, session, &request)?;
    if args.json {
        return Ok(print_json(&result));
    }
    print_result(&result);
    Ok(ExitCode::SUCCESS)
}

fn print_result(result: &ScreeningResult) {
    if result.hits.is_empty() {
        println!("{}: no hit at {:.2}", result.name, result.threshold);
        return;
    }
    println!("{}: {} hit(s) at {:.2}", result.name, result.hits.len(), result.threshold);
    for hit in &result.hits {
        let e = &hit.explanation;
        println!(
            "  {:.3}  {} {}  {}{}",
            hit.score,
            hit.list.title(),
            hit.entry_id,
            hit.primary_name,
            if e.list_name == hit.primary_name {
                String::new()
            } else {
                format!(" (met {}: {})", e.list_name_kind, e.list_name)
            }
        );
        let pairs: Vec<String> =
            e.pairs.iter().map(|p| format!("{}~{} {:.2}", p.query, p.list, p.similarity)).collect();
        println!("         pairs {}; name score {:.3}", pairs.join(", "), e.name_score);
        for f in &e.features {
            println!("         {} {:+.2}: {}", f.feature, f.effect, f.detail);
        }
    }
}

fn run_all(ctx: &Context, session: &workbench_app::Session, json: bool) -> Outcome {
    let mut last = std::time::Instant::now();
    let summary = screening::run(ctx, session, screening::RunTrigger::Rescreen, None, &mut |done, total| {
        if !json && last.elapsed() > std::time::Duration::from_secs(2) {
            eprintln!("screened {done} of {total}");
            last = std::time::Instant::now();
        }
        true
    })?;
    if json {
        return Ok(print_json(&summary));
    }
    println!(
        "screened {} customers and owners against {}: {} new hit(s), {} already waiting, {} left closed (false positives decided before)",
        summary.subjects,
        summary.lists.iter().map(|l| l.source.title()).collect::<Vec<_>>().join(" and "),
        summary.new_hits,
        summary.already_open,
        summary.remembered
    );
    println!("run {}", summary.run_id);
    Ok(ExitCode::SUCCESS)
}

fn ipdb(ctx: &Context, session: &workbench_app::Session, import: Option<&Path>, json: bool) -> Outcome {
    if let Some(file) = import {
        let v = screening::ipdb_import(ctx, session, file)?;
        if json {
            return Ok(print_json(&v));
        }
        println!(
            "IP database {} built {} imported and active, sha256 {}",
            v.database_type,
            v.built_on.as_deref().unwrap_or("-"),
            v.sha256
        );
        return Ok(ExitCode::SUCCESS);
    }
    let versions = screening::ipdb_versions(ctx, session)?;
    if json {
        return Ok(print_json(&versions));
    }
    if versions.is_empty() {
        println!("no IP database imported: cip-workbench screening ipdb --import FILE.mmdb");
    }
    for v in versions {
        println!(
            "{} {:<28} built {:<10} imported {}  {}",
            if v.active { "*" } else { " " },
            v.database_type,
            v.built_on.as_deref().unwrap_or("-"),
            v.imported_at.get(..10).unwrap_or(&v.imported_at),
            v.sha256
        );
    }
    Ok(ExitCode::SUCCESS)
}
