//! Property tests of Slack's surface: the signature (sign-then-verify round-trips, any one-bit
//! change fails), slash command forms (the typed text comes back exactly, `ssl_check=1` smuggles
//! nothing), and no body, header or JSON value makes parsing or verifying panic. Bounded (256
//! cases each) so CI stays fast; the unbounded search is `make fuzz`.

use ackbot_core::SecretString;
use ackbot_core::adapter::{Adapter, Envelope, Headers, Inbound};
use ackbot_slack::payload::{EventsRequest, SlashCommand};
use ackbot_slack::{
    COMMANDS_ROUTE, EVENTS_ROUTE, INTERACTIONS_ROUTE, MAX_SKEW_SECS, SIGNATURE_HEADER,
    SlackAdapter, SlackConfig, TIMESTAMP_HEADER, VerifyError, sign, verify,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

fn adapter() -> SlackAdapter {
    SlackAdapter::new(SlackConfig::new(SECRET).with_bot_token("xoxb-props")).unwrap()
}

/// A signing secret as a Slack app has one: anything with a visible character.
fn secret() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("a blank secret is refused", |s| !s.trim().is_empty())
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048)
}

fn signed_headers(timestamp: &str, signature: &str) -> Headers {
    [(TIMESTAMP_HEADER, timestamp), (SIGNATURE_HEADER, signature)]
        .into_iter()
        .collect()
}

/// `bytes` with bit `bit` (modulo their length) flipped, as a header value the edge would build.
fn flipped(bytes: &[u8], bit: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let bit = bit % (out.len() * 8);
    out[bit / 8] ^= 1 << (bit % 8);
    out
}

/// Words Slack's payloads are made of, so that generated JSON reaches the parsers' branches.
const WORDS: &[&str] = &[
    "type",
    "event",
    "event_id",
    "event_time",
    "event_callback",
    "url_verification",
    "challenge",
    "app_mention",
    "message",
    "reaction_added",
    "app_home_opened",
    "member_joined_channel",
    "subtype",
    "bot_message",
    "message_changed",
    "user",
    "users",
    "channel",
    "channel_type",
    "im",
    "text",
    "ts",
    "thread_ts",
    "event_ts",
    "bot_id",
    "item",
    "id",
    "name",
    "username",
    "team",
    "team_id",
    "api_app_id",
    "authorizations",
    "block_actions",
    "view_submission",
    "view_closed",
    "block_suggestion",
    "shortcut",
    "message_action",
    "actions",
    "action_id",
    "block_id",
    "callback_id",
    "value",
    "view",
    "state",
    "values",
    "private_metadata",
    "response_url",
    "response_urls",
    "trigger_id",
    "container",
    "is_ephemeral",
    "previous_message",
    "hash",
    "selected_option",
    "selected_options",
    "U0LAN0Z89",
    "C2147483705",
    "D024BE91L",
    "",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// A JSON object shaped like a Slack body: a known `type`, often an `event` with a known type,
/// among arbitrary fields.
fn slack_json() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec((word(), json_value()), 0..8),
        word(),
        prop::option::of((word(), prop::collection::vec((word(), json_value()), 0..8))),
    )
        .prop_map(|(fields, kind, event)| {
            let mut object: Map<String, Value> = fields.into_iter().collect();
            object.insert("type".into(), Value::String(kind));
            if let Some((event_type, event_fields)) = event {
                let mut event: Map<String, Value> = event_fields.into_iter().collect();
                event.insert("type".into(), Value::String(event_type));
                object.insert("event".into(), Value::Object(event));
            }
            Value::Object(object)
        })
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        form.append_pair(name, value);
    }
    form.finish()
}

