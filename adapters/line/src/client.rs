//! The calls to the LINE Messaging API, with bounded retries on 5xx, 429 and network errors, and
//! the access token in no error or log line.

use std::time::{Duration, Instant, SystemTime};

use ackbot_core::http::{read_capped, DATA_ANSWER_CAP, DELIVERY_ANSWER_CAP};
use ackbot_core::retry::{parse_retry_after, retry, Failure, RetryPolicy};
use ackbot_core::{chain, ExposeSecret, SecretString};
use reqwest::header::RETRY_AFTER;
use reqwest::{Method, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{ApiErrorDetail, ConfigError, LineConfig, ReplyError, SentMessage};

/// `POST /v2/bot/message/reply`.
pub(crate) const REPLY_PATH: &str = "/v2/bot/message/reply";
/// `POST /v2/bot/message/push`.
pub(crate) const PUSH_PATH: &str = "/v2/bot/message/push";
/// `POST /v2/bot/chat/loading/start`.
pub(crate) const LOADING_PATH: &str = "/v2/bot/chat/loading/start";
/// `GET /v2/bot/profile/{userId}`, as errors name it.
pub(crate) const PROFILE_ENDPOINT: &str = "/v2/bot/profile/{userId}";

/// The header that makes a push idempotent for 24 hours.
pub(crate) const RETRY_KEY_HEADER: &str = "X-Line-Retry-Key";

/// What LINE's 429 says when the channel's monthly message quota is used up, rather than
/// "Too Many Requests" for a rate limit. Matched case-insensitively, within LINE's `message`.
const MONTHLY_LIMIT: &str = "monthly limit";

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
        }
    }
}

/// What a successful call answered: the response, its body still unread.
pub(crate) struct Answered {
    response: Response,
    method: Method,
    endpoint: String,
    attempts: u32,
    timeout: Duration,
}

impl Answered {
    /// The body as text, read up to [`DATA_ANSWER_CAP`]; an error if it could not be read, or
    /// went on past the cap.
    pub(crate) async fn text(self) -> Result<(u16, String), ReplyError> {
        let status = self.response.status().as_u16();
        match read_capped(self.response, DATA_ANSWER_CAP).await {
            Ok(body) if body.truncated => Err(ReplyError::InvalidResponse {
                method: self.method,
                endpoint: self.endpoint,
                status,
                reason: format!("the answer is larger than {DATA_ANSWER_CAP} bytes: not read"),
            }),
            Ok(body) => Ok((status, String::from_utf8_lossy(&body.bytes).into_owned())),
            Err(e) => Err(ReplyError::Network {
                method: self.method,
                endpoint: self.endpoint,
                reason: format!("reading the answer: {}", network_reason(&e, self.timeout)),
                attempts: self.attempts,
            }),
        }
    }

    /// The `sentMessages` of a reply or push (or of a 409 for an accepted retry key). Lenient:
    /// the messages are sent whatever the body says, so an unreadable body gives none.
    pub(crate) async fn sent_messages(self) -> Vec<SentMessage> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Sent {
            #[serde(default)]
            sent_messages: Vec<SentMessage>,
        }
        let endpoint = self.endpoint.clone();
        match self.text().await {
            Ok((_, text)) => serde_json::from_str::<Sent>(&text)
                .map(|sent| sent.sent_messages)
                .unwrap_or_else(|e| {
                    tracing::debug!(%endpoint, error = %e, "no sentMessages in LINE's answer");
                    Vec::new()
                }),
            Err(e) => {
                tracing::debug!(%endpoint, error = %e, "could not read LINE's answer");
                Vec::new()
            }
        }
    }

    /// The body as the JSON `T`, or [`ReplyError::InvalidResponse`]; `scrub` takes the token
    /// out of the parser's message.
    pub(crate) async fn json<T: DeserializeOwned>(
        self,
        scrub: impl Fn(String) -> String,
    ) -> Result<T, ReplyError> {
        self.decode(scrub, None).await
    }

    /// The body as JSON, `Value::Null` when it is empty.
    pub(crate) async fn value(self, scrub: impl Fn(String) -> String) -> Result<Value, ReplyError> {
        self.decode(scrub, Some(Value::Null)).await
    }

    async fn decode<T: DeserializeOwned>(
        self,
        scrub: impl Fn(String) -> String,
        if_empty: Option<T>,
    ) -> Result<T, ReplyError> {
        let (method, endpoint) = (self.method.clone(), self.endpoint.clone());
        let (status, text) = self.text().await?;
        if let (Some(empty), true) = (if_empty, text.trim().is_empty()) {
            return Ok(empty);
        }
        serde_json::from_str(&text).map_err(|e| ReplyError::InvalidResponse {
            method,
            endpoint,
            status,
            reason: scrub(e.to_string()),
        })
    }
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
    MonthlyLimit {
        message: String,
    },
    Network(String),
}

