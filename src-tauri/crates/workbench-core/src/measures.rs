//! Special measures (R22): what Commerce imposes on a foreign person or a foreign jurisdiction
//! found to use U.S. IaaS products for malicious cyber activity, and what that means for the
//! provider on a given day.
//!
//! A measure names persons (names and aliases, type, dates of birth, countries, identifiers)
//! and/or jurisdictions (ISO 3166-1 countries), and is one of three kinds: a prohibition on
//! opening accounts, a prohibition on maintaining them (accounts close by a stated date), or
//! conditions (a list that becomes a checklist on each affected customer). Its effective date is
//! the one stated, else the determination date plus the pack's lead days; its end is the one
//! stated, else the effective date plus the pack's maximum, and never later than that maximum
//! unless an extension is recorded (each with its own citation). Status is computed from the
//! dates, never stored by hand.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CoreError, FieldError};
use crate::rules::RulePack;

/// What a measure does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MeasureKind {
    /// No account may be opened for those it names.
    ProhibitOpening,
    /// Their accounts may not be kept: each closes by the measure's close-by date.
    ProhibitMaintaining,
    /// Accounts may be opened or kept under the measure's conditions.
    Conditions,
}

impl MeasureKind {
    /// The code stored (`prohibit_opening`, …).
    pub fn code(self) -> &'static str {
        match self {
            Self::ProhibitOpening => "prohibit_opening",
            Self::ProhibitMaintaining => "prohibit_maintaining",
            Self::Conditions => "conditions",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::ProhibitOpening, Self::ProhibitMaintaining, Self::Conditions]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// A person or a company named by a measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MeasurePerson {
    /// The name as the determination writes it.
    pub name: String,
    /// Other names it gives.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// True for a company or organisation, false for a natural person.
    #[serde(default)]
    pub entity: bool,
    /// Dates of birth (people).
    #[serde(default)]
    #[ts(type = "Array<string>")]
    pub dates_of_birth: Vec<NaiveDate>,
    /// ISO 3166-1 alpha-2 countries (nationality, address, incorporation).
    #[serde(default)]
    pub countries: Vec<String>,
    /// Identifiers (passport, registration number), as written.
    #[serde(default)]
    pub identifiers: Vec<String>,
}

/// A measure as recorded (or as a file to import gives it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewMeasure {
    /// A short title.
    pub title: String,
    /// The Federal Register citation (`91 FR 12345`).
    pub citation: String,
    /// When Commerce made the determination.
    #[ts(type = "string")]
    pub determined_on: NaiveDate,
    /// The effective date the measure states, if any.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub effective_on: Option<NaiveDate>,
    /// The end date it states, if any.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub ends_on: Option<NaiveDate>,
    /// What it does.
    pub kind: MeasureKind,
    /// For a prohibition on maintaining: the date by which accounts must be closed.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub close_by: Option<NaiveDate>,
    /// For conditions: each condition, one line each.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Persons named.
    #[serde(default)]
    pub persons: Vec<MeasurePerson>,
    /// Jurisdictions named (ISO 3166-1 alpha-2).
    #[serde(default)]
    pub jurisdictions: Vec<String>,
}

/// A recorded extension of a measure's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Extension {
    /// Its own Federal Register citation.
    pub citation: String,
    /// The new end.
    #[ts(type = "string")]
    pub ends_on: NaiveDate,
}

/// Where a measure stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MeasureStatus {
    /// Determined, not yet effective.
    Announced,
    /// Effective and within its original end.
    InForce,
    /// Effective past its original end, by a recorded extension.
    Extended,
    /// Past its end.
    Expired,
}

/// A measure checked against the pack: its dates settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidMeasure {
    /// The measure, trimmed and normalised (country codes upper case).
    pub measure: NewMeasure,
    /// The effective date (stated, or determination + lead days).
    pub effective_on: NaiveDate,
    /// The end date (stated, or effective + the pack's maximum).
    pub ends_on: NaiveDate,
    /// Whether each date was derived from the pack rather than stated.
    pub effective_derived: bool,
    /// Whether the end was derived from the pack.
    pub end_derived: bool,
}

fn add_days(day: NaiveDate, days: i64) -> NaiveDate {
    day.checked_add_signed(chrono::Duration::days(days)).unwrap_or(day)
}

