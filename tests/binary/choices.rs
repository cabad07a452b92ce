//! Buttons that work on both platforms: a reply's choices are Slack buttons and LINE quick
//! replies, and a click on either reaches the same `.action(…)` handler with the `Choice`.

use ackbot::prelude::*;
use ackbot::testing::TestBot;

async fn builtins() -> TestBot {
    TestBot::new(Bot::new().mount(ackbot::handlers::builtins()))
        .await
        .unwrap()
}

#[tokio::test]
async fn choose_offers_buttons_on_slack_and_a_click_is_told_to_the_channel() {
    let bot = builtins().await;
    let asked = bot.slack_command("/choose pizza sushi").await;
    let call = &asked.calls[0];
    let actions = call.body["blocks"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(actions["type"], "actions");
    let buttons = actions["elements"].as_array().unwrap();
    assert_eq!(buttons.len(), 2);
    assert_eq!(buttons[0]["action_id"], "choose:0");
    assert_eq!(
        (
            buttons[1]["action_id"].as_str(),
            buttons[1]["value"].as_str()
        ),
        (Some("choose:1"), Some("sushi"))
    );
    assert_eq!(call.body["blocks"][0]["text"]["text"], "Pick one:");
    let picked = bot.click(&asked, "sushi").await;
    assert_eq!(picked.outcome(), "processed");
    let text = picked.texts().join("\n");
    assert_eq!(text, "<@U2147483697> chose sushi");
    // For everyone in the channel, not only the one who clicked.
    assert_eq!(
        picked.calls[0].method, "chat.postMessage",
        "{:?}",
        picked.calls
    );
}

#[tokio::test]
async fn choose_offers_quick_replies_on_line_and_a_click_is_answered() {
    let bot = builtins().await;
    let asked = bot.line_text("choose ramen bowl, pizza, sushi").await;
    let items = asked.calls[0].body["messages"][0]["quickReply"]["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["action"]["type"], "postback");
    assert_eq!(items[0]["action"]["data"], "choose:ramen bowl");
    assert_eq!(items[0]["action"]["displayText"], "ramen bowl");
    let picked = bot.click(&asked, "ramen bowl").await;
    assert_eq!(picked.calls[0].method, "/v2/bot/message/reply");
    let text = picked.texts().join("\n");
    assert!(text.ends_with(" chose ramen bowl"), "{text}");
}

#[tokio::test]
async fn choose_explains_itself_with_too_few_or_too_many_options() {
    let bot = builtins().await;
    let one = bot.slack_command("/choose pizza").await;
    assert!(
        one.texts()[0].starts_with("Give me at least two options"),
        "{:?}",
        one.texts()
    );
    let many: Vec<String> = (1..=14).map(|n| format!("o{n}")).collect();
    let help = bot.slack_command("/help").await.texts().join("\n");
    assert!(help.contains("/choose OPTION OPTION…"), "{help}");
    let fourteen = bot.line_text(&format!("choose {}", many.join(" "))).await;
    assert!(
        fourteen.texts()[0].starts_with("That is 14 options; at most 13"),
        "{:?}",
        fourteen.texts()
    );
}

/// One handler for a reply of the bot's own, with its own blocks and words.
async fn lunch() -> Reply {
    let header: ackbot::slack::blocks::Block = ackbot::slack::blocks::Block::header("Lunch").into();
    Reply::text("Where to?")
        .with_slack_blocks(vec![header])
        .choices("lunch", ["Pizza", "Sushi"])
}

async fn picked(choice: Choice) -> String {
    format!("{} it is ({})", choice.value, choice.id)
}

async fn other_postbacks() -> &'static str {
    "some other postback"
}

#[tokio::test]
async fn a_bots_own_choices_keep_its_blocks_and_reach_one_handler_on_both() {
    let bot = Bot::new()
        .command(cmd("lunch", lunch))
        .action("lunch", picked)
        .on("postback", other_postbacks);
    let bot = TestBot::new(bot).await.unwrap();
    let slack = bot.slack_mention("lunch").await;
    let blocks = slack.calls[0].body["blocks"].as_array().unwrap().clone();
    assert_eq!(
        (blocks[0]["type"].as_str(), blocks[1]["type"].as_str()),
        (Some("header"), Some("actions"))
    );
    assert_eq!(
        bot.click(&slack, "Sushi").await.texts(),
        ["Sushi it is (lunch)"]
    );
    let line = bot.line_text("lunch").await;
    assert_eq!(
        bot.click(&line, "Pizza").await.texts(),
        ["Pizza it is (lunch)"]
    );
    // A postback no action claims still reaches `.on("postback")`.
    let other = bot
        .line_event(
            serde_json::json!({"type": "postback", "replyToken": "0f3779fba3b349968c5d07db31eab56f",
            "postback": {"data": "storeId=12345"}}),
        )
        .await;
    assert_eq!(other.texts(), ["some other postback"]);
}

async fn too_many_blocks() -> Reply {
    let dividers: Vec<ackbot::slack::blocks::Block> = (0..51)
        .map(|_| ackbot::slack::blocks::Block::divider())
        .collect();
    Reply::text("a long report").with_slack_blocks(dividers)
}

async fn too_many_quick_replies() -> Reply {
    use ackbot::line::messages::{Action, Message, QuickReply};
    let actions = (0..14).map(|n| Action::message(format!("{n}"), format!("{n}")));
    let message: Message = Message::text("pick")
        .quick_reply(QuickReply::new(actions))
        .into();
    Reply::text("").with_line_message(message)
}

#[tokio::test]
async fn a_message_past_the_platforms_limits_is_not_sent_and_the_failure_names_it() {
    let bot = Bot::new()
        .command(cmd("report", too_many_blocks))
        .command(cmd("pick", too_many_quick_replies));
    let bot = TestBot::new(bot).await.unwrap();
    let slack = bot.slack_mention("report").await;
    assert!(slack.calls.is_empty(), "{:?}", slack.calls);
    let failed = format!("{slack:?}");
    assert!(
        failed.contains("the message: 51 blocks, Slack allows 50"),
        "{failed}"
    );
    let line = bot.line_text("pick").await;
    assert!(
        line.calls
            .iter()
            .all(|c| !c.method.starts_with("/v2/bot/message/")),
        "{:?}",
        line.calls
    );
    let failed = format!("{line:?}");
    assert!(
        failed.contains("14 quick reply buttons, LINE allows 13"),
        "{failed}"
    );
}
