//! LINE's actions: what a button, a quick reply or a tap does.

use ackbot_core::tagged_enum;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

tagged_enum! {
    /// An action (`type`: `postback`, `message`, `uri`, `datetimepicker`; the others kept).
    pub enum Action {
        /// `postback`: sends a `postback` event with `data`.
        Postback(PostbackAction) = "postback",
        /// `message`: the user sends `text`.
        Message(MessageAction) = "message",
        /// `uri`: opens a URL.
        Uri(UriAction) = "uri",
        /// `datetimepicker`: picks a date or time, sent in a `postback` event.
        DatetimePicker(DatetimePickerAction) = "datetimepicker",
    }
}

impl Action {
    /// `postback` labelled `label` (at most 20 characters), sending `data` (at most 300), and
    /// showing `label` as what the user said.
    pub fn postback(label: impl Into<String>, data: impl Into<String>) -> Self {
        let label = label.into();
        PostbackAction {
            display_text: Some(label.clone()),
            label: Some(label),
            data: data.into(),
            ..PostbackAction::default()
        }
        .into()
    }

    /// `message` labelled `label`, the user saying `text`.
    pub fn message(label: impl Into<String>, text: impl Into<String>) -> Self {
        MessageAction {
            label: Some(label.into()),
            text: text.into(),
            ..MessageAction::default()
        }
        .into()
    }

    /// `uri` labelled `label`, opening `uri`.
    pub fn uri(label: impl Into<String>, uri: impl Into<String>) -> Self {
        UriAction {
            label: Some(label.into()),
            uri: uri.into(),
            ..UriAction::default()
        }
        .into()
    }

    /// Its `label`, if any.
    pub fn label(&self) -> Option<&str> {
        match self {
            Self::Postback(a) => a.label.as_deref(),
            Self::Message(a) => a.label.as_deref(),
            Self::Uri(a) => a.label.as_deref(),
            Self::DatetimePicker(a) => a.label.as_deref(),
            Self::Unknown(v) => v.get("label").and_then(Value::as_str),
        }
    }
}

/// A `postback` action.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostbackAction {
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What the `postback` event carries, at most 300 characters.
    pub data: String,
    /// What the chat shows as the user's message, at most 300 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_text: Option<String>,
    /// Opens the keyboard or the rich menu (`closeRichMenu`, `openRichMenu`, `openKeyboard`, `openVoice`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_option: Option<String>,
    /// Text put in the input field with `openKeyboard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_in_text: Option<String>,
    /// Fields ackbot does not know (and the deprecated `text`), kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `message` action.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageAction {
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What the user says, at most 300 characters.
    pub text: String,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `uri` action.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UriAction {
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The URL, at most 1,000 characters.
    pub uri: String,
    /// Another URL for desktop LINE (`{"desktop": …}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_uri: Option<Value>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `datetimepicker` action.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DatetimePickerAction {
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What the `postback` event carries, at most 300 characters.
    pub data: String,
    /// `date`, `time` or `datetime`.
    pub mode: String,
    /// The value at first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<String>,
    /// The latest value allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    /// The earliest value allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
