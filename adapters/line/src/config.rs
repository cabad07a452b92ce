//! What the LINE adapter needs to know: channel secrets, access token, API URL, retry policy.

use std::time::Duration;

use ackbot_core::SecretString;
use ackbot_core::retry::{DEFAULT_HTTP_TIMEOUT, RetryPolicy};

/// The LINE API's production base URL.
pub const DEFAULT_API_URL: &str = "https://api.line.me";

/// How long after receipt a reply token is still used (LINE's limit is about one minute).
pub const DEFAULT_REPLY_TOKEN_TTL_MS: i64 = 50_000;

/// Configuration of the LINE adapter; build it with [`LineConfig::new`] and the `with_*` methods.
#[derive(Clone, Debug)]
pub struct LineConfig {
    /// Channel secrets; a webhook passes if its signature matches any of them (rotation).
    pub channel_secrets: Vec<SecretString>,
    /// The channel access token, sent as `Authorization: Bearer …`.
    pub access_token: SecretString,
    /// The API base URL, `https://api.line.me` unless a test points it elsewhere.
    pub api_url: String,
    /// Retries of API calls on 5xx, 429 and network errors.
    pub retry: RetryPolicy,
    /// A reply token older than this (since the gateway received the webhook) is not used.
    pub reply_token_ttl_ms: i64,
    /// The timeout of one HTTP request to the API (`ACKBOT_HTTP_TIMEOUT_MS`, 10 s by default); a
    /// request that takes longer is retried like a network error.
    pub http_timeout: Duration,
    /// The oldest event accepted, by its `timestamp` against the gateway's receive time: the
    /// time the idempotency store remembers a completed event (24 h by default). LINE's
    /// signature has no timestamp, so an older signed event could be sent again once its key is
    /// forgotten; it is skipped instead, and the store keeps keys at least this long.
    pub max_event_age_ms: i64,
    /// Whether a message is marked read (`POST /v2/bot/chat/markAsRead`) when its handler
    /// starts (`ACKBOT_LINE_MARK_AS_READ=on`); the channel's read mode must be manual.
    pub mark_as_read: bool,
}

impl LineConfig {
    /// A configuration from `LINE_CHANNEL_SECRET` (one secret, or several comma-separated while
    /// rotating) and `LINE_CHANNEL_ACCESS_TOKEN`, with the default URL, retries and token TTL.
    pub fn new(channel_secret: &str, access_token: impl Into<SecretString>) -> Self {
        Self {
            channel_secrets: split_secrets(channel_secret)
                .map(SecretString::from)
                .collect(),
            access_token: access_token.into(),
            api_url: DEFAULT_API_URL.to_string(),
            retry: RetryPolicy::default(),
            reply_token_ttl_ms: DEFAULT_REPLY_TOKEN_TTL_MS,
            http_timeout: DEFAULT_HTTP_TIMEOUT,
            max_event_age_ms: ackbot_core::runtime::Expiry::default().completed_ms,
            mark_as_read: false,
        }
    }

    /// Marks each message read when its handler starts (or not).
    pub fn with_mark_as_read(mut self, on: bool) -> Self {
        self.mark_as_read = on;
        self
    }

    /// Sets the API base URL (`LINE_API_URL`), e.g. a local stand-in of the API.
    pub fn with_api_url(mut self, api_url: impl Into<String>) -> Self {
        self.api_url = api_url.into();
        self
    }

    /// Sets the retry policy of API calls.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets how long after receipt a reply token is still used.
    pub fn with_reply_token_ttl_ms(mut self, ttl_ms: i64) -> Self {
        self.reply_token_ttl_ms = ttl_ms;
        self
    }

    /// Sets the timeout of one HTTP request to the API.
    pub fn with_http_timeout(mut self, timeout: Duration) -> Self {
        self.http_timeout = timeout;
        self
    }

    /// Sets the oldest event accepted: how long the idempotency store remembers a completed
    /// event ([`Expiry::completed_ms`](ackbot_core::runtime::Expiry::completed_ms)), no longer.
    pub fn with_max_event_age_ms(mut self, max_age_ms: i64) -> Self {
        self.max_event_age_ms = max_age_ms;
        self
    }
}

/// The secrets in `LINE_CHANNEL_SECRET`: comma-separated while rotating, spaces around each
/// ignored, empty ones skipped.
pub(crate) fn split_secrets(channel_secret: &str) -> impl Iterator<Item = &str> {
    channel_secret
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use ackbot_core::ExposeSecret;

    use super::*;

    #[test]
    fn splits_rotating_secrets() {
        let c = LineConfig::new(" old , new,", "token");
        let secrets: Vec<_> = c
            .channel_secrets
            .iter()
            .map(ExposeSecret::expose_secret)
            .collect();
        assert_eq!(secrets, ["old", "new"]);
        assert!(LineConfig::new("", "t").channel_secrets.is_empty());
    }

    #[test]
    fn defaults() {
        let c = LineConfig::new("s", "t");
        assert_eq!(c.api_url, "https://api.line.me");
        assert_eq!(c.reply_token_ttl_ms, 50_000);
        assert_eq!(c.http_timeout, Duration::from_secs(10));
        let c = c.with_http_timeout(Duration::from_millis(300));
        assert_eq!(c.http_timeout, Duration::from_millis(300));
    }

    #[test]
    fn debug_hides_secrets() {
        let c = LineConfig::new("channel-secret-value", "access-token-value");
        let text = format!("{c:?}");
        assert!(!text.contains("channel-secret-value") && !text.contains("access-token-value"));
    }
}
