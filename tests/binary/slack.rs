//! End to end: signed Slack slash commands through the real `ackbot serve`, with `response_url` and
//! the Web API on a local stand-in (wiremock).

use std::time::{Duration, Instant};

use crate::common::Server;
use crate::common::slack::{SECRET, post_signed, serve};
use ackbot_core::SecretString;
use ackbot_core::runtime::now_ms;
use ackbot_slack::sample;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn slack_api() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    server
}

fn response_url(api: &MockServer, id: &str) -> String {
    format!("{}/commands/T0001/{id}/hook-token", api.uri())
}

/// Posts a slash command signed at `timestamp`; returns (status, request id, ack time).
async fn post(
    server: &Server,
    body: &str,
    timestamp: i64,
    secret: &str,
) -> (u16, String, Duration) {
    let started = Instant::now();
    let response = post_signed(server, "/slack/commands", body, timestamp, secret, &[]).await;
    let elapsed = started.elapsed();
    let id = response
        .headers()
        .get("x-ackbot-request-id")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (response.status().as_u16(), id, elapsed)
}

async fn command(
    server: &Server,
    api: &MockServer,
    id: &str,
    typed: &str,
) -> (u16, String, Duration) {
    let body = sample::slash_command(typed, &response_url(api, id));
    post(server, &body, now_ms() / 1000, SECRET).await
}

fn posts_to(received: &[Request], id: &str) -> Vec<Value> {
    received
        .iter()
        .filter(|r| r.url.path().contains(&format!("/{id}/")))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

async fn reply(api: &MockServer, id: &str, timeout: Duration) -> Option<Value> {
    let deadline = Instant::now() + timeout;
    loop {
        let received = api.received_requests().await.unwrap_or_default();
        if let Some(body) = posts_to(&received, id).into_iter().next() {
            return Some(body);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn ack_arrives_at_once_while_the_handler_sleeps() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    let (status, _, ack) = command(&server, &api, "slow", "/wait 3").await;
    assert_eq!(status, 200);
    assert!(ack < Duration::from_millis(500), "ack took {ack:?}");
    let started = Instant::now();
    let body = reply(&api, "slow", Duration::from_secs(15))
        .await
        .expect("a reply");
    assert_eq!(
        body,
        json!({"response_type": "ephemeral", "text": "Waited 3 s."})
    );
    assert!(
        started.elapsed() > Duration::from_secs(2),
        "the reply came after the work"
    );
}

#[tokio::test]
async fn a_replayed_valid_command_is_answered_once() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    let body = sample::slash_command("/echo only once", &response_url(&api, "replay"));
    let now = now_ms() / 1000;
    let (first, _, _) = post(&server, &body, now, SECRET).await;
    assert!(
        reply(&api, "replay", Duration::from_secs(10))
            .await
            .is_some()
    );
    // The same bytes and signature, seconds later: inside the 5-minute window, but a replay.
    let (again, request_id, _) = post(&server, &body, now, SECRET).await;
    assert_eq!((first, again), (200, 200));
    // Its summary line: under load the first may still be settling its claim, and the replay
    // then logs that it is in progress first (a duplicate too).
    let line = server
        .wait_for_log(
            |l| l["request_id"] == request_id.as_str() && l.get("duplicates").is_some(),
            Duration::from_secs(10),
        )
        .await
        .expect("the replay's log line");
    assert_eq!(line["duplicates"], 1, "{line}");
    let received = api.received_requests().await.unwrap();
    assert_eq!(posts_to(&received, "replay").len(), 1);
}

#[tokio::test]
async fn exact_reply_text_arrives_at_response_url() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    let text = "こんにちは 世界 👋🏽 a+b=c 100% %E3 & = ?";
    let (status, _, _) = command(&server, &api, "echo", &format!("/echo {text}")).await;
    assert_eq!(status, 200);
    let body = reply(&api, "echo", Duration::from_secs(10))
        .await
        .expect("a reply");
    assert_eq!(body, json!({"response_type": "ephemeral", "text": text}));
}

#[tokio::test]
async fn help_and_unknown_commands_are_answered() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    command(&server, &api, "help", "/help").await;
    command(&server, &api, "nope", "/nope now").await;
    let help = reply(&api, "help", Duration::from_secs(10)).await.unwrap();
    let help = help["text"].as_str().unwrap();
    for line in [
        "/echo TEXT — Reply with TEXT exactly",
        "/help — ",
        "/ping — ",
        "/wait SECONDS — ",
    ] {
        assert!(help.contains(line), "{help}");
    }
    let unknown = reply(&api, "nope", Duration::from_secs(10)).await.unwrap();
    assert_eq!(
        unknown["text"],
        "I don't know “/nope”. Try /help to see what I can do."
    );
}

