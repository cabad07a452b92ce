//! Where Slack replies go: a slash command's or interaction's `response_url`, and the Web API
//! (`chat.postMessage`, `views.open`, … or any method by name); bounded retries on 5xx, 429,
//! `ratelimited` and network failures, and no credential in any error or log line.

use std::time::{Duration, Instant, SystemTime};

use ackbot_core::http::{read_capped, DATA_ANSWER_CAP, DELIVERY_ANSWER_CAP};
use ackbot_core::retry::{parse_retry_after, retry, Failure, GaveUp, RetryPolicy};
use ackbot_core::{is_blank, Call, ExposeSecret, Reply, SecretString, Visibility};
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::{Map, Value};

use crate::response_url::ResponseUrls;
use crate::{ConfigError, ReplyError, SlackConfig};

const MAX_MESSAGE_CHARS: usize = 200;
const MAX_METHOD_CHARS: usize = 100;
const JSON: &str = "application/json; charset=utf-8";
// Slack warns `superfluous_charset` when a form body names a charset.
const FORM: &str = "application/x-www-form-urlencoded";

/// A client for Slack's `response_url`s and Web API, sharing one connection pool, the bot token
/// and the retry policy. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SlackClient {
    http: reqwest::Client,
    api_url: String,
    bot_token: Option<SecretString>,
    retry: RetryPolicy,
    timeout: Duration,
    response_urls: ResponseUrls,
}

impl SlackClient {
    /// A client for `config`'s API URL, bot token, retry policy and request timeout, with one
    /// shared connection pool.
    pub fn new(config: &SlackConfig) -> Result<Self, ConfigError> {
        let api_url = config.api_url.trim().trim_end_matches('/').to_string();
        Url::parse(&api_url).map_err(|_| ConfigError::BadApiUrl(config.api_url.clone()))?;
        let http = ackbot_core::http::client_builder(config.http_timeout)
            .build()
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        let bot_token = config.bot_token.clone().filter(|t| !is_blank(t));
        if config.bot_token.is_some() && bot_token.is_none() {
            tracing::warn!("SLACK_BOT_TOKEN is set but blank: treating it as not set");
        }
        Ok(Self {
            http,
            response_urls: ResponseUrls::new(&api_url, config.loopback_response_urls),
            api_url,
            bot_token,
            retry: config.retry.clone(),
            timeout: config.http_timeout,
        })
    }

    /// Posts `reply` to a slash command's or interaction's `response_url`: one of Slack's
    /// (`https://hooks.slack.com/…`) or on the host of the configured API; any other is refused
    /// with [`ReplyError::InvalidCall`] and nothing is sent.
    pub async fn respond(&self, response_url: &str, reply: &Reply) -> Result<(), ReplyError> {
        self.response_urls.check(response_url)?;
        let mut body = message(reply);
        let response_type = match reply.visibility {
            Visibility::Ephemeral => "ephemeral",
            Visibility::InChannel => "in_channel",
        };
        body.insert("response_type".into(), response_type.into());
        let request = Request {
            endpoint: Endpoint::ResponseUrl,
            url: response_url,
            token: None,
            body: Body::Json(Value::Object(body)),
        };
        self.send(request).await.map(drop)
    }

    /// Posts `reply` to `channel` with `chat.postMessage`, in the thread `thread_ts` if given.
    ///
    /// The same as [`chat_post_message`](Self::chat_post_message) without the response.
    pub async fn post_message(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        reply: &Reply,
    ) -> Result<(), ReplyError> {
        self.chat_post_message(channel, thread_ts, reply)
            .await
            .map(drop)
    }

    /// Calls the Web API method `method` (e.g. `chat.postMessage`) with `body` as JSON, and
    /// returns Slack's whole response when it says `"ok": true`.
    ///
    /// Slack takes JSON bodies for most write methods; read methods such as `users.info` or
    /// `conversations.history` "do not currently accept application/json": use
    /// [`call_form`](Self::call_form) for those. `body` must be a JSON object. The bot token goes
    /// in the `Authorization` header, never in the body.
    ///
    /// `{"ok": false, "error": "…"}` becomes [`ReplyError::Api`] with Slack's error word as
    /// `message` (not retried), except `ratelimited`, which is retried like HTTP 429. A method
    /// name that is not `family.method` words (letters, digits, underscores) is refused without
    /// a request, as `ReplyError::InvalidCall`.
    pub async fn call(&self, method: &str, body: &Value) -> Result<Value, ReplyError> {
        if !body.is_object() {
            return Err(refused(format!(
                "the arguments of Web API method {} must be a JSON object",
                self.redact_method(method)
            )));
        }
        self.web_api(method, Body::Json(body.clone())).await
    }

