//! Scoring a name against a list, with the explanation an examiner can follow (R22).
//!
//! **Name score.** The query's tokens are paired with a list name's tokens, best pairs first,
//! each token used once and order free. A pair's similarity is 1 for the same token, the
//! mean of the Jaro–Winkler and normalised Levenshtein similarities otherwise, at least
//! [`SOUNDS_ALIKE`] when both sound alike (same Double Metaphone code, five letters or more),
//! and [`INITIAL`] for an initial against a name it starts (weighing as an initial on both
//! sides); a pair under [`MIN_PAIR`] is no pair. With `w` each token's weight (rare tokens weigh more):
//!
//! ```text
//! name score = Σ pairs sim·(w_q + w_l) / (Σ pairs (w_q + w_l) + penalty)
//! penalty    = U_q + U_l − (1 − EXTRA)·|U_q − U_l|
//! ```
//!
//! where `U_q`, `U_l` are the weights of the unpaired tokens of each side. Tokens unpaired on
//! *both* sides contradict each other (another given name) and count fully; tokens unpaired on
//! one side only (a middle name left out at intake) count at the [`EXTRA`] rate.
//!
//! **Features** then raise or lower it: an identical identifier is a match on its own (score
//! 1); a date of birth that agrees raises it, one that disagrees by more than a year lowers
//! it; a country among the entry's raises it a little; a person against a company (or the
//! reverse) lowers it. The final score is clamped to 0–1 and compared with the threshold the
//! caller passes (the workspace's setting).

use chrono::{Datelike as _, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::index::{INITIAL_WEIGHT, IndexedName, ListIndex};
use crate::lists::{EntryKind, ListSource};
use crate::normalize::normalize;

/// Below this similarity two tokens do not pair. A weak pair still counts for less than a
/// strong one (its similarity weighs its share), and for more than a contradiction.
pub const MIN_PAIR: f64 = 0.65;
/// The similarity of two tokens that sound alike, at least.
pub const SOUNDS_ALIKE: f64 = 0.90;
/// The similarity of an initial and a name it starts.
pub const INITIAL: f64 = 0.90;
/// The rate at which a token unpaired on one side only counts against the score.
pub const EXTRA: f64 = 0.35;
/// Candidates scored per list for one name (the best by the weight of query tokens they share).
const CANDIDATES: usize = 250;
/// The most the date-of-birth and country features can add together.
const MAX_RAISE: f64 = 0.08;
/// Hits returned per list, best first.
pub const MAX_HITS: usize = 10;

/// What is screened: a customer's or an owner's name with what else is known.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    /// The name as recorded.
    pub name: &'a str,
    /// Person or company, when known.
    pub kind: Option<EntryKind>,
    /// ISO 3166-1 alpha-2 country (address, nationality), when known.
    pub country: Option<&'a str>,
    /// Date of birth, when known.
    pub date_of_birth: Option<NaiveDate>,
    /// Identifier values (passport, registration number), when known.
    pub identifiers: &'a [String],
}

/// How a query token met a list token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PairHow {
    /// The same token.
    Same,
    /// Spelled alike (Jaro–Winkler).
    Spelling,
    /// Sounds alike (Double Metaphone).
    Sound,
    /// An initial.
    Initial,
    /// Two spellings of the Arabic article (`al`, `az`, `el`, …).
    Particle,
}

/// A query token paired with a list token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct TokenPair {
    /// The query's token.
    pub query: String,
    /// The list name's token.
    pub list: String,
    /// Similarity, 0–1.
    pub similarity: f64,
    /// How they met.
    pub how: PairHow,
    /// The pair's weight (both tokens' rarity).
    pub weight: f64,
}

/// A feature that raised or lowered the name score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Feature {
    /// `identifier`, `date_of_birth`, `country` or `type`.
    pub feature: String,
    /// What it added (negative: took away).
    pub effect: f64,
    /// What was compared, in words.
    pub detail: String,
}