async fn assert_dropped(
    server: &Server,
    api: &MockServer,
    id: &str,
    request_id: &str,
    reason: &str,
) {
    let line = server
        .wait_for_log(
            |l| l["request_id"] == request_id && l["outcome"] == "rejected",
            Duration::from_secs(10),
        )
        .await
        .expect("a rejection log line");
    assert!(
        !reason.is_empty(),
        "name the reason the request must be rejected for"
    );
    assert!(line["reason"].as_str().unwrap().contains(reason), "{line}");
    // That line is the worker's last word on the request: no reply can follow it.
    assert!(
        posts_to(&api.received_requests().await.unwrap(), id).is_empty(),
        "no reply may be sent"
    );
    assert_eq!(
        server.logs_for(request_id).len(),
        1,
        "exactly one log line: {:?}",
        server.logs_for(request_id)
    );
    let all = server
        .logs()
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!all.contains(SECRET), "the secret must never be logged");
}

#[tokio::test]
async fn tampered_request_gets_no_reply_and_one_log_line() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    let body = sample::slash_command("/echo pay 10", &response_url(&api, "tampered"));
    let signature = ackbot_slack::sign(
        &SecretString::from(SECRET),
        now_ms() / 1000,
        body.as_bytes(),
    );
    let tampered = body.replace("pay+10", "pay+1000");
    let response = reqwest::Client::new()
        .post(format!("{}/slack/commands", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", (now_ms() / 1000).to_string())
        .header("x-slack-signature", signature)
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "Slack is acknowledged whatever happens next"
    );
    let request_id = response.headers()["x-ackbot-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_dropped(
        &server,
        &api,
        "tampered",
        &request_id,
        "X-Slack-Signature does not match the request body",
    )
    .await;
}

#[tokio::test]
async fn stale_and_future_requests_get_no_reply() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    // The edge's receive time is a moment after `now`: allow a second either way.
    for (id, skew, reason) in [
        ("stale", -302, "s before the receive time"),
        ("future", 302, "s after the receive time"),
    ] {
        let body = sample::slash_command("/echo late", &response_url(&api, id));
        let (status, request_id, _) = post(&server, &body, now_ms() / 1000 + skew, SECRET).await;
        assert_eq!(status, 200);
        assert_dropped(&server, &api, id, &request_id, reason).await;
    }
}

#[tokio::test]
async fn wrong_secret_gets_no_reply() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    let body = sample::slash_command("/echo hi", &response_url(&api, "wrong"));
    let (_, request_id, _) = post(&server, &body, now_ms() / 1000, "another-secret").await;
    assert_dropped(
        &server,
        &api,
        "wrong",
        &request_id,
        "X-Slack-Signature does not match the request body",
    )
    .await;
}

