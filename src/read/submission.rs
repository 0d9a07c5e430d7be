//! Reading a ledger workbook into raw cells: the cover's key/value cells and,
//! for each ledger sheet, its header mapping and cell range. No typing yet.

use std::borrow::Cow;

use calamine::{Data, Range};

use crate::diagnostic::{Finding, Msg};
use crate::limits::Limits;
use crate::read::budget::Budget;
use crate::read::cell::cell_str;
use crate::read::merges::Merges;
use crate::read::table::{self, Header};
use crate::read::workbook;
use crate::schema::Schema;
use crate::text::{match_key, match_key_of, sheet_key};

/// One cover item as found: the value cell's position and content.
#[derive(Debug, Clone)]
pub(crate) struct CoverCell {
    pub row: u32,
    pub col: u32,
    pub value: Data,
}

#[derive(Debug)]
pub(crate) struct RawCover {
    pub sheet: String,
    /// Per schema cover field (same order); `None` when the label is missing.
    pub cells: Vec<Option<CoverCell>>,
}

#[derive(Debug)]
pub(crate) struct RawLedger {
    pub sheet: String,
    pub header: Header,
    pub range: Range<Data>,
}

#[derive(Debug)]
pub(crate) struct RawWorkbook {
    pub cover: Option<RawCover>,
    /// Per schema ledger (same order); `None` when the sheet or its header is missing.
    pub ledgers: Vec<Option<RawLedger>>,
    pub findings: Vec<Finding>,
}

/// Read the cover and the ledgers. `Err` only when the file cannot be opened.
pub(crate) fn read(bytes: &[u8], schema: &Schema, limits: &Limits) -> Result<RawWorkbook, Finding> {
    // The sheets a name could match (`find_sheet` then picks among them).
    let keys: Vec<String> = std::iter::once(&schema.cover.sheet)
        .chain(schema.ledgers.iter().map(|l| &l.name))
        .map(|name| sheet_key(name))
        .collect();
    let read_here = |name: &str| keys.contains(&sheet_key(name));
    let workbook::Opened { mut book, merges } = workbook::open(bytes, limits, &read_here)?;
    let cover_sheet = workbook::find_sheet(&book, &schema.cover.sheet);
    let ledger_sheets: Vec<Option<String>> = schema
        .ledgers
        .iter()
        .map(|ledger| workbook::find_sheet(&book, &ledger.name))
        .collect();
    let mut budget = Budget::new(limits);
    let mut findings = Vec::new();
    let cover = read_cover(
        &mut book,
        cover_sheet,
        &merges,
        schema,
        &mut budget,
        &mut findings,
    );
    let ledgers = schema
        .ledgers
        .iter()
        .zip(ledger_sheets)
        .map(|(ledger, sheet)| {
            let Some(sheet) = sheet else {
                findings.push(Finding::new(Msg::SheetMissing).sheet(&ledger.name));
                return None;
            };
            let range = match workbook::range(&mut book, &sheet, &merges, &mut budget) {
                Ok(r) => r,
                Err(f) => {
                    findings.push(f);
                    return None;
                }
            };
            let Some(header) = table::find_header(&range, &ledger.fields) else {
                findings.push(
                    Finding::new(Msg::HeaderMissing)
                        .sheet(&sheet)
                        .arg("rows", table::HEADER_SCAN_ROWS),
                );
                return None;
            };
            header_findings(&sheet, &header, ledger, &mut findings);
            Some(RawLedger {
                sheet,
                header,
                range,
            })
        })
        .collect();
    if findings
        .iter()
        .any(|f| matches!(f.message, Msg::SheetBroken | Msg::FileParserFailed))
    {
        if let Some(refusal) = crate::read::preflight::doctype_refusal(bytes) {
            return Err(refusal);
        }
    }
    Ok(RawWorkbook {
        cover,
        ledgers,
        findings,
    })
}

