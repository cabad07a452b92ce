//! Sending replies: to the `response_url` of a slash command or interaction when there is one,
//! else with `chat.postMessage`; bounded retries on 5xx, 429 and network failures.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bot_core::retry::{retry, Attempt, GaveUp, RetryPolicy};
use bot_core::{Delivery, DeliveryError, Reply, Secret, Visibility};
use futures::future::BoxFuture;
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::{json, Map, Value};

use crate::{ConfigError, ReplyError, SlackConfig};

/// How many times one `response_url` may be used.
pub const RESPONSE_URL_MAX_USES: usize = 5;

const TIMEOUT: Duration = Duration::from_secs(10);
const MAX_MESSAGE_CHARS: usize = 200;

/// A client for the two places Slack replies go: `response_url`s and `chat.postMessage`.
#[derive(Clone, Debug)]
pub struct SlackClient {
    http: reqwest::Client,
    api_url: String,
    bot_token: Option<Secret>,
    retry: RetryPolicy,
}

impl SlackClient {
    /// A client for `config`'s API URL, bot token and retry policy, with one shared connection pool.
    pub fn new(config: &SlackConfig) -> Result<Self, ConfigError> {
        let api_url = config.api_url.trim().trim_end_matches('/').to_string();
        Url::parse(&api_url).map_err(|_| ConfigError::BadApiUrl(config.api_url.clone()))?;
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!("ackbot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        let bot_token = config.bot_token.clone().filter(|t| !t.is_blank());
        if config.bot_token.is_some() && bot_token.is_none() {
            tracing::warn!("SLACK_BOT_TOKEN is set but blank: treating it as not set");
        }
        Ok(Self {
            http,
            api_url,
            bot_token,
            retry: config.retry.clone(),
        })
    }

    /// Posts `reply` to a slash command's or interaction's `response_url`.
    pub async fn respond(&self, response_url: &str, reply: &Reply) -> Result<(), ReplyError> {
        let mut body = Map::new();
        let response_type = match reply.visibility {
            Visibility::Ephemeral => "ephemeral",
            Visibility::InChannel => "in_channel",
        };
        body.insert("response_type".into(), response_type.into());
        body.insert("text".into(), reply.text.clone().into());
        if let Some(blocks) = &reply.slack_blocks {
            body.insert("blocks".into(), blocks.clone());
        }
        let request = Request {
            endpoint: Endpoint::ResponseUrl,
            url: response_url,
            token: None,
            body: Value::Object(body),
        };
        self.send(request).await
    }

    /// Posts `reply` to `channel` with `chat.postMessage`, in the thread `thread_ts` if given.
    pub async fn post_message(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        reply: &Reply,
    ) -> Result<(), ReplyError> {
        let token = self.bot_token.as_ref().ok_or(ReplyError::MissingToken)?;
        let mut body = Map::new();
        body.insert("channel".into(), channel.into());
        body.insert("text".into(), reply.text.clone().into());
        if let Some(blocks) = &reply.slack_blocks {
            body.insert("blocks".into(), blocks.clone());
        }
        if let Some(thread_ts) = thread_ts {
            body.insert("thread_ts".into(), thread_ts.into());
        }
        let url = format!("{}/chat.postMessage", self.api_url);
        let request = Request {
            endpoint: Endpoint::PostMessage,
            url: &url,
            token: Some(token),
            body: Value::Object(body),
        };
        self.send(request).await
    }

    async fn send(&self, request: Request<'_>) -> Result<(), ReplyError> {
        let body = serde_json::to_vec(&request.body).expect("a JSON value always serialises");
        let host = host_of(request.url);
        let endpoint = request.endpoint.name();
        let result = retry(&self.retry, |attempt| {
            let mut builder = self
                .http
                .post(request.url)
                .header(CONTENT_TYPE, "application/json; charset=utf-8")
                .body(body.clone());
            if let Some(token) = request.token {
                builder = builder.bearer_auth(token.expose());
            }
            let host = host.as_str();
            let request = &request;
            async move {
                let outcome = request.attempt(builder).await;
                if let Attempt::Retry { error, .. } | Attempt::Fail(error) = &outcome {
                    tracing::warn!(endpoint, host, attempt, error = %error, "Slack reply attempt failed");
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    ResponseUrl,
    PostMessage,
}

impl Endpoint {
    fn name(self) -> &'static str {
        match self {
            Endpoint::ResponseUrl => "response_url",
            Endpoint::PostMessage => "chat.postMessage",
        }
    }
}

struct Request<'a> {
    endpoint: Endpoint,
    url: &'a str,
    token: Option<&'a Secret>,
    body: Value,
}

impl Request<'_> {
    async fn attempt(&self, builder: reqwest::RequestBuilder) -> Attempt<(), ReplyError> {
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => {
                let fatal = e.is_builder();
                let error = ReplyError::Network(self.redact(describe(e)));
                return if fatal {
                    Attempt::Fail(error)
                } else {
                    Attempt::Retry { error, after: None }
                };
            }
        };
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) => {
                let error = ReplyError::Network(self.redact(describe(e)));
                return Attempt::Retry { error, after: None };
            }
        };
        let text = String::from_utf8_lossy(&body);
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        let slack_error = json
            .as_ref()
            .and_then(|v| v.get("error"))
            .and_then(Value::as_str);
        let message = || self.redact(slack_error.map_or_else(|| shorten(&text), str::to_string));
        if status == StatusCode::TOO_MANY_REQUESTS {
            let error = ReplyError::RateLimited { retry_after };
            return Attempt::Retry {
                error,
                after: retry_after,
            };
        }
        if !status.is_success() {
            let error = ReplyError::Api {
                status: status.as_u16(),
                message: message(),
            };
            return if status.is_server_error() {
                Attempt::Retry { error, after: None }
            } else {
                Attempt::Fail(error)
            };
        }
        match json
            .as_ref()
            .and_then(|v| v.get("ok"))
            .and_then(Value::as_bool)
        {
            Some(true) => Attempt::Done(()),
            Some(false) if slack_error == Some("ratelimited") => Attempt::Retry {
                error: ReplyError::RateLimited { retry_after },
                after: retry_after,
            },
            Some(false) => Attempt::Fail(ReplyError::Api {
                status: status.as_u16(),
                message: message(),
            }),
            // A response_url answers a plain `ok`; the Web API always answers JSON with `ok`.
            None if self.endpoint == Endpoint::ResponseUrl => Attempt::Done(()),
            None => Attempt::Fail(ReplyError::Api {
                status: status.as_u16(),
                message: format!("not a Slack API response: {}", message()),
            }),
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
            secrets.push(token.expose());
        }
        secrets
            .into_iter()
            .filter(|s| s.len() > 1)
            .fold(message, |m, s| m.replace(s, "[redacted]"))
    }
}

