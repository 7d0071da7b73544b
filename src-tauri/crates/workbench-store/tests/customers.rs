//! Customers on a real workspace: an all-or-nothing import, clashes with stored references,
//! the state machine enforced on stored accounts, the list, and the certification counts
//! against a hand-checked fixture.

use chrono::TimeZone;
use workbench_core::customer::AccountState;
use workbench_core::import::parse_customers;
use workbench_store::customers::{self, Sort};

mod common;

const HEADER: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on";

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single().expect("date")
}

fn fixture() -> String {
    [
        HEADER,
        "C-1,entity,Müller Datentechnik GmbH,DE,Hauptstraße 4,,München,BY,80331,it@mueller.de,+49 89 1234567,no,,A-1,card,4242,Sparkasse,high,2026-01-10",
        "C-2,individual,Иванов Сергей,RU,ул. Ленина 1,,Москва,,101000,s@example.ru,+7 495 123-45-67,,R-7,A-2,wire,,Sberbank,medium,2026-02-01",
        "C-3,individual,Ana Souza,BR,Rua A 10,,São Paulo,SP,01000-000,ana@example.br,+55 11 91234-5678,no,,A-3,card,1111,Itaú,low,2026-03-01",
        "C-4,entity,Example Inc,US,1 Main St,,Boston,MA,02108,ops@example.com,+1 617 555 0100,yes,,A-4,invoice,,Example Bank,low,2026-03-02",
        "C-5,entity,株式会社サクラ,JP,千代田1-1,,東京,,100-0001,info@sakura.jp,+81 3-1234-5678,no,,A-5,card,9999,MUFG,medium,2026-04-01",
    ]
    .join("\n")
}

#[test]
fn import_list_transitions_and_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = common::create(dir.path(), "customers test passphrase");
    let (mut ws, officer) = (created.workspace, created.officer.id.to_string());
    let rows = parse_customers(fixture().as_bytes()).expect("good fixture");
    let stored = ws
        .db_mut()
        .write(|tx| customers::insert_imported(tx, &rows, &officer, at(2026, 5, 1)))
        .expect("store")
        .expect("no clashes");
    assert_eq!(stored, 5);

    // Importing again clashes on every row and stores nothing.
    let clashes = ws
        .db_mut()
        .write(|tx| customers::insert_imported(tx, &rows, &officer, at(2026, 5, 2)))
        .expect("store")
        .expect_err("clashes");
    assert_eq!(clashes.len(), 10, "customer_ref and account_ref of five rows");
    assert_eq!(clashes[0].to_string(), "row 2: customer_ref: is already in the workspace");
    let (_, total) = ws.db().read(|c| customers::list(c, "", None, Sort::Ref, 50, 0)).expect("list");
    assert_eq!(total, 5);

    // The list searches name and reference, case-insensitively, and filters by country.
    let search = |needle: &str| {
        ws.db()
            .read(|c| customers::list(c, needle, None, Sort::Name, 50, 0))
            .expect("search")
            .0
            .into_iter()
            .map(|r| r.customer_ref)
            .collect::<Vec<_>>()
    };
    assert_eq!(search("müller"), ["C-1"]);
    assert_eq!(search("MÜLLER"), ["C-1"], "Unicode case folding (trigram index)");
    assert_eq!(search("Muller daten"), ["C-1"], "diacritics ignored");
    assert_eq!(search("ИВАНОВ"), ["C-2"]);
    assert_eq!(search("サクラ"), ["C-5"]);
    assert_eq!(search("c-4"), ["C-4"], "the reference is indexed too");
    assert_eq!(search("ou"), ["C-3"], "two characters: a scan, still case-insensitive (ASCII)");
    assert!(search("\"; DROP").is_empty(), "quotes are a literal part of the needle");
    assert!(search("100%").is_empty());
    let (jp, _) = ws.db().read(|c| customers::list(c, "", Some("JP"), Sort::Ref, 50, 0)).expect("country");
    assert_eq!(jp[0].name, "株式会社サクラ");
    assert_eq!(jp[0].state, "applicant");

    // R6 on stored accounts.
    let step = |ws: &mut workbench_store::Workspace, account: &str, to: AccountState, when| {
        ws.db_mut().write(|tx| customers::set_state(tx, account, to, "test", &officer, when))
    };
    step(&mut ws, "A-1", AccountState::PendingVerification, at(2026, 5, 3)).expect("ok");
    step(&mut ws, "A-1", AccountState::Verified, at(2026, 5, 4)).expect("ok");
    step(&mut ws, "A-2", AccountState::PendingVerification, at(2026, 5, 3)).expect("ok");
    step(&mut ws, "A-2", AccountState::Refused, at(2026, 6, 1)).expect("ok");
    step(&mut ws, "A-3", AccountState::Closed, at(2026, 7, 1)).expect("applicant closed before verification");
    let err = step(&mut ws, "A-3", AccountState::Verified, at(2026, 7, 2)).expect_err("closed is final");
    assert!(err.to_string().contains("cannot go from closed to verified"), "{err}");

    // Hand-checked: foreign = C-1 DE, C-2 RU (undetermined counts as foreign), C-3 BR, C-5 JP.
    let counts = ws.db().read(|c| customers::counts(c, 2026)).expect("counts");
    assert_eq!(counts.foreign_customers, 4);
    let mut by_country = counts.foreign_customers_by_country.clone();
    by_country.sort();
    assert_eq!(by_country, [("BR".into(), 1), ("DE".into(), 1), ("JP".into(), 1), ("RU".into(), 1)]);
    // Unverified foreign accounts: A-5 (applicant) only; A-1 verified, A-2 refused, A-3 closed.
    assert_eq!(counts.foreign_accounts_unverified, 1);
    assert_eq!(counts.refused_in_year, 1);
    assert_eq!(counts.unverifiable_in_year, 2, "A-2 refused, A-3 closed unverified");
    assert_eq!(ws.db().read(|c| customers::counts(c, 2025)).expect("2025").refused_in_year, 0);

    let report = ws.verify_audit().expect("verify");
    assert!(report.first_break.is_none());
    assert_eq!(report.events, 2 + 5 + 5, "create, officer, five imports, five state changes");
}
