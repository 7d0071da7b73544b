//! IPC commands: each takes state, makes one call into `workbench_app`, and maps the error.
//!
//! No SQL, rule or PDF code lives here. Names follow `<domain>_<verb>[_<object>]`.

use tauri::{Manager, State};
use workbench_app::audit::{AuditEventView, AuditQuery};
use workbench_app::cip;
use workbench_app::obligations as ob;
use workbench_app::review::{self as rv, QueueHealth, QueuePage, QueueShow, ReviewView};
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

/// Keep the acting person's key in this computer's credential store.
#[tauri::command]
pub fn workspace_keyring_enable(state: State<'_, AppState>) -> Result<(), ApiError> {
    Ok(workspace::keyring_enable(state.context(), state.session())?)
}

/// Set another person's passphrase (officers only).
#[tauri::command]
pub fn actor_reset_passphrase(
    state: State<'_, AppState>,
    id: ActorId,
    new_passphrase: String,
) -> Result<(), ApiError> {
    Ok(workspace::actor_reset_passphrase(state.context(), state.session(), id, &new_passphrase)?)
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

/// Recompute every record's canonical digest from the database.
#[tauri::command]
pub fn audit_verify_objects(
    state: State<'_, AppState>,
) -> Result<workbench_app::audit::ObjectsReportView, ApiError> {
    Ok(workbench_app::audit::verify_objects(state.context(), state.session())?)
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

/// Every rule pack (built-in and imported), the active one marked.
#[tauri::command]
pub fn rules_list(state: State<'_, AppState>) -> Result<Vec<ob::PackView>, ApiError> {
    Ok(ob::rules_list(state.context(), state.session())?)
}

/// Pick a rule pack file (native dialog), validate and store it. Null when cancelled.
#[tauri::command]
pub async fn rules_import(state: State<'_, AppState>) -> Result<Option<ob::PackView>, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Import a rule pack")
        .add_filter("Rule pack", &["toml"])
        .pick_file()
        .await
    else {
        return Ok(None);
    };
    Ok(Some(ob::rules_import(state.context(), state.session(), file.path())?))
}

/// Make a pack the active one.
#[tauri::command]
pub fn rules_activate(state: State<'_, AppState>, sha256: String) -> Result<(), ApiError> {
    Ok(ob::rules_activate(state.context(), state.session(), &sha256)?)
}

/// The provider profile and its contact history.
#[tauri::command]
pub fn provider_get(state: State<'_, AppState>) -> Result<ob::ProviderView, ApiError> {
    Ok(ob::provider_get(state.context(), state.session())?)
}

/// Save the provider profile.
#[tauri::command]
pub fn provider_update(
    state: State<'_, AppState>,
    profile: ob::ProviderView,
) -> Result<ob::ProviderView, ApiError> {
    Ok(ob::provider_update(state.context(), state.session(), &profile)?)
}

/// Record a new primary CIP contact (a change raises an R14 notice).
#[tauri::command]
pub fn provider_contact_change(
    state: State<'_, AppState>,
    contact: ob::ContactView,
) -> Result<ob::ProviderView, ApiError> {
    Ok(ob::provider_contact_change(state.context(), state.session(), &contact)?)
}

/// Record an event (CIP copy request, business change); returns the obligations it raises.
#[tauri::command]
pub fn event_record(
    state: State<'_, AppState>,
    event: ob::NewEvent,
) -> Result<Vec<workbench_core::obligations::Obligation>, ApiError> {
    Ok(ob::event_record(state.context(), state.session(), &event)?)
}

/// Every obligation under the active pack, with counts and penalty exposure.
#[tauri::command]
pub fn obligations_list(state: State<'_, AppState>) -> Result<ob::ObligationsView, ApiError> {
    Ok(ob::obligations_list(state.context(), state.session())?)
}

/// Record that an obligation was met, and by what.
#[tauri::command]
pub fn obligation_meet(state: State<'_, AppState>, key: String, reference: String) -> Result<(), ApiError> {
    Ok(ob::obligation_meet(state.context(), state.session(), &key, &reference)?)
}

/// Save the open obligations as an .ics file (native dialog). False when cancelled.
#[tauri::command]
pub async fn obligations_export_ics(state: State<'_, AppState>) -> Result<bool, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Export obligations to a calendar file")
        .set_file_name("cip-obligations.ics")
        .add_filter("iCalendar", &["ics"])
        .save_file()
        .await
    else {
        return Ok(false);
    };
    ob::obligations_write_ics(state.context(), state.session(), file.path())?;
    Ok(true)
}

/// A page of customers.
#[tauri::command]
pub fn customers_list(
    state: State<'_, AppState>,
    query: workbench_app::customers::CustomerQuery,
) -> Result<workbench_app::customers::CustomerPage, ApiError> {
    Ok(workbench_app::customers::list(state.context(), state.session(), &query)?)
}

/// Pick a customers CSV (native dialog) and check it without storing anything (dry run). The
/// file is remembered for `customers_import_commit`. Null when cancelled.
#[tauri::command]
pub async fn customers_import_check(
    state: State<'_, AppState>,
) -> Result<Option<workbench_app::customers::ImportReport>, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Import customers (CSV or Excel)")
        .add_filter("Customers", &["csv", "xlsx"])
        .pick_file()
        .await
    else {
        return Ok(None);
    };
    let path = file.path().to_path_buf();
    let report = workbench_app::customers::import(state.context(), state.session(), &path, true)?;
    *state.pending_import() = report.errors.is_empty().then_some(path);
    Ok(Some(report))
}

/// Store the file checked by `customers_import_check`, all or nothing, as a job whose progress
/// the status bar shows and which `job_cancel` stops (keeping nothing).
#[tauri::command]
pub async fn customers_import_commit<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
) -> Result<workbench_app::customers::ImportReport, ApiError> {
    let state = app.state::<AppState>();
    let path = state.pending_import().take().ok_or_else(|| ApiError {
        code: workbench_app::ErrorCode::InvalidInput,
        message: "choose and check a file first".into(),
    })?;
    let handle = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<AppState>();
        let job = state.jobs().start_cancellable("Importing");
        workbench_app::customers::import_tracked(
            state.context(),
            state.session(),
            &path,
            None,
            None,
            false,
            &mut |done, total| job.proceed(done, total),
        )
    })
    .await
    .map_err(|e| ApiError { code: workbench_app::ErrorCode::Internal, message: e.to_string() })?
    .map_err(Into::into)
}

