//! `assessments`: compliance assessments by Commerce (R16) from a terminal — record one from a
//! TOML file, list them with their findings, add remediation notes, close a finding with its
//! evidence.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use workbench_app::assessments::{self as app, Closing};
use workbench_app::{ApiError, Context};

use super::{fail, print_json, workspace};

/// `assessments` subcommands.
#[derive(Debug, Subcommand)]
pub enum AssessmentsCommand {
    /// Every assessment with its findings, newest first.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record an assessment from a TOML file (`assets/templates/assessment.toml`): each finding
    /// becomes an obligation due on Commerce's date (officers).
    Add {
        /// The TOML file.
        file: PathBuf,
    },
    /// A finding's remediation: a note, or closing it with evidence.
    #[command(subcommand)]
    Finding(FindingCommand),
}

/// `assessments finding` subcommands.
#[derive(Debug, Subcommand)]
pub enum FindingCommand {
    /// Add a remediation note, with evidence when given.
    Note {
        /// The finding's id.
        id: String,
        /// What was done.
        #[arg(long)]
        note: String,
        /// A document or image supporting it (kept in the vault).
        #[arg(long)]
        evidence: Option<PathBuf>,
    },
    /// Close a finding: evidence required; meets its obligation.
    Close {
        /// The finding's id.
        id: String,
        /// A document or image showing the remediation (kept in the vault).
        #[arg(long)]
        evidence: PathBuf,
        /// What was done.
        #[arg(long, default_value = "remediated")]
        note: String,
        /// The approved CIP version that answers it.
        #[arg(long)]
        cip_version: Option<i64>,
    },
}

pub fn assessments(ctx: &Context, command: &AssessmentsCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let result = match command {
        AssessmentsCommand::List { json } => app::assessments_list(ctx, &session).map(|view| {
            if *json {
                return Some(view);
            }
            for a in &view.assessments {
                println!(
                    "{}  {}  {}  {}{}",
                    a.id,
                    a.assessed_on,
                    a.assessor_reference,
                    a.scope,
                    if a.resubmission_required { " · resubmission required" } else { "" }
                );
                for f in &a.findings {
                    let status = f
                        .closed_at
                        .as_deref()
                        .map_or("open".to_owned(), |at| format!("closed {}", &at[..10]));
                    println!(
                        "  {} #{} {:<6} {:<8} due {} · {} · {}  {}",
                        f.id,
                        f.number,
                        f.severity,
                        f.rids.join(","),
                        f.due_on,
                        f.owner,
                        status,
                        f.title
                    );
                }
            }
            println!("{} open finding(s)", view.open_findings);
            None
        }),
        AssessmentsCommand::Add { file } => app::assessment_add_file(ctx, &session, file).map(|a| {
            println!("assessment {} recorded: {} finding(s)", a.id, a.findings.len());
            for f in &a.findings {
                println!("  {} #{} due {} · {}", f.id, f.number, f.due_on, f.title);
            }
            None
        }),
        AssessmentsCommand::Finding(FindingCommand::Note { id, note, evidence }) => {
            app::finding_note(ctx, &session, id, note, evidence.as_deref(), Closing::Open).map(|_| {
                println!("finding {id}: note recorded");
                None
            })
        }
        AssessmentsCommand::Finding(FindingCommand::Close { id, evidence, note, cip_version }) => {
            app::finding_note(ctx, &session, id, note, Some(evidence), Closing::Close(*cip_version)).map(
                |_| {
                    println!("finding {id}: closed with evidence; its obligation is met");
                    None
                },
            )
        }
    };
    match result {
        Ok(Some(view)) => print_json(&view),
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => fail(&ApiError::from(e).message),
    }
}
