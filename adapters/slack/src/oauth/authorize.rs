//! The right token for each request: [`Authorize`] finds the installation of the workspace a
//! request came from; [`StoreAuthorizer`], the default, reads it from the installation store and
//! refreshes a rotating token before it expires — once, under a lease, however many workers
//! need it at the same moment.

use std::sync::Arc;
use std::time::Duration;

use ackbot_core::runtime::Clock;
use ackbot_core::{BoxError, ExposeSecret, SecretString};
use futures::future::BoxFuture;

use super::{
    Installation, InstallationKey, InstallationRecord, InstallationStore, OAuthClient, Stored,
    Workspace,
};
use crate::ReplyError;

/// How long before it expires a rotating token is refreshed (as Slack's Python SDK does).
pub const REFRESH_BEFORE_MS: i64 = 2 * 60 * 60 * 1000;
/// How long a worker may take to refresh a token before another may try.
const LEASE_MS: i64 = 15_000;
/// How often a worker waiting for another's refresh looks again, and how many times.
const WAIT: Duration = Duration::from_millis(200);
const WAITS: u32 = 50;

/// An installation found for a request, with the tokens its calls carry.
#[derive(Clone, Debug)]
pub struct Authorized {
    /// The installation, for the [`Installation`] extractor.
    pub installation: Installation,
    /// The bot token every Web API call of the request carries.
    pub bot_token: SecretString,
}

/// Finds the installation serving a workspace: the default reads the installation store; a bot
/// that keeps its tokens elsewhere gives its own (`SlackConfig::with_authorize`).
pub trait Authorize: Send + Sync {
    /// The installation serving `workspace` and its token, or `None` where the app is not
    /// installed (the request then makes no Web API call). An error is one a later attempt may
    /// get past: the Envelope is tried again.
    fn authorize<'a>(
        &'a self,
        workspace: &'a Workspace,
    ) -> BoxFuture<'a, Result<Option<Authorized>, BoxError>>;
}

/// A bot's own [`Authorize`], given as its state so that `Bot::run` uses it in distribution mode:
/// `Bot::new().state(AuthorizeWith(Arc::new(MyTokens)))`.
#[derive(Clone)]
pub struct AuthorizeWith(pub Arc<dyn Authorize>);

/// The default [`Authorize`]: the installation store, with token rotation.
pub struct StoreAuthorizer {
    store: Arc<dyn InstallationStore>,
    oauth: OAuthClient,
    clock: Arc<dyn Clock>,
}

