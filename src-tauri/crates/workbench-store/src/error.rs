//! Errors of the store.

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Self::DiskFull,
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => Self::Busy,
            _ => Self::Sqlite(e),
        }
    }
}

impl StoreError {
    /// Wraps an IO error with a description of what was being done.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { what: what.into(), source }
    }
}

/// What can go wrong opening or using the encrypted workspace.
///
/// Messages never contain key material or record contents.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite library linked in is not SQLCipher: refusing to store records unencrypted.
    #[error("the database engine is not SQLCipher (cipher_version is empty); refusing to continue")]
    NotSqlCipher,
    /// The key does not open the database (wrong key, or the file is not a workspace database).
    #[error("the database could not be unlocked: wrong key, or not a CIP Workbench database")]
    WrongKey,
    /// Any other database failure.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// The disk (or the folder's quota) is full: the transaction was rolled back whole.
    #[error(
        "the disk holding the workspace is full: nothing of this change was kept; free some space and try again"
    )]
    DiskFull,
    /// Another process kept the database busy longer than the wait allows.
    #[error(
        "the workspace database stayed busy with a long job (an import, a key rotation) or another process: nothing of this change was kept; try again when it is done"
    )]
    Busy,
    /// The database was written by a newer version of the app.
    #[error(
        "this workspace was written by a newer CIP Workbench (schema {found}, this version reads up to {supported}); update the app"
    )]
    NewerSchema {
        /// The schema version found.
        found: i64,
        /// The newest this binary knows.
        supported: i64,
    },
    /// A migration failed to apply; nothing of it was kept.
    #[error("schema migration {name} failed: {source}")]
    Migration {
        /// The migration's file name.
        name: &'static str,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The passphrase does not open the workspace.
    #[error("the passphrase is not right for this workspace")]
    WrongPassphrase,
    /// The recovery code does not open the workspace.
    #[error("the recovery code is not right for this workspace")]
    WrongRecoveryCode,
    /// A key from the OS credential store belongs to another workspace (or was altered).
    #[error(
        "the key in the OS credential store does not belong to this workspace; unlock with the passphrase or recovery code"
    )]
    KeyMismatch,
    /// No workspace at this folder.
    #[error("no workspace in {} (run `cip-workbench init` to create one)", .0.display())]
    NoWorkspace(std::path::PathBuf),
    /// A workspace already exists at this folder.
    #[error("{} already holds a workspace", .0.display())]
    WorkspaceExists(std::path::PathBuf),
    /// The folder holds a workspace's data but neither key-slot file: creating a workspace there
    /// would destroy it.
    #[error(
        "{} holds {what} but no key-slot file, so it is not opened and nothing was changed: put keyslots.json (or its copy keyslots.copy.json) back from a backup, rebuild it from the recovery sheet (`cip-workbench keyslots rebuild`), or create the new workspace in an empty folder",
        root.display()
    )]
    FolderHoldsData {
        /// The folder.
        root: std::path::PathBuf,
        /// What was found ("a workspace database", "evidence files").
        what: &'static str,
    },
    /// Another process (or another handle in this one) has the workspace open, or holds it
    /// alone for a moment (its work at open, a key rotation).
    #[error("this workspace is in use by {}; close it there first", match .pid { Some(pid) => format!("process {pid}"), None => "another process".to_owned() })]
    InUse {
        /// The holder's process id, when it could be read.
        pid: Option<u32>,
    },
    /// The actor does not exist or is disabled.
    #[error("no such actor in this workspace")]
    UnknownActor,
    /// No one of that name can unlock this workspace.
    #[error("no one named {0:?} has a key slot in this workspace")]
    UnknownPerson(String),
    /// Several people can unlock the workspace and the passphrase came without a name.
    #[error(
        "{people} people can unlock this workspace: say whose passphrase this is (their name, or --as NAME)"
    )]
    WhoAreYou {
        /// How many person slots there are.
        people: usize,
    },
    /// An evidence file is larger than the vault accepts.
    #[error("the file is larger than the {} MiB the evidence vault accepts (Settings can change the limit)", .limit / (1024 * 1024))]
    EvidenceTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// No evidence with that id.
    #[error("no such evidence in this workspace")]
    NoSuchEvidence,
    /// An evidence file fails authentication or its hash (altered or damaged on disk).
    #[error("evidence {0} is damaged or was altered: it no longer matches what was stored")]
    EvidenceCorrupt(String),
    /// A backup file cannot be restored.
    #[error("the backup cannot be used: {0}")]
    BackupDamaged(String),
    /// The OS credential store could not be used.
    #[error("{0}")]
    Keyring(String),
    /// The key-slot file is unreadable, malformed or was tampered with.
    #[error("the key-slot file is damaged: {0}")]
    KeySlots(String),
    /// The folder a file was to be written into does not exist.
    #[error("the folder {} does not exist", .0.display())]
    MissingFolder(std::path::PathBuf),
    /// A file operation failed; `what` says which file in user terms.
    #[error("{what}: {source}")]
    Io {
        /// Which file or folder, e.g. "writing /tmp/a.pdf".
        what: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A stored record cannot be read back (altered or from an unknown version).
    #[error("a stored record is damaged: {0}")]
    Corrupt(String),
    /// The change conflicts with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// The user cancelled a long write; its transaction was rolled back, nothing was kept.
    #[error("cancelled; nothing was stored")]
    Cancelled,
    /// An import was refused row by row; the transaction was rolled back.
    #[error("{} row problem(s); nothing was stored", .0.len())]
    Rejected(Vec<workbench_core::import::RowError>),
    /// A long operation was stopped before its commit point; nothing of it took effect.
    #[error("the operation was interrupted before it finished; nothing was changed")]
    Interrupted,
    /// The system random source failed.
    #[error("the system random number generator failed: {0}")]
    Random(String),
}
