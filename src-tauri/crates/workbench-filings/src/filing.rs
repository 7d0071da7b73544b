//! The filing engine (R12–R15, R18): lays out a [`FilingDoc`] from `workbench-core` — headings,
//! paragraphs, facts, tables that break across pages with their header repeated, signature
//! blocks — on A4 or US Letter, with a running header (provider, filing kind, filing id, rule
//! pack) and footer (audit checkpoint, page X of Y) on every page.
//!
//! Text the embedded fonts cannot draw is printed as its code points (`[U+682A]`), visibly,
//! never dropped. Same document + same time → byte-identical PDF.

use chrono::{DateTime, Utc};
use workbench_core::filing::{Block, Column, FilingDoc};

use crate::error::FilingError;
use crate::layout::{Face, Flow, new_document, rule, save_deterministic};

const SIZE: f32 = 10.0;
const LEADING: f32 = 13.5;
const CELL_SIZE: f32 = 8.5;
const CELL_LEADING: f32 = 11.0;
const CELL_PAD: f32 = 3.0;

/// Renders a filing.
///
/// # Errors
/// [`FilingError::Font`] only if an embedded font is broken.
pub fn render_filing(doc: &FilingDoc, generated_at: DateTime<Utc>) -> Result<Vec<u8>, FilingError> {
    let m = &doc.masthead;
    let (mut pdf, fonts) = new_document(&doc.title, &m.kind, generated_at)?;
    pdf.metadata.info.author = m.provider.clone();
    pdf.metadata.info.keywords = vec![m.filing_id.clone(), m.pack_id.clone()];
    let mut flow = Flow::with_page(&fonts, doc.page.mm(), 22.0);
    let left = flow.left;
    let title = fonts.visible(Face::Bold, &doc.title);
    for line in fonts.wrap(Face::Bold, 15.0, &title, flow.right - left) {
        flow.text_at(Face::Bold, 15.0, left, &line);
        flow.y -= 18.0;
    }
    flow.y -= 2.0;
    flow.rule(14.0);
    for (i, block) in doc.blocks.iter().enumerate() {
        write_block(&mut flow, block, &doc.blocks[i + 1..]);
    }
    let provider = fonts.visible(Face::Regular, &m.provider);
    let first = (format!("{provider} · {}", m.kind), format!("filing {}", m.filing_id));
    let second = (format!("rule pack {}", m.pack_id), String::new());
    let checkpoint = format!("audit checkpoint {}", m.checkpoint);
    flow.finish_framed(
        &mut pdf,
        |_, _| vec![first.clone(), second.clone()],
        |n, count| (checkpoint.clone(), format!("page {n} of {count}")),
    );
    Ok(save_deterministic(&pdf))
}

/// The room a heading needs below it so that it is never parted from what it introduces: the
/// facts under it and the first two lines of what follows them.
fn kept_with_heading(following: &[Block]) -> f32 {
    let first_lines = |block: Option<&Block>| match block {
        Some(Block::Paragraph { .. }) => 2.0 * LEADING,
        Some(Block::Table { .. }) => 2.0 * (CELL_LEADING + 2.0 * CELL_PAD),
        _ => 0.0,
    };
    17.0 + match following.first() {
        Some(Block::Facts { facts }) => 13.0 * facts.len() as f32 + 6.0 + first_lines(following.get(1)),
        other => first_lines(other),
    }
}

/// Draws `block`; `following` are the blocks after it (a heading keeps room for their start).
fn write_block(flow: &mut Flow<'_>, block: &Block, following: &[Block]) {
    let fonts = flow.fonts;
    match block {
        Block::Heading { text, rid } => {
            flow.y -= 4.0;
            // Never more than half a page, so a long run of facts still starts under its heading.
            flow.need(kept_with_heading(following).max(LEADING * 4.0).min(flow.page_room() / 2.0));
            let left = flow.left;
            flow.text_at(Face::Bold, 12.0, left, &fonts.visible(Face::Bold, text));
            if let Some(rid) = rid {
                let tag = format!("({rid})");
                let x = flow.right - fonts.width(Face::Regular, 9.0, &tag);
                flow.text_at(Face::Regular, 9.0, x, &tag);
            }
            flow.y -= 17.0;
        }
        Block::Paragraph { text } => {
            flow.paragraph(Face::Regular, SIZE, 0.0, LEADING, &fonts.visible(Face::Regular, text));
            flow.y -= 5.0;
        }
        Block::Facts { facts } => {
            let shown: Vec<(&str, String)> = facts
                .iter()
                .map(|(label, value)| (label.as_str(), fonts.visible(Face::Regular, value)))
                .collect();
            flow.facts(&shown, 110.0);
            flow.y -= 6.0;
        }
        Block::Table { columns, rows, empty } => {
            if rows.is_empty() {
                flow.paragraph(Face::Regular, SIZE, 0.0, LEADING, empty);
                flow.y -= 5.0;
            } else {
                table(flow, columns, rows);
            }
        }
        Block::Signature { signer, statement } => {
            flow.need(140.0);
            flow.paragraph(Face::Regular, SIZE, 0.0, LEADING, statement);
            flow.y -= 12.0;
            let left = flow.left;
            flow.text_at(Face::Regular, 9.5, left, "Name");
            flow.text_at(Face::Regular, 10.0, left + 70.0, &fonts.visible(Face::Regular, signer));
            flow.y -= 26.0;
            for label in ["Title", "Signature", "Date"] {
                flow.text_at(Face::Regular, 9.5, left, label);
                let line = rule(left + 70.0, left + 320.0, flow.y - 3.0, 0.4);
                flow.draw(line);
                flow.y -= 26.0;
            }
        }
    }
}

