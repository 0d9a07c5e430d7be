//! 网页填报 (`/entry`): a unit head adds and edits the records of the five
//! ledgers from a phone, one form per ledger built from the schema. A save
//! is a new version of the unit's submission — a workbook written from the
//! unit's current data with the record in it, taken in like any upload —
//! so reports, feedback, status and export see one path. A record that
//! validation would reject is not saved: the form comes back with the same
//! Chinese messages beside its fields and everything typed kept.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use chrono::NaiveDate;
use serde_json::json;

use super::access;
use super::desk::{Desk, ENTRY_SOURCE};
use super::error::WebError;
use super::session::Viewer;
use crate::archive::Archive;
use crate::intake::{Input, Rules, Upload};
use crate::mask::masked;
use crate::period::Period;
use crate::registry::Unit;
use crate::reports::template::content::{CellValue, Filled, FilledRow};
use crate::reports::template::prefill::{prefills, submitted};
use crate::reports::template::workbook::{LedgerTemplates, TemplateJob};
use crate::schema::{CoverKey, Field, FieldType, Ledger};
use crate::web::store::Account;

/// `/entry`: the units the viewer may enter for (a workroom head goes
/// straight to its own).
pub(super) async fn start(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
) -> Result<Html<String>, WebError> {
    let units: Vec<serde_json::Value> = desk
        .registry
        .tree_order()
        .into_iter()
        .filter(|u| access::may_upload_for(&viewer.account, &desk.registry, &u.code))
        .map(|u| json!({ "code": u.code, "name": u.name }))
        .collect();
    let page = json!({ "viewer": viewer.page(), "units": units });
    Ok(Html(desk.views.render("entry_units.html", &page)?))
}

/// `/entry/<code>`: the unit's records of the period it is filling, ledger
/// by ledger, each with a link to edit it, and a link to add one.
pub(super) async fn unit(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    let d = desk.clone();
    let account = viewer.account.clone();
    let data = tokio::task::spawn_blocking(move || unit_data(&d, &account, &code)).await??;
    let page = json!({ "viewer": viewer.page(), "entry": data });
    Ok(Html(desk.views.render("entry_unit.html", &page)?))
}

/// `/entry/<code>/<ledger>/new` and `/entry/<code>/<ledger>/<row>`: the form.
pub(super) async fn form(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path((code, ledger, row)): Path<(String, String, String)>,
) -> Result<Html<String>, WebError> {
    let d = desk.clone();
    let account = viewer.account.clone();
    let data = tokio::task::spawn_blocking(move || {
        let (unit, period, filled) = current(&d, &account, &code, &*d.archive()?)?;
        let ledger = ledger_of(&d, &ledger)?;
        let index = row.parse::<usize>().ok();
        let values = index
            .and_then(|i| filled.ledgers.get(&ledger.key)?.get(i).cloned())
            .unwrap_or_default();
        Ok::<_, WebError>(form_data(
            unit,
            period,
            ledger,
            index,
            &values,
            &BTreeMap::new(),
        ))
    })
    .await??;
    let page = json!({ "viewer": viewer.page(), "form": data });
    Ok(Html(desk.views.render("entry_form.html", &page)?))
}

/// A form as posted: the token, which row it edits, and a value per field
/// (`f0`, `f1` … in schema order).
pub(super) type Posted = Vec<(String, String)>;

/// Save one record: checked like a workbook's row; saved as a new version.
pub(super) async fn save(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path((code, ledger)): Path<(String, String)>,
    axum::Form(posted): axum::Form<Posted>,
) -> Result<Html<String>, WebError> {
    let get = |k: &str| {
        posted
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    viewer.check(get("csrf"))?;
    let d = desk.clone();
    let account = viewer.account.clone();
    let posted = posted.clone();
    let (template, data) = tokio::task::spawn_blocking(move || {
        // One save at a time: the second sees the first's record.
        let _one = d.entering.lock().unwrap_or_else(|p| p.into_inner());
        save_record(&d, &account, &code, &ledger, &posted)
    })
    .await??;
    let key = if template == "entry_form.html" {
        "form"
    } else {
        "entry"
    };
    let page = json!({ "viewer": viewer.page(), key: data });
    Ok(Html(desk.views.render(template, &page)?))
}

fn ledger_of<'a>(desk: &'a Desk, key: &str) -> Result<&'a Ledger, WebError> {
    desk.config
        .schema
        .ledgers
        .iter()
        .find(|l| l.key.as_str() == key)
        .ok_or(WebError::NotFound)
}

