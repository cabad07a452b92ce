//! The worker with the fake platform and a fixed clock: verify, parse, deduplicate, dispatch,
//! deliver, and the typed errors of each stage.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ackbot_core::adapter::{Call, DeliveryError};
use ackbot_core::runtime::{Observation, Stage, Status, WorkError, Worker};
use ackbot_core::testing::{Calls, Deliveries, FakeAdapter, FixedClock};
use ackbot_core::{Bot, Reply, Text, cmd};

type Stages = Arc<Mutex<Vec<Stage>>>;

async fn nap(Text(ms): Text) -> String {
    tokio::time::sleep(Duration::from_millis(ms.parse().unwrap())).await;
    "awake".into()
}

async fn echo(Text(text): Text) -> Reply {
    Reply::text(text)
}

fn setup(deliveries: Deliveries, progress: bool) -> (Worker, Arc<Calls>, Arc<FixedClock>, Stages) {
    let adapter = FakeAdapter::new(deliveries, progress);
    let calls = adapter.calls();
    let clock = Arc::new(FixedClock::at(1_000_000));
    let stages: Stages = Arc::default();
    let seen = stages.clone();
    let bot = Bot::new()
        .command(cmd("echo", echo))
        .command(cmd("nap", nap))
        .command(cmd("slow", nap).slow())
        .build()
        .unwrap();
    let worker = Worker::new(bot)
        .with_adapter(Arc::new(adapter))
        .with_clock(clock.clone())
        .with_observer(Arc::new(move |o: &Observation| {
            seen.lock().unwrap().push(o.stage.clone())
        }));
    (worker, calls, clock, stages)
}

fn envelope(body: &str, signature: &str) -> ackbot_core::adapter::Envelope {
    FakeAdapter::envelope(body, signature)
}

#[tokio::test]
async fn verified_work_is_dispatched_and_delivered_with_the_injected_clock() {
    let (worker, calls, _, stages) = setup(Deliveries::Succeed, false);
    let report = worker.process(envelope("echo こんにちは", "ok")).await;
    assert!(matches!(report.status, Status::Processed));
    assert_eq!(
        (
            report.handled,
            report.replied,
            report.duplicates,
            report.skipped
        ),
        (1, 1, 0, 0)
    );
    assert_eq!(
        calls.delivered(),
        vec![("こんにちは".to_string(), 1_000_000)]
    );
    let stages = stages.lock().unwrap();
    assert!(matches!(stages[0], Stage::Verified));
    assert!(matches!(
        stages.last(),
        Some(Stage::Done(Status::Processed))
    ));
}

#[tokio::test]
async fn bad_signature_is_rejected_without_parsing_and_keeps_its_error() {
    let (worker, calls, _, stages) = setup(Deliveries::Succeed, false);
    let report = worker.process(envelope("echo hi", "forged")).await;
    let Status::Rejected(error) = &report.status else {
        panic!("expected a rejection, got {:?}", report.status)
    };
    assert_eq!(error.to_string(), "bad signature");
    assert_eq!(report.status.reason().as_deref(), Some("bad signature"));
    assert!(!report.should_retry());
    assert!(calls.delivered().is_empty());
    assert!(matches!(stages.lock().unwrap()[0], Stage::Rejected(_)));
}

#[tokio::test]
async fn unknown_route_and_bad_bodies_are_reported() {
    let (worker, _, _, _) = setup(Deliveries::Succeed, false);
    let mut other = envelope("echo hi", "ok");
    other.route = "/elsewhere".into();
    assert!(matches!(
        worker.process(other).await.status,
        Status::NoRoute
    ));
    let mut invalid = envelope("", "ok");
    invalid.body = vec![0xff, 0xfe];
    let Status::Invalid(error) = worker.process(invalid).await.status else {
        panic!("expected an invalid body")
    };
    // The adapter's own error type survives the boundary.
    assert!(
        error.downcast_ref::<std::str::Utf8Error>().is_some(),
        "{error}"
    );
    assert_eq!(worker.process(envelope("skip", "ok")).await.skipped, 1);
}

