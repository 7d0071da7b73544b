//! Text measurement and page-writing primitives shared by every filing.
//!
//! Widths come from the embedded fonts' own advance tables, so wrapping is exact rather than
//! guessed; a character that no embedded font can draw is an error, never a silent blank.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, Point, Pt, Rgb, TextItem,
};

use crate::error::FilingError;

/// A4 portrait, in millimetres.
pub(crate) const A4: (f32, f32) = (210.0, 297.0);

/// Which embedded face to draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// The embedded fonts, registered with one document: each face a chain of fonts tried per
/// character (see [`crate::fonts`]).
pub(crate) struct Fonts {
    fonts: Vec<(&'static ParsedFont, FontId)>,
}

/// A run of text set in one font: the index of the font in [`crate::fonts::ALL`] and the text.
type Run = (usize, String);

impl Fonts {
    /// Registers every embedded font with `doc` under stable resource ids, so the same input
    /// renders to the same bytes; printpdf writes only the fonts a page uses, each subset to the
    /// glyphs drawn.
    pub(crate) fn register(doc: &mut PdfDocument) -> Result<Self, FilingError> {
        let parsed = crate::fonts::parsed()?;
        let fonts = parsed
            .iter()
            .zip(crate::fonts::IDS)
            .map(|(font, id)| {
                let font_id = FontId(id.to_owned());
                doc.resources.fonts.map.insert(font_id.clone(), printpdf::PdfFont::new(font.clone()));
                (font, font_id)
            })
            .collect();
        Ok(Self { fonts })
    }

    fn chain(face: Face) -> &'static [usize] {
        match face {
            Face::Regular => &crate::fonts::REGULAR_CHAIN,
            Face::Bold => &crate::fonts::BOLD_CHAIN,
        }
    }

    /// The first font of `face`'s chain that can draw `c`.
    fn font_for(&self, face: Face, c: char) -> Option<usize> {
        Self::chain(face).iter().copied().find(|&i| self.fonts[i].0.lookup_glyph_index(c as u32).is_some())
    }

    /// `text` as drawn, split into runs of one font each. Spaces and characters no font has stay
    /// in the run they are in.
    fn runs(&self, face: Face, text: &str) -> Vec<Run> {
        let first = Self::chain(face)[0];
        let mut runs: Vec<Run> = Vec::new();
        for c in visual(text).chars() {
            let font = if c.is_whitespace() { None } else { self.font_for(face, c) };
            match (runs.last_mut(), font) {
                (Some((current, run)), Some(font)) if *current == font => run.push(c),
                (Some((_, run)), None) => run.push(c),
                (_, font) => runs.push((font.unwrap_or(first), c.to_string())),
            }
        }
        runs
    }

