//! Import files as the importers read them: CSV bytes as they are, and a sheet of an Excel
//! workbook (.xlsx) converted to CSV — text as typed, whole numbers without ".0", dates as
//! `YYYY-MM-DD` — so a row keeps its number (row 1 is the header) and its errors read the same.
//! The sheet is the first whose first row holds the import's columns, so a workbook may keep a
//! cover or notes sheet in front of its data.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use workbench_core::CoreError;

/// An .xlsx file is a ZIP archive: it starts with `PK\x03\x04`.
fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The bytes of an import file as CSV: unchanged for a CSV, converted for an .xlsx workbook —
/// the first sheet whose first row names every one of `columns` (a one-sheet workbook's only
/// sheet in any case, so the importer names what is missing).
///
/// # Errors
/// [`CoreError::Invalid`] on field `file` when the workbook cannot be read, has no sheet, or has
/// several sheets and none with the columns (the message names the sheets).
pub fn as_csv(bytes: Vec<u8>, columns: &[&str]) -> Result<Vec<u8>, CoreError> {
    if !is_xlsx(&bytes) {
        return Ok(bytes);
    }
    let unreadable =
        |e: &dyn std::fmt::Display| CoreError::invalid("file", format!("this workbook cannot be read ({e})"));
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let sheets = workbook.worksheets();
    let chosen = pick_sheet(&sheets, columns)?;
    let range = &sheets[chosen].1;
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    // Rows are written from the sheet's first row, so row numbers match what the user sees.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    for _ in 0..first_row {
        out.write_record(std::iter::empty::<&str>()).map_err(|e| unreadable(&e))?;
    }
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        out.write_record(&cells).map_err(|e| unreadable(&e))?;
    }
    out.into_inner().map_err(|e| unreadable(&e))
}

/// The index of the sheet to import: the first whose first row holds every one of `columns`.
fn pick_sheet(sheets: &[(String, Range<Data>)], columns: &[&str]) -> Result<usize, CoreError> {
    match sheets {
        [] => Err(CoreError::invalid("file", "the workbook has no sheet")),
        [_] => Ok(0),
        _ => sheets
            .iter()
            .position(|(_, range)| {
                let header: Vec<String> = range
                    .rows()
                    .next()
                    .map(|row| row.iter().map(|c| cell_text(c).trim().to_owned()).collect())
                    .unwrap_or_default();
                columns.iter().all(|column| header.iter().any(|h| h == column))
            })
            .ok_or_else(|| {
                let names: Vec<&str> = sheets.iter().map(|(name, _)| name.as_str()).collect();
                CoreError::invalid(
                    "file",
                    format!(
                        "no sheet starts with this import's columns ({}, …); the workbook's sheets: {}",
                        columns.iter().take(3).copied().collect::<Vec<_>>().join(", "),
                        names.join(", ")
                    ),
                )
            }),
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers typed into a cell (a postal code, a card's last four) lose no ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Data::DateTime(d) => d.as_datetime().map_or_else(
            || d.as_f64().to_string(),
            |t| {
                if t.time() == chrono::NaiveTime::MIN {
                    t.date().to_string()
                } else {
                    t.and_utc().to_rfc3339()
                }
            },
        ),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_bytes_pass_through_unchanged() {
        let csv = b"\xEF\xBB\xBFcustomer_ref,kind\r\nC-1,entity\r\n".to_vec();
        assert_eq!(as_csv(csv.clone(), &["customer_ref"]).expect("csv"), csv);
    }

    #[test]
    fn a_broken_workbook_is_named_not_a_panic() {
        let err = as_csv(b"PK\x03\x04 not really a zip".to_vec(), &["customer_ref"]).expect_err("broken");
        assert!(err.to_string().contains("file: this workbook cannot be read"), "{err}");
    }

    fn sheet(name: &str, header: &[&str]) -> (String, Range<Data>) {
        let mut range = Range::new((0, 0), (1, header.len() as u32 - 1));
        for (i, text) in header.iter().enumerate() {
            range.set_value((0, i as u32), Data::String((*text).to_owned()));
        }
        (name.to_owned(), range)
    }

    #[test]
    fn the_sheet_with_the_columns_is_chosen_after_a_cover_sheet() {
        let columns = ["customer_ref", "kind", "name"];
        let cover = sheet("Read me", &["How to fill in this workbook"]);
        let data = sheet("customers", &["customer_ref", " kind ", "name", "country"]);
        assert_eq!(pick_sheet(&[cover.clone(), data.clone()], &columns).expect("found"), 1);
        assert_eq!(pick_sheet(&[data, cover.clone()], &columns).expect("first"), 0);
        assert_eq!(
            pick_sheet(std::slice::from_ref(&cover), &columns).expect("only"),
            0,
            "the importer names what is missing"
        );
        let err = pick_sheet(&[cover.clone(), sheet("Notes", &["x"])], &columns).expect_err("none");
        assert!(
            err.to_string().ends_with(
                "file: no sheet starts with this import's columns (customer_ref, kind, name, …); \
                 the workbook's sheets: Read me, Notes"
            ),
            "{err}"
        );
        assert!(pick_sheet(&[], &columns).is_err());
    }

    #[test]
    fn cells_become_the_text_a_user_typed() {
        assert_eq!(cell_text(&Data::Float(80331.0)), "80331");
        assert_eq!(cell_text(&Data::Float(12.5)), "12.5");
        assert_eq!(cell_text(&Data::Int(4242)), "4242");
        assert_eq!(cell_text(&Data::String("Müller".into())), "Müller");
        assert_eq!(cell_text(&Data::Empty), "");
    }
}
