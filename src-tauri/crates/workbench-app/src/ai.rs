//! Covered AI-training transactions (R23–R26) as use cases: the case register with arrangement
//! versions evaluated under the active pack (every step of the arithmetic kept), metered usage
//! imports that open cases for review, the obligations they raise (report, update, reseller
//! transmittal), the report's snapshot for the filing engine, and foreign resellers' own reports
//! (R24) and failures (R25).
//!
//! A case's obligations are derived from its versions under the *active* pack each time
//! obligations are computed, so a new pack re-evaluates every open case; each version also keeps
//! the coverage it had under the pack in force when it was recorded, and the register says which
//! cases a pack change moved.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::ai::{
    self as core, Arrangement, Catalogue, Coverage, Evaluation, NewArrangement, USAGE_COLUMNS, UsageTotals,
};
use workbench_core::filing::{AiAccountLine, AiPerson, IpLine, Snapshot};
use workbench_core::import::RowError;
use workbench_core::obligations::{Event, EventKind, Obligation, ObligationKind};
use workbench_core::quantity::sci;
use workbench_core::rules::{LoadedPack, RulePack};
use workbench_core::{CoreError, ai::Step};
use workbench_store::ai::{self as store, ArrangementRow, CaseRow};

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// Where a case's report stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiReportState")]
pub struct ReportState {
    /// The newest AI filing of the case (id), if any.
    pub filing_id: Option<String>,
    /// Its state code (`draft`, `approved`, `filed`).
    pub state: Option<String>,
    /// The original report was filed (on this date).
    pub filed_on: Option<String>,
    /// The version the newest filed report covers.
    pub reported_version: Option<u32>,
}

/// A case as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiCaseView")]
pub struct CaseView {
    /// Id.
    pub id: String,
    /// Customer reference.
    pub customer_ref: String,
    /// Customer name.
    pub customer_name: String,
    /// Country.
    pub country: String,
    /// `manual` or `usage`.
    pub origin: String,
    /// `review` (opened by usage, waiting for a person), `open` or `closed`.
    pub state: String,
    /// Why it was opened.
    pub summary: String,
    /// Opened (RFC 3339).
    pub opened_at: String,
    /// By whom.
    pub opened_by: String,
    /// Why it was closed.
    pub close_reason: String,
    /// Arrangement versions.
    pub versions: u32,
    /// The newest version's coverage under the active pack.
    pub coverage: Option<Coverage>,
    /// Its coverage under the pack in force when it was recorded.
    pub recorded_coverage: Option<Coverage>,
    /// What a pack change did to the case, in words.
    pub pack_change: Option<String>,
    /// Why the case cannot be evaluated, when it cannot.
    pub problem: Option<String>,
    /// The report.
    pub report: ReportState,
    /// The open report or update obligation's due date.
    #[ts(type = "string | null")]
    pub due: Option<NaiveDate>,
    /// Its key.
    pub due_key: Option<String>,
}

/// A usage batch as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiUsageBatch")]
pub struct BatchView {
    /// Id.
    pub id: String,
    /// File name.
    pub file_name: String,
    /// Rows.
    #[ts(type = "number")]
    pub rows: i64,
    /// When.
    pub imported_at: String,
}

/// A reseller's report as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiResellerReportView")]
pub struct ResellerReportView {
    /// Id.
    pub id: String,
    /// Reseller.
    pub reseller_ref: String,
    /// Its customer.
    pub customer_name: String,
    /// Country.
    pub country: String,
    /// Transaction.
    pub transaction_on: String,
    /// Knowledge.
    pub known_on: String,
    /// Summary.
    pub summary: String,
    /// The document in the vault.
    pub evidence_id: String,
    /// Transmitted: "on via channel, reference".
    pub transmitted: Option<String>,
    /// The transmittal's due date while not transmitted.
    #[ts(type = "string | null")]
    pub due: Option<NaiveDate>,
}

/// One catalogue line, as the screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiCatalogueLine")]
pub struct CatalogueLine {
    /// Model.
    pub model: String,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// Peak at the pack's precision, e.g. `9.8940e14 op/s`.
    pub peak: String,
    /// Source.
    pub source: String,
    /// Assumed by the pack.
    pub assumed: bool,
}

/// The register at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiOverview")]
pub struct Overview {
    /// Every case, newest first.
    pub cases: Vec<CaseView>,
    /// Usage imports, newest first.
    pub batches: Vec<BatchView>,
    /// Resellers' reports, newest first.
    pub reseller_reports: Vec<ResellerReportView>,
    /// The active pack.
    pub pack_id: String,
    /// The precision the arithmetic uses.
    pub precision: String,
    /// The usage window, days.
    #[ts(type = "number")]
    pub window_days: i64,
    /// Utilisation, percent.
    pub utilisation_percent: u32,
    /// "Could be" fraction, percent.
    pub could_be_percent: u32,
    /// The catalogue.
    pub catalogue: Vec<CatalogueLine>,
    /// The pack's red flags (key, title).
    pub red_flags: Vec<(String, String)>,
    /// The pack's conditions, as label/value lines.
    pub conditions: Vec<(String, String)>,
    /// Why nothing can be evaluated (a pack without `[ai]`).
    pub problem: Option<String>,
}

/// One arrangement version with its evaluation under the active pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiVersionView")]
pub struct VersionView {
    /// Version.
    pub version: u32,
    /// What was recorded.
    pub arrangement: Arrangement,
    /// Under the active pack.
    pub evaluation: Option<Evaluation>,
    /// Why not, when it cannot be evaluated.
    pub problem: Option<String>,
    /// Coverage when recorded.
    pub recorded_coverage: Coverage,
    /// Under which pack.
    pub recorded_pack_id: String,
    /// When.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
    /// What changed from the version before.
    pub changes: Vec<String>,
}

/// A case with everything about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiCaseDetail")]
pub struct CaseDetail {
    /// The case.
    pub case: CaseView,
    /// Its versions, oldest first.
    pub versions: Vec<VersionView>,
    /// Its filings.
    pub filings: Vec<crate::filings::FilingView>,
    /// Its obligations.
    pub obligations: Vec<Obligation>,
    /// The customer's metered usage over the window, when any.
    pub usage: Option<UsageLine>,
}

fn pack_of(u: &Unlocked) -> Result<LoadedPack, AppError> {
    Ok(crate::obligations::active_pack(u)?.0)
}

fn today(ctx: &Context, u: &Unlocked) -> Result<NaiveDate, AppError> {
    Ok(ctx.clock().now().with_timezone(&crate::obligations::provider_tz(u)?).date_naive())
}

