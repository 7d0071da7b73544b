//! The command line: the same binary, headless. Every subcommand calls `workbench_app`, like the
//! window does, and never needs a display.

mod adp;
mod ai;
mod assessments;
mod cip;
mod customers;
mod exemptions;
mod filings;
mod measures;
mod obligations;
mod resellers;
mod screening;
pub mod secrets;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use workbench_app::{CheckStatus, Context};

/// CIP Workbench keeps a U.S. IaaS provider's Customer Identification Program records (proposed
/// 15 CFR part 7) in an encrypted local workspace. Without a subcommand it opens the window.
#[derive(Debug, Parser)]
#[command(name = "cip-workbench", version, about, long_about = None)]
pub struct Cli {
    /// Workspace folder to use instead of the default (also $CIPW_WORKSPACE).
    #[arg(long, global = true, value_name = "DIR")]
    workspace: Option<PathBuf>,

    /// Read your passphrase from the first line of FILE (also $CIPW_PASSPHRASE); otherwise the
    /// OS credential store is tried, then a prompt on the terminal.
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,

    /// Whose passphrase it is: your name as the workspace knows it (also $CIPW_AS). Needed once
    /// a workspace has more than one person; the session acts, and is audited, as them.
    #[arg(long = "as", global = true, env = "CIPW_AS", value_name = "NAME")]
    person: Option<String>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the version, the SQLCipher version and the credential store's state.
    Version {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check that this machine can run the workbench safely; exit 1 only if a check failed
    /// (`warn` and `skip` — a check that does not apply here — do not).
    Doctor {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create a workspace: the encrypted database, its key slots and the first officer. Prints
    /// the recovery code once.
    Init(workspace::InitArgs),
    /// Say whether a workspace exists here and how it can be unlocked.
    Status {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The audit chain (R11).
    #[command(subcommand)]
    Audit(workspace::AuditCommand),
    /// Write a one-file backup (database, key slots, evidence), verified before it is kept.
    Backup(workspace::BackupArgs),
    /// Restore a backup into an empty --workspace folder (passphrase or recovery code).
    Restore(workspace::RestoreArgs),
    /// Change your own passphrase (re-wraps the key in your slot; nothing is re-encrypted).
    Passphrase(workspace::PassphraseArgs),
    /// The key-slot file: rebuild it from the recovery sheet when it and its copy are lost.
    #[command(subcommand)]
    Keyslots(workspace::KeyslotsCommand),
    /// Replace the data key: re-encrypt the database and issue a new recovery code (the old
    /// one stops working). Asks for your passphrase.
    RotateKey(workspace::RotateArgs),
    /// Create a demo workspace filled with synthetic data (customers in many countries and
    /// scripts, every account state, deadlines met, due and overdue). No real data.
    Demo(workspace::DemoArgs),
    /// Customers: bulk import from CSV.
    #[command(subcommand)]
    Customers(customers::CustomersCommand),
    /// The certification counts (R12, R13) computed from the records.
    Counts(customers::CountsArgs),
    /// Foreign resellers (R17–R19): the register.
    #[command(subcommand)]
    Resellers(resellers::ResellersCommand),
    /// Filings (R12–R14): draft and render, list, approve, record filing, verify a PDF.
    #[command(subcommand)]
    Filing(filings::FilingCommand),
    /// Requests from Commerce for the CIPs (R15): record, assemble the packet, deliver.
    #[command(subcommand)]
    CipRequest(resellers::CipRequestCommand),
    /// The written CIP (R1): versions, drafts from Markdown, approval, PDF.
    #[command(subcommand)]
    Cip(cip::CipCommand),
    /// Record retention (R10): list the customers past retention, or purge their records
    /// (`--purge REF…`, an officer's passphrase confirms; the audit keeps digests only).
    Retention(customers::RetentionArgs),
    /// The verification queue: health (ready, asleep, second review, past SLA) and the items
    /// ready for review in working order.
    Queue(customers::QueueArgs),
    /// Special measures (R22): the register of measures on foreign persons and jurisdictions.
    #[command(subcommand)]
    Measures(measures::MeasuresCommand),
    /// Covered AI-training transactions (R23–R26): cases, arrangements, usage, evaluation.
    #[command(subcommand)]
    Ai(ai::AiCommand),
    /// Screening (R22): list versions (OFAC SDN, Consolidated Screening List) and name checks.
    #[command(subcommand)]
    Screening(screening::ScreeningCommand),
    /// Rule packs: check a file before importing it in Settings.
    #[command(subcommand)]
    Rules(obligations::RulesCommand),
    /// List the obligations (deadlines) under the active rule pack; `--ics` for a calendar.
    Obligations(obligations::ObligationsArgs),
    /// The ADP dossier (R20–R21): coverage, answers, evidence, reviews, the exemption application.
    #[command(subcommand)]
    Adp(adp::AdpCommand),
    /// Exemptions granted by Commerce (R20): record, list, end before term.
    #[command(subcommand)]
    Exemptions(exemptions::ExemptionsCommand),
    /// Compliance assessments by Commerce (R16): record, list, remediate and close findings.
    #[command(subcommand)]
    Assessments(assessments::AssessmentsCommand),
    /// What being late could cost (R27): each overdue obligation's civil ceiling from the rule
    /// pack, and their sum.
    Exposure(obligations::ExposureArgs),
    /// Write the one-page "about this workspace" PDF (no customer data in it).
    About {
        /// Where to write the PDF; replaced atomically.
        #[arg(long, value_name = "FILE")]
        pdf: PathBuf,
    },
}

/// Parses the arguments and runs the window or a subcommand.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.command.is_some());
    let context = Context::from_environment(cli.workspace);
    let passphrase_file = cli.passphrase_file;
    workspace::set_person(cli.person);
    match cli.command {
        None => match crate::run_gui(context) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("{e:#}")),
        },
        Some(command) => run(command, &context, passphrase_file.as_deref()),
    }
}

