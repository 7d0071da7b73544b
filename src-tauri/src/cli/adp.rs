//! `adp`: the Abuse of IaaS Products Deterrence Program dossier (R20–R21) from a terminal — its
//! coverage, answers and evidence, reviews, and the exemption application through the filing
//! engine.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use workbench_app::adp::{self as app, AdpAnswerForm};
use workbench_app::filings::{self as filings, DraftRequest};
use workbench_app::{ApiError, Context};
use workbench_core::filing::{FilingKind, PageSize};

use super::{fail, print_json, workspace};

/// `adp` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdpCommand {
    /// Each criterion of the rule pack with its strength (no evidence, narrative only, evidenced,
    /// reviewed); criteria new or gone under the active pack.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save a new version of a criterion's narrative from a Markdown file (officers).
    Answer {
        /// The criterion's key (see `adp status`).
        criterion: String,
        /// The Markdown file.
        #[arg(long)]
        file: PathBuf,
        /// Who answers for it.
        #[arg(long, default_value = "")]
        owner: String,
        /// Next review (YYYY-MM-DD).
        #[arg(long)]
        review_on: Option<workbench_app::screening::NaiveDate>,
        /// A material change to the ADP (R21: to be reported to Commerce).
        #[arg(long)]
        material: bool,
    },
    /// Attach evidence to a criterion: a document (kept in the vault) or a record of the workspace.
    Evidence {
        /// The criterion's key.
        criterion: String,
        /// A PDF or an image.
        #[arg(long, conflicts_with = "record", required_unless_present = "record")]
        document: Option<PathBuf>,
        /// reseller_matrix | queue_statistics | cip_version:N
        #[arg(long)]
        record: Option<String>,
        /// How the document is shown.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Record a review of the whole dossier (R21).
    Review {
        /// What the review found.
        #[arg(long)]
        note: String,
    },
    /// Draft the exemption application (R20) from the dossier and write its PDF.
    Render {
        /// provider | account-type | reseller
        #[arg(long, default_value = "provider")]
        scope: String,
        /// The account type or the reseller's reference.
        name: Option<String>,
        /// Where to write the PDF (written atomically).
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn adp(ctx: &Context, command: &AdpCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let view = match command {
        AdpCommand::Status { json } => match app::adp_status(ctx, &session) {
            Ok(view) if *json => return print_json(&view),
            other => other,
        },
        AdpCommand::Answer { criterion, file, owner, review_on, material } => {
            match std::fs::read_to_string(file) {
                Ok(narrative) => app::adp_answer(
                    ctx,
                    &session,
                    &AdpAnswerForm {
                        criterion: criterion.clone(),
                        narrative,
                        owner: owner.clone(),
                        review_on: *review_on,
                        material: *material,
                    },
                ),
                Err(e) => return fail(&format!("{}: {e}", file.display())),
            }
        }
        AdpCommand::Evidence { criterion, document, record, label } => match (document, record) {
            (Some(path), _) => app::adp_evidence_document(ctx, &session, criterion, label, path),
            (None, Some(record)) => app::adp_evidence_record(ctx, &session, criterion, record),
            (None, None) => return fail("give --document F or --record R"),
        },
        AdpCommand::Review { note } => app::adp_review(ctx, &session, note),
        AdpCommand::Render { scope, name, out } => {
            let scope = match (scope.as_str(), name) {
                ("provider", _) => "provider".to_owned(),
                ("account-type", Some(t)) => format!("account_type:{t}"),
                ("reseller", Some(r)) => format!("reseller:{r}"),
                _ => return fail("--scope provider, or --scope account-type T / reseller REF"),
            };
            let request = DraftRequest {
                kind: FilingKind::ExemptionApplication,
                year: None,
                event_id: Some(scope),
                case_id: None,
                update: false,
                page: PageSize::A4,
            };
            return match filings::filing_draft(ctx, &session, &request)
                .and_then(|f| filings::filing_write_pdf(ctx, &session, &f.id, out).map(|()| f))
            {
                Ok(f) => {
                    println!("filing {} ({}) drafted: {}", f.id, f.label, out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            };
        }
    };
    match view {
        Ok(view) => {
            if !view.available {
                println!("The active rule pack keeps no ADP dossier ([adp]).");
            }
            for c in &view.criteria {
                println!(
                    "{:<20} {:<15} {} version(s), {} evidence  {}",
                    c.key,
                    c.strength.label(),
                    c.versions,
                    c.evidence.len(),
                    c.title
                );
            }
            for c in &view.gone {
                println!("{:<20} gone from the pack (answer kept)", c.key);
            }
            if !view.new.is_empty() {
                println!("New in the pack: {}", view.new.join(", "));
            }
            println!("Last review: {}", view.last_review.as_deref().unwrap_or("never"));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}