/// The newest AI filing of a case and what its filed reports cover.
fn report_state(filings: &[workbench_store::filings::FilingRow], case_id: &str) -> ReportState {
    let mine: Vec<&workbench_store::filings::FilingRow> = filings
        .iter()
        .filter(|f| f.kind == "ai_report" && f.state != "discarded" && filing_case(f) == Some(case_id))
        .collect();
    let original = mine.iter().find(|f| f.state == "filed" && f.event_id.as_deref() == Some(case_id));
    let reported_version = mine.iter().filter(|f| f.state == "filed").filter_map(|f| filing_version(f)).max();
    let newest = mine.iter().max_by(|a, b| a.drafted_at.cmp(&b.drafted_at));
    ReportState {
        filing_id: newest.map(|f| f.id.clone()),
        state: newest.map(|f| f.state.clone()),
        filed_on: original.and_then(|f| f.filed_on.clone()),
        reported_version,
    }
}

/// The case an AI filing reports (`<case>` or `<case>:<version>` in its event id).
fn filing_case(f: &workbench_store::filings::FilingRow) -> Option<&str> {
    f.event_id.as_deref().map(|e| e.split(':').next().unwrap_or(e))
}

/// The version an AI filing covers, read from its frozen snapshot.
fn filing_version(f: &workbench_store::filings::FilingRow) -> Option<u32> {
    match serde_json::from_str::<Snapshot>(&f.snapshot).ok()? {
        Snapshot::AiReport { version, .. } => Some(version),
        _ => None,
    }
}

fn evaluate_all(rows: &[ArrangementRow], pack: &RulePack) -> Vec<Result<Evaluation, String>> {
    rows.iter().map(|r| core::evaluate(&r.arrangement, pack).map_err(|e| e.to_string())).collect()
}

fn case_view(
    u: &Unlocked,
    row: &CaseRow,
    versions: &[ArrangementRow],
    evaluations: &[Result<Evaluation, String>],
    filings: &[workbench_store::filings::FilingRow],
    obligations: &[Obligation],
    pack: &LoadedPack,
) -> CaseView {
    let latest = versions.last();
    let evaluation = evaluations.last();
    let coverage = evaluation.and_then(|e| e.as_ref().ok()).map(|e| e.coverage);
    let recorded_coverage = latest.map(|v| v.coverage);
    let pack_change = match (latest, coverage) {
        (Some(v), Some(now)) if v.pack_sha256 != pack.sha256 && now != v.coverage => Some(format!(
            "{} under {} when recorded; {} under the active pack {}",
            v.coverage.label(),
            v.pack_id,
            now.label(),
            pack.pack.pack.id
        )),
        _ => None,
    };
    let open: Vec<&Obligation> = obligations
        .iter()
        .filter(|o| {
            o.met.is_none()
                && matches!(o.kind, ObligationKind::AiReport | ObligationKind::AiReportUpdate)
                && o.key.split(':').nth(1) == Some(row.id.as_str())
        })
        .collect();
    let first_due = open.iter().min_by_key(|o| o.due_date);
    CaseView {
        id: row.id.clone(),
        customer_ref: row.customer_ref.clone(),
        customer_name: row.customer_name.clone(),
        country: row.country.clone(),
        origin: row.origin.clone(),
        state: row.state.clone(),
        summary: row.summary.clone(),
        opened_at: row.opened_at.clone(),
        opened_by: u.actor_name(&row.opened_by),
        close_reason: row.close_reason.clone(),
        versions: u32::try_from(versions.len()).unwrap_or(u32::MAX),
        coverage,
        recorded_coverage,
        pack_change,
        problem: evaluation.and_then(|e| e.as_ref().err().cloned()),
        report: report_state(filings, &row.id),
        due: first_due.map(|o| o.due_date),
        due_key: first_due.map(|o| o.key.clone()),
    }
}

/// The events the cases give rise to under `pack` (R23): a case becomes reportable at its first
/// version evaluated covered or could-be; each version after the one originally reported owes an
/// update. A closed case gives none unless it was reported.
pub(crate) fn events(
    conn: &workbench_store::rusqlite::Connection,
    pack: &RulePack,
) -> Result<Vec<Event>, AppError> {
    let cases = store::cases(conn)?;
    let filings = workbench_store::filings::list(conn)?;
    let mut out = Vec::new();
    for case in &cases {
        let versions = store::arrangements(conn, &case.id)?;
        let state = report_state(&filings, &case.id);
        if case.state == "closed" && state.filed_on.is_none() {
            continue;
        }
        let evaluations = evaluate_all(&versions, pack);
        let Some(first) = versions
            .iter()
            .zip(&evaluations)
            .find(|(_, e)| e.as_ref().is_ok_and(|e| e.coverage.reportable()))
            .map(|(v, _)| v)
        else {
            continue;
        };
        let noon = |d: NaiveDate| -> DateTime<Utc> {
            d.and_hms_opt(12, 0, 0).map_or_else(Utc::now, |t| t.and_utc())
        };
        let a = &first.arrangement;
        out.push(Event {
            id: format!("ai:{}", case.id),
            occurred_at: noon(a.known_on),
            kind: EventKind::AiCaseReportable {
                case: case.id.clone(),
                customer: case.customer_ref.clone(),
                transaction_on: a.transaction_on,
                known_on: a.known_on,
                transaction_value_usd: a.value_usd,
            },
        });
        let original = filings.iter().find(|f| {
            f.kind == "ai_report" && f.state == "filed" && f.event_id.as_deref() == Some(case.id.as_str())
        });
        if let Some(original) = original {
            let reported = filing_version(original).unwrap_or(0);
            for v in versions.iter().filter(|v| v.version > reported) {
                out.push(Event {
                    id: format!("ai:{}:{}", case.id, v.version),
                    occurred_at: noon(v.arrangement.known_on),
                    kind: EventKind::AiArrangementChanged {
                        case: case.id.clone(),
                        customer: case.customer_ref.clone(),
                        version: v.version,
                        changed_on: v.arrangement.transaction_on,
                        known_on: v.arrangement.known_on,
                        original_filing: original.id.clone(),
                    },
                });
            }
        }
    }
    for r in store::reseller_reports(conn)? {
        let (Ok(transaction_on), Ok(known_on)) = (r.transaction_on.parse(), r.known_on.parse()) else {
            continue;
        };
        out.push(Event {
            id: format!("ai-reseller:{}", r.id),
            occurred_at: chrono::NaiveDate::and_hms_opt(&known_on, 12, 0, 0)
                .map_or_else(Utc::now, |t| t.and_utc()),
            kind: EventKind::AiResellerReport {
                report: r.id.clone(),
                reseller: r.reseller_ref.clone(),
                customer: r.customer_name.clone(),
                transaction_on,
                known_on,
            },
        });
    }
    Ok(out)
}