/// Wrapped cell lines per column.
fn cells(flow: &Flow<'_>, face: Face, widths: &[f32], texts: &[String]) -> Vec<Vec<String>> {
    widths
        .iter()
        .zip(texts)
        .map(|(w, t)| flow.fonts.wrap(face, CELL_SIZE, &flow.fonts.visible(face, t), w - 2.0 * CELL_PAD))
        .collect()
}

fn row_height(lines: &[Vec<String>]) -> f32 {
    lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * CELL_LEADING + 2.0 * CELL_PAD
}

/// Draws one row's cells from the cursor down and moves the cursor below it.
fn draw_row(
    flow: &mut Flow<'_>,
    face: Face,
    columns: &[Column],
    xs: &[f32],
    widths: &[f32],
    lines: &[Vec<String>],
) {
    let top = flow.y;
    for (i, cell) in lines.iter().enumerate() {
        let mut y = top - CELL_PAD - CELL_SIZE;
        for line in cell {
            let x = if columns[i].numeric {
                xs[i] + widths[i] - CELL_PAD - flow.fonts.width(face, CELL_SIZE, line)
            } else {
                xs[i] + CELL_PAD
            };
            let ops = flow.fonts.text(face, CELL_SIZE, x, y, line);
            flow.draw(ops);
            y -= CELL_LEADING;
        }
    }
    flow.y = top - row_height(lines);
}

/// Column widths from the shares, widened so no header word (nor, within reason, cell word)
/// breaks inside (the room is taken
/// from columns with more than they need, in proportion to their slack).
fn fit_widths(flow: &Flow<'_>, columns: &[Column], rows: &[Vec<String>], width: f32, total: f32) -> Vec<f32> {
    let word =
        |face, text: &str| text.split(' ').map(|w| flow.fonts.width(face, CELL_SIZE, w)).fold(0.0, f32::max);
    let mins: Vec<f32> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let body =
                rows.iter().filter_map(|r| r.get(i)).map(|t| word(Face::Regular, t)).fold(0.0, f32::max);
            // A long unbroken value (a hash, a path) may still break: cap what it claims.
            word(Face::Bold, &c.title).max(body.min(width * 0.25)) + 2.0 * CELL_PAD + 1.0
        })
        .collect();
    let mut widths: Vec<f32> = columns.iter().map(|c| width * c.share / total).collect();
    let deficit: f32 = widths.iter().zip(&mins).map(|(w, m)| (m - w).max(0.0)).sum();
    if deficit <= 0.0 {
        return widths;
    }
    let slack: f32 = widths.iter().zip(&mins).map(|(w, m)| (w - m).max(0.0)).sum();
    let take = deficit.min(slack);
    for (w, m) in widths.iter_mut().zip(&mins) {
        if *w < *m {
            *w = *m;
        } else if slack > 0.0 {
            *w -= (*w - m) / slack * take;
        }
    }
    widths
}

