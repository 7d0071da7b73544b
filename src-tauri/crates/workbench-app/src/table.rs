//! Import files as the importers read them: CSV bytes as they are, and a sheet of an Excel
//! workbook (.xlsx) converted to CSV — text as typed, whole numbers without ".0", dates as
//! `YYYY-MM-DD` — so a row keeps its number (row 1 is the header) and its errors read the same.
//! The sheet is the first whose first row holds the import's columns, so a workbook may keep a
//! cover or notes sheet in front of its data.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use workbench_core::CoreError;

/// How far a workbook handed in may reach (issue 14: a 1.6 KB workbook with cells at A1 and
/// XFD1048576 once made the app allocate 512 GiB for a dense grid). Cells are read one by one
/// and only those present are kept; anything past a limit is refused, naming the limit.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Rows of a sheet, the header included.
    pub rows: u32,
    /// Columns of a sheet (the widest import has 20).
    pub columns: u32,
    /// Cells of the chosen sheet's used range (rows × columns from the first used cell to the last).
    pub cells: usize,
    /// Parts (files) inside the workbook's ZIP archive.
    pub parts: usize,
    /// Bytes of one part once decompressed (a sheet's XML, the shared strings).
    pub part_bytes: u64,
    /// Bytes of all parts once decompressed together.
    pub total_bytes: u64,
}

impl Limits {
    /// What the importers allow: a million rows, 256 columns, 25 million cells, parts of up to
    /// 512 MiB and 1 GiB in all once decompressed.
    pub const DEFAULT: Self = Self {
        rows: 1_000_001,
        columns: 256,
        cells: 25_000_000,
        parts: 10_000,
        part_bytes: 512 << 20,
        total_bytes: 1 << 30,
    };
}

/// An .xlsx file is a ZIP archive: it starts with `PK\x03\x04`.
fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn refused(message: String) -> CoreError {
    CoreError::invalid("file", message)
}

fn unreadable(e: &dyn std::fmt::Display) -> CoreError {
    refused(format!("this workbook cannot be read ({e})"))
}

/// Decompresses every part of the archive once, counting, before calamine reads any of it: the
/// sizes a ZIP declares can lie, so a zip bomb is caught by what it really inflates to.
fn check_archive(bytes: &[u8], limits: &Limits) -> Result<(), CoreError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if archive.len() > limits.parts {
        return Err(refused(format!(
            "the workbook holds {} parts; at most {} are read",
            archive.len(),
            limits.parts
        )));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(|e| unreadable(&e))?;
        let inflated = std::io::copy(&mut part.take(limits.part_bytes + 1), &mut std::io::sink())
            .map_err(|e| unreadable(&e))?;
        if inflated > limits.part_bytes {
            return Err(refused(format!(
                "a part of the workbook inflates to more than {} MiB; larger parts are not read",
                limits.part_bytes >> 20
            )));
        }
        total += inflated;
        if total > limits.total_bytes {
            return Err(refused(format!(
                "the workbook inflates to more than {} MiB; larger workbooks are not read",
                limits.total_bytes >> 20
            )));
        }
    }
    Ok(())
}

/// The cells present in one sheet, as text, with their (row, column), in row order. Stops after
/// the first row when `header_only`.
fn sheet_cells<RS: Read + std::io::Seek>(
    workbook: &mut Xlsx<RS>,
    name: &str,
    header_only: bool,
    limits: &Limits,
) -> Result<Vec<(u32, u32, String)>, CoreError> {
    let mut reader = workbook.worksheet_cells_reader(name).map_err(|e| unreadable(&e))?;
    let mut cells = Vec::new();
    let mut first_row = None;
    while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
        let (row, column) = cell.get_position();
        if header_only && *first_row.get_or_insert(row) != row {
            break;
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        // A cell with only a style holds nothing to import, wherever it sits.
        if text.is_empty() {
            continue;
        }
        if row >= limits.rows {
            return Err(refused(format!(
                "sheet {name:?} has a cell in row {}; at most {} rows are read",
                row + 1,
                limits.rows
            )));
        }
        if column >= limits.columns {
            return Err(refused(format!(
                "sheet {name:?} has a cell in column {}; at most {} columns are read",
                column + 1,
                limits.columns
            )));
        }
        if cells.len() == limits.cells {
            return Err(refused(format!("sheet {name:?} has more than {} cells", limits.cells)));
        }
        cells.push((row, column, text));
    }
    // Rows are normally written in order; a workbook that does not is read all the same.
    cells.sort_by_key(|&(row, column, _)| (row, column));
    Ok(cells)
}