fn conditions(pack: &RulePack) -> Vec<(String, String)> {
    let c = &pack.ai_conditions;
    let mark = |assumed: bool| if assumed { " ⚠ assumed" } else { "" };
    let line = |label: &str, p: &workbench_core::rules::ConditionParam, unit: &str| {
        let sign = if p.inclusive { "≥" } else { ">" };
        (label.to_owned(), format!("{sign} {} {unit} ({}){}", p.value, p.rid, mark(p.assumed)))
    };
    let mut out = vec![
        line("Training operations", &c.training_operations, "op"),
        line("Cluster peak", &c.cluster_operations_per_second, "op/s"),
        line("Cluster network", &c.cluster_network_gbps, "Gbit/s"),
    ];
    if let Some(m) = &pack.ai {
        out.push(("Precision counted".into(), m.precision.clone()));
        out.push((
            "Utilisation".into(),
            format!("{} % ({}){}", m.utilisation.percent, m.utilisation.rid, mark(m.utilisation.assumed)),
        ));
        out.push((
            "Could be covered from".into(),
            format!("{} % of a threshold, or a red flag{}", m.could_be.percent, mark(m.could_be.assumed)),
        ));
    }
    out
}

/// The register: cases (with their coverage under the active pack), usage batches, resellers'
/// reports, and the pack's catalogue.
pub fn overview(ctx: &Context, session: &Session) -> Result<Overview, AppError> {
    let obligations = crate::obligations::obligations_list(ctx, session)?.obligations;
    session.with(ctx, |u| {
        let pack = pack_of(u)?;
        let (cases, filings, batches, reports) = u.workspace.db().read(|c| {
            let cases = store::cases(c)?
                .into_iter()
                .map(|row| Ok((store::arrangements(c, &row.id)?, row)))
                .collect::<Result<Vec<_>, workbench_store::StoreError>>()?;
            Ok((cases, workbench_store::filings::list(c)?, store::batches(c)?, store::reseller_reports(c)?))
        })?;
        let views = cases
            .iter()
            .map(|(versions, row)| {
                let evaluations = evaluate_all(versions, &pack.pack);
                case_view(u, row, versions, &evaluations, &filings, &obligations, &pack)
            })
            .collect();
        let catalogue = Catalogue::of(&pack.pack);
        let model = pack.pack.ai.as_ref();
        Ok(Overview {
            cases: views,
            batches: batches
                .into_iter()
                .map(|b| BatchView {
                    id: b.id,
                    file_name: b.file_name,
                    rows: b.rows,
                    imported_at: b.imported_at,
                })
                .collect(),
            reseller_reports: reports
                .into_iter()
                .map(|r| {
                    let key = format!("{}:{}", ObligationKind::AiResellerTransmit.code(), r.id);
                    let due =
                        obligations.iter().find(|o| o.key == key && o.met.is_none()).map(|o| o.due_date);
                    ResellerReportView {
                        transmitted: r.transmitted.map(|(on, channel, reference)| {
                            let reference = if reference.is_empty() {
                                String::new()
                            } else {
                                format!(", reference {reference}")
                            };
                            format!("{on} via {channel}{reference}")
                        }),
                        due,
                        id: r.id,
                        reseller_ref: r.reseller_ref,
                        customer_name: r.customer_name,
                        country: r.country,
                        transaction_on: r.transaction_on,
                        known_on: r.known_on,
                        summary: r.summary,
                        evidence_id: r.evidence_id,
                    }
                })
                .collect(),
            pack_id: pack.pack.pack.id.clone(),
            precision: model.map_or_else(String::new, |m| m.precision.clone()),
            window_days: model.map_or(0, |m| m.usage_window.days),
            utilisation_percent: model.map_or(0, |m| m.utilisation.percent),
            could_be_percent: model.map_or(0, |m| m.could_be.percent),
            catalogue: catalogue
                .as_ref()
                .map(|cat| {
                    cat.model()
                        .accelerators
                        .iter()
                        .map(|a| CatalogueLine {
                            model: a.model.clone(),
                            aliases: a.aliases.clone(),
                            peak: format!("{} op/s", sci(cat.peak(a))),
                            source: a.source.clone(),
                            assumed: a.assumed,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            red_flags: model
                .map(|m| m.red_flags.iter().map(|f| (f.key.clone(), f.title.clone())).collect())
                .unwrap_or_default(),
            conditions: conditions(&pack.pack),
            problem: catalogue.err().map(|e| e.to_string()),
        })
    })
}

/// What changed between two versions, in sentences.
fn changes(before: &Arrangement, after: &Arrangement) -> Vec<String> {
    let mut out = Vec::new();
    let mut diff = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{what}: {a} → {b}"));
        }
    };
    diff(
        "Accelerators",
        format!("{} × {}", before.count, before.accelerator),
        format!("{} × {}", after.count, after.accelerator),
    );
    diff(
        "Interconnect",
        format!("{} Gbit/s", before.interconnect_gbps.plain()),
        format!("{} Gbit/s", after.interconnect_gbps.plain()),
    );
    diff(
        "Period",
        format!("{} to {}", before.starts_on, before.ends_on),
        format!("{} to {}", after.starts_on, after.ends_on),
    );
    diff("Purpose", before.purpose.clone(), after.purpose.clone());
    diff(
        "Reseller",
        before.reseller_ref.clone().unwrap_or_else(|| "none".into()),
        after.reseller_ref.clone().unwrap_or_else(|| "none".into()),
    );
    diff("Accounts", before.accounts.join(", "), after.accounts.join(", "));
    let flags = |a: &Arrangement| a.red_flags.iter().map(|f| f.key.clone()).collect::<Vec<_>>().join(", ");
    diff("Red flags", flags(before), flags(after));
    let value = |a: &Arrangement| {
        a.value_usd.map_or_else(
            || "not recorded".into(),
            |v| format!("${}", workbench_core::quantity::grouped(v.into())),
        )
    };
    diff("Value", value(before), value(after));
    out
}

/// One case with its versions (each evaluated under the active pack), filings and obligations.
pub fn case_get(ctx: &Context, session: &Session, id: &str) -> Result<CaseDetail, AppError> {
    let obligations = crate::obligations::obligations_list(ctx, session)?.obligations;
    let all_filings = crate::filings::filing_list(ctx, session)?;
    session.with(ctx, |u| {
        let pack = pack_of(u)?;
        let (row, versions, filings) = u.workspace.db().read(|c| {
            Ok((store::case(c, id)?, store::arrangements(c, id)?, workbench_store::filings::list(c)?))
        })?;
        let row = row.ok_or_else(|| CoreError::invalid("case", format!("there is no AI case {id}")))?;
        let evaluations = evaluate_all(&versions, &pack.pack);
        let case = case_view(u, &row, &versions, &evaluations, &filings, &obligations, &pack);
        let mine: HashSet<&str> = filings
            .iter()
            .filter(|f| f.kind == "ai_report" && filing_case(f) == Some(id))
            .map(|f| f.id.as_str())
            .collect();
        let version_views = versions
            .iter()
            .zip(evaluations)
            .enumerate()
            .map(|(i, (v, e))| VersionView {
                version: v.version,
                changes: if i == 0 {
                    Vec::new()
                } else {
                    changes(&versions[i - 1].arrangement, &v.arrangement)
                },
                arrangement: v.arrangement.clone(),
                problem: e.as_ref().err().cloned(),
                evaluation: e.ok(),
                recorded_coverage: v.coverage,
                recorded_pack_id: v.pack_id.clone(),
                recorded_at: v.recorded_at.clone(),
                recorded_by: u.actor_name(&v.recorded_by),
            })
            .collect();
        Ok(CaseDetail {
            usage: usage_lines_of(ctx, u, Some(&row.customer_id))?.into_iter().next(),
            case,
            versions: version_views,
            filings: all_filings.iter().filter(|f| mine.contains(f.id.as_str())).cloned().collect(),
            obligations: obligations.into_iter().filter(|o| o.key.split(':').nth(1) == Some(id)).collect(),
        })
    })
}

/// A new case.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export, rename = "AiNewCase")]
pub struct NewCase {
    /// The customer's reference.
    pub customer_ref: String,
    /// Why the case is opened.
    #[serde(default)]
    pub summary: String,
}

fn not_viewer(u: &Unlocked, what: &str) -> Result<(), AppError> {
    if u.actor.role == workbench_core::Role::Viewer {
        return Err(AppError::Forbidden(format!("a viewer cannot {what}")));
    }
    Ok(())
}

/// Opens a case for a foreign customer (officers and reviewers). Returns its id.
pub fn case_add(ctx: &Context, session: &Session, new: &NewCase) -> Result<String, AppError> {
    let customer_ref = new.customer_ref.trim();
    if customer_ref.is_empty() {
        return Err(CoreError::invalid("customer_ref", "name the customer").into());
    }
    let summary = new.summary.trim();
    if summary.chars().count() > 2_000 {
        return Err(CoreError::invalid("summary", "is longer than 2,000 characters").into());
    }
    session.with(ctx, |u| {
        not_viewer(u, "open an AI case")?;
        let customer_id = foreign_customer(u, customer_ref)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        Ok(u.workspace
            .db_mut()
            .write(|tx| store::open_case(tx, &customer_id, store::Origin::Manual, summary, me, at))?)
    })
}

/// The id of a customer who is not a U.S. person.
fn foreign_customer(u: &Unlocked, customer_ref: &str) -> Result<String, AppError> {
    let (id, us) = u
        .workspace
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT id, us_person FROM customer WHERE customer_ref = ?1",
                [customer_ref],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .ok())
        })?
        .ok_or_else(|| CoreError::invalid("customer_ref", format!("there is no customer {customer_ref}")))?;
    if us == "yes" {
        return Err(CoreError::invalid(
            "customer_ref",
            format!("{customer_ref} is a U.S. person; R23 reports concern foreign persons"),
        )
        .into());
    }
    Ok(id)
}

