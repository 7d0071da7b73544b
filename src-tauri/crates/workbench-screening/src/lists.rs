//! The list files an officer downloads, parsed into entries (R22: screening against the persons
//! special measures and sanctions lists name).
//!
//! **OFAC SDN, legacy CSV set.** `sdn.csv` (one row per entry: `ent_num, SDN_Name, SDN_Type,
//! Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks`), with
//! `add.csv` (addresses), `alt.csv` (aliases: a.k.a., f.k.a., n.k.a.) and `sdn_comments.csv`
//! (remarks that overflowed the first file). The files have no header, CRLF line ends, every
//! field quoted, and `-0-` (often `-0- `) for an empty field. Dates of birth, nationalities and
//! identifiers live in the remarks (`DOB 12 Mar 1960; nationality Iran; Passport A123 (Iran)`).
//!
//! **trade.gov Consolidated Screening List**, CSV with a header (`source, entity_number, type,
//! programs, name, …, alt_names, citizenships, dates_of_birth, nationalities, …, ids`); multiple
//! values are separated by `;`. Rows without an `entity_number` get an id derived from their
//! source and name, so the same row keeps its id across versions.
//!
//! A malformed file is refused whole with the file, line and column ([`ListError`]).

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Which list a version is of.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ListSource {
    /// OFAC's Specially Designated Nationals list (legacy CSV set).
    Sdn,
    /// trade.gov's Consolidated Screening List.
    Csl,
    /// The persons named by the workspace's own special-measures register.
    Register,
}

impl ListSource {
    /// The code stored and shown (`sdn`, `csl`, `register`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Sdn => "sdn",
            Self::Csl => "csl",
            Self::Register => "register",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Sdn, Self::Csl, Self::Register].into_iter().find(|s| s.code() == code)
    }

    /// The list's name for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::Sdn => "OFAC SDN list",
            Self::Csl => "Consolidated Screening List",
            Self::Register => "Special-measures register",
        }
    }
}

/// What kind of party an entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EntryKind {
    /// A natural person.
    Individual,
    /// A company or organisation.
    Entity,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
}

impl EntryKind {
    /// The code stored (`individual`, …).
    pub fn code(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Entity => "entity",
            Self::Vessel => "vessel",
            Self::Aircraft => "aircraft",
        }
    }
}

/// A name an entry goes by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct EntryName {
    /// As the list writes it.
    pub text: String,
    /// `primary`, or the alias type the list gives (`aka`, `fka`, `nka`).
    pub kind: String,
}

/// An identifier an entry carries (passport, national id, registration number, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Identifier {
    /// What kind, as the list names it (`Passport`, `National ID No.`).
    pub kind: String,
    /// The value as written.
    pub value: String,
}

impl Identifier {
    /// The value compared: letters and digits only, upper case.
    pub fn key(value: &str) -> String {
        value.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
    }
}

/// One entry of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Entry {
    /// The id the list gives it (the SDN `ent_num`).
    pub entry_id: String,
    /// Individual, entity, vessel or aircraft.
    pub kind: EntryKind,
    /// The primary name first, then the aliases.
    pub names: Vec<EntryName>,
    /// Sanctions programs (`CUBA`, `SDGT`, …).
    pub programs: Vec<String>,
    /// ISO 3166-1 alpha-2 codes of its addresses, nationalities and citizenships.
    pub countries: Vec<String>,
    /// Addresses as written.
    pub addresses: Vec<String>,
    /// Dates of birth as written (`12 Mar 1960`, `1960`, `circa 1958`).
    pub dates_of_birth: Vec<String>,
    /// Identifiers.
    pub identifiers: Vec<Identifier>,
    /// Remarks as written (with any overflow).
    pub remarks: String,
}

