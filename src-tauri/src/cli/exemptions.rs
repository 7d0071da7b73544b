//! `exemptions`: exemptions granted by Commerce (R20) from a terminal — record one from a TOML
//! file with the decision in the vault, list them with where each stands today, end one before
//! its term.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use workbench_app::exemptions as app;
use workbench_app::{ApiError, Context};

use super::{fail, print_json, workspace};

/// `exemptions` subcommands.
#[derive(Debug, Subcommand)]
pub enum ExemptionsCommand {
    /// Every exemption with where it stands today and what it lifts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record an exemption from a TOML file (`assets/templates/exemption.toml`; officers).
    Add {
        /// The TOML file.
        file: PathBuf,
        /// Commerce's decision (a PDF or an image), kept in the vault.
        #[arg(long)]
        decision: Option<PathBuf>,
    },
    /// End an exemption before its term (Commerce revoked it) or correct its last day (officers).
    End {
        /// The exemption's id (see `exemptions list`).
        id: String,
        /// The new last day in force (YYYY-MM-DD).
        #[arg(long = "on")]
        on: workbench_app::screening::NaiveDate,
        /// Why: Commerce's revocation and its reference, or the correction.
        #[arg(long)]
        reason: String,
    },
}

pub fn exemptions(ctx: &Context, command: &ExemptionsCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match command {
        ExemptionsCommand::List { json } => match app::exemptions_list(ctx, &session) {
            Ok(list) if *json => print_json(&list),
            Ok(list) => {
                if list.is_empty() {
                    println!("No exemption is recorded.");
                }
                for e in &list {
                    let standing = serde_json::to_value(e.standing)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    let until =
                        e.ends_on.as_ref().map_or_else(|| "until revoked".to_owned(), |d| format!("to {d}"));
                    println!(
                        "{}  {:<9} {}  from {} {until}  {}",
                        e.id, standing, e.reference, e.starts_on, e.scope
                    );
                    if !e.lifts.is_empty() {
                        println!("  lifts: {}", e.lifts.join(", "));
                    }
                    for change in &e.ended {
                        println!("  {change}");
                    }
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(&ApiError::from(e).message),
        },
        ExemptionsCommand::Add { file, decision } => {
            match app::exemption_add_file(ctx, &session, file, decision.as_deref()) {
                Ok(e) => {
                    println!(
                        "exemption {} recorded: {} from {} ({})",
                        e.id, e.scope, e.starts_on, e.reference
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            }
        }
        ExemptionsCommand::End { id, on, reason } => {
            let input = workbench_core::exemption::ExemptionEndInput { ends_on: *on, reason: reason.clone() };
            match app::exemption_end(ctx, &session, id, &input) {
                Ok(e) => {
                    println!("exemption {} ({}) now ends on {on}", e.id, e.reference);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            }
        }
    }
}
