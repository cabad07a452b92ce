//! The Lambda function in its two roles (`ACKBOT_ROLE`): the worker (default), which processes
//! Envelopes from API Gateway's mapping template or the front door, and the front door of
//! function-ack routes ([`front`]).
//!
//! Outcomes: processed, rejected (bad signature, stale), duplicates and replies the platform
//! refused for good (a 4xx) end the invocation with success, since a retry cannot help; a reply
//! still failing after its own retries (5xx, 429, network) ends it with an error, so Lambda's async
//! retries and then the dead-letter queue take over; so does an event another invocation is
//! working on right now (`ackbot.InProgress`), so that it is not lost if that one dies.

mod front;

use ackbot_core::{Dispatcher, Envelope, Status, Worker};
use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};

use crate::config::{Config, ConfigError, LogFormat};
use crate::secrets;
use crate::Error;

/// Runs the worker on `lambda_runtime` until the runtime stops it.
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
    match std::env::var("ACKBOT_ROLE").ok().as_deref().map(str::trim) {
        None | Some("") | Some("worker") => run_worker(worker).await,
        Some("front") => run_front(worker, config.ack_deadline).await,
        Some(other) => {
            tracing::error!(role = other, "ACKBOT_ROLE must be `worker` or `front`");
            Err(crate::Error::Unsupported(
                "ACKBOT_ROLE must be `worker` (the default) or `front`",
            ))
        }
    }
}

/// The front door: answers API Gateway's proxy events, hands Envelopes on to the worker.
async fn run_front(worker: Worker, deadline: std::time::Duration) -> Result<(), Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let invoker = std::sync::Arc::new(front::WorkerInvoker::from_env(env)?);
    let handler = service_fn(move |event: LambdaEvent<front::ProxyEvent>| {
        let (worker, invoker) = (worker.clone(), invoker.clone());
        async move {
            let answered = front::answer(&worker, &invoker, deadline, event.payload).await;
            emit_metrics(&worker, "front");
            answered.map_err(|e| Diagnostic {
                error_type: "ackbot.HandOnFailed".into(),
                error_message: ackbot_core::chain(&e),
            })
        }
    });
    lambda_runtime::run(handler).await.map_err(Error::Lambda)
}

/// The worker: processes Envelopes from `Event` invocations.
async fn run_worker(worker: Worker) -> Result<(), Error> {
    let handler = service_fn(move |event: LambdaEvent<Envelope>| {
        let worker = worker.clone();
        async move {
            let report = worker.process(event.payload).await;
            emit_metrics(&worker, "worker");
            match &report.status {
                Status::Failed(error) => Err(Diagnostic {
                    error_type: "ackbot.DeliveryFailed".into(),
                    error_message: ackbot_core::chain(error.as_ref()),
                }),
                // As Powertools does: fail, so that Lambda's retry comes back once the other
                // delivery has finished (a duplicate then) or its claim has expired (redone).
                Status::InProgress(_) => Err(Diagnostic {
                    error_type: "ackbot.InProgress".into(),
                    error_message: report.status.reason().unwrap_or_default(),
                }),
                _ => {
                    Ok(serde_json::json!({ "handled": report.handled, "replied": report.replied }))
                }
            }
        }
    });
    lambda_runtime::run(handler).await.map_err(Error::Lambda)
}

/// The configuration: platform secrets from Secrets Manager when `ACKBOT_SECRET_ARN` is set (and
/// then only from there), everything else from the environment.
async fn load_config() -> Result<Config, ConfigError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Some(arn) = env("ACKBOT_SECRET_ARN") else {
        return Config::from_env();
    };
    let values = secrets::load(&arn, env)
        .await
        .map_err(|source| ConfigError::Secret {
            arn: arn.clone(),
            source,
        })?;
    Config::from_lookup(|name| {
        if secrets::SECRET_KEYS.contains(&name) {
            values.get(name).cloned()
        } else {
            std::env::var(name).ok()
        }
    })
}

/// Writes the outcome counts as a CloudWatch embedded-metric-format line on stdout, at most one
/// a second: CloudWatch makes the `ackbot` metrics (`Processed`, `Rejected`, `Duplicate`,
/// `Failed`, by `Role`) from it, which the stack's alarms watch. Counts of the last second
/// before Lambda retires an environment may be lost; a flood is counted in full.
fn emit_metrics(worker: &Worker, role: &str) {
    if let Some(line) = worker
        .metrics()
        .emf_if_due(ackbot_core::now_ms(), 1000, role)
    {
        println!("{line}");
    }
}
