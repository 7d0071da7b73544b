//! Customers on a real workspace: an all-or-nothing import, clashes with stored references,
//! the state machine enforced on stored accounts, the list, and the certification counts
//! against a hand-checked fixture.

use chrono::TimeZone;
use workbench_core::customer::AccountState;
use workbench_core::import::RowError;
use workbench_core::import::parse_customers;
use workbench_store::customers::{self, Sort};
use workbench_store::rusqlite;

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

/// Issue 14: audit digests hashed `Debug` output, which no examiner can recompute. Every
/// digest of a record is now over its canonical form, recomputed by `verify_objects`; an edit
/// made around the app is named; a workspace from before gets its checkpoint and baselines.
#[test]
fn record_digests_are_recomputed_from_the_database_and_an_edit_around_the_app_is_named() {
    use workbench_store::canonical;
    let dir = tempfile::tempdir().expect("tempdir");
    let created = common::create(dir.path(), "canonical test passphrase");
    let (mut ws, officer) = (created.workspace, created.officer.id);
    let rows = parse_customers(fixture().as_bytes()).expect("good fixture");
    ws.db_mut()
        .write(|tx| customers::insert_imported(tx, &rows, officer, at(2026, 5, 1)))
        .expect("store")
        .expect("no clashes");
    let report = ws.db().read(canonical::verify_objects).expect("verify");
    assert_eq!(
        (report.checked, report.problem_count),
        (8, 0),
        "5 customers, the provider, the officer, the program-started event: {report:?}"
    );

    // The form is plain SQL over the stored columns: an examiner recomputes it in the shell.
    let kind = canonical::kind("customer").expect("kind");
    let id: String = ws
        .db()
        .read(|c| Ok(c.query_row("SELECT id FROM customer WHERE customer_ref = 'C-5'", [], |r| r.get(0))?))
        .expect("id");
    let form = ws.db().read(|c| canonical::record(c, kind, &id)).expect("form").expect("stored");
    // record/2: the customer with its accounts and queue item, keys in byte order.
    assert!(form.starts_with("{\"accounts\":[{\"account_ref\":\"A-5\""), "{form}");
    assert!(form.contains("\"address_line1\":\"千代田1-1\""), "{form}");
    assert!(
        form.contains("\"emails\":[\"info@sakura.jp\"]") && form.contains("\"phones\":[\"+81312345678\"]"),
        "{form}"
    );
    assert!(form.contains("\"checks\":[]") && form.contains("\"decisions\":[]"), "{form}");

    // Someone with the key edits a name in the database directly.
    ws.db_mut()
        .write(|tx| Ok(tx.execute("UPDATE customer SET name = 'Someone Else' WHERE id = ?1", [&id])?))
        .expect("edit");
    let report = ws.db().read(canonical::verify_objects).expect("verify");
    assert_eq!(report.problem_count, 1);
    assert_eq!(report.problems[0].object, format!("customer:{id}"));
    assert!(report.problems[0].problem.contains("does not match the digest event"), "{:?}", report.problems);

    // A workspace from before canonical digests: its next open writes the checkpoint and one
    // baseline per record, and verification starts there.
    ws.db_mut()
        .write(|tx| Ok(tx.execute("DELETE FROM workspace_meta WHERE key = 'canonical_digests_from'", [])?))
        .expect("as before");
    drop(ws);
    let ws = workbench_store::Workspace::unlock(
        dir.path(),
        workbench_store::Unlock::Passphrase("canonical test passphrase"),
    )
    .expect("opens");
    let count = |action: &str| -> i64 {
        ws.db()
            .read(|c| {
                Ok(c.query_row("SELECT count(*) FROM audit_event WHERE action = ?1", [action], |r| r.get(0))?)
            })
            .expect("count")
    };
    assert_eq!((count("audit.digest_form"), count("record.baseline")), (1, 8));
    let report = ws.db().read(canonical::verify_objects).expect("verify");
    assert_eq!(
        (report.checked, report.problem_count),
        (8, 0),
        "the baseline takes the record as found: {report:?}"
    );
    assert!(ws.verify_audit().expect("chain").first_break.is_none());

    // A workspace kept under record/1 (no form written down) moves to record/2 at its next
    // open: a second checkpoint naming both forms, a baseline per record again.
    let mut ws = ws;
    ws.db_mut()
        .write(|tx| Ok(tx.execute("DELETE FROM workspace_meta WHERE key = 'canonical_form'", [])?))
        .expect("as under record/1");
    drop(ws);
    let ws = workbench_store::Workspace::unlock(
        dir.path(),
        workbench_store::Unlock::Passphrase("canonical test passphrase"),
    )
    .expect("opens");
    let (checkpoints, baselines) = ws
        .db()
        .read(|c| {
            Ok((
                c.query_row(
                    "SELECT count(*) FROM audit_event WHERE action = 'audit.digest_form'",
                    [],
                    |r| r.get::<_, i64>(0),
                )?,
                c.query_row("SELECT count(*) FROM audit_event WHERE action = 'record.baseline'", [], |r| {
                    r.get::<_, i64>(0)
                })?,
            ))
        })
        .expect("count");
    assert_eq!((checkpoints, baselines), (2, 16));
    let report = ws.db().read(canonical::verify_objects).expect("verify");
    assert_eq!((report.form, report.checked, report.problem_count), ("record/2", 8, 0), "{report:?}");
}

