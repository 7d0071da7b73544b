//! One customer's review screen (R2–R6): the data beside its evidence, element by element, with
//! what still blocks approval.

use chrono::{DateTime, Utc};
use workbench_core::CoreError;
use workbench_core::customer::{CustomerKind, UsPerson};
use workbench_core::import::{ImportedOwner, owner_warnings};
use workbench_core::rules::RulePack;
use workbench_core::verification::{self as rules, Element};
use workbench_store::StoreError;
use workbench_store::customers::{self as customers_store, CustomerDetail};
use workbench_store::review::{self as store};

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

use workbench_core::verification::{DecisionStatus, QueueState};

use super::*;

/// The review screen of one customer (read only; does not take the item).
pub fn review_get(ctx: &Context, session: &Session, customer_ref: &str) -> Result<ReviewView, AppError> {
    session.with(ctx, |u| {
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        review_of(u, &id, ctx.clock().now())
    })
}

pub(super) fn owner_for_warnings(index: usize, o: &workbench_store::customers::OwnerDetail) -> ImportedOwner {
    let split = |s: &str| s.split(';').filter(|p| !p.trim().is_empty()).map(str::to_owned).collect();
    ImportedOwner {
        row: index as u64 + 1,
        customer_ref: String::new(),
        name: o.name.clone(),
        country: o.country.clone(),
        ownership_pct: o.ownership_pct,
        control: o.control,
        us_person: UsPerson::Undetermined,
        emails: split(&o.emails),
        phones: split(&o.phones),
        address_line1: o.address_line1.clone(),
        city: o.city.clone(),
        postal_code: o.postal_code.clone(),
        ip_accesses: Vec::new(),
    }
}

/// The owners of a customer as the approval gate sees them (R3, R5), in the order the customer's
/// file lists them.
pub(super) fn owner_statuses(
    conn: &workbench_store::rusqlite::Connection,
    customer_id: &str,
) -> Result<Vec<rules::OwnerStatus>, StoreError> {
    let Some(detail) = customers_store::detail(conn, customer_id)? else {
        return Ok(Vec::new());
    };
    let checks = store::owner_checks(conn, customer_id)?;
    Ok(owner_statuses_of(conn, &detail.owners, &checks)?.into_iter().map(|(status, _)| status).collect())
}

/// [`owner_statuses`] of owners already read, with their checks; each with its newest
/// determination's reason.
fn owner_statuses_of(
    conn: &workbench_store::rusqlite::Connection,
    owners: &[workbench_store::customers::OwnerDetail],
    checks: &[(String, store::Check)],
) -> Result<Vec<(rules::OwnerStatus, Option<String>)>, StoreError> {
    owners
        .iter()
        .map(|o| {
            let determination = store::determination(conn, &format!("owner:{}", o.id))?;
            let status = rules::OwnerStatus {
                ownership_pct: o.ownership_pct,
                control: o.control,
                us_person: workbench_core::verification::code(&o.us_person).unwrap_or(UsPerson::Undetermined),
                determined_with_evidence: determination.as_ref().is_some_and(|d| d.evidence_id.is_some()),
                checks: checks
                    .iter()
                    .filter(|(owner, _)| *owner == o.id)
                    .map(|(_, c)| (c.element, c.outcome))
                    .collect(),
            };
            Ok((status, determination.map(|d| d.reason)))
        })
        .collect()
}

