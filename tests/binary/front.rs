//! End to end on the Lambda side: the real binary as the function-ack front door
//! (`ACKBOT_ROLE=front`), fed API Gateway proxy events by a Runtime API double, handing Envelopes
//! to a stand-in of the Lambda API; and the worker, given such an Envelope, replying.

use std::time::Duration;

use crate::common::Server;
use crate::common::lambda_api::LambdaApi;
use crate::common::runtime::{Answer, RuntimeApi};
use crate::common::slack::{SECRET, api, wait_calls};
use ackbot_core::SecretString;
use ackbot_core::adapter::Envelope;
use ackbot_core::runtime::now_ms;
use serde_json::{Value, json};

/// An API Gateway REST API proxy event for `/slack/events` as the gateway sends it (the
/// fixture), carrying `body` signed with `secret` and received at `received_at_ms`.
fn proxy_event(body: &str, secret: &str, request_id: &str, received_at_ms: i64) -> String {
    let timestamp = (received_at_ms / 1000).to_string();
    let signature = ackbot_slack::sign(
        &SecretString::from(secret),
        received_at_ms / 1000,
        body.as_bytes(),
    );
    let mut event: Value =
        serde_json::from_str(include_str!("../fixtures/apigw_proxy_slack_events.json")).unwrap();
    for (name, value) in [
        ("X-Slack-Request-Timestamp", &timestamp),
        ("X-Slack-Signature", &signature),
    ] {
        event["headers"][name] = json!(value);
        event["multiValueHeaders"][name] = json!([value]);
    }
    event["body"] = json!(body);
    event["requestContext"]["requestTimeEpoch"] = json!(received_at_ms);
    event["requestContext"]["requestId"] = json!(request_id);
    event.to_string()
}

fn front_door(runtime: &RuntimeApi, lambda_api: &LambdaApi) -> Server {
    Server::lambda(
        &runtime.addr.to_string(),
        &[
            ("ACKBOT_ROLE", "front"),
            ("ACKBOT_WORKER_FUNCTION", "ackbot-worker"),
            ("AWS_ENDPOINT_URL_LAMBDA", &lambda_api.url),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDFRONTDOORTEST"),
            ("AWS_SECRET_ACCESS_KEY", "front-door-secret-key"),
            ("AWS_SESSION_TOKEN", "front-door-session"),
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_BOT_TOKEN", "xoxb-test-token"),
        ],
    )
}

async fn success(runtime: &RuntimeApi, id: &str) -> Value {
    match runtime.answer(id, Duration::from_secs(20)).await {
        Some(Answer::Success(answer)) => answer,
        other => panic!("expected a successful answer, got {other:?}"),
    }
}

