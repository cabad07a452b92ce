//! An assistant thread's context — the channel the user is viewing beside it — kept between the
//! events that carry it (`assistant_thread_started`, `assistant_thread_context_changed`) and the
//! messages that do not, in a store every worker shares: not looked up again through
//! `conversations.history`, which Slack limits to one call a minute for many apps.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ackbot_core::BoxError;
use ackbot_core::adapter::Work;
use futures::future::BoxFuture;
use serde_json::Value;

use super::{AssistantContext, AssistantThread};
use crate::oauth::Workspace;

/// How long a thread's context is kept after it was last set: a thread the user comes back to
/// within a month still knows what they were looking at.
pub const KEEP_CONTEXT_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// The thread a context belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ThreadKey {
    /// The workspace (`T…`); empty if the payload named none.
    pub team_id: String,
    /// The app's DM with the user (`D…`).
    pub channel_id: String,
    /// The thread.
    pub thread_ts: String,
}

impl ThreadKey {
    /// One string for the key, `T1:D1:1729999327.187299`.
    pub fn id(&self) -> String {
        format!("{}:{}:{}", self.team_id, self.channel_id, self.thread_ts)
    }
}

/// Where assistant threads' contexts are kept: each method one read or one write.
/// Implemented in memory ([`MemoryThreadContexts`]), by `ackbot serve` on disk and by the Lambda
/// runtime in DynamoDB.
pub trait ThreadContexts: Send + Sync {
    /// Keeps `context` as `thread`'s, replacing what was kept, for [`KEEP_CONTEXT_FOR`].
    fn save<'a>(
        &'a self,
        thread: &'a ThreadKey,
        context: &'a AssistantContext,
    ) -> BoxFuture<'a, Result<(), BoxError>>;

    /// The context kept for `thread`, if any.
    fn find<'a>(
        &'a self,
        thread: &'a ThreadKey,
    ) -> BoxFuture<'a, Result<Option<AssistantContext>, BoxError>>;
}

/// Contexts in this process's memory, the most recent 10,000 threads: for one `ackbot serve`, the
/// test kit, and a bot with no store of its own. A restart forgets them.
#[derive(Debug, Default)]
pub struct MemoryThreadContexts {
    inner: Mutex<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    contexts: HashMap<ThreadKey, AssistantContext>,
    /// The keys, oldest first, to forget the oldest beyond [`MEMORY_THREADS`].
    order: VecDeque<ThreadKey>,
}

/// The most threads [`MemoryThreadContexts`] remembers.
const MEMORY_THREADS: usize = 10_000;

impl ThreadContexts for MemoryThreadContexts {
    fn save<'a>(
        &'a self,
        thread: &'a ThreadKey,
        context: &'a AssistantContext,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        let mut memory = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if memory
            .contexts
            .insert(thread.clone(), context.clone())
            .is_none()
        {
            memory.order.push_back(thread.clone());
        }
        while memory.order.len() > MEMORY_THREADS {
            if let Some(oldest) = memory.order.pop_front() {
                memory.contexts.remove(&oldest);
            }
        }
        Box::pin(async { Ok(()) })
    }

    fn find<'a>(
        &'a self,
        thread: &'a ThreadKey,
    ) -> BoxFuture<'a, Result<Option<AssistantContext>, BoxError>> {
        let memory = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let found = memory.contexts.get(thread).cloned();
        Box::pin(async { Ok(found) })
    }
}

/// Before `work`'s handler runs: keeps the context an assistant thread's event carries, or gives
/// a message in a thread the context kept for it (as the [`AssistantThread`] its handler
/// extracts). A store that fails is logged and the work goes on without the context.
pub(crate) async fn keep_or_recall(store: &Arc<dyn ThreadContexts>, work: &mut Work) {
    // An Events API body (a message may have become a command; a slash command's is a form);
    // most are neither in a thread nor about one, and are not parsed again.
    let json = work.incoming.payload.json();
    if !json.contains("\"thread_ts\"") {
        return;
    }
    let Ok(payload) = work.incoming.payload.parse::<Value>() else {
        return;
    };
    let Some(thread) = AssistantThread::of(&payload) else {
        return;
    };
    let key = ThreadKey {
        team_id: Workspace::of(&payload).team_id.unwrap_or_default(),
        channel_id: thread.channel_id.clone(),
        thread_ts: thread.thread_ts.clone(),
    };
    match &thread.context {
        Some(context) => {
            if let Err(e) = store.save(&key, context).await {
                tracing::warn!(thread = %key.id(), error = %ackbot_core::chain(e.as_ref()),
                    "could not keep the assistant thread's context: its messages will not know it");
            }
        }
        None => match store.find(&key).await {
            Ok(Some(context)) => {
                work.extensions.insert(AssistantThread {
                    context: Some(context),
                    ..thread
                });
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(thread = %key.id(), error = %ackbot_core::chain(e.as_ref()),
                "could not read the assistant thread's context: answering without it"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: usize) -> ThreadKey {
        ThreadKey {
            team_id: "T1".into(),
            channel_id: "D1".into(),
            thread_ts: format!("{n}.000100"),
        }
    }

    #[tokio::test]
    async fn memory_keeps_the_latest_context_of_the_most_recent_threads() {
        let store = MemoryThreadContexts::default();
        let viewing = |c: &str| AssistantContext {
            channel_id: Some(c.into()),
            ..AssistantContext::default()
        };
        store.save(&key(0), &viewing("C1")).await.unwrap();
        store.save(&key(0), &viewing("C2")).await.unwrap();
        assert_eq!(store.find(&key(0)).await.unwrap(), Some(viewing("C2")));
        assert_eq!(store.find(&key(1)).await.unwrap(), None);
        for n in 1..=MEMORY_THREADS {
            store.save(&key(n), &viewing("C3")).await.unwrap();
        }
        assert_eq!(store.find(&key(0)).await.unwrap(), None, "the oldest goes");
        assert!(store.find(&key(1)).await.unwrap().is_some());
    }
}
