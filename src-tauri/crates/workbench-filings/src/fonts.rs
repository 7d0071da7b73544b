//! Fonts embedded in every filing.
//!
//! The TrueType files are compiled into the binary from `assets/fonts/`, so a filing renders the
//! same on every machine and never depends on what the OS has installed.

use printpdf::ParsedFont;

use crate::error::FilingError;

/// An embedded font file.
pub(crate) struct EmbeddedFont {
    /// File name under `assets/fonts/`.
    pub name: &'static str,
    /// The TrueType bytes.
    pub bytes: &'static [u8],
}

/// The regular text face.
pub(crate) const REGULAR: EmbeddedFont =
    EmbeddedFont { name: "DejaVuSans.ttf", bytes: include_bytes!("../../../../assets/fonts/DejaVuSans.ttf") };

/// The bold face, for headings and labels.
pub(crate) const BOLD: EmbeddedFont = EmbeddedFont {
    name: "DejaVuSans-Bold.ttf",
    bytes: include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf"),
};

const ALL: [EmbeddedFont; 2] = [REGULAR, BOLD];

impl EmbeddedFont {
    /// Parses the font, naming it in the error.
    pub(crate) fn parse(&self) -> Result<ParsedFont, FilingError> {
        let mut warnings = Vec::new();
        ParsedFont::from_bytes(self.bytes, 0, &mut warnings)
            .ok_or_else(|| FilingError::Font { name: self.name, reason: "not a usable TrueType font".into() })
    }
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
    ALL.iter()
        .map(|font| font.parse().map(|_| FontReport { name: font.name, bytes: font.bytes.len() }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_font_parses() {
        let report = check_fonts().expect("fonts parse");
        let names: Vec<_> = report.iter().map(|r| r.name).collect();
        assert_eq!(names, ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]);
        assert!(report.iter().all(|r| r.bytes > 100_000), "suspiciously small font: {report:?}");
    }
}
