//! `Bot::run` under AWS Lambda: the configuration (platform secrets from Secrets Manager when
//! `ACKBOT_SECRET_ARN` is set), the worker, and the Lambda runtime in the role `ACKBOT_ROLE` names.

use ackbot_core::Dispatcher;
use ackbot_lambda::{LambdaSettings, Role};

use crate::Error;
use crate::config::{Config, ConfigError, LogFormat};

/// Runs the bot as a Lambda function until the runtime stops it.
pub(crate) async fn run(dispatcher: Dispatcher) -> Result<(), Error> {
    let config = match load_config().await {
        Ok(config) => config,
        Err(e) => {
            crate::logging::init(LogFormat::Json, "info");
            tracing::error!(error = %ackbot_core::chain(&e), "cannot start the worker");
            return Err(e.into());
        }
    };
    crate::logging::init(config.log_format, "info");
    let worker = crate::wiring::worker(dispatcher, &config)?;
    let role = std::env::var("ACKBOT_ROLE").ok();
    let Some(role) = Role::from_name(role.as_deref()) else {
        tracing::error!(role, "ACKBOT_ROLE must be `worker` or `front`");
        return Err(Error::Unsupported(
            "ACKBOT_ROLE must be `worker` (the default) or `front`",
        ));
    };
    let bot_name = std::env::var("ACKBOT_BOT_NAME")
        .ok()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "ackbot".to_string());
    let settings = LambdaSettings {
        role,
        ack_deadline: config.ack_deadline,
        bot_name,
    };
    Ok(ackbot_lambda::run(worker, settings).await?)
}

/// The configuration: platform secrets from Secrets Manager when `ACKBOT_SECRET_ARN` is set (and
/// then only from there), everything else from the environment.
async fn load_config() -> Result<Config, ConfigError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Some(arn) = env("ACKBOT_SECRET_ARN") else {
        return Config::from_env();
    };
    let values = ackbot_lambda::read_secret(&arn, env)
        .await
        .map_err(|source| ConfigError::Secret {
            arn: arn.clone(),
            source,
        })?;
    Config::from_lookup(|name| {
        if ackbot_lambda::SECRET_KEYS.contains(&name) {
            values.get(name).cloned()
        } else {
            std::env::var(name).ok()
        }
    })
}
