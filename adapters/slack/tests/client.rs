//! `SlackClient` against a local stand-in of Slack: the exact JSON sent, retries on 5xx and 429,
//! no retry on 4xx, and no token or `response_url` in any error.

use std::time::Duration;

use bot_core::retry::RetryPolicy;
use bot_core::Reply;
use bot_slack::{ConfigError, ReplyError, SlackClient, SlackConfig};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "xoxb-1234-very-secret-token";
const HOOK_PATH: &str = "/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN";
const HOOK_SECRET: &str = "96rGlfmibIGlgcZRskXaIFfN";

fn client(server: &MockServer) -> SlackClient {
    let config = SlackConfig::new("signing")
        .with_bot_token(TOKEN)
        .with_api_url(format!("{}/api/", server.uri()))
        .with_retry(RetryPolicy::fixed(3, Duration::from_millis(5)));
    SlackClient::new(&config).unwrap()
}

fn hook(server: &MockServer) -> String {
    format!("{}{HOOK_PATH}", server.uri())
}

fn ok_json() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
}

#[tokio::test]
async fn response_url_gets_the_exact_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(HOOK_PATH))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(json!({
            "response_type": "ephemeral",
            "text": "こんにちは 👋 a+b 100%",
        })))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(&server)
        .await;
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*hi* 🎉"}}]);
    Mock::given(method("POST"))
        .and(path(HOOK_PATH))
        .and(body_json(json!({
            "response_type": "in_channel",
            "text": "hi",
            "blocks": blocks,
        })))
        .respond_with(ok_json())
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    c.respond(&hook(&server), &Reply::text("こんにちは 👋 a+b 100%"))
        .await
        .unwrap();
    let reply = Reply::text("hi").in_channel().with_slack_blocks(blocks);
    c.respond(&hook(&server), &reply).await.unwrap();
    // UTF-8 on the wire, not \u escapes.
    let sent = server.received_requests().await.unwrap();
    assert!(String::from_utf8_lossy(&sent[0].body).contains("こんにちは 👋"));
    assert!(sent[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn post_message_sends_bearer_token_and_exact_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/chat.postMessage"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header(
            "user-agent",
            concat!("ackbot/", env!("CARGO_PKG_VERSION")),
        ))
        .and(body_json(json!({
            "channel": "C123",
            "text": "絵文字 🍣",
            "thread_ts": "1700000000.000100",
        })))
        .respond_with(ok_json())
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .post_message("C123", Some("1700000000.000100"), &Reply::text("絵文字 🍣"))
        .await
        .unwrap();
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok_json())
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .respond(&hook(&server), &Reply::text("x"))
        .await
        .unwrap();
}

#[tokio::test]
async fn rate_limit_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok_json())
        .expect(1)
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    client(&server)
        .post_message("C1", None, &Reply::text("x"))
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn ratelimited_in_an_ok_false_body_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": "ratelimited"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok_json())
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .post_message("C1", None, &Reply::text("x"))
        .await
        .unwrap();
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string("invalid_payload"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .respond(&hook(&server), &Reply::text("x"))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ReplyError::Api {
            status: 400,
            message: "invalid_payload".into()
        }
    );
}

#[tokio::test]
async fn exhausted_retries_say_how_many_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server)
        .post_message("C1", None, &Reply::text("x"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "gave up after 3 attempts: Slack answered HTTP 503: upstream down"
    );
}

#[tokio::test]
async fn ok_false_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "channel_not_found"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .post_message("C404", None, &Reply::text("x"))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ReplyError::Api {
            status: 200,
            message: "channel_not_found".into()
        }
    );
}

#[tokio::test]
async fn post_message_needs_json_back() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy</html>"))
        .mount(&server)
        .await;
    let error = client(&server)
        .post_message("C1", None, &Reply::text("x"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("not a Slack API response"),
        "{error}"
    );
}

#[tokio::test]
async fn missing_token_is_clear_and_sends_nothing() {
    let server = MockServer::start().await;
    let config = SlackConfig::new("signing")
        .with_bot_token("  ")
        .with_api_url(server.uri());
    let error = SlackClient::new(&config)
        .unwrap()
        .post_message("C1", None, &Reply::text("x"))
        .await
        .unwrap_err();
    assert_eq!(error, ReplyError::MissingToken);
    assert!(error.to_string().contains("SLACK_BOT_TOKEN"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn errors_never_contain_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).set_body_string(format!("bad token {TOKEN} given")),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .post_message("C1", None, &Reply::text("x"))
        .await
        .unwrap_err();
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(text.contains("401"), "{text}");
    }
}

#[tokio::test]
async fn errors_never_contain_the_response_url() {
    // A port nobody listens on: the connection is refused and retried.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = SlackConfig::new("s").with_retry(RetryPolicy::fixed(2, Duration::ZERO));
    let url = format!("http://127.0.0.1:{port}{HOOK_PATH}");
    let error = SlackClient::new(&config)
        .unwrap()
        .respond(&url, &Reply::text("x"))
        .await
        .unwrap_err();
    assert!(matches!(error, ReplyError::GaveUp { attempts: 2, .. }));
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(HOOK_SECRET), "{text}");
    }

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(404).set_body_string(format!("no {HOOK_PATH}")))
        .mount(&server)
        .await;
    let error = client(&server)
        .respond(&hook(&server), &Reply::text("x"))
        .await
        .unwrap_err();
    assert!(!error.to_string().contains(HOOK_SECRET), "{error}");
    // (That the reply target's Debug hides the path is checked in `src/target.rs`.)
}

#[test]
fn bad_api_url_is_refused() {
    let config = SlackConfig::new("s").with_api_url("not a url");
    assert_eq!(
        SlackClient::new(&config).unwrap_err(),
        ConfigError::BadApiUrl("not a url".into())
    );
}
