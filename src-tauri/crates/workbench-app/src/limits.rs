//! Bounds on what a user hands in (issue 14): no file is read whole before its size is checked.
//!
//! - Evidence (identity documents, a reseller's CIP, a signed attestation, an agency's
//!   acknowledgement): the `evidence_max_mib` Setting, everywhere a file enters the vault.
//! - Import files (customers, owners, IP logs, reseller counts; CSV or `.xlsx`):
//!   [`IMPORT_MAX_BYTES`]; a workbook's own limits are in [`crate::table::Limits`], a CSV's rows and
//!   fields in `workbench_core::import`.

use std::io::Read;
use std::path::Path;

use workbench_core::CoreError;
use workbench_store::StoreError;

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

/// The largest import file read (a million customers fit in about 250 MiB of CSV).
pub const IMPORT_MAX_BYTES: u64 = 512 << 20;

/// The evidence limit from Settings, in bytes.
///
/// # Errors
/// [`AppError::Locked`] when the workspace is locked.
pub fn evidence_max_bytes(ctx: &Context, session: &Session) -> Result<u64, AppError> {
    Ok(u64::from(crate::settings::get(ctx, session)?.evidence_max_mib) << 20)
}

/// Reads `path` whole when it is at most `max` bytes; `too_large` is the error otherwise. The
/// size is checked before reading and again while reading (a file may grow meanwhile).
fn read_within(path: &Path, max: u64, too_large: impl Fn() -> AppError) -> Result<Vec<u8>, AppError> {
    let io = |e| AppError::Store(StoreError::io(format!("reading {}", path.display()), e));
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.len() > max {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(too_large());
    }
    Ok(bytes)
}

/// An evidence file, read whole within the Settings limit.
///
/// # Errors
/// [`StoreError::EvidenceTooLarge`] past the limit; I/O errors naming the file.
pub fn read_evidence(path: &Path, max: u64) -> Result<Vec<u8>, AppError> {
    read_within(path, max, || AppError::Store(StoreError::EvidenceTooLarge { limit: max }))
}

/// An import file, read whole within [`IMPORT_MAX_BYTES`].
///
/// # Errors
/// [`CoreError::Invalid`] on field `file` past the limit; I/O errors naming the file.
pub fn read_import(path: &Path) -> Result<Vec<u8>, AppError> {
    read_within(path, IMPORT_MAX_BYTES, || {
        CoreError::invalid(
            "file",
            format!("is larger than {} MiB; split it into smaller files", IMPORT_MAX_BYTES >> 20),
        )
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_past_its_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("scan.png");
        std::fs::write(&path, vec![7u8; 2048]).expect("write");
        assert_eq!(read_evidence(&path, 2048).expect("at the limit").len(), 2048);
        let err = read_evidence(&path, 2047).expect_err("past it");
        assert!(matches!(err, AppError::Store(StoreError::EvidenceTooLarge { limit: 2047 })), "{err}");
        assert!(err.to_string().contains("Settings can change the limit"), "{err}");
        let missing = read_import(&dir.path().join("nope.csv")).expect_err("missing");
        assert!(missing.to_string().contains("nope.csv"), "{missing}");
    }
}
