//! Where Slack replies go: a slash command's or interaction's `response_url`, and the Web API
//! (`chat.postMessage`, `views.open`, … or any method by name); bounded retries on 5xx, 429,
//! `ratelimited` and network failures, and no credential in any error or log line.

mod methods;
mod pace;
mod request;
mod stream;

use std::sync::Arc;
use std::time::Duration;

use ackbot_core::adapter::is_blank;
use ackbot_core::retry::{GaveUp, RetryPolicy, retry};
use ackbot_core::{ExposeSecret, Reply, SecretString, Visibility};
use reqwest::Url;
use serde_json::{Map, Value};

pub(crate) use request::host_of;
use request::{Body, Endpoint, Request};

use crate::blocks::{Block, Button};
pub use stream::{MAX_STREAM_CHARS, StreamPlace};

use crate::oauth::Grant;
use crate::response_url::ResponseUrls;
use crate::{ConfigError, ReplyError, SlackConfig};

const MAX_METHOD_CHARS: usize = 100;

/// A client for Slack's `response_url`s and Web API, sharing one connection pool, the bot token
/// and the retry policy. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SlackClient {
    http: reqwest::Client,
    api_url: String,
    credential: Credential,
    retry: RetryPolicy,
    timeout: Duration,
    response_urls: ResponseUrls,
    /// The process's pacing of Web API calls, per workspace, method and channel.
    pacer: pace::Pacer,
}

/// Which bot token the Web API calls carry.
#[derive(Clone, Debug)]
enum Credential {
    /// `SLACK_BOT_TOKEN`, or none.
    Bot(Option<SecretString>),
    /// Distribution mode: the token of the installation a request came from.
    Installation(Arc<Grant>),
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
            credential: Credential::Bot(bot_token),
            retry: config.retry.clone(),
            timeout: config.http_timeout,
            pacer: pace::Pacer::default(),
        })
    }

    /// The same client (and connection pool) for one request in distribution mode: its Web
    /// API calls carry the token `grant` is given before the handler runs.
    pub(crate) fn for_request(&self, grant: Arc<Grant>) -> Self {
        Self {
            credential: Credential::Installation(grant),
            ..self.clone()
        }
    }

    /// The bot token the Web API calls carry, or why there is none.
    fn token(&self) -> Result<&SecretString, ReplyError> {
        match &self.credential {
            Credential::Bot(token) => token.as_ref().ok_or(ReplyError::MissingToken),
            Credential::Installation(grant) => grant.token().map_err(ReplyError::NotInstalled),
        }
    }

    /// Calls `oauth.v2.access` with `fields` (the client's id and secret among them) once, with
    /// no bearer token and no retry: a code, or a rotating refresh token, is good for one
    /// exchange, so a second attempt could only be refused.
    pub(crate) async fn oauth_v2_access(
        &self,
        fields: &[(&str, &str)],
    ) -> Result<Value, ReplyError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let url = format!("{}/oauth.v2.access", self.api_url);
        let request = Request {
            endpoint: Endpoint::WebApi("oauth.v2.access"),
            url: &url,
            token: None,
            body: Body::Form(body),
        };
        let bytes = request.body.bytes();
        request
            .attempt(&self.http, bytes, self.timeout)
            .await
            .map_err(|failure| failure.error().clone())
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
        let token = self.token()?;
        let channel = body.channel();
        self.pacer
            .turn(self.workspace(), method, channel.as_deref())
            .await;
        let url = format!("{}/{method}", self.api_url);
        let request = Request {
            endpoint: Endpoint::WebApi(method),
            url: &url,
            token: Some(token),
            body,
        };
        self.send(request).await
    }

    /// The workspace the calls are made in, for pacing and the log: the request's in
    /// distribution mode, else the one workspace (unnamed).
    fn workspace(&self) -> &str {
        match &self.credential {
            Credential::Installation(grant) => {
                grant.workspace.team_id.as_deref().unwrap_or_default()
            }
            Credential::Bot(_) => "",
        }
    }

    /// A rejected method name for an error message: without the token, shortened, quoted and
    /// escaped.
    fn redact_method(&self, method: &str) -> String {
        let mut shown = method.to_string();
        if let Ok(token) = self.token() {
            shown = shown.replace(token.expose_secret(), "[redacted]");
        }
        let shown: String = shown.chars().take(MAX_METHOD_CHARS).collect();
        format!("{shown:?}")
    }

    /// Makes `request` with the retry policy; each failed attempt is logged (without a
    /// credential), and running out of attempts says how many were made.
    async fn send(&self, request: Request<'_>) -> Result<Value, ReplyError> {
        if let Body::Json(json) = &request.body {
            // Slack's documented limits, before the call rather than its `invalid_blocks`.
            crate::blocks::limits::check_request(request.endpoint.name(), json)
                .map_err(|e| refused(e.to_string()))?;
        }
        let body = request.body.bytes();
        let host = host_of(request.url);
        let endpoint = request.endpoint.name();
        let channel = request.body.channel().unwrap_or_default();
        let workspace = self.workspace();
        let result = retry(&self.retry, |attempt| {
            let (request, body, host, channel) =
                (&request, body.clone(), host.as_str(), channel.as_str());
            async move {
                let outcome = request.attempt(&self.http, body, self.timeout).await;
                if let Err(failure) = &outcome {
                    let error = failure.error();
                    tracing::warn!(endpoint, workspace, channel, host, attempt, error = %error,
                        "Slack call attempt failed");
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
             }| match exhausted {
                true => ReplyError::GaveUp {
                    attempts,
                    last: Box::new(error),
                },
                false => error,
            },
        )
    }
}

/// A message's content as Slack takes it: `text`, and `blocks` when the reply has them — or
/// offers choices, which become an `actions` block of buttons under its text (or blocks).
fn message(reply: &Reply) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("text".into(), reply.text.clone().into());
    let blocks = match &reply.choices {
        Some(choices) => {
            let mut blocks = match &reply.slack_blocks {
                Some(Value::Array(blocks)) => blocks.clone(),
                _ => vec![Block::from(Block::section(&reply.text)).into()],
            };
            blocks.push(choice_buttons(choices).into());
            Some(Value::Array(blocks))
        }
        None => reply.slack_blocks.clone(),
    };
    if let Some(blocks) = blocks {
        body.insert("blocks".into(), blocks);
    }
    body
}

/// A choice's options as buttons: `action_id` `ID:N`, `value` the option (see
/// [`ackbot_core::Choice`]).
fn choice_buttons(choices: &ackbot_core::Choices) -> Block {
    let buttons = (choices.options.iter().enumerate())
        .map(|(n, option)| Button::new(option, choices.wire_id(n)).value(option));
    Block::actions(buttons).block_id(&choices.id).into()
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
