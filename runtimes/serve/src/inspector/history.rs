//! The inspector's bounded history: the last webhooks the edge received, each with the stages
//! its worker went through, and a live feed of every change for the pages' event streams.
//!
//! Memory stays flat: at most `capacity` webhooks, and one budget of bytes for everything kept
//! and queued — each webhook's body, headers and summary, and the changes waiting for the pages
//! (a share of the budget, see [`feed`](super::feed)); the oldest webhooks go first. A flood of
//! unsigned posts, and a page that stopped reading, cost at most the budget.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use ackbot_core::adapter::Envelope;
use ackbot_core::runtime::{Observation, Observer};

use crate::inspector::feed::{Change, Feed, Reader};
use crate::inspector::view::{self, Step, StepKind, Summary};

/// How many webhooks the history keeps by default.
pub(crate) const CAPACITY: usize = 500;
/// How many bytes the history may hold by default, all told (the edge accepts bodies up to
/// 1 MiB).
pub(crate) const BUDGET: usize = 16 * 1024 * 1024;
/// The share of the budget the pages' queues may hold.
const FEED_SHARE: usize = 16;
/// What a stored webhook costs beyond its bytes: its entry, its maps and vectors.
const ENTRY_OVERHEAD: usize = 512;

/// One webhook as the inspector keeps it.
pub(crate) struct Entry {
    /// What the page lists.
    pub(crate) summary: Summary,
    /// The Envelope as the edge built it, for the detail view and Replay.
    pub(crate) envelope: Envelope,
    /// When the edge received it, for the stages' timings (finer than the Envelope's clock).
    started: Instant,
    /// What it costs against the budget, as last counted.
    cost: usize,
}

impl Entry {
    /// What the entry costs: its body, its headers and its summary.
    fn count(&self) -> usize {
        let headers: usize = (self.envelope.headers.iter())
            .map(|(name, value)| name.len() + value.len() + 32)
            .sum();
        ENTRY_OVERHEAD + self.envelope.body.len() + headers + self.summary.cost()
    }
}

struct State {
    entries: VecDeque<Entry>,
    bytes: usize,
}

/// The last webhooks and their stages, shared by the edge (which records receipts and acks),
/// the workers (through an [`Observer`]) and the inspector's routes.
pub(crate) struct History {
    state: Mutex<State>,
    feed: Feed,
    capacity: usize,
    /// The budget of the entries: the whole budget less the pages' share.
    budget: usize,
}

impl History {
    /// A history of at most `capacity` webhooks and `budget` bytes in all.
    pub(crate) fn new(capacity: usize, budget: usize) -> Self {
        let feed = budget / FEED_SHARE;
        Self {
            state: Mutex::new(State {
                entries: VecDeque::with_capacity(capacity.min(CAPACITY)),
                bytes: 0,
            }),
            feed: Feed::new(feed),
            capacity: capacity.max(1),
            budget: budget - feed,
        }
    }

    /// How many webhooks the history keeps.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a webhook the edge just received (or a replay the inspector queued). One larger
    /// than the whole budget is kept without its body.
    pub(crate) fn received(&self, envelope: &Envelope) {
        let summary = Summary::new(envelope, view::what(envelope));
        let mut entry = Entry {
            summary,
            envelope: envelope.clone(),
            started: Instant::now(),
            cost: 0,
        };
        entry.cost = entry.count();
        if entry.cost > self.budget {
            entry.envelope.body = Vec::new();
            entry.envelope.headers = Default::default();
            entry.cost = entry.count();
        }
        let change = {
            let mut state = self.state();
            while state.entries.len() >= self.capacity {
                let Some(old) = state.entries.pop_front() else {
                    break;
                };
                state.bytes -= old.cost;
            }
            state.bytes += entry.cost;
            let change = self.change(&entry.summary);
            state.entries.push_back(entry);
            self.evict(&mut state);
            change
        };
        self.send(change);
    }

