//! Webhook events to Inbound work: commands, events, skips, dedupe keys.

use crate::common::{adapter, one_item, one_work, signed};
use ackbot_core::ConversationKind;
use ackbot_core::adapter::{Adapter, Inbound};
use ackbot_line::LINE;
use serde_json::Value;

const API: &str = "http://127.0.0.1:9";

fn skip_reason(item: Inbound) -> String {
    match item {
        Inbound::Skip { reason } => reason,
        Inbound::Work(w) => panic!("expected a skip, got work for {:?}", w.incoming.name()),
        Inbound::Answered { reason, .. } => panic!("expected a skip, got an answer: {reason}"),
    }
}

#[test]
fn verify_request_is_skipped() {
    let reason = skip_reason(one_item(&adapter(API), include_str!("../data/verify.json")));
    assert_eq!(reason, "verify");
}

#[test]
fn text_message_is_a_command() {
    let body = include_str!("../data/message_text_quoted.json");
    let work = one_work(&adapter(API), body);
    let c = &work.incoming;
    assert_eq!(c.platform, LINE);
    assert!(c.as_command().is_some(), "{:?}", c.kind);
    assert_eq!(c.name(), "echo");
    assert_eq!(c.as_command().unwrap().text, "こんにちは 🎉");
    assert_eq!(
        c.as_command().unwrap().input,
        "/echo こんにちは 🎉",
        "the message as typed"
    );
    assert_eq!(c.user.platform, LINE);
    assert_eq!(c.user.id, "U4af4980629...");
    assert_eq!(c.conversation.id, "U4af4980629...");
    assert_eq!(c.conversation.kind, ConversationKind::Direct);
    let whole: Value = serde_json::from_str(body).unwrap();
    assert_eq!(c.payload.value(), whole["events"][0]);
    // The event's JSON exactly as it came, not rebuilt: same spacing, same key order.
    assert!(
        c.payload
            .json()
            .starts_with("{\n      \"type\": \"message\"")
    );
    assert!(body.contains(c.payload.json()));
    assert_eq!(
        work.dedupe_key.as_deref(),
        Some("01H810YECXQQZ37VAXPF6H9E6U")
    );
    assert!(work.delivery.can_show_progress());
}

#[test]
fn text_without_slash_is_a_command_too() {
    let body = include_str!("../data/redelivery.json");
    let work = one_work(&adapter(API), body);
    assert_eq!(
        (
            work.incoming.name(),
            work.incoming.as_command().unwrap().text.as_str()
        ),
        ("echo", "again")
    );
}

#[test]
fn group_and_room_conversations() {
    let body = with_text(include_str!("../data/message_text.json"), "/echo hi", None);
    let work = one_work(&adapter(API), &body);
    assert_eq!(work.incoming.conversation.id, "Ca56f94637c...");
    assert_eq!(work.incoming.conversation.kind, ConversationKind::Group);
    assert_eq!(work.incoming.user.id, "U4af4980629...");
    assert_eq!(
        (
            work.incoming.name(),
            work.incoming.as_command().unwrap().text.as_str()
        ),
        ("echo", "hi")
    );
    assert!(
        !work.delivery.can_show_progress(),
        "no loading animation in groups"
    );

    let work = one_work(&adapter(API), include_str!("../data/message_video.json"));
    assert_eq!(work.incoming.conversation.id, "Ra8dbf4673c...");
    assert_eq!(work.incoming.conversation.kind, ConversationKind::Room);
    assert!(
        !work.delivery.can_show_progress(),
        "no loading animation in rooms"
    );
}

/// The fixture's event with another text and, optionally, another `mention`.
fn with_text(body: &str, text: &str, mention: Option<Value>) -> String {
    let mut value: Value = serde_json::from_str(body).unwrap();
    let message = &mut value["events"][0]["message"];
    message["text"] = Value::from(text);
    if let Some(mention) = mention {
        message["mention"] = mention;
    }
    value.to_string()
}

#[test]
fn group_chatter_is_not_a_command() {
    // "@All @example Good Morning!! (love)": a conversation, not an order to the bot.
    let reason = skip_reason(one_item(
        &adapter(API),
        include_str!("../data/message_text.json"),
    ));
    assert!(reason.starts_with("group chatter"), "{reason}");
}

