//! Typed parsing of one cell against one schema field.

use calamine::Data;
use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::{Finding, Msg};
use crate::read::cell::{self, BadCell};
use crate::read::id_number;
use crate::schema::{Field, FieldType, Schema};
use crate::text::half_width;

/// A parsed cell value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    Int(i64),
    Money(f64),
    Refs(Vec<String>),
}

/// Record ids as a cell lists them: `RC001、RC002`, or with commas,
/// semicolons or spaces.
fn split_refs(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', ';', '；', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Value {
    /// The record ids a `refs` value names (an extract keeps them as one
    /// text, joined as [`Value::text`] joins them).
    pub fn refs(&self) -> Vec<String> {
        match self {
            Value::Refs(r) => r.clone(),
            other => split_refs(&other.text()),
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Money(m) => Some(*m),
            _ => None,
        }
    }

    /// The value as people read it (dates as `2023-07-15`).
    pub fn display(&self) -> String {
        self.text().into_owned()
    }

    /// [`Value::display`], borrowed for text (no copy per cell when a
    /// ledger's values are written out).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow::{Borrowed, Owned};
        match self {
            Value::Text(s) => Borrowed(s),
            Value::Date(d) => Owned(d.format("%Y-%m-%d").to_string()),
            Value::Int(i) => Owned(i.to_string()),
            Value::Money(m) => Owned(cell::format_number(*m)),
            Value::Refs(r) => Owned(r.join("、")),
        }
    }
}

/// Parse `cell` as `field`. Blank cells give `Ok(None)` (required-ness is checked
/// by the caller, which knows the row). A finding carries message and value; the
/// caller adds sheet, cell and column.
pub fn parse(schema: &Schema, field: &Field, cell: &Data) -> Result<Option<Value>, Finding> {
    if let Data::Error(e) = cell {
        return Err(Finding::new(Msg::CellError).value(format!("{e}")));
    }
    if is_wps_picture(cell) {
        return Err(Finding::new(Msg::CellPicture));
    }
    match field.ty {
        FieldType::Text | FieldType::Ref | FieldType::Period => {
            Ok(cell::parse_text(cell).map(Value::Text))
        }
        FieldType::Date => cell::parse_date(cell)
            .map(|d| d.map(Value::Date))
            .map_err(|e| bad(Msg::DateInvalid, e)),
        FieldType::Integer => {
            let n = cell::parse_integer(cell).map_err(|e| bad(Msg::IntegerInvalid, e))?;
            n.map(|n| check_range(field, n as f64, &n.to_string()).map(|_| Value::Int(n)))
                .transpose()
        }
        FieldType::Money => {
            let n = cell::parse_number(cell).map_err(|e| bad(Msg::NumberInvalid, e))?;
            n.map(|n| parse_money(field, n)).transpose()
        }
        FieldType::Enum => parse_enum(field, cell),
        FieldType::Phone => parse_phone(schema, cell),
        FieldType::IdNumber => parse_id_number(cell),
        FieldType::Refs => Ok(cell::parse_text(cell).map(|text| Value::Refs(split_refs(&text)))),
    }
}

/// A picture WPS put into the cell (插入 → 图片 → 嵌入单元格): the cell holds
/// the formula `=DISPIMG("ID_…",1)`, whose text is no value of the field.
fn is_wps_picture(cell: &Data) -> bool {
    match cell {
        Data::String(s) => {
            let s = s.trim_start().trim_start_matches('=');
            let s = s.strip_prefix("_xlfn.").unwrap_or(s);
            s.get(..8)
                .is_some_and(|head| head.eq_ignore_ascii_case("DISPIMG("))
        }
        _ => false,
    }
}

fn bad(message: Msg, e: BadCell) -> Finding {
    match e {
        BadCell::ErrorValue(v) => Finding::new(Msg::CellError).value(v),
        BadCell::NotThisType(v) => Finding::new(message).value(v),
    }
}

fn check_range(field: &Field, n: f64, shown: &str) -> Result<(), Finding> {
    if let Some(min) = field.min.filter(|m| n < *m) {
        return Err(Finding::new(Msg::BelowMin)
            .value(shown)
            .arg("min", cell::format_number(min)));
    }
    if let Some(max) = field.max.filter(|m| n > *m) {
        return Err(Finding::new(Msg::AboveMax)
            .value(shown)
            .arg("max", cell::format_number(max)));
    }
    Ok(())
}

fn parse_money(field: &Field, n: f64) -> Result<Value, Finding> {
    let shown = cell::format_number(n);
    let cents = n * 100.0;
    if (cents - cents.round()).abs() > 1e-6 {
        return Err(Finding::new(Msg::MoneyDecimals).value(shown));
    }
    check_range(field, n, &shown)?;
    Ok(Value::Money(cents.round() / 100.0))
}

fn parse_enum(field: &Field, cell: &Data) -> Result<Option<Value>, Finding> {
    let Some(text) = cell::trimmed(cell) else {
        return Ok(None);
    };
    match field.enum_value(&text) {
        Some(v) => Ok(Some(Value::Text(v.to_string()))),
        None => Err(Finding::new(Msg::EnumInvalid)
            .value(text.into_owned())
            .list("allowed", &field.values)),
    }
}

fn parse_phone(schema: &Schema, cell: &Data) -> Result<Option<Value>, Finding> {
    let Some(text) = cell::parse_normalised(cell) else {
        return Ok(None);
    };
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match schema.pattern(FieldType::Phone) {
        Some(re) if !re.is_match(&compact) => Err(Finding::new(Msg::PhoneInvalid).value(text)),
        _ => Ok(Some(Value::Text(compact))),
    }
}

fn parse_id_number(cell: &Data) -> Result<Option<Value>, Finding> {
    // Excel keeps 15 significant digits: an 18-digit number has lost its tail.
    if let Data::Float(f) = cell {
        let shown = format!("{f:.5E}").replace("E", "E+").replace("E+-", "E-");
        return Err(Finding::new(Msg::IdNumberAsFloat).value(shown));
    }
    let Some(text) = cell::parse_normalised(cell) else {
        return Ok(None);
    };
    let id = text.to_uppercase();
    if looks_like_float(&id) {
        return Err(Finding::new(Msg::IdNumberAsFloat).value(text));
    }
    if !id_number::is_well_formed(&id) || id_number::birth_date(&id).is_none() {
        return Err(Finding::new(Msg::IdNumberFormat).value(text));
    }
    let expected = id_number::check_char(&id[..17]).unwrap_or('?');
    if !id.ends_with(expected) {
        return Err(Finding::new(Msg::IdNumberChecksum)
            .value(text)
            .arg("expected", expected));
    }
    Ok(Some(Value::Text(id)))
}

/// `1.50602E+17` and the like: what Excel shows for an ID typed as a number.
fn looks_like_float(s: &str) -> bool {
    s.contains('E')
        && s.replace(['E', '+', '-', '.'], "")
            .bytes()
            .all(|b| b.is_ascii_digit())
}

/// Text of a cell for diagnostics (what was found), trimmed of whitespace.
pub fn shown(cell: &Data) -> String {
    half_width(&cell::cell_text(cell))
}

/// A cell with nothing in it but whitespace.
pub fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}
