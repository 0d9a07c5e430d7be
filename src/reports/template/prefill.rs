//! A unit's next ledger workbook, filled with what the centre already has
//! of it (一表通: reported once, then only checked and added to): the roster
//! as of the end of the last period it reported, its problems and needs
//! still open (same ids, so closing one is an edit), and on the cover who
//! filled it in last time; the day it is filled in is left to the unit.
//! Activities and achievements start empty: they are the new period's.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::archive::{Archive, Record, Validation};
use crate::error::Error;
use crate::intake::Rules;
use crate::period::Period;
use crate::read::field::Value;
use crate::reports::template::content::{CellValue, Filled, FilledRow};
use crate::schema::{CoverKey, Ledger, LedgerKey, Schema};
use crate::validate::ValidRow;

/// How far back the last reported period is looked for: two years.
const LOOK_BACK: usize = 8;

/// What each of `units`' workbooks for `period` starts with: the unit's
/// newest submission for the last period before `period` it reported
/// (within two years), as validated under `rules`, and who filled that in.
/// A unit with nothing to carry is left out (its template is blank).
pub fn prefills(
    archive: &Archive,
    rules: Rules<'_>,
    units: &[&str],
    period: Period,
) -> Result<BTreeMap<String, Filled>, Error> {
    let schema = rules.schema;
    let fingerprint = crate::validate::fingerprint(schema, rules.registry, rules.limits);
    let sources: Vec<(&str, Period, &Record)> = units
        .iter()
        .filter_map(|&unit| {
            let (from, record) = archive.last_reported(unit, period.previous(), LOOK_BACK)?;
            Some((unit, from, record))
        })
        .collect();
    // Reading never validates: a workbook not validated under these rules
    // waits for `jucai reindex`, as the reports do.
    let validations = archive.validations(&fingerprint)?;
    let wanted: Vec<&Validation> = sources
        .iter()
        .filter_map(|(_, _, r)| validations.get(&r.hash))
        .collect();
    if wanted.len() < sources.len() {
        return Err(Error::NotReindexed {
            count: sources.len() - wanted.len(),
        });
    }
    let mut rows = archive.valid_rows(schema, &wanted)?;
    sources
        .into_iter()
        .map(|(unit, from, record)| {
            let ledgers = rows.remove(&record.hash).unwrap_or_default();
            let mut filled = carried_rows(schema, ledgers, from.end());
            filled.carried_from = Some(from);
            filled.cover = cover(archive, rules, record)?;
            Ok((unit.to_string(), filled))
        })
        .collect()
}

/// Who filled the unit's last workbook in, and their phone, from its cover
/// (the day it is filled in is the unit's to write).
fn cover(
    archive: &Archive,
    rules: Rules<'_>,
    record: &Record,
) -> Result<BTreeMap<CoverKey, CellValue>, Error> {
    let bytes = archive.bytes(record)?;
    let info = crate::validate::cover_of(&bytes, rules.schema, rules.registry, rules.limits);
    Ok([
        (CoverKey::Filler, info.filler),
        (CoverKey::Phone, info.phone),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some((key, CellValue::Text(value?))))
    .collect())
}

/// Everything a submission holds that validated, as a workbook's content
/// (every valid row, who filled it in): what an edit on the web desk starts
/// from, so that the new version keeps all of it.
pub fn submitted(archive: &Archive, rules: Rules<'_>, record: &Record) -> Result<Filled, Error> {
    let fingerprint = crate::validate::fingerprint(rules.schema, rules.registry, rules.limits);
    let validations = archive.validations(&fingerprint)?;
    let validation = validations
        .get(&record.hash)
        .ok_or(Error::NotReindexed { count: 1 })?;
    let ledgers = archive
        .valid_rows(rules.schema, &[validation])?
        .remove(&record.hash)
        .unwrap_or_default();
    let mut filled = Filled::default();
    for (ledger, rows) in rules.schema.ledgers.iter().zip(ledgers) {
        let rows: Vec<FilledRow> = rows.iter().map(|r| filled_row(ledger, r)).collect();
        filled.ledgers.insert(ledger.key, rows);
    }
    filled.cover = cover(archive, rules, record)?;
    Ok(filled)
}

/// A workbook's rows still current at `end`, as a template's content.
fn carried_rows(schema: &Schema, ledgers: Vec<Vec<ValidRow>>, end: NaiveDate) -> Filled {
    let mut filled = Filled::default();
    for (ledger, rows) in schema.ledgers.iter().zip(ledgers) {
        let kept: Vec<FilledRow> = rows
            .iter()
            .filter(|r| carried(schema, ledger, r, end))
            .map(|r| filled_row(ledger, r))
            .collect();
        if !kept.is_empty() {
            filled.ledgers.insert(ledger.key, kept);
        }
    }
    filled
}

/// Whether a row is still current at `end`: a talent not left by then, a
/// problem or need not closed by then. Events belong to their period.
fn carried(schema: &Schema, ledger: &Ledger, row: &ValidRow, end: NaiveDate) -> bool {
    let open_at = |field: usize| {
        row.values
            .get(field)
            .and_then(Option::as_ref)
            .and_then(Value::as_date)
            .is_none_or(|d| d > end)
    };
    match ledger.key {
        LedgerKey::Roster => open_at(schema.roles.roster.left),
        LedgerKey::Problems => open_at(schema.roles.problems.closed),
        LedgerKey::Needs => open_at(schema.roles.needs.closed),
        LedgerKey::Activities | LedgerKey::Achievements => false,
    }
}

/// A row's values by field name, as the template writer takes them.
fn filled_row(ledger: &Ledger, row: &ValidRow) -> FilledRow {
    ledger
        .fields
        .iter()
        .zip(&row.values)
        .filter_map(|(field, value)| Some((field.name.clone(), cell(value.as_ref()?))))
        .collect::<BTreeMap<_, _>>()
}

fn cell(value: &Value) -> CellValue {
    match value {
        Value::Date(d) => CellValue::Date(*d),
        Value::Int(i) => CellValue::Number(*i as f64),
        Value::Money(m) => CellValue::Number(*m),
        other => CellValue::Text(other.text().into_owned()),
    }
}
