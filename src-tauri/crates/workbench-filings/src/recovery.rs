//! The recovery-code sheet: one page to print and lock away at workspace creation.
//!
//! It carries the secret itself, so it is rendered only on the user's explicit request and
//! written where the user says; nothing else in the app keeps the code.

use chrono::{DateTime, Utc};
use printpdf::{Mm, PdfPage};

use crate::error::FilingError;
use crate::layout::{A4, Face, new_document, pt, rule, save_deterministic};

/// What the sheet shows.
#[derive(Clone)]
pub struct RecoverySheet<'a> {
    /// The provider whose workspace this is.
    pub provider_name: &'a str,
    /// The workspace id (to match sheet and workspace).
    pub workspace_id: &'a str,
    /// When the workspace was created.
    pub created_at: DateTime<Utc>,
    /// The recovery code, grouped.
    pub code: &'a str,
    /// The key-slot rebuild block (not secret on its own): with the code it rebuilds a lost
    /// key-slot file.
    pub rebuild_block: Option<&'a str>,
}

/// Renders the sheet as a one-page A4 PDF.
pub fn render_recovery_sheet(sheet: &RecoverySheet<'_>) -> Result<Vec<u8>, FilingError> {
    let (mut doc, fonts) = new_document("CIP Workbench recovery code", "Recovery code", sheet.created_at)?;
    fonts.ensure_printable(Face::Regular, sheet.provider_name, "the provider name")?;
    let (width, height) = A4;
    let left = pt(20.0);
    let right = pt(width - 20.0);
    let mut y = pt(height - 20.0) - 16.0;
    let mut ops = fonts.text(Face::Bold, 16.0, left, y, "Workspace recovery code");
    y -= 18.0;
    ops.extend(fonts.text(Face::Regular, 10.0, left, y, &format!("CIP Workbench · {}", sheet.provider_name)));
    y -= 10.0;
    ops.extend(rule(left, right, y, 0.6));
    y -= 40.0;
    let code_width = fonts.width(Face::Bold, 18.0, sheet.code);
    ops.extend(fonts.text(Face::Bold, 18.0, (pt(width) - code_width) / 2.0, y, sheet.code));
    y -= 36.0;
    let facts = [
        ("Workspace", sheet.workspace_id.to_owned()),
        ("Created", sheet.created_at.format("%Y-%m-%d %H:%M UTC").to_string()),
    ];
    for (label, value) in facts {
        ops.extend(fonts.text(Face::Bold, 10.0, left, y, label));
        ops.extend(fonts.text(Face::Regular, 10.0, left + pt(30.0), y, &value));
        y -= 14.0;
    }
    y -= 10.0;
    let advice = "This code unlocks the encrypted workspace if its passphrase is lost. Anyone holding \
                  it can read the customer records: keep this page locked away, apart from the \
                  computer. It cannot be shown again.";
    for line in fonts.wrap(Face::Regular, 10.0, advice, right - left) {
        ops.extend(fonts.text(Face::Regular, 10.0, left, y, &line));
        y -= 14.0;
    }
    if let Some(block) = sheet.rebuild_block {
        y -= 10.0;
        ops.extend(fonts.text(Face::Bold, 10.0, left, y, "Key-slot rebuild block"));
        y -= 14.0;
        let note = "If keyslots.json and its copy keyslots.copy.json are both lost, this block and the code \
                    above rebuild them: cip-workbench keyslots rebuild. It opens nothing without the code.";
        for line in fonts.wrap(Face::Regular, 9.0, note, right - left) {
            ops.extend(fonts.text(Face::Regular, 9.0, left, y, &line));
            y -= 12.0;
        }
        y -= 4.0;
        // Eight groups of four to a line, so it can be typed back line by line.
        let (tag, groups) = block.split_once(' ').unwrap_or(("", block));
        ops.extend(fonts.text(Face::Bold, 10.0, left, y, tag));
        y -= 14.0;
        let groups: Vec<&str> = groups.split('-').collect();
        for line in groups.chunks(8) {
            ops.extend(fonts.text(Face::Regular, 10.0, left, y, &line.join(" ")));
            y -= 13.0;
        }
    }
    y -= 24.0;
    for label in ["Stored at:", "Stored by / date:"] {
        ops.extend(fonts.text(Face::Regular, 10.0, left, y, label));
        ops.extend(rule(left + pt(35.0), right, y - 2.0, 0.3));
        y -= 28.0;
    }
    doc.pages.push(PdfPage::new(Mm(width), Mm(height), ops));
    Ok(save_deterministic(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn renders_one_deterministic_page() {
        let sheet = RecoverySheet {
            provider_name: "Müller Datentechnik GmbH",
            workspace_id: "01a21f88-479f-73cf-91b1-bf47ef6909c0",
            created_at: Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().expect("date"),
            code: "LNRU-KUXS-OG6Q-7ZVI-7ZIW-HO2I-HOUF-ZP3W",
            rebuild_block: Some("CIPW-SLOTS-1 AEAQ-CAIB-AEAQ-CAIB-AEAQ-CAIB-AEAQ-CAIB-AEAQ-CAIB-AEAQ"),
        };
        let a = render_recovery_sheet(&sheet).expect("render");
        assert!(a.starts_with(b"%PDF-"));
        assert!(a == render_recovery_sheet(&sheet).expect("again"), "deterministic");
    }
}
