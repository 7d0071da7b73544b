//! A document an officer attaches to a record (Commerce's decision, remediation evidence): read
//! within the evidence size limit and recognised by its bytes before any session is taken, then
//! stored in the vault inside the use case.

use std::path::Path;

use chrono::{DateTime, Utc};
use workbench_core::CoreError;

use crate::context::Context;
use crate::error::AppError;
use crate::session::{Session, Unlocked};

/// A document read for the vault.
pub(crate) struct Document {
    bytes: Vec<u8>,
    media_type: &'static str,
    name: String,
    max_bytes: u64,
}

impl Document {
    /// Reads `path`: a PDF or an image (PNG, JPEG, GIF, WebP, TIFF) within the size limit. A file
    /// of another kind is refused on `field`; a path without a file name is stored as `default_name`.
    pub(crate) fn read(
        ctx: &Context,
        session: &Session,
        path: &Path,
        field: &str,
        default_name: &str,
    ) -> Result<Self, AppError> {
        let max_bytes = crate::limits::evidence_max_bytes(ctx, session)?;
        let bytes = crate::limits::read_evidence(path, max_bytes)?;
        let media_type = crate::review::media_type_of(&bytes[..bytes.len().min(512)]).ok_or_else(|| {
            CoreError::invalid(field, "is not an image (PNG, JPEG, GIF, WebP, TIFF) or a PDF")
        })?;
        let name = path.file_name().map_or_else(|| default_name.into(), |n| n.to_string_lossy().into_owned());
        Ok(Self { bytes, media_type, name, max_bytes })
    }

    /// Stores it in the vault; returns the evidence id.
    pub(crate) fn store(&self, u: &mut Unlocked, at: DateTime<Utc>) -> Result<String, AppError> {
        let new = workbench_store::evidence::NewEvidence {
            original_name: &self.name,
            media_type: self.media_type,
            max_bytes: self.max_bytes,
        };
        let me = u.actor.id;
        Ok(workbench_store::evidence::store(&mut u.workspace, self.bytes.as_slice(), &new, me, at)?
            .id
            .to_string())
    }
}
