//! The worker: Envelope → verify → parse → deduplicate → dispatch → deliver, with one log line
//! per Envelope.

use std::sync::Arc;
use std::time::Duration;

use crate::adapter::{Adapter, Inbound, Work};
use crate::router::{Dispatcher, Outcome};
use crate::{Clock, DedupeStore, Envelope, MemoryDedupe, SystemClock};

/// What happened to an Envelope, stage by stage, for observers such as `ackbot demo`.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// The signature checked out.
    Verified,
    /// The signature or freshness check failed; nothing will be sent.
    Rejected(String),
    /// The body could not be parsed.
    Invalid(String),
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
    /// The Envelope is finished, however it ended.
    Done(Status),
    /// Delivery failed after its retries.
    DeliveryFailed {
        /// The command as typed.
        command: String,
        /// Why.
        error: String,
    },
}

/// One stage of one Envelope, as an observer sees it.
#[derive(Clone, Debug, PartialEq)]
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

/// How an Envelope ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Verified and every item handled (or deliberately skipped).
    Processed,
    /// No adapter takes the Envelope's route.
    NoRoute,
    /// The signature or freshness check failed.
    Rejected(String),
    /// The body could not be parsed.
    Invalid(String),
    /// A reply could not be delivered after its retries, or the dedupe store failed.
    Failed(String),
}

/// The summary of one Envelope, logged as one line.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Whether running the Envelope again could succeed (so Lambda should retry it).
    pub fn should_retry(&self) -> bool {
        matches!(self.status, Status::Failed(_))
    }

    fn new() -> Self {
        Self {
            status: Status::Processed,
            handled: 0,
            replied: 0,
            duplicates: 0,
            skipped: 0,
        }
    }

    fn label(&self) -> &'static str {
        match self.status {
            Status::Processed => "processed",
            Status::NoRoute => "no_route",
            Status::Rejected(_) => "rejected",
            Status::Invalid(_) => "invalid",
            Status::Failed(_) => "failed",
        }
    }
}

/// Turns Envelopes into replies. Cheap to clone; share one between tasks.
#[derive(Clone)]
pub struct Worker {
    dispatcher: Dispatcher,
    adapters: Vec<Arc<dyn Adapter>>,
    clock: Arc<dyn Clock>,
    dedupe: Arc<dyn DedupeStore>,
    observer: Option<Observer>,
    progress_after: Duration,
}

impl Worker {
    /// A worker for `dispatcher` with the system clock, an in-memory dedupe store and no adapters.
    pub fn new(dispatcher: Dispatcher) -> Self {
        Self {
            dispatcher,
            adapters: Vec::new(),
            clock: Arc::new(SystemClock),
            dedupe: Arc::new(MemoryDedupe::default()),
            observer: None,
            progress_after: Duration::from_secs(1),
        }
    }

    /// Adds a platform adapter.
    pub fn with_adapter(mut self, adapter: Arc<dyn Adapter>) -> Self {
        self.adapters.push(adapter);
        self
    }

    /// Replaces the clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the dedupe store.
    pub fn with_dedupe(mut self, dedupe: Arc<dyn DedupeStore>) -> Self {
        self.dedupe = dedupe;
        self
    }

    /// Sets an observer that sees every stage.
    pub fn with_observer(mut self, observer: Observer) -> Self {
        self.observer = Some(observer);
        self
    }

    /// How long a handler may run before the worker shows progress where the platform can.
    pub fn with_progress_after(mut self, after: Duration) -> Self {
        self.progress_after = after;
        self
    }

    /// Whether some adapter takes Envelopes for `route`.
    pub fn serves(&self, route: &str) -> bool {
        self.adapter_for(route).is_some()
    }

    /// Processes one Envelope to the end and logs one line about it.
    pub async fn process(&self, envelope: Envelope) -> Report {
        let started = self.clock.now_ms();
        let report = self.run(&envelope).await;
        self.observe(&envelope, Stage::Done(report.status.clone()));
        let total_ms = self.clock.now_ms() - started;
        let waited_ms = started - envelope.received_at_ms;
        let outcome = report.label();
        let (route, request_id) = (envelope.route.as_str(), envelope.request_id.as_str());
        match &report.status {
            Status::Processed => tracing::info!(
                route,
                request_id,
                outcome,
                handled = report.handled,
                replied = report.replied,
                duplicates = report.duplicates,
                skipped = report.skipped,
                waited_ms,
                total_ms,
                "envelope done"
            ),
            Status::NoRoute => {
                tracing::warn!(route, request_id, outcome, "no adapter for this route")
            }
            Status::Rejected(reason) | Status::Invalid(reason) => tracing::warn!(
                route, request_id, outcome, reason = %reason, total_ms, "envelope dropped"
            ),
            Status::Failed(reason) => tracing::error!(
                route, request_id, outcome, reason = %reason, handled = report.handled,
                replied = report.replied, total_ms, "envelope failed"
            ),
        }
        report
    }