/// The error and its causes, without the URL reqwest would print.
fn describe(error: reqwest::Error) -> String {
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
        text = format!("timed out after {} s ({text})", TIMEOUT.as_secs());
    }
    text
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
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

/// Only the host, for logs: a `response_url`'s path is a credential.
fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "(invalid url)".to_string())
}

/// Where a command's replies go.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum ReplyTarget {
    /// The `response_url` of a slash command or interaction.
    ResponseUrl(String),
    /// A channel, through `chat.postMessage`.
    Channel {
        channel: String,
        thread_ts: Option<String>,
    },
    /// Nowhere: the payload names no place to reply; the reason is logged.
    Nowhere(&'static str),
}

impl fmt::Debug for ReplyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyTarget::ResponseUrl(url) => write!(f, "ResponseUrl({})", host_of(url)),
            ReplyTarget::Channel { channel, thread_ts } => f
                .debug_struct("Channel")
                .field("channel", channel)
                .field("thread_ts", thread_ts)
                .finish(),
            ReplyTarget::Nowhere(reason) => write!(f, "Nowhere({reason})"),
        }
    }
}

impl ReplyTarget {
    /// `chat.postMessage` to `channel` when there is one, else nowhere.
    pub(crate) fn channel(channel: Option<&str>, thread_ts: Option<&str>) -> Self {
        match channel.filter(|c| !c.is_empty()) {
            Some(channel) => ReplyTarget::Channel {
                channel: channel.to_string(),
                thread_ts: thread_ts.filter(|t| !t.is_empty()).map(str::to_string),
            },
            None => ReplyTarget::Nowhere("the payload names no response_url and no channel"),
        }
    }

