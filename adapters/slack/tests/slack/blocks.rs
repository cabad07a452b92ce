//! Block Kit, typed: Slack's published examples read into their types with nothing left over and
//! write back unchanged; what ackbot does not know is kept; the builders write what Slack
//! documents; the limits are checked before a call, naming the block.

use ackbot_slack::blocks::limits::{check_message, check_request, check_view};
use ackbot_slack::blocks::{
    Block, Button, ConfirmDialog, Element, Modal, PlainTextInput, StaticSelect, View, to_value,
};
use serde_json::{Value, json};

fn documented() -> Value {
    serde_json::from_str(include_str!("testdata/block_kit.json")).unwrap()
}

#[test]
fn slacks_examples_read_into_their_types_and_write_back_unchanged() {
    let examples = documented();
    let blocks = examples["blocks"].as_array().unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for example in blocks {
        let block: Block = serde_json::from_value(example.clone()).unwrap();
        assert!(!matches!(block, Block::Unknown(_)), "{example}");
        assert_eq!(block.unknowns(), Vec::<String>::new(), "{example}");
        assert_eq!(serde_json::to_value(&block).unwrap(), *example);
        kinds.insert(block.type_name().to_string());
        collect_elements(example, &mut kinds);
    }
    for example in examples["views"].as_array().unwrap() {
        let view: View = serde_json::from_value(example.clone()).unwrap();
        assert_eq!(view.unknowns(), Vec::<String>::new(), "{example}");
        assert_eq!(serde_json::to_value(&view).unwrap(), *example);
        kinds.insert(view.type_name().to_string());
    }
    // Every block, element and view type ackbot models is in Slack's examples above.
    let modelled = [
        "section",
        "context",
        "divider",
        "header",
        "image",
        "actions",
        "input",
        "rich_text",
        "button",
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "overflow",
        "datepicker",
        "plain_text_input",
        "rich_text_input",
        "checkboxes",
        "radio_buttons",
        "modal",
        "home",
    ];
    for kind in modelled {
        assert!(kinds.contains(kind), "no documented example of {kind}");
    }
}

fn collect_elements(value: &Value, kinds: &mut std::collections::BTreeSet<String>) {
    for key in ["elements", "element", "accessory"] {
        let found = match &value[key] {
            Value::Array(items) => items.clone(),
            Value::Object(_) => vec![value[key].clone()],
            _ => Vec::new(),
        };
        for item in found {
            if let Some(kind) = item["type"].as_str() {
                kinds.insert(kind.to_string());
            }
        }
    }
}

#[test]
fn a_type_or_field_ackbot_does_not_know_is_kept_through_a_round_trip() {
    let sent = json!([
        {"type": "table", "rows": [[{"type": "raw_text", "text": "a"}]]},
        {"type": "actions", "elements": [
            {"type": "multi_static_select", "action_id": "m", "options": []},
            {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": "go",
             "new_thing": {"x": 1}}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}, "expand_all": true}
    ]);
    let blocks: Vec<Block> = serde_json::from_value(sent.clone()).unwrap();
    assert!(matches!(blocks[0], Block::Unknown(_)));
    let Block::Actions(actions) = &blocks[1] else {
        panic!("{:?}", blocks[1]);
    };
    assert!(matches!(actions.elements[0], Element::Unknown(_)));
    assert_eq!(actions.elements[0].action_id(), Some("m"));
    assert_eq!(to_value(&blocks), sent);
    assert_eq!(
        blocks[1].unknowns(),
        [
            "actions.elements[0](multi_static_select): a \"multi_static_select\"",
            "actions.elements[1](button).new_thing: an unknown field"
        ]
    );
    assert_eq!(
        blocks[2].unknowns(),
        ["section.expand_all: an unknown field"]
    );
    // A known type that cannot be read as documented is kept too, never a parse failure.
    let odd: Block = serde_json::from_value(json!({"type": "header", "text": 42})).unwrap();
    assert!(matches!(odd, Block::Unknown(_)));
}

