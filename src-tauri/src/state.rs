//! The one managed state of the shell.

use workbench_app::jobs::Jobs;
use workbench_app::{Context, Session};

/// State shared by every command: the use-case context and the (locked or unlocked) session.
#[derive(Debug)]
pub struct AppState {
    context: Context,
    session: Session,
    jobs: Jobs,
    /// The file the user chose for an import, checked (dry run) and awaiting "Import".
    pending_import: std::sync::Mutex<Option<std::path::PathBuf>>,
    /// The owners file (R5, R7) checked and awaiting "Add".
    pending_owners: std::sync::Mutex<Option<std::path::PathBuf>>,
    /// The usage file (R23) checked and awaiting "Import".
    pending_usage: std::sync::Mutex<Option<std::path::PathBuf>>,
    /// The reseller counts file checked and awaiting its commit (the bytes checked, so the
    /// commit records exactly what was shown).
    pending_counts: std::sync::Mutex<Option<Vec<u8>>>,
    /// Files last dropped on the window (from the OS's drop event, never from the page).
    dropped: std::sync::Mutex<Vec<std::path::PathBuf>>,
}

impl AppState {
    /// State over a use-case context, locked.
    pub fn new(context: Context) -> Self {
        Self {
            context,
            session: Session::default(),
            jobs: Jobs::default(),
            pending_import: Default::default(),
            pending_counts: Default::default(),
            pending_usage: Default::default(),
            pending_owners: Default::default(),
            dropped: Default::default(),
        }
    }

    /// Progress of the long job running, if any.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// The session: locked, or the open workspace and the acting actor.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The reseller counts checked and awaiting their commit.
    pub fn pending_counts(&self) -> std::sync::MutexGuard<'_, Option<Vec<u8>>> {
        self.pending_counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The import file chosen in the native dialog, kept here so the UI never sends a path.
    pub fn pending_import(&self) -> std::sync::MutexGuard<'_, Option<std::path::PathBuf>> {
        self.pending_import.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The owners file checked and awaiting its commit.
    pub fn pending_owners(&self) -> std::sync::MutexGuard<'_, Option<std::path::PathBuf>> {
        self.pending_owners.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The AI usage file checked and awaiting its commit.
    pub fn pending_usage(&self) -> std::sync::MutexGuard<'_, Option<std::path::PathBuf>> {
        self.pending_usage.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The files last dropped on the window, kept here so the UI never sends a path.
    pub fn dropped(&self) -> std::sync::MutexGuard<'_, Vec<std::path::PathBuf>> {
        self.dropped.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The use-case context (workspace folder, clock).
    pub fn context(&self) -> &Context {
        &self.context
    }
}
