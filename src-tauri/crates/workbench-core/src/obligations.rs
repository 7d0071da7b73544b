//! The obligations engine: events in, dated obligations out (R8, R10, R12–R16, R18, R19, R21–R23,
//! with R27's ceiling on each overdue one). Pure: the caller passes the events, what has been
//! met, the active rule pack, the provider's time zone and "now"; exemptions (R20) are applied
//! after, by [`apply_exemptions`].
//!
//! Deadlines are calendar days counted from the event's date *in the provider's time zone*
//! (the rule speaks of calendar days; a request received at 20:00 in New York on 31 March is a
//! 31 March request even though it is 1 April in UTC). A due date is the provider's local date;
//! `due_at` is the end of that day as a UTC instant, which is what is stored and exported.
//! Later issues add events (customers, resellers, AI transactions) through [`EventKind`]; the
//! engine needs nothing else from them.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::rules::{LoadedPack, RiskTier, RulePack};

/// What happened, with what the engine needs to date its consequences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum EventKind {
    /// The CIP programme started (workspace created): annual certifications fall due from the
    /// next year on (R13).
    ProgramStarted,
    /// Commerce asked for the CIP (and the resellers' CIPs) (R15).
    CipCopyRequested {
        /// Who asked, as recorded.
        requester: String,
    },
    /// A foreign reseller joined the register: its annual attestations fall due through the
    /// provider from the next year on (R18, R13).
    ResellerRegistered {
        /// The reseller's reference.
        reseller: String,
    },
    /// The relationship with a foreign reseller ended (R19): its yearly attestations (R18) are
    /// owed for every year the relationship touched — the one covering the year it ended still
    /// falls due — and none after; one already met stays, as history.
    ResellerTerminated {
        /// The reseller's reference.
        reseller: String,
    },
    /// The provider learned a foreign reseller does not comply (R19).
    ResellerNonCompliance {
        /// The reseller, `reseller:<id>` or its name.
        reseller: String,
    },
    /// A covered AI transaction became known (R23).
    AiTransactionKnown {
        /// The customer.
        customer: String,
        /// The transaction's value, for the penalty ceiling (R27).
        #[ts(type = "number | null")]
        transaction_value_usd: Option<u64>,
    },
    /// A covered-transaction case became reportable (R23): an arrangement version evaluated
    /// *covered* or *could be covered*. The clock starts from the pack's choice of the two dates.
    AiCaseReportable {
        /// The case id.
        case: String,
        /// The customer's reference.
        customer: String,
        /// The transaction, or the change of arrangement that made it reportable.
        #[ts(type = "string")]
        transaction_on: NaiveDate,
        /// When the provider learned of it.
        #[ts(type = "string")]
        known_on: NaiveDate,
        /// The transaction's value, for the penalty ceiling (R27).
        #[ts(type = "number | null")]
        transaction_value_usd: Option<u64>,
    },
    /// An arrangement of an already reported case changed (R23): an update report is owed.
    AiArrangementChanged {
        /// The case id.
        case: String,
        /// The customer's reference.
        customer: String,
        /// The new arrangement version.
        version: u32,
        /// The change.
        #[ts(type = "string")]
        changed_on: NaiveDate,
        /// When the provider learned of it.
        #[ts(type = "string")]
        known_on: NaiveDate,
        /// The filing the update refers to.
        original_filing: String,
    },
    /// A foreign reseller's own covered-transaction report reached the provider (R24): the
    /// provider transmits it to Commerce within the same clock.
    AiResellerReport {
        /// The recorded report's id.
        report: String,
        /// The reseller.
        reseller: String,
        /// The reseller's customer, as the report names it.
        customer: String,
        /// The transaction.
        #[ts(type = "string")]
        transaction_on: NaiveDate,
        /// When the reseller learned of it.
        #[ts(type = "string")]
        known_on: NaiveDate,
    },
    /// Commerce's compliance assessment found a shortcoming (R16): remediated by the date
    /// Commerce set, closed with evidence.
    AssessmentFinding {
        /// The finding's id.
        finding: String,
        /// Its number within the assessment (1, 2, …).
        number: u32,
        /// What was found.
        title: String,
        /// The requirements it concerns.
        rids: Vec<String>,
        /// Remediate by.
        #[ts(type = "string")]
        due_on: NaiveDate,
    },
    /// A material change to the ADP dossier (R21): reported to Commerce by the pack's days.
    AdpMaterialChange {
        /// The criterion's title.
        criterion: String,
    },
    /// The ADP dossier was reviewed (R21); the next review falls due by the pack's months.
    AdpReviewed,
    /// Commerce required the remediated CIP to be resubmitted after an assessment (R16).
    ResubmissionRequired {
        /// The assessment's id.
        assessment: String,
        /// Commerce's reference for it.
        assessor_reference: String,
    },
    /// The provider's primary CIP contact changed (R14).
    PrimaryContactChanged {
        /// The new contact's name.
        contact: String,
    },
    /// A reseller's primary CIP contact changed (R14).
    ResellerContactChanged {
        /// The reseller.
        reseller: String,
    },
    /// A significant change of business or corporate structure (R14).
    BusinessChange {
        /// What changed, in a few words.
        summary: String,
    },
    /// A material change to the CIP (R14).
    MaterialCipChange {
        /// The CIP version.
        version: String,
    },
    /// An account's closure / last access, for record retention (R10). The newest event per
    /// account counts.
    AccountActivity {
        /// The account.
        account: String,
        /// When it was closed, if it was.
        #[ts(type = "string | null")]
        closed_on: Option<NaiveDate>,
        /// When it was last accessed.
        #[ts(type = "string")]
        last_access_on: NaiveDate,
    },
    /// A customer's identity was verified (R8). The newest event per customer counts.
    CustomerVerified {
        /// The customer.
        customer: String,
        /// Its risk tier at verification.
        tier: RiskTier,
    },
    /// A special measure was determined (R22).
    SpecialMeasure {
        /// The named person or jurisdiction.
        target: String,
        /// The stated effective date; else determination + the pack's lead time.
        #[ts(type = "string | null")]
        effective_on: Option<NaiveDate>,
        /// The stated end; else effective + the pack's maximum duration.
        #[ts(type = "string | null")]
        expires_on: Option<NaiveDate>,
    },
    /// A customer is a true match for a measure that prohibits maintaining accounts (R22): its
    /// accounts close by the measure's date.
    SpecialMeasureClosure {
        /// The customer.
        customer: String,
        /// The measure (its title).
        measure: String,
        /// The date the measure says accounts close by.
        #[ts(type = "string")]
        close_by: NaiveDate,
    },
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Event {
    /// Id (UUIDv7 text).
    pub id: String,
    /// When it happened (or became known), UTC.
    #[ts(type = "string")]
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub kind: EventKind,
}

/// The kinds of obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ObligationKind {
    /// R13.
    AnnualCertification,
    /// R12: the initial certification, before any foreign customer gets access.
    InitialCertification,
    /// R15.
    CipCopy,
    /// R19.
    ResellerTermination,
    /// R19: report the suspected malicious activity found at a non-compliant reseller.
    ActivityReport,
    /// R18: a foreign reseller's annual attestation, collected before the provider certifies.
    ResellerAttestation,
    /// R23.
    AiReport,
    /// R23: an update after a reported arrangement changed.
    AiReportUpdate,
    /// R24: transmit a foreign reseller's report.
    AiResellerTransmit,
    /// R14.
    ChangeNotice,
    /// R10.
    RetentionExpiry,
    /// R8.
    Reverification,
    /// R22: apply from this date.
    SpecialMeasureEffective,
    /// R22: lapses on this date unless extended.
    SpecialMeasureExpiry,
    /// R22: a true match's accounts close by the measure's date.
    SpecialMeasureClosure,
    /// R16: remediate a compliance assessment's finding.
    FindingRemediation,
    /// R16: resubmit the remediated CIP.
    CipResubmission,
    /// R21: report a material change to the ADP.
    AdpChangeReport,
    /// R21: review the ADP dossier.
    AdpReview,
}

