//! What observers (such as `ackbot demo`) see of an Envelope's life, stage by stage.

use std::sync::Arc;

use crate::dispatch::Outcome;
use crate::worker::report::{Status, WorkError};
use crate::SharedError;

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
    },
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
