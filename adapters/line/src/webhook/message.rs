//! The content of a message event: text, image, video, audio, file, location, sticker.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{parse_as, type_of};

/// A message's content, by `message.type`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum MessageContent {
    /// A text message.
    Text(TextMessageContent),
    /// An image.
    Image(ImageMessageContent),
    /// A video.
    Video(VideoMessageContent),
    /// An audio clip.
    Audio(AudioMessageContent),
    /// A file.
    File(FileMessageContent),
    /// A location.
    Location(LocationMessageContent),
    /// A sticker.
    Sticker(StickerMessageContent),
    /// A message type this crate does not know, kept as received.
    Unknown(Value),
}

impl MessageContent {
    /// The message type as LINE names it (`text`, `image`, …).
    pub fn message_type(&self) -> &str {
        match self {
            MessageContent::Text(_) => "text",
            MessageContent::Image(_) => "image",
            MessageContent::Video(_) => "video",
            MessageContent::Audio(_) => "audio",
            MessageContent::File(_) => "file",
            MessageContent::Location(_) => "location",
            MessageContent::Sticker(_) => "sticker",
            MessageContent::Unknown(raw) => type_of(raw),
        }
    }

    /// The token that marks this message (and the ones before it) read, `markAsReadToken`.
    pub fn mark_as_read_token(&self) -> Option<&str> {
        let token = match self {
            MessageContent::Text(m) => &m.mark_as_read_token,
            MessageContent::Image(m) => &m.mark_as_read_token,
            MessageContent::Video(m) => &m.mark_as_read_token,
            MessageContent::Audio(m) => &m.mark_as_read_token,
            MessageContent::File(m) => &m.mark_as_read_token,
            MessageContent::Location(m) => &m.mark_as_read_token,
            MessageContent::Sticker(m) => &m.mark_as_read_token,
            MessageContent::Unknown(raw) => {
                return raw.get("markAsReadToken").and_then(Value::as_str);
            }
        };
        token.as_deref()
    }

    /// The message ID (usable to fetch media content).
    pub fn id(&self) -> &str {
        match self {
            MessageContent::Text(m) => &m.id,
            MessageContent::Image(m) => &m.id,
            MessageContent::Video(m) => &m.id,
            MessageContent::Audio(m) => &m.id,
            MessageContent::File(m) => &m.id,
            MessageContent::Location(m) => &m.id,
            MessageContent::Sticker(m) => &m.id,
            MessageContent::Unknown(raw) => {
                raw.get("id").and_then(Value::as_str).unwrap_or_default()
            }
        }
    }
}

impl<'de> Deserialize<'de> for MessageContent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        Ok(match type_of(&raw) {
            "text" => MessageContent::Text(parse_as(&raw, "text message")?),
            "image" => MessageContent::Image(parse_as(&raw, "image message")?),
            "video" => MessageContent::Video(parse_as(&raw, "video message")?),
            "audio" => MessageContent::Audio(parse_as(&raw, "audio message")?),
            "file" => MessageContent::File(parse_as(&raw, "file message")?),
            "location" => MessageContent::Location(parse_as(&raw, "location message")?),
            "sticker" => MessageContent::Sticker(parse_as(&raw, "sticker message")?),
            _ => MessageContent::Unknown(raw),
        })
    }
}

/// A text message (`message.type` `text`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextMessageContent {
    /// Message ID.
    pub id: String,
    /// The text.
    pub text: String,
    /// LINE emojis in the text.
    pub emojis: Option<Vec<Emoji>>,
    /// Mentions in the text.
    pub mention: Option<Mention>,
    /// Token to quote this message.
    pub quote_token: Option<String>,
    /// ID of the message this one quotes.
    pub quoted_message_id: Option<String>,
    /// Token to mark the message as read.
    pub mark_as_read_token: Option<String>,
}