/// The bytes of an import file as CSV: unchanged for a CSV, converted for an .xlsx workbook —
/// the first sheet whose first row names every one of `columns` (a one-sheet workbook's only
/// sheet in any case, so the importer names what is missing).
///
/// # Errors
/// [`CoreError::Invalid`] on field `file` when the workbook cannot be read, has no sheet, has
/// several sheets and none with the columns (the message names the sheets), or reaches past one
/// of the [`Limits`] (the message names it).
pub fn as_csv(bytes: Vec<u8>, columns: &[&str]) -> Result<Vec<u8>, CoreError> {
    as_csv_within(bytes, columns, &Limits::DEFAULT)
}

/// [`as_csv`] within other [`Limits`].
///
/// # Errors
/// As [`as_csv`].
pub fn as_csv_within(bytes: Vec<u8>, columns: &[&str], limits: &Limits) -> Result<Vec<u8>, CoreError> {
    if !is_xlsx(&bytes) {
        return Ok(bytes);
    }
    check_archive(&bytes, limits)?;
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let names = workbook.sheet_names();
    let mut headers = Vec::with_capacity(names.len());
    if names.len() > 1 {
        for name in &names {
            let header: Vec<String> = sheet_cells(&mut workbook, name, true, limits)?
                .into_iter()
                .map(|(_, _, t)| t.trim().to_owned())
                .collect();
            headers.push(header);
        }
    }
    let chosen = pick_sheet(&names, &headers, columns)?;
    let cells = sheet_cells(&mut workbook, &names[chosen], false, limits)?;
    // Flexible: rows above the used range are written as empty records.
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
        return out.into_inner().map_err(|e| unreadable(&e));
    };
    // The used range, as a spreadsheet shows it: from the first used row and column to the last.
    let (first_row, last_row) = (first.0, last.0);
    let first_column = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let width = (cells.iter().map(|c| c.1).max().unwrap_or(0) - first_column + 1) as usize;
    let height = (last_row - first_row + 1) as usize;
    if height.saturating_mul(width) > limits.cells {
        return Err(refused(format!(
            "sheet {:?} spans {height} rows × {width} columns; at most {} cells are read",
            names[chosen], limits.cells
        )));
    }
    // Rows are written from the sheet's first row, so row numbers match what the user sees.
    for _ in 0..first_row {
        out.write_record(std::iter::empty::<&str>()).map_err(|e| unreadable(&e))?;
    }
    let mut record = vec![""; width];
    let mut at = 0;
    for row in first_row..=last_row {
        record.iter_mut().for_each(|f| *f = "");
        while at < cells.len() && cells[at].0 == row {
            record[(cells[at].1 - first_column) as usize] = &cells[at].2;
            at += 1;
        }
        out.write_record(&record).map_err(|e| unreadable(&e))?;
    }
    out.into_inner().map_err(|e| unreadable(&e))
}

