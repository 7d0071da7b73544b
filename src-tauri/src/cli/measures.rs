//! `measures`: the special-measures register from a terminal (R22), through the same use cases
//! as the window.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use workbench_app::error::AppError;
use workbench_app::measures::{self, MeasureView};
use workbench_app::{ApiError, Context};
use workbench_core::CoreError;
use workbench_core::measures::Extension;

use super::{fail, print_json, workspace};

/// `measures` subcommands.
#[derive(Debug, Subcommand)]
pub enum MeasuresCommand {
    /// Every measure with its status today.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record a measure from a TOML file (assets/templates/special-measure.toml shows the form).
    Add {
        /// The measure.
        file: PathBuf,
        /// The determination (PDF or image), kept in the vault.
        #[arg(long, value_name = "FILE")]
        document: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record an extension of a measure's end, with its own citation.
    Extend {
        /// The measure's id (from `measures list`).
        id: String,
        /// The extension's Federal Register citation.
        #[arg(long)]
        citation: String,
        /// The new end (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        until: String,
    },
}

pub fn run(ctx: &Context, command: &MeasuresCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let outcome: Result<ExitCode, AppError> = (|| match command {
        MeasuresCommand::List { json } => {
            let all = measures::list(ctx, &session)?;
            if *json {
                return Ok(print_json(&all));
            }
            if all.is_empty() {
                println!("no special measure recorded: cip-workbench measures add FILE");
            }
            for m in &all {
                print_line(m);
            }
            Ok(ExitCode::SUCCESS)
        }
        MeasuresCommand::Add { file, document, json } => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| CoreError::invalid("file", format!("{}: {e}", file.display())))?;
            let name = file
                .file_name()
                .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
            let measure = workbench_core::measures::from_toml(&name, &text)?;
            let m = measures::add(ctx, &session, &measure, document.as_deref())?;
            // A measure changes what hits: everyone is screened again (R22).
            let rescreen = workbench_app::screening::run(
                ctx,
                &session,
                workbench_app::screening::RunTrigger::Rescreen,
                None,
                &mut |_, _| true,
            );
            if *json {
                return Ok(print_json(&m));
            }
            print_line(&m);
            match rescreen {
                Ok(run) => {
                    println!("rescreened {} customers and owners: {} new hit(s)", run.subjects, run.new_hits)
                }
                Err(e) => eprintln!("note: no rescreen: {}", ApiError::from(e).message),
            }
            Ok(ExitCode::SUCCESS)
        }
        MeasuresCommand::Extend { id, citation, until } => {
            let ends_on = until
                .parse()
                .map_err(|_| CoreError::invalid("until", format!("{until:?} is not a date (YYYY-MM-DD)")))?;
            let m = measures::extend(ctx, &session, id, &Extension { citation: citation.clone(), ends_on })?;
            print_line(&m);
            Ok(ExitCode::SUCCESS)
        }
    })();
    outcome.unwrap_or_else(|e| fail(&ApiError::from(e).message))
}

fn print_line(m: &MeasureView) {
    println!(
        "{}  {:<11} {:<20} effective {} to {}  {}  [{}]",
        m.id,
        format!("{:?}", m.status).to_lowercase(),
        m.kind_label(),
        m.effective_on,
        m.current_end,
        m.title,
        m.citation
    );
}
