//! A unit's page (`/units/<code>`): every version it sent, by period, with
//! its diagnostics, and downloads of the file as received, of its feedback
//! workbook, and of its ledger template (prefilled, or blank).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::access;
use super::desk::Desk;
use super::error::WebError;
use super::session::Viewer;
use crate::archive::{Archive, Record};
use crate::diagnostic::Diagnostic;
use crate::period::Period;
use crate::reports::feedback::{FeedbackWriter, Returned};
use crate::reports::template::prefill::prefills;
use crate::reports::template::workbook::{LedgerTemplates, TemplateJob};
use crate::web::store::Account;

/// The unit, if the viewer may see it: 404 for a code the registry does
/// not know, 403 for one outside the viewer's scope.
fn allowed<'a>(
    desk: &'a Desk,
    account: &Account,
    code: &str,
) -> Result<&'a crate::registry::Unit, WebError> {
    let unit = desk.registry.unit(code).ok_or(WebError::NotFound)?;
    if access::may_see(account, &desk.registry, code) {
        Ok(unit)
    } else {
        Err(WebError::Forbidden)
    }
}

/// A diagnostic as a page lists it, ID and phone numbers masked.
pub(super) fn listed(d: &Diagnostic) -> serde_json::Value {
    json!({
        "error": d.is_error(),
        "place": match (&d.sheet, &d.cell) {
            (Some(s), Some(c)) => format!("{s}!{c}"),
            (Some(s), None) => s.clone(),
            _ => String::new(),
        },
        "message": crate::mask::masked(&d.message),
        "value": d.value.as_deref().map(crate::mask::masked),
    })
}

pub(super) async fn page(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    let d = desk.clone();
    let account = viewer.account.clone();
    let data = tokio::task::spawn_blocking(move || unit_data(&d, &account, &code)).await??;
    let page = json!({ "viewer": viewer.page(), "unit": data });
    Ok(Html(desk.views.render("unit.html", &page)?))
}

fn unit_data(desk: &Desk, account: &Account, code: &str) -> Result<serde_json::Value, WebError> {
    let unit = allowed(desk, account, code)?;
    let archive = desk.archive()?;
    let fingerprint =
        crate::validate::fingerprint(&desk.config.schema, &desk.registry, &desk.config.limits);
    let mut periods = Vec::new();
    for period in archive.periods().into_iter().rev() {
        let versions = archive.versions(code, period);
        if versions.is_empty() {
            continue;
        }
        let mut shown = Vec::new();
        for (i, r) in versions.iter().enumerate().rev() {
            let diagnostics = archive
                .diagnostics(&r.hash, &fingerprint)?
                .unwrap_or_default();
            shown.push(json!({
                "n": i + 1,
                "seq": r.seq,
                "file": r.original_name,
                "sender": r.sender,
                "received": super::view::minutes(r.received),
                "errors": r.errors,
                "warnings": r.warnings,
                "diagnostics": diagnostics.iter().map(listed).collect::<Vec<_>>(),
            }));
        }
        periods.push(json!({ "code": period.code(), "name": period.chinese(), "versions": shown }));
    }
    let now = archive
        .periods()
        .last()
        .copied()
        .unwrap_or(desk.config.template_period);
    let templates: Vec<serde_json::Value> = [now, now.next()]
        .iter()
        .map(|p| json!({ "code": p.code(), "name": p.chinese() }))
        .collect();
    Ok(json!({
        "code": unit.code,
        "name": unit.name,
        "level": desk.registry.level_name(unit.level),
        "head": unit.head,
        "periods": periods,
        "templates": templates,
    }))
}

/// The record `seq` of unit `code`, if the viewer may see that unit.
fn record(
    desk: &Desk,
    account: &Account,
    code: &str,
    seq: u64,
) -> Result<(std::sync::Arc<Archive>, Record), WebError> {
    allowed(desk, account, code)?;
    let archive = desk.archive()?;
    let record = archive
        .records()
        .iter()
        .find(|r| r.seq == seq && r.unit.as_deref() == Some(code))
        .cloned()
        .ok_or(WebError::NotFound)?;
    Ok((archive, record))
}

