//! A version of the written CIP (R1) as a PDF: a heading block with the version's state, dates
//! and content hash, a table of contents, then every section with its Markdown laid out as
//! headings, paragraphs, lists and preformatted lines.

use chrono::{DateTime, Utc};
use workbench_core::cip::{Block, CipSection, markdown_blocks};

use crate::error::FilingError;
use crate::layout::{Face, Flow, new_document, save_deterministic};

const SIZE: f32 = 10.0;
const LEADING: f32 = 13.5;

/// What the PDF shows of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CipDocument {
    /// The provider whose program it is (or the reseller adopting it).
    pub provider: String,
    /// Version number.
    pub number: i64,
    /// False for a draft: the pages say it is not in force.
    pub approved: bool,
    /// "2026-12-01", when approved.
    pub effective_on: Option<String>,
    /// "Ada Officer on 2026-11-28", when approved.
    pub approved_by: Option<String>,
    /// What changed since the version it was based on.
    pub change_summary: String,
    /// SHA-256 of the text.
    pub sha256: String,
    /// The sections.
    pub sections: Vec<CipSection>,
    /// When the PDF was made.
    pub generated_at: DateTime<Utc>,
}

impl CipDocument {
    /// "CIP version 3", as footers and indexes name it.
    pub fn label(&self) -> String {
        format!("CIP version {}{}", self.number, if self.approved { "" } else { " (draft)" })
    }
}

/// Renders a version on its own.
///
/// # Errors
/// [`FilingError::MissingGlyph`] naming the section whose text the embedded fonts cannot print.
pub fn render_cip(cip: &CipDocument) -> Result<Vec<u8>, FilingError> {
    let title = format!("Customer Identification Program — {}", cip.provider);
    let (mut doc, fonts) = new_document(&title, "Customer Identification Program", cip.generated_at)?;
    let mut flow = Flow::new(&fonts);
    write_cip(&mut flow, cip)?;
    let label = cip.label();
    let short = cip.sha256.get(..12).unwrap_or(&cip.sha256).to_owned();
    flow.finish(&mut doc, |n, count| format!("{label} · text SHA-256 {short}… · page {n} of {count}"));
    Ok(save_deterministic(&doc))
}

/// Writes a version into `flow` from the cursor on (a packet places it after its index).
pub(crate) fn write_cip(flow: &mut Flow<'_>, cip: &CipDocument) -> Result<(), FilingError> {
    let fonts = flow.fonts;
    fonts.ensure_printable(Face::Bold, &cip.provider, "the provider's name")?;
    fonts.ensure_printable(Face::Regular, &cip.change_summary, "the change summary")?;
    for s in &cip.sections {
        let context = format!("section “{}”", s.title);
        fonts.ensure_printable(Face::Bold, &s.title, &context)?;
        fonts.ensure_printable(Face::Regular, &s.body, &context)?;
    }
    let left = flow.left;
    flow.title_block("Customer Identification Program", &cip.provider);
    let state =
        if cip.approved { "Approved".to_owned() } else { "DRAFT — not approved, not in force".to_owned() };
    let mut facts = vec![("Version", cip.number.to_string()), ("State", state)];
    if let Some(on) = &cip.effective_on {
        facts.push(("Effective", on.clone()));
    }
    if let Some(by) = &cip.approved_by {
        facts.push(("Approved by", by.clone()));
    }
    if !cip.change_summary.trim().is_empty() {
        facts.push(("Changes", cip.change_summary.trim().to_owned()));
    }
    facts.push(("Text SHA-256", cip.sha256.clone()));
    flow.facts(&facts, 80.0);
    flow.y -= 8.0;
    flow.text_at(Face::Bold, 11.0, left, "Contents");
    flow.y -= 15.0;
    for (n, s) in cip.sections.iter().enumerate() {
        flow.need(13.0);
        flow.text_at(Face::Regular, 9.5, left, &format!("{}.  {}  ({})", n + 1, s.title, s.rid));
        flow.y -= 13.0;
    }
    flow.y -= 10.0;

    for (n, s) in cip.sections.iter().enumerate() {
        flow.need(LEADING * 4.0);
        flow.rule(16.0);
        let heading = format!("{}. {}", n + 1, s.title);
        flow.text_at(Face::Bold, 12.5, left, &heading);
        let tag = format!("({})", s.rid);
        let x = flow.right - fonts.width(Face::Regular, 9.0, &tag);
        flow.text_at(Face::Regular, 9.0, x, &tag);
        flow.y -= 18.0;
        let blocks = markdown_blocks(&s.body);
        if blocks.is_empty() {
            flow.paragraph(Face::Regular, SIZE, 0.0, LEADING, "(no text)");
        }
        for block in blocks {
            write_block(flow, &block);
        }
        flow.y -= 6.0;
    }
    Ok(())
}

fn write_block(flow: &mut Flow<'_>, block: &Block) {
    match block {
        Block::Heading { level, text } => {
            let size = if *level <= 2 { 11.0 } else { 10.0 };
            flow.need(LEADING * 3.0);
            flow.y -= 3.0;
            flow.paragraph(Face::Bold, size, 0.0, LEADING, text);
            flow.y -= 2.0;
        }
        Block::Paragraph(text) => {
            flow.paragraph(Face::Regular, SIZE, 0.0, LEADING, text);
            flow.y -= 5.0;
        }
        Block::Item { depth, marker, text } => {
            let indent = 14.0 + f32::from(*depth) * 14.0;
            flow.need(LEADING);
            let x = flow.left + indent - 12.0;
            flow.text_at(Face::Regular, SIZE, x, marker);
            flow.paragraph(Face::Regular, SIZE, indent + 2.0, LEADING, text);
            flow.y -= 1.5;
        }
        Block::Code(text) => {
            for line in text.lines() {
                flow.paragraph(Face::Regular, 9.0, 14.0, 12.0, line);
            }
            flow.y -= 5.0;
        }
        Block::Rule => {
            flow.need(12.0);
            flow.y -= 2.0;
            flow.rule(10.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn cip(body: &str) -> CipDocument {
        CipDocument {
            provider: "Example Cloud LLC".into(),
            number: 2,
            approved: true,
            effective_on: Some("2026-12-01".into()),
            approved_by: Some("Ada Officer on 2026-11-28".into()),
            change_summary: "Digital ID added".into(),
            sha256: "ab".repeat(32),
            sections: vec![CipSection {
                key: "verification_methods".into(),
                title: "Verification methods".into(),
                rid: "R4".into(),
                body: body.into(),
            }],
            generated_at: Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).single().expect("date"),
        }
    }

    #[test]
    fn renders_deterministically_and_flows_long_text_over_pages() {
        let short = render_cip(&cip("We verify.\n\n- documents\n- databases")).expect("render");
        assert!(short.starts_with(b"%PDF-"));
        assert_eq!(short, render_cip(&cip("We verify.\n\n- documents\n- databases")).expect("again"));
        let long = render_cip(&cip(&"A paragraph of policy text that wraps. ".repeat(400))).expect("long");
        let pages = |pdf: &[u8]| pdf.windows(10).filter(|w| w == b"/Type /Pag" || w == b"/Type/Page").count();
        assert!(pages(&long) > pages(&short));
    }

    #[test]
    fn text_the_fonts_cannot_print_names_its_section() {
        let err = render_cip(&cip("Identity \u{13000}")).expect_err("no hieroglyph glyphs");
        assert!(err.to_string().contains("section “Verification methods”"), "{err}");
    }
}