impl ObligationKind {
    /// Every kind, for filters and counts.
    pub const ALL: [Self; 19] = [
        Self::InitialCertification,
        Self::AnnualCertification,
        Self::CipCopy,
        Self::ResellerTermination,
        Self::ActivityReport,
        Self::ResellerAttestation,
        Self::AiReport,
        Self::AiReportUpdate,
        Self::AiResellerTransmit,
        Self::ChangeNotice,
        Self::RetentionExpiry,
        Self::Reverification,
        Self::SpecialMeasureEffective,
        Self::SpecialMeasureExpiry,
        Self::SpecialMeasureClosure,
        Self::FindingRemediation,
        Self::CipResubmission,
        Self::AdpChangeReport,
        Self::AdpReview,
    ];

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The stored code (as serialised), e.g. `cip_copy`.
    pub fn code(self) -> &'static str {
        match self {
            Self::AnnualCertification => "annual_certification",
            Self::InitialCertification => "initial_certification",
            Self::CipCopy => "cip_copy",
            Self::ResellerTermination => "reseller_termination",
            Self::ActivityReport => "activity_report",
            Self::ResellerAttestation => "reseller_attestation",
            Self::AiReport => "ai_report",
            Self::AiReportUpdate => "ai_report_update",
            Self::AiResellerTransmit => "ai_reseller_transmit",
            Self::ChangeNotice => "change_notice",
            Self::RetentionExpiry => "retention_expiry",
            Self::Reverification => "reverification",
            Self::SpecialMeasureEffective => "special_measure_effective",
            Self::SpecialMeasureExpiry => "special_measure_expiry",
            Self::SpecialMeasureClosure => "special_measure_closure",
            Self::FindingRemediation => "finding_remediation",
            Self::CipResubmission => "cip_resubmission",
            Self::AdpChangeReport => "adp_change_report",
            Self::AdpReview => "adp_review",
        }
    }

    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            Self::AnnualCertification => "Annual certification",
            Self::InitialCertification => "Initial certification",
            Self::CipCopy => "CIP copy to Commerce",
            Self::ResellerTermination => "End reseller relationship",
            Self::ActivityReport => "Report suspected activity",
            Self::ResellerAttestation => "Reseller attestation",
            Self::AiReport => "AI training report",
            Self::AiReportUpdate => "AI report update",
            Self::AiResellerTransmit => "Transmit reseller's AI report",
            Self::ChangeNotice => "Change notice",
            Self::RetentionExpiry => "Retention ends",
            Self::Reverification => "Re-verify customer",
            Self::SpecialMeasureEffective => "Special measure takes effect",
            Self::SpecialMeasureExpiry => "Special measure expires",
            Self::SpecialMeasureClosure => "Close accounts (special measure)",
            Self::FindingRemediation => "Remediate an assessment finding",
            Self::CipResubmission => "Resubmit the remediated CIP",
            Self::AdpChangeReport => "Report an ADP change",
            Self::AdpReview => "Review the ADP dossier",
        }
    }
}

/// Where an obligation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Status {
    /// Due later than the "due soon" window.
    Open,
    /// Due within the window.
    DueSoon,
    /// Past its due date and not met.
    Overdue,
    /// Met (see `met`).
    Met,
    /// Lifted while an exemption covering it is in force (see `exemption`, R20).
    Lifted,
}

/// A record that an obligation was met, frozen with the pack it was met under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Met {
    /// The obligation's key.
    pub key: String,
    /// When it was met, UTC.
    #[ts(type = "string")]
    pub met_at: DateTime<Utc>,
    /// Who recorded it (actor id).
    pub by: String,
    /// What met it: a filing id, a delivery reference, a note.
    pub reference: String,
    /// The due date in force when it was met.
    #[ts(type = "string")]
    pub due_date: NaiveDate,
    /// The pack in force then.
    pub pack_id: String,
    /// Its SHA-256.
    pub pack_sha256: String,
}

/// One dated obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Obligation {
    /// Stable key: `<kind>:<event id>` or `annual_certification:<year>`.
    pub key: String,
    /// Kind.
    pub kind: ObligationKind,
    /// Requirement id.
    pub rid: String,
    /// What to do, in words.
    pub title: String,
    /// The event it comes from.
    pub source_event: String,
    /// Due date, provider-local calendar date.
    #[ts(type = "string")]
    pub due_date: NaiveDate,
    /// The end of that day, UTC.
    #[ts(type = "string")]
    pub due_at: DateTime<Utc>,
    /// Where it stands.
    pub status: Status,
    /// Days from today to the due date (negative when overdue).
    #[ts(type = "number")]
    pub days_left: i64,
    /// The day count behind it is the pack's assumption (shown with ⚠).
    pub assumed: bool,
    /// When met, what met it.
    pub met: Option<Met>,
    /// The pack the due date comes from (for a met one, the pack it was met under).
    pub pack_id: String,
    /// Its SHA-256.
    pub pack_sha256: String,
    /// For an overdue one: the civil penalty ceiling from the pack (R27).
    #[ts(type = "number | null")]
    pub exposure_usd: Option<u64>,
    /// For an overdue one: how that ceiling is reached, in a plain sentence.
    pub exposure_note: Option<String>,
    /// Whom it concerns, when one reseller (its reference) or one customer (its id) does.
    pub subject: Option<String>,
    /// Why an exemption lifted it, or moved its due date after lapsing (R20).
    pub exemption: Option<String>,
}

/// The engine's inputs besides the events.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The active rule pack.
    pub pack: &'a LoadedPack,
    /// The provider's time zone.
    pub tz: Tz,
    /// Now.
    pub now: DateTime<Utc>,
    /// An obligation due within this many days is "due soon".
    pub due_soon_days: i64,
}