#[test]
fn group_message_mentioning_the_bot_is_a_command() {
    // "@ackbot 🤖 echo こんにちは": the bot's mention (UTF-16 positions) is cut out.
    let mention = serde_json::json!({"mentionees": [
        {"index": 0, "length": 7, "type": "user", "userId": "Ubot", "isSelf": true}
    ]});
    let body = with_text(
        include_str!("../data/message_text.json"),
        "@ackbot echo こんにちは 🤖",
        Some(mention),
    );
    let work = one_work(&adapter(API), &body);
    assert_eq!(
        (
            work.incoming.name(),
            work.incoming.as_command().unwrap().text.as_str()
        ),
        ("echo", "こんにちは 🤖")
    );
    assert_eq!(
        work.incoming.as_command().unwrap().input,
        "echo こんにちは 🤖",
        "the message without the mention"
    );
    let other = serde_json::json!({"mentionees": [
        {"index": 0, "length": 7, "type": "user", "userId": "Uann", "isSelf": false}
    ]});
    let body = with_text(
        include_str!("../data/message_text.json"),
        "@ann-ko echo hi",
        Some(other),
    );
    assert!(skip_reason(one_item(&adapter(API), &body)).starts_with("group chatter"));
}

#[test]
fn non_text_messages_are_message_events() {
    for body in [
        include_str!("../data/message_image.json"),
        include_str!("../data/message_audio.json"),
        include_str!("../data/message_file.json"),
        include_str!("../data/message_location.json"),
        include_str!("../data/message_sticker.json"),
        include_str!("../data/unknown_message.json"),
    ] {
        let work = one_work(&adapter(API), body);
        assert!(work.incoming.as_event().is_some());
        assert_eq!(work.incoming.name(), "message");
        assert_eq!(work.incoming.payload.value()["type"], "message");
        assert!(work.incoming.payload.value()["message"]["type"].is_string());
    }
}

#[test]
fn postbacks() {
    let work = one_work(&adapter(API), include_str!("../data/postback_command.json"));
    assert!(work.incoming.as_command().is_some());
    assert_eq!(
        (
            work.incoming.name(),
            work.incoming.as_command().unwrap().text.as_str()
        ),
        ("echo", "hi")
    );
    assert_eq!(work.incoming.as_command().unwrap().input, "/echo hi");

    // Any other data is an action, routed by it (`.action("storeId=12345", …)`), or else to
    // `.on("postback", …)`.
    let work = one_work(&adapter(API), include_str!("../data/postback.json"));
    let action = work.incoming.as_interaction().expect("an action");
    assert_eq!(
        (action.id.as_str(), action.payload_type.as_str()),
        ("storeId=12345", "postback")
    );
    assert_eq!(
        work.incoming.payload.value()["postback"]["data"],
        "storeId=12345"
    );
}

#[test]
fn other_events_are_named_by_their_type() {
    let cases = [
        (include_str!("../data/follow.json"), "follow"),
        (include_str!("../data/unfollow.json"), "unfollow"),
        (include_str!("../data/join.json"), "join"),
        (include_str!("../data/leave.json"), "leave"),
        (include_str!("../data/member_joined.json"), "memberJoined"),
        (include_str!("../data/member_left.json"), "memberLeft"),
        (include_str!("../data/unsend.json"), "unsend"),
        (include_str!("../data/message_edited.json"), "messageEdited"),
        (
            include_str!("../data/video_play_complete.json"),
            "videoPlayComplete",
        ),
        (include_str!("../data/beacon.json"), "beacon"),
        (include_str!("../data/account_link.json"), "accountLink"),
        (include_str!("../data/membership.json"), "membership"),
        (include_str!("../data/activated.json"), "activated"),
        (include_str!("../data/deactivated.json"), "deactivated"),
        (include_str!("../data/bot_suspended.json"), "botSuspended"),
        (include_str!("../data/bot_resumed.json"), "botResumed"),
        (include_str!("../data/delivery.json"), "delivery"),
    ];
    for (body, name) in cases {
        let work = one_work(&adapter(API), body);
        assert!(work.incoming.as_event().is_some(), "{name}");
        assert_eq!(work.incoming.name(), name);
        assert_eq!(work.incoming.payload.value()["type"], name);
        assert!(work.dedupe_key.is_some(), "{name}");
    }
}

#[test]
fn module_events_give_one_work_each() {
    let env = signed(include_str!("../data/module.json"));
    let items = adapter(API).parse(&env).unwrap();
    let keys: Vec<_> = items
        .into_iter()
        .map(|item| match item {
            Inbound::Work(w) => (w.incoming.name().to_string(), w.dedupe_key.unwrap()),
            Inbound::Skip { reason } | Inbound::Answered { reason, .. } => panic!("{reason}"),
        })
        .collect();
    assert_eq!(
        keys,
        [
            (
                "module".to_string(),
                "01FZ74A0TDDPYRVKNK77XKC40A".to_string()
            ),
            (
                "module".to_string(),
                "01FZ74A0TDDPYRVKNK77XKC40B".to_string()
            ),
        ]
    );
}

#[test]
fn standby_is_skipped() {
    let reason = skip_reason(one_item(
        &adapter(API),
        include_str!("../data/standby.json"),
    ));
    assert!(reason.contains("standby"), "{reason}");
}

