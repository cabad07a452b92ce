//! Answer now, work once: a handler that must answer within the acknowledgement (a modal's
//! submission) hands its slow part to [`Later`]. At the front door the slow part is never run —
//! a future that is not polled does nothing — and the worker, given the Envelope, runs the
//! handler again and its slow part, once, after it returns. So the slow part never runs twice,
//! not even when the first run missed the acknowledgement's deadline.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use futures::future::BoxFuture;

use crate::extract::{FromIncoming, Request};
use crate::{Reply, runtime::panic_message};

/// Work a handler leaves for after its answer: an extractor.
///
/// ```
/// use ackbot_core::{Later, Reply};
///
/// async fn submitted(later: Later) -> &'static str {
///     later.run(async {
///         // …the slow part: file the ticket, call the model…
///         vec![Reply::text("Filed.")]
///     });
///     "Thanks!"
/// }
/// ```
#[derive(Clone)]
pub struct Later {
    inner: Arc<Inner>,
}

struct Inner {
    /// Whether the work runs in this process (the worker) or is left to the worker (the front
    /// door).
    here: bool,
    requested: AtomicBool,
    jobs: Mutex<Vec<BoxFuture<'static, Vec<Reply>>>>,
}

impl Later {
    /// Work run after the handler, here (the worker).
    pub fn here() -> Self {
        Self::new(true)
    }

    /// Work left to the worker (the front door, which must answer at once).
    pub fn in_the_worker() -> Self {
        Self::new(false)
    }

    fn new(here: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                here,
                requested: AtomicBool::new(false),
                jobs: Mutex::default(),
            }),
        }
    }

    /// Leaves `work` for after the handler returns: run once, in the worker; its replies are
    /// sent after the handler's.
    pub fn run(&self, work: impl Future<Output = Vec<Reply>> + Send + 'static) {
        self.inner.requested.store(true, Ordering::SeqCst);
        if self.inner.here {
            let mut jobs = self.inner.jobs.lock().unwrap_or_else(|e| e.into_inner());
            jobs.push(Box::pin(work));
        }
    }

    /// Whether the handler left work for later.
    pub fn is_requested(&self) -> bool {
        self.inner.requested.load(Ordering::SeqCst)
    }

    /// Runs the work left here, in order, and returns its replies; a panic is logged and ends
    /// that piece of work only.
    pub async fn finish(&self) -> Vec<Reply> {
        let jobs = std::mem::take(&mut *self.inner.jobs.lock().unwrap_or_else(|e| e.into_inner()));
        let mut replies = Vec::new();
        for job in jobs {
            match AssertUnwindSafe(job).catch_unwind().await {
                Ok(more) => replies.extend(more),
                Err(panic) => tracing::error!(panic = %panic_message(panic.as_ref()),
                    "the work left for later panicked"),
            }
        }
        replies
    }
}

impl std::fmt::Debug for Later {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Later")
            .field("here", &self.inner.here)
            .field("requested", &self.is_requested())
            .finish()
    }
}

impl FromIncoming for Later {
    type Rejection = std::convert::Infallible;

    /// The runtime's; without one (a test calling the handler by hand), work runs here.
    fn from_incoming(request: &Request) -> Result<Self, Self::Rejection> {
        Ok(request
            .extension::<Later>()
            .cloned()
            .unwrap_or_else(Later::here))
    }
}
