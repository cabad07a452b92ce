//! The built-in commands through `ackbot::testing`, on both platforms: what a bot author's own
//! handler tests look like.

use ackbot::prelude::*;
use ackbot::testing::{TestBot, payload};

async fn bot() -> TestBot {
    TestBot::new(Bot::new().mount(ackbot::handlers::builtins()))
        .await
        .expect("the built-ins build")
}

#[tokio::test]
async fn echo_repeats_the_text_exactly_on_both_platforms() {
    let bot = bot().await;
    let text = "a+b 100% <tag> & \"quotes\" 絵文字 🎉";
    let slack = bot.slack_command(&format!("/echo {text}")).await;
    assert_eq!(slack.texts(), [text]);
    assert_eq!(bot.line_text(&format!("echo {text}")).await.texts(), [text]);
}

#[tokio::test]
async fn echo_without_text_says_how_to_use_it() {
    let bot = bot().await;
    let out = bot.slack_command("/echo").await;
    let text = out.text().expect("an answer");
    assert!(text.contains("echo"), "{text}");
}

#[tokio::test]
async fn ping_answers_pong() {
    let bot = bot().await;
    assert_eq!(bot.slack_command("/ping").await.texts(), ["pong"]);
    assert_eq!(bot.line_text("/ping").await.texts(), ["pong"]);
}

#[tokio::test]
async fn help_lists_every_command_with_the_platforms_prefix() {
    let bot = bot().await;
    let slack = bot.slack_command("/help").await.text().unwrap();
    for name in ["/echo", "/help", "/ping", "/wait", "/feedback"] {
        assert!(slack.contains(name), "{name} missing from {slack}");
    }
    let line = bot.line_text("help").await.text().unwrap();
    assert!(line.contains("echo") && !line.contains("/echo"), "{line}");
}

#[tokio::test]
async fn an_unknown_command_points_to_help() {
    let bot = bot().await;
    let out = bot.line_text("dance").await;
    assert!(out.text().unwrap().contains("help"), "{out:?}");
    let out = bot.slack_command("/dance").await;
    assert!(out.text().unwrap().contains("help"), "{out:?}");
}

#[tokio::test]
async fn wait_answers_after_the_seconds_and_refuses_nonsense() {
    let bot = bot().await;
    let out = bot.slack_command("/wait 0").await;
    assert_eq!(out.outcome(), "processed");
    assert_eq!(out.messages().len(), 1, "{out:?}");
    let refused = bot.slack_command("/wait forever").await;
    assert!(refused.text().unwrap().contains("wait"), "{refused:?}");
}

#[tokio::test]
async fn feedback_on_line_thanks_at_once_or_asks_for_more() {
    let bot = bot().await;
    let thanks = bot.line_text("feedback とてもよい").await.text().unwrap();
    assert!(thanks.contains("とてもよい"), "{thanks}");
    let short = bot.line_text("feedback よい").await.text().unwrap();
    assert!(!short.contains("よい\""), "{short}");
    assert_ne!(short, thanks);
}

#[tokio::test]
async fn feedback_on_slack_opens_a_modal_refuses_a_short_submission_and_thanks() {
    let bot = bot().await;
    let opened = bot.slack_command("/feedback").await;
    let open = opened.call("views.open").expect("the modal is opened");
    assert!(open.body["trigger_id"].is_string());
    assert_eq!(open.body["view"]["callback_id"], "feedback");
    let metadata = open.body["view"]["private_metadata"].as_str().unwrap();

    let short = bot
        .slack_interaction(payload::view_submission(
            "feedback",
            &[("feedback", "text", "no")],
            metadata,
        ))
        .await;
    let errors = short
        .ack
        .as_ref()
        .and_then(|a| a.json())
        .expect("errors in the ack");
    assert_eq!(errors["response_action"], "errors");
    assert!(errors["errors"]["feedback"].is_string(), "{errors}");
    assert!(
        short.texts().is_empty(),
        "nothing is posted for a refused submission"
    );

    let good = bot
        .slack_interaction(payload::view_submission(
            "feedback",
            &[("feedback", "text", "Lovely bot")],
            metadata,
        ))
        .await;
    assert_eq!(
        good.ack.as_ref().map(|a| (a.status, a.body.as_str())),
        Some((200, ""))
    );
    let thanks = good.text().expect("a thank-you is posted");
    assert!(
        thanks.contains("Lovely bot") && thanks.contains(payload::SLACK_USER_ID),
        "{thanks}"
    );
}

#[tokio::test]
async fn a_line_follow_is_welcomed_by_reply() {
    let bot = bot().await;
    let out = bot
        .line_event(serde_json::json!({
            "type": "follow",
            "replyToken": "b60d432864f44d079f6d8efe86cf404b",
            "follow": {"isUnblocked": true}
        }))
        .await;
    assert_eq!(out.messages().len(), 1, "{out:?}");
    assert_eq!(out.messages()[0].method, "/v2/bot/message/reply");
}
