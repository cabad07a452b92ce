//! The edge in-process, as axum's own tests do it: `oneshot` requests, no socket.

use std::time::Duration;

use ackbot_core::adapter::Envelope;
use ackbot_core::runtime::now_ms;
use ackbot_core::{Bot, Reply, SecretString};
use ackbot_slack::{BlockSuggestion, Options, ViewResponse};
use async_channel::Receiver;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use super::*;
use crate::pool::Queue;
use crate::test_support;

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// Which platforms the edge's worker has, and the edge's settings.
struct Setup {
    slack: bool,
    line: bool,
    settings: ServeSettings,
}

/// Slack, LINE or both, with the default settings changed by `edit`.
fn setup(slack: bool, line: bool, edit: impl FnOnce(&mut ServeSettings)) -> Setup {
    let mut settings = test_support::settings(|_| {}, Duration::from_millis(2500), None, None);
    edit(&mut settings);
    Setup {
        slack,
        line,
        settings,
    }
}

fn slack_only() -> Setup {
    setup(true, false, |_| {})
}

fn both() -> Setup {
    setup(true, true, |_| {})
}

/// The edge with a queue of `capacity` that nobody takes from, and the queue's far end.
fn edge(setup: &Setup, capacity: usize) -> (axum::Router, Receiver<Envelope>) {
    edge_with(setup, capacity, Bot::new())
}

/// The edge of `bot`, whose front door answers the function-ack routes.
fn edge_with(setup: &Setup, capacity: usize, bot: Bot) -> (axum::Router, Receiver<Envelope>) {
    let (queue, receiver) = Queue::bounded(capacity);
    let api_url = "http://127.0.0.1:9";
    let slack = setup.slack.then_some(test_support::Platform {
        secret: SLACK_SECRET,
        token: "xoxb-test",
        api_url,
    });
    let line = setup.line.then_some(test_support::Platform {
        secret: "line-secret",
        token: "line-token",
        api_url,
    });
    let front = test_support::worker(bot.build().unwrap(), slack, line);
    (app(queue, front, &setup.settings), receiver)
}

fn post(route: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(route)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into())
        .unwrap()
}

