//! Rotating the data key (DEK), e.g. after a laptop with the workspace was lost or an officer
//! left (R11: security of the records).
//!
//! The database is re-encrypted page by page into `workspace.db.next` under a fresh key through
//! SQLite's backup API (so progress can be shown), every evidence file's key is re-wrapped in
//! that copy, and a new key-slot file — passphrase, a **new recovery code**, the keyring slot —
//! is written. Writing the key-slot file is the single commit point:
//!
//! - crash before it: the old slots still open the old database; at the next unlock the stray
//!   `.next` does not open under the old key and is deleted;
//! - crash after it: the new slots open `.next`; the next unlock finishes the swap (drops the
//!   old database's WAL, renames `.next` into place).
//!
//! Vault files are not rewritten: each is encrypted under its own file key, and only the
//! wrapping of those keys depends on the DEK.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use workbench_core::ActorId;

use crate::audit::{self, Change};
use crate::db::{Database, WritesPaused};
use crate::error::StoreError;
use crate::key::DataKey;
use crate::keyslots::{KeySlots, Opener, Person, Secret, new_recovery_code};
use crate::workspace::{DB_FILE, JobWorkspace, Workspace};
use crate::{evidence, keyring};

/// The re-encrypted copy while a rotation is under way.
pub const NEXT_DB_FILE: &str = "workspace.db.next";

/// The result of a rotation.
pub struct Rotated {
    /// The new recovery code (the old one no longer opens anything): shown once.
    pub recovery_code: Secret,
    /// Evidence keys re-wrapped.
    pub evidence_keys: usize,
    /// Why the OS credential store could not take the new key, if it holds one and failed.
    pub keyring_problem: Option<String>,
    /// The people whose key slots the rotation could not carry over (it has only the rotating
    /// officer's passphrase): each unlocks again after their next sign-in on an unlocked
    /// workspace, or once an officer sets them a new passphrase.
    pub people_without_slot: Vec<String>,
}

impl std::fmt::Debug for Rotated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rotated")
            .field("recovery_code", &"<redacted>")
            .field("evidence_keys", &self.evidence_keys)
            .finish_non_exhaustive()
    }
}

/// Where a rotation may be stopped in tests, to leave the files a crash would leave.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopAt {
    /// After the re-encrypted copy is complete, before the new key slots are written.
    BeforeCommit,
    /// After the new key slots are written, before the copy is swapped in.
    AfterCommit,
    /// After the copy is swapped in, before the audit anchor is rewritten under the new key.
    AfterSwap,
}

/// A rotation under way ([`Workspace::begin_rotation`]): the exclusive lock is taken, writes
/// to the database are paused (reads go on), and the re-encrypted copy is written on a
/// connection of its own ([`Rotation::write_copy`]) without holding the workspace, so the window
/// keeps reading meanwhile (issue 15). [`Workspace::finish_rotation`] swaps it in. A rotation
/// dropped before its commit point removes its copy.
pub struct Rotation {
    job: Option<JobWorkspace>,
    paused: Option<WritesPaused>,
    actor: ActorId,
    officer: String,
    passphrase: zeroize::Zeroizing<String>,
    new_key: DataKey,
    recovery_code: Secret,
    new_slots: Option<KeySlots>,
    keyring_account: Option<(String, String, ActorId)>,
    people_without_slot: Vec<String>,
    evidence_keys: usize,
    /// The copy's path, removed on drop unless the commit point passed (or a test stopped
    /// the rotation where a crash would have left it).
    next: Option<PathBuf>,
}

impl std::fmt::Debug for Rotation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rotation").field("actor", &self.actor).finish_non_exhaustive()
    }
}

impl Drop for Rotation {
    fn drop(&mut self) {
        // Connections first: the copy is never removed under an open handle.
        self.paused.take();
        self.job.take();
        if let Some(next) = self.next.take() {
            let _ = remove_with_journals(&next);
        }
    }
}

