//! What a handler answers.

use serde_json::Value;

/// Who sees a reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Visibility {
    /// Only the user who sent the command (Slack `ephemeral`); LINE chats have no such thing.
    #[default]
    Ephemeral,
    /// Everyone in the conversation (Slack `in_channel`).
    InChannel,
}

/// A reply: text, who sees it, and optional platform-specific extras.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    /// The reply text. Always sent; platforms show it as the notification or fallback.
    pub text: String,
    /// Who sees the reply.
    pub visibility: Visibility,
    /// Slack Block Kit `blocks`, sent beside `text` on Slack only.
    pub slack_blocks: Option<Value>,
    /// LINE message objects (Flex, stickers, quick replies…) sent after the text on LINE only.
    pub line_messages: Vec<Value>,
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

    /// Shows the reply only to the user who sent the command (the default).
    pub fn ephemeral(mut self) -> Self {
        self.visibility = Visibility::Ephemeral;
        self
    }

    /// Adds Slack Block Kit blocks (a JSON array).
    pub fn with_slack_blocks(mut self, blocks: Value) -> Self {
        self.slack_blocks = Some(blocks);
        self
    }

    /// Adds a LINE message object, sent after the text on LINE.
    pub fn with_line_message(mut self, message: Value) -> Self {
        self.line_messages.push(message);
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
