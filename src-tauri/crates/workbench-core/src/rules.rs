//! The rule pack: every day count, threshold, amount and text of the rule, as data (R1–R27; the
//! AI-training conditions and accelerator catalogue of R26 included).
//!
//! The rule is a proposal (RULE.md); a final rule will change its numbers. A pack is a TOML file
//! (`assets/rules/*.toml`, schema in `assets/rules/SCHEMA.md`) loaded and validated here; code
//! reads parameters from a [`RulePack`], never from constants. Each pack is identified by its
//! `id` and the SHA-256 of its bytes, which every record made under it stores.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::quantity::Quantity;

/// The schema version this binary reads.
pub const SCHEMA: u32 = 1;

/// The pack shipped with the app.
pub const BUILT_IN: &str = include_str!("../../../../assets/rules/us-bis-iaas-cip-2024-nprm.toml");
/// The built-in pack's file name, for messages.
pub const BUILT_IN_FILE: &str = "us-bis-iaas-cip-2024-nprm.toml";

/// Whether the rule is a proposal or final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RuleStatus {
    /// A notice of proposed rulemaking.
    Proposed,
    /// A final rule.
    Final,
}

/// What the pack says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PackInfo {
    /// Stable id, e.g. `us-bis-iaas-cip-2024-nprm`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Federal Register citation.
    pub citation: String,
    /// Proposed or final.
    pub status: RuleStatus,
    /// Publication date.
    #[ts(type = "string")]
    pub published: NaiveDate,
    /// Caveats shown with the pack.
    #[serde(default)]
    pub note: Option<String>,
}

/// A count of calendar days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct DaysParam {
    /// Calendar days.
    #[ts(type = "number")]
    pub days: i64,
    /// The requirement it serves.
    pub rid: String,
    /// The proposal leaves it open; this value is the pack's assumption.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// A day of the year (annual due date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct DayOfYearParam {
    /// 1–12.
    pub month: u32,
    /// 1–31 (29 February falls back to 28 in common years).
    pub day: u32,
    /// The requirement it serves.
    pub rid: String,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// A number of months (re-verification interval).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct MonthsParam {
    /// Months.
    pub months: u32,
    /// The requirement it serves.
    pub rid: String,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// Record retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct RetentionParam {
    /// Years after the later of closure and last access.
    pub years: u32,
    /// The requirement it serves.
    pub rid: String,
    /// What the years count from, in words.
    pub counted_from: String,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// A percentage threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PercentParam {
    /// Percent, 0–100.
    pub percent: u32,
    /// The requirement it serves.
    pub rid: String,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// A penalty figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PenaltyParam {
    /// US dollars, when a money amount.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub usd: Option<u64>,
    /// A multiple (of a transaction's value).
    #[serde(default)]
    pub times: Option<u32>,
    /// Years of imprisonment.
    #[serde(default)]
    pub years: Option<u32>,
    /// The requirement it serves.
    pub rid: String,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// A technical condition for a covered AI model (R26).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ConditionParam {
    /// The figure, exact (`1e26` is 10^26 exactly; see `quantity`).
    pub value: Quantity,
    /// Whether a figure equal to the threshold meets it. E.O. 14110 speaks of compute "greater
    /// than" 10^26 and networking "over" 100 Gbit/s, so the shipped pack says `false`.
    #[serde(default)]
    pub inclusive: bool,
    /// The requirement it serves.
    pub rid: String,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// The deadlines, in calendar days unless said otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Deadlines {
    /// R15: deliver a CIP copy after a request.
    pub cip_copy: DaysParam,
    /// R19: end a non-compliant foreign reseller relationship.
    pub reseller_termination: DaysParam,
    /// R23: report a covered AI transaction.
    pub ai_report: DaysParam,
    /// R14: out-of-cycle change notice.
    pub change_notice: DaysParam,
    /// R13: the annual certification's due day.
    pub annual_certification: DayOfYearParam,
    /// R18: the day each foreign reseller's attestation for the prior year is due to the provider.
    pub reseller_attestation: DayOfYearParam,
    /// R22: from determination to effect.
    pub special_measure_lead: DaysParam,
    /// R22: the longest a special measure lasts unless extended.
    pub special_measure_max: DaysParam,
    /// R12: from the program's start to the initial certification's planning date. Without it
    /// no initial-certification obligation is raised (the gate on imports still applies).
    #[serde(default)]
    pub initial_certification: Option<DaysParam>,
    /// R19: from awareness of a reseller's non-compliance to the report of the suspected
    /// activity. Without it the report is part of the termination deadline.
    #[serde(default)]
    pub activity_report: Option<DaysParam>,
    /// R16: from Commerce requiring a resubmission to the remediated CIP's resubmission.
    /// Without it no resubmission obligation is raised (the findings still are).
    #[serde(default)]
    pub cip_resubmission: Option<DaysParam>,
    /// R21: from a material change to the ADP dossier to its report to Commerce.
    #[serde(default)]
    pub adp_change_report: Option<DaysParam>,
}

