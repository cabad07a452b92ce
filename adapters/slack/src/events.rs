//! The Events API (`/slack/events`): a JSON `event_callback` becomes a [`Incoming`] — a mention or
//! a direct message becomes a typed command, any other event an event command; Slack's check of
//! the Request URL (`url_verification`) is answered with its challenge.

use crate::SLACK;
use ackbot_core::{Answer, Conversation, Incoming, Payload, User};
use serde_json::Value;

use crate::ParseError;
use crate::parsed::{Parsed, conversation_kind};
use crate::payload::{EventCallback, EventsRequest};
use crate::target::ReplyTarget;

/// Parses an Events API request body.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Parsed>, ParseError> {
    // The body as received is the handlers' payload; the value is read from it.
    let json_error = |e: serde_json::Error| ParseError::Json(e.to_string());
    let payload = Payload::from_slice(body).map_err(json_error)?;
    let raw: Value = payload.parse().map_err(json_error)?;
    match EventsRequest::from_value(&raw)? {
        // Answered in the acknowledgement by the front door (or the local edge); the worker
        // has nothing to do.
        EventsRequest::UrlVerification(check) => Ok(vec![match check.challenge {
            Some(challenge) => Parsed::Answered(
                Answer::json(serde_json::json!({ "challenge": challenge })),
                "url_verification",
            ),
            None => Parsed::skip("url_verification without a challenge"),
        }]),
        EventsRequest::EventCallback(callback) => {
            event_callback(*callback, payload).map(|item| vec![item])
        }
        EventsRequest::Other(other) if other == "app_rate_limited" => {
            // Slack stops sending events for a while: say so loudly, it means lost events.
            let minute = raw.get("minute_rate_limited").and_then(Value::as_i64);
            tracing::warn!(
                minute_rate_limited = minute,
                "Slack rate-limited this app's events (app_rate_limited): events of that minute are dropped"
            );
            Ok(vec![Parsed::skip("app_rate_limited")])
        }
        EventsRequest::Other(other) => Ok(vec![Parsed::skip(format!(
            "Events API payload of type `{other}`"
        ))]),
    }
}

fn event_callback(callback: EventCallback, payload: Payload) -> Result<Parsed, ParseError> {
    let event = callback.event.ok_or(ParseError::MissingField("event"))?;
    let event_type = event
        .event_type
        .as_deref()
        .ok_or(ParseError::MissingField("event.type"))?;
    // The bot's own messages come back as events: answering them could loop.
    let from_bot = event.is_from_bot();
    // Slack escapes `&`, `<` and `>` in message text; commands see what the user typed.
    let text = unescape(event.text.as_deref().unwrap_or_default());
    let mut thread_ts = event.thread_ts.as_deref();
    let command = match event_type {
        "app_mention" if from_bot => return Ok(Parsed::skip("app_mention from a bot")),
        // Edits, deletions, joins… are not a user typing a command; a file shared with a text
        // and a thread reply also sent to the channel are.
        "message"
            if from_bot
                || event
                    .subtype
                    .as_deref()
                    .is_some_and(|s| !USER_MESSAGE_SUBTYPES.contains(&s)) =>
        {
            return Ok(Parsed::skip("message from a bot or with a subtype"));
        }
        "app_mention" => {
            // Answered in the mention's thread, or in a new thread under the mention.
            thread_ts = thread_ts.or(event.ts.as_deref());
            Incoming::mentioned(SLACK, after_leading_mention(&text))
        }
        "message" if event.channel_type.as_deref() == Some("im") => {
            Incoming::typed(SLACK, text.as_str())
        }
        other => Incoming::event(SLACK, other),
    };
    let channel = event.channel_id().unwrap_or_default();
    let user_id = event.user_id().unwrap_or_default();
    let user = User::new(SLACK, user_id);
    let conversation = Conversation {
        id: channel.to_string(),
        name: None,
        kind: conversation_kind(channel, None, event.channel_type.as_deref()),
    };
    let target = ReplyTarget::channel(Some(channel), thread_ts).ephemeral_to(Some(user_id));
    // Slack has been seen to deliver one message again under a new `event_id`: the message's
    // own identity catches that.
    let aliases = match (event.ts.as_deref(), channel) {
        (Some(ts), channel) if !ts.is_empty() && !channel.is_empty() => {
            let team = callback.team_id.as_deref().unwrap_or_default();
            vec![format!("slack:{team}:{channel}:{ts}:{event_type}")]
        }
        _ => Vec::new(),
    };
    Ok(Parsed::Work {
        command: Box::new(
            command
                .with_user(user)
                .with_conversation(conversation)
                .with_payload(payload),
        ),
        dedupe_key: callback.event_id,
        aliases,
        target,
    })
}

/// The message subtypes that are still a user's own message.
const USER_MESSAGE_SUBTYPES: [&str; 2] = ["file_share", "thread_broadcast"];

