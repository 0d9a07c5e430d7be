//! Validated records, kept once per workbook (by content hash) and per
//! validation fingerprint (the schema, the registry and the limits they were
//! checked under), as columnar extracts: every command after intake reads
//! these, never the workbooks, until the schema changes.
//!
//! An extract file holds the valid records of one ledger of many workbooks:
//! `extracts/<batch>.<ledger key>.parquet`, one column per schema field
//! (named as the field, typed as it: text, date, integer, money), plus
//! `_hash` (the workbook), `_batch`, `_row` (its sheet row) and `_id` (its
//! record id as matched across versions). A workbook's summary (counts,
//! diagnostics) and which batch holds its records are in the index.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use polars::prelude::ScanArgsParquet;
use polars::prelude::*;
use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::read::field::Value;
use crate::schema::{FieldType, Ledger, LedgerKey, Schema};
use crate::validate::{Checked, LedgerRecords, ValidRow};

/// Columns every extract has besides the schema's fields.
pub(crate) const HASH: &str = "_hash";
pub(crate) const BATCH: &str = "_batch";
pub(crate) const ROW: &str = "_row";
pub(crate) const ID: &str = "_id";

/// What validating one workbook gave, as the index keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    pub hash: String,
    /// The extract batch holding its records.
    pub batch: String,
    pub errors: usize,
    pub warnings: usize,
    /// How many of the schema's ledgers the workbook had.
    pub ledgers_present: usize,
    /// Rows left out for errors, by ledger name.
    pub excluded: Vec<(String, u64)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// One workbook's valid records, ledger by ledger (schema order), ready to be
/// written.
pub struct Extract {
    pub hash: String,
    pub checked: Checked,
}

impl Extract {
    pub fn new(hash: String, checked: Checked) -> Extract {
        Extract { hash, checked }
    }
}

/// Extracts waiting to be written, and where they go.
pub(crate) struct Batch {
    dir: PathBuf,
    fingerprint: String,
    waiting: Vec<Extract>,
    hashes: HashSet<String>,
    rows: usize,
}

/// Records buffered before a batch is written. 250,000 held half of
/// intake's peak on the province bench (637 MB); at 50,000 the peak was
/// 290-320 MB in the same time, and the models read five times as many
/// files as fast (BENCHMARKS.md).
pub(crate) const ROWS_PER_BATCH: usize = 50_000;

impl Batch {
    pub(crate) fn new(archive: &Path, fingerprint: &str) -> Batch {
        Batch {
            dir: archive.join("extracts"),
            fingerprint: fingerprint.to_string(),
            waiting: Vec::new(),
            hashes: HashSet::new(),
            rows: 0,
        }
    }

    /// Add a workbook's records (once per content hash).
    pub(crate) fn add(&mut self, extract: Extract) {
        if !self.hashes.insert(extract.hash.clone()) {
            return;
        }
        self.rows += extract
            .checked
            .ledgers
            .iter()
            .map(|l| l.records.len())
            .sum::<usize>();
        self.waiting.push(extract);
    }

    pub(crate) fn is_full(&self) -> bool {
        self.rows >= ROWS_PER_BATCH
    }

    /// Write the waiting extracts, one file per ledger, and return what the
    /// index is to record of each workbook.
    pub(crate) fn write(&mut self, schema: &Schema) -> Result<Vec<Validation>, Error> {
        if self.waiting.is_empty() {
            return Ok(Vec::new());
        }
        let waiting = std::mem::take(&mut self.waiting);
        self.hashes.clear();
        self.rows = 0;
        let batch = batch_name(&self.fingerprint, &waiting);
        // One ledger per task: the last batch is written after every
        // workbook is checked, when the other core would be idle.
        schema
            .ledgers
            .par_iter()
            .enumerate()
            .try_for_each(|(i, ledger)| {
                let mut df =
                    ledger_frame(ledger, &batch, &waiting, i).map_err(Error::Aggregation)?;
                write_parquet(&self.dir.join(file_name(&batch, ledger.key)), &mut df)
            })?;
        Ok(waiting.iter().map(|e| summary(e, &batch, schema)).collect())
    }
}