/// Re-verification intervals per risk tier (R8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Reverification {
    /// Low risk.
    pub low: MonthsParam,
    /// Medium risk.
    pub medium: MonthsParam,
    /// High risk.
    pub high: MonthsParam,
}

/// Penalty amounts (R27).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Penalties {
    /// Civil, per violation, as proposed.
    pub civil_per_violation: PenaltyParam,
    /// Civil, per violation, inflation-adjusted.
    pub civil_per_violation_adjusted: PenaltyParam,
    /// Civil: this multiple of the transaction's value when greater.
    pub transaction_multiple: PenaltyParam,
    /// Criminal maximum.
    pub criminal_max: PenaltyParam,
}

/// Technical conditions for a covered AI model (R26).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct AiConditions {
    /// Training compute, operations.
    pub training_operations: ConditionParam,
    /// Cluster capacity, operations per second.
    pub cluster_operations_per_second: ConditionParam,
    /// Cluster networking, Gbit/s.
    pub cluster_network_gbps: ConditionParam,
}

/// Which date starts the R23 reporting clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClockFrom {
    /// The later of the transaction and the provider's knowledge of it.
    Later,
    /// The earlier of the two.
    Earlier,
    /// The transaction (or the change of arrangement).
    Transaction,
    /// The day the provider learned of it.
    Knowledge,
}

/// R23: the date the reporting clock starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ClockParam {
    /// Which date.
    pub from: ClockFrom,
    /// The requirement it serves.
    pub rid: String,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// One accelerator model of the catalogue (R26 arithmetic).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Accelerator {
    /// The model as printed, e.g. `NVIDIA H100 SXM5`.
    pub model: String,
    /// Other spellings a billing export may use (`H100`, `h100-sxm`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Peak dense operations per second per accelerator, by precision (`bf16`, `fp8`, …).
    pub ops_per_second: std::collections::BTreeMap<String, Quantity>,
    /// Where the figures come from.
    pub source: String,
    /// The figures are the pack's estimate.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// One red flag a covered-transaction case may record (R23).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct RedFlag {
    /// Stable key.
    pub key: String,
    /// As shown.
    pub title: String,
}

/// How training compute is estimated and when a case is reviewed (R23–R26).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct AiModel {
    /// The requirement it serves.
    pub rid: String,
    /// The catalogue figure that counts (a key of every accelerator's `ops_per_second`).
    pub precision: String,
    /// Share of peak an accelerator is assumed to deliver over a training run.
    pub utilisation: PercentParam,
    /// A figure at or over this share of a threshold makes a case "could be covered".
    pub could_be: PercentParam,
    /// Usage is summed per foreign customer over this many days back from today.
    pub usage_window: DaysParam,
    /// Which date starts the report's clock.
    pub report_clock: ClockParam,
    /// The accelerator catalogue.
    pub accelerators: Vec<Accelerator>,
    /// The red flags a case may record.
    pub red_flags: Vec<RedFlag>,
}

impl AiModel {
    /// The first problem, as (dotted key, message).
    fn validate(&self) -> Option<(String, String)> {
        let bad = |key: &str, message: String| Some((format!("ai.{key}"), message));
        for (key, p) in [("utilisation.percent", &self.utilisation), ("could_be.percent", &self.could_be)] {
            if !(1..=100).contains(&p.percent) {
                return bad(key, format!("must be 1 to 100 (found {})", p.percent));
            }
        }
        if !(1..=3660).contains(&self.usage_window.days) {
            return bad(
                "usage_window.days",
                format!("must be 1 to 3660 days (found {})", self.usage_window.days),
            );
        }
        if self.precision.trim().is_empty() {
            return bad("precision", "names no precision".into());
        }
        if self.accelerators.is_empty() {
            return bad("accelerators", "lists no accelerator".into());
        }
        let mut names = std::collections::HashMap::new();
        for (i, a) in self.accelerators.iter().enumerate() {
            let Some(peak) = a.ops_per_second.get(&self.precision) else {
                return bad(
                    "accelerators",
                    format!("{}: has no {} figure in ops_per_second (ai.precision)", a.model, self.precision),
                );
            };
            if peak.is_zero() || peak.to_integer().is_none() {
                return bad(
                    "accelerators",
                    format!(
                        "{}: {} must be a whole number of operations per second above 0",
                        a.model, self.precision
                    ),
                );
            }
            for name in std::iter::once(&a.model).chain(&a.aliases) {
                if *names.entry(crate::ai::model_key(name)).or_insert(i) != i {
                    return bad("accelerators", format!("“{name}” names two accelerators"));
                }
            }
        }
        let mut flags = std::collections::HashSet::new();
        for f in &self.red_flags {
            if !flags.insert(f.key.as_str()) {
                return bad("red_flags", format!("key {:?} appears twice", f.key));
            }
        }
        None
    }
}

