//! The one managed state of the shell.

use workbench_app::Context;

/// State shared by every command. Later issues add the locked/unlocked vault here.
#[derive(Debug)]
pub struct AppState {
    context: Context,
}

impl AppState {
    /// State over a use-case context.
    pub fn new(context: Context) -> Self {
        Self { context }
    }

    /// The use-case context (workspace folder, clock).
    pub fn context(&self) -> &Context {
        &self.context
    }
}