#[test]
fn unknown_event_type_is_skipped_with_its_name() {
    let reason = skip_reason(one_item(
        &adapter(API),
        include_str!("../data/unknown_event.json"),
    ));
    assert!(reason.contains("somethingNew"), "{reason}");
}

#[test]
fn a_malformed_event_is_skipped_and_the_others_still_work() {
    let body = r#"{"destination":"U1","events":[
        {"type":"postback","mode":"active","timestamp":1699999990000,"webhookEventId":"bad",
         "deliveryContext":{"isRedelivery":false},"source":{"type":"user","userId":"U1"}},
        {"type":"message","mode":"active","timestamp":1699999990000,"webhookEventId":"good",
         "deliveryContext":{"isRedelivery":false},"replyToken":"r",
         "source":{"type":"user","userId":"U1"},
         "message":{"type":"text","id":"1","text":"ping","quoteToken":"q"}}]}"#;
    let items = adapter(API).parse(&signed(body)).unwrap();
    assert!(matches!(&items[0], Inbound::Skip { reason } if reason.contains("postback")));
    assert!(matches!(&items[1], Inbound::Work(w) if w.incoming.name() == "ping"));
}

#[test]
fn a_body_that_is_not_a_webhook_is_an_error() {
    for body in ["not json", "{}", r#"{"events":{}}"#] {
        let Err(err) = adapter(API).parse(&signed(body)) else {
            panic!("{body} parsed");
        };
        let err = err.to_string();
        assert!(err.contains("LINE webhook body"), "{err}");
    }
}

#[test]
fn routes_and_platform() {
    let a = adapter(API);
    assert_eq!(a.routes(), ["/line/webhook"]);
    assert_eq!(a.platform(), LINE);
}

#[test]
fn config_errors_name_the_variable() {
    use ackbot_line::{ConfigError, LineAdapter, LineConfig};
    let err = LineAdapter::new(LineConfig::new("", "token"))
        .err()
        .unwrap();
    assert_eq!(err, ConfigError::MissingChannelSecret);
    assert!(err.to_string().contains("LINE_CHANNEL_SECRET"));
    let err = LineAdapter::new(LineConfig::new(" , ", "token"))
        .err()
        .unwrap();
    assert_eq!(err, ConfigError::MissingChannelSecret);
    let err = LineAdapter::new(LineConfig::new("secret", "  "))
        .err()
        .unwrap();
    assert_eq!(err, ConfigError::MissingAccessToken);
    assert!(err.to_string().contains("LINE_CHANNEL_ACCESS_TOKEN"));
    let err = LineAdapter::new(LineConfig::new("secret", "token").with_api_url("api.line.me"))
        .err()
        .unwrap();
    assert!(err.to_string().contains("LINE_API_URL"), "{err}");
}

/// A text event sent `age_ms` before the receipt time, signed.
fn event_sent_before_receipt(age_ms: i64) -> ackbot_core::adapter::Envelope {
    let body = serde_json::json!({"destination": "U1", "events": [{
        "type": "message", "mode": "active", "webhookEventId": format!("01H{age_ms}"),
        "timestamp": ackbot_core::testing::RECEIVED_AT_MS - age_ms,
        "deliveryContext": {"isRedelivery": false}, "replyToken": "r",
        "source": {"type": "user", "userId": "U1"},
        "message": {"type": "text", "id": "1", "text": "echo old", "quoteToken": "q"}}]});
    signed(&body.to_string())
}

#[test]
fn an_event_older_than_the_idempotency_window_is_skipped() {
    // LINE's signature has no timestamp: a signed event three days old, sent again once its
    // idempotency key is forgotten, would be answered again. The event's own timestamp says.
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    let adapter =
        ackbot_line::LineAdapter::new(ackbot_line::LineConfig::new(crate::common::SECRET, "t"))
            .unwrap();
    let old = adapter
        .parse(&event_sent_before_receipt(3 * DAY_MS))
        .unwrap();
    let reason = skip_reason(old.into_iter().next().unwrap());
    assert!(
        reason.contains("stale LINE event: 259200 s old")
            && reason.contains("86400 s the idempotency store remembers"),
        "{reason}"
    );
    // Within the window (a redelivery an hour late, a clock a little ahead): work.
    for age_ms in [DAY_MS - 1000, 60 * 60 * 1000, -5_000] {
        let items = adapter.parse(&event_sent_before_receipt(age_ms)).unwrap();
        assert!(matches!(&items[..], [Inbound::Work(_)]), "{age_ms}");
    }
    // The window is the store's retention: a week-long store accepts the three-day-old event.
    let week =
        ackbot_line::LineConfig::new(crate::common::SECRET, "t").with_max_event_age_ms(7 * DAY_MS);
    let items = ackbot_line::LineAdapter::new(week)
        .unwrap()
        .parse(&event_sent_before_receipt(3 * DAY_MS))
        .unwrap();
    assert!(matches!(&items[..], [Inbound::Work(_)]));
}
