//! Parsing of every webhook event type in LINE's `webhook.yml`, plus `messageEdited` and types
//! LINE may add later.

use ackbot_line::webhook::{
    CallbackRequest, Event, EventContent, EventMode, MessageContent, Source,
};
use serde_json::json;

fn parse(body: &str) -> CallbackRequest {
    CallbackRequest::from_slice(body.as_bytes()).expect("fixture parses")
}

fn only_event(body: &str) -> Event {
    let mut request = parse(body);
    assert_eq!(request.events.len(), 1);
    request.events.remove(0)
}

fn user(id: &str) -> Option<Source> {
    Some(Source::User {
        user_id: Some(id.into()),
    })
}

#[test]
fn verify_request_has_no_events() {
    let request = parse(include_str!("../data/verify.json"));
    assert_eq!(request.destination, "U0f2b1a8c9d3e4f5a6b7c8d9e0f1a2b3c");
    assert!(request.events.is_empty());
}

#[test]
fn text_message_with_emojis_mention_and_quote_token() {
    let event = only_event(include_str!("../data/message_text.json"));
    assert_eq!(event.event_type, "message");
    assert_eq!(event.mode, EventMode::Active);
    assert_eq!(event.webhook_event_id, "01H810YECXQQZ37VAXPF6H9E6T");
    assert!(!event.is_redelivery());
    assert_eq!(event.timestamp, 1692251666727);
    assert_eq!(
        event.reply_token.as_deref(),
        Some("38ef843bde154d9b91c21320ffd17a0f")
    );
    assert_eq!(
        event.source,
        Some(Source::Group {
            group_id: "Ca56f94637c...".into(),
            user_id: Some("U4af4980629...".into()),
        })
    );
    let EventContent::Message(MessageContent::Text(text)) = &event.content else {
        panic!("not a text message: {:?}", event.content);
    };
    assert_eq!(text.id, "468789577898262530");
    assert_eq!(text.text, "@All @example Good Morning!! (love)");
    assert_eq!(text.quote_token.as_deref(), Some("q3Plxr4AgKd..."));
    assert_eq!(text.mark_as_read_token.as_deref(), Some("30yhdy232..."));
    let emojis = text.emojis.as_ref().unwrap();
    assert_eq!((emojis[0].index, emojis[0].length), (29, 6));
    assert_eq!(emojis[0].product_id, "5ac1bfd5040ab15980c9b435");
    assert_eq!(emojis[0].emoji_id, "001");
    let mentionees = &text.mention.as_ref().unwrap().mentionees;
    assert_eq!(mentionees[0].mentionee_type, "all");
    assert_eq!(mentionees[1].mentionee_type, "user");
    assert_eq!(mentionees[1].user_id.as_deref(), Some("U49585cd0d5..."));
    assert_eq!(mentionees[1].is_self, Some(false));
    assert_eq!((mentionees[1].index, mentionees[1].length), (5, 8));
}

#[test]
fn text_message_quoting_another() {
    let event = only_event(include_str!("../data/message_text_quoted.json"));
    let EventContent::Message(MessageContent::Text(text)) = &event.content else {
        panic!("not a text message");
    };
    assert_eq!(
        text.quoted_message_id.as_deref(),
        Some("468789532432007169")
    );
    assert_eq!(text.text, "/echo こんにちは 🎉");
    assert_eq!(event.source, user("U4af4980629..."));
}

#[test]
fn image_message() {
    let event = only_event(include_str!("../data/message_image.json"));
    let EventContent::Message(MessageContent::Image(image)) = &event.content else {
        panic!("not an image");
    };
    assert_eq!(image.id, "354718705033693859");
    assert_eq!(image.content_provider.provider_type, "line");
    let set = image.image_set.as_ref().unwrap();
    assert_eq!((set.index, set.total), (Some(1), Some(2)));
    assert_eq!(image.quote_token.as_deref(), Some("q3Plxr4AgKd..."));
}

#[test]
fn video_message_from_a_room() {
    let event = only_event(include_str!("../data/message_video.json"));
    let EventContent::Message(MessageContent::Video(video)) = &event.content else {
        panic!("not a video");
    };
    assert_eq!(video.duration, Some(60000));
    assert_eq!(video.content_provider.provider_type, "external");
    assert_eq!(
        video.content_provider.original_content_url.as_deref(),
        Some("https://example.com/original.mp4")
    );
    assert_eq!(
        video.content_provider.preview_image_url.as_deref(),
        Some("https://example.com/preview.jpg")
    );
    assert_eq!(
        event.source,
        Some(Source::Room {
            room_id: "Ra8dbf4673c...".into(),
            user_id: Some("U4af4980629...".into()),
        })
    );
}

