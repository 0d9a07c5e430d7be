//! Ledger rows: typed cells, required fields, cross-field rules, dates within
//! the period, unique record ids and references to the roster.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use calamine::Data;
use chrono::NaiveDate;

use super::checked::{CoverInfo, LedgerRecords, ValidRow};
use crate::diagnostic::{catalogue, Finding, Msg, Severity};
use crate::read::field::{self, Value};
use crate::read::id_number;
use crate::read::submission::RawLedger;
use crate::read::table::Header;
use crate::schema::{Check, Field, FieldType, Ledger, LedgerKey, Rule, Schema};
use crate::text::{match_key, match_key_of};

/// Check every ledger; returns the valid records of each (schema order).
pub(crate) fn check(
    raw: &[Option<RawLedger>],
    cover: &CoverInfo,
    schema: &Schema,
    findings: &mut Vec<Finding>,
) -> Vec<LedgerRecords> {
    let ids = known_ids(raw, schema);
    let limits = DateLimits::new(cover, schema);
    schema
        .ledgers
        .iter()
        .zip(raw)
        .map(|(ledger, raw)| match raw {
            Some(raw) => {
                let ctx = LedgerCheck {
                    schema,
                    ledger,
                    raw,
                    ids: &ids,
                    limits: &limits,
                };
                ctx.run(findings)
            }
            None => LedgerRecords {
                key: ledger.key,
                present: false,
                records: Vec::new(),
                excluded_rows: 0,
            },
        })
        .collect()
}

/// Record ids present in each referenced ledger (by ledger key), normalised.
fn known_ids(raw: &[Option<RawLedger>], schema: &Schema) -> HashMap<LedgerKey, HashSet<String>> {
    let referenced: HashSet<LedgerKey> = schema
        .ledgers
        .iter()
        .flat_map(|l| l.fields.iter())
        .filter_map(|f| f.references)
        .collect();
    let mut out = HashMap::new();
    for (ledger, raw) in schema.ledgers.iter().zip(raw) {
        let (true, Some(raw)) = (referenced.contains(&ledger.key), raw) else {
            continue;
        };
        let Some(col) = raw.header.columns[ledger.id] else {
            continue;
        };
        let ids = data_rows(raw)
            .filter_map(|row| raw.range.get_value((row, col)))
            .map(|c| match_key(&crate::read::cell::cell_str(c)))
            .filter(|k| !k.is_empty())
            .collect();
        out.insert(ledger.key, ids);
    }
    out
}

/// Sheet rows below the header.
fn data_rows(raw: &RawLedger) -> std::ops::RangeInclusive<u32> {
    let last = raw.range.end().map_or(0, |(r, _)| r);
    raw.header.row + 1..=last
}

/// The latest date a ledger date may carry, and why.
struct DateLimits {
    period_end: Option<NaiveDate>,
    fill_date: Option<NaiveDate>,
}

impl DateLimits {
    fn new(cover: &CoverInfo, schema: &Schema) -> DateLimits {
        let on = schema.dates_not_after_period_end;
        DateLimits {
            period_end: cover.period.map(|p| p.end()).filter(|_| on),
            fill_date: cover.fill_date.filter(|_| on),
        }
    }

    fn check(&self, date: NaiveDate) -> Option<Finding> {
        if let Some(end) = self.period_end.filter(|end| date > *end) {
            return Some(Finding::new(Msg::DateAfterPeriod).arg("limit", end));
        }
        if let Some(fill) = self.fill_date.filter(|fill| date > *fill) {
            return Some(Finding::new(Msg::DateAfterFillDate).arg("limit", fill));
        }
        None
    }
}

struct LedgerCheck<'a> {
    schema: &'a Schema,
    ledger: &'a Ledger,
    raw: &'a RawLedger,
    ids: &'a HashMap<LedgerKey, HashSet<String>>,
    limits: &'a DateLimits,
}

