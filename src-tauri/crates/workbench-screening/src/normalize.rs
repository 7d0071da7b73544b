//! Names into comparable tokens.
//!
//! `normalize("ООО «Газпром Нефть»")` gives the tokens `gazprom neft` and sets `ooo` aside.
//! The steps, in order: Unicode NFKC (full-width letters, ligatures, compatibility forms);
//! transliteration of every non-Latin script to ASCII (`deunicode`); lower case; apostrophes
//! dropped inside a word (`O'Brien` → `obrien`), every other non-alphanumeric a separator;
//! honorifics and legal-form words set aside (kept for the explanation, never scored), including
//! a trailing run of single letters that spells one (`S. A.`, `S.R.L.`).

use unicode_normalization::UnicodeNormalization as _;

/// Legal-form words: they say what kind of company, not which one.
const LEGAL_FORMS: &[&str] = &[
    "ab",
    "ad",
    "ag",
    "ao",
    "aps",
    "as",
    "asa",
    "bhd",
    "bv",
    "cia",
    "cjsc",
    "co",
    "company",
    "corp",
    "corporation",
    "cv",
    "dd",
    "doo",
    "ead",
    "eirl",
    "fzc",
    "fzco",
    "fze",
    "fzllc",
    "gk",
    "gmbh",
    "inc",
    "incorporated",
    "jsc",
    "kft",
    "kg",
    "kk",
    "limited",
    "llc",
    "llp",
    "lp",
    "ltd",
    "ltda",
    "mbh",
    "nv",
    "oao",
    "ohg",
    "ojsc",
    "ooo",
    "oy",
    "pao",
    "pjsc",
    "plc",
    "pt",
    "pte",
    "pty",
    "pvt",
    "sa",
    "sae",
    "sal",
    "sarl",
    "sas",
    "sdn",
    "sl",
    "spa",
    "srl",
    "sro",
    "tov",
    "ug",
    "zao",
    "zrt",
];

/// Honorifics, titles and ranks, and the article: they say how to address a person.
const HONORIFICS: &[&str] = &[
    "ayatollah",
    "capt",
    "captain",
    "col",
    "colonel",
    "dame",
    "dr",
    "fr",
    "gen",
    "general",
    "haji",
    "hajji",
    "lady",
    "lord",
    "lt",
    "maj",
    "major",
    "miss",
    "mr",
    "mrs",
    "ms",
    "mullah",
    "prof",
    "rev",
    "shaykh",
    "sheikh",
    "sir",
    "the",
];

/// The Arabic article in its assimilated spellings (`al-`, `as-`, `az-`, `ad-`, …) and its
/// other transliterations: kept as tokens, but weighed like an initial and equal to each other.
const PARTICLES: &[&str] = &["ad", "al", "an", "ar", "as", "ash", "at", "az", "ed", "el", "ud", "ul"];

/// True for a spelling of the Arabic article (`al`, `el`, `az`, …): weighed like an initial.
pub fn is_particle(token: &str) -> bool {
    PARTICLES.binary_search(&token).is_ok()
}

/// A name as tokens, with what was set aside.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Normalized {
    /// The tokens that are compared, in the name's order.
    pub tokens: Vec<String>,
    /// Honorifics and legal-form words found and left out of the score.
    pub set_aside: Vec<String>,
}

/// Long legal-form words, recognised with a typo (`compnay`, `lmiited`): too long to be
/// mistaken for a name.
const LONG_LEGAL_FORMS: &[&str] = &["company", "corporation", "incorporated", "limited"];

/// True for a word that is set aside rather than scored.
pub fn is_set_aside(token: &str) -> bool {
    LEGAL_FORMS.binary_search(&token).is_ok()
        || HONORIFICS.binary_search(&token).is_ok()
        || (token.len() >= 6 && LONG_LEGAL_FORMS.iter().any(|f| strsim::damerau_levenshtein(token, f) <= 1))
}

