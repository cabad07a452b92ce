//! The payloads Slack posts, as serde types: the slash command form ([`SlashCommand`]), Events
//! API bodies ([`EventsRequest`]) and interactivity payloads ([`InteractionPayload`]).
//!
//! Every field is optional and read leniently: a field of an unexpected JSON type reads as
//! absent, and types Slack adds later are kept by name, so an odd payload never fails a request.
//! Fields not modelled here stay in [`Incoming::payload`](ackbot_core::Incoming::payload).

mod events;
mod interaction;
mod slash_command;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

pub use events::{
    ChannelRef, Event, EventCallback, EventChannel, EventItem, EventUser, EventsRequest,
    UrlVerification, UserRef,
};
pub use interaction::{
    Action, Container, InteractionChannel, InteractionPayload, InteractionUser, ResponseUrl, Team,
    View, ViewState,
};
pub use slash_command::SlashCommand;

// Slack's JSON is loosely typed (a user is an id or an object, an id may be null): reading each
// field through `lenient` turns a wrong type into `None` instead of failing the whole payload.
/// `T`, or `None` when the value does not have `T`'s shape.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(T::deserialize(value).ok())
}

/// Like [`lenient`] for a struct: `None` unless the value is a JSON object (serde would also
/// read a struct from an array).
fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(from_object(Value::deserialize(d)?))
}

/// The elements of a JSON array that are objects of type `T`, in order; nothing when the value
/// is not an array.
fn objects<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.into_iter().filter_map(from_object).collect(),
        _ => Vec::new(),
    })
}

/// `value` as a `T` if it is a JSON object of that shape.
fn from_object<T: DeserializeOwned>(value: Value) -> Option<T> {
    if value.is_object() {
        T::deserialize(value).ok()
    } else {
        None
    }
}