/// The unit (if the viewer may enter for it), the period it is filling, and
/// its current data: its newest version of that period, else what the
/// centre has of it from before (a prefilled workbook's content).
fn current<'a>(
    desk: &'a Desk,
    account: &Account,
    code: &str,
    archive: &Archive,
) -> Result<(&'a Unit, Period, Filled), WebError> {
    let unit = desk.registry.unit(code).ok_or(WebError::NotFound)?;
    if !access::may_upload_for(account, &desk.registry, code) {
        return Err(WebError::Forbidden);
    }
    let period = desk.filling(archive, code);
    let rules = rules(desk);
    let filled = match archive.newest(code, period) {
        Some(r) => submitted(archive, rules, r)?,
        None => prefills(archive, rules, &[code], period)?
            .remove(code)
            .unwrap_or_default(),
    };
    Ok((unit, period, filled))
}

fn rules(desk: &Desk) -> Rules<'_> {
    Rules {
        schema: &desk.config.schema,
        registry: &desk.registry,
        limits: &desk.config.limits,
    }
}

fn unit_data(desk: &Desk, account: &Account, code: &str) -> Result<serde_json::Value, WebError> {
    unit_data_in(desk, account, code, &*desk.archive()?)
}

fn unit_data_in(
    desk: &Desk,
    account: &Account,
    code: &str,
    archive: &Archive,
) -> Result<serde_json::Value, WebError> {
    let (unit, period, filled) = current(desk, account, code, archive)?;
    let newest = archive.newest(code, period);
    let ledgers: Vec<serde_json::Value> = desk
        .config
        .schema
        .ledgers
        .iter()
        .map(|l| {
            let rows = filled.ledgers.get(&l.key).map_or(&[][..], Vec::as_slice);
            let listed: Vec<serde_json::Value> = rows
                .iter()
                .enumerate()
                .map(|(i, r)| json!({ "index": i, "summary": summary(l, r) }))
                .collect();
            json!({ "key": l.key.as_str(), "name": l.name, "rows": listed })
        })
        .collect();
    Ok(json!({
        "code": unit.code,
        "name": unit.name,
        "period": { "code": period.code(), "name": period.chinese() },
        "version": newest.map(|_| archive.versions(code, period).len()),
        "errors": newest.map_or(0, |r| r.errors),
        "ledgers": ledgers,
    }))
}

/// A row in one line: its first three filled fields, ID and phone numbers
/// masked.
fn summary(ledger: &Ledger, row: &FilledRow) -> String {
    ledger
        .fields
        .iter()
        .filter_map(|f| row.get(&f.name).map(|v| masked(&text(v)).into_owned()))
        .filter(|t| !t.is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join(" · ")
}

fn text(v: &CellValue) -> String {
    match v {
        CellValue::Text(s) => s.clone(),
        CellValue::Number(n) => crate::read::cell::format_number(*n),
        CellValue::Date(d) => d.format("%Y-%m-%d").to_string(),
        CellValue::DateTime(t) => t.format("%Y-%m-%d").to_string(),
        CellValue::Bool(b) => b.to_string(),
    }
}

/// What the form shows: each field as an input of its kind, its value (ID
/// and phone numbers never sent back whole: left empty they are kept), and
/// what validation said of it.
fn form_data(
    unit: &Unit,
    period: Period,
    ledger: &Ledger,
    index: Option<usize>,
    values: &FilledRow,
    said: &BTreeMap<String, Vec<String>>,
) -> serde_json::Value {
    let fields: Vec<serde_json::Value> = ledger
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let value = values.get(&f.name).map(text).unwrap_or_default();
            let secret = personal(f);
            json!({
                "input": format!("f{i}"),
                "name": f.name,
                "required": f.required,
                "kind": input_kind(f.ty),
                "options": f.values,
                "value": if secret { String::new() } else { value.clone() },
                "placeholder": if secret && !value.is_empty() { masked(&value).into_owned() } else { String::new() },
                "kept_if_empty": secret && !value.is_empty(),
                "said": said.get(&f.name).cloned().unwrap_or_default(),
            })
        })
        .collect();
    json!({
        "code": unit.code,
        "unit": unit.name,
        "period": period.chinese(),
        "ledger": { "key": ledger.key.as_str(), "name": ledger.name },
        "row": index,
        "fields": fields,
        "failed": !said.is_empty(),
    })
}

/// ID and phone numbers: shown masked, kept when left empty.
fn personal(f: &Field) -> bool {
    matches!(f.ty, FieldType::IdNumber | FieldType::Phone)
}

fn input_kind(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Enum => "select",
        FieldType::Date => "date",
        FieldType::Integer => "integer",
        FieldType::Money => "money",
        FieldType::Phone => "tel",
        _ => "text",
    }
}

