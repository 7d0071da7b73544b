//! Evidence (R4): files into the vault and onto a customer, read back in memory, saved out
//! (audited, R11).

use std::path::Path;

use workbench_core::CoreError;
use workbench_core::verification::Element;
use workbench_store::StoreError;
use workbench_store::evidence::{self, NewEvidence};
use workbench_store::review::{self as store};

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

use super::*;

pub(crate) fn media_type_of(head: &[u8]) -> Option<&'static str> {
    let kind = infer::get(head)?;
    matches!(
        kind.mime_type(),
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/tiff" | "application/pdf"
    )
    .then(|| kind.mime_type())
}

/// Stores a file in the vault and attaches it to a customer (optionally for one element).
/// Images (PNG, JPEG, GIF, WebP, TIFF) and PDFs are accepted, recognised by their content.
pub fn evidence_attach(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    element: Option<Element>,
    path: &Path,
) -> Result<ReviewView, AppError> {
    let io = |e| AppError::Store(StoreError::io(format!("reading {}", path.display()), e));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut head = [0u8; 512];
    let read = std::io::Read::read(&mut file, &mut head).map_err(io)?;
    let media_type = media_type_of(&head[..read])
        .ok_or_else(|| CoreError::invalid("file", "is not an image (PNG, JPEG, GIF, WebP, TIFF) or a PDF"))?;
    std::io::Seek::rewind(&mut file).map_err(io)?;
    let name = path.file_name().map_or_else(|| "evidence".into(), |n| n.to_string_lossy().into_owned());
    // The Settings limit (issue 14: it was ignored); the vault enforces it while streaming.
    let max_bytes = crate::limits::evidence_max_bytes(ctx, session)?;
    session.with(ctx, |u| {
        require_reviewer(u, "attach evidence")?;
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        let at = ctx.clock().now();
        let me = u.actor.id;
        let new = NewEvidence { original_name: &name, media_type, max_bytes };
        let record = evidence::store(&mut u.workspace, file, &new, me, at)?;
        let evidence_id = record.id.to_string();
        u.workspace.db_mut().write(|tx| store::attach_evidence(tx, &id, &evidence_id, element, me, at))?;
        review_of(u, &id, at)
    })
}

/// Attaches several files at once (a drag and drop): every file is checked first and one that
/// is not an image or PDF refuses the whole drop, naming it; then each is stored.
pub fn evidence_attach_all(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    element: Option<Element>,
    paths: &[std::path::PathBuf],
) -> Result<ReviewView, AppError> {
    if paths.is_empty() {
        return Err(CoreError::invalid("files", "drop one or more files").into());
    }
    for path in paths {
        let name =
            path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let mut head = [0u8; 512];
        let read = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .map_err(|e| AppError::Store(StoreError::io(format!("reading {name}"), e)))?;
        if media_type_of(&head[..read]).is_none() {
            return Err(CoreError::invalid(
                "files",
                format!("{name} is not an image or a PDF; nothing was attached"),
            )
            .into());
        }
    }
    let mut view = None;
    for path in paths {
        view = Some(evidence_attach(ctx, session, customer_ref, element, path)?);
    }
    view.ok_or_else(|| CoreError::invalid("files", "drop one or more files").into())
}

/// A file's plaintext and media type, decrypted for the review screen (never written to disk).
pub fn evidence_content(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    evidence_id: &str,
) -> Result<(String, Vec<u8>), AppError> {
    session.with(ctx, |u| {
        let id = u.workspace.db().read(|c| store::customer_id(c, customer_ref))?;
        if !u.workspace.db().read(|c| store::evidence_belongs(c, &id, evidence_id))? {
            return Err(CoreError::invalid("evidence", "is not attached to this customer").into());
        }
        let eid = evidence_id.parse().map_err(|_| CoreError::invalid("evidence", "is not an evidence id"))?;
        let mut bytes = Vec::new();
        let record = evidence::read(&u.workspace, eid, &mut bytes)?;
        Ok((record.media_type, bytes))
    })
}

/// Writes a customer's stored file (evidence or notice PDF) to `path`, decrypted, with its
/// metadata taken out (EXIF/GPS, XMP, PDF author: [`crate::metadata`]), atomically; the vault
/// keeps the original. A file that cannot be cleaned is not written.
pub fn evidence_export(
    ctx: &Context,
    session: &Session,
    customer_ref: &str,
    evidence_id: &str,
    path: &Path,
) -> Result<(), AppError> {
    let (media_type, original) = evidence_content(ctx, session, customer_ref, evidence_id)?;
    let bytes = crate::metadata::strip(&media_type, &original)?;
    let object = format!("evidence:{evidence_id}");
    crate::audit::take_out(
        ctx,
        session,
        crate::audit::MayTakeOut::Reviewer,
        "export.evidence",
        &object,
        &[(path, &bytes)],
    )
}
