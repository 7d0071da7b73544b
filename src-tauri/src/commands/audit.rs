//! The audit trail (R11) and the workspace settings.

use workbench_app::audit::{self, AuditEventView, AuditQuery, ObjectsReportView};
use workbench_app::settings::{self, WorkspaceSettings};
use workbench_core::audit::ChainReport;

command! {
    /// Audit events, newest first.
    fn audit_list(query: AuditQuery) -> Vec<AuditEventView>;
    |s| audit::list(s.context(), s.session(), &query)
}

command! {
    /// Verify the whole hash chain.
    fn audit_verify() -> ChainReport;
    |s| audit::verify(s.context(), s.session())
}

command! {
    /// Recompute every record's canonical digest and compare it with the chain (issue 14).
    fn audit_verify_objects() -> ObjectsReportView;
    |s| audit::verify_objects(s.context(), s.session())
}

command! {
    /// The workspace settings (idle lock, evidence size limit, four eyes).
    fn settings_get() -> WorkspaceSettings;
    |s| settings::get(s.context(), s.session())
}

command! {
    /// Save the workspace settings (officers only).
    fn settings_update(settings: WorkspaceSettings) -> WorkspaceSettings;
    |s| settings::update(s.context(), s.session(), &settings)
}
