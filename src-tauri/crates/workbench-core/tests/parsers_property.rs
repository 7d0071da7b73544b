//! Property tests of every parser in the core (issue 14): on any input — random bytes, or CSV
//! made of tricky fields (quotes, separators, BOMs, CRLF, NULs, invalid UTF-8, formulas, scripts,
//! long runs) — each returns a result and never panics; an import's errors name rows that exist.

use proptest::prelude::*;
use workbench_core::import::{parse_customers, parse_ip_log, parse_owners, parse_reseller_counts};

const HEADER: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on";

fn tricky_field() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\"\"".to_vec()),
        Just(b"a,b".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\x00".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"=HYPERLINK(\"x\")".to_vec()),
        Just("Müller".as_bytes().to_vec()),
        Just("株式会社".as_bytes().to_vec()),
        Just("+49 30 1234567".as_bytes().to_vec()),
        Just(b"2026-02-30".to_vec()),
        Just(b"individual".to_vec()),
        Just(b"DE".to_vec()),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..24),
        (1usize..20_000).prop_map(|n| vec![b'x'; n]),
    ]
}

fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let row = proptest::collection::vec(tricky_field(), 0..24);
    (any::<bool>(), proptest::collection::vec(row, 0..12)).prop_map(|(header, rows)| {
        let mut out = if header { format!("{HEADER}\n").into_bytes() } else { Vec::new() };
        for row in rows {
            out.extend(row.join(&b","[..]));
            out.push(b'\n');
        }
        out
    })
}

fn check_all(bytes: &[u8]) -> usize {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("date");
    let lines = bytes.split(|b| *b == b'\n').count() as u64 + 1;
    if let Err(errors) = parse_customers(bytes) {
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| e.row <= lines + 1), "{errors:?}");
    }
    let _ = parse_owners(bytes);
    let _ = parse_ip_log(bytes);
    let _ = parse_reseller_counts(bytes, today, &["first", "second"]);
    4
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn imports_never_panic_on_csv_shaped_input(bytes in csv_like()) {
        check_all(&bytes);
    }

    #[test]
    fn imports_never_panic_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_all(&bytes);
    }

    #[test]
    fn phones_cards_and_packs_never_panic(text in "\\PC{0,64}", country in "[A-Za-z]{0,3}") {
        let _ = workbench_core::phone::parse(&text, &country);
        let _ = workbench_core::card::CardNumber::parse(&text);
        let _ = workbench_core::rules::RulePack::load("fuzz.toml", &text);
        let pack = workbench_core::rules::RulePack::built_in();
        let _ = workbench_core::cip::split_program(&pack.pack.cip.sections, &format!("# {text}\n{text}"));
    }
}
