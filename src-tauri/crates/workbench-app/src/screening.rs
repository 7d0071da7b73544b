//! Screening (R22): list versions imported from the files an officer downloads (the machine may
//! have no network), one active per list, and names checked against the active versions with
//! the workspace's threshold. The matcher is `workbench-screening`; list versions are kept by
//! `workbench-store::screening` with their files, so each index is rebuilt from exactly what was
//! imported and checked against its fingerprint.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::CoreError;
use workbench_core::obligations::{Event, EventKind};
use workbench_screening::lists::{SdnFiles, parse_csl, parse_sdn};
pub use workbench_screening::{EntryKind, Hit, ListSource};
use workbench_screening::{ListIndex, ParsedList, Query};
use workbench_store::screening as store;

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// The largest list file read (the full SDN CSV is ~5 MiB today).
const MAX_LIST_FILE: u64 = 64 * 1024 * 1024;

/// A list version as the screens and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ListVersionView {
    /// UUIDv7.
    pub id: String,
    /// Which list.
    pub source: ListSource,
    /// The list's name.
    pub title: String,
    /// SHA-256 over the version's files: its fingerprint.
    pub sha256: String,
    /// Entries.
    #[ts(type = "number")]
    pub entries: i64,
    /// Aliases.
    #[ts(type = "number")]
    pub aliases: i64,
    /// The publication date stated at import.
    pub published_on: Option<String>,
    /// When it was imported.
    pub imported_at: String,
    /// Who imported it (name).
    pub imported_by: String,
    /// The version names are checked against now.
    pub active: bool,
    /// When it last became active.
    pub activated_at: Option<String>,
    /// Days since its publication date (or its import, when none was stated).
    #[ts(type = "number")]
    pub age_days: i64,
}

/// The files of one list version to import.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "list")]
#[ts(export)]
pub enum ListFiles {
    /// The OFAC SDN legacy CSV set: the folder holding `sdn.csv` (and `add.csv`, `alt.csv`,
    /// `sdn_comments.csv` when present).
    Sdn {
        /// The folder.
        #[ts(type = "string")]
        dir: PathBuf,
    },
    /// A Consolidated Screening List CSV file.
    Csl {
        /// The file.
        #[ts(type = "string")]
        file: PathBuf,
    },
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ListImported {
    /// The version (new, or the one already held with the same fingerprint).
    pub version: ListVersionView,
    /// True when the workspace held this exact version already (nothing new was stored).
    pub already_held: bool,
    /// Country names in the files that no ISO 3166 code was found for (kept as written).
    pub unmapped_countries: Vec<String>,
}

/// A name to check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct ScreeningQuery {
    /// The name as recorded.
    pub name: String,
    /// Person or company, when known.
    #[serde(default)]
    pub kind: Option<EntryKind>,
    /// ISO 3166-1 alpha-2 country, when known.
    #[serde(default)]
    pub country: Option<String>,
    /// Date of birth, when known.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub date_of_birth: Option<NaiveDate>,
    /// Identifier values (passport, registration number), when known.
    #[serde(default)]
    pub identifiers: Vec<String>,
}

/// A list version a check read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ListUsed {
    /// Which list.
    pub source: ListSource,
    /// The version's id.
    pub version_id: String,
    /// Its fingerprint.
    pub sha256: String,
}

/// The hits of one name, with what they were checked against.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ScreeningResult {
    /// The name checked.
    pub name: String,
    /// Hits at or above the threshold, best first, each explained.
    pub hits: Vec<Hit>,
    /// The list versions read.
    pub lists: Vec<ListUsed>,
    /// The threshold (0–1).
    pub threshold: f64,
}

/// A list version's files by the names they are kept under.
pub type Files = Vec<(String, Vec<u8>)>;

/// The active lists' indexes, each with the version it was built from.
type ActiveIndexes = Vec<(ListUsed, Arc<ListIndex>)>;

/// Indexes built this process, by fingerprint: building one takes ~0.1 s (release), a check
/// well under a millisecond. Lists are public data; nothing of a workspace is kept here.
static INDEXES: Mutex<Vec<(String, Arc<ListIndex>)>> = Mutex::new(Vec::new());

fn cached(sha256: &str) -> Option<Arc<ListIndex>> {
    INDEXES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(s, _)| s == sha256)
        .map(|(_, i)| i.clone())
}

fn remember(index: ListIndex) -> Arc<ListIndex> {
    let index = Arc::new(index);
    let mut all = INDEXES.lock().unwrap_or_else(|e| e.into_inner());
    all.retain(|(sha, _)| sha != index.fingerprint());
    // A few versions at most: the active one of each list, and the one before.
    if all.len() >= 6 {
        all.remove(0);
    }
    all.push((index.fingerprint().to_owned(), index.clone()));
    index
}

fn list_error(e: &workbench_screening::ListError) -> AppError {
    CoreError::invalid("list", e.to_string()).into()
}

