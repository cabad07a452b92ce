//! The two places Slack replies go: a slash command's or interaction's `response_url`, and
//! `chat.postMessage`; bounded retries on 5xx, 429 and network failures, and no credential in
//! any error or log line.

use std::time::Duration;

use bot_core::retry::{retry, Failure, GaveUp, RetryPolicy};
use bot_core::{is_blank, ExposeSecret, Reply, SecretString, Visibility};
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::{Map, Value};

use crate::{ConfigError, ReplyError, SlackConfig};

const TIMEOUT: Duration = Duration::from_secs(10);
const MAX_MESSAGE_CHARS: usize = 200;

/// A client for the two places Slack replies go: `response_url`s and `chat.postMessage`.
#[derive(Clone, Debug)]
pub struct SlackClient {
    http: reqwest::Client,
    api_url: String,
    bot_token: Option<SecretString>,
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
        let bot_token = config.bot_token.clone().filter(|t| !is_blank(t));
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
                builder = builder.bearer_auth(token.expose_secret());
            }
            let host = host.as_str();
            let request = &request;
            async move {
                let outcome = request.attempt(builder).await;
                if let Err(failure) = &outcome {
                    let error = failure.error();
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
    token: Option<&'a SecretString>,
    body: Value,
}

impl Request<'_> {
    async fn attempt(&self, builder: reqwest::RequestBuilder) -> Result<(), Failure<ReplyError>> {
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => {
                let fatal = e.is_builder();
                let error = ReplyError::Network(self.redact(describe(e)));
                return Err(if fatal {
                    Failure::Permanent(error)
                } else {
                    Failure::transient(error)
                });
            }
        };
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) => {
                let error = ReplyError::Network(self.redact(describe(e)));
                return Err(Failure::transient(error));
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
            return Err(Failure::Transient { error, retry_after });
        }
        if !status.is_success() {
            let error = ReplyError::Api {
                status: status.as_u16(),
                message: message(),
            };
            return Err(if status.is_server_error() {
                Failure::transient(error)
            } else {
                Failure::Permanent(error)
            });
        }
        match json
            .as_ref()
            .and_then(|v| v.get("ok"))
            .and_then(Value::as_bool)
        {
            Some(true) => Ok(()),
            Some(false) if slack_error == Some("ratelimited") => Err(Failure::Transient {
                error: ReplyError::RateLimited { retry_after },
                retry_after,
            }),
            Some(false) => Err(Failure::Permanent(ReplyError::Api {
                status: status.as_u16(),
                message: message(),
            })),
            // A response_url answers a plain `ok`; the Web API always answers JSON with `ok`.
            None if self.endpoint == Endpoint::ResponseUrl => Ok(()),
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
pub(crate) fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "(invalid url)".to_string())
}
