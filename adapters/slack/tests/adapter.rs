//! End to end through the public API: a signed Envelope goes through bot-core's Worker and the
//! reply reaches a local stand-in of Slack.

use std::sync::Arc;
use std::time::Duration;

use bot_core::retry::RetryPolicy;
use bot_core::{Envelope, Headers, Reply, Router, Secret, Status, Text, Worker};
use bot_slack::{sign, SlackAdapter, SlackConfig};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TOKEN: &str = "xoxb-test-token";
// Long ago: proves freshness is judged by the receive time, not the wall clock.
const SIGNED_AT: i64 = 1_531_420_618;

async fn echo(Text(text): Text) -> Reply {
    Reply::text(text)
}

async fn clicked() -> Reply {
    Reply::text("clicked").in_channel()
}

fn worker(server: &MockServer) -> Worker {
    let config = SlackConfig::new(SECRET)
        .with_bot_token(TOKEN)
        .with_api_url(format!("{}/api", server.uri()))
        .with_retry(RetryPolicy::fixed(2, Duration::from_millis(5)));
    let adapter = SlackAdapter::new(config).unwrap();
    let router = Router::new()
        .command("echo", echo)
        .on("block_actions", clicked)
        .build();
    Worker::new(router).with_adapter(Arc::new(adapter))
}

fn envelope(route: &str, body: Vec<u8>) -> Envelope {
    let mut headers = Headers::new();
    headers.append("Content-Type", "application/x-www-form-urlencoded");
    headers.append("X-Slack-Request-Timestamp", SIGNED_AT.to_string());
    headers.append(
        "X-Slack-Signature",
        sign(&Secret::new(SECRET), SIGNED_AT, &body),
    );
    Envelope {
        route: route.into(),
        received_at_ms: SIGNED_AT * 1000 + 1200,
        request_id: "req-1".into(),
        source_ip: None,
        headers,
        body,
    }
}

#[tokio::test]
async fn slash_command_is_answered_on_its_response_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/commands/T1/2/secret"))
        .and(body_json(
            json!({"response_type": "ephemeral", "text": "こんにちは 👋 a+b 100%"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(&server)
        .await;
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("command", "/echo")
        .append_pair("text", "こんにちは 👋 a+b 100%")
        .append_pair("user_id", "U1")
        .append_pair("channel_id", "C1")
        .append_pair(
            "response_url",
            &format!("{}/commands/T1/2/secret", server.uri()),
        )
        .finish();
    let report = worker(&server)
        .process(envelope("/slack/commands", body.into_bytes()))
        .await;
    assert_eq!(report.status, Status::Processed);
    assert_eq!(report.replied, 1);
}

#[tokio::test]
async fn app_mention_is_answered_with_chat_post_message_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/chat.postMessage"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(
            json!({"channel": "C0LAN2Q65", "text": "こんにちは 👋 a+b"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let body = include_str!("data/app_mention.json").as_bytes().to_vec();
    let w = worker(&server);
    let first = w.process(envelope("/slack/events", body.clone())).await;
    assert_eq!((first.status, first.replied), (Status::Processed, 1));
    // Slack's retry of the same event_id is not answered twice.
    let retry = w.process(envelope("/slack/events", body)).await;
    assert_eq!(retry.duplicates, 1);
}

#[tokio::test]
async fn url_verification_needs_no_work() {
    let server = MockServer::start().await;
    let body = include_str!("data/url_verification.json")
        .as_bytes()
        .to_vec();
    let report = worker(&server)
        .process(envelope("/slack/events", body))
        .await;
    assert_eq!((report.status, report.skipped), (Status::Processed, 1));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn block_actions_reply_goes_to_the_payload_response_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/actions/T0CAG/12345678901/a7dL8sQ2xG5nQeGw1bX1pC3e"))
        .and(body_json(
            json!({"response_type": "in_channel", "text": "clicked"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(&server)
        .await;
    let payload =
        include_str!("data/block_actions.json").replace("https://hooks.slack.com", &server.uri());
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload)
        .finish();
    let report = worker(&server)
        .process(envelope("/slack/interactions", body.into_bytes()))
        .await;
    assert_eq!((report.status, report.replied), (Status::Processed, 1));
}

#[tokio::test]
async fn tampered_or_stale_requests_are_rejected_without_a_reply() {
    let server = MockServer::start().await;
    let w = worker(&server);
    let mut tampered = envelope("/slack/commands", b"command=%2Fecho&text=hi".to_vec());
    tampered.body = b"command=%2Fecho&text=pwned".to_vec();
    assert!(matches!(
        w.process(tampered).await.status,
        Status::Rejected(_)
    ));

    let mut late = envelope("/slack/commands", b"command=%2Fecho&text=hi".to_vec());
    late.received_at_ms += 300_000;
    let Status::Rejected(reason) = w.process(late).await.status else {
        panic!("expected a rejection")
    };
    assert!(!reason.contains(SECRET), "{reason}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn failed_delivery_fails_the_envelope_without_leaking_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .expect(2)
        .mount(&server)
        .await;
    let body = include_str!("data/app_mention.json").as_bytes().to_vec();
    let report = worker(&server)
        .process(envelope("/slack/events", body))
        .await;
    assert!(report.should_retry());
    let Status::Failed(reason) = report.status else {
        panic!("expected a failure")
    };
    assert!(reason.contains("gave up after 2 attempts"), "{reason}");
    assert!(!reason.contains(TOKEN), "{reason}");
}
