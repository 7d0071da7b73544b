//! A workspace: one folder holding the SQLCipher database, the key-slot file (twice) and the
//! evidence vault. Creating writes the key slots last, so a crash mid-creation leaves no
//! workspace that looks usable; unlocking reads only the key-slot files until the key is
//! confirmed, so a wrong secret changes no byte on disk.
//!
//! Never destroyed by accident (issue 14): creating refuses a folder that holds a database or
//! evidence unless it is the leftover of a creation that crashed (marked by `.creating`); the
//! key slots are kept twice — `keyslots.copy.json` is written and flushed before
//! `keyslots.json` is replaced, and either one opens the workspace (the other is put back after
//! the unlock); every open holds the folder's [`WorkspaceLock`].

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use workbench_core::audit::{ChainBreak, ChainReport};
use workbench_core::{ActorId, ActorRef, Role, WorkspaceId};

use crate::actors::{self, Actor};
use crate::anchor::Anchor;
use crate::audit::{self, Change, timestamp};
use crate::db::Database;
use crate::error::StoreError;
use crate::files::write_atomically;
use crate::key::DataKey;
use crate::keyslots::{KeySlots, Opener, Person, Secret, new_recovery_code};
use crate::lock::WorkspaceLock;
use crate::{keyring, secrets};

/// File names inside the workspace folder.
pub const DB_FILE: &str = "workspace.db";
/// The key-slot file.
pub const KEYSLOTS_FILE: &str = "keyslots.json";
/// Its second copy, written (and flushed) before the first is replaced.
pub const KEYSLOTS_COPY_FILE: &str = "keyslots.copy.json";
/// Present while a workspace is being created: leftovers beside it are a crashed creation's.
const CREATING_FILE: &str = ".creating";
/// The evidence vault folder.
pub const EVIDENCE_DIR: &str = "evidence";

/// What a new workspace starts with.
#[derive(Debug)]
pub struct NewWorkspace<'a> {
    /// The provider's legal name (starts the provider profile).
    pub provider_name: &'a str,
    /// The first actor, an officer.
    pub officer_name: &'a str,
    /// The first officer's own passphrase (their key slot and their actor passphrase).
    pub passphrase: &'a str,
    /// Keep a copy of the data key in the OS credential store.
    pub use_keyring: bool,
    /// When (from the injected clock).
    pub at: DateTime<Utc>,
}

/// A freshly created workspace and the recovery code to show once.
pub struct Created {
    /// The unlocked workspace.
    pub workspace: Workspace,
    /// Shown once, never stored in the clear.
    pub recovery_code: Secret,
    /// The first officer.
    pub officer: Actor,
    /// Why the keyring slot could not be added, if it was asked for and failed.
    pub keyring_problem: Option<String>,
}