/// Parses a version's files as stored or as read from disk, by name.
fn parse(source: ListSource, files: &[(String, Vec<u8>)]) -> Result<ParsedList, AppError> {
    let get = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_slice());
    match source {
        ListSource::Sdn => {
            let sdn =
                get("sdn.csv").ok_or_else(|| CoreError::invalid("list", "the SDN set has no sdn.csv"))?;
            parse_sdn(&SdnFiles {
                sdn,
                add: get("add.csv"),
                alt: get("alt.csv"),
                comments: get("sdn_comments.csv"),
            })
            .map_err(|e| list_error(&e))
        }
        ListSource::Csl => {
            let csl =
                get("csl.csv").ok_or_else(|| CoreError::invalid("list", "the CSL version has no file"))?;
            parse_csl(csl).map_err(|e| list_error(&e))
        }
        ListSource::Register => {
            Err(CoreError::invalid("list", "the register is not imported from files").into())
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, AppError> {
    let size = std::fs::metadata(path)
        .map_err(|e| workbench_store::StoreError::io(format!("reading {}", path.display()), e))?
        .len();
    if size > MAX_LIST_FILE {
        return Err(CoreError::invalid(
            "list",
            format!(
                "{} is {} MiB; a list file may be at most {} MiB",
                path.display(),
                size >> 20,
                MAX_LIST_FILE >> 20
            ),
        )
        .into());
    }
    std::fs::read(path)
        .map_err(|e| workbench_store::StoreError::io(format!("reading {}", path.display()), e).into())
}

/// The files of an import, by the names they are kept under.
fn read_files(files: &ListFiles) -> Result<(ListSource, Files), AppError> {
    match files {
        ListFiles::Sdn { dir } => {
            let sdn = dir.join("sdn.csv");
            if !sdn.is_file() {
                return Err(CoreError::invalid("list", format!("{} holds no sdn.csv", dir.display())).into());
            }
            let mut out = Vec::new();
            for name in ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"] {
                let path = dir.join(name);
                if path.is_file() {
                    out.push((name.to_owned(), read_file(&path)?));
                }
            }
            Ok((ListSource::Sdn, out))
        }
        ListFiles::Csl { file } => Ok((ListSource::Csl, vec![("csl.csv".to_owned(), read_file(file)?)])),
    }
}

fn view(u: &Unlocked, row: &store::ListVersionRow, today: NaiveDate) -> ListVersionView {
    let source = ListSource::from_code(&row.source).unwrap_or(ListSource::Sdn);
    let dated = row
        .published_on
        .as_deref()
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .or_else(|| row.imported_at.get(..10).and_then(|d| d.parse().ok()))
        .unwrap_or(today);
    ListVersionView {
        id: row.id.clone(),
        source,
        title: source.title().to_owned(),
        sha256: row.sha256.clone(),
        entries: row.entries,
        aliases: row.aliases,
        published_on: row.published_on.clone(),
        imported_at: row.imported_at.clone(),
        imported_by: u.actor_name(&row.imported_by),
        active: row.active,
        activated_at: row.activated_at.clone(),
        age_days: (today - dated).num_days().max(0),
    }
}

fn today(ctx: &Context, u: &Unlocked) -> Result<NaiveDate, AppError> {
    Ok(ctx.clock().now().with_timezone(&crate::obligations::provider_tz(u)?).date_naive())
}

/// Every list version, newest import first.
pub fn lists(ctx: &Context, session: &Session) -> Result<Vec<ListVersionView>, AppError> {
    session.with(ctx, |u| {
        let today = today(ctx, u)?;
        Ok(u.workspace.db().read(store::versions)?.iter().map(|r| view(u, r, today)).collect())
    })
}

/// Imports a list version from its files (officers only). The files are read and parsed before
/// anything is stored: a malformed file is refused with its file, line and column and nothing
/// changes. `activate` makes it the version names are checked against (the one before stays,
/// inactive). A version the workspace holds already (same fingerprint) is not stored twice.
pub fn list_import(
    ctx: &Context,
    session: &Session,
    files: &ListFiles,
    published_on: Option<NaiveDate>,
    activate: bool,
) -> Result<ListImported, AppError> {
    session.peek(ctx, |u| u.require_officer("import screening lists"))?;
    let (source, bytes) = read_files(files)?;
    list_import_files(ctx, session, source, bytes, published_on, activate)
}

/// [`list_import`] from files already read, by the names they are kept under (`sdn.csv`,
/// `add.csv`, `alt.csv`, `sdn_comments.csv`; `csl.csv`).
pub fn list_import_files(
    ctx: &Context,
    session: &Session,
    source: ListSource,
    bytes: Files,
    published_on: Option<NaiveDate>,
    activate: bool,
) -> Result<ListImported, AppError> {
    session.peek(ctx, |u| u.require_officer("import screening lists"))?;
    let parsed = parse(source, &bytes)?;
    if let Some(date) = published_on
        && date > ctx.clock().now().date_naive() + chrono::Days::new(1)
    {
        return Err(CoreError::invalid("published_on", format!("{date} is in the future")).into());
    }
    let unmapped_countries: Vec<String> = parsed.unmapped_countries.iter().cloned().collect();
    let aliases = parsed.alias_count();
    let sha256 = parsed.sha256.clone();
    let entries = parsed.entries.len();
    // The parse is done: keep the index for the checks to come.
    remember(ListIndex::build(parsed));
    session.with(ctx, |u| {
        u.require_officer("import screening lists")?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let held = u.workspace.db().read(|c| store::by_sha256(c, source.code(), &sha256))?;
        let already_held = held.is_some();
        let id = u.workspace.db_mut().write(|tx| {
            let id = match &held {
                Some(row) => row.id.clone(),
                None => {
                    let files: Vec<(&str, &[u8])> =
                        bytes.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
                    let new = store::NewListVersion {
                        source: source.code(),
                        sha256: &sha256,
                        entries,
                        aliases,
                        published_on,
                        files: &files,
                    };
                    store::insert(tx, &new, me, at)?
                }
            };
            if activate {
                store::activate(tx, &id, me, at)?;
            }
            Ok(id)
        })?;
        let row = u
            .workspace
            .db()
            .read(|c| store::version(c, &id))?
            .ok_or_else(|| CoreError::invalid("list", "the version just stored cannot be read"))?;
        Ok(ListImported { version: view(u, &row, today(ctx, u)?), already_held, unmapped_countries })
    })
}

/// Makes a version its list's active one (officers only); audited.
pub fn list_activate(ctx: &Context, session: &Session, id: &str) -> Result<ListVersionView, AppError> {
    session.with(ctx, |u| {
        u.require_officer("choose the active screening list")?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| store::activate(tx, id, me, at))?;
        let row = u
            .workspace
            .db()
            .read(|c| store::version(c, id))?
            .ok_or_else(|| CoreError::invalid("id", format!("there is no list version {id}")))?;
        Ok(view(u, &row, today(ctx, u)?))
    })
}

/// A jurisdiction named by a measure in force (R22): customers and owners whose address or
/// telephone numbers place them there are hits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JurisdictionHit {
    /// The measure.
    pub measure_id: String,
    /// Its title.
    pub measure_title: String,
    /// Its Federal Register citation.
    pub citation: String,
    /// The jurisdiction (ISO 3166-1 alpha-2).
    pub jurisdiction: String,
    /// What places the subject there: `address country KP`, `phone +850…`.
    pub found: Vec<String>,
}

