//! Covered AI-training transactions (R23–R26): arrangements, the arithmetic against the pack's
//! conditions, and metered usage.
//!
//! A case holds *arrangement versions* — what is contracted or observed. Each is evaluated under
//! the active pack: cluster peak = accelerators × the catalogue's figure at the pack's precision;
//! potential training operations = cluster peak × seconds of the arrangement × the pack's
//! utilisation; network bandwidth as contracted. Each figure is compared with the pack's
//! conditions (R26): **covered** when training operations meet theirs, or the cluster's peak and
//! its network both meet theirs; **could be covered** when a figure reaches the pack's fraction
//! of its threshold or a red flag is recorded; otherwise **not covered**. Every step is kept as
//! text, so the screen and the report print the arithmetic an examiner can redo.
//!
//! All figures are exact integers (`u128`) or exact decimals ([`Quantity`]); nothing passes
//! through a float.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CoreError, FieldError};
use crate::quantity::{Quantity, grouped, sci};
use crate::rules::{Accelerator, AiModel, ConditionParam, RulePack};

/// Seconds in a day.
const DAY_SECONDS: u128 = 86_400;
/// The most accelerators one arrangement or usage row may name: more is a typo.
pub const MAX_ACCELERATORS: u64 = 10_000_000;
/// The longest arrangement, in days (ten years).
pub const MAX_DAYS: i64 = 3_660;
/// The fastest interconnect believed, Gbit/s per accelerator link: more is a typo.
pub const MAX_GBPS: u128 = 100_000;
/// The most accelerator-hours one usage row may hold (a million accelerators for a month).
pub const MAX_ROW_HOURS: u128 = 744_000_000;

/// How a catalogue model is matched: letters and digits, lower case (`H100-SXM` = `h100 sxm`).
pub fn model_key(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The accelerator catalogue as a lookup by any of its spellings.
#[derive(Debug, Clone)]
pub struct Catalogue<'a> {
    model: &'a AiModel,
    by_key: HashMap<String, usize>,
}

impl<'a> Catalogue<'a> {
    /// The catalogue of a pack.
    ///
    /// # Errors
    /// [`CoreError::Invalid`] on `rule_pack` when the pack has no `[ai]` table.
    pub fn of(pack: &'a RulePack) -> Result<Self, CoreError> {
        let model = pack.ai.as_ref().ok_or_else(|| {
            CoreError::invalid(
                "rule_pack",
                format!(
                    "the active rule pack {} has no [ai] table (accelerator catalogue, utilisation); import a pack that has one (R26)",
                    pack.pack.id
                ),
            )
        })?;
        let mut by_key = HashMap::new();
        for (i, a) in model.accelerators.iter().enumerate() {
            for name in std::iter::once(&a.model).chain(&a.aliases) {
                by_key.insert(model_key(name), i);
            }
        }
        Ok(Self { model, by_key })
    }

    /// The pack's AI table.
    pub fn model(&self) -> &'a AiModel {
        self.model
    }

    /// The accelerator a name means, or a message naming the closest catalogue models.
    ///
    /// # Errors
    /// The sentence to show: unknown model, with up to three close names.
    pub fn find(&self, name: &str) -> Result<&'a Accelerator, String> {
        if let Some(i) = self.by_key.get(&model_key(name)) {
            return Ok(&self.model.accelerators[*i]);
        }
        let key = model_key(name);
        let mut close: Vec<(f64, &str)> = self
            .model
            .accelerators
            .iter()
            .flat_map(|a| std::iter::once(&a.model).chain(&a.aliases).map(move |n| (n, a)))
            .map(|(n, a)| (strsim::normalized_levenshtein(&key, &model_key(n)), a.model.as_str()))
            .filter(|(score, _)| *score >= 0.4)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut names: Vec<&str> = Vec::new();
        for (_, n) in close {
            if !names.contains(&n) && names.len() < 3 {
                names.push(n);
            }
        }
        let shown: String = name.chars().take(40).collect();
        Err(if names.is_empty() {
            format!("“{shown}” is not in the rule pack's accelerator catalogue")
        } else {
            format!(
                "“{shown}” is not in the rule pack's accelerator catalogue; did you mean {}?",
                names.join(", ")
            )
        })
    }

    /// Peak operations per second of one accelerator at the pack's precision.
    pub fn peak(&self, a: &Accelerator) -> u128 {
        // Validated when the pack was loaded: present and whole.
        a.ops_per_second.get(&self.model.precision).and_then(|q| q.to_integer()).unwrap_or(0)
    }
}

/// A red flag recorded on an arrangement, with what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "AiFlagNote")]
pub struct FlagNote {
    /// The pack's key.
    pub key: String,
    /// What was seen.
    #[serde(default)]
    pub note: String,
}

