//! Pages a browser asks an adapter for with a `GET` — Slack's install link and its OAuth
//! redirect — as plain values, so the local edge and the Lambda front door serve them alike.

use crate::adapter::Headers;

/// A browser's `GET` of one of an adapter's pages. Its `Debug` names the query's parameters and
/// the headers, never their values (an OAuth code, a state).
#[derive(Clone, Default)]
pub struct PageRequest {
    /// The route, e.g. `/slack/install`.
    pub route: String,
    /// The query's parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The request's headers (`Cookie` among them).
    pub headers: Headers,
    /// The request id the edge gave it, for the log.
    pub request_id: String,
}

impl PageRequest {
    /// A request for `route` with the query string `query` (without the `?`), decoded.
    pub fn new(route: impl Into<String>, query: &str) -> Self {
        Self {
            route: route.into(),
            query: form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
            ..Self::default()
        }
    }

    /// The first value of the query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The value of the cookie `name`, from the `Cookie` headers.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .get_all("cookie")
            .flat_map(|header| header.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.trim_matches('"'))
    }
}

impl std::fmt::Debug for PageRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.query.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("PageRequest")
            .field("route", &self.route)
            .field("query", &names)
            .field("headers", &self.headers)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// What a page answers: a status, its headers (`Set-Cookie` may repeat) and an HTML body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The HTTP status.
    pub status: u16,
    /// The headers, in order; a name may repeat.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Page {
    /// The answer to a route no adapter serves.
    pub fn not_found() -> Self {
        Self {
            status: 404,
            headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
            body: "not found\n".into(),
        }
    }

    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_cookies_are_read_as_browsers_send_them() {
        let mut request = PageRequest::new("/slack/oauth_redirect", "code=a%2Bb&state=s1&state=s2");
        assert_eq!(request.param("code"), Some("a+b"));
        assert_eq!(request.param("state"), Some("s1"));
        assert_eq!(request.param("error"), None);
        request
            .headers
            .append("Cookie", "theme=dark; ackbot-oauth-state=\"xyz\"");
        request.headers.append("cookie", "other=1");
        assert_eq!(request.cookie("ackbot-oauth-state"), Some("xyz"));
        assert_eq!(request.cookie("other"), Some("1"));
        assert_eq!(request.cookie("missing"), None);
        let shown = format!("{request:?}");
        assert!(
            shown.contains("code") && !shown.contains("a+b") && !shown.contains("xyz"),
            "{shown}"
        );
    }
}
