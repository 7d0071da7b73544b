//! `cip`: the written CIP's versions from the command line — list, import a draft from a
//! Markdown file, approve, render as PDF.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use workbench_app::{ApiError, Context};

use super::{fail, print_json, workspace};

/// `cip` subcommands.
#[derive(Debug, Subcommand)]
pub enum CipCommand {
    /// List the versions: number, state, effective date, in force, change summary.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Begin a draft from a Markdown file whose `# Heading`s name the pack's CIP sections.
    Draft {
        /// The Markdown file.
        file: PathBuf,
        /// What changed since the version in force.
        #[arg(long, default_value = "")]
        summary: String,
        /// The change is material (raises the R14 notice on approval).
        #[arg(long)]
        material: bool,
    },
    /// Approve a draft (officers; four eyes when on in Settings).
    Approve {
        /// The draft's number.
        number: i64,
        /// When it takes effect (YYYY-MM-DD; default today).
        #[arg(long)]
        effective: Option<String>,
    },
    /// Render a version as a PDF.
    Render {
        /// The version's number.
        #[arg(long = "version")]
        number: i64,
        /// Where to write the PDF (written atomically).
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(ctx: &Context, command: &CipCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let done = |result: Result<(), workbench_app::AppError>| match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&ApiError::from(e).message),
    };
    match command {
        CipCommand::List { json } => done(workbench_app::cip::cip_overview(ctx, &session).map(|o| {
            if *json {
                let _ = print_json(&o.versions);
                return;
            }
            if o.versions.is_empty() {
                println!("No CIP version yet: `cip draft FILE.md` begins one.");
            }
            for v in &o.versions {
                println!(
                    "{:>3}  {:<9}  {:<10}  {:<9}  {}",
                    v.number,
                    v.state_label(),
                    v.effective_on.map(|d| d.to_string()).unwrap_or_default(),
                    if v.in_force { "in force" } else { "" },
                    v.change_summary
                );
            }
        })),
        CipCommand::Draft { file, summary, material } => {
            let text = match std::fs::read_to_string(file) {
                Ok(t) => t,
                Err(e) => return fail(&format!("cannot read {}: {e}", file.display())),
            };
            done(workbench_app::cip::cip_draft_import(ctx, &session, &text, summary, *material).map(|n| {
                println!("draft version {n} begun from {}", file.display());
            }))
        }
        CipCommand::Approve { number, effective } => {
            let effective_on = match effective {
                Some(d) => match d.parse() {
                    Ok(d) => d,
                    Err(_) => return fail("--effective: use YYYY-MM-DD"),
                },
                None => match workbench_app::cip::cip_overview(ctx, &session) {
                    Ok(o) => o.today,
                    Err(e) => return fail(&ApiError::from(e).message),
                },
            };
            let approval = workbench_app::cip::CipApproval { number: *number, effective_on };
            done(workbench_app::cip::cip_approve(ctx, &session, &approval).map(|v| {
                println!("version {} approved, effective {effective_on}", v.number);
            }))
        }
        CipCommand::Render { number, out } => {
            done(workbench_app::cip::cip_write_pdf(ctx, &session, *number, out).map(|()| {
                println!("version {number} written to {}", out.display());
            }))
        }
    }
}
