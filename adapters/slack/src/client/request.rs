//! One request to Slack — a `response_url` or a Web API method — and Slack's rules for judging
//! its answer, over the shared attempt of [`ackbot_core::http`]: `{"ok": false, "error": "…"}` is
//! a refusal (but `ratelimited`, which is retried like a 429), and a Web API answer must say
//! `ok`. No error carries the token or a `response_url`'s path.

use std::time::{Duration, Instant};

use ackbot_core::http::{self, DATA_RESPONSE_CAP, DELIVERY_RESPONSE_CAP, Response, Verdict};
use ackbot_core::retry::Failure;
use ackbot_core::{ExposeSecret, SecretString};
use reqwest::Url;
use serde_json::Value;

use crate::ReplyError;

/// The most characters of Slack's answer an error quotes.
const MAX_MESSAGE_CHARS: usize = 200;
const JSON: &str = "application/json; charset=utf-8";
// Slack warns `superfluous_charset` when a form body names a charset.
const FORM: &str = "application/x-www-form-urlencoded";

/// Where a request goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Endpoint<'a> {
    /// A slash command's or interaction's `response_url`.
    ResponseUrl,
    /// A Web API method, already checked by `is_method_name`.
    WebApi(&'a str),
}

impl Endpoint<'_> {
    pub(super) fn name(&self) -> &str {
        match self {
            Endpoint::ResponseUrl => "response_url",
            Endpoint::WebApi(method) => method,
        }
    }

    /// The most of an answer read: a `response_url` answers `ok`; a method may return data.
    fn cap(&self) -> usize {
        match self {
            Endpoint::ResponseUrl => DELIVERY_RESPONSE_CAP,
            Endpoint::WebApi(_) => DATA_RESPONSE_CAP,
        }
    }
}

/// A request's body.
pub(super) enum Body {
    /// JSON, which most write methods and every `response_url` take.
    Json(Value),
    /// Form fields, for the methods that do not accept JSON.
    Form(String),
}

impl Body {
    fn content_type(&self) -> &'static str {
        match self {
            Body::Json(_) => JSON,
            Body::Form(_) => FORM,
        }
    }

    pub(super) fn bytes(&self) -> Vec<u8> {
        match self {
            Body::Json(value) => serde_json::to_vec(value).expect("a JSON value always serialises"),
            Body::Form(text) => text.clone().into_bytes(),
        }
    }

    /// The `channel` (or `channel_id`) it names, for pacing and the log.
    pub(super) fn channel(&self) -> Option<String> {
        match self {
            Body::Json(value) => (value.get("channel").or_else(|| value.get("channel_id")))
                .and_then(Value::as_str)
                .map(str::to_string),
            Body::Form(text) => form_urlencoded::parse(text.as_bytes())
                .find(|(name, _)| name == "channel")
                .map(|(_, value)| value.into_owned()),
        }
    }

    /// The message text it carries, for the observers.
    fn text(&self) -> Option<String> {
        match self {
            Body::Json(value) => (value.get("text").and_then(Value::as_str)).map(str::to_string),
            Body::Form(_) => None,
        }
    }
}

/// One request, ready to be attempted as often as the retry policy allows.
pub(super) struct Request<'a> {
    pub(super) endpoint: Endpoint<'a>,
    pub(super) url: &'a str,
    pub(super) token: Option<&'a SecretString>,
    pub(super) body: Body,
}

