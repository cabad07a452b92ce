//! Payloads shaped as Slack and LINE send them, for [`TestBot`](super::TestBot)'s deliveries.

use ackbot_core::testing::unique;
use serde_json::{Map, Value, json};

/// The Slack channel the kit's commands, mentions and actions come from.
pub const CHANNEL: &str = "C2147483705";
/// The Slack user who sends the kit's commands and submits its modals.
pub const SLACK_USER_ID: &str = ackbot_slack::sample::USER_ID;
/// The LINE user who sends the kit's messages.
pub const LINE_USER_ID: &str = "U4af4980629a1b2c3d4e5f60718293a4b";

/// The `team` and `user` every kit interaction carries.
fn who() -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("team".into(), json!({"id": "T0001", "domain": "example"}));
    fields.insert(
        "user".into(),
        json!({"id": SLACK_USER_ID, "username": "steve", "name": "steve", "team_id": "T0001"}),
    );
    fields.insert("api_app_id".into(), json!("A123456"));
    fields.insert("token".into(), json!("gIkuvaNzQIHg97ATvDxqgjtO"));
    fields.insert(
        "trigger_id".into(),
        json!(format!("13345224609.738474920.{:032x}", unique())),
    );
    fields
}

/// A `view_submission` of the modal `callback_id` whose inputs hold `values`, each
/// `(block_id, action_id, value)` of a plain-text input, opened with `private_metadata`.
pub fn view_submission(
    callback_id: &str,
    values: &[(&str, &str, &str)],
    private_metadata: &str,
) -> Value {
    let mut state = Map::new();
    for (block_id, action_id, value) in values {
        let block = state
            .entry(block_id.to_string())
            .or_insert_with(|| json!({}));
        block[*action_id] = json!({"type": "plain_text_input", "value": value});
    }
    let id = unique();
    let mut payload = who();
    payload.insert("type".into(), json!("view_submission"));
    payload.insert(
        "view".into(),
        json!({
            "id": format!("V{id:010X}"),
            "team_id": "T0001",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "hash": format!("1700000000.{id:08x}"),
            "state": {"values": state},
            "app_id": "A123456",
            "bot_id": "B0001"
        }),
    );
    payload.insert("response_urls".into(), json!([]));
    Value::Object(payload)
}

/// A `block_actions` payload: the button `action_id` carrying `value` was clicked in a message
/// in [`CHANNEL`], with a `response_url` the kit does not serve (replies go to `chat.*`).
pub fn block_action(action_id: &str, value: &str) -> Value {
    let mut payload = who();
    payload.insert("type".into(), json!("block_actions"));
    payload.insert(
        "container".into(),
        json!({"type": "message", "message_ts": "1700000000.000100", "channel_id": CHANNEL, "is_ephemeral": false}),
    );
    payload.insert("channel".into(), json!({"id": CHANNEL, "name": "test"}));
    payload.insert(
        "message".into(),
        json!({"type": "message", "ts": "1700000000.000100", "text": "", "user": "U0LAN0Z89"}),
    );
    payload.insert(
        "actions".into(),
        json!([{
            "type": "button", "action_id": action_id, "block_id": "kit",
            "value": value, "action_ts": "1700000001.000200",
            "text": {"type": "plain_text", "text": value}
        }]),
    );
    Value::Object(payload)
}

/// A global shortcut `callback_id`, from the search bar or the composer.
pub fn shortcut(callback_id: &str) -> Value {
    let mut payload = who();
    payload.insert("type".into(), json!("shortcut"));
    payload.insert("callback_id".into(), json!(callback_id));
    payload.insert("action_ts".into(), json!("1700000001.000300"));
    Value::Object(payload)
}

/// `event` wrapped in an `event_callback` with a new `event_id`, as the Events API sends it.
pub fn event_callback(event: Value) -> Value {
    let id = unique();
    json!({
        "token": "ZZZZZZWSxiZZZ2yIvs3peJ",
        "team_id": "T0001",
        "api_app_id": "A123456",
        "event": event,
        "type": "event_callback",
        "event_id": format!("Ev{id:010X}"),
        "event_time": 1_700_000_000,
        "authorizations": [{
            "enterprise_id": null, "team_id": "T0001", "user_id": ackbot_slack::sample::BOT_USER_ID,
            "is_bot": true, "is_enterprise_install": false
        }],
        "is_ext_shared_channel": false
    })
}

/// A LINE event with what LINE always sends filled in where missing: a new `webhookEventId`,
/// `deliveryContext`, `timestamp` (`now_ms`), `mode` (`active`) and a one-to-one `source`.
pub fn line_event(mut event: Value, now_ms: i64) -> Value {
    if let Some(fields) = event.as_object_mut() {
        let defaults = [
            (
                "webhookEventId",
                json!(ackbot_line::sample::webhook_event_id()),
            ),
            ("deliveryContext", json!({"isRedelivery": false})),
            ("timestamp", json!(now_ms)),
            ("mode", json!("active")),
            ("source", json!({"type": "user", "userId": LINE_USER_ID})),
        ];
        for (name, value) in defaults {
            fields.entry(name).or_insert(value);
        }
    }
    event
}

/// `body`, as received on `route`, from the Slack workspace `team`: its team ids replaced.
pub(super) fn from_team(route: &str, body: &str, team: &str) -> String {
    let form = |body: &str| -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    };
    let encode = |fields: Vec<(String, String)>| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish()
    };
    match route {
        ackbot_slack::EVENTS_ROUTE => {
            let Ok(mut json) = serde_json::from_str::<Value>(body) else {
                return body.to_string();
            };
            json["team_id"] = json!(team);
            if let Some(authorizations) = json["authorizations"].as_array_mut() {
                for authorization in authorizations {
                    authorization["team_id"] = json!(team);
                }
            }
            json.to_string()
        }
        ackbot_slack::COMMANDS_ROUTE => encode(
            (form(body).into_iter())
                .map(|(k, v)| match k.as_str() {
                    "team_id" => (k, team.to_string()),
                    _ => (k, v),
                })
                .collect(),
        ),
        ackbot_slack::INTERACTIONS_ROUTE => encode(
            (form(body).into_iter())
                .map(
                    |(k, v)| match (k.as_str(), serde_json::from_str::<Value>(&v)) {
                        ("payload", Ok(mut payload)) => {
                            payload["team"]["id"] = json!(team);
                            payload["user"]["team_id"] = json!(team);
                            (k, payload.to_string())
                        }
                        _ => (k, v),
                    },
                )
                .collect(),
        ),
        _ => body.to_string(),
    }
}
