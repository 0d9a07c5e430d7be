//! Why a page could not be served, as the answer the browser gets: a
//! status code and a short Chinese page. The detail goes to the server's
//! log line, never a password or a cookie.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub(crate) enum WebError {
    #[error("没有权限查看")]
    Forbidden,
    #[error("找不到这个页面")]
    NotFound,
    #[error("表单已过期，请返回刷新后重试")]
    Csrf,
    #[error("上传的内容超过大小上限 {0} MB")]
    TooLarge(u64),
    #[error("登录失败次数过多，请 {0} 秒后再试")]
    TooManyAttempts(u64),
    #[error("请求有误：{0}")]
    BadRequest(String),
    /// The detail goes to the server's standard error, not to the page.
    #[error("服务器出错，请稍后再试；如果一直这样，请联系中心")]
    Internal(String),
}

impl From<crate::error::Error> for WebError {
    fn from(e: crate::error::Error) -> WebError {
        WebError::Internal(e.to_string())
    }
}

impl From<crate::wording::WordingError> for WebError {
    fn from(e: crate::wording::WordingError) -> WebError {
        WebError::Internal(e.to_string())
    }
}

impl From<tera::Error> for WebError {
    fn from(e: tera::Error) -> WebError {
        WebError::Internal(format!("{e:?}"))
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(e: tokio::task::JoinError) -> WebError {
        WebError::Internal(e.to_string())
    }
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self {
            super::journal::journal(super::journal::Level::Error, &format!("internal {detail}"));
        }
        let status = self.status();
        let text = escape(&self.to_string());
        let page = format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <title>{text}</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>\
             <body><main class=\"oops\"><h1>{}</h1><p>{text}</p><p><a href=\"/\">返回工作台</a></p>\
             </main></body></html>",
            status.as_u16()
        );
        (status, Html(page)).into_response()
    }
}

/// Text escaped for HTML (the error page is not rendered through a template).
pub(super) fn escape(text: &str) -> String {
    let mut buf = Vec::new();
    // Writing into memory cannot fail.
    let _ = tera::escape_html(text, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}
