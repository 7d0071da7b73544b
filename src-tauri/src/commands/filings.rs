//! The filing register (R12–R14): drafts, approval, PDFs, filing and acknowledgements.

use workbench_app::filings::{self as fl, DraftRequest, FiledForm, FilingDetail, FilingView};
use workbench_app::{ApiError, ErrorCode};

use super::Dialog;

command! {
    /// The filing register (R12–R14), newest first.
    fn filing_list() -> Vec<FilingView>;
    |s| fl::filing_list(s.context(), s.session())
}

command! {
    /// One filing with the content its PDF shows.
    fn filing_get(id: String) -> FilingDetail;
    |s| fl::filing_get(s.context(), s.session(), &id)
}

command! {
    /// Officers: draft a filing from the records now (snapshot frozen, checkpoint taken).
    fn filing_draft(request: DraftRequest) -> FilingView;
    |s| fl::filing_draft(s.context(), s.session(), &request)
}

command! {
    /// Officers: approve a draft (four eyes when on).
    fn filing_approve(id: String) -> FilingView;
    |s| fl::filing_approve(s.context(), s.session(), &id)
}

command! {
    /// Officers: an approved filing was filed; meets its obligation.
    fn filing_mark_filed(form: FiledForm) -> FilingView;
    |s| fl::filing_mark_filed(s.context(), s.session(), &form)
}

command! {
    /// The filing's PDF bytes (re-rendered and checked against the recorded hash).
    fn filing_pdf(id: String) -> tauri::ipc::Response as "ArrayBuffer";
    |s| fl::filing_pdf(s.context(), s.session(), &id).map(tauri::ipc::Response::new)
}

command! {
    /// Save the filing's PDF; with `open`, then open the saved file in the system's PDF viewer
    /// to print it. Null when cancelled.
    fn filing_save(id: String, open: bool) -> Option<bool>;
    dialog Dialog::save(
        if open { "Save the filing, then open it to print" } else { "Save the filing as PDF" },
        format!("filing-{id}.pdf"),
    )
    .filter("PDF", &["pdf"]);
    |s, path| {
        fl::filing_write_pdf(s.context(), s.session(), &id, &path)?;
        if open {
            open_with_system(&path).map_err(|e| ApiError {
                code: ErrorCode::Internal,
                message: format!("saved, but the system PDF viewer could not be started: {e}"),
            })?;
        }
        Ok::<_, ApiError>(true)
    }
}

command! {
    /// Officers: pick the agency's acknowledgement and keep it with a filed filing. Null when
    /// cancelled.
    fn filing_attach_ack(id: String) -> Option<FilingView>;
    dialog Dialog::open("The agency's acknowledgement")
        .filter("Images and PDF", &["png", "jpg", "jpeg", "tif", "tiff", "pdf"]);
    |s, path| fl::filing_attach_ack(s.context(), s.session(), &id, &path)
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