/// Computes every obligation the events give rise to, newest due date last.
pub fn compute(events: &[Event], met: &[Met], ctx: &Context<'_>) -> Vec<Obligation> {
    let today = ctx.now.with_timezone(&ctx.tz).date_naive();
    let met: HashMap<&str, &Met> = met.iter().map(|m| (m.key.as_str(), m)).collect();
    let mut drafts = Vec::new();
    let mut latest: HashMap<(u8, &str), &Event> = HashMap::new();
    for event in events {
        // R8 and R10 follow the newest event per customer / account.
        let subject = match &event.kind {
            EventKind::CustomerVerified { customer, .. } => Some((0u8, customer.as_str())),
            EventKind::AccountActivity { account, .. } => Some((1u8, account.as_str())),
            EventKind::AdpReviewed => Some((2u8, "adp")),
            _ => None,
        };
        match subject {
            Some(key) => {
                let slot = latest.entry(key).or_insert(event);
                if event.occurred_at >= slot.occurred_at {
                    *slot = event;
                }
            }
            None => drafts.extend(drafts_for(event, ctx, today)),
        }
    }
    let mut superseding: Vec<&Event> = latest.into_values().collect();
    superseding.sort_by(|a, b| a.id.cmp(&b.id));
    for event in superseding {
        drafts.extend(drafts_for(event, ctx, today));
    }
    // R18 runs while the relationship lasts: an attestation covering a year after the one the
    // relationship ended in is not owed (one already met stays, as history). The attestation
    // due in year Y covers year Y − 1.
    let mut ended: HashMap<&str, NaiveDate> = HashMap::new();
    for event in events {
        if let EventKind::ResellerTerminated { reseller } = &event.kind {
            let on = event.occurred_at.with_timezone(&ctx.tz).date_naive();
            ended.entry(reseller.as_str()).and_modify(|d| *d = (*d).min(on)).or_insert(on);
        }
    }
    drafts.retain(|d| {
        let after_end = d
            .reseller
            .as_deref()
            .and_then(|r| ended.get(r))
            .is_some_and(|end| d.due_date.year() - 1 > end.year());
        !after_end || met.contains_key(d.key().as_str())
    });

    let mut obligations: Vec<Obligation> = drafts
        .into_iter()
        .map(|d| {
            let key = d.key();
            let record = met.get(key.as_str()).copied();
            let due_date = record.map_or(d.due_date, |m| m.due_date);
            let days_left = (due_date - today).num_days();
            let status = match record {
                Some(_) => Status::Met,
                None if days_left < 0 => Status::Overdue,
                None if days_left <= ctx.due_soon_days => Status::DueSoon,
                None => Status::Open,
            };
            let (exposure_usd, exposure_note) =
                match (status == Status::Overdue).then(|| exposure(&ctx.pack.pack, d.transaction_value)) {
                    Some((usd, note)) => (Some(usd), Some(note)),
                    None => (None, None),
                };
            Obligation {
                key,
                kind: d.kind,
                rid: d.rid,
                title: d.title,
                source_event: d.event_id,
                due_date,
                due_at: end_of_day(ctx.tz, due_date),
                status,
                days_left,
                assumed: d.assumed,
                pack_id: record.map_or_else(|| ctx.pack.pack.pack.id.clone(), |m| m.pack_id.clone()),
                pack_sha256: record.map_or_else(|| ctx.pack.sha256.clone(), |m| m.pack_sha256.clone()),
                met: record.cloned(),
                exposure_usd,
                exposure_note,
                subject: d.reseller.or(d.customer),
                exemption: None,
            }
        })
        .collect();
    obligations.sort_by(|a, b| a.due_date.cmp(&b.due_date).then_with(|| a.key.cmp(&b.key)));
    obligations
}

/// R20: applies the exemptions to computed obligations. An open obligation an exemption covers
/// (its kind listed for the exemption's scope in the pack, and the scope its subject's) is
/// *lifted* while the exemption is in force today, saying why; once the exemption has lapsed, one
/// that fell due while it was in force (or within the pack's grace after) is due again no earlier
/// than the grace after the lapse. `account_type_of` gives a customer's account type (when all its
/// accounts share one). A pack without `[exemptions]` lifts nothing.
pub fn apply_exemptions(
    obligations: &mut [Obligation],
    exemptions: &[crate::exemption::Exemption],
    account_type_of: &dyn Fn(&str) -> Option<String>,
    ctx: &Context<'_>,
) {
    use crate::exemption::{Scope, Standing};
    let Some(rules) = &ctx.pack.pack.exemptions else { return };
    let today = ctx.now.with_timezone(&ctx.tz).date_naive();
    for o in obligations.iter_mut().filter(|o| o.met.is_none()) {
        let code = o.kind.code();
        let covers = |e: &&crate::exemption::Exemption| {
            rules.lifts(&e.scope).iter().any(|k| k == code)
                && match &e.scope {
                    Scope::Provider => true,
                    Scope::Reseller(r) => o.subject.as_deref() == Some(r),
                    Scope::AccountType(t) => {
                        o.subject.as_deref().and_then(account_type_of).as_deref() == Some(t.as_str())
                    }
                }
        };
        let covering: Vec<&crate::exemption::Exemption> = exemptions.iter().filter(covers).collect();
        if let Some(e) = covering.iter().find(|e| e.standing(today) == Standing::InForce) {
            let until = e.until();
            o.status = Status::Lifted;
            o.exposure_usd = None;
            o.exposure_note = None;
            o.exemption = Some(format!(
                "Lifted by exemption {} ({}), in force {until} (R20).",
                e.reference,
                e.scope.describe()
            ));
            continue;
        }
        let lapsed = covering.iter().filter_map(|e| {
            let end = e.ends_on?;
            let back = add_days(end, rules.lapse_grace_days);
            (e.standing(today) == Standing::Lapsed && o.due_date >= e.starts_on && o.due_date < back)
                .then_some((e, end, back))
        });
        if let Some((e, end, back)) = lapsed.max_by_key(|(_, _, back)| *back) {
            o.due_date = back;
            o.due_at = end_of_day(ctx.tz, back);
            o.days_left = (back - today).num_days();
            o.status = if o.days_left < 0 {
                Status::Overdue
            } else if o.days_left <= ctx.due_soon_days {
                Status::DueSoon
            } else {
                Status::Open
            };
            let (usd, note) = match o.status {
                Status::Overdue => {
                    let (usd, note) = exposure(&ctx.pack.pack, None);
                    (Some(usd), Some(note))
                }
                _ => (None, None),
            };
            o.exposure_usd = usd;
            o.exposure_note = note;
            o.exemption = Some(format!(
                "Due again: exemption {} ({}) lapsed on {end}; {} days' grace (R20).",
                e.reference,
                e.scope.describe(),
                rules.lapse_grace_days
            ));
        }
    }
}

/// Sum of the penalty ceilings of overdue obligations.
pub fn total_exposure(obligations: &[Obligation]) -> u64 {
    obligations.iter().filter_map(|o| o.exposure_usd).sum()
}

/// R27: the civil ceiling per violation — the pack's inflation-adjusted figure when it gives one,
/// else the statutory one — and whether it is the adjusted one.
pub fn per_violation(pack: &RulePack) -> (u64, bool) {
    let p = &pack.penalties;
    match p.civil_per_violation_adjusted.usd {
        Some(adjusted) => (adjusted, true),
        None => (p.civil_per_violation.usd.unwrap_or(0), false),
    }
}

/// R27 for one overdue obligation: the civil ceiling — the greater of the amount per violation
/// and the pack's multiple of the transaction's value, when one is recorded — and a plain
/// sentence saying how it is reached (a ceiling from the pack, not legal advice).
pub fn exposure(pack: &RulePack, transaction_value: Option<u64>) -> (u64, String) {
    let (per, adjusted) = per_violation(pack);
    let money = |n: u64| format!("${}", crate::quantity::grouped(u128::from(n)));
    let multiple = pack.penalties.transaction_multiple.times.unwrap_or(0);
    let by_transaction = transaction_value.map(|v| v.saturating_mul(u64::from(multiple)));
    match (transaction_value, by_transaction) {
        (Some(value), Some(ceiling)) if ceiling > per => {
            let times = if multiple == 2 { "twice".to_owned() } else { format!("{multiple} times") };
            (
                ceiling,
                format!(
                    "Up to {}: {times} the recorded transaction value of {}, more than {} per violation (civil, R27).",
                    money(ceiling),
                    money(value),
                    money(per)
                ),
            )
        }
        _ => {
            let basis = if adjusted { "the inflation-adjusted figure" } else { "the statutory figure" };
            (per, format!("Up to {} per violation (civil, R27; {basis} of the rule pack).", money(per)))
        }
    }
}

