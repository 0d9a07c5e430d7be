//! The export for a province (SPEC §13): a district's newest valid records,
//! its report figures and its registry, as Hive-partitioned Parquet that an
//! existing engine (DuckDB, Spark) reads without jucai:
//!
//! * `DIR/<ledger key>/district=<centre code>/period=<YYYYQn>/part-0.parquet`:
//!   the roster as at the period's end (a unit that did not send one for the
//!   period keeps its latest earlier one, `carried_forward`), and the events
//!   dated in the period, each in its newest version known at the period's
//!   end — the records the period's report counts;
//! * `DIR/figures/district=…/period=…/part-0.parquet`: every figure of the
//!   period's report model (scope, scope level, indicator, window, value);
//! * `DIR/units/district=…/part-0.parquet`: the registry.
//!
//! Columns are the schema's field names, plus `unit`, `station` and `centre`
//! codes (strings, leading zeros kept). Personal data stays home: the
//! schema's private fields (身份证号, phones) are left out, and the
//! registry's phones too; with a province secret, `talent_key` is an
//! HMAC-SHA256 of the ID number, so a province can count people across
//! districts without seeing who they are. The same archive exports to the
//! same bytes; each period writes only its own partitions.

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use polars::prelude::*;
use sha2::Sha256;

use crate::aggregate::inputs::Inputs;
use crate::aggregate::load::{Picks, Submissions};
use crate::archive::extract;
use crate::error::Error;
use crate::figures::Figures;
use crate::period::{day, Period};
use crate::registry::{Level, Registry};
use crate::reports::quarterly::build;
use crate::schema::{FieldType, LedgerKey, Schema};

/// What an export needs besides the aggregation's inputs.
pub(crate) struct Export<'a> {
    pub inputs: Inputs<'a>,
    /// The province's key for `talent_key` (never written anywhere).
    pub secret: Option<&'a [u8]>,
}

