//! 大屏 (`/screen`): 人才风采 for the display in the centre's 人才活动室, made
//! for 1920 × 1080 and fitting any screen without scrolling: the year's key
//! figures and the consenting talents, a few at a time, changing every few
//! seconds and the page read again every five minutes (`/static/screen.js`).
//! A centre account sees it after logging in; when the centre turns on the
//! screen's key (`/screen/key`), `/screen?key=…` shows it without a login,
//! and the key opens nothing else. The same privacy rule as the brochure:
//! only what [`crate::reports::showcase`] lets through.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Query, Request, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use super::desk::Desk;
use super::error::WebError;
use super::session::Viewer;
use crate::archive::Archive;
use crate::period::chinese_date;
use crate::registry::Level;
use crate::web::store::Role;

/// Talents on the screen at once.
const PER_SLIDE: usize = 3;

#[derive(Deserialize)]
pub(super) struct Key {
    key: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Csrf {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn page(
    State(desk): State<Arc<Desk>>,
    request: Request,
) -> Result<Response, WebError> {
    let (mut parts, _) = request.into_parts();
    let key = Query::<Key>::try_from_uri(&parts.uri)
        .ok()
        .and_then(|q| q.0.key);
    let key_hash = key.map(|k| crate::hash::sha256_hex(k.as_bytes()));
    let (_, by_key) = desk.accounts()?.screen_key(key_hash.as_deref())?;
    if !by_key {
        match Viewer::from_request_parts(&mut parts, &desk).await {
            Ok(v) if v.account.role == Role::Centre => {}
            Ok(_) => return Err(WebError::Forbidden),
            Err(login) => return Ok(login),
        }
    }
    let d = desk.clone();
    let data = tokio::task::spawn_blocking(move || kept_screen_data(&d)).await??;
    Ok(Html(desk.views.render("screen.html", &*data)?).into_response())
}

/// The screen's data as last made, or made now when the archive changed.
fn kept_screen_data(desk: &Desk) -> Result<Arc<serde_json::Value>, WebError> {
    let stamp = Archive::stamp(&desk.archive_dir)?;
    if let Some(data) = desk.screen.get("", stamp) {
        return Ok(data);
    }
    let data = Arc::new(screen_data(desk)?);
    desk.screen.put(String::new(), stamp, data.clone());
    Ok(data)
}

/// The centre's showcase of the archive's latest year, in slides.
fn screen_data(desk: &Desk) -> Result<serde_json::Value, WebError> {
    let archive = desk.archive()?;
    let Some(year) = archive.periods().last().map(|p| p.year) else {
        return Ok(json!({ "empty": true }));
    };
    let inputs = crate::pipeline::inputs(&desk.config, &desk.registry, &archive);
    let centre = crate::reports::showcase::build(&inputs, year)?
        .into_iter()
        .find(|s| s.level_kind == Level::Centre);
    let Some(s) = centre else {
        return Ok(json!({ "empty": true }));
    };
    let talents: Vec<_> = s.talents().collect();
    let slides: Vec<_> = talents.chunks(PER_SLIDE).collect();
    Ok(json!({
        "s": s,
        "as_of": chinese_date(s.as_of.end()),
        "slides": slides,
        "count": talents.len(),
    }))
}

/// The centre turns the screen's key on (or makes a new one): the page shows
/// its address once; only its hash is kept.
pub(super) async fn key_on(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Form(form): Form<Csrf>,
) -> Result<Response, WebError> {
    centre_only(&viewer, &form)?;
    let key = super::session::random_token();
    desk.accounts()?
        .set_screen_key(&crate::hash::sha256_hex(key.as_bytes()))?;
    let page = json!({ "viewer": viewer.page(), "key": key });
    Ok(Html(desk.views.render("screen_key.html", &page)?).into_response())
}

/// The centre turns the screen's key off: the address stops working.
pub(super) async fn key_off(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Form(form): Form<Csrf>,
) -> Result<Response, WebError> {
    centre_only(&viewer, &form)?;
    desk.accounts()?.clear_screen_key()?;
    Ok(Redirect::to("/").into_response())
}

/// A form of the centre's own, with its session's token.
fn centre_only(viewer: &Viewer, form: &Csrf) -> Result<(), WebError> {
    viewer.check(&form.csrf)?;
    match viewer.account.role {
        Role::Centre => Ok(()),
        _ => Err(WebError::Forbidden),
    }
}

/// Whether the screen's key is on, for the centre's board.
pub(super) fn key_is_on(desk: &Desk) -> Result<bool, WebError> {
    Ok(desk.accounts()?.screen_key(None)?.0)
}
