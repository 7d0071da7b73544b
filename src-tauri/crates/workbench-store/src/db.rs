//! The SQLCipher database connection.
//!
//! Opening applies the security posture from DESIGN.md in one place: raw key first, then
//! `cipher_memory_security`, WAL, `synchronous=FULL` and foreign keys, then a first read that
//! proves the key is right. Callers get a [`Database`] or a [`StoreError`], never a half-opened
//! connection.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::anchor::Anchor;
use crate::error::StoreError;
use crate::key::DataKey;

/// An open, unlocked, SQLCipher-encrypted database.
pub struct Database {
    conn: Connection,
    cipher_version: String,
    anchor: Option<Anchor>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("cipher_version", &self.cipher_version).finish()
    }
}

impl Database {
    /// Opens (creating if missing) the database at `path` with `key`.
    ///
    /// # Errors
    /// [`StoreError::NotSqlCipher`] if the linked engine is plain SQLite; [`StoreError::WrongKey`]
    /// if the key does not decrypt the file.
    pub fn open(path: &Path, key: &DataKey) -> Result<Self, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Self::configure(Connection::open_with_flags(path, flags)?, key, true)
    }

    /// Opens a private in-memory database keyed with `key` (used to probe the engine).
    pub fn open_in_memory(key: &DataKey) -> Result<Self, StoreError> {
        Self::configure(Connection::open_in_memory()?, key, false)
    }

    fn configure(conn: Connection, key: &DataKey, on_disk: bool) -> Result<Self, StoreError> {
        // The key must be the first statement on the connection.
        conn.pragma_update(None, "key", &*key.sqlcipher_pragma_value())?;
        let cipher_version: String =
            conn.query_row("PRAGMA cipher_version", [], |row| row.get(0)).unwrap_or_default();
        if cipher_version.trim().is_empty() {
            return Err(StoreError::NotSqlCipher);
        }
        // Set explicitly, to OFF (SQLCipher's own default since 4.5): ON mlocks and wipes every
        // allocation, which made a 100k-customer import take 268 s instead of 14 s here (kernel
        // VMA bookkeeping). Decrypted pages live in the page cache either way; the data key is
        // held in zeroizing memory, and encrypted swap is the OS's part (README, "Security").
        conn.pragma_update(None, "cipher_memory_security", "OFF")?;
        // First real read: fails with SQLITE_NOTADB when the key is wrong.
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get::<_, i64>(0)).map_err(
            |e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => StoreError::WrongKey,
                _ => StoreError::Sqlite(e),
            },
        )?;
        if on_disk {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        // The window and a CLI command may both write (the workspace lock is shared): a writer
        // waits for the other's transaction rather than failing at once.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // 64 MiB of decrypted pages: a page read from disk is decrypted once, not on every visit.
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A bulk import keeps a full-size and a remainder form of each multi-row INSERT
        // (bulk.rs) beside the everyday statements; the default of 16 would evict them per batch.
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Self { conn, cipher_version, anchor: None })
    }

    /// Gives up the wrapper for a second, read-only use of the connection on another thread.
    pub fn into_connection(self) -> Connection {
        self.conn
    }

    /// The SQLCipher version reported by this connection, e.g. `4.6.1 community`.
    pub fn cipher_version(&self) -> &str {
        &self.cipher_version
    }

    /// Applies pending schema migrations; refuses a schema newer than this binary.
    pub fn migrate(&mut self) -> Result<i64, StoreError> {
        crate::migrations::migrate(&mut self.conn)
    }

    /// Checks every page's HMAC (`PRAGMA cipher_integrity_check`) and the b-tree structure
    /// (`PRAGMA quick_check`). Returns the problems found; empty means intact.
    pub fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut cipher = self.conn.prepare("PRAGMA cipher_integrity_check")?;
        for row in cipher.query_map([], |r| r.get::<_, String>(0))? {
            problems.push(row?);
        }
        match self.conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
            Ok(result) if result == "ok" => {}
            Ok(result) => problems.push(result),
            Err(e) => problems.push(e.to_string()),
        }
        Ok(problems)
    }

    /// Runs read-only work on the connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        f(&self.conn)
    }

    /// Runs `f` in one transaction: committed when `f` returns `Ok`, rolled back otherwise.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // IMMEDIATE: the write lock is taken up front, waiting (busy timeout) for another
        // process's transaction; a deferred one that read first would fail at once on upgrade.
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        if let Some(anchor) = self.anchor.as_mut() {
            // The commit stands either way; an anchor left behind catches up at the next commit.
            if let Err(e) = anchor.update(&self.conn) {
                tracing::warn!(error = %e, "could not update the audit anchor");
            }
        }
        Ok(value)
    }

    /// Like [`Database::write`], but the commit is not flushed to disk at once (WAL with
    /// `synchronous = NORMAL`): for state that may be lost on a power cut without harm — a
    /// reviewer's lock on a queue item — never for records. The database stays consistent; the
    /// next ordinary commit flushes it along.
    pub fn write_ephemeral<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let result = self.write(f);
        let restored = self.conn.pragma_update(None, "synchronous", "FULL");
        let value = result?;
        restored?;
        Ok(value)
    }

    /// Keeps `anchor` up to date after every commit from now on.
    pub(crate) fn set_anchor(&mut self, mut anchor: Anchor) -> Result<(), StoreError> {
        anchor.update(&self.conn)?;
        self.anchor = Some(anchor);
        Ok(())
    }
}