    /// The `response_url` when there is one, else `fallback`.
    pub(crate) fn response_url_or(response_url: Option<&str>, fallback: ReplyTarget) -> Self {
        match response_url.filter(|u| !u.is_empty()) {
            Some(url) => ReplyTarget::ResponseUrl(url.to_string()),
            None => fallback,
        }
    }
}

/// Sends one command's replies to its [`ReplyTarget`].
pub(crate) struct SlackDelivery {
    client: Arc<SlackClient>,
    target: ReplyTarget,
}

impl SlackDelivery {
    pub(crate) fn new(client: Arc<SlackClient>, target: ReplyTarget) -> Self {
        Self { client, target }
    }

    async fn send(&self, replies: Vec<Reply>) -> Result<(), ReplyError> {
        match &self.target {
            ReplyTarget::ResponseUrl(url) => {
                for reply in fit_response_url(replies) {
                    self.client.respond(url, &reply).await?;
                }
            }
            ReplyTarget::Channel { channel, thread_ts } => {
                for reply in replies {
                    self.client
                        .post_message(channel, thread_ts.as_deref(), &reply)
                        .await?;
                }
            }
            ReplyTarget::Nowhere(reason) => {
                tracing::info!(
                    replies = replies.len(),
                    reason,
                    "nowhere to send the replies"
                );
            }
        }
        Ok(())
    }
}

impl Delivery for SlackDelivery {
    fn deliver(
        &self,
        replies: Vec<Reply>,
        _now_ms: i64,
    ) -> BoxFuture<'_, Result<(), DeliveryError>> {
        Box::pin(async move {
            self.send(replies).await.map_err(|e| {
                if e.is_retryable() {
                    DeliveryError::retryable(e)
                } else {
                    DeliveryError::permanent(e)
                }
            })
        })
    }
}

/// At most [`RESPONSE_URL_MAX_USES`] replies: the fifth and any later ones become one.
fn fit_response_url(mut replies: Vec<Reply>) -> Vec<Reply> {
    if replies.len() > RESPONSE_URL_MAX_USES {
        let extras = replies.split_off(RESPONSE_URL_MAX_USES - 1);
        replies.push(merge(extras));
    }
    replies
}