/// A LINE emoji inside a text message.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Emoji {
    /// Position of the emoji in the text, counted from 0.
    pub index: i64,
    /// Length of the emoji's text, e.g. 7 for `(hello)`.
    pub length: i64,
    /// The emoji set.
    pub product_id: String,
    /// The emoji within the set.
    pub emoji_id: String,
}

/// The mentions of a text message.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mention {
    /// Who is mentioned, at most 20.
    pub mentionees: Vec<Mentionee>,
}

/// One mention: a user (`type` `user`) or everyone (`type` `all`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mentionee {
    /// `user` or `all`.
    #[serde(rename = "type")]
    pub mentionee_type: String,
    /// Position of the mention in the text, counted from 0.
    pub index: i64,
    /// Length of the mention's text, e.g. 8 for `@example`.
    pub length: i64,
    /// The mentioned user, when they consented to share their profile.
    pub user_id: Option<String>,
    /// Whether the mentioned user is this bot.
    pub is_self: Option<bool>,
}

/// Where the media of an image, video or audio message is.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentProvider {
    /// `line` (fetch it from LINE) or `external`.
    #[serde(rename = "type")]
    pub provider_type: String,
    /// URL of the file, for `external` only.
    pub original_content_url: Option<String>,
    /// URL of the preview image, for `external` only.
    pub preview_image_url: Option<String>,
}

/// An image message (`message.type` `image`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageMessageContent {
    /// Message ID.
    pub id: String,
    /// Where the image is.
    pub content_provider: ContentProvider,
    /// The set this image belongs to, when several were sent at once.
    pub image_set: Option<ImageSet>,
    /// Token to quote this message.
    pub quote_token: Option<String>,
    /// Token to mark the message as read.
    pub mark_as_read_token: Option<String>,
}

/// Images sent together.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageSet {
    /// Image set ID.
    pub id: String,
    /// This image's number in the set, from 1.
    pub index: Option<i64>,
    /// How many images the set has.
    pub total: Option<i64>,
}

/// A video message (`message.type` `video`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoMessageContent {
    /// Message ID.
    pub id: String,
    /// Length in milliseconds.
    pub duration: Option<i64>,
    /// Where the video is.
    pub content_provider: ContentProvider,
    /// Token to quote this message.
    pub quote_token: Option<String>,
    /// Token to mark the message as read.
    pub mark_as_read_token: Option<String>,
}

/// An audio message (`message.type` `audio`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioMessageContent {
    /// Message ID.
    pub id: String,
    /// Where the audio is.
    pub content_provider: ContentProvider,
    /// Length in milliseconds.
    pub duration: Option<i64>,
    /// Token to mark the message as read.
    pub mark_as_read_token: Option<String>,
}

/// A file message (`message.type` `file`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMessageContent {
    /// Message ID.
    pub id: String,
    /// File name.
    pub file_name: String,
    /// File size in bytes.
    pub file_size: i64,
    /// Token to mark the message as read.
    pub mark_as_read_token: Option<String>,
}

/// A location message (`message.type` `location`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationMessageContent {
    /// Message ID.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// Token to mark the message as read.
    pub mark_as_read_token: Option<String>,
}

/// A sticker message (`message.type` `sticker`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StickerMessageContent {
    /// Message ID.
    pub id: String,
    /// Package ID.
    pub package_id: String,
    /// Sticker ID.
    pub sticker_id: String,
    /// `STATIC`, `ANIMATION`, `SOUND`, `MESSAGE`, … as LINE sends it.
    pub sticker_resource_type: String,
    /// Up to 15 keywords describing the sticker.
    pub keywords: Option<Vec<String>>,
    /// Text the user entered, for message stickers only.
    pub text: Option<String>,
    /// Token to quote this message.
    pub quote_token: Option<String>,
    /// ID of the message this one quotes.
    pub quoted_message_id: Option<String>,
    /// Token to mark the message as read.
    pub mark_as_read_token: Option<String>,
}