    /// Calls the Web API method `method` with `fields` form-encoded
    /// (`application/x-www-form-urlencoded`), for the methods that do not accept JSON, such as
    /// `users.info` and `conversations.*`; otherwise the same as [`call`](Self::call).
    pub async fn call_form(
        &self,
        method: &str,
        fields: &[(&str, &str)],
    ) -> Result<Value, ReplyError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.web_api(method, Body::Form(body)).await
    }

    async fn web_api(&self, method: &str, body: Body) -> Result<Value, ReplyError> {
        if !is_method_name(method) {
            return Err(refused(format!(
                "{} is not a Slack Web API method name (expected e.g. chat.postMessage)",
                self.redact_method(method)
            )));
        }
        let token = self.bot_token.as_ref().ok_or(ReplyError::MissingToken)?;
        let url = format!("{}/{method}", self.api_url);
        let request = Request {
            endpoint: Endpoint::WebApi(method),
            url: &url,
            token: Some(token),
            body,
        };
        self.send(request).await
    }

    /// A rejected method name for an error message: without the token, shortened, quoted and
    /// escaped.
    fn redact_method(&self, method: &str) -> String {
        let mut shown = method.to_string();
        if let Some(token) = &self.bot_token {
            shown = shown.replace(token.expose_secret(), "[redacted]");
        }
        let shown: String = shown.chars().take(MAX_METHOD_CHARS).collect();
        format!("{shown:?}")
    }

    async fn send(&self, request: Request<'_>) -> Result<Value, ReplyError> {
        let body = request.body.bytes();
        let content_type = request.body.content_type();
        let host = host_of(request.url);
        let endpoint = request.endpoint.name();
        let result = retry(&self.retry, |attempt| {
            let mut builder = self
                .http
                .post(request.url)
                .header(CONTENT_TYPE, content_type)
                .body(body.clone());
            if let Some(token) = request.token {
                builder = builder.bearer_auth(token.expose_secret());
            }
            let host = host.as_str();
            let request = &request;
            async move {
                let outcome = request.attempt(builder, self.timeout).await;
                if let Err(failure) = &outcome {
                    let error = failure.error();
                    tracing::warn!(endpoint, host, attempt, error = %error, "Slack call attempt failed");
                }
                outcome
            }
        })
        .await;
        result.map_err(
            |GaveUp {
                 error,
                 attempts,
                 exhausted,
             }| {
                if exhausted {
                    ReplyError::GaveUp {
                        attempts,
                        last: Box::new(error),
                    }
                } else {
                    error
                }
            },
        )
    }
}

// Slack's Web API methods, named in Slack's words; each is a thin wrapper over `call`.
impl SlackClient {
    /// `chat.postMessage`: sends `reply` (its `text` and `blocks`) to `channel`, in the thread
    /// `thread_ts` if given. The response carries the message's `ts` and `channel`.
    pub async fn chat_post_message(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        reply: &Reply,
    ) -> Result<Value, ReplyError> {
        let mut body = Map::new();
        body.insert("channel".into(), channel.into());
        body.extend(message(reply));
        if let Some(thread_ts) = thread_ts {
            body.insert("thread_ts".into(), thread_ts.into());
        }
        self.call("chat.postMessage", &Value::Object(body)).await
    }

    /// `chat.postEphemeral`: sends `reply` to `user` only, in `channel` (and the thread
    /// `thread_ts` if given). The response carries the `message_ts`.
    pub async fn chat_post_ephemeral(
        &self,
        channel: &str,
        user: &str,
        thread_ts: Option<&str>,
        reply: &Reply,
    ) -> Result<Value, ReplyError> {
        let mut body = Map::new();
        body.insert("channel".into(), channel.into());
        body.insert("user".into(), user.into());
        body.extend(message(reply));
        if let Some(thread_ts) = thread_ts {
            body.insert("thread_ts".into(), thread_ts.into());
        }
        self.call("chat.postEphemeral", &Value::Object(body)).await
    }

    /// `chat.update`: replaces the message `ts` in `channel` (a channel ID) with `reply`.
    ///
    /// A reply without blocks sends `"blocks": []`, which Slack documents as the way to remove
    /// the message's previous blocks, so the message shows the new text.
    pub async fn chat_update(
        &self,
        channel: &str,
        ts: &str,
        reply: &Reply,
    ) -> Result<Value, ReplyError> {
        let mut body = Map::new();
        body.insert("channel".into(), channel.into());
        body.insert("ts".into(), ts.into());
        body.extend(message(reply));
        body.entry("blocks")
            .or_insert_with(|| Value::Array(Vec::new()));
        self.call("chat.update", &Value::Object(body)).await
    }

