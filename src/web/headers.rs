//! What every response tells the browser, and what every request must
//! show before it is read: pages may load only the desk's own style sheet
//! and script, never run inline script, never be framed, never send the
//! address on, and are never kept in the browser's cache (after logging
//! out, Back showed a unit page with ID numbers); a form's body is refused
//! by its stated length before any of it is read; and with `[web] host`
//! set, a request for another host name is refused.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, HOST, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::desk::Desk;

/// Only the desk's own files; no inline script; no framing; forms post
/// only to the desk.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The largest body of a form that is not an upload (login, 网页填报 …).
pub(super) const FORM_LIMIT: u64 = 64 * 1024;

/// Add the headers to every response.
pub(super) async fn secure(request: Request, next: Next) -> Response {
    let fixed = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    // The style sheet and script are the same for everyone; everything
    // else may carry personal data.
    let cache = if fixed {
        "public, max-age=3600"
    } else {
        "no-store"
    };
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// Refuse a small form whose stated length is over [`FORM_LIMIT`] before
/// reading it (a body without a length is cut off there while read).
pub(super) async fn small_form(request: Request, next: Next) -> Response {
    let stated = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if stated.is_some_and(|n| n > FORM_LIMIT) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    next.run(request).await
}

/// With `[web] host` set, answer only requests for that host.
pub(super) async fn host(State(desk): State<Arc<Desk>>, request: Request, next: Next) -> Response {
    if let Some(expected) = desk.config.web_host.as_deref() {
        let asked = request
            .headers()
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .map(|h| {
                h.rsplit_once(':')
                    .map_or(h, |(name, _)| name)
                    .to_ascii_lowercase()
            });
        if asked.as_deref() != Some(expected) {
            return StatusCode::MISDIRECTED_REQUEST.into_response();
        }
    }
    next.run(request).await
}
