//! A list's names in an inverted index, so a check reads only candidates.
//!
//! Each name is normalised once ([`crate::normalize`]); each of its tokens is posted under
//! blocking keys: the token itself and its one-deletion neighbours (a typo, a missing or an
//! extra letter meets its original: `zawahri` and `zawahiri` share `zawahri`), and its Double
//! Metaphone code (names that sound alike: `mohammed`, `muhammad`). A token's weight is its
//! inverse document frequency over the list's names, so a rare token counts more than
//! `mohammad` or `trading`; initials weigh little.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use rphonetic::DoubleMetaphone;

use crate::lists::{Entry, Identifier, ListSource, ParsedList};
use crate::normalize::normalize;

/// The weight of a one-letter token (an initial): it says little.
pub(crate) const INITIAL_WEIGHT: f64 = 0.5;

/// A query token that this many list names carry finds candidates by itself only.
const COMMON: u32 = 25;

/// Tokens this short are not used to find candidates when the query has longer ones.
const SHORT_TOKEN: usize = 2;

/// One name of one entry, normalised.
#[derive(Debug, Clone)]
pub(crate) struct IndexedName {
    pub(crate) entry: u32,
    pub(crate) name: u16,
    pub(crate) tokens: Vec<Token>,
    pub(crate) set_aside: Vec<String>,
}

/// A token with what the matcher needs of it.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// The same for every occurrence of the same text in the list (for a check's cache).
    pub(crate) id: u32,
    pub(crate) text: Box<str>,
    pub(crate) sound: Box<str>,
    pub(crate) weight: f64,
}

/// A list version ready to be checked against.
#[derive(Debug)]
pub struct ListIndex {
    source: ListSource,
    fingerprint: String,
    entries: Vec<Entry>,
    pub(crate) names: Vec<IndexedName>,
    postings: FxHashMap<u64, Vec<u32>>,
    document_frequency: HashMap<Box<str>, u32>,
    total_names: usize,
    identifiers: HashMap<String, Vec<u32>>,
    by_id: HashMap<String, u32>,
    phonetic: DoubleMetaphone,
}

fn key(kind: u8, text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    kind.hash(&mut h);
    text.hash(&mut h);
    h.finish()
}

/// The blocking keys of a token: itself, its one-deletion neighbours (tokens of 4 letters or
/// more), its sound.
pub(crate) fn blocking_keys(token: &str, sound: &str, out: &mut Vec<u64>) {
    out.push(key(b'd', token));
    if token.len() >= 4 {
        for i in 0..token.len() {
            let mut deleted = String::with_capacity(token.len() - 1);
            deleted.push_str(&token[..i]);
            deleted.push_str(&token[i + 1..]);
            out.push(key(b'd', &deleted));
        }
    }
    if !sound.is_empty() && token.len() >= 3 {
        out.push(key(b's', sound));
    }
}

impl ListIndex {
    /// Indexes a parsed list version.
    pub fn build(list: ParsedList) -> Self {
        let phonetic = DoubleMetaphone::new(Some(6));
        let mut names = Vec::new();
        let mut document_frequency: HashMap<Box<str>, u32> = HashMap::new();
        let mut identifiers: HashMap<String, Vec<u32>> = HashMap::new();
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        for (e, entry) in list.entries.iter().enumerate() {
            for (n, name) in entry.names.iter().enumerate() {
                let normal = normalize(&name.text);
                let mut seen: Vec<&str> = Vec::new();
                for t in &normal.tokens {
                    if !seen.contains(&t.as_str()) {
                        seen.push(t);
                        *document_frequency.entry(t.as_str().into()).or_default() += 1;
                    }
                }
                let tokens = normal
                    .tokens
                    .iter()
                    .map(|t| {
                        let next = vocabulary.len() as u32;
                        let id = *vocabulary.entry(t.clone()).or_insert(next);
                        Token { id, text: t.as_str().into(), sound: sound(&phonetic, t).into(), weight: 0.0 }
                    })
                    .collect();
                names.push(IndexedName {
                    entry: e as u32,
                    name: n as u16,
                    tokens,
                    set_aside: normal.set_aside,
                });
            }
            for id in &entry.identifiers {
                let key = Identifier::key(&id.value);
                if key.len() >= 4 {
                    identifiers.entry(key).or_default().push(e as u32);
                }
            }
        }
        let by_id = list.entries.iter().enumerate().map(|(i, e)| (e.entry_id.clone(), i as u32)).collect();
        let mut index = Self {
            by_id,
            source: list.source,
            fingerprint: list.sha256,
            entries: list.entries,
            names: Vec::new(),
            postings: FxHashMap::default(),
            document_frequency,
            total_names: names.len(),
            identifiers,
            phonetic,
        };
        let mut keys = Vec::new();
        for (i, mut name) in names.into_iter().enumerate() {
            for token in &mut name.tokens {
                token.weight = index.weight(&token.text);
                keys.clear();
                blocking_keys(&token.text, &token.sound, &mut keys);
                for k in &keys {
                    let posting = index.postings.entry(*k).or_default();
                    if posting.last() != Some(&(i as u32)) {
                        posting.push(i as u32);
                    }
                }
            }
            index.names.push(name);
        }
        index
    }

