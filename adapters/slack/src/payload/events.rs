//! An Events API request body: Slack's `url_verification` check, an `event_callback` with the
//! event the app subscribed to, or a type ackbot does not handle.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{from_object, lenient, object};
use crate::ParseError;

/// An Events API request body, by its `type`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EventsRequest {
    /// `url_verification`: Slack checks the Request URL; the edge answers the challenge.
    UrlVerification(UrlVerification),
    /// `event_callback`: an event the app subscribed to (boxed: it is large next to the others).
    EventCallback(Box<EventCallback>),
    /// Any other type (`app_rate_limited`, or one Slack adds later), by name.
    Other(String),
}

impl EventsRequest {
    /// Reads a body already parsed as JSON: it must be an object with a string `type`.
    pub fn from_value(body: &Value) -> Result<Self, ParseError> {
        #[derive(Deserialize)]
        struct Typed {
            #[serde(rename = "type", default, deserialize_with = "lenient")]
            kind: Option<String>,
        }
        if !body.is_object() {
            return Err(ParseError::NotAnObject);
        }
        let kind = Typed::deserialize(body)
            .ok()
            .and_then(|t| t.kind)
            .ok_or(ParseError::MissingField("type"))?;
        // The variants read every field leniently, so an object always reads as one.
        Ok(match kind.as_str() {
            "url_verification" => {
                Self::UrlVerification(UrlVerification::deserialize(body).unwrap_or_default())
            }
            "event_callback" => Self::EventCallback(Box::new(
                EventCallback::deserialize(body).unwrap_or_default(),
            )),
            _ => Self::Other(kind),
        })
    }
}

/// Slack's check of the Request URL: answer with `challenge`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct UrlVerification {
    /// The deprecated verification token.
    #[serde(deserialize_with = "lenient")]
    pub token: Option<String>,
    /// The value to answer with.
    #[serde(deserialize_with = "lenient")]
    pub challenge: Option<String>,
}

/// An event the app subscribed to, with the fields of its delivery.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EventCallback {
    /// The deprecated verification token.
    #[serde(deserialize_with = "lenient")]
    pub token: Option<String>,
    /// The workspace's id.
    #[serde(deserialize_with = "lenient")]
    pub team_id: Option<String>,
    /// The app's id.
    #[serde(deserialize_with = "lenient")]
    pub api_app_id: Option<String>,
    /// The delivery's unique id, the same when Slack retries it: the dedupe key.
    #[serde(deserialize_with = "lenient")]
    pub event_id: Option<String>,
    /// When the event happened, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient")]
    pub event_time: Option<i64>,
    /// Whether the event happened in a channel shared with another organisation.
    #[serde(deserialize_with = "lenient")]
    pub is_ext_shared_channel: Option<bool>,
    /// An opaque id of the event's context.
    #[serde(deserialize_with = "lenient")]
    pub event_context: Option<String>,
    /// The event itself; `None` when absent or not an object.
    #[serde(deserialize_with = "object")]
    pub event: Option<Event>,
}

/// An event (`app_mention`, `message`, `reaction_added`, …): the fields ackbot reads, whatever
/// the type. The rest stays in `Incoming::payload`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Event {
    /// The event type, e.g. `app_mention`.
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub event_type: Option<String>,
    /// A message's subtype (`message_changed`, `bot_message`, …); plain messages have none. Any
    /// value but `null` counts (non-strings as their JSON text): such messages are not answered.
    #[serde(deserialize_with = "any_text")]
    pub subtype: Option<String>,
    /// Who caused the event: an id, or a user object (`team_join`, `user_change`).
    #[serde(deserialize_with = "lenient")]
    pub user: Option<EventUser>,
    /// The bot that sent a message. Any value but `null` counts (non-strings as their JSON text),
    /// so that the bot's own messages are never answered.
    #[serde(deserialize_with = "any_text")]
    pub bot_id: Option<String>,
    /// Where the event happened: an id, or a channel object (`channel_created`).
    #[serde(deserialize_with = "lenient")]
    pub channel: Option<EventChannel>,
    /// The kind of channel of a message: `channel`, `group`, `im` or `mpim`.
    #[serde(deserialize_with = "lenient")]
    pub channel_type: Option<String>,
    /// A message's text, mentions as `<@U123>`.
    #[serde(deserialize_with = "lenient")]
    pub text: Option<String>,
    /// A message's timestamp, its id in the channel.
    #[serde(deserialize_with = "lenient")]
    pub ts: Option<String>,
    /// The timestamp of the thread's parent message, for a message in a thread.
    #[serde(deserialize_with = "lenient")]
    pub thread_ts: Option<String>,
    /// When the event was dispatched.
    #[serde(deserialize_with = "lenient")]
    pub event_ts: Option<String>,
    /// The item a reaction or pin is about.
    #[serde(deserialize_with = "object")]
    pub item: Option<EventItem>,
}

impl Event {
    /// The id of the user who caused the event.
    pub fn user_id(&self) -> Option<&str> {
        match self.user.as_ref()? {
            EventUser::Id(id) => Some(id),
            EventUser::Object(user) => user.id.as_deref(),
        }
    }

    /// The channel the event happened in: its `channel`, or the channel of its `item`.
    pub fn channel_id(&self) -> Option<&str> {
        match &self.channel {
            Some(EventChannel::Id(id)) => Some(id),
            Some(EventChannel::Object(channel)) => channel.id.as_deref(),
            None => self.item.as_ref()?.channel.as_deref(),
        }
    }

    /// Whether a bot sent it: the bot's own messages come back as events.
    pub fn is_from_bot(&self) -> bool {
        self.bot_id.is_some()
    }
}

/// An event's `user`: an id in most events, a user object in some.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventUser {
    /// A user id, e.g. `U061F7AUR`.
    Id(String),
    /// A user object.
    Object(UserRef),
}

/// A user object in an event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct UserRef {
    /// The user's id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// The user's name.
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
}

/// An event's `channel`: an id in most events, a channel object in some.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventChannel {
    /// A channel id, e.g. `C0LAN2Q65`.
    Id(String),
    /// A channel object.
    Object(ChannelRef),
}

/// A channel object in an event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ChannelRef {
    /// The channel's id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// The channel's name.
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
}

/// The item of a `reaction_added`, `pin_added`… event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EventItem {
    /// The item's type, e.g. `message`.
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub item_type: Option<String>,
    /// The channel of a message item.
    #[serde(deserialize_with = "lenient")]
    pub channel: Option<String>,
    /// The timestamp of a message item.
    #[serde(deserialize_with = "lenient")]
    pub ts: Option<String>,
}

/// An id (a string) or an object of type `T`; anything else fails, and reads as absent.
fn id_or_object<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Result<String, T>, D::Error> {
    match Value::deserialize(d)? {
        Value::String(id) => Ok(Ok(id)),
        other => from_object(other)
            .map(Err)
            .ok_or_else(|| serde::de::Error::custom("expected an id or an object")),
    }
}

impl<'de> Deserialize<'de> for EventUser {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(id_or_object(d)?.map_or_else(EventUser::Object, EventUser::Id))
    }
}

impl<'de> Deserialize<'de> for EventChannel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(id_or_object(d)?.map_or_else(EventChannel::Object, EventChannel::Id))
    }
}

/// A string as it is, `null` as `None`, and any other value as its JSON text.
fn any_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    })
}
