//! Requests from Commerce for the CIPs (R15) as use cases: list them with their deadline,
//! assemble the packet (the provider's CIP in force and every foreign reseller's CIP on file, with
//! an index and a SHA-256 manifest), keep it in the vault, and record delivery — which meets the
//! request's obligation in the same transaction.
//!
//! A request is recorded as an obligation event (`obligations::event_record` with
//! `CipCopyRequested`), so the calendar and this list never disagree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::CoreError;
use workbench_core::obligations::{ObligationKind, Status};
use workbench_filings::{Packet, PacketGap, PacketPart};
use workbench_store::cip::{self as cip_store, RequestRow};
use workbench_store::evidence;
use workbench_store::resellers::{self as reseller_store, ResellerCipRow};

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// One part of an assembled packet, as its manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ManifestPart {
    /// 1-based part number.
    #[ts(type = "number")]
    pub part: usize,
    /// "Provider" or the reseller's reference.
    pub owner: String,
    /// What it is.
    pub title: String,
    /// The attachment's name in the packet.
    pub file_name: String,
    /// SHA-256 of the part.
    pub sha256: String,
    /// Pages.
    #[ts(type = "number")]
    pub pages: usize,
    /// First page in the packet.
    #[ts(type = "number")]
    pub first_page: usize,
}

/// The manifest kept with a packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Manifest {
    /// The packet's own SHA-256.
    pub packet_sha256: String,
    /// Its parts.
    pub parts: Vec<ManifestPart>,
    /// Resellers with no CIP on file when it was assembled.
    pub gaps: Vec<String>,
    /// The audit checkpoint taken when it was assembled (event number · chain hash).
    #[serde(default)]
    pub checkpoint: Option<String>,
}

/// A request as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CipRequestView {
    /// Id (the obligation event's).
    pub id: String,
    /// Who asked.
    pub requester: String,
    /// Their reference.
    pub reference: String,
    /// Received on.
    pub received_on: String,
    /// Deliver by (from the pack).
    pub due_on: Option<String>,
    /// Where the deadline stands.
    pub status: Option<Status>,
    /// Days left (negative when late).
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    /// When the packet was assembled.
    pub assembled_at: Option<String>,
    /// The packet's manifest.
    pub manifest: Option<Manifest>,
    /// Delivered on.
    pub delivered_on: Option<String>,
    /// Delivered by (name).
    pub delivered_by: Option<String>,
    /// How.
    pub delivery_note: String,
}

/// Every request, newest first, with its deadline.
pub fn cip_request_list(ctx: &Context, session: &Session) -> Result<Vec<CipRequestView>, AppError> {
    session.with(ctx, |u| {
        let rows = u.workspace.db().read(cip_store::requests)?;
        let obligations = crate::obligations::compute(ctx, u)?.obligations;
        Ok(rows
            .into_iter()
            .map(|r| {
                let o =
                    obligations.iter().find(|o| o.kind == ObligationKind::CipCopy && o.source_event == r.id);
                CipRequestView {
                    due_on: o.map(|o| o.due_date.to_string()),
                    status: o.map(|o| o.status),
                    days_left: o.map(|o| o.days_left),
                    manifest: r.manifest.as_deref().and_then(|m| serde_json::from_str(m).ok()),
                    delivered_by: r.delivered_by.as_deref().map(|by| u.actor_name(by)),
                    id: r.id,
                    requester: r.requester,
                    reference: r.reference,
                    received_on: r.received_on,
                    assembled_at: r.assembled_at,
                    delivered_on: r.delivered_on,
                    delivery_note: r.delivery_note,
                }
            })
            .collect())
    })
}

fn request(u: &Unlocked, id: &str) -> Result<RequestRow, AppError> {
    u.workspace
        .db()
        .read(cip_store::requests)?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| CoreError::invalid("request", format!("there is no CIP request {id}")).into())
}

/// A reseller's CIP as a packet part: the uploaded PDF decrypted (and checked against its
/// recorded hash), or the adopted provider version rendered under the reseller's name.
pub(crate) fn reseller_part_pdf(
    ctx: &Context,
    u: &Unlocked,
    legal_name: &str,
    row: &ResellerCipRow,
) -> Result<Vec<u8>, AppError> {
    match (&row.evidence_id, row.adopted_version) {
        (Some(id), _) => {
            let id = id.parse().map_err(|_| CoreError::invalid("evidence", "is not an evidence id"))?;
            let mut bytes = Vec::new();
            evidence::read(&u.workspace, id, &mut bytes)?;
            Ok(bytes)
        }
        (None, Some(number)) => {
            let version = u.workspace.db().read(|c| cip_store::version(c, number))?.ok_or_else(|| {
                CoreError::invalid("adopted_version", format!("there is no CIP version {number}"))
            })?;
            let mut doc = crate::cip::document(u, ctx, &version)?;
            doc.provider =
                format!("{legal_name} — adopts {}'s CIP by agreement dated {}", doc.provider, row.dated);
            Ok(workbench_filings::render_cip(&doc)?)
        }
        (None, None) => {
            Err(CoreError::invalid("cip", "the record names neither a document nor a version").into())
        }
    }
}

