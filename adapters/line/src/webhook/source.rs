//! Where an event came from: a user, a group chat or a multi-person chat (room).

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{parse_as, type_of};

/// The source of an event (`source.type` user, group or room).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Source {
    /// A one-to-one chat with a user.
    User {
        /// ID of the user (missing only in rare cases, e.g. some partner events).
        user_id: Option<String>,
    },
    /// A group chat.
    Group {
        /// Group ID of the group chat.
        group_id: String,
        /// ID of the user who sent the message, when LINE includes it.
        user_id: Option<String>,
    },
    /// A multi-person chat.
    Room {
        /// Room ID of the multi-person chat.
        room_id: String,
        /// ID of the user who sent the message, when LINE includes it.
        user_id: Option<String>,
    },
    /// A source type this crate does not know, kept as received.
    Unknown(Value),
}

impl Source {
    /// The ID of the user who caused the event, if LINE sent one.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Source::User { user_id }
            | Source::Group { user_id, .. }
            | Source::Room { user_id, .. } => user_id.as_deref(),
            Source::Unknown(raw) => raw.get("userId").and_then(Value::as_str),
        }
    }

    /// The ID to push messages to: the group, the room, or the user in a one-to-one chat.
    pub fn push_target(&self) -> Option<&str> {
        match self {
            Source::User { user_id } => user_id.as_deref(),
            Source::Group { group_id, .. } => Some(group_id),
            Source::Room { room_id, .. } => Some(room_id),
            Source::Unknown(_) => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserSource {
    user_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupSource {
    group_id: String,
    user_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoomSource {
    room_id: String,
    user_id: Option<String>,
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        Ok(match type_of(&raw) {
            "user" => {
                let s: UserSource = parse_as(&raw, "user source")?;
                Source::User { user_id: s.user_id }
            }
            "group" => {
                let s: GroupSource = parse_as(&raw, "group source")?;
                Source::Group {
                    group_id: s.group_id,
                    user_id: s.user_id,
                }
            }
            "room" => {
                let s: RoomSource = parse_as(&raw, "room source")?;
                Source::Room {
                    room_id: s.room_id,
                    user_id: s.user_id,
                }
            }
            _ => Source::Unknown(raw),
        })
    }
}
