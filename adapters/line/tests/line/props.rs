//! Property tests of LINE's surface: the signature (sign-then-verify round-trips with one or
//! several channel secrets, any one-bit change to body or signature fails, the header name in any
//! case), and no body, header or event makes verifying or parsing panic. Bounded (256 cases each)
//! so CI stays fast; the unbounded search is `make fuzz`.

use ackbot_core::SecretString;
use ackbot_core::adapter::{Adapter, Envelope, Headers, Inbound};
use ackbot_line::webhook::CallbackRequest;
use ackbot_line::{
    LineAdapter, LineConfig, SIGNATURE_HEADER, VerifyError, WEBHOOK_ROUTE, sign, verify,
};
use proptest::prelude::*;
use serde_json::Value;

/// Every webhook fixture: the starting points that mutated events grow from.
const FIXTURES: &[&str] = &[
    include_str!("../data/account_link.json"),
    include_str!("../data/activated.json"),
    include_str!("../data/beacon.json"),
    include_str!("../data/bot_resumed.json"),
    include_str!("../data/bot_suspended.json"),
    include_str!("../data/deactivated.json"),
    include_str!("../data/delivery.json"),
    include_str!("../data/follow.json"),
    include_str!("../data/join.json"),
    include_str!("../data/leave.json"),
    include_str!("../data/member_joined.json"),
    include_str!("../data/member_left.json"),
    include_str!("../data/membership.json"),
    include_str!("../data/message_audio.json"),
    include_str!("../data/message_edited.json"),
    include_str!("../data/message_file.json"),
    include_str!("../data/message_image.json"),
    include_str!("../data/message_location.json"),
    include_str!("../data/message_sticker.json"),
    include_str!("../data/message_text.json"),
    include_str!("../data/message_text_quoted.json"),
    include_str!("../data/message_video.json"),
    include_str!("../data/module.json"),
    include_str!("../data/postback.json"),
    include_str!("../data/postback_command.json"),
    include_str!("../data/redelivery.json"),
    include_str!("../data/standby.json"),
    include_str!("../data/unfollow.json"),
    include_str!("../data/unknown_event.json"),
    include_str!("../data/unknown_message.json"),
    include_str!("../data/unsend.json"),
    include_str!("../data/verify.json"),
    include_str!("../data/video_play_complete.json"),
];

fn adapter() -> LineAdapter {
    LineAdapter::new(LineConfig::new("channel_secret", "access-token")).unwrap()
}

/// A channel secret: anything with a visible character, no comma (the configuration splits
/// rotated secrets on commas) and no white space around it (which the configuration trims).
fn secret() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("a usable channel secret", |s| {
        !s.is_empty() && s.trim() == s && !s.contains(',')
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048)
}

fn signed(signature: &str) -> Headers {
    [(SIGNATURE_HEADER, signature)].into_iter().collect()
}

/// `bytes` with bit `bit` (modulo their length) flipped.
fn flipped(bytes: &[u8], bit: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let bit = bit % (out.len() * 8);
    out[bit / 8] ^= 1 << (bit % 8);
    out
}