/// Adds an arrangement version to a case (officers and reviewers): validated against the pack's
/// catalogue and red flags, evaluated, stored with its coverage. Returns the version with its
/// evaluation.
pub fn arrangement_add(
    ctx: &Context,
    session: &Session,
    case_id: &str,
    new: &NewArrangement,
) -> Result<VersionView, AppError> {
    session.with(ctx, |u| {
        not_viewer(u, "record an arrangement")?;
        let pack = pack_of(u)?;
        let catalogue = Catalogue::of(&pack.pack)?;
        let arrangement = new.validate(&catalogue, today(ctx, u)?)?;
        let case = u
            .workspace
            .db()
            .read(|c| store::case(c, case_id))?
            .ok_or_else(|| CoreError::invalid("case", format!("there is no AI case {case_id}")))?;
        if case.state == "closed" {
            return Err(CoreError::invalid("case", format!("AI case {case_id} is closed")).into());
        }
        // The accounts named must be the customer's own.
        if !arrangement.accounts.is_empty() {
            let owned: HashSet<String> = u.workspace.db().read(|c| {
                let mut s = c.prepare("SELECT account_ref FROM account WHERE customer_id = ?1")?;
                let refs = s.query_map([&case.customer_id], |r| r.get::<_, String>(0))?;
                Ok(refs.collect::<Result<HashSet<_>, _>>()?)
            })?;
            if let Some(stranger) = arrangement.accounts.iter().find(|a| !owned.contains(*a)) {
                return Err(CoreError::invalid(
                    "accounts",
                    format!("{stranger} is not an account of {}", case.customer_ref),
                )
                .into());
            }
        }
        if let Some(reseller) = &arrangement.reseller_ref {
            let known =
                u.workspace.db().read(|c| workbench_store::resellers::statuses(c, &[reseller.as_str()]))?;
            if known.is_empty() {
                return Err(CoreError::invalid(
                    "reseller_ref",
                    format!("there is no reseller {reseller} in the register"),
                )
                .into());
            }
        }
        let evaluation = core::evaluate(&arrangement, &pack.pack)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let under = store::Under { pack_id: &pack.pack.pack.id, pack_sha256: &pack.sha256 };
        let version = u.workspace.db_mut().write(|tx| {
            store::add_arrangement(tx, case_id, &arrangement, evaluation.coverage, under, me, at)
        })?;
        let versions = u.workspace.db().read(|c| store::arrangements(c, case_id))?;
        let before = versions.iter().rev().nth(1).map(|v| &v.arrangement);
        Ok(VersionView {
            version,
            changes: before.map(|b| changes(b, &arrangement)).unwrap_or_default(),
            arrangement,
            evaluation: Some(evaluation.clone()),
            problem: None,
            recorded_coverage: evaluation.coverage,
            recorded_pack_id: pack.pack.pack.id.clone(),
            recorded_at: workbench_store::audit::timestamp(&at),
            recorded_by: u.actor.name.clone(),
        })
    })
}

