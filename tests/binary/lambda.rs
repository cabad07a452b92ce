//! End to end: the real `ackbot` binary as a Lambda function, fed Envelopes by a test double of the
//! Lambda Runtime API, with Slack's API and Secrets Manager on local stand-ins.

use std::time::Duration;

use crate::common::Server;
use crate::common::runtime::{Answer, RuntimeApi};
use ackbot_core::runtime::now_ms;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "fa2c05deeef5a4077494e89f54394de0";

fn slash_envelope(
    api: &MockServer,
    id: &str,
    typed: &str,
    secret: &str,
    received_at_ms: i64,
) -> String {
    let body =
        ackbot_slack::sample::slash_command(typed, &format!("{}/commands/T1/{id}/tok", api.uri()));
    let mut envelope = ackbot_slack::sample::signed_envelope(
        "/slack/commands",
        &body,
        secret,
        received_at_ms / 1000,
    )
    .with_request_id(format!("req-{id}"));
    envelope.received_at_ms = received_at_ms;
    envelope.source_ip = Some("203.0.113.7".into());
    String::from_utf8(envelope.to_json()).unwrap()
}

async fn replies_to(api: &MockServer, id: &str) -> Vec<Value> {
    api.received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().contains(&format!("/{id}/")))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

async fn slack_api(status: u16) -> MockServer {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&api)
        .await;
    api
}

#[tokio::test]
async fn processes_envelopes_and_reports_outcomes() {
    let api = slack_api(200).await;
    let runtime = RuntimeApi::start().await;
    let function = Server::lambda(
        &runtime.addr.to_string(),
        &[
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_API_URL", &api.uri()),
        ],
    );

    let ok = runtime.invoke(slash_envelope(
        &api,
        "ok",
        "/echo 日本語 🍣 1+1=2 50%",
        SECRET,
        now_ms(),
    ));
    assert_eq!(
        runtime.answer(&ok, Duration::from_secs(20)).await,
        Some(Answer::Success(json!({"handled": 1, "replied": 1})))
    );
    assert_eq!(
        replies_to(&api, "ok").await,
        vec![json!({"response_type": "ephemeral", "text": "日本語 🍣 1+1=2 50%"})]
    );

    // A bad signature is not worth a retry: success, no reply, one log line.
    let bad = runtime.invoke(slash_envelope(
        &api,
        "bad",
        "/echo hi",
        "wrong-secret",
        now_ms(),
    ));
    assert!(matches!(
        runtime.answer(&bad, Duration::from_secs(10)).await,
        Some(Answer::Success(_))
    ));
    assert!(replies_to(&api, "bad").await.is_empty());
    let lines = function.logged_for("req-bad").await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["outcome"], "rejected");
    assert_eq!(
        lines[0]["reason"],
        "X-Slack-Signature does not match the request body"
    );
    assert_eq!(lines[0]["route"], "/slack/commands");

    // An event that waited in Lambda's queue is judged by the gateway's receive time: an Envelope
    // received ten minutes ago and signed then is still genuine...
    let late = runtime.invoke(slash_envelope(
        &api,
        "late",
        "/ping",
        SECRET,
        now_ms() - 600_000,
    ));
    assert!(matches!(
        runtime.answer(&late, Duration::from_secs(10)).await,
        Some(Answer::Success(_))
    ));
    assert_eq!(
        replies_to(&api, "late").await,
        vec![json!({"response_type": "ephemeral", "text": "pong"})]
    );

    // Malformed events are answered, and the worker keeps running.
    let junk =
        runtime.invoke(r#"{"route":"/slack/commands","received_at_ms":1,"body":"%%%"}"#.into());
    assert!(
        runtime
            .answer(&junk, Duration::from_secs(10))
            .await
            .is_some()
    );
    let after = runtime.invoke(slash_envelope(&api, "after", "/ping", SECRET, now_ms()));
    assert!(matches!(
        runtime.answer(&after, Duration::from_secs(10)).await,
        Some(Answer::Success(_))
    ));

    let processed = function.logged_for("req-ok").await;
    assert_eq!(processed.len(), 1);
    for field in ["route", "request_id", "outcome", "total_ms", "waited_ms"] {
        assert!(
            processed[0].get(field).is_some(),
            "missing {field}: {}",
            processed[0]
        );
    }
    let all = function
        .logs()
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!all.contains(SECRET));
}

#[tokio::test]
async fn failing_platform_api_fails_the_invocation_for_lambda_to_retry() {
    let api = slack_api(503).await;
    let runtime = RuntimeApi::start().await;
    let function = Server::lambda(
        &runtime.addr.to_string(),
        &[
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_API_URL", &api.uri()),
        ],
    );
    let id = runtime.invoke(slash_envelope(&api, "down", "/ping", SECRET, now_ms()));
    let answer = runtime
        .answer(&id, Duration::from_secs(30))
        .await
        .expect("an answer");
    let Answer::Error(error) = answer else {
        panic!("expected an error, got {answer:?}")
    };
    let message = error["errorMessage"].as_str().unwrap();
    assert!(message.contains("gave up after 4 attempts"), "{message}");
    assert_eq!(replies_to(&api, "down").await.len(), 4, "bounded retries");
    // One ERROR line for the failure, with its request id: an ERROR metric filter counts it
    // once (lambda_runtime's own line about the handler's error is held back).
    let errors: Vec<Value> = (function.logs().into_iter())
        .filter(|l| l["level"] == "ERROR")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["request_id"], "req-down", "{errors:#?}");
}

