//! LINE's message objects, typed: text and Flex messages, quick replies, and actions, in LINE's
//! names, with builders; a message, component or action `type` ackbot does not know is kept
//! whole, and so are fields it does not type (`extra`). [`check`] holds a request to LINE's
//! documented limits before it is sent.
//!
//! ```
//! use ackbot_line::messages::{Action, Message, QuickReply};
//!
//! let ask: Message = Message::text("Lunch?")
//!     .quick_reply(QuickReply::new([
//!         Action::postback("Pizza", "lunch=pizza"),
//!         Action::postback("Sushi", "lunch=sushi"),
//!     ]))
//!     .into();
//! let json = serde_json::to_value(&ask).unwrap();
//! assert_eq!(json["quickReply"]["items"][1]["action"]["data"], "lunch=sushi");
//! ```

mod action;
mod flex;
mod limits;

use ackbot_core::tagged_enum;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use action::{Action, DatetimePickerAction, MessageAction, PostbackAction, UriAction};
pub use flex::{
    Bubble, Carousel, FlexBox, FlexButton, FlexComponent, FlexContainer, FlexImage, FlexSeparator,
    FlexText,
};
pub use limits::{MAX_MESSAGES, MAX_QUICK_REPLY_ITEMS, MessageError, check};

tagged_enum! {
    /// A message object (`type`: `text`, `flex`; stickers, images and the rest are kept).
    pub enum Message {
        /// `text`.
        Text(TextMessage) = "text",
        /// `flex`.
        Flex(FlexMessage) = "flex",
    }
}

impl Message {
    /// A `text` message.
    pub fn text(text: impl Into<String>) -> TextMessage {
        TextMessage {
            text: text.into(),
            ..TextMessage::default()
        }
    }

    /// A `flex` message of `contents`, `alt_text` where it cannot be shown (notifications).
    pub fn flex(alt_text: impl Into<String>, contents: impl Into<FlexContainer>) -> FlexMessage {
        FlexMessage {
            alt_text: alt_text.into(),
            contents: contents.into(),
            ..FlexMessage::default()
        }
    }

    /// Its quick reply, if any.
    pub fn quick_reply_of(&self) -> Option<&QuickReply> {
        match self {
            Self::Text(m) => m.quick_reply.as_ref(),
            Self::Flex(m) => m.quick_reply.as_ref(),
            Self::Unknown(_) => None,
        }
    }
}

impl From<Message> for Value {
    /// The message as LINE takes it: so a `Message` goes straight into
    /// [`Reply::with_line_message`](ackbot_core::Reply::with_line_message).
    fn from(message: Message) -> Self {
        serde_json::to_value(message).unwrap_or_default()
    }
}

/// A `text` message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextMessage {
    /// Its text, at most 5,000 characters.
    pub text: String,
    /// The buttons under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_reply: Option<QuickReply>,
    /// LINE emoji in the text (`$` placeholders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emojis: Option<Vec<Value>>,
    /// The message it quotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_token: Option<String>,
    /// Fields ackbot does not know (`sender`), kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TextMessage {
    /// With `quick_reply` under it.
    pub fn quick_reply(mut self, quick_reply: QuickReply) -> Self {
        self.quick_reply = Some(quick_reply);
        self
    }
}

/// A `flex` message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlexMessage {
    /// What shows where the Flex cannot (notifications, old clients), at most 1,500 characters.
    pub alt_text: String,
    /// The bubble or carousel.
    pub contents: FlexContainer,
    /// The buttons under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_reply: Option<QuickReply>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FlexMessage {
    /// With `quick_reply` under it.
    pub fn quick_reply(mut self, quick_reply: QuickReply) -> Self {
        self.quick_reply = Some(quick_reply);
        self
    }
}

impl Default for FlexContainer {
    fn default() -> Self {
        Self::Bubble(Bubble::default())
    }
}

/// Buttons under a message: at most 13.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuickReply {
    /// The buttons.
    pub items: Vec<QuickReplyItem>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl QuickReply {
    /// A button per action.
    pub fn new(actions: impl IntoIterator<Item = Action>) -> Self {
        Self {
            items: actions.into_iter().map(QuickReplyItem::new).collect(),
            ..Self::default()
        }
    }
}

/// One quick reply button (`type`: `action`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuickReplyItem {
    /// Always `action`.
    #[serde(rename = "type")]
    pub kind: String,
    /// What it does (its label, at most 20 characters, is the button's).
    pub action: Action,
    /// An icon, https, at most 1,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl QuickReplyItem {
    /// A button doing `action`.
    pub fn new(action: Action) -> Self {
        Self {
            kind: "action".into(),
            action,
            image_url: None,
            extra: Map::new(),
        }
    }
}