/// An arrangement as entered (form or TOML file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "AiArrangementInput")]
pub struct NewArrangement {
    /// Accelerator model (a catalogue name or alias).
    pub accelerator: String,
    /// How many accelerators.
    #[ts(type = "number")]
    pub count: u64,
    /// Interconnect bandwidth, Gbit/s.
    pub interconnect_gbps: Quantity,
    /// The transaction (or, for a later version, the change of arrangement).
    #[ts(type = "string")]
    pub transaction_on: NaiveDate,
    /// When the provider learned of it.
    #[ts(type = "string")]
    pub known_on: NaiveDate,
    /// Start of the arrangement.
    #[ts(type = "string")]
    pub starts_on: NaiveDate,
    /// End of the arrangement (exclusive); or give `duration_days`.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub ends_on: Option<NaiveDate>,
    /// Length in days, when no end date is given.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub duration_days: Option<i64>,
    /// The declared purpose.
    #[serde(default)]
    pub purpose: String,
    /// The foreign reseller involved, if any.
    #[serde(default)]
    pub reseller_ref: Option<String>,
    /// The customer's accounts involved.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Red flags seen.
    #[serde(default)]
    pub red_flags: Vec<FlagNote>,
    /// The transaction's value, US dollars (for the R27 ceiling).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub value_usd: Option<u64>,
}

/// A validated arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "AiArrangement")]
pub struct Arrangement {
    /// The catalogue model (its printed name).
    pub accelerator: String,
    /// How many.
    #[ts(type = "number")]
    pub count: u64,
    /// Gbit/s.
    pub interconnect_gbps: Quantity,
    /// Transaction or change date.
    #[ts(type = "string")]
    pub transaction_on: NaiveDate,
    /// Knowledge date.
    #[ts(type = "string")]
    pub known_on: NaiveDate,
    /// Start.
    #[ts(type = "string")]
    pub starts_on: NaiveDate,
    /// End (exclusive).
    #[ts(type = "string")]
    pub ends_on: NaiveDate,
    /// Purpose ("" when not declared).
    pub purpose: String,
    /// Reseller, if any.
    pub reseller_ref: Option<String>,
    /// Accounts involved.
    pub accounts: Vec<String>,
    /// Red flags.
    pub red_flags: Vec<FlagNote>,
    /// Value, US dollars.
    #[ts(type = "number | null")]
    pub value_usd: Option<u64>,
}

impl Arrangement {
    /// Days from start to end.
    pub fn days(&self) -> i64 {
        (self.ends_on - self.starts_on).num_days()
    }
}

impl NewArrangement {
    /// Checks every field; `Ok` only when all are good.
    ///
    /// # Errors
    /// [`CoreError::Invalid`] naming each bad field.
    pub fn validate(&self, catalogue: &Catalogue<'_>, today: NaiveDate) -> Result<Arrangement, CoreError> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, problem: String| errors.push(FieldError { field: field.into(), problem });
        let accelerator = match catalogue.find(&self.accelerator) {
            Ok(a) => a.model.clone(),
            Err(message) => {
                bad("accelerator", message);
                String::new()
            }
        };
        if self.count == 0 {
            bad("count", "must be at least 1 accelerator".into());
        } else if self.count > MAX_ACCELERATORS {
            bad(
                "count",
                format!(
                    "{} accelerators is beyond belief (at most {})",
                    self.count,
                    grouped(MAX_ACCELERATORS.into())
                ),
            );
        }
        match self.interconnect_gbps.scaled(6) {
            Some(v) if v > MAX_GBPS * 1_000_000 => {
                bad("interconnect_gbps", format!("over {MAX_GBPS} Gbit/s is beyond belief"));
            }
            Some(_) => {}
            None => bad("interconnect_gbps", "is too large".into()),
        }
        let ends_on = match (self.ends_on, self.duration_days) {
            (Some(_), Some(_)) => {
                bad("duration_days", "give an end date or a duration, not both".into());
                None
            }
            (Some(end), None) => Some(end),
            (None, Some(days)) if (1..=MAX_DAYS).contains(&days) => {
                self.starts_on.checked_add_days(chrono::Days::new(days.unsigned_abs()))
            }
            (None, Some(days)) => {
                bad("duration_days", format!("must be 1 to {MAX_DAYS} days (found {days})"));
                None
            }
            (None, None) => {
                bad("ends_on", "the arrangement has no duration: give an end date or duration_days".into());
                None
            }
        };
        if let Some(end) = ends_on {
            let days = (end - self.starts_on).num_days();
            if days <= 0 {
                bad("ends_on", format!("ends on {end}, not after it starts ({})", self.starts_on));
            } else if days > MAX_DAYS {
                bad("ends_on", format!("{days} days is longer than {MAX_DAYS}"));
            }
        }
        if self.known_on > today {
            bad("known_on", "cannot be in the future".into());
        }
        if self.transaction_on > today {
            bad(
                "transaction_on",
                "cannot be in the future (record a planned change when it is agreed)".into(),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for flag in &self.red_flags {
            if !catalogue.model.red_flags.iter().any(|f| f.key == flag.key) {
                let keys: Vec<&str> = catalogue.model.red_flags.iter().map(|f| f.key.as_str()).collect();
                bad(
                    "red_flags",
                    format!("“{}” is not one of the pack's red flags ({})", flag.key, keys.join(", ")),
                );
            } else if !seen.insert(flag.key.as_str()) {
                bad("red_flags", format!("“{}” is listed twice", flag.key));
            }
        }
        if self.purpose.chars().count() > 2_000 {
            bad("purpose", "is longer than 2,000 characters".into());
        }
        if !errors.is_empty() {
            return Err(CoreError::Invalid(errors));
        }
        let trimmed =
            |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        Ok(Arrangement {
            accelerator,
            count: self.count,
            interconnect_gbps: self.interconnect_gbps,
            transaction_on: self.transaction_on,
            known_on: self.known_on,
            starts_on: self.starts_on,
            ends_on: ends_on.unwrap_or(self.starts_on),
            purpose: self.purpose.trim().to_owned(),
            reseller_ref: trimmed(&self.reseller_ref),
            accounts: self.accounts.iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect(),
            red_flags: self
                .red_flags
                .iter()
                .map(|f| FlagNote { key: f.key.clone(), note: f.note.trim().to_owned() })
                .collect(),
            value_usd: self.value_usd,
        })
    }

    /// Reads an arrangement file (TOML; template `assets/templates/ai-arrangement.toml`).
    ///
    /// # Errors
    /// [`CoreError::Invalid`] on the key at fault, with the line.
    pub fn from_toml(text: &str) -> Result<Self, CoreError> {
        let de = toml::Deserializer::parse(text)
            .map_err(|e| CoreError::invalid("file", format!("is not TOML: {}", e.message())))?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let line = inner.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            let field = if path == "." { "file".to_owned() } else { path };
            let at = line.map_or_else(String::new, |l| format!(" (line {l})"));
            CoreError::invalid(&field, format!("{}{at}", inner.message()))
        })
    }
}

