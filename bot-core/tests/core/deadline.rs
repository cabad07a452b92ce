//! The time budget beyond the handler: the work it left for later stops at the deadline, and
//! retries never wait past it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use ackbot_core::retry::{Failure, RetryPolicy, retry};
use ackbot_core::runtime::Worker;
use ackbot_core::testing::{Deliveries, FakeAdapter};
use ackbot_core::{Bot, Deadline, Later, cmd};

/// Answers at once and leaves a minute of work for later.
async fn slow_later(later: Later) -> &'static str {
    later.run(async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        vec![ackbot_core::Reply::text("filed")]
    });
    "on it"
}

#[tokio::test]
async fn work_left_for_later_is_stopped_before_the_deadline_and_answered() {
    let adapter = FakeAdapter::new(Deliveries::Succeed, false);
    let calls = adapter.calls();
    let bot = Bot::new().command(cmd("file", slow_later)).build().unwrap();
    let worker = Worker::new(bot).with_adapter(Arc::new(adapter));
    let deadline = Deadline::after(Duration::from_millis(2_300));
    let started = Instant::now();
    worker
        .process_until(FakeAdapter::envelope("file", "ok"), deadline)
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let sent: Vec<String> = calls
        .delivered()
        .into_iter()
        .map(|(text, _)| text)
        .collect();
    assert_eq!(
        sent,
        ["on it", "Sorry, file took too long and was stopped."]
    );
}

#[tokio::test]
async fn without_a_deadline_the_work_left_for_later_runs_to_its_end() {
    async fn quick_later(later: Later) -> &'static str {
        later.run(async { vec![ackbot_core::Reply::text("filed")] });
        "on it"
    }
    let adapter = FakeAdapter::new(Deliveries::Succeed, false);
    let calls = adapter.calls();
    let bot = Bot::new()
        .command(cmd("file", quick_later))
        .build()
        .unwrap();
    let worker = Worker::new(bot).with_adapter(Arc::new(adapter));
    worker.process(FakeAdapter::envelope("file", "ok")).await;
    let sent: Vec<String> = calls
        .delivered()
        .into_iter()
        .map(|(text, _)| text)
        .collect();
    assert_eq!(sent, ["on it", "filed"]);
}

/// Fails every attempt, `delay` apart (and jitter), counting them.
async fn failing(
    attempts: &AtomicU32,
    delay: Duration,
) -> Result<(), ackbot_core::retry::GaveUp<&'static str>> {
    retry(&RetryPolicy::fixed(4, delay), |_| {
        attempts.fetch_add(1, Ordering::SeqCst);
        async { Err::<(), _>(Failure::transient("down")) }
    })
    .await
}

#[tokio::test]
async fn a_retry_never_waits_past_the_deadline() {
    // 2.5 s left: a wait of 700 ms (or more, with jitter) would leave less than the 2 s margin.
    let attempts = AtomicU32::new(0);
    let gave_up = Deadline::after(Duration::from_millis(2_500))
        .scope(failing(&attempts, Duration::from_millis(700)))
        .await
        .unwrap_err();
    assert!(gave_up.exhausted, "a failure worth retrying later");
    assert_eq!(attempts.load(Ordering::SeqCst), 1, "no wait fits in 0.5 s");
    // With time enough, all four attempts are made.
    let attempts = AtomicU32::new(0);
    let gave_up = Deadline::after(Duration::from_secs(60))
        .scope(failing(&attempts, Duration::from_millis(10)))
        .await
        .unwrap_err();
    assert_eq!((gave_up.attempts, attempts.load(Ordering::SeqCst)), (4, 4));
}
