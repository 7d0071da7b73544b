//! `resellers` and `cip-request`: the foreign reseller register (R17–R19), their annual
//! attestations (R18) and Commerce's requests for the CIPs (R15) from the command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use workbench_app::attestations as att;
use workbench_app::cip_requests as req;
use workbench_app::{ApiError, AppError, Context};

use super::{fail, print_json, workspace};

/// `resellers` subcommands.
#[derive(Debug, Subcommand)]
pub enum ResellersCommand {
    /// List the register: reference, status, country, customers, legal name.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set a reseller's status: active, under_remediation or terminated (the latter two close the
    /// supply gate: no new customer account may come through it, R19).
    Status {
        /// The reseller's reference.
        reseller_ref: String,
        /// The new status.
        status: String,
    },
    /// The attestation matrix (R18): each reseller's status per calendar year.
    Matrix {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the attestation request PDF for a reseller and year (recorded as sent).
    Request {
        /// The reseller's reference.
        reseller_ref: String,
        /// The calendar year attested.
        #[arg(long)]
        period: i32,
        /// Where to write the PDF (written atomically).
        #[arg(long)]
        out: PathBuf,
    },
    /// Record signed returns from a counts CSV (template assets/templates/reseller-counts.csv):
    /// every row checked first; all recorded or none. Exits non-zero on any bad row.
    Counts {
        /// The CSV file.
        file: PathBuf,
        /// Check only; record nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// `cip-request` subcommands.
#[derive(Debug, Subcommand)]
pub enum CipRequestCommand {
    /// Record a request for the CIPs (R15): the delivery deadline starts.
    Record {
        /// Who asked.
        #[arg(long)]
        requester: String,
        /// Their reference.
        #[arg(long, default_value = "")]
        reference: String,
        /// When it was received (RFC 3339; default now).
        #[arg(long)]
        received: Option<String>,
    },
    /// List the requests with deadline, packet and delivery.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Assemble the packet (index, provider CIP, every reseller's CIP, SHA-256 manifest) for a
    /// request — by default the newest open one — and write it.
    Packet {
        /// The request's id (default: the newest not yet delivered).
        #[arg(long)]
        request: Option<String>,
        /// Where to write the PDF (written atomically).
        #[arg(long)]
        out: PathBuf,
    },
    /// Record delivery of a request's packet; meets its R15 obligation.
    Deliver {
        /// The request's id.
        id: String,
        /// Delivered on (YYYY-MM-DD).
        #[arg(long)]
        on: String,
        /// How it was delivered.
        #[arg(long)]
        note: String,
    },
}

fn done(result: Result<(), AppError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&ApiError::from(e).message),
    }
}

pub fn resellers(ctx: &Context, command: &ResellersCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match command {
        ResellersCommand::List { json } => {
            done(workbench_app::resellers::reseller_list(ctx, &session).map(|list| {
                if *json {
                    print_json(&list);
                    return;
                }
                if list.is_empty() {
                    println!("No reseller is registered.");
                }
                for r in &list {
                    println!(
                        "{:<10} {:<18} {}  {:>6}  {}",
                        r.reseller_ref,
                        r.status.code(),
                        r.country,
                        r.customers,
                        r.legal_name
                    );
                }
            }))
        }
        ResellersCommand::Status { reseller_ref, status } => {
            let Some(status) = workbench_core::reseller::ResellerStatus::from_code(status) else {
                return fail("status: must be active, under_remediation or terminated");
            };
            let change =
                workbench_app::resellers::StatusChange { reseller_ref: reseller_ref.clone(), status };
            done(workbench_app::resellers::reseller_set_status(ctx, &session, &change).map(|()| {
                println!("{reseller_ref}: {}", status.code());
            }))
        }
        ResellersCommand::Matrix { json } => done(att::attestation_matrix(ctx, &session).map(|m| {
            if *json {
                print_json(&m);
                return;
            }
            let years: Vec<String> = m.periods.iter().map(|p| format!("{p:>26}")).collect();
            println!("{:<10}{}", "reseller", years.join(""));
            for row in &m.rows {
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|c| {
                        use workbench_core::attestation::CellStatus;
                        let label = match c.status {
                            CellStatus::NotApplicable => "—",
                            CellStatus::Overdue => "OVERDUE",
                            other => other.label(),
                        };
                        format!("{label:>26}")
                    })
                    .collect();
                println!("{:<10}{}", row.reseller_ref, cells.join(""));
            }
        })),
        ResellersCommand::Request { reseller_ref, period, out } => {
            done(att::attestation_write_request(ctx, &session, reseller_ref, *period, out).map(|()| {
                println!("{reseller_ref} {period}: request written to {}", out.display());
            }))
        }
        ResellersCommand::Counts { file, dry_run } => {
            let bytes = match std::fs::read(file) {
                Ok(b) => b,
                Err(e) => return fail(&format!("{}: {e}", file.display())),
            };
            match att::attestation_import(ctx, &session, &bytes, *dry_run) {
                Ok(report) if report.errors.is_empty() => {
                    let verb =
                        if report.committed { "recorded" } else { "checked, nothing recorded (dry run)" };
                    println!("{} returns {verb}", report.rows);
                    ExitCode::SUCCESS
                }
                Ok(report) => {
                    for e in &report.errors {
                        eprintln!("{e}");
                    }
                    eprintln!("{} bad rows; nothing recorded", report.errors.len());
                    ExitCode::FAILURE
                }
                Err(e) => fail(&ApiError::from(e).message),
            }
        }
    }
}

