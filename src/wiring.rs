//! The one place a worker is put together: the built bot, and an adapter for every platform the
//! configuration enables. `serve`, `demo` and the Lambda worker all start here.

use std::sync::Arc;

use crate::handlers::{Assistant, Model};
use ackbot_core::runtime::{DedupeStore, MemoryDedupe, Worker};
use ackbot_core::{Dispatcher, ExposeSecret};
use ackbot_discord::{DiscordAdapter, DiscordConfig};
use ackbot_line::{LineAdapter, LineConfig};
use ackbot_slack::oauth::{AuthorizeWith, Distribution, InstallationStore, StoreError};
use ackbot_slack::{SlackAdapter, SlackConfig, ThreadContexts};

use crate::Error;
use crate::config::{Config, ConfigError, DistributionSettings, IdempotencySettings};

/// The keys an in-memory store holds at most, as `MemoryDedupe::default()`.
const MEMORY_KEYS: usize = 100_000;

/// A worker for `dispatcher` with an adapter for every configured platform, and the idempotency
/// store the configuration names.
#[cfg(feature = "lambda")]
pub(crate) fn worker(dispatcher: Dispatcher, config: &Config) -> Result<Worker, Error> {
    build(dispatcher, config, false, None)
}

/// A worker as [`worker`] builds it, whose Slack installations (distribution mode) are kept in
/// `installations`: the test kit's memory.
#[cfg(feature = "testing")]
pub(crate) fn worker_with_installations(
    dispatcher: Dispatcher,
    config: &Config,
    installations: Arc<dyn InstallationStore>,
) -> Result<Worker, Error> {
    build(dispatcher, config, false, Some(installations))
}

/// The worker of an edge listening on `addr`: on a loopback address (a developer's machine) it
/// also posts Slack replies to `response_url`s on loopback addresses, where `ackbot send` and the
/// inspector's Send listen for them.
#[cfg(feature = "serve")]
pub(crate) fn local_worker(
    dispatcher: Dispatcher,
    config: &Config,
    addr: std::net::SocketAddr,
) -> Result<Worker, Error> {
    build(dispatcher, config, addr.ip().is_loopback(), None)
}

fn build(
    dispatcher: Dispatcher,
    config: &Config,
    loopback_response_urls: bool,
    installations: Option<Arc<dyn InstallationStore>>,
) -> Result<Worker, Error> {
    let slack = match &config.slack {
        Some(slack) => {
            let mut settings = SlackConfig::new(slack.signing_secret.clone())
                .with_api_url(&slack.api_url)
                .with_http_timeout(config.http_timeout)
                .with_loopback_response_urls(loopback_response_urls);
            if let Some(token) = &slack.bot_token {
                settings = settings.with_bot_token(token.clone());
            }
            let mut local_contexts = None;
            if let Some(d) = &slack.distribution {
                let store = match installations {
                    Some(store) => store,
                    None => {
                        let (store, contexts) = self::installations(d)?;
                        local_contexts = contexts;
                        store
                    }
                };
                settings = settings.with_distribution(distribution(&dispatcher, d, store)?);
            }
            if let Some(contexts) = thread_contexts(&config.idempotency)?.or(local_contexts) {
                settings = settings.with_thread_contexts(contexts);
            }
            Some(Arc::new(SlackAdapter::new(settings)?))
        }
        None => None,
    };
    if let (Some(assistant), Some(llm)) = (dispatcher.state::<Assistant>(), &config.llm) {
        let model = Model::new(llm.clone()).map_err(|e| ConfigError::Invalid {
            name: "ACKBOT_LLM_URL",
            value: e.to_string(),
            expected: "a model endpoint ackbot can build a client for",
        })?;
        assistant.configure(model);
    }
    // How each command is acknowledged on Discord: known before its handler runs.
    let catalog = dispatcher.catalog().to_vec();
    let mut worker = Worker::new(dispatcher).with_dedupe(dedupe(&config.idempotency)?);
    if let Some(slack) = slack {
        worker = worker.with_adapter(slack);
    }
    if let Some(line) = &config.line {
        let settings = LineConfig::new(
            line.channel_secret.expose_secret(),
            line.access_token.clone(),
        )
        .with_api_url(&line.api_url)
        .with_reply_token_ttl_ms(line.reply_token_ttl_ms)
        .with_mark_as_read(line.mark_as_read)
        .with_max_event_age_ms(config.idempotency.expiry.completed_ms)
        .with_http_timeout(config.http_timeout);
        worker = worker.with_adapter(Arc::new(LineAdapter::new(settings)?));
    }
    if let Some(discord) = &config.discord {
        let mut settings = DiscordConfig::new(&discord.public_key, &discord.application_id)
            .with_api_url(&discord.api_url)
            .with_http_timeout(config.http_timeout)
            .with_commands(&catalog);
        if let Some(token) = &discord.bot_token {
            settings = settings.with_bot_token(token.clone());
        }
        let adapter = DiscordAdapter::new(settings).map_err(ConfigError::from)?;
        worker = worker.with_adapter(Arc::new(adapter));
    }
    Ok(worker)
}