impl Entry {
    /// The years of birth the entry states (from each date or year range).
    pub fn birth_years(&self) -> Vec<i32> {
        let mut years: Vec<i32> = self
            .dates_of_birth
            .iter()
            .flat_map(|d| {
                d.split(|c: char| !c.is_ascii_digit())
                    .filter(|p| p.len() == 4)
                    .filter_map(|p| p.parse::<i32>().ok())
                    .filter(|y| (1850..=2100).contains(y))
                    .collect::<Vec<_>>()
            })
            .collect();
        years.sort_unstable();
        years.dedup();
        years
    }
}

/// A parsed list version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedList {
    /// Which list.
    pub source: ListSource,
    /// Its entries, in the file's order.
    pub entries: Vec<Entry>,
    /// SHA-256 over the files as given, in a fixed order: the version's fingerprint.
    pub sha256: String,
    /// Country names the files use that no ISO code was found for (kept as written).
    pub unmapped_countries: BTreeSet<String>,
}

impl ParsedList {
    /// Aliases across all entries (names beyond the primary).
    pub fn alias_count(&self) -> usize {
        self.entries.iter().map(|e| e.names.len().saturating_sub(1)).sum()
    }
}

/// A list file that cannot be read: which file, where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}{}: {problem}", column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct ListError {
    /// The file's name (`sdn.csv`).
    pub file: String,
    /// 1-based line (0 when the problem is the whole file).
    pub line: u64,
    /// The column, by name, when one is at fault.
    pub column: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl ListError {
    fn new(file: &str, line: u64, column: Option<&str>, problem: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line, column: column.map(str::to_owned), problem: problem.into() }
    }
}

/// The SDN legacy set as bytes: `sdn.csv` required, the others optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct SdnFiles<'a> {
    /// `sdn.csv`.
    pub sdn: &'a [u8],
    /// `add.csv`.
    pub add: Option<&'a [u8]>,
    /// `alt.csv`.
    pub alt: Option<&'a [u8]>,
    /// `sdn_comments.csv`.
    pub comments: Option<&'a [u8]>,
}

const SDN_COLUMNS: [&str; 12] = [
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
];
const ADD_COLUMNS: [&str; 6] =
    ["ent_num", "add_num", "Address", "City/State/Postal", "Country", "Add_remarks"];
const ALT_COLUMNS: [&str; 5] = ["ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"];
const COMMENT_COLUMNS: [&str; 2] = ["ent_num", "Remarks"];

/// Lines of a text counted as records go by (each count starts where the last one ended, so a
/// whole file is read once).
struct Lines<'t> {
    bytes: &'t [u8],
    at: usize,
    line: u64,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Self { bytes: text.as_bytes(), at: 0, line: 1 }
    }

    /// The 1-based line a CSV position starts on (quoted fields may span lines).
    fn of(&mut self, position: Option<&csv::Position>) -> u64 {
        let mut byte = position.map_or(0, |p| p.byte() as usize).min(self.bytes.len());
        // With CRLF ends a record's position can fall on the `\n` of the previous line's end.
        while self.bytes.get(byte).is_some_and(|b| *b == b'\r' || *b == b'\n') {
            byte += 1;
        }
        if byte < self.at {
            (self.at, self.line) = (0, 1);
        }
        self.line += self.bytes[self.at..byte].iter().filter(|&&b| b == b'\n').count() as u64;
        self.at = byte;
        self.line
    }
}

/// `-0-` (with or without trailing blanks) is OFAC's empty field.
fn field(value: &str) -> &str {
    let value = value.trim();
    if value == "-0-" { "" } else { value }
}

