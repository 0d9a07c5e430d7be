//! What validation gives: a workbook's cover, its valid records and its
//! diagnostics.

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::period::Period;
use crate::read::field::Value;

/// One valid ledger row: its sheet row and a value per schema field.
#[derive(Debug, Clone, Serialize)]
pub struct ValidRow {
    /// 1-based sheet row.
    pub row: u32,
    pub values: Vec<Option<Value>>,
}

/// A ledger as received, reduced to its valid rows.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRecords {
    pub key: crate::schema::LedgerKey,
    /// The sheet was present and its header found.
    pub present: bool,
    pub records: Vec<ValidRow>,
    /// Rows left out because they had errors.
    pub excluded_rows: usize,
}

/// What the cover says.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CoverInfo {
    /// Unit code, when it is in the registry.
    pub unit: Option<String>,
    /// The unit's name as the cover gives it.
    pub unit_name: Option<String>,
    pub period: Option<Period>,
    pub filler: Option<String>,
    /// The filler's phone.
    pub phone: Option<String>,
    pub fill_date: Option<NaiveDate>,
}

/// A validated workbook.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub file: String,
    pub cover: CoverInfo,
    pub ledgers: Vec<LedgerRecords>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}