    /// Which list.
    pub fn source(&self) -> ListSource {
        self.source
    }

    /// The version's SHA-256 fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The entries.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this id.
    pub fn entry(&self, entry_id: &str) -> Option<&Entry> {
        self.by_id.get(entry_id).map(|&i| &self.entries[i as usize])
    }

    /// Names indexed (primary names and aliases).
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// A token's weight: `ln(1 + names / names with it)`; a token no name has weighs most, an
    /// initial little.
    pub fn weight(&self, token: &str) -> f64 {
        if token.len() == 1 || crate::normalize::is_particle(token) {
            return INITIAL_WEIGHT;
        }
        let n = self.total_names.max(1) as f64;
        let df = self.document_frequency.get(token).copied().unwrap_or(0) as f64;
        (1.0 + n / df.max(0.5)).ln()
    }

    /// A token's Double Metaphone code.
    pub(crate) fn sound(&self, token: &str) -> String {
        sound(&self.phonetic, token)
    }

    /// The entries that carry an identifier with this value.
    pub(crate) fn entries_with_identifier(&self, value: &str) -> &[u32] {
        self.identifiers.get(&Identifier::key(value)).map_or(&[], Vec::as_slice)
    }

    /// Candidate names for query tokens (with their sounds), each with the summed weight of
    /// the query tokens that met it; the best `limit` by that weight.
    pub(crate) fn candidates(&self, tokens: &[(String, String, f64)], limit: usize) -> Vec<u32> {
        let long_enough = tokens.iter().any(|(t, _, _)| t.len() > SHORT_TOKEN);
        let mut met: FxHashMap<u32, (f64, u64)> = FxHashMap::default();
        let mut keys = Vec::new();
        for (q, (token, sound, weight)) in tokens.iter().enumerate() {
            if long_enough && token.len() <= SHORT_TOKEN {
                continue;
            }
            keys.clear();
            if self.document_frequency.get(token.as_str()).is_some_and(|&df| df >= COMMON) {
                // A token the list knows well: its typo neighbours would add only noise.
                keys.push(key(b'd', token));
            } else {
                blocking_keys(token, sound, &mut keys);
            }
            let bit = 1u64 << (q.min(63));
            for k in &keys {
                for &name in self.postings.get(k).map_or(&[][..], Vec::as_slice) {
                    let slot = met.entry(name).or_insert((0.0, 0));
                    if slot.1 & bit == 0 {
                        slot.1 |= bit;
                        slot.0 += weight;
                    }
                }
            }
        }
        let mut ranked: Vec<(u32, f64)> = met.into_iter().map(|(name, (w, _))| (name, w)).collect();
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.truncate(limit);
        }
        ranked.into_iter().map(|(name, _)| name).collect()
    }
}

fn sound(phonetic: &DoubleMetaphone, token: &str) -> String {
    if token.chars().all(|c| c.is_ascii_alphabetic()) {
        phonetic.double_metaphone(token).primary()
    } else {
        String::new()
    }
}