    /// `views.open`: opens the modal `view` with a `trigger_id` (valid for 3 s, once). The
    /// response carries the `view` with its `id` and `hash`.
    pub async fn views_open(&self, trigger_id: &str, view: &Value) -> Result<Value, ReplyError> {
        let body = serde_json::json!({"trigger_id": trigger_id, "view": view});
        self.call("views.open", &body).await
    }

    /// `views.update`: replaces the open view `view_id` with `view`; with `hash` (from the
    /// last response or payload), Slack refuses with `hash_conflict` if the view changed since.
    pub async fn views_update(
        &self,
        view_id: &str,
        hash: Option<&str>,
        view: &Value,
    ) -> Result<Value, ReplyError> {
        let mut body = serde_json::json!({"view_id": view_id, "view": view});
        if let Some(hash) = hash {
            body["hash"] = hash.into();
        }
        self.call("views.update", &body).await
    }

    /// `views.push`: pushes `view` onto the stack of an open modal, with a `trigger_id` from an
    /// interaction in it. The response carries the new `view`.
    pub async fn views_push(&self, trigger_id: &str, view: &Value) -> Result<Value, ReplyError> {
        let body = serde_json::json!({"trigger_id": trigger_id, "view": view});
        self.call("views.push", &body).await
    }

    /// `reactions.add`: adds the reaction (emoji) `name` to the message `timestamp` in `channel`.
    /// `name` is without colons (`thumbsup`); surrounding colons (`:thumbsup:`) are removed.
    pub async fn reactions_add(
        &self,
        channel: &str,
        timestamp: &str,
        name: &str,
    ) -> Result<(), ReplyError> {
        let body = serde_json::json!({
            "channel": channel,
            "timestamp": timestamp,
            "name": name.trim().trim_matches(':'),
        });
        self.call("reactions.add", &body).await.map(drop)
    }

    /// `users.info`: the `user` object (`id`, `name`, `real_name`, `profile`, …) of `user`.
    /// Sent form-encoded: Slack's `users.info` does not accept JSON bodies.
    pub async fn users_info(&self, user: &str) -> Result<Value, ReplyError> {
        let mut response = self.call_form("users.info", &[("user", user)]).await?;
        match response.get_mut("user").map(Value::take) {
            Some(user @ Value::Object(_)) => Ok(user),
            _ => Err(ReplyError::Api {
                status: 200,
                message: "not a Slack API response: users.info answered without a `user`".into(),
            }),
        }
    }
}

/// A message's content as Slack takes it: `text`, and `blocks` when the reply has them.
fn message(reply: &Reply) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("text".into(), reply.text.clone().into());
    if let Some(blocks) = &reply.slack_blocks {
        body.insert("blocks".into(), blocks.clone());
    }
    body
}