/// Reads an OFAC file without header: each record exactly `columns` wide, in a fixed order.
/// The end-of-file marker (`\x1a`) some downloads carry is ignored.
fn ofac_rows<'c>(
    file: &str,
    bytes: &[u8],
    columns: &'c [&'c str],
) -> Result<Vec<(u64, Vec<String>)>, ListError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        ListError::new(file, line, None, "is not UTF-8 text")
    })?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = Lines::new(text);
    for record in reader.records() {
        let record = record.map_err(|e| {
            ListError::new(file, lines.of(e.position()), None, format!("is not well-formed CSV ({e})"))
        })?;
        let line = lines.of(record.position());
        if record.len() == 1 && field(record.get(0).unwrap_or_default()).trim_matches('\u{1a}').is_empty() {
            continue;
        }
        if record.len() != columns.len() {
            return Err(ListError::new(
                file,
                line,
                None,
                format!(
                    "has {} fields; this file's rows have {} ({})",
                    record.len(),
                    columns.len(),
                    columns.join(", ")
                ),
            ));
        }
        rows.push((line, record.iter().map(|f| field(f).to_owned()).collect()));
    }
    Ok(rows)
}

fn ent_num(file: &str, line: u64, value: &str) -> Result<String, ListError> {
    match value.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n.to_string()),
        _ => Err(ListError::new(file, line, Some("ent_num"), format!("{value:?} is not an entry number"))),
    }
}

/// Parses the SDN legacy CSV set.
pub fn parse_sdn(files: &SdnFiles<'_>) -> Result<ParsedList, ListError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut unmapped = BTreeSet::new();
    for (line, row) in ofac_rows("sdn.csv", files.sdn, &SDN_COLUMNS)? {
        let id = ent_num("sdn.csv", line, &row[0])?;
        let name = row[1].clone();
        if name.is_empty() {
            return Err(ListError::new("sdn.csv", line, Some("SDN_Name"), "is empty"));
        }
        let kind = match row[2].to_ascii_lowercase().as_str() {
            "" => EntryKind::Entity,
            "individual" => EntryKind::Individual,
            "vessel" => EntryKind::Vessel,
            "aircraft" => EntryKind::Aircraft,
            other => {
                return Err(ListError::new(
                    "sdn.csv",
                    line,
                    Some("SDN_Type"),
                    format!("{other:?} is not individual, vessel, aircraft or empty (entity)"),
                ));
            }
        };
        if by_id.insert(id.clone(), entries.len()).is_some() {
            return Err(ListError::new(
                "sdn.csv",
                line,
                Some("ent_num"),
                format!("entry {id} appears twice"),
            ));
        }
        let programs = row[3]
            .split(']')
            .map(|p| p.trim().trim_start_matches('[').trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        let mut entry = Entry {
            entry_id: id,
            kind,
            names: vec![EntryName { text: name, kind: "primary".into() }],
            programs,
            countries: Vec::new(),
            addresses: Vec::new(),
            dates_of_birth: Vec::new(),
            identifiers: Vec::new(),
            remarks: row[11].clone(),
        };
        if !row[9].is_empty() {
            push_country(&mut entry, &row[9], &mut unmapped);
        }
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(ListError::new("sdn.csv", 0, None, "holds no entries"));
    }
    let known = |file: &str, line: u64, id: &str| {
        by_id.get(id).copied().ok_or_else(|| {
            ListError::new(
                file,
                line,
                Some("ent_num"),
                format!("names entry {id}, which sdn.csv does not have"),
            )
        })
    };
    if let Some(add) = files.add {
        for (line, row) in ofac_rows("add.csv", add, &ADD_COLUMNS)? {
            let i = known("add.csv", line, &ent_num("add.csv", line, &row[0])?)?;
            let address = [&row[2], &row[3], &row[4]]
                .iter()
                .filter(|p| !p.is_empty())
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            if !address.is_empty() {
                entries[i].addresses.push(address);
            }
            if !row[4].is_empty() {
                push_country(&mut entries[i], &row[4], &mut unmapped);
            }
        }
    }
    if let Some(alt) = files.alt {
        for (line, row) in ofac_rows("alt.csv", alt, &ALT_COLUMNS)? {
            let i = known("alt.csv", line, &ent_num("alt.csv", line, &row[0])?)?;
            if row[3].is_empty() {
                return Err(ListError::new("alt.csv", line, Some("alt_name"), "is empty"));
            }
            let kind = row[2].trim_end_matches('.').to_ascii_lowercase();
            entries[i].names.push(EntryName {
                text: row[3].clone(),
                kind: if kind.is_empty() { "aka".into() } else { kind },
            });
        }
    }
    if let Some(comments) = files.comments {
        for (line, row) in ofac_rows("sdn_comments.csv", comments, &COMMENT_COLUMNS)? {
            let i = known("sdn_comments.csv", line, &ent_num("sdn_comments.csv", line, &row[0])?)?;
            let remarks = &mut entries[i].remarks;
            remarks.push_str(&row[1]);
        }
    }
    for entry in &mut entries {
        let remarks = entry.remarks.clone();
        read_remarks(entry, &remarks, &mut unmapped);
    }
    let mut hasher = Sha256::new();
    for (name, bytes) in [
        ("sdn.csv", Some(files.sdn)),
        ("add.csv", files.add),
        ("alt.csv", files.alt),
        ("sdn_comments.csv", files.comments),
    ] {
        if let Some(bytes) = bytes {
            hasher.update(name.as_bytes());
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        }
    }
    Ok(ParsedList {
        source: ListSource::Sdn,
        entries,
        sha256: hex(&hasher.finalize()),
        unmapped_countries: unmapped,
    })
}

/// What the remarks say about dates of birth, nationality and identifiers.
fn read_remarks(entry: &mut Entry, remarks: &str, unmapped: &mut BTreeSet<String>) {
    const ID_KINDS: &[&str] = &[
        "Passport",
        "National ID No.",
        "Tax ID No.",
        "Registration ID",
        "Registration Number",
        "Identification Number",
        "Cedula No.",
        "SSN",
        "D.N.I.",
        "NIT #",
        "C.U.R.P. #",
        "R.F.C. #",
        "SWIFT/BIC",
        "Business Registration Number",
        "Company Number",
        "Vessel Registration Identification",
        "Aircraft Manufacturer's Serial Number (MSN)",
        "Personal ID Card",
        "Driver's License No.",
        "Residency Number",
        "Citizen's Card Number",
    ];
    for item in remarks.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        let item = item.trim_end_matches('.');
        if let Some(dob) = item.strip_prefix("DOB ") {
            entry.dates_of_birth.push(dob.trim().to_owned());
        } else if let Some(country) =
            item.strip_prefix("nationality ").or_else(|| item.strip_prefix("citizen "))
        {
            push_country(entry, country, unmapped);
        } else if let Some(kind) = ID_KINDS.iter().find(|k| item.starts_with(*k)) {
            let rest = item[kind.len()..].trim();
            let value = rest.split(" (").next().unwrap_or_default().trim();
            if !value.is_empty() {
                entry.identifiers.push(Identifier { kind: (*kind).to_owned(), value: value.to_owned() });
            }
        }
    }
}