    /// Width of `text` set in `face` at `size`, in points.
    pub(crate) fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        self.runs(face, text)
            .iter()
            .map(|(i, run)| {
                let font = self.fonts[*i].0;
                let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
                let units: u32 = run
                    .chars()
                    .filter_map(|c| font.lookup_glyph_index(c as u32))
                    .map(|gid| u32::from(font.get_horizontal_advance(gid)))
                    .sum();
                units as f32 * size / units_per_em
            })
            .sum()
    }

    /// Fails if any character of `text` has no glyph in any font of `face`.
    pub(crate) fn ensure_printable(&self, face: Face, text: &str, context: &str) -> Result<(), FilingError> {
        match visual(text).chars().find(|c| !c.is_whitespace() && self.font_for(face, *c).is_none()) {
            None => Ok(()),
            Some(character) => Err(FilingError::MissingGlyph {
                character,
                code: character as u32,
                context: context.to_owned(),
            }),
        }
    }

    /// `text` with every character no font of `face` can draw replaced by its code point in
    /// brackets (`[U+1F600]`): text in a script the embedded fonts lack stays visible and
    /// identifiable instead of printing as blanks.
    pub(crate) fn visible(&self, face: Face, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            let shown = c.is_whitespace()
                || self.font_for(face, c).is_some()
                // Arabic letters are drawn in their joined forms, which the fonts have.
                || visual(&c.to_string()).chars().all(|f| self.font_for(face, f).is_some());
            if shown {
                out.push(c);
            } else {
                out.push_str(&format!("[U+{:04X}]", c as u32));
            }
        }
        out
    }

    /// Breaks `text` into lines no wider than `max_width` points, at spaces where possible and
    /// inside a word only when the word alone is too wide (long paths, hashes).
    pub(crate) fn wrap(&self, face: Face, size: f32, text: &str, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut current = String::new();
        for word in text.split(' ') {
            let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
            if self.width(face, size, &candidate) <= max_width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            for c in word.chars() {
                current.push(c);
                if self.width(face, size, &current) > max_width && current.chars().count() > 1 {
                    current.pop();
                    lines.push(std::mem::take(&mut current));
                    current.push(c);
                }
            }
        }
        if !current.is_empty() || lines.is_empty() {
            lines.push(current);
        }
        lines
    }

    /// Ops that draw one line of text with its baseline at (`x`, `y`) points: one text section,
    /// the font switched at each run (the cursor advances by each run's glyphs).
    pub(crate) fn text(&self, face: Face, size: f32, x: f32, y: f32, text: &str) -> Vec<Op> {
        if text.is_empty() {
            return Vec::new();
        }
        let mut ops = vec![Op::StartTextSection, Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(y) } }];
        for (i, run) in self.runs(face, text) {
            ops.push(Op::SetFont { font: PdfFontHandle::External(self.fonts[i].1.clone()), size: Pt(size) });
            ops.push(Op::ShowText { items: vec![TextItem::Text(run)] });
        }
        ops.push(Op::EndTextSection);
        ops
    }
}