/// Why a hit is a hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Explanation {
    /// The name screened, as given.
    pub query_name: String,
    /// The list name it met, as the list writes it.
    pub list_name: String,
    /// `primary`, or the alias type.
    pub list_name_kind: String,
    /// The query's scored tokens.
    pub query_tokens: Vec<String>,
    /// The list name's scored tokens.
    pub list_tokens: Vec<String>,
    /// Honorifics and legal forms left out of the score, from either side.
    pub set_aside: Vec<String>,
    /// The token pairs.
    pub pairs: Vec<TokenPair>,
    /// Query tokens that met nothing, with their weights.
    pub unpaired_query: Vec<(String, f64)>,
    /// List tokens that met nothing, with their weights.
    pub unpaired_list: Vec<(String, f64)>,
    /// The name score before features.
    pub name_score: f64,
    /// Features that raised or lowered it.
    pub features: Vec<Feature>,
    /// The final score.
    pub score: f64,
    /// The threshold it was compared with.
    pub threshold: f64,
    /// The list.
    pub list: ListSource,
    /// The list version's SHA-256 fingerprint.
    pub list_fingerprint: String,
}

/// A list entry the query may be.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Hit {
    /// The list.
    pub list: ListSource,
    /// The entry's id on that list (the SDN `ent_num`).
    pub entry_id: String,
    /// The entry's type.
    pub entry_kind: EntryKind,
    /// The entry's primary name.
    pub primary_name: String,
    /// The list name that met the query best.
    pub matched_name: String,
    /// 0–1.
    pub score: f64,
    /// Why.
    pub explanation: Explanation,
}

/// A pairing: query token index, list token index, similarity, how.
type Pair = (usize, usize, f64, PairHow);

/// The best name of an entry so far: its score, the name's index, its pairs.
type Best = (f64, u32, Vec<Pair>);

struct QueryToken {
    text: String,
    sound: String,
    weight: f64,
}

/// How alike two tokens are, and why. Spelling is the mean of Jaro–Winkler (which forgives a
/// typo but rewards a shared prefix) and the normalised Levenshtein similarity (which does not
/// let `min` pass for `mingfu`); tokens of five letters or more, of lengths within two, that
/// sound alike and are spelt
/// at least somewhat alike get [`SOUNDS_ALIKE`].
fn similarity(q: &QueryToken, l: &crate::index::Token) -> (f64, PairHow) {
    if *q.text == *l.text {
        return (1.0, PairHow::Same);
    }
    if crate::normalize::is_particle(&q.text) && crate::normalize::is_particle(&l.text) {
        return (INITIAL, PairHow::Particle);
    }
    if q.text.len() == 1 || l.text.len() == 1 {
        let same_initial = q.text.as_bytes()[0] == l.text.as_bytes()[0];
        return (if same_initial { INITIAL } else { 0.0 }, PairHow::Initial);
    }
    let jw = strsim::jaro_winkler(&q.text, &l.text);
    let spelling = (jw + strsim::normalized_levenshtein(&q.text, &l.text)) / 2.0;
    let sounds = q.text.len() >= 5
        && l.text.len() >= 5
        && q.text.len().abs_diff(l.text.len()) <= 2
        && !q.sound.is_empty()
        && *q.sound == *l.sound
        && jw >= 0.70;
    if sounds && spelling < SOUNDS_ALIKE {
        (SOUNDS_ALIKE, PairHow::Sound)
    } else {
        (spelling, PairHow::Spelling)
    }
}

/// Similarities already computed in one check, by query token and list token id: a list
/// repeats its tokens across names (`mohammad`, `trading`), so each pair is computed once.
type Cache = rustc_hash::FxHashMap<(usize, u32), (f64, PairHow)>;

