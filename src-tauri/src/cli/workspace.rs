//! Workspace subcommands: `init`, `status`, `audit verify|list`, `passphrase change`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use workbench_app::audit::AuditQuery;
use workbench_app::workspace::{self as ws, InitRequest, UnlockRequest};
use workbench_app::{ApiError, Context, Session};

use super::secrets;
use super::{fail, print_json};

/// Options of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The provider's legal name (starts the provider profile).
    #[arg(long, value_name = "NAME", default_value = "Unnamed provider")]
    provider_name: String,
    /// The first compliance officer's name.
    #[arg(long, value_name = "NAME", default_value = "Compliance officer")]
    officer_name: String,
    /// Do not keep a copy of the key in the OS credential store.
    #[arg(long)]
    no_keyring: bool,
    /// Also write the one-page recovery-code sheet to FILE, to print and lock away.
    #[arg(long, value_name = "FILE")]
    recovery_pdf: Option<PathBuf>,
}

/// `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the chain; exit 1 naming the first bad event.
    Verify {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Also recompute each record's digest from the database (customers, owners, resellers,
        /// actors) and compare it with the newest event that wrote it.
        #[arg(long)]
        objects: bool,
    },
    /// List events, newest first.
    List {
        /// How many (1–500).
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Only actions starting with this, e.g. `actor.`.
        #[arg(long, value_name = "PREFIX")]
        action: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Options of `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the backup (replaced atomically, only after it verifies).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Options of `restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// Unlock the backup with the recovery code in FILE instead of the passphrase.
    #[arg(long, value_name = "FILE")]
    recovery_code_file: Option<PathBuf>,
}

/// `keyslots …`.
#[derive(Debug, Subcommand)]
pub enum KeyslotsCommand {
    /// Keep your copy of the data key in this computer's OS credential store, so you unlock
    /// without typing (your own entry; --as says who you are).
    Keyring,
    /// Rebuild keyslots.json (and its copy) from the recovery sheet's rebuild block and the
    /// recovery code, and give the first officer (whom the recovery code opens as) a new
    /// passphrase. The others sign in once on an unlocked workspace or get a new passphrase.
    Rebuild {
        /// A text file holding the block as printed on the sheet (CIPW-SLOTS-1 …).
        #[arg(long, value_name = "FILE")]
        block_file: PathBuf,
        /// The recovery code from FILE (owner-only) instead of a prompt.
        #[arg(long, value_name = "FILE")]
        recovery_code_file: Option<PathBuf>,
        /// The first officer's new passphrase from FILE (owner-only) instead of a prompt.
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
}

/// Options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many synthetic customers.
    #[arg(long, default_value_t = 1000)]
    customers: usize,
}

/// Options of `rotate-key`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    /// Also write the new recovery-code sheet to FILE, to print and lock away.
    #[arg(long, value_name = "FILE")]
    recovery_pdf: Option<PathBuf>,
}

/// Options of `passphrase change`.
#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// Read the new passphrase from the first line of FILE (otherwise asked twice).
    #[arg(long, value_name = "FILE")]
    new_passphrase_file: Option<PathBuf>,
}

