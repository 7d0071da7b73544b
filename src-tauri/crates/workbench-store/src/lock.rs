//! The workspace lock: every process that opens a workspace (the window, each CLI command)
//! holds an OS lock on `workspace.lock` in its folder for as long as it has it open.
//!
//! Several processes may have a workspace open at once — an officer's second terminal beside the
//! window is an everyday case, and SQLite serialises their writes — so an open holds the lock
//! *shared*. What must never run while another process works in the folder needs it
//! *exclusive*, and gets it only when no other process has the workspace open:
//! - the work done at open: finishing or discarding an interrupted key rotation, and the vault's
//!   orphan sweep (another process may be between writing an evidence file and its row);
//! - rotating the data key (it replaces the database file).
//!
//! The lock is the operating system's (`flock` on Linux): it goes with the process, so a crash
//! never leaves a stale lock behind. The file holds the process id of the latest opener, for the
//! message another process gets.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::error::StoreError;

/// The lock file's name in the workspace folder.
pub const LOCK_FILE: &str = "workspace.lock";

/// A lock on a workspace folder, released when dropped.
#[derive(Debug)]
pub struct WorkspaceLock {
    file: File,
    exclusive: bool,
}

/// How long an open waits while another process does its work at open (seconds, normally
/// milliseconds) before saying the workspace is in use.
const WAIT_FOR_SHARE: std::time::Duration = std::time::Duration::from_secs(10);

/// Takes `file`'s lock shared, retrying while another process holds it exclusive, for up to `wait`.
fn shared_within(file: &mut File, path: &Path, wait: std::time::Duration) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match file.try_lock_shared() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            Err(e) => return Err(failed(file, path, e)),
        }
    }
}

/// Why `try_lock` failed, as this module's error.
fn failed(file: &mut File, path: &Path, e: TryLockError) -> StoreError {
    match e {
        TryLockError::WouldBlock => {
            let mut text = String::new();
            let _ = file.rewind();
            let _ = file.read_to_string(&mut text);
            StoreError::InUse { pid: text.trim().parse().ok() }
        }
        TryLockError::Error(e) => StoreError::io(format!("locking {}", path.display()), e),
    }
}

impl WorkspaceLock {
    /// Opens the workspace at `root` for this process: exclusively when no other process has it
    /// open (then [`Self::is_exclusive`] is true and the caller may do the work at open), shared
    /// otherwise.
    ///
    /// # Errors
    /// [`StoreError::InUse`] when another process holds it exclusively (a rotation, or the work
    /// at open); [`StoreError::Io`] when the lock file cannot be opened (a read-only folder, say).
    pub fn acquire(root: &Path) -> Result<Self, StoreError> {
        let path = root.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::io(format!("opening {}", path.display()), e))?;
        let exclusive = match file.try_lock() {
            Ok(()) => true,
            Err(TryLockError::WouldBlock) => {
                shared_within(&mut file, &path, WAIT_FOR_SHARE)?;
                false
            }
            Err(e) => return Err(failed(&mut file, &path, e)),
        };
        // Best effort: the pid is only for the message another process shows.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        Ok(Self { file, exclusive })
    }

    /// True while this process is the only one with the workspace open.
    pub fn is_exclusive(&self) -> bool {
        self.exclusive
    }

    /// Lets other processes open the workspace too (after the work at open).
    pub fn share(&mut self) -> Result<(), StoreError> {
        if self.exclusive {
            self.file.try_lock_shared().map_err(|e| match e {
                TryLockError::Error(e) => StoreError::io("sharing the workspace lock", e),
                TryLockError::WouldBlock => StoreError::InUse { pid: None },
            })?;
            self.exclusive = false;
        }
        Ok(())
    }

    /// Makes the lock exclusive, for work no other process may see half done (a key rotation).
    ///
    /// # Errors
    /// [`StoreError::InUse`] when another process has the workspace open.
    pub fn make_exclusive(&mut self) -> Result<(), StoreError> {
        if !self.exclusive {
            // flock converts a held shared lock to exclusive when no one else holds it; a
            // failed conversion drops the shared lock (Linux removes it before trying), so it
            // is taken again at once.
            match self.file.try_lock() {
                Ok(()) => self.exclusive = true,
                Err(e) => {
                    let retaken = shared_within(&mut self.file, Path::new(LOCK_FILE), WAIT_FOR_SHARE);
                    return Err(match (e, retaken) {
                        (_, Err(again)) => again,
                        (TryLockError::WouldBlock, Ok(())) => StoreError::InUse { pid: None },
                        (TryLockError::Error(e), Ok(())) => StoreError::io("locking the workspace", e),
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_opener_is_exclusive_until_it_shares_and_others_share_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut first = WorkspaceLock::acquire(dir.path()).expect("first");
        assert!(first.is_exclusive());
        match WorkspaceLock::acquire(dir.path()) {
            Err(StoreError::InUse { pid }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected InUse while the first is exclusive, got {other:?}"),
        }
        first.share().expect("share");
        let mut second = WorkspaceLock::acquire(dir.path()).expect("second, shared");
        assert!(!second.is_exclusive());
        assert!(matches!(second.make_exclusive(), Err(StoreError::InUse { .. })), "the first still has it");
        drop(first);
        second.make_exclusive().expect("alone now");
        assert!(second.is_exclusive());
    }
}