pub fn cip_request(ctx: &Context, command: &CipRequestCommand, passphrase_file: Option<&Path>) -> ExitCode {
    let session = match workspace::unlock(ctx, passphrase_file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match command {
        CipRequestCommand::Record { requester, reference, received } => {
            let received_at = match received.as_deref().map(str::parse) {
                None => ctx.clock().now(),
                Some(Ok(t)) => t,
                Some(Err(_)) => return fail("--received: use an RFC 3339 time, e.g. 2026-11-25T10:00:00Z"),
            };
            let event = workbench_app::obligations::NewEvent::CipCopyRequested {
                requester: requester.clone(),
                reference: reference.clone(),
                received_at,
            };
            done(workbench_app::obligations::event_record(ctx, &session, &event).map(|created| {
                for o in created {
                    println!("request {}: deliver by {} ({})", o.source_event, o.due_date, o.rid);
                }
            }))
        }
        CipRequestCommand::List { json } => done(req::cip_request_list(ctx, &session).map(|list| {
            if *json {
                print_json(&list);
                return;
            }
            if list.is_empty() {
                println!("No CIP request is recorded.");
            }
            for r in &list {
                let state = match (&r.delivered_on, &r.assembled_at) {
                    (Some(on), _) => format!("delivered {on}"),
                    (None, Some(_)) => "packet assembled".to_owned(),
                    (None, None) => "open".to_owned(),
                };
                let due = r.due_on.as_deref().unwrap_or("—");
                println!("{}  received {}  due {due}  {state}  {}", r.id, r.received_on, r.requester);
            }
        })),
        CipRequestCommand::Packet { request, out } => {
            done(req::cip_packet_for_cli(ctx, &session, request.as_deref(), out).map(|id| {
                println!("request {id}: packet written to {}", out.display());
            }))
        }
        CipRequestCommand::Deliver { id, on, note } => {
            let Ok(delivered_on) = on.parse() else { return fail("--on: use YYYY-MM-DD") };
            let delivery = req::Delivery { id: id.clone(), delivered_on, note: note.clone() };
            done(
                req::cip_request_deliver(ctx, &session, &delivery)
                    .map(|_| println!("request {id}: delivered {on}")),
            )
        }
    }
}