/// Measures in force today and the register's persons as a list of their own (entries
/// `<measure id>/<n>`, fingerprint over the persons as recorded).
fn register(ctx: &Context, u: &Unlocked) -> Result<(Option<ParsedList>, Vec<JurisdictionHit>), AppError> {
    use workbench_core::measures::{self as m, MeasureStatus};
    let today = ctx.clock().now().with_timezone(&crate::obligations::provider_tz(u)?).date_naive();
    let measures = u.workspace.db().read(workbench_store::measures::list)?;
    let mut entries = Vec::new();
    let mut jurisdictions = Vec::new();
    for row in measures {
        if !matches!(
            m::status(row.effective_on, row.ends_on, &row.extensions, today),
            MeasureStatus::InForce | MeasureStatus::Extended
        ) {
            continue;
        }
        for code in &row.jurisdictions {
            jurisdictions.push(JurisdictionHit {
                measure_id: row.id.clone(),
                measure_title: row.title.clone(),
                citation: row.citation.clone(),
                jurisdiction: code.clone(),
                found: Vec::new(),
            });
        }
        for (n, person) in row.persons.iter().enumerate() {
            let mut names = vec![workbench_screening::lists::EntryName {
                text: person.name.clone(),
                kind: "primary".into(),
            }];
            names.extend(
                person
                    .aliases
                    .iter()
                    .map(|a| workbench_screening::lists::EntryName { text: a.clone(), kind: "aka".into() }),
            );
            entries.push(workbench_screening::Entry {
                entry_id: format!("{}/{n}", row.id),
                kind: if person.entity { EntryKind::Entity } else { EntryKind::Individual },
                names,
                programs: vec![format!("{} ({})", row.title, row.citation)],
                countries: person.countries.clone(),
                addresses: Vec::new(),
                dates_of_birth: person.dates_of_birth.iter().map(ToString::to_string).collect(),
                identifiers: person
                    .identifiers
                    .iter()
                    .map(|v| workbench_screening::lists::Identifier {
                        kind: "Identifier".into(),
                        value: v.clone(),
                    })
                    .collect(),
                remarks: String::new(),
            });
        }
    }
    if entries.is_empty() {
        return Ok((None, jurisdictions));
    }
    let sha256 = sha256_hex(serde_json::to_string(&entries).unwrap_or_default().as_bytes());
    Ok((
        Some(ParsedList {
            source: ListSource::Register,
            entries,
            sha256,
            unmapped_countries: Default::default(),
        }),
        jurisdictions,
    ))
}

/// What a check or a run reads: the active lists' indexes (with the register's persons), the
/// threshold, and the jurisdictions named by measures in force.
struct Active {
    indexes: ActiveIndexes,
    threshold: f64,
    jurisdictions: Vec<JurisdictionHit>,
    ipdb: Option<Arc<workbench_screening::ipdb::IpCountries>>,
}

/// The IP database read this process, by fingerprint (one at a time: ~8 MiB).
static IPDB: Mutex<Option<Arc<workbench_screening::ipdb::IpCountries>>> = Mutex::new(None);

/// The active lists' indexes with the threshold: read under the session, built (once per
/// version and process) after letting it go.
fn active_indexes(ctx: &Context, session: &Session) -> Result<(ActiveIndexes, f64), AppError> {
    let active = active(ctx, session)?;
    Ok((active.indexes, active.threshold))
}

fn active(ctx: &Context, session: &Session) -> Result<Active, AppError> {
    let (active, threshold, register, jurisdictions, ipdb) = session.with(ctx, |u| {
        let threshold = f64::from(crate::settings::load(&u.workspace)?.screening_threshold) / 100.0;
        let active = u.workspace.db().read(store::active)?;
        let mut out = Vec::new();
        for row in active {
            let files = if cached(&row.sha256).is_some() {
                Vec::new()
            } else {
                u.workspace.db().read(|c| store::files(c, &row.id))?
            };
            out.push((row, files));
        }
        let (register, jurisdictions) = register(ctx, u)?;
        // The IP database only matters when a jurisdiction is named; read its file only when it
        // is not the one held already.
        let ipdb = if jurisdictions.is_empty() {
            None
        } else {
            let held = IPDB.lock().unwrap_or_else(|e| e.into_inner()).clone();
            match u.workspace.db().read(store::active_ipdb_sha256)? {
                None => None,
                Some(sha) if held.as_ref().is_some_and(|h| h.sha256() == sha) => held.map(Ok),
                Some(_) => u.workspace.db().read(store::active_ipdb)?.map(|(_, bytes)| Err(bytes)),
            }
        };
        Ok((out, threshold, register, jurisdictions, ipdb))
    })?;
    let ipdb = match ipdb {
        None => None,
        Some(Ok(held)) => Some(held),
        Some(Err(bytes)) => {
            let db = Arc::new(
                workbench_screening::ipdb::IpCountries::from_bytes("IP database", bytes)
                    .map_err(|e| list_error(&e))?,
            );
            *IPDB.lock().unwrap_or_else(|e| e.into_inner()) = Some(db.clone());
            Some(db)
        }
    };
    let mut indexes = Vec::new();
    for (row, files) in active {
        let source = ListSource::from_code(&row.source).unwrap_or(ListSource::Sdn);
        let index = match cached(&row.sha256) {
            Some(index) => index,
            None => {
                let parsed = parse(source, &files)?;
                if parsed.sha256 != row.sha256 {
                    return Err(CoreError::invalid(
                        "list",
                        format!("the stored files of list version {} no longer give its fingerprint", row.id),
                    )
                    .into());
                }
                remember(ListIndex::build(parsed))
            }
        };
        indexes.push((ListUsed { source, version_id: row.id.clone(), sha256: row.sha256.clone() }, index));
    }
    if let Some(list) = register {
        let used = ListUsed {
            source: ListSource::Register,
            version_id: "register".into(),
            sha256: list.sha256.clone(),
        };
        let index = cached(&list.sha256).unwrap_or_else(|| remember(ListIndex::build(list)));
        indexes.push((used, index));
    }
    Ok(Active { indexes, threshold, jurisdictions, ipdb })
}

/// The active indexes, refused when there is none: a check against nothing would read as "no hit".
fn checkable_indexes(ctx: &Context, session: &Session) -> Result<(ActiveIndexes, f64), AppError> {
    let (indexes, threshold) = active_indexes(ctx, session)?;
    if indexes.is_empty() {
        return Err(CoreError::invalid(
            "list",
            "no screening list is active: import the SDN list or the CSL first",
        )
        .into());
    }
    Ok((indexes, threshold))
}