fn run(command: Command, context: &Context, passphrase_file: Option<&std::path::Path>) -> ExitCode {
    match command {
        Command::Init(args) => workspace::init(context, &args, passphrase_file),
        Command::Status { json } => workspace::status(context, json),
        Command::Audit(command) => workspace::audit(context, &command, passphrase_file),
        Command::Passphrase(args) => workspace::change_passphrase(context, &args, passphrase_file),
        Command::Backup(args) => workspace::backup(context, &args, passphrase_file),
        Command::Demo(args) => workspace::demo(context, &args, passphrase_file),
        Command::Customers(command) => customers::run(context, &command, passphrase_file),
        Command::Counts(args) => customers::counts(context, &args, passphrase_file),
        Command::Queue(args) => customers::queue(context, &args, passphrase_file),
        Command::Retention(args) => customers::retention(context, &args, passphrase_file),
        Command::Resellers(command) => resellers::resellers(context, &command, passphrase_file),
        Command::Filing(command) => filings::run(context, &command, passphrase_file),
        Command::CipRequest(command) => resellers::cip_request(context, &command, passphrase_file),
        Command::Cip(command) => cip::run(context, &command, passphrase_file),
        Command::Rules(command) => obligations::rules(&command),
        Command::Screening(command) => screening::run(context, &command, passphrase_file),
        Command::Measures(command) => measures::run(context, &command, passphrase_file),
        Command::Ai(command) => ai::run(context, &command, passphrase_file),
        Command::Obligations(args) => obligations::obligations(context, &args, passphrase_file),
        Command::Exposure(args) => obligations::exposure(context, &args, passphrase_file),
        Command::Assessments(command) => assessments::assessments(context, &command, passphrase_file),
        Command::Exemptions(command) => exemptions::exemptions(context, &command, passphrase_file),
        Command::Adp(command) => adp::adp(context, &command, passphrase_file),
        Command::RotateKey(args) => workspace::rotate_key(context, &args, passphrase_file),
        Command::Keyslots(command) => workspace::keyslots(context, &command, passphrase_file),
        Command::Restore(args) => workspace::restore(context, &args, passphrase_file),
        Command::Version { json } => match workbench_app::app_info(context) {
            Ok(info) if json => print_json(&info),
            Ok(info) => {
                println!("{} {}", info.name, info.version);
                println!("SQLCipher {}", info.sqlcipher_version);
                let keyring = if info.keyring.available { "available" } else { "unavailable" };
                println!("credential store: {} ({keyring})", info.keyring.backend);
                println!("workspace: {}", info.data_dir);
                ExitCode::SUCCESS
            }
            Err(e) => fail(&workbench_app::ApiError::from(e).message),
        },
        Command::Doctor { json } => {
            let session = workspace::unlock_quietly(context, passphrase_file);
            let report = workbench_app::doctor(context, &session);
            if json {
                print_json(&report);
            } else {
                for check in &report.checks {
                    let mark = match check.status {
                        CheckStatus::Ok => "ok  ",
                        CheckStatus::Warn => "warn",
                        CheckStatus::Failed => "FAIL",
                        CheckStatus::Skipped => "skip",
                    };
                    println!("{mark} {}: {}", check.name, check.detail);
                }
            }
            if report.healthy() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Command::About { pdf } => match workbench_app::export_about_pdf(context, &pdf) {
            Ok(bytes) => {
                println!("wrote {} ({bytes} bytes)", pdf.display());
                ExitCode::SUCCESS
            }
            Err(e) => fail(&workbench_app::ApiError::from(e).message),
        },
    }
}

pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("could not encode JSON: {e}")),
    }
}

pub(crate) fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

/// Logs go to stderr, never to a file in the workspace; `RUST_LOG` overrides the level. The CLI
/// is quiet by default so its stdout stays machine-readable.
fn init_logging(headless: bool) {
    let default = if headless { "warn" } else { "info" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn workspace_is_global() {
        let cli = Cli::try_parse_from(["cip-workbench", "doctor", "--workspace", "/tmp/ws"]).expect("parses");
        assert_eq!(cli.workspace, Some(PathBuf::from("/tmp/ws")));
        assert!(matches!(cli.command, Some(Command::Doctor { json: false })));
    }

    #[test]
    fn no_arguments_means_the_window() {
        let cli = Cli::try_parse_from(["cip-workbench"]).expect("parses");
        assert!(cli.command.is_none());
    }
}
