//! The live feed of the history's changes to the pages' event streams. Each page has a queue of
//! its own, bounded in bytes: a page that stops reading (a stalled tab, a slow network) has its
//! queue dropped once it passes the bound, and is sent the whole list again (`hello`) when it
//! reads on. Changes are shared between queues, and each queue holds the newest changes, so all
//! of them together hold at most the bound.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use tokio::sync::Notify;

/// A change the page's event stream sends: one webhook's new summary, as JSON.
pub(crate) type Change = Arc<str>;

/// How many pages may follow the feed at once.
pub(crate) const MAX_READERS: usize = 32;

/// What a page reads next.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// The next change.
    Change(Change),
    /// The page fell too far behind and its changes were dropped: it needs the whole list.
    Lagged,
}

/// The feed: one queue per following page.
pub(crate) struct Feed {
    readers: Mutex<Vec<Weak<Queue>>>,
    /// The bound of each queue, in bytes.
    limit: usize,
}

/// One page's subscription; dropping it leaves the feed.
pub(crate) struct Reader {
    queue: Arc<Queue>,
}

#[derive(Default)]
struct Queue {
    pending: Mutex<Pending>,
    ready: Notify,
}

#[derive(Default)]
struct Pending {
    changes: VecDeque<Change>,
    bytes: usize,
    lagged: bool,
}

impl Queue {
    fn pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Feed {
    /// A feed whose queues hold at most `limit` bytes each.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            readers: Mutex::default(),
            limit,
        }
    }

    fn readers(&self) -> MutexGuard<'_, Vec<Weak<Queue>>> {
        self.readers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether any page follows the feed (else changes need not be built).
    pub(crate) fn is_followed(&self) -> bool {
        self.readers().iter().any(|r| r.strong_count() > 0)
    }

    /// A new page's subscription, or `None` when [`MAX_READERS`] pages follow already.
    pub(crate) fn subscribe(&self) -> Option<Reader> {
        let mut readers = self.readers();
        readers.retain(|r| r.strong_count() > 0);
        if readers.len() >= MAX_READERS {
            return None;
        }
        let queue = Arc::new(Queue::default());
        readers.push(Arc::downgrade(&queue));
        Some(Reader { queue })
    }

    /// Queues `change` for every page; a page whose queue would pass the bound loses its queue.
    pub(crate) fn send(&self, change: &Change) {
        let queues: Vec<Arc<Queue>> = self.readers().iter().filter_map(Weak::upgrade).collect();
        for queue in queues {
            {
                let mut pending = queue.pending();
                if pending.lagged {
                    continue;
                }
                if pending.bytes + change.len() > self.limit {
                    pending.changes.clear();
                    pending.bytes = 0;
                    pending.lagged = true;
                } else {
                    pending.bytes += change.len();
                    pending.changes.push_back(Arc::clone(change));
                }
            }
            queue.ready.notify_one();
        }
    }

    /// How many bytes the queues hold in all (each change counted once).
    #[cfg(test)]
    pub(crate) fn queued_bytes(&self) -> usize {
        let mut seen: Vec<*const u8> = Vec::new();
        let mut bytes = 0;
        for queue in self.readers().iter().filter_map(Weak::upgrade) {
            for change in &queue.pending().changes {
                let at = change.as_ptr();
                if !seen.contains(&at) {
                    seen.push(at);
                    bytes += change.len();
                }
            }
        }
        bytes
    }
}

impl Reader {
    /// The next change, waiting for one.
    pub(crate) async fn next(&self) -> Next {
        loop {
            {
                let mut pending = self.queue.pending();
                if std::mem::take(&mut pending.lagged) {
                    return Next::Lagged;
                }
                if let Some(change) = pending.changes.pop_front() {
                    pending.bytes -= change.len();
                    return Next::Change(change);
                }
            }
            // `notify_one` keeps a permit when nobody waits: a change sent between the check
            // above and this wait is not missed.
            self.queue.ready.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(n: usize, size: usize) -> Change {
        format!("{n:0size$}").into()
    }

    #[tokio::test]
    async fn a_reader_gets_each_change_in_order() {
        let feed = Feed::new(1024);
        assert!(!feed.is_followed());
        let reader = feed.subscribe().unwrap();
        assert!(feed.is_followed());
        for n in 0..3 {
            feed.send(&change(n, 10));
        }
        for n in 0..3 {
            assert_eq!(reader.next().await, Next::Change(change(n, 10)));
        }
        let waiting = tokio::spawn(async move { reader.next().await });
        feed.send(&change(9, 10));
        assert_eq!(waiting.await.unwrap(), Next::Change(change(9, 10)));
        assert!(!feed.is_followed(), "a dropped reader leaves the feed");
    }

    #[tokio::test]
    async fn a_stalled_reader_holds_at_most_the_bound_then_gets_the_whole_list() {
        let feed = Feed::new(10_000);
        let stalled = feed.subscribe().unwrap();
        let reading = feed.subscribe().unwrap();
        for n in 0..1_000 {
            feed.send(&change(n, 1_000));
            assert!(feed.queued_bytes() <= 10_000, "after {n}");
            if let Next::Change(c) = reading.next().await {
                assert_eq!(c, change(n, 1_000));
            }
        }
        assert_eq!(stalled.next().await, Next::Lagged);
        feed.send(&change(1, 5));
        assert_eq!(stalled.next().await, Next::Change(change(1, 5)));
    }

    #[test]
    fn readers_are_bounded() {
        let feed = Feed::new(100);
        let readers: Vec<Reader> = (0..MAX_READERS)
            .map(|_| feed.subscribe().unwrap())
            .collect();
        assert!(feed.subscribe().is_none());
        drop(readers);
        assert!(feed.subscribe().is_some());
    }
}