/// One line of text in the order its glyphs are drawn, left to right: Arabic letters in their
/// joined forms, right-to-left runs (Hebrew, Arabic) reversed by the Unicode bidi algorithm.
/// Text without a right-to-left character is returned as it is.
fn visual(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_bidi::{BidiClass, BidiInfo, bidi_class};
    if !text.chars().any(|c| matches!(bidi_class(c), BidiClass::R | BidiClass::AL)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let shaped = ar_reshaper::reshape_line(text);
    let info = BidiInfo::new(&shaped, None);
    let line: String = info
        .paragraphs
        .iter()
        .map(|paragraph| info.reorder_line(paragraph, paragraph.range.clone()).into_owned())
        .collect();
    std::borrow::Cow::Owned(line)
}

/// A hairline above a small line of text at the bottom margin of a page.
pub(crate) fn footer(fonts: &Fonts, left: f32, right: f32, bottom: f32, text: &str) -> Vec<Op> {
    let mut ops = rule(left, right, bottom + 12.0, 0.6);
    ops.extend(fonts.text(Face::Regular, 8.0, left, bottom, text));
    ops
}

/// Ops that draw a thin horizontal rule from `x1` to `x2` at height `y` (points).
pub(crate) fn rule(x1: f32, x2: f32, y: f32, grey: f32) -> Vec<Op> {
    let point = |x: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
    vec![
        Op::SetOutlineColor { col: Color::Rgb(Rgb { r: grey, g: grey, b: grey, icc_profile: None }) },
        Op::SetOutlineThickness { pt: Pt(0.5) },
        Op::DrawLine { line: Line { points: vec![point(x1), point(x2)], is_closed: false } },
    ]
}

/// A new document with the embedded fonts registered and its metadata set from the inputs
/// only (no wall-clock time), so the same inputs give the same bytes.
pub(crate) fn new_document(
    title: &str,
    subject: &str,
    generated_at: chrono::DateTime<chrono::Utc>,
) -> Result<(PdfDocument, Fonts), FilingError> {
    let mut doc = PdfDocument::new(title);
    let fonts = Fonts::register(&mut doc)?;
    let stamp = printpdf::OffsetDateTime::from_unix_timestamp(generated_at.timestamp())
        .unwrap_or(doc.metadata.info.creation_date);
    let info = &mut doc.metadata.info;
    info.creation_date = stamp;
    info.modification_date = stamp;
    info.metadata_date = stamp;
    info.author = "CIP Workbench".into();
    info.creator = "CIP Workbench".into();
    info.producer = "CIP Workbench (printpdf)".into();
    info.subject = subject.into();
    info.identifier = format!("{}-{}", subject.to_lowercase().replace(' ', "-"), generated_at.timestamp());
    Ok((doc, fonts))
}

/// Saves `doc` and replaces printpdf's random trailer `/ID` with one derived from the content,
/// so the same input always gives the same bytes (and the ID still changes when content does).
pub(crate) fn save_deterministic(doc: &PdfDocument) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut warnings = Vec::new();
    let mut bytes = doc.save(&printpdf::PdfSaveOptions::default(), &mut warnings);
    const MARKER: &[u8] = b"/ID[(";
    const LEN: usize = 32;
    let Some(at) = bytes.windows(MARKER.len()).rposition(|w| w == MARKER) else {
        return bytes;
    };
    let first = at + MARKER.len();
    let second = first + LEN + 2; // skip ")("
    if bytes.len() < second + LEN || &bytes[first + LEN..second] != b")(" {
        return bytes;
    }
    bytes[first..first + LEN].fill(b'0');
    bytes[second..second + LEN].fill(b'0');
    let digest = hex_upper(&Sha256::digest(&bytes)[..LEN / 2]);
    bytes[first..first + LEN].copy_from_slice(digest.as_bytes());
    bytes[second..second + LEN].copy_from_slice(digest.as_bytes());
    bytes
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Page margin of flowing documents, in millimetres.
pub(crate) const MARGIN_MM: f32 = 18.0;

/// Text flowing down A4 pages: keeps the cursor, starts a new page when the next item would
/// cross the bottom margin, and foots every page with its number at the end.
pub(crate) struct Flow<'a> {
    pub(crate) fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    /// Baseline of the next line, in points from the bottom.
    pub(crate) y: f32,
    pub(crate) left: f32,
    pub(crate) right: f32,
    top: f32,
    bottom: f32,
    /// Page width and height in millimetres.
    page: (f32, f32),
}

impl<'a> Flow<'a> {
    /// An empty first A4 page.
    pub(crate) fn new(fonts: &'a Fonts) -> Self {
        Self::with_page(fonts, A4, 0.0)
    }

    /// An empty first page of `page` millimetres, leaving `header` points at the top of every
    /// page for a running header.
    pub(crate) fn with_page(fonts: &'a Fonts, page: (f32, f32), header: f32) -> Self {
        let (width, height) = page;
        Self {
            fonts,
            pages: vec![Vec::new()],
            y: pt(height - MARGIN_MM) - 14.0 - header,
            left: pt(MARGIN_MM),
            right: pt(width - MARGIN_MM),
            top: pt(height - MARGIN_MM) - 10.0 - header,
            bottom: pt(MARGIN_MM) + 30.0,
            page,
        }
    }

    /// The height of a page's text column, in points.
    pub(crate) fn page_room(&self) -> f32 {
        self.top - self.bottom
    }

    /// Whether `height` more points fit on the current page.
    pub(crate) fn fits(&self, height: f32) -> bool {
        self.y - height >= self.bottom
    }

    /// Adds ops to the current page.
    pub(crate) fn draw(&mut self, ops: Vec<Op>) {
        if let Some(page) = self.pages.last_mut() {
            page.extend(ops);
        }
    }

    /// Makes room for `height` points, starting a new page when needed.
    pub(crate) fn need(&mut self, height: f32) {
        if self.y - height < self.bottom {
            self.new_page();
        }
    }

