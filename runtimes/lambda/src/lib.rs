//! The AWS Lambda runtime of ackbot, in its two roles: the **worker** (the default), which
//! processes Envelopes from API Gateway's mapping template or the front door, and the **front
//! door** of function-ack routes ([`front`]), which answers API Gateway synchronously and hands
//! the Envelope on. Both run a [`Worker`] built by the caller (the `ackbot` facade reads the
//! configuration and builds it), on `lambda_runtime`.
//!
//! Outcomes: processed, rejected (bad signature, stale), duplicates and replies the platform
//! refused for good (a 4xx) end the invocation with success, since a retry cannot help; a reply
//! still failing after its own retries (5xx, 429, network) ends it with an error, so Lambda's async
//! retries and then the dead-letter queue take over; so does an event another invocation is
//! working on right now (`ackbot.InProgress`), so that it is not lost if that one dies.
//!
//! It also holds the one signed AWS client ackbot has (`aws`): Secrets Manager ([`read_secret`]),
//! Lambda `Invoke` (the front door's hand-on), the DynamoDB idempotency store
//! ([`DynamoDedupe`]) and Slack's installations in DynamoDB ([`DynamoInstallations`]), with no
//! AWS SDK.

mod aws;
mod dynamodb;
mod front;
mod secrets;

use std::time::Duration;

use ackbot_core::Deadline;
use ackbot_core::adapter::Envelope;
use ackbot_core::runtime::{Status, Worker};
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};

pub use aws::AwsError;
pub use dynamodb::{
    DynamoDedupe, DynamoError, DynamoInstallations, DynamoThreadContexts, InstallationsError,
};
pub use secrets::{SECRET_KEYS, SecretsError, read as read_secret};

/// Which role the function plays (`ACKBOT_ROLE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Processes Envelopes from `Event` invocations (the default).
    Worker,
    /// Answers API Gateway's proxy events for function-ack routes and hands them on.
    Front,
}

impl Role {
    /// The role `ACKBOT_ROLE` names: `worker` (or unset, or blank) or `front`.
    pub fn from_name(name: Option<&str>) -> Option<Self> {
        match name.map(str::trim) {
            None | Some("") | Some("worker") => Some(Role::Worker),
            Some("front") => Some(Role::Front),
            Some(_) => None,
        }
    }

    /// The role's name, as the metrics' `Role` dimension says it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Front => "front",
        }
    }
}

/// What the Lambda runtime needs besides the worker.
#[derive(Clone, Debug)]
pub struct LambdaSettings {
    /// The role (`ACKBOT_ROLE`).
    pub role: Role,
    /// How long the front door lets a view or options handler compute its answer
    /// (`ACKBOT_ACK_DEADLINE_MS`).
    pub ack_deadline: Duration,
    /// The bot's name, the metrics' `Bot` dimension (`ACKBOT_BOT_NAME`, set by the stack), so
    /// that two bots in one account keep their metrics and alarms apart.
    pub bot_name: String,
}

/// Why the Lambda function could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LambdaError {
    /// `lambda_runtime` stopped with an error.
    #[error("the Lambda runtime failed")]
    Runtime(#[source] lambda_runtime::Error),
    /// The front door is missing what it needs to hand Envelopes on.
    #[error("{0}")]
    FrontDoor(&'static str),
}

/// Runs `worker` in its role on `lambda_runtime` until the runtime stops it.
pub async fn run(worker: Worker, settings: LambdaSettings) -> Result<(), LambdaError> {
    match settings.role {
        Role::Worker => run_worker(worker, settings).await,
        Role::Front => run_front(worker, settings).await,
    }
}

/// The front door: answers API Gateway's proxy events, hands Envelopes on to the worker.
async fn run_front(worker: Worker, settings: LambdaSettings) -> Result<(), LambdaError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let invoker = std::sync::Arc::new(front::WorkerInvoker::from_env(env)?);
    let handler = service_fn(move |event: LambdaEvent<front::ProxyEvent>| {
        let (worker, invoker, settings) = (worker.clone(), invoker.clone(), settings.clone());
        async move {
            let deadline = settings.ack_deadline;
            let answered = front::answer(&worker, &invoker, deadline, event.payload).await;
            emit_metrics(&worker, &settings);
            answered.map_err(|e| Diagnostic {
                error_type: "ackbot.HandOnFailed".into(),
                error_message: ackbot_core::chain(&e),
            })
        }
    });
    lambda_runtime::run(handler)
        .await
        .map_err(LambdaError::Runtime)
}

/// The worker: processes Envelopes from `Event` invocations.
async fn run_worker(worker: Worker, settings: LambdaSettings) -> Result<(), LambdaError> {
    let handler = service_fn(move |event: LambdaEvent<Envelope>| {
        let (worker, settings) = (worker.clone(), settings.clone());
        async move {
            // Stopped before Lambda's own deadline, so that a stream ends and replies go out.
            let now = ackbot_core::runtime::now_ms();
            let deadline = Deadline::at_epoch_ms(event.context.deadline as i64, now);
            let report = worker.process_until(event.payload, deadline).await;
            emit_metrics(&worker, &settings);
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
    lambda_runtime::run(handler)
        .await
        .map_err(LambdaError::Runtime)
}

/// Writes the outcome counts as a CloudWatch embedded-metric-format line on stdout, at most one
/// a second: CloudWatch makes the `ackbot` metrics (`Processed`, `Rejected`, `Duplicate`,
/// `Failed`, by `Bot` and `Role`) from it, which the stack's alarms watch. Counts of the last
/// second before Lambda retires an environment may be lost; a flood is counted in full.
fn emit_metrics(worker: &Worker, settings: &LambdaSettings) {
    let (bot, role) = (&settings.bot_name, settings.role.name());
    if let Some(line) = worker
        .metrics()
        .emf_if_due(ackbot_core::runtime::now_ms(), 1000, bot, role)
    {
        println!("{line}");
    }
}
