//! What observers (such as `ackbot demo` and the inspector) see of an Envelope's life, stage by
//! stage, including each HTTP call a client makes while the Envelope is processed.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::adapter::SharedError;
use crate::dispatch::Outcome;
use crate::runtime::Clock;
use crate::worker::report::{Status, WorkError};

/// What happened to an Envelope, stage by stage.
#[derive(Clone, Debug)]
pub enum Stage {
    /// The function-ack front door answered the webhook (its status and body); the worker's
    /// stages follow when it handed the Envelope on.
    Answered {
        /// The HTTP status.
        status: u16,
        /// The body, e.g. Slack's challenge or a modal's `response_action`.
        body: String,
    },
    /// The signature checked out.
    Verified,
    /// The signature or freshness check failed; nothing will be sent.
    Rejected(SharedError),
    /// The body could not be parsed.
    Invalid(SharedError),
    /// An item needed no work (health check, Verify request, standby…).
    Skipped(String),
    /// An event id seen before; not handled again.
    Duplicate(String),
    /// The handler ran.
    Handled {
        /// The command as typed, e.g. `/echo`.
        command: String,
        /// How the dispatch ended.
        outcome: Outcome,
        /// How long the handler ran.
        took: Duration,
    },
    /// A client made an HTTP call (a reply, an API call of a handler, or a call of the dedupe
    /// store, such as DynamoDB's).
    Call(Call),
    /// The replies were delivered.
    Replied {
        /// The command as typed.
        command: String,
        /// The text of each reply.
        texts: Vec<String>,
    },
    /// Delivery failed after its retries.
    DeliveryFailed {
        /// The command as typed.
        command: String,
        /// Why.
        error: Arc<WorkError>,
    },
    /// The Envelope is finished, however it ended.
    Done(Status),
}

/// One stage of one Envelope, as an observer sees it.
#[derive(Clone, Debug)]
pub struct Observation {
    /// The Envelope's request id.
    pub request_id: String,
    /// The worker's clock when the stage was reached.
    pub at_ms: i64,
    /// The stage.
    pub stage: Stage,
}

/// A callback that sees every stage of every Envelope.
pub type Observer = Arc<dyn Fn(&Observation) + Send + Sync>;

/// One HTTP call to a platform's (or AWS's) API, as its client saw it: one per attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// What was called, without credentials: e.g. `chat.postMessage slack.com` or
    /// `POST /v2/bot/message/reply` or `PutItem dynamodb`.
    pub target: String,
    /// The HTTP status, when a response came back.
    pub status: Option<u16>,
    /// Why the call failed, when it did (no credentials in it).
    pub error: Option<String>,
    /// How long the call took.
    pub took: Duration,
    /// The text the call carried, e.g. a reply's text.
    pub text: Option<String>,
}

/// Who watches the Envelope now being processed on this task.
#[derive(Clone)]
struct Watch {
    observers: Arc<[Observer]>,
    request_id: String,
    clock: Arc<dyn Clock>,
}

tokio::task_local! {
    static WATCH: Watch;
}

/// Runs `work` with the Envelope `request_id` watched by `observers`, so that the platform
/// clients' [`observe_call`]s inside it reach them.
pub(crate) async fn watched<F: Future>(
    observers: Arc<[Observer]>,
    request_id: &str,
    clock: Arc<dyn Clock>,
    work: F,
) -> F::Output {
    let watch = Watch {
        observers,
        request_id: request_id.to_string(),
        clock,
    };
    WATCH.scope(watch, work).await
}

/// `work`, watched as this task is: for a task spawned on the Envelope's behalf (a stream's
/// sender), whose calls its observers (the inspector, the test kit) must still see.
pub(crate) fn carried<F: Future>(work: F) -> impl Future<Output = F::Output> {
    let watch = WATCH.try_with(Watch::clone).ok();
    async move {
        match watch {
            Some(watch) => WATCH.scope(watch, work).await,
            None => work.await,
        }
    }
}

/// Tells the observers of the Envelope now being processed on this task about an HTTP call; does
/// nothing (and does not build the call) when nobody observes it.
pub fn observe_call(call: impl FnOnce() -> Call) {
    let _ = WATCH.try_with(|watch| {
        let observation = Observation {
            request_id: watch.request_id.clone(),
            at_ms: watch.clock.now_ms(),
            stage: Stage::Call(call()),
        };
        for observer in watch.observers.iter() {
            observer(&observation);
        }
    });
}
