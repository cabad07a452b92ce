//! LINE's message objects, typed: LINE's published examples read into their types and write
//! back unchanged, what ackbot does not know is kept, the builders write what LINE documents,
//! and a request past LINE's limits is refused before it is sent, naming the message.

use ackbot_line::messages::{
    Action, Bubble, FlexComponent, FlexContainer, Message, QuickReply, check,
};
use serde_json::{Value, json};

fn documented() -> Value {
    serde_json::from_str(include_str!("../data/messages.json")).unwrap()
}

#[test]
fn lines_examples_read_into_their_types_and_write_back_unchanged() {
    let examples = documented();
    for example in examples["messages"].as_array().unwrap() {
        let message: Message = serde_json::from_value(example.clone()).unwrap();
        assert!(!matches!(message, Message::Unknown(_)), "{example}");
        assert_eq!(serde_json::to_value(&message).unwrap(), *example);
    }
    for example in examples["actions"].as_array().unwrap() {
        let action: Action = serde_json::from_value(example.clone()).unwrap();
        assert!(!matches!(action, Action::Unknown(_)), "{example}");
        assert_eq!(serde_json::to_value(&action).unwrap(), *example);
    }
    // The Flex one reads down to its components.
    let message: Message = serde_json::from_value(examples["messages"][3].clone()).unwrap();
    let Message::Flex(flex) = message else {
        panic!()
    };
    let FlexContainer::Bubble(bubble) = flex.contents else {
        panic!()
    };
    let Some(FlexComponent::Box(body)) = bubble.body else {
        panic!()
    };
    assert!(matches!(body.contents[0], FlexComponent::Text(_)));
    assert!(matches!(body.contents[1], FlexComponent::Separator(_)));
    // An `icon` is not typed: kept as sent, inside a typed box.
    let FlexComponent::Box(row) = &body.contents[2] else {
        panic!()
    };
    assert!(matches!(&row.contents[0], FlexComponent::Unknown(v) if v["type"] == "icon"));
}

#[test]
fn what_ackbot_does_not_know_is_kept() {
    let examples = documented();
    let sent = examples["messages"][1].clone();
    let message: Message = serde_json::from_value(sent.clone()).unwrap();
    let items = &message.quick_reply_of().unwrap().items;
    assert!(matches!(&items[2].action, Action::Unknown(v) if v["type"] == "location"));
    assert_eq!(serde_json::to_value(&message).unwrap(), sent);
    let sticker = json!({"type": "sticker", "packageId": "446", "stickerId": "1988"});
    let message: Message = serde_json::from_value(sticker.clone()).unwrap();
    assert!(matches!(message, Message::Unknown(_)));
    assert_eq!(serde_json::to_value(&message).unwrap(), sticker);
}

#[test]
fn the_builders_write_what_line_documents() {
    let hello: Message = Message::flex(
        "This is a Flex Message",
        Bubble::new(FlexComponent::horizontal([
            FlexComponent::text("Hello,"),
            FlexComponent::text("World!"),
        ])),
    )
    .into();
    assert_eq!(
        serde_json::to_value(&hello).unwrap(),
        documented()["messages"][2]
    );
    let ask: Message = Message::text("Lunch?")
        .quick_reply(QuickReply::new([
            Action::postback("Pizza", "lunch=pizza"),
            Action::message("Later", "later"),
        ]))
        .into();
    assert_eq!(
        serde_json::to_value(&ask).unwrap(),
        json!({"type": "text", "text": "Lunch?", "quickReply": {"items": [
            {"type": "action", "action": {"type": "postback", "label": "Pizza", "data": "lunch=pizza", "displayText": "Pizza"}},
            {"type": "action", "action": {"type": "message", "label": "Later", "text": "later"}}]}})
    );
    assert_eq!(check(&[ask, hello]), Ok(()));
}

#[test]
fn a_request_past_lines_limits_is_named_before_the_call() {
    let six: Vec<Message> = (0..6)
        .map(|n| Message::text(format!("{n}")).into())
        .collect();
    assert_eq!(
        check(&six).unwrap_err().to_string(),
        "the request: 6 messages, LINE allows 5"
    );
    let fourteen = QuickReply::new((0..14).map(|n| Action::message(format!("{n}"), "x")));
    let message: Message = Message::text("pick").quick_reply(fourteen).into();
    assert_eq!(
        check(&[message]).unwrap_err().to_string(),
        "message 1 (text): 14 quick reply buttons, LINE allows 13"
    );
    let long_label: Message = Message::text("pick")
        .quick_reply(QuickReply::new([Action::postback("x".repeat(21), "d")]))
        .into();
    assert!(
        check(&[long_label])
            .unwrap_err()
            .what
            .contains("label is 21 characters, LINE allows 20")
    );
    let data: Message = Message::text("pick")
        .quick_reply(QuickReply::new([Action::postback("x", "d".repeat(301))]))
        .into();
    assert!(
        check(&[data])
            .unwrap_err()
            .what
            .contains("data is 301 characters")
    );
    let big = "w".repeat(31 * 1024);
    let flex: Message = Message::flex("big", Bubble::new(FlexComponent::text(big))).into();
    let error = check(&[Message::text("ok").into(), flex]).unwrap_err();
    assert_eq!(error.place, "message 2 (flex)");
    assert!(error.what.contains("LINE allows 30720"), "{error}");
    let no_alt: Message = Message::flex(" ", Bubble::new(FlexComponent::text("x"))).into();
    assert!(
        check(&[no_alt])
            .unwrap_err()
            .what
            .contains("altText is empty")
    );
}
