//! The worker: Envelope → verify → parse → deduplicate → dispatch → deliver, with one log line
//! per Envelope.

mod after;
mod deliver;
mod front;
mod idempotency;
mod metrics;
mod observe;
mod progress;
mod report;

pub use front::Ack;
pub use metrics::{Counted, Counts, LogBudget, Metrics, emf};
pub(crate) use observe::carried;
pub use observe::{Call, Observation, Observer, Stage, observe_call};
pub use report::{Report, Status, WorkError};

use idempotency::{Idempotency, Seen, Settle};

use std::sync::Arc;

use crate::adapter::Envelope;
use crate::adapter::{Adapter, Inbound, Page, PageRequest, Work};
use crate::runtime::{Clock, DedupeStore, MemoryDedupe, SystemClock};
use crate::{Deadline, Dispatched, Dispatcher, Later, Outcome, Stream};
use after::After;
use deliver::Item;

/// Turns Envelopes into replies. Cheap to clone; share one between tasks.
#[derive(Clone)]
pub struct Worker {
    dispatcher: Dispatcher,
    adapters: Vec<Arc<dyn Adapter>>,
    clock: Arc<dyn Clock>,
    keys: Idempotency,
    observers: Arc<[Observer]>,
    metrics: Arc<Metrics>,
}

impl Worker {
    /// A worker for `dispatcher` with the system clock, an in-memory dedupe store and no adapters.
    pub fn new(dispatcher: Dispatcher) -> Self {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        Self {
            dispatcher,
            adapters: Vec::new(),
            clock: Arc::clone(&clock),
            keys: Idempotency {
                store: Arc::new(MemoryDedupe::default()),
                clock,
            },
            observers: Arc::new([]),
            metrics: Arc::default(),
        }
    }

    /// Adds a platform adapter.
    pub fn with_adapter(mut self, adapter: Arc<dyn Adapter>) -> Self {
        self.adapters.push(adapter);
        self
    }