#[test]
fn audio_message() {
    let event = only_event(include_str!("../data/message_audio.json"));
    let EventContent::Message(MessageContent::Audio(audio)) = &event.content else {
        panic!("not audio");
    };
    assert_eq!(audio.duration, Some(60000));
    assert_eq!(audio.content_provider.provider_type, "line");
}

#[test]
fn file_message() {
    let event = only_event(include_str!("../data/message_file.json"));
    let EventContent::Message(MessageContent::File(file)) = &event.content else {
        panic!("not a file");
    };
    assert_eq!(
        (file.file_name.as_str(), file.file_size),
        ("file.txt", 2138)
    );
}

#[test]
fn location_message() {
    let event = only_event(include_str!("../data/message_location.json"));
    let EventContent::Message(MessageContent::Location(location)) = &event.content else {
        panic!("not a location");
    };
    assert_eq!(location.title.as_deref(), Some("my location"));
    assert_eq!(
        (location.latitude, location.longitude),
        (35.67966, 139.73669)
    );
    assert!(location.address.as_deref().unwrap().contains("Tokyo"));
}

#[test]
fn sticker_message() {
    let event = only_event(include_str!("../data/message_sticker.json"));
    let EventContent::Message(MessageContent::Sticker(sticker)) = &event.content else {
        panic!("not a sticker");
    };
    assert_eq!(sticker.package_id, "11537");
    assert_eq!(sticker.sticker_id, "52002738");
    assert_eq!(sticker.sticker_resource_type, "ANIMATION");
    assert_eq!(sticker.keywords.as_ref().unwrap().len(), 14);
    assert_eq!(
        event.message().map(MessageContent::message_type),
        Some("sticker")
    );
}

#[test]
fn message_edited() {
    let event = only_event(include_str!("../data/message_edited.json"));
    assert_eq!(event.event_type, "messageEdited");
    let EventContent::MessageEdited(MessageContent::Text(text)) = &event.content else {
        panic!("not an edited text message: {:?}", event.content);
    };
    assert_eq!(text.text, "Good Morning!! (edited)");
}

#[test]
fn unsend() {
    let event = only_event(include_str!("../data/unsend.json"));
    let EventContent::Unsend(unsend) = &event.content else {
        panic!("not unsend");
    };
    assert_eq!(unsend.message_id, "325708");
    assert_eq!(event.reply_token, None);
}

#[test]
fn follow() {
    let event = only_event(include_str!("../data/follow.json"));
    let EventContent::Follow(follow) = &event.content else {
        panic!("not follow");
    };
    assert!(!follow.is_unblocked);
    assert_eq!(event.source, user("U3d3edab4f36c6292e6d8a8131f141b8b"));
    assert_eq!(
        event.reply_token.as_deref(),
        Some("85cbe770fa8b4f45bbe077b1d4be4a36")
    );
}

#[test]
fn unfollow_join_leave_deactivated_suspended_resumed_carry_no_content() {
    let cases = [
        (
            include_str!("../data/unfollow.json"),
            "unfollow",
            EventContent::Unfollow,
        ),
        (
            include_str!("../data/join.json"),
            "join",
            EventContent::Join,
        ),
        (
            include_str!("../data/leave.json"),
            "leave",
            EventContent::Leave,
        ),
        (
            include_str!("../data/deactivated.json"),
            "deactivated",
            EventContent::Deactivated,
        ),
        (
            include_str!("../data/bot_suspended.json"),
            "botSuspended",
            EventContent::BotSuspended,
        ),
        (
            include_str!("../data/bot_resumed.json"),
            "botResumed",
            EventContent::BotResumed,
        ),
    ];
    for (body, event_type, content) in cases {
        let event = only_event(body);
        assert_eq!(event.event_type, event_type);
        assert_eq!(event.content, content, "{event_type}");
        assert!(!event.webhook_event_id.is_empty());
    }
}