#[tokio::test]
async fn a_replay_runs_again_past_deduplication_and_leaves_no_key_behind() {
    let (worker, calls, _, stages) = setup(Deliveries::Succeed, false);
    let original = envelope("ev7:echo seven", "ok");
    assert_eq!(worker.process(original.clone()).await.replied, 1);
    let mut replay = original.clone();
    replay.replay_of = Some(original.request_id.clone());
    replay.request_id = format!("{}-r1", original.request_id);
    for _ in 0..2 {
        let again = worker.process(replay.clone()).await;
        assert_eq!((again.duplicates, again.replied), (0, 1));
    }
    assert_eq!(calls.delivered().len(), 3);
    assert!(
        !stages
            .lock()
            .unwrap()
            .iter()
            .any(|s| matches!(s, Stage::Duplicate(_)))
    );
    // The platform's own redelivery is still a duplicate: the replays wrote no keys.
    let redelivered = worker.process(original).await;
    assert_eq!((redelivered.duplicates, redelivered.replied), (1, 0));
}

#[tokio::test]
async fn calls_made_while_processing_reach_the_observers_with_the_request_id() {
    async fn calling(Text(text): Text) -> Reply {
        ackbot_core::adapter::observe_call(|| Call {
            target: "users.info slack.com".into(),
            status: Some(200),
            error: None,
            took: Duration::from_millis(3),
            text: Some(text.clone()),
        });
        Reply::text(text)
    }
    let seen: Arc<Mutex<Vec<Observation>>> = Arc::default();
    let (first, second) = (seen.clone(), seen.clone());
    let bot = Bot::new().command(cmd("call", calling)).build().unwrap();
    let worker = Worker::new(bot)
        .with_adapter(Arc::new(FakeAdapter::new(Deliveries::Succeed, false)))
        .with_observer(Arc::new(move |o: &Observation| {
            first.lock().unwrap().push(o.clone())
        }))
        .with_observer(Arc::new(move |o: &Observation| {
            second.lock().unwrap().push(o.clone())
        }));
    let envelope = envelope("call hi", "ok");
    worker.process(envelope.clone()).await;
    let seen = seen.lock().unwrap();
    let calls: Vec<&Observation> = seen
        .iter()
        .filter(|o| matches!(o.stage, Stage::Call(_)))
        .collect();
    assert_eq!(calls.len(), 2, "each observer sees the call once");
    assert!(calls.iter().all(|o| o.request_id == envelope.request_id));
    let Stage::Call(call) = &calls[0].stage else {
        unreachable!()
    };
    assert_eq!(call.text.as_deref(), Some("hi"));
    // Outside an Envelope's processing nobody is told, and the call is not even built.
    ackbot_core::adapter::observe_call(|| panic!("built with nobody watching"));
}

#[tokio::test]
async fn the_same_event_id_is_handled_once() {
    let (worker, calls, clock, _) = setup(Deliveries::Succeed, false);
    assert_eq!(
        worker.process(envelope("ev1:echo one", "ok")).await.replied,
        1
    );
    clock.advance(60_000);
    let again = worker.process(envelope("ev1:echo one", "ok")).await;
    assert_eq!((again.duplicates, again.handled), (1, 0));
    assert_eq!(calls.delivered().len(), 1);
}

#[tokio::test]
async fn a_failed_delivery_fails_the_envelope_and_frees_its_event_id() {
    let (failing, _, _, stages) = setup(Deliveries::FailRetryable, false);
    let report = failing.process(envelope("ev2:echo hi", "ok")).await;
    assert!(report.should_retry(), "{report:?}");
    let Status::Failed(error) = &report.status else {
        panic!("expected a failure")
    };
    let WorkError::Delivery { command, error } = error.as_ref() else {
        panic!("expected a delivery error")
    };
    assert_eq!(command, "echo");
    assert!(error.retryable);
    assert_eq!(
        report.status.reason().as_deref(),
        Some("reply to echo not delivered: platform down")
    );
    assert!(
        stages
            .lock()
            .unwrap()
            .iter()
            .any(|s| matches!(s, Stage::DeliveryFailed { .. }))
    );
    // The retry of the same event is not mistaken for a duplicate.
    let retry = failing.process(envelope("ev2:echo hi", "ok")).await;
    assert_eq!(retry.duplicates, 0);
    assert_eq!(retry.handled, 1);
}