/// Ask the running job to stop (an import keeps nothing). False when none can be stopped.
#[tauri::command]
pub fn job_cancel(state: State<'_, AppState>) -> bool {
    state.jobs().cancel()
}

/// The certification counts (R12, R13) for a calendar year.
#[tauri::command]
pub fn customers_counts(
    state: State<'_, AppState>,
    year: i32,
) -> Result<workbench_app::customers::CountsView, ApiError> {
    Ok(workbench_app::customers::counts(state.context(), state.session(), year)?)
}

/// A page of the verification queue, in working order, with its health.
#[tauri::command]
pub fn queue_list(
    state: State<'_, AppState>,
    show: QueueShow,
    limit: i64,
    offset: i64,
) -> Result<QueuePage, ApiError> {
    Ok(rv::queue_list(state.context(), state.session(), show, limit, offset)?)
}

/// Queue health alone (dashboard, navigation count).
#[tauri::command]
pub fn queue_health(state: State<'_, AppState>) -> Result<QueueHealth, ApiError> {
    Ok(rv::queue_health(state.context(), state.session())?)
}

/// Open items for new customers and for re-verifications falling due (R8).
#[tauri::command]
pub fn queue_refresh(state: State<'_, AppState>) -> Result<usize, ApiError> {
    Ok(rv::queue_refresh(state.context(), state.session())?)
}

/// Take the next item (locks it to the acting reviewer). Null when the queue is empty.
#[tauri::command]
pub fn queue_next(state: State<'_, AppState>) -> Result<Option<ReviewView>, ApiError> {
    Ok(rv::queue_next(state.context(), state.session())?)
}

