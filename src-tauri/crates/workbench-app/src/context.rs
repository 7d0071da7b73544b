//! What every use case needs from its surroundings: where the workspace lives and what time it is.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use workbench_core::{Clock, SystemClock};

/// Environment variable that overrides the workspace folder (also `--workspace DIR`).
pub const WORKSPACE_ENV: &str = "CIPW_WORKSPACE";

/// The surroundings of a use case. Cheap to clone.
#[derive(Clone)]
pub struct Context {
    data_dir: PathBuf,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").field("data_dir", &self.data_dir).finish_non_exhaustive()
    }
}

impl Context {
    /// A context for an explicit folder and clock (tests, `--workspace`).
    pub fn new(data_dir: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Self {
        Self { data_dir: data_dir.into(), clock }
    }

    /// The context the installed app uses: `override_dir`, else `$CIPW_WORKSPACE`, else the
    /// platform data folder (e.g. `~/.local/share/cip-workbench` on Linux), with the system clock.
    pub fn from_environment(override_dir: Option<PathBuf>) -> Self {
        let data_dir = override_dir
            .or_else(|| std::env::var_os(WORKSPACE_ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
            .unwrap_or_else(default_data_dir);
        Self::new(data_dir, Arc::new(SystemClock))
    }

    /// The workspace folder. It may not exist yet.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The injected clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
}

fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "cip-workbench")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("cip-workbench-data"))
}
