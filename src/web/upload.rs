//! 上传 (`/upload`): workbooks, `.eml` or `.zip` files handed in through the
//! browser, taken in exactly as `jucai intake` takes files (same archive,
//! same store), then a result per file: unit, period, 通过 / 有警告 / 退回,
//! every diagnostic with its cell, and the feedback workbook to download.
//! A station or workroom head may hand in only the workbooks of units in
//! their scope; anything else is refused before it is stored.

use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::http::header::CONTENT_LENGTH;
use axum::http::HeaderMap;
use axum::response::Html;
use serde_json::json;

use super::access;
use super::desk::Desk;
use super::error::WebError;
use super::session::Viewer;
use crate::archive::{Archive, Record};
use crate::changes::Worded;
use crate::intake::{Input, Rules, Upload};
use crate::web::store::Account;

pub(super) async fn form(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
) -> Result<Html<String>, WebError> {
    let page = json!({ "viewer": viewer.page(), "limit_mb": crate::limits::mb(limit(&desk)) });
    Ok(Html(desk.views.render("upload.html", &page)?))
}

/// The most one upload request may carry: `[limits] max_file_mb`.
pub(super) fn limit(desk: &Desk) -> u64 {
    desk.config.limits.max_file_bytes
}

pub(super) async fn receive(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Html<String>, WebError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit_mb = crate::limits::mb(limit(&desk));
    if declared.is_some_and(|n| n > limit(&desk)) {
        return Err(WebError::TooLarge(limit_mb));
    }
    let bad = |e| bad(e, limit_mb);
    // The token comes first in the form: nothing is read before it is checked.
    let first = form
        .next_field()
        .await
        .map_err(bad)?
        .ok_or(WebError::Csrf)?;
    if first.name() != Some("csrf") {
        return Err(WebError::Csrf);
    }
    viewer.check(&first.text().await.map_err(bad)?)?;
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("files") {
            continue;
        }
        let name = safe_name(&file_name(&field));
        let bytes = field.bytes().await.map_err(bad)?.to_vec();
        if !name.is_empty() || !bytes.is_empty() {
            files.push((name, bytes));
        }
    }
    if files.is_empty() {
        return Err(WebError::BadRequest("没有选择文件".to_string()));
    }
    let d = desk.clone();
    let account = viewer.account.clone();
    let results = tokio::task::spawn_blocking(move || take_in(&d, &account, files)).await??;
    let page = json!({ "viewer": viewer.page(), "results": results });
    Ok(Html(desk.views.render("uploaded.html", &page)?))
}

fn bad(e: axum::extract::multipart::MultipartError, limit_mb: u64) -> WebError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge(limit_mb)
    } else {
        WebError::BadRequest(e.body_text())
    }
}

/// The file name the browser sent. A name in raw GBK (some older browsers
/// and upload tools) is not text to the multipart parser: it is read from
/// the header's bytes instead, as mail's are.
fn file_name(field: &axum::extract::multipart::Field<'_>) -> String {
    if let Some(name) = field.file_name() {
        return name.to_string();
    }
    field
        .headers()
        .get(axum::http::header::CONTENT_DISPOSITION)
        .and_then(|v| crate::intake::mail::raw_parameter(v.as_bytes(), "filename"))
        .unwrap_or_default()
}

/// A browser's file name as a name only: no folders, no control characters.
fn safe_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

/// Check each file, take the allowed ones in, and say what became of each.
fn take_in(
    desk: &Desk,
    account: &Account,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<serde_json::Value>, WebError> {
    let c = &desk.config;
    let rules = Rules {
        schema: &c.schema,
        registry: &desk.registry,
        limits: &c.limits,
    };
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let now = chrono::Utc::now().with_timezone(&cst);
    let mut archive = desk.archive_to_write()?;
    let mut allowed = Vec::new();
    let mut results = Vec::new();
    for (name, bytes) in files {
        let input = Input::Upload(Upload {
            source: format!("网页上传（{}）：{name}", account.name),
            name: name.clone(),
            bytes,
            at: now,
        });
        let got = input.receive(c.limits);
        let mut parts = Vec::new();
        let mut refused = false;
        for r in &got.files {
            let (identity, checked) =
                crate::intake::identify::identify(r, rules.schema, rules.registry, rules.limits);
            let ok = access::is_centre(account)
                || identity
                    .unit
                    .as_deref()
                    .is_some_and(|u| access::may_upload_for(account, &desk.registry, u));
            refused |= !ok;
            let already =
                crate::intake::received_before(&archive, r, &crate::hash::sha256_hex(&r.bytes));
            parts.push((r.key.clone(), r.name.clone(), identity, checked, already));
        }
        let problems: Vec<String> = got.problems.iter().map(ToString::to_string).collect();
        results.push((name, parts, problems, refused));
        if !refused {
            allowed.push(input);
        }
    }
    let bar = indicatif::ProgressBar::hidden();
    crate::intake::take_in_from(allowed.into_iter(), &mut archive, rules, &bar)?;
    Ok(results
        .into_iter()
        .map(|(name, parts, problems, refused)| {
            file_result(desk, &archive, &name, parts, problems, refused)
        })
        .collect())
}

/// A received part: key, name, identity, what validating it found, and
/// whether the archive had it before this upload.
type Part = (
    String,
    String,
    crate::intake::Identity,
    crate::validate::Checked,
    bool,
);

/// What the page says of one uploaded file and each workbook in it.
fn file_result(
    desk: &Desk,
    archive: &Archive,
    name: &str,
    parts: Vec<Part>,
    problems: Vec<String>,
    refused: bool,
) -> serde_json::Value {
    let parts: Vec<serde_json::Value> = parts
        .into_iter()
        .map(|(key, part_name, identity, checked, already)| {
            let unit = identity.unit.as_deref().and_then(|u| desk.registry.unit(u));
            let record = archive.record(&key);
            let errors = checked.error_count();
            let warnings = checked.warning_count();
            let changes = record.and_then(|r| changed(desk, archive, r));
            json!({
                "name": part_name,
                "unit": unit.map(|u| &u.name),
                "code": unit.map(|u| &u.code),
                "period": identity.period.map(|p| p.chinese()),
                "workbook": identity.workbook,
                "reason": identity.reason,
                "already": already,
                "identified": identity.unit.is_some(),
                "result": if errors > 0 { "returned" } else if warnings > 0 { "warnings" } else { "passed" },
                "errors": errors,
                "warnings": warnings,
                "diagnostics": checked.diagnostics.iter().map(super::unit::listed).collect::<Vec<_>>(),
                "changes": changes,
                "feedback": record
                    .filter(|r| r.unit.is_some() && errors + warnings > 0)
                    .map(|r| format!("/units/{}/feedback/{}", r.unit.as_deref().unwrap_or_default(), r.seq)),
            })
        })
        .collect();
    json!({ "name": name, "parts": parts, "problems": problems, "refused": refused })
}

/// What the workbook changed against the unit's previous accepted one,
/// worded; nothing for a unit's first, or when it cannot be told.
fn changed(desk: &Desk, archive: &Archive, record: &Record) -> Option<Worded> {
    let rules = Rules {
        schema: &desk.config.schema,
        registry: &desk.registry,
        limits: &desk.config.limits,
    };
    let changes = crate::changes::changes(archive, rules, record).ok()??;
    changes.words().ok()
}
