//! Screening against offline lists (R22 in `shared/RULE.md`: special measures name foreign
//! persons and jurisdictions; the provider must know whether a customer or an owner is one).
//!
//! - [`lists`] parses the files an officer downloads — the OFAC SDN legacy CSV set and the
//!   trade.gov Consolidated Screening List — into [`lists::Entry`]s, refusing a malformed file
//!   with its file, line and column.
//! - [`normalize`] turns a name into comparable tokens: Unicode NFKC, transliteration of
//!   non-Latin scripts, case folding, punctuation; honorifics and legal-form words (LLC, OOO,
//!   GmbH, Co., Ltd) are set aside, named in the explanation, never scored.
//! - [`index`] holds a list's names in an inverted index (tokens, sound-alike keys and
//!   one-deletion neighbours), so a check reads candidates, never the whole list.
//! - [`matcher`] scores each candidate token by token (Jaro–Winkler, order free, initials,
//!   rare tokens weigh more), adjusts with date of birth, country, type and identifiers, and
//!   explains every hit.
//!
//! No number that the rule sets lives here: the threshold comes from the workspace's settings.

#![forbid(unsafe_code)]

pub mod index;
pub mod ipdb;
pub mod lists;
pub mod matcher;
pub mod normalize;

pub use index::ListIndex;
pub use lists::{Entry, EntryKind, ListError, ListSource, ParsedList};
pub use matcher::{Explanation, Hit, Query};
