//! Realistic webhook bodies, as Slack and LINE send them, for `ackbot send`, the demo and tests.

use std::sync::atomic::{AtomicU64, Ordering};

use bot_core::now_ms;

/// A slash command's form body exactly as Slack encodes it (`+` for spaces, `%XX` for the rest).
/// `typed` is what the user typed, e.g. `/echo hi`.
pub fn slack_command_form(typed: &str, response_url: &str) -> String {
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

/// A LINE webhook body with one text message event from user `user_id` in a one-to-one chat.
pub fn line_text_message(text: &str, user_id: &str, redelivery: bool) -> String {
    line_text_message_with_id(text, user_id, redelivery, &webhook_event_id())
}

/// The same, with a chosen `webhookEventId` (to send a duplicate).
pub fn line_text_message_with_id(
    text: &str,
    user_id: &str,
    redelivery: bool,
    event_id: &str,
) -> String {
    let reply_token = format!("{:032x}", (now_ms() as u128) << 20 | u128::from(unique()));
    line_webhook(serde_json::json!([line_text_event(
        text,
        user_id,
        &reply_token,
        event_id,
        redelivery,
        "active"
    )]))
}

/// One LINE text message event from user `user_id` in a one-to-one chat, in `mode`
/// (`active` or `standby`; standby events carry no reply token).
pub fn line_text_event(
    text: &str,
    user_id: &str,
    reply_token: &str,
    event_id: &str,
    redelivery: bool,
    mode: &str,
) -> serde_json::Value {
    let id = unique();
    let mut event = serde_json::json!({
        "type": "message",
        "message": {
            "type": "text",
            "id": format!("{}", 468_789_577_898_262_530u64 + id),
            "quoteToken": format!("q3Plxr4AgKd{id:x}"),
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

/// A LINE webhook body with `events` as given.
pub fn line_webhook(events: serde_json::Value) -> String {
    serde_json::json!({ "destination": "U0123456789abcdef0123456789abcdef", "events": events })
        .to_string()
}

/// A new ULID-shaped `webhookEventId`: 48 bits of time and 80 bits that differ per call.
pub fn webhook_event_id() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let time = now_ms() as u128 & ((1 << 48) - 1);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u128)
        .unwrap_or_default();
    let random = (u128::from(unique()) << 32 | nanos) & ((1 << 80) - 1);
    let value = time << 80 | random;
    (0..26)
        .rev()
        .map(|i| ALPHABET[((value >> (i * 5)) & 31) as usize] as char)
        .collect()
}

fn unique() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slash_command_encodes_like_slack() {
        let body = slack_command_form("/echo こんにちは a+b 100%", "https://hooks.example/x");
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
    fn event_ids_look_like_ulids_and_differ() {
        let (a, b) = (webhook_event_id(), webhook_event_id());
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
    }
}