/// A file download whose name (never a path) survives every browser.
pub(super) fn download(name: &str, mime: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    (
        [
            (CONTENT_TYPE, mime.to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

pub(super) async fn original(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path((code, seq)): Path<(String, u64)>,
) -> Result<Response, WebError> {
    with_record(desk, viewer, code, seq, |_, archive, r| {
        let bytes = archive.bytes(r)?;
        Ok(download(
            &r.original_name,
            "application/octet-stream",
            bytes,
        ))
    })
    .await
}

pub(super) async fn feedback(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path((code, seq)): Path<(String, u64)>,
) -> Result<Response, WebError> {
    with_record(desk, viewer, code, seq, |d, archive, r| {
        let (name, bytes) = feedback_workbook(d, archive, r)?;
        Ok(download(&name, crate::mail::compose::XLSX, bytes))
    })
    .await
}

/// The unit's ledger workbook for a period, prefilled with what the centre
/// has of it (一表通), as `jucai template` writes it.
pub(super) async fn template(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path((code, period)): Path<(String, String)>,
) -> Result<Response, WebError> {
    template_download(desk, viewer, code, period, false).await
}

/// The same, blank.
pub(super) async fn blank_template(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path((code, period)): Path<(String, String)>,
) -> Result<Response, WebError> {
    template_download(desk, viewer, code, period, true).await
}

async fn template_download(
    desk: Arc<Desk>,
    viewer: Viewer,
    code: String,
    period: String,
    blank: bool,
) -> Result<Response, WebError> {
    let period: Period = period.parse().map_err(|_| WebError::NotFound)?;
    let account = viewer.account;
    tokio::task::spawn_blocking(move || {
        let unit = allowed(&desk, &account, &code)?;
        let archive = desk.archive()?;
        let c = &desk.config;
        let rules = crate::intake::Rules {
            schema: &c.schema,
            registry: &desk.registry,
            limits: &c.limits,
        };
        let prefilled = match blank {
            true => Default::default(),
            false => prefills(&archive, rules, &[code.as_str()], period)?,
        };
        let writer = LedgerTemplates::new()?;
        let job = TemplateJob {
            schema: &c.schema,
            unit,
            period,
            deadline_days: c.deadline_days,
            fill: prefilled.get(&code),
        };
        let name = writer.file_name(unit, period)?;
        Ok(download(
            &name,
            crate::mail::compose::XLSX,
            writer.to_bytes(&job)?,
        ))
    })
    .await?
}

/// `make` the response from reception `seq` of unit `code`, if the viewer
/// may see it, off the async threads (it reads and may validate a file).
async fn with_record(
    desk: Arc<Desk>,
    viewer: Viewer,
    code: String,
    seq: u64,
    make: impl FnOnce(&Desk, &Archive, &Record) -> Result<Response, WebError> + Send + 'static,
) -> Result<Response, WebError> {
    let account = viewer.account;
    tokio::task::spawn_blocking(move || {
        let (archive, r) = record(&desk, &account, &code, seq)?;
        make(&desk, &archive, &r)
    })
    .await?
}

/// The feedback workbook of one received workbook, as `jucai run` writes it.
pub(super) fn feedback_workbook(
    desk: &Desk,
    archive: &Archive,
    r: &Record,
) -> Result<(String, Vec<u8>), WebError> {
    let bytes = archive.bytes(r)?;
    let c = &desk.config;
    let checked = crate::validate::validate(
        &bytes,
        &r.original_name,
        &c.schema,
        &desk.registry,
        &c.limits,
    );
    let unit = r.unit.as_deref().and_then(|u| desk.registry.unit(u));
    let returned = Returned {
        checked: &checked,
        bytes: &bytes,
        unit,
        schema: &c.schema,
        deadline_days: c.deadline_days,
    };
    let dir = tempfile::tempdir().map_err(|e| WebError::Internal(e.to_string()))?;
    let path = FeedbackWriter::new(c.limits)?.write(&returned, dir.path())?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = std::fs::read(&path).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((name, out))
}
