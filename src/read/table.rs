//! Locating a ledger's header row and mapping its columns to schema fields.

use std::borrow::Cow;

use calamine::{Data, Range};

use crate::read::cell::cell_str;
use crate::schema::Field;
use crate::text::{match_key, match_key_of};

/// How many rows from the top of a sheet the header may be found in.
pub(crate) const HEADER_SCAN_ROWS: u32 = 10;

/// Where a sheet's header is and which column holds each field.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// 0-based sheet row of the header.
    pub row: u32,
    /// For each schema field (same order), its 0-based sheet column, if present.
    pub columns: Vec<Option<u32>>,
    /// Columns whose header repeats a field already found: (column, field index).
    pub duplicates: Vec<(u32, usize)>,
    /// Non-empty header cells that are not fields: (column, header text).
    pub extras: Vec<(u32, String)>,
}

/// Find the header row among the first [`HEADER_SCAN_ROWS`] rows: the row
/// matching the most field names (at least two, or one if the schema has one).
pub(crate) fn find_header(range: &Range<Data>, fields: &[Field]) -> Option<Header> {
    let keys: Vec<String> = fields.iter().map(|f| match_key(&f.name)).collect();
    let (start_row, _) = range.start()?;
    let (end_row, _) = range.end()?;
    let last = end_row.min(start_row + HEADER_SCAN_ROWS - 1);
    let needed = keys.len().min(2);
    let texts_only = only_texts_can_match(&keys);
    let mut best: Option<(usize, u32)> = None;
    for row in start_row..=last {
        let hits = header_cells(range, row, texts_only)
            .filter(|(_, text)| {
                let key = match_key_of(text);
                keys.iter().any(|k| *k == key)
            })
            .count();
        if hits >= needed && best.is_none_or(|(b, _)| hits > b) {
            best = Some((hits, row));
        }
    }
    best.map(|(_, row)| map_columns(range, row, &keys))
}

fn map_columns(range: &Range<Data>, row: u32, keys: &[String]) -> Header {
    let mut header = Header {
        row,
        columns: vec![None; keys.len()],
        duplicates: Vec::new(),
        extras: Vec::new(),
    };
    for (col, text) in header_cells(range, row, false) {
        let key = match_key_of(&text);
        match keys.iter().position(|k| *k == key) {
            Some(i) if header.columns[i].is_none() => header.columns[i] = Some(col),
            Some(i) => header.duplicates.push((col, i)),
            None => header.extras.push((col, text.into_owned())),
        }
    }
    header
}

/// Whether no cell but a text cell can match any of `keys` (match keys), so
/// that a search for them may skip the others.
pub(crate) fn only_texts_can_match(keys: &[String]) -> bool {
    !keys.iter().any(|k| could_be_printed_value(k))
}

/// Whether a name reads like what a cell that is not text prints (a number,
/// date or duration has digits, a truth value is 是/否, an error value starts
/// with `#`): only then can such a cell match it.
fn could_be_printed_value(key: &str) -> bool {
    key.bytes().any(|b| b.is_ascii_digit()) || key.starts_with('#') || key == "是" || key == "否"
}

/// Non-empty cells of one sheet row with their 0-based columns; with
/// `texts_only`, text cells only (the data rows under a header are mostly
/// numbers and dates, which need not be printed to be told from a name).
fn header_cells(
    range: &Range<Data>,
    row: u32,
    texts_only: bool,
) -> impl Iterator<Item = (u32, Cow<'_, str>)> + '_ {
    let (start_col, end_col) = match (range.start(), range.end()) {
        (Some((_, s)), Some((_, e))) => (s, e),
        _ => (1, 0),
    };
    (start_col..=end_col).filter_map(move |col| {
        let cell = range.get_value((row, col))?;
        if texts_only && !matches!(cell, Data::String(_)) {
            return None;
        }
        let text = cell_str(cell);
        (!text.trim().is_empty()).then_some((col, text))
    })
}
