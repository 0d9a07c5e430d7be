//! An `.ods`, whose sheets calamine reads whole when it opens the file.
//!
//! calamine materialises a cell repeated across columns
//! (`table:number-columns-repeated`, up to 16,384) in every row that holds
//! one, and then expands repeated rows into the sheet's rectangle: a few
//! kilobytes of compressed XML can ask for gigabytes. This walks
//! `content.xml` the way calamine reads it and counts both.

use std::io::{BufReader, Cursor};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader as XmlReader;

use crate::diagnostic::Finding;
use crate::limits::Limits;
use crate::read::budget::{Budget, Extent};

/// calamine's caps on one ODS table.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

pub fn ods(bytes: &[u8], limits: &Limits) -> Result<(), Finding> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = XmlReader::from_reader(BufReader::new(content));
    reader.config_mut().check_end_names = false;
    reader.config_mut().expand_empty_elements = true;
    let mut count = Count::new(limits);
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return Ok(()), // calamine reports bad XML
            Ok(event) => event,
        };
        match event {
            Event::Start(e) => count.start(&e),
            Event::Text(t) if !t.as_ref().trim().is_empty() => count.value_seen(),
            Event::End(e) => count.end(e.name().as_ref())?,
            _ => {}
        }
        buf.clear();
    }
}

/// The row being read: cells calamine has pushed and empty ones it holds
/// back until a value follows.
#[derive(Default)]
struct Row {
    repeats: u64,
    pushed: u64,
    pending_empty: u64,
    /// Columns of the first and last cells with a value.
    span: Option<(u64, u64)>,
}

/// The table being read.
#[derive(Default)]
struct Table {
    name: String,
    rows: u64,
    /// Rows (counting repeats) and columns from the first to the last value.
    filled: Extent,
}

struct Count<'a> {
    limits: &'a Limits,
    /// Cells materialised so far (calamine holds them all at once).
    cells: u64,
    /// What the tables' rectangles leave of the file's cell allowance.
    budget: Budget,
    table: Option<Table>,
    row: Option<Row>,
    /// The cell being read: its repeat count and whether it has a value.
    cell: Option<(u64, bool)>,
}

impl Count<'_> {
    fn new(limits: &Limits) -> Count<'_> {
        Count {
            limits,
            cells: 0,
            budget: Budget::new(limits),
            table: None,
            row: None,
            cell: None,
        }
    }

    fn start(&mut self, e: &BytesStart<'_>) {
        match e.name().as_ref() {
            "table:table" => {
                self.table = Some(Table {
                    name: attr(e, "table:name").unwrap_or_default(),
                    ..Table::default()
                })
            }
            "table:table-row" => {
                let repeats = number(e, "table:number-rows-repeated");
                self.row = Some(Row {
                    repeats,
                    ..Row::default()
                });
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let has_value =
                    attr(e, "office:value-type").is_some() || attr(e, "table:formula").is_some();
                self.cell = Some((number(e, "table:number-columns-repeated"), has_value));
            }
            // Any element inside a cell (text:p, …) may carry its value.
            _ => self.value_seen(),
        }
    }

    fn value_seen(&mut self) {
        if let Some((_, has_value)) = &mut self.cell {
            *has_value = true;
        }
    }

    fn end(&mut self, name: &str) -> Result<(), Finding> {
        match name {
            "table:table-cell" | "table:covered-table-cell" => self.end_cell(),
            "table:table-row" => self.end_row()?,
            "table:table" => self.end_table()?,
            _ => {}
        }
        Ok(())
    }

    fn end_cell(&mut self) {
        let (Some((repeats, has_value)), Some(row)) = (self.cell.take(), &mut self.row) else {
            return;
        };
        let room = |row: &Row| MAX_COLUMNS.saturating_sub(row.pushed);
        if !has_value {
            row.pending_empty = repeats.min(room(row));
            return;
        }
        row.pushed += row.pending_empty.min(room(row));
        row.pending_empty = 0;
        let first = row.pushed;
        row.pushed += repeats.min(room(row));
        if row.pushed > first {
            let (start, _) = row.span.unwrap_or((first, first));
            row.span = Some((start, row.pushed - 1));
        }
    }

    fn end_row(&mut self) -> Result<(), Finding> {
        let (Some(row), Some(table)) = (self.row.take(), &mut self.table) else {
            return Ok(());
        };
        let repeats = row.repeats.min(MAX_ROWS.saturating_sub(table.rows));
        if let Some((left, right)) = row.span {
            // Both fit in u32: rows are capped at 2^20, columns at 2^14.
            let (top, bottom) = (table.rows, table.rows + repeats.max(1) - 1);
            table.filled.add(top as u32, left as u32);
            table.filled.add(bottom as u32, right as u32);
        }
        table.rows += repeats;
        self.cells = self.cells.saturating_add(row.pushed);
        crate::read::budget::claimed(&table.name, self.cells, self.limits)
    }

    fn end_table(&mut self) -> Result<(), Finding> {
        let Some(table) = self.table.take() else {
            return Ok(());
        };
        // Only the area: calamine caps an ODS table's rows itself.
        let filled = &table.filled;
        self.budget
            .take_area(&table.name, filled.rows(), filled.cols())
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// A repeat count; absent or unreadable counts as 1 (calamine rejects an
/// unreadable one itself).
fn number(e: &BytesStart<'_>, name: &str) -> u64 {
    attr(e, name).and_then(|v| v.parse().ok()).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn ods_with(rows: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("mimetype", options).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", options).unwrap();
        write!(
            zip,
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="表1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
        .unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_small_sheet_passes() {
        let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1000"/></table:table-row><table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        assert_eq!(ods(&ods_with(rows), &Limits::default()), Ok(()));
    }

    #[test]
    fn columns_repeated_in_every_row_are_counted() {
        // 1,000 rows of one value repeated across all 16,384 columns.
        let row = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
        let finding = ods(&ods_with(&row.repeat(1000)), &Limits::default()).unwrap_err();
        assert_eq!(finding.message, crate::diagnostic::Msg::LimitCellsClaimed);
        assert_eq!(finding.sheet.as_deref(), Some("表1"));
    }

    #[test]
    fn repeated_rows_between_values_are_counted() {
        // A value in A1 and in Z1048576: calamine fills the rectangle.
        let rows = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="25"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
        let finding = ods(&ods_with(rows), &Limits::default()).unwrap_err();
        assert_eq!(finding.message, crate::diagnostic::Msg::LimitCells);
    }
}