/// The R2 fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Fields {
    /// The requirement.
    pub rid: String,
    /// Collected for every customer and beneficial owner.
    pub required: Vec<String>,
    /// Collected when available.
    pub optional: Vec<String>,
}

/// One element or statement of a certification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Section {
    /// Stable key.
    pub key: String,
    /// Title as printed.
    pub title: String,
    /// The requirement.
    pub rid: String,
    /// The written CIP's section whose text answers this element in a filing (R12), if any.
    #[serde(default)]
    pub cip_section: Option<String>,
}

/// Certification contents (R12, R13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Certification {
    /// The initial certification's elements.
    pub initial: Vec<Section>,
    /// The annual certification's statements.
    pub annual: Vec<Section>,
}

impl Certification {
    /// The annual statements' keys, in print order (what a reseller's return affirms).
    pub fn annual_keys(&self) -> Vec<&str> {
        self.annual.iter().map(|s| s.key.as_str()).collect()
    }

    /// The annual statements as printed: (title, requirement id).
    pub fn annual_statements(&self) -> Vec<(String, String)> {
        self.annual.iter().map(|s| (s.title.clone(), s.rid.clone())).collect()
    }
}

/// One topic the written CIP must cover (R1–R11, R17): its section in every CIP version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct CipTopic {
    /// Stable key, stored with each version's text.
    pub key: String,
    /// Heading as printed.
    pub title: String,
    /// The requirement it answers.
    pub rid: String,
    /// What the section should say, shown to the author beside the editor.
    pub guidance: String,
}

/// The written CIP's structure (R1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct CipOutline {
    /// The sections, in print order.
    pub sections: Vec<CipTopic>,
}

/// The customer notice (R9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Notice {
    /// The requirement.
    pub rid: String,
    /// The text; `{provider}` is replaced by the provider's name.
    pub text: String,
}

/// Record retention section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Records {
    /// R10.
    pub retention: RetentionParam,
}

/// Beneficial ownership section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct BeneficialOwner {
    /// R5: ownership at or above this makes a beneficial owner.
    pub threshold: PercentParam,
}

/// Review deadlines per risk tier: how long a queue item may wait for a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct SlaParam {
    /// Low risk, calendar days.
    #[ts(type = "number")]
    pub low_days: i64,
    /// Medium risk, calendar days.
    #[ts(type = "number")]
    pub medium_days: i64,
    /// High risk, calendar days.
    #[ts(type = "number")]
    pub high_days: i64,
    /// The requirement it serves.
    pub rid: String,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// A reason a reviewer may give for refusing an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct RefusalReason {
    /// Stable code, stored with the decision.
    pub code: String,
    /// Words for the reviewer.
    pub title: String,
}

/// How identity is verified (R4) and how the review queue runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Verification {
    /// The requirement.
    pub rid: String,
    /// The verification methods the CIP accepts.
    pub methods: Vec<crate::verification::Method>,
    /// Elements that must be verified before a customer can be approved.
    pub required_elements: Vec<crate::verification::Element>,
    /// R5: elements each foreign beneficial owner (at or over the threshold, or with control)
    /// must have verified before its customer can be approved. Absent: the customer's required
    /// elements that an owner has (see [`crate::verification::OWNER_ELEMENTS`]).
    #[serde(default)]
    pub owner_required_elements: Option<Vec<crate::verification::Element>>,
    /// The reasons a refusal may give.
    pub refusal_reasons: Vec<RefusalReason>,
    /// Review deadlines.
    pub sla: SlaParam,
    /// R6: the terms an account may run on while verification is pending. Without it the app
    /// offers no restricted or monitored terms.
    #[serde(default)]
    pub pending: Option<PendingTerms>,
}

