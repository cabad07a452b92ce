//! The inspector's bounded history: the last webhooks the edge received, each with the stages
//! its worker went through, and a live feed of every change for the page's event stream.
//!
//! Memory stays flat: at most `capacity` webhooks, and at most `body_budget` bytes of bodies
//! between them; the oldest go first.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bot_core::{Envelope, Observation, Observer};
use tokio::sync::broadcast;

use crate::serve::inspector::view::{self, Step, StepKind, Summary};

/// How many webhooks the history keeps by default.
pub(crate) const CAPACITY: usize = 500;
/// How many bytes of bodies the history keeps by default (the edge accepts bodies up to 1 MiB).
pub(crate) const BODY_BUDGET: usize = 16 * 1024 * 1024;
/// How many changes a slow page may fall behind before it is sent the whole list again.
const FEED_DEPTH: usize = 1024;

/// One webhook as the inspector keeps it.
pub(crate) struct Entry {
    /// What the page lists.
    pub(crate) summary: Summary,
    /// The Envelope as the edge built it, for the detail view and Replay.
    pub(crate) envelope: Envelope,
    /// When the edge received it, for the stages' timings (finer than the Envelope's clock).
    started: Instant,
}

/// A change the page's event stream sends: one webhook's new summary, as JSON.
pub(crate) type Change = Arc<str>;

struct State {
    entries: VecDeque<Entry>,
    body_bytes: usize,
}

/// The last webhooks and their stages, shared by the edge (which records receipts and acks),
/// the workers (through an [`Observer`]) and the inspector's routes.
pub(crate) struct History {
    state: Mutex<State>,
    feed: broadcast::Sender<Change>,
    capacity: usize,
    body_budget: usize,
}

impl History {
    /// A history of at most `capacity` webhooks and `body_budget` bytes of bodies.
    pub(crate) fn new(capacity: usize, body_budget: usize) -> Self {
        Self {
            state: Mutex::new(State {
                entries: VecDeque::with_capacity(capacity.min(CAPACITY)),
                body_bytes: 0,
            }),
            feed: broadcast::channel(FEED_DEPTH).0,
            capacity: capacity.max(1),
            body_budget,
        }
    }

    /// How many webhooks the history keeps.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a webhook the edge just received (or a replay the inspector queued).
    pub(crate) fn received(&self, envelope: &Envelope) {
        let summary = Summary::new(envelope, view::what(envelope));
        let size = envelope.body.len();
        let change = {
            let mut state = self.state();
            while state.entries.len() >= self.capacity
                || (!state.entries.is_empty() && state.body_bytes + size > self.body_budget)
            {
                if let Some(old) = state.entries.pop_front() {
                    state.body_bytes -= old.envelope.body.len();
                }
            }
            state.body_bytes += size;
            let change = self.change(&summary);
            state.entries.push_back(Entry {
                summary,
                envelope: envelope.clone(),
                started: Instant::now(),
            });
            change
        };
        self.send(change);
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
            // The webhook being worked on is almost always among the newest.
            let Some(entry) = state
                .entries
                .iter_mut()
                .rev()
                .find(|e| e.summary.id == request_id)
            else {
                return;
            };
            let Some(kind) = step(&mut entry.summary) else {
                return;
            };
            let at_ms = view::millis(entry.started.elapsed());
            entry.summary.steps.push(Step { at_ms, kind });
            self.change(&entry.summary)
        };
        self.send(change);
    }

    /// The summary as the feed sends it, built only when some page listens.
    fn change(&self, summary: &Summary) -> Option<Change> {
        (self.feed.receiver_count() > 0).then(|| summary.to_json().into())
    }

    fn send(&self, change: Option<Change>) {
        if let Some(change) = change {
            // Nobody listening is fine: the history has it.
            let _ = self.feed.send(change);
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

    /// The changes from now on, for one page's event stream.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.feed.subscribe()
    }

    /// How many webhooks and body bytes the history holds.
    #[cfg(test)]
    pub(crate) fn size(&self) -> (usize, usize) {
        let state = self.state();
        (state.entries.len(), state.body_bytes)
    }
}
