//! What a handler answers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who sees a reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Only the user who sent the command (Slack `ephemeral`); LINE chats have no such thing.
    #[default]
    Ephemeral,
    /// Everyone in the conversation (Slack `in_channel`).
    InChannel,
}

/// A reply: text, who sees it, and optional platform-specific extras.
// Serialisable: the function-ack front door hands the replies of a handler it already ran to the
// worker inside the Envelope.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reply {
    /// The reply text. Always sent; platforms show it as the notification or fallback.
    pub text: String,
    /// Who sees the reply.
    pub visibility: Visibility,
    /// Slack Block Kit `blocks`, sent beside `text` on Slack only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slack_blocks: Option<Value>,
    /// LINE message objects (Flex, stickers, quick replies…) sent after the text on LINE only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub line_messages: Vec<Value>,
    /// Options offered as buttons (see [`Reply::choices`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<crate::Choices>,
    /// Another conversation to send the reply to (a Slack channel id, a LINE user, group or room
    /// id) instead of the one the command came from: Slack posts it with `chat.postMessage`, LINE
    /// pushes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
}

impl Reply {
    /// A plain text reply.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// Shows the reply to everyone in the conversation.
    pub fn in_channel(mut self) -> Self {
        self.visibility = Visibility::InChannel;
        self
    }

    /// Sends the reply to another conversation (a Slack channel, a LINE chat) by its id: a
    /// modal's submission answered in the channel it was opened from, a report posted elsewhere.
    pub fn to_conversation(mut self, id: impl Into<String>) -> Self {
        self.conversation = Some(id.into());
        self
    }

    /// Shows the reply only to the user who sent the command (the default).
    pub fn ephemeral(mut self) -> Self {
        self.visibility = Visibility::Ephemeral;
        self
    }

    /// Offers `options` as buttons — Slack buttons in an `actions` block under the message, LINE
    /// quick replies (at most 13) — whose clicks reach `.action(id, handler)` on both, with the
    /// picked option as a [`Choice`](crate::Choice). Each option's words are also its value (at
    /// most 75 characters on Slack, 20 shown on LINE); `id` may not hold a `:`.
    pub fn choices(
        mut self,
        id: impl Into<String>,
        options: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.choices = Some(crate::Choices {
            id: id.into(),
            options: options.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Adds Slack Block Kit blocks: `ackbot::slack::blocks` (a `Vec<Block>`), or their JSON.
    pub fn with_slack_blocks(mut self, blocks: impl Into<Value>) -> Self {
        self.slack_blocks = Some(blocks.into());
        self
    }

    /// Adds a LINE message object (`ackbot::line::messages::Message`, or its JSON), sent after
    /// the text on LINE.
    pub fn with_line_message(mut self, message: impl Into<Value>) -> Self {
        self.line_messages.push(message.into());
        self
    }
}

impl From<String> for Reply {
    fn from(text: String) -> Self {
        Reply::text(text)
    }
}

impl From<&str> for Reply {
    fn from(text: &str) -> Self {
        Reply::text(text)
    }
}
