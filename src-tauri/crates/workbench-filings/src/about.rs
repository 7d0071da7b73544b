//! The one-page "about this workspace" PDF.

use printpdf::{Mm, PdfPage};
use workbench_core::AboutSheet;

use crate::error::FilingError;
use crate::layout::{self, A4, Face, new_document, pt, rule, save_deterministic};

const MARGIN_MM: f32 = 20.0;
const LABEL_COLUMN_MM: f32 = 48.0;
const BODY_SIZE: f32 = 10.0;
const LINE_GAP: f32 = 14.0;

/// Renders `sheet` as a one-page A4 PDF with embedded, subset DejaVu fonts.
///
/// Output is deterministic: the same sheet gives the same bytes.
///
/// # Errors
/// [`FilingError::MissingGlyph`] if a value contains a character the embedded fonts lack.
pub fn render_about(sheet: &AboutSheet) -> Result<Vec<u8>, FilingError> {
    let (mut doc, fonts) = new_document(&sheet.title, "About this workspace", sheet.generated_at)?;
    let (width, height) = A4;
    let left = pt(MARGIN_MM);
    let right = pt(width - MARGIN_MM);
    let value_x = left + pt(LABEL_COLUMN_MM);
    let mut y = pt(height - MARGIN_MM) - 16.0;
    let mut ops = fonts.text(Face::Bold, 16.0, left, y, "About this workspace");
    y -= 18.0;
    ops.extend(fonts.text(Face::Regular, BODY_SIZE, left, y, &sheet.title));
    y -= 10.0;
    ops.extend(rule(left, right, y, 0.6));
    y -= 18.0;

    for fact in &sheet.facts {
        fonts.ensure_printable(Face::Bold, &fact.label, "a label")?;
        fonts.ensure_printable(Face::Regular, &fact.value, &fact.label)?;
        ops.extend(fonts.text(Face::Bold, BODY_SIZE, left, y, &fact.label));
        for line in fonts.wrap(Face::Regular, BODY_SIZE, &fact.value, right - value_x) {
            ops.extend(fonts.text(Face::Regular, BODY_SIZE, value_x, y, &line));
            y -= LINE_GAP;
        }
        y -= 4.0;
    }

    let footer =
        format!("Generated {} UTC · contains no customer data", sheet.generated_at.format("%Y-%m-%d %H:%M"));
    ops.extend(layout::footer(&fonts, left, right, pt(MARGIN_MM), &footer));

    doc.pages.push(PdfPage::new(Mm(width), Mm(height), ops));
    Ok(save_deterministic(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sheet() -> AboutSheet {
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).single().expect("date");
        AboutSheet::new("CIP Workbench 0.1.0", at)
            .fact("SQLCipher", "4.6.1 community")
            .fact("Provider", "Müller Datentechnik GmbH · Иванов")
    }

    #[test]
    fn renders_a_pdf_deterministically() {
        let a = render_about(&sheet()).expect("render");
        let b = render_about(&sheet()).expect("render");
        assert!(a.starts_with(b"%PDF-"));
        assert!(a == b, "same sheet must give the same bytes");
        let mut later = sheet();
        later.generated_at += chrono::Duration::seconds(1);
        assert!(render_about(&later).expect("render") != a, "different content, different bytes");
        assert!(a.len() < 60_000, "fonts must be subset, got {} bytes", a.len());
    }

    #[test]
    fn refuses_to_drop_characters() {
        let bad = sheet().fact("Customer", "Sakura \u{13000}");
        let err = render_about(&bad).expect_err("no embedded font has Egyptian hieroglyphs");
        assert!(err.to_string().contains("in Customer"), "{err}");
    }
}