/// A table: the header row, then the rows; a row that does not fit starts a new page, which
/// repeats the header first.
fn table(flow: &mut Flow<'_>, columns: &[Column], rows: &[Vec<String>]) {
    let width = flow.right - flow.left;
    let total: f32 = columns.iter().map(|c| c.share).sum::<f32>().max(f32::EPSILON);
    let widths = fit_widths(flow, columns, rows, width, total);
    let xs: Vec<f32> = widths
        .iter()
        .scan(flow.left, |x, w| {
            let at = *x;
            *x += w;
            Some(at)
        })
        .collect();
    let titles: Vec<String> = columns.iter().map(|c| c.title.clone()).collect();
    let header = cells(flow, Face::Bold, &widths, &titles);
    let header_h = row_height(&header);
    let draw_header = |flow: &mut Flow<'_>| {
        let top = flow.y;
        draw_row(flow, Face::Bold, columns, &xs, &widths, &header);
        let (left, right) = (flow.left, flow.right);
        flow.draw(rule(left, right, top + 1.0, 0.55));
        flow.draw(rule(left, right, flow.y, 0.55));
    };
    let first = rows.first().map(|r| cells(flow, Face::Regular, &widths, r));
    flow.need(header_h + first.as_deref().map_or(0.0, row_height));
    draw_header(flow);
    for (i, row) in rows.iter().enumerate() {
        let lines = match (i, &first) {
            (0, Some(first)) => first.clone(),
            _ => cells(flow, Face::Regular, &widths, row),
        };
        let h = row_height(&lines);
        if !flow.fits(h) {
            flow.new_page();
            draw_header(flow);
        }
        draw_row(flow, Face::Regular, columns, &xs, &widths, &lines);
        let (left, right) = (flow.left, flow.right);
        flow.draw(rule(left, right, flow.y, 0.85));
    }
    flow.y -= 10.0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use workbench_core::filing::{Masthead, PageSize};

    fn doc(rows: usize, page: PageSize) -> FilingDoc {
        FilingDoc {
            title: "Annual certification 2026 (covers 2025)".into(),
            masthead: Masthead {
                provider: "Example Cloud LLC".into(),
                kind: "Annual certification".into(),
                filing_id: "0190-test".into(),
                pack_id: "us-bis-iaas-cip-2024-nprm".into(),
                checkpoint: "ab".repeat(32),
            },
            page,
            blocks: vec![
                Block::Heading { text: "Foreign resellers".into(), rid: Some("R18".into()) },
                Block::Table {
                    columns: vec![
                        Column::text("Reference", 0.2),
                        Column::text("Legal name", 0.6),
                        Column::number("Customers", 0.2),
                    ],
                    rows: (0..rows)
                        .map(|i| {
                            vec![
                                format!("R-{i:03}"),
                                format!("Reseller {i} — Ελληνικά Кириллица 株式"),
                                i.to_string(),
                            ]
                        })
                        .collect(),
                    empty: "none".into(),
                },
                Block::Signature { signer: "Olivia Officer".into(), statement: "I certify.".into() },
            ],
        }
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).single().expect("date")
    }

    fn pages(pdf: &[u8]) -> usize {
        lopdf::Document::load_mem(pdf).expect("pdf").get_pages().len()
    }

    #[test]
    fn same_document_same_bytes_and_long_tables_run_over_pages() {
        let short = render_filing(&doc(3, PageSize::A4), at()).expect("render");
        assert_eq!(short, render_filing(&doc(3, PageSize::A4), at()).expect("again"));
        assert_eq!(pages(&short), 1);
        let long = render_filing(&doc(200, PageSize::A4), at()).expect("render");
        assert!(pages(&long) >= 4, "{} pages", pages(&long));
        let letter = render_filing(&doc(200, PageSize::Letter), at()).expect("render");
        assert!(pages(&letter) >= pages(&long), "Letter is shorter than A4");
        // Every page repeats the table's header and carries the running header and footer.
        let parsed = lopdf::Document::load_mem(&long).expect("pdf");
        for (n, _) in parsed.get_pages() {
            let text = parsed.extract_text(&[n]).expect("text");
            for needle in [
                "Legal name",
                "filing 0190-test",
                "rule pack us-bis-iaas-cip-2024-nprm",
                "audit checkpoint abab",
            ] {
                assert!(text.contains(needle), "page {n} lacks {needle:?}");
            }
            assert!(text.contains(&format!("page {n} of {}", pages(&long))), "page {n}: {text}");
        }
    }

    #[test]
    fn a_heading_stays_on_the_page_of_its_facts_and_the_first_lines_after_them() {
        // Push the heading down a line at a time until it meets the foot of the first page.
        for filler in 40..70 {
            let mut d = doc(0, PageSize::A4);
            d.blocks = vec![
                Block::Paragraph { text: "Filler line ".repeat(filler * 8) },
                Block::Heading { text: "Oversight of foreign resellers".into(), rid: Some("R20".into()) },
                Block::Facts {
                    facts: vec![
                        ("Owner".into(), "not named".into()),
                        ("Next review".into(), "not set".into()),
                        ("Standing".into(), "no evidence".into()),
                    ],
                },
                Block::Paragraph { text: "Not answered yet.".into() },
            ];
            let pdf = render_filing(&d, at()).expect("render");
            let parsed = lopdf::Document::load_mem(&pdf).expect("pdf");
            for (n, _) in parsed.get_pages() {
                let text = parsed.extract_text(&[n]).expect("text");
                if text.contains("Oversight of foreign resellers") {
                    assert!(
                        text.contains("Standing") && text.contains("Not answered yet."),
                        "{filler}: page {n} parts the heading from what it introduces: {text}"
                    );
                }
            }
        }
    }
}