/// The index of the sheet to import: the only one, or the first whose first row (`headers`,
/// one per sheet, when there are several) holds every one of `columns`.
fn pick_sheet(names: &[String], headers: &[Vec<String>], columns: &[&str]) -> Result<usize, CoreError> {
    match names {
        [] => Err(CoreError::invalid("file", "the workbook has no sheet")),
        [_] => Ok(0),
        _ => headers
            .iter()
            .position(|header| columns.iter().all(|column| header.iter().any(|h| h == column)))
            .ok_or_else(|| {
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

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn header(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.trim().to_owned()).collect()
    }

    #[test]
    fn the_sheet_with_the_columns_is_chosen_after_a_cover_sheet() {
        let columns = ["customer_ref", "kind", "name"];
        let cover = header(&["How to fill in this workbook"]);
        let data = header(&["customer_ref", " kind ", "name", "country"]);
        let two = names(&["Read me", "customers"]);
        assert_eq!(pick_sheet(&two, &[cover.clone(), data.clone()], &columns).expect("found"), 1);
        assert_eq!(pick_sheet(&two, &[data, cover.clone()], &columns).expect("first"), 0);
        assert_eq!(
            pick_sheet(&names(&["Read me"]), &[], &columns).expect("only"),
            0,
            "the importer names what is missing"
        );
        let err =
            pick_sheet(&names(&["Read me", "Notes"]), &[cover, header(&["x"])], &columns).expect_err("none");
        assert!(
            err.to_string().ends_with(
                "file: no sheet starts with this import's columns (customer_ref, kind, name, …); \
                 the workbook's sheets: Read me, Notes"
            ),
            "{err}"
        );
        assert!(pick_sheet(&[], &[], &columns).is_err());
    }

    /// A minimal workbook whose one sheet holds `sheet_data` (the `<sheetData>` children),
    /// written with `method`.
    fn workbook(sheet_data: &str, method: zip::CompressionMethod) -> Vec<u8> {
        use std::io::Write;
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="customers" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
                ),
            ),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, text) in parts {
            zip.start_file(name, options).expect("part");
            zip.write_all(text.as_bytes()).expect("write");
        }
        zip.finish().expect("zip").into_inner()
    }

    fn cell(reference: &str, text: &str) -> String {
        format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    fn row(number: u32, cells: &[String]) -> String {
        format!(r#"<row r="{number}">{}</row>"#, cells.concat())
    }

    #[test]
    fn a_sparse_sheet_reads_as_its_used_range() {
        let data = [
            row(2, &[cell("B2", "customer_ref"), cell("C2", "kind")]),
            row(3, &[cell("B3", "C-1")]),
            row(5, &[cell("C5", "entity")]),
        ]
        .concat();
        let csv = as_csv(workbook(&data, zip::CompressionMethod::Deflated), &["customer_ref"]).expect("read");
        // Row 1 stays (empty) so that row numbers are the sheet's; columns start at B.
        assert_eq!(String::from_utf8(csv).expect("utf-8"), "\"\"\ncustomer_ref,kind\nC-1,\n,\n,entity\n");
    }

    #[test]
    fn a_workbook_with_a_far_corner_cell_is_refused_not_expanded() {
        // The 1.6 KB workbook of issue 14: A1 and XFD1048576 once asked for 512 GiB.
        let data =
            [row(1, &[cell("A1", "customer_ref")]), row(1_048_576, &[cell("XFD1048576", "x")])].concat();
        let bytes = workbook(&data, zip::CompressionMethod::Deflated);
        assert!(bytes.len() < 4_000, "{} bytes", bytes.len());
        let err = as_csv(bytes, &["customer_ref"]).expect_err("refused");
        assert!(
            err.to_string().contains("has a cell in row 1048576; at most 1000001 rows are read"),
            "{err}"
        );

        let wide = [row(1, &[cell("A1", "customer_ref"), cell("XFD1", "x")])].concat();
        let err =
            as_csv(workbook(&wide, zip::CompressionMethod::Deflated), &["customer_ref"]).expect_err("wide");
        assert!(
            err.to_string().contains("has a cell in column 16384; at most 256 columns are read"),
            "{err}"
        );

        // Within the row and column limits, the used range is what is bounded.
        let tall = [row(1, &[cell("A1", "customer_ref")]), row(900_000, &[cell("IV900000", "x")])].concat();
        let err =
            as_csv(workbook(&tall, zip::CompressionMethod::Deflated), &["customer_ref"]).expect_err("tall");
        assert!(err.to_string().contains("spans 900000 rows × 256 columns; at most 25000000 cells"), "{err}");
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_inflates_to() {
        let limits = Limits { part_bytes: 1 << 20, total_bytes: 2 << 20, ..Limits::DEFAULT };
        // 3 MiB of spaces inside the sheet's XML deflate to a few KiB.
        let padding = " ".repeat(3 << 20);
        let data = format!("{}{padding}", row(1, &[cell("A1", "customer_ref")]));
        let bytes = workbook(&data, zip::CompressionMethod::Deflated);
        assert!(bytes.len() < 64 << 10, "{} bytes", bytes.len());
        let err = as_csv_within(bytes.clone(), &["customer_ref"], &limits).expect_err("bomb");
        assert!(err.to_string().contains("a part of the workbook inflates to more than 1 MiB"), "{err}");
        let roomy = Limits { part_bytes: 4 << 20, total_bytes: 8 << 20, ..Limits::DEFAULT };
        assert_eq!(as_csv_within(bytes, &["customer_ref"], &roomy).expect("within"), b"customer_ref\n");
    }

    #[test]
    fn every_truncation_and_bit_flip_of_a_workbook_is_an_error_or_a_table_never_a_panic() {
        let data = [row(1, &[cell("A1", "customer_ref"), cell("B1", "kind")]), row(2, &[cell("A2", "C-1")])]
            .concat();
        let good = workbook(&data, zip::CompressionMethod::Deflated);
        let mut tried = 0;
        for cut in (4..good.len()).step_by(7) {
            let _ = as_csv(good[..cut].to_vec(), &["customer_ref"]);
            tried += 1;
        }
        for at in (4..good.len()).step_by(3) {
            let mut flipped = good.clone();
            flipped[at] ^= 0x5a;
            let _ = as_csv(flipped, &["customer_ref"]);
            tried += 1;
        }
        assert!(tried > 300, "{tried} inputs tried");
        println!("{tried} damaged workbooks read without a panic");
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