/// Take one chosen item.
#[tauri::command]
pub fn queue_take(state: State<'_, AppState>, customer_ref: String) -> Result<ReviewView, ApiError> {
    Ok(rv::queue_take(state.context(), state.session(), &customer_ref)?)
}

/// Assign items to a reviewer (null: unassign). Officers only.
#[tauri::command]
pub fn queue_assign(
    state: State<'_, AppState>,
    customer_refs: Vec<String>,
    to: Option<String>,
) -> Result<usize, ApiError> {
    Ok(rv::queue_assign(state.context(), state.session(), &customer_refs, to.as_deref())?)
}

/// One customer's review screen (does not take the item).
#[tauri::command]
pub fn review_get(state: State<'_, AppState>, customer_ref: String) -> Result<ReviewView, ApiError> {
    Ok(rv::review_get(state.context(), state.session(), &customer_ref)?)
}

/// Record an element check (R4).
#[tauri::command]
pub fn review_check(state: State<'_, AppState>, request: rv::CheckRequest) -> Result<ReviewView, ApiError> {
    Ok(rv::check_record(state.context(), state.session(), &request)?)
}

/// Approve, refuse or ask for more information on the held item.
#[tauri::command]
pub fn review_decide(
    state: State<'_, AppState>,
    request: rv::DecisionRequest,
) -> Result<ReviewView, ApiError> {
    Ok(rv::decide(state.context(), state.session(), &request)?)
}

/// A second reviewer confirms or declines a refusal with their passphrase (four eyes).
#[tauri::command]
pub fn review_second(state: State<'_, AppState>, request: rv::SecondReview) -> Result<ReviewView, ApiError> {
    Ok(rv::refusal_second_review(state.context(), state.session(), &request)?)
}

/// Record a U.S.-person determination (R3).
#[tauri::command]
pub fn review_us_person(
    state: State<'_, AppState>,
    request: rv::DeterminationRequest,
) -> Result<ReviewView, ApiError> {
    Ok(rv::us_person_determine(state.context(), state.session(), &request)?)
}

/// Pick a file (native dialog) and attach it to a customer, encrypted into the vault. Null when
/// cancelled.
#[tauri::command]
pub async fn evidence_attach(
    state: State<'_, AppState>,
    customer_ref: String,
    element: Option<workbench_core::verification::Element>,
) -> Result<Option<ReviewView>, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Attach evidence")
        .add_filter("Images and PDF", &["png", "jpg", "jpeg", "gif", "webp", "tif", "tiff", "pdf"])
        .pick_file()
        .await
    else {
        return Ok(None);
    };
    Ok(Some(rv::evidence_attach(state.context(), state.session(), &customer_ref, element, file.path())?))
}

