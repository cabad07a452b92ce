//! The errors of the LINE adapter, one enum per failure point.

use std::time::Duration;

use reqwest::Method;

/// Why a [`LineConfig`](crate::LineConfig) cannot make an adapter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No channel secret, so no webhook could be verified.
    #[error(
        "LINE_CHANNEL_SECRET is missing or empty: set it to the channel secret from the LINE \
         Developers console (several, comma-separated, while rotating)"
    )]
    MissingChannelSecret,
    /// No access token, so no reply could be sent.
    #[error(
        "LINE_CHANNEL_ACCESS_TOKEN is missing or empty: issue a channel access token in the LINE \
         Developers console"
    )]
    MissingAccessToken,
    /// The API base URL is not an http(s) URL.
    #[error("LINE_API_URL `{url}` is not an http:// or https:// URL")]
    InvalidApiUrl {
        /// The URL as configured.
        url: String,
    },
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client for LINE: {reason}")]
    HttpClient {
        /// The client builder's reason.
        reason: String,
    },
}

/// Why a webhook's `x-line-signature` did not check out. Never holds a secret or a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No channel secret to check against; verification is never skipped.
    #[error("no LINE channel secret is configured, so the webhook cannot be verified")]
    NoSecret,
    /// The request has no `x-line-signature` header.
    #[error("the request has no x-line-signature header")]
    MissingSignature,
    /// The header is not base64 of a 32-byte HMAC-SHA256.
    #[error("the x-line-signature header is not a base64 HMAC-SHA256 digest")]
    MalformedSignature,
    /// The header was sent more than once: which copy counts depends on the proxy, so neither
    /// does.
    #[error("the x-line-signature header was sent more than once")]
    RepeatedSignature,
    /// The signature matches none of the configured channel secrets.
    #[error("the x-line-signature does not match the body for any configured channel secret")]
    Mismatch,
}

/// Why a verified webhook body could not be parsed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not a LINE webhook object (`{destination, events[]}`).
    #[error("the LINE webhook body is not a {{destination, events[]}} JSON object: {0}")]
    Body(#[from] serde_json::Error),
}

/// One entry of a LINE API error's `details`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ApiErrorDetail {
    /// What is wrong.
    #[serde(default)]
    pub message: Option<String>,
    /// The request field it is about, e.g. `messages[0].text`.
    #[serde(default)]
    pub property: Option<String>,
}

/// Why a call to the LINE Messaging API failed: a reply or push, a profile, any other method.
/// Never holds the channel access token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// LINE answered with an error status (after retries, for a 5xx).
    #[error(
        "LINE {method} {endpoint} failed with HTTP {status}: {message}{} (after {attempts} \
         attempt(s))",
        describe_details(details)
    )]
    Api {
        /// The HTTP method.
        method: Method,
        /// The API path, e.g. `/v2/bot/message/reply` (`/v2/bot/profile/{userId}` for a profile).
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// LINE's `message`.
        message: String,
        /// LINE's `details`.
        details: Vec<ApiErrorDetail>,
        /// How many attempts were made.
        attempts: u32,
    },
    /// LINE answered 429 "Too Many Requests": the rate limit; retried, honouring `Retry-After`.
    #[error(
        "LINE {method} {endpoint} was rate limited (HTTP 429: {message}) (after {attempts} \
         attempt(s))"
    )]
    RateLimited {
        /// The HTTP method.
        method: Method,
        /// The API path.
        endpoint: String,
        /// LINE's `message`.
        message: String,
        /// The last `Retry-After`, if LINE sent one.
        retry_after: Option<Duration>,
        /// How many attempts were made.
        attempts: u32,
    },
    /// LINE answered 429 "You have reached your monthly limit.": the channel's monthly message
    /// quota is used up, and no retry can help until it resets or is raised. Not retried.
    #[error(
        "LINE {method} {endpoint} refused: the channel's monthly message quota is used up \
         (HTTP 429: {message}); not retried, nothing can be sent until the quota resets or is \
         raised (after {attempts} attempt(s))"
    )]
    MonthlyLimit {
        /// The HTTP method.
        method: Method,
        /// The API path.
        endpoint: String,
        /// LINE's `message`.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// LINE could not be reached, or did not answer in time.
    #[error("could not reach LINE {method} {endpoint}: {reason} (after {attempts} attempt(s))")]
    Network {
        /// The HTTP method.
        method: Method,
        /// The API path.
        endpoint: String,
        /// What went wrong on the way.
        reason: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// LINE answered with success, but not with the JSON the endpoint documents.
    #[error("LINE {method} {endpoint} answered HTTP {status} with an unexpected body: {reason}")]
    InvalidResponse {
        /// The HTTP method.
        method: Method,
        /// The API path.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// What is wrong with the body.
        reason: String,
    },
    /// The call was refused before any request: a path or id that could change the URL, no
    /// messages or too many.
    #[error("not sent to LINE: {reason}")]
    InvalidRequest {
        /// What is wrong.
        reason: String,
    },
    /// The event has no reply token (standby mode, or an event LINE gives none): push instead.
    #[error("this LINE event has no reply token: push the messages instead")]
    NoReplyToken,
    /// The event's reply token was used already (it works once): push instead.
    #[error("the reply token of this LINE event was already used: push the messages instead")]
    ReplyTokenUsed,
    /// The reply token was not usable and the event names no user, group or room to push to.
    #[error(
        "cannot send the reply: the reply token is not usable and the event's source has no \
         user, group or room id to push to"
    )]
    NoDestination,
    /// A reply attempt failed uncertainly (a 5xx, a timeout, a connection lost after sending),
    /// and a later attempt with the same token was refused as "Invalid reply token". A fresh token
    /// is spent only by being used, and this delivery is its only user: the earlier attempt was
    /// carried out, and the messages were delivered. The delivery counts them as delivered
    /// rather than push them a second time.
    #[error(
        "the reply token was spent by an earlier attempt that failed uncertainly (after \
         {attempts} attempt(s)): the messages were most likely delivered then"
    )]
    SpentByEarlierAttempt {
        /// How many attempts were made.
        attempts: u32,
    },
}