/// OFAC's and trade.gov's spellings of countries whose ISO short name differs.
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("bahamas, the", "BS"),
    ("bolivia", "BO"),
    ("bosnia and herzegovina", "BA"),
    ("brunei", "BN"),
    ("burma", "MM"),
    ("cape verde", "CV"),
    ("congo, democratic republic of the", "CD"),
    ("congo, republic of the", "CG"),
    ("cote d ivoire", "CI"),
    ("czech republic", "CZ"),
    ("democratic people's republic of korea", "KP"),
    ("iran", "IR"),
    ("korea, north", "KP"),
    ("korea, south", "KR"),
    ("kosovo", "XK"),
    ("laos", "LA"),
    ("macau", "MO"),
    ("macedonia", "MK"),
    ("micronesia, federated states of", "FM"),
    ("moldova", "MD"),
    ("north korea", "KP"),
    ("palestinian", "PS"),
    ("region: crimea", "UA"),
    ("region: gaza", "PS"),
    ("region: northern mali", "ML"),
    ("russia", "RU"),
    ("south korea", "KR"),
    ("st. kitts & nevis", "KN"),
    ("st. vincent and the grenadines", "VC"),
    ("syria", "SY"),
    ("taiwan", "TW"),
    ("tanzania", "TZ"),
    ("the bahamas", "BS"),
    ("the gambia", "GM"),
    ("turkey", "TR"),
    ("united kingdom", "GB"),
    ("united states", "US"),
    ("venezuela", "VE"),
    ("vietnam", "VN"),
    ("west bank", "PS"),
];

