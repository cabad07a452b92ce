//! Slack's OAuth v2 install: `GET /slack/install` sends the browser to Slack's authorize page
//! with a fresh `state` bound to it by a cookie; `GET /slack/oauth_redirect` checks that state —
//! issued, unused, at most 10 minutes old, the browser's own — before it exchanges the code
//! and stores the installation. Nothing is exchanged or stored on any failure.

use std::sync::Arc;

use ackbot_core::adapter::{Page, PageRequest};
use ackbot_core::runtime::Clock;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::pages::{self, html};
use super::{InstallationStore, OAuthClient};
use crate::ReplyError;

/// The route that starts an install.
pub const INSTALL_ROUTE: &str = "/slack/install";
/// The route Slack sends the browser back to.
pub const OAUTH_REDIRECT_ROUTE: &str = "/slack/oauth_redirect";
/// The cookie that binds a state to the browser that asked for it.
pub const STATE_COOKIE: &str = "ackbot-slack-oauth-state";
/// How long a state may be used.
pub const STATE_TTL_MS: i64 = 10 * 60 * 1000;

/// What the install asks Slack for, and where it ends.
#[derive(Clone, Debug)]
pub struct InstallOptions {
    /// The bot scopes (`scope`).
    pub scopes: Vec<String>,
    /// The user scopes (`user_scope`).
    pub user_scopes: Vec<String>,
    /// The https base URL the routes are reached at (`ACKBOT_PUBLIC_URL`).
    pub public_url: String,
    /// Where a successful install sends the browser (`ACKBOT_OAUTH_SUCCESS_URL`); else a page.
    pub success_url: Option<String>,
    /// Slack's authorize page: `https://slack.com/oauth/v2/authorize`, or a stand-in's.
    pub authorize_url: String,
}

/// The two install pages.
pub struct InstallFlow {
    options: InstallOptions,
    store: Arc<dyn InstallationStore>,
    oauth: OAuthClient,
    clock: Arc<dyn Clock>,
}

