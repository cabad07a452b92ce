//! End to end through the public API: a signed Envelope goes through ackbot-core's Worker and the
//! reply reaches a local stand-in of Slack.

use std::sync::Arc;
use std::time::Duration;

use ackbot_core::adapter::Envelope;
use ackbot_core::retry::RetryPolicy;
use ackbot_core::runtime::{Status, Worker};
use ackbot_core::testing::RECEIVED_AT_MS;
use ackbot_core::{Bot, Reply, Text, chain, cmd};
use ackbot_slack::{SlackAdapter, SlackConfig, sample};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TOKEN: &str = "xoxb-test-token";
// Long ago (a second before the test Envelopes are received): proves freshness is judged by the
// receive time, not the wall clock.
const SIGNED_AT: i64 = RECEIVED_AT_MS / 1000 - 1;

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
    let bot = Bot::new()
        .command(cmd("echo", echo))
        .on("block_actions", clicked)
        .build()
        .unwrap();
    Worker::new(bot).with_adapter(Arc::new(adapter))
}

fn envelope(route: &str, body: Vec<u8>) -> Envelope {
    let body = String::from_utf8(body).expect("the tests' bodies are UTF-8");
    let mut envelope = sample::signed_envelope(route, &body, SECRET, SIGNED_AT);
    envelope.received_at_ms = RECEIVED_AT_MS;
    envelope
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
    assert_eq!(report.status.label(), "processed", "{:?}", report.status);
    assert_eq!(report.replied, 1);
}

#[tokio::test]
async fn app_mention_is_answered_in_its_thread_once() {
    let server = MockServer::start().await;
    // `echo`'s reply is ephemeral: shown to the mentioning user, in a thread under the mention.
    Mock::given(method("POST"))
        .and(path("/api/chat.postEphemeral"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(
            json!({"channel": "C0LAN2Q65", "user": "U061F7AUR",
            "text": "こんにちは 👋 a+b", "thread_ts": "1515449522.000016"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let body = include_str!("../data/app_mention.json").as_bytes().to_vec();
    let w = worker(&server);
    let first = w.process(envelope("/slack/events", body.clone())).await;
    assert_eq!((first.status.label(), first.replied), ("processed", 1));
    // Slack's retry of the same event_id is not answered twice.
    let retry = w.process(envelope("/slack/events", body)).await;
    assert_eq!(retry.duplicates, 1);
}

#[tokio::test]
async fn url_verification_needs_no_work() {
    let server = MockServer::start().await;
    let body = include_str!("../data/url_verification.json")
        .as_bytes()
        .to_vec();
    let report = worker(&server)
        .process(envelope("/slack/events", body))
        .await;
    assert_eq!((report.status.label(), report.skipped), ("processed", 1));
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
    let payload = include_str!("../data/block_actions.json")
        .replace("https://hooks.slack.com", &server.uri());
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload)
        .finish();
    let report = worker(&server)
        .process(envelope("/slack/interactions", body.into_bytes()))
        .await;
    assert_eq!((report.status.label(), report.replied), ("processed", 1));
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
    let Status::Rejected(error) = w.process(late).await.status else {
        panic!("expected a rejection")
    };
    let reason = chain(error.as_ref());
    assert!(!reason.contains(SECRET), "{reason}");
    assert!(
        error.downcast_ref::<ackbot_slack::VerifyError>().is_some(),
        "{reason}"
    );
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
    let body = include_str!("../data/app_mention.json").as_bytes().to_vec();
    let report = worker(&server)
        .process(envelope("/slack/events", body))
        .await;
    assert!(report.should_retry());
    let Status::Failed(_) = report.status else {
        panic!("expected a failure")
    };
    let reason = report.status.reason().unwrap();
    assert!(reason.contains("gave up after 2 attempts"), "{reason}");
    assert!(!reason.contains(TOKEN), "{reason}");
}

mod samples {
    use super::*;

    #[tokio::test]
    async fn sample_slash_command_is_answered_on_its_response_url() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/commands/T1/2/secret"))
            .and(body_json(
                json!({"response_type": "ephemeral", "text": "a+b 100%"}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .expect(1)
            .mount(&server)
            .await;
        let hook = format!("{}/commands/T1/2/secret", server.uri());
        let body = sample::slash_command("/echo a+b 100%", &hook);
        let report = worker(&server)
            .process(envelope("/slack/commands", body.into_bytes()))
            .await;
        assert_eq!((report.status.label(), report.replied), ("processed", 1));
    }

    #[tokio::test]
    async fn sample_app_mention_is_answered_in_its_channel() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/chat.postEphemeral"))
            .and(wiremock::matchers::body_partial_json(
                json!({"channel": "C42", "user": "U061F7AUR", "text": "hi there"}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .expect(1)
            .mount(&server)
            .await;
        let body = sample::app_mention("echo hi there", "C42", "Ev42");
        let w = worker(&server);
        let first = w
            .process(envelope("/slack/events", body.into_bytes()))
            .await;
        assert_eq!((first.status.label(), first.replied), ("processed", 1));
        // Another body with the same event_id is Slack's retry: not answered twice.
        let again = sample::app_mention("echo hi there", "C42", "Ev42");
        let retry = w
            .process(envelope("/slack/events", again.into_bytes()))
            .await;
        assert_eq!(retry.duplicates, 1);
    }
}
