//! The one managed state of the shell.

use workbench_app::jobs::Jobs;
use workbench_app::{Context, Session};

/// State shared by every command: the use-case context and the (locked or unlocked) session.
#[derive(Debug)]
pub struct AppState {
    context: Context,
    session: Session,
    jobs: Jobs,
}

impl AppState {
    /// State over a use-case context, locked.
    pub fn new(context: Context) -> Self {
        Self { context, session: Session::default(), jobs: Jobs::default() }
    }

    /// Progress of the long job running, if any.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// The session: locked, or the open workspace and the acting actor.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The use-case context (workspace folder, clock).
    pub fn context(&self) -> &Context {
        &self.context
    }
}