/// A batch's name: the fingerprint's head and the hash of what it holds, so
/// the same workbooks checked the same way always make the same files.
fn batch_name(fingerprint: &str, extracts: &[Extract]) -> String {
    let joined: String = extracts.iter().map(|e| e.hash.as_str()).collect();
    let head = fingerprint.get(..8).unwrap_or(fingerprint);
    let body = crate::hash::sha256_hex(joined.as_bytes());
    format!("{head}-{}", body.get(..16).unwrap_or(&body))
}

pub(crate) fn file_name(batch: &str, ledger: LedgerKey) -> String {
    format!("{batch}.{}.parquet", ledger.as_str())
}

fn summary(e: &Extract, batch: &str, schema: &Schema) -> Validation {
    let c = &e.checked;
    Validation {
        hash: e.hash.clone(),
        batch: batch.to_string(),
        errors: c.error_count(),
        warnings: c.warning_count(),
        ledgers_present: c.ledgers.iter().filter(|l| l.present).count(),
        excluded: schema
            .ledgers
            .iter()
            .zip(&c.ledgers)
            .filter(|(_, l)| l.excluded_rows > 0)
            .map(|(s, l)| (s.name.clone(), l.excluded_rows as u64))
            .collect(),
        diagnostics: c.diagnostics.clone(),
    }
}