#[test]
fn import_list_transitions_and_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = common::create(dir.path(), "customers test passphrase");
    let (mut ws, officer) = (created.workspace, created.officer.id);
    let rows = parse_customers(fixture().as_bytes()).expect("good fixture");
    let stored = ws
        .db_mut()
        .write(|tx| customers::insert_imported(tx, &rows, officer, at(2026, 5, 1)))
        .expect("store")
        .expect("no clashes");
    assert_eq!(stored, 5);

    // Importing again clashes on every row and stores nothing.
    let clashes = ws
        .db_mut()
        .write(|tx| customers::insert_imported(tx, &rows, officer, at(2026, 5, 2)))
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
        ws.db_mut().write(|tx| customers::set_state(tx, account, to, "test", officer, when))
    };
    step(&mut ws, "A-1", AccountState::PendingVerification, at(2026, 5, 3)).expect("ok");
    step(&mut ws, "A-1", AccountState::Verified, at(2026, 5, 4)).expect("ok");
    step(&mut ws, "A-2", AccountState::PendingVerification, at(2026, 5, 3)).expect("ok");
    step(&mut ws, "A-2", AccountState::Refused, at(2026, 6, 1)).expect("ok");
    step(&mut ws, "A-3", AccountState::Closed, at(2026, 7, 1)).expect("applicant closed before verification");
    let err = step(&mut ws, "A-3", AccountState::Verified, at(2026, 7, 2)).expect_err("closed is final");
    assert!(err.to_string().contains("cannot go from closed to verified"), "{err}");

    // Hand-checked: foreign = C-1 DE, C-2 RU (undetermined counts as foreign), C-3 BR, C-5 JP.
    let counts = ws.db().read(|c| customers::counts(c, 2026, &[])).expect("counts");
    assert_eq!(counts.foreign_customers, 4);
    let mut by_country = counts.foreign_customers_by_country.clone();
    by_country.sort();
    assert_eq!(by_country, [("BR".into(), 1), ("DE".into(), 1), ("JP".into(), 1), ("RU".into(), 1)]);
    // Unverified foreign accounts: A-5 (applicant) only; A-1 verified, A-2 refused, A-3 closed.
    assert_eq!(counts.foreign_accounts_unverified, 1);
    assert_eq!(counts.refused_in_year, 1);
    assert_eq!(counts.unverifiable_in_year, 2, "A-2 refused, A-3 closed unverified");
    assert_eq!(ws.db().read(|c| customers::counts(c, 2025, &[])).expect("2025").refused_in_year, 0);

    let report = ws.verify_audit().expect("verify");
    assert!(report.first_break.is_none());
    assert_eq!(
        report.events,
        4 + 5 + 5,
        "create, provider, program-started, officer, five imports, five state changes"
    );
}

