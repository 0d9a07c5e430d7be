//! `jucai serve`: the web desk. Server-rendered pages in Chinese for the
//! centre's clerk, station heads and workroom heads, from the same archive
//! and store as the CLI; templates and the style sheet are compiled in
//! (`templates/web/`), nothing is loaded from elsewhere.
//!
//! Data flow: request → [`session`] (who is asking; CSRF) → [`access`]
//! (may they see it) → a page module ([`board`], [`unit`], [`upload`],
//! [`reports`], with its [`jobs`]) reading the archive → [`view`] (tera, escaped) → response.
//! Every request gets a line in the access log (no cookie, no password).

pub(crate) mod access;
mod board;
mod desk;
mod entry;
mod error;
mod headers;
mod jobs;
mod journal;
mod limiter;
mod reports;
mod screen;
pub(crate) mod session;
pub(crate) mod store;
mod tls;
pub(crate) use tls::certificate;
mod unit;
mod upload;
mod view;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub(crate) use desk::{Desk, Regenerate};
pub(crate) use error::WebError;
pub(crate) use jobs::{Progress, ReportJob, Stage};

/// The desk's routes.
pub(crate) fn router(desk: Arc<Desk>) -> Router {
    // Multipart bodies are cut off past the limit (413) even without a length.
    let limit = usize::try_from(upload::limit(&desk)).unwrap_or(usize::MAX);
    // Every form but the upload is small: refused past its limit unread.
    let small = |route: axum::routing::MethodRouter<Arc<Desk>>| {
        route
            .layer(DefaultBodyLimit::max(headers::FORM_LIMIT as usize))
            .layer(middleware::from_fn(headers::small_form))
    };
    Router::new()
        .route(
            "/login",
            get(session::login_page).merge(small(post(session::login))),
        )
        .route("/logout", small(post(session::logout)))
        .route("/users/{name}/unlock", small(post(session::unlock)))
        .route("/", get(board::board))
        .route("/periods/{period}", get(board::period))
        .route("/periods/{period}/status.xlsx", get(board::status_xlsx))
        .route("/periods/{period}/notify", small(post(board::notify)))
        .route("/upload", get(upload::form).post(upload::receive))
        .route("/units/{code}", get(unit::page))
        .route("/units/{code}/files/{seq}", get(unit::original))
        .route("/units/{code}/feedback/{seq}", get(unit::feedback))
        .route("/units/{code}/template/{period}", get(unit::template))
        .route(
            "/units/{code}/template/{period}/blank",
            get(unit::blank_template),
        )
        .route("/entry", get(entry::start))
        .route("/entry/{code}", get(entry::unit))
        .route("/entry/{code}/{ledger}", small(post(entry::save)))
        .route("/entry/{code}/{ledger}/{row}", get(entry::form))
        .route("/reports", get(reports::page))
        .route("/reports/generate", small(post(reports::generate)))
        .route("/reports/jobs/{id}", get(reports::job))
        .route("/reports/files/{*path}", get(reports::file))
        .route("/static/style.css", get(style))
        .route("/static/upload.js", get(script))
        .route("/static/screen.js", get(screen_script))
        .route("/screen", get(screen::page))
        .route("/screen/key", small(post(screen::key_on)))
        .route("/screen/key/off", small(post(screen::key_off)))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(headers::secure))
        .layer(middleware::from_fn_with_state(desk.clone(), headers::host))
        .layer(middleware::from_fn_with_state(desk.clone(), access_log))
        .with_state(desk)
}

async fn style() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], view::STYLE).into_response()
}

/// The upload page's drag and drop (pages carry no inline script).
async fn script() -> Response {
    (
        [(CONTENT_TYPE, "text/javascript; charset=utf-8")],
        view::UPLOAD_SCRIPT,
    )
        .into_response()
}

/// The big screen's slides (`/screen`).
async fn screen_script() -> Response {
    (
        [(CONTENT_TYPE, "text/javascript; charset=utf-8")],
        view::SCREEN_SCRIPT,
    )
        .into_response()
}

/// One line per request: time, client, method, path, status, milliseconds;
/// in the access log, and with its level in the journal.
async fn access_log(
    State(desk): State<Arc<Desk>>,
    ConnectInfo(tls::ClientAddr(addr)): ConnectInfo<tls::ClientAddr>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // The path only: no query string, no headers (so no cookie) in the log.
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let line = format!(
        "{} {method} {path} {status} {}ms",
        addr.ip(),
        started.elapsed().as_millis()
    );
    desk.log(&format!(
        "{} {line}",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    ));
    let level = match status {
        500.. => journal::Level::Error,
        400.. => journal::Level::Warn,
        _ => journal::Level::Info,
    };
    journal::journal(level, &format!("request {line}"));
    response
}

/// Serve until the process is stopped, over HTTPS when `tls` gives the
/// certificate and key files. `ready` is told the address once the desk listens.
pub(crate) fn serve(
    mut desk: Desk,
    listen: SocketAddr,
    tls: Option<(PathBuf, PathBuf)>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), WebError> {
    let acceptor = tls
        .as_ref()
        .map(|(cert, key)| tls::acceptor(cert, key))
        .transpose()?;
    desk.tls |= acceptor.is_some();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| WebError::Internal(e.to_string()))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| WebError::Internal(format!("无法在 {listen} 上监听：{e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| WebError::Internal(e.to_string()))?;
        ready(addr);
        let app = router(Arc::new(desk)).into_make_service_with_connect_info::<tls::ClientAddr>();
        let failed = |e: std::io::Error| WebError::Internal(e.to_string());
        match acceptor {
            Some(acceptor) => {
                let listener = tls::TlsListener::new(listener, acceptor).map_err(failed)?;
                axum::serve(listener, app).await.map_err(failed)
            }
            None => axum::serve(listener, app).await.map_err(failed),
        }
    })
}
