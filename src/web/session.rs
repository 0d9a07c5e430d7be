//! Logging in and out, and who is asking: sessions in HttpOnly,
//! SameSite=Strict cookies (Secure when the desk serves TLS), stored in the
//! archive by the SHA-256 of their token; a CSRF token per session, checked
//! on every POST; passwords checked with argon2; failed logins limited per
//! client address.

use std::sync::Arc;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use super::desk::Desk;
use super::error::WebError;
use crate::web::store::{Account, Session};

pub(crate) const SESSION_COOKIE: &str = "jucai_session";
/// The login form's own CSRF token, before there is a session.
const LOGIN_COOKIE: &str = "jucai_login";
const SESSION_SECONDS: i64 = 8 * 3600;

/// Hash a password for storing (argon2id, random salt).
pub(crate) fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash no password matches, checked for unknown names so that a wrong
/// name takes as long as a wrong password.
fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("jucai decoy").unwrap_or_default())
}

/// 32 random bytes, hex.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A cookie's value from the request.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(desk: &Desk, name: &str, value: &str, max_age: i64) -> String {
    let secure = if desk.tls { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// Who is asking: a logged-in account and its session's CSRF token.
pub(crate) struct Viewer {
    pub account: Account,
    pub csrf: String,
    token_hash: String,
}

impl Viewer {
    /// Refuse a form that does not carry this session's token.
    pub(crate) fn check(&self, csrf: &str) -> Result<(), WebError> {
        if !csrf.is_empty() && constant_time_eq(csrf.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }

    /// What every page's layout shows of the viewer.
    pub(crate) fn page(&self) -> serde_json::Value {
        json!({ "name": self.account.name, "role": self.account.role, "csrf": self.csrf })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<Arc<Desk>> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, desk: &Arc<Desk>) -> Result<Viewer, Response> {
        let login = || Redirect::to("/login").into_response();
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(login)?;
        let token_hash = crate::hash::sha256_hex(token.as_bytes());
        let accounts = desk.accounts().map_err(IntoResponse::into_response)?;
        let session = accounts
            .session(&token_hash, now())
            .map_err(|e| WebError::from(e).into_response())?
            .ok_or_else(login)?;
        let account = accounts
            .get(&session.user)
            .map_err(|e| WebError::from(e).into_response())?
            .ok_or_else(login)?;
        Ok(Viewer {
            account,
            csrf: session.csrf,
            token_hash,
        })
    }
}

pub(crate) async fn login_page(State(desk): State<Arc<Desk>>) -> Result<Response, WebError> {
    login_form(&desk, None)
}

fn login_form(desk: &Desk, error: Option<&str>) -> Result<Response, WebError> {
    let token = random_token();
    let html = desk
        .views
        .render("login.html", &json!({ "csrf": token, "error": error }))?;
    let cookie = set_cookie(desk, LOGIN_COOKIE, &token, 3600);
    Ok(([(SET_COOKIE, cookie)], Html(html)).into_response())
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn login(
    State(desk): State<Arc<Desk>>,
    ConnectInfo(super::tls::ClientAddr(addr)): ConnectInfo<super::tls::ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return Err(WebError::Csrf);
    }
    let name = form.username.trim().to_string();
    let client = client_address(&desk, addr.ip(), &headers);
    let keys = [format!("ip:{client}"), format!("user:{name}")];
    desk.limiter
        .attempt(&keys)
        .map_err(WebError::TooManyAttempts)?;
    let account = desk.accounts()?.get(&name)?;
    let password = form.password;
    let ok = {
        let stored = account
            .as_ref()
            .map_or_else(|| decoy().to_string(), |a| a.password_hash.clone());
        tokio::task::spawn_blocking(move || verify(&password, &stored)).await?
    };
    let Some(account) = account.filter(|_| ok) else {
        return login_form(&desk, Some("wrong"));
    };
    desk.limiter.succeeded(&keys);
    let token = random_token();
    let session = Session {
        user: account.name.clone(),
        csrf: random_token(),
        expires: now() + SESSION_SECONDS,
    };
    desk.accounts()?
        .start_session(&crate::hash::sha256_hex(token.as_bytes()), &session, now())?;
    // Two cookies under one header name: appended, not replaced.
    let cookies = AppendHeaders([
        (
            SET_COOKIE,
            set_cookie(&desk, SESSION_COOKIE, &token, SESSION_SECONDS),
        ),
        (SET_COOKIE, set_cookie(&desk, LOGIN_COOKIE, "", 0)),
    ]);
    Ok((cookies, Redirect::to("/")).into_response())
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

pub(crate) async fn logout(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    viewer.check(&form.csrf)?;
    desk.accounts()?.end_session(&viewer.token_hash)?;
    let cookie = set_cookie(&desk, SESSION_COOKIE, "", 0);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

/// Who is logging in, as far as the desk can tell: behind the reverse proxy
/// (`--behind-https`) every request comes from the proxy, so the client is
/// the last address the proxy put in `X-Forwarded-For`; otherwise the
/// connection's own address.
fn client_address(desk: &Desk, peer: std::net::IpAddr, headers: &HeaderMap) -> std::net::IpAddr {
    if !desk.behind_proxy {
        return peer;
    }
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(peer)
}

/// `/users/<name>/unlock`: the centre clears an account's failed logins.
pub(crate) async fn unlock(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    axum::extract::Path(name): axum::extract::Path<String>,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    viewer.check(&form.csrf)?;
    if !super::access::is_centre(&viewer.account) {
        return Err(WebError::Forbidden);
    }
    desk.limiter.clear(&format!("user:{name}"));
    Ok(Redirect::to("/").into_response())
}

/// A form that carries only the session's token.
#[derive(Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    csrf: String,
}
