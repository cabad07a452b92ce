//! `SlackClient` against a local stand-in of Slack: the exact JSON sent, retries on 5xx and 429,
//! no retry on 4xx, and no token or `response_url` in any error.

use std::time::Duration;

use ackbot_core::Reply;
use ackbot_core::retry::RetryPolicy;
use ackbot_slack::{ConfigError, ReplyError, SlackClient, SlackConfig};
use serde_json::json;
use wiremock::matchers::{body_json, body_string, header, method, path};
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
async fn rate_limit_honours_retry_after_as_an_http_date() {
    let server = MockServer::start().await;
    // Two seconds ahead, to the second as HTTP-dates are: a wait of one to two seconds.
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", httpdate::fmt_http_date(at).as_str()),
        )
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
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_the_policy_allows_gives_up_at_once_as_retryable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let error = client(&server)
        .post_message("C1", None, &Reply::text("x"))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        matches!(error, ReplyError::GaveUp { attempts: 1, .. }),
        "{error:?}"
    );
    assert!(error.is_retryable(), "the Envelope is tried again later");
    assert!(error.to_string().contains("Retry-After 3600 s"), "{error}");
}

#[tokio::test]
async fn an_answer_slower_than_the_configured_timeout_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok_json().set_delay(Duration::from_secs(2)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok_json())
        .expect(1)
        .mount(&server)
        .await;
    let config = SlackConfig::new("signing")
        .with_bot_token(TOKEN)
        .with_api_url(format!("{}/api/", server.uri()))
        .with_retry(RetryPolicy::fixed(2, Duration::from_millis(5)))
        .with_http_timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    SlackClient::new(&config)
        .unwrap()
        .post_message("C1", None, &Reply::text("x"))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait it out"
    );
}

#[tokio::test]
async fn a_lasting_timeout_says_how_long_it_waited() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok_json().set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let config = SlackConfig::new("signing")
        .with_bot_token(TOKEN)
        .with_api_url(format!("{}/api/", server.uri()))
        .with_retry(RetryPolicy::fixed(2, Duration::from_millis(5)))
        .with_http_timeout(Duration::from_millis(200));
    let error = SlackClient::new(&config)
        .unwrap()
        .post_message("C1", None, &Reply::text("x"))
        .await
        .unwrap_err();
    assert!(error.is_retryable());
    assert!(
        error.to_string().contains("timed out after 200 ms"),
        "{error}"
    );
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
    let config = SlackConfig::new("s")
        .with_api_url(format!("http://127.0.0.1:{port}/api"))
        .with_retry(RetryPolicy::fixed(2, Duration::ZERO));
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

// The Web API inside handlers: `call`, `call_form` and the typed methods.