fn check_one(
    indexes: &[(ListUsed, Arc<ListIndex>)],
    request: &ScreeningQuery,
    threshold: f64,
) -> ScreeningResult {
    let query = Query {
        name: &request.name,
        kind: request.kind,
        country: request.country.as_deref(),
        date_of_birth: request.date_of_birth,
        identifiers: &request.identifiers,
    };
    let country = request.country.as_deref().and_then(workbench_core::customer::normalise_country);
    let query = Query { country: country.as_deref(), ..query };
    let mut hits: Vec<Hit> = indexes.iter().flat_map(|(_, index)| index.check(&query, threshold)).collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    ScreeningResult {
        name: request.name.clone(),
        hits,
        lists: indexes.iter().map(|(used, _)| used.clone()).collect(),
        threshold,
    }
}

fn validate(request: &ScreeningQuery) -> Result<(), AppError> {
    if request.name.trim().is_empty() {
        return Err(CoreError::invalid("name", "is empty").into());
    }
    if let Some(country) = &request.country
        && !country.is_empty()
        && workbench_core::customer::normalise_country(country).is_none()
    {
        return Err(
            CoreError::invalid("country", format!("{country:?} is not an ISO 3166-1 alpha-2 code")).into()
        );
    }
    Ok(())
}

/// Checks names against the active lists (anyone who may read the workspace). Refused when no
/// list is active: a check against nothing would read as "no hit".
pub fn check_many(
    ctx: &Context,
    session: &Session,
    requests: &[ScreeningQuery],
) -> Result<Vec<ScreeningResult>, AppError> {
    for request in requests {
        validate(request)?;
    }
    let (indexes, threshold) = checkable_indexes(ctx, session)?;
    Ok(requests.iter().map(|r| check_one(&indexes, r, threshold)).collect())
}

/// Checks one name against the active lists.
pub fn check(
    ctx: &Context,
    session: &Session,
    request: &ScreeningQuery,
) -> Result<ScreeningResult, AppError> {
    Ok(check_many(ctx, session, std::slice::from_ref(request))?.remove(0))
}

/// What started a screening run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RunTrigger {
    /// New customers, after their import or entry.
    Intake,
    /// Every customer and owner, after a list or measure changed.
    Rescreen,
    /// One customer, on a reviewer's request.
    OnDemand,
}