/// R20: the obligations an exemption lifts, per scope, by obligation kind code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ExemptionRules {
    /// The requirement.
    pub rid: String,
    /// An exemption of the whole provider lifts these.
    pub provider: Vec<String>,
    /// An exemption of an account type lifts these for customers whose accounts are all of it;
    /// its customers also stop counting as unverified in the certifications.
    pub account_type: Vec<String>,
    /// An exemption of a named foreign reseller lifts these for that reseller.
    pub reseller: Vec<String>,
    /// Days after an exemption lapses by which what it lifted falls due (at the earliest).
    #[ts(type = "number")]
    pub lapse_grace_days: i64,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

impl ExemptionRules {
    /// The obligation kind codes an exemption of `scope` lifts.
    pub fn lifts(&self, scope: &crate::exemption::Scope) -> &[String] {
        match scope {
            crate::exemption::Scope::Provider => &self.provider,
            crate::exemption::Scope::AccountType(_) => &self.account_type,
            crate::exemption::Scope::Reseller(_) => &self.reseller,
        }
    }
}

/// R20–R21: the ADP dossier's criteria (what Commerce judges) and its review cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct AdpRules {
    /// The requirement.
    pub rid: String,
    /// Months between reviews of the dossier (R21: keep it current).
    pub review_months: u32,
    /// The criteria, in print order (key, title, rid, guidance).
    pub criteria: Vec<CipTopic>,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// Whether a term restricts an account or keeps it under watch (R6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TermKind {
    /// The account runs with restrictions.
    Restricted,
    /// The account runs under monitoring.
    Monitored,
}

/// One named term (R6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Term {
    /// Stable key.
    pub key: String,
    /// As shown and printed.
    pub title: String,
    /// Restricted or monitored.
    pub state: TermKind,
}

/// R6: the terms while verification is pending and the time to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PendingTerms {
    /// The requirement.
    pub rid: String,
    /// Calendar days from placing an account under terms to the verification decision.
    #[ts(type = "number")]
    pub decide_days: i64,
    /// Assumed by the pack.
    #[serde(default)]
    pub assumed: bool,
    /// Why, when assumed.
    #[serde(default)]
    pub note: Option<String>,
    /// The named terms.
    pub terms: Vec<Term>,
}

impl Verification {
    /// The review deadline for a tier, in days.
    pub fn sla_days(&self, tier: RiskTier) -> i64 {
        match tier {
            RiskTier::Low => self.sla.low_days,
            RiskTier::Medium => self.sla.medium_days,
            RiskTier::High => self.sla.high_days,
        }
    }
}

/// A parsed, validated rule pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct RulePack {
    /// Schema version.
    pub schema: u32,
    /// About the pack.
    pub pack: PackInfo,
    /// R10.
    pub records: Records,
    /// R5.
    pub beneficial_owner: BeneficialOwner,
    /// Deadlines.
    pub deadlines: Deadlines,
    /// R8.
    pub reverification: Reverification,
    /// R27.
    pub penalties: Penalties,
    /// R26.
    pub ai_conditions: AiConditions,
    /// R23–R26: the arithmetic's catalogue and factors. A pack without it cannot evaluate
    /// AI-training cases (the app says so).
    #[serde(default)]
    pub ai: Option<AiModel>,
    /// R20: what an exemption lifts for each scope, and how long after one lapses the obligations
    /// it lifted fall due again. Without it exemptions can be recorded but lift nothing.
    #[serde(default)]
    pub exemptions: Option<ExemptionRules>,
    /// R20–R21: what an Abuse of IaaS Products Deterrence Program (ADP) is judged on, and how
    /// often the dossier is reviewed. Without it the app keeps no dossier.
    #[serde(default)]
    pub adp: Option<AdpRules>,
    /// R2.
    pub fields: Fields,
    /// R12, R13.
    pub certification: Certification,
    /// R9.
    pub notice: Notice,
    /// R4, the review queue.
    pub verification: Verification,
    /// R1: the written CIP's sections.
    pub cip: CipOutline,
}

/// A pack as loaded: parsed, with the hash of the exact bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedPack {
    /// The parsed pack.
    pub pack: RulePack,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// Why a pack was refused: the file, the key and the line, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, TS)]