impl LedgerCheck<'_> {
    fn run(&self, findings: &mut Vec<Finding>) -> LedgerRecords {
        let header = &self.raw.header;
        let mut records = Vec::new();
        let mut excluded_rows = 0;
        // First sheet row of each unique value, per unique field.
        let mut seen: Vec<HashMap<String, u32>> = vec![HashMap::new(); self.ledger.fields.len()];
        for row in data_rows(self.raw) {
            let cells: Vec<&Data> = header
                .columns
                .iter()
                .map(|c| {
                    c.and_then(|c| self.raw.range.get_value((row, c)))
                        .unwrap_or(&Data::Empty)
                })
                .collect();
            if cells.iter().all(|c| field::is_blank(c)) {
                continue;
            }
            let mut row_check = RowCheck {
                ledger: self,
                row,
                header,
                findings: Vec::new(),
            };
            let values = row_check.values(&cells);
            row_check.rules(&values);
            row_check.uniques(&values, &mut seen);
            row_check.references(&values);
            let has_error = row_check
                .findings
                .iter()
                .any(|f| f.severity.unwrap_or(catalogue().severity(f.message)) == Severity::Error);
            findings.append(&mut row_check.findings);
            if has_error {
                excluded_rows += 1;
            } else {
                records.push(ValidRow {
                    row: row + 1,
                    values,
                });
            }
        }
        LedgerRecords {
            key: self.ledger.key,
            present: true,
            records,
            excluded_rows,
        }
    }
}

struct RowCheck<'a> {
    ledger: &'a LedgerCheck<'a>,
    row: u32,
    header: &'a Header,
    findings: Vec<Finding>,
}

