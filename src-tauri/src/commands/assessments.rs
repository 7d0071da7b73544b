//! Compliance assessments by Commerce (R16): record (a form or a TOML file), list, remediate and
//! close findings.

use workbench_app::assessments::{self as app, AssessmentView, AssessmentsView, Closing};
use workbench_core::assessment::AssessmentInput;

use super::Dialog;

command! {
    /// Every assessment with its findings, newest first.
    fn assessments_list() -> AssessmentsView;
    |s| app::assessments_list(s.context(), s.session())
}

command! {
    /// Record an assessment from the form (officers); each finding becomes an obligation.
    fn assessments_add(input: AssessmentInput) -> AssessmentView;
    |s| app::assessment_add(s.context(), s.session(), &input)
}

command! {
    /// Pick an assessment file (TOML) and record it (officers). Null when cancelled.
    fn assessments_add_file() -> Option<AssessmentView>;
    dialog Dialog::open("Record an assessment from a file").filter("Assessment", &["toml"]);
    |s, path| app::assessment_add_file(s.context(), s.session(), &path)
}

command! {
    /// Add a remediation note without evidence.
    fn assessments_note(finding_id: String, note: String) -> AssessmentsView;
    |s| app::finding_note(s.context(), s.session(), &finding_id, &note, None, Closing::Open)
}

command! {
    /// Pick the evidence (PDF or image) and add it with a note, or close the finding with it
    /// (`close`; answered by `cip_version` when given). Null when cancelled.
    fn assessments_evidence(
        finding_id: String,
        note: String,
        close: bool,
        cip_version: Option<i64>
    ) -> Option<AssessmentsView>;
    dialog Dialog::open("Choose the evidence (PDF or image)")
        .filter("PDF or image", &["pdf", "png", "jpg", "jpeg", "gif", "webp", "tif", "tiff"]);
    |s, path| {
        let closing = if close { Closing::Close(cip_version) } else { Closing::Open };
        app::finding_note(s.context(), s.session(), &finding_id, &note, Some(&path), closing)
    }
}
