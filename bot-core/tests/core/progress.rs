//! Progress per reply: an Envelope retried after a partial failure sends only the replies that
//! did not go out.

use ackbot_core::testing::LINE;
use std::sync::{Arc, Mutex};

use ackbot_core::adapter::{Adapter, Delivery, DeliveryError, Envelope, Inbound, Work};
use ackbot_core::runtime::{Status, Worker};
use ackbot_core::testing::envelope;
use ackbot_core::{Bot, BoxError, Incoming, Platform, Reply, cmd};
use futures::future::BoxFuture;

/// Each call's replies, and how many of them to let through before failing (None: all).
#[derive(Default)]
struct Flaky {
    calls: Mutex<Vec<Vec<String>>>,
    fail_after: Mutex<Vec<Option<usize>>>,
}

struct FlakyDelivery(Arc<Flaky>);

impl Delivery for FlakyDelivery {
    fn deliver(&self, replies: Vec<Reply>, _: i64) -> BoxFuture<'_, Result<(), DeliveryError>> {
        let texts: Vec<String> = replies.iter().map(|r| r.text.clone()).collect();
        self.0.calls.lock().unwrap().push(texts);
        let plan = self.0.fail_after.lock().unwrap().pop().flatten();
        Box::pin(async move {
            match plan {
                None => Ok(()),
                Some(n) => Err(DeliveryError::retryable("platform down").after((0..n).collect())),
            }
        })
    }
}

struct Platform1(Arc<Flaky>);

impl Adapter for Platform1 {
    fn platform(&self) -> Platform {
        LINE
    }
    fn routes(&self) -> &'static [&'static str] {
        &["/flaky"]
    }
    fn verify(&self, _: &Envelope) -> Result<(), BoxError> {
        Ok(())
    }
    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
        let command = Incoming::typed(LINE, "three");
        let work = Work::new(command, Box::new(FlakyDelivery(self.0.clone())))
            .with_dedupe_key(Some(String::from_utf8(envelope.body.clone())?));
        Ok(vec![Inbound::Work(work)])
    }
}

fn worker(flaky: &Arc<Flaky>) -> Worker {
    let bot = Bot::new()
        .command(cmd("three", || async {
            vec![Reply::text("one"), Reply::text("two"), Reply::text("three")]
        }))
        .build()
        .unwrap();
    Worker::new(bot).with_adapter(Arc::new(Platform1(flaky.clone())))
}

#[tokio::test]
async fn a_retry_after_a_partial_failure_sends_only_what_did_not_go_out() {
    let flaky = Arc::new(Flaky::default());
    // Plans are popped from the end: the first attempt lets one reply through, then fails.
    *flaky.fail_after.lock().unwrap() = vec![None, Some(1)];
    let w = worker(&flaky);
    let first = w.process(envelope("/flaky", "ev-1")).await;
    assert!(
        matches!(first.status, Status::Failed(_)),
        "{:?}",
        first.status
    );
    let retry = w.process(envelope("/flaky", "ev-1")).await;
    assert_eq!((retry.replied, retry.duplicates), (1, 0));
    assert_eq!(
        *flaky.calls.lock().unwrap(),
        vec![vec!["one", "two", "three"], vec!["two", "three"]]
    );
    // Done now: a third delivery is a duplicate and sends nothing.
    let again = w.process(envelope("/flaky", "ev-1")).await;
    assert_eq!(again.duplicates, 1);
    assert_eq!(flaky.calls.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_failure_before_any_reply_sends_them_all_again() {
    let flaky = Arc::new(Flaky::default());
    *flaky.fail_after.lock().unwrap() = vec![None, Some(0)];
    let w = worker(&flaky);
    w.process(envelope("/flaky", "ev-2")).await;
    w.process(envelope("/flaky", "ev-2")).await;
    let calls = flaky.calls.lock().unwrap();
    assert_eq!(calls[1], vec!["one", "two", "three"]);
}