async fn text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn acks_at_once_and_queues_the_exact_bytes() {
    let (app, queued) = edge(&slack_only(), 8);
    let body = "command=%2Fecho&text=%E3%81%93+a%2Bb";
    let request = Request::post("/slack/commands")
        .header("X-Slack-Signature", "v0=abc")
        .body(Body::from(body))
        .unwrap();
    let before = now_ms();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let request_id = response.headers()["x-ackbot-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(text(response).await, "");
    let envelope = queued.try_recv().expect("one Envelope queued");
    assert_eq!(envelope.route, "/slack/commands");
    assert_eq!(envelope.request_id, request_id);
    assert_eq!(envelope.body, body.as_bytes());
    assert_eq!(envelope.headers.get("x-slack-signature"), Some("v0=abc"));
    assert!(envelope.received_at_ms >= before);
}

#[tokio::test]
async fn configured_status_and_slash_command_body() {
    let config = setup(true, false, |s| {
        s.edge.ack_status = 202;
        s.edge.slack_command_ack_body = r#"{"response_type":"in_channel"}"#.into();
        // The static acknowledgement is for gateway-ack routes.
        s.edge.function_ack_routes.clear();
    });
    let (app, _queued) = edge(&config, 8);
    let response = app
        .clone()
        .oneshot(post("/slack/commands", "command=%2Fping"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(text(response).await, r#"{"response_type":"in_channel"}"#);
    // The body is for slash commands only.
    let response = app
        .oneshot(post("/slack/interactions", "payload=%7B%7D"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(text(response).await, "");
}

#[tokio::test]
async fn routes_of_unconfigured_platforms_and_unknown_routes_are_404() {
    let (app, queued) = edge(&slack_only(), 8);
    for route in ["/line/webhook", "/nowhere"] {
        let response = app.clone().oneshot(post(route, "{}")).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{route}");
    }
    assert!(queued.is_empty());
    let (app, _queued) = edge(&both(), 8);
    let response = app.oneshot(post("/line/webhook", "{}")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn health_names_the_platforms_the_queue_and_the_outcomes() {
    let (app, _queued) = edge(&both(), 8);
    app.clone()
        .oneshot(post("/line/webhook", "{}"))
        .await
        .unwrap();
    // An unsigned post to a function-ack route, refused at the front and counted.
    app.clone()
        .oneshot(post("/slack/events", "{}"))
        .await
        .unwrap();
    let response = app
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let health: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(
        health,
        serde_json::json!({"status": "ok", "platforms": ["slack", "line"], "queued": 1,
            "outcomes": {"processed": 0, "rejected": 1, "duplicate": 0, "failed": 0}})
    );
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_and_are_not_queued() {
    let (app, queued) = edge(&slack_only(), 8);
    let response = app
        .clone()
        .oneshot(post("/slack/commands", vec![b'a'; MAX_BODY_BYTES + 1]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        text(response)
            .await
            .contains("body larger than 1048576 bytes")
    );
    // A body that declares no length and streams past the limit is refused too.
    let chunks = futures::stream::iter(
        (0..20).map(|_| Ok::<_, std::io::Error>(vec![b'a'; MAX_BODY_BYTES / 16])),
    );
    let response = app
        .clone()
        .oneshot(post("/slack/commands", Body::from_stream(chunks)))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(queued.is_empty());
    // Exactly at the limit is accepted.
    let response = app
        .oneshot(post("/slack/commands", vec![b'a'; MAX_BODY_BYTES]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(queued.len(), 1);
}

#[tokio::test]
async fn a_full_queue_gets_503_with_retry_after_and_nothing_is_lost() {
    let (app, queued) = edge(&slack_only(), 1);
    let first = app
        .clone()
        .oneshot(post("/slack/commands", "command=%2Fa"))
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let second = app
        .clone()
        .oneshot(post("/slack/commands", "command=%2Fb"))
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(second.headers()["retry-after"], "1");
    assert!(second.headers().contains_key("x-ackbot-request-id"));
    assert!(text(second).await.contains("the queue is full"));
    assert_eq!(queued.recv().await.unwrap().body, b"command=%2Fa");
    // A slot is free again.
    let third = app
        .clone()
        .oneshot(post("/slack/commands", "command=%2Fc"))
        .await
        .unwrap();
    assert_eq!(third.status(), StatusCode::OK);
    // Once the queue is closed (shutting down), webhooks are refused.
    queued.close();
    let late = app
        .oneshot(post("/slack/commands", "command=%2Fd"))
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(text(late).await.contains("shutting down"));
}

fn signed_events_request(body: &str, secret: &str) -> Request<Body> {
    let timestamp = now_ms() / 1000;
    let signature = ackbot_slack::sign(&SecretString::from(secret), timestamp, body.as_bytes());
    Request::post("/slack/events")
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", timestamp.to_string())
        .header("x-slack-signature", signature)
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn url_verification_is_answered_with_the_challenge_when_signed() {
    let (app, queued) = edge(&slack_only(), 8);
    let body = r#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let response = app
        .clone()
        .oneshot(signed_events_request(body, SLACK_SECRET))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        text(response).await,
        r#"{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#
    );
    let forged = app
        .clone()
        .oneshot(signed_events_request(body, "another-secret"))
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    assert!(queued.is_empty(), "challenges are answered, not queued");
    // Any other event is acknowledged and queued for the worker.
    let event = r#"{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}"#;
    let response = app
        .oneshot(signed_events_request(event, SLACK_SECRET))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(queued.len(), 1);
}

fn signed_interaction(payload: serde_json::Value) -> Request<Body> {
    let body = ackbot_slack::sample::interaction(&payload);
    let timestamp = now_ms() / 1000;
    let signature = ackbot_slack::sign(
        &SecretString::from(SLACK_SECRET),
        timestamp,
        body.as_bytes(),
    );
    Request::post("/slack/interactions")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp.to_string())
        .header("x-slack-signature", signature)
        .body(Body::from(body))
        .unwrap()
}

fn submission(callback_id: &str) -> serde_json::Value {
    serde_json::json!({"type": "view_submission", "user": {"id": "U1"},
        "view": {"id": "V1", "callback_id": callback_id, "private_metadata": "C1"}})
}

#[tokio::test]
async fn a_view_handler_slower_than_the_deadline_is_acked_in_time_and_handed_on() {
    let config = setup(true, false, |s| s.ack_deadline = Duration::from_millis(200));
    let bot = Bot::new().view("slow", || async {
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        ViewResponse::error("b", "too late to be seen")
    });
    let (app, queued) = edge_with(&config, 8, bot);
    let started = std::time::Instant::now();
    let response = app
        .oneshot(signed_interaction(submission("slow")))
        .await
        .unwrap();
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(2),
        "acked after {took:?}"
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "", "the plain ack closes the modal");
    let envelope = queued.try_recv().expect("handed on for the worker to run");
    assert_eq!(
        envelope.answered_replies, None,
        "the worker runs the handler again"
    );
}

#[tokio::test]
async fn a_view_answer_is_the_ack_and_its_replies_ride_to_the_worker() {
    let bot = Bot::new()
        .view("check", || async { ViewResponse::error("b", "Say more") })
        .view("thank", || async {
            (
                ViewResponse::close(),
                Reply::text("thanks").to_conversation("C1"),
            )
        });
    let (app, queued) = edge_with(&slack_only(), 8, bot);
    let errors = app
        .clone()
        .oneshot(signed_interaction(submission("check")))
        .await
        .unwrap();
    assert_eq!(errors.headers()["content-type"], "application/json");
    assert_eq!(
        text(errors).await,
        r#"{"errors":{"b":"Say more"},"response_action":"errors"}"#
    );
    assert!(
        queued.is_empty(),
        "an answer with nothing left to do stays at the front"
    );
    let closed = app
        .oneshot(signed_interaction(submission("thank")))
        .await
        .unwrap();
    assert_eq!(text(closed).await, "");
    let envelope = queued.try_recv().unwrap();
    let replies = envelope.answered_replies.expect("the replies ride along");
    assert_eq!(replies[0].text, "thanks");
    assert_eq!(replies[0].conversation.as_deref(), Some("C1"));
}

#[tokio::test]
async fn options_are_answered_in_the_ack_and_nothing_is_queued() {
    let bot = Bot::new().options("team", |s: BlockSuggestion| async move {
        Options::new().option(format!("{} (match)", s.value), "t1")
    });
    let (app, queued) = edge_with(&slack_only(), 8, bot);
    let payload = serde_json::json!({"type": "block_suggestion", "user": {"id": "U1"},
        "action_id": "team", "block_id": "b", "value": "ack"});
    let response = app.oneshot(signed_interaction(payload)).await.unwrap();
    let body: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(body["options"][0]["text"]["text"], "ack (match)");
    assert_eq!(body["options"][0]["value"], "t1");
    assert!(queued.is_empty());
}

#[tokio::test]
async fn the_function_ack_routes_follow_the_setting() {
    let body = r#"{"token":"x","challenge":"c","type":"url_verification"}"#;
    let gateway = setup(true, false, |s| s.edge.function_ack_routes.clear());
    let (app, queued) = edge(&gateway, 8);
    let response = app
        .oneshot(signed_events_request(body, SLACK_SECRET))
        .await
        .unwrap();
    assert_eq!(
        text(response).await,
        "",
        "a static ack, as API Gateway gives"
    );
    assert_eq!(queued.len(), 1, "and the worker gets it");
    // An unsigned post to a function-ack route is refused at the front, not queued.
    let line = setup(false, true, |s| {
        s.edge.function_ack_routes = vec!["/line/webhook".into()];
    });
    let (app, queued) = edge(&line, 8);
    let response = app
        .oneshot(post("/line/webhook", r#"{"destination":"U1","events":[]}"#))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(queued.is_empty());
}