/// Reads an arrangement file and adds it to a case.
pub fn arrangement_add_file(
    ctx: &Context,
    session: &Session,
    case_id: &str,
    path: &Path,
) -> Result<VersionView, AppError> {
    let bytes = crate::limits::read_import(path)?;
    let text = String::from_utf8(bytes).map_err(|_| CoreError::invalid("file", "is not UTF-8 text"))?;
    arrangement_add(ctx, session, case_id, &NewArrangement::from_toml(&text)?)
}

/// The evaluation of a case's versions under the active pack (the CLI's `ai evaluate`).
pub fn evaluate_case(ctx: &Context, session: &Session, case_id: &str) -> Result<Vec<VersionView>, AppError> {
    Ok(case_get(ctx, session, case_id)?.versions)
}

/// Closes a case with the reason (officers). A case whose report is owed and not filed stays
/// open: a covered case is reported (R23); a *could be* case may be closed by a person deciding
/// it is not reportable, with the reason kept.
pub fn case_close(ctx: &Context, session: &Session, case_id: &str, reason: &str) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CoreError::invalid("reason", "say why the case is closed").into());
    }
    let detail = case_get(ctx, session, case_id)?;
    if detail.case.state == "closed" {
        return Err(CoreError::invalid("case", "is already closed").into());
    }
    if detail.case.coverage == Some(Coverage::Covered) && detail.case.report.filed_on.is_none() {
        return Err(CoreError::invalid(
            "case",
            "is covered under the active pack and not yet reported: file its report (R23) before closing it",
        )
        .into());
    }
    session.with(ctx, |u| {
        u.require_officer("close an AI case")?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        Ok(u.workspace.db_mut().write(|tx| store::close_case(tx, case_id, reason, me, at))?)
    })
}

/// One customer's metered usage over the window, judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiUsageLine")]
pub struct UsageLine {
    /// Customer reference.
    pub customer_ref: String,
    /// Name.
    pub customer_name: String,
    /// Country.
    pub country: String,
    /// Coverage of the usage alone.
    pub coverage: Coverage,
    /// Operations available over the window, scientific.
    pub operations: String,
    /// Share of the training threshold.
    pub share: String,
    /// Largest cluster seen.
    pub cluster: String,
    /// The arithmetic.
    pub steps: Vec<Step>,
}

/// What evaluating usage did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiUsageEvaluation")]
pub struct UsageEvaluation {
    /// The window's first day.
    #[ts(type = "string")]
    pub from: NaiveDate,
    /// Customers with usage in the window.
    #[ts(type = "number")]
    pub customers: u64,
    /// Those at or over the "could be" fraction or a threshold, highest share first.
    pub flagged: Vec<UsageLine>,
    /// Cases opened for review (customer references).
    pub opened: Vec<String>,
}

fn judge_usage(
    pack: &RulePack,
    sums: &[store::UsageSum],
) -> Result<Vec<(String, Coverage, UsageLine)>, AppError> {
    let mut by_customer: BTreeMap<&str, UsageTotals> = BTreeMap::new();
    for s in sums {
        let t = by_customer.entry(s.customer_id.as_str()).or_default();
        t.by_model.push((s.accelerator.clone(), s.milli_hours, s.peak));
        t.micro_gbps = t.micro_gbps.max(s.micro_gbps);
    }
    let mut out = Vec::with_capacity(by_customer.len());
    for (customer, totals) in by_customer {
        let (figures, steps) = core::usage_figures(pack, &totals)?;
        let (coverage, tests, _) = core::judge(pack, &figures)?;
        out.push((
            customer.to_owned(),
            coverage,
            UsageLine {
                customer_ref: String::new(),
                customer_name: String::new(),
                country: String::new(),
                coverage,
                operations: tests[0].figure.clone(),
                share: tests[0].share.clone(),
                cluster: tests[1].figure.clone(),
                steps,
            },
        ));
    }
    Ok(out)
}

type Names = HashMap<String, (String, String, String)>;