/// The postal address on one line: street, postal code and town, region, country.
pub(super) fn one_line_address(d: &CustomerDetail) -> String {
    let town = format!("{} {}", d.postal_code, d.city);
    [
        d.address_line1.as_str(),
        d.address_line2.as_str(),
        town.trim(),
        d.region.as_str(),
        d.row.country.as_str(),
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

pub(super) fn summaries(
    d: &CustomerDetail,
    evidence: &[EvidenceView],
    threshold: f64,
) -> Vec<(Element, String)> {
    let first_and_more = |items: &[String]| match items {
        [] => "none recorded".to_owned(),
        [one] => one.clone(),
        [one, rest @ ..] => format!("{one} (+{})", rest.len()),
    };
    let accesses: i64 = d.accounts.iter().map(|a| a.ip_accesses).sum();
    let admin: i64 = d.accounts.iter().map(|a| a.ip_admin).sum();
    let payment = d.accounts.first().map_or_else(
        || "no account".to_owned(),
        |a| {
            let last4 = if a.payment_last4.is_empty() {
                String::new()
            } else {
                format!(" ••{}", a.payment_last4)
            };
            let network =
                if a.payment_network.is_empty() { String::new() } else { format!(" {}", a.payment_network) };
            format!("{}{network}{last4} · {}", a.payment_method, a.payment_source)
        },
    );
    let documents = evidence.iter().filter(|e| e.element == Element::IdentityDocument.code()).count();
    let beneficial =
        d.owners.iter().filter(|o| o.control || o.ownership_pct.is_some_and(|p| p >= threshold)).count();
    Element::ALL
        .into_iter()
        .map(|e| {
            let text = match e {
                Element::Name => d.row.name.clone(),
                Element::Address => one_line_address(d),
                Element::IdentityDocument => match documents {
                    0 => "no document attached".to_owned(),
                    1 => "1 document".to_owned(),
                    n => format!("{n} documents"),
                },
                Element::Payment => payment.clone(),
                Element::Emails => first_and_more(&d.emails),
                Element::Phones => first_and_more(&d.phones),
                Element::IpAddresses => format!("{accesses} accesses ({admin} admin)"),
                Element::BeneficialOwners => {
                    if d.row.kind == "individual" {
                        "not applicable (individual)".to_owned()
                    } else {
                        format!("{} ({beneficial} beneficial)", d.owners.len())
                    }
                }
                Element::UsPerson => d.row.us_person.clone(),
            };
            (e, text)
        })
        .collect()
}

pub(super) fn decision_view(
    u: &Unlocked,
    pack: &RulePack,
    d: store::DecisionRow,
) -> Result<DecisionView, AppError> {
    Ok(DecisionView {
        reason_title: pack
            .verification
            .refusal_reasons
            .iter()
            .find(|r| r.code == d.reason_code)
            .map_or_else(|| d.reason_code.clone(), |r| r.title.clone()),
        decided_by: u.actor_name(&d.decided_by),
        second_by: d.second_by.as_deref().map(|id| u.actor_name(id)),
        id: d.id,
        kind: stored("kind", &d.kind)?,
        reason_code: d.reason_code,
        note: d.note,
        until: d.until,
        decided_by_id: d.decided_by,
        decided_at: d.decided_at,
        status: stored("status", &d.status)?,
        second_at: d.second_at,
        exemption_reference: d.exemption_reference,
    })
}

pub(crate) fn review_of(u: &Unlocked, customer_id: &str, now: DateTime<Utc>) -> Result<ReviewView, AppError> {
    let (pack, _) = crate::obligations::active_pack(u)?;
    let pack = &pack.pack;
    let db = u.workspace.db();
    let detail = db
        .read(|c| customers_store::detail(c, customer_id))?
        .ok_or_else(|| AppError::Store(StoreError::Conflict("no such customer".into())))?;
    let evidence: Vec<EvidenceView> = db
        .read(|c| store::evidence_of(c, customer_id))?
        .into_iter()
        .map(|(e, element)| EvidenceView {
            id: e.id.to_string(),
            added_by: u.actor_name(&e.added_by),
            original_name: e.original_name,
            media_type: e.media_type,
            size_bytes: e.size_bytes,
            element,
            added_at: e.added_at,
            sha256: e.sha256,
        })
        .collect();
    let checks = db.read(|c| store::current_checks(c, customer_id))?;
    let threshold = f64::from(pack.beneficial_owner.threshold.percent);
    let kind = if detail.row.kind == "entity" { CustomerKind::Entity } else { CustomerKind::Individual };
    let owners_for_rules: Vec<ImportedOwner> =
        detail.owners.iter().enumerate().map(|(i, o)| owner_for_warnings(i, o)).collect();
    let owner_warning = owner_warnings(kind, &owners_for_rules, threshold);
    let elements: Vec<ElementRow> = summaries(&detail, &evidence, threshold)
        .into_iter()
        .map(|(element, summary)| {
            let check = checks.iter().find(|c| c.element == element);
            ElementRow {
                element,
                label: element.label().to_owned(),
                summary,
                required: pack.verification.required_elements.contains(&element),
                outcome: check.map(|c| c.outcome),
                method: check.map(|c| c.method),
                reviewer: check.map(|c| u.actor_name(&c.reviewer)),
                at: check.map(|c| c.at.clone()),
                warning: match element {
                    Element::BeneficialOwners if !owner_warning.is_empty() => Some(owner_warning.join("; ")),
                    Element::Payment => detail
                        .accounts
                        .iter()
                        .map(|a| a.same_card_customers)
                        .max()
                        .filter(|n| *n > 0)
                        .map(|n| format!("the same card is on the accounts of {n} other customer(s)")),
                    _ => None,
                },
            }
        })
        .collect();
    let status: rules::ElementStatus = checks.iter().map(|c| (c.element, c.outcome)).collect();
    let owner_checks = db.read(|c| store::owner_checks(c, customer_id))?;
    let (owner_status, owner_reasons): (Vec<_>, Vec<_>) =
        db.read(|c| owner_statuses_of(c, &detail.owners, &owner_checks))?.into_iter().unzip();
    let problems = |result: Result<(), CoreError>| match result {
        Ok(()) => Vec::new(),
        Err(CoreError::Invalid(fields)) => fields.into_iter().map(|f| f.problem).collect(),
        Err(other) => vec![other.to_string()],
    };
    let today = now.with_timezone(&crate::obligations::provider_tz(u)?).date_naive();
    let exemption = crate::exemptions::customer_exemption(u, pack, customer_id, today)?.map(|e| e.reason);
    let mut approval_blockers = Vec::new();
    if exemption.is_none() {
        approval_blockers.extend(problems(rules::check_approvable(pack, &status)));
        approval_blockers.extend(problems(rules::check_owners_approvable(pack, &owner_status)));
    }
    let owner_required = rules::owner_required_elements(pack);
    let decisions: Vec<DecisionView> = db
        .read(|c| store::decisions(c, customer_id))?
        .into_iter()
        .map(|d| decision_view(u, pack, d))
        .collect::<Result<_, _>>()?;
    let queue = db.read(|c| store::item(c, customer_id))?.map(|q| list_row(u, q, now)).transpose()?;
    let determination = db.read(|c| store::determination(c, &format!("customer:{customer_id}")))?;
    let held_by_me = queue.as_ref().is_some_and(|q| q.mine && q.state == QueueState::Waiting);
    let notices = db
        .read(|c| store::notices_of(c, customer_id))?
        .into_iter()
        .map(|n| NoticeView {
            rendered_by: u.actor_name(&n.rendered_by),
            id: n.id,
            evidence_id: n.evidence_id,
            rendered_at: n.rendered_at,
            sent_on: n.sent_on,
            acknowledged_on: n.acknowledged_on,
        })
        .collect();
    Ok(ReviewView {
        customer_ref: detail.row.customer_ref.clone(),
        name: detail.row.name.clone(),
        kind: detail.row.kind.clone(),
        country: detail.row.country.clone(),
        risk_tier: detail.row.risk_tier.clone(),
        us_person: detail.row.us_person.clone(),
        us_person_reason: determination.map(|d| d.reason),
        reseller_ref: detail.row.reseller_ref.clone(),
        address: one_line_address(&detail),
        emails: detail.emails.clone(),
        phones: detail.phones.clone(),
        accounts: detail
            .accounts
            .iter()
            .map(|a| {
                Ok(AccountView {
                    account_ref: a.account_ref.clone(),
                    state: stored("state", &a.state)?,
                    payment_method: a.payment_method.clone(),
                    payment_last4: a.payment_last4.clone(),
                    payment_source: a.payment_source.clone(),
                    opened_on: a.opened_on.clone(),
                    ip_accesses: a.ip_accesses,
                    ip_admin: a.ip_admin,
                })
            })
            .collect::<Result<_, AppError>>()?,
        owners: detail
            .owners
            .iter()
            .zip(owner_status.iter().zip(owner_reasons))
            .map(|(o, (gate, reason))| {
                Ok(OwnerView {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    country: o.country.clone(),
                    ownership_pct: o.ownership_pct,
                    control: o.control,
                    us_person: o.us_person.clone(),
                    us_person_reason: reason,
                    determined_with_evidence: gate.determined_with_evidence,
                    beneficial: gate.is_beneficial(threshold),
                    address: [
                        o.address_line1.as_str(),
                        format!("{} {}", o.postal_code, o.city).trim(),
                        &o.country,
                    ]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
                    emails: split_list(&o.emails),
                    phones: split_list(&o.phones),
                    ip_accesses: o
                        .ip_accesses
                        .iter()
                        .map(|(ip, at)| OwnerAccessView { ip: ip.clone(), accessed_at: at.clone() })
                        .collect(),
                    elements: owner_elements(u, o, gate, &owner_checks, &owner_required, &evidence),
                    missing: gate.missing(pack).into_iter().map(|e| e.label().to_owned()).collect(),
                })
            })
            .collect::<Result<_, AppError>>()?,
        pending_refusal: decisions.iter().rev().find(|d| d.status == DecisionStatus::AwaitingSecond).cloned(),
        elements,
        evidence,
        decisions,
        queue,
        approval_blockers,
        held_by_me,
        methods: pack.verification.methods.clone(),
        refusal_reasons: pack.verification.refusal_reasons.clone(),
        notices,
        national_id: db.read(|c| customers_store::national_id(c, customer_id))?,
        terms: super::terms::terms_of(
            u,
            customer_id,
            now.with_timezone(&crate::obligations::provider_tz(u)?).date_naive(),
        )?,
        pending_terms: pack.verification.pending.as_ref().map(|p| p.terms.clone()).unwrap_or_default(),
        pending_decide_days: pack.verification.pending.as_ref().map(|p| p.decide_days),
        appeals: super::terms::appeals_of(u, customer_id)?,
        exemption,
    })
}

fn split_list(text: &str) -> Vec<String> {
    text.split(';').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// One owner's elements on the review screen: what its record says, the newest check, whether the
/// pack requires it (R5). The U.S.-person row shows the determination.
fn owner_elements(
    u: &Unlocked,
    o: &workbench_store::customers::OwnerDetail,
    gate: &rules::OwnerStatus,
    checks: &[(String, store::Check)],
    required: &[Element],
    evidence: &[EvidenceView],
) -> Vec<ElementRow> {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => "none recorded".to_owned(),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    let documents = evidence.iter().filter(|e| e.element == Element::IdentityDocument.code()).count();
    rules::OWNER_ELEMENTS
        .into_iter()
        .map(|element| {
            let check =
                checks.iter().find(|(owner, c)| *owner == o.id && c.element == element).map(|(_, c)| c);
            let summary = match element {
                Element::Name => o.name.clone(),
                Element::Address if o.address_line1.is_empty() && o.city.is_empty() => {
                    "none recorded".to_owned()
                }
                Element::Address => format!("{}, {} {}", o.address_line1, o.postal_code, o.city),
                Element::IdentityDocument => {
                    format!("{} attached to the customer", count(documents, "document", "documents"))
                }
                Element::Emails => count(split_list(&o.emails).len(), "address", "addresses"),
                Element::Phones => count(split_list(&o.phones).len(), "number", "numbers"),
                Element::IpAddresses => count(o.ip_accesses.len(), "access", "accesses"),
                _ => match (gate.us_person, gate.determined_with_evidence) {
                    (UsPerson::Undetermined, _) => "undetermined".to_owned(),
                    (status, true) => {
                        format!("{} (determined with evidence)", customers_store::us_person_code(status))
                    }
                    (status, false) => format!(
                        "{} (as given; no determination with evidence)",
                        customers_store::us_person_code(status)
                    ),
                },
            };
            let determined = element == Element::UsPerson
                && gate.us_person != UsPerson::Undetermined
                && gate.determined_with_evidence;
            ElementRow {
                element,
                label: element.label().to_owned(),
                summary,
                required: required.contains(&element),
                outcome: if element == Element::UsPerson {
                    determined.then_some(workbench_core::verification::Outcome::Verified)
                } else {
                    check.map(|c| c.outcome)
                },
                method: check.map(|c| c.method),
                reviewer: check.map(|c| u.actor_name(&c.reviewer)),
                at: check.map(|c| c.at.clone()),
                warning: None,
            }
        })
        .collect()
}