impl Export<'_> {
    /// Export `periods` into `out`; returns the files written.
    pub(crate) fn write(&self, periods: &[Period], out: &Path) -> Result<Vec<PathBuf>, Error> {
        let district = self.district()?;
        let mut written = vec![self.units(out, &district)?];
        for &p in periods {
            written.extend(self.ledgers(p, out, &district)?);
            written.push(self.figures(p, out, &district)?);
        }
        Ok(written)
    }

    fn district(&self) -> Result<String, Error> {
        let centre = self.inputs.registry.centre().map(|c| c.code.clone());
        centre.ok_or(Error::NoCentre)
    }

    /// The period's records of every ledger.
    fn ledgers(&self, p: Period, out: &Path, district: &str) -> Result<Vec<PathBuf>, Error> {
        let inputs = &self.inputs;
        let subs = crate::aggregate::inputs::submissions(inputs, &[p])?;
        let codes = unit_codes(inputs.registry)?;
        let mut written = Vec::new();
        for ledger in &inputs.schema.ledgers {
            let records = subs.ledger(inputs.archive, ledger.key, self.columns(ledger.key))?;
            let mut df = self.pick(p, &subs, ledger.key, &records)?;
            df = finish(df, &codes, &self.public_columns(ledger.key))?;
            let path = partition(out, ledger.key.as_str(), district, Some(p));
            extract::write_parquet(&path, &mut df)?;
            written.push(path);
        }
        Ok(written)
    }

    /// A ledger's columns as exported: every field but the private ones
    /// (and the ID number as `talent_key`, given a secret), with `_date` and
    /// `_row` for picking and ordering.
    fn columns(&self, key: LedgerKey) -> Vec<Expr> {
        let ledger = self.inputs.schema.ledger(key);
        let mut cols = vec![
            col(ledger.fields[ledger.date].name.as_str())
                .cast(DataType::Int32)
                .alias("_date"),
            col(extract::ROW),
        ];
        for f in ledger.fields.iter().filter(|f| !f.private) {
            cols.push(col(f.name.as_str()));
        }
        if let (Some(secret), Some(id)) = (self.secret, id_field(self.inputs.schema, key)) {
            let secret = secret.to_vec();
            cols.push(
                col(id)
                    .map(
                        move |c| Ok(keyed(&c, &secret)),
                        |_, f| {
                            Ok(polars::prelude::Field::new(
                                f.name().clone(),
                                DataType::String,
                            ))
                        },
                    )
                    .alias("talent_key"),
            );
        }
        cols
    }

    /// The exported columns of a ledger, in order.
    fn public_columns(&self, key: LedgerKey) -> Vec<String> {
        let ledger = self.inputs.schema.ledger(key);
        let mut names = vec!["unit".to_string(), "station".into(), "centre".into()];
        if key == LedgerKey::Roster {
            names.push("carried_forward".into());
        }
        names.extend(
            ledger
                .fields
                .iter()
                .filter(|f| !f.private)
                .map(|f| f.name.clone()),
        );
        if self.secret.is_some() && id_field(self.inputs.schema, key).is_some() {
            names.push("talent_key".into());
        }
        names
    }

    /// The records the period's report counts: the roster as at its end,
    /// the events dated in it.
    fn pick(
        &self,
        p: Period,
        subs: &Submissions,
        key: LedgerKey,
        records: &DataFrame,
    ) -> Result<DataFrame, Error> {
        let registry = self.inputs.registry;
        if key == LedgerKey::Roster {
            let (picks, carried) = Picks::rosters(p, subs, registry);
            let df = picks.join(records)?;
            if df.width() == 0 {
                return Ok(df);
            }
            let carried: Vec<&str> = carried.iter().map(String::as_str).collect();
            let flag = carried
                .iter()
                .fold(lit(false), |acc, c| acc.or(col("unit").eq(lit(*c))));
            return Ok(df
                .lazy()
                .with_column(flag.alias("carried_forward"))
                .collect()?);
        }
        let picks = Picks::year(p, subs, registry);
        let (start, end) = (day(p.start()), day(p.end()));
        picks.events(records, &[extract::ID], "_date", start, end)
    }

    /// Every figure of the period's report model, one row each.
    fn figures(&self, p: Period, out: &Path, district: &str) -> Result<PathBuf, Error> {
        let reports = build(&self.inputs, p)?;
        let mut rows = FigureRows::default();
        for r in &reports {
            let level = level_name(r.level_kind);
            rows.add(&r.unit, level, "quarter", &r.quarter);
            rows.add(&r.unit, level, "year_to_date", &r.year_to_date);
        }
        let mut df = rows.frame()?;
        let path = partition(out, "figures", district, Some(p));
        extract::write_parquet(&path, &mut df)?;
        Ok(path)
    }

    /// The registry, without phones.
    fn units(&self, out: &Path, district: &str) -> Result<PathBuf, Error> {
        let registry = self.inputs.registry;
        let units = registry.tree_order();
        let text = |f: fn(&crate::registry::Unit) -> Option<String>| {
            units.iter().map(|u| f(u)).collect::<Vec<_>>()
        };
        let mut df = df!(
            "unit" => units.iter().map(|u| u.code.clone()).collect::<Vec<_>>(),
            "name" => units.iter().map(|u| u.name.clone()).collect::<Vec<_>>(),
            "level" => units.iter().map(|u| level_name(u.level)).collect::<Vec<_>>(),
            "parent" => text(|u| u.parent.clone()),
            "kind" => text(|u| u.kind.clone()),
            "address" => text(|u| u.address.clone()),
            "area" => units.iter().map(|u| u.area).collect::<Vec<_>>(),
            "head" => text(|u| u.head.clone()),
            "rules" => units.iter().map(|u| u.rules).collect::<Vec<_>>(),
            "duty" => text(|u| u.duty.clone()),
        )?;
        let path = partition(out, "units", district, None);
        extract::write_parquet(&path, &mut df)?;
        Ok(path)
    }
}

