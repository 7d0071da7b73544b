//! Errors of PDF rendering.

/// What can go wrong laying out a filing.
#[derive(Debug, thiserror::Error)]
pub enum FilingError {
    /// An embedded font could not be parsed (a broken build or a corrupted asset).
    #[error("embedded font {name} could not be read: {reason}")]
    Font {
        /// File name of the font under `assets/fonts/`.
        name: &'static str,
        /// What the parser said.
        reason: String,
    },
    /// A character has no glyph in any embedded font; the text would print as blanks.
    #[error("no embedded font can print {character:?} (U+{code:04X}) in {context}")]
    MissingGlyph {
        /// The character.
        character: char,
        /// Its code point.
        code: u32,
        /// Where it occurs, e.g. the field label.
        context: String,
    },
    /// A PDF part of a packet cannot be used as it is.
    #[error("{part}: {reason}")]
    BadPart {
        /// Which part (e.g. the reseller's file name).
        part: String,
        /// Why, in words.
        reason: String,
    },
}