impl Workspace {
    /// Replaces the data key: re-encrypts the database, re-wraps the evidence keys and the key
    /// slots, issues a new recovery code. `passphrase` is the workspace passphrase (confirmed
    /// before anything is written); `progress` gets `(pages done, pages in all)`.
    pub fn rotate_data_key(
        &mut self,
        passphrase: &str,
        actor: ActorId,
        at: DateTime<Utc>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Rotated, StoreError> {
        self.rotate_data_key_until(passphrase, actor, at, progress, None)
    }

    #[doc(hidden)]
    pub fn rotate_data_key_until(
        &mut self,
        passphrase: &str,
        actor: ActorId,
        at: DateTime<Utc>,
        progress: &mut dyn FnMut(u64, u64),
        stop: Option<StopAt>,
    ) -> Result<Rotated, StoreError> {
        let mut rotation = self.begin_rotation(passphrase, actor)?;
        match rotation.write_copy(at, progress) {
            Ok(()) => self.finish_rotation(rotation, stop),
            Err(e) => {
                self.abandon_rotation(rotation);
                Err(e)
            }
        }
    }

    /// Starts a rotation: takes the workspace lock for this process alone (the database file
    /// is replaced), confirms the officer's own passphrase (the shared one of an older file, if
    /// they have no slot yet) and pauses writes to the database until the rotation ends.
    pub fn begin_rotation(&mut self, passphrase: &str, actor: ActorId) -> Result<Rotation, StoreError> {
        self.lock.make_exclusive()?;
        self.plan_rotation(passphrase, actor).inspect_err(|_| {
            let _ = self.lock.share();
        })
    }

    fn plan_rotation(&self, passphrase: &str, actor: ActorId) -> Result<Rotation, StoreError> {
        let who = self.slots.has_person(actor).then(|| actor.to_string());
        drop(self.slots.open_as(who.as_deref(), passphrase)?);
        let officer = self.db.read(|c| crate::actors::get(c, actor))?.ok_or(StoreError::UnknownActor)?;
        // The others' passphrases are not at hand to wrap the new key: their slots go, and each
        // gets one again at their next sign-in on an unlocked workspace, or from an officer.
        let people_without_slot: Vec<String> =
            self.slots.people().into_iter().filter(|p| p.actor != actor).map(|p| p.name).collect();
        let keyring_account = self.slots.keyring().map(|(service, account, owner)| {
            let owner = match owner {
                Opener::Person(id) => id,
                Opener::FirstOfficer => actor,
            };
            (service.to_owned(), account.to_owned(), owner)
        });
        let paused = WritesPaused::on(&self.root.join(DB_FILE), &self.key)?;
        Ok(Rotation {
            job: Some(self.for_job()?),
            paused: Some(paused),
            actor,
            officer: officer.name,
            passphrase: zeroize::Zeroizing::new(passphrase.to_owned()),
            new_key: DataKey::generate()?,
            recovery_code: new_recovery_code()?,
            new_slots: None,
            keyring_account,
            people_without_slot,
            evidence_keys: 0,
            next: None,
        })
    }

    /// Gives up a rotation that failed before its commit point: its copy goes, the lock is
    /// shared again and writes resume.
    pub fn abandon_rotation(&mut self, rotation: Rotation) {
        drop(rotation);
        if let Err(e) = self.lock.share() {
            tracing::warn!("the workspace lock stays exclusive after an abandoned rotation: {e}");
        }
    }

    /// Ends a rotation whose copy is written: the new key slots (the commit point), the swap,
    /// the audit anchor under the new key; the lock is shared again either way.
    pub fn finish_rotation(
        &mut self,
        rotation: Rotation,
        stop: Option<StopAt>,
    ) -> Result<Rotated, StoreError> {
        let result = self.commit_rotation(rotation, stop);
        let shared = self.lock.share();
        let rotated = result?;
        shared?;
        Ok(rotated)
    }

    fn commit_rotation(
        &mut self,
        mut rotation: Rotation,
        stop: Option<StopAt>,
    ) -> Result<Rotated, StoreError> {
        let (Some(new_slots), Some(_)) = (rotation.new_slots.take(), rotation.next.as_ref()) else {
            return Err(StoreError::Conflict("the rotation's copy was not written".into()));
        };
        // This workspace's own connection serves nothing else meanwhile (the caller holds it),
        // so the copy's connections close and writes resume only after the swap.
        rotation.job.take();
        rotation.paused.take();
        if stop == Some(StopAt::BeforeCommit) {
            rotation.next = None;
            return Err(StoreError::Interrupted);
        }

        // The commit point: from here on the new key is the workspace's key.
        // The copy first, then the file: either one read at the next open holds the new key
        // (and the finished copy beside it), or the file holds the old one and the copy is put
        // back in step after that unlock.
        crate::workspace::write_slots(&self.root, &new_slots.to_json(&rotation.new_key))?;
        rotation.next = None;
        if stop == Some(StopAt::AfterCommit) {
            return Err(StoreError::Interrupted);
        }

        // Close the old database before its file is replaced.
        let new_key = rotation.new_key.clone();
        let workspace_id = self.id.to_string();
        let placeholder = Database::open_in_memory(&new_key)?;
        drop(std::mem::replace(&mut self.db, placeholder));
        swap_in_next(&self.root)?;
        if stop == Some(StopAt::AfterSwap) {
            return Err(StoreError::Interrupted);
        }
        self.db = Database::open(&self.root.join(DB_FILE), &new_key)?;
        crate::anchor::Anchor::settle_pending(&self.root, &new_key, &workspace_id)?;
        if self.anchor_problem.is_none() {
            self.db.set_anchor(crate::anchor::Anchor::new(&self.root, &new_key, &workspace_id))?;
        }
        self.key = new_key;
        self.slots = new_slots;

        let keyring_problem = rotation
            .keyring_account
            .take()
            .and_then(|(_, account, _)| keyring::store_key(&account, &self.key).err().map(|e| e.to_string()));
        Ok(Rotated {
            recovery_code: std::mem::take(&mut rotation.recovery_code),
            evidence_keys: rotation.evidence_keys,
            keyring_problem,
            people_without_slot: std::mem::take(&mut rotation.people_without_slot),
        })
    }
}

impl Rotation {
    /// The slow half, without holding the workspace: the new key slots (Argon2id), and the
    /// database re-encrypted into `workspace.db.next` with its evidence keys re-wrapped and the
    /// rotation audited, then closed (its WAL folded in) and synced to disk.
    pub fn write_copy(
        &mut self,
        at: DateTime<Utc>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), StoreError> {
        let job = self.job.as_ref().ok_or_else(|| StoreError::Conflict("the rotation has ended".into()))?;
        let mut new_slots = KeySlots::create(
            &job.id.to_string(),
            &self.new_key,
            &Person { actor: self.actor, name: self.officer.clone() },
            &self.passphrase,
            &self.recovery_code,
        )?;
        if let Some((service, account, owner)) = &self.keyring_account {
            new_slots.set_keyring(service, account, *owner);
        }
        let next = job.root.join(NEXT_DB_FILE);
        remove_with_journals(&next)?;
        self.next = Some(next.clone());
        let mut copy = Database::open(&next, &self.new_key)?;
        job.db.copy_into(&mut copy, progress)?;
        let object = format!("workspace:{}", job.id);
        let actor = self.actor.into();
        self.evidence_keys = copy.write(|tx| {
            let n = evidence::rewrap_keys(tx, &job.key, &self.new_key)?;
            audit::append(
                tx,
                at,
                Change { actor, action: "workspace.key_rotate", object: &object, before: None, after: None },
            )?;
            Ok(n)
        })?;
        // The copy's anchor, under the new key, before the commit point: a kill after the swap
        // but before `audit.anchor` is rewritten leaves it to be settled at the next open.
        if job.keeps_anchor {
            let mut pending = crate::anchor::Anchor::pending(&job.root, &self.new_key, &job.id.to_string());
            copy.read(|c| pending.update(c))?;
        }
        drop(copy);
        sync_file(&next)?;
        self.new_slots = Some(new_slots);
        Ok(())
    }
}

/// Finishes or discards a rotation a crash interrupted. `key` has been confirmed against the
/// current key-slot file; called at unlock before the database is opened. Returns whether a
/// rotation was finished (the audit anchor, keyed from the old key, is then started afresh).
pub(crate) fn recover(root: &Path, key: &DataKey, workspace_id: &str) -> Result<bool, StoreError> {
    let next = root.join(NEXT_DB_FILE);
    if !next.exists() {
        return Ok(false);
    }
    let committed = match Database::open(&next, key) {
        Ok(copy) => copy
            .read(|c| {
                Ok(c.query_row("SELECT value FROM workspace_meta WHERE key = 'workspace_id'", [], |r| {
                    r.get::<_, String>(0)
                })
                .ok())
            })
            .ok()
            .flatten()
            .is_some_and(|id| id == workspace_id),
        Err(_) => false,
    };
    if committed {
        tracing::warn!("finishing a data-key rotation that was interrupted");
        swap_in_next(root)?;
    } else {
        tracing::warn!("discarding the copy of an interrupted data-key rotation");
        remove_with_journals(&next)?;
    }
    Ok(committed)
}

/// Replaces the database with the re-encrypted copy. The old database's WAL and shared-memory
/// files go first: replayed onto the new file they would corrupt it.
fn swap_in_next(root: &Path) -> Result<(), StoreError> {
    let db = root.join(DB_FILE);
    for journal in journals(&db) {
        remove_if_present(&journal)?;
    }
    let next = root.join(NEXT_DB_FILE);
    for journal in journals(&next) {
        remove_if_present(&journal)?;
    }
    std::fs::rename(&next, &db).map_err(|e| StoreError::io(format!("replacing {}", db.display()), e))?;
    if let Ok(folder) = std::fs::File::open(root) {
        let _ = folder.sync_all();
    }
    Ok(())
}

fn journals(db: &Path) -> [PathBuf; 2] {
    let name = db.file_name().unwrap_or_default().to_string_lossy().into_owned();
    [db.with_file_name(format!("{name}-wal")), db.with_file_name(format!("{name}-shm"))]
}

fn remove_with_journals(db: &Path) -> Result<(), StoreError> {
    remove_if_present(db)?;
    for journal in journals(db) {
        remove_if_present(&journal)?;
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io(format!("removing {}", path.display()), e)),
    }
}

fn sync_file(path: &Path) -> Result<(), StoreError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::io(format!("syncing {}", path.display()), e))
}