impl Database {
    /// Copies every page of this database into `dest`, which may be keyed differently (SQLCipher
    /// decrypts each page under this key and encrypts it under `dest`'s). Works a few hundred
    /// pages at a time, reporting `(pages done, pages in all)`.
    pub(crate) fn copy_into(
        &self,
        dest: &mut Database,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), StoreError> {
        use rusqlite::backup::{Backup, StepResult};
        const PAGES_PER_STEP: std::ffi::c_int = 512;
        let backup = Backup::new(&self.conn, &mut dest.conn)?;
        loop {
            let step = backup.step(PAGES_PER_STEP)?;
            let p = backup.progress();
            let total = p.pagecount.max(0) as u64;
            progress(total.saturating_sub(p.remaining.max(0) as u64), total);
            match step {
                StepResult::Done => return Ok(()),
                StepResult::More => {}
                // Only this process writes; a busy database is a short wait, not a failure.
                _ => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
    }
}

/// Writes to a database paused: a connection of its own holds the write lock (an empty
/// `BEGIN IMMEDIATE`) until dropped. Readers go on (WAL); a writer waits out its busy timeout
/// and is refused with [`StoreError::Busy`], keeping nothing. A key rotation holds one while it
/// copies the database, so that no commit lands after the page it would have changed was copied.
pub(crate) struct WritesPaused {
    conn: Connection,
}

impl WritesPaused {
    /// Pauses writes to the database at `path` (waiting for a write in progress, up to the
    /// busy timeout).
    pub(crate) fn on(path: &Path, key: &DataKey) -> Result<Self, StoreError> {
        let db = Database::open(path, key)?;
        db.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Self { conn: db.conn })
    }
}

impl Drop for WritesPaused {
    fn drop(&mut self) {
        // Nothing was written: the rollback only lets the write lock go.
        let _ = self.conn.execute_batch("ROLLBACK");
    }
}

/// The version of the SQLCipher engine linked into this binary.
///
/// Opens a throw-away in-memory database under a random key, so the answer comes from the
/// engine that will really hold the records, not from a build-time constant.
pub fn sqlcipher_version() -> Result<String, StoreError> {
    let key = DataKey::generate()?;
    Ok(Database::open_in_memory(&key)?.cipher_version().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_sqlcipher_4() {
        let version = sqlcipher_version().expect("probe");
        assert!(version.starts_with('4'), "expected SQLCipher 4.x, got {version:?}");
    }

    #[test]
    fn write_commits_on_ok_and_rolls_back_on_err() {
        let key = DataKey::generate().expect("key");
        let mut db = Database::open_in_memory(&key).expect("open");
        db.write(|tx| {
            tx.execute("CREATE TABLE t (v INTEGER)", [])?;
            tx.execute("INSERT INTO t VALUES (1)", [])?;
            Ok(())
        })
        .expect("first write");
        let failed: Result<(), StoreError> = db.write(|tx| {
            tx.execute("INSERT INTO t VALUES (2)", [])?;
            Err(StoreError::NotSqlCipher)
        });
        assert!(failed.is_err());
        let count: i64 =
            db.read(|c| Ok(c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?)).expect("read");
        assert_eq!(count, 1, "the failed transaction must leave no row behind");
    }
}
