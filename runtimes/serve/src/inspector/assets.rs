//! The page's files, compiled into the binary (nothing is fetched at run time), and the security
//! headers of every inspector answer.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("assets/index.html");
const LOGIN: &str = include_str!("assets/login.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");
const ICON: &str = include_str!("assets/favicon.svg");

/// Scripts and styles from the inspector's own files only: no inline script, no other origin,
/// no frames; the event stream and the API on the same origin.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// The page's size in bytes: HTML, script and style.
#[cfg(test)]
pub(crate) fn page_bytes() -> usize {
    PAGE.len() + SCRIPT.len() + STYLE.len()
}

fn file(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The page.
pub(crate) fn page() -> Response {
    file("text/html; charset=utf-8", PAGE)
}

/// The login form, with one of the inspector's own sentences (never a request's text).
pub(crate) fn login(status: StatusCode, message: Option<&'static str>) -> Response {
    let body = LOGIN.replace("<!--message-->", message.unwrap_or_default());
    let content_type = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    (status, content_type, body).into_response()
}

/// The script.
pub(crate) fn script() -> Response {
    file("text/javascript; charset=utf-8", SCRIPT)
}

/// The style sheet.
pub(crate) fn style() -> Response {
    file("text/css; charset=utf-8", STYLE)
}

/// The icon.
pub(crate) fn icon() -> Response {
    file("image/svg+xml", ICON)
}

/// Adds the security headers to an inspector answer.
pub(crate) async fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