/// The name's script folded to ASCII words: NFKC, transliteration, lower case, punctuation.
pub fn fold(name: &str) -> String {
    let composed: String = name.nfkc().collect();
    let ascii = deunicode::deunicode_with_tofu(&composed, " ");
    let mut out = String::with_capacity(ascii.len());
    let mut previous_alnum = false;
    let bytes: Vec<char> = ascii.chars().collect();
    for (i, c) in bytes.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            previous_alnum = true;
        } else if (*c == '\'' || *c == '`')
            && previous_alnum
            && bytes.get(i + 1).is_some_and(char::is_ascii_alphanumeric)
        {
            // O'Brien, D'Souza: one word.
        } else {
            if previous_alnum {
                out.push(' ');
            }
            previous_alnum = false;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Normalises a name into scored tokens and the words set aside. A name made only of words
/// that would be set aside keeps them (`Co` alone is a name).
pub fn normalize(name: &str) -> Normalized {
    let folded = fold(name);
    let mut words: Vec<String> = folded.split_ascii_whitespace().map(str::to_owned).collect();
    let mut set_aside = Vec::new();
    // A trailing run of single letters that spells a legal form: "s a", "s r l", "s p a".
    let run = words.iter().rev().take_while(|w| w.len() == 1).count();
    if (2..=4).contains(&run) && run < words.len() {
        let joined: String = words[words.len() - run..].concat();
        if LEGAL_FORMS.binary_search(&joined.as_str()).is_ok() {
            words.truncate(words.len() - run);
            set_aside.push(joined);
        }
    }
    let (scored, aside): (Vec<String>, Vec<String>) = words.into_iter().partition(|w| !is_set_aside(w));
    if scored.is_empty() {
        let mut tokens = aside;
        tokens.append(&mut set_aside);
        return Normalized { tokens, set_aside };
    }
    set_aside.splice(0..0, aside);
    Normalized { tokens: scored, set_aside }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn the_word_lists_are_sorted_for_binary_search() {
        assert!(LEGAL_FORMS.windows(2).all(|w| w[0] < w[1]), "LEGAL_FORMS sorted, no duplicates");
        assert!(HONORIFICS.windows(2).all(|w| w[0] < w[1]), "HONORIFICS sorted, no duplicates");
        assert!(PARTICLES.windows(2).all(|w| w[0] < w[1]), "PARTICLES sorted, no duplicates");
    }

    #[rstest]
    #[case::latin("BANCO NACIONAL DE CUBA", &["banco", "nacional", "de", "cuba"], &[])]
    #[case::sdn_individual("AL-ZAWAHIRI, Ayman", &["al", "zawahiri", "ayman"], &[])]
    #[case::apostrophe("O'Brien, Patrick", &["obrien", "patrick"], &[])]
    #[case::accents("José Álvarez Müller", &["jose", "alvarez", "muller"], &[])]
    #[case::cyrillic_legal_form("ООО «Газпром Нефть»", &["gazprom", "neft"], &["ooo"])]
    #[case::greek("Γιώργος Παπαδόπουλος", &["giorgos", "papadopoulos"], &[])]
    #[case::arabic("محمد", &["mhmd"], &[])]
    #[case::hebrew("דוד", &["dvd"], &[])]
    #[case::cjk("毛泽东", &["mao", "ze", "dong"], &[])]
    #[case::fullwidth("ＡＢＣ　Ｔｒａｄｉｎｇ", &["abc", "trading"], &[])]
    #[case::honorific("Dr. Sheikh Ahmed Hassan", &["ahmed", "hassan"], &["dr", "sheikh"])]
    #[case::co_ltd("ANGLO-CARIBBEAN CO., LTD.", &["anglo", "caribbean"], &["co", "ltd"])]
    #[case::spaced_initials_form("CECOEX, S.A.", &["cecoex"], &["sa"])]
    #[case::gmbh("Siemens GmbH", &["siemens"], &["gmbh"])]
    #[case::legal_form_typo("Overseas Trading Compnay", &["overseas", "trading"], &["compnay"])]
    #[case::only_forms("Co", &["co"], &[])]
    #[case::initials_kept("J. R. Smith", &["j", "r", "smith"], &[])]
    fn names_normalise(#[case] name: &str, #[case] tokens: &[&str], #[case] aside: &[&str]) {
        let n = normalize(name);
        assert_eq!(n.tokens, tokens, "{name}");
        assert_eq!(n.set_aside, aside, "{name}");
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        assert_eq!(
            normalize("ivanov,  SERGEY   petrovich.").tokens,
            normalize("Ivanov Sergey Petrovich").tokens
        );
    }
}