impl Request<'_> {
    /// One attempt with `http`: Slack's answer as JSON (`Null` for a `response_url`'s plain
    /// `ok`), or why not; observed as a call when the Envelope being processed is.
    pub(super) async fn attempt(
        &self,
        http: &reqwest::Client,
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<Value, Failure<ReplyError>> {
        let mut request = (http.post(self.url))
            .header(reqwest::header::CONTENT_TYPE, self.body.content_type())
            .body(body);
        if let Some(token) = self.token {
            request = request.bearer_auth(token.expose_secret());
        }
        let started = Instant::now();
        let answer = http::attempt(request, self.endpoint.cap(), timeout).await;
        let judged = match &answer {
            Ok(answer) => self.judge(answer),
            Err(no_answer) => {
                let error = ReplyError::Network(self.redact(no_answer.reason.clone()));
                Err(match no_answer.malformed {
                    true => Failure::Permanent(error),
                    false => Failure::transient(error),
                })
            }
        };
        let outcome = match (&answer, &judged) {
            (Ok(answer), _) => Ok(answer.status.as_u16()),
            (Err(_), Err(failure)) => Err(failure.error().to_string()),
            (Err(no_answer), Ok(_)) => Err(no_answer.reason.clone()),
        };
        http::observe(
            started,
            || format!("{} {}", self.endpoint.name(), authority_of(self.url)),
            outcome,
            || self.body.text(),
        );
        judged
    }

    /// Slack's answer judged: its status first, then (in a 2xx) its `ok`.
    fn judge(&self, answer: &Response) -> Result<Value, Failure<ReplyError>> {
        let (status, retry_after) = (answer.status.as_u16(), answer.retry_after);
        if answer.body.truncated && self.endpoint != Endpoint::ResponseUrl {
            let cap = self.endpoint.cap();
            return Err(Failure::Permanent(ReplyError::Api {
                status,
                message: format!("the answer is larger than {cap} bytes: not read"),
            }));
        }
        let json: Option<Value> = serde_json::from_slice(&answer.body.bytes).ok();
        let slack_error = (json.as_ref().and_then(|v| v.get("error"))).and_then(Value::as_str);
        let message = || {
            let said = slack_error.map_or_else(|| answer.body.text(), str::to_string);
            http::shorten(&self.redact(said), MAX_MESSAGE_CHARS)
        };
        let refused = |message| ReplyError::Api { status, message };
        match answer.verdict() {
            Verdict::RateLimited => {
                let error = ReplyError::RateLimited { retry_after };
                return Err(Failure::Transient { error, retry_after });
            }
            // A 503 may say when to come back, as a 429 does.
            Verdict::ServerError => {
                let error = refused(message());
                return Err(Failure::Transient { error, retry_after });
            }
            Verdict::Refused => return Err(Failure::Permanent(refused(message()))),
            Verdict::Success => {}
        }
        match json
            .as_ref()
            .and_then(|v| v.get("ok"))
            .and_then(Value::as_bool)
        {
            Some(true) => {
                if let Some(warning) = json.as_ref().and_then(|v| v.get("warning")) {
                    tracing::debug!(endpoint = self.endpoint.name(), %warning, "Slack warned");
                }
                Ok(json.unwrap_or(Value::Null))
            }
            Some(false) if slack_error == Some("ratelimited") => Err(Failure::Transient {
                error: ReplyError::RateLimited { retry_after },
                retry_after,
            }),
            Some(false) => Err(Failure::Permanent(refused(message()))),
            // A response_url answers a plain `ok`; the Web API always answers JSON with `ok`.
            None if self.endpoint == Endpoint::ResponseUrl => Ok(json.unwrap_or(Value::Null)),
            None => Err(Failure::Permanent(refused(format!(
                "not a Slack API response: {}",
                message()
            )))),
        }
    }

    /// Removes the credentials this request carries from a message: the token, and the
    /// `response_url` (whose path is itself a credential).
    pub(super) fn redact(&self, message: String) -> String {
        let mut secrets: Vec<&str> = vec![self.url];
        if self.endpoint == Endpoint::ResponseUrl {
            let path = (self.url.find("://")).and_then(|i| {
                let rest = &self.url[i + 3..];
                rest.find('/').map(|j| &rest[j..])
            });
            secrets.extend(path);
        }
        if let Some(token) = self.token {
            secrets.push(token.expose_secret());
        }
        http::redact(message, &secrets)
    }
}

/// `host:port` of `url` (the port only when the URL names one), for an observed call's target:
/// never the path, which is a credential in a `response_url`.
fn authority_of(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            _ => "(invalid url)".to_string(),
        },
        Err(_) => "(invalid url)".to_string(),
    }
}

/// Only the host, for logs: a `response_url`'s path is a credential.
pub(crate) fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "(invalid url)".to_string())
}