/// Distribution mode: the scopes the bot's registrations need and `SLACK_SCOPES`, the
/// installation store, and the bot's own `authorize` if it brought one (`AuthorizeWith`).
fn distribution(
    dispatcher: &Dispatcher,
    d: &DistributionSettings,
    store: Arc<dyn InstallationStore>,
) -> Result<Distribution, ConfigError> {
    let scopes = ackbot_slack::manifest::bot_scopes(dispatcher, &d.scopes).map_err(|e| {
        ConfigError::Invalid {
            name: "SLACK_SCOPES",
            value: e.to_string(),
            expected: "Slack scopes, comma-separated (e.g. reactions:write,users:read)",
        }
    })?;
    let mut distribution = Distribution::new(
        d.client_id.clone(),
        d.client_secret.clone(),
        d.public_url.clone(),
        store,
    )
    .with_scopes(scopes)
    .with_user_scopes(d.user_scopes.iter().cloned());
    if let Some(url) = &d.success_url {
        distribution = distribution.with_success_url(url.clone());
    }
    if let Some(AuthorizeWith(authorize)) = dispatcher.state::<AuthorizeWith>() {
        distribution = distribution.with_authorize(authorize.clone());
    }
    Ok(distribution)
}

/// A local store's assistant thread contexts, kept beside its installations.
type LocalContexts = Option<Arc<dyn ThreadContexts>>;

/// The installation store: the DynamoDB table when one is named (`ACKBOT_INSTALLATION_TABLE`),
/// else a file in `ACKBOT_DATA_DIR` (which keeps assistant threads' contexts too).
fn installations(
    d: &DistributionSettings,
) -> Result<(Arc<dyn InstallationStore>, LocalContexts), ConfigError> {
    if let Some(table) = &d.table {
        #[cfg(feature = "lambda")]
        {
            let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
            let store = ackbot_lambda::DynamoInstallations::from_env(table, env)
                .map_err(|e| ConfigError::Installations(StoreError::new(e)))?;
            return Ok((Arc::new(store), None));
        }
        #[cfg(not(feature = "lambda"))]
        return Err(ConfigError::Installations(StoreError::new(format!(
            "ACKBOT_INSTALLATION_TABLE ({table}) is set, but this build has no DynamoDB client: \
             enable ackbot's `lambda` feature, or unset it to keep installations on disk"
        ))));
    }
    #[cfg(feature = "serve")]
    {
        let store = ackbot_serve::installations::LocalInstallations::open(&d.data_dir)
            .map_err(ConfigError::Installations)?;
        let store = Arc::new(store);
        Ok((store.clone(), Some(store)))
    }
    #[cfg(not(feature = "serve"))]
    Err(ConfigError::Installations(StoreError::new(
        "distribution mode needs ACKBOT_INSTALLATION_TABLE in a build without `serve`",
    )))
}

/// Where assistant threads' contexts are kept when every worker must see them: the idempotency
/// table, when one is named (under Lambda). `None`: beside a local store's installations, or in
/// this process's memory (one `serve`).
fn thread_contexts(settings: &IdempotencySettings) -> Result<LocalContexts, ConfigError> {
    let Some(table) = &settings.table else {
        return Ok(None);
    };
    #[cfg(feature = "lambda")]
    {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let store =
            ackbot_lambda::DynamoThreadContexts::from_env(table, env).map_err(|source| {
                ConfigError::Idempotency {
                    table: table.clone(),
                    source: Box::new(source),
                }
            })?;
        Ok(Some(Arc::new(store)))
    }
    #[cfg(not(feature = "lambda"))]
    {
        let _ = table;
        Err(ConfigError::IdempotencyNeedsLambda)
    }
}

/// The DynamoDB table when one is named (credentials, region and endpoint from the environment,
/// as for the other AWS calls), else memory.
fn dedupe(settings: &IdempotencySettings) -> Result<Arc<dyn DedupeStore>, ConfigError> {
    let Some(table) = &settings.table else {
        return Ok(Arc::new(MemoryDedupe::new(settings.expiry, MEMORY_KEYS)));
    };
    #[cfg(feature = "lambda")]
    {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let store = ackbot_lambda::DynamoDedupe::from_env(table, env).map_err(|source| {
            ConfigError::Idempotency {
                table: table.clone(),
                source: Box::new(source),
            }
        })?;
        Ok(Arc::new(store.with_expiry(settings.expiry)))
    }
    #[cfg(not(feature = "lambda"))]
    {
        let _ = table;
        Err(ConfigError::IdempotencyNeedsLambda)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(table: Option<&str>) -> IdempotencySettings {
        IdempotencySettings {
            table: table.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn without_a_table_keys_stay_in_memory() {
        assert!(dedupe(&settings(None)).is_ok());
    }

    #[cfg(not(feature = "lambda"))]
    #[test]
    fn a_table_needs_the_lambda_feature() {
        let Err(err) = dedupe(&settings(Some("keys"))) else {
            panic!("a table without DynamoDB")
        };
        assert!(err.to_string().contains("`lambda` feature"), "{err}");
    }
}
