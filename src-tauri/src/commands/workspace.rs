//! The workspace (first run, unlock, lock, keys, backup) and the people who use it.

use workbench_app::workspace::{
    self, ActorView, BackupSummary, InitRequest, InitResult, NewActor, RotateResult, UnlockRequest,
    WorkspaceStatus,
};
use workbench_core::ActorId;

use super::{Dialog, blocking, ok};

command! {
    /// Whether a workspace exists, is unlocked, and who is acting.
    fn workspace_status() -> WorkspaceStatus;
    |s| workspace::status(s.context(), s.session())
}

command! {
    /// First run: create the workspace; returns the recovery code to show once.
    fn workspace_init(request: InitRequest) -> InitResult;
    |s| workspace::init(s.context(), s.session(), &request)
}

command! {
    /// Unlock as yourself: with the keyring, your passphrase or the recovery code.
    fn workspace_unlock(request: UnlockRequest) -> WorkspaceStatus;
    |s| workspace::unlock(s.context(), s.session(), &request)
}

command! {
    /// Lock now: the key is zeroized and the database closed.
    fn workspace_lock() -> bool;
    |s| ok(workspace::lock(s.session()))
}

command! {
    /// User activity in the window; returns seconds until the idle lock.
    fn workspace_touch() -> u64;
    |s| workspace::touch(s.context(), s.session())
}

command! {
    /// Re-wrap the key under your new passphrase.
    fn workspace_change_passphrase(new_passphrase: String) -> ();
    |s| workspace::change_passphrase(s.context(), s.session(), &new_passphrase)
}

command! {
    /// Replace the data key (re-encrypts the database; progress through `job_progress`); a new
    /// recovery code comes back.
    fn workspace_rotate_key(passphrase: String) -> RotateResult;
    |s| {
        let job = s.jobs().start("Re-encrypting")?;
        workspace::rotate_key(s.context(), s.session(), &passphrase, &mut |done, total| job.report(done, total))
    }
}

command! {
    /// Keep the acting person's key in this computer's credential store.
    fn workspace_keyring_enable() -> ();
    |s| workspace::keyring_enable(s.context(), s.session())
}

command! {
    /// Asks where to save the recovery-code sheet and writes it. Null when cancelled.
    fn workspace_save_recovery_sheet(code: String) -> Option<bool>;
    dialog Dialog::save("Save the recovery-code sheet", "cip-workbench-recovery-code.pdf").filter("PDF", &["pdf"]);
    |s, path| workspace::write_recovery_sheet(s.context(), s.session(), &code, &path).map(|()| true)
}

command! {
    /// Asks where to save a backup and writes it, verified (progress through `job_progress`).
    /// Null when cancelled.
    fn workspace_backup() -> Option<BackupSummary>;
    async |app| {
        use tauri::Manager as _;
        // Officers only: say so before a dialog asks where.
        blocking(app.clone(), |s| workspace::backup_allowed(s.context(), s.session())).await?;
        let stamp = app.state::<crate::state::AppState>().context().clock().now().format("%Y-%m-%d");
        let Some(path) = Dialog::save("Save a backup of the workspace", format!("cip-workbench-{stamp}.cipwbak"))
            .choose()
            .await
        else {
            return Ok(None);
        };
        blocking(app, move |s| {
            let job = s.jobs().start("Backing up")?;
            workspace::backup(s.context(), s.session(), &path, &mut |done, total| job.report(done, total))
        })
        .await
        .map(Some)
    }
}

command! {
    /// First run on a new machine: pick a backup and restore it into this workspace folder,
    /// unlocking it with the passphrase or recovery code given. Null when cancelled.
    fn workspace_restore(request: UnlockRequest) -> Option<WorkspaceStatus>;
    dialog Dialog::open("Choose a CIP Workbench backup").filter("CIP Workbench backup", &["cipwbak"]);
    |s, path| {
        let job = s.jobs().start("Restoring")?;
        workspace::restore(s.context(), s.session(), &path, &request, &mut |done, total| job.report(done, total))
    }
}

command! {
    /// Every active person.
    fn actor_list() -> Vec<ActorView>;
    |s| workspace::actor_list(s.context(), s.session())
}

command! {
    /// Add a person (officers only), with their own key slot.
    fn actor_create(actor: NewActor) -> ActorView;
    |s| workspace::actor_create(s.context(), s.session(), &actor)
}

command! {
    /// Act as another person, proven by their passphrase.
    fn actor_switch(id: ActorId, passphrase: String) -> ActorView;
    |s| workspace::actor_switch(s.context(), s.session(), id, &passphrase)
}

command! {
    /// Set another person's passphrase (officers only).
    fn actor_reset_passphrase(id: ActorId, new_passphrase: String) -> ();
    |s| workspace::actor_reset_passphrase(s.context(), s.session(), id, &new_passphrase)
}
