//! What the Slack adapter needs to know: the signing secret, the bot token, the API's address
//! and how patiently to retry.

use std::time::Duration;

use std::sync::Arc;

use ackbot_core::SecretString;

use crate::assistant::{MemoryThreadContexts, ThreadContexts};

use crate::oauth::Distribution;
use ackbot_core::retry::{DEFAULT_HTTP_TIMEOUT, RetryPolicy};

/// The Web API base URL used when none is configured.
pub const DEFAULT_API_URL: &str = "https://slack.com/api";

/// Configuration of the Slack adapter, built with [`SlackConfig::new`] and the `with_*` methods.
#[derive(Clone, Debug)]
pub struct SlackConfig {
    /// The app's Signing Secret (`SLACK_SIGNING_SECRET`).
    pub signing_secret: SecretString,
    /// The bot token (`SLACK_BOT_TOKEN`, `xoxb-…`), needed for `chat.postMessage` replies.
    pub bot_token: Option<SecretString>,
    /// The Web API base URL (`SLACK_API_URL`), `https://slack.com/api` by default.
    pub api_url: String,
    /// How often and how patiently to retry replies.
    pub retry: RetryPolicy,
    /// The timeout of one HTTP request to Slack (`ACKBOT_HTTP_TIMEOUT_MS`, 10 s by default); a
    /// request that takes longer is retried like a network error.
    pub http_timeout: Duration,
    /// Whether replies may also go to `response_url`s on loopback addresses (a developer's
    /// `ackbot serve` on 127.0.0.1, where `ackbot send` and the inspector listen for replies).
    /// Otherwise only Slack's own (`https://hooks.slack.com/…`) and the API host's are used.
    pub loopback_response_urls: bool,
    /// Distribution mode (many workspaces, OAuth install): tokens come from installations.
    pub distribution: Option<Distribution>,
    /// Where assistant threads' contexts are kept; this process's memory by default.
    pub thread_contexts: ThreadContextStore,
}

/// The [`ThreadContexts`] a [`SlackConfig`] keeps assistant threads' contexts in.
#[derive(Clone)]
pub struct ThreadContextStore(pub Arc<dyn ThreadContexts>);

impl Default for ThreadContextStore {
    /// This process's memory.
    fn default() -> Self {
        Self(Arc::new(MemoryThreadContexts::default()))
    }
}

impl std::fmt::Debug for ThreadContextStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ThreadContextStore")
    }
}

impl SlackConfig {
    /// A configuration with the given signing secret, no bot token and the default API URL.
    pub fn new(signing_secret: impl Into<SecretString>) -> Self {
        Self {
            signing_secret: signing_secret.into(),
            bot_token: None,
            api_url: DEFAULT_API_URL.to_string(),
            retry: RetryPolicy::default(),
            http_timeout: DEFAULT_HTTP_TIMEOUT,
            loopback_response_urls: false,
            distribution: None,
            thread_contexts: ThreadContextStore::default(),
        }
    }

    /// Keeps assistant threads' contexts in `store` (one every worker shares: `serve`'s file,
    /// DynamoDB on Lambda) instead of this process's memory.
    pub fn with_thread_contexts(mut self, store: Arc<dyn ThreadContexts>) -> Self {
        self.thread_contexts = ThreadContextStore(store);
        self
    }

    /// Sets the bot token used for `chat.postMessage`.
    pub fn with_bot_token(mut self, bot_token: impl Into<SecretString>) -> Self {
        self.bot_token = Some(bot_token.into());
        self
    }

    /// Sets the Web API base URL, e.g. a local stand-in's.
    pub fn with_api_url(mut self, api_url: impl Into<String>) -> Self {
        self.api_url = api_url.into();
        self
    }

    /// Sets the retry policy for replies.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the timeout of one HTTP request to Slack.
    pub fn with_http_timeout(mut self, timeout: Duration) -> Self {
        self.http_timeout = timeout;
        self
    }

    /// Turns distribution mode on: the app is installed in many workspaces with Slack's OAuth,
    /// and each request's Web API calls carry its workspace's token.
    pub fn with_distribution(mut self, distribution: Distribution) -> Self {
        self.distribution = Some(distribution);
        self
    }

    /// Allows (or not) `response_url`s on loopback addresses, for an edge on a developer's
    /// machine.
    pub fn with_loopback_response_urls(mut self, allowed: bool) -> Self {
        self.loopback_response_urls = allowed;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::ExposeSecret;

    #[test]
    fn builder_sets_every_field() {
        let c = SlackConfig::new("s3cret")
            .with_bot_token("xoxb-1")
            .with_api_url("http://127.0.0.1:9/api")
            .with_retry(RetryPolicy::fixed(2, Duration::ZERO))
            .with_http_timeout(Duration::from_millis(300));
        assert_eq!(c.signing_secret.expose_secret(), "s3cret");
        assert_eq!(
            c.bot_token.as_ref().map(ExposeSecret::expose_secret),
            Some("xoxb-1")
        );
        assert_eq!(c.api_url, "http://127.0.0.1:9/api");
        assert_eq!(c.retry.max_attempts, 2);
        assert_eq!(c.http_timeout, Duration::from_millis(300));
        let defaults = SlackConfig::new("x");
        assert_eq!(defaults.api_url, DEFAULT_API_URL);
        assert_eq!(defaults.http_timeout, Duration::from_secs(10));
    }

    #[test]
    fn debug_hides_secrets() {
        let c = SlackConfig::new("s3cret").with_bot_token("xoxb-1");
        let text = format!("{c:?}");
        assert!(
            !text.contains("s3cret") && !text.contains("xoxb-1"),
            "{text}"
        );
    }
}
