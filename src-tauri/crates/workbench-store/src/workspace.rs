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
use workbench_core::{ActorId, Role, WorkspaceId};

use crate::actors::{self, Actor};
use crate::anchor::Anchor;
use crate::audit::{self, Change, timestamp};
use crate::db::Database;
use crate::error::StoreError;
use crate::files::write_atomically;
use crate::key::DataKey;
use crate::keyslots::{KeySlots, Secret, new_recovery_code};
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
    /// The workspace passphrase; also the first officer's actor passphrase.
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
    /// The OS credential store's copy of the key.
    Keyring,
    /// The workspace passphrase.
    Passphrase(&'a str),
    /// The one-time recovery code.
    RecoveryCode(&'a str),
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
        // The key slot and the first officer's passphrase hash each run Argon2id on the same
        // passphrase (different salts): side by side they take one KDF's time on two cores.
        let (slots, officer_hash) = std::thread::scope(|scope| {
            let hash = scope.spawn(|| secrets::hash_passphrase(new.passphrase));
            let slots = KeySlots::create(&id.to_string(), &key, new.passphrase, &recovery_code);
            (slots, hash.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let mut slots = slots?;
        let officer_hash = officer_hash?;

        let mut db = Database::open(&root.join(DB_FILE), &key)?;
        db.migrate()?;
        let officer = db.write(|tx| {
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
                    actor: "system",
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
                "system",
                new.at,
            )?;
            let officer = actors::insert(tx, new.officer_name, Role::Officer, &officer_hash, new.at)?;
            let object = format!("actor:{}", officer.id);
            audit::append(
                tx,
                new.at,
                Change {
                    actor: "system",
                    action: "actor.create",
                    object: &object,
                    before: None,
                    after: Some(&officer.audit_bytes()),
                },
            )?;
            Ok(officer)
        })?;
        db.set_anchor(Anchor::new(root, &key, &id.to_string()))?;

        let keyring_problem = if new.use_keyring {
            match keyring::store_key(&id.to_string(), &key) {
                Ok(()) => {
                    slots.set_keyring(keyring::SERVICE, &id.to_string());
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
            workspace: Self { root: root.to_path_buf(), id, slots, db, key, anchor_problem: None, lock },
            recovery_code,
            officer,
            keyring_problem,
        })
    }

    /// Unlocks the workspace at `root`.
    pub fn unlock(root: &Path, how: Unlock<'_>) -> Result<Self, StoreError> {
        let (slots, repair) = read_slots_checked(root)?;
        let key = match how {
            Unlock::Passphrase(p) => slots.open_with_passphrase(p)?,
            Unlock::RecoveryCode(c) => slots.open_with_recovery_code(c)?,
            Unlock::Keyring => {
                let (_, account) = slots.keyring().ok_or_else(|| {
                    StoreError::Keyring("this workspace keeps no key in the OS credential store".into())
                })?;
                slots.confirm(keyring::load_key(account)?)?
            }
        };
        let workspace = Self::open_with_key(root, slots, key, false)?;
        if workspace.slots.needs_upgrade() {
            // A version 1 file: sealed with its checksum and MAC from now on.
            write_slots(root, &workspace.slots.to_json(&workspace.key))?;
        } else if let Some(json) = repair {
            // The key opened it, and the folder is ours: both files hold these slots again.
            write_slots(root, &json)?;
        }
        Ok(workspace)
    }

    /// Opens the workspace at `root` with a key already confirmed against `slots`.
    /// `establishing`: the audit anchor is (re)started rather than checked (a restore).
    pub(crate) fn open_with_key(
        root: &Path,
        slots: KeySlots,
        key: DataKey,
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
            crate::rotate::recover(root, &key, &slots.workspace_id)?
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
            None => db.set_anchor(anchor)?,
            // Left as it is: it records what was lost until the workspace is restored.
            Some(problem) => {
                tracing::error!(seq = problem.seq, "the database disagrees with the audit anchor")
            }
        }
        let alone = lock.is_exclusive();
        let mut workspace = Self { root: root.to_path_buf(), id, slots, db, key, anchor_problem, lock };
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

    /// The data key, for wrapping per-file evidence keys inside this crate.
    pub(crate) fn data_key(&self) -> &DataKey {
        &self.key
    }

    /// The kinds of key slot this workspace has ("passphrase", "recovery", "keyring").
    pub fn slot_kinds(&self) -> Vec<&'static str> {
        self.slots.kinds()
    }

    /// Re-wraps the data key under a new passphrase and records it in the audit chain. The
    /// database is not re-encrypted; only the key-slot file is replaced (atomically).
    pub fn change_passphrase(
        &mut self,
        actor: ActorId,
        new: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut slots = self.slots.clone();
        slots.set_passphrase(&self.key, new)?;
        let object = format!("workspace:{}", self.id);
        self.db.write(|tx| {
            audit::append(
                tx,
                at,
                Change {
                    actor: &actor.to_string(),
                    action: "workspace.passphrase_change",
                    object: &object,
                    before: None,
                    after: None,
                },
            )?;
            write_slots(&self.root, &slots.to_json(&self.key))
        })?;
        self.slots = slots;
        Ok(())
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

#[cfg(unix)]
fn restrict_to_owner(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path) {}