    /// Replaces the clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.keys.clock = Arc::clone(&clock);
        self.clock = clock;
        self
    }

    /// Replaces the dedupe store.
    pub fn with_dedupe(mut self, dedupe: Arc<dyn DedupeStore>) -> Self {
        self.keys.store = dedupe;
        self
    }

    /// Adds an observer that sees every stage of every Envelope, with the HTTP calls the
    /// platform clients make for it; each observer added sees them all.
    pub fn with_observer(mut self, observer: Observer) -> Self {
        let mut observers = self.observers.to_vec();
        observers.push(observer);
        self.observers = observers.into();
        self
    }

    /// The outcome counts of every Envelope this worker (and its clones) processed, and of
    /// every request its front door refused.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Whether some adapter takes Envelopes for `route`.
    pub fn serves(&self, route: &str) -> bool {
        self.adapter_for(route).is_some()
    }

    /// Every route some adapter takes Envelopes for, adapter by adapter.
    pub fn routes(&self) -> Vec<&'static str> {
        (self.adapters.iter())
            .flat_map(|a| a.routes().iter().copied())
            .collect()
    }

    /// The routes whose every acknowledgement comes from the front door
    /// ([`Adapter::front_door_only`]).
    pub fn front_door_routes(&self) -> Vec<&'static str> {
        (self.adapters.iter())
            .filter(|a| a.front_door_only())
            .flat_map(|a| a.routes().iter().copied())
            .collect()
    }

    /// The platforms of the adapters, in the order they were added.
    pub fn platforms(&self) -> Vec<crate::Platform> {
        self.adapters.iter().map(|a| a.platform()).collect()
    }

    /// Processes one Envelope to the end and logs one line about it.
    pub async fn process(&self, envelope: Envelope) -> Report {
        self.process_until(envelope, Deadline::none()).await
    }

    /// [`process`](Self::process), with its handlers stopped before `deadline` (Lambda's): a
    /// stream is ended, and the replies sent, before the function's time runs out.
    pub async fn process_until(&self, envelope: Envelope, deadline: Deadline) -> Report {
        let started = self.clock.now_ms();
        let report = deadline
            .scope(self.watching(&envelope, self.run(&envelope, deadline)))
            .await;
        report.count(&self.metrics);
        self.observe(&envelope, Stage::Done(report.status.clone()));
        let total_ms = self.clock.now_ms() - started;
        report.log(&envelope, started - envelope.received_at_ms, total_ms);
        report
    }

    async fn run(&self, envelope: &Envelope, deadline: Deadline) -> Report {
        let mut report = Report::new();
        let Some(adapter) = self.adapter_for(&envelope.route) else {
            report.status = Status::NoRoute;
            return report;
        };
        if let Err(e) = adapter.verify(envelope) {
            let e = Arc::from(e);
            self.observe(envelope, Stage::Rejected(Arc::clone(&e)));
            report.status = Status::Rejected(e);
            return report;
        }
        self.observe(envelope, Stage::Verified);
        let items = match adapter.parse(envelope) {
            Ok(items) => items,
            Err(e) => {
                let e = Arc::from(e);
                self.observe(envelope, Stage::Invalid(Arc::clone(&e)));
                report.status = Status::Invalid(e);
                return report;
            }
        };
        for (index, item) in items.into_iter().enumerate() {
            match item {
                Inbound::Skip { reason } | Inbound::Answered { reason, .. } => {
                    tracing::debug!(request_id = %envelope.request_id, %reason, "skipped");
                    self.observe(envelope, Stage::Skipped(reason));
                    report.skipped += 1;
                }
                Inbound::Work(mut work) => {
                    work.extensions.insert(deadline);
                    if let Err(status) = self
                        .work(adapter.as_ref(), envelope, index, work, &mut report)
                        .await
                    {
                        // A retryable failure wins: the whole Envelope should be tried again.
                        if !report.should_retry() {
                            report.status = status;
                        }
                    }
                }
            }
        }
        report
    }

    async fn work(
        &self,
        adapter: &dyn Adapter,
        envelope: &Envelope,
        index: usize,
        mut work: Work,
        report: &mut Report,
    ) -> Result<(), Status> {
        let mut keys: Vec<String> = work.dedupe_keys().map(str::to_string).collect();
        if envelope.replay_of.is_some() {
            // A replay is asked for on purpose: it neither reads nor writes idempotency keys.
            keys.clear();
        } else if !envelope.request_id.is_empty() {
            // Lambda may run the same Envelope more than once even without an error.
            keys.push(format!("gw:{}#{index}", envelope.request_id));
        }
        let claimed = match self.keys.claim(&keys).await {
            Ok(claimed) => claimed,
            Err(Seen::Completed(key)) => {
                self.observe(envelope, Stage::Duplicate(key));
                report.duplicates += 1;
                return Ok(());
            }
            Err(Seen::InProgress(key)) => {
                self.observe(envelope, Stage::Duplicate(key.clone()));
                report.duplicates += 1;
                return Err(Status::InProgress(key));
            }
            Err(Seen::Failed(e)) => return Err(Status::Failed(Arc::new(WorkError::Dedupe(e)))),
        };
        let item_key = keys.first().map(String::as_str);
        let result = match adapter.authorize(&mut work).await {
            Ok(()) => {
                let stream = work.stream.take();
                work.extensions.insert(Stream::new(stream));
                work.extensions.insert(Later::here());
                self.dispatch_and_deliver(envelope, work, item_key, report)
                    .await
            }
            Err(e) => {
                tracing::warn!(request_id = %envelope.request_id, error = %crate::chain(e.as_ref()),
                    "could not authorize the work: the Envelope will be tried again");
                Err(Status::Failed(Arc::new(WorkError::Authorize(e))))
            }
        };
        match &result {
            // Let the platform's or Lambda's retry of this event try again.
            Err(Status::Failed(_)) => self.keys.settle(&claimed, Settle::Release).await,
            _ => self.keys.settle(&claimed, Settle::Complete).await,
        }
        result
    }

    async fn dispatch_and_deliver(
        &self,
        envelope: &Envelope,
        work: Work,
        item_key: Option<&str>,
        report: &mut Report,
    ) -> Result<(), Status> {
        let Work {
            incoming,
            delivery,
            extensions,
            answers_in_ack,
            ..
        } = work;
        // The front door ran the handler for its answer: its replies came along.
        let answered = (envelope.answered_replies.clone()).filter(|_| answers_in_ack);
        if front::is_options(&incoming) {
            // A menu's options exist only in the acknowledgement, which only the front door
            // (function ack) can give; behind a static one there is nobody left to tell.
            tracing::warn!(request_id = %envelope.request_id, action_id = %incoming.name(),
                "options requested on a route acknowledged by the gateway: set the route to function ack");
            self.observe(
                envelope,
                Stage::Skipped("options need a function ack".into()),
            );
            report.skipped += 1;
            return Ok(());
        }
        let invocation = incoming.invocation();
        let slow = self.dispatcher.is_slow(&incoming);
        let (stream, later) = (extensions.get().cloned(), extensions.get().cloned());
        let named = crate::Invocation {
            platform: incoming.platform,
            name: incoming.name().to_string(),
        };
        let deadline = extensions.get::<Deadline>().copied().unwrap_or_default();
        delivery.handler_starting().await;
        let dispatch = async {
            let started = std::time::Instant::now();
            let dispatched = match answered {
                // The front door ran the handler for its answer: deliver what it left to do.
                Some(replies) => Dispatched {
                    replies,
                    answer: None,
                    outcome: Outcome::Handled,
                },
                None => self.dispatcher.dispatch_with(incoming, extensions).await,
            };
            (dispatched, started.elapsed())
        };
        let (mut dispatched, took) =
            progress::with_progress(delivery.as_ref(), slow, dispatch).await;
        self.after_handler(
            envelope,
            &mut dispatched,
            After {
                later,
                stream,
                named,
                deadline,
            },
        )
        .await;
        report.handled += 1;
        self.observe(
            envelope,
            Stage::Handled {
                command: invocation.clone(),
                outcome: dispatched.outcome.clone(),
                took,
            },
        );
        let item = Item {
            envelope,
            invocation,
            key: item_key,
        };
        self.deliver(item, delivery.as_ref(), dispatched.replies, report)
            .await
    }

    /// The routes of every adapter's pages (`GET`), e.g. Slack's `/slack/install`.
    pub fn pages(&self) -> Vec<&'static str> {
        self.adapters
            .iter()
            .flat_map(|a| a.pages().iter().copied())
            .collect()
    }

    /// Answers a browser's `GET` of an adapter's page; `None` when no adapter serves the route.
    pub async fn page(&self, request: &PageRequest) -> Option<Page> {
        let route = request.route.as_str();
        let adapter = self.adapters.iter().find(|a| a.pages().contains(&route))?;
        Some(adapter.page(request).await)
    }

    fn adapter_for(&self, route: &str) -> Option<&Arc<dyn Adapter>> {
        self.adapters.iter().find(|a| a.routes().contains(&route))
    }

    /// Runs `work` for `envelope` so that the HTTP calls made inside it reach the observers.
    async fn watching<F: std::future::Future>(&self, envelope: &Envelope, work: F) -> F::Output {
        if self.observers.is_empty() {
            return work.await;
        }
        let observers = Arc::clone(&self.observers);
        let clock = Arc::clone(&self.clock);
        observe::watched(observers, &envelope.request_id, clock, work).await
    }

    fn observe(&self, envelope: &Envelope, stage: Stage) {
        if self.observers.is_empty() {
            return;
        }
        let observation = Observation {
            request_id: envelope.request_id.clone(),
            at_ms: self.clock.now_ms(),
            stage,
        };
        for observer in self.observers.iter() {
            observer(&observation);
        }
    }
}
