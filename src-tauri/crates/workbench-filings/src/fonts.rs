//! Fonts embedded in every filing.
//!
//! The font files are compiled into the binary from `assets/fonts/`, so a filing renders the same
//! on every machine and never depends on what the OS has installed. Text is set per run: each
//! character in the first font of its face's chain that has it (DejaVu, then Noto Sans
//! Devanagari, Thai and CJK).

use printpdf::ParsedFont;

use crate::error::FilingError;

/// An embedded font file.
pub(crate) struct EmbeddedFont {
    /// File name under `assets/fonts/`.
    pub name: &'static str,
    /// The TrueType bytes.
    pub bytes: &'static [u8],
}

macro_rules! embedded {
    ($name:literal) => {
        EmbeddedFont { name: $name, bytes: include_bytes!(concat!("../../../../assets/fonts/", $name)) }
    };
}

/// The regular text face: Latin, Greek, Cyrillic, Hebrew, Arabic, Armenian, Georgian, ….
pub(crate) const REGULAR: EmbeddedFont = embedded!("DejaVuSans.ttf");

/// The bold face, for headings and labels.
pub(crate) const BOLD: EmbeddedFont = embedded!("DejaVuSans-Bold.ttf");

/// Devanagari (Hindi, Marathi, Nepali, …), from Debian's `fonts-noto-core` 20201225-1.
pub(crate) const DEVANAGARI: EmbeddedFont = embedded!("NotoSansDevanagari-Regular.ttf");

/// Devanagari, bold.
pub(crate) const DEVANAGARI_BOLD: EmbeddedFont = embedded!("NotoSansDevanagari-Bold.ttf");

/// Thai, from Debian's `fonts-noto-core` 20201225-1.
pub(crate) const THAI: EmbeddedFont = embedded!("NotoSansThai-Regular.ttf");

/// Thai, bold.
pub(crate) const THAI_BOLD: EmbeddedFont = embedded!("NotoSansThai-Bold.ttf");

/// Chinese, Japanese and Korean (ideographs, kana, Hangul): the Japanese face of Noto Sans CJK
/// (OpenType with CFF outlines), taken out of the collection in Debian's `fonts-noto-cjk`
/// 1:20220127+repack1-1. A filing embeds only the glyphs it uses (printpdf subsets it), so a
/// name in Japanese adds a few kilobytes, not the file's 16 MB. It has no bold in the binary:
/// bold CJK text is set in this regular face.
pub(crate) const CJK: EmbeddedFont = embedded!("NotoSansCJKjp-Regular.otf");

/// Every embedded font, in the order the regular chain tries them, then the bold ones.
pub(crate) const ALL: [EmbeddedFont; 7] = [REGULAR, DEVANAGARI, THAI, CJK, BOLD, DEVANAGARI_BOLD, THAI_BOLD];

/// The PDF resource id of each font of [`ALL`]: printpdf uses the id as the font's subset tag,
/// which PDF readers expect to be exactly six capital letters (e.g. `CWREGU+DejaVuSans`).
pub(crate) const IDS: [&str; 7] = ["CWREGU", "CWDEVR", "CWTHAR", "CWCJKR", "CWBOLD", "CWDEVB", "CWTHAB"];

/// The fallback chain of the regular face: indexes into [`ALL`], tried in order per character.
pub(crate) const REGULAR_CHAIN: [usize; 4] = [0, 1, 2, 3];

/// The fallback chain of the bold face (CJK falls back to the regular CJK face).
pub(crate) const BOLD_CHAIN: [usize; 4] = [4, 5, 6, 3];

impl EmbeddedFont {
    /// Parses the font, naming it in the error.
    pub(crate) fn parse(&self) -> Result<ParsedFont, FilingError> {
        let mut warnings = Vec::new();
        ParsedFont::from_bytes(self.bytes, 0, &mut warnings).ok_or_else(|| FilingError::Font {
            name: self.name,
            reason: "not a usable TrueType or OpenType font".into(),
        })
    }
}

/// Every embedded font parsed, once per process (the CJK face takes tens of milliseconds).
pub(crate) fn parsed() -> Result<&'static [ParsedFont], FilingError> {
    static PARSED: std::sync::OnceLock<Result<Vec<ParsedFont>, (&'static str, String)>> =
        std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            ALL.iter()
                .map(|font| {
                    font.parse().map_err(|e| match e {
                        FilingError::Font { name, reason } => (name, reason),
                        other => (font.name, other.to_string()),
                    })
                })
                .collect()
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(|(name, reason)| FilingError::Font { name, reason: reason.clone() })
}

/// What `doctor` reports about one embedded font.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontReport {
    /// File name under `assets/fonts/`.
    pub name: &'static str,
    /// Size of the embedded file in bytes.
    pub bytes: usize,
}

/// Parses every embedded font; used by `doctor` to prove filings can be rendered.
pub fn check_fonts() -> Result<Vec<FontReport>, FilingError> {
    parsed()?;
    Ok(ALL.iter().map(|font| FontReport { name: font.name, bytes: font.bytes.len() }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_font_parses() {
        let report = check_fonts().expect("fonts parse");
        let names: Vec<_> = report.iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            [
                "DejaVuSans.ttf",
                "NotoSansDevanagari-Regular.ttf",
                "NotoSansThai-Regular.ttf",
                "NotoSansCJKjp-Regular.otf",
                "DejaVuSans-Bold.ttf",
                "NotoSansDevanagari-Bold.ttf",
                "NotoSansThai-Bold.ttf"
            ]
        );
        assert!(report.iter().all(|r| r.bytes > 30_000), "suspiciously small font: {report:?}");
        assert!(IDS.iter().all(|id| id.len() == 6 && id.chars().all(|c| c.is_ascii_uppercase())));
    }
}
