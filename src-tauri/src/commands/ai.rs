//! Covered AI-training transactions (R23–R26): cases, arrangement versions with their
//! arithmetic, usage imports, resellers' reports and failures.

use workbench_app::ApiError;
use workbench_app::ai::{
    self, CaseDetail, NewCase, Overview, ResellerReportForm, Transmittal, UsageEvaluation, UsageImportReport,
    UsageLine, VersionView,
};
use workbench_core::CoreError;
use workbench_core::ai::NewArrangement;

use super::Dialog;

command! {
    /// The register: cases with their coverage under the active pack, usage batches, resellers'
    /// reports, the pack's catalogue and conditions.
    fn ai_overview() -> Overview;
    |s| ai::overview(s.context(), s.session())
}

command! {
    /// One case with its versions (each evaluated under the active pack), filings, obligations.
    fn ai_case_get(id: String) -> CaseDetail;
    |s| ai::case_get(s.context(), s.session(), &id)
}

command! {
    /// Open a case for a foreign customer; returns its id.
    fn ai_case_add(case: NewCase) -> String;
    |s| ai::case_add(s.context(), s.session(), &case)
}

command! {
    /// Record the case's next arrangement version; returns it with its evaluation.
    fn ai_arrangement_add(case_id: String, arrangement: NewArrangement) -> VersionView;
    |s| ai::arrangement_add(s.context(), s.session(), &case_id, &arrangement)
}

command! {
    /// Close a case with the reason (officers; a covered case only once reported).
    fn ai_case_close(case_id: String, reason: String) -> ();
    |s| ai::case_close(s.context(), s.session(), &case_id, &reason)
}

command! {
    /// Every foreign customer's metered usage over the window, judged.
    fn ai_usage_lines() -> Vec<UsageLine>;
    |s| ai::usage_lines(s.context(), s.session())
}

command! {
    /// Sum the window again and open cases for review (never a report).
    fn ai_usage_evaluate() -> UsageEvaluation;
    |s| ai::usage_evaluate(s.context(), s.session())
}

command! {
    /// Pick a usage file (CSV or Excel) and check it (dry run); null when cancelled.
    fn ai_usage_check() -> Option<UsageImportReport>;
    dialog Dialog::open("Import metered accelerator usage (CSV or Excel)").filter("Usage", &["csv", "xlsx"]);
    |s, path| {
        let report = ai::usage_import(s.context(), s.session(), &path, true, &mut |_, _| true);
        *s.pending_usage() = report.as_ref().is_ok_and(|r| r.errors.is_empty()).then_some(path);
        report
    }
}

command! {
    /// Store the usage file checked by `ai_usage_check`, all or nothing, as a job the status bar
    /// shows and `job_cancel` stops (keeping nothing); then evaluate the window.
    fn ai_usage_commit() -> UsageImportReport;
    |s| {
        let job = s.jobs().start_cancellable("Importing usage")?;
        let path = s
            .pending_usage()
            .take()
            .ok_or_else(|| ApiError::from(workbench_app::AppError::from(CoreError::invalid("file", "choose and check a file"))))?;
        ai::usage_import(s.context(), s.session(), &path, false, &mut |done, total| job.proceed(done, total))
            .map_err(ApiError::from)
    }
}

command! {
    /// Pick the reseller's report (PDF or image) and record it (officers); null when cancelled.
    fn ai_reseller_report(form: ResellerReportForm) -> Option<String>;
    dialog Dialog::open("Choose the reseller's report (PDF or image)").filter("PDF or image", &["pdf", "png", "jpg", "jpeg"]);
    |s, path| ai::reseller_report_record(s.context(), s.session(), &form, &path)
}

command! {
    /// Record that a reseller's report was transmitted to Commerce (officers).
    fn ai_reseller_transmit(transmittal: Transmittal) -> ();
    |s| ai::reseller_report_transmit(s.context(), s.session(), &transmittal)
}

command! {
    /// Record that a foreign reseller failed its AI-reporting duties (R25): the supply gate closes.
    fn ai_reseller_failure(reseller_ref: String, aware_on: String, what: String) -> ();
    |s| {
        let aware_on = aware_on
            .parse()
            .map_err(|_| CoreError::invalid("aware_on", format!("{aware_on:?} is not a date (YYYY-MM-DD)")))?;
        ai::reseller_failure(s.context(), s.session(), &reseller_ref, aware_on, &what)
    }
}
