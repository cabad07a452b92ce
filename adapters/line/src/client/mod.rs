//! The calls to the LINE Messaging API, with bounded retries on 5xx, 429 and network errors, and
//! the access token in no error or log line. Each attempt is the shared one of
//! [`ackbot_core::http`]; LINE's own rules (a 409 for an accepted retry key, the monthly quota's
//! 429, a reply token spent by an uncertain attempt) are in [`judge`].

mod judge;
mod success;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ackbot_core::http::{self, DELIVERY_RESPONSE_CAP};
use ackbot_core::retry::{Failure, RetryPolicy, retry};
use ackbot_core::{ExposeSecret, SecretString};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use judge::AttemptError;
#[cfg(feature = "doctor")]
pub(crate) use judge::ErrorBody;
pub(crate) use success::Success;

use crate::{ConfigError, LineConfig, ReplyError, SentMessage};

/// `POST /v2/bot/message/reply`.
pub(crate) const REPLY_PATH: &str = "/v2/bot/message/reply";
/// `POST /v2/bot/message/push`.
pub(crate) const PUSH_PATH: &str = "/v2/bot/message/push";
/// `POST /v2/bot/chat/loading/start`.
pub(crate) const LOADING_PATH: &str = "/v2/bot/chat/loading/start";
/// `POST /v2/bot/chat/markAsRead`.
pub(crate) const MARK_AS_READ_PATH: &str = "/v2/bot/chat/markAsRead";
/// `GET /v2/bot/profile/{userId}`, as errors name it.
pub(crate) const PROFILE_ENDPOINT: &str = "/v2/bot/profile/{userId}";

/// The header that makes a push idempotent for 24 hours.
pub(crate) const RETRY_KEY_HEADER: &str = "X-Line-Retry-Key";

/// A client of the LINE Messaging API: one reused HTTP client, the token, the retry policy.
pub(crate) struct LineClient {
    http: reqwest::Client,
    api_url: String,
    token: SecretString,
    retry: RetryPolicy,
    timeout: Duration,
}

/// One request to the API.
pub(crate) struct Call<'a> {
    /// The HTTP method.
    pub(crate) method: Method,
    /// The path as errors and logs name it: the path itself, or its template when it holds an id
    /// (`/v2/bot/profile/{userId}`).
    pub(crate) endpoint: &'a str,
    /// The path appended to the API URL, already checked.
    pub(crate) path: &'a str,
    /// The JSON body, if any.
    pub(crate) body: Option<&'a Value>,
    /// The `X-Line-Retry-Key`, kept across the retries; a 409 then means delivered.
    pub(crate) retry_key: Option<Uuid>,
    /// The most of an answer read: a few hundred bytes for a delivery, more for data.
    pub(crate) cap: usize,
}

impl<'a> Call<'a> {
    /// A `POST` of `body` to the fixed endpoint `path`.
    pub(crate) fn post(path: &'a str, body: &'a Value) -> Self {
        Self {
            method: Method::POST,
            endpoint: path,
            path,
            body: Some(body),
            retry_key: None,
            cap: DELIVERY_RESPONSE_CAP,
        }
    }

