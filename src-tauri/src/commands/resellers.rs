//! Foreign resellers (R17–R19): the register, their CIPs, notes and annual attestations.

use workbench_app::attestations::{self as att, AttestationMatrix, AttestationView, CountsImport};
use workbench_app::resellers::{
    self as rs, CipOnFileForm, Finding, NewNote, ResellerDetail, ResellerView, StatusChange,
};
use workbench_core::attestation::AttestationReturn;
use workbench_core::reseller::{NewReseller, ResellerContact};

use workbench_app::ApiError;

use super::{Dialog, blocking, first};

/// The kinds of file a signed paper may be.
const SCANS: &[&str] = &["png", "jpg", "jpeg", "tif", "tiff", "pdf"];

command! {
    /// The reseller register.
    fn reseller_list() -> Vec<ResellerView>;
    |s| rs::reseller_list(s.context(), s.session())
}

command! {
    /// Register a reseller (officers).
    fn reseller_add(reseller: NewReseller) -> ();
    |s| rs::reseller_add(s.context(), s.session(), &reseller)
}

command! {
    /// A reseller's new primary CIP contact (raises the R14 notice).
    fn reseller_contact_change(reseller_ref: String, contact: ResellerContact) -> ();
    |s| rs::reseller_contact_change(s.context(), s.session(), &reseller_ref, &contact)
}

command! {
    /// Set a reseller's status (officers); under remediation or terminated closes the supply gate.
    fn reseller_set_status(change: StatusChange) -> ();
    |s| rs::reseller_set_status(s.context(), s.session(), &change)
}

command! {
    /// Record that a reseller does not comply (R19): under remediation, termination deadline
    /// starts.
    fn reseller_finding(finding: Finding) -> ();
    |s| rs::reseller_finding(s.context(), s.session(), &finding)
}

command! {
    /// One reseller with its CIPs on file, compliance notes and attestations.
    fn reseller_detail(reseller_ref: String) -> ResellerDetail;
    |s| rs::reseller_detail(s.context(), s.session(), &reseller_ref)
}

command! {
    /// Add a note to a reseller's compliance record (R19); a termination note ends the
    /// relationship.
    fn reseller_note_add(note: NewNote) -> ();
    |s| rs::reseller_note_add(s.context(), s.session(), &note)
}

command! {
    /// Pick a reseller's CIP (PDF) and put it on file (R17). Null when cancelled.
    fn reseller_cip_upload(form: CipOnFileForm) -> Option<ResellerDetail>;
    dialog Dialog::open(format!("The CIP of {}", form.reseller_ref)).filter("PDF", &["pdf"]);
    |s, path| rs::reseller_cip_upload(s.context(), s.session(), &form, &path)
}

command! {
    /// Record that a reseller adopted an approved provider CIP version by agreement (R17).
    fn reseller_cip_adopt(form: CipOnFileForm) -> ResellerDetail;
    |s| rs::reseller_cip_adopt(s.context(), s.session(), &form)
}

command! {
    /// A reseller's CIP as PDF bytes (decrypted in memory, or the adopted version rendered).
    fn reseller_cip_content(reseller_ref: String, seq: i64) -> tauri::ipc::Response as "ArrayBuffer";
    |s| rs::reseller_cip_pdf(s.context(), s.session(), &reseller_ref, seq).map(tauri::ipc::Response::new)
}

command! {
    /// The reseller × year attestation matrix (R18).
    fn attestation_matrix() -> AttestationMatrix;
    |s| att::attestation_matrix(s.context(), s.session())
}

command! {
    /// Make the attestation request PDF for a reseller and year (recorded as requested); its
    /// bytes.
    fn attestation_request_content(reseller_ref: String, period: i32) -> tauri::ipc::Response as "ArrayBuffer";
    |s| att::attestation_request_pdf(s.context(), s.session(), &reseller_ref, period).map(tauri::ipc::Response::new)
}

command! {
    /// Save the attestation request PDF. Null when cancelled.
    fn attestation_request_save(reseller_ref: String, period: i32) -> Option<bool>;
    dialog Dialog::save("Save the attestation request", format!("attestation-request-{reseller_ref}-{period}.pdf"))
        .filter("PDF", &["pdf"]);
    |s, path| att::attestation_write_request(s.context(), s.session(), &reseller_ref, period, &path).map(|()| true)
}

command! {
    /// Record a signed return; with `scan`, first pick the scanned return (image or PDF) to keep
    /// as evidence. Null when that dialog is cancelled.
    fn attestation_return(ret: AttestationReturn, scan: bool) -> Option<Vec<AttestationView>>;
    async |app| {
        let path = if scan {
            match Dialog::open("The signed return").filter("Images and PDF", SCANS).choose().await {
                Some(path) => Some(path),
                None => return Ok(None),
            }
        } else {
            None
        };
        blocking(app, move |s| att::attestation_return(s.context(), s.session(), &ret, path.as_deref()))
            .await
            .map(Some)
    }
}

command! {
    /// Pick a reseller counts CSV and check it (nothing recorded); the file is remembered for
    /// `attestation_import_commit`. Null when cancelled.
    fn attestation_import_check() -> Option<CountsImport>;
    dialog Dialog::open("Import reseller counts").filter("Reseller counts", &["csv", "xlsx"]);
    |s, path| {
        // Bounded like every import file (it was read whole before, whatever its size).
        let bytes = workbench_app::limits::read_import(&path)?;
        let report = att::attestation_import(s.context(), s.session(), &bytes, true)?;
        *s.pending_counts() = report.errors.is_empty().then_some(bytes);
        Ok::<_, workbench_app::AppError>(report)
    }
}

command! {
    /// Record the counts file checked by `attestation_import_check`, all or nothing.
    fn attestation_import_commit() -> CountsImport;
    |s| {
        let bytes = s.pending_counts().take().ok_or_else(|| first("choose and check a file"))?;
        att::attestation_import(s.context(), s.session(), &bytes, false).map_err(ApiError::from)
    }
}