/// Every customer's (reference, name, country) by id.
fn names(conn: &workbench_store::rusqlite::Connection) -> Result<Names, workbench_store::StoreError> {
    let mut s = conn.prepare("SELECT id, customer_ref, name, country FROM customer")?;
    let rows = s.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every customer's usage over the window, judged (for the screen and the dossier).
pub fn usage_lines(ctx: &Context, session: &Session) -> Result<Vec<UsageLine>, AppError> {
    session.with(ctx, |u| usage_lines_of(ctx, u, None))
}

/// The usage lines of every customer, or of one (a case's dossier reads only its customer's).
fn usage_lines_of(
    ctx: &Context,
    u: &Unlocked,
    customer_id: Option<&str>,
) -> Result<Vec<UsageLine>, AppError> {
    let pack = pack_of(u)?;
    let Some(model) = &pack.pack.ai else { return Ok(Vec::new()) };
    let from = window_start(today(ctx, u)?, model.usage_window.days);
    let (sums, names) =
        u.workspace.db().read(|c| Ok((store::usage_sums(c, from, customer_id)?, names(c)?)))?;
    let mut lines: Vec<UsageLine> = judge_usage(&pack.pack, &sums)?
        .into_iter()
        .map(|(id, _, mut line)| {
            if let Some((r, n, c)) = names.get(&id) {
                (line.customer_ref, line.customer_name, line.country) = (r.clone(), n.clone(), c.clone());
            }
            line
        })
        .collect();
    lines.sort_by(|a, b| b.coverage.cmp(&a.coverage).then_with(|| a.customer_ref.cmp(&b.customer_ref)));
    Ok(lines)
}

fn window_start(today: NaiveDate, days: i64) -> NaiveDate {
    today.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(today)
}

/// Sums every foreign customer's usage over the pack's rolling window and opens a case for review
/// for each customer at or over the "could be" fraction or a threshold who has no case open —
/// never a report: a person decides.
pub fn usage_evaluate(ctx: &Context, session: &Session) -> Result<UsageEvaluation, AppError> {
    session.with(ctx, |u| {
        not_viewer(u, "evaluate usage")?;
        let pack = pack_of(u)?;
        let model = Catalogue::of(&pack.pack)?.model();
        let today = today(ctx, u)?;
        let from = window_start(today, model.usage_window.days);
        let sums = u.workspace.db().read(|c| store::usage_sums(c, from, None))?;
        let judged = judge_usage(&pack.pack, &sums)?;
        let customers = judged.len() as u64;
        let (names, open) = u.workspace.db().read(|c| {
            let open: HashSet<String> = store::cases(c)?
                .into_iter()
                .filter(|k| k.state != "closed")
                .map(|k| k.customer_id)
                .collect();
            Ok((names(c)?, open))
        })?;
        let mut flagged: Vec<(String, UsageLine)> = judged
            .into_iter()
            .filter(|(_, c, _)| c.reportable())
            .map(|(id, _, mut line)| {
                if let Some((r, n, c)) = names.get(&id) {
                    (line.customer_ref, line.customer_name, line.country) = (r.clone(), n.clone(), c.clone());
                }
                (id, line)
            })
            .collect();
        flagged.sort_by(|a, b| b.1.coverage.cmp(&a.1.coverage).then_with(|| a.1.customer_ref.cmp(&b.1.customer_ref)));
        let to_open: Vec<&(String, UsageLine)> = flagged.iter().filter(|(id, _)| !open.contains(id)).collect();
        let at = ctx.clock().now();
        let me = u.actor.id;
        if !to_open.is_empty() {
            u.workspace.db_mut().write(|tx| {
                for (id, line) in &to_open {
                    let summary = format!(
                        "Metered usage {from} to {today}: {} potential ({} of the training threshold), largest cluster {} — {}.",
                        line.operations,
                        line.share,
                        line.cluster,
                        line.coverage.label()
                    );
                    store::open_case(tx, id, store::Origin::Usage, &summary, me, at)?;
                }
                Ok(())
            })?;
        }
        Ok(UsageEvaluation {
            from,
            customers,
            opened: to_open.iter().map(|(_, l)| l.customer_ref.clone()).collect(),
            flagged: flagged.into_iter().map(|(_, l)| l).collect(),
        })
    })
}

/// What a usage import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AiUsageImportReport")]
pub struct UsageImportReport {
    /// Good rows.
    #[ts(type = "number")]
    pub rows: u64,
    /// Accounts named.
    #[ts(type = "number")]
    pub accounts: u64,
    /// Customers those accounts belong to.
    #[ts(type = "number")]
    pub customers: u64,
    /// Every bad row; when not empty, nothing was stored.
    pub errors: Vec<RowError>,
    /// Only checked.
    pub dry_run: bool,
    /// Rows stored.
    #[ts(type = "number")]
    pub stored: u64,
    /// The rolling-window evaluation after the import (not in a dry run).
    pub evaluation: Option<UsageEvaluation>,
}

/// Imports metered usage (CSV or .xlsx; template `assets/templates/ai-usage.csv`), all or
/// nothing: every row must parse, name an accelerator of the pack's catalogue and an account of
/// a foreign customer. Then evaluates the window (cases open for review). `progress(stored, all)`
/// returning `false` stops the import, keeping nothing.
pub fn usage_import(
    ctx: &Context,
    session: &Session,
    path: &Path,
    dry_run: bool,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<UsageImportReport, AppError> {
    let bytes = crate::table::as_csv(crate::limits::read_import(path)?, &USAGE_COLUMNS)?;
    let sha256 = workbench_core::audit::sha256_hex(&bytes);
    let file_name = path.file_name().map_or_else(|| "usage".into(), |n| n.to_string_lossy().into_owned());
    let report = |rows: u64, accounts: u64, customers: u64, errors: Vec<RowError>| UsageImportReport {
        rows,
        accounts,
        customers,
        errors,
        dry_run,
        stored: 0,
        evaluation: None,
    };
    let prepare = |u: &mut Unlocked| {
        not_viewer(u, "import usage")?;
        Ok((pack_of(u)?, u.actor.id))
    };
    let outcome = session.job(ctx, prepare, |mut job, (pack, by), lease| {
        let catalogue = Catalogue::of(&pack.pack)?;
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => records.push(record.iter().map(str::to_owned).collect::<Vec<String>>()),
                Ok(false) => break,
                Err(e) => {
                    let row = e.position().map_or(0, |p| p.line());
                    return Ok(report(
                        0,
                        0,
                        0,
                        vec![RowError { row, column: "(row)".into(), message: "is not valid CSV".into() }],
                    ));
                }
            }
        }
        let rows = match core::parse_usage(records, &catalogue) {
            Ok(rows) => rows,
            Err(errors) => return Ok(report(0, 0, 0, errors)),
        };
        let accounts = job.db().read(store::usage_accounts)?;
        let mut errors = Vec::new();
        let mut named: HashSet<&str> = HashSet::new();
        let mut customers: HashSet<&str> = HashSet::new();
        for r in &rows {
            match accounts.get(&r.account_ref) {
                None => errors.push(RowError {
                    row: r.row,
                    column: "account_ref".into(),
                    message: "names no account in this workspace".into(),
                }),
                Some(a) if a.us_person == "yes" => errors.push(RowError {
                    row: r.row,
                    column: "account_ref".into(),
                    message:
                        "is an account of a U.S. person; only foreign customers' usage is monitored (R23)"
                            .into(),
                }),
                Some(a) => {
                    named.insert(r.account_ref.as_str());
                    customers.insert(a.customer_id.as_str());
                }
            }
        }
        let (n, accounts_n, customers_n) = (rows.len() as u64, named.len() as u64, customers.len() as u64);
        if !errors.is_empty() || dry_run {
            return Ok(report(n, accounts_n, customers_n, errors));
        }
        let model_names: Vec<&str> =
            catalogue.model().accelerators.iter().map(|a| a.model.as_str()).collect();
        let at = ctx.clock().now();
        let total = n.max(1);
        let inserts = rows.iter().map(|r| {
            let a = &accounts[&r.account_ref];
            store::UsageInsert {
                customer_id: &a.customer_id,
                account_id: &a.account_id,
                period_start: r.period_start,
                period_end: r.period_end,
                accelerator: model_names[r.accelerator],
                milli_hours: r.milli_hours,
                peak: r.peak,
                micro_gbps: r.micro_gbps,
            }
        });
        let stop = std::cell::Cell::new(false);
        let written = job.db_mut().write(|tx| {
            let mut done = 0u64;
            let counted = inserts.inspect(|_| {
                done += 1;
                if done.is_multiple_of(20_000) && !progress(done, total) {
                    stop.set(true);
                }
            });
            store::insert_usage(
                tx,
                store::Batch { file_name: &file_name, sha256: &sha256 },
                counted,
                by,
                at,
            )?;
            // Stopped, or the workspace locked meanwhile: roll everything back.
            if stop.get() || !lease.is_current() {
                Err(workbench_store::StoreError::Cancelled)
            } else {
                Ok(())
            }
        });
        match written {
            Ok(()) => {}
            Err(workbench_store::StoreError::Cancelled) => return Err(AppError::Cancelled),
            Err(e) => return Err(e.into()),
        }
        progress(total, total);
        Ok(UsageImportReport { stored: n, ..report(n, accounts_n, customers_n, Vec::new()) })
    })?;
    if outcome.stored == 0 {
        return Ok(outcome);
    }
    let evaluation = usage_evaluate(ctx, session)?;
    Ok(UsageImportReport { evaluation: Some(evaluation), ..outcome })
}