impl NewMeasure {
    /// Checks every field against the pack (lead days, maximum duration); the error names each
    /// field that is wrong.
    pub fn validate(mut self, pack: &RulePack) -> Result<ValidMeasure, CoreError> {
        let mut problems = Vec::new();
        let mut fail = |field: &str, problem: &str| {
            problems.push(FieldError { field: field.into(), problem: problem.into() })
        };
        self.title = self.title.trim().to_owned();
        self.citation = self.citation.trim().to_owned();
        if self.title.is_empty() {
            fail("title", "is required");
        }
        if self.citation.is_empty() {
            fail("citation", "is required (the Federal Register citation)");
        }
        self.conditions =
            self.conditions.iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
        match self.kind {
            MeasureKind::Conditions if self.conditions.is_empty() => {
                fail("conditions", "a measure of conditions lists at least one")
            }
            MeasureKind::Conditions => {}
            _ if !self.conditions.is_empty() => {
                fail("conditions", "only a measure of conditions has conditions")
            }
            _ => {}
        }
        match (self.kind, self.close_by) {
            (MeasureKind::ProhibitMaintaining, None) => {
                fail("close_by", "a prohibition on maintaining accounts states when they close")
            }
            (MeasureKind::ProhibitMaintaining, Some(_)) => {}
            (_, Some(_)) => {
                fail("close_by", "only a prohibition on maintaining accounts has a close-by date")
            }
            _ => {}
        }
        let mut jurisdictions = Vec::new();
        for code in &self.jurisdictions {
            match crate::customer::normalise_country(code) {
                Some(c) if !jurisdictions.contains(&c) => jurisdictions.push(c),
                Some(_) => {}
                None => fail("jurisdictions", &format!("{code:?} is not an ISO 3166-1 alpha-2 code")),
            }
        }
        self.jurisdictions = jurisdictions;
        for (i, person) in self.persons.iter_mut().enumerate() {
            person.name = person.name.trim().to_owned();
            if person.name.is_empty() {
                fail(&format!("persons[{i}].name"), "is required");
            }
            person.aliases =
                person.aliases.iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
            let mut countries = Vec::new();
            for code in &person.countries {
                match crate::customer::normalise_country(code) {
                    Some(c) => countries.push(c),
                    None => fail(
                        &format!("persons[{i}].countries"),
                        &format!("{code:?} is not an ISO 3166-1 alpha-2 code"),
                    ),
                }
            }
            person.countries = countries;
        }
        if self.persons.is_empty() && self.jurisdictions.is_empty() {
            fail("persons", "a measure names at least one person or jurisdiction");
        }
        let d = &pack.deadlines;
        let effective_on =
            self.effective_on.unwrap_or_else(|| add_days(self.determined_on, d.special_measure_lead.days));
        if effective_on < self.determined_on {
            fail("effective_on", "is before the determination");
        }
        let longest = add_days(effective_on, d.special_measure_max.days);
        let ends_on = self.ends_on.unwrap_or(longest);
        if ends_on <= effective_on {
            fail("ends_on", "must be after the effective date (a measure whose end precedes its start)");
        } else if ends_on > longest {
            fail(
                "ends_on",
                &format!(
                    "is past the longest a measure lasts ({} days, {}) unless extended: record an extension",
                    d.special_measure_max.days, longest
                ),
            );
        }
        if let Some(close_by) = self.close_by
            && close_by < effective_on
        {
            fail("close_by", "is before the effective date");
        }
        if !problems.is_empty() {
            return Err(CoreError::Invalid(problems));
        }
        let (effective_derived, end_derived) = (self.effective_on.is_none(), self.ends_on.is_none());
        Ok(ValidMeasure { measure: self, effective_on, ends_on, effective_derived, end_derived })
    }
}

/// Reads a measure from a TOML file (the form `measures add FILE` takes; see
/// `assets/templates/special-measure.toml`). The error names the file, line and key.
pub fn from_toml(file: &str, source: &str) -> Result<NewMeasure, CoreError> {
    let line_at =
        |offset: usize| source[..offset.min(source.len())].bytes().filter(|b| *b == b'\n').count() + 1;
    let deserializer = toml::Deserializer::parse(source).map_err(|e| {
        let line = e.span().map_or(1, |s| line_at(s.start));
        CoreError::invalid("file", format!("{file}, line {line}: {}", e.message()))
    })?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = e.path().to_string();
        let inner = e.into_inner();
        let line = inner.span().map_or(1, |s| line_at(s.start));
        CoreError::invalid("file", format!("{file}, line {line}, key {key}: {}", inner.message()))
    })
}

/// Checks an extension against the measure's current end.
pub fn validate_extension(extension: &Extension, current_end: NaiveDate) -> Result<Extension, CoreError> {
    let citation = extension.citation.trim().to_owned();
    let mut problems = Vec::new();
    if citation.is_empty() {
        problems.push(FieldError {
            field: "citation".into(),
            problem: "is required (the extension's own citation)".into(),
        });
    }
    if extension.ends_on <= current_end {
        problems.push(FieldError {
            field: "ends_on".into(),
            problem: format!("must be after the current end ({current_end})"),
        });
    }
    if problems.is_empty() {
        Ok(Extension { citation, ends_on: extension.ends_on })
    } else {
        Err(CoreError::Invalid(problems))
    }
}

/// A measure's end with its extensions: the latest.
pub fn current_end(ends_on: NaiveDate, extensions: &[Extension]) -> NaiveDate {
    extensions.iter().map(|e| e.ends_on).fold(ends_on, NaiveDate::max)
}