    /// Drops the oldest webhooks until the rest fit the budget (the newest always stays).
    fn evict(&self, state: &mut State) {
        while state.bytes > self.budget && state.entries.len() > 1 {
            let Some(old) = state.entries.pop_front() else {
                break;
            };
            state.bytes -= old.cost;
        }
    }

    /// Records the edge's acknowledgement of `request_id`. A webhook the edge refused (503: the
    /// queue is full, or shutting down) never reaches a worker, and ends there.
    pub(crate) fn acked(&self, request_id: &str, status: u16) {
        self.update(request_id, |summary| {
            if status >= 500 && summary.state == "pending" {
                summary.state = "refused";
            }
            Some(StepKind::Acked { status })
        });
    }

    /// Records that the queue refused `request_id` (a replay): no worker will see it.
    pub(crate) fn refused(&self, request_id: &str, why: &str) {
        self.update(request_id, |summary| {
            summary.state = "refused";
            Some(StepKind::Skipped {
                reason: format!("not queued: {why}"),
            })
        });
    }

    /// Records one stage the worker (or the front door) reached.
    pub(crate) fn observe(&self, observation: &Observation) {
        self.update(&observation.request_id, |summary| {
            view::step(summary, &observation.stage)
        });
    }

    /// An observer for the workers that records into this history.
    pub(crate) fn observer(self: &Arc<Self>) -> Observer {
        let history = Arc::clone(self);
        Arc::new(move |observation: &Observation| history.observe(observation))
    }

    /// Adds the step `step` makes of the webhook's summary (if any) to `request_id`'s entry, timed
    /// from its receipt.
    fn update(&self, request_id: &str, step: impl FnOnce(&mut Summary) -> Option<StepKind>) {
        let change = {
            let mut state = self.state();
            let state = &mut *state;
            // The webhook being worked on is almost always among the newest.
            let Some(entry) = (state.entries.iter_mut().rev()).find(|e| e.summary.id == request_id)
            else {
                return;
            };
            let Some(kind) = step(&mut entry.summary) else {
                return;
            };
            let at_ms = view::millis(entry.started.elapsed());
            entry.summary.push(Step { at_ms, kind });
            let change = self.change(&entry.summary);
            let (was, cost) = (entry.cost, entry.count());
            entry.cost = cost;
            state.bytes = state.bytes - was + cost;
            // The entry being updated is among the newest: eviction takes older ones first.
            self.evict(state);
            change
        };
        self.send(change);
    }

    /// The summary as the feed sends it, built only when some page follows the feed.
    fn change(&self, summary: &Summary) -> Option<Change> {
        self.feed.is_followed().then(|| summary.to_json().into())
    }

    fn send(&self, change: Option<Change>) {
        if let Some(change) = change {
            self.feed.send(&change);
        }
    }

    /// Every webhook's summary, oldest first.
    pub(crate) fn summaries(&self) -> Vec<Summary> {
        self.state()
            .entries
            .iter()
            .map(|e| e.summary.clone())
            .collect()
    }

    /// The summary and Envelope of `request_id`, while the history still holds it.
    pub(crate) fn get(&self, request_id: &str) -> Option<(Summary, Envelope)> {
        self.state()
            .entries
            .iter()
            .rev()
            .find(|e| e.summary.id == request_id)
            .map(|e| (e.summary.clone(), e.envelope.clone()))
    }

    /// The changes from now on, for one page's event stream; `None` when too many pages follow.
    pub(crate) fn subscribe(&self) -> Option<Reader> {
        self.feed.subscribe()
    }

    /// How many webhooks the history holds, and how many bytes they and the queued changes
    /// cost against the budget.
    #[cfg(test)]
    pub(crate) fn size(&self) -> (usize, usize) {
        let state = self.state();
        (state.entries.len(), state.bytes + self.feed.queued_bytes())
    }
}