    /// The texts of the messages the call carries, for the observers.
    fn texts(&self) -> Option<String> {
        let texts: Vec<&str> = (self.body.and_then(|b| b.get("messages")))
            .and_then(Value::as_array)
            .map(|messages| {
                (messages.iter())
                    .filter_map(|m| m.get("text").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        (!texts.is_empty()).then(|| texts.join("\n"))
    }
}

impl LineClient {
    /// A client for `config`'s API URL and token.
    pub(crate) fn new(config: &LineConfig) -> Result<Self, ConfigError> {
        let http = ackbot_core::http::client_builder(config.http_timeout)
            .build()
            .map_err(|e| ConfigError::HttpClient {
                reason: e.to_string(),
            })?;
        Ok(Self {
            http,
            api_url: config.api_url.trim_end_matches('/').to_string(),
            token: config.access_token.clone(),
            retry: config.retry.clone(),
            timeout: config.http_timeout,
        })
    }

    /// Replies with up to 5 messages using a reply token.
    pub(crate) async fn reply(
        &self,
        reply_token: &str,
        messages: &[Value],
    ) -> Result<Vec<SentMessage>, ReplyError> {
        checked(messages)?;
        let body = json!({ "replyToken": reply_token, "messages": messages });
        let answered = self
            .send(&self.retry, Call::post(REPLY_PATH, &body))
            .await?;
        Ok(answered.sent_messages())
    }

    /// Pushes up to 5 messages to a user, group or room; a repeat of an accepted `retry_key`
    /// (409) counts as delivered.
    pub(crate) async fn push(
        &self,
        to: &str,
        messages: &[Value],
        retry_key: Option<Uuid>,
    ) -> Result<Vec<SentMessage>, ReplyError> {
        checked(messages)?;
        let body = json!({ "to": to, "messages": messages });
        let call = Call {
            retry_key,
            ..Call::post(PUSH_PATH, &body)
        };
        let answered = self.send(&self.retry, call).await?;
        Ok(answered.sent_messages())
    }

    /// Shows the loading animation in a one-to-one chat for `seconds` (5–60, a multiple of 5).
    /// Tried once: it is cosmetic, and the worker waits for it before the handler runs.
    pub(crate) async fn show_loading(&self, chat_id: &str, seconds: u32) -> Result<(), ReplyError> {
        let body = json!({ "chatId": chat_id, "loadingSeconds": seconds });
        self.post_once(LOADING_PATH, &body).await
    }

    /// `POST /v2/bot/chat/markAsRead`: marks the message of `token` (and the ones before it)
    /// read. One attempt: a read receipt is not worth a retry.
    pub(crate) async fn mark_as_read(&self, token: &str) -> Result<(), ReplyError> {
        let body = json!({ "markAsReadToken": token });
        self.post_once(MARK_AS_READ_PATH, &body).await
    }

    /// Posts `body` to `path`, one attempt only.
    async fn post_once(&self, path: &str, body: &serde_json::Value) -> Result<(), ReplyError> {
        let once = RetryPolicy {
            max_attempts: 1,
            ..self.retry.clone()
        };
        self.send(&once, Call::post(path, body)).await.map(drop)
    }

    /// Makes `call` with the client's retry policy.
    pub(crate) async fn call(&self, call: Call<'_>) -> Result<Success, ReplyError> {
        self.send(&self.retry, call).await
    }

    /// `text` with the access token replaced, should LINE (or a caller) ever echo it.
    pub(crate) fn scrub(&self, text: String) -> String {
        let token = self.token.expose_secret();
        if !token.is_empty() && text.contains(token) {
            text.replace(token, "[redacted]")
        } else {
            text
        }
    }

    async fn send(&self, policy: &RetryPolicy, call: Call<'_>) -> Result<Success, ReplyError> {
        let url = format!("{}{}", self.api_url, call.path);
        let endpoint = self.scrub(call.endpoint.to_string());
        let endpoint = endpoint.as_str();
        // Whether an earlier attempt may have reached LINE and been carried out (a 5xx, a
        // timeout, a connection lost after sending): see `ReplyError::SpentByEarlierAttempt`.
        let uncertain = AtomicBool::new(false);
        let (uncertain, call) = (&uncertain, &call);
        let result = retry(policy, |attempt| {
            let mut request = (self.http.request(call.method.clone(), &url))
                .bearer_auth(self.token.expose_secret());
            if let Some(body) = call.body {
                request = request.json(body);
            }
            if let Some(key) = call.retry_key {
                request = request.header(RETRY_KEY_HEADER, key.to_string());
            }
            async move {
                let started = Instant::now();
                let answer = http::attempt(request, call.cap, self.timeout).await;

                match answer {
                    Ok(answer) => {
                        let status = answer.status;
                        uncertain.fetch_or(status.is_server_error(), Ordering::Relaxed);
                        let judged = self.judge(endpoint, answer, call.retry_key.is_some());
                        let summary = judged.as_ref().err().map(|f| f.error().summary());
                        let outcome = summary.map_or(Ok(status.as_u16()), Err);
                        http::observe(started, target(call, endpoint), outcome, || call.texts());
                        judged
                    }
                    Err(no_answer) => {
                        uncertain.fetch_or(no_answer.uncertain, Ordering::Relaxed);
                        let reason = no_answer.reason;
                        let failed = Err(reason.clone());
                        http::observe(started, target(call, endpoint), failed, || call.texts());
                        tracing::debug!(endpoint, attempt, %reason, "LINE API call failed");
                        let error = AttemptError::Network(reason);
                        Err(match no_answer.malformed {
                            true => Failure::Permanent(error),
                            false => Failure::transient(error),
                        })
                    }
                }
            }
        })
        .await;
        let endpoint = endpoint.to_string();
        match result {
            Ok(response) => Ok(Success {
                response,
                method: call.method.clone(),
                endpoint,
            }),
            Err(gave_up) => {
                let attempts = gave_up.attempts;
                let error = (gave_up.error).into_error(call.method.clone(), endpoint, attempts);
                let reply = call.path == REPLY_PATH;
                if reply && uncertain.load(Ordering::Relaxed) && error.is_invalid_reply_token() {
                    return Err(ReplyError::SpentByEarlierAttempt { attempts });
                }
                Err(error)
            }
        }
    }
}

/// An observed call's target: the method and the endpoint (never an id it holds).
fn target<'a>(call: &'a Call<'_>, endpoint: &'a str) -> impl FnOnce() -> String + 'a {
    move || format!("{} {endpoint}", call.method)
}
/// LINE's documented limits on `messages`, before the call rather than its 400.
fn checked(messages: &[Value]) -> Result<(), ReplyError> {
    let typed: Vec<crate::messages::Message> = messages
        .iter()
        .map(|m| serde_json::from_value(m.clone()))
        .collect::<Result<_, _>>()
        .map_err(|e| ReplyError::InvalidRequest {
            reason: format!("a message is not a LINE message object ({e})"),
        })?;
    crate::messages::check(&typed).map_err(|e| ReplyError::InvalidRequest {
        reason: e.to_string(),
    })
}
