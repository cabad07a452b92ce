//! The time a handler has: under Lambda, until shortly before the function's own time runs out,
//! so that its stream is ended and its replies sent before Lambda cuts it off; under `serve`, a
//! limit of its own. The worker also sets it as the current task's deadline
//! ([`Deadline::current`]), which the API clients read: a retry never waits past it, and one
//! request never outlasts it.

use std::time::{Duration, Instant};

use crate::extract::{FromIncoming, Request};

/// What the worker keeps for itself before a deadline: time to end a stream and send the replies.
pub const MARGIN: Duration = Duration::from_secs(2);

/// When the worker must be done with a request, if ever; an extractor (a handler that pages
/// through work can look at [`remaining`](Self::remaining)). The handler is stopped
/// [`MARGIN`] before it, with [`DispatchError::TimedOut`](crate::DispatchError::TimedOut).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deadline {
    at: Option<Instant>,
}

impl Deadline {
    /// No deadline.
    pub fn none() -> Self {
        Self::default()
    }

    /// A deadline at `at`.
    pub fn at(at: Instant) -> Self {
        Self { at: Some(at) }
    }

    /// A deadline `ms` milliseconds since the epoch (Lambda's), as measured by `now_ms`.
    pub fn at_epoch_ms(ms: i64, now_ms: i64) -> Self {
        let left = Duration::from_millis(ms.saturating_sub(now_ms).max(0) as u64);
        Self::at(Instant::now() + left)
    }

    /// When the handler is stopped: [`MARGIN`] before the deadline.
    pub fn stop_at(&self) -> Option<Instant> {
        self.at.map(|at| at.checked_sub(MARGIN).unwrap_or(at))
    }

    /// A deadline `limit` from now.
    pub fn after(limit: Duration) -> Self {
        Self::at(Instant::now() + limit)
    }

    /// The time left before the deadline itself (the worker's, not the handler's), if any.
    pub fn left(&self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether waiting `wait` still leaves [`MARGIN`] of the deadline's time for what comes after
    /// (a retry's attempt, the stream's end, the replies). Always true without a deadline.
    pub fn allows(&self, wait: Duration) -> bool {
        self.left().is_none_or(|left| wait + MARGIN <= left)
    }

    /// `timeout`, or the time left if that is shorter: one request never outlasts the deadline.
    pub fn cap(&self, timeout: Duration) -> Duration {
        self.left().map_or(timeout, |left| left.min(timeout))
    }

    /// The deadline of the work this task is doing, set by the worker ([`scope`](Self::scope));
    /// none outside it.
    pub fn current() -> Self {
        CURRENT.try_with(|d| *d).unwrap_or_default()
    }

    /// Runs `work` with this as its [`current`](Self::current) deadline.
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        CURRENT.scope(self, work).await
    }

    /// Runs `work` until it is done or the handler's time runs out ([`stop_at`](Self::stop_at)):
    /// `None` when it was stopped. Without a deadline it always runs to its end.
    pub async fn stop<F: Future>(&self, work: F) -> Option<F::Output> {
        match self.stop_at() {
            Some(at) => tokio::time::timeout_at(at.into(), work).await.ok(),
            None => Some(work.await),
        }
    }

    /// The handler's time left, if it has a deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.stop_at()
            .map(|at| at.saturating_duration_since(Instant::now()))
    }
}

tokio::task_local! {
    static CURRENT: Deadline;
}

impl FromIncoming for Deadline {
    type Rejection = std::convert::Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Self::Rejection> {
        Ok(request.extension::<Deadline>().copied().unwrap_or_default())
    }
}
