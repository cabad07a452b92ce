//! Slack's streamed messages, in Slack's words: `chat.startStream`, `chat.appendStream`,
//! `chat.stopStream`.

use serde_json::{Value, json};

use super::SlackClient;
use crate::ReplyError;

/// The most `markdown_text` one call takes.
pub const MAX_STREAM_CHARS: usize = 12_000;

/// Where a streamed message goes: a thread, and (in a channel) whom it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamPlace {
    /// The conversation.
    pub channel: String,
    /// The thread the message is in.
    pub thread_ts: String,
    /// The user it answers: Slack requires it, with `recipient_team_id`, in a channel.
    pub recipient_user_id: Option<String>,
    /// The user's workspace.
    pub recipient_team_id: Option<String>,
}

impl SlackClient {
    /// `chat.startStream`: starts a message in `place`'s thread with `markdown_text`; Slack's
    /// answer carries its `ts`.
    pub async fn chat_start_stream(
        &self,
        place: &StreamPlace,
        markdown_text: &str,
    ) -> Result<Value, ReplyError> {
        let mut body = json!({
            "channel": place.channel,
            "thread_ts": place.thread_ts,
            "markdown_text": markdown_text,
        });
        if let (Some(user), Some(team)) = (&place.recipient_user_id, &place.recipient_team_id) {
            body["recipient_user_id"] = json!(user);
            body["recipient_team_id"] = json!(team);
        }
        self.call("chat.startStream", &body).await
    }

    /// `chat.appendStream`: adds `markdown_text` to the streamed message `ts` in `channel`.
    pub async fn chat_append_stream(
        &self,
        channel: &str,
        ts: &str,
        markdown_text: &str,
    ) -> Result<Value, ReplyError> {
        let body = json!({"channel": channel, "ts": ts, "markdown_text": markdown_text});
        self.call("chat.appendStream", &body).await
    }

    /// `chat.stopStream`: ends the streamed message `ts` in `channel`, with a last
    /// `markdown_text` if given.
    pub async fn chat_stop_stream(
        &self,
        channel: &str,
        ts: &str,
        markdown_text: Option<&str>,
    ) -> Result<Value, ReplyError> {
        let mut body = json!({"channel": channel, "ts": ts});
        if let Some(text) = markdown_text {
            body["markdown_text"] = json!(text);
        }
        self.call("chat.stopStream", &body).await
    }
}
