//! The verification queue and a customer's review: checks, decisions, evidence, notices.

use workbench_app::review::{
    self as rv, CheckRequest, DecisionRequest, DeterminationRequest, OwnerCheckRequest, QueueHealth,
    QueuePage, QueueShow, ReviewView, SecondReview,
};
use workbench_core::verification::Element;

use super::Dialog;

/// The kinds of file evidence may be.
const EVIDENCE_FILES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "tif", "tiff", "pdf"];

command! {
    /// A page of the verification queue in working order, with its health.
    fn queue_list(show: QueueShow, limit: i64, offset: i64) -> QueuePage;
    |s| rv::queue_list(s.context(), s.session(), show, limit, offset)
}

command! {
    /// Queue health alone (dashboard, navigation count).
    fn queue_health() -> QueueHealth;
    |s| rv::queue_health(s.context(), s.session())
}

command! {
    /// Open items for new customers and for re-verifications falling due (R8).
    fn queue_refresh() -> usize;
    |s| rv::queue_refresh(s.context(), s.session())
}

command! {
    /// Take the next item (locks it to the acting reviewer). Null when the queue is empty.
    fn queue_next() -> Option<ReviewView>;
    |s| rv::queue_next(s.context(), s.session())
}

command! {
    /// Take one chosen item.
    fn queue_take(customer_ref: String) -> ReviewView;
    |s| rv::queue_take(s.context(), s.session(), &customer_ref)
}

command! {
    /// Assign items to a reviewer (null: unassign). Officers only.
    fn queue_assign(customer_refs: Vec<String>, to: Option<String>) -> usize;
    |s| rv::queue_assign(s.context(), s.session(), &customer_refs, to.as_deref())
}

command! {
    /// One customer's review screen (does not take the item).
    fn review_get(customer_ref: String) -> ReviewView;
    |s| rv::review_get(s.context(), s.session(), &customer_ref)
}

command! {
    /// Record an element check (R4).
    fn review_check(request: CheckRequest) -> ReviewView;
    |s| rv::check_record(s.context(), s.session(), &request)
}

command! {
    /// Record a check of one element of a beneficial owner (R5).
    fn review_owner_check(request: OwnerCheckRequest) -> ReviewView;
    |s| rv::owner_check_record(s.context(), s.session(), &request)
}

command! {
    /// Approve, refuse or ask for more information on the held item.
    fn review_decide(request: DecisionRequest) -> ReviewView;
    |s| rv::decide(s.context(), s.session(), &request)
}

command! {
    /// Four eyes: the second reviewer confirms or declines a refusal with their passphrase.
    fn review_second(request: SecondReview) -> ReviewView;
    |s| rv::refusal_second_review(s.context(), s.session(), &request)
}

command! {
    /// Record a U.S.-person determination (R3).
    fn review_us_person(request: DeterminationRequest) -> ReviewView;
    |s| rv::us_person_determine(s.context(), s.session(), &request)
}

command! {
    /// Pick a file and attach it to a customer, encrypted into the vault. Null when cancelled.
    fn evidence_attach(customer_ref: String, element: Option<Element>) -> Option<ReviewView>;
    dialog Dialog::open("Attach evidence").filter("Images and PDF", EVIDENCE_FILES);
    |s, path| rv::evidence_attach(s.context(), s.session(), &customer_ref, element, &path)
}

command! {
    /// A file's bytes, decrypted in memory and sent to the window as raw bytes (no asset
    /// protocol, no temporary file).
    fn evidence_content(customer_ref: String, evidence_id: String) -> tauri::ipc::Response as "ArrayBuffer";
    |s| rv::evidence_content(s.context(), s.session(), &customer_ref, &evidence_id)
        .map(|(_, bytes)| tauri::ipc::Response::new(bytes))
}

command! {
    /// Save a decrypted copy of a customer's file (evidence or notice). Null when cancelled.
    fn evidence_save(customer_ref: String, evidence_id: String, suggested_name: String) -> Option<bool>;
    dialog Dialog::save("Save a copy", suggested_name.clone());
    |s, path| rv::evidence_export(s.context(), s.session(), &customer_ref, &evidence_id, &path).map(|()| true)
}

command! {
    /// Attach the files last dropped on the window (the backend holds their paths; all are
    /// checked first).
    fn evidence_attach_dropped(customer_ref: String, element: Option<Element>) -> ReviewView;
    |s| {
        let paths = std::mem::take(&mut *s.dropped());
        rv::evidence_attach_all(s.context(), s.session(), &customer_ref, element, &paths)
    }
}

command! {
    /// Issue the rule pack's notice (R9): rendered, kept in the vault as proof, recorded.
    fn notice_issue(customer_ref: String) -> ReviewView;
    |s| rv::notice_issue(s.context(), s.session(), &customer_ref)
}

command! {
    /// Record when a notice was sent and/or acknowledged (YYYY-MM-DD).
    fn notice_mark(
        customer_ref: String,
        notice_id: String,
        sent_on: Option<String>,
        acknowledged_on: Option<String>,
    ) -> ReviewView;
    |s| rv::notice_mark(
        s.context(),
        s.session(),
        &customer_ref,
        &notice_id,
        sent_on.as_deref(),
        acknowledged_on.as_deref(),
    )
}

command! {
    /// Place a customer's pending accounts under the pack's restricted or monitored terms (R6).
    fn review_terms(request: workbench_app::review::TermsRequest) -> workbench_app::review::TermsView;
    |s| workbench_app::review::place_terms(s.context(), s.session(), &request)
}

command! {
    /// Record a refused customer's appeal (R6 redress).
    fn review_appeal(request: workbench_app::review::AppealRequest) -> workbench_app::review::AppealView;
    |s| workbench_app::review::appeal_record(s.context(), s.session(), &request)
}

command! {
    /// Review an appeal (a person who took no part in the refusal nor recorded the appeal).
    fn review_appeal_decide(id: String, outcome: workbench_app::review::AppealOutcome, note: String) -> workbench_app::review::AppealView;
    |s| workbench_app::review::appeal_review(s.context(), s.session(), &id, outcome, &note)
}
