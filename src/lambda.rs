//! The Lambda worker: Envelopes from API Gateway's mapping template, processed by the same
//! worker as the local edge.
//!
//! Outcomes: processed, rejected (bad signature, stale), duplicates and replies the platform
//! refused for good (a 4xx) end the invocation with success, since a retry cannot help; a reply
//! still failing after its own retries (5xx, 429, network) ends it with an error, so Lambda's async
//! retries and then the dead-letter queue take over.

use bot_core::{Envelope, Router, Status};
use lambda_runtime::{service_fn, LambdaEvent};

use crate::config::Config;
use crate::secrets::{self, SECRET_KEYS};
use crate::Error;

/// Runs the worker on `lambda_runtime` until the runtime stops it.
pub async fn run(router: Router) -> Result<(), Error> {
    let config = load_config().await;
    let config = match config {
        Ok(config) => config,
        Err(e) => {
            crate::logging::init(crate::config::LogFormat::Json, "info");
            tracing::error!(error = %e, "cannot start the worker");
            return Err(e);
        }
    };
    crate::logging::init(config.log_format, "info");
    let worker = crate::bot::worker(router, &config)?;
    let handler = service_fn(move |event: LambdaEvent<Envelope>| {
        let worker = worker.clone();
        async move {
            let report = worker.process(event.payload).await;
            match report.status {
                Status::Failed(reason) => Err(reason),
                _ => {
                    Ok(serde_json::json!({ "handled": report.handled, "replied": report.replied }))
                }
            }
        }
    });
    lambda_runtime::run(handler)
        .await
        .map_err(|e| Error::Lambda(e.to_string()))
}

/// The configuration: platform secrets from Secrets Manager when `ACKBOT_SECRET_ARN` is set (and
/// then only from there), everything else from the environment.
async fn load_config() -> Result<Config, Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Some(arn) = env("ACKBOT_SECRET_ARN") else {
        return Config::from_env();
    };
    let values = secrets::load(&arn, env).await?;
    Config::from_lookup(|name| {
        if SECRET_KEYS.contains(&name) {
            values.get(name).cloned()
        } else {
            std::env::var(name).ok()
        }
    })
}
