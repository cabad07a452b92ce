//! `Adapter::authorize`: looked up once the work is known not to be a duplicate, before the
//! handler runs; its failure lets the Envelope be tried again, and a retry finds the claim free.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use ackbot_core::adapter::{Adapter, Envelope, Inbound, Work};
use ackbot_core::runtime::{Status, WorkError, Worker};
use ackbot_core::testing::{Deliveries, FakeAdapter};
use ackbot_core::{Bot, BoxError, FromIncoming, Platform, Request, cmd};
use futures::future::BoxFuture;

/// What the fake platform's `authorize` gives a handler: the workspace's name.
#[derive(Clone)]
struct Workspace(&'static str);

/// The fake platform, whose `authorize` fails the first `failures` times, then gives the work a
/// [`Workspace`].
struct Authorizing {
    inner: FakeAdapter,
    failures: AtomicU32,
    asked: AtomicU32,
}

impl Adapter for Authorizing {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }
    fn routes(&self) -> &'static [&'static str] {
        self.inner.routes()
    }
    fn verify(&self, envelope: &Envelope) -> Result<(), BoxError> {
        self.inner.verify(envelope)
    }
    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
        self.inner.parse(envelope)
    }
    fn authorize<'a>(&'a self, work: &'a mut Work) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            self.asked.fetch_add(1, Ordering::SeqCst);
            let left = self.failures.load(Ordering::SeqCst);
            if left > 0 {
                self.failures.store(left - 1, Ordering::SeqCst);
                return Err("the store did not answer".into());
            }
            work.extensions.insert(Workspace("T1"));
            Ok(())
        })
    }
}

impl FromIncoming for Workspace {
    type Rejection = std::convert::Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Self::Rejection> {
        Ok(request
            .extension::<Workspace>()
            .cloned()
            .unwrap_or(Workspace("nowhere")))
    }
}

async fn whereami(workspace: Workspace) -> String {
    workspace.0.to_string()
}

#[tokio::test]
async fn a_failed_authorize_is_retried_and_a_duplicate_is_not_authorized() {
    let fake = FakeAdapter::new(Deliveries::Succeed, false);
    let calls = fake.calls();
    let adapter = Arc::new(Authorizing {
        inner: fake,
        failures: AtomicU32::new(1),
        asked: AtomicU32::new(0),
    });
    let bot = Bot::new()
        .command(cmd("whereami", whereami))
        .build()
        .unwrap();
    let worker = Worker::new(bot).with_adapter(adapter.clone());
    let envelope = FakeAdapter::envelope("Ev1:whereami", "ok");

    let first = worker.process(envelope.clone()).await;
    let Status::Failed(error) = &first.status else {
        panic!("{:?}", first.status)
    };
    assert!(
        matches!(error.as_ref(), WorkError::Authorize(_)),
        "{error:?}"
    );
    assert!(ackbot_core::chain(error.as_ref()).contains("the store did not answer"));
    assert!(first.should_retry());
    assert!(calls.delivered().is_empty(), "no handler ran");

    // The retry finds the claim released, and the handler sees what authorize gave it.
    let second = worker.process(envelope.clone()).await;
    assert!(
        matches!(second.status, Status::Processed),
        "{:?}",
        second.status
    );
    assert_eq!(
        calls
            .delivered()
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>(),
        ["T1"]
    );

    // A duplicate is not looked up again.
    let third = worker.process(envelope).await;
    assert_eq!(third.duplicates, 1);
    assert_eq!(adapter.asked.load(Ordering::SeqCst), 2);
}