/// Undoes Slack's three escapes in message text (`&amp;` last, so `&amp;lt;` stays `&lt;`).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text after a leading `<@U123>` (or `<@U123|name>`) mention, without the white space
/// that follows it; the text itself without one.
fn after_leading_mention(text: &str) -> &str {
    let trimmed = text.trim_start();
    if let Some(rest) = trimmed.strip_prefix("<@")
        && let Some(end) = rest.find('>')
    {
        return rest[end + 1..].trim_start();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::ConversationKind;
    use serde_json::json;

    const APP_MENTION: &str = include_str!("../tests/data/app_mention.json");
    const URL_VERIFICATION: &str = include_str!("../tests/data/url_verification.json");

    fn work(body: &Value) -> (Incoming, Option<String>, ReplyTarget) {
        match parse(body.to_string().as_bytes()).unwrap().pop().unwrap() {
            Parsed::Work {
                command,
                dedupe_key,
                target,
                ..
            } => (*command, dedupe_key, target),
            other => panic!("expected work, got {other:?}"),
        }
    }

    fn skipped(body: &Value) -> String {
        match parse(body.to_string().as_bytes()).unwrap().pop().unwrap() {
            Parsed::Skip(reason) => reason,
            other => panic!("expected a skip, got {other:?}"),
        }
    }

    fn callback(event: Value) -> Value {
        json!({"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": event})
    }

    #[test]
    fn url_verification_is_answered_with_its_challenge() {
        let items = parse(URL_VERIFICATION.as_bytes()).unwrap();
        let fixture: Value = serde_json::from_str(URL_VERIFICATION).unwrap();
        let [Parsed::Answered(answer, "url_verification")] = &items[..] else {
            panic!("expected an answer, got {items:?}")
        };
        assert_eq!(
            answer.body.as_ref().unwrap()["challenge"],
            fixture["challenge"]
        );
    }

    #[test]
    fn slack_escapes_are_undone_in_command_text() {
        let (command, _, _) = work(&callback(json!({
            "type": "app_mention", "user": "U1", "channel": "C1", "ts": "1.0",
            "text": "<@U0BOT> echo a &lt;b&gt; &amp; c &amp;lt;"
        })));
        assert_eq!(command.as_command().unwrap().text, "a <b> & c &lt;");
    }

    #[test]
    fn a_message_is_also_keyed_by_its_own_identity() {
        let items = parse(
            callback(json!({"type": "app_mention", "user": "U1", "channel": "C1",
                "ts": "1700.01", "text": "<@U0BOT> ping"}))
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let [Parsed::Work { aliases, .. }] = &items[..] else {
            panic!("expected work")
        };
        assert_eq!(aliases, &["slack:T1:C1:1700.01:app_mention".to_string()]);
    }

    #[test]
    fn app_mention_fixture_becomes_the_mentioned_command() {
        let payload: Value = serde_json::from_str(APP_MENTION).unwrap();
        let (command, dedupe_key, target) = work(&payload);
        assert!(command.as_command().is_some());
        assert_eq!(command.name(), "echo");
        assert_eq!(command.as_command().unwrap().text, "こんにちは 👋 a+b");
        assert_eq!(
            command.as_command().unwrap().input,
            "echo こんにちは 👋 a+b",
            "the text without the mention"
        );
        assert_eq!(command.user.id, "U061F7AUR");
        assert_eq!(command.conversation.id, "C0LAN2Q65");
        assert_eq!(command.conversation.kind, ConversationKind::Group);
        assert_eq!(command.payload.value()["event"]["type"], "app_mention");
        assert_eq!(dedupe_key.as_deref(), Some("Ev0LAN670R"));
        // Answered in a thread under the mention, ephemeral replies to its author.
        assert_eq!(
            target,
            ReplyTarget::channel(Some("C0LAN2Q65"), Some("1515449522.000016"))
                .ephemeral_to(Some("U061F7AUR"))
        );
    }

    #[test]
    fn mention_in_a_thread_is_answered_in_the_thread() {
        let payload = callback(json!({
            "type": "app_mention", "user": "U1", "channel": "C1",
            "text": "<@U0BOT|ackbot>   ping", "ts": "2.0", "thread_ts": "1.0"
        }));
        let (command, _, target) = work(&payload);
        assert_eq!(
            (command.name(), command.as_command().unwrap().text.as_str()),
            ("ping", "")
        );
        assert_eq!(
            target,
            ReplyTarget::channel(Some("C1"), Some("1.0")).ephemeral_to(Some("U1"))
        );
    }

    #[test]
    fn mention_without_leading_mention_uses_the_whole_text() {
        let payload = callback(json!({"type": "app_mention", "user": "U1", "channel": "C1",
            "text": "echo hi <@U0BOT>"}));
        let (command, _, _) = work(&payload);
        assert_eq!(
            (command.name(), command.as_command().unwrap().text.as_str()),
            ("echo", "hi <@U0BOT>")
        );
    }

    #[test]
    fn direct_message_becomes_a_command() {
        let payload = callback(json!({
            "type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
            "text": "/Echo two  words"
        }));
        let (command, dedupe_key, target) = work(&payload);
        assert!(command.as_command().is_some());
        assert_eq!(
            (command.name(), command.as_command().unwrap().text.as_str()),
            ("echo", "two  words")
        );
        assert_eq!(command.conversation.kind, ConversationKind::Direct);
        assert_eq!(dedupe_key.as_deref(), Some("Ev1"));
        assert_eq!(target, ReplyTarget::channel(Some("D1"), None));
    }

    #[test]
    fn bot_and_subtype_messages_are_skipped() {
        for event in [
            json!({"type": "message", "channel_type": "im", "bot_id": "B1", "channel": "D1", "text": "echo hi"}),
            json!({"type": "message", "channel_type": "im", "subtype": "message_changed", "channel": "D1"}),
            // A subtype of an odd type still marks the message as not a user's plain message.
            json!({"type": "message", "channel_type": "im", "subtype": 5, "channel": "D1", "text": "echo hi"}),
            json!({"type": "message", "channel_type": "channel", "bot_id": "B1", "channel": "C1"}),
            json!({"type": "app_mention", "bot_id": "B1", "channel": "C1", "text": "<@U0BOT> echo"}),
        ] {
            let reason = skipped(&callback(event));
            assert!(reason.contains("bot"), "{reason}");
        }
    }

    #[test]
    fn a_file_shared_with_a_command_is_still_the_users_message() {
        let (command, _, _) = work(&callback(json!({
            "type": "message", "subtype": "file_share", "channel_type": "im", "user": "U1",
            "channel": "D1", "text": "echo with a file", "ts": "1.0"
        })));
        assert_eq!(
            (command.name(), command.as_command().unwrap().text.as_str()),
            ("echo", "with a file")
        );
    }

    #[test]
    fn other_events_become_event_commands() {
        let payload = callback(json!({
            "type": "reaction_added", "user": "U1", "reaction": "thumbsup",
            "item": {"type": "message", "channel": "C5", "ts": "1.1"}
        }));
        let (command, dedupe_key, target) = work(&payload);
        assert!(command.as_event().is_some());
        assert_eq!(command.name(), "reaction_added");
        assert_eq!(command.user.id, "U1");
        assert_eq!(command.conversation.id, "C5");
        assert_eq!(dedupe_key.as_deref(), Some("Ev1"));
        assert_eq!(
            target,
            ReplyTarget::channel(Some("C5"), None).ephemeral_to(Some("U1"))
        );

        // A channel message (not a DM) is an event too.
        let (command, _, _) = work(&callback(
            json!({"type": "message", "channel_type": "channel",
            "user": "U1", "channel": "C1", "text": "echo hi"}),
        ));
        assert_eq!(command.as_event().unwrap().event_type, "message");
    }

    #[test]
    fn events_with_objects_for_user_or_channel_are_understood() {
        let (command, _, target) = work(&callback(json!({
            "type": "channel_created", "channel": {"id": "C9", "name": "new", "creator": "U2"}
        })));
        assert_eq!(command.conversation.id, "C9");
        assert_eq!(target, ReplyTarget::channel(Some("C9"), None));
        let (command, _, target) = work(&callback(json!({
            "type": "team_join", "user": {"id": "U3", "name": "ann"}
        })));
        assert_eq!(command.user.id, "U3");
        assert!(matches!(target, ReplyTarget::Nowhere(_)));
    }

    #[test]
    fn odd_payloads_never_panic() {
        let skips = [
            json!({"type": "app_rate_limited", "minute_rate_limited": 1}),
            json!({"type": "something_new"}),
        ];
        for payload in skips {
            skipped(&payload);
        }
        let errors = [
            (json!({"token": "x"}), ParseError::MissingField("type")),
            (
                json!({"type": "event_callback"}),
                ParseError::MissingField("event"),
            ),
            (
                json!({"type": "event_callback", "event": 3}),
                ParseError::MissingField("event"),
            ),
            (
                json!({"type": "event_callback", "event": {}}),
                ParseError::MissingField("event.type"),
            ),
            (json!([1, 2]), ParseError::NotAnObject),
            (json!(null), ParseError::NotAnObject),
        ];
        for (payload, expected) in errors {
            assert_eq!(parse(payload.to_string().as_bytes()).unwrap_err(), expected);
        }
        // Wrong types for known fields are tolerated.
        let (command, dedupe_key, target) = work(&json!({"type": "event_callback", "event_id": 7,
            "event": {"type": "app_mention", "text": 5, "user": [], "channel": null}}));
        assert_eq!(command.name(), "");
        assert_eq!(dedupe_key, None);
        assert!(matches!(target, ReplyTarget::Nowhere(_)));
    }

    #[test]
    fn invalid_json_is_a_parse_error() {
        let error = parse(b"{not json").unwrap_err();
        assert!(matches!(error, ParseError::Json(_)), "{error}");
    }
}
