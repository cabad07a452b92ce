//! After the handler: its replies delivered through the adapter's [`Delivery`], those an earlier
//! attempt sent left out, and the outcome recorded — or the platform told there is nothing to
//! send.

use std::sync::Arc;

use crate::Reply;
use crate::adapter::{Delivery, Envelope};
use crate::worker::{Report, Stage, Status, WorkError, Worker};

/// The item whose replies are delivered: its Envelope, how its command reads in the log, and its
/// idempotency key (none for a replay).
pub(super) struct Item<'a> {
    pub(super) envelope: &'a Envelope,
    pub(super) invocation: String,
    pub(super) key: Option<&'a str>,
}

impl Worker {
    /// Delivers `replies` of `item` through `delivery`, recording in `report` and the
    /// observers what became of them.
    pub(super) async fn deliver(
        &self,
        item: Item<'_>,
        delivery: &dyn Delivery,
        replies: Vec<Reply>,
        report: &mut Report,
    ) -> Result<(), Status> {
        if replies.is_empty() {
            delivery.no_replies().await;
            return Ok(());
        }
        let texts = replies.iter().map(|r| r.text.clone()).collect();
        let (places, replies) = self.keys.not_yet_sent(item.key, replies).await;
        if replies.is_empty() {
            tracing::info!(request_id = %item.envelope.request_id, "every reply went out on an earlier attempt");
        }
        if places.first().is_some_and(|&first| first > 0) {
            delivery.resuming();
        }
        let delivered = match replies.is_empty() {
            true => Ok(()),
            false => delivery.deliver(replies, self.clock.now_ms()).await,
        };
        match delivered {
            Ok(()) => {
                report.replied += 1;
                let command = item.invocation;
                self.observe(item.envelope, Stage::Replied { command, texts });
                Ok(())
            }
            Err(error) => {
                if let Some(item_key) = item.key {
                    let delivered = error.delivered.iter().filter_map(|&i| places.get(i));
                    self.keys.sent(item_key, delivered.copied()).await;
                }
                let retryable = error.retryable;
                let command = item.invocation.clone();
                let error = Arc::new(WorkError::Delivery { command, error });
                let error_seen = Arc::clone(&error);
                let command = item.invocation;
                self.observe(
                    item.envelope,
                    Stage::DeliveryFailed {
                        command,
                        error: error_seen,
                    },
                );
                if !retryable {
                    return Err(Status::Undeliverable(error));
                }
                Err(Status::Failed(error))
            }
        }
    }
}
