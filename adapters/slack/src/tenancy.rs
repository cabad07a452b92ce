//! Distribution mode inside the adapter: the install pages, and before each request's handler
//! runs, its workspace's installation — after `app_uninstalled` and `tokens_revoked` have
//! changed the store.

use std::sync::Arc;

use ackbot_core::adapter::Work;
use ackbot_core::{BoxError, ExposeSecret};
use serde_json::Value;

use crate::ConfigError;
use crate::client::SlackClient;
use crate::oauth::{
    Authorize, Distribution, Grant, InstallFlow, InstallOptions, InstallationStore, OAuthClient,
    Revoked, StoreAuthorizer, authorize_url, forget,
};

/// Distribution mode's parts.
pub(crate) struct Tenancy {
    pub(crate) flow: InstallFlow,
    authorizer: Arc<dyn Authorize>,
    store: Arc<dyn InstallationStore>,
}

impl std::fmt::Debug for Tenancy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenancy").finish_non_exhaustive()
    }
}

impl Tenancy {
    pub(crate) fn new(
        d: Distribution,
        client: &SlackClient,
        api_url: &str,
    ) -> Result<Self, ConfigError> {
        if d.client_id.trim().is_empty() || d.client_secret.expose_secret().trim().is_empty() {
            return Err(ConfigError::Distribution(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET must both be set".into(),
            ));
        }
        match reqwest::Url::parse(&d.public_url) {
            Ok(url) if matches!(url.scheme(), "https" | "http") => {}
            _ => {
                return Err(ConfigError::Distribution(format!(
                    "ACKBOT_PUBLIC_URL must be the https URL the app is reached at, not `{}`",
                    d.public_url
                )));
            }
        }
        let oauth = OAuthClient::new(
            d.client_id,
            d.client_secret,
            client.clone(),
            d.clock.clone(),
        );
        let authorizer = d.authorize.unwrap_or_else(|| {
            Arc::new(StoreAuthorizer::new(
                d.store.clone(),
                oauth.clone(),
                d.clock.clone(),
            ))
        });
        let options = InstallOptions {
            scopes: d.scopes,
            user_scopes: d.user_scopes,
            public_url: d.public_url,
            success_url: d.success_url,
            authorize_url: authorize_url(api_url),
        };
        Ok(Self {
            flow: InstallFlow::new(options, d.store.clone(), oauth, d.clock),
            authorizer,
            store: d.store,
        })
    }

    /// Gives `work`'s client its workspace's token and its handlers the `Installation`; a
    /// workspace without one makes no Web API call (and says so in the log).
    pub(crate) async fn authorize(&self, work: &mut Work) -> Result<(), BoxError> {
        let Some(grant) = work.extensions.get::<Arc<Grant>>().cloned() else {
            return Ok(());
        };
        let workspace = &grant.workspace;
        if let Some(revoked) = revoked(work) {
            forget(self.store.as_ref(), workspace, revoked).await?;
        }
        match self.authorizer.authorize(workspace).await? {
            Some(authorized) => {
                grant.set(Ok(authorized.bot_token));
                work.extensions.insert(authorized.installation);
            }
            None => {
                tracing::warn!(workspace = %workspace.describe(),
                    "no installation of this app for the workspace: its requests make no Web API call (replies through response_url still go)");
                grant.set(Err(format!(
                    "{} has no installation of this app",
                    workspace.describe()
                )));
            }
        }
        Ok(())
    }
}

/// What an `app_uninstalled` or `tokens_revoked` event takes back.
fn revoked(work: &Work) -> Option<Revoked> {
    let event = work.incoming.as_event()?;
    match event.event_type.as_str() {
        "app_uninstalled" => Some(Revoked::App),
        "tokens_revoked" => {
            let payload: Value = work.incoming.payload.parse().ok()?;
            let ids = |kind: &str| -> Vec<String> {
                (payload
                    .pointer(&format!("/event/tokens/{kind}"))
                    .and_then(Value::as_array))
                .map(|ids| {
                    ids.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default()
            };
            Some(Revoked::Tokens {
                bot: ids("bot"),
                users: ids("oauth"),
            })
        }
        _ => None,
    }
}