/// Where a case stands under the pack (R26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "AiCoverage")]
pub enum Coverage {
    /// No figure near a threshold, no red flag.
    NotCovered,
    /// A figure at the pack's fraction of a threshold, or a red flag: a person decides.
    CouldBe,
    /// A condition is met: the transaction is reported (R23).
    Covered,
}

impl Coverage {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotCovered => "not_covered",
            Self::CouldBe => "could_be",
            Self::Covered => "covered",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::NotCovered, Self::CouldBe, Self::Covered].into_iter().find(|c| c.code() == code)
    }

    /// As shown.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotCovered => "not covered",
            Self::CouldBe => "could be covered",
            Self::Covered => "covered",
        }
    }

    /// Covered or could be: the reporting clock runs (R23 "results or could result").
    pub fn reportable(self) -> bool {
        self != Self::NotCovered
    }
}

/// One line of the arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "AiStep")]
pub struct Step {
    /// What is computed.
    pub what: String,
    /// How, with the figures.
    pub how: String,
    /// The result with its unit.
    pub result: String,
}

/// One comparison with a condition of the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "AiTest")]
pub struct Test {
    /// The pack key, e.g. `ai_conditions.training_operations`.
    pub condition: String,
    /// The figure, with its unit.
    pub figure: String,
    /// The threshold, with its unit and comparison (`> 1.0000e26 op`).
    pub threshold: String,
    /// The figure as a share of the threshold, e.g. `126.40 %`.
    pub share: String,
    /// The condition is met.
    pub meets: bool,
    /// The figure reaches the pack's "could be" fraction.
    pub near: bool,
    /// The pack marks the threshold as assumed.
    pub assumed: bool,
}

/// An evaluation with its arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "AiEvaluation")]
pub struct Evaluation {
    /// The outcome.
    pub coverage: Coverage,
    /// Why, in sentences.
    pub reasons: Vec<String>,
    /// The computation, step by step.
    pub steps: Vec<Step>,
    /// The comparisons.
    pub tests: Vec<Test>,
    /// Cluster peak, op/s (exact decimal text).
    pub cluster_ops_per_second: String,
    /// Potential training operations (exact decimal text).
    pub training_operations: String,
    /// Network, Gbit/s.
    pub network_gbps: String,
    /// The pack it was made under.
    pub pack_id: String,
}

/// Figures compared with the pack's conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    /// Potential training operations × 100 (the utilisation's percent kept exact).
    pub training_ops_x100: u128,
    /// Cluster peak, op/s.
    pub cluster_ops_per_second: u128,
    /// Network, micro-Gbit/s (Gbit/s × 10^6).
    pub network_micro_gbps: u128,
    /// Red flags recorded.
    pub red_flags: usize,
}

fn overflow() -> CoreError {
    CoreError::invalid("arrangement", "the figures are too large to compute exactly (over 3.4e38)")
}

/// `figure × 100 / threshold` as a percentage with two decimals; figure and threshold at the
/// same scale.
fn share(figure: u128, threshold: u128) -> String {
    if threshold == 0 {
        return "—".into();
    }
    let basis = figure.saturating_mul(10_000) / threshold;
    format!("{}.{:02} %", grouped(basis / 100), basis % 100)
}

fn compare(figure: u128, threshold: u128, inclusive: bool) -> bool {
    if inclusive { figure >= threshold } else { figure > threshold }
}