#[error("{file}:{line}: {key}: {message}")]
#[ts(export)]
pub struct PackError {
    /// The file's name.
    pub file: String,
    /// Dotted key path, e.g. `deadlines.cip_copy.days`.
    pub key: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl RulePack {
    /// Parses and validates `source` (the text of `file`).
    ///
    /// # Errors
    /// The first problem, naming the file, the dotted key and the line: TOML syntax, a missing
    /// key, a wrong type, an unknown key, or a value out of range.
    pub fn load(file: &str, source: &str) -> Result<LoadedPack, PackError> {
        // A pack is a few KiB of TOML; anything far larger is not one (issue 14: bounded input).
        const MAX_BYTES: usize = 1 << 20;
        if source.len() > MAX_BYTES {
            return Err(PackError {
                file: file.to_owned(),
                key: String::new(),
                line: 1,
                message: format!("is {} bytes; a rule pack is at most {MAX_BYTES}", source.len()),
            });
        }
        let pack: RulePack = parse(file, source)?;
        pack.validate(file, source)?;
        Ok(LoadedPack { pack, sha256: hex(&Sha256::digest(source.as_bytes())) })
    }

    /// The built-in pack (the 2024 proposal).
    pub fn built_in() -> LoadedPack {
        // Parsed once per process: every obligations view and import asks for it.
        static PARSED: std::sync::OnceLock<LoadedPack> = std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                Self::load(BUILT_IN_FILE, BUILT_IN).expect("the built-in rule pack is validated by a test")
            })
            .clone()
    }

    /// The re-verification interval for a risk tier.
    pub fn reverification_months(&self, tier: RiskTier) -> &MonthsParam {
        match tier {
            RiskTier::Low => &self.reverification.low,
            RiskTier::Medium => &self.reverification.medium,
            RiskTier::High => &self.reverification.high,
        }
    }

    /// Every value the pack marks as assumed, by dotted key (for the UI's ⚠ marks).
    pub fn assumed_keys(&self) -> Vec<String> {
        self.assumed_values().into_iter().map(|(key, _)| key).collect()
    }

    /// Every assumed value with its note, by dotted key.
    pub fn assumed_values(&self) -> Vec<(String, String)> {
        let d = &self.deadlines;
        let p = &self.penalties;
        let ai = &self.ai_conditions;
        let r = &self.reverification;
        let sla = &self.verification.sla;
        let mut all: Vec<(&str, bool, &Option<String>)> = vec![
            ("verification.sla", sla.assumed, &sla.note),
            ("records.retention", self.records.retention.assumed, &self.records.retention.note),
            (
                "beneficial_owner.threshold",
                self.beneficial_owner.threshold.assumed,
                &self.beneficial_owner.threshold.note,
            ),
            ("deadlines.cip_copy", d.cip_copy.assumed, &d.cip_copy.note),
            ("deadlines.reseller_termination", d.reseller_termination.assumed, &d.reseller_termination.note),
            ("deadlines.ai_report", d.ai_report.assumed, &d.ai_report.note),
            ("deadlines.change_notice", d.change_notice.assumed, &d.change_notice.note),
            ("deadlines.annual_certification", d.annual_certification.assumed, &d.annual_certification.note),
            ("deadlines.reseller_attestation", d.reseller_attestation.assumed, &d.reseller_attestation.note),
            ("deadlines.special_measure_lead", d.special_measure_lead.assumed, &d.special_measure_lead.note),
            ("deadlines.special_measure_max", d.special_measure_max.assumed, &d.special_measure_max.note),
            ("reverification.low", r.low.assumed, &r.low.note),
            ("reverification.medium", r.medium.assumed, &r.medium.note),
            ("reverification.high", r.high.assumed, &r.high.note),
            ("penalties.civil_per_violation", p.civil_per_violation.assumed, &p.civil_per_violation.note),
            (
                "penalties.civil_per_violation_adjusted",
                p.civil_per_violation_adjusted.assumed,
                &p.civil_per_violation_adjusted.note,
            ),
            (
                "ai_conditions.training_operations",
                ai.training_operations.assumed,
                &ai.training_operations.note,
            ),
            (
                "ai_conditions.cluster_operations_per_second",
                ai.cluster_operations_per_second.assumed,
                &ai.cluster_operations_per_second.note,
            ),
            (
                "ai_conditions.cluster_network_gbps",
                ai.cluster_network_gbps.assumed,
                &ai.cluster_network_gbps.note,
            ),
        ];
        if let Some(initial) = &d.initial_certification {
            all.push(("deadlines.initial_certification", initial.assumed, &initial.note));
        }
        if let Some(report) = &d.activity_report {
            all.push(("deadlines.activity_report", report.assumed, &report.note));
        }
        if let Some(resubmission) = &d.cip_resubmission {
            all.push(("deadlines.cip_resubmission", resubmission.assumed, &resubmission.note));
        }
        if let Some(report) = &d.adp_change_report {
            all.push(("deadlines.adp_change_report", report.assumed, &report.note));
        }
        if let Some(adp) = &self.adp {
            all.push(("adp", adp.assumed, &adp.note));
        }
        if let Some(pending) = &self.verification.pending {
            all.push(("verification.pending", pending.assumed, &pending.note));
        }
        if let Some(exemptions) = &self.exemptions {
            all.push(("exemptions", exemptions.assumed, &exemptions.note));
        }
        if let Some(model) = &self.ai {
            all.extend([
                ("ai.utilisation", model.utilisation.assumed, &model.utilisation.note),
                ("ai.could_be", model.could_be.assumed, &model.could_be.note),
                ("ai.usage_window", model.usage_window.assumed, &model.usage_window.note),
                ("ai.report_clock", model.report_clock.assumed, &model.report_clock.note),
            ]);
        }
        all.into_iter()
            .filter(|(_, assumed, _)| *assumed)
            .map(|(key, _, note)| (key.to_owned(), note.clone().unwrap_or_default()))
            .collect()
    }

    fn validate(&self, file: &str, source: &str) -> Result<(), PackError> {
        let fail = |key: &str, message: String| {
            Err(PackError { file: file.to_owned(), key: key.to_owned(), line: line_of(source, key), message })
        };
        if self.schema != SCHEMA {
            return fail("schema", format!("this app reads schema {SCHEMA}, the file says {}", self.schema));
        }
        if self.pack.id.trim().is_empty()
            || !self.pack.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return fail("pack.id", "must be lower-case letters, digits and hyphens".into());
        }
        let d = &self.deadlines;
        for (key, param) in [
            ("deadlines.cip_copy.days", &d.cip_copy),
            ("deadlines.reseller_termination.days", &d.reseller_termination),
            ("deadlines.ai_report.days", &d.ai_report),
            ("deadlines.change_notice.days", &d.change_notice),
            ("deadlines.special_measure_lead.days", &d.special_measure_lead),
            ("deadlines.special_measure_max.days", &d.special_measure_max),
        ]
        .into_iter()
        .chain(d.initial_certification.as_ref().map(|p| ("deadlines.initial_certification.days", p)))
        .chain(d.activity_report.as_ref().map(|p| ("deadlines.activity_report.days", p)))
        .chain(d.cip_resubmission.as_ref().map(|p| ("deadlines.cip_resubmission.days", p)))
        .chain(d.adp_change_report.as_ref().map(|p| ("deadlines.adp_change_report.days", p)))
        {
            if !(0..=3660).contains(&param.days) {
                return fail(key, format!("must be a number of days from 0 to 3660 (found {})", param.days));
            }
        }
        for (key, annual) in [
            ("deadlines.annual_certification", &d.annual_certification),
            ("deadlines.reseller_attestation", &d.reseller_attestation),
        ] {
            if NaiveDate::from_ymd_opt(2024, annual.month, annual.day).is_none() {
                return fail(
                    key,
                    format!("month {} / day {} is not a day of the year", annual.month, annual.day),
                );
            }
        }
        for (key, param) in [
            ("reverification.low.months", &self.reverification.low),
            ("reverification.medium.months", &self.reverification.medium),
            ("reverification.high.months", &self.reverification.high),
        ] {
            if !(1..=240).contains(&param.months) {
                return fail(key, format!("must be 1 to 240 months (found {})", param.months));
            }
        }
        if !(1..=100).contains(&self.beneficial_owner.threshold.percent) {
            return fail("beneficial_owner.threshold.percent", "must be 1 to 100".into());
        }
        if self.records.retention.years == 0 {
            return fail("records.retention.years", "must be at least 1".into());
        }
        if self.penalties.civil_per_violation.usd.is_none() {
            return fail("penalties.civil_per_violation.usd", "an amount is required".into());
        }
        if self.penalties.transaction_multiple.times.is_none() {
            return fail("penalties.transaction_multiple.times", "a multiple is required".into());
        }
        if self.certification.initial.is_empty() {
            return fail("certification.initial", "lists no elements".into());
        }
        for element in self.certification.initial.iter().chain(&self.certification.annual) {
            if let Some(section) = &element.cip_section
                && !self.cip.sections.iter().any(|s| &s.key == section)
            {
                return fail(
                    "certification.cip_section",
                    format!("{}: names no CIP section “{section}”", element.key),
                );
            }
        }
        let v = &self.verification;
        if v.methods.is_empty() {
            return fail("verification.methods", "lists no method".into());
        }
        if v.refusal_reasons.is_empty() {
            return fail("verification.refusal_reasons", "lists no reason".into());
        }
        for (key, days) in [
            ("verification.sla.low_days", v.sla.low_days),
            ("verification.sla.medium_days", v.sla.medium_days),
            ("verification.sla.high_days", v.sla.high_days),
        ] {
            if !(1..=365).contains(&days) {
                return fail(key, format!("must be 1 to 365 days (found {days})"));
            }
        }
        if let Some(adp) = &self.adp {
            if adp.criteria.is_empty() {
                return fail("adp.criteria", "lists no criterion".into());
            }
            for (i, c) in adp.criteria.iter().enumerate() {
                if adp.criteria[..i].iter().any(|o| o.key == c.key) {
                    return fail("adp.criteria", format!("key {:?} appears twice", c.key));
                }
            }
            if !(1..=60).contains(&adp.review_months) {
                return fail(
                    "adp.review_months",
                    format!("must be 1 to 60 months (found {})", adp.review_months),
                );
            }
        }
        if let Some(e) = &self.exemptions {
            for (key, kinds) in [
                ("exemptions.provider", &e.provider),
                ("exemptions.account_type", &e.account_type),
                ("exemptions.reseller", &e.reseller),
            ] {
                if let Some(bad) =
                    kinds.iter().find(|k| crate::obligations::ObligationKind::from_code(k).is_none())
                {
                    return fail(key, format!("{bad:?} is not an obligation kind"));
                }
            }
            if !(0..=3660).contains(&e.lapse_grace_days) {
                return fail(
                    "exemptions.lapse_grace_days",
                    format!("must be a number of days from 0 to 3660 (found {})", e.lapse_grace_days),
                );
            }
        }
        if let Err(crate::CoreError::Invalid(fields)) = crate::verification::check_owner_elements(self)
            && let Some(f) = fields.into_iter().next()
        {
            return fail("verification.owner_required_elements", f.problem);
        }
        if let Some(pending) = &v.pending {
            if !(1..=365).contains(&pending.decide_days) {
                return fail(
                    "verification.pending.decide_days",
                    format!("must be 1 to 365 days (found {})", pending.decide_days),
                );
            }
            for (i, term) in pending.terms.iter().enumerate() {
                if pending.terms[..i].iter().any(|t| t.key == term.key) {
                    return fail("verification.pending.terms", format!("key {:?} appears twice", term.key));
                }
            }
        }
        if self.cip.sections.is_empty() {
            return fail("cip.sections", "lists no section".into());
        }
        for (i, topic) in self.cip.sections.iter().enumerate() {
            if self.cip.sections[..i].iter().any(|t| t.key == topic.key) {
                return fail("cip.sections", format!("key {:?} appears twice", topic.key));
            }
        }
        if !self.notice.text.contains("{provider}") {
            return fail("notice.text", "must contain {provider}".into());
        }
        let c = &self.ai_conditions;
        for (key, param) in [
            ("ai_conditions.training_operations.value", &c.training_operations),
            ("ai_conditions.cluster_operations_per_second.value", &c.cluster_operations_per_second),
            ("ai_conditions.cluster_network_gbps.value", &c.cluster_network_gbps),
        ] {
            if param.value.is_zero() {
                return fail(key, "must be more than 0".into());
            }
        }
        if let Some(ai) = &self.ai {
            ai.validate().map_or(Ok(()), |(key, message)| fail(&key, message))?;
        }
        Ok(())
    }
}

