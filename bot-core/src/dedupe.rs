//! Deduplication of deliveries: the same platform event id is handled once.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use futures::future::BoxFuture;

use crate::BoxError;

/// A store of event ids already claimed by a worker.
pub trait DedupeStore: Send + Sync {
    /// Claims `key` at `now_ms`: `true` when this is its first delivery, `false` when another
    /// delivery already claimed it and the claim has not expired.
    fn claim<'a>(&'a self, key: &'a str, now_ms: i64) -> BoxFuture<'a, Result<bool, BoxError>>;

    /// Gives up a claim, so that a retry of a failed delivery is processed again.
    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BoxError>>;
}

/// An in-process dedupe store bounded in time (claims expire after a TTL) and in memory (at most
/// `capacity` keys; the oldest are forgotten first).
pub struct MemoryDedupe {
    ttl_ms: i64,
    capacity: usize,
    inner: Mutex<Claims>,
}

#[derive(Default)]
struct Claims {
    expiry: HashMap<String, i64>,
    order: VecDeque<(String, i64)>,
}

impl MemoryDedupe {
    /// A store whose claims last `ttl_ms` and that holds at most `capacity` keys.
    pub fn new(ttl_ms: i64, capacity: usize) -> Self {
        Self {
            ttl_ms,
            capacity: capacity.max(1),
            inner: Mutex::default(),
        }
    }

    /// How many keys are held now.
    pub fn len(&self) -> usize {
        self.lock().expiry.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Claims> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn claim_now(&self, key: &str, now_ms: i64) -> bool {
        let mut claims = self.lock();
        // Forget expired claims and, past capacity, the oldest ones.
        while let Some((old, expires)) = claims.order.front().cloned() {
            if expires > now_ms && claims.order.len() < self.capacity {
                break;
            }
            claims.order.pop_front();
            if claims.expiry.get(&old) == Some(&expires) {
                claims.expiry.remove(&old);
            }
        }
        if claims
            .expiry
            .get(key)
            .is_some_and(|&expires| expires > now_ms)
        {
            return false;
        }
        let expires = now_ms + self.ttl_ms;
        claims.expiry.insert(key.to_string(), expires);
        claims.order.push_back((key.to_string(), expires));
        true
    }
}

impl Default for MemoryDedupe {
    /// Claims last 24 hours (LINE retry keys and Slack retries are long gone by then); at most
    /// 100,000 keys, a few MB.
    fn default() -> Self {
        Self::new(24 * 60 * 60 * 1000, 100_000)
    }
}

impl DedupeStore for MemoryDedupe {
    fn claim<'a>(&'a self, key: &'a str, now_ms: i64) -> BoxFuture<'a, Result<bool, BoxError>> {
        let first = self.claim_now(key, now_ms);
        Box::pin(async move { Ok(first) })
    }

    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BoxError>> {
        self.lock().expiry.remove(key);
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn second_claim_is_a_duplicate() {
        let store = MemoryDedupe::new(1000, 10);
        assert!(store.claim("a", 0).await.unwrap());
        assert!(!store.claim("a", 500).await.unwrap());
        assert!(store.claim("b", 500).await.unwrap());
    }

    #[tokio::test]
    async fn claims_expire() {
        let store = MemoryDedupe::new(1000, 10);
        assert!(store.claim("a", 0).await.unwrap());
        assert!(store.claim("a", 1000).await.unwrap());
        assert_eq!(store.len(), 1);
    }

    #[tokio::test]
    async fn release_allows_a_retry() {
        let store = MemoryDedupe::new(1000, 10);
        assert!(store.claim("a", 0).await.unwrap());
        store.release("a").await.unwrap();
        assert!(store.claim("a", 1).await.unwrap());
    }

    #[tokio::test]
    async fn memory_is_bounded() {
        let store = MemoryDedupe::new(1_000_000, 3);
        for i in 0..100 {
            assert!(store.claim(&format!("k{i}"), i).await.unwrap());
        }
        assert!(store.len() <= 3);
        assert!(!store.claim("k99", 100).await.unwrap());
    }
}