#[tokio::test]
async fn oversized_body_gets_413() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    let body = format!("text={}", "a".repeat(1024 * 1024));
    let (status, _, _) = post(&server, &body, now_ms() / 1000, SECRET).await;
    assert_eq!(status, 413);
    // Exactly at the limit is still accepted.
    let body = "a".repeat(1024 * 1024);
    let (status, _, _) = post(&server, &body, now_ms() / 1000, SECRET).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn full_queue_answers_503() {
    let api = slack_api().await;
    let server = serve(
        &api,
        &[("ACKBOT_WORKERS", "1"), ("ACKBOT_QUEUE_CAPACITY", "1")],
    );
    assert_eq!(command(&server, &api, "busy1", "/wait 3").await.0, 200);
    // Once the one worker has taken the first, the second waits in the one queue slot.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.health().await["queued"] != 0 {
        assert!(
            Instant::now() < deadline,
            "the worker never took the first command"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(command(&server, &api, "busy2", "/wait 0").await.0, 200);
    let (status, _, _) = command(&server, &api, "busy3", "/echo dropped?").await;
    assert_eq!(status, 503);
    // Nothing accepted is lost: both accepted commands are answered.
    assert!(
        reply(&api, "busy1", Duration::from_secs(10))
            .await
            .is_some()
    );
    assert!(
        reply(&api, "busy2", Duration::from_secs(10))
            .await
            .is_some()
    );
}

#[tokio::test]
async fn sigterm_drains_the_queue() {
    let api = slack_api().await;
    let mut server = serve(&api, &[("ACKBOT_WORKERS", "1")]);
    for id in ["drain1", "drain2", "drain3"] {
        assert_eq!(command(&server, &api, id, "/wait 1").await.0, 200);
    }
    server.terminate();
    let status = server
        .wait_exit(Duration::from_secs(20))
        .await
        .expect("exits after draining");
    assert!(status.success(), "{status}");
    let received = api.received_requests().await.unwrap();
    for id in ["drain1", "drain2", "drain3"] {
        assert_eq!(
            posts_to(&received, id),
            vec![json!({"response_type": "ephemeral", "text": "Waited 1 s."})]
        );
    }
}

#[tokio::test]
async fn ssl_check_is_acknowledged_and_does_nothing() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    let (status, request_id, _) =
        post(&server, "ssl_check=1&token=abc", now_ms() / 1000, SECRET).await;
    assert_eq!(status, 200);
    let line = server
        .wait_for_log(
            |l| l["request_id"] == request_id.as_str(),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    assert_eq!(line["outcome"], "processed");
    assert_eq!(line["skipped"], 1);
    assert!(api.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn unconfigured_platform_answers_404_and_health_is_ok() {
    let api = slack_api().await;
    let server = serve(&api, &[]);
    let client = reqwest::Client::new();
    let line = client
        .post(format!("{}/line/webhook", server.url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(line.status(), 404);
    let health: Value = client
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["platforms"], json!(["slack"]));
}

#[tokio::test]
async fn empty_signing_secret_is_refused_at_start() {
    let err = Server::try_start(&[("SLACK_SIGNING_SECRET", "")])
        .err()
        .expect("must not start");
    assert!(
        err.contains("SLACK_SIGNING_SECRET is set but empty"),
        "{err}"
    );
}

#[tokio::test]
async fn configured_ack_status_and_body() {
    let api = slack_api().await;
    let server = serve(
        &api,
        &[
            ("ACKBOT_ACK_STATUS", "202"),
            (
                "ACKBOT_SLACK_COMMAND_ACK_BODY",
                r#"{"response_type":"in_channel"}"#,
            ),
        ],
    );
    let body = sample::slash_command("/ping", &response_url(&api, "ping"));
    let timestamp = now_ms() / 1000;
    let response = reqwest::Client::new()
        .post(format!("{}/slack/commands", server.url))
        .header("x-slack-request-timestamp", timestamp.to_string())
        .header(
            "x-slack-signature",
            ackbot_slack::sign(&SecretString::from(SECRET), timestamp, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(
        response.text().await.unwrap(),
        r#"{"response_type":"in_channel"}"#
    );
    assert_eq!(
        reply(&api, "ping", Duration::from_secs(10)).await.unwrap()["text"],
        "pong"
    );
}
