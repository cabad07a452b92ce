//! Slack's AI apps: an assistant thread (the split view beside a user's conversations), as an
//! extractor, and its methods in Slack's words — `assistant.threads.setStatus`,
//! `setSuggestedPrompts`, `setTitle`.

use crate::SLACK;
use ackbot_core::{FromIncoming, Request, UnavailableRejection};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::ReplyError;
use crate::client::SlackClient;

mod contexts;

pub(crate) use contexts::keep_or_recall;
pub use contexts::{KEEP_CONTEXT_FOR, MemoryThreadContexts, ThreadContexts, ThreadKey};

/// The assistant thread a request came from: an `assistant_thread_started` or
/// `assistant_thread_context_changed` event, or a message in the thread (a direct message with a
/// `thread_ts`). An extractor; `context` is the events' own, and for a message the last one they
/// set, kept in the bot's [`ThreadContexts`] (memory, `serve`'s file, or DynamoDB on Lambda).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssistantThread {
    /// The conversation (the app's DM with the user).
    pub channel_id: String,
    /// The thread.
    pub thread_ts: String,
    /// What the user is looking at, when Slack said.
    pub context: Option<AssistantContext>,
}

/// What the user is viewing beside the assistant (`assistant_thread.context`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct AssistantContext {
    /// The channel in view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
    /// Its workspace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// Its org.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_id: Option<String>,
}

impl AssistantThread {
    /// The thread `payload` (an Events API body) belongs to, if any.
    pub fn of(payload: &Value) -> Option<Self> {
        let event = payload.get("event")?;
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
        if let Some(thread) = event.get("assistant_thread") {
            return Some(Self {
                channel_id: text(thread, "channel_id")?,
                thread_ts: text(thread, "thread_ts")?,
                context: thread
                    .get("context")
                    .and_then(|c| serde_json::from_value(c.clone()).ok()),
            });
        }
        let channel = text(event, "channel")?;
        let in_dm =
            channel.starts_with('D') || text(event, "channel_type").as_deref() == Some("im");
        (event.get("type").and_then(Value::as_str) == Some("message") && in_dm).then_some(())?;
        Some(Self {
            channel_id: channel,
            thread_ts: text(event, "thread_ts")?,
            context: None,
        })
    }
}

impl FromIncoming for AssistantThread {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        let unavailable = UnavailableRejection {
            what: "a Slack assistant thread",
        };
        if request.incoming.platform != SLACK {
            return Err(unavailable);
        }
        // A message's thread with the context kept for it, found before the handler ran.
        if let Some(thread) = request.extension::<AssistantThread>() {
            return Ok(thread.clone());
        }
        let payload: Value = request
            .incoming
            .payload
            .parse()
            .map_err(|_| unavailable.clone())?;
        Self::of(&payload).ok_or(unavailable)
    }
}

/// A suggested prompt: what the button says, and what it sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuggestedPrompt {
    /// The button's words.
    pub title: String,
    /// The message it sends.
    pub message: String,
}

impl SlackClient {
    /// `assistant.threads.setStatus`: shows `status` (e.g. "is thinking…") in the thread until
    /// the app posts there (or two minutes pass); an empty status clears it.
    pub async fn assistant_threads_set_status(
        &self,
        thread: &AssistantThread,
        status: &str,
    ) -> Result<Value, ReplyError> {
        let body = json!({"channel_id": thread.channel_id, "thread_ts": thread.thread_ts, "status": status});
        self.call("assistant.threads.setStatus", &body).await
    }

    /// `assistant.threads.setSuggestedPrompts`: up to four prompts, under an optional title.
    pub async fn assistant_threads_set_suggested_prompts(
        &self,
        thread: &AssistantThread,
        prompts: &[SuggestedPrompt],
        title: Option<&str>,
    ) -> Result<Value, ReplyError> {
        let prompts: Vec<Value> = (prompts.iter())
            .map(|p| json!({"title": p.title, "message": p.message}))
            .collect();
        let mut body = json!({"channel_id": thread.channel_id, "thread_ts": thread.thread_ts, "prompts": prompts});
        if let Some(title) = title {
            body["title"] = json!(title);
        }
        self.call("assistant.threads.setSuggestedPrompts", &body)
            .await
    }

    /// `assistant.threads.setTitle`: the thread's title in the user's history.
    pub async fn assistant_threads_set_title(
        &self,
        thread: &AssistantThread,
        title: &str,
    ) -> Result<Value, ReplyError> {
        let body =
            json!({"channel_id": thread.channel_id, "thread_ts": thread.thread_ts, "title": title});
        self.call("assistant.threads.setTitle", &body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thread_is_read_from_its_events_and_its_messages() {
        // As Slack documents assistant_thread_started.
        let started = json!({"type": "event_callback", "event": {"type": "assistant_thread_started",
            "assistant_thread": {"user_id": "U123ABC456", "context": {"channel_id": "C123ABC456",
            "team_id": "T07XY8FPJ5C", "enterprise_id": "E480293PS82"}, "channel_id": "D123ABC456",
            "thread_ts": "1729999327.187299"}, "event_ts": "1715873754.429808"}});
        let thread = AssistantThread::of(&started).unwrap();
        assert_eq!(
            (thread.channel_id.as_str(), thread.thread_ts.as_str()),
            ("D123ABC456", "1729999327.187299")
        );
        assert_eq!(
            thread.context.unwrap().channel_id.as_deref(),
            Some("C123ABC456")
        );
        let message = json!({"event": {"type": "message", "channel": "D123ABC456", "channel_type": "im",
            "thread_ts": "1729999327.187299", "ts": "1729999400.000100", "text": "hi"}});
        assert_eq!(
            AssistantThread::of(&message).unwrap().thread_ts,
            "1729999327.187299"
        );
        let top_level = json!({"event": {"type": "message", "channel": "D1", "ts": "1.2"}});
        assert!(AssistantThread::of(&top_level).is_none());
        let in_channel = json!({"event": {"type": "message", "channel": "C1", "thread_ts": "1.2"}});
        assert!(AssistantThread::of(&in_channel).is_none());
    }
}