#[tokio::test]
async fn secrets_come_from_secrets_manager_when_an_arn_is_set() {
    let api = slack_api(200).await;
    // A stand-in of Secrets Manager's GetSecretValue that insists on a SigV4-signed call.
    let app = axum::Router::new().route(
        "/",
        post(|headers: HeaderMap, body: String| async move {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let signed = auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
                && auth.contains("/eu-west-1/secretsmanager/aws4_request")
                && auth.contains("Signature=");
            let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
            let token = headers
                .get("x-amz-security-token")
                .and_then(|v| v.to_str().ok());
            let request: Value = serde_json::from_str(&body).unwrap_or_default();
            if !signed
                || target != Some("secretsmanager.GetSecretValue")
                || token != Some("session-token")
            {
                return (
                    StatusCode::BAD_REQUEST,
                    json!({"__type": "InvalidSignatureException"}).to_string(),
                );
            }
            let secret = json!({"SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": "xoxb-from-sm"})
                .to_string();
            (
                StatusCode::OK,
                json!({"ARN": request["SecretId"], "Name": "ackbot", "SecretString": secret})
                    .to_string(),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let runtime = RuntimeApi::start().await;
    let function = Server::lambda(
        &runtime.addr.to_string(),
        &[
            (
                "ACKBOT_SECRET_ARN",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ackbot-AbCdEf",
            ),
            ("AWS_ENDPOINT_URL_SECRETS_MANAGER", &endpoint),
            ("AWS_ACCESS_KEY_ID", "AKIDTEST"),
            ("AWS_SECRET_ACCESS_KEY", "not-a-real-key"),
            ("AWS_SESSION_TOKEN", "session-token"),
            ("SLACK_API_URL", &api.uri()),
            // Ignored when the ARN is set: secrets never come from plain variables then.
            ("SLACK_SIGNING_SECRET", "an-old-plain-variable"),
        ],
    );
    let id = runtime.invoke(slash_envelope(
        &api,
        "sm",
        "/echo from secrets manager",
        SECRET,
        now_ms(),
    ));
    assert_eq!(
        runtime.answer(&id, Duration::from_secs(20)).await,
        Some(Answer::Success(json!({"handled": 1, "replied": 1}))),
        "logs: {:?}",
        function.logs()
    );
    let all = function
        .logs()
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !all.contains(SECRET) && !all.contains("xoxb-from-sm") && !all.contains("not-a-real-key")
    );
}

#[tokio::test]
async fn line_event_that_waited_in_the_queue_is_pushed_not_replied() {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sentMessages": []})))
        .mount(&api)
        .await;
    let runtime = RuntimeApi::start().await;
    let line_api = api.uri();
    let _function = Server::lambda(
        &runtime.addr.to_string(),
        &[
            ("LINE_CHANNEL_SECRET", "channel_secret"),
            ("LINE_CHANNEL_ACCESS_TOKEN", "token"),
            ("LINE_API_URL", &line_api),
        ],
    );
    let event_id = ackbot_line::sample::webhook_event_id();
    let body = ackbot_line::sample::text_message_with_id(
        "echo 遅延",
        "U1234567890abcdef1234567890abcdef",
        false,
        &event_id,
    );
    // Received by API Gateway two minutes ago: the reply token has expired by now.
    let envelope =
        ackbot_line::sample::signed_envelope(&body, "channel_secret", now_ms() - 120_000)
            .with_request_id("req-line");

    let id = runtime.invoke(String::from_utf8(envelope.to_json()).unwrap());
    assert_eq!(
        runtime.answer(&id, Duration::from_secs(20)).await,
        Some(Answer::Success(json!({"handled": 1, "replied": 1})))
    );
    let received = api.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.path(), "/v2/bot/message/push");
    assert_eq!(
        received[0].headers["x-line-retry-key"].to_str().unwrap(),
        ackbot_line::retry_key(&event_id, 0).to_string()
    );
}

#[tokio::test]
async fn a_reply_the_platform_refuses_for_good_is_not_retried() {
    // An expired response_url (Slack allows 30 minutes; an event can wait hours in Lambda's queue)
    // answers 404: retrying the invocation would only fail again.
    let api = slack_api(404).await;
    let runtime = RuntimeApi::start().await;
    let function = Server::lambda(
        &runtime.addr.to_string(),
        &[
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_API_URL", &api.uri()),
        ],
    );
    let id = runtime.invoke(slash_envelope(&api, "expired", "/ping", SECRET, now_ms()));
    assert_eq!(
        runtime.answer(&id, Duration::from_secs(20)).await,
        Some(Answer::Success(json!({"handled": 1, "replied": 0})))
    );
    assert_eq!(
        replies_to(&api, "expired").await.len(),
        1,
        "a 404 is not retried"
    );
    let line = &function.logged_for("req-expired").await[0];
    assert_eq!(line["outcome"], "undeliverable");
    assert!(line["reason"].as_str().unwrap().contains("404"), "{line}");
}
