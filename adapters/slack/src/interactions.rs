//! Interactivity (`/slack/interactions`): a form body whose `payload` field holds JSON (button
//! clicks, shortcuts, modal submissions, options requests) becomes an interaction [`Incoming`]
//! named by its `action_id` or `callback_id`; other payload types become event commands named
//! after their `type`.

use crate::SLACK;
use ackbot_core::{Conversation, Incoming, InteractionKind, Payload, User};
use serde::Deserialize;
use serde_json::Value;

use crate::ParseError;
use crate::parsed::{Parsed, conversation_kind};
use crate::payload::InteractionPayload;
use crate::target::ReplyTarget;

/// Parses an interactivity request body.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Parsed>, ParseError> {
    let json = form_urlencoded::parse(body)
        .find(|(name, _)| name == "payload")
        .map(|(_, value)| value)
        .ok_or(ParseError::MissingField("payload"))?;
    // The field as received is the handlers' payload; the value is read from it.
    let json_error = |e: serde_json::Error| ParseError::Json(e.to_string());
    let payload_json = Payload::from_json(json.into_owned()).map_err(json_error)?;
    let raw: Value = payload_json.parse().map_err(json_error)?;
    if !raw.is_object() {
        return Err(ParseError::NotAnObject);
    }
    // Every field is read leniently, so an object always reads as a payload.
    let payload = InteractionPayload::deserialize(&raw).unwrap_or_default();
    let kind = payload
        .payload_type
        .as_deref()
        .ok_or(ParseError::MissingField("type"))?;
    let interaction = match kind {
        "block_actions" => Some(InteractionKind::Action),
        "view_submission" | "view_closed" => Some(InteractionKind::View),
        "block_suggestion" => Some(InteractionKind::Options),
        "shortcut" | "message_action" => Some(InteractionKind::Shortcut),
        _ => None,
    };
    let command = match interaction {
        Some(interaction) => {
            let id = payload.handler_id().unwrap_or_default();
            Incoming::interaction(SLACK, interaction, id, kind)
        }
        None => Incoming::event(SLACK, kind),
    };

    let mut user = User::new(SLACK, "");
    if let Some(u) = &payload.user {
        user.id = u.id.clone().unwrap_or_default();
        user.name = u.username.clone().or_else(|| u.name.clone());
    }
    let channel_id = payload.channel_id();
    let channel_name = payload.channel.as_ref().and_then(|c| c.name.as_deref());
    let conversation = Conversation {
        id: channel_id.unwrap_or_default().to_string(),
        name: channel_name.map(str::to_string),
        kind: conversation_kind(channel_id.unwrap_or_default(), channel_name, None),
    };
    let user_id = user.id.clone();
    // A modal or a global shortcut happens in no channel: its replies go to the user's direct
    // messages with the app (chat.postMessage to a user id), not nowhere.
    let fallback = match channel_id {
        Some(channel) => ReplyTarget::channel(Some(channel), None).ephemeral_to(Some(&user_id)),
        None => ReplyTarget::channel(Some(&user_id), None),
    };
    let target = ReplyTarget::response_url_or(payload.response_url(), fallback);
    let command = command
        .with_user(user)
        .with_conversation(conversation)
        .with_payload(payload_json);
    Ok(vec![Parsed::work(command, target)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::{ConversationKind, InteractionKind};
    use serde_json::json;

    const BLOCK_ACTIONS: &str = include_str!("../tests/data/block_actions.json");

    fn form(payload: &str) -> Vec<u8> {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", payload)
            .finish()
            .into_bytes()
    }

    fn work(payload: &Value) -> (Incoming, ReplyTarget) {
        match parse(&form(&payload.to_string())).unwrap().pop().unwrap() {
            Parsed::Work {
                command,
                dedupe_key,
                target,
                ..
            } => {
                assert_eq!(dedupe_key, None);
                (*command, target)
            }
            other => panic!("expected work, got {other:?}"),
        }
    }

    #[test]
    fn block_actions_fixture_replies_to_its_response_url() {
        let items = parse(&form(BLOCK_ACTIONS)).unwrap();
        let [
            Parsed::Work {
                command, target, ..
            },
        ] = &items[..]
        else {
            panic!("expected one work item")
        };
        assert_eq!(
            command.as_interaction().map(|i| i.kind),
            Some(InteractionKind::Action)
        );
        assert_eq!(command.name(), "approve");
        assert_eq!(
            command.as_interaction().unwrap().payload_type,
            "block_actions"
        );
        assert_eq!(command.user.id, "U0CA5");
        assert_eq!(command.user.name.as_deref(), Some("amy.mcdee"));
        assert_eq!(command.conversation.id, "C0CA5");
        assert_eq!(command.conversation.name.as_deref(), Some("general"));
        assert_eq!(command.conversation.kind, ConversationKind::Group);
        assert_eq!(
            command.payload.value()["actions"][0]["text"]["text"],
            "承認 ✅"
        );
        assert_eq!(
            *target,
            ReplyTarget::ResponseUrl(
                "https://hooks.slack.com/actions/T0CAG/12345678901/a7dL8sQ2xG5nQeGw1bX1pC3e".into()
            )
        );
    }

    #[test]
    fn shortcut_without_channel_replies_to_the_user_directly() {
        let (command, target) = work(&json!({
            "type": "shortcut", "callback_id": "new_ticket", "trigger_id": "1.2",
            "user": {"id": "U1", "username": "ann", "team_id": "T1"}
        }));
        let interaction = command.as_interaction().unwrap();
        assert_eq!(
            (interaction.kind, interaction.id.as_str()),
            (InteractionKind::Shortcut, "new_ticket")
        );
        assert_eq!(command.user.name.as_deref(), Some("ann"));
        assert_eq!(target, ReplyTarget::channel(Some("U1"), None));
    }

    #[test]
    fn view_submission_uses_its_response_urls() {
        let (command, target) = work(&json!({
            "type": "view_submission", "user": {"id": "U1"},
            "view": {"callback_id": "modal"},
            "response_urls": [{"block_id": "b", "action_id": "a", "channel_id": "C1",
                               "response_url": "https://hooks.slack.com/app/x"}]
        }));
        let interaction = command.as_interaction().unwrap();
        assert_eq!(
            (interaction.kind, interaction.id.as_str()),
            (InteractionKind::View, "modal")
        );
        assert_eq!(command.invocation(), "view_submission modal");
        assert_eq!(
            target,
            ReplyTarget::ResponseUrl("https://hooks.slack.com/app/x".into())
        );
    }

    #[test]
    fn without_response_url_a_known_channel_gets_a_post() {
        let (command, target) = work(&json!({
            "type": "block_actions", "user": {"id": "U1"},
            "container": {"type": "message", "channel_id": "D42"}
        }));
        assert_eq!(command.conversation.kind, ConversationKind::Direct);
        assert_eq!(target, ReplyTarget::channel(Some("D42"), None));
        // In a channel, ephemeral replies go to the user who clicked.
        let (_, target) = work(&json!({
            "type": "block_actions", "user": {"id": "U1"},
            "container": {"type": "message", "channel_id": "C42"}
        }));
        assert_eq!(
            target,
            ReplyTarget::channel(Some("C42"), None).ephemeral_to(Some("U1"))
        );
    }

    #[test]
    fn malformed_bodies_are_parse_errors() {
        assert_eq!(
            parse(b"token=x").unwrap_err(),
            ParseError::MissingField("payload")
        );
        assert!(matches!(
            parse(&form("{oops")).unwrap_err(),
            ParseError::Json(_)
        ));
        assert_eq!(parse(&form("[]")).unwrap_err(), ParseError::NotAnObject);
        assert_eq!(
            parse(&form(r#"{"user":{"id":"U1"}}"#)).unwrap_err(),
            ParseError::MissingField("type")
        );
        // Odd shapes are tolerated; an unknown type is an event of that type.
        let (command, _) = work(&json!({"type": "x", "user": "U1", "channel": 5}));
        assert_eq!(command.user.id, "");
    }
}
