//! IPC commands: each takes state, makes one call into `workbench_app`, and maps the error.
//!
//! No SQL, rule or PDF code lives here. Names follow `<domain>_<verb>[_<object>]`.

use tauri::State;
use workbench_app::{ApiError, AppInfo, DoctorReport};

use crate::state::AppState;

include!("list.rs");

macro_rules! command_names {
    ($($name:ident),* $(,)?) => { &[$(stringify!($name)),*] };
}

/// Every command the UI may call, in registration order.
pub const COMMANDS: &[&str] = with_commands!(command_names);

/// Facts for the About / Diagnostics view.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ApiError> {
    Ok(workbench_app::app_info(state.context())?)
}

/// Every `doctor` check, for the Diagnostics view.
#[tauri::command]
pub fn app_doctor(state: State<'_, AppState>) -> DoctorReport {
    workbench_app::doctor(state.context())
}
