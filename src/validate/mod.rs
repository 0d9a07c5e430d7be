//! Validation: typed parsing of every cell against the schema, then the
//! schema's cross-field rules, the cover against the registry, uniqueness and
//! references. Produces the records that aggregation reads and the diagnostics
//! that go back to the unit.

mod checked;
pub(crate) mod cover;
pub(crate) mod rows;

pub use checked::{Checked, CoverInfo, LedgerRecords, ValidRow};

use crate::diagnostic::{Diagnostic, Finding};
use crate::limits::Limits;
use crate::read::submission;
use crate::registry::Registry;
use crate::schema::Schema;

/// What validating a workbook depends on besides its bytes: the schema, the
/// registry (its units) and the limits. Validated records are kept per
/// fingerprint, so a change to any of them has workbooks validated again.
pub fn fingerprint(schema: &Schema, registry: &Registry, limits: &Limits) -> String {
    let all = format!(
        "jucai validation 1\n{}\n{}\n{limits:?}",
        schema.fingerprint,
        registry.fingerprint()
    );
    crate::hash::sha256_hex(all.as_bytes())
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

/// What a workbook's cover says, without checking its ledgers (what a
/// prefilled template carries over: who filled it in, their phone).
pub fn cover_of(bytes: &[u8], schema: &Schema, registry: &Registry, limits: &Limits) -> CoverInfo {
    match submission::read(bytes, schema, limits) {
        Ok(raw) => cover::check(raw.cover.as_ref(), "", schema, registry, &mut Vec::new()),
        Err(_) => CoverInfo::default(),
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
