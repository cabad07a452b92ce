//! Showing that the bot is working (LINE's loading animation) while a handler runs: at once for
//! a command marked slow, after a second for any other, and again before it lapses for as long
//! as the handler runs (a streamed answer can take minutes).

use std::future::Future;
use std::time::Duration;

use crate::adapter::Delivery;

/// How long a handler may run before the worker shows progress: a quick answer shows none.
const PROGRESS_AFTER: Duration = Duration::from_secs(1);
/// How long the progress shown lasts (LINE: 5–60 s).
const PROGRESS_SECONDS: u32 = 60;
/// When it is shown again, before it lapses.
const PROGRESS_RENEW: Duration = Duration::from_secs(50);

/// Runs `work`, showing progress through `delivery` where it can (from the start when `slow`).
pub(super) async fn with_progress<F: Future>(
    delivery: &dyn Delivery,
    slow: bool,
    work: F,
) -> F::Output {
    if !delivery.can_show_progress() {
        return work.await;
    }
    let mut wait = PROGRESS_AFTER;
    if slow {
        show(delivery).await;
        wait = PROGRESS_RENEW;
    }
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = tokio::time::sleep(wait) => {
                show(delivery).await;
                wait = PROGRESS_RENEW;
            }
        }
    }
}

async fn show(delivery: &dyn Delivery) {
    if let Err(e) = delivery.show_progress(PROGRESS_SECONDS).await {
        tracing::warn!(error = %e, "could not show progress");
    }
}
