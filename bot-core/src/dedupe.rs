//! Idempotency of deliveries, with the semantics of AWS Lambda Powertools' idempotency utility: a
//! key is claimed as *in progress* with a short expiry of its own (so the work of a crashed
//! attempt can be taken up again), marked *completed* when its work is done, and ages out after
//! the store's time to live.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use futures::future::BoxFuture;

use crate::BoxError;

/// What claiming a key found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Nobody held the key (or an earlier claim expired): this delivery does the work.
    Claimed,
    /// Another delivery is doing the work right now; its claim has not expired.
    InProgress,
    /// The work was done already.
    Completed,
}

/// A store of idempotency keys shared by every worker that may see the same delivery.
pub trait DedupeStore: Send + Sync {
    /// Claims `key` at `now_ms` as in progress, unless another delivery holds it.
    fn claim<'a>(&'a self, key: &'a str, now_ms: i64) -> BoxFuture<'a, Result<Claim, BoxError>>;

    /// Marks the work of `key` done at `now_ms`: later deliveries are duplicates until the key
    /// ages out.
    fn complete<'a>(&'a self, key: &'a str, now_ms: i64) -> BoxFuture<'a, Result<(), BoxError>>;

    /// Gives up a claim, so that a retry of a failed delivery is processed again.
    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BoxError>>;
}

/// How long claims last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expiry {
    /// How long an in-progress claim holds before another delivery may take the work up
    /// (longer than the work can take: the worker's timeout and some).
    pub in_progress_ms: i64,
    /// How long a completed key is remembered (longer than any platform or Lambda retry, and
    /// than Slack's 5-minute freshness window for replays).
    pub completed_ms: i64,
}

impl Default for Expiry {
    /// In progress for 2 minutes (the default worker timeout is 30 s; Lambda's retries come 1
    /// and 2 minutes later); completed for 24 hours.
    fn default() -> Self {
        Self {
            in_progress_ms: 2 * 60 * 1000,
            completed_ms: 24 * 60 * 60 * 1000,
        }
    }
}

/// An in-process store bounded in time (keys expire) and in memory (at most `capacity` keys; the
/// oldest are forgotten first). The default when no shared store is configured.
pub struct MemoryDedupe {
    expiry: Expiry,
    capacity: usize,
    inner: Mutex<Keys>,
}

#[derive(Default)]
struct Keys {
    held: HashMap<String, Held>,
    order: VecDeque<(String, i64)>,
}

#[derive(Clone, Copy)]
struct Held {
    completed: bool,
    expires: i64,
}

impl MemoryDedupe {
    /// A store with these expiries that holds at most `capacity` keys.
    pub fn new(expiry: Expiry, capacity: usize) -> Self {
        Self {
            expiry,
            capacity: capacity.max(1),
            inner: Mutex::default(),
        }
    }

    /// How many keys are held now.
    pub fn len(&self) -> usize {
        self.lock().held.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Keys> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn hold(keys: &mut Keys, key: &str, held: Held) {
        keys.held.insert(key.to_string(), held);
        keys.order.push_back((key.to_string(), held.expires));
    }

    fn claim_now(&self, key: &str, now_ms: i64) -> Claim {
        let mut keys = self.lock();
        // Forget expired keys and, past capacity, the oldest ones. A key completed after its
        // claim has two entries in `order`; the older one is stale and just dropped, so it is
        // keys, not entries, that count against the capacity.
        while let Some((old, expires)) = keys.order.front().cloned() {
            let current = keys.held.get(&old).is_some_and(|h| h.expires == expires);
            if current && expires > now_ms && keys.held.len() < self.capacity {
                break;
            }
            keys.order.pop_front();
            if current {
                keys.held.remove(&old);
            }
        }
        match keys.held.get(key) {
            Some(held) if held.expires > now_ms && held.completed => Claim::Completed,
            Some(held) if held.expires > now_ms => Claim::InProgress,
            _ => {
                let expires = now_ms + self.expiry.in_progress_ms;
                Self::hold(
                    &mut keys,
                    key,
                    Held {
                        completed: false,
                        expires,
                    },
                );
                Claim::Claimed
            }
        }
    }
}

impl Default for MemoryDedupe {
    /// The default expiries; at most 100,000 keys, a few MB.
    fn default() -> Self {
        Self::new(Expiry::default(), 100_000)
    }
}

impl DedupeStore for MemoryDedupe {
    fn claim<'a>(&'a self, key: &'a str, now_ms: i64) -> BoxFuture<'a, Result<Claim, BoxError>> {
        let claim = self.claim_now(key, now_ms);
        Box::pin(async move { Ok(claim) })
    }