impl ReplyError {
    /// Whether a later attempt may succeed: rate limits, network trouble and 5xx (whose own
    /// retries ran out). A 4xx, the monthly quota, a refused request or a missing destination
    /// would fail the same way again.
    pub fn is_retryable(&self) -> bool {
        match self {
            ReplyError::Api { status, .. } => *status >= 500,
            ReplyError::RateLimited { .. } | ReplyError::Network { .. } => true,
            ReplyError::MonthlyLimit { .. }
            | ReplyError::InvalidResponse { .. }
            | ReplyError::InvalidRequest { .. }
            | ReplyError::NoReplyToken
            | ReplyError::ReplyTokenUsed
            | ReplyError::NoDestination
            | ReplyError::SpentByEarlierAttempt { .. } => false,
        }
    }

    /// Whether the reply token cannot be used (LINE refused it as used, expired or unknown; it
    /// was used already; there is none): a push can still deliver.
    pub fn is_invalid_reply_token(&self) -> bool {
        match self {
            ReplyError::Api {
                status: 400,
                message,
                ..
            } => message.to_ascii_lowercase().contains("invalid reply token"),
            ReplyError::NoReplyToken | ReplyError::ReplyTokenUsed => true,
            _ => false,
        }
    }
}

fn describe_details(details: &[ApiErrorDetail]) -> String {
    let parts: Vec<String> = details
        .iter()
        .map(|d| match (&d.property, &d.message) {
            (Some(p), Some(m)) => format!("{p}: {m}"),
            (None, Some(m)) => m.clone(),
            (Some(p), None) => p.clone(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_names_endpoint_status_details_and_attempts() {
        let e = ReplyError::Api {
            method: Method::POST,
            endpoint: "/v2/bot/message/push".into(),
            status: 400,
            message: "The request body has 1 error(s)".into(),
            details: vec![ApiErrorDetail {
                message: Some("Length must be between 0 and 5000".into()),
                property: Some("messages[0].text".into()),
            }],
            attempts: 1,
        };
        assert_eq!(
            e.to_string(),
            "LINE POST /v2/bot/message/push failed with HTTP 400: The request body has 1 error(s) \
             (messages[0].text: Length must be between 0 and 5000) (after 1 attempt(s))"
        );
    }

    #[test]
    fn recognises_an_invalid_reply_token() {
        let e = |status, message: &str| ReplyError::Api {
            method: Method::POST,
            endpoint: "/v2/bot/message/reply".into(),
            status,
            message: message.into(),
            details: vec![],
            attempts: 1,
        };
        assert!(e(400, "Invalid reply token").is_invalid_reply_token());
        assert!(!e(400, "The request body has 1 error(s)").is_invalid_reply_token());
        assert!(!e(500, "Invalid reply token").is_invalid_reply_token());
        assert!(ReplyError::ReplyTokenUsed.is_invalid_reply_token());
        assert!(ReplyError::NoReplyToken.is_invalid_reply_token());
        assert!(!ReplyError::NoDestination.is_invalid_reply_token());
    }

    #[test]
    fn the_monthly_limit_is_permanent_and_says_so() {
        let e = ReplyError::MonthlyLimit {
            method: Method::POST,
            endpoint: "/v2/bot/message/push".into(),
            message: "You have reached your monthly limit.".into(),
            attempts: 1,
        };
        assert!(!e.is_retryable());
        assert!(!e.is_invalid_reply_token());
        let text = e.to_string();
        assert!(text.contains("monthly message quota is used up"), "{text}");
        assert!(text.contains("not retried"), "{text}");
        let rate_limited = ReplyError::RateLimited {
            method: Method::POST,
            endpoint: "/v2/bot/message/push".into(),
            message: "Too Many Requests".into(),
            retry_after: None,
            attempts: 3,
        };
        assert!(rate_limited.is_retryable());
    }
}