/// Customer risk tier (R8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RiskTier {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

impl RiskTier {
    /// Lower-case label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

fn parse(file: &str, source: &str) -> Result<RulePack, PackError> {
    let deserializer = toml::Deserializer::parse(source).map_err(|e| PackError {
        file: file.to_owned(),
        key: "(syntax)".into(),
        line: e.span().map_or(1, |s| line_at(source, s.start)),
        message: e.message().to_owned(),
    })?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let mut key = if path == "." { String::new() } else { path };
        let mut message = inner.message().to_owned();
        // "missing field `x`": name the missing key itself.
        if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
            key = if key.is_empty() { field.to_owned() } else { format!("{key}.{field}") };
            message = "is missing".into();
        }
        let line = inner.span().map_or_else(|| line_of(source, &key), |s| line_at(source, s.start));
        PackError { file: file.to_owned(), key, line, message }
    })
}

/// 1-based line of a byte offset.
fn line_at(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

/// Best-effort line of a dotted key: its table header, then the key inside it.
fn line_of(source: &str, key: &str) -> usize {
    let parts: Vec<&str> = key.split('.').collect();
    let mut best = 1;
    for split in (0..=parts.len()).rev() {
        let (table, rest) = parts.split_at(split);
        let header = format!("[{}]", table.join("."));
        let start = if table.is_empty() {
            Some(0)
        } else {
            source.lines().position(|l| l.trim() == header).map(|i| i + 1)
        };
        let Some(start) = start else { continue };
        best = start.max(1);
        if let Some(first) = rest.first() {
            for (i, line) in source.lines().enumerate().skip(start) {
                let trimmed = line.trim_start();
                if trimmed.starts_with('[') && i > start {
                    break;
                }
                if trimmed.starts_with(&format!("{first} ")) || trimmed.starts_with(&format!("{first}=")) {
                    return i + 1;
                }
            }
        }
        return best;
    }
    best
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_pack_loads_and_carries_every_rule_md_parameter() {
        let loaded = RulePack::built_in();
        let p = &loaded.pack;
        assert_eq!(p.pack.status, RuleStatus::Proposed);
        assert_eq!(p.records.retention.years, 2);
        assert_eq!(p.beneficial_owner.threshold.percent, 25);
        assert_eq!(p.deadlines.cip_copy.days, 10);
        assert_eq!(p.deadlines.reseller_termination.days, 30);
        assert_eq!(p.deadlines.ai_report.days, 15);
        assert_eq!(p.deadlines.special_measure_max.days, 365);
        assert_eq!(p.penalties.civil_per_violation.usd, Some(250_000));
        assert_eq!(p.penalties.transaction_multiple.times, Some(2));
        assert_eq!(p.penalties.criminal_max.usd, Some(1_000_000));
        assert_eq!(p.penalties.criminal_max.years, Some(20));
        assert_eq!(p.certification.initial.len(), 8, "R12 lists eight elements");
        assert!(p.fields.required.contains(&"ip_addresses".to_owned()));
        assert!(p.deadlines.change_notice.assumed, "the proposal names no R14 day count");
        assert!(p.assumed_keys().contains(&"deadlines.annual_certification".to_owned()));
        assert_eq!(loaded.sha256.len(), 64);
    }

    fn broken(from: &str, to: &str) -> PackError {
        assert!(BUILT_IN.contains(from), "fixture text {from:?} not in the pack");
        RulePack::load("broken.toml", &BUILT_IN.replacen(from, to, 1)).expect_err("must be refused")
    }

    fn line_containing(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).expect("needle") + 1
    }

    #[test]
    fn a_negative_day_count_names_file_key_and_line() {
        let source = BUILT_IN.replacen("days = 10\n", "days = -3\n", 1);
        let err = RulePack::load("broken.toml", &source).expect_err("negative");
        assert_eq!(err.file, "broken.toml");
        assert_eq!(err.key, "deadlines.cip_copy.days");
        assert_eq!(err.line, line_containing(&source, "days = -3"));
        assert!(err.message.contains("found -3"), "{err}");
        assert!(err.to_string().starts_with(&format!("broken.toml:{}: deadlines.cip_copy.days:", err.line)));
    }

    #[test]
    fn a_missing_key_is_named() {
        let err = broken("[deadlines.ai_report]\ndays = 15\n", "[deadlines.ai_report]\n");
        assert_eq!(err.key, "deadlines.ai_report.days");
        assert_eq!(err.message, "is missing");
        assert!(err.line > 1, "{err}");
    }

    #[test]
    fn a_wrong_type_names_key_and_line() {
        let err = broken("years = 2\n", "years = \"two\"\n");
        assert_eq!(err.key, "records.retention.years");
        let source = BUILT_IN.replacen("years = 2\n", "years = \"two\"\n", 1);
        assert_eq!(err.line, line_containing(&source, "years = \"two\""));
    }

    #[test]
    fn an_unknown_key_and_bad_syntax_are_refused() {
        let err = broken("[deadlines.cip_copy]\n", "[deadlines.cip_copy]\nhours = 3\n");
        assert!(err.message.contains("unknown field `hours`"), "{err}");
        assert_eq!(err.key, "deadlines.cip_copy.hours");
        let err = broken("schema = 1", "schema = = 1");
        assert_eq!(err.key, "(syntax)");
        assert_eq!(err.line, line_containing(BUILT_IN, "schema = 1"));
    }

    #[test]
    fn an_impossible_annual_day_is_refused() {
        let err = broken("month = 1\nday = 31", "month = 2\nday = 30");
        assert_eq!(err.key, "deadlines.annual_certification");
    }

    #[test]
    fn the_hash_is_of_the_exact_bytes() {
        let a = RulePack::load("a.toml", BUILT_IN).expect("load");
        let b = RulePack::load("a.toml", &format!("{BUILT_IN}\n# a comment\n")).expect("load");
        assert_eq!(a.pack, b.pack);
        assert_ne!(a.sha256, b.sha256);
    }
}