fn threshold_text(c: &ConditionParam, unit: &str) -> String {
    let sign = if c.inclusive { "≥" } else { ">" };
    format!("{sign} {} {unit}", c.value)
}

/// Compares figures with the pack's conditions.
///
/// # Errors
/// [`CoreError::Invalid`] when the pack has no `[ai]` table or a threshold is not whole.
pub fn judge(pack: &RulePack, f: &Figures) -> Result<(Coverage, Vec<Test>, Vec<String>), CoreError> {
    let model = Catalogue::of(pack)?.model;
    let c = &pack.ai_conditions;
    let near_pct = u128::from(model.could_be.percent);
    let whole = |q: &ConditionParam, key: &str| {
        q.value.to_integer().ok_or_else(|| CoreError::invalid(key, "the threshold must be a whole number"))
    };
    let t_ops = whole(&c.training_operations, "ai_conditions.training_operations")?;
    let t_cluster = whole(&c.cluster_operations_per_second, "ai_conditions.cluster_operations_per_second")?;
    let t_net = c.cluster_network_gbps.value.scaled(6).ok_or_else(overflow)?;
    // training: figure×100 against threshold×100 keeps the utilisation's percent exact.
    let t_ops_x100 = t_ops.checked_mul(100).ok_or_else(overflow)?;
    let test = |condition: &str,
                param: &ConditionParam,
                figure: u128,
                threshold: u128,
                shown: String,
                unit: &str| {
        let meets = compare(figure, threshold, param.inclusive);
        let near = figure.saturating_mul(100) >= threshold.saturating_mul(near_pct);
        Test {
            condition: condition.to_owned(),
            figure: shown,
            threshold: threshold_text(param, unit),
            share: share(figure, threshold),
            meets,
            near,
            assumed: param.assumed,
        }
    };
    let training = test(
        "ai_conditions.training_operations",
        &c.training_operations,
        f.training_ops_x100,
        t_ops_x100,
        format!("{} op", sci(f.training_ops_x100 / 100)),
        "op",
    );
    let cluster = test(
        "ai_conditions.cluster_operations_per_second",
        &c.cluster_operations_per_second,
        f.cluster_ops_per_second,
        t_cluster,
        format!("{} op/s", sci(f.cluster_ops_per_second)),
        "op/s",
    );
    let network = test(
        "ai_conditions.cluster_network_gbps",
        &c.cluster_network_gbps,
        f.network_micro_gbps,
        t_net,
        format!("{} Gbit/s", micro_text(f.network_micro_gbps)),
        "Gbit/s",
    );
    let mut reasons = Vec::new();
    let coverage = if training.meets || (cluster.meets && network.meets) {
        if training.meets {
            reasons.push(format!(
                "Potential training operations {} meet the condition {}.",
                training.figure, training.threshold
            ));
        }
        if cluster.meets && network.meets {
            reasons.push(format!(
                "The cluster's peak {} and its network {} both meet their conditions.",
                cluster.figure, network.figure
            ));
        }
        Coverage::Covered
    } else if training.near || (cluster.near && network.near) || f.red_flags > 0 {
        if training.near {
            reasons.push(format!(
                "Potential training operations are {} of the threshold (the pack's could-be fraction is {near_pct} %).",
                training.share
            ));
        }
        if cluster.near && network.near {
            reasons.push(format!(
                "The cluster is at {} and its network at {} of their thresholds (could-be fraction {near_pct} %).",
                cluster.share, network.share
            ));
        }
        if f.red_flags > 0 {
            reasons.push(format!("{} red flag(s) recorded.", f.red_flags));
        }
        Coverage::CouldBe
    } else {
        reasons.push(format!(
            "Every figure is below {near_pct} % of its threshold and no red flag is recorded."
        ));
        Coverage::NotCovered
    };
    Ok((coverage, vec![training, cluster, network], reasons))
}

/// Micro-units as a decimal: `400`, `12.5`.
fn micro_text(micro: u128) -> String {
    let int = micro / 1_000_000;
    let frac = micro % 1_000_000;
    if frac == 0 {
        return grouped(int);
    }
    let frac = format!("{frac:06}");
    format!("{}.{}", grouped(int), frac.trim_end_matches('0'))
}

