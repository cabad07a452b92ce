//! How an Envelope ended: its status, its counts, and its one log line.

use std::sync::Arc;

use crate::BoxError;
use crate::adapter::{DeliveryError, Envelope, SharedError};
use crate::error::chain;
use crate::worker::metrics::{Counted, LogBudget, Metrics};

/// Why the work of an Envelope failed after it was verified and parsed.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// The dedupe store could not be asked whether the event was seen before.
    #[error("the dedupe store failed")]
    Dedupe(#[source] BoxError),
    /// What the work needs before its handler runs (a workspace's installation) could not be
    /// looked up.
    #[error("could not authorize the work")]
    Authorize(#[source] BoxError),
    /// The platform did not take a command's replies.
    #[error("reply to {command} not delivered")]
    Delivery {
        /// The command as typed, e.g. `/echo`.
        command: String,
        /// The adapter's error, with `retryable` saying whether trying again may help.
        #[source]
        error: DeliveryError,
    },
}

/// How an Envelope ended.
#[derive(Clone, Debug)]
pub enum Status {
    /// Verified and every item handled (or deliberately skipped).
    Processed,
    /// No adapter takes the Envelope's route.
    NoRoute,
    /// The signature or freshness check failed; the adapter's typed error.
    Rejected(SharedError),
    /// The body could not be parsed; the adapter's typed error.
    Invalid(SharedError),
    /// A reply could not be delivered after its retries, or the dedupe store failed: running
    /// the Envelope again may succeed.
    Failed(Arc<WorkError>),
    /// The platform refused a reply for good (e.g. a 4xx): running it again would fail the same way.
    Undeliverable(Arc<WorkError>),
    /// Another delivery of the same event holds its idempotency key and is doing the work now:
    /// this one is not answered, and should be tried again later (Lambda's retry) in case that
    /// other delivery does not finish.
    InProgress(String),
}

impl Status {
    /// The status as the log's `outcome` field names it.
    pub fn label(&self) -> &'static str {
        match self {
            Status::Processed => "processed",
            Status::NoRoute => "no_route",
            Status::Rejected(_) => "rejected",
            Status::Invalid(_) => "invalid",
            Status::Failed(_) => "failed",
            Status::Undeliverable(_) => "undeliverable",
            Status::InProgress(_) => "in_progress",
        }
    }

    /// Why it did not succeed, with every source, for logs; `None` when it did.
    pub fn reason(&self) -> Option<String> {
        match self {
            Status::Processed | Status::NoRoute => None,
            Status::Rejected(e) | Status::Invalid(e) => Some(chain(e.as_ref())),
            Status::Failed(e) | Status::Undeliverable(e) => Some(chain(e.as_ref())),
            Status::InProgress(key) => Some(format!(
                "another delivery holds the key {key} and is doing the work now"
            )),
        }
    }
}

/// Rejected requests are logged at most this many a second, the worker's and the front door's
/// together: a flood of unsigned posts cannot flood the logs; each line says how many were held
/// back before it (`suppressed`), and the `Rejected` metric counts them all.
pub(crate) static REJECTIONS: LogBudget = LogBudget::new(10);

/// The summary of one Envelope, logged as one line.
#[derive(Clone, Debug)]
pub struct Report {
    /// How it ended.
    pub status: Status,
    /// Commands and events dispatched.
    pub handled: usize,
    /// Items whose replies were delivered.
    pub replied: usize,
    /// Items skipped as duplicates.
    pub duplicates: usize,
    /// Items that needed no work.
    pub skipped: usize,
}

impl Report {
    pub(crate) fn new() -> Self {
        Self {
            status: Status::Processed,
            handled: 0,
            replied: 0,
            duplicates: 0,
            skipped: 0,
        }
    }

    /// Whether running the Envelope again could succeed or is needed (so Lambda should retry it).
    pub fn should_retry(&self) -> bool {
        matches!(self.status, Status::Failed(_) | Status::InProgress(_))
    }

    /// Counts how the Envelope ended.
    pub(crate) fn count(&self, metrics: &Metrics) {
        match &self.status {
            Status::Rejected(_) | Status::Invalid(_) | Status::NoRoute => {
                metrics.record(Counted::Rejected)
            }
            Status::Failed(_) | Status::Undeliverable(_) => metrics.record(Counted::Failed),
            Status::InProgress(_) => metrics.record(Counted::Duplicate),
            Status::Processed => {
                for _ in 0..self.duplicates {
                    metrics.record(Counted::Duplicate);
                }
                if self.handled + self.skipped > 0 || self.duplicates == 0 {
                    metrics.record(Counted::Processed);
                }
            }
        }
    }

    /// Writes the Envelope's one log line; rejected ones within [`REJECTIONS`]' budget.
    pub(crate) fn log(&self, envelope: &Envelope, waited_ms: i64, total_ms: i64) {
        let outcome = self.status.label();
        let (route, request_id) = (envelope.route.as_str(), envelope.request_id.as_str());
        let reason = self.status.reason().unwrap_or_default();
        match &self.status {
            Status::Processed => tracing::info!(
                route,
                request_id,
                outcome,
                handled = self.handled,
                replied = self.replied,
                duplicates = self.duplicates,
                skipped = self.skipped,
                waited_ms,
                total_ms,
                "envelope done"
            ),
            Status::NoRoute => {
                tracing::warn!(route, request_id, outcome, "no adapter for this route")
            }
            Status::Rejected(_) | Status::Invalid(_) => {
                if let Some(suppressed) = REJECTIONS.admit(crate::runtime::now_ms()) {
                    tracing::warn!(
                        route, request_id, outcome, %reason, total_ms, suppressed,
                        "envelope dropped"
                    )
                }
            }
            Status::InProgress(_) => tracing::warn!(
                route, request_id, outcome, %reason, total_ms, "envelope left to the delivery already at work"
            ),
            Status::Failed(_) | Status::Undeliverable(_) => tracing::error!(
                route, request_id, outcome, %reason, handled = self.handled,
                replied = self.replied, total_ms, "envelope failed"
            ),
        }
    }
}