#[test]
fn each_import_batch_is_indexed_for_search_once() {
    // 0014: the import indexes its own rows in one statement (no per-row trigger). A second
    // batch must be found, and the first must not be indexed twice.
    let dir = tempfile::tempdir().expect("tempdir");
    let created = common::create(dir.path(), "search batch test passphrase");
    let (mut ws, officer) = (created.workspace, created.officer.id);
    let first = parse_customers(fixture().as_bytes()).expect("first batch");
    let second = parse_customers(
        [
            HEADER,
            "C-6,entity,Nordlicht Hosting AS,NO,Storgata 1,,Oslo,,0155,ops@nordlicht.no,+47 22 12 34 56,no,,A-6,card,4242,DNB,low,2026-05-01",
            "C-7,individual,Müller Anna,AT,Ring 2,,Wien,,1010,anna@example.at,+43 1 2345678,no,,A-7,wire,,Erste,low,2026-05-02",
        ]
        .join("\n")
        .as_bytes(),
    )
    .expect("second batch");
    for (rows, day) in [(&first, 1), (&second, 2)] {
        ws.db_mut()
            .write(|tx| customers::insert_imported(tx, rows, officer, at(2026, 5, day)))
            .expect("store")
            .expect("no clashes");
    }
    let search = |needle: &str| {
        let (page, total) =
            ws.db().read(|c| customers::list(c, needle, None, Sort::Ref, 50, 0)).expect("search");
        assert_eq!(total as usize, page.len());
        page.into_iter().map(|r| r.customer_ref).collect::<Vec<_>>()
    };
    assert_eq!(search("nordlicht"), ["C-6"], "the second batch is found");
    assert_eq!(search("müller"), ["C-1", "C-7"], "both batches, each row once");
    assert_eq!(search("C-"), ["C-1", "C-2", "C-3", "C-4", "C-5", "C-6", "C-7"]);
    let indexed: i64 = ws
        .db()
        .read(|c| {
            // FTS5's own check compares the index with the content table (errors if they differ).
            c.execute("INSERT INTO customer_search (customer_search) VALUES ('integrity-check')", [])?;
            Ok(c.query_row("SELECT count(*) FROM customer_search_docsize", [], |r| r.get(0))?)
        })
        .expect("integrity-check");
    assert_eq!(indexed, 7);
}

fn many(n: usize) -> String {
    let mut lines = vec![HEADER.to_owned()];
    lines.extend((0..n).map(|i| {
        format!("M-{i:05},individual,Person {i},FR,1 Rue A,,Paris,,75001,p{i}@example.com,+33 1 23 45 {:02} {:02},no,,MA-{i:05},card,4242,Banque,low,2026-01-01", i / 100 % 100, i % 100)
    }));
    lines.join("\n")
}

