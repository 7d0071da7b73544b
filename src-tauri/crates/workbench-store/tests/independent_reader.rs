//! An independent SQLCipher 4 implementation (PyPI `sqlcipher3-binary`, installed by
//! `cargo xtask setup`) opens a database written by the store, with the raw data key, and reads
//! a row; plain `sqlite3` refuses the same file. Proves the format is standard SQLCipher 4, not
//! something only this binary can read.

use std::path::PathBuf;
use std::process::Command;

use workbench_store::{DataKey, Database};

/// Where `cargo xtask setup` installs the Python package (`CIPW_PYLIB` overrides).
fn pylib() -> PathBuf {
    std::env::var_os("CIPW_PYLIB").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/cip-workbench/pylib")
    })
}

#[test]
fn sqlcipher3_reads_what_the_store_wrote_and_sqlite3_refuses_it() {
    let lib = pylib();
    assert!(
        lib.join("sqlcipher3").is_dir(),
        "sqlcipher3-binary is not installed in {}: run `cargo xtask setup`",
        lib.display()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("workspace.db");
    let bytes = [0x5Au8; 32];
    let mut db = Database::open(&path, &DataKey::from_bytes(bytes)).expect("open");
    db.write(|tx| {
        tx.execute("CREATE TABLE probe (v TEXT NOT NULL)", [])?;
        tx.execute("INSERT INTO probe VALUES ('Иванов Сергей · 株式会社サクラ')", [])?;
        Ok(())
    })
    .expect("write");
    drop(db);

    let script = format!(
        "import sqlcipher3\n\
         c = sqlcipher3.connect({path:?})\n\
         c.execute(\"PRAGMA key = \\\"x'{key}'\\\"\")\n\
         print(c.execute('PRAGMA cipher_version').fetchone()[0])\n\
         print(c.execute('SELECT v FROM probe').fetchone()[0])\n",
        path = path.display().to_string(),
        key = hex::encode(bytes),
    );
    let output =
        Command::new("python3").arg("-c").arg(&script).env("PYTHONPATH", &lib).output().expect("python3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "sqlcipher3 failed: {}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with('4'), "an independent SQLCipher 4: {stdout}");
    assert_eq!(lines[1], "Иванов Сергей · 株式会社サクラ");

    let plain = Command::new("sqlite3").arg(&path).arg("SELECT v FROM probe;").output().expect("sqlite3");
    assert!(!plain.status.success(), "plain SQLite must not read it");
}