/// Pairs tokens best first; returns the pairs (query index, list index, similarity, how).
fn pair(query: &[QueryToken], name: &IndexedName, cache: &mut Cache) -> Vec<Pair> {
    let mut all = Vec::with_capacity(query.len() * name.tokens.len());
    for (qi, q) in query.iter().enumerate() {
        for (li, l) in name.tokens.iter().enumerate() {
            let (sim, how) = *cache.entry((qi, l.id)).or_insert_with(|| similarity(q, l));
            if sim >= MIN_PAIR {
                all.push((qi, li, sim, how));
            }
        }
    }
    all.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let (mut used_q, mut used_l) = (0u64, 0u64);
    let mut pairs = Vec::new();
    for (qi, li, sim, how) in all {
        let (bq, bl) = (1u64 << qi.min(63), 1u64 << li.min(63));
        if used_q & bq == 0 && used_l & bl == 0 {
            used_q |= bq;
            used_l |= bl;
            pairs.push((qi, li, sim, how));
        }
    }
    pairs
}

/// The name score of a set of pairs. An initial paired with a full token weighs as an initial
/// on both sides; the rest of the full token's weight stays unpaired (`V` says little about
/// `Volkov`).
fn name_score(query: &[QueryToken], name: &IndexedName, pairs: &[Pair]) -> f64 {
    let (mut matched, mut total) = (0.0, 0.0);
    let mut unpaired_q: f64 = query.iter().map(|t| t.weight).sum();
    let mut unpaired_l: f64 = name.tokens.iter().map(|t| t.weight).sum();
    for &(qi, li, sim, how) in pairs {
        let (wq, wl) = (query[qi].weight, name.tokens[li].weight);
        let w = if how == PairHow::Initial { 2.0 * INITIAL_WEIGHT } else { wq + wl };
        matched += sim * w;
        total += w;
        if how == PairHow::Initial {
            unpaired_q -= wq.min(INITIAL_WEIGHT);
            unpaired_l -= wl.min(INITIAL_WEIGHT);
        } else {
            unpaired_q -= wq;
            unpaired_l -= wl;
        }
    }
    if total == 0.0 {
        return 0.0;
    }
    let (unpaired_q, unpaired_l) = (unpaired_q.max(0.0), unpaired_l.max(0.0));
    let penalty = unpaired_q + unpaired_l - (1.0 - EXTRA) * (unpaired_q - unpaired_l).abs();
    matched / (total + penalty)
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// What the features add, for a query against an entry.
fn features(index: &ListIndex, query: &Query<'_>, entry: u32) -> (Vec<Feature>, bool) {
    let entry = &index.entries()[entry as usize];
    let mut out = Vec::new();
    let mut identified = false;
    for value in query.identifiers {
        if let Some(id) = entry
            .identifiers
            .iter()
            .find(|i| crate::lists::Identifier::key(&i.value) == crate::lists::Identifier::key(value))
        {
            identified = true;
            out.push(Feature {
                feature: "identifier".into(),
                effect: 1.0,
                detail: format!("{} {} is on the entry", id.kind, id.value),
            });
        }
    }
    if let Some(dob) = query.date_of_birth {
        let years = entry.birth_years();
        if !years.is_empty() {
            let exact = entry.dates_of_birth.iter().any(|d| {
                ["%d %b %Y", "%Y-%m-%d", "%d %B %Y"]
                    .iter()
                    .any(|f| NaiveDate::parse_from_str(d.trim(), f).ok() == Some(dob))
            });
            let (effect, detail) = if exact {
                (0.05, format!("date of birth {dob} is the entry's"))
            } else if years.contains(&dob.year()) {
                (0.02, format!("year of birth {} is the entry's", dob.year()))
            } else if years.iter().all(|y| (y - dob.year()).abs() > 1) {
                (-0.15, format!("born {}; the entry says {}", dob.year(), entry.dates_of_birth.join(", ")))
            } else {
                (
                    0.0,
                    format!(
                        "born {}; the entry says {} (within a year)",
                        dob.year(),
                        entry.dates_of_birth.join(", ")
                    ),
                )
            };
            out.push(Feature { feature: "date_of_birth".into(), effect, detail });
        }
    }
    if let Some(country) = query.country.filter(|c| !c.is_empty()) {
        let country = country.to_ascii_uppercase();
        if entry.countries.contains(&country) {
            out.push(Feature {
                feature: "country".into(),
                effect: 0.03,
                detail: format!("{country} is among the entry's countries"),
            });
        } else if !entry.countries.is_empty() {
            out.push(Feature {
                feature: "country".into(),
                effect: -0.03,
                detail: format!("{country}; the entry's are {}", entry.countries.join(", ")),
            });
        }
    }
    if let Some(kind) = query.kind {
        let person = |k: EntryKind| k == EntryKind::Individual;
        if person(kind) != person(entry.kind) {
            out.push(Feature {
                feature: "type".into(),
                effect: -0.10,
                detail: format!("a {} against a {} entry", kind.code(), entry.kind.code()),
            });
        }
    }
    (out, identified)
}

impl ListIndex {
    /// Checks one name: the entries whose score reaches `threshold`, best first (at most
    /// [`MAX_HITS`]), each explained.
    pub fn check(&self, query: &Query<'_>, threshold: f64) -> Vec<Hit> {
        let normal = normalize(query.name);
        let tokens: Vec<QueryToken> = normal
            .tokens
            .iter()
            .map(|t| QueryToken { text: t.clone(), sound: self.sound(t), weight: self.weight(t) })
            .collect();
        let mut best: rustc_hash::FxHashMap<u32, Best> = rustc_hash::FxHashMap::default();
        if !tokens.is_empty() {
            let keyed: Vec<(String, String, f64)> =
                tokens.iter().map(|t| (t.text.clone(), t.sound.clone(), t.weight)).collect();
            let mut cache = Cache::default();
            for name_id in self.candidates(&keyed, CANDIDATES) {
                let name = &self.names[name_id as usize];
                let pairs = pair(&tokens, name, &mut cache);
                let score = name_score(&tokens, name, &pairs);
                let slot = best.entry(name.entry).or_insert((-1.0, name_id, Vec::new()));
                if score > slot.0 {
                    *slot = (score, name_id, pairs);
                }
            }
        }
        // An identical identifier is a match on its own, whatever the name.
        for value in query.identifiers {
            for &entry in self.entries_with_identifier(value) {
                best.entry(entry).or_insert_with(|| {
                    let name_id = self.names.iter().position(|n| n.entry == entry).unwrap_or_default() as u32;
                    (0.0, name_id, Vec::new())
                });
            }
        }
        let mut hits: Vec<Hit> = best
            .into_iter()
            .filter_map(|(entry, (name_score, name_id, pairs))| {
                // No feature but an identifier raises a score by more than this.
                if name_score + MAX_RAISE < threshold && query.identifiers.is_empty() {
                    return None;
                }
                let (features, identified) = features(self, query, entry);
                let adjusted = name_score
                    + features.iter().filter(|f| f.feature != "identifier").map(|f| f.effect).sum::<f64>();
                let score = if identified { 1.0 } else { adjusted.clamp(0.0, 1.0) };
                (score >= threshold).then(|| {
                    self.hit(
                        &tokens,
                        &normal.set_aside,
                        query,
                        entry,
                        name_id,
                        &pairs,
                        name_score,
                        features,
                        score,
                        threshold,
                    )
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.entry_id.cmp(&b.entry_id)));
        hits.truncate(MAX_HITS);
        hits
    }

    #[allow(clippy::too_many_arguments)]
    fn hit(
        &self,
        tokens: &[QueryToken],
        query_set_aside: &[String],
        query: &Query<'_>,
        entry: u32,
        name_id: u32,
        pairs: &[Pair],
        name_score: f64,
        features: Vec<Feature>,
        score: f64,
        threshold: f64,
    ) -> Hit {
        let name = &self.names[name_id as usize];
        let e = &self.entries()[entry as usize];
        let listed = &e.names[name.name as usize];
        let paired_q: Vec<usize> = pairs.iter().map(|p| p.0).collect();
        let paired_l: Vec<usize> = pairs.iter().map(|p| p.1).collect();
        let mut set_aside: Vec<String> = query_set_aside.to_vec();
        set_aside.extend(name.set_aside.iter().cloned());
        Hit {
            list: self.source(),
            entry_id: e.entry_id.clone(),
            entry_kind: e.kind,
            primary_name: e.names[0].text.clone(),
            matched_name: listed.text.clone(),
            score: round(score),
            explanation: Explanation {
                query_name: query.name.to_owned(),
                list_name: listed.text.clone(),
                list_name_kind: listed.kind.clone(),
                query_tokens: tokens.iter().map(|t| t.text.clone()).collect(),
                list_tokens: name.tokens.iter().map(|t| t.text.to_string()).collect(),
                set_aside,
                pairs: pairs
                    .iter()
                    .map(|&(qi, li, sim, how)| TokenPair {
                        query: tokens[qi].text.clone(),
                        list: name.tokens[li].text.to_string(),
                        similarity: round(sim),
                        how,
                        weight: round(tokens[qi].weight + name.tokens[li].weight),
                    })
                    .collect(),
                unpaired_query: tokens
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !paired_q.contains(i))
                    .map(|(_, t)| (t.text.clone(), round(t.weight)))
                    .collect(),
                unpaired_list: name
                    .tokens
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !paired_l.contains(i))
                    .map(|(_, t)| (t.text.to_string(), round(t.weight)))
                    .collect(),
                name_score: round(name_score),
                features,
                score: round(score),
                threshold,
                list: self.source(),
                list_fingerprint: self.fingerprint().to_owned(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::{Entry, EntryName, Identifier, ParsedList};

    fn entry(id: &str, kind: EntryKind, names: &[&str], countries: &[&str], dob: &[&str]) -> Entry {
        Entry {
            entry_id: id.into(),
            kind,
            names: names
                .iter()
                .enumerate()
                .map(|(i, n)| EntryName {
                    text: (*n).into(),
                    kind: if i == 0 { "primary".into() } else { "aka".into() },
                })
                .collect(),
            programs: vec!["SDGT".into()],
            countries: countries.iter().map(|c| (*c).into()).collect(),
            addresses: Vec::new(),
            dates_of_birth: dob.iter().map(|d| (*d).into()).collect(),
            identifiers: Vec::new(),
            remarks: String::new(),
        }
    }

    fn index() -> ListIndex {
        let mut entries = vec![
            entry(
                "1",
                EntryKind::Individual,
                &["AL-ZAWAHIRI, Ayman", "AL-ZAWAHRI, Aiman"],
                &["EG"],
                &["19 Jun 1951"],
            ),
            entry("2", EntryKind::Entity, &["BANCO NACIONAL DE CUBA", "NATIONAL BANK OF CUBA"], &["CU"], &[]),
            entry("3", EntryKind::Individual, &["IVANOV, Sergey Petrovich"], &["RU"], &["1965"]),
            entry("4", EntryKind::Entity, &["GAZPROM NEFT OOO"], &["RU"], &[]),
            entry("5", EntryKind::Individual, &["SMITH, John Michael"], &["GB"], &["1970"]),
        ];
        entries[2].identifiers.push(Identifier { kind: "Passport".into(), value: "AB 123456".into() });
        // Filler so that weights look like a real list's: common tokens, many names.
        for i in 0..200 {
            entries.push(entry(
                &format!("f{i}"),
                EntryKind::Entity,
                &[&format!("TRADING COMPANY NUMBER{i}")],
                &[],
                &[],
            ));
        }
        ListIndex::build(ParsedList {
            source: ListSource::Sdn,
            entries,
            sha256: "f".repeat(64),
            unmapped_countries: Default::default(),
        })
    }

    fn best(index: &ListIndex, query: &Query<'_>) -> Option<Hit> {
        index.check(query, 0.0).into_iter().next()
    }

    #[test]
    fn order_typos_transliteration_and_legal_forms_do_not_hide_a_name() {
        let idx = index();
        for (name, entry) in [
            ("Ayman al-Zawahiri", "1"),
            ("Aiman Zawahri", "1"),
            ("Айман аз-Завахири", "1"),
            ("Banco Nacional de Cuba S.A.", "2"),
            ("Sergei Ivanov", "3"),
            ("Иванов Сергей Петрович", "3"),
            ("ООО Газпром Нефть", "4"),
            ("John Smith", "5"),
            ("John M. Smith", "5"),
        ] {
            let hit =
                best(&idx, &Query { name, ..Default::default() }).unwrap_or_else(|| panic!("{name}: no hit"));
            assert_eq!(hit.entry_id, entry, "{name}: {hit:#?}");
            assert!(hit.score >= 0.8, "{name} scores {}: {:#?}", hit.score, hit.explanation);
        }
    }

    #[test]
    fn a_different_given_name_counts_against_more_than_a_missing_middle_name() {
        let idx = index();
        let missing = best(&idx, &Query { name: "John Smith", ..Default::default() }).expect("hit");
        let other = best(&idx, &Query { name: "Mary Smith", ..Default::default() }).expect("hit");
        assert!(missing.score > other.score + 0.1, "{} vs {}", missing.score, other.score);
        assert!(other.score < 0.8, "another given name is no match: {:#?}", other.explanation);
    }

    #[test]
    fn features_raise_and_lower_and_an_identifier_matches_alone() {
        let idx = index();
        let plain = best(&idx, &Query { name: "Sergey Ivanov", ..Default::default() }).expect("hit");
        let born = best(
            &idx,
            &Query {
                name: "Sergey Ivanov",
                date_of_birth: NaiveDate::from_ymd_opt(1965, 3, 1),
                country: Some("RU"),
                ..Default::default()
            },
        )
        .expect("hit");
        let other = best(
            &idx,
            &Query {
                name: "Sergey Ivanov",
                date_of_birth: NaiveDate::from_ymd_opt(1990, 3, 1),
                ..Default::default()
            },
        )
        .expect("hit");
        assert!(
            born.score > plain.score && other.score < plain.score,
            "{} {} {}",
            born.score,
            plain.score,
            other.score
        );
        assert_eq!(
            born.explanation.features.iter().map(|f| f.feature.as_str()).collect::<Vec<_>>(),
            ["date_of_birth", "country"]
        );
        let company =
            best(&idx, &Query { name: "Sergey Ivanov", kind: Some(EntryKind::Entity), ..Default::default() })
                .expect("hit");
        assert!(company.score < plain.score);

        let ids = ["ab123456".to_owned()];
        let by_id = idx.check(&Query { name: "Somebody Else", identifiers: &ids, ..Default::default() }, 0.9);
        assert_eq!(by_id.len(), 1);
        assert_eq!((by_id[0].entry_id.as_str(), by_id[0].score), ("3", 1.0));
        assert_eq!(by_id[0].explanation.features[0].feature, "identifier");
    }

    #[test]
    fn a_hit_explains_itself() {
        let idx = index();
        let hit = best(&idx, &Query { name: "Dr. Aiman al Zawahri", ..Default::default() }).expect("hit");
        let e = &hit.explanation;
        assert_eq!(e.list_name, "AL-ZAWAHRI, Aiman", "the alias it met best");
        assert_eq!(e.list_name_kind, "aka");
        assert_eq!(e.set_aside, ["dr"]);
        assert_eq!(e.pairs.len(), 3);
        assert!(e.pairs.iter().all(|p| p.how == PairHow::Same));
        assert_eq!(e.list, ListSource::Sdn);
        assert_eq!(e.list_fingerprint.len(), 64);
        assert!(
            e.pairs.iter().find(|p| p.query == "zawahri").expect("pair").weight
                > e.pairs.iter().find(|p| p.query == "al").expect("pair").weight,
            "rare tokens weigh more"
        );
    }

    #[test]
    fn unrelated_names_raise_nothing_at_a_working_threshold() {
        let idx = index();
        for name in
            ["Maria Garcia Lopez", "Chen Wei", "Olivia Officer", "Example Cloud LLC", "Trading Company"]
        {
            let hits = idx.check(&Query { name, ..Default::default() }, 0.85);
            assert!(hits.is_empty(), "{name}: {hits:#?}");
        }
    }
}
