//! End to end: signed LINE webhooks through the real `ackbot serve`, with the Messaging API on a
//! local stand-in (wiremock).

use std::time::{Duration, Instant};

use crate::common::Server;
use ackbot_core::SecretString;
use ackbot_line::sample;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "channel_secret";
const TOKEN: &str = "line-access-token-for-tests";
const USER: &str = "U4af4980629a1b2c3d4e5f60718293a4b";
/// Why a webhook signed with another secret, or changed after signing, is rejected.
const MISMATCH: &str =
    "the x-line-signature does not match the body for any configured channel secret";

/// A LINE API stand-in where reply and push answer `status` and loading answers 202.
async fn line_api(reply: u16, push: u16) -> MockServer {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/bot/message/reply"))
        .respond_with(
            ResponseTemplate::new(reply)
                .set_body_json(json!({"sentMessages": [{"id": "1", "quoteToken": "q"}]})),
        )
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/bot/message/push"))
        .respond_with(
            ResponseTemplate::new(push)
                .insert_header(
                    "x-line-accepted-request-id",
                    "4e5c1d1a-d8e7-4d3b-9a1e-3c8e5e7f0a11",
                )
                .set_body_json(if push == 409 {
                    json!({"message": "The retry key is already accepted"})
                } else {
                    json!({"sentMessages": [{"id": "2", "quoteToken": "q"}]})
                }),
        )
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/bot/chat/loading/start"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .mount(&api)
        .await;
    api
}

fn serve(api: &MockServer, secret: &str, extra: &[(&str, &str)]) -> Server {
    let url = api.uri();
    let mut env = vec![
        ("LINE_CHANNEL_SECRET", secret),
        ("LINE_CHANNEL_ACCESS_TOKEN", TOKEN),
        ("LINE_API_URL", url.as_str()),
    ];
    env.extend_from_slice(extra);
    Server::start(&env)
}

/// Posts `body` signed with `secret`; returns (status, request id).
async fn post(server: &Server, body: &str, secret: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{}/line/webhook", server.url))
        .header("content-type", "application/json; charset=utf-8")
        .header(
            "X-Line-Signature",
            ackbot_line::sign(&SecretString::from(secret), body.as_bytes()),
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-ackbot-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    (response.status().as_u16(), id)
}

fn event(text: &str, token: &str, event_id: &str, redelivery: bool) -> String {
    sample::webhook(json!([sample::text_event(
        text, USER, token, event_id, redelivery, "active"
    )]))
}

async fn done(server: &Server, request_id: &str) -> Value {
    server
        .wait_for_log(
            |l| l["request_id"] == request_id && l.get("outcome").is_some(),
            Duration::from_secs(15),
        )
        .await
        .unwrap_or_else(|| panic!("no outcome logged for {request_id}: {:?}", server.logs()))
}

async fn calls(api: &MockServer, endpoint: &str) -> Vec<(Request, Value)> {
    api.received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == endpoint)
        .map(|r| {
            let body = serde_json::from_slice(&r.body).unwrap();
            (r, body)
        })
        .collect()
}

#[tokio::test]
async fn echo_round_trip_with_japanese_and_emoji() {
    let api = line_api(200, 200).await;
    let server = serve(&api, SECRET, &[]);
    let text = "こんにちは 世界 👨‍👩‍👧 🍣 \"quoted\" \\ 100%";
    let (status, id) = post(
        &server,
        &event(
            &format!("echo {text}"),
            "token-echo",
            &sample::webhook_event_id(),
            false,
        ),
        SECRET,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(done(&server, &id).await["outcome"], "processed");
    let replies = calls(&api, "/v2/bot/message/reply").await;
    assert_eq!(replies.len(), 1);
    let (request, body) = &replies[0];
    assert_eq!(
        request.headers["authorization"],
        format!("Bearer {TOKEN}").as_str()
    );
    assert_eq!(
        body,
        &json!({"replyToken": "token-echo", "messages": [{"type": "text", "text": text}]})
    );
    let all = server
        .logs()
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!all.contains(TOKEN) && !all.contains(SECRET));
}

