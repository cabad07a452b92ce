//! The bounded queue between the local edge and its workers, and the drain on shutdown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bot_core::{Envelope, Worker};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Why an Envelope was not queued.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Every slot is taken; the edge answers 503 rather than accept work it would drop.
    Full,
    /// The pool is shutting down.
    Closed,
}

/// The sending side of the queue, shared by the edge's request handlers.
#[derive(Clone)]
pub struct Queue {
    sender: Arc<Mutex<Option<mpsc::Sender<Envelope>>>>,
    waiting: Arc<AtomicUsize>,
}

impl Queue {
    /// Queues an Envelope for a worker without waiting.
    pub fn try_enqueue(&self, envelope: Envelope) -> Result<(), Refused> {
        let guard = self.sender.lock().unwrap_or_else(|p| p.into_inner());
        let sender = guard.as_ref().ok_or(Refused::Closed)?;
        // Counted before the send: a worker may take the Envelope before `try_send` returns.
        self.waiting.fetch_add(1, Ordering::Relaxed);
        sender.try_send(envelope).map_err(|e| {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            match e {
                mpsc::error::TrySendError::Full(_) => Refused::Full,
                mpsc::error::TrySendError::Closed(_) => Refused::Closed,
            }
        })
    }

    /// Envelopes queued and not yet taken by a worker.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

/// A fixed number of worker tasks taking Envelopes from a bounded queue.
pub struct Pool {
    queue: Queue,
    tasks: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `workers` tasks behind a queue of `capacity` slots.
    pub fn start(worker: Worker, workers: usize, capacity: usize) -> Self {
        let (sender, receiver) = mpsc::channel::<Envelope>(capacity.max(1));
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let waiting = Arc::new(AtomicUsize::new(0));
        let tasks = (0..workers.max(1))
            .map(|_| {
                let (worker, receiver, waiting) =
                    (worker.clone(), receiver.clone(), waiting.clone());
                tokio::spawn(async move {
                    loop {
                        let next = receiver.lock().await.recv().await;
                        let Some(envelope) = next else { break };
                        waiting.fetch_sub(1, Ordering::Relaxed);
                        let request_id = envelope.request_id.clone();
                        let worker = worker.clone();
                        // A panic outside the handlers (adapter, delivery) must not stop this task.
                        if let Err(e) =
                            tokio::spawn(async move { worker.process(envelope).await }).await
                        {
                            tracing::error!(request_id, error = %e, "worker task failed");
                        }
                    }
                })
            })
            .collect();
        Self {
            queue: Queue {
                sender: Arc::new(Mutex::new(Some(sender))),
                waiting,
            },
            tasks,
        }
    }

    /// The sending side, for the edge.
    pub fn queue(&self) -> Queue {
        self.queue.clone()
    }

    /// Stops taking new Envelopes and waits up to `timeout` for the queued ones to be processed.
    /// Returns how many were still waiting when the time ran out.
    pub async fn drain(self, timeout: Duration) -> usize {
        let waiting = self.queue.waiting();
        if waiting > 0 {
            tracing::info!(waiting, "draining the queue");
        }
        self.queue
            .sender
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
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

#[cfg(test)]
mod tests {
    use super::*;
    use bot_core::{Headers, Router};

    fn envelope() -> Envelope {
        Envelope {
            route: "/nowhere".into(),
            received_at_ms: 0,
            request_id: "r".into(),
            source_ip: None,
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    // Two threads, as under `serve`: workers take Envelopes while the edge is still queueing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn refuses_when_full_and_after_close_and_counts_exactly() {
        // No adapter serves `/nowhere`: each Envelope is processed (and dropped) at once.
        let worker = Worker::new(Router::new().build());
        let pool = Pool::start(worker, 1, 2);
        let queue = pool.queue();
        for _ in 0..200 {
            match queue.try_enqueue(envelope()) {
                Ok(()) | Err(Refused::Full) => {}
                Err(Refused::Closed) => panic!("not closed yet"),
            }
            // At most the capacity, plus the one the worker has taken and not yet counted off.
            let waiting = queue.waiting();
            assert!(waiting <= 3, "count out of bounds: {waiting}");
        }
        assert_eq!(pool.drain(Duration::from_secs(5)).await, 0);
        assert_eq!(queue.waiting(), 0);
        assert_eq!(queue.try_enqueue(envelope()), Err(Refused::Closed));
    }
}
