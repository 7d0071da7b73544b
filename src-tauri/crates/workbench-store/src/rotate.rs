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
use crate::db::Database;
use crate::error::StoreError;
use crate::key::DataKey;
use crate::keyslots::{KeySlots, Opener, Person, Secret, new_recovery_code};
use crate::workspace::{DB_FILE, Workspace};
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
        // The database file is replaced: no other process may have the workspace open.
        self.lock.make_exclusive()?;
        let result = self.rotate_alone(passphrase, actor, at, progress, stop);
        let shared = self.lock.share();
        let rotated = result?;
        shared?;
        Ok(rotated)
    }

    fn rotate_alone(
        &mut self,
        passphrase: &str,
        actor: ActorId,
        at: DateTime<Utc>,
        progress: &mut dyn FnMut(u64, u64),
        stop: Option<StopAt>,
    ) -> Result<Rotated, StoreError> {
        // The rotating officer confirms with their own passphrase (the shared one of an older
        // file, if they have no slot yet).
        let who = self.slots.has_person(actor).then(|| actor.to_string());
        drop(self.slots.open_as(who.as_deref(), passphrase)?);
        let officer = self.db.read(|c| crate::actors::get(c, actor))?.ok_or(StoreError::UnknownActor)?;
        let workspace_id = self.id.to_string();
        let new_key = DataKey::generate()?;
        let recovery_code = new_recovery_code()?;
        let mut new_slots = KeySlots::create(
            &workspace_id,
            &new_key,
            &Person { actor, name: officer.name.clone() },
            passphrase,
            &recovery_code,
        )?;
        // The others' passphrases are not at hand to wrap the new key: their slots go, and each
        // gets one again at their next sign-in on an unlocked workspace, or from an officer.
        let people_without_slot: Vec<String> =
            self.slots.people().into_iter().filter(|p| p.actor != actor).map(|p| p.name).collect();
        let keyring_account = self.slots.keyring().map(|(service, account, owner)| {
            let owner = match owner {
                Opener::Person(id) => id,
                Opener::FirstOfficer => actor,
            };
            new_slots.set_keyring(service, account, owner);
            account.to_owned()
        });

        let next = self.root.join(NEXT_DB_FILE);
        remove_with_journals(&next)?;
        let evidence_keys = match self.write_next_copy(&next, &new_key, actor, at, progress) {
            Ok(n) => n,
            Err(e) => {
                let _ = remove_with_journals(&next);
                return Err(e);
            }
        };
        if stop == Some(StopAt::BeforeCommit) {
            return Err(StoreError::Interrupted);
        }

        // The commit point: from here on the new key is the workspace's key.
        // The copy first, then the file: either one read at the next open holds the new key
        // (and the finished copy beside it), or the file holds the old one and the copy is put
        // back in step after that unlock.
        crate::workspace::write_slots(&self.root, &new_slots.to_json(&new_key))?;
        if stop == Some(StopAt::AfterCommit) {
            return Err(StoreError::Interrupted);
        }

        // Close the old database before its file is replaced.
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

        let keyring_problem = keyring_account
            .and_then(|account| keyring::store_key(&account, &self.key).err().map(|e| e.to_string()));
        Ok(Rotated { recovery_code, evidence_keys, keyring_problem, people_without_slot })
    }

    /// Writes the re-encrypted copy with its evidence keys re-wrapped and the rotation audited,
    /// then closes it (its WAL folded in) and syncs it to disk.
    fn write_next_copy(
        &self,
        next: &Path,
        new_key: &DataKey,
        actor: ActorId,
        at: DateTime<Utc>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<usize, StoreError> {
        let mut copy = Database::open(next, new_key)?;
        self.db.copy_into(&mut copy, progress)?;
        let object = format!("workspace:{}", self.id);
        let rewrapped = copy.write(|tx| {
            let n = evidence::rewrap_keys(tx, &self.key, new_key)?;
            audit::append(
                tx,
                at,
                Change {
                    actor: &actor.to_string(),
                    action: "workspace.key_rotate",
                    object: &object,
                    before: None,
                    after: None,
                },
            )?;
            Ok(n)
        })?;
        // The copy's anchor, under the new key, before the commit point: a kill after the swap
        // but before `audit.anchor` is rewritten leaves it to be settled at the next open.
        if self.anchor_problem.is_none() {
            let mut pending = crate::anchor::Anchor::pending(&self.root, new_key, &self.id.to_string());
            copy.read(|c| pending.update(c))?;
        }
        drop(copy);
        sync_file(next)?;
        Ok(rewrapped)
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
