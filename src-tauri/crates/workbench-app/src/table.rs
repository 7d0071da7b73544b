//! Import files as the importers read them: CSV bytes as they are, and the first sheet of an
//! Excel workbook (.xlsx) converted to CSV — text as typed, whole numbers without ".0", dates as
//! `YYYY-MM-DD` — so a row keeps its number (row 1 is the header) and its errors read the same.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use workbench_core::CoreError;

/// An .xlsx file is a ZIP archive: it starts with `PK\x03\x04`.
fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The bytes of an import file as CSV: unchanged for a CSV, converted for an .xlsx workbook.
///
/// # Errors
/// [`CoreError::Invalid`] on field `file` when the workbook cannot be read or has no sheet.
pub fn as_csv(bytes: Vec<u8>) -> Result<Vec<u8>, CoreError> {
    if !is_xlsx(&bytes) {
        return Ok(bytes);
    }
    let unreadable =
        |e: &dyn std::fmt::Display| CoreError::invalid("file", format!("this workbook cannot be read ({e})"));
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| CoreError::invalid("file", "the workbook has no sheet"))?
        .map_err(|e| unreadable(&e))?;
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
        assert_eq!(as_csv(csv.clone()).expect("csv"), csv);
    }

    #[test]
    fn a_broken_workbook_is_named_not_a_panic() {
        let err = as_csv(b"PK\x03\x04 not really a zip".to_vec()).expect_err("broken");
        assert!(err.to_string().contains("file: this workbook cannot be read"), "{err}");
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