fn read_cover(
    book: &mut workbook::Workbook<'_>,
    sheet: Option<String>,
    merges: &Merges,
    schema: &Schema,
    budget: &mut Budget,
    findings: &mut Vec<Finding>,
) -> Option<RawCover> {
    let spec = &schema.cover;
    let Some(sheet) = sheet else {
        findings.push(Finding::new(Msg::CoverMissing).sheet(&spec.sheet));
        return None;
    };
    let range = match workbook::range(book, &sheet, merges, budget) {
        Ok(r) => r,
        Err(f) => {
            findings.push(f);
            return None;
        }
    };
    let keys: Vec<String> = spec.fields.iter().map(|f| match_key(&f.name)).collect();
    let labels = Labels::of(&range, &keys);
    let cells = spec
        .fields
        .iter()
        .zip(&keys)
        .map(|(field, key)| {
            let found = labels.value(&range, key);
            if found.is_none() && field.required {
                findings.push(
                    Finding::new(Msg::CoverItemMissing)
                        .sheet(&sheet)
                        .column(field.name.clone()),
                );
            }
            found
        })
        .collect();
    Some(RawCover { sheet, cells })
}

/// The cover's cells that could be labels, each with its match key,
/// row by row: keyed once, not once per label.
struct Labels<'r> {
    cells: Vec<(u32, u32, Cow<'r, str>)>,
}

impl<'r> Labels<'r> {
    /// The cells that could hold one of `labels` (match keys).
    fn of(range: &'r Range<Data>, labels: &[String]) -> Labels<'r> {
        let texts_only = table::only_texts_can_match(labels);
        let (start_row, start_col) = range.start().unwrap_or_default();
        let cells = range
            .cells()
            .filter(|(_, _, cell)| !texts_only || matches!(cell, Data::String(_)))
            .map(|(row, col, cell)| {
                let key = match cell_str(cell) {
                    Cow::Borrowed(s) => match_key_of(s),
                    Cow::Owned(s) => Cow::Owned(match_key(&s)),
                };
                (start_row + row as u32, start_col + col as u32, key)
            })
            .collect();
        Labels { cells }
    }

    /// The cell holding the value for a label: the cell to its right,
    /// skipping cells that repeat the label (a merged label spans several
    /// columns).
    fn value(&self, range: &Range<Data>, label: &str) -> Option<CoverCell> {
        let &(row, col, _) = self.cells.iter().find(|(_, _, key)| key == label)?;
        let end_col = range.end()?.1;
        let value_col = (col + 1..=end_col + 1)
            .find(|&c| {
                range
                    .get_value((row, c))
                    .is_none_or(|v| match_key_of(&cell_str(v)) != label)
            })
            .unwrap_or(col + 1);
        let value = range
            .get_value((row, value_col))
            .cloned()
            .unwrap_or(Data::Empty);
        Some(CoverCell {
            row,
            col: value_col,
            value,
        })
    }
}

fn header_findings(
    sheet: &str,
    header: &Header,
    ledger: &crate::schema::Ledger,
    findings: &mut Vec<Finding>,
) {
    for (col, text) in &header.extras {
        findings.push(
            Finding::new(Msg::HeaderExtra)
                .sheet(sheet)
                .cell(header.row, *col)
                .value(text.clone())
                .arg("sheet", &ledger.name),
        );
    }
    for (col, i) in &header.duplicates {
        let first = header.columns[*i].unwrap_or(0);
        findings.push(
            Finding::new(Msg::HeaderDuplicate)
                .sheet(sheet)
                .cell(header.row, *col)
                .column(ledger.fields[*i].name.clone())
                .arg(
                    "first",
                    rust_xlsxwriter::utility::column_number_to_name(
                        u16::try_from(first).unwrap_or(u16::MAX),
                    ),
                ),
        );
    }
    for (i, field) in ledger.fields.iter().enumerate() {
        if field.required && header.columns[i].is_none() {
            findings.push(
                Finding::new(Msg::HeaderColumnMissing)
                    .sheet(sheet)
                    .row(header.row)
                    .column(field.name.clone()),
            );
        }
    }
}
