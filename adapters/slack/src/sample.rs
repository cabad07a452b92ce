//! Request bodies as Slack sends them, for tests and demos (feature `test-util`).

use ackbot_core::SecretString;
use ackbot_core::adapter::Envelope;
use ackbot_core::testing::{self, unique};
use serde_json::json;

/// The bot user that [`app_mention`] mentions.
pub const BOT_USER_ID: &str = "U0LAN0Z89";

/// An Envelope of `body` for `route` as the edge builds it, signed with `secret` at `signed_at`
/// (Unix seconds) and received at that second: the headers Slack sends, a test request id.
pub fn signed_envelope(route: &str, body: &str, secret: &str, signed_at: i64) -> Envelope {
    let signature = crate::sign(&SecretString::from(secret), signed_at, body.as_bytes());
    let content_type = if route == crate::EVENTS_ROUTE {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut envelope = testing::envelope(route, body)
        .with_header("Content-Type", content_type)
        .with_header(crate::TIMESTAMP_HEADER, signed_at.to_string())
        .with_header(crate::SIGNATURE_HEADER, signature);
    envelope.received_at_ms = signed_at * 1000;
    envelope
}

/// A slash command's form body as Slack encodes it (`+`, `%XX`) for `typed`, e.g. `/echo hi`.
pub fn slash_command(typed: &str, response_url: &str) -> String {
    let typed = typed.trim_start();
    let (command, text) = match typed.find(char::is_whitespace) {
        Some(i) => (&typed[..i], &typed[i + 1..]),
        None => (typed, ""),
    };
    let command = format!("/{}", command.trim_start_matches('/'));
    let id = unique();
    form_urlencoded::Serializer::new(String::new())
        .append_pair("token", "gIkuvaNzQIHg97ATvDxqgjtO")
        .append_pair("team_id", "T0001")
        .append_pair("team_domain", "example")
        .append_pair("enterprise_id", "E0001")
        .append_pair("enterprise_name", "Globular Construct Inc")
        .append_pair("channel_id", "C2147483705")
        .append_pair("channel_name", "test")
        .append_pair("user_id", "U2147483697")
        .append_pair("user_name", "Steve")
        .append_pair("command", &command)
        .append_pair("text", text)
        .append_pair("response_url", response_url)
        .append_pair("trigger_id", &format!("13345224609.738474920.{id:032x}"))
        .append_pair("api_app_id", "A123456")
        .finish()
}

/// An Events API `event_callback` JSON body in which a user mentions the bot, then types `text`.
pub fn app_mention(text: &str, channel: &str, event_id: &str) -> String {
    let mention = format!("<@{BOT_USER_ID}>");
    let full_text = if text.is_empty() {
        mention
    } else {
        format!("{mention} {text}")
    };
    let seconds = ackbot_core::runtime::now_ms() / 1000;
    let ts = format!("{seconds}.{:06}", unique() % 1_000_000);
    json!({
        "token": "ZZZZZZWSxiZZZ2yIvs3peJ",
        "team_id": "T061EG9R6",
        "api_app_id": "A0MDYCDME",
        "event": {
            "type": "app_mention",
            "user": "U061F7AUR",
            "text": full_text,
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "blocks": [{
                "type": "rich_text",
                "block_id": "BJ2",
                "elements": [{
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "user", "user_id": BOT_USER_ID},
                        {"type": "text", "text": format!(" {text}")}
                    ]
                }]
            }]
        },
        "type": "event_callback",
        "event_id": event_id,
        "event_time": seconds,
        "authorizations": [{
            "enterprise_id": null,
            "team_id": "T061EG9R6",
            "user_id": BOT_USER_ID,
            "is_bot": true,
            "is_enterprise_install": false
        }],
        "is_ext_shared_channel": false
    })
    .to_string()
}

/// An Events API `event_callback` JSON body carrying `event` (e.g. an
/// `assistant_thread_started`, or a message in a DM), in [`app_mention`]'s workspace.
pub fn event_callback(event: serde_json::Value, event_id: &str) -> String {
    json!({
        "token": "ZZZZZZWSxiZZZ2yIvs3peJ",
        "team_id": "T061EG9R6",
        "api_app_id": "A0MDYCDME",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": ackbot_core::runtime::now_ms() / 1000,
        "authorizations": [{"enterprise_id": null, "team_id": "T061EG9R6", "user_id": BOT_USER_ID,
            "is_bot": true, "is_enterprise_install": false}],
        "is_ext_shared_channel": false
    })
    .to_string()
}