    async fn run(&self, envelope: &Envelope) -> Report {
        let mut report = Report::new();
        let Some(adapter) = self.adapter_for(&envelope.route) else {
            report.status = Status::NoRoute;
            return report;
        };
        if let Err(e) = adapter.verify(envelope) {
            self.observe(envelope, Stage::Rejected(e.to_string()));
            report.status = Status::Rejected(e.to_string());
            return report;
        }
        self.observe(envelope, Stage::Verified);
        let items = match adapter.parse(envelope) {
            Ok(items) => items,
            Err(e) => {
                self.observe(envelope, Stage::Invalid(e.to_string()));
                report.status = Status::Invalid(e.to_string());
                return report;
            }
        };
        for item in items {
            match item {
                Inbound::Skip { reason } => {
                    tracing::debug!(request_id = %envelope.request_id, %reason, "skipped");
                    self.observe(envelope, Stage::Skipped(reason));
                    report.skipped += 1;
                }
                Inbound::Work(work) => {
                    if let Err(reason) = self.work(envelope, work, &mut report).await {
                        report.status = Status::Failed(reason);
                    }
                }
            }
        }
        report
    }

    async fn work(
        &self,
        envelope: &Envelope,
        work: Work,
        report: &mut Report,
    ) -> Result<(), String> {
        let Work {
            command,
            dedupe_key,
            delivery,
        } = work;
        if let Some(key) = &dedupe_key {
            let first = self
                .dedupe
                .claim(key, self.clock.now_ms())
                .await
                .map_err(|e| format!("dedupe store failed: {e}"))?;
            if !first {
                self.observe(envelope, Stage::Duplicate(key.clone()));
                report.duplicates += 1;
                return Ok(());
            }
        }
        let invocation = command.platform.invocation(&command.name);
        let slow = self.dispatcher.is_slow(&command);
        let progress = delivery.can_show_progress();
        if progress && slow {
            self.show_progress(delivery.as_ref()).await;
        }
        let dispatch = self.dispatcher.dispatch(command);
        let dispatched = if progress && !slow {
            tokio::pin!(dispatch);
            tokio::select! {
                done = &mut dispatch => done,
                _ = tokio::time::sleep(self.progress_after) => {
                    self.show_progress(delivery.as_ref()).await;
                    dispatch.await
                }
            }
        } else {
            dispatch.await
        };
        report.handled += 1;
        self.observe(
            envelope,
            Stage::Handled {
                command: invocation.clone(),
                outcome: dispatched.outcome.clone(),
            },
        );
        if dispatched.replies.is_empty() {
            return Ok(());
        }
        let texts = dispatched.replies.iter().map(|r| r.text.clone()).collect();
        match delivery
            .deliver(dispatched.replies, self.clock.now_ms())
            .await
        {
            Ok(()) => {
                report.replied += 1;
                self.observe(
                    envelope,
                    Stage::Replied {
                        command: invocation,
                        texts,
                    },
                );
                Ok(())
            }
            Err(e) => {
                let error = e.to_string();
                if let Some(key) = &dedupe_key {
                    // Let the platform's or Lambda's retry of this event try again.
                    let _ = self.dedupe.release(key).await;
                }
                self.observe(
                    envelope,
                    Stage::DeliveryFailed {
                        command: invocation.clone(),
                        error: error.clone(),
                    },
                );
                Err(format!("reply to {invocation} not delivered: {error}"))
            }
        }
    }

    async fn show_progress(&self, delivery: &dyn crate::Delivery) {
        if let Err(e) = delivery.show_progress(60).await {
            tracing::warn!(error = %e, "could not show progress");
        }
    }

    fn adapter_for(&self, route: &str) -> Option<&Arc<dyn Adapter>> {
        self.adapters.iter().find(|a| a.routes().contains(&route))
    }

    fn observe(&self, envelope: &Envelope, stage: Stage) {
        if let Some(observer) = &self.observer {
            observer(&Observation {
                request_id: envelope.request_id.clone(),
                at_ms: self.clock.now_ms(),
                stage,
            });
        }
    }
}