    fn complete<'a>(&'a self, key: &'a str, now_ms: i64) -> BoxFuture<'a, Result<(), BoxError>> {
        let held = Held {
            completed: true,
            expires: now_ms + self.expiry.completed_ms,
        };
        Self::hold(&mut self.lock(), key, held);
        Box::pin(async { Ok(()) })
    }

    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BoxError>> {
        self.lock().held.remove(key);
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(in_progress_ms: i64, completed_ms: i64, capacity: usize) -> MemoryDedupe {
        let expiry = Expiry {
            in_progress_ms,
            completed_ms,
        };
        MemoryDedupe::new(expiry, capacity)
    }

    #[tokio::test]
    async fn a_claim_is_in_progress_until_completed() {
        let s = store(100, 1000, 10);
        assert_eq!(s.claim("a", 0).await.unwrap(), Claim::Claimed);
        assert_eq!(s.claim("a", 50).await.unwrap(), Claim::InProgress);
        s.complete("a", 60).await.unwrap();
        assert_eq!(s.claim("a", 500).await.unwrap(), Claim::Completed);
        assert_eq!(s.claim("b", 500).await.unwrap(), Claim::Claimed);
    }

    #[tokio::test]
    async fn an_abandoned_claim_can_be_taken_up_after_its_expiry() {
        let s = store(100, 1000, 10);
        assert_eq!(s.claim("a", 0).await.unwrap(), Claim::Claimed);
        // The worker that held it crashed: after 100 ms another may do the work.
        assert_eq!(s.claim("a", 100).await.unwrap(), Claim::Claimed);
    }

    #[tokio::test]
    async fn completed_keys_age_out() {
        let s = store(100, 1000, 10);
        s.claim("a", 0).await.unwrap();
        s.complete("a", 0).await.unwrap();
        assert_eq!(s.claim("a", 999).await.unwrap(), Claim::Completed);
        assert_eq!(s.claim("a", 1000).await.unwrap(), Claim::Claimed);
    }

    #[tokio::test]
    async fn release_allows_a_retry() {
        let s = store(100, 1000, 10);
        s.claim("a", 0).await.unwrap();
        s.release("a").await.unwrap();
        assert_eq!(s.claim("a", 1).await.unwrap(), Claim::Claimed);
    }

    #[tokio::test]
    async fn completed_keys_count_once_against_the_capacity() {
        let s = store(1_000_000, 1_000_000, 4);
        for key in ["a", "b", "c", "d"] {
            s.claim(key, 0).await.unwrap();
            s.complete(key, 0).await.unwrap();
        }
        // Eight entries, four keys: nothing is forgotten yet.
        assert_eq!(s.claim("e", 1).await.unwrap(), Claim::Claimed);
        assert_eq!(s.claim("d", 1).await.unwrap(), Claim::Completed);
        assert_eq!(s.claim("c", 1).await.unwrap(), Claim::Completed);
        assert!(s.len() <= 4, "{}", s.len());
    }

    #[tokio::test]
    async fn memory_is_bounded() {
        let s = store(1_000_000, 1_000_000, 3);
        for i in 0..100 {
            assert_eq!(s.claim(&format!("k{i}"), i).await.unwrap(), Claim::Claimed);
        }
        assert!(s.len() <= 3);
        assert_eq!(s.claim("k99", 100).await.unwrap(), Claim::InProgress);
    }
}