/// The first eight characters of an id, for titles.
fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// R23's clock start under the pack (the later of the two dates when the pack has no `[ai]`).
fn ai_clock(pack: &RulePack, transaction_on: NaiveDate, known_on: NaiveDate) -> NaiveDate {
    pack.ai
        .as_ref()
        .map_or(transaction_on.max(known_on), |m| crate::ai::clock_start(m, transaction_on, known_on))
}

struct Draft {
    kind: ObligationKind,
    event_id: String,
    /// The reseller a yearly attestation is owed by (R18).
    reseller: Option<String>,
    /// The customer a re-verification is owed for (R8).
    customer: Option<String>,
    suffix: Option<String>,
    rid: String,
    title: String,
    due_date: NaiveDate,
    assumed: bool,
    transaction_value: Option<u64>,
}

impl Draft {
    fn key(&self) -> String {
        let kind = self.kind.code();
        match &self.suffix {
            Some(suffix) => format!("{kind}:{suffix}"),
            None => format!("{kind}:{}", self.event_id),
        }
    }
}

fn drafts_for(event: &Event, ctx: &Context<'_>, today: NaiveDate) -> Vec<Draft> {
    let pack: &RulePack = &ctx.pack.pack;
    let d = &pack.deadlines;
    let on = event.occurred_at.with_timezone(&ctx.tz).date_naive();
    let draft = |kind, rid: &str, title: String, due_date, assumed| Draft {
        kind,
        event_id: event.id.clone(),
        reseller: None,
        customer: None,
        suffix: None,
        rid: rid.to_owned(),
        title,
        due_date,
        assumed,
        transaction_value: None,
    };
    match &event.kind {
        EventKind::ProgramStarted => {
            let a = &d.annual_certification;
            let initial = d.initial_certification.as_ref().map(|p| Draft {
                suffix: Some("program".into()),
                ..draft(
                    ObligationKind::InitialCertification,
                    &p.rid,
                    "File the initial CIP certification before any foreign customer gets access".into(),
                    add_days(on, p.days),
                    p.assumed,
                )
            });
            initial
                .into_iter()
                .chain((on.year() + 1..=today.year() + 1).map(|year| Draft {
                    suffix: Some(year.to_string()),
                    ..draft(
                        ObligationKind::AnnualCertification,
                        &a.rid,
                        format!("Annual certification {year} (covers {})", year - 1),
                        day_of_year(year, a.month, a.day),
                        a.assumed,
                    )
                }))
                .collect()
        }
        EventKind::CipCopyRequested { requester } => vec![draft(
            ObligationKind::CipCopy,
            &d.cip_copy.rid,
            format!("Deliver the CIP and every foreign reseller's CIP to {requester}"),
            add_days(on, d.cip_copy.days),
            d.cip_copy.assumed,
        )],
        EventKind::ResellerRegistered { reseller } => {
            let a = &d.reseller_attestation;
            (on.year() + 1..=today.year() + 1)
                .map(|year| Draft {
                    reseller: Some(reseller.clone()),
                    suffix: Some(format!("{reseller}:{year}")),
                    ..draft(
                        ObligationKind::ResellerAttestation,
                        &a.rid,
                        format!("Collect {reseller}'s attestation {year} (covers {})", year - 1),
                        day_of_year(year, a.month, a.day),
                        a.assumed,
                    )
                })
                .collect()
        }
        // It owes nothing itself; it ends the reseller's attestations (see `compute`).
        EventKind::ResellerTerminated { .. } => Vec::new(),
        EventKind::ResellerNonCompliance { reseller } => match &d.activity_report {
            Some(report) => vec![
                draft(
                    ObligationKind::ResellerTermination,
                    &d.reseller_termination.rid,
                    format!("End the relationship with {reseller}"),
                    add_days(on, d.reseller_termination.days),
                    d.reseller_termination.assumed,
                ),
                draft(
                    ObligationKind::ActivityReport,
                    &report.rid,
                    format!("Report the suspected malicious activity found at {reseller}"),
                    add_days(on, report.days),
                    report.assumed,
                ),
            ],
            None => vec![draft(
                ObligationKind::ResellerTermination,
                &d.reseller_termination.rid,
                format!("End the relationship with {reseller} and report the activity"),
                add_days(on, d.reseller_termination.days),
                d.reseller_termination.assumed,
            )],
        },
        EventKind::AssessmentFinding { finding, number, title, rids, due_on } => vec![Draft {
            suffix: Some(finding.clone()),
            ..draft(
                ObligationKind::FindingRemediation,
                "R16",
                format!("Remediate finding {number} ({}): {title}", rids.join(", ")),
                *due_on,
                false,
            )
        }],
        EventKind::AdpMaterialChange { criterion } => d
            .adp_change_report
            .iter()
            .map(|p| {
                draft(
                    ObligationKind::AdpChangeReport,
                    &p.rid,
                    format!("Report the change to the ADP ({criterion}) to Commerce"),
                    add_days(on, p.days),
                    p.assumed,
                )
            })
            .collect(),
        EventKind::AdpReviewed => pack
            .adp
            .iter()
            .map(|a| Draft {
                suffix: Some("dossier".into()),
                ..draft(
                    ObligationKind::AdpReview,
                    "R21",
                    "Review the ADP dossier and keep it current".into(),
                    add_months(on, a.review_months),
                    a.assumed,
                )
            })
            .collect(),
        EventKind::ResubmissionRequired { assessment, assessor_reference } => d
            .cip_resubmission
            .iter()
            .map(|p| Draft {
                suffix: Some(assessment.clone()),
                ..draft(
                    ObligationKind::CipResubmission,
                    &p.rid,
                    format!("Resubmit the remediated CIP (assessment {assessor_reference})"),
                    add_days(on, p.days),
                    p.assumed,
                )
            })
            .collect(),
        EventKind::AiTransactionKnown { customer, transaction_value_usd } => vec![Draft {
            transaction_value: *transaction_value_usd,
            ..draft(
                ObligationKind::AiReport,
                &d.ai_report.rid,
                format!("Report the covered AI transaction of {customer}"),
                add_days(on, d.ai_report.days),
                d.ai_report.assumed,
            )
        }],
        EventKind::AiCaseReportable { case, customer, transaction_on, known_on, transaction_value_usd } => {
            vec![Draft {
                suffix: Some(case.clone()),
                transaction_value: *transaction_value_usd,
                ..draft(
                    ObligationKind::AiReport,
                    &d.ai_report.rid,
                    format!(
                        "Report the covered AI-training transaction of {customer} (case {})",
                        short(case)
                    ),
                    add_days(ai_clock(pack, *transaction_on, *known_on), d.ai_report.days),
                    d.ai_report.assumed || pack.ai.as_ref().is_some_and(|m| m.report_clock.assumed),
                )
            }]
        }
        EventKind::AiArrangementChanged {
            case,
            customer,
            version,
            changed_on,
            known_on,
            original_filing,
        } => {
            vec![Draft {
                suffix: Some(format!("{case}:{version}")),
                ..draft(
                    ObligationKind::AiReportUpdate,
                    &d.ai_report.rid,
                    format!(
                        "Update the AI-training report of {customer} (case {}, version {version}; original filing {})",
                        short(case),
                        short(original_filing)
                    ),
                    add_days(ai_clock(pack, *changed_on, *known_on), d.ai_report.days),
                    d.ai_report.assumed || pack.ai.as_ref().is_some_and(|m| m.report_clock.assumed),
                )
            }]
        }
        EventKind::AiResellerReport { report, reseller, customer, transaction_on, known_on } => {
            vec![Draft {
                suffix: Some(report.clone()),
                ..draft(
                    ObligationKind::AiResellerTransmit,
                    "R24",
                    format!("Transmit {reseller}'s AI-training report on {customer} to Commerce"),
                    add_days(ai_clock(pack, *transaction_on, *known_on), d.ai_report.days),
                    d.ai_report.assumed || pack.ai.as_ref().is_some_and(|m| m.report_clock.assumed),
                )
            }]
        }
        EventKind::PrimaryContactChanged { contact } => {
            vec![change(event, pack, on, format!("Notify Commerce: primary CIP contact is now {contact}"))]
        }
        EventKind::ResellerContactChanged { reseller } => vec![change(
            event,
            pack,
            on,
            format!("Notify Commerce: {reseller} changed its primary CIP contact"),
        )],
        EventKind::BusinessChange { summary } => {
            vec![change(event, pack, on, format!("Notify Commerce of a significant change: {summary}"))]
        }
        EventKind::MaterialCipChange { version } => {
            vec![change(
                event,
                pack,
                on,
                format!("Notify Commerce of a material CIP change (version {version})"),
            )]
        }
        EventKind::AccountActivity { account, closed_on, last_access_on } => {
            let r = &pack.records.retention;
            let from = closed_on.map_or(*last_access_on, |c| c.max(*last_access_on));
            vec![draft(
                ObligationKind::RetentionExpiry,
                &r.rid,
                format!("Records of account {account} may be purged"),
                add_months(from, r.years * 12),
                r.assumed,
            )]
        }
        EventKind::CustomerVerified { customer, tier } => {
            let m = pack.reverification_months(*tier);
            vec![Draft {
                customer: Some(customer.clone()),
                ..draft(
                    ObligationKind::Reverification,
                    &m.rid,
                    format!("Re-verify {customer} ({} risk)", tier.label()),
                    add_months(on, m.months),
                    m.assumed,
                )
            }]
        }
        EventKind::SpecialMeasure { target, effective_on, expires_on } => {
            let effective = effective_on.unwrap_or_else(|| add_days(on, d.special_measure_lead.days));
            let expires = expires_on.unwrap_or_else(|| add_days(effective, d.special_measure_max.days));
            vec![
                draft(
                    ObligationKind::SpecialMeasureEffective,
                    &d.special_measure_lead.rid,
                    format!("Apply the special measure against {target}"),
                    effective,
                    effective_on.is_none() && d.special_measure_lead.assumed,
                ),
                draft(
                    ObligationKind::SpecialMeasureExpiry,
                    &d.special_measure_max.rid,
                    format!("The special measure against {target} lapses unless extended"),
                    expires,
                    expires_on.is_none() && d.special_measure_max.assumed,
                ),
            ]
        }
        EventKind::SpecialMeasureClosure { customer, measure, close_by } => vec![draft(
            ObligationKind::SpecialMeasureClosure,
            &d.special_measure_lead.rid,
            format!("Close the accounts of {customer} under {measure}"),
            *close_by,
            false,
        )],
    }
}

