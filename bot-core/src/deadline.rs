//! The time a handler has: under Lambda, until shortly before the function's own time runs out,
//! so that its stream is ended and its replies sent before Lambda cuts it off; elsewhere none.

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

    /// The handler's time left, if it has a deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.stop_at()
            .map(|at| at.saturating_duration_since(Instant::now()))
    }
}

impl FromIncoming for Deadline {
    type Rejection = std::convert::Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Self::Rejection> {
        Ok(request.extension::<Deadline>().copied().unwrap_or_default())
    }
}