/// A file's bytes, decrypted in memory and sent to the window as raw bytes (no asset protocol,
/// no temporary file).
#[tauri::command]
pub fn evidence_content(
    state: State<'_, AppState>,
    customer_ref: String,
    evidence_id: String,
) -> Result<tauri::ipc::Response, ApiError> {
    let (_, bytes) = rv::evidence_content(state.context(), state.session(), &customer_ref, &evidence_id)?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// Save a decrypted copy of a customer's file (evidence or notice) where the user chooses
/// (native dialog). False when cancelled.
#[tauri::command]
pub async fn evidence_save(
    state: State<'_, AppState>,
    customer_ref: String,
    evidence_id: String,
    suggested_name: String,
) -> Result<bool, ApiError> {
    let Some(file) =
        rfd::AsyncFileDialog::new().set_title("Save a copy").set_file_name(&suggested_name).save_file().await
    else {
        return Ok(false);
    };
    rv::evidence_export(state.context(), state.session(), &customer_ref, &evidence_id, file.path())?;
    Ok(true)
}

/// Issue the rule pack's notice (R9) to a customer: rendered, kept in the vault, recorded.
#[tauri::command]
pub fn notice_issue(state: State<'_, AppState>, customer_ref: String) -> Result<ReviewView, ApiError> {
    Ok(rv::notice_issue(state.context(), state.session(), &customer_ref)?)
}

/// Record when a notice was sent and/or acknowledged.
#[tauri::command]
pub fn notice_mark(
    state: State<'_, AppState>,
    customer_ref: String,
    notice_id: String,
    sent_on: Option<String>,
    acknowledged_on: Option<String>,
) -> Result<ReviewView, ApiError> {
    Ok(rv::notice_mark(
        state.context(),
        state.session(),
        &customer_ref,
        &notice_id,
        sent_on.as_deref(),
        acknowledged_on.as_deref(),
    )?)
}

/// Customers past record retention (R10).
#[tauri::command]
pub fn retention_list(
    state: State<'_, AppState>,
) -> Result<workbench_app::retention::RetentionView, ApiError> {
    Ok(workbench_app::retention::retention_list(state.context(), state.session())?)
}

/// Purge customers past retention (officer, confirmed by passphrase); all or none.
#[tauri::command]
pub fn retention_purge(
    state: State<'_, AppState>,
    customer_refs: Vec<String>,
    passphrase: String,
) -> Result<usize, ApiError> {
    Ok(workbench_app::retention::retention_purge(
        state.context(),
        state.session(),
        &customer_refs,
        &passphrase,
    )?)
}

/// Close an account; its retention clock (R10) starts.
#[tauri::command]
pub fn account_close(
    state: State<'_, AppState>,
    request: workbench_app::retention::CloseAccount,
) -> Result<(), ApiError> {
    Ok(workbench_app::retention::account_close(state.context(), state.session(), &request)?)
}

/// Export one customer's file: a PDF where the user chooses (native dialog) and the JSON beside
/// it (same name, `.json`). Returns the PDF's path; null when cancelled.
#[tauri::command]
pub async fn customer_export(
    state: State<'_, AppState>,
    customer_ref: String,
) -> Result<Option<String>, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Export the customer's file (PDF + JSON)")
        .set_file_name(format!("customer-{customer_ref}.pdf"))
        .add_filter("PDF", &["pdf"])
        .save_file()
        .await
    else {
        return Ok(None);
    };
    let pdf = file.path().to_path_buf();
    let json = pdf.with_extension("json");
    rv::customer_export(state.context(), state.session(), &customer_ref, &pdf, &json)?;
    Ok(Some(pdf.display().to_string()))
}

/// Attach the files last dropped on the window to a customer (all checked first).
#[tauri::command]
pub fn evidence_attach_dropped(
    state: State<'_, AppState>,
    customer_ref: String,
    element: Option<workbench_core::verification::Element>,
) -> Result<ReviewView, ApiError> {
    let paths = std::mem::take(&mut *state.dropped());
    Ok(rv::evidence_attach_all(state.context(), state.session(), &customer_ref, element, &paths)?)
}

/// The reseller register.
#[tauri::command]
pub fn reseller_list(
    state: State<'_, AppState>,
) -> Result<Vec<workbench_app::resellers::ResellerView>, ApiError> {
    Ok(workbench_app::resellers::reseller_list(state.context(), state.session())?)
}

/// Register a reseller (officers).
#[tauri::command]
pub fn reseller_add(
    state: State<'_, AppState>,
    reseller: workbench_core::reseller::NewReseller,
) -> Result<(), ApiError> {
    Ok(workbench_app::resellers::reseller_add(state.context(), state.session(), &reseller)?)
}

/// A reseller's new primary CIP contact (raises the R14 notice).
#[tauri::command]
pub fn reseller_contact_change(
    state: State<'_, AppState>,
    reseller_ref: String,
    contact: workbench_core::reseller::ResellerContact,
) -> Result<(), ApiError> {
    Ok(workbench_app::resellers::reseller_contact_change(
        state.context(),
        state.session(),
        &reseller_ref,
        &contact,
    )?)
}