/// Whether `method` looks like a Web API method name (`chat.postMessage`, `oauth.v2.access`):
/// dot-separated words of ASCII letters, digits and underscores, so it cannot change the path
/// or add a query to the URL it is appended to.
fn is_method_name(method: &str) -> bool {
    method.len() <= MAX_METHOD_CHARS
        && method.split('.').count() >= 2
        && method.split('.').all(|word| {
            !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// A call refused before any request.
fn refused(message: String) -> ReplyError {
    ReplyError::InvalidCall(message)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint<'a> {
    ResponseUrl,
    /// A Web API method, already checked by `is_method_name`.
    WebApi(&'a str),
}

impl Endpoint<'_> {
    fn name(&self) -> &str {
        match self {
            Endpoint::ResponseUrl => "response_url",
            Endpoint::WebApi(method) => method,
        }
    }
}

enum Body {
    Json(Value),
    Form(String),
}

impl Body {
    fn content_type(&self) -> &'static str {
        match self {
            Body::Json(_) => JSON,
            Body::Form(_) => FORM,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        match self {
            Body::Json(value) => serde_json::to_vec(value).expect("a JSON value always serialises"),
            Body::Form(text) => text.clone().into_bytes(),
        }
    }
}

struct Request<'a> {
    endpoint: Endpoint<'a>,
    url: &'a str,
    token: Option<&'a SecretString>,
    body: Body,
}

impl Request<'_> {
    /// One attempt: Slack's answer as JSON (`Null` for a `response_url`'s plain `ok`), or why
    /// not; observed as a [`Call`] when the Envelope being processed is.
    async fn attempt(
        &self,
        builder: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<Value, Failure<ReplyError>> {
        let started = Instant::now();
        let mut status = None;
        let outcome = self.exchange(builder, timeout, &mut status).await;
        ackbot_core::observe_call(|| Call {
            target: format!("{} {}", self.endpoint.name(), authority_of(self.url)),
            status,
            error: outcome.as_ref().err().map(|f| f.error().to_string()),
            took: started.elapsed(),
            text: match &self.body {
                Body::Json(value) => value
                    .get("text")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                Body::Form(_) => None,
            },
        });
        outcome
    }

    /// Sends the request and judges Slack's answer; `status` is set when a response came back.
    async fn exchange(
        &self,
        builder: reqwest::RequestBuilder,
        timeout: Duration,
        seen: &mut Option<u16>,
    ) -> Result<Value, Failure<ReplyError>> {
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => {
                let fatal = e.is_builder();
                let error = ReplyError::Network(self.redact(describe(e, timeout)));
                return Err(if fatal {
                    Failure::Permanent(error)
                } else {
                    Failure::transient(error)
                });
            }
        };
        let status = response.status();
        *seen = Some(status.as_u16());
        let retry_after = retry_after(response.headers());
        let cap = match self.endpoint {
            Endpoint::ResponseUrl => DELIVERY_ANSWER_CAP,
            Endpoint::WebApi(_) => DATA_ANSWER_CAP,
        };
        let body = match read_capped(response, cap).await {
            Ok(body) => body,
            Err(e) => {
                let error = ReplyError::Network(self.redact(describe(e, timeout)));
                return Err(Failure::transient(error));
            }
        };
        if body.truncated && self.endpoint != Endpoint::ResponseUrl {
            return Err(Failure::Permanent(ReplyError::Api {
                status: status.as_u16(),
                message: format!("the answer is larger than {cap} bytes: not read"),
            }));
        }
        let text = body.text();
        let json: Option<Value> = serde_json::from_slice(&body.bytes).ok();
        let slack_error = json
            .as_ref()
            .and_then(|v| v.get("error"))
            .and_then(Value::as_str);
        // Redacted before it is shortened: a cut through the token would leave its start.
        let message =
            || shorten(&self.redact(slack_error.map_or_else(|| text.clone(), str::to_string)));
        if status == StatusCode::TOO_MANY_REQUESTS {
            let error = ReplyError::RateLimited { retry_after };
            return Err(Failure::Transient { error, retry_after });
        }
        if !status.is_success() {
            let error = ReplyError::Api {
                status: status.as_u16(),
                message: message(),
            };
            return Err(if status.is_server_error() {
                // A 503 may say when to come back, as a 429 does.
                Failure::Transient { error, retry_after }
            } else {
                Failure::Permanent(error)
            });
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
            Some(false) => Err(Failure::Permanent(ReplyError::Api {
                status: status.as_u16(),
                message: message(),
            })),
            // A response_url answers a plain `ok`; the Web API always answers JSON with `ok`.
            None if self.endpoint == Endpoint::ResponseUrl => Ok(json.unwrap_or(Value::Null)),
            None => Err(Failure::Permanent(ReplyError::Api {
                status: status.as_u16(),
                message: format!("not a Slack API response: {}", message()),
            })),
        }
    }

    /// Removes the credentials this request carries from a message: the token, and the
    /// `response_url` (whose path is itself a credential).
    fn redact(&self, message: String) -> String {
        let mut secrets: Vec<&str> = vec![self.url];
        if self.endpoint == Endpoint::ResponseUrl {
            if let Some(path) = self.url.find("://").and_then(|i| {
                let rest = &self.url[i + 3..];
                rest.find('/').map(|j| &rest[j..])
            }) {
                secrets.push(path);
            }
        }
        if let Some(token) = self.token {
            secrets.push(token.expose_secret());
        }
        secrets
            .into_iter()
            .filter(|s| s.len() > 1)
            .fold(message, |m, s| m.replace(s, "[redacted]"))
    }
}

/// The error and its causes, without the URL reqwest would print; a timeout says how long it
/// waited.
fn describe(error: reqwest::Error, timeout: Duration) -> String {
    let timed_out = error.is_timeout();
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if timed_out {
        text = format!("timed out after {} ms ({text})", timeout.as_millis());
    }
    text
}

/// The `Retry-After` header, in seconds or as an HTTP-date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

fn shorten(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return "(empty response)".to_string();
    }
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_are_slack_words_only() {
        for good in [
            "chat.postMessage",
            "views.open",
            "oauth.v2.access",
            "admin.apps.approved.list",
            "apps.connections.open",
        ] {
            assert!(is_method_name(good), "{good}");
        }
        for bad in [
            "",
            "chat",
            ".",
            "..",
            "../admin",
            "chat..postMessage",
            ".chat.postMessage",
            "chat.postMessage.",
            "chat.postMessage?token=x",
            "chat.postMessage#x",
            "chat/postMessage",
            "chat.post Message",
            "chat.postMessage%2F",
            "chat.pöstMessage",
        ] {
            assert!(!is_method_name(bad), "{bad}");
        }
        assert!(!is_method_name(&format!(
            "a.{}",
            "b".repeat(MAX_METHOD_CHARS)
        )));
    }
}
