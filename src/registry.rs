//! The platform registry (平台名录): the tree of units, one row each.
//!
//! Loaded from a workbook whose columns are described by the schema's
//! `[registry]` section; structural problems (duplicate codes, not exactly one
//! centre, a parent that is missing or not one level up, cycles) are diagnostics
//! naming the cell.

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Range};
use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Finding, Msg};
use crate::error::Error;
use calamine::Reader;

use crate::read::field::{self, Value};
use crate::read::{table, workbook};
use crate::schema::{Field, RegistryKey, Schema};

/// The three levels of the platform, top down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Centre,
    Station,
    Workroom,
}

impl Level {
    const ALL: [Level; 3] = [Level::Centre, Level::Station, Level::Workroom];

    fn index(self) -> usize {
        self as usize
    }

    /// The level directly above, if any.
    pub fn parent(self) -> Option<Level> {
        self.index().checked_sub(1).map(|i| Level::ALL[i])
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
    /// 人才类别 of a station and its workrooms.
    pub kind: Option<String>,
    pub address: Option<String>,
    /// 阵地面积（平方米）.
    pub area: Option<f64>,
    pub head: Option<String>,
    pub phone: Option<String>,
    /// 制度数.
    pub rules: Option<i64>,
    pub opened: Option<NaiveDate>,
    pub note: Option<String>,
    /// 职能: the unit's duties, or the document that sets them (有职能).
    pub duty: Option<String>,
    /// 秘书长: the centre's secretary-general (有组织).
    pub secretary: Option<String>,
    /// 电子邮箱: where notices go (else the address its newest submission came from).
    pub email: Option<String>,
    /// 1-based row in the registry sheet.
    pub row: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Registry {
    units: Vec<Unit>,
    /// The registry's own words for the levels (e.g. 中心 / 工作站 / 工作室).
    level_names: Vec<String>,
    #[serde(skip)]
    index: HashMap<String, usize>,
    /// SHA-256 of the registry workbook: what its units were read from.
    #[serde(skip)]
    fingerprint: String,
}

impl Registry {
    /// Load and check the registry at `path`. Rows that cannot be used are left
    /// out and reported; a file that cannot be read at all is an error.
    pub fn load(path: &Path, schema: &Schema) -> Result<(Registry, Vec<Diagnostic>), Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Registry::from_bytes(&bytes, &path.display().to_string(), schema)
    }

    pub fn from_bytes(
        bytes: &[u8],
        file: &str,
        schema: &Schema,
    ) -> Result<(Registry, Vec<Diagnostic>), Error> {
        let fatal = |f: Finding| Error::Registry {
            path: file.into(),
            message: f.into_diagnostic(file).message,
        };
        let limits = crate::limits::Limits::default();
        let workbook::Opened { mut book, merges } =
            workbook::open(bytes, &limits, &|_| true).map_err(fatal)?;
        let spec = &schema.registry;
        let sheet = workbook::find_sheet(&book, &spec.sheet)
            .or_else(|| book.sheet_names().into_iter().next())
            .ok_or_else(|| fatal(Finding::new(Msg::SheetMissing).sheet(&spec.sheet)))?;
        let mut budget = crate::read::budget::Budget::new(&limits);
        let range = workbook::range(&mut book, &sheet, &merges, &mut budget).map_err(fatal)?;
        let header = table::find_header(&range, &spec.fields).ok_or_else(|| {
            fatal(
                Finding::new(Msg::HeaderMissing)
                    .sheet(&sheet)
                    .arg("rows", table::HEADER_SCAN_ROWS),
            )
        })?;
        for key in [
            RegistryKey::Code,
            RegistryKey::Name,
            RegistryKey::Level,
            RegistryKey::Parent,
        ] {
            let Some(i) = spec.column(key) else { continue };
            if header.columns[i].is_none() {
                let name = &spec.fields[i].name;
                return Err(fatal(
                    Finding::new(Msg::HeaderColumnMissing)
                        .sheet(&sheet)
                        .column(name.clone()),
                ));
            }
        }
        let level_names = spec
            .field(RegistryKey::Level)
            .map(|f| f.values.clone())
            .unwrap_or_default();
        let mut reader = RowReader {
            schema,
            range: &range,
            header: &header,
            sheet: &sheet,
            findings: Vec::new(),
        };
        let mut units = Vec::new();
        for row in header.row + 1..=range.end().map_or(0, |(r, _)| r) {
            if let Some(unit) = reader.unit(row, &level_names) {
                units.push(unit);
            }
        }
        let mut findings = reader.findings;
        let mut registry =
            Registry::build(units, level_names, &sheet, &header, schema, &mut findings);
        registry.fingerprint = crate::hash::sha256_hex(bytes);
        let diags = findings
            .into_iter()
            .map(|f| f.into_diagnostic(file))
            .collect();
        Ok((registry, diags))
    }

    /// Index the units and check the tree; units with structural errors are dropped.
    fn build(
        units: Vec<Unit>,
        level_names: Vec<String>,
        sheet: &str,
        header: &table::Header,
        schema: &Schema,
        findings: &mut Vec<Finding>,
    ) -> Registry {
        let spec = &schema.registry;
        let col = |key| {
            spec.column(key)
                .and_then(|i| header.columns[i])
                .unwrap_or(0)
        };
        let column = |key| spec.field(key).map(|f| f.name.clone()).unwrap_or_default();
        let mut kept: Vec<Unit> = Vec::new();
        let mut index = HashMap::new();
        for unit in units {
            if let Some(&first) = index.get(&unit.code) {
                let first: &Unit = &kept[first];
                findings.push(
                    Finding::new(Msg::RegistryDuplicateCode)
                        .sheet(sheet)
                        .cell(unit.row - 1, col(RegistryKey::Code))
                        .column(column(RegistryKey::Code))
                        .value(&unit.code)
                        .arg("first_row", first.row),
                );
                continue;
            }
            index.insert(unit.code.clone(), kept.len());
            kept.push(unit);
        }
        let level_name = |l: Level| level_names.get(l.index()).cloned().unwrap_or_default();
        let centres: Vec<&Unit> = kept.iter().filter(|u| u.level == Level::Centre).collect();
        if centres.len() != 1 {
            let mut f = Finding::new(Msg::RegistryCentreCount)
                .sheet(sheet)
                .column(column(RegistryKey::Level))
                .arg("centre", level_name(Level::Centre))
                .arg("count", centres.len());
            if let Some(second) = centres.get(1) {
                f = f.cell(second.row - 1, col(RegistryKey::Level));
            }
            findings.push(f);
        }
        let mut bad = vec![false; kept.len()];
        for (i, unit) in kept.iter().enumerate() {
            let at = |f: Finding| {
                f.sheet(sheet)
                    .cell(unit.row - 1, col(RegistryKey::Parent))
                    .column(column(RegistryKey::Parent))
            };
            let problem = match (unit.level.parent(), &unit.parent) {
                (None, None) => None,
                (None, Some(p)) => Some(
                    at(Finding::new(Msg::RegistryCentreParent))
                        .value(p)
                        .arg("centre", level_name(Level::Centre)),
                ),
                (Some(_), None) => Some(
                    at(Finding::new(Msg::RegistryParentMissing))
                        .arg("level", level_name(unit.level)),
                ),
                (Some(expected), Some(p)) => match index.get(p).map(|&j| &kept[j]) {
                    None => Some(at(Finding::new(Msg::RegistryParentUnknown)).value(p)),
                    Some(parent) if parent.level != expected => Some(
                        at(Finding::new(Msg::RegistryParentLevel))
                            .value(p)
                            .arg("parent_level", level_name(parent.level))
                            .arg("level", level_name(unit.level))
                            .arg("expected", level_name(expected)),
                    ),
                    Some(_) => None,
                },
            };
            if let Some(f) = problem {
                findings.push(f);
                bad[i] = true;
            }
        }
        // With every parent exactly one level up a cycle cannot form; this
        // catches the ones hidden behind rows already reported above.
        for (i, unit) in kept.iter().enumerate() {
            if let Some(chain) = cycle_from(&kept, &index, i) {
                findings.push(
                    Finding::new(Msg::RegistryCycle)
                        .sheet(sheet)
                        .cell(unit.row - 1, col(RegistryKey::Parent))
                        .column(column(RegistryKey::Parent))
                        .value(&unit.code)
                        .arg("chain", chain),
                );
                bad[i] = true;
            }
        }
        let units: Vec<Unit> = kept
            .into_iter()
            .zip(bad)
            .filter(|(_, b)| !b)
            .map(|(u, _)| u)
            .collect();
        let index = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), i))
            .collect();
        Registry {
            units,
            level_names,
            index,
            fingerprint: String::new(),
        }
    }

    /// SHA-256 of the workbook the registry was read from.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// All units in registry order.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.index.get(code).map(|&i| &self.units[i])
    }

    pub fn centre(&self) -> Option<&Unit> {
        self.units.iter().find(|u| u.level == Level::Centre)
    }

    /// Direct children of a unit, in registry order.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Unit> + 'a {
        self.units
            .iter()
            .filter(move |u| u.parent.as_deref() == Some(code))
    }

    /// The registry's own name for a level (中心 / 工作站 / 工作室 by default).
    pub fn level_name(&self, level: Level) -> &str {
        self.level_names
            .get(level.index())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Units in tree order: centre, then each station followed by its workrooms.
    pub fn tree_order(&self) -> Vec<&Unit> {
        let mut out = Vec::new();
        if let Some(centre) = self.centre() {
            out.push(centre);
            for station in self.children(&centre.code) {
                out.push(station);
                out.extend(self.children(&station.code));
            }
        }
        out
    }
}

