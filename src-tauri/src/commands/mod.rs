//! IPC commands: each takes state, makes one call into `workbench_app`, and maps the error.
//!
//! No SQL, rule or PDF code lives here. Names follow `<domain>_<verb>[_<object>]`.

use tauri::{Manager, State};
use workbench_app::audit::{AuditEventView, AuditQuery};
use workbench_app::settings::WorkspaceSettings;
use workbench_app::workspace::{
    self, ActorView, InitRequest, InitResult, NewActor, UnlockRequest, WorkspaceStatus,
};
use workbench_app::{ApiError, AppInfo, DoctorReport};
use workbench_core::ActorId;
use workbench_core::audit::ChainReport;

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
    workbench_app::doctor(state.context(), state.session())
}

/// Whether a workspace exists, is unlocked, and who is acting.
#[tauri::command]
pub fn workspace_status(state: State<'_, AppState>) -> Result<WorkspaceStatus, ApiError> {
    Ok(workspace::status(state.context(), state.session())?)
}

/// First run: create the workspace; returns the recovery code to show once.
#[tauri::command]
pub fn workspace_init(state: State<'_, AppState>, request: InitRequest) -> Result<InitResult, ApiError> {
    Ok(workspace::init(state.context(), state.session(), &request)?)
}

/// Unlock with the keyring, the passphrase or the recovery code.
#[tauri::command]
pub fn workspace_unlock(
    state: State<'_, AppState>,
    request: UnlockRequest,
) -> Result<WorkspaceStatus, ApiError> {
    Ok(workspace::unlock(state.context(), state.session(), &request)?)
}

/// Lock now: the key is zeroized and the database closed.
#[tauri::command]
pub fn workspace_lock(state: State<'_, AppState>) -> bool {
    workspace::lock(state.session())
}

/// User activity in the window; returns seconds until the idle lock.
#[tauri::command]
pub fn workspace_touch(state: State<'_, AppState>) -> Result<u64, ApiError> {
    Ok(workspace::touch(state.context(), state.session())?)
}

/// Re-wrap the key under a new passphrase.
#[tauri::command]
pub fn workspace_change_passphrase(
    state: State<'_, AppState>,
    new_passphrase: String,
) -> Result<(), ApiError> {
    Ok(workspace::change_passphrase(state.context(), state.session(), &new_passphrase)?)
}

/// Replace the data key (re-encrypts the database; progress is polled with `job_progress`).
#[tauri::command]
pub async fn workspace_rotate_key<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    passphrase: String,
) -> Result<workspace::RotateResult, ApiError> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let job = state.jobs().start("Re-encrypting");
        workspace::rotate_key(state.context(), state.session(), &passphrase, &mut |done, total| {
            job.report(done, total)
        })
    })
    .await
    .map_err(|e| ApiError { code: workbench_app::ErrorCode::Internal, message: e.to_string() })?
    .map_err(ApiError::from)
}

/// Every active actor.
#[tauri::command]
pub fn actor_list(state: State<'_, AppState>) -> Result<Vec<ActorView>, ApiError> {
    Ok(workspace::actor_list(state.context(), state.session())?)
}

/// Add an actor profile (officers only).
#[tauri::command]
pub fn actor_create(state: State<'_, AppState>, actor: NewActor) -> Result<ActorView, ApiError> {
    Ok(workspace::actor_create(state.context(), state.session(), &actor)?)
}

/// Act as another actor, proven by that actor's passphrase.
#[tauri::command]
pub fn actor_switch(
    state: State<'_, AppState>,
    id: ActorId,
    passphrase: String,
) -> Result<ActorView, ApiError> {
    Ok(workspace::actor_switch(state.context(), state.session(), id, &passphrase)?)
}

/// Audit events, newest first.
#[tauri::command]
pub fn audit_list(state: State<'_, AppState>, query: AuditQuery) -> Result<Vec<AuditEventView>, ApiError> {
    Ok(workbench_app::audit::list(state.context(), state.session(), &query)?)
}

/// Recompute the audit chain.
#[tauri::command]
pub fn audit_verify(state: State<'_, AppState>) -> Result<ChainReport, ApiError> {
    Ok(workbench_app::audit::verify(state.context(), state.session())?)
}

/// Asks where to save the recovery-code sheet (a native dialog opened here, never a path from
/// the UI) and writes it. Returns false when the user cancels.
#[tauri::command]
pub async fn workspace_save_recovery_sheet(
    state: State<'_, AppState>,
    code: String,
) -> Result<bool, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Save the recovery-code sheet")
        .set_file_name("cip-workbench-recovery-code.pdf")
        .add_filter("PDF", &["pdf"])
        .save_file()
        .await
    else {
        return Ok(false);
    };
    workspace::write_recovery_sheet(state.context(), state.session(), &code, file.path())?;
    Ok(true)
}

/// Asks where to save a backup (native dialog) and writes it, verified; progress is polled with
/// `job_progress`. Returns null when the user cancels.
#[tauri::command]
pub async fn workspace_backup<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<workspace::BackupSummary>, ApiError> {
    let stamp = state.context().clock().now().format("%Y-%m-%d");
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Save a backup of the workspace")
        .set_file_name(format!("cip-workbench-{stamp}.cipwbak"))
        .save_file()
        .await
    else {
        return Ok(None);
    };
    // The copy and its verification take seconds: off the async workers.
    let path = file.path().to_path_buf();
    let summary = tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let job = state.jobs().start("Backing up");
        workspace::backup(state.context(), state.session(), &path, &mut |done, total| job.report(done, total))
    })
    .await
    .map_err(|e| ApiError { code: workbench_app::ErrorCode::Internal, message: e.to_string() })??;
    Ok(Some(summary))
}

/// First run on a new machine: pick a backup (native dialog) and restore it into this
/// workspace folder, unlocking it with the passphrase or recovery code given. Null on cancel.
#[tauri::command]
pub async fn workspace_restore<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    request: UnlockRequest,
) -> Result<Option<WorkspaceStatus>, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Choose a CIP Workbench backup")
        .add_filter("CIP Workbench backup", &["cipwbak"])
        .pick_file()
        .await
    else {
        return Ok(None);
    };
    let path = file.path().to_path_buf();
    let status = tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let job = state.jobs().start("Restoring");
        workspace::restore(state.context(), state.session(), &path, &request, &mut |done, total| {
            job.report(done, total)
        })
    })
    .await
    .map_err(|e| ApiError { code: workbench_app::ErrorCode::Internal, message: e.to_string() })??;
    Ok(Some(status))
}

/// The long job running, if any (backup, restore), for the status bar.
#[tauri::command]
pub fn job_progress(state: State<'_, AppState>) -> Option<workbench_app::jobs::JobProgress> {
    state.jobs().current()
}

/// The workspace settings (idle lock, evidence size limit).
#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> Result<WorkspaceSettings, ApiError> {
    Ok(workbench_app::settings::get(state.context(), state.session())?)
}

/// Saves the workspace settings (officers only).
#[tauri::command]
pub fn settings_update(
    state: State<'_, AppState>,
    settings: WorkspaceSettings,
) -> Result<WorkspaceSettings, ApiError> {
    Ok(workbench_app::settings::update(state.context(), state.session(), &settings)?)
}