#[test]
fn join_comes_from_a_group_with_a_reply_token() {
    let event = only_event(include_str!("../data/join.json"));
    assert_eq!(
        event.source,
        Some(Source::Group {
            group_id: "C4af4980629...".into(),
            user_id: None,
        })
    );
    assert!(event.reply_token.is_some());
}

#[test]
fn bot_suspended_has_no_source() {
    assert_eq!(
        only_event(include_str!("../data/bot_suspended.json")).source,
        None
    );
}

#[test]
fn member_joined_and_left() {
    let joined = only_event(include_str!("../data/member_joined.json"));
    let EventContent::MemberJoined(members) = &joined.content else {
        panic!("not memberJoined");
    };
    assert_eq!(members.members.len(), 2);
    assert_eq!(members.members[1], user("U91eeaf62d9...").unwrap());

    let left = only_event(include_str!("../data/member_left.json"));
    let EventContent::MemberLeft(members) = &left.content else {
        panic!("not memberLeft");
    };
    assert_eq!(members.members[0].user_id(), Some("U4af4980629..."));
}

#[test]
fn postback_with_params() {
    let event = only_event(include_str!("../data/postback.json"));
    let EventContent::Postback(postback) = &event.content else {
        panic!("not postback");
    };
    assert_eq!(postback.data, "storeId=12345");
    assert_eq!(
        postback.params.as_ref().unwrap()["datetime"],
        json!("2017-12-25T01:00")
    );

    let event = only_event(include_str!("../data/postback_command.json"));
    let EventContent::Postback(postback) = &event.content else {
        panic!("not postback");
    };
    assert_eq!(postback.data, "/echo hi");
    assert_eq!(
        postback.params.as_ref().unwrap()["status"],
        json!("SUCCESS")
    );
}

#[test]
fn video_play_complete() {
    let event = only_event(include_str!("../data/video_play_complete.json"));
    let EventContent::VideoPlayComplete(video) = &event.content else {
        panic!("not videoPlayComplete");
    };
    assert_eq!(video.tracking_id, "track-id");
}

#[test]
fn beacon() {
    let event = only_event(include_str!("../data/beacon.json"));
    let EventContent::Beacon(beacon) = &event.content else {
        panic!("not beacon");
    };
    assert_eq!(beacon.hwid, "d41d8cd98f");
    assert_eq!(beacon.beacon_type, "enter");
    assert_eq!(beacon.dm.as_deref(), Some("1234567890abcdef"));
}

#[test]
fn account_link() {
    let event = only_event(include_str!("../data/account_link.json"));
    let EventContent::AccountLink(link) = &event.content else {
        panic!("not accountLink");
    };
    assert_eq!(
        (link.result.as_str(), link.nonce.as_str()),
        ("ok", "xxxxxxxxxxxxxxx")
    );
}

#[test]
fn membership() {
    let event = only_event(include_str!("../data/membership.json"));
    let EventContent::Membership(membership) = &event.content else {
        panic!("not membership");
    };
    assert_eq!(membership.membership_type, "joined");
    assert_eq!(membership.membership_id, 3189);
}

#[test]
fn module_attached_and_detached() {
    let request = parse(include_str!("../data/module.json"));
    let [attached, detached] = &request.events[..] else {
        panic!("two module events");
    };
    let EventContent::Module(module) = &attached.content else {
        panic!("not module");
    };
    assert_eq!(module.module_type, "attached");
    assert_eq!(module.bot_id.as_deref(), Some("U111..."));
    assert_eq!(
        module.scopes.as_deref(),
        Some(&["message:send".to_string()][..])
    );
    let EventContent::Module(module) = &detached.content else {
        panic!("not module");
    };
    assert_eq!(module.module_type, "detached");
    assert_eq!(module.reason.as_deref(), Some("bot_deleted"));
}

#[test]
fn activated() {
    let event = only_event(include_str!("../data/activated.json"));
    let EventContent::Activated(control) = &event.content else {
        panic!("not activated");
    };
    assert_eq!(control.expire_at, 1462629479860);
}

#[test]
fn delivery_completion() {
    let event = only_event(include_str!("../data/delivery.json"));
    let EventContent::Delivery(delivery) = &event.content else {
        panic!("not delivery");
    };
    assert_eq!(delivery.data.len(), 64);
}

#[test]
fn standby_and_redelivery() {
    let standby = only_event(include_str!("../data/standby.json"));
    assert_eq!(standby.mode, EventMode::Standby);
    assert_eq!(standby.reply_token, None);
    let redelivered = only_event(include_str!("../data/redelivery.json"));
    assert!(redelivered.is_redelivery());
    assert!(redelivered.delivery_context.is_redelivery);
}