impl<'a> RowCheck<'a> {
    fn fields(&self) -> &'a [Field] {
        &self.ledger.ledger.fields
    }

    /// A finding placed on field `i`'s cell in this row.
    fn at(&self, i: usize, f: Finding) -> Finding {
        let sheet = &self.ledger.raw.sheet;
        let f = f.sheet(sheet.clone()).column(self.fields()[i].name.clone());
        match self.header.columns[i] {
            Some(col) => f.cell(self.row, col),
            None => f.row(self.row),
        }
    }

    /// Parse every cell; report type errors, blanks in required columns and
    /// dates past the period.
    fn values(&mut self, cells: &[&Data]) -> Vec<Option<Value>> {
        let schema = self.ledger.schema;
        let mut values = Vec::with_capacity(cells.len());
        for (i, (field, cell)) in self.fields().iter().zip(cells).enumerate() {
            let value = match field::parse(schema, field, cell) {
                Ok(v) => v,
                Err(f) => {
                    let f = self.at(i, f);
                    self.findings.push(f);
                    values.push(None);
                    continue;
                }
            };
            if value.is_none() && field.required && self.header.columns[i].is_some() {
                let f = self.at(i, Finding::new(Msg::Required));
                self.findings.push(f);
            }
            if let Some(date) = value.as_ref().and_then(Value::as_date) {
                if let Some(f) = self.ledger.limits.check(date) {
                    let f = self.at(i, f.value(date.to_string()));
                    self.findings.push(f);
                }
            }
            values.push(value);
        }
        values
    }

    fn rules(&mut self, values: &[Option<Value>]) {
        for rule in &self.ledger.ledger.rules {
            if let Some(f) = self.rule(rule, values) {
                let f = f.severity(rule.severity);
                let f = match rule.message {
                    Some(m) => f.message(m),
                    None => f,
                };
                let f = self.at(rule.field(), f);
                self.findings.push(f);
            }
        }
    }

    /// The finding a rule gives for this row, placed on the rule's field.
    fn rule(&self, rule: &Rule, values: &[Option<Value>]) -> Option<Finding> {
        let fields = self.fields();
        let shown = |i: usize| values[i].as_ref().map(Value::display);
        let name = |i: usize| fields[i].name.as_str();
        match &rule.check {
            Check::RequiredIf {
                field,
                if_field,
                if_in,
                exclusive,
            } => {
                // Without a readable condition there is nothing to check.
                let cond_value = values[*if_field].as_ref()?.text();
                let holds = if_in.iter().any(|v| *v == *cond_value);
                let f = match (holds, values[*field].is_some(), *exclusive) {
                    (true, false, _) => Finding::new(Msg::RequiredIf),
                    (false, true, true) => Finding::new(Msg::OnlyIf)
                        .value(shown(*field).unwrap_or_default())
                        .list("allowed", if_in),
                    _ => return None,
                };
                Some(
                    f.arg("if_field", name(*if_field))
                        .arg("if_value", cond_value.into_owned()),
                )
            }
            Check::NotBefore { field, other } => {
                let (a, b) = (
                    values[*field].as_ref()?.as_date()?,
                    values[*other].as_ref()?.as_date()?,
                );
                (a < b).then(|| {
                    Finding::new(Msg::DateBefore)
                        .value(a.to_string())
                        .arg("other", name(*other))
                        .arg("other_value", b)
                })
            }
            Check::NotGreater { field, other } => {
                let (a, b) = (
                    values[*field].as_ref()?.as_f64()?,
                    values[*other].as_ref()?.as_f64()?,
                );
                (a > b).then(|| {
                    Finding::new(Msg::NotGreater)
                        .value(shown(*field).unwrap_or_default())
                        .arg("other", name(*other))
                        .arg("other_value", shown(*other).unwrap_or_default())
                })
            }
            Check::IdAgrees { field, birth, sex } => {
                let id = values[*field].as_ref()?.as_text()?;
                if let (Some(from_id), Some(given)) = (
                    id_number::birth_date(id),
                    values[*birth].as_ref().and_then(Value::as_date),
                ) {
                    if from_id != given {
                        return Some(
                            Finding::new(Msg::IdBirthMismatch)
                                .value(id)
                                .arg("expected", from_id)
                                .arg("other", name(*birth))
                                .arg("other_value", given),
                        );
                    }
                }
                let given_sex = shown(*sex)?;
                let from_id = id_number::sex(id)?;
                (from_id != given_sex).then(|| {
                    Finding::new(Msg::IdSexMismatch)
                        .value(id)
                        .arg("expected", from_id)
                        .arg("other", name(*sex))
                        .arg("other_value", given_sex)
                })
            }
        }
    }

    fn uniques(&mut self, values: &[Option<Value>], seen: &mut [HashMap<String, u32>]) {
        for (i, field) in self.fields().iter().enumerate() {
            if !field.unique {
                continue;
            }
            let Some(v) = &values[i] else { continue };
            let text = v.text();
            let key = match_key_of(&text);
            match seen[i].get(key.as_ref()) {
                Some(first) => {
                    let f = Finding::new(Msg::DuplicateId)
                        .value(v.display())
                        .arg("first_row", first + 1);
                    let f = self.at(i, f);
                    self.findings.push(f);
                }
                None => {
                    seen[i].insert(key.into_owned(), self.row);
                }
            }
        }
    }

    fn references(&mut self, values: &[Option<Value>]) {
        for (i, field) in self.fields().iter().enumerate() {
            let Some(target) = field.references else {
                continue;
            };
            // Without the referenced sheet every id would look unknown.
            let Some(known) = self.ledger.ids.get(&target) else {
                continue;
            };
            let ids: Vec<Cow<'_, str>> = match &values[i] {
                Some(Value::Refs(ids)) => ids.iter().map(|id| Cow::Borrowed(id.as_str())).collect(),
                Some(v) if field.ty == FieldType::Ref => vec![v.text()],
                _ => continue,
            };
            for id in ids {
                if !known.contains(match_key_of(&id).as_ref()) {
                    let f = self.at(i, Finding::new(Msg::UnknownTalent).value(id.into_owned()));
                    self.findings.push(f);
                }
            }
        }
    }
}
