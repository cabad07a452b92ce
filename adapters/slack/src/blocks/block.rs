//! Block Kit's layout blocks, in Slack's names.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::composition::{Mrkdwn, PlainText, TextObject};
use super::element::{Element, ImageElement};
use ackbot_core::tagged_enum as tagged;

tagged! {
    /// A layout block of a message, a modal or the Home tab.
    pub enum Block {
        /// `section`: text, fields, and an accessory.
        Section(Section) = "section",
        /// `context`: small text and images.
        Context(Context) = "context",
        /// `divider`.
        Divider(Divider) = "divider",
        /// `header`: large plain text.
        Header(Header) = "header",
        /// `image`.
        Image(Image) = "image",
        /// `actions`: interactive elements in a row.
        Actions(Actions) = "actions",
        /// `input`: a labelled input of a modal (or a message).
        Input(Input) = "input",
        /// `rich_text`.
        RichText(RichText) = "rich_text",
    }
}

impl Block {
    /// A `section` of `text` (mrkdwn).
    pub fn section(text: impl Into<String>) -> Section {
        Section {
            text: Some(TextObject::mrkdwn(text)),
            ..Section::default()
        }
    }

    /// A `header` of `text`.
    pub fn header(text: impl Into<String>) -> Header {
        Header {
            text: PlainText::new(text),
            ..Header::default()
        }
    }

    /// A `divider`.
    pub fn divider() -> Self {
        Divider::default().into()
    }

    /// A `context` of `elements` (text objects, images).
    pub fn context(elements: impl IntoIterator<Item = impl Into<ContextElement>>) -> Context {
        Context {
            elements: elements.into_iter().map(Into::into).collect(),
            ..Context::default()
        }
    }

    /// An `actions` block of `elements`.
    pub fn actions(elements: impl IntoIterator<Item = impl Into<Element>>) -> Actions {
        Actions {
            elements: elements.into_iter().map(Into::into).collect(),
            ..Actions::default()
        }
    }

    /// An `input` block `block_id`, labelled `label`, taking `element`.
    pub fn input(
        block_id: impl Into<String>,
        label: impl Into<String>,
        element: impl Into<Element>,
    ) -> Input {
        Input {
            block_id: Some(block_id.into()),
            label: PlainText::new(label),
            element: element.into(),
            ..Input::default()
        }
    }

    /// An `image` block of `image_url`, described by `alt_text`.
    pub fn image(image_url: impl Into<String>, alt_text: impl Into<String>) -> Image {
        Image {
            image_url: Some(image_url.into()),
            alt_text: alt_text.into(),
            ..Image::default()
        }
    }

    /// Its `block_id`, if it has one.
    pub fn block_id(&self) -> Option<&str> {
        let id = match self {
            Self::Section(b) => &b.block_id,
            Self::Context(b) => &b.block_id,
            Self::Divider(b) => &b.block_id,
            Self::Header(b) => &b.block_id,
            Self::Image(b) => &b.block_id,
            Self::Actions(b) => &b.block_id,
            Self::Input(b) => &b.block_id,
            Self::RichText(b) => &b.block_id,
            Self::Unknown(v) => return v.get("block_id").and_then(Value::as_str),
        };
        id.as_deref()
    }
}

tagged! {
    /// What a `context` block holds: text objects and images.
    pub enum ContextElement {
        /// `plain_text`.
        Plain(PlainText) = "plain_text",
        /// `mrkdwn`.
        Mrkdwn(Mrkdwn) = "mrkdwn",
        /// `image`.
        Image(ImageElement) = "image",
    }
}

impl From<&str> for ContextElement {
    fn from(text: &str) -> Self {
        Self::Mrkdwn(Mrkdwn::new(text))
    }
}

/// Gives a block its `block_id` (at most 255 characters, unique in the message or view).
macro_rules! with_block_id {
    ($($name:ident),*) => {$(
        impl $name {
            /// Its `block_id`.
            pub fn block_id(mut self, block_id: impl Into<String>) -> Self {
                self.block_id = Some(block_id.into());
                self
            }
        }
    )*};
}

with_block_id!(
    Section, Context, Divider, Header, Image, Actions, Input, RichText
);

/// A `section`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Its text, at most 3,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<TextObject>,
    /// Its `block_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Text in two columns: at most 10, each at most 2,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<TextObject>>,
    /// An element beside the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessory: Option<Element>,
    /// Whether long text is shown whole rather than behind "see more".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<bool>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Section {
    /// `element` beside the text.
    pub fn accessory(mut self, element: impl Into<Element>) -> Self {
        self.accessory = Some(element.into());
        self
    }

    /// `fields` (mrkdwn) in two columns.
    pub fn fields(mut self, fields: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.fields = Some(fields.into_iter().map(TextObject::mrkdwn).collect());
        self
    }
}

/// A `context` block: at most 10 elements.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// Its text objects and images.
    pub elements: Vec<ContextElement>,
    /// Its `block_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `divider`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Divider {
    /// Its `block_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `header`: plain text, at most 150 characters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Its text.
    pub text: PlainText,
    /// Its `block_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An `image` block.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// What it shows, at most 2,000 characters.
    pub alt_text: String,
    /// Its URL, at most 3,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// A file in Slack instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack_file: Option<Value>,
    /// A title above it (`plain_text`, at most 2,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<PlainText>,
    /// Its `block_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An `actions` block: at most 25 elements.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Actions {
    /// Its elements.
    pub elements: Vec<Element>,
    /// Its `block_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An `input` block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// Its label (`plain_text`, at most 2,000 characters).
    pub label: PlainText,
    /// What it takes.
    pub element: Element,
    /// Its `block_id`: with the element's `action_id`, where a submission's value is read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Whether a change sends a `block_actions` at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_action: Option<bool>,
    /// A hint under it (`plain_text`, at most 2,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<PlainText>,
    /// Whether it may be left empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for Input {
    fn default() -> Self {
        Self {
            label: PlainText::default(),
            element: Element::PlainTextInput(Default::default()),
            block_id: None,
            dispatch_action: None,
            hint: None,
            optional: None,
            extra: Map::new(),
        }
    }
}

impl Input {
    /// May be left empty.
    pub fn optional(mut self) -> Self {
        self.optional = Some(true);
        self
    }

    /// A hint under it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(PlainText::new(hint));
        self
    }
}

/// A `rich_text` block, its elements (`rich_text_section`, `rich_text_list`, …) kept as JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RichText {
    /// Its elements, as Slack sends them.
    pub elements: Vec<Value>,
    /// Its `block_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RichText {
    /// One `rich_text_section` of plain `text`.
    pub fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            elements: vec![serde_json::json!({"type": "rich_text_section",
                "elements": [{"type": "text", "text": text}]})],
            ..Self::default()
        }
    }
}