/// The user who submits the samples' modals (the slash command sample's user).
pub const USER_ID: &str = "U2147483697";

/// An interactivity request body: the form Slack posts, one field `payload` holding `payload`.
pub fn interaction(payload: &serde_json::Value) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish()
}

/// A `view_submission` of the modal `callback_id` opened with `private_metadata`, whose single
/// text input `action_id` in the block `block_id` holds `value`, as an interactivity body.
pub fn view_submission(
    callback_id: &str,
    block_id: &str,
    action_id: &str,
    value: &str,
    private_metadata: &str,
) -> String {
    let id = unique();
    interaction(&json!({
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "example"},
        "user": {"id": USER_ID, "username": "steve", "name": "steve", "team_id": "T0001"},
        "api_app_id": "A123456",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "trigger_id": format!("13345224609.738474920.{id:032x}"),
        "view": {
            "id": format!("V{id:010X}"),
            "team_id": "T0001",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "hash": format!("1700000000.{id:08x}"),
            "title": {"type": "plain_text", "text": "Feedback"},
            "blocks": [{
                "type": "input", "block_id": block_id,
                "label": {"type": "plain_text", "text": "Your feedback"},
                "element": {"type": "plain_text_input", "action_id": action_id, "multiline": true}
            }],
            "state": {"values": {block_id: {action_id: {"type": "plain_text_input", "value": value}}}},
            "root_view_id": format!("V{id:010X}"),
            "app_id": "A123456",
            "bot_id": "B0001"
        },
        "response_urls": [],
        "is_enterprise_install": false,
        "enterprise": null
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::{EventUser, EventsRequest, SlashCommand};

    #[test]
    fn slash_command_encodes_like_slack() {
        let body = slash_command("/echo こんにちは a+b 100%", "https://hooks.example/x");
        assert!(
            body.contains(
                "command=%2Fecho&text=%E3%81%93%E3%82%93%E3%81%AB%E3%81%A1%E3%81%AF+a%2Bb+100%25"
            ),
            "{body}"
        );
        let fields: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert!(fields.contains(&("text".into(), "こんにちは a+b 100%".into())));
    }

    #[test]
    fn slash_commands_carry_every_documented_field_and_a_new_trigger_id() {
        let (a, b) = (
            slash_command("echo", "https://h/x"),
            slash_command("echo", "https://h/x"),
        );
        let form = SlashCommand::from_fields(&SlashCommand::form_fields(a.as_bytes()));
        assert_eq!(form.command.as_deref(), Some("/echo"));
        assert_eq!(form.text.as_deref(), Some(""));
        assert_eq!(form.response_url.as_deref(), Some("https://h/x"));
        assert_eq!(SlashCommand::form_fields(a.as_bytes()).len(), 14);
        let trigger = |body: &str| {
            SlashCommand::from_fields(&SlashCommand::form_fields(body.as_bytes())).trigger_id
        };
        assert_ne!(trigger(&a), trigger(&b));
    }

    #[test]
    fn view_submission_is_a_form_with_the_payload() {
        let body = view_submission("feedback", "b", "a", "hi & <bye>", "C1");
        let (name, json) = form_urlencoded::parse(body.as_bytes()).next().unwrap();
        assert_eq!(name, "payload");
        let payload: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(payload["view"]["callback_id"], "feedback");
        assert_eq!(payload["view"]["private_metadata"], "C1");
        assert_eq!(
            payload["view"]["state"]["values"]["b"]["a"]["value"],
            "hi & <bye>"
        );
    }

    #[test]
    fn app_mention_is_an_event_callback_mentioning_the_bot() {
        let body = app_mention("echo hi", "C1", "Ev1");
        let raw: serde_json::Value = serde_json::from_str(&body).unwrap();
        let EventsRequest::EventCallback(callback) = EventsRequest::from_value(&raw).unwrap()
        else {
            panic!("expected an event_callback: {body}")
        };
        assert_eq!(callback.event_id.as_deref(), Some("Ev1"));
        let event = callback.event.unwrap();
        assert_eq!(event.event_type.as_deref(), Some("app_mention"));
        assert_eq!(event.text.as_deref(), Some("<@U0LAN0Z89> echo hi"));
        assert_eq!(event.channel_id(), Some("C1"));
        assert_eq!(event.user, Some(EventUser::Id("U061F7AUR".into())));
        assert!(!event.is_from_bot());
        let empty: serde_json::Value = serde_json::from_str(&app_mention("", "C1", "Ev2")).unwrap();
        assert_eq!(empty["event"]["text"], "<@U0LAN0Z89>");
    }
}
