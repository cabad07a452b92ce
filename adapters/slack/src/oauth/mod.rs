//! Many workspaces ("distribution mode", on when the app's client id and secret are set):
//! Slack's OAuth v2 install (`install.rs`: `GET /slack/install`, `GET /slack/oauth_redirect`,
//! its pages in `pages.rs`), the installations and states it keeps (`store.rs`, the contract
//! every store keeps in `contract.rs`), the right token for each request (`authorize.rs`, with
//! token rotation; one request's token: `grant.rs`), and `oauth.v2.access` (`client.rs`).
//!
//! ```
//! use std::sync::Arc;
//! use ackbot_slack::oauth::{Distribution, MemoryInstallations};
//! use ackbot_slack::{SlackAdapter, SlackConfig};
//!
//! let distribution = Distribution::new("1234.5678", "0123456789abcdef0123456789abcdef",
//!     "https://bots.example.com/prod", Arc::new(MemoryInstallations::new()))
//!     .with_scopes(["chat:write", "commands"]);
//! let adapter = SlackAdapter::new(SlackConfig::new("signing-secret").with_distribution(distribution));
//! assert!(adapter.is_ok());
//! ```

mod authorize;
mod client;
#[cfg(any(test, feature = "test-util"))]
pub mod contract;
mod grant;
mod install;
mod installation;
mod pages;
mod store;

use std::fmt;
use std::sync::Arc;

use ackbot_core::SecretString;
use ackbot_core::runtime::{Clock, SystemClock};

pub use authorize::{Authorize, AuthorizeWith, Authorized, REFRESH_BEFORE_MS, StoreAuthorizer};
pub(crate) use authorize::{Revoked, forget};
pub use client::OAuthClient;
pub(crate) use grant::Grant;
pub use install::{
    INSTALL_ROUTE, InstallFlow, InstallOptions, OAUTH_REDIRECT_ROUTE, STATE_COOKIE, STATE_TTL_MS,
};
pub use installation::{Installation, InstallationKey, InstallationRecord, Token, Workspace};
pub use store::{InstallationStore, MemoryInstallations, StoreError, Stored};

/// Slack's authorize page.
pub const AUTHORIZE_URL: &str = "https://slack.com/oauth/v2/authorize";

/// What distribution mode needs: the app's OAuth credentials (`SLACK_CLIENT_ID`,
/// `SLACK_CLIENT_SECRET`), the scopes to ask for, the public URL, and where installations live.
#[derive(Clone)]
pub struct Distribution {
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: SecretString,
    /// The bot scopes an install asks for (`SLACK_SCOPES` and what the bot's registrations need).
    pub scopes: Vec<String>,
    /// The user scopes an install asks for (`SLACK_USER_SCOPES`).
    pub user_scopes: Vec<String>,
    /// The https base URL the install routes are reached at (`ACKBOT_PUBLIC_URL`).
    pub public_url: String,
    /// Where a finished install sends the browser (`ACKBOT_OAUTH_SUCCESS_URL`).
    pub success_url: Option<String>,
    /// Where installations and states are kept.
    pub store: Arc<dyn InstallationStore>,
    /// A bot's own way to find a workspace's token; the store's (with rotation) by default.
    pub authorize: Option<Arc<dyn Authorize>>,
    /// The clock states and tokens expire by.
    pub clock: Arc<dyn Clock>,
}

impl fmt::Debug for Distribution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Distribution")
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("user_scopes", &self.user_scopes)
            .field("public_url", &self.public_url)
            .field("custom_authorize", &self.authorize.is_some())
            .finish_non_exhaustive()
    }
}

impl Distribution {
    /// Distribution mode for the app `client_id`, reached at `public_url`, keeping
    /// installations in `store`; no scopes yet.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        public_url: impl Into<String>,
        store: Arc<dyn InstallationStore>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            user_scopes: Vec::new(),
            public_url: public_url.into(),
            success_url: None,
            store,
            authorize: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Adds bot scopes to ask for.
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Adds user scopes to ask for.
    pub fn with_user_scopes<S: Into<String>>(
        mut self,
        scopes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.user_scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Sends the browser to `url` after a successful install.
    pub fn with_success_url(mut self, url: impl Into<String>) -> Self {
        self.success_url = Some(url.into());
        self
    }

    /// Finds workspaces' tokens with `authorize` instead of the store.
    pub fn with_authorize(mut self, authorize: Arc<dyn Authorize>) -> Self {
        self.authorize = Some(authorize);
        self
    }

    /// Uses `clock` for the states' and tokens' expiry.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// Whether `url` is one a browser may be sent to and Slack may redirect to: an absolute https
/// URL, or http on a loopback host (a laptop). `ACKBOT_PUBLIC_URL` and `ACKBOT_OAUTH_SUCCESS_URL`
/// must be.
pub fn is_public_url(url: &str) -> bool {
    reqwest::Url::parse(url.trim()).is_ok_and(|u| {
        let loopback = matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        u.scheme() == "https" || (u.scheme() == "http" && loopback)
    })
}

/// Slack's authorize page for an API at `api_url`: Slack's own for `https://slack.com/api`,
/// else the same host's `/oauth/v2/authorize` (a stand-in's).
pub(crate) fn authorize_url(api_url: &str) -> String {
    let api_url = api_url.trim().trim_end_matches('/');
    if api_url == crate::DEFAULT_API_URL {
        return AUTHORIZE_URL.to_string();
    }
    format!(
        "{}/oauth/v2/authorize",
        api_url.strip_suffix("/api").unwrap_or(api_url)
    )
}