/// The records of ledger `index` of every extract, as one frame.
fn ledger_frame(
    ledger: &Ledger,
    batch: &str,
    extracts: &[Extract],
    index: usize,
) -> PolarsResult<DataFrame> {
    // Collected once, so every column below is built at its exact size.
    let records: Vec<(&Extract, &ValidRow)> = extracts
        .iter()
        .flat_map(|e| {
            let ledger: Option<&LedgerRecords> = e.checked.ledgers.get(index);
            ledger
                .into_iter()
                .flat_map(move |l| l.records.iter().map(move |r| (e, r)))
        })
        .collect();
    let n = records.len();
    let mut columns: Vec<Column> = Vec::with_capacity(ledger.fields.len() + 4);
    columns.push(Column::new(
        HASH.into(),
        records
            .iter()
            .map(|(e, _)| e.hash.as_str())
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(BATCH.into(), vec![batch; n]));
    columns.push(Column::new(
        ROW.into(),
        records.iter().map(|(_, r)| r.row).collect::<Vec<u32>>(),
    ));
    let ids: Vec<String> = records
        .iter()
        .map(|(_, r)| {
            let id = r.values.get(ledger.id).and_then(Option::as_ref);
            id.map_or_else(String::new, |v| crate::text::match_key(&v.text()))
        })
        .collect();
    columns.push(Column::new(ID.into(), ids));
    for (f, field) in ledger.fields.iter().enumerate() {
        let values = records
            .iter()
            .map(move |(_, r)| r.values.get(f).and_then(Option::as_ref));
        columns.push(field_column(&field.name, field.ty, values)?);
    }
    DataFrame::new(n, columns)
}

/// One field's values as a typed column.
fn field_column<'v>(
    name: &str,
    ty: FieldType,
    values: impl Iterator<Item = Option<&'v Value>>,
) -> PolarsResult<Column> {
    let name: PlSmallStr = name.into();
    Ok(match ty {
        FieldType::Date => {
            let days: Vec<Option<i32>> = values
                .map(|v| v.and_then(Value::as_date).map(crate::period::day))
                .collect();
            Column::new(name, days).cast(&DataType::Date)?
        }
        FieldType::Integer => Column::new(
            name,
            values
                .map(|v| match v {
                    Some(Value::Int(i)) => Some(*i),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        FieldType::Money => Column::new(
            name,
            values
                .map(|v| v.and_then(Value::as_f64))
                .collect::<Vec<_>>(),
        ),
        _ => {
            let texts: Vec<Option<std::borrow::Cow<'_, str>>> =
                values.map(|v| v.map(Value::text)).collect();
            Column::new(name, texts.iter().map(|t| t.as_deref()).collect::<Vec<_>>())
        }
    })
}

/// Write a frame as Parquet, atomically (temporary file, then rename).
pub(crate) fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<(), Error> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(df)
        .map_err(Error::Aggregation)?;
    crate::output::write_atomic(path, &bytes)
}

/// The extract files of `batches` for one ledger, as one lazy scan.
pub(crate) fn scan(
    archive: &Path,
    ledger: LedgerKey,
    batches: &[String],
) -> PolarsResult<Option<LazyFrame>> {
    let paths: Vec<PlRefPath> = batches
        .iter()
        .map(|b| archive.join("extracts").join(file_name(b, ledger)))
        .map(|p| PlRefPath::new(p.to_string_lossy().as_ref()))
        .collect();
    if paths.is_empty() {
        return Ok(None);
    }
    let args = ScanArgsParquet {
        allow_missing_columns: true,
        ..Default::default()
    };
    LazyFrame::scan_parquet_files(paths.into_iter().collect(), args).map(Some)
}

/// Workbooks' valid records read back from their extracts, by content
/// hash: per ledger (schema order), its rows in sheet order, each a value
/// per field. Text kinds come back as text (a list of references as
/// written, 、-joined). Each ledger's extract files are read once for all.
pub(crate) fn read_back(
    archive: &Path,
    schema: &Schema,
    validations: &[&Validation],
) -> Result<HashMap<String, Vec<Vec<ValidRow>>>, Error> {
    let mut batches: Vec<String> = validations.iter().map(|v| v.batch.clone()).collect();
    batches.sort();
    batches.dedup();
    let wanted: HashSet<&str> = validations.iter().map(|v| v.hash.as_str()).collect();
    let mut out: HashMap<String, Vec<Vec<ValidRow>>> = wanted
        .iter()
        .map(|h| (h.to_string(), Vec::with_capacity(schema.ledgers.len())))
        .collect();
    for ledger in &schema.ledgers {
        let mut rows: HashMap<String, Vec<ValidRow>> = HashMap::new();
        if let Some(scan) = scan(archive, ledger.key, &batches)? {
            let df = scan.collect()?;
            let hashes = df.column(HASH)?.str()?;
            let mask: BooleanChunked = hashes
                .iter()
                .map(|h| Some(h.is_some_and(|h| wanted.contains(h))))
                .collect();
            let df = df
                .filter(&mask)?
                .sort([HASH, ROW], SortMultipleOptions::default())?;
            let hashes = df.column(HASH)?.str()?;
            for (hash, row) in hashes.iter().zip(rows_of(&df, ledger)?) {
                let hash = hash.unwrap_or_default().to_string();
                rows.entry(hash).or_default().push(row);
            }
        }
        for (hash, ledgers) in &mut out {
            ledgers.push(rows.remove(hash).unwrap_or_default());
        }
    }
    Ok(out)
}

/// The rows of an extract frame, as validation gave them.
fn rows_of(df: &DataFrame, ledger: &Ledger) -> PolarsResult<Vec<ValidRow>> {
    let rows = df.column(ROW)?.u32()?;
    let mut out: Vec<ValidRow> = rows
        .iter()
        .map(|row| ValidRow {
            row: row.unwrap_or_default(),
            values: Vec::with_capacity(ledger.fields.len()),
        })
        .collect();
    for field in &ledger.fields {
        let values = column_values(df, &field.name, field.ty)?;
        for (row, value) in out.iter_mut().zip(values) {
            row.values.push(value);
        }
    }
    Ok(out)
}

/// One field's column as values (all `None` when an older extract lacks it).
fn column_values(df: &DataFrame, name: &str, ty: FieldType) -> PolarsResult<Vec<Option<Value>>> {
    let Ok(column) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    Ok(match ty {
        FieldType::Date => column
            .cast(&DataType::Int32)?
            .i32()?
            .iter()
            .map(|d| d.map(|d| Value::Date(crate::period::date_of(d))))
            .collect(),
        FieldType::Integer => column.i64()?.iter().map(|v| v.map(Value::Int)).collect(),
        FieldType::Money => column.f64()?.iter().map(|v| v.map(Value::Money)).collect(),
        _ => column
            .str()?
            .iter()
            .map(|v| v.map(|s| Value::Text(s.to_string())))
            .collect(),
    })
}
