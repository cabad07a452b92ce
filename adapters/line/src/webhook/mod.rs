//! The webhook body LINE posts, as serde types that follow LINE's `webhook.yml`.
//!
//! Event, message and source types LINE adds later deserialize into an `Unknown` variant that
//! keeps the raw JSON, so a new LINE feature never fails a request.

mod event;
mod message;
mod source;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use event::{
    BeaconContent, ChatControl, DeliveryContext, Event, EventContent, EventMode, FollowDetail,
    LinkContent, Members, MembershipContent, ModuleContent, PnpDelivery, PostbackContent,
    UnsendDetail, VideoPlayComplete,
};
pub use message::{
    AudioMessageContent, ContentProvider, Emoji, FileMessageContent, ImageMessageContent, ImageSet,
    LocationMessageContent, Mention, Mentionee, MessageContent, StickerMessageContent,
    TextMessageContent, VideoMessageContent,
};
pub use source::Source;

/// A webhook body: the bot's user id and the events. An empty `events` is the console's Verify.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CallbackRequest {
    /// User ID of the bot that should receive the events (`U` and 32 hex digits).
    pub destination: String,
    /// The events; empty for the console's Verify request.
    pub events: Vec<Event>,
}

impl CallbackRequest {
    /// Parses a webhook body.
    pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }
}

/// The `type` field of a JSON object, or `""` when it has none.
fn type_of(value: &Value) -> &str {
    value
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Deserializes `value` as `T`, naming `what` in the error.
fn parse_as<T: DeserializeOwned, E: serde::de::Error>(value: &Value, what: &str) -> Result<T, E> {
    T::deserialize(value).map_err(|e| E::custom(format!("{what}: {e}")))
}

/// Deserializes the field `name` of `value` as `T`, naming the event type in the error.
fn field<T: DeserializeOwned, E: serde::de::Error>(
    value: &Value,
    name: &'static str,
    event_type: &str,
) -> Result<T, E> {
    match value.get(name) {
        Some(v) => parse_as(v, &format!("{event_type} event `{name}`")),
        None => Err(E::custom(format!(
            "{event_type} event: missing field `{name}`"
        ))),
    }
}
