//! The single-instance lock: every process that opens a workspace (the window, each CLI command)
//! holds an exclusive lock on `workspace.lock` in its folder for as long as it has it open, so
//! two processes never write the same workspace, and the work done at open (the vault's orphan
//! sweep, finishing an interrupted key rotation) never runs while another process is between
//! writing a file and its row. The lock is the operating system's (`flock` on Linux): it goes
//! with the process, so a crash never leaves a stale lock behind. The file holds the holder's
//! process id, for the message a second process gets.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::error::StoreError;

/// The lock file's name in the workspace folder.
pub const LOCK_FILE: &str = "workspace.lock";

/// An exclusive lock on a workspace folder, released when dropped.
#[derive(Debug)]
pub struct WorkspaceLock {
    _file: File,
}

impl WorkspaceLock {
    /// Takes the lock on the workspace at `root`, or says which process holds it.
    ///
    /// # Errors
    /// [`StoreError::InUse`] when another process (or another open handle in this one) holds it;
    /// [`StoreError::Io`] when the lock file cannot be opened (a read-only folder, say).
    pub fn acquire(root: &Path) -> Result<Self, StoreError> {
        let path = root.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::io(format!("opening {}", path.display()), e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(StoreError::InUse { pid: text.trim().parse().ok() });
            }
            Err(TryLockError::Error(e)) => {
                return Err(StoreError::io(format!("locking {}", path.display()), e));
            }
        }
        // Best effort: the pid is only for the message another process shows.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_told_who_holds_the_lock_until_it_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = WorkspaceLock::acquire(dir.path()).expect("first");
        match WorkspaceLock::acquire(dir.path()) {
            Err(StoreError::InUse { pid }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected InUse, got {other:?}"),
        }
        drop(first);
        WorkspaceLock::acquire(dir.path()).expect("free again");
    }
}