/// The work items of a slash command body, parsed by the adapter.
fn commands(body: &str) -> Vec<ackbot_core::Incoming> {
    let envelope = Envelope::new(COMMANDS_ROUTE, 0, body);
    adapter()
        .parse(&envelope)
        .unwrap()
        .into_iter()
        .filter_map(|item| match item {
            Inbound::Work(work) => Some(work.incoming),
            _ => None,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify_round_trips(
        secret in secret(),
        timestamp in (i64::MIN + 301)..(i64::MAX - 301),
        skew in -(MAX_SKEW_SECS as i64)..=(MAX_SKEW_SECS as i64),
        body in body(),
    ) {
        let secret = SecretString::from(secret);
        let headers = signed_headers(&timestamp.to_string(), &sign(&secret, timestamp, &body));
        prop_assert_eq!(verify(&secret, &headers, &body, timestamp + skew), Ok(()));
    }

    #[test]
    fn one_bit_changed_in_the_body_fails(
        secret in secret(),
        timestamp in 0i64..4_000_000_000,
        body in prop::collection::vec(any::<u8>(), 1..1024),
        bit in any::<usize>(),
    ) {
        let secret = SecretString::from(secret);
        let headers = signed_headers(&timestamp.to_string(), &sign(&secret, timestamp, &body));
        prop_assert_eq!(
            verify(&secret, &headers, &flipped(&body, bit), timestamp),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn one_bit_changed_in_the_timestamp_fails(
        secret in secret(),
        timestamp in 0i64..4_000_000_000,
        body in body(),
        bit in any::<usize>(),
    ) {
        let secret = SecretString::from(secret);
        let text = timestamp.to_string();
        let changed = String::from_utf8_lossy(&flipped(text.as_bytes(), bit)).into_owned();
        let headers = signed_headers(&changed, &sign(&secret, timestamp, &body));
        prop_assert!(verify(&secret, &headers, &body, timestamp).is_err(), "{changed:?} verified");
    }

    #[test]
    fn one_bit_changed_in_the_signature_fails(
        secret in secret(),
        timestamp in 0i64..4_000_000_000,
        body in body(),
        bit in any::<usize>(),
    ) {
        let secret = SecretString::from(secret);
        let signature = sign(&secret, timestamp, &body);
        let changed = String::from_utf8_lossy(&flipped(signature.as_bytes(), bit)).into_owned();
        let result = verify(&secret, &signed_headers(&timestamp.to_string(), &changed), &body, timestamp);
        // Hex decoding takes either case, so `a`→`A` names the same MAC and verifies: that one
        // bit is no forgery (the replay key is another matter: see tests/security.rs).
        let same_mac_other_case = changed != signature
            && changed.eq_ignore_ascii_case(&signature)
            && changed.starts_with("v0=");
        prop_assert!(result.is_err() || same_mac_other_case, "{changed:?} verified");
    }

    #[test]
    fn stale_and_future_timestamps_fail(
        secret in secret(),
        timestamp in 0i64..4_000_000_000,
        beyond in 1i64..1_000_000,
        future in any::<bool>(),
        body in body(),
    ) {
        let secret = SecretString::from(secret);
        let headers = signed_headers(&timestamp.to_string(), &sign(&secret, timestamp, &body));
        let skew = MAX_SKEW_SECS as i64 + beyond;
        let now = if future { timestamp - skew } else { timestamp + skew };
        let result = verify(&secret, &headers, &body, now);
        prop_assert!(matches!(result, Err(VerifyError::Stale { .. })), "{result:?}");
    }

    #[test]
    fn verify_never_panics(
        secret in any::<String>(),
        headers in prop::collection::vec(
            (prop_oneof![
                Just(SIGNATURE_HEADER.to_string()),
                Just(TIMESTAMP_HEADER.to_ascii_uppercase()),
                Just(TIMESTAMP_HEADER.to_string()),
                any::<String>(),
            ], prop_oneof![
                "v0=[0-9a-fA-F]{0,70}",
                "-?[0-9]{0,20}",
                any::<String>(),
            ]),
            0..6,
        ),
        body in body(),
        now in any::<i64>(),
    ) {
        let headers: Headers = headers.into_iter().collect();
        let _ = verify(&SecretString::from(secret), &headers, &body, now);
    }

    #[test]
    fn the_typed_text_comes_back_exactly(text in any::<String>(), command in "/[a-z][a-z0-9_-]{0,20}") {
        let body = form(&[("command", &command), ("text", &text), ("channel_id", "C1")]);
        let parsed = SlashCommand::from_fields(&SlashCommand::form_fields(body.as_bytes()));
        prop_assert_eq!(parsed.text.as_deref(), Some(text.as_str()));
        prop_assert_eq!(parsed.command.as_deref(), Some(command.as_str()));
        let commands = commands(&body);
        prop_assert_eq!(commands.len(), 1);
        prop_assert_eq!(&commands[0].as_command().unwrap().text, &text);
        prop_assert_eq!(commands[0].name(), &command[1..]);
        prop_assert_eq!(&commands[0].payload.value()["text"], &Value::String(text.clone()));
    }

    #[test]
    fn ssl_check_smuggles_no_command(
        text in any::<String>(),
        others in prop::collection::vec((word(), any::<String>()), 0..6),
        at in any::<prop::sample::Index>(),
        check in prop_oneof![Just("1".to_string()), "[01]{0,2}", any::<String>()],
    ) {
        let mut pairs: Vec<(String, String)> = others
            .into_iter()
            .filter(|(name, _)| name != "ssl_check" && name != "command")
            .collect();
        pairs.push(("command".into(), "/echo".into()));
        pairs.push(("text".into(), text));
        pairs.insert(at.index(pairs.len() + 1), ("ssl_check".into(), check.clone()));
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let work = commands(&form(&pairs));
        // Exactly `ssl_check=1` is the health check, and it carries no command; any other value
        // leaves an ordinary command.
        prop_assert_eq!(work.len(), usize::from(check != "1"));
    }

    #[test]
    fn arbitrary_form_bodies_never_panic(body in body()) {
        let fields = SlashCommand::form_fields(&body);
        let _ = SlashCommand::from_fields(&fields);
        for route in [COMMANDS_ROUTE, EVENTS_ROUTE, INTERACTIONS_ROUTE, "/elsewhere"] {
            let _ = adapter().parse(&Envelope::new(route, 0, body.clone()));
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in slack_json(), other in json_value()) {
        for value in [&value, &other] {
            let _ = EventsRequest::from_value(value);
            let json = value.to_string();
            let _ = adapter().parse(&Envelope::new(EVENTS_ROUTE, 0, json.clone()));
            let payload = form(&[("payload", &json)]);
            let _ = adapter().parse(&Envelope::new(INTERACTIONS_ROUTE, 0, payload));
            let fields = match value {
                Value::Object(fields) => fields.clone(),
                _ => Map::new(),
            };
            let _ = SlashCommand::from_fields(&fields);
        }
    }
}
