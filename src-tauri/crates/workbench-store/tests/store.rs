//! Integration tests of the store against real SQLCipher files on disk.

use workbench_store::{DataKey, Database, StoreError};

const CANARY: &str = "CANARY-Muller-Datentechnik-passport-X1234567";

fn write_canary(path: &std::path::Path, key: &DataKey) {
    let mut db = Database::open(path, key).expect("open new database");
    db.write(|tx| {
        tx.execute("CREATE TABLE probe (v TEXT NOT NULL)", [])?;
        tx.execute("INSERT INTO probe (v) VALUES (?1)", [CANARY])?;
        Ok(())
    })
    .expect("write");
}

#[test]
fn file_on_disk_holds_no_plaintext() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("workspace.db");
    let key = DataKey::generate().expect("key");
    write_canary(&path, &key);

    for entry in std::fs::read_dir(dir.path()).expect("list") {
        let file = entry.expect("entry").path();
        let bytes = std::fs::read(&file).expect("read");
        assert!(
            !bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
            "plaintext canary found in {}",
            file.display()
        );
        assert!(!bytes.starts_with(b"SQLite format 3"), "{} has a plain SQLite header", file.display());
    }
}

#[test]
fn right_key_reads_back_and_wrong_key_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("workspace.db");
    let key = DataKey::generate().expect("key");
    write_canary(&path, &key);

    let db = Database::open(&path, &key).expect("reopen with the right key");
    let value: String =
        db.read(|c| Ok(c.query_row("SELECT v FROM probe", [], |r| r.get(0))?)).expect("read back");
    assert_eq!(value, CANARY);
    drop(db);

    let before = std::fs::read(&path).expect("read file");
    let wrong = DataKey::generate().expect("key");
    let err = Database::open(&path, &wrong).expect_err("wrong key must fail");
    assert!(matches!(err, StoreError::WrongKey), "got {err:?}");
    assert_eq!(std::fs::read(&path).expect("read file"), before, "a failed unlock must not write");
}
