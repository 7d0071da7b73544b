//! The written CIP (R1): versions, drafts, approval, PDFs; and Commerce's requests for it (R15).

use workbench_app::cip::{self, CipApproval, CipDraftSave, CipOverview, CipVersionSummary, CipVersionView};
use workbench_app::cip_requests::{self as cr, CipRequestView, Delivery};
use workbench_core::cip::SectionDiff;

use super::{Dialog, ok};

command! {
    /// The written CIP: every version, the pack's topics, four eyes.
    fn cip_overview() -> CipOverview;
    |s| cip::cip_overview(s.context(), s.session())
}

command! {
    /// One CIP version with its text.
    fn cip_version_get(number: i64) -> CipVersionView;
    |s| cip::cip_version_get(s.context(), s.session(), number)
}

command! {
    /// Begin a draft from version `from` (default: the newest approved). Returns its number.
    fn cip_draft_begin(from: Option<i64>) -> i64;
    |s| cip::cip_draft_begin(s.context(), s.session(), from)
}

command! {
    /// Save a draft's changed sections and notes. Returns the new text hash.
    fn cip_draft_save(save: CipDraftSave) -> String;
    |s| cip::cip_draft_save(s.context(), s.session(), &save)
}

command! {
    /// Markdown as safe HTML for the editor's preview (nothing in it can run or load).
    fn cip_preview(markdown: String) -> String;
    |_s| ok(cip::cip_preview(&markdown))
}

command! {
    /// Approve a draft (officers; four eyes when on).
    fn cip_approve(approval: CipApproval) -> CipVersionSummary;
    |s| cip::cip_approve(s.context(), s.session(), &approval)
}

command! {
    /// Discard a draft.
    fn cip_discard(number: i64) -> ();
    |s| cip::cip_discard(s.context(), s.session(), number)
}

command! {
    /// The difference between two versions, section by section.
    fn cip_diff(old: i64, new: i64) -> Vec<SectionDiff>;
    |s| cip::cip_diff(s.context(), s.session(), old, new)
}

command! {
    /// A version's PDF bytes, for the in-window viewer.
    fn cip_pdf(number: i64) -> tauri::ipc::Response as "ArrayBuffer";
    |s| cip::cip_render(s.context(), s.session(), number).map(tauri::ipc::Response::new)
}

command! {
    /// Save a version as a PDF. Null when cancelled.
    fn cip_save_pdf(number: i64) -> Option<bool>;
    dialog Dialog::save("Save the CIP as PDF", format!("cip-version-{number}.pdf")).filter("PDF", &["pdf"]);
    |s, path| cip::cip_write_pdf(s.context(), s.session(), number, &path).map(|()| true)
}

command! {
    /// Every CIP request (R15) with its deadline, packet and delivery, newest first.
    fn cip_request_list() -> Vec<CipRequestView>;
    |s| cr::cip_request_list(s.context(), s.session())
}

command! {
    /// Assemble a request's packet from what is on file now (officers).
    fn cip_packet_assemble(id: String) -> CipRequestView;
    |s| cr::cip_packet_assemble(s.context(), s.session(), &id)
}

command! {
    /// The assembled packet's bytes for the in-window viewer.
    fn cip_packet_content(id: String) -> tauri::ipc::Response as "ArrayBuffer";
    |s| cr::cip_packet_pdf(s.context(), s.session(), &id).map(tauri::ipc::Response::new)
}

command! {
    /// Save the assembled packet. Null when cancelled.
    fn cip_packet_save(id: String) -> Option<bool>;
    dialog Dialog::save("Save the CIP packet", "cip-packet.pdf").filter("PDF", &["pdf"]);
    |s, path| cr::cip_packet_write(s.context(), s.session(), &id, &path).map(|()| true)
}

command! {
    /// Record delivery of a packet; meets the request's R15 obligation.
    fn cip_request_deliver(delivery: Delivery) -> CipRequestView;
    |s| cr::cip_request_deliver(s.context(), s.session(), &delivery)
}