    /// Starts a new page.
    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.top;
    }

    /// Draws one line at the cursor's height, `x` points from the left edge, without moving.
    pub(crate) fn text_at(&mut self, face: Face, size: f32, x: f32, text: &str) {
        let ops = self.fonts.text(face, size, x, self.y, text);
        self.draw(ops);
    }

    /// `text`, or a note when the embedded fonts cannot draw it.
    pub(crate) fn shown(&self, face: Face, text: &str, instead: &str) -> String {
        if self.fonts.ensure_printable(face, text, "").is_ok() { text.to_owned() } else { instead.to_owned() }
    }

    /// Wrapped text from `indent` points right of the margin, `leading` points per line.
    pub(crate) fn paragraph(&mut self, face: Face, size: f32, indent: f32, leading: f32, text: &str) {
        let x = self.left + indent;
        for line in self.fonts.wrap(face, size, text, self.right - x) {
            self.need(leading);
            self.text_at(face, size, x, &line);
            self.y -= leading;
        }
    }

    /// A document's title block: the title, a subtitle line under it, and a rule.
    pub(crate) fn title_block(&mut self, title: &str, subtitle: &str) {
        let left = self.left;
        self.text_at(Face::Bold, 16.0, left, title);
        self.y -= 18.0;
        self.text_at(Face::Regular, 11.0, left, subtitle);
        self.y -= 10.0;
        self.rule(16.0);
    }

    /// Label / value lines, the values wrapped at least `indent` points right of the labels'
    /// start (further when a label is wider).
    pub(crate) fn facts(&mut self, facts: &[(&str, String)], indent: f32) {
        let left = self.left;
        let widest =
            facts.iter().map(|(label, _)| self.fonts.width(Face::Bold, 9.5, label)).fold(0.0, f32::max);
        let indent = indent.max(widest + 12.0);
        for (label, value) in facts {
            let lines = self.fonts.wrap(Face::Regular, 9.5, value, self.right - left - indent);
            self.need(13.0 * lines.len() as f32);
            self.text_at(Face::Bold, 9.5, left, label);
            for line in lines {
                self.text_at(Face::Regular, 9.5, left + indent, &line);
                self.y -= 13.0;
            }
        }
    }

    /// A thin rule across the text column, then `gap` points of space.
    pub(crate) fn rule(&mut self, gap: f32) {
        let ops = rule(self.left, self.right, self.y, 0.6);
        self.draw(ops);
        self.y -= gap;
    }

    /// Adds the pages to `doc`, each footed with `foot(page, count)`.
    pub(crate) fn finish(self, doc: &mut PdfDocument, foot: impl Fn(usize, usize) -> String) {
        self.finish_framed(doc, |_, _| Vec::new(), |n, count| (foot(n, count), String::new()));
    }

    /// Adds the pages to `doc`: each headed with the lines `head(page, count)` gives (left and
    /// right text per line, the first line larger) and footed with `foot(page, count)` (left and
    /// right text).
    pub(crate) fn finish_framed(
        self,
        doc: &mut PdfDocument,
        head: impl Fn(usize, usize) -> Vec<(String, String)>,
        foot: impl Fn(usize, usize) -> (String, String),
    ) {
        let (width, height) = self.page;
        let count = self.pages.len();
        let top = pt(height - MARGIN_MM);
        for (n, content) in self.pages.into_iter().enumerate() {
            // Header first, then the page's content, then the footer: the order a reader (and a
            // progressive renderer) meets them.
            let mut ops = Vec::with_capacity(content.len() + 24);
            let lines = head(n + 1, count);
            let mut y = top - 2.0;
            for (i, (left_text, right_text)) in lines.iter().enumerate() {
                let size = if i == 0 { 8.0 } else { 7.0 };
                ops.extend(self.fonts.text(Face::Regular, size, self.left, y, left_text));
                let x = self.right - self.fonts.width(Face::Regular, size, right_text);
                ops.extend(self.fonts.text(Face::Regular, size, x, y, right_text));
                y -= 10.0;
            }
            if !lines.is_empty() {
                ops.extend(rule(self.left, self.right, y + 4.0, 0.6));
            }
            ops.extend(content);
            let (left_text, right_text) = foot(n + 1, count);
            let bottom = pt(MARGIN_MM);
            ops.extend(footer(self.fonts, self.left, self.right, bottom, &left_text));
            let x = self.right - self.fonts.width(Face::Regular, 8.0, &right_text);
            ops.extend(self.fonts.text(Face::Regular, 8.0, x, bottom, &right_text));
            doc.pages.push(printpdf::PdfPage::new(Mm(width), Mm(height), ops));
        }
    }
}