/// Set a reseller's status (officers); under remediation or terminated closes the supply gate.
#[tauri::command]
pub fn reseller_set_status(
    state: State<'_, AppState>,
    change: workbench_app::resellers::StatusChange,
) -> Result<(), ApiError> {
    Ok(workbench_app::resellers::reseller_set_status(state.context(), state.session(), &change)?)
}

/// Record that a reseller does not comply (R19): under remediation, termination deadline starts.
#[tauri::command]
pub fn reseller_finding(
    state: State<'_, AppState>,
    finding: workbench_app::resellers::Finding,
) -> Result<(), ApiError> {
    Ok(workbench_app::resellers::reseller_finding(state.context(), state.session(), &finding)?)
}

/// The written CIP: every version, the pack's topics, four eyes.
#[tauri::command]
pub fn cip_overview(state: State<'_, AppState>) -> Result<cip::CipOverview, ApiError> {
    Ok(cip::cip_overview(state.context(), state.session())?)
}

/// One CIP version with its text.
#[tauri::command]
pub fn cip_version_get(state: State<'_, AppState>, number: i64) -> Result<cip::CipVersionView, ApiError> {
    Ok(cip::cip_version_get(state.context(), state.session(), number)?)
}

/// Begin a draft from version `from` (default: the newest approved). Returns its number.
#[tauri::command]
pub fn cip_draft_begin(state: State<'_, AppState>, from: Option<i64>) -> Result<i64, ApiError> {
    Ok(cip::cip_draft_begin(state.context(), state.session(), from)?)
}

/// Save a draft's changed sections and notes. Returns the new text hash.
#[tauri::command]
pub fn cip_draft_save(state: State<'_, AppState>, save: cip::CipDraftSave) -> Result<String, ApiError> {
    Ok(cip::cip_draft_save(state.context(), state.session(), &save)?)
}

/// Markdown as safe HTML for the editor's preview.
#[tauri::command]
pub fn cip_preview(markdown: String) -> String {
    cip::cip_preview(&markdown)
}

/// Approve a draft (officers; four eyes when on).
#[tauri::command]
pub fn cip_approve(
    state: State<'_, AppState>,
    approval: cip::CipApproval,
) -> Result<cip::CipVersionSummary, ApiError> {
    Ok(cip::cip_approve(state.context(), state.session(), &approval)?)
}

/// Discard a draft.
#[tauri::command]
pub fn cip_discard(state: State<'_, AppState>, number: i64) -> Result<(), ApiError> {
    Ok(cip::cip_discard(state.context(), state.session(), number)?)
}

/// The difference between two versions.
#[tauri::command]
pub fn cip_diff(
    state: State<'_, AppState>,
    old: i64,
    new: i64,
) -> Result<Vec<workbench_core::cip::SectionDiff>, ApiError> {
    Ok(cip::cip_diff(state.context(), state.session(), old, new)?)
}

/// A version's PDF bytes, for the in-window viewer.
#[tauri::command]
pub fn cip_pdf(state: State<'_, AppState>, number: i64) -> Result<tauri::ipc::Response, ApiError> {
    Ok(tauri::ipc::Response::new(cip::cip_render(state.context(), state.session(), number)?))
}

/// Save a version as a PDF (native dialog). False when cancelled.
#[tauri::command]
pub async fn cip_save_pdf(state: State<'_, AppState>, number: i64) -> Result<bool, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Save the CIP as PDF")
        .set_file_name(format!("cip-version-{number}.pdf"))
        .add_filter("PDF", &["pdf"])
        .save_file()
        .await
    else {
        return Ok(false);
    };
    cip::cip_write_pdf(state.context(), state.session(), number, file.path())?;
    Ok(true)
}

/// The file a native "open" dialog returns. In debug builds only, `CIPW_TEST_PICK_FILE` names
/// the file instead, so end-to-end tests can drive uploads (WebDriver cannot reach a GTK dialog).
async fn pick_file(dialog: rfd::AsyncFileDialog) -> Option<std::path::PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("CIPW_TEST_PICK_FILE") {
        return Some(path.into());
    }
    dialog.pick_file().await.map(|f| f.path().to_path_buf())
}