#[tokio::test]
async fn a_refused_delivery_is_undeliverable_and_not_worth_a_retry() {
    let (refused, _, _, _) = setup(Deliveries::FailPermanently, false);
    let report = refused.process(envelope("ev3:echo hi", "ok")).await;
    let Status::Undeliverable(error) = &report.status else {
        panic!("expected undeliverable, got {:?}", report.status)
    };
    let source = std::error::Error::source(error.as_ref()).unwrap();
    assert!(source.downcast_ref::<DeliveryError>().is_some());
    assert!(report.status.reason().unwrap().contains("invalid_payload"));
    assert!(!report.should_retry());
    // The event stays claimed: a redelivery would be refused the same way.
    let again = refused.process(envelope("ev3:echo hi", "ok")).await;
    assert_eq!(again.duplicates, 1);
}

#[tokio::test(start_paused = true)]
async fn progress_is_shown_for_slow_commands_and_long_handlers_only() {
    let (worker, calls, _, _) = setup(Deliveries::Succeed, true);
    worker.process(envelope("echo quick", "ok")).await;
    assert_eq!(calls.progress_shown(), 0, "a quick handler shows nothing");
    worker.process(envelope("slow 10", "ok")).await;
    assert_eq!(
        calls.progress_shown(),
        1,
        "a command marked slow shows it first"
    );
    worker.process(envelope("nap 5000", "ok")).await;
    assert_eq!(
        calls.progress_shown(),
        2,
        "a handler running past a second shows it"
    );
    // A long answer (a streamed one takes minutes) keeps it shown: again every 50 s.
    worker.process(envelope("nap 120000", "ok")).await;
    assert_eq!(
        calls.progress_shown(),
        2 + 3,
        "shown after 1 s, 51 s and 101 s of a two-minute handler"
    );
    let (no_progress, calls, _, _) = setup(Deliveries::Succeed, false);
    no_progress.process(envelope("slow 10", "ok")).await;
    assert_eq!(calls.progress_shown(), 0, "not where the platform cannot");
}

#[tokio::test]
async fn lambda_running_the_same_envelope_twice_answers_once() {
    let (worker, calls, _, _) = setup(Deliveries::Succeed, false);
    // No event id: only the gateway's request id says it is the same delivery.
    let envelope = envelope("echo once", "ok");
    let first = worker.process(envelope.clone()).await;
    let again = worker.process(envelope).await;
    assert_eq!((first.replied, again.duplicates), (1, 1));
    assert_eq!(calls.delivered().len(), 1);
}

#[tokio::test]
async fn an_event_another_delivery_is_working_on_is_left_to_it_and_retried_later() {
    use ackbot_core::runtime::{Claim, Clock, DedupeStore, MemoryDedupe};
    let store = Arc::new(MemoryDedupe::default());
    let (worker, calls, clock, _) = setup(Deliveries::Succeed, false);
    let worker = worker.with_dedupe(store.clone());
    // Another worker claimed `ev-7` a moment ago and is still at it.
    assert_eq!(
        store.claim("ev-7", clock.now_ms()).await.unwrap(),
        Claim::Claimed
    );
    let busy = worker.process(envelope("ev-7:echo hi", "ok")).await;
    assert!(
        matches!(&busy.status, Status::InProgress(key) if key == "ev-7"),
        "{:?}",
        busy.status
    );
    assert!(
        busy.should_retry(),
        "Lambda must come back, in case the other dies"
    );
    assert!(calls.delivered().is_empty());
    // It died: once its claim expires, the retry does the work, once.
    clock.advance(ackbot_core::runtime::Expiry::default().in_progress_ms);
    let retried = worker.process(envelope("ev-7:echo hi", "ok")).await;
    assert_eq!(retried.replied, 1);
    let late = worker.process(envelope("ev-7:echo hi", "ok")).await;
    assert_eq!(late.duplicates, 1, "completed now");
    assert_eq!(calls.delivered().len(), 1);
}
