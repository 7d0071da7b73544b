//! Customer notices (R9): rendered from the pack, kept in the vault as proof, marked sent and
//! acknowledged.

use chrono::Duration;
use workbench_core::{CoreError, EventId};
use workbench_store::StoreError;
use workbench_store::customers::{self as customers_store};
use workbench_store::evidence::{self, NewEvidence};
use workbench_store::review::{self as store};

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

use super::*;

/// Renders the pack's notice (R9) for a customer, keeps the PDF in the vault as proof and
/// records it; returns the refreshed review screen.
pub fn notice_issue(ctx: &Context, session: &Session, customer_ref: &str) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        require_reviewer(u, "issue notices")?;
        let (pack, _) = crate::obligations::active_pack(u)?;
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        let detail = u
            .workspace
            .db()
            .read(|c| customers_store::detail(c, &id))?
            .ok_or_else(|| AppError::Store(StoreError::Conflict("no such customer".into())))?;
        let provider = u.workspace.db().read(workbench_store::provider::get)?;
        let at = ctx.clock().now();
        let notice_id = EventId::new().to_string();
        let address = one_line_address(&detail);
        let pdf = workbench_filings::render_notice(&workbench_filings::CustomerNotice {
            provider: provider.legal_name,
            customer_ref: detail.row.customer_ref.clone(),
            customer_name: detail.row.name.clone(),
            customer_address: address,
            text: pack.pack.notice.text.clone(),
            pack: pack.pack.pack.id.clone(),
            notice_id: notice_id.clone(),
            issued_at: at,
        })?;
        let name = format!("notice-{}.pdf", detail.row.customer_ref);
        let new = NewEvidence {
            original_name: &name,
            media_type: "application/pdf",
            max_bytes: evidence::DEFAULT_MAX_BYTES,
        };
        let record = evidence::store(&mut u.workspace, pdf.as_slice(), &new, u.actor.id, at)?;
        let row = store::NoticeRow {
            id: notice_id,
            evidence_id: record.id.to_string(),
            pack_sha256: pack.sha256.clone(),
            rendered_at: workbench_store::audit::timestamp(&at),
            rendered_by: u.actor.id.to_string(),
            sent_on: None,
            acknowledged_on: None,
        };
        u.workspace.db_mut().write(|tx| store::insert_notice(tx, &id, &row, at))?;
        review_of(u, &id, at)
    })
}

/// Records that a notice was sent and/or acknowledged (dates `YYYY-MM-DD`, not in the future).
pub fn notice_mark(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    notice_id: &str,
    sent_on: Option<&str>,
    acknowledged_on: Option<&str>,
) -> Result<ReviewView, AppError> {
    let today = ctx.clock().now().date_naive();
    let check = |field: &str, value: Option<&str>| -> Result<Option<String>, AppError> {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
        let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| CoreError::invalid(field, "is not a date (YYYY-MM-DD)"))?;
        if date > today + Duration::days(1) {
            return Err(CoreError::invalid(field, "cannot be in the future").into());
        }
        Ok(Some(date.to_string()))
    };
    let sent = check("sent_on", sent_on)?;
    let acknowledged = check("acknowledged_on", acknowledged_on)?;
    if sent.is_none() && acknowledged.is_none() {
        return Err(CoreError::invalid("sent_on", "give the date it was sent or acknowledged").into());
    }
    session.with(ctx, |u| {
        require_reviewer(u, "record notices")?;
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            store::mark_notice(tx, &id, notice_id, sent.as_deref(), acknowledged.as_deref(), me, at)
        })?;
        review_of(u, &id, at)
    })
}
