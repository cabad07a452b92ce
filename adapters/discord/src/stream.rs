//! A handler's [`Stream`](ackbot_core::Stream) on Discord: a slash command's "thinking…"
//! (`@original`) is edited as the text grows, 400 characters a batch after the first words; past
//! Discord's 2,000 characters a follow-up message takes the rest and is edited in turn. Clicks
//! and modals have no answer to grow: their streams are gathered and sent whole.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ackbot_core::BoxError;
use ackbot_core::adapter::StreamSink;
use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::client::DiscordClient;
use crate::render::MAX_CONTENT_CHARS;
use crate::respond::EPHEMERAL;

/// A streamed answer in an interaction's messages.
pub(crate) struct DiscordStream {
    client: Arc<DiscordClient>,
    token: String,
    /// Whether the follow-ups are for the user who asked alone, as "thinking…" is.
    ephemeral: bool,
    /// Shared with the delivery: set once `@original` holds the stream's first words.
    original_used: Arc<AtomicBool>,
    written: tokio::sync::Mutex<Written>,
}

/// The message being grown.
#[derive(Default)]
struct Written {
    /// Its id; `None` for `@original`.
    message: Option<String>,
    /// Its text so far.
    text: String,
    /// Its characters so far.
    chars: usize,
}

impl DiscordStream {
    pub(crate) fn new(
        client: &Arc<DiscordClient>,
        token: &str,
        ephemeral: bool,
        original_used: &Arc<AtomicBool>,
    ) -> Self {
        Self {
            client: Arc::clone(client),
            token: token.to_string(),
            ephemeral,
            original_used: Arc::clone(original_used),
            written: tokio::sync::Mutex::default(),
        }
    }

    /// Adds `text` to the message being grown, starting follow-ups as each one fills.
    async fn grow(&self, text: &str) -> Result<(), BoxError> {
        let mut written = self.written.lock().await;
        let mut rest = text;
        while !rest.is_empty() {
            let room = MAX_CONTENT_CHARS - written.chars;
            if room == 0 {
                let (first, later) = split_at_chars(rest, MAX_CONTENT_CHARS);
                let mut message = content(first);
                if self.ephemeral {
                    message["flags"] = json!(EPHEMERAL);
                }
                let sent = self.client.follow_up(&self.token, &message).await?;
                let id = (sent.get("id").and_then(Value::as_str))
                    .ok_or("Discord answered a follow-up without its id")?;
                *written = Written {
                    message: Some(id.to_string()),
                    text: first.to_string(),
                    chars: first.chars().count(),
                };
                rest = later;
                continue;
            }
            let (now, later) = split_at_chars(rest, room);
            written.text.push_str(now);
            written.chars += now.chars().count();
            let message = content(&written.text);
            match &written.message {
                None => {
                    self.client.edit_original(&self.token, &message).await?;
                    self.original_used.store(true, Ordering::Relaxed);
                }
                Some(id) => {
                    self.client.edit_message(&self.token, id, &message).await?;
                }
            }
            rest = later;
        }
        Ok(())
    }
}

/// A message of `text`, mentioning users only.
fn content(text: &str) -> Value {
    json!({"content": text, "allowed_mentions": {"parse": ["users"]}})
}

/// `text` cut after `max` characters.
fn split_at_chars(text: &str, max: usize) -> (&str, &str) {
    match text.char_indices().nth(max) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    }
}

impl StreamSink for DiscordStream {
    fn append(&self, text: String) -> BoxFuture<'_, Result<(), BoxError>> {
        Box::pin(async move { self.grow(&text).await })
    }

    fn finish(&self, rest: String, note: Option<String>) -> BoxFuture<'_, Result<(), BoxError>> {
        Box::pin(async move {
            let text = match note {
                Some(note) if rest.is_empty() => format!("\n\n{note}"),
                Some(note) => format!("{rest}\n\n{note}"),
                None => rest,
            };
            self.grow(&text).await
        })
    }

    fn batch_chars(&self) -> usize {
        // Each batch re-sends the whole message: fewer, larger edits than Slack's appends.
        400
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_falls_between_characters() {
        assert_eq!(split_at_chars("héllo", 2), ("hé", "llo"));
        assert_eq!(split_at_chars("hi", 5), ("hi", ""));
    }
}
