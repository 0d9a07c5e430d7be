//! Validation: typed parsing of every cell against the schema, then the
//! schema's cross-field rules, the cover against the registry, uniqueness and
//! references. Produces the records that aggregation reads and the diagnostics
//! that go back to the unit.

pub mod cover;
pub mod rows;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Finding};
use crate::limits::Limits;
use crate::period::Period;
use crate::read::field::Value;
use crate::read::submission;
use crate::registry::Registry;
use crate::schema::Schema;

/// One valid ledger row: its sheet row and a value per schema field.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
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
    pub records: Vec<Record>,
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

/// Validate a workbook's bytes. `file` names it in diagnostics. Never fails:
/// an unreadable file is a diagnostic.
pub fn validate(
    bytes: &[u8],
    file: &str,
    schema: &Schema,
    registry: &Registry,
    limits: &Limits,
) -> Checked {
    let word = |findings: Vec<Finding>| -> Vec<Diagnostic> {
        findings
            .into_iter()
            .map(|f| f.into_diagnostic(file))
            .collect()
    };
    let raw = match submission::read(bytes, schema, limits) {
        Ok(raw) => raw,
        Err(finding) => {
            return Checked {
                file: file.to_string(),
                cover: CoverInfo::default(),
                ledgers: Vec::new(),
                diagnostics: word(vec![finding]),
            }
        }
    };
    let mut findings = raw.findings;
    let cover = cover::check(raw.cover.as_ref(), file, schema, registry, &mut findings);
    let ledgers = rows::check(&raw.ledgers, &cover, schema, &mut findings);
    let mut diagnostics = word(findings);
    sort(&mut diagnostics, schema);
    Checked {
        file: file.to_string(),
        cover,
        ledgers,
        diagnostics,
    }
}

/// Cover first, then the ledgers in schema order, then by row and column.
fn sort(diags: &mut [Diagnostic], schema: &Schema) {
    let sheet_rank = |d: &Diagnostic| -> usize {
        let Some(sheet) = &d.sheet else { return 0 };
        let key = crate::text::sheet_key(sheet);
        if key == crate::text::sheet_key(&schema.cover.sheet) {
            return 1;
        }
        schema
            .ledgers
            .iter()
            .position(|l| crate::text::sheet_key(&l.name) == key)
            .map_or(99, |i| i + 2)
    };
    diags.sort_by_key(|d| {
        (
            sheet_rank(d),
            d.row.unwrap_or(0),
            d.at.map_or(0, |(_, c)| c),
        )
    });
}
