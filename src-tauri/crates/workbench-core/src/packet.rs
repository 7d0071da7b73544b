//! The CIP copy packet's contents (R15): the request it answers, its parts — each already a PDF
//! (the provider's CIP in force, every foreign reseller's CIP on file) — and the resellers with
//! none on file. The view-model `workbench-filings` assembles into one PDF with an index and a
//! SHA-256 manifest.

use chrono::{DateTime, Utc};

/// One part of the packet, already a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketPart {
    /// Whose CIP: "Provider" or the reseller's reference.
    pub owner: String,
    /// What it is, e.g. "CIP version 3, effective 2026-12-01".
    pub title: String,
    /// The attachment's file name inside the packet.
    pub file_name: String,
    /// The PDF.
    pub pdf: Vec<u8>,
}

/// A reseller with no CIP on file: listed in the index as a gap, never silently left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketGap {
    /// Reseller reference.
    pub owner: String,
    /// Legal name.
    pub legal_name: String,
}

/// What the packet holds and answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The provider's legal name.
    pub provider: String,
    /// Who asked.
    pub requester: String,
    /// Their reference.
    pub reference: String,
    /// Received on (YYYY-MM-DD).
    pub received_on: String,
    /// The parts, provider first.
    pub parts: Vec<PacketPart>,
    /// Resellers without a CIP on file.
    pub gaps: Vec<PacketGap>,
    /// When it was assembled.
    pub generated_at: DateTime<Utc>,
}