/// Converts millimetres to points.
pub(crate) fn pt(mm: f32) -> f32 {
    Mm(mm).into_pt().0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::register(&mut PdfDocument::new("t")).expect("fonts")
    }

    #[test]
    fn width_grows_with_text_and_size() {
        let f = fonts();
        let short = f.width(Face::Regular, 10.0, "abc");
        assert!(short > 0.0);
        assert!(f.width(Face::Regular, 10.0, "abcabc") > short * 1.9);
        assert!((f.width(Face::Regular, 20.0, "abc") - 2.0 * short).abs() < 0.01);
    }

    #[test]
    fn wrap_keeps_every_character_and_respects_width() {
        let f = fonts();
        let text = "The provider keeps /a/very/long/path/without/any/spaces/that/must/break and more words";
        let lines = f.wrap(Face::Regular, 10.0, text, 120.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| f.width(Face::Regular, 10.0, l) <= 120.0), "{lines:?}");
        assert_eq!(lines.join(" ").replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn unprintable_character_is_named() {
        let f = fonts();
        assert!(f.ensure_printable(Face::Regular, "Müller Иванов Ελλάδα 株式会社 김민준", "name").is_ok());
        let err =
            f.ensure_printable(Face::Regular, "Name \u{13000}", "customer name").expect_err("no hieroglyphs");
        assert_eq!(err.to_string(), "no embedded font can print '\u{13000}' (U+13000) in customer name");
        assert_eq!(f.visible(Face::Bold, "A\u{13000}B"), "A[U+13000]B");
    }

    #[test]
    fn text_is_set_in_runs_of_the_first_font_that_has_each_character() {
        let f = fonts();
        let ids = |face, text: &str| -> Vec<(&str, String)> {
            f.runs(face, text).into_iter().map(|(i, run)| (crate::fonts::IDS[i], run)).collect()
        };
        assert_eq!(
            ids(Face::Regular, "Ltd 山田 राहुल สมชาย"),
            [
                ("CWREGU", "Ltd ".to_owned()),
                ("CWCJKR", "山田 ".to_owned()),
                ("CWDEVR", "राहुल ".to_owned()),
                ("CWTHAR", "สมชาย".to_owned())
            ]
        );
        // Bold CJK falls back to the regular CJK face; the rest stays bold.
        assert_eq!(ids(Face::Bold, "Nr 7 株"), [("CWBOLD", "Nr 7 ".to_owned()), ("CWCJKR", "株".to_owned())]);
        // A run's width is measured in its own font: CJK is wider than Latin at the same size.
        assert!(f.width(Face::Regular, 10.0, "山田") > f.width(Face::Regular, 10.0, "ab"));
    }

    #[test]
    fn right_to_left_text_is_drawn_in_visual_order_and_arabic_letters_joined() {
        // Hebrew: the letters of a right-to-left run are drawn reversed; the Latin stays.
        assert_eq!(visual("Name: אב"), "Name: בא");
        assert_eq!(visual("אב"), "בא");
        assert_eq!(visual("ID 12 אב"), "ID 12 בא");
        // Arabic: joined forms (U+FExx presentation forms), then reversed.
        let drawn = visual("علي");
        assert!(drawn.chars().all(|c| ('\u{FE70}'..='\u{FEFF}').contains(&c)), "{drawn:?}");
        assert_eq!(drawn.chars().count(), 3);
        // Text without right-to-left characters is untouched (and not copied).
        assert!(matches!(visual("Müller"), std::borrow::Cow::Borrowed("Müller")));
    }
}