/// Where a measure stands on `today`.
pub fn status(
    effective_on: NaiveDate,
    ends_on: NaiveDate,
    extensions: &[Extension],
    today: NaiveDate,
) -> MeasureStatus {
    if today < effective_on {
        MeasureStatus::Announced
    } else if today > current_end(ends_on, extensions) {
        MeasureStatus::Expired
    } else if today > ends_on {
        MeasureStatus::Extended
    } else {
        MeasureStatus::InForce
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack() -> RulePack {
        crate::rules::RulePack::built_in().pack
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn measure() -> NewMeasure {
        NewMeasure {
            title: " Prohibition: Example Cyber Group ".into(),
            citation: "91 FR 12345".into(),
            determined_on: day(2026, 3, 1),
            effective_on: None,
            ends_on: None,
            kind: MeasureKind::ProhibitOpening,
            close_by: None,
            conditions: Vec::new(),
            persons: vec![MeasurePerson {
                name: "Example Cyber Group".into(),
                aliases: vec![" ECG ".into()],
                entity: true,
                dates_of_birth: Vec::new(),
                countries: vec!["ru".into()],
                identifiers: Vec::new(),
            }],
            jurisdictions: Vec::new(),
        }
    }

    #[test]
    fn dates_come_from_the_pack_when_not_stated() {
        let p = pack();
        let valid = measure().validate(&p).expect("valid");
        let lead = p.deadlines.special_measure_lead.days;
        assert_eq!(valid.effective_on, add_days(day(2026, 3, 1), lead));
        assert_eq!(valid.ends_on, add_days(valid.effective_on, p.deadlines.special_measure_max.days));
        assert!(valid.effective_derived && valid.end_derived);
        assert_eq!(valid.measure.title, "Prohibition: Example Cyber Group");
        assert_eq!(valid.measure.persons[0].countries, ["RU"]);
        assert_eq!(valid.measure.persons[0].aliases, ["ECG"]);
    }

    #[test]
    fn bad_measures_name_each_field() {
        let p = pack();
        let mut m = measure();
        m.title = " ".into();
        m.effective_on = Some(day(2026, 4, 1));
        m.ends_on = Some(day(2026, 3, 15));
        m.jurisdictions = vec!["XX".into()];
        let err = m.validate(&p).expect_err("bad").to_string();
        for part in [
            "title: is required",
            "jurisdictions: \"XX\" is not",
            "ends_on: must be after the effective date",
        ] {
            assert!(err.contains(part), "{part} in {err}");
        }
        let mut m = measure();
        m.kind = MeasureKind::Conditions;
        assert!(m.clone().validate(&p).expect_err("no conditions").to_string().contains("conditions"));
        m.kind = MeasureKind::ProhibitMaintaining;
        assert!(m.clone().validate(&p).expect_err("no close-by").to_string().contains("close_by"));
        let mut m = measure();
        m.persons.clear();
        assert!(
            m.validate(&p)
                .expect_err("no target")
                .to_string()
                .contains("at least one person or jurisdiction")
        );
        let mut m = measure();
        m.effective_on = Some(day(2026, 3, 10));
        m.ends_on = Some(day(2030, 1, 1));
        assert!(m.validate(&p).expect_err("too long").to_string().contains("unless extended"));
    }

    #[test]
    fn a_measure_file_reads_or_names_line_and_key() {
        let text = "title = \"Prohibition: persons in KP\"\ncitation = \"91 FR 222\"\ndetermined_on = \"2026-05-01\"\nkind = \"prohibit_opening\"\njurisdictions = [\"KP\"]\n";
        let m = from_toml("m.toml", text).expect("reads");
        assert_eq!(
            (m.kind, m.jurisdictions.as_slice()),
            (MeasureKind::ProhibitOpening, &["KP".to_owned()][..])
        );
        let bad = text.replace("prohibit_opening", "ban");
        let err = from_toml("m.toml", &bad).expect_err("bad kind").to_string();
        assert!(err.contains("m.toml, line 4, key kind"), "{err}");
    }

    #[test]
    fn status_follows_the_days_and_extensions() {
        let (effective, end) = (day(2026, 4, 1), day(2027, 4, 1));
        let extension = [Extension { citation: "92 FR 1".into(), ends_on: day(2027, 10, 1) }];
        assert_eq!(status(effective, end, &[], day(2026, 3, 31)), MeasureStatus::Announced);
        assert_eq!(status(effective, end, &[], day(2026, 4, 1)), MeasureStatus::InForce);
        assert_eq!(status(effective, end, &[], day(2027, 4, 1)), MeasureStatus::InForce);
        assert_eq!(status(effective, end, &[], day(2027, 4, 2)), MeasureStatus::Expired);
        assert_eq!(status(effective, end, &extension, day(2027, 4, 2)), MeasureStatus::Extended);
        assert_eq!(status(effective, end, &extension, day(2027, 10, 2)), MeasureStatus::Expired);
        assert!(validate_extension(&Extension { citation: "x".into(), ends_on: end }, end).is_err());
        assert!(
            validate_extension(&Extension { citation: " ".into(), ends_on: day(2028, 1, 1) }, end).is_err()
        );
    }
}