/// If following parents from unit `start` comes back to it, the chain of codes.
fn cycle_from(units: &[Unit], index: &HashMap<String, usize>, start: usize) -> Option<String> {
    let mut chain = vec![units[start].code.clone()];
    let mut current = start;
    for _ in 0..units.len() {
        let next = *index.get(units[current].parent.as_ref()?)?;
        chain.push(units[next].code.clone());
        if next == start {
            return Some(chain.join(" → "));
        }
        current = next;
    }
    None
}

/// Reads registry rows into units, collecting findings.
struct RowReader<'a> {
    schema: &'a Schema,
    range: &'a Range<Data>,
    header: &'a table::Header,
    sheet: &'a str,
    findings: Vec<Finding>,
}

impl RowReader<'_> {
    /// The unit on sheet row `row` (0-based), or `None` for a blank or unusable row.
    fn unit(&mut self, row: u32, level_names: &[String]) -> Option<Unit> {
        let spec = &self.schema.registry;
        let mut values: Vec<Option<Value>> = vec![None; spec.fields.len()];
        let mut blank = true;
        let mut ok = true;
        let mut unreadable = vec![false; spec.fields.len()];
        for (i, f) in spec.fields.iter().enumerate() {
            let Some(col) = self.header.columns[i] else {
                continue;
            };
            let cell = self.range.get_value((row, col)).unwrap_or(&Data::Empty);
            if !field::is_blank(cell) {
                blank = false;
            }
            match self.cell(f, cell, row, col) {
                Ok(v) => values[i] = v,
                Err(()) => {
                    ok = false;
                    unreadable[i] = true;
                }
            }
        }
        if blank {
            return None;
        }
        for (i, f) in spec.fields.iter().enumerate() {
            if f.required && values[i].is_none() && !unreadable[i] {
                let col = self.header.columns[i].unwrap_or(0);
                self.findings.push(
                    Finding::new(Msg::Required)
                        .sheet(self.sheet)
                        .cell(row, col)
                        .column(f.name.clone()),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let get = |key| spec.column(key).and_then(|i| values[i].as_ref());
        let text = |key| get(key).and_then(Value::as_text).map(str::to_string);
        let level_text = text(RegistryKey::Level)?;
        let level = Level::ALL[level_names.iter().position(|n| *n == level_text)?];
        Some(Unit {
            code: text(RegistryKey::Code)?,
            name: text(RegistryKey::Name)?,
            level,
            parent: text(RegistryKey::Parent),
            kind: text(RegistryKey::Kind),
            address: text(RegistryKey::Address),
            area: get(RegistryKey::Area).and_then(Value::as_f64),
            head: text(RegistryKey::Head),
            phone: text(RegistryKey::Phone),
            rules: get(RegistryKey::Rules)
                .and_then(Value::as_f64)
                .map(|f| f as i64),
            opened: get(RegistryKey::Opened).and_then(Value::as_date),
            note: text(RegistryKey::Note),
            duty: text(RegistryKey::Duty),
            secretary: text(RegistryKey::Secretary),
            email: text(RegistryKey::Email),
            row: row + 1,
        })
    }

    fn cell(&mut self, f: &Field, cell: &Data, row: u32, col: u32) -> Result<Option<Value>, ()> {
        field::parse(self.schema, f, cell).map_err(|finding| {
            self.findings.push(
                finding
                    .sheet(self.sheet)
                    .cell(row, col)
                    .column(f.name.clone()),
            );
        })
    }
}