/// Evaluates an arrangement under a pack, with every step of the arithmetic.
///
/// # Errors
/// [`CoreError::Invalid`] when the pack has no `[ai]` table, the accelerator left the catalogue,
/// or a product does not fit 128 bits.
pub fn evaluate(a: &Arrangement, pack: &RulePack) -> Result<Evaluation, CoreError> {
    let catalogue = Catalogue::of(pack)?;
    let model = catalogue.model;
    let accel = catalogue.find(&a.accelerator).map_err(|m| CoreError::invalid("accelerator", m))?;
    let peak = catalogue.peak(accel);
    let count = u128::from(a.count);
    let cluster = peak.checked_mul(count).ok_or_else(overflow)?;
    let days = u128::try_from(a.days().max(0)).map_err(|_| overflow())?;
    let seconds = days * DAY_SECONDS;
    let util = u128::from(model.utilisation.percent);
    let ops_x100 = cluster.checked_mul(seconds).and_then(|v| v.checked_mul(util)).ok_or_else(overflow)?;
    let network = a.interconnect_gbps.scaled(6).ok_or_else(overflow)?;
    let figures = Figures {
        training_ops_x100: ops_x100,
        cluster_ops_per_second: cluster,
        network_micro_gbps: network,
        red_flags: a.red_flags.len(),
    };
    let (coverage, tests, reasons) = judge(pack, &figures)?;
    let assumed = |b: bool| if b { " ⚠ assumed" } else { "" };
    let steps = vec![
        Step {
            what: "Accelerator".into(),
            how: format!(
                "{} at {} ({}{})",
                accel.model,
                model.precision,
                accel.source,
                assumed(accel.assumed)
            ),
            result: format!("{} op/s each", sci(peak)),
        },
        Step {
            what: "Cluster peak".into(),
            how: format!("{} accelerators × {} op/s", grouped(count), sci(peak)),
            result: format!("{} op/s", sci(cluster)),
        },
        Step {
            what: "Duration".into(),
            how: format!("{} to {} = {} days × 86,400 s", a.starts_on, a.ends_on, grouped(days)),
            result: format!("{} s", grouped(seconds)),
        },
        Step {
            what: "Potential training operations".into(),
            how: format!(
                "{} op/s × {} s × {} % utilisation{}",
                sci(cluster),
                grouped(seconds),
                util,
                assumed(model.utilisation.assumed)
            ),
            result: format!("{} op", sci(ops_x100 / 100)),
        },
        Step {
            what: "Network bandwidth".into(),
            how: "as contracted or observed".into(),
            result: format!("{} Gbit/s", micro_text(network)),
        },
    ];
    Ok(Evaluation {
        coverage,
        reasons,
        steps,
        tests,
        cluster_ops_per_second: cluster.to_string(),
        training_operations: (ops_x100 / 100).to_string(),
        network_gbps: micro_text(network).replace(',', ""),
        pack_id: pack.pack.id.clone(),
    })
}

/// The date the report's clock starts from (the pack's `ai.report_clock`).
pub fn clock_start(model: &AiModel, transaction_on: NaiveDate, known_on: NaiveDate) -> NaiveDate {
    use crate::rules::ClockFrom;
    match model.report_clock.from {
        ClockFrom::Later => transaction_on.max(known_on),
        ClockFrom::Earlier => transaction_on.min(known_on),
        ClockFrom::Transaction => transaction_on,
        ClockFrom::Knowledge => known_on,
    }
}

/// The usage file's columns, in template order.
pub const USAGE_COLUMNS: [&str; 7] = [
    "account_ref",
    "period_start",
    "period_end",
    "accelerator",
    "accelerator_hours",
    "peak_accelerators",
    "interconnect_gbps",
];

/// One good usage row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// The row (header = 1).
    pub row: u64,
    /// The account.
    pub account_ref: String,
    /// First day.
    pub period_start: NaiveDate,
    /// Last day (inclusive).
    pub period_end: NaiveDate,
    /// Index of the accelerator in the pack's catalogue.
    pub accelerator: usize,
    /// Accelerator-hours × 1,000.
    pub milli_hours: u64,
    /// Most accelerators used at once.
    pub peak: u64,
    /// Interconnect, Gbit/s × 10^6.
    pub micro_gbps: u64,
}