/// The roster's field holding the ID number, if the ledger has one.
fn id_field(schema: &Schema, key: LedgerKey) -> Option<&str> {
    schema
        .ledger(key)
        .fields
        .iter()
        .find(|f| f.ty == FieldType::IdNumber)
        .map(|f| f.name.as_str())
}

/// HMAC-SHA256 of each ID number, hex; none for a blank one.
fn keyed(ids: &Column, secret: &[u8]) -> Column {
    let Ok(ids) = ids.str() else {
        return Column::full_null(ids.name().clone(), ids.len(), &DataType::String);
    };
    let keys: Vec<Option<String>> = ids
        .iter()
        .map(|id| {
            let id = id?;
            let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
            mac.update(id.as_bytes());
            Some(format!("{:x}", mac.finalize().into_bytes()))
        })
        .collect();
    Column::new(ids.name().clone(), keys)
}

/// Each unit's station and centre (a station is its own; the centre has none).
fn unit_codes(registry: &Registry) -> Result<DataFrame, Error> {
    let centre = registry.centre().map(|c| c.code.clone());
    let station = |u: &crate::registry::Unit| match u.level {
        Level::Centre => None,
        Level::Station => Some(u.code.clone()),
        Level::Workroom => u.parent.clone(),
    };
    let units = registry.units();
    Ok(df!(
        "unit" => units.iter().map(|u| u.code.clone()).collect::<Vec<_>>(),
        "station" => units.iter().map(station).collect::<Vec<_>>(),
        "centre" => units.iter().map(|_| centre.clone()).collect::<Vec<_>>(),
    )?)
}

/// The exported frame: codes joined, columns in order, rows by unit and sheet row.
fn finish(df: DataFrame, codes: &DataFrame, columns: &[String]) -> Result<DataFrame, Error> {
    if df.width() == 0 {
        return Ok(df);
    }
    Ok(df
        .lazy()
        .join(
            codes.clone().lazy(),
            [col("unit")],
            [col("unit")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["unit", extract::ROW], SortMultipleOptions::default())
        .select(columns.iter().map(|c| col(c.as_str())).collect::<Vec<_>>())
        .collect()?)
}

fn partition(out: &Path, table: &str, district: &str, period: Option<Period>) -> PathBuf {
    let mut dir = out.join(table).join(format!("district={district}"));
    if let Some(p) = period {
        dir = dir.join(format!("period={}", p.code()));
    }
    dir.join("part-0.parquet")
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Centre => "centre",
        Level::Station => "station",
        Level::Workroom => "workroom",
    }
}

/// The figures of the model as rows: `talents.in_library`,
/// `talents.by_kind.社会工作`, … and their values.
#[derive(Default)]
struct FigureRows {
    scope: Vec<String>,
    level: Vec<&'static str>,
    indicator: Vec<String>,
    window: Vec<&'static str>,
    value: Vec<f64>,
}

impl FigureRows {
    fn add(&mut self, unit: &str, level: &'static str, window: &'static str, f: &Figures) {
        let json = serde_json::to_value(f).unwrap_or_default();
        let mut leaves = Vec::new();
        flatten("", &json, &mut leaves);
        for (indicator, value) in leaves {
            self.scope.push(unit.to_string());
            self.level.push(level);
            self.indicator.push(indicator);
            self.window.push(window);
            self.value.push(value);
        }
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        df!(
            "scope" => self.scope,
            "scope_level" => self.level,
            "indicator" => self.indicator,
            "window" => self.window,
            "value" => self.value,
        )
    }
}

/// Every number in a JSON value, with its dotted path (nulls left out).
fn flatten(path: &str, v: &serde_json::Value, out: &mut Vec<(String, f64)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        serde_json::Value::Number(n) => out.push((path.to_string(), n.as_f64().unwrap_or(0.0))),
        _ => {}
    }
}