pub fn init(ctx: &Context, args: &InitArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let passphrase = match secrets::new_passphrase(passphrase_file) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let session = Session::default();
    let request = InitRequest {
        provider_name: args.provider_name.clone(),
        officer_name: args.officer_name.clone(),
        passphrase: passphrase.to_string(),
        use_keyring: !args.no_keyring,
    };
    match ws::init(ctx, &session, &request) {
        Ok(result) => {
            println!("Created the workspace in {}", ctx.data_dir().display());
            if let Some(problem) = &result.keyring_problem {
                eprintln!("note: the key was not saved in the OS credential store: {problem}");
                eprintln!("      unlock with the passphrase instead.");
            }
            show_recovery_code(
                ctx,
                &session,
                "Recovery code (shown once; print it or write it down and keep it safe):",
                &result.recovery_code,
                args.recovery_pdf.as_deref(),
            )
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

pub fn status(ctx: &Context, json: bool) -> ExitCode {
    let session = Session::default();
    match ws::status(ctx, &session) {
        Ok(status) if json => print_json(&status),
        Ok(status) => {
            if status.exists {
                let keyring = if status.has_keyring_slot { "OS credential store, " } else { "" };
                println!(
                    "workspace: {} (unlock with: {keyring}your passphrase, recovery code)",
                    status.data_dir
                );
                if !status.people.is_empty() {
                    println!("people: {}", status.people.join(", "));
                }
            } else {
                println!("no workspace in {} (create one with `cip-workbench init`)", status.data_dir);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

pub fn audit(ctx: &Context, command: &AuditCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match command {
        AuditCommand::Verify { json, objects } => {
            let report = match workbench_app::audit::verify(ctx, &session) {
                Ok(report) => report,
                Err(e) => return fail(&ApiError::from(e).message),
            };
            let records =
                match objects.then(|| workbench_app::audit::verify_objects(ctx, &session)).transpose() {
                    Ok(records) => records,
                    Err(e) => return fail(&ApiError::from(e).message),
                };
            if *json {
                let _ = match &records {
                    Some(records) => print_json(&serde_json::json!({ "chain": report, "objects": records })),
                    None => print_json(&report),
                };
            } else {
                if let Some(broken) = &report.first_break {
                    println!("audit chain BROKEN at event {}: {}", broken.seq, broken.problem);
                    println!("{} event(s) before it verify; last good hash {}", report.events, report.head);
                } else {
                    println!("audit chain intact: {} event(s), head {}", report.events, report.head);
                }
                if let Some(records) = &records {
                    println!(
                        "records: {} checked by their {} digests (from event {}), {} disagree",
                        records.checked, records.form, records.from_seq, records.problem_count
                    );
                    let kinds: Vec<String> = records
                        .by_kind
                        .iter()
                        .filter(|k| k.checked > 0)
                        .map(|k| format!("{} {}", k.kind, k.checked))
                        .collect();
                    println!("  by kind: {}", kinds.join(", "));
                    for p in &records.problems {
                        let seq = p.seq.map(|s| format!("event {s}")).unwrap_or_else(|| "no event".into());
                        println!("  {}  ({seq}): {}", p.object, p.problem);
                    }
                }
            }
            let bad = report.first_break.is_some() || records.is_some_and(|r| r.problem_count > 0);
            if bad { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        AuditCommand::List { limit, action, json } => {
            let query = AuditQuery { action_prefix: action.clone(), limit: Some(*limit), offset: None };
            match workbench_app::audit::list(ctx, &session, &query) {
                Ok(events) if *json => print_json(&events),
                Ok(events) => {
                    for e in events {
                        println!("{:>6}  {}  {:<28} {:<48} {}", e.seq, e.at, e.action, e.object, e.actor);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&ApiError::from(e).message),
            }
        }
    }
}

pub fn change_passphrase(ctx: &Context, args: &PassphraseArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let new = match secrets::new_passphrase(args.new_passphrase_file.as_deref()) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    match ws::change_passphrase(ctx, &session, &new) {
        Ok(()) => {
            println!(
                "your passphrase was changed; the recovery code and the OS credential store copy still work"
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

fn keep_in_keyring(ctx: &Context, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match ws::keyring_enable(ctx, &session) {
        Ok(()) => {
            println!(
                "your key is kept in this computer's OS credential store; `--as` with no passphrase unlocks"
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

pub fn keyslots(ctx: &Context, command: &KeyslotsCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let (block_file, recovery_code_file, new_passphrase_file) = match command {
        KeyslotsCommand::Rebuild { block_file, recovery_code_file, new_passphrase_file } => {
            (block_file, recovery_code_file, new_passphrase_file)
        }
        KeyslotsCommand::Keyring => return keep_in_keyring(ctx, passphrase_file),
    };
    let block = match std::fs::read_to_string(block_file) {
        Ok(text) => text,
        Err(e) => return fail(&format!("cannot read the rebuild block {}: {e}", block_file.display())),
    };
    let code = match recovery_code_file {
        Some(file) => secrets::from_file(file),
        None => secrets::ask("Recovery code: "),
    };
    let code = match code {
        Ok(code) => code,
        Err(e) => return fail(&e),
    };
    let session = Session::default();
    let status = match ws::rebuild_key_slots(ctx, &session, &block, &code) {
        Ok(status) => status,
        Err(e) => return fail(&ApiError::from(e).message),
    };
    let officer = status.actor.map(|a| a.name).unwrap_or_default();
    println!("rebuilt the key slots of {}; the recovery code opened it as {officer}", status.data_dir);
    let new = match secrets::new_passphrase(new_passphrase_file.as_deref()) {
        Ok(p) => p,
        Err(e) => return fail(&format!("{e} (the recovery code still opens the workspace)")),
    };
    match ws::change_passphrase(ctx, &session, &new) {
        Ok(()) => {
            println!("{officer} unlocks with the new passphrase; the others sign in once or get a new one");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

pub fn demo(ctx: &Context, args: &DemoArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let passphrase = match secrets::new_passphrase(passphrase_file) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let session = Session::default();
    let request = InitRequest {
        provider_name: "Demo Cloud LLC".into(),
        officer_name: "Demo Officer".into(),
        passphrase: passphrase.to_string(),
        use_keyring: false,
    };
    if let Err(e) = ws::init(ctx, &session, &request) {
        return fail(&ApiError::from(e).message);
    }
    eprintln!("demo: adding {} synthetic customers…", args.customers);
    match workbench_app::demo::fill(ctx, &session, args.customers) {
        Ok(n) => {
            println!(
                "Demo workspace in {} with {n} synthetic customers (no real data).",
                ctx.data_dir().display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

pub fn rotate_key(ctx: &Context, args: &RotateArgs, passphrase_file: Option<&Path>) -> ExitCode {
    // The passphrase is asked for even when the keyring could unlock: it confirms the rotation.
    let passphrase = match secrets::passphrase(passphrase_file, "Your passphrase: ") {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let session = Session::default();
    if let Err(e) = ws::unlock(ctx, &session, &by_passphrase(&passphrase)) {
        return fail(&ApiError::from(e).message);
    }
    let result = ws::rotate_key(ctx, &session, &passphrase, &mut percent_printer("re-encrypting"));
    match result {
        Ok(result) => {
            println!("The data key was replaced; {} evidence key(s) re-wrapped.", result.evidence_keys);
            if let Some(problem) = &result.keyring_problem {
                eprintln!("note: the OS credential store did not take the new key: {problem}");
            }
            if !result.people_without_slot.is_empty() {
                eprintln!(
                    "note: {} can unlock again after signing in on an unlocked workspace, or once an officer sets them a new passphrase",
                    result.people_without_slot.join(", ")
                );
            }
            show_recovery_code(
                ctx,
                &session,
                "New recovery code (the old one no longer works; shown once):",
                &result.recovery_code,
                args.recovery_pdf.as_deref(),
            )
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

/// Progress on stderr every 10 %: "backup: 40 %".
fn percent_printer(label: &'static str) -> impl FnMut(u64, u64) {
    let mut last = None;
    move |done, total| {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        if last.is_none_or(|l| percent >= l + 10 || (percent == 100 && l < 100)) {
            eprintln!("{label}: {percent} %");
            last = Some(percent);
        }
    }
}

/// Prints a new recovery code once and, when asked, writes its one-page sheet for printing.
fn show_recovery_code(
    ctx: &Context,
    session: &Session,
    heading: &str,
    code: &str,
    pdf: Option<&Path>,
) -> ExitCode {
    println!();
    println!("{heading}");
    println!();
    println!("    {code}");
    println!();
    println!("It unlocks the workspace if the passphrase is lost. Anyone holding it can read the records.");
    if let Some(pdf) = pdf {
        if let Err(e) = ws::write_recovery_sheet(ctx, session, code, pdf) {
            return fail(&ApiError::from(e).message);
        }
        println!("Recovery sheet written to {}: print it, then delete the file.", pdf.display());
    }
    ExitCode::SUCCESS
}

/// Who `--as` names, for every unlock of this run.
static PERSON: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Records `--as NAME` (once, at start).
pub fn set_person(person: Option<String>) {
    let _ = PERSON.set(person.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()));
}

/// The unlock request for a passphrase: as the person `--as` names, else the only person.
fn by_passphrase(passphrase: &str) -> UnlockRequest {
    match PERSON.get().and_then(Option::as_deref) {
        Some(name) => UnlockRequest::Person { name: name.to_owned(), passphrase: passphrase.to_owned() },
        None => UnlockRequest::Passphrase(passphrase.to_owned()),
    }
}

/// The unlock request for the OS credential store: the entry of the person `--as` names, else
/// the first this session holds.
fn by_keyring() -> UnlockRequest {
    match PERSON.get().and_then(Option::as_deref) {
        Some(name) => UnlockRequest::KeyringAs(name.to_owned()),
        None => UnlockRequest::Keyring,
    }
}

/// Unlocks for one command: the OS credential store first (when the workspace has that slot
/// and no passphrase was given), else the passphrase. Says why the keyring did not work.
pub(super) fn unlock(ctx: &Context, passphrase_file: Option<&Path>) -> Result<Session, String> {
    let session = Session::default();
    let status = ws::status(ctx, &session).map_err(|e| ApiError::from(e).message)?;
    if !status.exists {
        return Err(format!("no workspace in {} (create one with `cip-workbench init`)", status.data_dir));
    }
    let explicit = passphrase_file.is_some() || secrets::in_environment();
    if status.has_keyring_slot && !explicit {
        match ws::unlock(ctx, &session, &by_keyring()) {
            Ok(_) => return Ok(session),
            Err(e) => eprintln!("note: {}; falling back to the passphrase", ApiError::from(e).message),
        }
    }
    let passphrase = secrets::passphrase(passphrase_file, "Your passphrase: ")?;
    ws::unlock(ctx, &session, &by_passphrase(&passphrase)).map_err(|e| ApiError::from(e).message)?;
    Ok(session)
}

pub fn backup(ctx: &Context, args: &BackupArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match ws::backup(ctx, &session, &args.out, &mut percent_printer("backup")) {
        Ok(summary) => {
            println!(
                "wrote {} ({} bytes; {} evidence file(s), {} audit event(s)); verified",
                args.out.display(),
                summary.bytes,
                summary.evidence_files,
                summary.audit_events
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

pub fn restore(ctx: &Context, args: &RestoreArgs, passphrase_file: Option<&Path>) -> ExitCode {
    let request = match &args.recovery_code_file {
        Some(file) => match secrets::from_file(file) {
            Ok(code) => UnlockRequest::RecoveryCode(code.to_string()),
            Err(e) => return fail(&e),
        },
        None => match secrets::passphrase(passphrase_file, "Passphrase of the backed-up workspace: ") {
            Ok(p) => by_passphrase(&p),
            Err(e) => return fail(&e),
        },
    };
    let session = Session::default();
    match ws::restore(ctx, &session, &args.from, &request, &mut |_, _| {}) {
        Ok(status) => {
            println!("restored into {}; the audit chain verifies", status.data_dir);
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e).message),
    }
}

/// For `doctor`: unlocks without asking (credential store, or a passphrase given by file or
/// environment); a locked session just means the workspace checks are skipped.
pub fn unlock_quietly(ctx: &Context, passphrase_file: Option<&Path>) -> Session {
    let session = Session::default();
    let Ok(status) = ws::status(ctx, &session) else { return session };
    if !status.exists {
        return session;
    }
    if status.has_keyring_slot && ws::unlock(ctx, &session, &by_keyring()).is_ok() {
        return session;
    }
    let given = passphrase_file.is_some() || secrets::in_environment();
    if given && let Ok(p) = secrets::passphrase(passphrase_file, "") {
        let _ = ws::unlock(ctx, &session, &by_passphrase(&p));
    }
    session
}