/// Parses usage records (header first; CSV or a worksheet's cells as text). `Ok` only when every
/// row is good; every bad row is reported with its column, never its value's PII.
///
/// # Errors
/// Every problem as a [`crate::import::RowError`].
pub fn parse_usage<I>(
    records: I,
    catalogue: &Catalogue<'_>,
) -> Result<Vec<UsageRow>, Vec<crate::import::RowError>>
where
    I: IntoIterator<Item = Vec<String>>,
{
    use crate::import::RowError;
    let mut records = records.into_iter();
    let err = |row: u64, column: &str, message: String| RowError { row, column: column.to_owned(), message };
    let Some(header) = records.next() else {
        return Err(vec![err(1, "(file)", "is empty".into())]);
    };
    let header: Vec<String> =
        header.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase()).collect();
    let mut at = [0usize; 7];
    let mut errors = Vec::new();
    for (i, column) in USAGE_COLUMNS.iter().enumerate() {
        match header.iter().position(|h| h == column) {
            Some(p) => at[i] = p,
            None => errors.push(err(1, column, "column is missing".into())),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    let mut known: HashMap<String, usize> = HashMap::new();
    for (n, record) in records.enumerate() {
        let row = n as u64 + 2;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: usize| record.get(at[i]).map_or("", |s| s.trim());
        let before = errors.len();
        let account_ref = cell(0);
        if account_ref.is_empty() {
            errors.push(err(row, "account_ref", "is empty".into()));
        }
        let date = |i: usize, errors: &mut Vec<RowError>| {
            NaiveDate::parse_from_str(cell(i), "%Y-%m-%d").map_err(|_| {
                errors.push(err(row, USAGE_COLUMNS[i], "is not a date (YYYY-MM-DD)".into()));
            })
        };
        let start = date(1, &mut errors);
        let end = date(2, &mut errors);
        if let (Ok(s), Ok(e)) = (start, end)
            && e < s
        {
            errors.push(err(row, "period_end", format!("{e} is before the period starts ({s})")));
        }
        let name = cell(3);
        let accelerator = match known.get(name) {
            Some(i) => Some(*i),
            None => match catalogue.find(name) {
                Ok(a) => {
                    let i = catalogue.model.accelerators.iter().position(|x| std::ptr::eq(x, a)).unwrap_or(0);
                    known.insert(name.to_owned(), i);
                    Some(i)
                }
                Err(message) => {
                    errors.push(err(row, "accelerator", message));
                    None
                }
            },
        };
        let number = |i: usize, scale: u32, max: u128, errors: &mut Vec<RowError>| -> Option<u64> {
            let column = USAGE_COLUMNS[i];
            match Quantity::parse(cell(i)) {
                Ok(q) => match q.scaled(scale) {
                    Some(v) if v <= max.saturating_mul(10u128.pow(scale)) => u64::try_from(v).ok(),
                    Some(_) => {
                        errors.push(err(row, column, format!("is absurd (more than {})", grouped(max))));
                        None
                    }
                    None => {
                        errors.push(err(row, column, format!("has more than {scale} decimal places")));
                        None
                    }
                },
                Err(message) => {
                    let message = if cell(i).is_empty() { "is empty".to_owned() } else { message };
                    errors.push(err(row, column, message));
                    None
                }
            }
        };
        let milli_hours = number(4, 3, MAX_ROW_HOURS, &mut errors);
        let peak = number(5, 0, u128::from(MAX_ACCELERATORS), &mut errors);
        let micro_gbps = number(6, 6, MAX_GBPS, &mut errors);
        if let Some(0) = peak
            && milli_hours.is_some_and(|h| h > 0)
        {
            errors.push(err(row, "peak_accelerators", "is 0 but accelerator-hours were used".into()));
        }
        if errors.len() > before {
            continue;
        }
        if let (
            Ok(period_start),
            Ok(period_end),
            Some(accelerator),
            Some(milli_hours),
            Some(peak),
            Some(micro_gbps),
        ) = (start, end, accelerator, milli_hours, peak, micro_gbps)
        {
            rows.push(UsageRow {
                row,
                account_ref: account_ref.to_owned(),
                period_start,
                period_end,
                accelerator,
                milli_hours,
                peak,
                micro_gbps,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rows.is_empty() {
        return Err(vec![err(1, "(file)", "has no usage rows".into())]);
    }
    Ok(rows)
}

/// A customer's metered usage over the window, per accelerator model.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsageTotals {
    /// (catalogue model name, accelerator-hours × 1,000, peak accelerators at once).
    pub by_model: Vec<(String, u128, u64)>,
    /// Highest interconnect seen, Gbit/s × 10^6.
    pub micro_gbps: u128,
}

/// The figures a customer's usage gives: operations actually available over the window (hours ×
/// peak × utilisation), the largest cluster seen (peak accelerators × peak per model), network.
///
/// # Errors
/// [`CoreError::Invalid`] when the pack has no `[ai]` table or a model left the catalogue.
pub fn usage_figures(pack: &RulePack, totals: &UsageTotals) -> Result<(Figures, Vec<Step>), CoreError> {
    let catalogue = Catalogue::of(pack)?;
    let util = u128::from(catalogue.model.utilisation.percent);
    let mut ops_x100: u128 = 0;
    let mut cluster: u128 = 0;
    let mut steps = Vec::new();
    for (name, milli_hours, peak_count) in &totals.by_model {
        let accel = catalogue.find(name).map_err(|m| CoreError::invalid("accelerator", m))?;
        let peak = catalogue.peak(accel);
        // hours × 3,600 s × op/s × util% ; milli-hours / 1,000 folded in exactly.
        let part = milli_hours
            .checked_mul(3_600)
            .and_then(|v| v.checked_mul(peak))
            .and_then(|v| v.checked_mul(util))
            .ok_or_else(overflow)?
            / 1_000;
        ops_x100 = ops_x100.checked_add(part).ok_or_else(overflow)?;
        cluster = cluster.max(peak.saturating_mul(u128::from(*peak_count)));
        steps.push(Step {
            what: format!("{} usage", accel.model),
            how: format!(
                "{} accelerator-hours × 3,600 s × {} op/s × {util} %",
                micro_text(milli_hours * 1_000),
                sci(peak)
            ),
            result: format!("{} op", sci(part / 100)),
        });
    }
    Ok((
        Figures {
            training_ops_x100: ops_x100,
            cluster_ops_per_second: cluster,
            network_micro_gbps: totals.micro_gbps,
            red_flags: 0,
        },
        steps,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RulePack;

    fn pack() -> RulePack {
        RulePack::built_in().pack
    }

    /// A pack with other thresholds and factors, made by editing the text (no code change).
    fn pack_with(edits: &[(&str, &str)]) -> RulePack {
        let mut text = crate::rules::BUILT_IN.to_owned();
        for (from, to) in edits {
            assert!(text.contains(from), "{from} not in the pack");
            text = text.replacen(from, to, 1);
        }
        RulePack::load("edited.toml", &text).expect("edited pack loads").pack
    }

    fn arrangement(count: u64, days: i64, gbps: &str) -> Arrangement {
        let p = pack();
        let catalogue = Catalogue::of(&p).expect("catalogue");
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        NewArrangement {
            accelerator: "H100".into(),
            count,
            interconnect_gbps: Quantity::parse(gbps).expect("gbps"),
            transaction_on: start,
            known_on: start,
            starts_on: start,
            ends_on: None,
            duration_days: Some(days),
            purpose: "training".into(),
            reseller_ref: None,
            accounts: Vec::new(),
            red_flags: Vec::new(),
            value_usd: None,
        }
        .validate(&catalogue, NaiveDate::from_ymd_opt(2026, 12, 1).expect("today"))
        .expect("valid")
    }

    #[test]
    fn hand_computed_training_operations_at_under_and_over_the_threshold() {
        // H100 bf16 = 989.4e12 op/s. 10^26 op at 100 % utilisation over d days needs
        // n × 989.4e12 × 86,400 × d > 10^26. With d = 100: n × 8.548416e21 > 1e26 ⇒ n > 11,698.06.
        let under = evaluate(&arrangement(11_698, 100, "100"), &pack()).expect("eval");
        // 11,698 × 989.4e12 × 8,640,000 = 99,999,370,368,000,000,000,000,000 (by hand).
        assert_eq!(under.training_operations, "99999370368000000000000000");
        assert_eq!(under.coverage, Coverage::CouldBe, "99.99 % of the threshold is over the 50 % fraction");
        assert!(!under.tests[0].meets);
        let over = evaluate(&arrangement(11_699, 100, "100"), &pack()).expect("eval");
        assert_eq!(over.training_operations, "100007918784000000000000000");
        assert_eq!(over.coverage, Coverage::Covered);
        assert!(over.tests[0].meets);
        assert_eq!(over.tests[0].share, "100.00 %");
        // Far below: 100 accelerators for 30 days.
        let small = evaluate(&arrangement(100, 30, "25"), &pack()).expect("eval");
        assert_eq!(small.coverage, Coverage::NotCovered);
        assert_eq!(small.training_operations, (989_400_000_000_000u128 * 100 * 30 * 86_400).to_string());
    }

    #[test]
    fn exactly_at_a_threshold_follows_the_packs_inclusive_flag() {
        // A pack whose accelerator does exactly 1e12 op/s at 100 %: 1,000 × 1e12 × 86,400 × 1,157
        // is not a round 1e26, so use a threshold equal to the figure itself.
        let figure = 989_400_000_000_000u128 * 1_000 * 86_400 * 10; // 1000 H100 for 10 days
        let at = format!("value = {figure}\ninclusive = false");
        let p = pack_with(&[("value = 1e26\ninclusive = false", &at)]);
        let e = evaluate(&arrangement(1_000, 10, "10"), &p).expect("eval");
        assert!(!e.tests[0].meets, "greater-than: equal does not meet");
        let inclusive = format!("value = {figure}\ninclusive = true");
        let p = pack_with(&[("value = 1e26\ninclusive = false", &inclusive)]);
        let e = evaluate(&arrangement(1_000, 10, "10"), &p).expect("eval");
        assert!(e.tests[0].meets, "at-least: equal meets");
        assert_eq!(e.coverage, Coverage::Covered);
    }

    #[test]
    fn the_cluster_condition_needs_both_peak_and_network() {
        // 1e20 op/s, inclusive: 101,072 H100 × 989.4e12 = 1.000006368e20 (over); 101,071 gives
        // 9.99996474e19 (under).
        let over_peak_slow_net = evaluate(&arrangement(101_072, 1, "100"), &pack()).expect("eval");
        assert!(over_peak_slow_net.tests[1].meets);
        assert!(!over_peak_slow_net.tests[2].meets, "100 Gbit/s is not over 100");
        let both = evaluate(&arrangement(101_072, 1, "100.5"), &pack()).expect("eval");
        assert_eq!(both.coverage, Coverage::Covered);
        let under = evaluate(&arrangement(101_071, 1, "400"), &pack()).expect("eval");
        assert!(!under.tests[1].meets);
    }

    #[test]
    fn another_pack_moves_the_outcome_without_code() {
        let a = arrangement(5_000, 100, "400"); // 4.27e25 op: 42.7 % of 1e26
        assert_eq!(evaluate(&a, &pack()).expect("eval").coverage, Coverage::NotCovered);
        let lower = pack_with(&[("value = 1e26", "value = 4e25")]);
        assert_eq!(evaluate(&a, &lower).expect("eval").coverage, Coverage::Covered);
        let near = pack_with(&[("percent = 50", "percent = 40")]);
        assert_eq!(evaluate(&a, &near).expect("eval").coverage, Coverage::CouldBe);
        let half = pack_with(&[("percent = 100\nrid = \"R26\"", "percent = 50\nrid = \"R26\"")]);
        let e = evaluate(&a, &half).expect("eval");
        assert_eq!(e.training_operations, (989_400_000_000_000u128 * 5_000 * 8_640_000 / 2).to_string());
    }

    #[test]
    fn a_red_flag_makes_a_small_case_could_be() {
        let mut a = arrangement(8, 10, "25");
        a.red_flags.push(FlagNote { key: "purpose_unclear".into(), note: String::new() });
        let e = evaluate(&a, &pack()).expect("eval");
        assert_eq!(e.coverage, Coverage::CouldBe);
        assert!(e.reasons.iter().any(|r| r.contains("red flag")));
    }

    #[test]
    fn bad_arrangements_name_each_field() {
        let p = pack();
        let catalogue = Catalogue::of(&p).expect("catalogue");
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
        let bad = NewArrangement {
            accelerator: "H10O".into(),
            count: 0,
            interconnect_gbps: Quantity::parse("1e9").expect("q"),
            transaction_on: day,
            known_on: day,
            starts_on: day,
            ends_on: None,
            duration_days: None,
            purpose: String::new(),
            reseller_ref: None,
            accounts: Vec::new(),
            red_flags: vec![FlagNote { key: "nope".into(), note: String::new() }],
            value_usd: None,
        };
        let Err(CoreError::Invalid(errors)) = bad.validate(&catalogue, day) else { panic!("accepted") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["accelerator", "count", "interconnect_gbps", "ends_on", "red_flags"]);
        assert!(errors[0].problem.contains("did you mean"), "{}", errors[0].problem);
        assert!(errors[0].problem.contains("NVIDIA H100"), "{}", errors[0].problem);
        let backwards = NewArrangement {
            accelerator: "A100".into(),
            count: 8,
            ends_on: day.pred_opt(),
            interconnect_gbps: Quantity::whole(10),
            red_flags: Vec::new(),
            ..bad
        };
        let Err(CoreError::Invalid(errors)) = backwards.validate(&catalogue, day) else { panic!("accepted") };
        assert_eq!(errors[0].field, "ends_on");
    }

    #[test]
    fn the_clock_follows_the_pack() {
        let p = pack();
        let model = p.ai.as_ref().expect("ai");
        let (t, k) = (
            NaiveDate::from_ymd_opt(2026, 3, 1).expect("d"),
            NaiveDate::from_ymd_opt(2026, 3, 20).expect("d"),
        );
        assert_eq!(clock_start(model, t, k), k, "the shipped pack counts from the later");
        let earlier = pack_with(&[("from = \"later\"", "from = \"earlier\"")]);
        assert_eq!(clock_start(earlier.ai.as_ref().expect("ai"), t, k), t);
    }

    #[test]
    fn usage_rows_are_all_or_nothing_with_row_errors() {
        let p = pack();
        let catalogue = Catalogue::of(&p).expect("catalogue");
        let rec = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        let header = rec(&USAGE_COLUMNS);
        let good = rec(&["A-1", "2026-01-01", "2026-01-31", "h100-sxm", "7440.5", "10", "400"]);
        let rows = parse_usage([header.clone(), good.clone()], &catalogue).expect("good");
        assert_eq!(rows[0].milli_hours, 7_440_500);
        assert_eq!(rows[0].micro_gbps, 400_000_000);
        let bad = vec![
            header,
            good,
            rec(&["A-2", "2026-02-10", "2026-02-01", "H100", "10", "1", "10"]),
            rec(&["A-3", "2026-02-01", "2026-02-10", "H1000", "10", "1", "10"]),
            rec(&["A-4", "2026-02-01", "2026-02-10", "A100", "-5", "1", "10"]),
            rec(&["A-5", "2026-02-01", "2026-02-10", "A100", "1e12", "1", "10"]),
        ];
        let errors = parse_usage(bad, &catalogue).expect_err("bad rows");
        let shown: Vec<String> = errors.iter().map(|e| format!("{}:{}", e.row, e.column)).collect();
        assert_eq!(shown, ["3:period_end", "4:accelerator", "5:accelerator_hours", "6:accelerator_hours"]);
        assert!(errors[1].message.contains("did you mean"), "{}", errors[1].message);
        assert!(errors[3].message.contains("absurd"), "{}", errors[3].message);
    }

    #[test]
    fn usage_figures_sum_exactly() {
        let p = pack();
        let totals = UsageTotals {
            by_model: vec![("NVIDIA H100 SXM5".into(), 1_000_000, 64), ("NVIDIA A100 SXM4".into(), 500, 8)],
            micro_gbps: 400_000_000,
        };
        let (f, steps) = usage_figures(&p, &totals).expect("figures");
        // 1,000 h × 3,600 × 989.4e12 + 0.5 h × 3,600 × 312e12, at 100 %.
        let expected = 1_000u128 * 3_600 * 989_400_000_000_000 + 1_800 * 312_000_000_000_000;
        assert_eq!(f.training_ops_x100 / 100, expected);
        assert_eq!(f.cluster_ops_per_second, 64 * 989_400_000_000_000);
        assert_eq!(steps.len(), 2);
    }
}
