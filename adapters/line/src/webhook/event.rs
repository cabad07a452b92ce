//! One webhook event: the fields every event has, and the content of its type.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{MessageContent, Source, field, parse_as, type_of};

/// A webhook event: `type`, `source`, `timestamp`, `mode`, `webhookEventId`, `deliveryContext`,
/// `replyToken`, and the content of its type.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The event type exactly as in the JSON (`message`, `follow`, `memberJoined`, …).
    pub event_type: String,
    /// Where the event came from, if it came from a chat.
    pub source: Option<Source>,
    /// When the event happened, in milliseconds since the Unix epoch.
    pub timestamp: i64,
    /// Whether this channel is active or on standby.
    pub mode: EventMode,
    /// The event's unique ID (a ULID); the same on redelivery.
    pub webhook_event_id: String,
    /// Whether this is a redelivery.
    pub delivery_context: DeliveryContext,
    /// The token to reply with, for events that can be replied to (not in standby mode).
    pub reply_token: Option<String>,
    /// What the event is about.
    pub content: EventContent,
}

impl Event {
    /// Whether LINE sent this event again after an earlier delivery failed.
    pub fn is_redelivery(&self) -> bool {
        self.delivery_context.is_redelivery
    }

    /// The message of a `message` or `messageEdited` event.
    pub fn message(&self) -> Option<&MessageContent> {
        match &self.content {
            EventContent::Message(m) | EventContent::MessageEdited(m) => Some(m),
            _ => None,
        }
    }
}

/// The content of an event, by its `type`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EventContent {
    /// `message`: a user sent a message.
    Message(MessageContent),
    /// `messageEdited`: a user edited a text message (group chats only).
    MessageEdited(MessageContent),
    /// `unsend`: a user unsent a message.
    Unsend(UnsendDetail),
    /// `follow`: a user added the bot as a friend or unblocked it.
    Follow(FollowDetail),
    /// `unfollow`: a user blocked the bot.
    Unfollow,
    /// `join`: the bot joined a group chat or multi-person chat.
    Join,
    /// `leave`: the bot left or was removed from a group chat or multi-person chat.
    Leave,
    /// `memberJoined`: users joined a chat the bot is in.
    MemberJoined(Members),
    /// `memberLeft`: users left a chat the bot is in.
    MemberLeft(Members),
    /// `postback`: a user performed a postback action.
    Postback(PostbackContent),
    /// `videoPlayComplete`: a user watched a tracked video to the end.
    VideoPlayComplete(VideoPlayComplete),
    /// `beacon`: a user came into range of a LINE Beacon.
    Beacon(BeaconContent),
    /// `accountLink`: a user linked their LINE account with a provider's account.
    AccountLink(LinkContent),
    /// `membership`: a user joined, left or renewed a membership.
    Membership(MembershipContent),
    /// `module`: a module channel was attached or detached.
    Module(ModuleContent),
    /// `activated`: the module channel became the active channel.
    Activated(ChatControl),
    /// `deactivated`: the module channel went to standby.
    Deactivated,
    /// `botSuspended`: the LINE Official Account was suspended.
    BotSuspended,
    /// `botResumed`: the LINE Official Account was resumed.
    BotResumed,
    /// `delivery`: a LINE notification message was delivered.
    Delivery(PnpDelivery),
    /// An event type this crate does not know; the whole event object as received.
    Unknown(Value),
}

/// Whether the channel is active (may reply) or on standby (another channel answers).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventMode {
    /// The channel is active: it may reply.
    Active,
    /// The channel is on standby: it must not reply.
    Standby,
    /// A mode LINE added later, kept as received.
    Other(String),
}

impl fmt::Display for EventMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EventMode::Active => "active",
            EventMode::Standby => "standby",
            EventMode::Other(mode) => mode,
        })
    }
}

impl<'de> Deserialize<'de> for EventMode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match String::deserialize(deserializer)?.as_str() {
            "active" => EventMode::Active,
            "standby" => EventMode::Standby,
            other => EventMode::Other(other.to_string()),
        })
    }
}

impl Serialize for EventMode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// How the event was delivered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryContext {
    /// Whether LINE sent this event again after an earlier delivery failed.
    pub is_redelivery: bool,
}

/// The message an `unsend` event is about.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnsendDetail {
    /// ID of the unsent message.
    pub message_id: String,
}

/// Details of a `follow` event.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowDetail {
    /// Whether the user unblocked the bot (rather than adding it as a friend).
    pub is_unblocked: bool,
}

/// The users of a `memberJoined` or `memberLeft` event.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Members {
    /// The users, as user sources.
    pub members: Vec<Source>,
}

/// The data of a `postback` event.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostbackContent {
    /// The postback action's `data`.
    pub data: String,
    /// What the user picked (`date`, `time`, `datetime`, `newRichMenuAliasId`, `status`…).
    pub params: Option<Map<String, Value>>,
}