fn change(event: &Event, pack: &RulePack, on: NaiveDate, title: String) -> Draft {
    let p = &pack.deadlines.change_notice;
    Draft {
        kind: ObligationKind::ChangeNotice,
        event_id: event.id.clone(),
        reseller: None,
        customer: None,
        suffix: None,
        rid: p.rid.clone(),
        title,
        due_date: add_days(on, p.days),
        assumed: p.assumed,
        transaction_value: None,
    }
}

fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date + chrono::Duration::days(days)
}

/// Adds calendar months; the 29th–31st fall back to the month's last day (29 Feb + 12 months =
/// 28 Feb).
fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// `month`/`day` of `year`; 29 February in a common year is 28 February.
pub fn day_of_year(year: i32, month: u32, day: u32) -> NaiveDate {
    (0..4)
        .find_map(|back| NaiveDate::from_ymd_opt(year, month, day - back))
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN))
}

/// The last second of `date` in `tz`, as UTC (an ambiguous or skipped local time takes the
/// latest valid instant).
pub fn end_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let local = date.and_hms_opt(23, 59, 59).unwrap_or_default();
    tz.from_local_datetime(&local)
        .latest()
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn ctx<'a>(pack: &'a LoadedPack, tz: Tz, now: &str) -> Context<'a> {
        Context { pack, tz, now: at(now), due_soon_days: 30 }
    }

    fn event(occurred: &str, kind: EventKind) -> Event {
        Event { id: "e1".into(), occurred_at: at(occurred), kind }
    }

    fn only(events: &[Event], tz: Tz, now: &str) -> Obligation {
        let pack = RulePack::built_in();
        let mut all = compute(events, &[], &ctx(&pack, tz, now));
        assert_eq!(all.len(), 1, "{all:#?}");
        all.remove(0)
    }

    /// Hand-computed due dates, one row per obligation kind and calendar edge.
    #[rstest]
    // R15: 10 days; crossing a month end.
    #[case::cip_copy_month_end(
        "2025-01-25T15:00:00Z", EventKind::CipCopyRequested { requester: "BIS".into() }, "2025-02-04", ObligationKind::CipCopy, "R15")]
    // R15 across 29 February 2024.
    #[case::cip_copy_leap_day(
        "2024-02-25T15:00:00Z", EventKind::CipCopyRequested { requester: "BIS".into() }, "2024-03-06", ObligationKind::CipCopy, "R15")]
    // R23: 15 days.
    #[case::ai_report(
        "2024-12-20T12:00:00Z", EventKind::AiTransactionKnown { customer: "C".into(), transaction_value_usd: None }, "2025-01-04", ObligationKind::AiReport, "R23")]
    // R14: 30 days (assumed).
    #[case::contact_change(
        "2024-02-29T12:00:00Z", EventKind::PrimaryContactChanged { contact: "Ann".into() }, "2024-03-30", ObligationKind::ChangeNotice, "R14")]
    #[case::business_change(
        "2023-12-15T12:00:00Z", EventKind::BusinessChange { summary: "merger".into() }, "2024-01-14", ObligationKind::ChangeNotice, "R14")]
    #[case::material_cip_change(
        "2024-05-01T12:00:00Z", EventKind::MaterialCipChange { version: "3".into() }, "2024-05-31", ObligationKind::ChangeNotice, "R14")]
    // R10: 2 years after the later of closure and last access; from 29 Feb → 28 Feb.
    #[case::retention_leap_day(
        "2024-03-01T00:00:00Z", EventKind::AccountActivity { account: "A".into(), closed_on: Some(date("2024-01-10")), last_access_on: date("2024-02-29") }, "2026-02-28", ObligationKind::RetentionExpiry, "R10")]
    #[case::retention_closed_later(
        "2024-03-01T00:00:00Z", EventKind::AccountActivity { account: "A".into(), closed_on: Some(date("2024-06-30")), last_access_on: date("2024-02-01") }, "2026-06-30", ObligationKind::RetentionExpiry, "R10")]
    // R8: high risk 12 months; 31 Jan + 12 months; 31 Aug + 12 months (medium: 24).
    #[case::reverify_high(
        "2024-01-31T10:00:00Z", EventKind::CustomerVerified { customer: "C".into(), tier: RiskTier::High }, "2025-01-31", ObligationKind::Reverification, "R8")]
    #[case::reverify_medium_leap(
        "2024-02-29T10:00:00Z", EventKind::CustomerVerified { customer: "C".into(), tier: RiskTier::Medium }, "2026-02-28", ObligationKind::Reverification, "R8")]
    fn due_dates_match_hand_computed_ones(
        #[case] occurred: &str,
        #[case] kind: EventKind,
        #[case] due: &str,
        #[case] expected_kind: ObligationKind,
        #[case] rid: &str,
    ) {
        let o = only(&[event(occurred, kind)], Tz::America__New_York, "2024-01-01T12:00:00Z");
        assert_eq!(o.due_date, date(due));
        assert_eq!(o.kind, expected_kind);
        assert_eq!(o.rid, rid);
    }

    #[test]
    fn a_finding_owes_the_end_of_the_relationship_and_a_report_of_the_activity() {
        // R19: 30 days from awareness for each (the report's 30 are the pack's assumption).
        let pack = RulePack::built_in();
        let events =
            [event("2024-01-31T12:00:00Z", EventKind::ResellerNonCompliance { reseller: "R-01".into() })];
        let all = compute(&events, &[], &ctx(&pack, Tz::America__New_York, "2024-02-01T12:00:00Z"));
        let got: Vec<_> = all.iter().map(|o| (o.kind, o.due_date, o.rid.as_str(), o.assumed)).collect();
        assert_eq!(
            got,
            [
                (ObligationKind::ActivityReport, date("2024-03-01"), "R19", true),
                (ObligationKind::ResellerTermination, date("2024-03-01"), "R19", false),
            ]
        );
        assert_eq!(all[0].key, "activity_report:e1");
        assert_eq!(all[1].title, "End the relationship with R-01");
    }

    #[test]
    fn special_measures_date_effect_and_expiry() {
        let pack = RulePack::built_in();
        let events = [event(
            "2024-03-01T12:00:00Z",
            EventKind::SpecialMeasure {
                target: "Jurisdiction X".into(),
                effective_on: Some(date("2024-03-31")),
                expires_on: None,
            },
        )];
        let all = compute(&events, &[], &ctx(&pack, Tz::UTC, "2024-03-01T12:00:00Z"));
        assert_eq!(all[0].kind, ObligationKind::SpecialMeasureEffective);
        assert_eq!(all[0].due_date, date("2024-03-31"));
        assert_eq!(all[1].kind, ObligationKind::SpecialMeasureExpiry);
        assert_eq!(all[1].due_date, date("2025-03-31"), "365 days after 31 March 2024 (leap year)");
    }

    #[test]
    fn the_local_date_counts_not_the_utc_date() {
        // 1 April 02:00 UTC is still 31 March in New York (EDT, UTC−4).
        let events = [event("2025-04-01T02:00:00Z", EventKind::CipCopyRequested { requester: "BIS".into() })];
        let ny = only(&events, Tz::America__New_York, "2025-04-01T02:00:00Z");
        assert_eq!(ny.due_date, date("2025-04-10"));
        assert_eq!(ny.due_at, at("2025-04-11T03:59:59Z"), "end of 10 April in New York, in UTC");
        // The same instant in Tokyo is 1 April.
        let tokyo = only(&events, Tz::Asia__Tokyo, "2025-04-01T02:00:00Z");
        assert_eq!(tokyo.due_date, date("2025-04-11"));
        assert_eq!(tokyo.due_at, at("2025-04-11T14:59:59Z"));
    }

    #[test]
    fn annual_certifications_run_from_the_year_after_the_start() {
        let pack = RulePack::built_in();
        let events = [event("2024-06-01T12:00:00Z", EventKind::ProgramStarted)];
        let all = compute(&events, &[], &ctx(&pack, Tz::UTC, "2026-02-10T12:00:00Z"));
        let dates: Vec<_> = all.iter().map(|o| (o.key.as_str(), o.due_date, o.status)).collect();
        assert_eq!(
            dates,
            [
                // R12: the initial certification, the pack's 30 days after the start.
                ("initial_certification:program", date("2024-07-01"), Status::Overdue),
                ("annual_certification:2025", date("2025-01-31"), Status::Overdue),
                ("annual_certification:2026", date("2026-01-31"), Status::Overdue),
                ("annual_certification:2027", date("2027-01-31"), Status::Open),
            ]
        );
        assert!(all.iter().all(|o| o.assumed), "the pack assumes 31 January and the 30 days");
        assert_eq!(all[0].rid, "R12");
        // A pack without the field raises no initial-certification obligation.
        let text = crate::rules::BUILT_IN.replace(
            "[deadlines.initial_certification]\ndays = 30\nrid = \"R12\"\nassumed = true\n",
            "[unused_initial]\n",
        );
        let cut = text.find("[unused_initial]").expect("cut");
        let end = cut + text[cut..].find("\n\n").expect("end of table");
        let without = format!("{}{}", &text[..cut], &text[end + 2..]);
        let other = crate::rules::RulePack::load("no-initial.toml", &without).expect("loads");
        let all = compute(&events, &[], &ctx(&other, Tz::UTC, "2026-02-10T12:00:00Z"));
        assert!(all.iter().all(|o| o.kind == ObligationKind::AnnualCertification), "{all:#?}");
    }

    #[test]
    fn a_resellers_attestations_fall_due_each_year_after_it_joined() {
        let pack = RulePack::built_in();
        let events =
            [event("2025-03-01T12:00:00Z", EventKind::ResellerRegistered { reseller: "R-01".into() })];
        let all = compute(&events, &[], &ctx(&pack, Tz::UTC, "2026-02-10T12:00:00Z"));
        let keys: Vec<_> = all.iter().map(|o| (o.key.as_str(), o.due_date, o.rid.as_str())).collect();
        assert_eq!(
            keys,
            [
                ("reseller_attestation:R-01:2026", date("2026-01-15"), "R18"),
                ("reseller_attestation:R-01:2027", date("2027-01-15"), "R18"),
            ]
        );
        assert_eq!(all[0].status, Status::Overdue);
        assert!(all[0].title.contains("covers 2025"), "{}", all[0].title);
    }

    #[test]
    fn no_attestation_falls_due_after_the_relationship_ended() {
        let pack = RulePack::built_in();
        let registered =
            event("2023-03-01T12:00:00Z", EventKind::ResellerRegistered { reseller: "R-01".into() });
        let ended = event("2025-06-30T12:00:00Z", EventKind::ResellerTerminated { reseller: "R-01".into() });
        let other = event("2023-03-01T12:00:00Z", EventKind::ResellerRegistered { reseller: "R-02".into() });
        let now = ctx(&pack, Tz::UTC, "2026-02-10T12:00:00Z");
        let keys = |all: &[Obligation]| all.iter().map(|o| o.key.clone()).collect::<Vec<_>>();
        let all = compute(&[registered.clone(), ended.clone(), other], &[], &now);
        assert_eq!(
            keys(&all),
            [
                "reseller_attestation:R-01:2024",
                "reseller_attestation:R-02:2024",
                "reseller_attestation:R-01:2025",
                "reseller_attestation:R-02:2025",
                "reseller_attestation:R-01:2026",
                "reseller_attestation:R-02:2026",
                "reseller_attestation:R-02:2027",
            ],
            "R-01 owes the attestation covering 2025, the year it ended, not the one covering 2026"
        );
        // An attestation met before the end stays listed, as history.
        let met = [Met {
            key: "reseller_attestation:R-01:2027".into(),
            met_at: at("2025-06-01T12:00:00Z"),
            by: "officer".into(),
            reference: "early return".into(),
            due_date: date("2027-01-15"),
            pack_id: "test".into(),
            pack_sha256: "test".into(),
        }];
        let all = compute(&[registered, ended], &met, &now);
        assert!(keys(&all).contains(&"reseller_attestation:R-01:2027".to_owned()));
    }

    #[test]
    fn status_follows_today_and_the_due_soon_window() {
        let events = [event("2025-03-01T12:00:00Z", EventKind::CipCopyRequested { requester: "BIS".into() })];
        let due = |now: &str| only(&events, Tz::UTC, now);
        assert_eq!(due("2025-03-01T13:00:00Z").status, Status::DueSoon, "10 days ≤ 30");
        assert_eq!(due("2025-03-11T23:00:00Z").days_left, 0);
        assert_eq!(due("2025-03-11T23:00:00Z").status, Status::DueSoon, "due today is not overdue");
        let late = due("2025-03-12T00:30:00Z");
        assert_eq!(late.status, Status::Overdue);
        assert_eq!(late.days_left, -1);
        assert_eq!(late.exposure_usd, Some(368_136), "R27 per-violation ceiling, the adjusted figure");
        assert_eq!(
            late.exposure_note.as_deref(),
            Some(
                "Up to $368,136 per violation (civil, R27; the inflation-adjusted figure of the rule pack)."
            )
        );
    }

    #[test]
    fn exposure_uses_twice_the_transaction_when_greater() {
        let events = [event(
            "2025-01-01T12:00:00Z",
            EventKind::AiTransactionKnown { customer: "C".into(), transaction_value_usd: Some(400_000) },
        )];
        let o = only(&events, Tz::UTC, "2025-02-01T12:00:00Z");
        assert_eq!(o.exposure_usd, Some(800_000));
        assert!(o.exposure_note.as_deref().is_some_and(|n| n.starts_with(
            "Up to $800,000: twice the recorded transaction value of $400,000, more than $368,136"
        )));
        assert_eq!(total_exposure(&[o]), 800_000);
    }

    #[test]
    fn an_assessment_finding_is_due_on_commerces_date_and_a_resubmission_by_the_packs_days() {
        let events = [
            event(
                "2026-10-01T12:00:00Z",
                EventKind::AssessmentFinding {
                    finding: "f1".into(),
                    number: 2,
                    title: "Owners not verified".into(),
                    rids: vec!["R5".into(), "R4".into()],
                    due_on: date("2026-12-15"),
                },
            ),
            event(
                "2026-10-01T12:00:00Z",
                EventKind::ResubmissionRequired {
                    assessment: "a1".into(),
                    assessor_reference: "BIS-7".into(),
                },
            ),
        ];
        let all = compute(&events, &[], &ctx(&RulePack::built_in(), Tz::UTC, "2026-10-02T12:00:00Z"));
        let got: Vec<(&str, NaiveDate, &str, bool)> =
            all.iter().map(|o| (o.key.as_str(), o.due_date, o.rid.as_str(), o.assumed)).collect();
        assert_eq!(
            got,
            [
                ("cip_resubmission:a1", date("2026-10-31"), "R16", true),
                ("finding_remediation:f1", date("2026-12-15"), "R16", false)
            ]
        );
        assert_eq!(all[1].title, "Remediate finding 2 (R5, R4): Owners not verified");
        // A pack without the resubmission deadline raises the findings only.
        let source = crate::rules::BUILT_IN;
        let start = source.find("[deadlines.cip_resubmission]").expect("section");
        let end = start + source[start..].find("\n\n").expect("end") + 2;
        let without =
            RulePack::load("p.toml", &format!("{}{}", &source[..start], &source[end..])).expect("pack");
        let keys: Vec<String> = compute(&events, &[], &ctx(&without, Tz::UTC, "2026-10-02T12:00:00Z"))
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(keys, ["finding_remediation:f1"]);
    }

    fn exempt(
        scope: crate::exemption::Scope,
        starts: &str,
        ends: Option<&str>,
    ) -> crate::exemption::Exemption {
        crate::exemption::Exemption {
            id: "x1".into(),
            scope,
            starts_on: date(starts),
            ends_on: ends.map(date),
            reference: "BIS-EX-7".into(),
        }
    }

    /// The obligations on `now` with `exemptions` applied (customer "c1" has account type "gpu").
    fn with_exemptions(
        events: &[Event],
        exemptions: &[crate::exemption::Exemption],
        now: &str,
    ) -> Vec<Obligation> {
        let pack = RulePack::built_in();
        let ctx = ctx(&pack, Tz::UTC, now);
        let mut all = compute(events, &[], &ctx);
        apply_exemptions(&mut all, exemptions, &|c| (c == "c1").then(|| "gpu".to_owned()), &ctx);
        all
    }

    #[test]
    fn an_exemption_lifts_what_it_covers_while_in_force_and_it_comes_back_after_with_grace() {
        use crate::exemption::Scope;
        let events = [event(
            "2026-01-10T12:00:00Z",
            EventKind::CustomerVerified { customer: "c1".into(), tier: crate::rules::RiskTier::High },
        )];
        // High risk: re-verify within 12 months, by 2027-01-10.
        let gpu = [exempt(Scope::AccountType("gpu".into()), "2026-06-01", Some("2027-03-31"))];
        let before = with_exemptions(&events, &gpu, "2026-05-01T12:00:00Z");
        assert_eq!(
            (before[0].status, before[0].exemption.as_deref()),
            (Status::Open, None),
            "not yet in force"
        );
        let during = with_exemptions(&events, &gpu, "2027-02-01T12:00:00Z");
        assert_eq!(during[0].status, Status::Lifted, "in force: lifted, not overdue");
        assert_eq!(during[0].exposure_usd, None);
        assert_eq!(
            during[0].exemption.as_deref(),
            Some("Lifted by exemption BIS-EX-7 (account type gpu), in force until 2027-03-31 (R20).")
        );
        // Lapsed on 31 March: due again 30 days later (the pack's grace), not on the old date.
        let after = with_exemptions(&events, &gpu, "2027-04-02T12:00:00Z");
        assert_eq!((after[0].due_date, after[0].status), (date("2027-04-30"), Status::DueSoon));
        assert!(
            after[0].exemption.as_deref().is_some_and(|w| w.starts_with("Due again: exemption BIS-EX-7"))
        );
        // Another account type, or a customer of another type, is not covered.
        let other = [exempt(Scope::AccountType("storage".into()), "2026-06-01", None)];
        assert_eq!(with_exemptions(&events, &other, "2027-02-01T12:00:00Z")[0].status, Status::Overdue);
    }

    #[test]
    fn a_reseller_exemption_lifts_that_resellers_attestations_only_and_the_provider_one_the_pack_list() {
        use crate::exemption::Scope;
        let events = [
            Event {
                id: "r1".into(),
                occurred_at: at("2025-03-01T12:00:00Z"),
                kind: EventKind::ResellerRegistered { reseller: "R-01".into() },
            },
            Event {
                id: "r2".into(),
                occurred_at: at("2025-03-01T12:00:00Z"),
                kind: EventKind::ResellerRegistered { reseller: "R-02".into() },
            },
            Event {
                id: "s1".into(),
                occurred_at: at("2026-04-01T12:00:00Z"),
                kind: EventKind::SpecialMeasure { target: "KP".into(), effective_on: None, expires_on: None },
            },
        ];
        let now = "2026-05-01T12:00:00Z";
        let lifted = |all: &[Obligation]| -> Vec<String> {
            all.iter().filter(|o| o.status == Status::Lifted).map(|o| o.key.clone()).collect()
        };
        let r1 = [exempt(Scope::Reseller("R-01".into()), "2026-01-01", None)];
        assert_eq!(
            lifted(&with_exemptions(&events, &r1, now)),
            ["reseller_attestation:R-01:2026", "reseller_attestation:R-01:2027"]
        );
        let provider = [exempt(Scope::Provider, "2026-01-01", None)];
        let all = with_exemptions(&events, &provider, now);
        assert!(lifted(&all).contains(&"reseller_attestation:R-02:2026".to_owned()));
        assert!(
            all.iter()
                .filter(|o| o.kind == ObligationKind::SpecialMeasureEffective)
                .all(|o| o.status != Status::Lifted),
            "special measures (R22) are not the pack's to lift"
        );
        // A pack without [exemptions] lifts nothing.
        let source = crate::rules::BUILT_IN;
        let start = source.find("[exemptions]").expect("section");
        let end = start + source[start..].find("\n\n").expect("end") + 2;
        let bare =
            RulePack::load("p.toml", &format!("{}{}", &source[..start], &source[end..])).expect("pack");
        let ctx = ctx(&bare, Tz::UTC, now);
        let mut all = compute(&events, &[], &ctx);
        apply_exemptions(&mut all, &provider, &|_| None, &ctx);
        assert!(lifted(&all).is_empty());
    }

    #[test]
    fn exposure_follows_the_packs_amounts_without_a_code_change() {
        let source = crate::rules::BUILT_IN;
        assert!(source.contains("usd = 368136\n") && source.contains("times = 2\n"));
        let other = source.replace("usd = 368136", "usd = 400000").replace("times = 2\n", "times = 3\n");
        let other = RulePack::load("other.toml", &other).expect("pack");
        assert_eq!(exposure(&other.pack, None).0, 400_000);
        assert_eq!(exposure(&other.pack, Some(150_000)).0, 450_000, "three times the value");
        assert!(exposure(&other.pack, Some(150_000)).1.contains("3 times the recorded transaction value"));
        // Without an adjusted amount, the statutory one.
        let statutory = source.replace("usd = 368136\n", "");
        let statutory = RulePack::load("statutory.toml", &statutory).expect("pack");
        assert_eq!(per_violation(&statutory.pack), (250_000, false));
        assert!(exposure(&statutory.pack, None).1.contains("the statutory figure"));
    }

    #[test]
    fn ai_reports_count_from_the_later_date_and_updates_and_transmittals_have_their_own_keys() {
        // Transaction 1 March, known 20 March: the shipped pack counts 15 days from the later.
        let reportable = event(
            "2026-03-20T12:00:00Z",
            EventKind::AiCaseReportable {
                case: "case-0001".into(),
                customer: "C-1".into(),
                transaction_on: date("2026-03-01"),
                known_on: date("2026-03-20"),
                transaction_value_usd: Some(1_000_000),
            },
        );
        let o = only(&[reportable], Tz::UTC, "2026-03-21T12:00:00Z");
        assert_eq!((o.key.as_str(), o.due_date), ("ai_report:case-0001", date("2026-04-04")));
        assert_eq!(o.rid, "R23");
        assert!(o.assumed, "the clock's start is the pack's assumption");
        let update = event(
            "2026-05-02T12:00:00Z",
            EventKind::AiArrangementChanged {
                case: "case-0001".into(),
                customer: "C-1".into(),
                version: 2,
                changed_on: date("2026-05-01"),
                known_on: date("2026-04-28"),
                original_filing: "filing-0042".into(),
            },
        );
        let o = only(&[update], Tz::UTC, "2026-05-02T12:00:00Z");
        assert_eq!((o.key.as_str(), o.due_date), ("ai_report_update:case-0001:2", date("2026-05-16")));
        assert!(o.title.contains("filing-0"), "{}", o.title);
        let reseller = event(
            "2026-06-01T12:00:00Z",
            EventKind::AiResellerReport {
                report: "rep-1".into(),
                reseller: "R-01".into(),
                customer: "Kappa Labs".into(),
                transaction_on: date("2026-05-25"),
                known_on: date("2026-05-30"),
            },
        );
        let o = only(&[reseller], Tz::UTC, "2026-06-01T12:00:00Z");
        assert_eq!(
            (o.key.as_str(), o.due_date, o.rid.as_str()),
            ("ai_reseller_transmit:rep-1", date("2026-06-14"), "R24")
        );
    }

    #[test]
    fn newer_verification_supersedes_older() {
        let pack = RulePack::built_in();
        let mut second = event(
            "2025-01-10T12:00:00Z",
            EventKind::CustomerVerified { customer: "C".into(), tier: RiskTier::Low },
        );
        second.id = "e2".into();
        let events = [
            event(
                "2024-01-10T12:00:00Z",
                EventKind::CustomerVerified { customer: "C".into(), tier: RiskTier::High },
            ),
            second,
        ];
        let all = compute(&events, &[], &ctx(&pack, Tz::UTC, "2025-01-10T12:00:00Z"));
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].due_date, date("2028-01-10"), "low risk: 36 months from the newer check");
    }

    #[test]
    fn switching_packs_moves_open_obligations_but_not_met_ones() {
        let old = RulePack::built_in();
        let new = RulePack::load(
            "final.toml",
            &crate::rules::BUILT_IN
                .replacen("id = \"us-bis-iaas-cip-2024-nprm\"", "id = \"us-bis-iaas-cip-final\"", 1)
                .replacen("days = 10\n", "days = 20\n", 1),
        )
        .expect("pack");
        let mut a = event("2025-03-01T12:00:00Z", EventKind::CipCopyRequested { requester: "BIS".into() });
        a.id = "a".into();
        let mut b = a.clone();
        b.id = "b".into();
        let now = "2025-03-02T12:00:00Z";
        let under_old = compute(&[a.clone(), b.clone()], &[], &ctx(&old, Tz::UTC, now));
        let met = Met {
            key: under_old[0].key.clone(),
            met_at: at(now),
            by: "officer".into(),
            reference: "delivered by email".into(),
            due_date: under_old[0].due_date,
            pack_id: old.pack.pack.id.clone(),
            pack_sha256: old.sha256.clone(),
        };
        let under_new = compute(&[a, b], &[met], &ctx(&new, Tz::UTC, now));
        let met_one = under_new.iter().find(|o| o.key == "cip_copy:a").expect("a");
        assert_eq!(met_one.status, Status::Met);
        assert_eq!(met_one.due_date, date("2025-03-11"), "kept from the old pack");
        assert_eq!(met_one.pack_id, "us-bis-iaas-cip-2024-nprm");
        let open = under_new.iter().find(|o| o.key == "cip_copy:b").expect("b");
        assert_eq!(open.due_date, date("2025-03-21"), "recomputed: 20 days");
        assert_eq!(open.pack_id, "us-bis-iaas-cip-final");
    }

    #[test]
    fn kind_codes_are_the_serialised_names() {
        for kind in ObligationKind::ALL {
            assert_eq!(serde_json::to_value(kind).expect("json"), kind.code());
        }
    }
}