/// Folded country names (ISO full and short names, the lists' own spellings, alpha-2 codes)
/// to their alpha-2 code: built once.
static COUNTRIES: std::sync::LazyLock<HashMap<String, &'static str>> = std::sync::LazyLock::new(|| {
    let fold = crate::normalize::fold;
    let mut map = HashMap::new();
    for c in isocountry::CountryCode::iter() {
        map.insert(fold(c.name()), c.alpha2());
        map.insert(fold(c.name().split([',', '(']).next().unwrap_or_default()), c.alpha2());
        map.insert(c.alpha2().to_ascii_lowercase(), c.alpha2());
    }
    for (name, code) in COUNTRY_ALIASES {
        map.insert(fold(name), code);
    }
    map
});

/// The ISO 3166-1 alpha-2 code of a country as a list names it, if one is found.
pub fn country_code(name: &str) -> Option<&'static str> {
    COUNTRIES.get(&crate::normalize::fold(name)).copied()
}

fn push_country(entry: &mut Entry, name: &str, unmapped: &mut BTreeSet<String>) {
    match country_code(name) {
        Some(code) => {
            if !entry.countries.iter().any(|c| c == code) {
                entry.countries.push(code.to_owned());
            }
        }
        None => {
            unmapped.insert(name.trim().to_owned());
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses a Consolidated Screening List CSV.
pub fn parse_csl(bytes: &[u8]) -> Result<ParsedList, ListError> {
    const FILE: &str = "Consolidated Screening List";
    let text = std::str::from_utf8(bytes).map_err(|_| ListError::new(FILE, 0, None, "is not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| ListError::new(FILE, 1, None, format!("has no readable header ({e})")))?
        .clone();
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let required = ["source", "name"];
    for name in required {
        if column(name).is_none() {
            return Err(ListError::new(FILE, 1, Some(name), "is missing from the header"));
        }
    }
    let get = |record: &csv::StringRecord, name: &str| -> String {
        column(name).and_then(|i| record.get(i)).map(|v| v.trim().to_owned()).unwrap_or_default()
    };
    let many = |value: String| -> Vec<String> {
        value.split(';').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
    };
    let mut entries = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut unmapped = BTreeSet::new();
    let mut lines = Lines::new(text);
    for record in reader.records() {
        let record = record.map_err(|e| {
            ListError::new(FILE, lines.of(e.position()), None, format!("is not well-formed CSV ({e})"))
        })?;
        let line = lines.of(record.position());
        let name = get(&record, "name");
        if name.is_empty() {
            return Err(ListError::new(FILE, line, Some("name"), "is empty"));
        }
        let source = get(&record, "source");
        if source.is_empty() {
            return Err(ListError::new(FILE, line, Some("source"), "is empty"));
        }
        let given = get(&record, "entity_number");
        let entry_id = if given.is_empty() {
            // No number on the row: an id from what names it, stable across versions.
            let mut h = Sha256::new();
            h.update(source.as_bytes());
            h.update([0]);
            h.update(name.as_bytes());
            let mut id = format!("csl-{}", &hex(&h.finalize())[..12]);
            let mut n = 2;
            while seen.contains(&id) {
                id = format!("{}-{n}", id.split_at(16).0);
                n += 1;
            }
            id
        } else {
            given
        };
        if !seen.insert(entry_id.clone()) {
            return Err(ListError::new(
                FILE,
                line,
                Some("entity_number"),
                format!("entry {entry_id} appears twice"),
            ));
        }
        let kind = match get(&record, "type").to_ascii_lowercase().as_str() {
            "individual" => EntryKind::Individual,
            "vessel" => EntryKind::Vessel,
            "aircraft" => EntryKind::Aircraft,
            _ => EntryKind::Entity,
        };
        let mut names = vec![EntryName { text: name, kind: "primary".into() }];
        names.extend(
            many(get(&record, "alt_names")).into_iter().map(|text| EntryName { text, kind: "aka".into() }),
        );
        let mut entry = Entry {
            entry_id,
            kind,
            names,
            programs: many(get(&record, "programs")),
            countries: Vec::new(),
            addresses: many(get(&record, "addresses")),
            dates_of_birth: many(get(&record, "dates_of_birth")),
            identifiers: many(get(&record, "ids"))
                .into_iter()
                .map(|id| {
                    let mut parts = id.splitn(2, ',');
                    let kind = parts.next().unwrap_or_default().trim().to_owned();
                    let value = parts.next().unwrap_or_default().trim().to_owned();
                    Identifier { kind, value }
                })
                .filter(|i| !i.value.is_empty())
                .collect(),
            remarks: get(&record, "remarks"),
        };
        for c in many(get(&record, "citizenships")).into_iter().chain(many(get(&record, "nationalities"))) {
            push_country(&mut entry, &c, &mut unmapped);
        }
        for address in entry.addresses.clone() {
            if let Some(last) = address.rsplit(',').next().map(str::trim).filter(|l| !l.is_empty())
                && let Some(code) = country_code(last)
                && !entry.countries.iter().any(|c| c == code)
            {
                entry.countries.push(code.to_owned());
            }
        }
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(ListError::new(FILE, 0, None, "holds no entries"));
    }
    Ok(ParsedList {
        source: ListSource::Csl,
        entries,
        sha256: hex(&Sha256::digest(bytes)),
        unmapped_countries: unmapped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDN: &str = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
        2674,\"ABBAS, Abu\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1948; POB Safad, Israel; nationality Palestinian; Passport 12345 (Syria).\"\r\n";
    const ADD: &str = "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n";
    const ALT: &str = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n";

    fn sdn() -> ParsedList {
        parse_sdn(&SdnFiles {
            sdn: SDN.as_bytes(),
            add: Some(ADD.as_bytes()),
            alt: Some(ALT.as_bytes()),
            comments: None,
        })
        .expect("parses")
    }

    #[test]
    fn an_sdn_set_reads_entries_aliases_addresses_and_remarks() {
        let list = sdn();
        assert_eq!(list.entries.len(), 2);
        assert_eq!(list.alias_count(), 1);
        let airline = &list.entries[0];
        assert_eq!(airline.kind, EntryKind::Entity, "-0- type is an entity");
        assert_eq!(airline.names[1], EntryName { text: "AERO-CARIBBEAN".into(), kind: "aka".into() });
        assert_eq!(airline.countries, ["CU"]);
        assert_eq!(airline.addresses, ["Havana, Cuba"]);
        assert_eq!(airline.remarks, "", "-0- is empty");
        let abbas = &list.entries[1];
        assert_eq!(abbas.kind, EntryKind::Individual);
        assert_eq!(abbas.dates_of_birth, ["1948"]);
        assert_eq!(abbas.birth_years(), [1948]);
        assert_eq!(abbas.countries, ["PS"]);
        assert_eq!(abbas.identifiers, [Identifier { kind: "Passport".into(), value: "12345".into() }]);
        assert_eq!(list.sha256.len(), 64);
    }

    #[test]
    fn overflow_remarks_join_their_entry() {
        let comments = "2674,\"; Tax ID No. 998877 (Syria).\"\r\n";
        let list = parse_sdn(&SdnFiles {
            sdn: SDN.as_bytes(),
            comments: Some(comments.as_bytes()),
            ..Default::default()
        })
        .expect("parses");
        assert!(list.entries[1].identifiers.iter().any(|i| i.kind == "Tax ID No." && i.value == "998877"));
    }

    #[test]
    fn bad_files_name_the_file_line_and_column() {
        let short = "36,\"AEROCARIBBEAN AIRLINES\",-0- \r\n";
        let err =
            parse_sdn(&SdnFiles { sdn: short.as_bytes(), ..Default::default() }).expect_err("short row");
        assert_eq!((err.file.as_str(), err.line), ("sdn.csv", 1));
        assert!(err.problem.contains("has 3 fields"), "{err}");

        let twice = format!("{SDN}36,\"AGAIN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
        let err =
            parse_sdn(&SdnFiles { sdn: twice.as_bytes(), ..Default::default() }).expect_err("duplicate");
        assert_eq!((err.line, err.column.as_deref()), (3, Some("ent_num")), "{err}");
        assert_eq!(err.to_string(), "sdn.csv, line 3, column ent_num: entry 36 appears twice");

        let err = parse_sdn(&SdnFiles { sdn: b"", ..Default::default() }).expect_err("empty");
        assert_eq!(err.problem, "holds no entries");

        let stray = "999,12,\"aka\",\"NOBODY\",-0- \r\n";
        let err =
            parse_sdn(&SdnFiles { sdn: SDN.as_bytes(), alt: Some(stray.as_bytes()), ..Default::default() })
                .expect_err("unknown entry");
        assert_eq!(
            err.to_string(),
            "alt.csv, line 1, column ent_num: names entry 999, which sdn.csv does not have"
        );

        let bad_type = SDN.replace("\"individual\"", "\"spaceship\"");
        let err = parse_sdn(&SdnFiles { sdn: bad_type.as_bytes(), ..Default::default() }).expect_err("type");
        assert_eq!((err.line, err.column.as_deref()), (2, Some("SDN_Type")));
    }

    #[test]
    fn country_names_map_to_iso_codes() {
        for (name, code) in [
            ("Cuba", "CU"),
            ("Iran", "IR"),
            ("Korea, North", "KP"),
            ("Russia", "RU"),
            ("United Kingdom", "GB"),
            ("Germany", "DE"),
            ("Switzerland", "CH"),
        ] {
            assert_eq!(country_code(name), Some(code), "{name}");
        }
        assert_eq!(country_code("Atlantis"), None);
    }

    #[test]
    fn a_csl_file_reads_aliases_ids_and_gives_rows_without_a_number_a_stable_id() {
        let csl = "source,entity_number,type,programs,name,addresses,alt_names,citizenships,dates_of_birth,nationalities,ids,remarks\n\
            Entity List (EL) - Bureau of Industry and Security,,,,Example Trading LLC,\"1 Road, Dubai, AE\",Example Trade; ET Co,,,,,\n\
            Specially Designated Nationals (SDN) - Treasury Department,7410,Individual,SDGT,\"DOE, John\",,\"DOE, Jon\",,1970,IR,\"Passport, X123\",\n";
        let list = parse_csl(csl.as_bytes()).expect("parses");
        assert_eq!(list.entries.len(), 2);
        assert!(list.entries[0].entry_id.starts_with("csl-"));
        assert_eq!(parse_csl(csl.as_bytes()).expect("again").entries[0].entry_id, list.entries[0].entry_id);
        assert_eq!(list.entries[0].names.len(), 3);
        assert_eq!(list.entries[0].countries, ["AE"]);
        assert_eq!(list.entries[1].entry_id, "7410");
        assert_eq!(list.entries[1].kind, EntryKind::Individual);
        assert_eq!(list.entries[1].identifiers[0].value, "X123");
        let err = parse_csl(b"source,nom\nx,y\n").expect_err("no name column");
        assert_eq!(err.column.as_deref(), Some("name"));
    }
}
