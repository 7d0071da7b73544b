//! The bad-input corpus (issue 14, `tests/fixtures/bad-input/`, made by its `make.py`): every
//! file, and truncations and bit flips of each, through every parser that could meet it —
//! import files (CSV and `.xlsx`, all four kinds), key-slot files, rule packs, PDF parts. None
//! may panic, abort or allocate without bound; a file named `refused-…` must be refused by every
//! parser of its kind.

use std::path::{Path, PathBuf};

use workbench_core::import::{
    CUSTOMER_COLUMNS, IP_COLUMNS, OWNER_COLUMNS, RESELLER_COUNT_COLUMNS, parse_customers, parse_ip_log,
    parse_owners, parse_reseller_counts,
};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/bad-input");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x != "py"))
        .map(|p| (name(&p), std::fs::read(&p).expect("read")))
        .collect();
    files.sort();
    assert!(files.len() >= 24, "{} corpus files", files.len());
    files
}

fn name(path: &Path) -> String {
    path.file_name().expect("name").to_string_lossy().into_owned()
}

/// An import's columns and its parser (true when it refused the bytes).
type ImportKind<'a> = (&'a [&'a str], &'a dyn Fn(&[u8]) -> bool);

/// Every import parser on `bytes`; true when all of them refused it.
fn all_imports_refuse(bytes: &[u8]) -> bool {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("date");
    let mut refused = true;
    let kinds: [ImportKind<'_>; 4] = [
        (&CUSTOMER_COLUMNS, &|b| parse_customers(b).is_err()),
        (&OWNER_COLUMNS, &|b| parse_owners(b).is_err()),
        (&IP_COLUMNS, &|b| parse_ip_log(b).is_err()),
        (&RESELLER_COUNT_COLUMNS, &|b| parse_reseller_counts(b, today, &["a", "b"]).is_err()),
    ];
    for (columns, parse) in kinds {
        refused &= match workbench_app::table::as_csv(bytes.to_vec(), columns) {
            Ok(csv) => parse(&csv),
            Err(_) => true,
        };
    }
    refused
}

fn every_parser(name: &str, bytes: &[u8]) -> bool {
    match name.rsplit('.').next() {
        Some("csv" | "xlsx") => all_imports_refuse(bytes),
        Some("json") => workbench_store::keyslots::KeySlots::parse(bytes).is_err(),
        Some("toml") => {
            let text = String::from_utf8_lossy(bytes);
            workbench_core::rules::RulePack::load(name, &text).is_err()
        }
        Some("pdf") => workbench_filings::packet::check_part(name, bytes).is_err(),
        // Evidence images are kept as bytes, never decoded: only the import and key paths see them.
        _ => all_imports_refuse(bytes) && workbench_store::keyslots::KeySlots::parse(bytes).is_err(),
    }
}

#[test]
fn no_file_of_the_corpus_or_any_damaged_copy_crashes_a_parser() {
    let mut tried = 0;
    for (name, bytes) in corpus() {
        let refused = every_parser(&name, &bytes);
        tried += 1;
        if name.starts_with("refused-") {
            assert!(refused, "{name} was accepted");
        }
        if name.starts_with("good") || name.starts_with("bom-") {
            assert!(!refused, "{name} was refused");
        }
        // Damaged copies: cut at 16 points, one byte flipped at 16 points (not of the zip bomb:
        // each copy would inflate another 600 MiB to the same refusal).
        if bytes.len() > 256 << 10 {
            continue;
        }
        let step = (bytes.len() / 16).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            every_parser(&name, &bytes[..cut]);
            tried += 1;
        }
        for at in (0..bytes.len()).step_by(step) {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0xA5;
            every_parser(&name, &flipped);
            tried += 1;
        }
    }
    println!("bad-input corpus: {tried} inputs tried, no panic");
    assert!(tried > 500, "{tried}");
}

#[test]
fn many_bad_rows_are_listed_up_to_the_limit_and_counted_after_it() {
    let (_, bytes) = corpus().into_iter().find(|(n, _)| n == "refused-many-bad-rows.csv").expect("file");
    let errors = parse_customers(&bytes).expect_err("refused");
    assert_eq!(errors.len(), workbench_core::import::limits::ERRORS + 1);
    let last = errors.last().expect("summary");
    assert_eq!(last.column, "(file)");
    assert!(
        last.message.starts_with("and ") && last.message.contains("more problem(s) not listed"),
        "{last}"
    );
}

#[test]
fn a_huge_field_is_named_by_its_column_not_shown() {
    let (_, bytes) = corpus().into_iter().find(|(n, _)| n == "refused-huge-field.csv").expect("file");
    let errors = parse_customers(&bytes).expect_err("refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].row, errors[0].column.as_str()), (2, "name"));
    assert!(errors[0].message.contains("longer than 8192 bytes"));
    assert!(!errors[0].message.contains("AAAA"), "the value is never echoed");
}

#[test]
fn the_zip_bomb_is_refused_by_what_it_inflates_to() {
    let (_, bytes) = corpus().into_iter().find(|(n, _)| n == "refused-zip-bomb.xlsx").expect("file");
    assert!(bytes.len() < 1 << 20, "a small file: {} bytes", bytes.len());
    let err = workbench_app::table::as_csv(bytes, &CUSTOMER_COLUMNS).expect_err("refused");
    assert!(err.to_string().contains("inflates to more than 512 MiB"), "{err}");
}