/// The video of a `videoPlayComplete` event.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoPlayComplete {
    /// The `trackingId` of the video message.
    pub tracking_id: String,
}

/// The beacon of a `beacon` event.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BeaconContent {
    /// Hardware ID of the beacon.
    pub hwid: String,
    /// `enter`, `banner` or `stay`.
    #[serde(rename = "type")]
    pub beacon_type: String,
    /// Device message of the beacon.
    pub dm: Option<String>,
}

/// The result of an `accountLink` event.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkContent {
    /// `ok` or `failed`.
    pub result: String,
    /// The nonce given when the link was started.
    pub nonce: String,
}

/// The content of a `membership` event.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipContent {
    /// `joined`, `left` or `renewed`.
    #[serde(rename = "type")]
    pub membership_type: String,
    /// The membership's ID.
    pub membership_id: i64,
}

/// The content of a `module` event.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleContent {
    /// `attached` or `detached`.
    #[serde(rename = "type")]
    pub module_type: String,
    /// User ID of the bot of the LINE Official Account.
    pub bot_id: Option<String>,
    /// The scopes the admin granted, for `attached`.
    pub scopes: Option<Vec<String>>,
    /// Why it was detached (`bot_deleted`), for `detached`.
    pub reason: Option<String>,
}

/// The chat control of an `activated` event.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatControl {
    /// When control expires, in milliseconds since the Unix epoch.
    pub expire_at: i64,
}

/// The delivery of a `delivery` event (LINE notification messages).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PnpDelivery {
    /// A hashed phone number, or the `X-Line-Delivery-Tag` sent with the message.
    pub data: String,
}

/// The fields every known event type has.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    source: Option<Source>,
    timestamp: i64,
    mode: EventMode,
    webhook_event_id: String,
    delivery_context: DeliveryContext,
    reply_token: Option<String>,
}

impl Head {
    /// What can be read of an event of an unknown type, whose fields may differ.
    fn lenient(raw: &Value) -> Self {
        let get = |name: &str| raw.get(name);
        Head {
            source: get("source").and_then(|v| Source::deserialize(v).ok()),
            timestamp: get("timestamp").and_then(Value::as_i64).unwrap_or_default(),
            mode: get("mode")
                .and_then(|v| EventMode::deserialize(v).ok())
                .unwrap_or_else(|| EventMode::Other(String::new())),
            webhook_event_id: get("webhookEventId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            delivery_context: get("deliveryContext")
                .and_then(|v| DeliveryContext::deserialize(v).ok())
                .unwrap_or_default(),
            reply_token: get("replyToken")
                .and_then(Value::as_str)
                .map(str::to_string),
        }
    }
}

fn content<E: serde::de::Error>(event_type: &str, raw: &Value) -> Result<EventContent, E> {
    let t = event_type;
    Ok(match t {
        "message" => EventContent::Message(field(raw, "message", t)?),
        "messageEdited" => EventContent::MessageEdited(field(raw, "message", t)?),
        "unsend" => EventContent::Unsend(field(raw, "unsend", t)?),
        "follow" => EventContent::Follow(field(raw, "follow", t)?),
        "unfollow" => EventContent::Unfollow,
        "join" => EventContent::Join,
        "leave" => EventContent::Leave,
        "memberJoined" => EventContent::MemberJoined(field(raw, "joined", t)?),
        "memberLeft" => EventContent::MemberLeft(field(raw, "left", t)?),
        "postback" => EventContent::Postback(field(raw, "postback", t)?),
        "videoPlayComplete" => EventContent::VideoPlayComplete(field(raw, "videoPlayComplete", t)?),
        "beacon" => EventContent::Beacon(field(raw, "beacon", t)?),
        "accountLink" => EventContent::AccountLink(field(raw, "link", t)?),
        "membership" => EventContent::Membership(field(raw, "membership", t)?),
        "module" => EventContent::Module(field(raw, "module", t)?),
        "activated" => EventContent::Activated(field(raw, "chatControl", t)?),
        "deactivated" => EventContent::Deactivated,
        "botSuspended" => EventContent::BotSuspended,
        "botResumed" => EventContent::BotResumed,
        "delivery" => EventContent::Delivery(field(raw, "delivery", t)?),
        _ => EventContent::Unknown(raw.clone()),
    })
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        let event_type = type_of(&raw).to_string();
        let content = content(&event_type, &raw)?;
        let head = match content {
            EventContent::Unknown(_) => Head::lenient(&raw),
            _ => parse_as(&raw, &format!("{event_type} event"))?,
        };
        Ok(Event {
            event_type,
            source: head.source,
            timestamp: head.timestamp,
            mode: head.mode,
            webhook_event_id: head.webhook_event_id,
            delivery_context: head.delivery_context,
            reply_token: head.reply_token,
            content,
        })
    }
}