/// One reseller with its CIPs, compliance notes and attestations.
#[tauri::command]
pub fn reseller_detail(
    state: State<'_, AppState>,
    reseller_ref: String,
) -> Result<workbench_app::resellers::ResellerDetail, ApiError> {
    Ok(workbench_app::resellers::reseller_detail(state.context(), state.session(), &reseller_ref)?)
}

/// Add a note to a reseller's compliance record (R19).
#[tauri::command]
pub fn reseller_note_add(
    state: State<'_, AppState>,
    note: workbench_app::resellers::NewNote,
) -> Result<(), ApiError> {
    Ok(workbench_app::resellers::reseller_note_add(state.context(), state.session(), &note)?)
}

/// Pick a reseller's CIP (PDF, native dialog) and put it on file (R17). Null when cancelled.
#[tauri::command]
pub async fn reseller_cip_upload(
    state: State<'_, AppState>,
    form: workbench_app::resellers::CipOnFileForm,
) -> Result<Option<workbench_app::resellers::ResellerDetail>, ApiError> {
    let dialog = rfd::AsyncFileDialog::new()
        .set_title(format!("The CIP of {}", form.reseller_ref))
        .add_filter("PDF", &["pdf"]);
    let Some(path) = pick_file(dialog).await else {
        return Ok(None);
    };
    Ok(Some(workbench_app::resellers::reseller_cip_upload(state.context(), state.session(), &form, &path)?))
}

/// Record that a reseller adopted an approved provider CIP version by agreement (R17).
#[tauri::command]
pub fn reseller_cip_adopt(
    state: State<'_, AppState>,
    form: workbench_app::resellers::CipOnFileForm,
) -> Result<workbench_app::resellers::ResellerDetail, ApiError> {
    Ok(workbench_app::resellers::reseller_cip_adopt(state.context(), state.session(), &form)?)
}

/// A reseller's CIP as PDF bytes (decrypted in memory, or the adopted version rendered).
#[tauri::command]
pub fn reseller_cip_content(
    state: State<'_, AppState>,
    reseller_ref: String,
    seq: i64,
) -> Result<tauri::ipc::Response, ApiError> {
    let pdf =
        workbench_app::resellers::reseller_cip_pdf(state.context(), state.session(), &reseller_ref, seq)?;
    Ok(tauri::ipc::Response::new(pdf))
}

/// The reseller × year attestation matrix (R18).
#[tauri::command]
pub fn attestation_matrix(
    state: State<'_, AppState>,
) -> Result<workbench_app::attestations::AttestationMatrix, ApiError> {
    Ok(workbench_app::attestations::attestation_matrix(state.context(), state.session())?)
}

/// Make the attestation request PDF for a reseller and year (recorded as requested); its bytes.
#[tauri::command]
pub fn attestation_request_content(
    state: State<'_, AppState>,
    reseller_ref: String,
    period: i32,
) -> Result<tauri::ipc::Response, ApiError> {
    let pdf = workbench_app::attestations::attestation_request_pdf(
        state.context(),
        state.session(),
        &reseller_ref,
        period,
    )?;
    Ok(tauri::ipc::Response::new(pdf))
}

/// Save the attestation request PDF (native dialog). False when cancelled.
#[tauri::command]
pub async fn attestation_request_save(
    state: State<'_, AppState>,
    reseller_ref: String,
    period: i32,
) -> Result<bool, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Save the attestation request")
        .set_file_name(format!("attestation-request-{reseller_ref}-{period}.pdf"))
        .add_filter("PDF", &["pdf"])
        .save_file()
        .await
    else {
        return Ok(false);
    };
    workbench_app::attestations::attestation_write_request(
        state.context(),
        state.session(),
        &reseller_ref,
        period,
        file.path(),
    )?;
    Ok(true)
}

