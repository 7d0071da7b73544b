//! PDF filings of CIP Workbench.
//!
//! Lays out view-models from `workbench-core` with printpdf, using fonts embedded from
//! `assets/fonts/` and subset on save. Owns no data and does no IO beyond returning bytes: the
//! caller decides where (and how atomically) they are written. Must not depend on `tauri`.

#![forbid(unsafe_code)]

pub mod about;
pub mod attestation;
pub mod cip;
pub mod dossier;
pub mod error;
pub mod filing;
pub mod fonts;
mod layout;
pub mod notice;
pub mod packet;
pub mod recovery;

pub use about::render_about;
pub use attestation::{AttestationRequest, render_attestation_request};
pub use cip::{CipDocument, render_cip};
pub use dossier::{Dossier, DossierSection, render_dossier};
pub use error::FilingError;
pub use filing::render_filing;
pub use fonts::{FontReport, check_fonts};
pub use notice::{CustomerNotice, render_notice};
pub use packet::{ManifestEntry, Packet, PacketGap, PacketPart, assemble_packet, check_part};
pub use recovery::{RecoverySheet, render_recovery_sheet};
