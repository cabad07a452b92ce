//! The calls to the LINE Messaging API, with bounded retries on 5xx, 429 and network errors.

use std::time::Duration;

use bot_core::retry::{retry, Failure, RetryPolicy};
use bot_core::{chain, ExposeSecret, SecretString};
use reqwest::header::RETRY_AFTER;
use reqwest::{Response, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{ApiErrorDetail, ConfigError, LineConfig, ReplyError};

/// `POST /v2/bot/message/reply`.
pub(crate) const REPLY_PATH: &str = "/v2/bot/message/reply";
/// `POST /v2/bot/message/push`.
pub(crate) const PUSH_PATH: &str = "/v2/bot/message/push";
/// `POST /v2/bot/chat/loading/start`.
pub(crate) const LOADING_PATH: &str = "/v2/bot/chat/loading/start";

/// The header that makes a push idempotent for 24 hours.
const RETRY_KEY_HEADER: &str = "X-Line-Retry-Key";

/// A client of the LINE Messaging API: one reused HTTP client, the token, the retry policy.
pub(crate) struct LineClient {
    http: reqwest::Client,
    api_url: String,
    token: SecretString,
    retry: RetryPolicy,
}

/// What one failed attempt came to, before the attempt count is known.
enum AttemptError {
    Api {
        status: u16,
        message: String,
        details: Vec<ApiErrorDetail>,
    },
    RateLimited {
        message: String,
        retry_after: Option<Duration>,
    },
    Network(String),
}

impl AttemptError {
    fn into_error(self, endpoint: &'static str, attempts: u32) -> ReplyError {
        match self {
            AttemptError::Api {
                status,
                message,
                details,
            } => ReplyError::Api {
                endpoint,
                status,
                message,
                details,
                attempts,
            },
            AttemptError::RateLimited {
                message,
                retry_after,
            } => ReplyError::RateLimited {
                endpoint,
                message,
                retry_after,
                attempts,
            },
            AttemptError::Network(reason) => ReplyError::Network {
                endpoint,
                reason,
                attempts,
            },
        }
    }
}

/// LINE's error body: `{message, details[{message, property}]}`.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    details: Vec<ApiErrorDetail>,
}

impl LineClient {
    /// A client for `config`'s API URL and token.
    pub(crate) fn new(config: &LineConfig) -> Result<Self, ConfigError> {
        let http = reqwest::Client::builder()
            .timeout(config.http_timeout)
            .user_agent(concat!("ackbot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::HttpClient {
                reason: e.to_string(),
            })?;
        Ok(Self {
            http,
            api_url: config.api_url.trim_end_matches('/').to_string(),
            token: config.access_token.clone(),
            retry: config.retry.clone(),
        })
    }

    /// Replies with up to 5 messages using a reply token.
    pub(crate) async fn reply(
        &self,
        reply_token: &str,
        messages: &[Value],
    ) -> Result<(), ReplyError> {
        let body = json!({ "replyToken": reply_token, "messages": messages });
        self.post(REPLY_PATH, &body, None).await
    }

    /// Pushes up to 5 messages to a user, group or room; a repeat of an accepted `retry_key`
    /// (409) counts as delivered.
    pub(crate) async fn push(
        &self,
        to: &str,
        messages: &[Value],
        retry_key: Option<Uuid>,
    ) -> Result<(), ReplyError> {
        let body = json!({ "to": to, "messages": messages });
        self.post(PUSH_PATH, &body, retry_key).await
    }

    /// Shows the loading animation in a one-to-one chat for `seconds` (5–60, a multiple of 5).
    /// Tried once: it is cosmetic, and the worker waits for it before the handler runs.
    pub(crate) async fn show_loading(&self, chat_id: &str, seconds: u32) -> Result<(), ReplyError> {
        let body = json!({ "chatId": chat_id, "loadingSeconds": seconds });
        let once = RetryPolicy {
            max_attempts: 1,
            ..self.retry.clone()
        };
        self.post_with(&once, LOADING_PATH, &body, None).await
    }

    async fn post(
        &self,
        endpoint: &'static str,
        body: &Value,
        retry_key: Option<Uuid>,
    ) -> Result<(), ReplyError> {
        self.post_with(&self.retry, endpoint, body, retry_key).await
    }

    async fn post_with(
        &self,
        policy: &RetryPolicy,
        endpoint: &'static str,
        body: &Value,
        retry_key: Option<Uuid>,
    ) -> Result<(), ReplyError> {
        let url = format!("{}{endpoint}", self.api_url);
        let result = retry(policy, |attempt| {
            let mut request = self
                .http
                .post(&url)
                .bearer_auth(self.token.expose_secret())
                .json(body);
            if let Some(key) = retry_key {
                request = request.header(RETRY_KEY_HEADER, key.to_string());
            }
            async move {
                match request.send().await {
                    Ok(response) => self.judge(endpoint, response, retry_key.is_some()).await,
                    Err(e) => {
                        let reason = network_reason(&e);
                        tracing::debug!(endpoint, attempt, %reason, "LINE API call failed");
                        let error = AttemptError::Network(reason);
                        Err(if e.is_builder() {
                            Failure::Permanent(error)
                        } else {
                            Failure::transient(error)
                        })
                    }
                }
            }
        })
        .await;
        result.map_err(|gave_up| gave_up.error.into_error(endpoint, gave_up.attempts))
    }

    /// Decides what a response means: done, worth another attempt, or a failure for good.
    async fn judge(
        &self,
        endpoint: &'static str,
        response: Response,
        idempotent: bool,
    ) -> Result<(), Failure<AttemptError>> {
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        if status == StatusCode::CONFLICT && idempotent {
            // The retry key was accepted before: that push was delivered.
            let accepted = response
                .headers()
                .get("x-line-accepted-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("unknown")
                .to_string();
            tracing::debug!(endpoint, accepted_request_id = %accepted, "push already accepted");
            return Ok(());
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let (message, details) = self.error_body(response).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(Failure::Transient {
                error: AttemptError::RateLimited {
                    message,
                    retry_after,
                },
                retry_after,
            });
        }
        let error = AttemptError::Api {
            status: status.as_u16(),
            message,
            details,
        };
        Err(if status.is_server_error() {
            Failure::Transient { error, retry_after }
        } else {
            Failure::Permanent(error)
        })
    }

    /// LINE's error message and details, with the token scrubbed should LINE ever echo it.
    async fn error_body(&self, response: Response) -> (String, Vec<ApiErrorDetail>) {
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let (message, details) = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) if !body.message.is_empty() => (body.message, body.details),
            _ if text.trim().is_empty() => (
                status.canonical_reason().unwrap_or("error").to_string(),
                Vec::new(),
            ),
            _ => (text.chars().take(300).collect(), Vec::new()),
        };
        let scrub = |s: String| self.scrub(s);
        let details = details
            .into_iter()
            .map(|d| ApiErrorDetail {
                message: d.message.map(scrub),
                property: d.property.map(scrub),
            })
            .collect();
        (self.scrub(message), details)
    }

    fn scrub(&self, text: String) -> String {
        let token = self.token.expose_secret();
        if !token.is_empty() && text.contains(token) {
            text.replace(token, "[redacted]")
        } else {
            text
        }
    }
}

/// What went wrong on the way to LINE, without the URL (which says nothing new).
fn network_reason(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else if error.is_builder() {
        "invalid request"
    } else {
        "request failed"
    };
    match std::error::Error::source(error) {
        Some(cause) => format!("{kind}: {}", chain(cause)),
        None => kind.to_string(),
    }
}
