//! `filing`: the filing register from the command line — draft and render a filing, list the
//! register, approve, record filing, and verify a PDF against the register (R12–R14).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use workbench_app::filings::{self as app, DraftRequest};
use workbench_app::{ApiError, AppError, Context};
use workbench_core::filing::{FilingKind, PageSize};

use super::{fail, print_json, workspace};

/// Paper for `filing render`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Paper {
    /// A4.
    A4,
    /// US Letter.
    Letter,
}

/// What `filing render` drafts.
#[derive(Debug, Subcommand)]
pub enum RenderKind {
    /// The initial CIP certification (R12).
    Initial,
    /// The annual certification for year Y, covering Y-1 (R13).
    Annual {
        /// The certification's year.
        #[arg(long)]
        year: i32,
    },
    /// A change notice for an event (R14).
    Change {
        /// The event's id (see `obligations --json`).
        #[arg(long)]
        event: String,
    },
    /// The report of the suspected malicious activity found at a non-compliant foreign reseller
    /// (R19), for the finding's event.
    Activity {
        /// The finding's event id (see `obligations --json`, kind `activity_report`).
        #[arg(long)]
        event: String,
    },
    /// The remediated CIP resubmitted after a compliance assessment (R16): every finding with what
    /// was done, and what changed in the newest approved CIP version since the one assessed.
    Resubmission {
        /// The assessment's id (see `assessments list`).
        #[arg(long)]
        assessment: String,
    },
    /// The report of a covered AI-training transaction (R23), or with `--update` its update after
    /// the arrangement changed.
    #[command(name = "ai-report")]
    AiReport {
        /// The case's id (see `ai cases`).
        #[arg(long)]
        case: String,
        /// Update the filed report with the case's newest arrangement version.
        #[arg(long)]
        update: bool,
    },
}

/// `filing` subcommands.
#[derive(Debug, Subcommand)]
pub enum FilingCommand {
    /// Draft a filing from the records now (snapshot frozen, audit checkpoint taken) and write its
    /// PDF.
    Render {
        /// What to draft.
        #[command(subcommand)]
        kind: RenderKind,
        /// Where to write the PDF (written atomically).
        #[arg(long, global = true)]
        out: Option<PathBuf>,
        /// Paper size.
        #[arg(long, value_enum, default_value = "a4", global = true)]
        paper: Paper,
    },
    /// The register: id, state, label, PDF hash.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Approve a draft (officers; four eyes when on in Settings).
    Approve {
        /// The filing's id.
        id: String,
    },
    /// Record that an approved filing was filed; meets its obligation.
    Filed {
        /// The filing's id.
        id: String,
        /// Filed on (YYYY-MM-DD).
        #[arg(long)]
        on: String,
        /// How (portal, email, mail).
        #[arg(long)]
        channel: String,
        /// The agency's reference.
        #[arg(long, default_value = "")]
        reference: String,
    },
    /// Recompute a PDF's SHA-256 and name the register entry and audit checkpoint it belongs to;
    /// exit 1 if it matches none.
    Verify {
        /// The PDF.
        file: PathBuf,
    },
}

fn done(result: Result<(), AppError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&ApiError::from(e).message),
    }
}

pub fn run(ctx: &Context, command: &FilingCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match command {
        FilingCommand::Render { kind, out, paper } => {
            let Some(out) = out else { return fail("--out FILE: where to write the PDF") };
            let page = match paper {
                Paper::A4 => PageSize::A4,
                Paper::Letter => PageSize::Letter,
            };
            let request = match kind {
                RenderKind::Initial => DraftRequest {
                    kind: FilingKind::Initial,
                    year: None,
                    event_id: None,
                    case_id: None,
                    update: false,
                    page,
                },
                RenderKind::Annual { year } => DraftRequest {
                    kind: FilingKind::Annual,
                    year: Some(*year),
                    event_id: None,
                    case_id: None,
                    update: false,
                    page,
                },
                RenderKind::Change { event } => DraftRequest {
                    kind: FilingKind::ChangeNotice,
                    year: None,
                    event_id: Some(event.clone()),
                    case_id: None,
                    update: false,
                    page,
                },
                RenderKind::Activity { event } => DraftRequest {
                    kind: FilingKind::ActivityReport,
                    year: None,
                    event_id: Some(event.clone()),
                    case_id: None,
                    update: false,
                    page,
                },
                RenderKind::Resubmission { assessment } => DraftRequest {
                    kind: FilingKind::CipResubmission,
                    year: None,
                    event_id: Some(assessment.clone()),
                    case_id: None,
                    update: false,
                    page,
                },
                RenderKind::AiReport { case, update } => DraftRequest {
                    kind: FilingKind::AiReport,
                    year: None,
                    event_id: None,
                    case_id: Some(case.clone()),
                    update: *update,
                    page,
                },
            };
            done(app::filing_draft(ctx, &session, &request).and_then(|f| {
                app::filing_write_pdf(ctx, &session, &f.id, out)?;
                println!(
                    "filing {} ({}) drafted: {} · SHA-256 {}",
                    f.id,
                    f.label,
                    out.display(),
                    f.pdf_sha256
                );
                Ok(())
            }))
        }
        FilingCommand::List { json } => done(app::filing_list(ctx, &session).map(|list| {
            if *json {
                print_json(&list);
                return;
            }
            if list.is_empty() {
                println!("No filing yet.");
            }
            for f in &list {
                println!(
                    "{}  {:<9} {}  {}",
                    f.id,
                    f.state.code(),
                    f.pdf_sha256.get(..16).unwrap_or(&f.pdf_sha256),
                    f.label
                );
            }
        })),
        FilingCommand::Approve { id } => done(app::filing_approve(ctx, &session, id).map(|f| {
            println!("filing {id} approved ({})", f.approved.unwrap_or_default());
        })),
        FilingCommand::Filed { id, on, channel, reference } => {
            let Ok(filed_on) = on.parse() else { return fail("--on: use YYYY-MM-DD") };
            let form = app::FiledForm {
                id: id.clone(),
                filed_on,
                channel: channel.clone(),
                agency_reference: reference.clone(),
            };
            done(app::filing_mark_filed(ctx, &session, &form).map(|f| {
                println!("filing {id} filed {}", f.filed.unwrap_or_default());
            }))
        }
        FilingCommand::Verify { file } => {
            let bytes = match std::fs::read(file) {
                Ok(b) => b,
                Err(e) => return fail(&format!("{}: {e}", file.display())),
            };
            done(app::filing_verify(ctx, &session, &bytes).map(|v| {
                println!("{}: SHA-256 {}", file.display(), v.sha256);
                println!("{}", v.entry);
                if let Some(f) = &v.filing {
                    println!("rule pack {}", f.pack_id);
                }
                println!("audit checkpoint: {}", v.checkpoint.as_deref().unwrap_or("none taken"));
            }))
        }
    }
}
