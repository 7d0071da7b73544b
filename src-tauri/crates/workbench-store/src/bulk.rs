//! Multi-row INSERT statements for bulk writes (a customer import).
//!
//! Each statement execution opens a cursor on the table and on every index, binds, steps and
//! closes them again; for a row of a table with four indexes that overhead rivals the insert
//! itself. One statement per [`ROWS_PER_STATEMENT`] rows pays it once for all of them.

use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, Value};

use crate::error::StoreError;

/// Rows per INSERT statement: far below SQLite's 32,766 bound parameters for our widest row
/// (15 values), and the statement cache keeps one full-size and one remainder form per table.
pub(crate) const ROWS_PER_STATEMENT: usize = 64;

/// Inserts rows of values given flat in `values`, each row as many values as `row` has `?`
/// placeholders: `head` is `INSERT INTO t (a, b, c)` and `row` its tuple, which may hold
/// constants, e.g. `(?, ?, 'applicant')`.
pub(crate) fn insert_rows(
    conn: &Connection,
    head: &str,
    row: &str,
    values: &[ToSqlOutput<'_>],
) -> Result<(), StoreError> {
    let width = row.matches('?').count();
    assert!(
        width > 0 && values.len().is_multiple_of(width),
        "{} values do not fill rows of {width}",
        values.len()
    );
    for chunk in values.chunks(width * ROWS_PER_STATEMENT) {
        let rows = vec![row; chunk.len() / width].join(", ");
        conn.prepare_cached(&format!("{head} VALUES {rows}"))?.execute(rusqlite::params_from_iter(chunk))?;
    }
    Ok(())
}

/// Text borrowed as a parameter (not copied until SQLite binds it).
pub(crate) fn text(value: &str) -> ToSqlOutput<'_> {
    ToSqlOutput::from(value)
}

/// Text or NULL.
pub(crate) fn text_or_null(value: Option<&str>) -> ToSqlOutput<'_> {
    value.map_or(ToSqlOutput::Owned(Value::Null), ToSqlOutput::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_in_statement_by_statement_in_order_with_constants() {
        let conn = Connection::open_in_memory().expect("db");
        conn.execute_batch("CREATE TABLE t (n INTEGER, label TEXT, kind TEXT, note TEXT)").expect("table");
        let labels: Vec<String> = (0..150).map(|n| format!("row {n}")).collect();
        let values: Vec<ToSqlOutput<'_>> = labels
            .iter()
            .enumerate()
            .flat_map(|(n, label)| {
                [ToSqlOutput::from(n as i64), text(label), text_or_null((n % 2 == 0).then_some("even"))]
            })
            .collect();
        // 150 rows: two full statements and a remainder of 22.
        insert_rows(&conn, "INSERT INTO t (n, label, note, kind)", "(?, ?, ?, 'fixed')", &values)
            .expect("insert");
        let rows: Vec<(i64, String, Option<String>, String)> = conn
            .prepare("SELECT n, label, note, kind FROM t ORDER BY rowid")
            .expect("select")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("read");
        assert_eq!(rows.len(), 150);
        assert_eq!(rows[0], (0, "row 0".into(), Some("even".into()), "fixed".into()));
        assert_eq!(rows[149], (149, "row 149".into(), None, "fixed".into()));
        assert!(rows.iter().enumerate().all(|(i, r)| r.0 == i as i64), "in order");
    }
}
