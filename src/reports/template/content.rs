//! What a ledger workbook is filled with, in the template's layout: the
//! values a unit typed (sample data, test fixtures), or the cells a unit
//! sent with the marks of its feedback. [`crate::reports::template::workbook`]
//! writes both; a blank template has no content.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};

use crate::schema::{CoverKey, LedgerKey, Schema};

/// A value typed into a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    /// A date with a time of day (a received cell may hold one).
    DateTime(NaiveDateTime),
    Bool(bool),
}

/// One ledger row: values by field name; fields not named stay blank.
pub type FilledRow = BTreeMap<String, CellValue>;

/// What a unit types into its template, by name.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// Cover values by cover key (filler, phone, fill date).
    pub cover: BTreeMap<CoverKey, CellValue>,
    /// Rows by ledger.
    pub ledgers: BTreeMap<LedgerKey, Vec<FilledRow>>,
    /// When the centre prefilled these rows: the period whose accepted
    /// submission they come from (the instructions say so).
    pub carried_from: Option<crate::period::Period>,
}

/// A cell of a feedback workbook marked for the unit to correct.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// An error (red); else a warning (yellow).
    pub error: bool,
    /// What is wrong, one message per diagnostic (the cell's note).
    pub messages: Vec<String>,
}

/// A workbook's content, cell by cell, in the template's layout.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Per cover field (schema order). A value for a prefilled field (unit
    /// code, name, period) replaces what the template would prefill.
    pub cover: Vec<Option<CellValue>>,
    /// Per ledger (schema order).
    pub ledgers: Vec<LedgerContent>,
    /// Marked cells by sheet name, at (row, column) of this workbook.
    pub marks: BTreeMap<String, BTreeMap<(u32, u16), Mark>>,
}

/// One ledger sheet's rows.
#[derive(Debug, Clone, Default)]
pub struct LedgerContent {
    /// Header texts of the columns a unit added, kept to the right of the
    /// schema's columns.
    pub extra_headers: Vec<String>,
    /// Data rows from the first data row on: one value per schema field,
    /// then one per added column.
    pub rows: Vec<Vec<Option<CellValue>>>,
}

impl Content {
    /// The content of what a unit typed, by field name.
    pub fn typed(schema: &Schema, filled: &Filled) -> Content {
        let cover = (0..schema.cover.fields.len())
            .map(|i| {
                let key = schema.cover.key_at(i)?;
                filled.cover.get(&key).cloned()
            })
            .collect();
        let ledgers = schema
            .ledgers
            .iter()
            .map(|ledger| {
                let rows = filled.ledgers.get(&ledger.key).map_or(&[][..], |r| r);
                LedgerContent {
                    extra_headers: Vec::new(),
                    rows: rows
                        .iter()
                        .map(|row| {
                            ledger
                                .fields
                                .iter()
                                .map(|f| row.get(&f.name).cloned())
                                .collect()
                        })
                        .collect(),
                }
            })
            .collect();
        Content {
            cover,
            ledgers,
            marks: BTreeMap::new(),
        }
    }
}
