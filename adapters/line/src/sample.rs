//! Realistic LINE webhook bodies, shaped as LINE sends them, for tests, the demo and
//! `ackbot send` (feature `test-util`). Sign them with [`sign`](crate::sign) before posting.

use ackbot_core::SecretString;
use ackbot_core::adapter::Envelope;
use ackbot_core::runtime::now_ms;
use ackbot_core::testing::{self, unique};
use serde_json::{Value, json};

/// The bot user id the sample bodies are addressed to (`destination`).
const DESTINATION: &str = "U0123456789abcdef0123456789abcdef";

/// An Envelope of `body` for `/line/webhook` as the edge builds it, signed with `secret`, received
/// at `received_at_ms`, with a test request id.
pub fn signed_envelope(body: &str, secret: &str, received_at_ms: i64) -> Envelope {
    let signature = crate::sign(&SecretString::from(secret), body.as_bytes());
    let mut envelope = testing::envelope(crate::WEBHOOK_ROUTE, body)
        .with_header("Content-Type", "application/json; charset=utf-8")
        .with_header(crate::SIGNATURE_HEADER, signature);
    envelope.received_at_ms = received_at_ms;
    envelope
}

/// A webhook body with one text message event from user `user_id` in a one-to-one chat.
pub fn text_message(text: &str, user_id: &str, redelivery: bool) -> String {
    text_message_with_id(text, user_id, redelivery, &webhook_event_id())
}

/// [`text_message`] with a chosen `webhookEventId`, e.g. to send a duplicate.
pub fn text_message_with_id(text: &str, user_id: &str, redelivery: bool, event_id: &str) -> String {
    let reply_token = format!("{:032x}", ((now_ms() as u128) << 20) | u128::from(unique()));
    webhook(json!([text_event(
        text,
        user_id,
        &reply_token,
        event_id,
        redelivery,
        "active"
    )]))
}

/// One text message event from `user_id` in `mode` (`active`, or `standby`: no `replyToken`).
pub fn text_event(
    text: &str,
    user_id: &str,
    reply_token: &str,
    event_id: &str,
    redelivery: bool,
    mode: &str,
) -> Value {
    let id = unique();
    let mut event = json!({
        "type": "message",
        "message": {
            "type": "text",
            "id": format!("{}", 468_789_577_898_262_530u64 + id),
            "quoteToken": format!("q3Plxr4AgKd{id:x}"),
            "markAsReadToken": format!("30yhdy232Rm{id:x}"),
            "text": text
        },
        "webhookEventId": event_id,
        "deliveryContext": { "isRedelivery": redelivery },
        "timestamp": now_ms(),
        "source": { "type": "user", "userId": user_id },
        "replyToken": reply_token,
        "mode": mode
    });
    if mode == "standby" {
        event.as_object_mut().map(|e| e.remove("replyToken"));
    }
    event
}

/// A webhook body carrying `events` (a JSON array) as given.
pub fn webhook(events: Value) -> String {
    json!({ "destination": DESTINATION, "events": events }).to_string()
}

/// A new `webhookEventId`: a ULID, as LINE's are.
pub fn webhook_event_id() -> String {
    ulid::Ulid::new().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::{CallbackRequest, EventContent, EventMode, MessageContent, Source};

    #[test]
    fn event_ids_look_like_ulids_and_differ() {
        let (a, b) = (webhook_event_id(), webhook_event_id());
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
        assert!(ulid::Ulid::from_string(&a).is_ok(), "{a}");
    }

    #[test]
    fn a_text_message_parses_into_one_text_message_event() {
        let body = text_message("echo こんにちは", "U4af4980629", true);
        let request = CallbackRequest::from_slice(body.as_bytes()).expect("parses");
        assert_eq!(request.destination, DESTINATION);
        let [event] = &request.events[..] else {
            panic!("one event: {body}");
        };
        let EventContent::Message(MessageContent::Text(message)) = &event.content else {
            panic!("not a text message: {:?}", event.content);
        };
        assert_eq!(message.text, "echo こんにちは");
        assert_eq!(
            event.source,
            Some(Source::User {
                user_id: Some("U4af4980629".into())
            })
        );
        assert_eq!(event.mode, EventMode::Active);
        assert!(event.is_redelivery());
        assert_eq!(event.reply_token.as_ref().map(String::len), Some(32));
        assert!(ulid::Ulid::from_string(&event.webhook_event_id).is_ok());
    }

    #[test]
    fn message_ids_and_reply_tokens_differ_per_call() {
        let event = |body: String| {
            let mut request = CallbackRequest::from_slice(body.as_bytes()).unwrap();
            request.events.remove(0)
        };
        let a = event(text_message_with_id(
            "ping",
            "U1",
            false,
            "01H810YECXQQZ37VAXPF6H9E6U",
        ));
        let b = event(text_message_with_id(
            "ping",
            "U1",
            false,
            "01H810YECXQQZ37VAXPF6H9E6U",
        ));
        assert_eq!(a.webhook_event_id, b.webhook_event_id);
        assert_ne!(a.reply_token, b.reply_token);
        assert_ne!(a.message().map(|m| m.id()), b.message().map(|m| m.id()));
    }

    #[test]
    fn standby_events_have_no_reply_token() {
        let event = text_event(
            "ping",
            "U1",
            "r",
            "01H810YECXQQZ37VAXPF6H9E6W",
            false,
            "standby",
        );
        assert!(event.get("replyToken").is_none());
        assert_eq!(event["mode"], "standby");
        let active = text_event(
            "ping",
            "U1",
            "r",
            "01H810YECXQQZ37VAXPF6H9E6W",
            false,
            "active",
        );
        assert_eq!(active["replyToken"], "r");
    }
}