#[tokio::test]
async fn the_front_door_answers_the_challenge_itself() {
    let runtime = RuntimeApi::start().await;
    let lambda_api = LambdaApi::start(202).await;
    let front = front_door(&runtime, &lambda_api);
    let challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P";
    let body = json!({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge,
        "type": "url_verification"})
    .to_string();
    let id = runtime.invoke(proxy_event(&body, SECRET, "req-challenge", now_ms()));
    let answer = success(&runtime, &id).await;
    assert_eq!(answer["statusCode"], 200);
    assert_eq!(answer["headers"]["Content-Type"], "application/json");
    assert_eq!(answer["headers"]["x-ackbot-request-id"], "req-challenge");
    assert_eq!(answer["isBase64Encoded"], false);
    assert_eq!(
        answer["body"],
        format!(r#"{{"challenge":"{challenge}"}}"#).as_str()
    );
    // Forged: refused without invoking anyone.
    let forged = runtime.invoke(proxy_event(&body, "not-the-secret", "req-forged", now_ms()));
    let answer = success(&runtime, &forged).await;
    assert_eq!(answer["statusCode"], 401);
    assert!(lambda_api.invokes().is_empty(), "nothing handed on");
    // A flood of forgeries: counted in full, in at most one metric line a second.
    for i in 0..50 {
        let id = format!("req-flood-{i}");
        let forged = runtime.invoke(proxy_event(&body, "not-the-secret", &id, now_ms()));
        success(&runtime, &forged).await;
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let last = runtime.invoke(proxy_event(&body, "not-the-secret", "req-last", now_ms()));
    success(&runtime, &last).await;
    let metrics: Vec<Value> = front
        .logs()
        .into_iter()
        .filter(|l| l.get("_aws").is_some())
        .collect();
    assert!(
        (1..=3).contains(&metrics.len()),
        "one line a second at most: {metrics:?}"
    );
    let rejected: u64 = metrics
        .iter()
        .map(|m| m["Rejected"].as_u64().unwrap())
        .sum();
    assert_eq!(rejected, 52, "every refusal counted: {metrics:?}");
    assert!(
        metrics
            .iter()
            .all(|m| m["Role"] == "front" && m["Bot"] == "ackbot")
    );
    assert_eq!(
        metrics[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"],
        "ackbot"
    );
    // ...and their log lines are held back past the budget, with a count.
    let logged = front
        .logs()
        .into_iter()
        .filter(|l| l["message"] == "rejected at the front door")
        .count();
    // 10 a second at most; the flood spans two or three seconds of the clock.
    assert!(logged <= 30, "{logged} rejection lines for 52 refusals");
    let told = front.logs().into_iter().any(|l| {
        l["message"] == "rejected at the front door" && l["suppressed"].as_u64() > Some(0)
    });
    assert!(told, "the next line says how many were held back");
}

#[tokio::test]
async fn an_event_is_handed_to_the_worker_with_the_gateways_time_and_the_worker_replies() {
    let runtime = RuntimeApi::start().await;
    let lambda_api = LambdaApi::start(202).await;
    let _front = front_door(&runtime, &lambda_api);
    // Received by the gateway 2.5 s ago: the Envelope must say so, not the front door's clock.
    let received_at_ms = now_ms() - 2_500;
    let body = json!({"token": "x", "team_id": "T1", "api_app_id": "A1",
        "type": "event_callback", "event_id": "Ev77", "event_time": received_at_ms / 1000,
        "event": {"type": "app_mention", "user": "U1", "text": "<@U0BOT> echo 前へ",
            "ts": "1700000000.000700", "channel": "C7"}})
    .to_string();
    let id = runtime.invoke(proxy_event(&body, SECRET, "req-mention", received_at_ms));
    let answer = success(&runtime, &id).await;
    assert_eq!(
        (answer["statusCode"].as_u64(), answer["body"].as_str()),
        (Some(200), Some(""))
    );

    let invokes = lambda_api.invokes();
    assert_eq!(invokes.len(), 1, "one Invoke");
    let invoke = &invokes[0];
    assert_eq!(invoke.function, "ackbot-worker");
    assert_eq!(invoke.headers["x-amz-invocation-type"], "Event");
    let authorization = invoke.headers["authorization"].to_str().unwrap();
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFRONTDOORTEST/")
            && authorization.contains("/us-east-1/lambda/aws4_request"),
        "SigV4-signed for Lambda: {authorization}"
    );
    assert_eq!(invoke.headers["x-amz-security-token"], "front-door-session");
    let envelope = Envelope::from_json(&invoke.body).unwrap();
    assert_eq!(envelope.route, "/slack/events");
    assert_eq!(
        envelope.received_at_ms, received_at_ms,
        "the gateway's receive time"
    );
    assert_eq!(envelope.request_id, "req-mention");
    assert_eq!(envelope.source_ip.as_deref(), Some("3.94.12.34"));
    assert_eq!(envelope.body, body.as_bytes(), "the exact bytes");

    // The worker, given that Envelope as Lambda's async invoke would, replies.
    let api = api().await;
    let worker_runtime = RuntimeApi::start().await;
    let api_url = format!("{}/api", api.uri());
    let _worker = Server::lambda(
        &worker_runtime.addr.to_string(),
        &[
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_BOT_TOKEN", "xoxb-test-token"),
            ("SLACK_API_URL", &api_url),
        ],
    );
    let handled = worker_runtime.invoke(String::from_utf8(invoke.body.clone()).unwrap());
    assert_eq!(
        success(&worker_runtime, &handled).await,
        json!({"handled": 1, "replied": 1})
    );
    let sent = wait_calls(&api, "chat.postEphemeral", 1).await;
    assert_eq!(sent[0]["text"], "前へ");
    assert_eq!(sent[0]["thread_ts"], "1700000000.000700");
}

#[tokio::test]
async fn a_refused_hand_on_fails_the_invocation() {
    let runtime = RuntimeApi::start().await;
    let lambda_api = LambdaApi::start(404).await;
    let front = front_door(&runtime, &lambda_api);
    let body = json!({"type": "event_callback", "event_id": "Ev78",
        "event": {"type": "app_mention", "user": "U1", "text": "<@U0BOT> ping", "channel": "C7"}})
    .to_string();
    let id = runtime.invoke(proxy_event(&body, SECRET, "req-lost", now_ms()));
    match runtime.answer(&id, Duration::from_secs(20)).await {
        // API Gateway answers 502 and Slack retries the delivery.
        Some(Answer::Error(error)) => {
            assert_eq!(error["errorType"], "ackbot.HandOnFailed");
            let message = error["errorMessage"].as_str().unwrap();
            assert!(message.contains("404"), "{message}");
            assert!(!message.contains("front-door-secret-key"), "{message}");
        }
        other => panic!("expected an error, got {other:?}"),
    }
    let logged = front
        .wait_for_log(
            |l| l["request_id"] == "req-lost" && l["level"] == "ERROR",
            Duration::from_secs(5),
        )
        .await;
    assert!(logged.is_some(), "{:?}", front.logs());
}