fn merge(replies: Vec<Reply>) -> Reply {
    let text = replies
        .iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    // Private stays private: one ephemeral reply makes the merged one ephemeral.
    let visibility = if replies
        .iter()
        .all(|r| r.visibility == Visibility::InChannel)
    {
        Visibility::InChannel
    } else {
        Visibility::Ephemeral
    };
    // Slack shows blocks instead of text, so text-only replies become section blocks.
    let slack_blocks = replies.iter().any(|r| r.slack_blocks.is_some()).then(|| {
        let mut blocks = Vec::new();
        for reply in &replies {
            match &reply.slack_blocks {
                Some(Value::Array(items)) => blocks.extend(items.iter().cloned()),
                Some(other) => blocks.push(other.clone()),
                None if reply.text.is_empty() => {}
                None => blocks.push(json!({
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": reply.text},
                })),
            }
        }
        Value::Array(blocks)
    });
    Reply {
        text,
        visibility,
        slack_blocks,
        line_messages: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiremock::matchers::{body_json, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const TOKEN: &str = "xoxb-1234-very-secret-token";
    const HOOK_PATH: &str = "/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN";
    const HOOK_SECRET: &str = "96rGlfmibIGlgcZRskXaIFfN";

    fn client(server: &MockServer) -> SlackClient {
        let config = SlackConfig::new("signing")
            .with_bot_token(TOKEN)
            .with_api_url(format!("{}/api/", server.uri()))
            .with_retry(RetryPolicy::fixed(3, Duration::from_millis(5)));
        SlackClient::new(&config).unwrap()
    }

    fn hook(server: &MockServer) -> String {
        format!("{}{HOOK_PATH}", server.uri())
    }

    fn ok_json() -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
    }

    #[tokio::test]
    async fn response_url_gets_the_exact_json() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(HOOK_PATH))
            .and(header("content-type", "application/json; charset=utf-8"))
            .and(body_json(json!({
                "response_type": "ephemeral",
                "text": "こんにちは 👋 a+b 100%",
            })))
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .expect(1)
            .mount(&server)
            .await;
        let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*hi* 🎉"}}]);
        Mock::given(method("POST"))
            .and(path(HOOK_PATH))
            .and(body_json(json!({
                "response_type": "in_channel",
                "text": "hi",
                "blocks": blocks,
            })))
            .respond_with(ok_json())
            .expect(1)
            .mount(&server)
            .await;
        let c = client(&server);
        c.respond(&hook(&server), &Reply::text("こんにちは 👋 a+b 100%"))
            .await
            .unwrap();
        let reply = Reply::text("hi").in_channel().with_slack_blocks(blocks);
        c.respond(&hook(&server), &reply).await.unwrap();
        // UTF-8 on the wire, not \u escapes.
        let sent = server.received_requests().await.unwrap();
        assert!(String::from_utf8_lossy(&sent[0].body).contains("こんにちは 👋"));
        assert!(sent[0].headers.get("authorization").is_none());
    }

    #[tokio::test]
    async fn post_message_sends_bearer_token_and_exact_json() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/chat.postMessage"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header(
                "user-agent",
                concat!("ackbot/", env!("CARGO_PKG_VERSION")),
            ))
            .and(body_json(json!({
                "channel": "C123",
                "text": "絵文字 🍣",
                "thread_ts": "1700000000.000100",
            })))
            .respond_with(ok_json())
            .expect(1)
            .mount(&server)
            .await;
        client(&server)
            .post_message("C123", Some("1700000000.000100"), &Reply::text("絵文字 🍣"))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn server_errors_are_retried_until_success() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500))
            .up_to_n_times(2)
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ok_json())
            .expect(1)
            .mount(&server)
            .await;
        client(&server)
            .respond(&hook(&server), &Reply::text("x"))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn rate_limit_honours_retry_after() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ok_json())
            .expect(1)
            .mount(&server)
            .await;
        let started = std::time::Instant::now();
        client(&server)
            .post_message("C1", None, &Reply::text("x"))
            .await
            .unwrap();
        assert!(started.elapsed() >= Duration::from_secs(1));
    }

    #[tokio::test]
    async fn ratelimited_in_an_ok_false_body_is_retried() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"ok": false, "error": "ratelimited"})),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ok_json())
            .expect(1)
            .mount(&server)
            .await;
        client(&server)
            .post_message("C1", None, &Reply::text("x"))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn client_errors_are_not_retried() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_string("invalid_payload"))
            .expect(1)
            .mount(&server)
            .await;
        let error = client(&server)
            .respond(&hook(&server), &Reply::text("x"))
            .await
            .unwrap_err();
        assert_eq!(
            error,
            ReplyError::Api {
                status: 400,
                message: "invalid_payload".into()
            }
        );
    }

    #[tokio::test]
    async fn exhausted_retries_say_how_many_attempts() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
            .expect(3)
            .mount(&server)
            .await;
        let error = client(&server)
            .post_message("C1", None, &Reply::text("x"))
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "gave up after 3 attempts: Slack answered HTTP 503: upstream down"
        );
    }

    #[tokio::test]
    async fn ok_false_is_an_error() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"ok": false, "error": "channel_not_found"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let error = client(&server)
            .post_message("C404", None, &Reply::text("x"))
            .await
            .unwrap_err();
        assert_eq!(
            error,
            ReplyError::Api {
                status: 200,
                message: "channel_not_found".into()
            }
        );
    }

    #[tokio::test]
    async fn post_message_needs_json_back() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy</html>"))
            .mount(&server)
            .await;
        let error = client(&server)
            .post_message("C1", None, &Reply::text("x"))
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("not a Slack API response"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn missing_token_is_clear_and_sends_nothing() {
        let server = MockServer::start().await;
        let config = SlackConfig::new("signing")
            .with_bot_token("  ")
            .with_api_url(server.uri());
        let error = SlackClient::new(&config)
            .unwrap()
            .post_message("C1", None, &Reply::text("x"))
            .await
            .unwrap_err();
        assert_eq!(error, ReplyError::MissingToken);
        assert!(error.to_string().contains("SLACK_BOT_TOKEN"));
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn errors_never_contain_the_token() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(401).set_body_string(format!("bad token {TOKEN} given")),
            )
            .mount(&server)
            .await;
        let error = client(&server)
            .post_message("C1", None, &Reply::text("x"))
            .await
            .unwrap_err();
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(TOKEN), "{text}");
            assert!(text.contains("401"), "{text}");
        }
    }

    #[tokio::test]
    async fn errors_never_contain_the_response_url() {
        // A port nobody listens on: the connection is refused and retried.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = SlackConfig::new("s").with_retry(RetryPolicy::fixed(2, Duration::ZERO));
        let url = format!("http://127.0.0.1:{port}{HOOK_PATH}");
        let error = SlackClient::new(&config)
            .unwrap()
            .respond(&url, &Reply::text("x"))
            .await
            .unwrap_err();
        assert!(matches!(error, ReplyError::GaveUp { attempts: 2, .. }));
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(HOOK_SECRET), "{text}");
        }

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(404).set_body_string(format!("no {HOOK_PATH}")))
            .mount(&server)
            .await;
        let error = client(&server)
            .respond(&hook(&server), &Reply::text("x"))
            .await
            .unwrap_err();
        assert!(!error.to_string().contains(HOOK_SECRET), "{error}");
        assert!(!format!("{:?}", ReplyTarget::ResponseUrl(hook(&server))).contains(HOOK_SECRET));
    }

    #[tokio::test]
    async fn more_than_five_replies_use_the_response_url_five_times() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(HOOK_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .expect(5)
            .mount(&server)
            .await;
        let delivery = SlackDelivery::new(
            Arc::new(client(&server)),
            ReplyTarget::ResponseUrl(hook(&server)),
        );
        let replies = (1..=7).map(|i| Reply::text(i.to_string())).collect();
        delivery.deliver(replies, 0).await.unwrap();
        let sent = server.received_requests().await.unwrap();
        let last: Value = serde_json::from_slice(&sent[4].body).unwrap();
        assert_eq!(last["text"], "5\n6\n7");
    }

    #[tokio::test]
    async fn channel_delivery_posts_each_reply_in_the_thread() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/chat.postMessage"))
            .and(body_json(
                json!({"channel": "C9", "text": "a", "thread_ts": "1.2"}),
            ))
            .respond_with(ok_json())
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/chat.postMessage"))
            .and(body_json(
                json!({"channel": "C9", "text": "b", "thread_ts": "1.2"}),
            ))
            .respond_with(ok_json())
            .expect(1)
            .mount(&server)
            .await;
        let delivery = SlackDelivery::new(
            Arc::new(client(&server)),
            ReplyTarget::channel(Some("C9"), Some("1.2")),
        );
        delivery
            .deliver(vec![Reply::text("a"), Reply::text("b")], 0)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn nowhere_delivery_succeeds_without_sending() {
        let server = MockServer::start().await;
        let delivery =
            SlackDelivery::new(Arc::new(client(&server)), ReplyTarget::channel(None, None));
        delivery.deliver(vec![Reply::text("a")], 0).await.unwrap();
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[test]
    fn five_or_fewer_replies_are_untouched() {
        let replies: Vec<_> = (0..5).map(|i| Reply::text(i.to_string())).collect();
        assert_eq!(fit_response_url(replies.clone()), replies);
    }

    #[test]
    fn merging_keeps_privacy_and_blocks() {
        let blocks = json!([{"type": "divider"}]);
        let mut replies: Vec<_> = (1..=4)
            .map(|i| Reply::text(i.to_string()).in_channel())
            .collect();
        replies.push(Reply::text("5").in_channel());
        replies.push(Reply::text("6").ephemeral());
        replies.push(Reply::text("7").in_channel().with_slack_blocks(blocks));
        let fitted = fit_response_url(replies);
        assert_eq!(fitted.len(), 5);
        let merged = &fitted[4];
        assert_eq!(merged.text, "5\n6\n7");
        assert_eq!(merged.visibility, Visibility::Ephemeral);
        let blocks = merged.slack_blocks.as_ref().unwrap().as_array().unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0]["text"]["text"], "5");
        assert_eq!(blocks[2]["type"], "divider");
    }

    #[test]
    fn bad_api_url_is_refused() {
        let config = SlackConfig::new("s").with_api_url("not a url");
        assert_eq!(
            SlackClient::new(&config).unwrap_err(),
            ConfigError::BadApiUrl("not a url".into())
        );
    }
}
