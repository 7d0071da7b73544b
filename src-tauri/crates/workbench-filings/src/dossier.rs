//! A customer's file as a PDF: titled sections of label / value lines flowing over as many A4
//! pages as they need, each page footed with the file's title and page number. Values in a
//! script the embedded fonts lack are replaced by a note pointing to the JSON export, which
//! carries every value as stored.

use crate::error::FilingError;
use crate::layout::{Face, Flow, new_document, pt, save_deterministic};
use chrono::{DateTime, Utc};

const LABEL_MM: f32 = 46.0;
const SIZE: f32 = 9.5;
const GAP: f32 = 13.0;
const UNSHOWN: &str = "(in a script this PDF cannot show — see the JSON export)";

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

/// Renders the file.
///
/// # Errors
/// [`FilingError`] when the fonts cannot be loaded.
pub fn render_dossier(dossier: &Dossier) -> Result<Vec<u8>, FilingError> {
    let (mut doc, fonts) = new_document(&dossier.title, "Customer file", dossier.generated_at)?;
    let mut flow = Flow::new(&fonts);
    let left = flow.left;
    let title = flow.shown(Face::Bold, &dossier.title, UNSHOWN);
    flow.text_at(Face::Bold, 15.0, left, &title);
    flow.y -= 16.0;
    let subtitle = flow.shown(Face::Regular, &dossier.subtitle, UNSHOWN);
    flow.text_at(Face::Regular, 9.0, left, &subtitle);
    flow.y -= 8.0;
    flow.rule(20.0);

    let value_indent = pt(LABEL_MM);
    for section in &dossier.sections {
        flow.need(GAP * 3.0);
        let heading = flow.shown(Face::Bold, &section.title, UNSHOWN);
        flow.text_at(Face::Bold, 11.0, left, &heading);
        flow.y -= GAP + 2.0;
        if section.lines.is_empty() {
            flow.text_at(Face::Regular, SIZE, left, "none");
            flow.y -= GAP;
        }
        for (label, value) in &section.lines {
            let label = flow.shown(Face::Bold, label, UNSHOWN);
            let value = flow.shown(Face::Regular, value, UNSHOWN);
            let wrapped = fonts.wrap(Face::Regular, SIZE, &value, flow.right - left - value_indent);
            flow.need(GAP * wrapped.len().max(1) as f32);
            flow.text_at(Face::Bold, SIZE, left, &label);
            for line in wrapped {
                flow.text_at(Face::Regular, SIZE, left + value_indent, &line);
                flow.y -= GAP;
            }
        }
        flow.y -= 10.0;
    }
    flow.finish(&mut doc, |n, count| format!("{title} · page {n} of {count}"));
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