/// Assembles the packet for request `id` from what is on file now, keeps it in the vault with
/// its manifest, and returns the request. Re-assembling before delivery replaces the packet.
pub fn cip_packet_assemble(ctx: &Context, session: &Session, id: &str) -> Result<CipRequestView, AppError> {
    session.with(ctx, |u| {
        u.require_officer("assemble a CIP packet")?;
        let row = request(u, id)?;
        if row.delivered_on.is_some() {
            return Err(
                CoreError::invalid("request", "was already delivered; its packet is kept as sent").into()
            );
        }
        let today = ctx.clock().now().with_timezone(&crate::obligations::provider_tz(u)?).date_naive();
        let db = u.workspace.db();
        let in_force = db.read(|c| cip_store::in_force(c, today))?.ok_or_else(|| {
            CoreError::invalid("cip", "no approved CIP version is in force; approve one first (R1)")
        })?;
        let provider_doc = crate::cip::document(u, ctx, &in_force)?;
        let provider_name = provider_doc.provider.clone();
        let mut parts = vec![PacketPart {
            owner: "Provider".into(),
            title: format!(
                "{provider_name} — CIP version {}, effective {}",
                in_force.number,
                in_force.effective_on.map(|d| d.to_string()).unwrap_or_default()
            ),
            file_name: format!("provider-cip-v{}.pdf", in_force.number),
            pdf: workbench_filings::render_cip(&provider_doc)?,
        }];
        let on_file = db.read(reseller_store::cips_on_file)?;
        let mut gaps = Vec::new();
        for r in db.read(reseller_store::list)? {
            let Some((_, cip)) = on_file.iter().find(|(reseller, _)| *reseller == r.reseller_ref) else {
                gaps.push(PacketGap { owner: r.reseller_ref.clone(), legal_name: r.legal_name.clone() });
                continue;
            };
            let title = match cip.adopted_version {
                Some(v) => format!(
                    "{} — adopts the provider's CIP version {v} (agreement {})",
                    r.legal_name, cip.dated
                ),
                None => format!("{} — its own CIP dated {}", r.legal_name, cip.dated),
            };
            parts.push(PacketPart {
                owner: r.reseller_ref.clone(),
                title,
                file_name: format!("{}-cip.pdf", safe_file_stem(&r.reseller_ref)),
                pdf: reseller_part_pdf(ctx, u, &r.legal_name, cip)?,
            });
        }
        let packet = Packet {
            provider: provider_name,
            requester: row.requester.clone(),
            reference: row.reference.clone(),
            received_on: row.received_on.clone(),
            parts,
            gaps,
            generated_at: ctx.clock().now(),
        };
        let (pdf, entries) = workbench_filings::assemble_packet(&packet)?;
        let manifest = Manifest {
            packet_sha256: workbench_core::audit::sha256_hex(&pdf),
            parts: entries
                .into_iter()
                .map(|e| ManifestPart {
                    part: e.part,
                    owner: e.owner,
                    title: e.title,
                    file_name: e.file_name,
                    sha256: e.sha256,
                    pages: e.pages,
                    first_page: e.first_page,
                })
                .collect(),
            gaps: packet.gaps.iter().map(|g| g.owner.clone()).collect(),
            checkpoint: None,
        };
        let at = ctx.clock().now();
        let name = format!("cip-packet-{}.pdf", today);
        let new = evidence::NewEvidence {
            original_name: &name,
            media_type: "application/pdf",
            max_bytes: u64::MAX, // the packet is ours; the upload limit is for incoming files
        };
        let record = evidence::store(&mut u.workspace, pdf.as_slice(), &new, u.actor.id, at)?;
        let me = u.actor.id;
        let evidence_id = record.id.to_string();
        u.workspace.db_mut().write(|tx| {
            let mut manifest = manifest.clone();
            manifest.checkpoint = workbench_store::audit::checkpoint(tx, at, "filing")?
                .map(|c| format!("event {} · {}", c.events, c.root_hash));
            let json = serde_json::to_string(&manifest)
                .map_err(|e| workbench_store::StoreError::Corrupt(e.to_string()))?;
            cip_store::set_packet(tx, id, &evidence_id, &json, me, at)
        })?;
        Ok(())
    })?;
    find(ctx, session, id)
}