impl InstallFlow {
    /// The flow for `options`, keeping states and installations in `store`.
    pub fn new(
        options: InstallOptions,
        store: Arc<dyn InstallationStore>,
        oauth: OAuthClient,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            options,
            store,
            oauth,
            clock,
        }
    }

    /// The `redirect_uri` Slack sends the browser back to.
    pub fn redirect_uri(&self) -> String {
        format!(
            "{}{OAUTH_REDIRECT_ROUTE}",
            self.options.public_url.trim_end_matches('/')
        )
    }

    /// Answers a `GET` of [`INSTALL_ROUTE`] or [`OAUTH_REDIRECT_ROUTE`].
    pub async fn page(&self, request: &PageRequest) -> Page {
        match request.route.as_str() {
            INSTALL_ROUTE => self.start().await,
            OAUTH_REDIRECT_ROUTE => {
                let mut page = self.finish(request).await;
                page.headers.push(("set-cookie".into(), self.cookie("", 0)));
                page
            }
            _ => Page::not_found(),
        }
    }

    /// A fresh state, recorded and set as the browser's cookie, and the way to Slack.
    async fn start(&self) -> Page {
        let state = new_state();
        let expires = self.clock.now_ms() + STATE_TTL_MS;
        if let Err(e) = self.store.issue_state(&hashed(&state), expires).await {
            tracing::error!(error = %ackbot_core::chain(&e), "could not record an install's state");
            return html(
                503,
                "Try again",
                "The install could not start: try again in a moment.",
                None,
            );
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", self.oauth.client_id())
            .append_pair("scope", &self.options.scopes.join(","))
            .append_pair("user_scope", &self.options.user_scopes.join(","))
            .append_pair("state", &state)
            .append_pair("redirect_uri", &self.redirect_uri())
            .finish();
        let location = format!("{}?{query}", self.options.authorize_url);
        let mut page = pages::redirect(&location, "Add to Slack");
        let max_age = STATE_TTL_MS / 1000;
        page.headers
            .push(("set-cookie".into(), self.cookie(&state, max_age)));
        page
    }

    async fn finish(&self, request: &PageRequest) -> Page {
        let state = request.param("state").unwrap_or_default();
        let bound =
            !state.is_empty() && request.cookie(STATE_COOKIE).is_some_and(|c| same(c, state));
        if let Some(error) = request.param("error") {
            if bound {
                let _ = self
                    .store
                    .spend_state(&hashed(state), self.clock.now_ms())
                    .await;
            }
            return match error {
                "access_denied" => html(
                    200,
                    "Not installed",
                    "The app was not installed: you cancelled on Slack's page. Nothing was changed.",
                    None,
                ),
                other => {
                    let other: String = other.chars().take(100).collect();
                    tracing::warn!(error = %other, "Slack sent the install back with an error");
                    html(
                        400,
                        "Not installed",
                        &format!("Slack did not install the app: {other}."),
                        None,
                    )
                }
            };
        }
        if !bound {
            tracing::warn!(state = !state.is_empty(), cookie = request.cookie(STATE_COOKIE).is_some(),
                request_id = %request.request_id, "install refused: the state is missing or not this browser's");
            return html(
                400,
                "Not installed",
                "This install was not started in this browser, or its link is incomplete: open the install link again.",
                None,
            );
        }
        match self
            .store
            .spend_state(&hashed(state), self.clock.now_ms())
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(request_id = %request.request_id, "install refused: the state expired or was used already");
                return html(
                    400,
                    "Not installed",
                    "This install link has expired or was used already: open the install link again.",
                    None,
                );
            }
            Err(e) => {
                tracing::error!(error = %ackbot_core::chain(&e), "could not check an install's state");
                return html(
                    503,
                    "Try again",
                    "The install could not be checked: open the install link again in a moment.",
                    None,
                );
            }
        }
        let Some(code) = request.param("code").filter(|c| !c.is_empty()) else {
            return html(
                400,
                "Not installed",
                "Slack's answer carried no code: open the install link again.",
                None,
            );
        };
        self.exchange(code).await
    }

    async fn exchange(&self, code: &str) -> Page {
        let record = match self.oauth.exchange(code, &self.redirect_uri()).await {
            Ok(Some(record)) => record,
            Ok(None) => {
                tracing::error!("oauth.v2.access answered without a token or a workspace");
                return html(
                    502,
                    "Not installed",
                    "Slack's answer lacked the token or the workspace: open the install link again.",
                    None,
                );
            }
            Err(ReplyError::Api { message, .. }) => {
                let code: String = message.chars().take(100).collect();
                tracing::warn!(error = %code, "Slack refused the install's code");
                return html(
                    400,
                    "Not installed",
                    &format!("Slack refused the install ({code}): open the install link again."),
                    None,
                );
            }
            Err(e) => {
                tracing::error!(error = %e, "could not reach Slack to finish an install");
                return html(
                    502,
                    "Not installed",
                    "Slack could not be reached to finish the install: open the install link again.",
                    None,
                );
            }
        };
        if let Err(e) = self.store.save(&record).await {
            tracing::error!(error = %ackbot_core::chain(&e), "could not store an installation");
            return html(
                503,
                "Not installed",
                "The installation could not be saved: open the install link again.",
                None,
            );
        }
        let installation = &record.installation;
        let place = (installation.team_name.clone())
            .or_else(|| installation.enterprise_name.clone())
            .unwrap_or_else(|| "the workspace".into());
        tracing::info!(installation = %installation.key(), user = %installation.user_id, "installed");
        match &self.options.success_url {
            Some(url) => pages::redirect(url, "Installed"),
            None => html(
                200,
                "Installed",
                &format!("The app is installed in {place}. You can close this page."),
                None,
            ),
        }
    }

    /// The state cookie: only sent back to the redirect route, over https when the public URL
    /// is, never to scripts, and not on cross-site requests but top-level navigation.
    fn cookie(&self, state: &str, max_age: i64) -> String {
        let public = reqwest::Url::parse(&self.options.public_url).ok();
        let base = public
            .as_ref()
            .map(|u| u.path().trim_end_matches('/'))
            .unwrap_or_default();
        let secure = match public.as_ref().map(reqwest::Url::scheme) {
            Some("https") => "; Secure",
            _ => "",
        };
        format!(
            "{STATE_COOKIE}={state}; Path={base}{OAUTH_REDIRECT_ROUTE}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
        )
    }
}

/// 32 random bytes, URL-safe.
fn new_state() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the store keeps of a state: its hash, so a copy of the store opens no install.
fn hashed(state: &str) -> String {
    format!("state:{}", hex::encode(Sha256::digest(state.as_bytes())))
}

/// `a == b` in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}
