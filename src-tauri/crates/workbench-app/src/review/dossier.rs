//! A customer's file taken out of the workbench (R10, R11): the review screen's data and its audit
//! history as PDF and JSON, audited.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use workbench_store::StoreError;
use workbench_store::review::{self as store};

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

use super::*;

/// One customer's file as exported: the review screen's data, its audit history and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerFileExport {
    /// Format marker for readers of the JSON.
    pub format: &'static str,
    /// The provider.
    pub provider: String,
    /// When it was exported (RFC 3339).
    pub generated_at: String,
    /// Everything the review screen shows.
    pub customer: ReviewView,
    /// Audit events about the customer: `(seq, at, who, action, event hash)`.
    pub audit: Vec<(i64, String, String, String, String)>,
}

/// A stored code in words for the printed file (`awaiting_second` → `awaiting second`).
fn words<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}

pub(super) fn dossier_of(file: &CustomerFileExport, at: DateTime<Utc>) -> workbench_filings::Dossier {
    use workbench_filings::DossierSection as S;
    let c = &file.customer;
    let line = |l: &str, v: String| (l.to_owned(), v);
    let mut sections = vec![
        S {
            title: "Identifying information (R2)".into(),
            lines: vec![
                line("Name", c.name.clone()),
                line("Kind", c.kind.clone()),
                line("Address", c.address.clone()),
                line("Emails", c.emails.join(", ")),
                line("Phones", c.phones.join(", ")),
                line("Risk tier", c.risk_tier.clone()),
                line(
                    "U.S. person (R3)",
                    match &c.us_person_reason {
                        Some(reason) => format!("{} — {reason}", c.us_person),
                        None => c.us_person.clone(),
                    },
                ),
                line("Came through", c.reseller_ref.clone().unwrap_or_else(|| "direct".into())),
            ],
        },
        S {
            title: "Accounts (R6)".into(),
            lines: c
                .accounts
                .iter()
                .map(|a| {
                    let card = if a.payment_last4.is_empty() {
                        String::new()
                    } else {
                        format!(" ••{}", a.payment_last4)
                    };
                    line(
                        &a.account_ref,
                        format!(
                            "{} · opened {} · {}{card} from {} · {} IP accesses ({} admin)",
                            words(&a.state),
                            a.opened_on,
                            a.payment_method,
                            a.payment_source,
                            a.ip_accesses,
                            a.ip_admin
                        ),
                    )
                })
                .collect(),
        },
        S {
            title: "Beneficial owners (R5)".into(),
            lines: c
                .owners
                .iter()
                .map(|o| {
                    let share =
                        o.ownership_pct.map_or_else(|| "share unknown".to_owned(), |p| format!("{p} %"));
                    let control = if o.control { ", control" } else { "" };
                    line(&o.name, format!("{} · {share}{control} · U.S. person: {}", o.country, o.us_person))
                })
                .collect(),
        },
        S {
            title: "Verification (R4)".into(),
            lines: c
                .elements
                .iter()
                .map(|e| {
                    let check = match (&e.outcome, &e.method) {
                        (Some(o), Some(m)) => format!(
                            "{} ({}) by {} at {}",
                            o.code(),
                            m.code().replace('_', "-"),
                            e.reviewer.clone().unwrap_or_default(),
                            e.at.clone().unwrap_or_default()
                        ),
                        _ if e.required => "not verified".to_owned(),
                        _ => "not checked (optional)".to_owned(),
                    };
                    line(&e.label, check)
                })
                .collect(),
        },
        S {
            title: "Decisions".into(),
            lines: c
                .decisions
                .iter()
                .map(|d| {
                    let second =
                        d.second_by.as_ref().map(|s| format!(", second reviewer {s}")).unwrap_or_default();
                    let reason = if d.reason_code.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", d.reason_title)
                    };
                    line(
                        &d.decided_at[..10.min(d.decided_at.len())],
                        format!(
                            "{} by {}{reason} · {}{second}",
                            words(&d.kind),
                            d.decided_by,
                            words(&d.status)
                        ),
                    )
                })
                .collect(),
        },
        S {
            title: "Notices (R9)".into(),
            lines: c
                .notices
                .iter()
                .map(|n| {
                    line(
                        &n.rendered_at[..10.min(n.rendered_at.len())],
                        format!(
                            "issued by {} · sent {} · acknowledged {}",
                            n.rendered_by,
                            n.sent_on.clone().unwrap_or_else(|| "—".into()),
                            n.acknowledged_on.clone().unwrap_or_else(|| "—".into())
                        ),
                    )
                })
                .collect(),
        },
        S {
            title: "Evidence (kept encrypted in the workspace)".into(),
            lines: c
                .evidence
                .iter()
                .map(|e| {
                    line(
                        &e.original_name,
                        format!("{} · {} bytes · SHA-256 {}", e.media_type, e.size_bytes, e.sha256),
                    )
                })
                .collect(),
        },
    ];
    sections.push(S {
        title: "Audit history".into(),
        lines: file
            .audit
            .iter()
            .map(|(seq, at, who, action, _)| line(&format!("#{seq}"), format!("{at} · {action} · {who}")))
            .collect(),
    });
    workbench_filings::Dossier {
        title: format!("Customer file {}", c.customer_ref),
        subtitle: format!("{} · exported {} UTC", file.provider, at.format("%Y-%m-%d %H:%M")),
        generated_at: at,
        sections,
    }
}

/// Exports one customer's file as a PDF and a JSON document (both written atomically).
pub fn customer_export(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    pdf: &Path,
    json: &Path,
) -> Result<(), AppError> {
    let customer = review_get(ctx, session, customer_ref)?;
    let at = ctx.clock().now();
    let (file, customer_id) = session.with(ctx, |u| {
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        let provider = u.workspace.db().read(workbench_store::provider::get)?.legal_name;
        let audit = u
            .workspace
            .db()
            .read(|c| workbench_store::audit::for_object(c, &format!("customer:{id}")))?
            .into_iter()
            .map(|e| (e.seq, e.at, e.actor_name.unwrap_or(e.actor), e.action, e.hash))
            .collect();
        let file = CustomerFileExport {
            format: "cip-workbench/customer-file/1",
            provider,
            generated_at: workbench_store::audit::timestamp(&at),
            customer,
            audit,
        };
        Ok((file, id))
    })?;
    let rendered = workbench_filings::render_dossier(&dossier_of(&file, at))?;
    let text = serde_json::to_vec_pretty(&file).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let object = format!("customer:{customer_id}");
    crate::audit::take_out(
        ctx,
        session,
        crate::audit::MayTakeOut::Reviewer,
        "export.customer_file",
        &object,
        &[(pdf, &rendered), (json, &text)],
    )
}
