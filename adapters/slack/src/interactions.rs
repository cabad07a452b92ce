//! Interactivity (`/slack/interactions`): a form body whose `payload` field holds JSON (button
//! clicks, shortcuts, modal submissions) becomes an event [`Command`] named after its `type`.

use bot_core::{Command, Conversation, Platform, User};
use serde::Deserialize;
use serde_json::Value;

use crate::parsed::{conversation_kind, Parsed};
use crate::payload::InteractionPayload;
use crate::target::ReplyTarget;
use crate::ParseError;

/// Parses an interactivity request body.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Parsed>, ParseError> {
    let json = form_urlencoded::parse(body)
        .find(|(name, _)| name == "payload")
        .map(|(_, value)| value)
        .ok_or(ParseError::MissingField("payload"))?;
    let raw: Value = serde_json::from_str(&json).map_err(|e| ParseError::Json(e.to_string()))?;
    if !raw.is_object() {
        return Err(ParseError::NotAnObject);
    }
    // Every field is read leniently, so an object always reads as a payload.
    let payload = InteractionPayload::deserialize(&raw).unwrap_or_default();
    let kind = payload
        .payload_type
        .as_deref()
        .ok_or(ParseError::MissingField("type"))?;
    let command = Command::event(Platform::Slack, kind);

    let mut user = User::new(Platform::Slack, "");
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
    let target = ReplyTarget::response_url_or(
        payload.response_url(),
        ReplyTarget::channel(channel_id, None),
    );
    Ok(vec![Parsed::Work {
        command: Box::new(
            command
                .with_user(user)
                .with_conversation(conversation)
                .with_raw(raw),
        ),
        dedupe_key: None,
        target,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use bot_core::{ConversationKind, Kind};
    use serde_json::json;

    const BLOCK_ACTIONS: &str = include_str!("../tests/data/block_actions.json");

    fn form(payload: &str) -> Vec<u8> {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", payload)
            .finish()
            .into_bytes()
    }

    fn work(payload: &Value) -> (Command, ReplyTarget) {
        match parse(&form(&payload.to_string())).unwrap().pop().unwrap() {
            Parsed::Work {
                command,
                dedupe_key,
                target,
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
        let [Parsed::Work {
            command, target, ..
        }] = &items[..]
        else {
            panic!("expected one work item")
        };
        assert_eq!(command.kind, Kind::Event);
        assert_eq!(command.name, "block_actions");
        assert_eq!(command.user.id, "U0CA5");
        assert_eq!(command.user.name.as_deref(), Some("amy.mcdee"));
        assert_eq!(command.conversation.id, "C0CA5");
        assert_eq!(command.conversation.name.as_deref(), Some("general"));
        assert_eq!(command.conversation.kind, ConversationKind::Group);
        assert_eq!(command.raw["actions"][0]["text"]["text"], "承認 ✅");
        assert_eq!(
            *target,
            ReplyTarget::ResponseUrl(
                "https://hooks.slack.com/actions/T0CAG/12345678901/a7dL8sQ2xG5nQeGw1bX1pC3e".into()
            )
        );
    }

    #[test]
    fn shortcut_without_channel_has_nowhere_to_reply() {
        let (command, target) = work(&json!({
            "type": "shortcut", "callback_id": "new_ticket", "trigger_id": "1.2",
            "user": {"id": "U1", "username": "ann", "team_id": "T1"}
        }));
        assert_eq!(command.name, "shortcut");
        assert_eq!(command.user.name.as_deref(), Some("ann"));
        assert!(matches!(target, ReplyTarget::Nowhere(_)));
    }

    #[test]
    fn view_submission_uses_its_response_urls() {
        let (command, target) = work(&json!({
            "type": "view_submission", "user": {"id": "U1"},
            "view": {"callback_id": "modal"},
            "response_urls": [{"block_id": "b", "action_id": "a", "channel_id": "C1",
                               "response_url": "https://hooks.slack.com/app/x"}]
        }));
        assert_eq!(command.name, "view_submission");
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
        // Odd shapes are tolerated.
        let (command, _) = work(&json!({"type": "x", "user": "U1", "channel": 5}));
        assert_eq!(command.user.id, "");
    }
}
