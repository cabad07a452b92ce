//! Slash commands (`/slack/commands`): a form body becomes a [`Incoming`].

use crate::SLACK;
use ackbot_core::{Conversation, Incoming, Payload, User};
use serde_json::Value;

use crate::ParseError;
use crate::parsed::{Parsed, conversation_kind};
use crate::payload::SlashCommand;
use crate::target::ReplyTarget;

/// Parses a slash command's `application/x-www-form-urlencoded` body.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Parsed>, ParseError> {
    let fields = SlashCommand::form_fields(body);
    let form = SlashCommand::from_fields(&fields);
    // Slack's certificate health check: signed, but it asks for nothing.
    if form.is_ssl_check() {
        return Ok(vec![Parsed::skip("ssl_check")]);
    }
    let name = form
        .command
        .as_deref()
        .filter(|c| !c.trim().trim_start_matches('/').is_empty())
        .ok_or(ParseError::MissingField("command"))?;
    let channel_id = form.channel_id.as_deref().unwrap_or_default();
    let channel_name = form.channel_name.as_deref();
    let mut user = User::new(SLACK, form.user_id.as_deref().unwrap_or_default());
    if let Some(name) = &form.user_name {
        user = user.with_name(name);
    }
    let conversation = Conversation {
        id: channel_id.to_string(),
        name: channel_name.map(str::to_string),
        kind: conversation_kind(channel_id, channel_name, None),
    };
    let target = ReplyTarget::response_url_or(
        form.response_url.as_deref(),
        ReplyTarget::channel(Some(channel_id), None),
    );
    let text = form.text.as_deref().unwrap_or_default();
    let command = Incoming::command(SLACK, name, text)
        .with_user(user)
        .with_conversation(conversation)
        .with_payload(Payload::from_value(&Value::Object(fields)));
    Ok(vec![Parsed::work(command, target)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::ConversationKind;

    const FIXTURE: &str = include_str!("../tests/data/slash_command.txt");

    fn parse_one(body: &str) -> (Incoming, Option<String>, ReplyTarget) {
        match parse(body.as_bytes()).unwrap().pop().unwrap() {
            Parsed::Work {
                command,
                dedupe_key,
                target,
                ..
            } => (*command, dedupe_key, target),
            other => panic!("expected work, got {other:?}"),
        }
    }

    #[test]
    fn fixture_becomes_a_command() {
        let (command, dedupe_key, target) = parse_one(FIXTURE);
        assert_eq!(command.platform, SLACK);
        assert!(command.as_command().is_some());
        assert_eq!(command.name(), "webhook-collect");
        assert_eq!(command.as_command().unwrap().text, "");
        assert_eq!(
            command.user,
            User::new(SLACK, "U2CERLKJA").with_name("roadrunner")
        );
        assert_eq!(command.as_command().unwrap().input, "/webhook-collect");
        assert_eq!(
            command.conversation,
            Conversation {
                id: "G8PSS9T3V".into(),
                name: Some("foobar".into()),
                kind: ConversationKind::Group
            }
        );
        assert_eq!(command.payload.value()["team_domain"], "testteamnow");
        assert_eq!(command.payload.value()["command"], "/webhook-collect");
        assert_eq!(command.payload.value().as_object().unwrap().len(), 11);
        assert_eq!(dedupe_key, None);
        assert_eq!(
            target,
            ReplyTarget::ResponseUrl(
                "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"
                    .into()
            )
        );
    }

    #[test]
    fn text_round_trips_exactly() {
        // As Slack encodes it: space as `+`, `+` as %2B, `%` as %25, UTF-8 percent-encoded.
        let body = "command=%2Fecho&text=%E3%81%93%E3%82%93%E3%81%AB%E3%81%A1%E3%81%AF+%F0%9F%91%8B+a%2Bb+100%25\
                    &user_id=U1&channel_id=C1&response_url=https%3A%2F%2Fhooks.slack.com%2Fx";
        let (command, _, _) = parse_one(body);
        assert_eq!(command.name(), "echo");
        assert_eq!(command.as_command().unwrap().text, "こんにちは 👋 a+b 100%");
        assert_eq!(command.payload.value()["text"], "こんにちは 👋 a+b 100%");
    }

    #[test]
    fn direct_messages_are_direct() {
        let (c, _, _) = parse_one("command=%2Fx&channel_id=D024BE91L&channel_name=directmessage");
        assert_eq!(c.conversation.kind, ConversationKind::Direct);
        let (c, _, _) = parse_one("command=%2Fx&channel_id=D024BE91L&channel_name=whatever");
        assert_eq!(c.conversation.kind, ConversationKind::Direct);
        let (c, _, _) = parse_one("command=%2Fx&channel_id=C1&channel_name=directmessage");
        assert_eq!(c.conversation.kind, ConversationKind::Direct);
        let (c, _, _) = parse_one("command=%2Fx&channel_id=C1&channel_name=general");
        assert_eq!(c.conversation.kind, ConversationKind::Group);
    }

    #[test]
    fn ssl_check_is_skipped_only_when_exactly_one() {
        let items = parse(b"ssl_check=1&token=abc").unwrap();
        assert!(matches!(&items[..], [Parsed::Skip(r)] if r == "ssl_check"));
        // Anything else mentioning ssl_check is an ordinary request.
        let (command, _, _) = parse_one("ssl_check=0&command=%2Fecho&text=ssl_check%3D1");
        assert_eq!(command.as_command().unwrap().text, "ssl_check=1");
        assert!(parse(b"ssl_check=11").is_err());
    }

    #[test]
    fn missing_command_is_a_clear_error() {
        for body in ["text=hi&user_id=U1", "command=&text=hi", "command=%2F"] {
            let error = parse(body.as_bytes()).unwrap_err();
            assert_eq!(error, ParseError::MissingField("command"), "{body}");
            assert!(error.to_string().contains("`command`"));
        }
    }

    #[test]
    fn without_response_url_replies_go_to_the_channel() {
        let (_, _, target) = parse_one("command=%2Fx&channel_id=C77");
        assert_eq!(target, ReplyTarget::channel(Some("C77"), None));
    }

    #[test]
    fn garbage_has_an_exact_outcome() {
        let missing = Err(ParseError::MissingField("command"));
        type Outcome = Result<(&'static str, &'static str), ParseError>;
        let cases: [(&[u8], Outcome); 8] = [
            // No `command` field at all.
            (b"%%%", missing.clone()),
            (b"&&==&", missing.clone()),
            (b"\xff\xfe=\xff", missing.clone()),
            (b"", missing.clone()),
            // A bare or blank command name.
            (b"command=%2F%2F&text=x", missing.clone()),
            (b"command=+%2F+", missing),
            // Undecodable escapes are kept as typed; bytes that are not UTF-8 become U+FFFD.
            (b"command=%2Fx&text=%ZZ%", Ok(("x", "%ZZ%"))),
            (b"command=%2F%FFx&text=%FF", Ok(("\u{FFFD}x", "\u{FFFD}"))),
        ];
        for (body, expected) in cases {
            let outcome = parse(body).map(|mut items| match items.pop() {
                Some(Parsed::Work { command, .. }) => (
                    command.name().to_string(),
                    command.as_command().unwrap().text.clone(),
                ),
                other => panic!("expected work, got {other:?}"),
            });
            let expected = expected.map(|(name, text)| (name.to_string(), text.to_string()));
            assert_eq!(outcome, expected, "{}", String::from_utf8_lossy(body));
        }
    }
}