/// Record a signed return; with `scan`, first pick the scanned return (image or PDF) to keep as
/// evidence. Null when the scan dialog is cancelled.
#[tauri::command]
pub async fn attestation_return(
    state: State<'_, AppState>,
    ret: workbench_core::attestation::AttestationReturn,
    scan: bool,
) -> Result<Option<Vec<workbench_app::attestations::AttestationView>>, ApiError> {
    let path = if scan {
        let dialog = rfd::AsyncFileDialog::new()
            .set_title("The signed return")
            .add_filter("Images and PDF", &["png", "jpg", "jpeg", "tif", "tiff", "pdf"]);
        match pick_file(dialog).await {
            Some(path) => Some(path),
            None => return Ok(None),
        }
    } else {
        None
    };
    Ok(Some(workbench_app::attestations::attestation_return(
        state.context(),
        state.session(),
        &ret,
        path.as_deref(),
    )?))
}

/// Pick a reseller counts CSV and check it (nothing recorded); the file is remembered for
/// `attestation_import_commit`. Null when cancelled.
#[tauri::command]
pub async fn attestation_import_check(
    state: State<'_, AppState>,
) -> Result<Option<workbench_app::attestations::CountsImport>, ApiError> {
    let dialog = rfd::AsyncFileDialog::new()
        .set_title("Import reseller counts")
        .add_filter("Reseller counts", &["csv", "xlsx"]);
    let Some(path) = pick_file(dialog).await else {
        return Ok(None);
    };
    let bytes = std::fs::read(&path).map_err(|e| ApiError {
        code: workbench_app::ErrorCode::InvalidInput,
        message: format!("{}: {e}", path.display()),
    })?;
    let report =
        workbench_app::attestations::attestation_import(state.context(), state.session(), &bytes, true)?;
    *state.pending_counts() = report.errors.is_empty().then_some(bytes);
    Ok(Some(report))
}

/// Record the counts file checked by `attestation_import_check`, all or nothing.
#[tauri::command]
pub fn attestation_import_commit(
    state: State<'_, AppState>,
) -> Result<workbench_app::attestations::CountsImport, ApiError> {
    let bytes = state.pending_counts().take().ok_or_else(|| ApiError {
        code: workbench_app::ErrorCode::InvalidInput,
        message: "choose and check a file first".into(),
    })?;
    Ok(workbench_app::attestations::attestation_import(state.context(), state.session(), &bytes, false)?)
}

/// Every CIP request (R15) with its deadline, packet and delivery.
#[tauri::command]
pub fn cip_request_list(
    state: State<'_, AppState>,
) -> Result<Vec<workbench_app::cip_requests::CipRequestView>, ApiError> {
    Ok(workbench_app::cip_requests::cip_request_list(state.context(), state.session())?)
}

/// Assemble a request's packet from what is on file now.
#[tauri::command]
pub fn cip_packet_assemble(
    state: State<'_, AppState>,
    id: String,
) -> Result<workbench_app::cip_requests::CipRequestView, ApiError> {
    Ok(workbench_app::cip_requests::cip_packet_assemble(state.context(), state.session(), &id)?)
}

/// The assembled packet's bytes.
#[tauri::command]
pub fn cip_packet_content(state: State<'_, AppState>, id: String) -> Result<tauri::ipc::Response, ApiError> {
    let pdf = workbench_app::cip_requests::cip_packet_pdf(state.context(), state.session(), &id)?;
    Ok(tauri::ipc::Response::new(pdf))
}

/// Save the assembled packet (native dialog). False when cancelled.
#[tauri::command]
pub async fn cip_packet_save(state: State<'_, AppState>, id: String) -> Result<bool, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Save the CIP packet")
        .set_file_name("cip-packet.pdf")
        .add_filter("PDF", &["pdf"])
        .save_file()
        .await
    else {
        return Ok(false);
    };
    workbench_app::cip_requests::cip_packet_write(state.context(), state.session(), &id, file.path())?;
    Ok(true)
}

/// Record delivery of a packet; meets the request's R15 obligation.
#[tauri::command]
pub fn cip_request_deliver(
    state: State<'_, AppState>,
    delivery: workbench_app::cip_requests::Delivery,
) -> Result<workbench_app::cip_requests::CipRequestView, ApiError> {
    Ok(workbench_app::cip_requests::cip_request_deliver(state.context(), state.session(), &delivery)?)
}

