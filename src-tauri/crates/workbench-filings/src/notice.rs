//! The customer notice (R9): the rule pack's notice text, addressed to one customer, as a
//! one-page A4 PDF. The workspace keeps the rendered file in its vault as proof of notice.

use chrono::{DateTime, Utc};
use printpdf::{Mm, PdfPage};

use crate::error::FilingError;
use crate::layout::{self, A4, Face, new_document, pt, rule, save_deterministic};

const MARGIN_MM: f32 = 22.0;
const BODY_SIZE: f32 = 10.5;
const LINE_GAP: f32 = 15.0;

/// What a notice says and to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerNotice {
    /// The provider's legal name (also replaces `{provider}` in the text).
    pub provider: String,
    /// The customer's reference.
    pub customer_ref: String,
    /// The customer's name.
    pub customer_name: String,
    /// The customer's address, one line.
    pub customer_address: String,
    /// The pack's notice text, with `{provider}` still in it.
    pub text: String,
    /// The rule pack it comes from (id) and the requirement (R9).
    pub pack: String,
    /// The notice's id (printed so the stored copy can be matched).
    pub notice_id: String,
    /// When it was rendered.
    pub issued_at: DateTime<Utc>,
}

/// Renders the notice. A name or address in a script the embedded fonts lack (e.g. CJK) is
/// replaced by a line saying so, and the reference identifies the customer; the notice text
/// itself must be printable.
///
/// # Errors
/// [`FilingError::MissingGlyph`] if the provider's name or the notice text has a character the
/// embedded fonts lack.
pub fn render_notice(notice: &CustomerNotice) -> Result<Vec<u8>, FilingError> {
    let title = format!("Notice to customer {}", notice.customer_ref);
    let (mut doc, fonts) = new_document(&title, "Customer identification notice (R9)", notice.issued_at)?;
    let (width, height) = A4;
    let left = pt(MARGIN_MM);
    let right = pt(width - MARGIN_MM);
    let mut y = pt(height - MARGIN_MM) - 14.0;

    fonts.ensure_printable(Face::Bold, &notice.provider, "the provider's name")?;
    let body = notice.text.replace("{provider}", &notice.provider);
    fonts.ensure_printable(Face::Regular, &body, "the notice text")?;

    let mut ops = fonts.text(Face::Bold, 13.0, left, y, &notice.provider);
    y -= 16.0;
    ops.extend(fonts.text(
        Face::Regular,
        9.0,
        left,
        y,
        &format!("Issued {}", notice.issued_at.format("%-d %B %Y")),
    ));
    y -= 10.0;
    ops.extend(rule(left, right, y, 0.6));
    y -= 26.0;

    let printable = |text: &str| fonts.ensure_printable(Face::Regular, text, "").is_ok();
    ops.extend(fonts.text(
        Face::Regular,
        BODY_SIZE,
        left,
        y,
        &format!("Customer reference {}", notice.customer_ref),
    ));
    y -= LINE_GAP;
    for line in [&notice.customer_name, &notice.customer_address] {
        let shown = if printable(line) {
            line.clone()
        } else {
            "(written in a script this document's fonts cannot show; see the reference above)".to_owned()
        };
        for wrapped in fonts.wrap(Face::Regular, BODY_SIZE, &shown, right - left) {
            ops.extend(fonts.text(Face::Regular, BODY_SIZE, left, y, &wrapped));
            y -= LINE_GAP;
        }
    }
    y -= 18.0;
    ops.extend(fonts.text(Face::Bold, 15.0, left, y, "Notice: customer identification"));
    y -= 24.0;
    for paragraph in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let flowing = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        for line in fonts.wrap(Face::Regular, BODY_SIZE, &flowing, right - left) {
            ops.extend(fonts.text(Face::Regular, BODY_SIZE, left, y, &line));
            y -= LINE_GAP;
        }
        y -= 8.0;
    }

    let footer = format!("Notice {} · rule pack {} (R9)", notice.notice_id, notice.pack);
    ops.extend(layout::footer(&fonts, left, right, pt(MARGIN_MM), &footer));
    doc.pages.push(PdfPage::new(Mm(width), Mm(height), ops));
    Ok(save_deterministic(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn notice(name: &str) -> CustomerNotice {
        CustomerNotice {
            provider: "Example Cloud LLC".into(),
            customer_ref: "C-000001".into(),
            customer_name: name.into(),
            customer_address: "Hauptstraße 4, 80331 München, DE".into(),
            text: "{provider} offers IaaS. We collect and verify identifying information.".into(),
            pack: "us-bis-iaas-cip-2024-nprm".into(),
            notice_id: "0190-test".into(),
            issued_at: chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).single().expect("date"),
        }
    }

    #[test]
    fn renders_deterministically_with_the_provider_in_the_text() {
        let a = render_notice(&notice("Müller Datentechnik GmbH")).expect("render");
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, render_notice(&notice("Müller Datentechnik GmbH")).expect("render"));
        assert!(a.len() < 60_000, "fonts are subset: {} bytes", a.len());
    }

    #[test]
    fn a_name_in_a_script_without_glyphs_is_replaced_not_dropped_silently() {
        let pdf = render_notice(&notice("Sakura \u{13000}")).expect("render");
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn an_unprintable_notice_text_is_refused() {
        let mut bad = notice("Ana Souza");
        bad.text = "{provider} \u{13000}".into();
        assert!(matches!(render_notice(&bad), Err(FilingError::MissingGlyph { .. })));
    }
}
