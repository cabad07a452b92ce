//! End to end through the real `ackbot serve`: Slack's whole webhook surface — the Events API's
//! challenge, mentions answered in their thread, retries and re-deliveries answered once, and the
//! `feedback` modal's loop with its answers computed in the acknowledgement.

use std::time::Duration;

use crate::common::slack::{SECRET, api, calls, post_signed, serve, wait_calls};
use ackbot_core::runtime::now_ms;
use ackbot_slack::sample;
use serde_json::{Value, json};

fn mention(event_id: &str, ts: &str, thread_ts: Option<&str>, text: &str) -> String {
    let mut event = json!({"type": "app_mention", "user": "U1", "text": text, "ts": ts,
        "channel": "C1", "event_ts": ts});
    if let Some(thread_ts) = thread_ts {
        event["thread_ts"] = thread_ts.into();
    }
    json!({"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": now_ms() / 1000, "event": event})
    .to_string()
}

#[tokio::test]
async fn the_challenge_is_answered_exactly_and_only_when_signed() {
    let api = api().await;
    let mut server = serve(&api, &[]);
    let challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P";
    let body = json!({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge,
        "type": "url_verification"})
    .to_string();
    let now = now_ms() / 1000;
    let response = post_signed(&server, "/slack/events", &body, now, SECRET, &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    assert_eq!(
        response.text().await.unwrap(),
        format!(r#"{{"challenge":"{challenge}"}}"#)
    );
    let forged = post_signed(&server, "/slack/events", &body, now, "not-the-secret", &[]).await;
    assert_eq!(forged.status(), 401, "a forged challenge is refused");
    server.drain().await;
    assert!(api.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_mention_is_answered_in_its_thread() {
    let api = api().await;
    let server = serve(&api, &[]);
    let now = now_ms() / 1000;
    let body = mention("Ev01", "1700000000.000100", None, "<@U0BOT> echo a &amp; b");
    let response = post_signed(&server, "/slack/events", &body, now, SECRET, &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "", "a plain ack");
    let sent = wait_calls(&api, "chat.postEphemeral", 1).await;
    assert_eq!(
        sent,
        vec![json!({"channel": "C1", "user": "U1", "text": "a & b",
            "thread_ts": "1700000000.000100"})]
    );
    // In a thread already: answered in that thread.
    let body = mention(
        "Ev02",
        "1700000000.000300",
        Some("1700000000.000200"),
        "<@U0BOT> ping",
    );
    post_signed(&server, "/slack/events", &body, now, SECRET, &[]).await;
    let sent = wait_calls(&api, "chat.postEphemeral", 2).await;
    assert_eq!(sent[1]["thread_ts"], "1700000000.000200");
    assert_eq!(sent[1]["text"], "pong");
}

#[tokio::test]
async fn retries_and_redeliveries_under_a_new_event_id_are_answered_once() {
    let api = api().await;
    let mut server = serve(&api, &[]);
    let now = now_ms() / 1000;
    let body = mention("Ev10", "1700000001.000100", None, "<@U0BOT> echo once");
    post_signed(&server, "/slack/events", &body, now, SECRET, &[]).await;
    assert_eq!(wait_calls(&api, "chat.postEphemeral", 1).await.len(), 1);
    // Slack's retry: same event_id, with its retry headers.
    let retry = post_signed(
        &server,
        "/slack/events",
        &body,
        now,
        SECRET,
        &[
            ("X-Slack-Retry-Num", "1"),
            ("X-Slack-Retry-Reason", "http_timeout"),
        ],
    )
    .await;
    assert_eq!(retry.status(), 200);
    // The same message again under a new event_id.
    let again = mention("Ev11", "1700000001.000100", None, "<@U0BOT> echo once");
    post_signed(&server, "/slack/events", &again, now, SECRET, &[]).await;
    let duplicates = server
        .wait_for_log(
            |l| l["duplicates"].as_u64() == Some(1) && l["route"] == "/slack/events",
            Duration::from_secs(10),
        )
        .await;
    assert!(duplicates.is_some(), "{:?}", server.logs());
    server.drain().await;
    let duplicates = server
        .logs()
        .iter()
        .filter(|l| l["duplicates"].as_u64() == Some(1))
        .count();
    assert_eq!(
        duplicates,
        2,
        "the retry and the new event_id: {:?}",
        server.logs()
    );
    assert_eq!(calls(&api, "chat.postEphemeral").await.len(), 1);
}

#[tokio::test]
async fn the_feedback_loop_opens_validates_and_thanks() {
    let api = api().await;
    let mut server = serve(&api, &[]);
    let now = now_ms() / 1000;
    // `/feedback` (a gateway-ack route) opens the modal with the command's own trigger_id.
    let hook = format!("{}/commands/T0001/fb/hook", api.uri());
    let command = sample::slash_command("/feedback", &hook);
    let trigger_id = form_urlencoded::parse(command.as_bytes())
        .find(|(k, _)| k == "trigger_id")
        .unwrap()
        .1
        .into_owned();
    let ack = post_signed(&server, "/slack/commands", &command, now, SECRET, &[]).await;
    assert_eq!(ack.status(), 200);
    let opened = wait_calls(&api, "views.open", 1).await;
    assert_eq!(opened.len(), 1, "views.open called");
    assert_eq!(opened[0]["trigger_id"], trigger_id.as_str());
    let view = &opened[0]["view"];
    assert_eq!(view["callback_id"], "feedback");
    assert_eq!(
        view["private_metadata"], "C2147483705",
        "the channel rides along"
    );
    assert_eq!(view["blocks"][0]["block_id"], "feedback");
    assert_eq!(view["blocks"][0]["element"]["action_id"], "text");

    // Too short: the errors are the acknowledgement itself, and nothing is posted.
    let short = sample::view_submission("feedback", "feedback", "text", " a  b ", "C2147483705");
    let answer = post_signed(&server, "/slack/interactions", &short, now, SECRET, &[]).await;
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        body,
        json!({"response_action": "errors",
            "errors": {"feedback": "Please write at least 3 characters."}})
    );

    // A real one: an empty acknowledgement closes the modal, and the thanks go to the channel.
    let good = sample::view_submission(
        "feedback",
        "feedback",
        "text",
        "Lovely bot 🎉",
        "C2147483705",
    );
    let answer = post_signed(&server, "/slack/interactions", &good, now, SECRET, &[]).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "");
    let posted = wait_calls(&api, "chat.postMessage", 1).await;
    assert_eq!(
        posted,
        vec![json!({"channel": "C2147483705",
            "text": format!("Thanks <@{}>: Lovely bot 🎉", sample::USER_ID)})]
    );
    server.drain().await;
    assert_eq!(
        calls(&api, "chat.postMessage").await.len(),
        1,
        "the short one posted nothing"
    );
}

#[tokio::test]
async fn a_gateway_ack_route_mirrors_the_static_acknowledgement() {
    let api = api().await;
    // As the stack does with `slack.events.ack=gateway`: no computed answers on that route.
    let server = serve(&api, &[("ACKBOT_FUNCTION_ACK", "/slack/interactions")]);
    let body = json!({"token": "x", "challenge": "c-123", "type": "url_verification"}).to_string();
    let response = post_signed(
        &server,
        "/slack/events",
        &body,
        now_ms() / 1000,
        SECRET,
        &[],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text().await.unwrap(),
        "",
        "no challenge behind a static ack"
    );
}
