//! Workspace settings the officer controls: the idle lock, the evidence size limit, four eyes on
//! CIP approval and filings, screening's threshold and list age (R22), and the initial
//! certification gate (R12).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::{CoreError, FieldError};
use workbench_store::settings;

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

/// The settings, with their defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkspaceSettings {
    /// Lock after this many idle minutes (1–240; default 15).
    pub idle_lock_minutes: u32,
    /// Largest evidence file accepted, in MiB (1–1024; default 50).
    pub evidence_max_mib: u32,
    /// Four eyes on the written CIP (R1): an officer who wrote in a draft may not approve it.
    pub cip_four_eyes: bool,
    /// Four eyes on filings (R12–R14): the officer who drafted a filing may not approve it.
    #[serde(default)]
    pub filing_four_eyes: bool,
    /// Screening (R22): a hit needs this score, in hundredths (50–99; default 85, chosen from
    /// the evaluation in the README).
    #[serde(default = "default_screening_threshold")]
    pub screening_threshold: u32,
    /// Screening: warn when the active version of a list is older than this many days (1–365;
    /// default 30).
    #[serde(default = "default_list_max_age")]
    pub screening_list_max_age_days: u32,
    /// Four eyes on screening: a true match takes effect once a second reviewer confirms it
    /// (default on).
    #[serde(default = "default_true")]
    pub screening_four_eyes: bool,
    /// R12: until the initial certification is filed, an import that opens accounts for foreign
    /// customers is refused (on) or goes ahead with a warning (off, the default).
    #[serde(default)]
    pub initial_gate_refuse: bool,
}

fn default_true() -> bool {
    true
}

fn default_screening_threshold() -> u32 {
    85
}

fn default_list_max_age() -> u32 {
    30
}

impl Default for WorkspaceSettings {
    fn default() -> Self {
        Self {
            idle_lock_minutes: 15,
            evidence_max_mib: 50,
            cip_four_eyes: false,
            filing_four_eyes: false,
            screening_threshold: default_screening_threshold(),
            screening_list_max_age_days: default_list_max_age(),
            screening_four_eyes: true,
            initial_gate_refuse: false,
        }
    }
}

impl WorkspaceSettings {
    /// Checks every field; the error names each field out of range.
    pub fn validate(&self) -> Result<(), CoreError> {
        let mut errors = Vec::new();
        if !(1..=240).contains(&self.idle_lock_minutes) {
            errors.push(FieldError {
                field: "idle_lock_minutes".into(),
                problem: "must be 1 to 240 minutes".into(),
            });
        }
        if !(1..=1024).contains(&self.evidence_max_mib) {
            errors.push(FieldError {
                field: "evidence_max_mib".into(),
                problem: "must be 1 to 1024 MiB".into(),
            });
        }
        if !(50..=99).contains(&self.screening_threshold) {
            errors.push(FieldError {
                field: "screening_threshold".into(),
                problem: "must be 50 to 99 hundredths".into(),
            });
        }
        if !(1..=365).contains(&self.screening_list_max_age_days) {
            errors.push(FieldError {
                field: "screening_list_max_age_days".into(),
                problem: "must be 1 to 365 days".into(),
            });
        }
        if errors.is_empty() { Ok(()) } else { Err(CoreError::Invalid(errors)) }
    }

    /// The idle limit as a duration.
    pub fn idle_lock(&self) -> Duration {
        Duration::from_secs(u64::from(self.idle_lock_minutes) * 60)
    }
}

/// Reads the settings from an open workspace.
pub(crate) fn load(ws: &workbench_store::Workspace) -> Result<WorkspaceSettings, AppError> {
    let defaults = WorkspaceSettings::default();
    let read = |name: &str, default: u32| -> Result<u32, AppError> {
        Ok(ws.db().read(|c| settings::get(c, name))?.and_then(|v| v.parse().ok()).unwrap_or(default))
    };
    Ok(WorkspaceSettings {
        idle_lock_minutes: read("idle_lock_minutes", defaults.idle_lock_minutes)?,
        evidence_max_mib: read("evidence_max_mib", defaults.evidence_max_mib)?,
        cip_four_eyes: read("cip_four_eyes", u32::from(defaults.cip_four_eyes))? == 1,
        filing_four_eyes: read("filing_four_eyes", u32::from(defaults.filing_four_eyes))? == 1,
        screening_threshold: read("screening_threshold", defaults.screening_threshold)?,
        screening_list_max_age_days: read(
            "screening_list_max_age_days",
            defaults.screening_list_max_age_days,
        )?,
        screening_four_eyes: read("screening_four_eyes", u32::from(defaults.screening_four_eyes))? == 1,
        initial_gate_refuse: read("initial_gate_refuse", u32::from(defaults.initial_gate_refuse))? == 1,
    })
}

/// The current settings.
pub fn get(ctx: &Context, session: &Session) -> Result<WorkspaceSettings, AppError> {
    session.with(ctx, |u| load(&u.workspace))
}

/// Saves the settings (officers only); the idle limit applies at once. Each changed value is
/// audited.
pub fn update(
    ctx: &Context,
    session: &Session,
    new: &WorkspaceSettings,
) -> Result<WorkspaceSettings, AppError> {
    new.validate()?;
    session.with(ctx, |u| {
        if !u.actor.role.can_manage_actors() {
            return Err(AppError::Forbidden("only an officer may change the workspace settings".into()));
        }
        let current = load(&u.workspace)?;
        let actor = u.actor.id;
        let at = ctx.clock().now();
        let db = u.workspace.db_mut();
        if new.idle_lock_minutes != current.idle_lock_minutes {
            settings::set(db, "idle_lock_minutes", &new.idle_lock_minutes.to_string(), actor, at)?;
        }
        if new.evidence_max_mib != current.evidence_max_mib {
            settings::set(db, "evidence_max_mib", &new.evidence_max_mib.to_string(), actor, at)?;
        }
        if new.cip_four_eyes != current.cip_four_eyes {
            settings::set(db, "cip_four_eyes", if new.cip_four_eyes { "1" } else { "0" }, actor, at)?;
        }
        if new.filing_four_eyes != current.filing_four_eyes {
            settings::set(db, "filing_four_eyes", if new.filing_four_eyes { "1" } else { "0" }, actor, at)?;
        }
        if new.screening_threshold != current.screening_threshold {
            settings::set(db, "screening_threshold", &new.screening_threshold.to_string(), actor, at)?;
        }
        if new.screening_list_max_age_days != current.screening_list_max_age_days {
            let days = new.screening_list_max_age_days.to_string();
            settings::set(db, "screening_list_max_age_days", &days, actor, at)?;
        }
        if new.screening_four_eyes != current.screening_four_eyes {
            settings::set(
                db,
                "screening_four_eyes",
                if new.screening_four_eyes { "1" } else { "0" },
                actor,
                at,
            )?;
        }
        if new.initial_gate_refuse != current.initial_gate_refuse {
            let on = if new.initial_gate_refuse { "1" } else { "0" };
            settings::set(db, "initial_gate_refuse", on, actor, at)?;
        }
        Ok(())
    })?;
    session.set_idle_lock(new.idle_lock());
    Ok(new.clone())
}