impl AttemptError {
    /// LINE's message (or the network's reason) for an observer, already scrubbed.
    fn summary(&self) -> String {
        match self {
            AttemptError::Api { message, .. } => message.clone(),
            AttemptError::RateLimited { message, .. } => format!("rate limited: {message}"),
            AttemptError::MonthlyLimit { message } => format!("monthly limit: {message}"),
            AttemptError::Network(reason) => reason.clone(),
        }
    }

    fn into_error(self, method: Method, endpoint: String, attempts: u32) -> ReplyError {
        match self {
            AttemptError::Api {
                status,
                message,
                details,
            } => ReplyError::Api {
                method,
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
                method,
                endpoint,
                message,
                retry_after,
                attempts,
            },
            AttemptError::MonthlyLimit { message } => ReplyError::MonthlyLimit {
                method,
                endpoint,
                message,
                attempts,
            },
            AttemptError::Network(reason) => ReplyError::Network {
                method,
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
        let body = json!({ "replyToken": reply_token, "messages": messages });
        let answered = self
            .send(&self.retry, Call::post(REPLY_PATH, &body))
            .await?;
        Ok(answered.sent_messages().await)
    }

    /// Pushes up to 5 messages to a user, group or room; a repeat of an accepted `retry_key`
    /// (409) counts as delivered.
    pub(crate) async fn push(
        &self,
        to: &str,
        messages: &[Value],
        retry_key: Option<Uuid>,
    ) -> Result<Vec<SentMessage>, ReplyError> {
        let body = json!({ "to": to, "messages": messages });
        let call = Call {
            retry_key,
            ..Call::post(PUSH_PATH, &body)
        };
        let answered = self.send(&self.retry, call).await?;
        Ok(answered.sent_messages().await)
    }

    /// Shows the loading animation in a one-to-one chat for `seconds` (5–60, a multiple of 5).
    /// Tried once: it is cosmetic, and the worker waits for it before the handler runs.
    pub(crate) async fn show_loading(&self, chat_id: &str, seconds: u32) -> Result<(), ReplyError> {
        let body = json!({ "chatId": chat_id, "loadingSeconds": seconds });
        let once = RetryPolicy {
            max_attempts: 1,
            ..self.retry.clone()
        };
        self.send(&once, Call::post(LOADING_PATH, &body))
            .await
            .map(drop)
    }

    /// Makes `call` with the client's retry policy.
    pub(crate) async fn call(&self, call: Call<'_>) -> Result<Answered, ReplyError> {
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

    async fn send(&self, policy: &RetryPolicy, call: Call<'_>) -> Result<Answered, ReplyError> {
        let url = format!("{}{}", self.api_url, call.path);
        let endpoint = self.scrub(call.endpoint.to_string());
        let endpoint = endpoint.as_str();
        let idempotent = call.retry_key.is_some();
        // Whether an earlier attempt may have reached LINE and been carried out (a 5xx, a
        // timeout, a connection lost after sending): see `ReplyError::SpentByEarlierAttempt`.
        let uncertain = std::sync::atomic::AtomicBool::new(false);
        let uncertain = &uncertain;
        let call = &call;
        let result = retry(policy, |attempt| {
            let mut request = self
                .http
                .request(call.method.clone(), &url)
                .bearer_auth(self.token.expose_secret());
            if let Some(body) = call.body {
                request = request.json(body);
            }
            if let Some(key) = call.retry_key {
                request = request.header(RETRY_KEY_HEADER, key.to_string());
            }
            async move {
                let started = Instant::now();
                match request.send().await {
                    Ok(response) => {
                        let status = response.status();
                        let judged = self.judge(endpoint, response, idempotent).await;
                        let error = judged.as_ref().err().map(|f| f.error().summary());
                        observe(call, endpoint, started, Some(status.as_u16()), error);
                        if status.is_server_error() {
                            uncertain.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        judged.map(|response| (response, attempt))
                    }
                    Err(e) => {
                        if !e.is_connect() && !e.is_builder() {
                            uncertain.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        let reason = network_reason(&e, self.timeout);
                        observe(call, endpoint, started, None, Some(reason.clone()));
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
        let endpoint = endpoint.to_string();
        match result {
            Ok((response, attempts)) => Ok(Answered {
                response,
                method: call.method.clone(),
                endpoint,
                attempts,
                timeout: self.timeout,
            }),
            Err(gave_up) => {
                let error =
                    gave_up
                        .error
                        .into_error(call.method.clone(), endpoint, gave_up.attempts);
                let reply = call.path == REPLY_PATH;
                if reply && uncertain.load(std::sync::atomic::Ordering::Relaxed) {
                    if let ReplyError::Api { status: 400, .. } = &error {
                        if error.is_invalid_reply_token() {
                            return Err(ReplyError::SpentByEarlierAttempt {
                                attempts: gave_up.attempts,
                            });
                        }
                    }
                }
                Err(error)
            }
        }
    }

    /// Decides what a response means: done, worth another attempt, or a failure for good.
    async fn judge(
        &self,
        endpoint: &str,
        response: Response,
        idempotent: bool,
    ) -> Result<Response, Failure<AttemptError>> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
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
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let (message, details) = self.error_body(response).await;
        if status == StatusCode::TOO_MANY_REQUESTS
            && message.to_ascii_lowercase().contains(MONTHLY_LIMIT)
        {
            // No retry helps before the quota resets next month, or is raised.
            return Err(Failure::Permanent(AttemptError::MonthlyLimit { message }));
        }
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
        let text = match read_capped(response, DELIVERY_ANSWER_CAP).await {
            Ok(body) => body.text(),
            Err(_) => String::new(),
        };
        let (message, details) = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) if !body.message.is_empty() => (body.message, body.details),
            _ if text.trim().is_empty() => (
                status.canonical_reason().unwrap_or("error").to_string(),
                Vec::new(),
            ),
            // Scrubbed before it is cut: a cut through the token would leave its start.
            _ => (self.scrub(text).chars().take(300).collect(), Vec::new()),
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
}

/// What went wrong on the way to LINE, without the URL (which says nothing new); a timeout
/// says how long it waited.
fn network_reason(error: &reqwest::Error, timeout: Duration) -> String {
    let kind = if error.is_timeout() {
        format!("timed out after {} ms", timeout.as_millis())
    } else if error.is_connect() {
        "connection failed".to_string()
    } else if error.is_builder() {
        "invalid request".to_string()
    } else {
        "request failed".to_string()
    };
    match std::error::Error::source(error) {
        Some(cause) => format!("{kind}: {}", chain(cause)),
        None => kind,
    }
}

/// Tells the Envelope's observers (if any) about one attempt of `call`, with the texts of the
/// messages it carried.
fn observe(
    call: &Call<'_>,
    endpoint: &str,
    started: Instant,
    status: Option<u16>,
    error: Option<String>,
) {
    ackbot_core::observe_call(|| {
        let texts: Vec<&str> = (call.body.and_then(|b| b.get("messages")))
            .and_then(Value::as_array)
            .map(|messages| {
                (messages.iter())
                    .filter_map(|m| m.get("text").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        ackbot_core::Call {
            target: format!("{} {endpoint}", call.method),
            status,
            error,
            took: started.elapsed(),
            text: (!texts.is_empty()).then(|| texts.join("\n")),
        }
    });
}