impl RunTrigger {
    fn code(self) -> &'static str {
        match self {
            Self::Intake => "intake",
            Self::Rescreen => "rescreen",
            Self::OnDemand => "on_demand",
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RunSummary {
    /// The run's id.
    pub run_id: String,
    /// What started it.
    pub trigger: RunTrigger,
    /// Customers and owners screened.
    #[ts(type = "number")]
    pub subjects: u64,
    /// Hits opened for a decision.
    #[ts(type = "number")]
    pub new_hits: u64,
    /// Hits that stayed closed: a false positive decided before, on the same data.
    #[ts(type = "number")]
    pub remembered: u64,
    /// Hits found that were already waiting for a decision (not opened twice).
    #[ts(type = "number")]
    pub already_open: u64,
    /// The list versions read.
    pub lists: Vec<ListUsed>,
    /// The threshold.
    pub threshold: f64,
}

fn sha256_hex(bytes: &[u8]) -> String {
    workbench_core::audit::sha256_hex(bytes)
}

/// The digest of a subject's data as screened: a false-positive decision holds while it stays.
fn subject_digest(s: &workbench_store::screening::Subject) -> String {
    let phones = s.phones.join(";");
    sha256_hex(
        format!("{}\u{1f}{}\u{1f}{}\u{1f}{phones}", s.name, s.kind.as_deref().unwrap_or(""), s.country)
            .as_bytes(),
    )
}

/// Screens customers and their owners against the active lists: every customer (`Rescreen`),
/// or the customers with these references. Runs on a connection of its own (the window goes
/// on reading) and on every core; `progress(done, total)` returning false cancels it, keeping
/// nothing. A hit already waiting is not opened twice; a hit a person called a false positive
/// stays closed while neither the subject's data nor the list entry changed.
pub fn run(
    ctx: &Context,
    session: &Session,
    trigger: RunTrigger,
    customer_refs: Option<&[String]>,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<RunSummary, AppError> {
    let Active { indexes, threshold, jurisdictions, ipdb } = active(ctx, session)?;
    if indexes.is_empty() && jurisdictions.is_empty() {
        return Err(CoreError::invalid(
            "list",
            "no screening list is active and no measure is in force: import a list first",
        )
        .into());
    }
    let prepare = |u: &mut Unlocked| {
        if u.actor.role == workbench_core::Role::Viewer {
            return Err(AppError::Forbidden("a viewer cannot run screening".into()));
        }
        match customer_refs {
            None => Ok(None),
            Some(refs) => refs
                .iter()
                .map(|r| Ok(u.workspace.db().read(|c| workbench_store::review::customer_id(c, r))?))
                .collect::<Result<Vec<String>, AppError>>()
                .map(Some),
        }
    };
    let started = ctx.clock().now();
    session.job(ctx, prepare, |mut job, only, lease| {
        let db = job.db();
        let subjects = db.read(|c| store::subjects(c, only.as_deref()))?;
        let cleared = db.read(store::cleared)?;
        let pending = db.read(store::pending_keys)?;
        let total = subjects.len() as u64;
        let threads = std::thread::available_parallelism().map_or(2, usize::from).max(1);
        let mut found: Vec<(usize, Hit)> = Vec::new();
        const CHUNK: usize = 4_000;
        for (c, chunk) in subjects.chunks(CHUNK).enumerate() {
            let base = c * CHUNK;
            let part: Vec<Vec<(usize, Hit)>> = std::thread::scope(|scope| {
                chunk
                    .chunks(chunk.len().div_ceil(threads).max(1))
                    .enumerate()
                    .map(|(t, slice)| {
                        let indexes = &indexes;
                        let offset = base + t * chunk.len().div_ceil(threads).max(1);
                        scope.spawn(move || {
                            let mut out = Vec::new();
                            for (i, subject) in slice.iter().enumerate() {
                                let request = ScreeningQuery {
                                    name: subject.name.clone(),
                                    kind: match subject.kind.as_deref() {
                                        Some("individual") => Some(EntryKind::Individual),
                                        Some("entity") => Some(EntryKind::Entity),
                                        _ => None,
                                    },
                                    country: Some(subject.country.clone()),
                                    date_of_birth: None,
                                    identifiers: Vec::new(),
                                };
                                for hit in check_one(indexes, &request, threshold).hits {
                                    out.push((offset + i, hit));
                                }
                            }
                            out
                        })
                    })
                    .collect::<Vec<_>>()
                    .into_iter()
                    .map(|h| h.join().unwrap_or_default())
                    .collect()
            });
            found.extend(part.into_iter().flatten());
            let done = (base + chunk.len()) as u64;
            if !progress(done, total) || !lease.is_current() {
                return Err(AppError::Cancelled);
            }
        }
        let (mut hits, mut remembered, mut already_open) = (Vec::new(), 0u64, 0u64);
        // Jurisdictions (R22): the address country and each telephone number's region.
        for subject in &subjects {
            for measure in &jurisdictions {
                let mut found = Vec::new();
                if subject.country == measure.jurisdiction {
                    found.push(format!("address country {}", subject.country));
                }
                for phone in &subject.phones {
                    let region = workbench_core::phone::parse(phone, "").and_then(|p| p.region);
                    if region.as_deref() == Some(measure.jurisdiction.as_str()) {
                        found.push(format!("phone {phone} ({})", measure.jurisdiction));
                    }
                }
                if let Some(db) = &ipdb {
                    for ip in &subject.ips {
                        let country = ip.parse().ok().and_then(|ip| db.country(ip));
                        if country.as_deref() == Some(measure.jurisdiction.as_str()) {
                            found.push(format!("IP address {ip} ({})", measure.jurisdiction));
                        }
                    }
                }
                if found.is_empty() {
                    continue;
                }
                let hit = JurisdictionHit { found, ..measure.clone() };
                let entry_id = format!("{}/jurisdiction:{}", measure.measure_id, measure.jurisdiction);
                let key = (subject.customer_id.clone(), subject.subject.clone(), ListSource::Register.code().to_owned(), entry_id);
                let explanation = serde_json::to_string(&hit).unwrap_or_default();
                let entry = serde_json::json!({ "measure_id": measure.measure_id, "jurisdiction": measure.jurisdiction }).to_string();
                let digests = (subject_digest(subject), sha256_hex(entry.as_bytes()));
                if pending.contains(&key) {
                    already_open += 1;
                } else if cleared.get(&key) == Some(&digests) {
                    remembered += 1;
                } else {
                    hits.push(store::NewHit {
                        customer_id: key.0,
                        subject: key.1,
                        list_source: key.2,
                        entry_id: key.3,
                        list_sha256: String::new(),
                        score: 1.0,
                        explanation,
                        entry,
                        subject_digest: digests.0,
                        entry_digest: digests.1,
                    });
                }
            }
        }
        for (i, hit) in found {
            let subject = &subjects[i];
            let key = (
                subject.customer_id.clone(),
                subject.subject.clone(),
                hit.list.code().to_owned(),
                hit.entry_id.clone(),
            );
            let index = indexes.iter().find(|(used, _)| used.source == hit.list).map(|(_, index)| index);
            let entry = index.and_then(|index| index.entry(&hit.entry_id));
            let entry_json = serde_json::to_string(&entry).unwrap_or_default();
            let digests = (subject_digest(subject), sha256_hex(entry_json.as_bytes()));
            if pending.contains(&key) {
                already_open += 1;
                continue;
            }
            if cleared.get(&key) == Some(&digests) {
                remembered += 1;
                continue;
            }
            hits.push(store::NewHit {
                customer_id: key.0,
                subject: key.1,
                list_source: key.2,
                entry_id: key.3,
                list_sha256: hit.explanation.list_fingerprint.clone(),
                score: hit.score,
                explanation: serde_json::to_string(&hit.explanation).unwrap_or_default(),
                entry: entry_json,
                subject_digest: digests.0,
                entry_digest: digests.1,
            });
        }
        let lists: Vec<ListUsed> = indexes.iter().map(|(used, _)| used.clone()).collect();
        let lists_json = serde_json::to_string(&lists).unwrap_or_default();
        let by = lease.with(ctx, |u| Ok(u.actor.id))?;
        let run = store::NewRun {
            trigger: trigger.code(),
            started_at: started,
            lists: &lists_json,
            threshold,
            subjects: subjects.len(),
            remembered: remembered as usize,
            customers: only.as_deref(),
        };
        let at = ctx.clock().now();
        let run_id = job.db_mut().write(|tx| store::record_run(tx, &run, &hits, by, at))?;
        Ok(RunSummary {
            run_id,
            trigger,
            subjects: total,
            new_hits: hits.len() as u64,
            remembered,
            already_open,
            lists,
            threshold,
        })
    })
}

/// A hit waiting for (or carrying) a decision, with the customer beside the list entry.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct HitView {
    /// The hit's id.
    pub id: String,
    /// The customer's reference.
    pub customer_ref: String,
    /// The customer's name.
    pub customer_name: String,
    /// The customer's country.
    pub customer_country: String,
    /// `customer`, or the owner's name.
    pub subject: String,
    /// The name screened.
    pub subject_name: String,
    /// The list.
    pub list: ListSource,
    /// The list entry as screened (names, aliases, dates of birth, addresses, programs, remarks).
    pub entry: Option<workbench_screening::Entry>,
    /// 0–1.
    pub score: f64,
    /// Why it is a hit (a name hit).
    pub explanation: Option<workbench_screening::Explanation>,
    /// Why it is a hit (a jurisdiction named by a measure in force).
    pub jurisdiction: Option<JurisdictionHit>,
    /// `open`, `false_positive`, `true_match`, `awaiting_second`.
    pub state: String,
    /// When it was opened.
    pub opened_at: String,
    /// Who decided (name).
    pub decided_by: Option<String>,
    /// The reason given.
    pub reason: String,
}

fn hit_view(u: &Unlocked, row: store::HitRow) -> Result<HitView, AppError> {
    let detail = u.workspace.db().read(|c| workbench_store::customers::detail(c, &row.hit.customer_id))?;
    let (customer_ref, customer_name, customer_country) =
        detail.map_or_else(Default::default, |d| (d.row.customer_ref, d.row.name, d.row.country));
    let explanation: Option<workbench_screening::Explanation> =
        serde_json::from_str(&row.hit.explanation).ok();
    let jurisdiction: Option<JurisdictionHit> =
        if explanation.is_none() { serde_json::from_str(&row.hit.explanation).ok() } else { None };
    let subject_name = match &explanation {
        Some(e) => e.query_name.clone(),
        None => subject_name_of(u, &row.hit.customer_id, &row.hit.subject)?,
    };
    Ok(HitView {
        id: row.id,
        customer_ref,
        customer_name,
        customer_country,
        subject: if row.hit.subject == "customer" {
            "customer".into()
        } else {
            format!("owner {subject_name}")
        },
        subject_name,
        list: ListSource::from_code(&row.hit.list_source).unwrap_or(ListSource::Sdn),
        entry: serde_json::from_str(&row.hit.entry).ok(),
        score: row.hit.score,
        explanation,
        jurisdiction,
        state: row.state,
        opened_at: row.opened_at,
        decided_by: row.decided_by.map(|id| u.actor_name(&id)),
        reason: row.reason,
    })
}

/// The name of a hit's subject: the customer's, or the owner's.
fn subject_name_of(u: &Unlocked, customer_id: &str, subject: &str) -> Result<String, AppError> {
    let subjects = u.workspace.db().read(|c| store::subjects(c, Some(&[customer_id.to_owned()])))?;
    Ok(subjects.into_iter().find(|s| s.subject == subject).map(|s| s.name).unwrap_or_default())
}

/// Hits waiting for a decision (open, or a true match awaiting its second reviewer), oldest first.
pub fn hits_pending(ctx: &Context, session: &Session) -> Result<Vec<HitView>, AppError> {
    session.with(ctx, |u| {
        u.workspace
            .db()
            .read(|c| store::hits(c, &["open", "awaiting_second"]))?
            .into_iter()
            .map(|r| hit_view(u, r))
            .collect()
    })
}

/// A reviewer's decision on a hit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct HitDecision {
    /// The hit.
    pub hit_id: String,
    /// True: the customer (or owner) is the listed person; false: a false positive.
    pub true_match: bool,
    /// Why (required).
    pub reason: String,
}

/// Decides on an open hit (reviewers and officers). A false positive is remembered for that
/// subject and list entry; a true match takes effect at once, or once a second reviewer
/// confirms it when four eyes on screening is on.
pub fn decide_hit(ctx: &Context, session: &Session, decision: &HitDecision) -> Result<HitView, AppError> {
    let reason = decision.reason.trim();
    if reason.is_empty() {
        return Err(
            CoreError::invalid("reason", "say why (it stays with the decision for the examiner)").into()
        );
    }
    session.with(ctx, |u| {
        if !matches!(u.actor.role, workbench_core::Role::Officer | workbench_core::Role::Reviewer) {
            return Err(AppError::Forbidden(
                "only a reviewer or an officer may decide on a screening hit".into(),
            ));
        }
        let four_eyes = crate::settings::load(&u.workspace)?.screening_four_eyes;
        let state = match (decision.true_match, four_eyes) {
            (false, _) => "false_positive",
            (true, true) => "awaiting_second",
            (true, false) => "true_match",
        };
        let at = ctx.clock().now();
        let me = u.actor.id;
        let effect =
            if state == "true_match" { effects(u, &decision.hit_id, at)? } else { Effects::default() };
        u.workspace.db_mut().write(|tx| {
            apply_effects(tx, &decision.hit_id, &effect)?;
            store::decide(tx, &decision.hit_id, state, reason, me, at)?;
            if let Some(event) = &effect.event {
                crate::obligations::record(tx, event, me, at)?;
            }
            Ok(())
        })?;
        let row = u
            .workspace
            .db()
            .read(|c| store::hit(c, &decision.hit_id))?
            .ok_or_else(|| CoreError::invalid("hit_id", "no such hit"))?;
        hit_view(u, row)
    })
}

/// A second reviewer confirms or declines a true match (not the person who decided it).
pub fn second_hit(
    ctx: &Context,
    session: &Session,
    hit_id: &str,
    confirm: bool,
) -> Result<HitView, AppError> {
    session.with(ctx, |u| {
        if !matches!(u.actor.role, workbench_core::Role::Officer | workbench_core::Role::Reviewer) {
            return Err(AppError::Forbidden("only a reviewer or an officer may confirm a true match".into()));
        }
        let row = u
            .workspace
            .db()
            .read(|c| store::hit(c, hit_id))?
            .ok_or_else(|| CoreError::invalid("hit_id", "no such hit"))?;
        if row.decided_by.as_deref() == Some(u.actor.id.to_string().as_str()) {
            return Err(CoreError::invalid(
                "second_reviewer",
                "a true match must be confirmed by a different reviewer (four eyes)",
            )
            .into());
        }
        let at = ctx.clock().now();
        let me = u.actor.id;
        let effect = if confirm { effects(u, hit_id, at)? } else { Effects::default() };
        u.workspace.db_mut().write(|tx| {
            apply_effects(tx, hit_id, &effect)?;
            store::second(tx, hit_id, confirm, me, at)?;
            if let Some(event) = &effect.event {
                crate::obligations::record(tx, event, me, at)?;
            }
            Ok(())
        })?;
        let row = u
            .workspace
            .db()
            .read(|c| store::hit(c, hit_id))?
            .ok_or_else(|| CoreError::invalid("hit_id", "no such hit"))?;
        hit_view(u, row)
    })
}

/// What a true match takes with it (R22): for a measure that prohibits maintaining accounts, the
/// obligation to close the customer's accounts by the measure's date; for a measure of
/// conditions, its conditions as a checklist on the customer. Nothing for a hit on another list.
#[derive(Default)]
struct Effects {
    event: Option<Event>,
    conditions: Vec<String>,
}

fn effects(u: &Unlocked, hit_id: &str, at: chrono::DateTime<chrono::Utc>) -> Result<Effects, AppError> {
    use workbench_core::measures::MeasureKind;
    let Some(row) = u.workspace.db().read(|c| store::hit(c, hit_id))? else { return Ok(Effects::default()) };
    if row.hit.list_source != ListSource::Register.code() {
        return Ok(Effects::default());
    }
    let measure_id = row.hit.entry_id.split('/').next().unwrap_or_default();
    let Some(measure) = u.workspace.db().read(|c| workbench_store::measures::get(c, measure_id))? else {
        return Ok(Effects::default());
    };
    match (measure.kind, measure.close_by) {
        (MeasureKind::ProhibitMaintaining, Some(close_by)) => {
            let customer = u
                .workspace
                .db()
                .read(|c| workbench_store::customers::detail(c, &row.hit.customer_id))?
                .map_or_else(|| row.hit.customer_id.clone(), |d| d.row.customer_ref);
            Ok(Effects {
                event: Some(Event {
                    id: workbench_core::EventId::new().to_string(),
                    occurred_at: at,
                    kind: EventKind::SpecialMeasureClosure { customer, measure: measure.title, close_by },
                }),
                conditions: Vec::new(),
            })
        }
        (MeasureKind::Conditions, _) => Ok(Effects { event: None, conditions: measure.conditions }),
        _ => Ok(Effects::default()),
    }
}

/// Records a true match's effects in the caller's transaction: the checklist before the hit's
/// own audit event (which then carries it), the obligation event.
fn apply_effects(
    tx: &workbench_store::rusqlite::Transaction<'_>,
    hit_id: &str,
    effects: &Effects,
) -> Result<(), workbench_store::StoreError> {
    if !effects.conditions.is_empty() {
        store::add_conditions(tx, hit_id, &effects.conditions)?;
    }
    Ok(())
}

/// A condition of a measure on a customer that is a true match for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ConditionView {
    /// The hit it belongs to.
    pub hit_id: String,
    /// Its place in the measure's list.
    #[ts(type = "number")]
    pub position: i64,
    /// The customer's reference.
    pub customer_ref: String,
    /// The customer's name.
    pub customer_name: String,
    /// The condition.
    pub condition: String,
    /// When it was met.
    pub met_at: Option<String>,
    /// Who recorded it (name).
    pub met_by: Option<String>,
    /// How it was met.
    pub note: String,
}

