//! The ADP dossier (R20–R21): coverage, answers, evidence (a document picked in a file dialog or
//! a record of the workspace), reviews. The exemption application is drafted through
//! `filing_draft` (kind `exemption_application`).

use workbench_app::adp::{self as app, AdpAnswerForm, AdpView};

use super::Dialog;

command! {
    /// Each criterion of the rule pack with its answer, evidence and strength.
    fn adp_status() -> AdpView;
    |s| app::adp_status(s.context(), s.session())
}

command! {
    /// Save a new version of a criterion's narrative (officers); a material change owes a report.
    fn adp_answer(form: AdpAnswerForm) -> AdpView;
    |s| app::adp_answer(s.context(), s.session(), &form)
}

command! {
    /// Pick a document (PDF or image) and attach it to a criterion (officers). Null when cancelled.
    fn adp_evidence_document(criterion: String, label: String) -> Option<AdpView>;
    dialog Dialog::open("Choose the evidence (PDF or image)").filter("PDF or image", &["pdf", "png", "jpg", "jpeg"]);
    |s, path| app::adp_evidence_document(s.context(), s.session(), &criterion, &label, &path)
}

command! {
    /// Cite a record of the workspace as a criterion's evidence (officers).
    fn adp_evidence_record(criterion: String, record: String) -> AdpView;
    |s| app::adp_evidence_record(s.context(), s.session(), &criterion, &record)
}

command! {
    /// Record a review of the whole dossier (officers).
    fn adp_review(note: String) -> AdpView;
    |s| app::adp_review(s.context(), s.session(), &note)
}