#[test]
fn the_builders_write_what_slack_documents() {
    let blocks: Vec<Block> = vec![
        Block::header("Lunch").into(),
        Block::section("*Where?*")
            .block_id("where")
            .accessory(StaticSelect::new(
                "place",
                "Pick one",
                [("Pizza", "pizza"), ("Sushi", "sushi")],
            ))
            .into(),
        Block::divider(),
        Block::actions([
            Button::new("Go", "go").value("1").primary(),
            Button::new("Stop", "stop")
                .danger()
                .confirm(ConfirmDialog::new(
                    "Sure?",
                    "It cannot be undone.",
                    "Stop",
                    "Keep going",
                )),
        ])
        .into(),
        Block::context(["posted by *ackbot*"]).into(),
    ];
    assert_eq!(
        to_value(&blocks),
        json!([
            {"type": "header", "text": {"type": "plain_text", "text": "Lunch"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Where?*"}, "block_id": "where",
             "accessory": {"type": "static_select", "action_id": "place",
               "placeholder": {"type": "plain_text", "text": "Pick one"},
               "options": [{"text": {"type": "plain_text", "text": "Pizza"}, "value": "pizza"},
                           {"text": {"type": "plain_text", "text": "Sushi"}, "value": "sushi"}]}},
            {"type": "divider"},
            {"type": "actions", "elements": [
              {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": "go", "value": "1", "style": "primary"},
              {"type": "button", "text": {"type": "plain_text", "text": "Stop"}, "action_id": "stop", "style": "danger",
               "confirm": {"title": {"type": "plain_text", "text": "Sure?"}, "text": {"type": "plain_text", "text": "It cannot be undone."},
                 "confirm": {"type": "plain_text", "text": "Stop"}, "deny": {"type": "plain_text", "text": "Keep going"}}}]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "posted by *ackbot*"}]}
        ])
    );
    assert_eq!(check_message(&blocks), Ok(()));
    // One `type` per object, also as text on the wire.
    let wire = serde_json::to_string(&blocks).unwrap();
    assert_eq!(
        wire.matches("\"type\":\"plain_text\"").count(),
        10,
        "{wire}"
    );
    let modal = View::Modal(
        Modal::new(
            "ticket",
            "New ticket",
            [Block::input(
                "title",
                "Title",
                PlainTextInput::new("text").placeholder("What happened?"),
            )],
        )
        .submit("File"),
    );
    assert_eq!(check_view(&modal), Ok(()));
    let json = serde_json::to_value(&modal).unwrap();
    assert_eq!(json["blocks"][0]["element"]["action_id"], "text");
    assert_eq!(json["callback_id"], "ticket");
}

#[test]
fn a_block_past_slacks_limits_is_named_before_the_call() {
    let many: Vec<Block> = (0..51).map(|_| Block::divider()).collect();
    assert_eq!(
        check_message(&many).unwrap_err().to_string(),
        "the message: 51 blocks, Slack allows 50"
    );
    let long = "x".repeat(76);
    let blocks: Vec<Block> = vec![
        Block::divider(),
        Block::actions([Button::new(long.as_str(), "go")])
            .block_id("buttons")
            .into(),
    ];
    assert_eq!(
        check_message(&blocks).unwrap_err().to_string(),
        "block 2 (actions \"buttons\"): button text is 76 characters, Slack allows 75"
    );
    let twice: Vec<Block> =
        vec![Block::actions([Button::new("a", "same"), Button::new("b", "same")]).into()];
    assert!(
        check_message(&twice)
            .unwrap_err()
            .what
            .contains("\"same\" is used twice")
    );
    let id = "i".repeat(256);
    let blocks: Vec<Block> = vec![Block::actions([Button::new("a", id.as_str())]).into()];
    assert!(
        check_message(&blocks)
            .unwrap_err()
            .what
            .contains("action_id is 256 characters, Slack allows 255")
    );
    let header: Vec<Block> = vec![Block::header("h".repeat(151)).into()];
    assert!(check_message(&header).is_err());
    let empty: Vec<Block> = vec![Block::Section(Default::default())];
    assert!(
        check_message(&empty)
            .unwrap_err()
            .what
            .contains("needs text or fields")
    );
    // A modal: 100 blocks, a title of 24 characters, a submit button with inputs.
    let big = View::Modal(Modal::new("m", "Title", (0..101).map(|_| Block::divider())));
    assert_eq!(
        check_view(&big).unwrap_err().to_string(),
        "the modal: 101 blocks, Slack allows 100"
    );
    let titled = View::Modal(Modal::new("m", "t".repeat(25), [Block::divider()]));
    assert!(
        check_view(&titled)
            .unwrap_err()
            .what
            .contains("title is 25 characters, Slack allows 24")
    );
    let no_submit = View::Modal(Modal::new(
        "m",
        "T",
        [Block::input("b", "L", PlainTextInput::new("a"))],
    ));
    assert!(
        check_view(&no_submit)
            .unwrap_err()
            .what
            .contains("no submit button")
    );
    // What the client checks: a message's blocks, a view, and blocks that are not Block Kit.
    let body = json!({"channel": "C1", "blocks": to_value(&many)});
    assert!(check_request("chat.postMessage", &body).is_err());
    assert!(
        check_request(
            "views.open",
            &json!({"view": serde_json::to_value(&big).unwrap()})
        )
        .is_err()
    );
    assert!(check_request("chat.postMessage", &json!({"blocks": {"not": "a list"}})).is_err());
    assert!(check_request("chat.postMessage", &json!({"text": "no blocks"})).is_ok());
}