impl StoreAuthorizer {
    /// Reads installations from `store`, refreshing rotating tokens through `oauth`.
    pub fn new(
        store: Arc<dyn InstallationStore>,
        oauth: OAuthClient,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            oauth,
            clock,
        }
    }

    async fn find(
        &self,
        workspace: &Workspace,
    ) -> Result<Option<(InstallationKey, Stored)>, BoxError> {
        for key in workspace.keys() {
            if let Some(stored) = self.store.find(&key).await? {
                return Ok(Some((key, stored)));
            }
        }
        Ok(None)
    }

    /// The installation's token, refreshed first when it is about to expire.
    async fn fresh(
        &self,
        key: &InstallationKey,
        mut stored: Stored,
    ) -> Result<Option<Authorized>, BoxError> {
        for _ in 0..WAITS {
            let record = &stored.record;
            if record.needs_reinstall {
                tracing::warn!(installation = %key,
                    "this installation's token could not be refreshed: it needs a re-install (open the install link again)");
                return Ok(None);
            }
            let now = self.clock.now_ms();
            let expires = record.bot.expires_at_ms;
            let refresh = record.bot.refresh_token.clone();
            let (Some(expires), Some(refresh)) = (expires, refresh) else {
                return Ok(Some(authorized(record)));
            };
            if expires - now > REFRESH_BEFORE_MS {
                return Ok(Some(authorized(record)));
            }
            if self
                .store
                .lease(key, stored.version, now, now + LEASE_MS)
                .await?
            {
                return self.refresh(key, &stored, &refresh).await;
            }
            // Another worker is refreshing it: its token is still good until it expires.
            if expires > now + 1_000 {
                return Ok(Some(authorized(record)));
            }
            tokio::time::sleep(WAIT).await;
            match self.store.find(key).await? {
                Some(again) => stored = again,
                None => return Ok(None),
            }
        }
        Err("the token expired and another worker's refresh has not finished".into())
    }

    /// Spends the refresh token (the caller holds the lease) and stores what Slack gave back.
    async fn refresh(
        &self,
        key: &InstallationKey,
        stored: &Stored,
        refresh: &SecretString,
    ) -> Result<Option<Authorized>, BoxError> {
        let record = &stored.record;
        match self.oauth.refresh(refresh).await {
            Ok(token) => {
                tracing::info!(installation = %key, "refreshed the bot token");
                let renewed = InstallationRecord {
                    bot: token,
                    ..record.clone()
                };
                if !self.store.replace(key, stored.version, &renewed).await? {
                    // Re-installed or uninstalled meanwhile: what is stored now wins.
                    return match self.store.find(key).await? {
                        Some(now) => Ok(Some(authorized(&now.record))),
                        None => Ok(None),
                    };
                }
                Ok(Some(authorized(&renewed)))
            }
            Err(ReplyError::Api { message, .. }) if message == "invalid_grant" => {
                tracing::error!(installation = %key,
                    "Slack refused this installation's refresh token (invalid_grant): it needs a re-install; its requests make no Web API call until then");
                let marked = InstallationRecord {
                    needs_reinstall: true,
                    ..record.clone()
                };
                self.store.replace(key, stored.version, &marked).await?;
                Ok(None)
            }
            Err(e) => {
                let expires = record.bot.expires_at_ms.unwrap_or(i64::MAX);
                if expires > self.clock.now_ms() {
                    tracing::warn!(installation = %key, error = %e,
                        "could not refresh the bot token yet: using it until it expires");
                    return Ok(Some(authorized(record)));
                }
                Err(Box::new(e))
            }
        }
    }
}

fn authorized(record: &InstallationRecord) -> Authorized {
    Authorized {
        installation: record.installation.clone(),
        bot_token: SecretString::from(record.bot.token.expose_secret().to_string()),
    }
}

impl Authorize for StoreAuthorizer {
    fn authorize<'a>(
        &'a self,
        workspace: &'a Workspace,
    ) -> BoxFuture<'a, Result<Option<Authorized>, BoxError>> {
        Box::pin(async move {
            match self.find(workspace).await? {
                Some((key, stored)) => self.fresh(&key, stored).await,
                None => Ok(None),
            }
        })
    }
}

/// What `app_uninstalled` and `tokens_revoked` change in the store.
pub(crate) async fn forget(
    store: &dyn InstallationStore,
    workspace: &Workspace,
    revoked: Revoked,
) -> Result<(), BoxError> {
    for key in workspace.keys() {
        let Some(stored) = store.find(&key).await? else {
            continue;
        };
        let record = &stored.record;
        let bot_gone = match &revoked {
            Revoked::App => true,
            Revoked::Tokens { bot, .. } => bot.contains(&record.installation.bot_user_id),
        };
        if bot_gone {
            store.delete(&key).await?;
            tracing::info!(installation = %key, "deleted the installation: the app was uninstalled or its bot token revoked");
            continue;
        }
        if let Revoked::Tokens { users, .. } = &revoked
            && record.user.is_some()
            && users.contains(&record.installation.user_id)
        {
            let without = InstallationRecord {
                user: None,
                ..record.clone()
            };
            store.replace(&key, stored.version, &without).await?;
            tracing::info!(installation = %key, "removed the installing user's revoked token");
        }
    }
    Ok(())
}

/// What a workspace took back.
pub(crate) enum Revoked {
    /// The whole app (`app_uninstalled`).
    App,
    /// Tokens (`tokens_revoked`): of these bot users, and of these users.
    Tokens {
        bot: Vec<String>,
        users: Vec<String>,
    },
}