fn find(ctx: &Context, session: &Session, id: &str) -> Result<CipRequestView, AppError> {
    cip_request_list(ctx, session)?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| CoreError::invalid("request", format!("there is no CIP request {id}")).into())
}

/// A reference as a file-name stem: letters, digits, `-` and `_` kept, anything else `_`.
fn safe_file_stem(reference: &str) -> String {
    reference.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// The assembled packet's bytes.
pub fn cip_packet_pdf(ctx: &Context, session: &Session, id: &str) -> Result<Vec<u8>, AppError> {
    session.with(ctx, |u| {
        let row = request(u, id)?;
        let evidence_id = row
            .packet_evidence
            .ok_or_else(|| CoreError::invalid("request", "has no packet yet; assemble it first"))?;
        let id = evidence_id.parse().map_err(|_| CoreError::invalid("evidence", "is not an evidence id"))?;
        let mut bytes = Vec::new();
        evidence::read(&u.workspace, id, &mut bytes)?;
        Ok(bytes)
    })
}

/// Writes the assembled packet to `path` atomically.
pub fn cip_packet_write(
    ctx: &Context,
    session: &Session,
    id: &str,
    path: &std::path::Path,
) -> Result<(), AppError> {
    let pdf = cip_packet_pdf(ctx, session, id)?;
    Ok(workbench_store::files::write_atomically(path, &pdf)?)
}

/// How a packet went out.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct Delivery {
    /// The request.
    pub id: String,
    /// Sent on.
    #[ts(type = "string")]
    pub delivered_on: NaiveDate,
    /// How (e.g. "secure upload to BIS portal, confirmation 4471").
    pub note: String,
}

/// Records delivery of the assembled packet and meets the request's R15 obligation, together.
pub fn cip_request_deliver(
    ctx: &Context,
    session: &Session,
    delivery: &Delivery,
) -> Result<CipRequestView, AppError> {
    let note = delivery.note.trim();
    if note.is_empty() {
        return Err(CoreError::invalid("note", "say how it was delivered (channel, confirmation)").into());
    }
    session.with(ctx, |u| {
        u.require_officer("record a CIP delivery")?;
        let today = ctx.clock().now().with_timezone(&crate::obligations::provider_tz(u)?).date_naive();
        if delivery.delivered_on > today {
            return Err(CoreError::invalid("delivered_on", "cannot be in the future").into());
        }
        let row = request(u, &delivery.id)?;
        if row.packet_evidence.is_none() {
            return Err(CoreError::invalid("request", "has no packet yet; assemble it first").into());
        }
        if row.received_on.parse::<NaiveDate>().is_ok_and(|r| delivery.delivered_on < r) {
            return Err(CoreError::invalid("delivered_on", "is before the request was received").into());
        }
        let key = format!("{}:{}", ObligationKind::CipCopy.code(), delivery.id);
        let met = crate::obligations::met_now(
            ctx,
            u,
            &key,
            &format!("Packet delivered {}: {note}", delivery.delivered_on),
        )?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            cip_store::set_delivered(tx, &delivery.id, delivery.delivered_on, note, me, at)?;
            crate::obligations::insert_met(tx, &met)
        })?;
        Ok(())
    })?;
    find(ctx, session, &delivery.id)
}

/// For the CLI: writes the packet of request `id`, or of the newest undelivered request, to
/// `path` — assembled anew unless already delivered (then the packet as sent). Returns the id.
pub fn cip_packet_for_cli(
    ctx: &Context,
    session: &Session,
    id: Option<&str>,
    path: &std::path::Path,
) -> Result<String, AppError> {
    let list = cip_request_list(ctx, session)?;
    let chosen = match id {
        Some(id) => list.iter().find(|r| r.id == id),
        None => list.iter().find(|r| r.delivered_on.is_none()),
    }
    .ok_or_else(|| {
        CoreError::invalid(
            "request",
            match id {
                Some(id) => format!("there is no CIP request {id}"),
                None => "no open CIP request; record one first (cip-request record --requester …)".into(),
            },
        )
    })?;
    let id = chosen.id.clone();
    if chosen.delivered_on.is_none() {
        cip_packet_assemble(ctx, session, &id)?;
    }
    cip_packet_write(ctx, session, &id, path)?;
    Ok(id)
}