#[test]
fn a_csv_checked_on_a_second_thread_is_stored_all_or_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = common::create(dir.path(), "pipelined import passphrase");
    let (mut ws, officer) = (created.workspace, created.officer.id);
    let none = |_: &rusqlite::Transaction<'_>, _: &[workbench_core::import::ImportedCustomer]| Ok(Vec::new());
    // Queue items due in 30 / 14 / 7 days for low / medium / high risk.
    let due = [at(2026, 6, 1), at(2026, 5, 16), at(2026, 5, 9)];
    let import = |ws: &mut workbench_store::Workspace,
                  text: &str,
                  progress: &mut dyn FnMut(usize) -> bool| {
        ws.db_mut().write(|tx| {
            customers::import_csv(tx, text.as_bytes(), officer, at(2026, 5, 2), &due, &mut { none }, progress)
        })
    };
    let count = |ws: &workbench_store::Workspace| {
        ws.db().read(|c| customers::list(c, "", None, Sort::Ref, 1, 0)).expect("list").1
    };

    // A reference the workspace already holds in the second batch (500 rows each; the first was
    // stored), a bad row in the third: both named, bad rows first (as the whole-file check would
    // put them); the transaction rolls back, so nothing is kept. As with a whole-file check,
    // rows after a bad one are checked for their own problems only.
    ws.db_mut()
        .write(|tx| {
            customers::insert_imported(
                tx,
                &parse_customers(fixture().as_bytes()).expect("fixture"),
                officer,
                at(2026, 5, 1),
            )
        })
        .expect("store")
        .expect("no clashes");
    let text = many(1200)
        .replace("M-00600,", "C-3,")
        .replace(",MA-01150,card,4242,Banque,low,", ",MA-01150,card,4242,Banque,extreme,");
    let mut seen = Vec::new();
    let err = import(&mut ws, &text, &mut |done| {
        seen.push(done);
        true
    })
    .expect_err("refused");
    let workbench_store::StoreError::Rejected(problems) = err else { panic!("{err}") };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "row 1152: risk_tier: must be low, medium or high",
            "row 602: customer_ref: is already in the workspace"
        ]
    );
    assert_eq!(seen, [0, 500], "the first batch stored, the second refused");
    assert_eq!(count(&ws), 5, "only the customers from before");

    // The caller's check (the app's reseller gate) refuses rows too.
    let err = ws
        .db_mut()
        .write(|tx| {
            customers::import_csv(
                tx,
                many(10).as_bytes(),
                officer,
                at(2026, 5, 2),
                &due,
                &mut |_, rows| {
                    Ok(rows
                        .iter()
                        .filter(|r| r.row == 7)
                        .map(|r| RowError {
                            row: r.row,
                            column: "reseller_ref".into(),
                            message: "gated".into(),
                        })
                        .collect())
                },
                &mut |_| true,
            )
        })
        .expect_err("gated");
    assert!(
        matches!(&err, workbench_store::StoreError::Rejected(p) if p.len() == 1 && p[0].row == 7),
        "{err}"
    );

    // Cancelled after the first batch: nothing kept.
    let err = import(&mut ws, &many(1200), &mut |done| done < 500).expect_err("cancelled");
    assert!(matches!(err, workbench_store::StoreError::Cancelled), "{err}");
    assert_eq!(count(&ws), 5);

    // A good file: every row stored, found by search, one audit event each, the chain intact.
    let stored = import(&mut ws, &many(1200), &mut |_| true).expect("stored");
    assert_eq!(stored.len(), 1200);
    // Each stored customer entered the verification queue, due by its tier (all low here); the
    // five stored before by insert_imported were not queued by it.
    let (queued, due_at): (i64, String) = ws
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*), max(due_at) FROM queue_item q JOIN customer c ON c.id = q.customer_id \
                 WHERE c.customer_ref LIKE 'M-%' AND q.state = 'waiting' AND q.risk_rank = 0",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .expect("queue");
    assert_eq!(queued, 1200);
    assert_eq!(due_at, workbench_store::audit::timestamp(&due[0]));
    assert_eq!(stored[1199].row, 1201, "in file order");
    assert_eq!(count(&ws), 1205);
    let (found, total) =
        ws.db().read(|c| customers::list(c, "Person 1199", None, Sort::Ref, 10, 0)).expect("search");
    assert_eq!((total, found[0].customer_ref.as_str()), (1, "M-01199"));
    let report = ws.verify_audit().expect("verify");
    assert!(report.first_break.is_none());
    assert_eq!(report.events, 4 + 5 + 1200);
}