/// Words LINE's events are made of, so that mutations reach the parser's branches.
const WORDS: &[&str] = &[
    "type",
    "message",
    "text",
    "image",
    "video",
    "audio",
    "file",
    "location",
    "sticker",
    "postback",
    "data",
    "params",
    "follow",
    "unfollow",
    "join",
    "leave",
    "memberJoined",
    "memberLeft",
    "unsend",
    "messageId",
    "messageEdited",
    "beacon",
    "accountLink",
    "membership",
    "module",
    "activated",
    "deactivated",
    "botSuspended",
    "botResumed",
    "delivery",
    "videoPlayComplete",
    "source",
    "user",
    "group",
    "room",
    "userId",
    "groupId",
    "roomId",
    "replyToken",
    "mode",
    "active",
    "standby",
    "webhookEventId",
    "deliveryContext",
    "isRedelivery",
    "timestamp",
    "quoteToken",
    "emojis",
    "mention",
    "mentionees",
    "/echo hi",
    "echo hi",
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
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer in `value`, the root included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (name, inner) in fields {
                let name = name.replace('~', "~0").replace('/', "~1");
                pointers(inner, format!("{at}/{name}"), out);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                pointers(inner, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// A webhook fixture with a few of its values replaced by arbitrary JSON.
fn mutated_webhook() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(FIXTURES),
        prop::collection::vec((any::<prop::sample::Index>(), json_value()), 1..4),
    )
        .prop_map(|(fixture, changes)| {
            let mut webhook: Value = serde_json::from_str(fixture).unwrap();
            for (at, replacement) in changes {
                let mut all = Vec::new();
                pointers(&webhook, String::new(), &mut all);
                let pointer = &all[at.index(all.len())];
                if let Some(slot) = webhook.pointer_mut(pointer) {
                    *slot = replacement;
                }
            }
            webhook
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify_round_trips(
        secrets in prop::collection::vec(secret(), 1..4),
        signer in any::<prop::sample::Index>(),
        body in body(),
    ) {
        let signature = sign(&SecretString::from(secrets[signer.index(secrets.len())].as_str()), &body);
        let adapter = LineAdapter::new(LineConfig::new(&secrets.join(","), "token")).unwrap();
        let envelope = Envelope::new(WEBHOOK_ROUTE, 0, body.clone()).with_header("X-Line-Signature", signature.clone());
        prop_assert!(adapter.verify(&envelope).is_ok());
        let secrets: Vec<SecretString> = secrets.into_iter().map(SecretString::from).collect();
        prop_assert_eq!(verify(&secrets, &signed(&signature), &body), Ok(()));
    }

    #[test]
    fn one_bit_changed_in_the_body_fails(
        secret in secret(),
        body in prop::collection::vec(any::<u8>(), 1..1024),
        bit in any::<usize>(),
    ) {
        let secrets = [SecretString::from(secret)];
        let signature = sign(&secrets[0], &body);
        prop_assert_eq!(
            verify(&secrets, &signed(&signature), &flipped(&body, bit)),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn one_bit_changed_in_the_signature_fails(secret in secret(), body in body(), bit in any::<usize>()) {
        let secrets = [SecretString::from(secret)];
        let signature = sign(&secrets[0], &body);
        let changed = String::from_utf8_lossy(&flipped(signature.as_bytes(), bit)).into_owned();
        let result = verify(&secrets, &signed(&changed), &body);
        prop_assert!(result.is_err(), "{changed:?} verified for {signature:?}");
    }

    #[test]
    fn the_header_name_is_matched_in_any_case_and_nothing_else(
        body in body(),
        flips in prop::collection::vec(any::<bool>(), SIGNATURE_HEADER.len()),
        look_alike in prop_oneof![
            Just("x-line-signature2"), Just("x_line_signature"), Just("x-line-signatures"),
            Just("line-signature"), Just("x-line-signature "), Just("x-lіne-signature"),
        ],
    ) {
        let secrets = [SecretString::from("channel_secret")];
        let signature = sign(&secrets[0], &body);
        let name: String = SIGNATURE_HEADER
            .chars()
            .zip(flips)
            .map(|(c, up)| if up { c.to_ascii_uppercase() } else { c })
            .collect();
        let headers: Headers = [(name.as_str(), signature.as_str())].into_iter().collect();
        prop_assert_eq!(verify(&secrets, &headers, &body), Ok(()));
        let headers: Headers = [(look_alike, signature.as_str())].into_iter().collect();
        prop_assert_eq!(verify(&secrets, &headers, &body), Err(VerifyError::MissingSignature));
    }

    #[test]
    fn verify_never_panics(
        secrets in prop::collection::vec(any::<String>(), 0..3),
        headers in prop::collection::vec(
            (prop_oneof![Just(SIGNATURE_HEADER.to_string()), any::<String>()],
             prop_oneof!["[A-Za-z0-9+/=]{0,64}", any::<String>()]),
            0..4,
        ),
        body in body(),
    ) {
        let secrets: Vec<SecretString> = secrets.into_iter().map(SecretString::from).collect();
        let headers: Headers = headers.into_iter().collect();
        let _ = verify(&secrets, &headers, &body);
    }

    #[test]
    fn arbitrary_bodies_never_panic(body in body(), received_at_ms in any::<i64>()) {
        let _ = CallbackRequest::from_slice(&body);
        let _ = adapter().parse(&Envelope::new(WEBHOOK_ROUTE, received_at_ms, body));
    }

    #[test]
    fn mutated_events_never_panic_and_each_event_is_accounted_for(
        webhook in mutated_webhook(),
        received_at_ms in any::<i64>(),
    ) {
        let body = webhook.to_string();
        let _ = CallbackRequest::from_slice(body.as_bytes());
        let parsed = adapter().parse(&Envelope::new(WEBHOOK_ROUTE, received_at_ms, body));
        // A body with an `events` array yields one item per event (an unreadable event is
        // skipped, never a failure of the others), or one skip for the Verify request.
        if let (Ok(items), Some(events)) = (&parsed, webhook.get("events").and_then(Value::as_array)) {
            prop_assert_eq!(items.len(), events.len().max(1));
            if events.is_empty() {
                let verify_skip = matches!(&items[..], [Inbound::Skip { .. }]);
                prop_assert!(verify_skip, "the Verify request is one skip");
            }
        }
    }
}