/// A foreign reseller's own report (R24), as the officer records it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export, rename = "AiResellerReportForm")]
pub struct ResellerReportForm {
    /// The reseller.
    pub reseller_ref: String,
    /// Its customer, as the report names it.
    pub customer_name: String,
    /// The customer's country (ISO 3166-1 alpha-2).
    pub country: String,
    /// The transaction.
    #[ts(type = "string")]
    pub transaction_on: NaiveDate,
    /// When the reseller learned of it.
    #[ts(type = "string")]
    pub known_on: NaiveDate,
    /// What the report says, in a few words.
    #[serde(default)]
    pub summary: String,
}

/// Records a reseller's report with its document in the vault (officers): the provider's
/// transmittal falls due within the same clock (R24).
pub fn reseller_report_record(
    ctx: &Context,
    session: &Session,
    form: &ResellerReportForm,
    document: &Path,
) -> Result<String, AppError> {
    let today = ctx.clock().now().date_naive();
    let mut errors = Vec::new();
    let name = form.customer_name.trim();
    if name.is_empty() {
        errors.push(workbench_core::FieldError {
            field: "customer_name".into(),
            problem: "name the reseller's customer".into(),
        });
    }
    let country = workbench_core::customer::normalise_country(&form.country);
    if country.is_none() {
        errors.push(workbench_core::FieldError {
            field: "country".into(),
            problem: "is not an ISO 3166-1 country code".into(),
        });
    }
    if form.known_on > today {
        errors.push(workbench_core::FieldError {
            field: "known_on".into(),
            problem: "cannot be in the future".into(),
        });
    }
    if form.transaction_on > today {
        errors.push(workbench_core::FieldError {
            field: "transaction_on".into(),
            problem: "cannot be in the future".into(),
        });
    }
    if !errors.is_empty() {
        return Err(CoreError::Invalid(errors).into());
    }
    let country = country.unwrap_or_default();
    let doc = crate::documents::Document::read(ctx, session, document, "document", "reseller-report")?;
    session.with(ctx, |u| {
        u.require_officer("record a reseller's AI report")?;
        let known = u
            .workspace
            .db()
            .read(|c| workbench_store::resellers::statuses(c, &[form.reseller_ref.trim()]))?;
        if known.is_empty() {
            return Err(CoreError::invalid(
                "reseller_ref",
                format!("there is no reseller {} in the register", form.reseller_ref.trim()),
            )
            .into());
        }
        let at = ctx.clock().now();
        let evidence_id = doc.store(u, at)?;
        let me = u.actor.id;
        let summary = form.summary.trim();
        Ok(u.workspace.db_mut().write(|tx| {
            store::insert_reseller_report(
                tx,
                store::NewResellerReport {
                    reseller_ref: form.reseller_ref.trim(),
                    customer_name: name,
                    country: &country,
                    transaction_on: form.transaction_on,
                    known_on: form.known_on,
                    summary,
                    evidence_id: &evidence_id,
                },
                me,
                at,
            )
        })?)
    })
}

/// How a reseller's report went to Commerce.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export, rename = "AiTransmittal")]
pub struct Transmittal {
    /// The recorded report.
    pub id: String,
    /// Sent on.
    #[ts(type = "string")]
    pub on: NaiveDate,
    /// How.
    pub channel: String,
    /// The agency's reference.
    #[serde(default)]
    pub reference: String,
}

/// Records that a reseller's report was transmitted (officers); meets the transmittal.
pub fn reseller_report_transmit(ctx: &Context, session: &Session, t: &Transmittal) -> Result<(), AppError> {
    let channel = t.channel.trim();
    if channel.is_empty() {
        return Err(CoreError::invalid("channel", "say how it was sent").into());
    }
    if t.on > ctx.clock().now().date_naive() {
        return Err(CoreError::invalid("on", "cannot be in the future").into());
    }
    session.with(ctx, |u| {
        u.require_officer("record a transmittal")?;
        let key = format!("{}:{}", ObligationKind::AiResellerTransmit.code(), t.id);
        let reference = format!("transmitted {} via {channel}", t.on);
        let met =
            crate::obligations::met_if_open(ctx, u, &crate::obligations::compute(ctx, u)?, &key, &reference)?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            store::transmit_reseller_report(tx, &t.id, (t.on, channel, t.reference.trim()), me, at)?;
            met.iter().try_for_each(|m| crate::obligations::insert_met(tx, m))
        })?;
        Ok(())
    })
}

/// Records that a foreign reseller failed its AI-reporting duties (R25): a non-compliance
/// finding, which closes the supply gate (no new account through it) until it is resolved.
pub fn reseller_failure(
    ctx: &Context,
    session: &Session,
    reseller_ref: &str,
    aware_on: NaiveDate,
    what: &str,
) -> Result<(), AppError> {
    let what = what.trim();
    let summary = if what.is_empty() {
        "R25: failed to report a covered AI-training transaction through the provider".to_owned()
    } else {
        format!("R25: failed its AI-training reporting duties — {what}")
    };
    crate::resellers::reseller_finding(
        ctx,
        session,
        &crate::resellers::Finding { reseller_ref: reseller_ref.to_owned(), aware_on, summary },
    )
}