#[tokio::test]
async fn verify_request_is_acknowledged_without_api_calls() {
    let api = line_api(200, 200).await;
    let server = serve(&api, SECRET, &[]);
    let (status, id) = post(&server, &sample::webhook(json!([])), SECRET).await;
    assert_eq!(status, 200);
    let line = done(&server, &id).await;
    assert_eq!(
        (line["outcome"].as_str(), line["handled"].as_u64()),
        (Some("processed"), Some(0))
    );
    assert!(api.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn standby_mode_sends_nothing() {
    let api = line_api(200, 200).await;
    let server = serve(&api, SECRET, &[]);
    let body = sample::webhook(json!([sample::text_event(
        "echo hi",
        USER,
        "",
        &sample::webhook_event_id(),
        false,
        "standby"
    )]));
    let (_, id) = post(&server, &body, SECRET).await;
    assert_eq!(done(&server, &id).await["skipped"], 1);
    assert!(api.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn redelivered_duplicate_is_answered_once() {
    let api = line_api(200, 200).await;
    let server = serve(&api, SECRET, &[]);
    let event_id = sample::webhook_event_id();
    let (_, first) = post(
        &server,
        &event("echo once", "token-dup", &event_id, false),
        SECRET,
    )
    .await;
    done(&server, &first).await;
    let (status, second) = post(
        &server,
        &event("echo once", "token-dup", &event_id, true),
        SECRET,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(done(&server, &second).await["duplicates"], 1);
    let sent = calls(&api, "/v2/bot/message/reply").await.len()
        + calls(&api, "/v2/bot/message/push").await.len();
    assert_eq!(sent, 1, "exactly one reply");
}

#[tokio::test]
async fn expired_token_is_replaced_by_a_push_with_a_retry_key() {
    let api = line_api(200, 200).await;
    // A reply-token lifetime of 0: every reply is late, as after a long queue or a slow handler.
    let server = serve(&api, SECRET, &[("ACKBOT_LINE_REPLY_TOKEN_TTL_MS", "0")]);
    let event_id = sample::webhook_event_id();
    let (_, id) = post(
        &server,
        &event("echo late", "token-late", &event_id, false),
        SECRET,
    )
    .await;
    assert_eq!(done(&server, &id).await["replied"], 1);
    assert!(calls(&api, "/v2/bot/message/reply").await.is_empty());
    let pushes = calls(&api, "/v2/bot/message/push").await;
    assert_eq!(pushes.len(), 1);
    let (request, body) = &pushes[0];
    assert_eq!(
        body,
        &json!({"to": USER, "messages": [{"type": "text", "text": "late"}]})
    );
    let key = request.headers["x-line-retry-key"].to_str().unwrap();
    assert_eq!(
        key,
        ackbot_line::retry_key(&event_id, 0).to_string(),
        "derived from webhookEventId"
    );
}

#[tokio::test]
async fn redelivery_is_pushed_and_a_409_counts_as_delivered() {
    let api = line_api(200, 409).await;
    let server = serve(&api, SECRET, &[]);
    // A redelivery's reply token may have been used by the first delivery: ackbot pushes, and
    // LINE's 409 for an already accepted retry key means the message was delivered.
    let (_, id) = post(
        &server,
        &event("echo again", "token-re", &sample::webhook_event_id(), true),
        SECRET,
    )
    .await;
    let line = done(&server, &id).await;
    assert_eq!(
        (line["outcome"].as_str(), line["replied"].as_u64()),
        (Some("processed"), Some(1)),
        "{line}"
    );
    assert_eq!(
        calls(&api, "/v2/bot/message/push").await.len(),
        1,
        "409 is not retried"
    );
    assert!(calls(&api, "/v2/bot/message/reply").await.is_empty());
}

#[tokio::test]
async fn tampered_signature_gets_no_call() {
    let api = line_api(200, 200).await;
    let server = serve(&api, SECRET, &[]);
    let body = event("echo pay 10", "token-t", &sample::webhook_event_id(), false);
    let signature = ackbot_line::sign(&SecretString::from(SECRET), body.as_bytes());
    let response = reqwest::Client::new()
        .post(format!("{}/line/webhook", server.url))
        .header("x-line-signature", signature)
        .body(body.replace("pay 10", "pay 99"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let id = response.headers()["x-ackbot-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let line = done(&server, &id).await;
    assert_eq!(line["outcome"], "rejected");
    assert_eq!(line["reason"], MISMATCH, "{line}");
    // The worker logged its one line after it was done: no call can follow it.
    assert!(api.received_requests().await.unwrap().is_empty());
    assert_eq!(server.logs_for(&id).len(), 1);
}

#[tokio::test]
async fn rotated_secrets_are_both_accepted_while_configured() {
    let api = line_api(200, 200).await;
    let server = serve(&api, "old-secret,new-secret", &[]);
    for (secret, token) in [("old-secret", "token-old"), ("new-secret", "token-new")] {
        let (_, id) = post(
            &server,
            &event("ping", token, &sample::webhook_event_id(), false),
            secret,
        )
        .await;
        assert_eq!(done(&server, &id).await["outcome"], "processed", "{secret}");
    }
    let (_, id) = post(
        &server,
        &event("ping", "token-x", &sample::webhook_event_id(), false),
        "retired-secret",
    )
    .await;
    let line = done(&server, &id).await;
    assert_eq!(line["outcome"], "rejected");
    assert_eq!(line["reason"], MISMATCH, "{line}");
    let tokens: Vec<Value> = calls(&api, "/v2/bot/message/reply")
        .await
        .into_iter()
        .map(|(_, b)| b["replyToken"].clone())
        .collect();
    assert_eq!(tokens, vec![json!("token-old"), json!("token-new")]);
}

#[tokio::test]
async fn slow_command_starts_the_loading_animation_first() {
    let api = line_api(200, 200).await;
    let server = serve(&api, SECRET, &[]);
    let started = Instant::now();
    let (_, id) = post(
        &server,
        &event("wait 1", "token-slow", &sample::webhook_event_id(), false),
        SECRET,
    )
    .await;
    done(&server, &id).await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    let received = api.received_requests().await.unwrap();
    let order: Vec<&str> = received.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        order,
        ["/v2/bot/chat/loading/start", "/v2/bot/message/reply"]
    );
    let loading: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(loading["chatId"], USER);
}

#[tokio::test]
async fn missing_channel_secret_value_is_refused_at_start() {
    let err = Server::try_start(&[
        ("LINE_CHANNEL_SECRET", " "),
        ("LINE_CHANNEL_ACCESS_TOKEN", TOKEN),
    ])
    .err()
    .expect("must not start");
    assert!(
        err.contains("LINE_CHANNEL_SECRET is set but empty"),
        "{err}"
    );
}

#[tokio::test]
async fn follow_event_reaches_its_handler() {
    let api = line_api(200, 200).await;
    let server = serve(&api, SECRET, &[]);
    let body = sample::webhook(json!([{
        "type": "follow", "mode": "active", "timestamp": ackbot_core::runtime::now_ms(),
        "source": {"type": "user", "userId": USER}, "replyToken": "token-follow",
        "webhookEventId": sample::webhook_event_id(), "deliveryContext": {"isRedelivery": false},
        "follow": {"isUnblocked": false}
    }]));
    let (_, id) = post(&server, &body, SECRET).await;
    assert_eq!(done(&server, &id).await["replied"], 1);
    let replies = calls(&api, "/v2/bot/message/reply").await;
    assert_eq!(
        replies[0].1["messages"][0]["text"],
        "Hello! Send help to see what I can do."
    );
}