/// Every condition on a true match, unmet first.
pub fn conditions(ctx: &Context, session: &Session) -> Result<Vec<ConditionView>, AppError> {
    session.with(ctx, |u| {
        let rows = u.workspace.db().read(|c| store::conditions(c, None))?;
        rows.into_iter()
            .map(|r| {
                let detail =
                    u.workspace.db().read(|c| workbench_store::customers::detail(c, &r.customer_id))?;
                let (customer_ref, customer_name) =
                    detail.map_or_else(Default::default, |d| (d.row.customer_ref, d.row.name));
                Ok(ConditionView {
                    hit_id: r.hit_id,
                    position: r.position,
                    customer_ref,
                    customer_name,
                    condition: r.condition,
                    met_at: r.met_at,
                    met_by: r.met_by.map(|id| u.actor_name(&id)),
                    note: r.note,
                })
            })
            .collect()
    })
}

/// Records a condition met (reviewers and officers), saying how.
pub fn condition_met(
    ctx: &Context,
    session: &Session,
    hit_id: &str,
    position: i64,
    note: &str,
) -> Result<(), AppError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(CoreError::invalid("note", "say how the condition is met").into());
    }
    session.with(ctx, |u| {
        if !matches!(u.actor.role, workbench_core::Role::Officer | workbench_core::Role::Reviewer) {
            return Err(AppError::Forbidden(
                "only a reviewer or an officer may record a condition met".into(),
            ));
        }
        let at = ctx.clock().now();
        let me = u.actor.id;
        u.workspace.db_mut().write(|tx| store::meet_condition(tx, hit_id, position, note, me, at))?;
        Ok(())
    })
}

