//! The idempotency protocol of the worker, over any [`DedupeStore`]: every identity of an item is
//! claimed before its work (a key seen completed makes it a duplicate, one in progress leaves it to
//! the delivery at work), settled after it (completed, or released so that a retry redoes it), and
//! the replies of an item delivered part-way are remembered one by one (`{key}#sent{n}`), so that a
//! retry sends only the rest.

use std::sync::Arc;

use crate::dedupe::Claim;
use crate::runtime::{Clock, DedupeStore};
use crate::{BoxError, Reply};

/// Why an item is not this delivery's to do.
pub(super) enum Seen {
    /// Done already, under this key.
    Completed(String),
    /// Another delivery holds this key and is doing the work now.
    InProgress(String),
    /// The store failed.
    Failed(BoxError),
}

/// How the claims of an item end.
#[derive(Clone, Copy, Debug)]
pub(super) enum Settle {
    /// The work is done: later deliveries are duplicates.
    Complete,
    /// The work failed: a retry may claim it again.
    Release,
}

/// The worker's side of the protocol: its store and clock.
#[derive(Clone)]
pub(super) struct Idempotency {
    pub(super) store: Arc<dyn DedupeStore>,
    pub(super) clock: Arc<dyn Clock>,
}

/// The key that says reply `place` of the item keyed `key` was delivered.
pub(super) fn sent_key(key: &str, place: usize) -> String {
    format!("{key}#sent{place}")
}

impl Idempotency {
    /// Claims every key of an item; the keys it claimed, or why the item is not this delivery's
    /// to do. A key seen completed makes the item a duplicate, and the keys just claimed are
    /// completed with it, so that every identity of the item answers as done.
    pub(super) async fn claim(&self, keys: &[String]) -> Result<Vec<String>, Seen> {
        let mut claimed = Vec::new();
        for key in keys {
            match self.store.claim(key, self.clock.now_ms()).await {
                Ok(Claim::Claimed) => claimed.push(key.clone()),
                Ok(Claim::Completed) => {
                    self.settle(&claimed, Settle::Complete).await;
                    return Err(Seen::Completed(key.clone()));
                }
                Ok(Claim::InProgress) => {
                    self.settle(&claimed, Settle::Release).await;
                    return Err(Seen::InProgress(key.clone()));
                }
                Err(e) => {
                    self.settle(&claimed, Settle::Release).await;
                    return Err(Seen::Failed(e));
                }
            }
        }
        Ok(claimed)
    }

    /// Completes or releases `keys`; a failure is logged (the claim then expires by itself).
    pub(super) async fn settle(&self, keys: &[String], settle: Settle) {
        for key in keys {
            let done = match settle {
                Settle::Complete => self.store.complete(key, self.clock.now_ms()).await,
                Settle::Release => self.store.release(key).await,
            };
            if let Err(e) = done {
                tracing::warn!(key, error = %e, ?settle, "could not update the idempotency key");
            }
        }
    }

    /// The replies an earlier attempt of this item did not deliver, with their places among all
    /// of them. Progress is kept only for two replies or more (one is delivered or it is not),
    /// as completed keys `{key}#sent{place}` written when a delivery fails part-way.
    pub(super) async fn not_yet_sent(
        &self,
        item_key: Option<&str>,
        replies: Vec<Reply>,
    ) -> (Vec<usize>, Vec<Reply>) {
        let Some(item_key) = item_key.filter(|_| replies.len() > 1) else {
            return ((0..replies.len()).collect(), replies);
        };
        let mut left = (Vec::new(), Vec::new());
        for (place, reply) in replies.into_iter().enumerate() {
            let key = sent_key(item_key, place);
            match self.store.claim(&key, self.clock.now_ms()).await {
                Ok(Claim::Completed) => continue,
                Ok(Claim::Claimed) => self.settle(&[key], Settle::Release).await,
                Ok(Claim::InProgress) => {}
                Err(e) => tracing::warn!(key, error = %e, "could not read a reply's progress"),
            }
            left.0.push(place);
            left.1.push(reply);
        }
        left
    }

    /// Records that the replies at `places` of the item keyed `item_key` were delivered.
    pub(super) async fn sent(&self, item_key: &str, places: impl Iterator<Item = usize>) {
        let keys: Vec<String> = places.map(|place| sent_key(item_key, place)).collect();
        self.settle(&keys, Settle::Complete).await;
    }
}