/// Check and save one posted record; the page to show and its data: the
/// form again with messages, or the unit's records with the new version.
fn save_record(
    desk: &Desk,
    account: &Account,
    code: &str,
    ledger: &str,
    posted: &Posted,
) -> Result<(&'static str, serde_json::Value), WebError> {
    // Opened afresh, not from the desk's cache: the save before this one
    // may have been recorded within the cache's clock tick.
    let archive = Archive::open_read(&desk.archive_dir)?;
    let (unit, period, mut filled) = current(desk, account, code, &archive)?;
    let ledger = ledger_of(desk, ledger)?;
    let field = |i: usize| {
        posted
            .iter()
            .find(|(n, _)| *n == format!("f{i}"))
            .map_or("", |(_, v)| v.trim())
    };
    let index = posted
        .iter()
        .find(|(n, _)| n == "row")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let rows = filled.ledgers.entry(ledger.key).or_default();
    let before = index.and_then(|i| rows.get(i).cloned()).unwrap_or_default();
    let mut row = FilledRow::new();
    for (i, f) in ledger.fields.iter().enumerate() {
        let typed = field(i);
        let value = match (typed.is_empty(), before.get(&f.name)) {
            (true, Some(old)) if personal(f) => Some(old.clone()),
            (true, _) => None,
            (false, _) => Some(cell(f.ty, typed)),
        };
        if let Some(v) = value {
            row.insert(f.name.clone(), v);
        }
    }
    let at = match index.filter(|&i| i < rows.len()) {
        Some(i) => {
            rows[i] = row.clone();
            i
        }
        None => {
            rows.push(row.clone());
            rows.len() - 1
        }
    };
    sign(&mut filled, account, unit);
    let writer = LedgerTemplates::new()?;
    let job = TemplateJob {
        schema: &desk.config.schema,
        unit,
        period,
        deadline_days: desk.config.deadline_days,
        fill: Some(&filled),
    };
    let bytes = writer.to_bytes(&job)?;
    let name = writer.file_name(unit, period)?;
    let rules = rules(desk);
    let checked =
        crate::validate::validate(&bytes, &name, rules.schema, rules.registry, rules.limits);
    // The row's sheet row: a title row and a header row come first.
    let sheet_row = at as u32 + 3;
    let mut said: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in checked.diagnostics.iter().filter(|d| {
        d.is_error() && d.sheet.as_deref() == Some(&ledger.name) && d.row == Some(sheet_row)
    }) {
        let column = d.column.clone().unwrap_or_default();
        said.entry(column)
            .or_default()
            .push(masked(&d.message).into_owned());
    }
    if !said.is_empty() {
        return Ok((
            "entry_form.html",
            form_data(unit, period, ledger, index, &row, &said),
        ));
    }
    take_in(desk, account, unit, period, name, bytes)?;
    let archive = Archive::open_read(&desk.archive_dir)?;
    let mut data = unit_data_in(desk, account, code, &archive)?;
    data["saved"] = json!(ledger.name);
    Ok(("entry_unit.html", data))
}

/// A typed value as the cell a unit would type: dates and numbers as such,
/// anything that does not parse as text (validation then says what is
/// wrong with it, in the workbook's words).
fn cell(ty: FieldType, typed: &str) -> CellValue {
    match ty {
        FieldType::Date => NaiveDate::parse_from_str(typed, "%Y-%m-%d")
            .map_or_else(|_| CellValue::Text(typed.to_string()), CellValue::Date),
        FieldType::Integer | FieldType::Money => typed
            .parse::<f64>()
            .map_or_else(|_| CellValue::Text(typed.to_string()), CellValue::Number),
        _ => CellValue::Text(typed.to_string()),
    }
}

/// The cover of a version made on the desk: who saved it, their phone as
/// last given (else the unit's), and today as the fill date.
fn sign(filled: &mut Filled, account: &Account, unit: &Unit) {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let today = chrono::Utc::now().with_timezone(&cst).date_naive();
    filled
        .cover
        .entry(CoverKey::Filler)
        .or_insert_with(|| CellValue::Text(account.name.clone()));
    if let Some(phone) = &unit.phone {
        filled
            .cover
            .entry(CoverKey::Phone)
            .or_insert_with(|| CellValue::Text(phone.clone()));
    }
    filled
        .cover
        .insert(CoverKey::FillDate, CellValue::Date(today));
}

/// Take the written workbook in as an upload from `account`.
fn take_in(
    desk: &Desk,
    account: &Account,
    unit: &Unit,
    period: Period,
    name: String,
    bytes: Vec<u8>,
) -> Result<(), WebError> {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let input = Input::Upload(Upload {
        source: format!(
            "{ENTRY_SOURCE}（{}）：{}{}",
            account.name,
            unit.name,
            period.chinese()
        ),
        name,
        bytes,
        at: chrono::Utc::now().with_timezone(&cst),
    });
    let mut archive = desk.archive_to_write()?;
    let bar = indicatif::ProgressBar::hidden();
    crate::intake::take_in_from(std::iter::once(input), &mut archive, rules(desk), &bar)?;
    Ok(())
}
