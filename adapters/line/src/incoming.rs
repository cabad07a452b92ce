//! Where a LINE event becomes a platform-neutral [`Incoming`]: text messages and `/` postbacks are
//! commands, everything else an event named by its LINE type.

use crate::LINE;
use ackbot_core::{Conversation, ConversationKind, Incoming, InteractionKind, Payload, User};

use crate::webhook::{Event, EventContent, EventMode, MessageContent, Source, TextMessageContent};

/// What one event asks for.
#[derive(Debug, PartialEq)]
pub(crate) enum Mapped {
    /// A command or event to dispatch.
    Incoming(Incoming),
    /// Nothing to do, and why.
    Skip(String),
}

/// Maps a parsed event (and its JSON as received, kept for handlers) to what came in, or says
/// why not.
pub(crate) fn map_event(event: &Event, payload: Payload) -> Mapped {
    if let EventContent::Unknown(_) = event.content {
        tracing::warn!(event_type = %event.event_type, "unknown LINE event type: skipped");
        return Mapped::Skip(format!("unknown LINE event type `{}`", event.event_type));
    }
    match &event.mode {
        EventMode::Active => {}
        EventMode::Standby => {
            return Mapped::Skip(format!(
                "{} event in standby mode: another channel answers",
                event.event_type
            ));
        }
        EventMode::Other(mode) => {
            tracing::warn!(mode = %mode, "unknown LINE event mode: skipped");
            return Mapped::Skip(format!(
                "{} event in unknown mode `{mode}`",
                event.event_type
            ));
        }
    }
    let incoming = match &event.content {
        EventContent::Message(MessageContent::Text(text)) => match addressed(
            text,
            event.source.as_ref(),
        ) {
            Some(typed) => Incoming::typed(LINE, typed),
            None => return Mapped::Skip(
                "group chatter: in groups and rooms a command starts with `/` or mentions the bot"
                    .into(),
            ),
        },
        EventContent::Postback(postback) if postback.data.starts_with('/') => {
            Incoming::typed(LINE, postback.data.as_str())
        }
        // Routed by its data as a Slack click by its `action_id`: `.action(ID, …)` answers
        // `ID` and a choice's `ID:VALUE`; an unregistered one reaches `.on("postback", …)`.
        EventContent::Postback(postback) => Incoming::interaction(
            LINE,
            InteractionKind::Action,
            postback.data.as_str(),
            "postback",
        ),
        _ => Incoming::event(LINE, event.event_type.as_str()),
    };
    Mapped::Incoming(
        incoming
            .with_user(user(event.source.as_ref()))
            .with_conversation(conversation(event.source.as_ref()))
            .with_payload(payload),
    )
}

/// The command text of a message meant for the bot. In a one-to-one chat every message is; in a
/// group or room only one that starts with `/` or mentions the bot, so that ordinary conversation
/// is not answered with "unknown command".
fn addressed(message: &TextMessageContent, source: Option<&Source>) -> Option<String> {
    if matches!(source, Some(Source::User { .. })) || message.text.trim_start().starts_with('/') {
        return Some(message.text.clone());
    }
    let mention = message
        .mention
        .as_ref()?
        .mentionees
        .iter()
        .find(|m| m.is_self == Some(true))?;
    // LINE counts mention positions in UTF-16 code units.
    let units: Vec<u16> = message.text.encode_utf16().collect();
    let start = usize::try_from(mention.index).ok()?.min(units.len());
    let end = start
        .saturating_add(usize::try_from(mention.length).ok()?)
        .min(units.len());
    let without = [&units[..start], &units[end..]].concat();
    Some(String::from_utf16_lossy(&without).trim().to_string())
}

fn user(source: Option<&Source>) -> User {
    User::new(LINE, source.and_then(Source::user_id).unwrap_or_default())
}

fn conversation(source: Option<&Source>) -> Conversation {
    let (id, kind) = match source {
        Some(Source::User { user_id }) => (user_id.clone(), ConversationKind::Direct),
        Some(Source::Group { group_id, .. }) => (Some(group_id.clone()), ConversationKind::Group),
        Some(Source::Room { room_id, .. }) => (Some(room_id.clone()), ConversationKind::Room),
        Some(Source::Unknown(_)) | None => (None, ConversationKind::default()),
    };
    Conversation {
        id: id.unwrap_or_default(),
        name: None,
        kind,
    }
}
