//! The real OFAC SDN snapshot in `../shared/data/ofac-sdn-watchman-2021/` (July 2021, read its
//! README): the whole set parses with the counts the README gives, and names altered as intake
//! data alters them find their entry.

use std::path::PathBuf;

use workbench_screening::lists::{SdnFiles, parse_csl, parse_sdn};
use workbench_screening::{EntryKind, ListIndex, Query};

fn data() -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/data/ofac-sdn-watchman-2021");
    assert!(dir.join("sdn.csv").is_file(), "the shared SDN snapshot is missing at {}", dir.display());
    dir
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(data().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn sdn() -> ListIndex {
    let (sdn, add, alt) = (read("sdn.csv"), read("add.csv"), read("alt.csv"));
    let list =
        parse_sdn(&SdnFiles { sdn: &sdn, add: Some(&add), alt: Some(&alt), comments: None }).expect("parses");
    ListIndex::build(list)
}

#[test]
fn the_snapshot_parses_with_the_readmes_counts() {
    let (sdn, add, alt) = (read("sdn.csv"), read("add.csv"), read("alt.csv"));
    let list =
        parse_sdn(&SdnFiles { sdn: &sdn, add: Some(&add), alt: Some(&alt), comments: None }).expect("parses");
    assert_eq!(list.entries.len(), 8_976);
    assert_eq!(list.alias_count(), 11_910);
    let count = |kind| list.entries.iter().filter(|e| e.kind == kind).count();
    assert_eq!(
        [
            count(EntryKind::Individual),
            count(EntryKind::Entity),
            count(EntryKind::Vessel),
            count(EntryKind::Aircraft)
        ],
        [4_620, 3_673, 406, 277]
    );
    let addresses = list.entries.iter().map(|e| e.addresses.len()).sum::<usize>();
    assert!(addresses > 10_000, "addresses: {addresses}");
    let with_dob = list.entries.iter().filter(|e| !e.dates_of_birth.is_empty()).count();
    assert!(with_dob > 4_000, "dates of birth read from the remarks: {with_dob}");
    assert!(list.entries.iter().any(|e| !e.identifiers.is_empty()));
    // Every country the set names maps to ISO but a handful of regions.
    assert!(list.unmapped_countries.len() < 10, "{:?}", list.unmapped_countries);
}

#[test]
fn the_csl_sample_parses() {
    let list = parse_csl(&read("csl_sample.csv")).expect("parses");
    assert_eq!(list.entries.len(), 115);
}

#[test]
fn altered_names_find_their_entry() {
    let index = sdn();
    assert_eq!(index.entries().len(), 8_976);
    for (name, entry, kind) in [
        ("National Bank of Cuba", "306", EntryKind::Entity),
        ("Banco Nacional de Cuba S.A.", "306", EntryKind::Entity),
        ("Aerocaribbean Airlines", "36", EntryKind::Entity),
        ("Anglo Caribbean Company Limited", "173", EntryKind::Entity),
    ] {
        let hits = index.check(&Query { name, kind: Some(kind), ..Default::default() }, 0.8);
        assert!(hits.iter().take(3).any(|h| h.entry_id == entry), "{name}: {hits:#?}");
    }
}
