//! The errors of the Slack adapter, one enum per job: configuration, signature, parsing, replies.

use std::time::Duration;

/// Why a [`SlackAdapter`](crate::SlackAdapter) could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The signing secret is empty or only white space.
    #[error(
        "SLACK_SIGNING_SECRET is empty: set it to the Signing Secret from your Slack app's \
         Basic Information page"
    )]
    EmptySigningSecret,
    /// The API base URL does not parse.
    #[error("SLACK_API_URL `{0}` is not a valid URL (expected e.g. https://slack.com/api)")]
    BadApiUrl(String),
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client for Slack: {0}")]
    HttpClient(String),
    /// Distribution mode's settings cannot be used.
    #[error("distribution mode: {0}")]
    Distribution(String),
}

/// Why a request did not pass Slack's signature check. Never carries a secret or a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signing secret is empty, so no request can be trusted.
    #[error("the Slack signing secret is empty: refusing to verify")]
    EmptySecret,
    /// The `X-Slack-Request-Timestamp` header is absent.
    #[error("missing X-Slack-Request-Timestamp header")]
    MissingTimestamp,
    /// The `X-Slack-Signature` header is absent.
    #[error("missing X-Slack-Signature header")]
    MissingSignature,
    /// The timestamp is not a whole number of seconds.
    #[error("X-Slack-Request-Timestamp is not a whole number of seconds")]
    BadTimestamp,
    /// A signature header was sent more than once: which copy counts depends on the proxy, so
    /// neither does.
    #[error("the {0} header was sent more than once")]
    RepeatedHeader(&'static str),
    /// The signature does not start with `v0=`, the only version Slack uses.
    #[error("X-Slack-Signature is not a `v0=` signature")]
    UnsupportedVersion,
    /// The timestamp is more than 300 s away from the receive time; `skew_secs` is positive
    /// when the request is older, negative when it claims to come from the future.
    #[error(
        "request timestamp is {} s {} the receive time (at most 300 s allowed)",
        skew_secs.unsigned_abs(),
        if *skew_secs >= 0 { "before" } else { "after" }
    )]
    Stale {
        /// Receive time minus request timestamp, in seconds.
        skew_secs: i64,
    },
    /// The signature does not match the body.
    #[error("X-Slack-Signature does not match the request body")]
    Mismatch,
}

/// Why a verified Slack request could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// A field every payload of this kind carries is absent or empty.
    #[error("the Slack payload has no `{0}` field")]
    MissingField(&'static str),
    /// The body (or the interactivity `payload` field) is not valid JSON.
    #[error("the Slack payload is not valid JSON: {0}")]
    Json(String),
    /// The JSON is valid but not an object.
    #[error("the Slack payload is not a JSON object")]
    NotAnObject,
    /// The Envelope came in on a route this adapter does not serve.
    #[error("no Slack payload is expected on route `{0}`")]
    UnknownRoute(String),
}

/// Why a reply could not be sent to Slack. Never carries a token or a `response_url`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// Slack refused the request: a non-2xx status, or `{"ok":false}` with HTTP 200.
    #[error("Slack answered HTTP {status}: {message}")]
    Api {
        /// The HTTP status code.
        status: u16,
        /// Slack's `error` code or the start of the response body.
        message: String,
    },
    /// Slack rate-limited the request (HTTP 429 or `ratelimited`).
    #[error("Slack rate-limited the request{}", retry_after.map(|d| format!(" (Retry-After {} s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// How long Slack asked us to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// Slack could not be reached, or did not answer in time.
    #[error("could not reach Slack: {0}")]
    Network(String),
    /// A Web API call (a reply with `chat.postMessage`, `views.open`…) and no bot token is
    /// configured.
    #[error(
        "SLACK_BOT_TOKEN is not set: Web API calls (replies without a response_url with \
         chat.postMessage, views.open, …) need the bot token (xoxb-…) from your Slack app's \
         OAuth & Permissions page"
    )]
    MissingToken,
    /// Distribution mode: the workspace the request came from has no usable installation (not
    /// installed, uninstalled, or waiting for a re-install), so no Web API call is made.
    #[error("no Web API call for this request: {0}")]
    NotInstalled(String),
    /// A call refused before any request: not a Web API method name, or not a JSON object body.
    #[error("not sent to Slack: {0}")]
    InvalidCall(String),
    /// The retries ran out; `last` is the final failure.
    #[error("gave up after {attempts} attempt{}: {last}", if *attempts == 1 { "" } else { "s" })]
    GaveUp {
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        last: Box<ReplyError>,
    },
}

impl ReplyError {
    /// Whether a later attempt may succeed: rate limits, network trouble and 5xx (whose own
    /// retries ran out). Other refusals (4xx, `ok:false`, no token) would fail the same way again.
    pub fn is_retryable(&self) -> bool {
        match self {
            ReplyError::Api { status, message } => *status >= 500 || message == "ratelimited",
            ReplyError::RateLimited { .. } | ReplyError::Network(_) => true,
            ReplyError::MissingToken | ReplyError::NotInstalled(_) | ReplyError::InvalidCall(_) => {
                false
            }
            ReplyError::GaveUp { last, .. } => last.is_retryable(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_failures_are_retryable() {
        let api = |status: u16, message: &str| ReplyError::Api {
            status,
            message: message.into(),
        };
        assert!(api(503, "down").is_retryable());
        assert!(!api(404, "expired_url").is_retryable());
        assert!(!api(200, "channel_not_found").is_retryable());
        assert!(!ReplyError::MissingToken.is_retryable());
        assert!(ReplyError::Network("reset".into()).is_retryable());
        let gave_up = ReplyError::GaveUp {
            attempts: 4,
            last: Box::new(api(502, "bad gateway")),
        };
        assert!(gave_up.is_retryable());
    }

    #[test]
    fn stale_says_which_direction() {
        let past = VerifyError::Stale { skew_secs: 301 }.to_string();
        assert!(past.contains("301 s before"), "{past}");
        let future = VerifyError::Stale { skew_secs: -301 }.to_string();
        assert!(future.contains("301 s after"), "{future}");
    }

    #[test]
    fn gave_up_counts_attempts() {
        let e = ReplyError::GaveUp {
            attempts: 3,
            last: Box::new(ReplyError::Api {
                status: 503,
                message: "down".into(),
            }),
        };
        assert_eq!(
            e.to_string(),
            "gave up after 3 attempts: Slack answered HTTP 503: down"
        );
    }

    #[test]
    fn messages_name_the_variable_to_set() {
        assert!(
            ConfigError::EmptySigningSecret
                .to_string()
                .contains("SLACK_SIGNING_SECRET")
        );
        assert!(
            ReplyError::MissingToken
                .to_string()
                .contains("SLACK_BOT_TOKEN")
        );
    }
}