impl std::fmt::Debug for Created {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Created")
            .field("workspace", &self.workspace)
            .field("recovery_code", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// How to unlock.
pub enum Unlock<'a> {
    /// The OS credential store's copy of the key (its slot names whose it is); with several
    /// people's entries, the first this desktop session holds.
    Keyring,
    /// The OS credential store's copy kept by the person named (display name or actor id).
    KeyringAs(&'a str),
    /// The passphrase of the workspace's only person (several people: use [`Unlock::Person`]).
    Passphrase(&'a str),
    /// A person's own passphrase; `name` is their display name (any case) or actor id.
    Person {
        /// Who.
        name: &'a str,
        /// Their passphrase.
        passphrase: &'a str,
    },
    /// The one-time recovery code (opens as the first officer).
    RecoveryCode(&'a str),
}

impl Unlock<'_> {
    /// The passphrase given, if this is a passphrase unlock.
    fn passphrase(&self) -> Option<&str> {
        match self {
            Self::Passphrase(p) | Self::Person { passphrase: p, .. } => Some(p),
            Self::Keyring | Self::KeyringAs(_) | Self::RecoveryCode(_) => None,
        }
    }
}

/// Unwraps the data key from `slots` as `how` says, and whose it was.
pub(crate) fn unwrap_key(slots: &KeySlots, how: &Unlock<'_>) -> Result<(DataKey, Opener), StoreError> {
    match how {
        Unlock::Passphrase(p) => slots.open_as(None, p),
        Unlock::Person { name, passphrase } => slots.open_as(Some(name), passphrase),
        Unlock::RecoveryCode(c) => Ok((slots.open_with_recovery_code(c)?, Opener::FirstOfficer)),
        Unlock::Keyring | Unlock::KeyringAs(_) => {
            let wanted = match how {
                Unlock::KeyringAs(who) => {
                    let who = who.trim();
                    let person = slots
                        .people()
                        .into_iter()
                        .find(|p| p.name.eq_ignore_ascii_case(who) || p.actor.to_string() == who)
                        .ok_or_else(|| StoreError::UnknownPerson(who.to_owned()))?;
                    Some(Opener::Person(person.actor))
                }
                _ => None,
            };
            let candidates: Vec<_> = slots
                .keyrings()
                .into_iter()
                .filter(|(_, _, owner)| wanted.is_none_or(|w| w == *owner))
                .collect();
            if candidates.is_empty() {
                return Err(StoreError::Keyring(match wanted {
                    Some(_) => "this person keeps no key in the OS credential store".into(),
                    None => "this workspace keeps no key in the OS credential store".into(),
                }));
            }
            let mut first_error = None;
            for (_, account, opener) in candidates {
                match keyring::load_key(account).and_then(|key| slots.confirm(key)) {
                    Ok(key) => return Ok((key, opener)),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            Err(first_error.expect("at least one candidate was tried"))
        }
    }
}

/// Rebuilds the key-slot files of the workspace at `root` from the recovery sheet's rebuild
/// block, when both copies are lost or damaged (issue 14). The recovery code must open the
/// rebuilt slot and the key must open the database and name the same workspace before anything
/// is written; a damaged slot file is kept beside as `<name>.damaged`. The workspace then opens
/// with the recovery code as the first officer, who sets their passphrase (their slot again);
/// the others sign in once or get a new passphrase. Audited as `keyslots.rebuild`.
pub fn rebuild_slots(root: &Path, block: &str, recovery_code: &str) -> Result<Workspace, StoreError> {
    match read_slots_checked(root) {
        Ok(_) => return Err(StoreError::WorkspaceExists(root.to_path_buf())),
        Err(StoreError::NoWorkspace(_) | StoreError::KeySlots(_)) => {}
        Err(other) => return Err(other),
    }
    if !root.join(DB_FILE).is_file() {
        return Err(StoreError::NoWorkspace(root.to_path_buf()));
    }
    let slots = KeySlots::from_rebuild_block(block)?;
    let key = slots.open_with_recovery_code(recovery_code)?;
    {
        let lock = WorkspaceLock::acquire(root)?;
        if !lock.is_exclusive() {
            return Err(StoreError::InUse { pid: None });
        }
        let db = Database::open(&root.join(DB_FILE), &key)?;
        let id: String = db.read(|c| {
            Ok(c.query_row("SELECT value FROM workspace_meta WHERE key = 'workspace_id'", [], |r| r.get(0))?)
        })?;
        if id != slots.workspace_id {
            return Err(StoreError::KeyMismatch);
        }
        drop(db);
        for name in [KEYSLOTS_FILE, KEYSLOTS_COPY_FILE] {
            let path = root.join(name);
            if path.exists() {
                let aside = root.join(format!("{name}.damaged"));
                std::fs::rename(&path, &aside)
                    .map_err(|e| StoreError::io(format!("moving {} aside", path.display()), e))?;
            }
        }
        write_slots(root, &slots.to_json(&key))?;
    }
    let mut workspace = Workspace::unlock(root, Unlock::RecoveryCode(recovery_code))?;
    let object = format!("workspace:{}", workspace.id);
    workspace.db.write(|tx| {
        audit::record(
            tx,
            Utc::now(),
            ActorRef::System,
            "keyslots.rebuild",
            &object,
            r#"{"from":"recovery sheet"}"#,
        )
    })?;
    Ok(workspace)
}

/// The people who can unlock the workspace at `root` (for the unlock screen).
pub fn people(root: &Path) -> Result<Vec<Person>, StoreError> {
    read_slots(root).map(|slots| slots.people())
}

/// An unlocked workspace. Dropping it closes the database and zeroizes the key.
pub struct Workspace {
    pub(crate) root: PathBuf,
    pub(crate) id: WorkspaceId,
    pub(crate) slots: KeySlots,
    pub(crate) db: Database,
    pub(crate) key: DataKey,
    /// Set at open when the database disagrees with the audit anchor (lost commits).
    pub(crate) anchor_problem: Option<ChainBreak>,
    /// Held from open to drop (shared; exclusive for a rotation).
    pub(crate) lock: WorkspaceLock,
    /// Who unlocked it (their key slot; the first officer for the recovery code).
    pub(crate) person: Actor,
}

/// A long job's own view of a workspace ([`Workspace::for_job`]): a connection of its own, the
/// folder and a copy of the key (zeroized when dropped).
pub struct JobWorkspace {
    pub(crate) db: Database,
    pub(crate) root: PathBuf,
    pub(crate) id: WorkspaceId,
    pub(crate) key: DataKey,
    /// False when the anchor reported lost commits at open (it is then not kept).
    pub(crate) keeps_anchor: bool,
}

impl std::fmt::Debug for JobWorkspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobWorkspace").field("root", &self.root).field("id", &self.id).finish_non_exhaustive()
    }
}

impl JobWorkspace {
    /// The job's connection, for reading.
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// The job's connection, for writing.
    pub fn db_mut(&mut self) -> &mut Database {
        &mut self.db
    }

    /// The workspace folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The workspace's id.
    pub fn id(&self) -> WorkspaceId {
        self.id
    }
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace").field("root", &self.root).field("id", &self.id).finish_non_exhaustive()
    }
}

/// True when `root` holds a workspace (either key-slot file exists).
pub fn exists(root: &Path) -> bool {
    root.join(KEYSLOTS_FILE).is_file() || root.join(KEYSLOTS_COPY_FILE).is_file()
}

/// What of a workspace's data `root` holds, if anything: a folder with any of it is never made
/// into a new workspace.
pub fn holds_data(root: &Path) -> Option<&'static str> {
    let db_files = [DB_FILE, "workspace.db-wal", crate::rotate::NEXT_DB_FILE];
    if db_files.iter().any(|f| root.join(f).exists()) {
        return Some("a workspace database");
    }
    let evidence =
        std::fs::read_dir(root.join(EVIDENCE_DIR)).map(|mut d| d.next().is_some()).unwrap_or(false);
    evidence.then_some("evidence files")
}

/// Writes the key slots: first the copy, flushed, then the file itself (each atomically), so a
/// crash or a lost file always leaves one complete key-slot file.
pub(crate) fn write_slots(root: &Path, json: &[u8]) -> Result<(), StoreError> {
    write_atomically(&root.join(KEYSLOTS_COPY_FILE), json)?;
    write_atomically(&root.join(KEYSLOTS_FILE), json)
}

/// One key-slot file's bytes, `None` when it is not there.
fn read_slot_file(root: &Path, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
    use std::io::Read;
    let path = root.join(name);
    let mut bytes = Vec::new();
    // Read within the bound, one byte past it so that parsing refuses an oversized file.
    match std::fs::File::open(&path)
        .and_then(|f| f.take(crate::keyslots::MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
    {
        Ok(_) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io(format!("reading {}", path.display()), e)),
    }
}

/// The key slots of the workspace at `root` and whether the files need putting back in step
/// (one missing, damaged or behind the other). `keyslots.json` is the authority while it reads;
/// the copy is used when it is missing or damaged.
fn read_slots_checked(root: &Path) -> Result<(KeySlots, Option<Vec<u8>>), StoreError> {
    let primary = read_slot_file(root, KEYSLOTS_FILE)?;
    let copy = read_slot_file(root, KEYSLOTS_COPY_FILE)?;
    let first_error = match &primary {
        Some(bytes) => match KeySlots::parse(bytes) {
            Ok(slots) => {
                let behind = copy.as_deref() != Some(bytes.as_slice());
                return Ok((slots, behind.then(|| bytes.clone())));
            }
            Err(e) => Some(e),
        },
        None => None,
    };
    match copy.as_deref().map(KeySlots::parse) {
        Some(Ok(slots)) => {
            tracing::warn!("keyslots.json is missing or damaged; its copy opens the workspace");
            Ok((slots, copy))
        }
        Some(Err(e)) => Err(first_error.unwrap_or(e)),
        None => Err(first_error.unwrap_or_else(|| StoreError::NoWorkspace(root.to_path_buf()))),
    }
}

/// Reads and checks the key-slot files of the workspace at `root`.
pub fn read_slots(root: &Path) -> Result<KeySlots, StoreError> {
    read_slots_checked(root).map(|(slots, _)| slots)
}

impl Workspace {
    /// Creates a workspace in `root` (created if missing; must not already hold one).
    pub fn create(root: &Path, new: &NewWorkspace<'_>) -> Result<Created, StoreError> {
        if exists(root) {
            return Err(StoreError::WorkspaceExists(root.to_path_buf()));
        }
        let crashed_creation = root.join(CREATING_FILE).is_file();
        if let (false, Some(what)) = (crashed_creation, holds_data(root)) {
            return Err(StoreError::FolderHoldsData { root: root.to_path_buf(), what });
        }
        std::fs::create_dir_all(root.join(EVIDENCE_DIR))
            .map_err(|e| StoreError::io(format!("creating {}", root.display()), e))?;
        restrict_to_owner(root);
        let mut lock = WorkspaceLock::acquire(root)?;
        if !lock.is_exclusive() {
            return Err(StoreError::InUse { pid: None });
        }
        write_atomically(&root.join(CREATING_FILE), b"a workspace is being created here\n")?;
        // Only a creation that crashed leaves a database without key slots (marked, above).
        for leftover in [DB_FILE, "workspace.db-wal", "workspace.db-shm", crate::rotate::NEXT_DB_FILE] {
            let _ = std::fs::remove_file(root.join(leftover));
        }

        let id = WorkspaceId::new();
        let key = DataKey::generate()?;
        let recovery_code = new_recovery_code()?;
        let officer_id = ActorId::new();
        let person = Person { actor: officer_id, name: new.officer_name.trim().to_owned() };
        // The key slot and the first officer's passphrase hash each run Argon2id on the same
        // passphrase (different salts): side by side they take one KDF's time on two cores.
        let (slots, officer_hash) = both(
            || KeySlots::create(&id.to_string(), &key, &person, new.passphrase, &recovery_code),
            || secrets::hash_passphrase(new.passphrase),
        );
        let mut slots = slots?;
        let officer_hash = officer_hash?;

        let mut db = Database::open(&root.join(DB_FILE), &key)?;
        db.migrate()?;
        let officer = db.write(|tx| {
            crate::canonical::start_new(tx)?;
            let at = timestamp(&new.at);
            for (k, v) in [
                ("workspace_id", id.to_string()),
                ("created_at", at),
                ("provider_name", new.provider_name.to_owned()),
            ] {
                tx.execute("INSERT INTO workspace_meta (key, value) VALUES (?1, ?2)", [k, v.as_str()])?;
            }
            let object = format!("workspace:{id}");
            audit::append(
                tx,
                new.at,
                Change {
                    actor: ActorRef::System,
                    action: "workspace.create",
                    object: &object,
                    before: None,
                    after: Some(id.to_string().as_bytes()),
                },
            )?;
            crate::provider::init(tx, new.provider_name, new.at)?;
            crate::obligations::insert_event(
                tx,
                &workbench_core::obligations::Event {
                    id: "program-started".into(),
                    occurred_at: new.at,
                    kind: workbench_core::obligations::EventKind::ProgramStarted,
                },
                ActorRef::System,
                new.at,
            )?;
            let officer = actors::insert(tx, officer_id, &person.name, Role::Officer, &officer_hash, new.at)?;
            record_actor(tx, new.at, ActorRef::System, officer.id)?;
            Ok(officer)
        })?;
        db.set_anchor(Anchor::new(root, &key, &id.to_string()))?;

        let keyring_problem = if new.use_keyring {
            match keyring::store_key(&id.to_string(), &key) {
                Ok(()) => {
                    slots.set_keyring(keyring::SERVICE, &id.to_string(), officer_id);
                    None
                }
                Err(e) => Some(e.to_string()),
            }
        } else {
            None
        };
        write_slots(root, &slots.to_json(&key))?;
        std::fs::remove_file(root.join(CREATING_FILE))
            .map_err(|e| StoreError::io(format!("finishing {}", root.display()), e))?;
        lock.share()?;
        Ok(Created {
            workspace: Self {
                root: root.to_path_buf(),
                id,
                slots,
                db,
                key,
                anchor_problem: None,
                lock,
                person: officer.clone(),
            },
            recovery_code,
            officer,
            keyring_problem,
        })
    }

    /// Unlocks the workspace at `root` as the person whose secret `how` gives.
    ///
    /// A file from before per-person slots is brought up to date here: its shared passphrase,
    /// when it is what opened the workspace, becomes the first officer's own (their key slot and
    /// their actor passphrase, audited as `keyslots.per_person`); a keyring slot naming no one
    /// becomes the first officer's.
    pub fn unlock(root: &Path, how: Unlock<'_>) -> Result<Self, StoreError> {
        let (slots, repair) = read_slots_checked(root)?;
        let (key, opener) = unwrap_key(&slots, &how)?;
        let mut workspace = Self::open_with_key(root, slots, key, opener, false)?;
        if let (true, Opener::FirstOfficer, Some(passphrase)) =
            (workspace.slots.has_shared_passphrase(), opener, how.passphrase())
        {
            workspace.take_shared_passphrase(passphrase)?;
        } else if workspace.slots.needs_upgrade() {
            let officer = workspace.person.id;
            workspace.slots.own_keyring(officer);
            write_slots(root, &workspace.slots.to_json(&workspace.key))?;
        } else if let Some(json) = repair {
            // The key opened it, and the folder is ours: both files hold these slots again.
            write_slots(root, &json)?;
        }
        Ok(workspace)
    }

    /// Makes the shared passphrase of an older file the first officer's own.
    fn take_shared_passphrase(&mut self, passphrase: &str) -> Result<(), StoreError> {
        let officer = self.person.clone();
        let person = Person { actor: officer.id, name: officer.name.clone() };
        let mut slots = self.slots.clone();
        let (set, hash) = both(
            || slots.set_person(&self.key, &person, passphrase),
            || secrets::hash_passphrase(passphrase),
        );
        set?;
        let hash = hash?;
        slots.drop_shared_passphrase();
        slots.own_keyring(officer.id);
        let object = format!("actor:{}", officer.id);
        let at = Utc::now();
        self.db.write(|tx| {
            actors::set_passphrase_hash(tx, officer.id, &hash)?;
            audit::record(
                tx,
                at,
                ActorRef::System,
                "keyslots.per_person",
                &object,
                r#"{"shared_passphrase":"first officer's"}"#,
            )?;
            write_slots(&self.root, &slots.to_json(&self.key))
        })?;
        self.slots = slots;
        tracing::info!("the shared workspace passphrase is now the first officer's own");
        Ok(())
    }

    /// Opens the workspace at `root` with a key already confirmed against `slots`.
    /// `establishing`: the audit anchor is (re)started rather than checked (a restore).
    pub(crate) fn open_with_key(
        root: &Path,
        slots: KeySlots,
        key: DataKey,
        opener: Opener,
        establishing: bool,
    ) -> Result<Self, StoreError> {
        let id: WorkspaceId = slots
            .workspace_id
            .parse()
            .map_err(|_| StoreError::KeySlots("the workspace id is not valid".into()))?;
        // Before anything at open touches the folder: the work at open (finishing a rotation,
        // the vault sweep) runs only while no other process has the workspace open.
        let lock = WorkspaceLock::acquire(root)?;
        let rotated = if lock.is_exclusive() {
            let finished = crate::rotate::recover(root, &key, &slots.workspace_id)?;
            Anchor::settle_pending(root, &key, &slots.workspace_id)?;
            finished
        } else if root.join(crate::rotate::NEXT_DB_FILE).exists() {
            // An interrupted rotation is finished by the next process to open the folder alone.
            return Err(StoreError::InUse { pid: None });
        } else {
            false
        };
        let path = root.join(DB_FILE);
        if !path.is_file() {
            return Err(StoreError::io(
                format!("opening {}", path.display()),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        let mut db = Database::open(&path, &key)?;
        db.migrate()?;
        let anchor = Anchor::new(root, &key, &slots.workspace_id);
        let anchor_problem = db.read(|c| anchor.check(c, establishing || rotated))?;
        match &anchor_problem {
            None => {
                db.set_anchor(anchor)?;
                // A workspace from before canonical digests gets its checkpoint and baselines.
                if !db.read(crate::canonical::current)? {
                    db.write(|tx| crate::canonical::start(tx, Utc::now()))?;
                }
            }
            // Left as it is: it records what was lost until the workspace is restored.
            Some(problem) => {
                tracing::error!(seq = problem.seq, "the database disagrees with the audit anchor")
            }
        }
        let found = db.read(|c| match opener {
            Opener::Person(id) => actors::get(c, id),
            Opener::FirstOfficer => actors::first_officer(c),
        })?;
        let person = match (found, &anchor_problem) {
            (Some(actor), _) => actor,
            // The profile went with lost commits: the workspace still opens, so that the loss
            // can be seen and a backup restored, but only to read.
            (None, Some(_)) => Actor {
                id: match opener {
                    Opener::Person(id) => id,
                    Opener::FirstOfficer => ActorId::new(),
                },
                name: slots
                    .people()
                    .into_iter()
                    .find(|p| Opener::Person(p.actor) == opener)
                    .map_or_else(|| "first officer".to_owned(), |p| p.name),
                role: Role::Viewer,
                created_at: String::new(),
            },
            (None, None) => return Err(StoreError::UnknownActor),
        };
        let alone = lock.is_exclusive();
        let mut workspace =
            Self { root: root.to_path_buf(), id, slots, db, key, anchor_problem, lock, person };
        let swept = if alone {
            crate::evidence::sweep(&workspace)?
        } else {
            tracing::info!("another process has the workspace open: the vault sweep waits for a later open");
            crate::evidence::SweepReport::default()
        };
        workspace.lock.share()?;
        if swept.quarantined > 0 || !swept.missing_files.is_empty() || swept.skipped_after_lost_commits {
            tracing::warn!(
                quarantined = swept.quarantined,
                skipped_after_lost_commits = swept.skipped_after_lost_commits,
                missing_files = swept.missing_files.len(),
                "evidence vault sweep at open"
            );
        }
        Ok(workspace)
    }

    /// Recomputes the audit chain (R11) and checks it against the audit anchor, so a chain
    /// that verifies only because its newest events were lost is reported too.
    pub fn verify_audit(&self) -> Result<ChainReport, StoreError> {
        let path = self.root.join(DB_FILE);
        let key = self.key.clone();
        let open_second = move || Ok(Database::open(&path, &key)?.into_connection());
        let mut report = self.db.read(|c| audit::verify_chain_parallel(c, open_second))?;
        if report.first_break.is_none() {
            report.first_break = self.anchor_problem.clone();
        }
        Ok(report)
    }

    /// The workspace folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The workspace id.
    pub fn id(&self) -> WorkspaceId {
        self.id
    }

    /// The database.
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// The database, for writing.
    pub fn db_mut(&mut self) -> &mut Database {
        &mut self.db
    }

    /// What a long job (an import, a backup, a key rotation) needs of this workspace, held apart
    /// from it: a second connection to the database, the folder and the key. The job runs on
    /// it while the main connection goes on serving the window's reads (issue 15): WAL lets one
    /// connection write while others read. The connection keeps the audit anchor like the main
    /// one (unless the anchor reported lost commits at open). Drop it when the job ends.
    ///
    /// # Errors
    /// What opening the database can fail with.
    pub fn for_job(&self) -> Result<JobWorkspace, StoreError> {
        let mut db = Database::open(&self.root.join(DB_FILE), &self.key)?;
        let keeps_anchor = self.anchor_problem.is_none();
        if keeps_anchor {
            db.set_anchor(Anchor::new(&self.root, &self.key, &self.id.to_string()))?;
        }
        Ok(JobWorkspace { db, root: self.root.clone(), id: self.id, key: self.key.clone(), keeps_anchor })
    }

    /// The data key, for wrapping per-file evidence keys inside this crate.
    pub(crate) fn data_key(&self) -> &DataKey {
        &self.key
    }

    /// The kinds of key slot this workspace has ("passphrase", "recovery", "keyring").
    pub fn slot_kinds(&self) -> Vec<&'static str> {
        self.slots.kinds()
    }

    /// The recovery sheet's key-slot rebuild block (see [`rebuild_slots`]).
    pub fn rebuild_block(&self) -> Option<String> {
        self.slots.rebuild_block()
    }

    /// Who unlocked the workspace.
    pub fn person(&self) -> &Actor {
        &self.person
    }

    /// The people who can unlock it, from its key slots.
    pub fn people(&self) -> Vec<Person> {
        self.slots.people()
    }

    /// Sets `person`'s own passphrase (their key slot and their actor passphrase) on behalf of
    /// `by`, audited as `action`. The database is not re-encrypted; the key-slot file is
    /// replaced (atomically) inside the same transaction as the audit event.
    pub fn set_passphrase_of(
        &mut self,
        by: ActorId,
        person: ActorId,
        new: &str,
        action: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let actor = self.db.read(|c| actors::get(c, person))?.ok_or(StoreError::UnknownActor)?;
        let mut slots = self.slots.clone();
        let (set, hash) = both(
            || slots.set_person(&self.key, &Person { actor: actor.id, name: actor.name.clone() }, new),
            || secrets::hash_passphrase(new),
        );
        set?;
        let hash = hash?;
        let object = format!("actor:{}", actor.id);
        self.db.write(|tx| {
            actors::set_passphrase_hash(tx, actor.id, &hash)?;
            audit::append(
                tx,
                at,
                Change { actor: by.into(), action, object: &object, before: None, after: None },
            )?;
            write_slots(&self.root, &slots.to_json(&self.key))
        })?;
        self.slots = slots;
        Ok(())
    }

    /// Changes `actor`'s own passphrase (audited as `actor.passphrase_change`).
    pub fn change_passphrase(
        &mut self,
        actor: ActorId,
        new: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.set_passphrase_of(actor, actor, new, "actor.passphrase_change", at)
    }

    /// Adds a person: their actor profile and their key slot, in one audited transaction.
    pub fn add_person(
        &mut self,
        by: ActorId,
        name: &str,
        role: Role,
        passphrase: &str,
        at: DateTime<Utc>,
    ) -> Result<Actor, StoreError> {
        let id = ActorId::new();
        let mut slots = self.slots.clone();
        let (set, hash) = both(
            || slots.set_person(&self.key, &Person { actor: id, name: name.trim().to_owned() }, passphrase),
            || secrets::hash_passphrase(passphrase),
        );
        set?;
        let hash = hash?;
        let actor = self.db.write(|tx| {
            let actor = actors::insert(tx, id, name.trim(), role, &hash, at)?;
            record_actor(tx, at, by.into(), actor.id)?;
            write_slots(&self.root, &slots.to_json(&self.key))?;
            Ok(actor)
        })?;
        self.slots = slots;
        Ok(actor)
    }

    /// Keeps a copy of the data key in this desktop session's OS credential store for `actor`,
    /// so they unlock without typing (their own keyring slot; audited `keyslots.keyring_added`).
    pub fn keep_key_in_keyring(&mut self, actor: ActorId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let account = self
            .slots
            .keyrings()
            .into_iter()
            .find(|(_, _, owner)| *owner == Opener::Person(actor))
            .map_or_else(|| format!("{}:{actor}", self.id), |(_, account, _)| account.to_owned());
        keyring::store_key(&account, &self.key)?;
        let mut slots = self.slots.clone();
        slots.set_keyring(keyring::SERVICE, &account, actor);
        let object = format!("actor:{actor}");
        let written = self.db.write(|tx| {
            audit::record(tx, at, actor.into(), "keyslots.keyring_added", &object, "{}")?;
            write_slots(&self.root, &slots.to_json(&self.key))
        });
        if let Err(e) = written {
            let _ = keyring::delete_key(&account);
            return Err(e);
        }
        self.slots = slots;
        Ok(())
    }

    /// Checks `actor`'s passphrase and, if they have no key slot yet (a profile from before
    /// per-person slots, or one dropped by a key rotation), gives them one under it, so they
    /// can unlock as themselves from now on (audited as `keyslots.person_added`).
    pub fn sign_in(
        &mut self,
        actor: ActorId,
        passphrase: &str,
        at: DateTime<Utc>,
    ) -> Result<Actor, StoreError> {
        let checked = self.check_actor(actor, passphrase)?;
        if !self.slots.has_person(actor) {
            let mut slots = self.slots.clone();
            slots.set_person(&self.key, &Person { actor, name: checked.name.clone() }, passphrase)?;
            let object = format!("actor:{actor}");
            self.db.write(|tx| {
                audit::record(tx, at, actor.into(), "keyslots.person_added", &object, "{}")?;
                write_slots(&self.root, &slots.to_json(&self.key))
            })?;
            self.slots = slots;
        }
        Ok(checked)
    }

    /// Verifies an actor's passphrase (switching actor, four-eyes confirmations).
    pub fn check_actor(&self, actor: ActorId, passphrase: &str) -> Result<Actor, StoreError> {
        let hash = self.db.read(|c| actors::passphrase_hash(c, actor))?.ok_or(StoreError::UnknownActor)?;
        if !secrets::verify_passphrase(passphrase, &hash) {
            return Err(StoreError::WrongPassphrase);
        }
        self.db.read(|c| actors::get(c, actor))?.ok_or(StoreError::UnknownActor)
    }

    /// The provider name recorded at creation.
    pub fn provider_name(&self) -> Result<String, StoreError> {
        self.db.read(|c| {
            Ok(c.query_row("SELECT legal_name FROM provider_profile WHERE id = 1", [], |r| r.get(0))?)
        })
    }
}

/// Records `actor.create` with the actor's canonical form.
fn record_actor(
    tx: &rusqlite::Transaction<'_>,
    at: DateTime<Utc>,
    by: ActorRef,
    id: ActorId,
) -> Result<(), StoreError> {
    let kind = crate::canonical::kind("actor").expect("actor is a canonical kind");
    crate::canonical::record_change(tx, at, by, "actor.create", kind, &id.to_string(), None)
}

/// Runs two jobs side by side (each Argon2id, ~0.5 s: together they take one's time on two
/// cores).
fn both<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let second = scope.spawn(b);
        let first = a();
        (first, second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    const PASS: &str = "the shared workspace passphrase";

    /// A new workspace whose first officer is Olivia Officer, with `passphrase`.
    fn olivias_workspace(root: &Path, passphrase: &str, at: DateTime<Utc>) -> Created {
        Workspace::create(
            root,
            &NewWorkspace {
                provider_name: "Example Cloud LLC",
                officer_name: "Olivia Officer",
                passphrase,
                use_keyring: false,
                at,
            },
        )
        .expect("create")
    }

    /// Issue 14, migration: a workspace from before per-person slots opens with its shared
    /// passphrase as the first officer, whose own passphrase it then is (slot and actor hash),
    /// recorded in the audit chain; the file no longer holds a shared slot.
    #[test]
    fn the_shared_passphrase_becomes_the_first_officers_own() {
        let dir = tempfile::tempdir().expect("tempdir");
        let at = Utc::now();
        let created = olivias_workspace(dir.path(), "olivia's personal passphrase", at);
        let mut ws = created.workspace;
        let officer = created.officer.clone();
        let reviewer = ws
            .add_person(officer.id, "Rita Reviewer", Role::Reviewer, "rita's passphrase", at)
            .expect("rita");
        // Back to the old layout: one shared passphrase, different from Olivia's own.
        let legacy = ws.slots.clone().into_shared_passphrase(&ws.key, PASS);
        write_slots(dir.path(), &legacy.to_json(&ws.key)).expect("write");
        drop(ws);
        assert!(read_slots(dir.path()).expect("read").has_shared_passphrase());

        let ws =
            Workspace::unlock(dir.path(), Unlock::Passphrase(PASS)).expect("the shared passphrase opens it");
        assert_eq!(ws.person().id, officer.id, "as the first officer");
        let slots = read_slots(dir.path()).expect("read");
        assert!(!slots.has_shared_passphrase() && !slots.needs_upgrade());
        assert_eq!(slots.people().iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Olivia Officer"]);
        assert_eq!(ws.check_actor(officer.id, PASS).expect("her passphrase now").id, officer.id);
        assert!(ws.check_actor(officer.id, "olivia's personal passphrase").is_err());
        let events: i64 = ws
            .db()
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM audit_event WHERE action = 'keyslots.per_person'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .expect("count");
        assert_eq!(events, 1);
        assert!(ws.verify_audit().expect("verify").first_break.is_none());
        drop(ws);

        // Olivia now names herself or not (she is still the only one with a slot); Rita signs in
        // once on an unlocked workspace and has her own slot from then on.
        let mut ws =
            Workspace::unlock(dir.path(), Unlock::Person { name: "olivia officer", passphrase: PASS })
                .expect("as olivia");
        assert!(matches!(
            Workspace::unlock(
                dir.path(),
                Unlock::Person { name: "Rita Reviewer", passphrase: "rita's passphrase" }
            ),
            Err(StoreError::UnknownPerson(_))
        ));
        ws.sign_in(reviewer.id, "rita's passphrase", at).expect("rita signs in");
        drop(ws);
        let ws = Workspace::unlock(
            dir.path(),
            Unlock::Person { name: "Rita Reviewer", passphrase: "rita's passphrase" },
        )
        .expect("rita unlocks as herself");
        assert_eq!(ws.person().id, reviewer.id);
        assert_eq!(ws.person().role, Role::Reviewer);
    }

    /// Issue 14: each person's own keyring entry. Rita keeps her key in the (mock) credential
    /// store; unlocking by keyring as her names her; Olivia has no entry.
    #[test]
    fn each_person_may_keep_their_own_keyring_entry() {
        keyring_core::set_default_store(keyring_core::mock::Store::new().expect("mock store"));
        let dir = tempfile::tempdir().expect("tempdir");
        let at = Utc::now();
        let created = olivias_workspace(dir.path(), "olivia's own passphrase", at);
        let mut ws = created.workspace;
        let rita = ws
            .add_person(created.officer.id, "Rita Reviewer", Role::Reviewer, "rita's passphrase", at)
            .expect("rita");
        ws.keep_key_in_keyring(rita.id, at).expect("rita keeps her key");
        drop(ws);
        let ws = Workspace::unlock(dir.path(), Unlock::KeyringAs("rita reviewer")).expect("rita by keyring");
        assert_eq!(ws.person().id, rita.id);
        drop(ws);
        assert_eq!(
            Workspace::unlock(dir.path(), Unlock::Keyring).expect("the one entry").person().id,
            rita.id
        );
        let err = Workspace::unlock(dir.path(), Unlock::KeyringAs("Olivia Officer")).expect_err("none");
        assert!(err.to_string().contains("keeps no key"), "{err}");
    }
}