/// Why a customer cannot be approved for screening (R22): a hit waiting for a decision, or a
/// true match. `None` when screening does not stand in the way.
pub(crate) fn approval_blocked(u: &Unlocked, customer_id: &str) -> Result<Option<String>, AppError> {
    let hits = u.workspace.db().read(|c| store::hits_of(c, customer_id))?;
    // A true match on a measure of conditions holds only until its conditions are met.
    let conditions = u.workspace.db().read(|c| store::conditions(c, Some(customer_id)))?;
    let with_conditions: Vec<&str> = conditions.iter().map(|c| c.hit_id.as_str()).collect();
    let unmet = conditions.iter().filter(|c| c.met_at.is_none()).count();
    if unmet > 0 {
        return Ok(Some(format!("{unmet} condition(s) of a special measure to meet first (R22)")));
    }
    if let Some(hit) =
        hits.iter().find(|h| h.state == "true_match" && !with_conditions.contains(&h.id.as_str()))
    {
        return Ok(Some(format!(
            "a screening hit on {} entry {} is a true match: refuse with the special_measure reason (R22)",
            hit.hit.list_source.to_uppercase(),
            hit.hit.entry_id
        )));
    }
    let waiting = hits.iter().filter(|h| h.state == "open" || h.state == "awaiting_second").count();
    Ok((waiting > 0).then(|| format!("{waiting} screening hit(s) wait for a decision first (R22)")))
}

/// An IP-to-country database version (the jurisdiction check's IP leg, R22).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IpdbView {
    /// UUIDv7.
    pub id: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The type its metadata states.
    pub database_type: String,
    /// Its build date.
    pub built_on: Option<String>,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub bytes: i64,
    /// When it was imported.
    pub imported_at: String,
    /// Who imported it (name).
    pub imported_by: String,
    /// The one looked up now.
    pub active: bool,
}

fn ipdb_view(u: &Unlocked, r: store::IpdbRow) -> IpdbView {
    IpdbView {
        imported_by: u.actor_name(&r.imported_by),
        id: r.id,
        sha256: r.sha256,
        database_type: r.database_type,
        built_on: r.built_on,
        bytes: r.bytes_len,
        imported_at: r.imported_at,
        active: r.active,
    }
}

/// Every IP database version, newest first.
pub fn ipdb_versions(ctx: &Context, session: &Session) -> Result<Vec<IpdbView>, AppError> {
    session.with(ctx, |u| {
        Ok(u.workspace.db().read(store::ipdb_versions)?.into_iter().map(|r| ipdb_view(u, r)).collect())
    })
}

/// Imports an IP-to-country database file (officers) and makes it the one looked up: checked
/// first (a file that is not one is refused by name and nothing changes).
pub fn ipdb_import(ctx: &Context, session: &Session, path: &Path) -> Result<IpdbView, AppError> {
    session.peek(ctx, |u| u.require_officer("import an IP database"))?;
    let bytes = read_file(path)?;
    let name =
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let db = workbench_screening::ipdb::IpCountries::from_bytes(&name, bytes.clone())
        .map_err(|e| list_error(&e))?;
    let (sha, kind, built) = (db.sha256().to_owned(), db.database_type(), db.built_on());
    *IPDB.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(db));
    session.with(ctx, |u| {
        u.require_officer("import an IP database")?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let id =
            u.workspace.db_mut().write(|tx| store::insert_ipdb(tx, &sha, &kind, built, &bytes, me, at))?;
        let row = u
            .workspace
            .db()
            .read(store::ipdb_versions)?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| CoreError::invalid("ipdb", "the version just stored cannot be read"))?;
        Ok(ipdb_view(u, row))
    })
}

