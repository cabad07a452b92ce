//! A handler's [`Stream`](ackbot_core::Stream) on Slack: in the thread of the message that asked
//! (a mention, a direct message, an assistant thread), `chat.startStream` with the first words,
//! `chat.appendStream` with each next batch (256 characters, as Bolt's `ChatStreamer`, inside the
//! method's Tier 4), `chat.stopStream` at the end. A slash command has no thread and its
//! `response_url` cannot grow a message: its stream is gathered and sent whole.

use std::sync::Arc;

use ackbot_core::BoxError;
use ackbot_core::adapter::StreamSink;
use futures::future::BoxFuture;
use serde_json::Value;

use crate::client::{MAX_STREAM_CHARS, SlackClient, StreamPlace};
use crate::target::ReplyTarget;

/// A streamed message in a Slack thread.
pub(crate) struct SlackStream {
    client: Arc<SlackClient>,
    place: StreamPlace,
    /// The message's `ts`, once started.
    ts: tokio::sync::Mutex<Option<String>>,
}

impl SlackStream {
    /// The stream of an Events API item whose replies go to `target`: in the thread of the
    /// message `payload`'s event is (or in its own thread), to its user.
    pub(crate) fn for_event(
        client: &Arc<SlackClient>,
        target: &ReplyTarget,
        payload: &Value,
    ) -> Option<Self> {
        let ReplyTarget::Channel {
            channel, thread_ts, ..
        } = target
        else {
            return None;
        };
        let text = |pointer: &str| {
            payload
                .pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let thread_ts = thread_ts.clone().or_else(|| text("/event/ts"))?;
        let in_channel = !channel.starts_with('D');
        let place = StreamPlace {
            channel: channel.clone(),
            thread_ts,
            recipient_user_id: text("/event/user").filter(|_| in_channel),
            recipient_team_id: (text("/event/user_team").or_else(|| text("/team_id")))
                .filter(|_| in_channel),
        };
        Some(Self {
            client: Arc::clone(client),
            place,
            ts: tokio::sync::Mutex::default(),
        })
    }
}

impl StreamSink for SlackStream {
    fn append(&self, text: String) -> BoxFuture<'_, Result<(), BoxError>> {
        Box::pin(async move {
            let mut ts = self.ts.lock().await;
            for piece in pieces(&text) {
                match ts.as_deref() {
                    None => {
                        let started = self.client.chat_start_stream(&self.place, piece).await?;
                        let started_ts = started.get("ts").and_then(Value::as_str);
                        *ts = Some(
                            started_ts
                                .ok_or("chat.startStream answered without a ts")?
                                .to_string(),
                        );
                    }
                    Some(ts) => {
                        self.client
                            .chat_append_stream(&self.place.channel, ts, piece)
                            .await?;
                    }
                }
            }
            Ok(())
        })
    }

    fn finish(&self, rest: String, note: Option<String>) -> BoxFuture<'_, Result<(), BoxError>> {
        Box::pin(async move {
            // The rest goes with the stop, as the Slack SDKs' `ChatStream` sends it: one call
            // fewer. More than one call's worth is appended first.
            let mut pieces = pieces(&rest);
            let mut last = pieces.pop().unwrap_or_default().to_string();
            let note_chars = note.as_ref().map_or(0, |n| n.chars().count() + 1);
            if last.chars().count() + note_chars > MAX_STREAM_CHARS {
                pieces.push(&rest[rest.len() - last.len()..]);
                last = String::new();
            }
            for piece in pieces {
                self.append(piece.to_string()).await?;
            }
            let ts = self.ts.lock().await;
            let ts = ts.as_deref().ok_or("the stream was never started")?;
            let channel = &self.place.channel;
            let text = match note {
                Some(note) => format!("{last}\n{note}"),
                None => last,
            };
            let text = (!text.is_empty()).then_some(text);
            self.client
                .chat_stop_stream(channel, ts, text.as_deref())
                .await?;
            Ok(())
        })
    }
}

/// `text` in pieces Slack takes (at most [`MAX_STREAM_CHARS`] each); one empty piece for empty
/// text, which still starts the message.
fn pieces(text: &str) -> Vec<&str> {
    if text.chars().count() <= MAX_STREAM_CHARS {
        return vec![text];
    }
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest
            .char_indices()
            .nth(MAX_STREAM_CHARS)
            .map_or(rest.len(), |(i, _)| i);
        pieces.push(&rest[..end]);
        rest = &rest[end..];
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_slacks_limit_on_character_boundaries() {
        assert_eq!(pieces("short"), ["short"]);
        assert_eq!(pieces(""), [""]);
        let long = "é".repeat(MAX_STREAM_CHARS + 5);
        let cut = pieces(&long);
        assert_eq!(cut.len(), 2);
        assert_eq!(cut[0].chars().count(), MAX_STREAM_CHARS);
        assert_eq!(cut[1].chars().count(), 5);
    }
}
