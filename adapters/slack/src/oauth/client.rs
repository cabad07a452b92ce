//! `oauth.v2.access`, the one method an app calls with its client id and secret instead of a
//! token: exchanging an install's code, and refreshing a rotating token.

use std::sync::Arc;

use ackbot_core::runtime::Clock;
use ackbot_core::{ExposeSecret, SecretString};

use super::{InstallationRecord, Token};
use crate::ReplyError;
use crate::client::SlackClient;

/// The app's OAuth credentials and the client that calls `oauth.v2.access` with them. Cheap to
/// clone; its `Debug` shows the client id only.
#[derive(Clone)]
pub struct OAuthClient {
    client_id: String,
    client_secret: SecretString,
    http: SlackClient,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl OAuthClient {
    /// A client for the app `client_id`, calling `oauth.v2.access` at `http`'s API URL.
    pub(crate) fn new(
        client_id: String,
        client_secret: SecretString,
        http: SlackClient,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            client_id,
            client_secret,
            http,
            clock,
        }
    }

    /// The app's client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Exchanges an install's `code` (sent to `redirect_uri`) for the installation and its
    /// tokens. `Ok(None)` when Slack's answer lacks a token or a workspace.
    pub async fn exchange(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> Result<Option<InstallationRecord>, ReplyError> {
        let answer = self
            .call(&[("code", code), ("redirect_uri", redirect_uri)])
            .await?;
        Ok(InstallationRecord::from_access(
            &answer,
            self.clock.now_ms(),
        ))
    }

    /// Spends `refresh_token` for a new token (and the next refresh token).
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<Token, ReplyError> {
        let answer = self
            .call(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose_secret()),
            ])
            .await?;
        Token::from_answer(&answer, self.clock.now_ms()).ok_or_else(|| ReplyError::Api {
            status: 200,
            message: "oauth.v2.access answered without an access_token".into(),
        })
    }

    async fn call(&self, fields: &[(&str, &str)]) -> Result<serde_json::Value, ReplyError> {
        let mut all = vec![
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
        ];
        all.extend_from_slice(fields);
        self.http.oauth_v2_access(&all).await
    }
}
