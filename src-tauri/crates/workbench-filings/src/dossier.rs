//! A customer's file as a PDF: titled sections of label / value lines flowing over as many A4
//! pages as they need, each page footed with the file's title and page number. Values in a
//! script the embedded fonts lack are replaced by a note pointing to the JSON export, which
//! carries every value as stored.

use chrono::{DateTime, Utc};
use printpdf::{Mm, Op, PdfPage};

use crate::error::FilingError;
use crate::layout::{self, A4, Face, Fonts, new_document, pt, rule, save_deterministic};

const MARGIN_MM: f32 = 18.0;
const LABEL_MM: f32 = 46.0;
const SIZE: f32 = 9.5;
const GAP: f32 = 13.0;

/// One titled section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierSection {
    /// Heading.
    pub title: String,
    /// Label / value lines, in order.
    pub lines: Vec<(String, String)>,
}

/// A whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dossier {
    /// Heading of the first page (e.g. "Customer file C-000001").
    pub title: String,
    /// Line under it (provider, generated when).
    pub subtitle: String,
    /// When it was generated.
    pub generated_at: DateTime<Utc>,
    /// Sections.
    pub sections: Vec<DossierSection>,
}

struct Flow<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
}

impl Flow<'_> {
    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Makes room for `height` points, starting a new page when needed.
    fn need(&mut self, height: f32) {
        if self.y - height < self.bottom {
            self.pages.push(Vec::new());
            self.y = self.top;
        }
    }

    fn shown(&self, face: Face, text: &str) -> String {
        if self.fonts.ensure_printable(face, text, "").is_ok() {
            text.to_owned()
        } else {
            "(in a script this PDF cannot show — see the JSON export)".to_owned()
        }
    }
}

/// Renders the file.
///
/// # Errors
/// [`FilingError`] when the fonts cannot be loaded.
pub fn render_dossier(dossier: &Dossier) -> Result<Vec<u8>, FilingError> {
    let (mut doc, fonts) = new_document(&dossier.title, "Customer file", dossier.generated_at)?;
    let (width, height) = A4;
    let mut flow = Flow {
        fonts: &fonts,
        pages: Vec::new(),
        y: pt(height - MARGIN_MM) - 14.0,
        left: pt(MARGIN_MM),
        right: pt(width - MARGIN_MM),
        top: pt(height - MARGIN_MM) - 10.0,
        bottom: pt(MARGIN_MM) + 30.0,
    };
    let (left, right) = (flow.left, flow.right);
    let title = flow.shown(Face::Bold, &dossier.title);
    let ops = fonts.text(Face::Bold, 15.0, left, flow.y, &title);
    flow.page().extend(ops);
    flow.y -= 16.0;
    let subtitle = flow.shown(Face::Regular, &dossier.subtitle);
    let ops = fonts.text(Face::Regular, 9.0, left, flow.y, &subtitle);
    flow.page().extend(ops);
    flow.y -= 8.0;
    let ops = rule(left, right, flow.y, 0.6);
    flow.page().extend(ops);
    flow.y -= 20.0;

    let value_x = left + pt(LABEL_MM);
    for section in &dossier.sections {
        flow.need(GAP * 3.0);
        let ops = fonts.text(Face::Bold, 11.0, left, flow.y, &flow.shown(Face::Bold, &section.title));
        flow.page().extend(ops);
        flow.y -= GAP + 2.0;
        if section.lines.is_empty() {
            let ops = fonts.text(Face::Regular, SIZE, left, flow.y, "none");
            flow.page().extend(ops);
            flow.y -= GAP;
        }
        for (label, value) in &section.lines {
            let label = flow.shown(Face::Bold, label);
            let value = flow.shown(Face::Regular, value);
            let wrapped = fonts.wrap(Face::Regular, SIZE, &value, right - value_x);
            flow.need(GAP * wrapped.len().max(1) as f32);
            let ops = fonts.text(Face::Bold, SIZE, left, flow.y, &label);
            flow.page().extend(ops);
            for line in wrapped {
                let ops = fonts.text(Face::Regular, SIZE, value_x, flow.y, &line);
                flow.page().extend(ops);
                flow.y -= GAP;
            }
        }
        flow.y -= 10.0;
    }

    let count = flow.pages.len();
    for (n, ops) in flow.pages.into_iter().enumerate() {
        let mut ops = ops;
        let foot = format!("{} · page {} of {count}", title, n + 1);
        ops.extend(layout::footer(&fonts, left, right, pt(MARGIN_MM), &foot));
        doc.pages.push(PdfPage::new(Mm(width), Mm(height), ops));
    }
    Ok(save_deterministic(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn dossier(lines: usize) -> Dossier {
        Dossier {
            title: "Customer file C-000001".into(),
            subtitle: "Example Cloud LLC".into(),
            generated_at: chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).single().expect("date"),
            sections: vec![
                DossierSection {
                    title: "Identity".into(),
                    lines: vec![("Name".into(), "株式会社サクラ".into()), ("Country".into(), "JP".into())],
                },
                DossierSection {
                    title: "Audit".into(),
                    lines: (0..lines).map(|i| (format!("Event {i}"), "a long value ".repeat(12))).collect(),
                },
            ],
        }
    }

    #[test]
    fn flows_over_pages_and_is_deterministic() {
        let short = render_dossier(&dossier(3)).expect("render");
        assert!(short.starts_with(b"%PDF-"));
        assert_eq!(short, render_dossier(&dossier(3)).expect("again"));
        let long = render_dossier(&dossier(200)).expect("render");
        let pages = |pdf: &[u8]| pdf.windows(10).filter(|w| w == b"/Type /Pag" || w == b"/Type/Page").count();
        assert!(pages(&long) > pages(&short), "more lines, more pages");
    }
}
