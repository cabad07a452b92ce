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
    /// A reply could not be delivered after its retries, or the dedupe store failed: running
    /// the Envelope again may succeed.
    Failed(String),
    /// The platform refused a reply for good (e.g. a 4xx): running it again would fail the same way.
    Undeliverable(String),
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
            Status::Undeliverable(_) => "undeliverable",
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
            Status::Failed(reason) | Status::Undeliverable(reason) => tracing::error!(
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
                    if let Err(status) = self.work(envelope, work, &mut report).await {
                        // A retryable failure wins: the whole Envelope should be tried again.
                        if !matches!(report.status, Status::Failed(_)) {
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
        envelope: &Envelope,
        work: Work,
        report: &mut Report,
    ) -> Result<(), Status> {
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
                .map_err(|e| Status::Failed(format!("dedupe store failed: {e}")))?;
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
                self.observe(
                    envelope,
                    Stage::DeliveryFailed {
                        command: invocation.clone(),
                        error: error.clone(),
                    },
                );
                let reason = format!("reply to {invocation} not delivered: {error}");
                if !e.retryable {
                    return Err(Status::Undeliverable(reason));
                }
                if let Some(key) = &dedupe_key {
                    // Let the platform's or Lambda's retry of this event try again.
                    let _ = self.dedupe.release(key).await;
                }
                Err(Status::Failed(reason))
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use futures::future::BoxFuture;

    use super::*;
    use crate::{
        BoxError, Command, Delivery, DeliveryError, FixedClock, Platform, Reply, Router, Text,
    };

    /// What the fake platform was asked to do.
    #[derive(Default)]
    struct Calls {
        delivered: Mutex<Vec<(String, i64)>>,
        progress: Mutex<u32>,
    }

    struct FakeDelivery {
        calls: Arc<Calls>,
        fail: Option<bool>,
        progress: bool,
    }

    impl Delivery for FakeDelivery {
        fn deliver(
            &self,
            replies: Vec<crate::Reply>,
            now_ms: i64,
        ) -> BoxFuture<'_, Result<(), DeliveryError>> {
            Box::pin(async move {
                match self.fail {
                    Some(true) => return Err(DeliveryError::retryable("platform down")),
                    Some(false) => {
                        return Err(DeliveryError::permanent("HTTP 400: invalid_payload"))
                    }
                    None => {}
                }
                for reply in replies {
                    self.calls
                        .delivered
                        .lock()
                        .unwrap()
                        .push((reply.text, now_ms));
                }
                Ok(())
            })
        }
        fn can_show_progress(&self) -> bool {
            self.progress
        }
        fn show_progress(&self, _seconds: u32) -> BoxFuture<'_, Result<(), BoxError>> {
            *self.calls.progress.lock().unwrap() += 1;
            Box::pin(async { Ok(()) })
        }
    }

    /// A platform whose body is `VERB text`, `key:` prefixed for a dedupe key; signature header `ok`.
    struct FakeAdapter {
        calls: Arc<Calls>,
        /// `Some(retryable)` makes every delivery fail.
        fail: Option<bool>,
        progress: bool,
    }

    impl Adapter for FakeAdapter {
        fn platform(&self) -> Platform {
            Platform::Line
        }
        fn routes(&self) -> &'static [&'static str] {
            &["/fake"]
        }
        fn verify(&self, envelope: &Envelope) -> Result<(), BoxError> {
            match envelope.headers.get("signature") {
                Some("ok") => Ok(()),
                _ => Err("bad signature".into()),
            }
        }
        fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
            let body = std::str::from_utf8(&envelope.body)?;
            if body == "skip" {
                return Ok(vec![Inbound::skip("nothing to do")]);
            }
            let (key, text) = match body.split_once(':') {
                Some((key, text)) => (Some(key.to_string()), text),
                None => (None, body),
            };
            let (name, args) = Command::split_text(text);
            Ok(vec![Inbound::Work(Work {
                command: Command::new(Platform::Line, name, args),
                dedupe_key: key,
                delivery: Box::new(FakeDelivery {
                    calls: self.calls.clone(),
                    fail: self.fail,
                    progress: self.progress,
                }),
            })])
        }
    }

    type Stages = Arc<Mutex<Vec<Stage>>>;

    async fn nap(Text(ms): Text) -> String {
        tokio::time::sleep(Duration::from_millis(ms.parse().unwrap())).await;
        "awake".into()
    }

    async fn echo(Text(text): Text) -> Reply {
        Reply::text(text)
    }

    fn setup(fail: Option<bool>, progress: bool) -> (Worker, Arc<Calls>, Arc<FixedClock>, Stages) {
        let calls = Arc::new(Calls::default());
        let clock = Arc::new(FixedClock::at(1_000_000));
        let stages: Stages = Arc::default();
        let seen = stages.clone();
        let router = Router::new()
            .command("echo", echo)
            .command("nap", nap)
            .command("slow", nap)
            .slow();
        let worker = Worker::new(router.build())
            .with_adapter(Arc::new(FakeAdapter {
                calls: calls.clone(),
                fail,
                progress,
            }))
            .with_clock(clock.clone())
            .with_observer(Arc::new(move |o: &Observation| {
                seen.lock().unwrap().push(o.stage.clone())
            }));
        (worker, calls, clock, stages)
    }

    fn envelope(body: &str, signature: &str) -> Envelope {
        Envelope {
            route: "/fake".into(),
            received_at_ms: 999_000,
            request_id: "r1".into(),
            source_ip: None,
            headers: [("Signature", signature)].into_iter().collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[tokio::test]
    async fn verified_work_is_dispatched_and_delivered_with_the_injected_clock() {
        let (worker, calls, _, stages) = setup(None, false);
        let report = worker.process(envelope("echo こんにちは", "ok")).await;
        assert_eq!(
            report,
            Report {
                status: Status::Processed,
                handled: 1,
                replied: 1,
                duplicates: 0,
                skipped: 0
            }
        );
        assert_eq!(
            *calls.delivered.lock().unwrap(),
            vec![("こんにちは".to_string(), 1_000_000)]
        );
        let stages = stages.lock().unwrap();
        assert_eq!(stages[0], Stage::Verified);
        assert!(matches!(
            stages.last(),
            Some(Stage::Done(Status::Processed))
        ));
    }

    #[tokio::test]
    async fn bad_signature_is_rejected_without_parsing() {
        let (worker, calls, _, _) = setup(None, false);
        let report = worker.process(envelope("echo hi", "forged")).await;
        assert_eq!(report.status, Status::Rejected("bad signature".into()));
        assert!(!report.should_retry());
        assert!(calls.delivered.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn unknown_route_and_bad_bodies_are_reported() {
        let (worker, _, _, _) = setup(None, false);
        let mut other = envelope("echo hi", "ok");
        other.route = "/elsewhere".into();
        assert_eq!(worker.process(other).await.status, Status::NoRoute);
        let mut invalid = envelope("", "ok");
        invalid.body = vec![0xff, 0xfe];
        assert!(matches!(
            worker.process(invalid).await.status,
            Status::Invalid(_)
        ));
        assert_eq!(worker.process(envelope("skip", "ok")).await.skipped, 1);
    }

    #[tokio::test]
    async fn the_same_event_id_is_handled_once() {
        let (worker, calls, clock, _) = setup(None, false);
        assert_eq!(
            worker.process(envelope("ev1:echo one", "ok")).await.replied,
            1
        );
        clock.advance(60_000);
        let again = worker.process(envelope("ev1:echo one", "ok")).await;
        assert_eq!((again.duplicates, again.handled), (1, 0));
        assert_eq!(calls.delivered.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_failed_delivery_fails_the_envelope_and_frees_its_event_id() {
        let (failing, _, _, _) = setup(Some(true), false);
        let report = failing.process(envelope("ev2:echo hi", "ok")).await;
        assert!(report.should_retry(), "{report:?}");
        // The retry of the same event is not mistaken for a duplicate.
        let retry = failing.process(envelope("ev2:echo hi", "ok")).await;
        assert_eq!(retry.duplicates, 0);
        assert_eq!(retry.handled, 1);
    }

    #[tokio::test]
    async fn a_refused_delivery_is_undeliverable_and_not_worth_a_retry() {
        let (refused, _, _, _) = setup(Some(false), false);
        let report = refused.process(envelope("ev3:echo hi", "ok")).await;
        assert!(
            matches!(report.status, Status::Undeliverable(ref r) if r.contains("invalid_payload")),
            "{report:?}"
        );
        assert!(!report.should_retry());
        // The event stays claimed: a redelivery would be refused the same way.
        assert_eq!(
            refused
                .process(envelope("ev3:echo hi", "ok"))
                .await
                .duplicates,
            1
        );
    }

    #[tokio::test(start_paused = true)]
    async fn progress_is_shown_for_slow_commands_and_long_handlers_only() {
        let (worker, calls, _, _) = setup(None, true);
        worker.process(envelope("echo quick", "ok")).await;
        assert_eq!(
            *calls.progress.lock().unwrap(),
            0,
            "a quick handler shows nothing"
        );
        worker.process(envelope("slow 10", "ok")).await;
        assert_eq!(
            *calls.progress.lock().unwrap(),
            1,
            "a command marked slow shows it first"
        );
        worker.process(envelope("nap 5000", "ok")).await;
        assert_eq!(
            *calls.progress.lock().unwrap(),
            2,
            "a handler running past a second shows it"
        );
        let (no_progress, calls, _, _) = setup(None, false);
        no_progress.process(envelope("slow 10", "ok")).await;
        assert_eq!(
            *calls.progress.lock().unwrap(),
            0,
            "not where the platform cannot"
        );
    }
}
