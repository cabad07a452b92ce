//! Block Kit's composition objects: text, options and their groups, confirmation dialogs.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use ackbot_core::tagged_enum as tagged;

tagged! {
    /// A text object: `plain_text` or `mrkdwn`.
    pub enum TextObject {
        /// `plain_text`.
        Plain(PlainText) = "plain_text",
        /// `mrkdwn`: Slack's markdown.
        Mrkdwn(Mrkdwn) = "mrkdwn",
    }
}

impl TextObject {
    /// `plain_text`.
    pub fn plain(text: impl Into<String>) -> Self {
        PlainText::new(text).into()
    }

    /// `mrkdwn`.
    pub fn mrkdwn(text: impl Into<String>) -> Self {
        Mrkdwn::new(text).into()
    }

    /// The text, whatever its kind (empty for an unknown kind without one).
    pub fn text(&self) -> &str {
        match self {
            Self::Plain(t) => &t.text,
            Self::Mrkdwn(t) => &t.text,
            Self::Unknown(v) => v.get("text").and_then(Value::as_str).unwrap_or_default(),
        }
    }
}

impl From<&str> for TextObject {
    /// `mrkdwn`, as Slack's own SDKs take a bare string.
    fn from(text: &str) -> Self {
        Self::mrkdwn(text)
    }
}

/// A `plain_text` object (written with its `"type": "plain_text"` wherever it stands).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(tag = "type", rename = "plain_text")]
pub struct PlainText {
    /// The text.
    pub text: String,
    /// Whether `:emoji:` codes are shown as emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<bool>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PlainText {
    /// Plain `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
}

impl From<&str> for PlainText {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for PlainText {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

/// A `mrkdwn` object (written with its `"type": "mrkdwn"` wherever it stands).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(tag = "type", rename = "mrkdwn")]
pub struct Mrkdwn {
    /// The text, in Slack's markdown.
    pub text: String,
    /// Whether URLs, channel and user names are left as typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verbatim: Option<bool>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Mrkdwn {
    /// Markdown `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
}

/// An option of a select, an overflow menu, checkboxes or radio buttons.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OptionObject {
    /// What it shows (`plain_text`; `mrkdwn` in checkboxes and radio buttons), at most 75 characters.
    pub text: TextObject,
    /// What a choice of it sends, at most 150 characters.
    pub value: String,
    /// A line under it (checkboxes, radio buttons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<TextObject>,
    /// A URL it opens (overflow menus only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl OptionObject {
    /// An option showing `text` (plain) that sends `value`.
    pub fn new(text: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            text: TextObject::plain(text),
            value: value.into(),
            ..Self::default()
        }
    }
}

impl Default for TextObject {
    fn default() -> Self {
        Self::plain("")
    }
}

/// Options under a label, in a select.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OptionGroup {
    /// The group's label (`plain_text`), at most 75 characters.
    pub label: PlainText,
    /// Its options, at most 100.
    pub options: Vec<OptionObject>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A dialog that asks "are you sure?" before an element acts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfirmDialog {
    /// Its title, at most 100 characters.
    pub title: PlainText,
    /// What it asks, at most 300 characters.
    pub text: TextObject,
    /// The confirming button's words, at most 30 characters.
    pub confirm: PlainText,
    /// The declining button's words, at most 30 characters.
    pub deny: PlainText,
    /// `primary` or `danger`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConfirmDialog {
    /// "`title`: `text`", confirmed by `confirm`, declined by `deny`.
    pub fn new(
        title: impl Into<String>,
        text: impl Into<String>,
        confirm: impl Into<String>,
        deny: impl Into<String>,
    ) -> Self {
        Self {
            title: PlainText::new(title),
            text: TextObject::plain(text),
            confirm: PlainText::new(confirm),
            deny: PlainText::new(deny),
            ..Self::default()
        }
    }
}

/// Reads a text object of one `type` (refusing another), its `type` not kept among the unknown
/// fields: serde leaves a struct's own tag in a flattened map.
macro_rules! read_text {
    ($name:ident { $($field:ident: $ty:ty),* } = $tag:literal) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                struct Fields {
                    text: String,
                    $( #[serde(default)] $field: $ty, )*
                    #[serde(flatten)]
                    extra: Map<String, Value>,
                }
                let mut fields = Fields::deserialize(deserializer)?;
                match fields.extra.remove("type") {
                    Some(Value::String(tag)) if tag != $tag => Err(serde::de::Error::custom(
                        format!("a {tag} text object where Slack takes {}", $tag),
                    )),
                    _ => Ok($name {
                        text: fields.text,
                        $( $field: fields.$field, )*
                        extra: fields.extra,
                    }),
                }
            }
        }
    };
}

read_text!(PlainText { emoji: Option<bool> } = "plain_text");
read_text!(Mrkdwn { verbatim: Option<bool> } = "mrkdwn");