fn api_path(method: &str) -> String {
    format!("/api/{method}")
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

fn ok_with(extra: serde_json::Value) -> ResponseTemplate {
    let mut body = json!({"ok": true});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    ResponseTemplate::new(200).set_body_json(body)
}

fn slack_error(word: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": word}))
}

fn modal() -> serde_json::Value {
    json!({
        "type": "modal",
        "callback_id": "deploy",
        "title": {"type": "plain_text", "text": "デプロイ 🚀"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Ship it?"}}],
    })
}

#[tokio::test]
async fn call_posts_json_and_returns_the_whole_response() {
    let server = MockServer::start().await;
    let answer = json!({
        "ok": true,
        "channel": "C123",
        "scheduled_message_id": "Q1298393284",
        "post_at": "1562180400",
    });
    Mock::given(method("POST"))
        .and(path(api_path("chat.scheduleMessage")))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(
            json!({"channel": "C123", "text": "later ⏰", "post_at": 1562180400}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .call(
            "chat.scheduleMessage",
            &json!({"channel": "C123", "text": "later ⏰", "post_at": 1562180400}),
        )
        .await
        .unwrap();
    assert_eq!(response, answer);
}

#[tokio::test]
async fn call_form_posts_a_url_encoded_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(api_path("conversations.history")))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "channel=C123&limit=2&cursor=a%2Bb+c%26d%3D%F0%9F%8D%A3",
        ))
        .respond_with(ok_with(json!({"messages": [], "has_more": false})))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .call_form(
            "conversations.history",
            &[
                ("channel", "C123"),
                ("limit", "2"),
                ("cursor", "a+b c&d=🍣"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        response,
        json!({"ok": true, "messages": [], "has_more": false})
    );
}

#[tokio::test]
async fn chat_post_message_returns_the_ts() {
    let server = MockServer::start().await;
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*done*"}}]);
    Mock::given(method("POST"))
        .and(path(api_path("chat.postMessage")))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(
            json!({"channel": "C123", "text": "done", "blocks": blocks}),
        ))
        .respond_with(ok_with(
            json!({"channel": "C123", "ts": "1503435956.000247"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let reply = Reply::text("done").with_slack_blocks(blocks.clone());
    let response = client(&server)
        .chat_post_message("C123", None, &reply)
        .await
        .unwrap();
    assert_eq!(response["ts"], "1503435956.000247");
}

#[tokio::test]
async fn chat_post_ephemeral_names_the_user() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(api_path("chat.postEphemeral")))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(json!({
            "channel": "C123",
            "user": "U0G9QF9C6",
            "text": "only you 🤫",
            "thread_ts": "1700000000.000100",
        })))
        .respond_with(ok_with(json!({"message_ts": "1502210682.580145"})))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .chat_post_ephemeral(
            "C123",
            "U0G9QF9C6",
            Some("1700000000.000100"),
            &Reply::text("only you 🤫"),
        )
        .await
        .unwrap();
    assert_eq!(response["message_ts"], "1502210682.580145");
}

#[tokio::test]
async fn chat_update_replaces_text_and_blocks() {
    let server = MockServer::start().await;
    // Without blocks in the reply, `blocks: []` removes the old ones.
    Mock::given(method("POST"))
        .and(path(api_path("chat.update")))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(json!({
            "channel": "C123",
            "ts": "1401383885.000061",
            "text": "updated",
            "blocks": [],
        })))
        .respond_with(ok_with(
            json!({"channel": "C123", "ts": "1401383885.000061", "text": "updated"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let blocks = json!([{"type": "divider"}]);
    Mock::given(method("POST"))
        .and(path(api_path("chat.update")))
        .and(body_json(json!({
            "channel": "C123",
            "ts": "1401383885.000061",
            "text": "with blocks",
            "blocks": blocks,
        })))
        .respond_with(ok_with(json!({"ts": "1401383885.000061"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let response = c
        .chat_update("C123", "1401383885.000061", &Reply::text("updated"))
        .await
        .unwrap();
    assert_eq!(response["text"], "updated");
    let reply = Reply::text("with blocks").with_slack_blocks(blocks.clone());
    c.chat_update("C123", "1401383885.000061", &reply)
        .await
        .unwrap();
}

#[tokio::test]
async fn views_open_push_and_update_send_the_view() {
    let server = MockServer::start().await;
    let view = modal();
    let answered = json!({"id": "VMHU10V25", "type": "modal", "hash": "156772938.1827394"});
    Mock::given(method("POST"))
        .and(path(api_path("views.open")))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(
            json!({"trigger_id": "12345.98765.abcd2358fdea", "view": view}),
        ))
        .respond_with(ok_with(json!({"view": answered})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(api_path("views.push")))
        .and(header("authorization", bearer().as_str()))
        .and(body_json(
            json!({"trigger_id": "67890.12345.ffff", "view": view}),
        ))
        .respond_with(ok_with(json!({"view": {"id": "VPUSHED01"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(api_path("views.update")))
        .and(header("authorization", bearer().as_str()))
        .and(body_json(json!({
            "view_id": "VMHU10V25",
            "hash": "156772938.1827394",
            "view": view,
        })))
        .respond_with(ok_with(json!({"view": {"id": "VMHU10V25", "hash": "2"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(api_path("views.update")))
        .and(body_json(json!({"view_id": "VMHU10V25", "view": view})))
        .respond_with(ok_with(json!({"view": {"id": "VMHU10V25", "hash": "3"}})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let opened = c
        .views_open("12345.98765.abcd2358fdea", &view)
        .await
        .unwrap();
    assert_eq!(opened["view"], answered);
    let pushed = c.views_push("67890.12345.ffff", &view).await.unwrap();
    assert_eq!(pushed["view"]["id"], "VPUSHED01");
    let updated = c
        .views_update("VMHU10V25", Some("156772938.1827394"), &view)
        .await
        .unwrap();
    assert_eq!(updated["view"]["hash"], "2");
    let updated = c.views_update("VMHU10V25", None, &view).await.unwrap();
    assert_eq!(updated["view"]["hash"], "3");
}

#[tokio::test]
async fn reactions_add_takes_the_name_without_colons() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(api_path("reactions.add")))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(json!({
            "channel": "C123",
            "timestamp": "1234567890.123456",
            "name": "thumbsup::skin-tone-2",
        })))
        .respond_with(ok_json())
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    for name in ["thumbsup::skin-tone-2", ":thumbsup::skin-tone-2:"] {
        c.reactions_add("C123", "1234567890.123456", name)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn users_info_is_form_encoded_and_returns_the_user() {
    let server = MockServer::start().await;
    let user = json!({
        "id": "W012A3CDE",
        "name": "spengler",
        "real_name": "Egon Spengler",
        "profile": {"display_name": "spengler"},
    });
    Mock::given(method("POST"))
        .and(path(api_path("users.info")))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("user=W012A3CDE"))
        .respond_with(ok_with(json!({"user": user})))
        .expect(1)
        .mount(&server)
        .await;
    let got = client(&server).users_info("W012A3CDE").await.unwrap();
    assert_eq!(got, user);
}

#[tokio::test]
async fn users_info_without_a_user_object_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok_json())
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server).users_info("U1").await.unwrap_err();
    assert!(
        error.to_string().contains("not a Slack API response"),
        "{error}"
    );
}

#[tokio::test]
async fn ok_false_surfaces_slacks_error_word_without_retry() {
    let server = MockServer::start().await;
    for (method_name, word) in [
        ("views.open", "expired_trigger_id"),
        ("users.info", "user_not_found"),
        ("reactions.add", "already_reacted"),
        ("views.update", "hash_conflict"),
    ] {
        Mock::given(method("POST"))
            .and(path(api_path(method_name)))
            .respond_with(slack_error(word))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let expected = |word: &str| ReplyError::Api {
        status: 200,
        message: word.into(),
    };
    let error = c.views_open("1.2.3", &modal()).await.unwrap_err();
    assert_eq!(error, expected("expired_trigger_id"));
    assert!(!error.is_retryable());
    let error = c.users_info("U404").await.unwrap_err();
    assert_eq!(error, expected("user_not_found"));
    let error = c.reactions_add("C1", "1.2", "tada").await.unwrap_err();
    assert_eq!(error, expected("already_reacted"));
    let error = c
        .views_update("V1", Some("old"), &modal())
        .await
        .unwrap_err();
    assert_eq!(error, expected("hash_conflict"));
}

#[tokio::test]
async fn ratelimited_web_api_calls_are_retried_with_the_same_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(api_path("users.info")))
        .respond_with(slack_error("ratelimited"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(api_path("users.info")))
        .and(body_string("user=U1"))
        .respond_with(ok_with(json!({"user": {"id": "U1"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(api_path("views.push")))
        .respond_with(slack_error("ratelimited"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(api_path("views.push")))
        .respond_with(ok_with(json!({"view": {"id": "V2"}})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.users_info("U1").await.unwrap(), json!({"id": "U1"}));
    c.views_push("1.2.3", &modal()).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 5);
    assert_eq!(sent[0].body, sent[1].body);
    assert_eq!(sent[2].body, sent[4].body);
}

#[tokio::test]
async fn web_api_429_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok_with(json!({"view": {"id": "V1"}})))
        .expect(1)
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let opened = client(&server).views_open("1.2.3", &modal()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(opened["view"]["id"], "V1");
}

#[tokio::test]
async fn web_api_server_errors_are_retried_then_given_up() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server)
        .call("chat.postMessage", &json!({"channel": "C1", "text": "x"}))
        .await
        .unwrap_err();
    assert!(matches!(error, ReplyError::GaveUp { attempts: 3, .. }));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn every_web_api_method_needs_the_token_and_sends_nothing_without_it() {
    let server = MockServer::start().await;
    let config = SlackConfig::new("signing").with_api_url(server.uri());
    let c = SlackClient::new(&config).unwrap();
    let reply = Reply::text("x");
    let view = modal();
    let errors = [
        c.call("chat.postMessage", &json!({})).await.unwrap_err(),
        c.call_form("users.info", &[("user", "U1")])
            .await
            .unwrap_err(),
        c.chat_post_message("C1", None, &reply).await.unwrap_err(),
        c.chat_post_ephemeral("C1", "U1", None, &reply)
            .await
            .unwrap_err(),
        c.chat_update("C1", "1.2", &reply).await.unwrap_err(),
        c.views_open("1.2.3", &view).await.unwrap_err(),
        c.views_update("V1", None, &view).await.unwrap_err(),
        c.views_push("1.2.3", &view).await.unwrap_err(),
        c.reactions_add("C1", "1.2", "tada").await.unwrap_err(),
        c.users_info("U1").await.unwrap_err(),
    ];
    for error in errors {
        assert_eq!(error, ReplyError::MissingToken);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn bad_method_names_are_refused_without_a_request() {
    let server = MockServer::start().await;
    let c = client(&server);
    for bad in [
        "",
        "chat",
        "..",
        "../../admin",
        "chat.postMessage?token=x",
        "chat.postMessage/../../x",
        "chat.postMessage#frag",
        "chat.post Message",
        "https://evil.example/x",
    ] {
        for error in [
            c.call(bad, &json!({})).await.unwrap_err(),
            c.call_form(bad, &[]).await.unwrap_err(),
        ] {
            let ReplyError::InvalidCall(message) = &error else {
                panic!("{bad}: {error:?}");
            };
            assert!(
                message.contains("not a Slack Web API method name"),
                "{message}"
            );
            assert!(!error.is_retryable());
        }
    }
    // And a body that is not a JSON object.
    let error = c
        .call("chat.postMessage", &json!(["C1"]))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("JSON object"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn web_api_errors_never_contain_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(api_path("users.info")))
        .respond_with(
            ResponseTemplate::new(401).set_body_string(format!("bad token {TOKEN} given")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(api_path("views.open")))
        .respond_with(slack_error(&format!("invalid_auth:{TOKEN}")))
        .mount(&server)
        .await;
    let c = client(&server);
    let errors = [
        c.users_info("U1").await.unwrap_err(),
        c.views_open("1.2.3", &modal()).await.unwrap_err(),
        c.call(&format!("chat.{TOKEN}"), &json!({}))
            .await
            .unwrap_err(),
        c.call(&format!("{TOKEN}/x"), &json!({})).await.unwrap_err(),
    ];
    for error in errors {
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(TOKEN), "{text}");
        }
    }
    assert!(!format!("{c:?}").contains(TOKEN));
}

// --- Where response_urls may point, and how much of an answer is read --------------------------

#[tokio::test]
async fn a_response_url_elsewhere_than_slack_is_refused_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .named("only the loopback edge's reply")
        .mount(&server)
        .await;
    // The API is elsewhere: this loopback server is not Slack's, nor the API's host.
    let config = SlackConfig::new("s").with_api_url("https://slack.com/api");
    let strict = SlackClient::new(&config).unwrap();
    let error = strict
        .respond(&hook(&server), &Reply::text("x"))
        .await
        .unwrap_err();
    assert!(matches!(error, ReplyError::InvalidCall(_)), "{error:?}");
    assert!(!error.is_retryable());
    let text = error.to_string();
    assert!(
        text.contains("not Slack's") && !text.contains(HOOK_SECRET),
        "{text}"
    );
    // A developer's loopback edge may allow loopback response_urls (`ackbot send`'s listener).
    let local = SlackClient::new(&config.with_loopback_response_urls(true)).unwrap();
    let error = local.respond(&hook(&server), &Reply::text("x")).await;
    assert!(error.is_ok(), "{error:?}");
}

#[tokio::test]
async fn a_redirecting_response_url_is_not_followed() {
    // Followed, the path (a credential) would go to the redirect's target, in its `Referer` too.
    let elsewhere = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .named("the redirect's target")
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/stolen", elsewhere.uri()).as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .respond(&hook(&server), &Reply::text("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ReplyError::Api { status: 307, .. }),
        "a redirect is an answer, not followed: {error:?}"
    );
    assert!(!error.to_string().contains(HOOK_SECRET), "{error}");
}

#[tokio::test]
async fn a_huge_answer_is_read_only_up_to_the_cap() {
    let endless = ackbot_core::testing::EndlessServer::start("HTTP/1.1 200 OK");
    let url = endless.url.clone();
    let config = SlackConfig::new("s").with_api_url(format!("{url}/api"));
    let client = SlackClient::new(&config).unwrap();
    // A response_url's answer is not needed: the reply was delivered (200), the rest unread.
    client
        .respond(&format!("{url}{HOOK_PATH}"), &Reply::text("x"))
        .await
        .unwrap();
    let config = config.with_bot_token(TOKEN);
    let error = SlackClient::new(&config)
        .unwrap()
        .call("chat.postMessage", &json!({"channel": "C1", "text": "x"}))
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("larger than 4194304 bytes"), "{text}");
    // Had the client read on, it could not have returned before the server wrote it all.
    let sent = endless.written();
    assert!(
        sent < 32 * 1024 * 1024,
        "the server wrote {sent} bytes before the client hung up"
    );
}
