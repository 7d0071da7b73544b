//! About, diagnostics and the long job in the status bar.

use workbench_app::jobs::JobProgress;
use workbench_app::{AppInfo, DoctorReport};

use super::ok;

command! {
    /// Facts for the About / Diagnostics view.
    fn app_info() -> AppInfo;
    |s| workbench_app::app_info(s.context())
}

command! {
    /// Every `doctor` check, for the Diagnostics view.
    fn app_doctor() -> DoctorReport;
    |s| ok(workbench_app::doctor(s.context(), s.session()))
}

command! {
    /// The long job running (import, backup, restore, rotation), if any, for the status bar.
    fn job_progress() -> Option<JobProgress>;
    |s| ok(s.jobs().current())
}

command! {
    /// Asks the running job to stop (an import keeps nothing); false when none can be stopped.
    fn job_cancel() -> bool;
    |s| ok(s.jobs().cancel())
}
