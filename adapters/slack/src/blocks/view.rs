//! Views: a modal, and the Home tab.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::block::Block;
use super::composition::PlainText;
use ackbot_core::tagged_enum as tagged;

tagged! {
    /// A view: what `views.open`, `views.push`, `views.update` and `views.publish` take.
    pub enum View {
        /// `modal`.
        Modal(Modal) = "modal",
        /// `home`: the app's Home tab.
        Home(Home) = "home",
    }
}

impl View {
    /// Its blocks.
    pub fn blocks(&self) -> &[Block] {
        match self {
            Self::Modal(m) => &m.blocks,
            Self::Home(h) => &h.blocks,
            Self::Unknown(_) => &[],
        }
    }
}

/// A `modal`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Modal {
    /// Its title (`plain_text`, at most 24 characters).
    pub title: PlainText,
    /// Its blocks, at most 100.
    pub blocks: Vec<Block>,
    /// What its submission is routed by (`.view(…)`), at most 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    /// The submit button's words (at most 24 characters); needed with an `input` block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit: Option<PlainText>,
    /// The close button's words, at most 24 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<PlainText>,
    /// Text the app gets back with the submission, at most 3,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<String>,
    /// Whether closing it closes the views under it too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_on_close: Option<bool>,
    /// Whether closing it sends a `view_closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_on_close: Option<bool>,
    /// An id of the app's own, unique in the workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Whether submit stays disabled until an input is filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_disabled: Option<bool>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Modal {
    /// A modal `callback_id` titled `title`, of `blocks`.
    pub fn new(
        callback_id: impl Into<String>,
        title: impl Into<String>,
        blocks: impl IntoIterator<Item = impl Into<Block>>,
    ) -> Self {
        Self {
            title: PlainText::new(title),
            blocks: blocks.into_iter().map(Into::into).collect(),
            callback_id: Some(callback_id.into()),
            ..Self::default()
        }
    }

    /// The submit button's words.
    pub fn submit(mut self, text: impl Into<String>) -> Self {
        self.submit = Some(PlainText::new(text));
        self
    }

    /// The close button's words.
    pub fn close(mut self, text: impl Into<String>) -> Self {
        self.close = Some(PlainText::new(text));
        self
    }

    /// Text the app gets back with the submission.
    pub fn private_metadata(mut self, text: impl Into<String>) -> Self {
        self.private_metadata = Some(text.into());
        self
    }
}

/// A `home` tab.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Home {
    /// Its blocks, at most 100.
    pub blocks: Vec<Block>,
    /// What it is routed by, at most 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    /// Text the app gets back, at most 3,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<String>,
    /// An id of the app's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
