//! The bounded queue between the local edge and its workers, and the drain on shutdown.
//!
//! `async-channel` is a bounded multi-consumer queue: its `try_send` refuses when full (the edge
//! answers 503), `len` is the number waiting, and `close` lets the workers finish what is queued.

use std::time::Duration;

use ackbot_core::Deadline;
use ackbot_core::adapter::Envelope;
use ackbot_core::runtime::Worker;
use async_channel::{Receiver, Sender, TrySendError};
use tokio::task::JoinHandle;

/// Why an Envelope was not queued.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Every slot is taken; the edge answers 503 rather than accept work it would drop.
    Full,
    /// The pool is shutting down.
    Closed,
}

/// The sending side of the queue, shared by the edge's request handlers.
#[derive(Clone)]
pub(crate) struct Queue {
    sender: Sender<Envelope>,
}

impl Queue {
    /// Queues an Envelope for a worker without waiting.
    pub(crate) fn try_enqueue(&self, envelope: Envelope) -> Result<(), Refused> {
        self.sender.try_send(envelope).map_err(|e| match e {
            TrySendError::Full(_) => Refused::Full,
            TrySendError::Closed(_) => Refused::Closed,
        })
    }

    /// Envelopes queued and not yet taken by a worker.
    pub(crate) fn waiting(&self) -> usize {
        self.sender.len()
    }
}

#[cfg(test)]
impl Queue {
    /// A queue of `capacity` with no workers, and its receiving end, for the edge's tests.
    pub(crate) fn bounded(capacity: usize) -> (Queue, Receiver<Envelope>) {
        let (sender, receiver) = async_channel::bounded(capacity);
        (Queue { sender }, receiver)
    }
}

/// A fixed number of worker tasks taking Envelopes from a bounded queue.
pub(crate) struct Pool {
    queue: Queue,
    tasks: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `workers` tasks behind a queue of `capacity` slots; each Envelope's work may take
    /// `timeout` (see [`Deadline`]).
    pub(crate) fn start(
        worker: Worker,
        workers: usize,
        capacity: usize,
        timeout: Duration,
    ) -> Self {
        let (sender, receiver) = async_channel::bounded(capacity.max(1));
        let tasks = (0..workers.max(1))
            .map(|_| tokio::spawn(work(worker.clone(), receiver.clone(), timeout)))
            .collect();
        Self {
            queue: Queue { sender },
            tasks,
        }
    }

    /// The sending side, for the edge.
    pub(crate) fn queue(&self) -> Queue {
        self.queue.clone()
    }

    /// Stops taking new Envelopes and waits up to `timeout` for the queued ones to be processed.
    /// Returns how many were still waiting when the time ran out.
    pub(crate) async fn drain(self, timeout: Duration) -> usize {
        let waiting = self.queue.waiting();
        if waiting > 0 {
            tracing::info!(waiting, "draining the queue");
        }
        self.queue.sender.close();
        let all = futures::future::join_all(self.tasks);
        match tokio::time::timeout(timeout, all).await {
            Ok(_) => 0,
            Err(_) => {
                let left = self.queue.waiting();
                tracing::error!(left, "drain timed out; queued envelopes were not processed");
                left
            }
        }
    }
}

/// One worker task: takes Envelopes until the queue is closed and empty.
async fn work(worker: Worker, receiver: Receiver<Envelope>, timeout: Duration) {
    while let Ok(envelope) = receiver.recv().await {
        let request_id = envelope.request_id.clone();
        // A panic outside the handlers (adapter, delivery) must not stop this task. Caught in
        // place rather than in a task of its own: no allocation or wake-up per Envelope.
        let processing =
            std::panic::AssertUnwindSafe(worker.process_until(envelope, Deadline::after(timeout)));
        if let Err(panic) = futures::FutureExt::catch_unwind(processing).await {
            let error = ackbot_core::runtime::panic_message(panic.as_ref());
            tracing::error!(request_id, error, "worker task failed: it panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::testing::{Deliveries, FakeAdapter, envelope};
    use ackbot_core::{Bot, Text, cmd};
    use std::sync::Arc;

    async fn echo(Text(text): Text) -> String {
        text
    }

    fn worker() -> (Worker, FakeAdapter) {
        let adapter = FakeAdapter::new(Deliveries::Succeed, false);
        let bot = Bot::new().command(cmd("echo", echo)).build().unwrap();
        (
            Worker::new(bot).with_adapter(Arc::new(adapter.clone())),
            adapter,
        )
    }

    // Two threads, as under `serve`: workers take Envelopes while the edge is still queueing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn refuses_when_full_and_after_close_and_drains_what_it_took() {
        let (worker, adapter) = worker();
        let pool = Pool::start(worker, 1, 2, Duration::from_secs(60));
        let queue = pool.queue();
        let mut accepted = 0;
        for i in 0..200 {
            match queue.try_enqueue(FakeAdapter::envelope(&format!("echo {i}"), "ok")) {
                Ok(()) => accepted += 1,
                Err(Refused::Full) => {}
                Err(Refused::Closed) => panic!("not closed yet"),
            }
            assert!(queue.waiting() <= 2, "never more than the capacity waits");
        }
        assert!(accepted >= 2, "{accepted}");
        assert_eq!(pool.drain(Duration::from_secs(5)).await, 0);
        assert_eq!(queue.waiting(), 0);
        assert_eq!(
            adapter.calls().delivered().len(),
            accepted,
            "every accepted Envelope was processed"
        );
        assert_eq!(
            queue.try_enqueue(envelope("/fake", "echo late")),
            Err(Refused::Closed)
        );
    }
}