#[test]
fn unknown_event_type_keeps_the_raw_event() {
    let body = include_str!("../data/unknown_event.json");
    let event = only_event(body);
    assert_eq!(event.event_type, "somethingNew");
    let EventContent::Unknown(raw) = &event.content else {
        panic!("not unknown");
    };
    assert_eq!(raw["somethingNew"]["count"], json!(3));
    let whole: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(raw, &whole["events"][0]);
    assert_eq!(event.webhook_event_id, "01JZ74A0TDDPYRVKNK77XKC410");
}

#[test]
fn unknown_message_type_keeps_the_raw_message() {
    let event = only_event(include_str!("../data/unknown_message.json"));
    let EventContent::Message(MessageContent::Unknown(raw)) = &event.content else {
        panic!("not an unknown message: {:?}", event.content);
    };
    assert_eq!(raw["type"], json!("hologram"));
    assert_eq!(raw["depth"], json!(3.5));
    assert_eq!(
        event.message().map(MessageContent::message_type),
        Some("hologram")
    );
}

#[test]
fn odd_shapes_never_panic() {
    let bodies = [
        r#"{"destination":"U1","events":[{}]}"#,
        r#"{"destination":"U1","events":[{"type":42}]}"#,
        r#"{"destination":"U1","events":[{"type":"x","mode":7,"source":"nope"}]}"#,
        r#"{"destination":"U1","events":[{"type":"message","mode":"active","timestamp":1,
            "webhookEventId":"a","deliveryContext":{"isRedelivery":false},
            "source":{"type":"spaceship","crew":3},"message":{"type":"text","id":"1","text":"hi"}}]}"#,
    ];
    for body in bodies {
        let request = parse(body);
        assert_eq!(request.events.len(), 1);
    }
    let spaceship = &parse(bodies[3]).events[0];
    assert!(matches!(spaceship.source, Some(Source::Unknown(_))));
}

#[test]
fn a_known_event_missing_a_required_field_is_an_error_naming_it() {
    let body = r#"{"destination":"U1","events":[{"type":"postback","mode":"active","timestamp":1,
        "webhookEventId":"a","deliveryContext":{"isRedelivery":false}}]}"#;
    let err = CallbackRequest::from_slice(body.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("postback") && err.contains("`postback`"),
        "{err}"
    );
}

/// Every event type that LINE's `webhook.yml` lists, and `messageEdited`, has a fixture that
/// parses into a known (not `Unknown`) variant.
#[test]
fn every_documented_event_type_is_known() {
    let fixtures = [
        include_str!("../data/message_text.json"),
        include_str!("../data/message_edited.json"),
        include_str!("../data/unsend.json"),
        include_str!("../data/follow.json"),
        include_str!("../data/unfollow.json"),
        include_str!("../data/join.json"),
        include_str!("../data/leave.json"),
        include_str!("../data/member_joined.json"),
        include_str!("../data/member_left.json"),
        include_str!("../data/postback.json"),
        include_str!("../data/video_play_complete.json"),
        include_str!("../data/beacon.json"),
        include_str!("../data/account_link.json"),
        include_str!("../data/membership.json"),
        include_str!("../data/module.json"),
        include_str!("../data/activated.json"),
        include_str!("../data/deactivated.json"),
        include_str!("../data/bot_suspended.json"),
        include_str!("../data/bot_resumed.json"),
        include_str!("../data/delivery.json"),
    ];
    let mut seen: Vec<String> = fixtures
        .iter()
        .flat_map(|body| parse(body).events)
        .inspect(|e| {
            assert!(
                !matches!(e.content, EventContent::Unknown(_)),
                "{}",
                e.event_type
            )
        })
        .map(|e| e.event_type)
        .collect();
    seen.dedup();
    let documented = [
        "message",
        "messageEdited",
        "unsend",
        "follow",
        "unfollow",
        "join",
        "leave",
        "memberJoined",
        "memberLeft",
        "postback",
        "videoPlayComplete",
        "beacon",
        "accountLink",
        "membership",
        "module",
        "activated",
        "deactivated",
        "botSuspended",
        "botResumed",
        "delivery",
    ];
    assert_eq!(seen, documented);
}