/// Screening at a glance, for the dashboard (R22).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ScreeningOverview {
    /// Measures in force (or extended) today.
    #[ts(type = "number")]
    pub measures_in_force: u64,
    /// Measures determined but not yet effective.
    #[ts(type = "number")]
    pub measures_announced: u64,
    /// Hits waiting for a decision (or a second reviewer).
    #[ts(type = "number")]
    pub hits_waiting: u64,
    /// True matches recorded.
    #[ts(type = "number")]
    pub true_matches: u64,
    /// The active list versions.
    pub active_lists: Vec<ListVersionView>,
    /// The age past which a list is stale (Settings).
    #[ts(type = "number")]
    pub max_age_days: u64,
    /// When everyone was last screened, if ever.
    pub last_rescreen_at: Option<String>,
}

/// Screening at a glance: measures in force, hits waiting, the active lists and their age.
pub fn overview(ctx: &Context, session: &Session) -> Result<ScreeningOverview, AppError> {
    use workbench_core::measures::{self as m, MeasureStatus};
    session.with(ctx, |u| {
        let today = today(ctx, u)?;
        let db = u.workspace.db();
        let statuses: Vec<MeasureStatus> = db
            .read(workbench_store::measures::list)?
            .iter()
            .map(|r| m::status(r.effective_on, r.ends_on, &r.extensions, today))
            .collect();
        let count = |wanted: &[MeasureStatus]| statuses.iter().filter(|s| wanted.contains(s)).count() as u64;
        let hits = db.read(|c| store::hits(c, &["open", "awaiting_second", "true_match"]))?;
        let active_lists = db.read(store::active)?.iter().map(|r| view(u, r, today)).collect();
        let last_rescreen_at = db.read(|c| {
            Ok(c.query_row(
                "SELECT max(finished_at) FROM screening_run WHERE trigger = 'rescreen'",
                [],
                |r| r.get(0),
            )?)
        })?;
        Ok(ScreeningOverview {
            measures_in_force: count(&[MeasureStatus::InForce, MeasureStatus::Extended]),
            measures_announced: count(&[MeasureStatus::Announced]),
            hits_waiting: hits.iter().filter(|h| h.state != "true_match").count() as u64,
            true_matches: hits.iter().filter(|h| h.state == "true_match").count() as u64,
            active_lists,
            max_age_days: u64::from(crate::settings::load(&u.workspace)?.screening_list_max_age_days),
            last_rescreen_at,
        })
    })
}

/// Reads a batch of names to check: a CSV with the columns `name`, `type` (`individual` or
/// `entity`, may be empty) and optionally `country` and `dob` (`YYYY-MM-DD`). All or nothing:
/// every bad row is named with its column before anything is checked.
pub fn read_check_file(bytes: &[u8]) -> Result<Vec<ScreeningQuery>, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| CoreError::invalid("file", "is not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header =
        reader.headers().map_err(|e| CoreError::invalid("file", format!("has no header ({e})")))?.clone();
    let column = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let Some(name_at) = column("name") else {
        return Err(
            CoreError::invalid("file", "has no name column (columns: name, type, country, dob)").into()
        );
    };
    let (type_at, country_at, dob_at) = (column("type"), column("country"), column("dob"));
    let mut requests = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(workbench_core::FieldError {
                    field: format!("row {row}"),
                    problem: format!("is not well-formed CSV ({e})"),
                });
                continue;
            }
        };
        let get = |at: Option<usize>| at.and_then(|i| record.get(i)).map(str::trim).unwrap_or_default();
        let mut fail = |column: &str, problem: String| {
            problems
                .push(workbench_core::FieldError { field: format!("row {row}, column {column}"), problem });
        };
        let name = get(Some(name_at));
        if name.is_empty() {
            fail("name", "is empty".into());
        }
        let kind = match get(type_at).to_ascii_lowercase().as_str() {
            "" => None,
            "individual" | "person" => Some(EntryKind::Individual),
            "entity" | "company" => Some(EntryKind::Entity),
            other => {
                fail("type", format!("{other:?} is not individual or entity"));
                None
            }
        };
        let country = match get(country_at) {
            "" => None,
            c => match workbench_core::customer::normalise_country(c) {
                Some(code) => Some(code),
                None => {
                    fail("country", format!("{c:?} is not an ISO 3166-1 alpha-2 code"));
                    None
                }
            },
        };
        let date_of_birth = match get(dob_at) {
            "" => None,
            d => match d.parse::<NaiveDate>() {
                Ok(date) => Some(date),
                Err(_) => {
                    fail("dob", format!("{d:?} is not a date (YYYY-MM-DD)"));
                    None
                }
            },
        };
        requests.push(ScreeningQuery {
            name: name.to_owned(),
            kind,
            country,
            date_of_birth,
            identifiers: Vec::new(),
        });
    }
    if !problems.is_empty() {
        return Err(CoreError::Invalid(problems).into());
    }
    if requests.is_empty() {
        return Err(CoreError::invalid("file", "holds no names").into());
    }
    Ok(requests)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_file_is_read_whole_or_refused_by_row_and_column() {
        let good =
            "name,type,country,dob\nAna Souza,individual,br,1980-02-01\nExample Trading LLC,entity,,\n";
        let requests = read_check_file(good.as_bytes()).expect("reads");
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].country.as_deref(), Some("BR"));
        assert_eq!(requests[0].date_of_birth, NaiveDate::from_ymd_opt(1980, 2, 1));
        assert_eq!(requests[1].kind, Some(EntryKind::Entity));

        let bad = "name,type,country,dob\n,individual,BR,\nX,robot,ZZ,1980-13-01\n";
        let err = read_check_file(bad.as_bytes()).expect_err("bad rows").to_string();
        for part in [
            "row 2, column name: is empty",
            "row 3, column type",
            "row 3, column country",
            "row 3, column dob",
        ] {
            assert!(err.contains(part), "{part} in {err}");
        }
        assert!(
            read_check_file(b"nom\nx\n").expect_err("no name column").to_string().contains("no name column")
        );
    }
}