/// The report's snapshot (R23) for the filing engine: the case's newest version, its arithmetic,
/// and the foreign person's R2 information. Returns the snapshot, the obligation it meets and the
/// filing's subject (`<case>` for the report, `<case>:<version>` for an update).
pub(crate) fn report_snapshot(
    ctx: &Context,
    session: &Session,
    case_id: &str,
    update: bool,
    provider: String,
    signer: String,
) -> Result<(Snapshot, Option<String>, String), AppError> {
    let detail = case_get(ctx, session, case_id)?;
    let latest = detail
        .versions
        .last()
        .ok_or_else(|| CoreError::invalid("case", "records no arrangement yet: add one before reporting"))?;
    let evaluation = latest.evaluation.clone().ok_or_else(|| {
        CoreError::invalid("case", latest.problem.clone().unwrap_or_else(|| "cannot be evaluated".into()))
    })?;
    let obligations = &detail.obligations;
    let (update_of, key, subject, changes, clock_version) = if update {
        let original = detail
            .filings
            .iter()
            .find(|f| f.state == workbench_core::filing::FilingState::Filed && !f.label.contains("update"))
            .ok_or_else(|| {
                CoreError::invalid("update", "the case has no filed report to update; file the report first")
            })?;
        let reported = detail.case.report.reported_version.unwrap_or(1);
        if latest.version <= reported {
            return Err(CoreError::invalid(
                "update",
                format!(
                    "version {} is already reported; record the changed arrangement first",
                    latest.version
                ),
            )
            .into());
        }
        let before = detail.versions.iter().find(|v| v.version == reported).map(|v| &v.arrangement);
        (
            Some(format!(
                "filing {}{}",
                original.id,
                original.filed.as_ref().map_or_else(String::new, |f| format!(", filed {f}"))
            )),
            format!("{}:{case_id}:{}", ObligationKind::AiReportUpdate.code(), latest.version),
            format!("{case_id}:{}", latest.version),
            before.map(|b| changes(b, &latest.arrangement)).unwrap_or_default(),
            latest,
        )
    } else {
        if detail.case.report.filed_on.is_some() {
            return Err(CoreError::invalid(
                "case",
                "is already reported: draft an update (--update) for a changed arrangement",
            )
            .into());
        }
        if !evaluation.coverage.reportable() {
            return Err(CoreError::invalid(
                "case",
                format!(
                    "is {} under the active pack; there is nothing to report (R23)",
                    evaluation.coverage.label()
                ),
            )
            .into());
        }
        // The clock started at the first reportable version.
        let first = detail
            .versions
            .iter()
            .find(|v| v.evaluation.as_ref().is_some_and(|e| e.coverage.reportable()))
            .unwrap_or(latest);
        (
            None,
            format!("{}:{case_id}", ObligationKind::AiReport.code()),
            case_id.to_owned(),
            Vec::new(),
            first,
        )
    };
    let due = obligations.iter().find(|o| o.key == key).map_or_else(String::new, |o| o.due_date.to_string());
    let (person, pack) = session.with(ctx, |u| {
        let pack = pack_of(u)?;
        let person = u.workspace.db().read(|c| {
            let id = store::customer_id(c, &detail.case.customer_ref)?.unwrap_or_default();
            let d = workbench_store::customers::detail(c, &id)?
                .ok_or_else(|| workbench_store::StoreError::Conflict("the case's customer is gone".into()))?;
            let mut ips = Vec::new();
            for a in &d.accounts {
                for (ip, at, kind) in workbench_store::customers::ip_log(c, &a.account_ref)? {
                    ips.push(IpLine { account_ref: a.account_ref.clone(), ip, at, kind });
                }
            }
            ips.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.ip.cmp(&b.ip)));
            let address = [&d.address_line1, &d.address_line2, &d.city, &d.region, &d.postal_code]
                .into_iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            Ok(AiPerson {
                customer_ref: d.row.customer_ref.clone(),
                name: d.row.name.clone(),
                kind: d.row.kind.clone(),
                address,
                country: d.row.country.clone(),
                emails: d.emails.clone(),
                phones: d.phones.clone(),
                accounts: d
                    .accounts
                    .iter()
                    .map(|a| AiAccountLine {
                        account_ref: a.account_ref.clone(),
                        payment_means: if a.payment_last4.is_empty() {
                            a.payment_method.clone()
                        } else {
                            format!("{} ending {}", a.payment_method, a.payment_last4)
                        },
                        payment_source: a.payment_source.clone(),
                        opened_on: a.opened_on.clone(),
                    })
                    .collect(),
                ip_accesses: ips,
                owners: d.owners.iter().map(|o| (o.name.clone(), o.country.clone())).collect(),
            })
        })?;
        Ok((person, pack))
    })?;
    let a = &latest.arrangement;
    let flag_title = |key: &str| {
        pack.pack
            .ai
            .as_ref()
            .and_then(|m| m.red_flags.iter().find(|f| f.key == key))
            .map_or_else(|| key.to_owned(), |f| f.title.clone())
    };
    let arrangement = vec![
        (
            "Accelerators".to_owned(),
            format!("{} × {}", workbench_core::quantity::grouped(a.count.into()), a.accelerator),
        ),
        ("Interconnect".to_owned(), format!("{} Gbit/s", a.interconnect_gbps.plain())),
        ("Period".to_owned(), format!("{} to {} ({} days)", a.starts_on, a.ends_on, a.days())),
        (
            "Declared purpose".to_owned(),
            if a.purpose.is_empty() { "not declared".into() } else { a.purpose.clone() },
        ),
        (
            "Accounts involved".to_owned(),
            if a.accounts.is_empty() {
                "all of the customer's accounts".into()
            } else {
                a.accounts.join(", ")
            },
        ),
        (
            "Transaction value".to_owned(),
            a.value_usd.map_or_else(
                || "not recorded".into(),
                |v| format!("${}", workbench_core::quantity::grouped(v.into())),
            ),
        ),
    ];
    Ok((
        Snapshot::AiReport {
            provider,
            case_id: case_id.to_owned(),
            version: latest.version,
            update_of,
            changes,
            person: Box::new(person),
            reseller: a.reseller_ref.clone(),
            arrangement,
            red_flags: a
                .red_flags
                .iter()
                .map(|f| {
                    if f.note.is_empty() {
                        flag_title(&f.key)
                    } else {
                        format!("{}: {}", flag_title(&f.key), f.note)
                    }
                })
                .collect(),
            evaluation: Box::new(evaluation),
            conditions: conditions(&pack.pack),
            transaction_on: clock_version.arrangement.transaction_on.to_string(),
            known_on: clock_version.arrangement.known_on.to_string(),
            due,
            signer,
        },
        Some(key),
        subject,
    ))
}
