//! `choose` end to end: the real binary, as `ackbot serve` and as the Lambda worker, with Slack's
//! and LINE's stand-ins — the reply with buttons, the platform's click payload, the answer.
#![cfg(feature = "lambda")]

use std::time::Duration;

use ackbot::testing::payload;
use ackbot_core::SecretString;
use ackbot_core::runtime::now_ms;
use ackbot_line::standin::LineStandIn;
use ackbot_slack::standin::SlackStandIn;
use serde_json::{Value, json};

use crate::common::Server;
use crate::common::runtime::{Answer, RuntimeApi};
use crate::common::slack::{SECRET, post_signed};

const LINE_SECRET: &str = "line-channel-secret-choices";

/// The button saying `label` in a Slack message's blocks.
fn button(message: &Value, label: &str) -> Value {
    let blocks = message["blocks"].as_array().cloned().unwrap_or_default();
    (blocks.iter())
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["text"]["text"] == label)
        .unwrap_or_else(|| panic!("no button {label:?} in {message}"))
}

async fn post_line(server: &Server, body: &str) {
    let signature = ackbot_line::sign(&SecretString::from(LINE_SECRET), body.as_bytes());
    let answer = reqwest::Client::new()
        .post(format!("{}/line/webhook", server.url))
        .header("content-type", "application/json; charset=utf-8")
        .header("x-line-signature", signature)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choose_end_to_end_through_serve_and_the_lambda_worker() {
    let slack = SlackStandIn::start().await.unwrap();
    let line = LineStandIn::start().await.unwrap();
    let (slack_url, line_url) = (slack.api_url(), line.api_url());
    let env = [
        ("SLACK_SIGNING_SECRET", SECRET),
        ("SLACK_BOT_TOKEN", "xoxb-choices"),
        ("SLACK_API_URL", slack_url.as_str()),
        ("LINE_CHANNEL_SECRET", LINE_SECRET),
        ("LINE_CHANNEL_ACCESS_TOKEN", "line-choices"),
        ("LINE_API_URL", line_url.as_str()),
    ];
    let server = Server::start(&env);
    let wait = Duration::from_secs(20);

    // Slack: the buttons, then the platform's block_actions for one of them.
    let body = ackbot_slack::sample::app_mention("choose pizza sushi", "C1", "EvChoose1");
    post_signed(
        &server,
        "/slack/events",
        &body,
        now_ms() / 1000,
        SECRET,
        &[],
    )
    .await;
    let offered = (slack.recorder())
        .wait_for(|c| c.path == "/api/chat.postMessage", wait)
        .await
        .expect("the buttons");
    let sushi = button(&offered.body, "sushi");
    slack.recorder().clear();
    let click = ackbot_slack::sample::interaction(&payload::block_action(
        sushi["action_id"].as_str().unwrap(),
        sushi["value"].as_str().unwrap(),
    ));
    let answer = post_signed(
        &server,
        "/slack/interactions",
        &click,
        now_ms() / 1000,
        SECRET,
        &[],
    )
    .await;
    assert_eq!(answer.status(), 200);
    let told = (slack.recorder())
        .wait_for(|c| c.path == "/api/chat.postMessage", wait)
        .await
        .expect("the answer to the click");
    assert_eq!(told.body["text"], "<@U2147483697> chose sushi");

    // LINE: the quick replies, then the postback of one of them.
    let user = "U4af4980629a1b2c3d4e5f60718293a4b";
    let text = ackbot_line::sample::text_message("choose pizza sushi", user, false);
    post_line(&server, &text).await;
    let offered = (line.recorder())
        .wait_for(|c| c.path == "/v2/bot/message/reply", wait)
        .await
        .expect("the quick replies");
    let items = offered.body["messages"][0]["quickReply"]["items"].clone();
    assert_eq!(items[1]["action"]["data"], "choose:sushi");
    line.recorder().clear();
    let postback = payload::line_event(
        json!({"type": "postback", "replyToken": "8cf9239d56244f4197887e939187e19e",
            "source": {"type": "user", "userId": user}, "postback": {"data": items[1]["action"]["data"]}}),
        now_ms(),
    );
    post_line(&server, &ackbot_line::sample::webhook(json!([postback]))).await;
    let told = (line.recorder())
        .wait_for(|c| c.path == "/v2/bot/message/reply", wait)
        .await
        .expect("the answer to the postback");
    let said = told.body["messages"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(said.ends_with(" chose sushi"), "{said}");

    // The Lambda worker, given the click's Envelope as API Gateway builds it.
    slack.recorder().clear();
    let runtime = RuntimeApi::start().await;
    let _worker = Server::lambda(&runtime.addr.to_string(), &env);
    let pizza = button(&offered_slack(&slack, &server).await, "pizza");
    slack.recorder().clear();
    let click = ackbot_slack::sample::interaction(&payload::block_action(
        pizza["action_id"].as_str().unwrap(),
        pizza["value"].as_str().unwrap(),
    ));
    let envelope = ackbot_slack::sample::signed_envelope(
        "/slack/interactions",
        &click,
        SECRET,
        now_ms() / 1000,
    );
    let id = runtime.invoke(String::from_utf8(envelope.to_json()).unwrap());
    assert!(matches!(
        runtime.answer(&id, wait).await,
        Some(Answer::Success(_))
    ));
    let told = (slack.recorder())
        .wait_for(|c| c.path == "/api/chat.postMessage", wait)
        .await
        .expect("the worker's answer to the click");
    assert_eq!(told.body["text"], "<@U2147483697> chose pizza");
    // And a LINE postback's Envelope.
    line.recorder().clear();
    let postback = payload::line_event(
        json!({"type": "postback", "replyToken": "0f3779fba3b349968c5d07db31eab56f",
            "source": {"type": "user", "userId": user}, "postback": {"data": "choose:pizza"}}),
        now_ms(),
    );
    let body = ackbot_line::sample::webhook(json!([postback]));
    let envelope = ackbot_line::sample::signed_envelope(&body, LINE_SECRET, now_ms());
    let id = runtime.invoke(String::from_utf8(envelope.to_json()).unwrap());
    assert!(matches!(
        runtime.answer(&id, wait).await,
        Some(Answer::Success(_))
    ));
    let told = (line.recorder())
        .wait_for(|c| c.path == "/v2/bot/message/reply", wait)
        .await
        .expect("the worker's answer to the postback");
    let said = told.body["messages"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(said.ends_with(" chose pizza"), "{said}");
}

/// A fresh `choose` message's body at Slack's stand-in.
async fn offered_slack(slack: &SlackStandIn, server: &Server) -> Value {
    let body = ackbot_slack::sample::app_mention("choose pizza sushi", "C1", "EvChoose2");
    post_signed(server, "/slack/events", &body, now_ms() / 1000, SECRET, &[]).await;
    (slack.recorder())
        .wait_for(
            |c| c.path == "/api/chat.postMessage",
            Duration::from_secs(20),
        )
        .await
        .expect("the buttons")
        .body
}