/// The filing register (R12–R14), newest first.
#[tauri::command]
pub fn filing_list(state: State<'_, AppState>) -> Result<Vec<workbench_app::filings::FilingView>, ApiError> {
    Ok(workbench_app::filings::filing_list(state.context(), state.session())?)
}

/// One filing with the content its PDF shows.
#[tauri::command]
pub fn filing_get(
    state: State<'_, AppState>,
    id: String,
) -> Result<workbench_app::filings::FilingDetail, ApiError> {
    Ok(workbench_app::filings::filing_get(state.context(), state.session(), &id)?)
}

/// Officers: draft a filing from the records now.
#[tauri::command]
pub fn filing_draft(
    state: State<'_, AppState>,
    request: workbench_app::filings::DraftRequest,
) -> Result<workbench_app::filings::FilingView, ApiError> {
    Ok(workbench_app::filings::filing_draft(state.context(), state.session(), &request)?)
}

/// Officers: approve a draft (four eyes when on).
#[tauri::command]
pub fn filing_approve(
    state: State<'_, AppState>,
    id: String,
) -> Result<workbench_app::filings::FilingView, ApiError> {
    Ok(workbench_app::filings::filing_approve(state.context(), state.session(), &id)?)
}

/// Officers: an approved filing was filed; meets its obligation.
#[tauri::command]
pub fn filing_mark_filed(
    state: State<'_, AppState>,
    form: workbench_app::filings::FiledForm,
) -> Result<workbench_app::filings::FilingView, ApiError> {
    Ok(workbench_app::filings::filing_mark_filed(state.context(), state.session(), &form)?)
}

/// The filing's PDF bytes (re-rendered and checked against the recorded hash).
#[tauri::command]
pub fn filing_pdf(state: State<'_, AppState>, id: String) -> Result<tauri::ipc::Response, ApiError> {
    Ok(tauri::ipc::Response::new(workbench_app::filings::filing_pdf(state.context(), state.session(), &id)?))
}

/// Save the filing's PDF (native dialog); with `open`, then open the saved file in the system's
/// PDF viewer to print it. False when cancelled.
#[tauri::command]
pub async fn filing_save(state: State<'_, AppState>, id: String, open: bool) -> Result<bool, ApiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title(if open { "Save the filing, then open it to print" } else { "Save the filing as PDF" })
        .set_file_name(format!("filing-{id}.pdf"))
        .add_filter("PDF", &["pdf"])
        .save_file()
        .await
    else {
        return Ok(false);
    };
    workbench_app::filings::filing_write_pdf(state.context(), state.session(), &id, file.path())?;
    if open {
        open_with_system(file.path()).map_err(|e| ApiError {
            code: workbench_app::ErrorCode::Internal,
            message: format!("saved, but the system PDF viewer could not be started: {e}"),
        })?;
    }
    Ok(true)
}

/// Opens a file the user saved with the desktop's default application (detached).
fn open_with_system(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(target_os = "macos")]
    let mut command = std::process::Command::new("open");
    #[cfg(target_os = "windows")]
    let mut command = {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    };
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    let mut command = std::process::Command::new("xdg-open");
    command
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

/// Officers: pick the agency's acknowledgement (native dialog) and keep it with a filed filing.
/// Null when cancelled.
#[tauri::command]
pub async fn filing_attach_ack(
    state: State<'_, AppState>,
    id: String,
) -> Result<Option<workbench_app::filings::FilingView>, ApiError> {
    let dialog = rfd::AsyncFileDialog::new()
        .set_title("The agency's acknowledgement")
        .add_filter("Images and PDF", &["png", "jpg", "jpeg", "tif", "tiff", "pdf"]);
    let Some(path) = pick_file(dialog).await else {
        return Ok(None);
    };
    Ok(Some(workbench_app::filings::filing_attach_ack(state.context(), state.session(), &id, &path)?))
}
