//! The edge in-process, as axum's own tests do it: `oneshot` requests, no socket.

use std::collections::HashMap;

use async_channel::Receiver;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use bot_core::{now_ms, Envelope, SecretString};
use tower::ServiceExt;

use super::*;
use crate::serve::pool::Queue;

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

fn config(vars: &[(&str, &str)]) -> Config {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|name| map.get(name).cloned()).unwrap()
}

fn slack_only() -> Config {
    config(&[("SLACK_SIGNING_SECRET", SLACK_SECRET)])
}

fn both() -> Config {
    config(&[
        ("SLACK_SIGNING_SECRET", SLACK_SECRET),
        ("LINE_CHANNEL_SECRET", "line-secret"),
        ("LINE_CHANNEL_ACCESS_TOKEN", "line-token"),
    ])
}

/// The edge with a queue of `capacity` that nobody takes from, and the queue's far end.
fn edge(config: &Config, capacity: usize) -> (axum::Router, Receiver<Envelope>) {
    let (queue, receiver) = Queue::bounded(capacity);
    (app(queue, config), receiver)
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
    let config = config(&[
        ("SLACK_SIGNING_SECRET", SLACK_SECRET),
        ("ACKBOT_ACK_STATUS", "202"),
        (
            "ACKBOT_SLACK_COMMAND_ACK_BODY",
            r#"{"response_type":"in_channel"}"#,
        ),
    ]);
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
async fn health_names_the_platforms_and_the_queue() {
    let (app, _queued) = edge(&both(), 8);
    app.clone()
        .oneshot(post("/line/webhook", "{}"))
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
        serde_json::json!({"status": "ok", "platforms": ["slack", "line"], "queued": 1})
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
    assert!(text(response)
        .await
        .contains("body larger than 1048576 bytes"));
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
    let signature = bot_slack::sign(&SecretString::from(secret), timestamp, body.as_bytes());
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
