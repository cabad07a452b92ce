//! Replies through a local stand-in of the LINE API: reply vs push, retries, splitting, and the
//! request bodies checked strictly against LINE's published schemas (line-bot-sdk-rust types).

use std::time::{Duration, Instant};

use crate::common::{TOKEN, adapter, one_work};
use ackbot_core::Reply;
use ackbot_core::adapter::{DeliveryError, Work};
use ackbot_core::retry::RetryPolicy;
use ackbot_core::testing::RECEIVED_AT_MS;
use ackbot_line::{LineAdapter, ReplyError, conversation_retry_key, retry_key, utf16_len};
use line_bot_sdk_rust::line_messaging_api::models::{
    Message, PushMessageRequest, ReplyMessageRequest, ShowLoadingAnimationRequest,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const REPLY: &str = "/v2/bot/message/reply";
const PUSH: &str = "/v2/bot/message/push";
const LOADING: &str = "/v2/bot/chat/loading/start";

const USER_TEXT: &str = include_str!("../data/message_text_quoted.json");
const USER_EVENT_ID: &str = "01H810YECXQQZ37VAXPF6H9E6U";
const USER_ID: &str = "U4af4980629...";
const USER_REPLY_TOKEN: &str = "0f3779fba3b349968c5d07db31eab56f";

const FRESH: i64 = RECEIVED_AT_MS + 1_000;
const EXPIRED: i64 = RECEIVED_AT_MS + 55_000;

/// Parses what we sent as LINE's published request type and checks that nothing was lost on
/// the way: an unknown or misspelled field would be dropped by the parse and show up here.
fn strictly<T: DeserializeOwned + Serialize>(request: &Request) -> T {
    let sent: Value = serde_json::from_slice(&request.body).expect("JSON body");
    let parsed: T = serde_json::from_value(sent.clone()).unwrap_or_else(|e| {
        panic!("body does not match LINE's schema: {e}\n{sent:#}");
    });
    assert_eq!(
        serde_json::to_value(&parsed).unwrap(),
        sent,
        "body has fields LINE's schema does not know"
    );
    parsed
}

fn texts(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .map(|m| match m {
            Message::TextMessage(t) => t.text.clone(),
            other => panic!("not a text message: {other:?}"),
        })
        .collect()
}

async fn requests_to(server: &MockServer, route: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == route)
        .collect()
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"sentMessages": [{"id": "461230966842064897"}]}))
}

fn line_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "message": message }))
}

async fn mount(server: &MockServer, route: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn mount_once(server: &MockServer, route: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(response)
        .up_to_n_times(1)
        .mount(server)
        .await;
}

fn work(server: &MockServer, body: &str) -> Work {
    one_work(&adapter(&server.uri()), body)
}

fn reply_error(err: DeliveryError) -> ReplyError {
    err.error
        .downcast_ref::<ReplyError>()
        .expect("a ReplyError")
        .clone()
}

#[tokio::test]
async fn reply_token_is_used_while_fresh() {
    let server = MockServer::start().await;
    mount(&server, REPLY, ok()).await;
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("こんにちは 🎉")], FRESH)
        .await
        .unwrap();

    let replies = requests_to(&server, REPLY).await;
    assert_eq!(replies.len(), 1);
    assert!(requests_to(&server, PUSH).await.is_empty());
    let sent: ReplyMessageRequest = strictly(&replies[0]);
    assert_eq!(sent.reply_token, USER_REPLY_TOKEN);
    assert_eq!(texts(&sent.messages), ["こんにちは 🎉"]);
    let agent = replies[0]
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(agent.starts_with("ackbot/"), "{agent}");
}

#[tokio::test]
async fn expired_token_means_push_with_a_retry_key() {
    let server = MockServer::start().await;
    mount(&server, PUSH, ok()).await;
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("late")], EXPIRED)
        .await
        .unwrap();

    assert!(requests_to(&server, REPLY).await.is_empty());
    let pushes = requests_to(&server, PUSH).await;
    assert_eq!(pushes.len(), 1);
    let sent: PushMessageRequest = strictly(&pushes[0]);
    assert_eq!(sent.to, USER_ID);
    assert_eq!(texts(&sent.messages), ["late"]);
    let key = pushes[0]
        .headers
        .get("x-line-retry-key")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(key, retry_key(USER_EVENT_ID, 0).to_string());
}

#[tokio::test]
async fn token_age_is_judged_against_the_configured_ttl() {
    let server = MockServer::start().await;
    mount(&server, REPLY, ok()).await;
    mount(&server, PUSH, ok()).await;
    let adapter =
        LineAdapter::new(crate::common::config(&server.uri()).with_reply_token_ttl_ms(10_000))
            .unwrap();
    let work = one_work(&adapter, USER_TEXT);
    work.delivery
        .deliver(vec![Reply::text("a")], RECEIVED_AT_MS + 9_999)
        .await
        .unwrap();
    work.delivery
        .deliver(vec![Reply::text("b")], RECEIVED_AT_MS + 10_000)
        .await
        .unwrap();
    assert_eq!(requests_to(&server, REPLY).await.len(), 1);
    assert_eq!(requests_to(&server, PUSH).await.len(), 1);
}

#[tokio::test]
async fn redelivery_is_answered_by_push() {
    let server = MockServer::start().await;
    mount(&server, PUSH, ok()).await;
    work(&server, include_str!("../data/redelivery.json"))
        .delivery
        .deliver(vec![Reply::text("again")], FRESH)
        .await
        .unwrap();
    assert!(requests_to(&server, REPLY).await.is_empty());
    let pushes = requests_to(&server, PUSH).await;
    let key = pushes[0]
        .headers
        .get("x-line-retry-key")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(key, retry_key("01H810YECXQQZ37VAXPF6H9E6X", 0).to_string());
}

#[tokio::test]
async fn push_goes_to_the_group_or_room() {
    let server = MockServer::start().await;
    mount(&server, PUSH, ok()).await;
    // A group message is a command when it starts with `/`.
    let group = include_str!("../data/message_text.json")
        .replace("@All @example Good Morning!! (love)", "/echo hi all");
    for body in [group.as_str(), include_str!("../data/message_video.json")] {
        work(&server, body)
            .delivery
            .deliver(vec![Reply::text("hi all")], EXPIRED)
            .await
            .unwrap();
    }
    let to: Vec<String> = requests_to(&server, PUSH)
        .await
        .iter()
        .map(|r| strictly::<PushMessageRequest>(r).to)
        .collect();
    assert_eq!(to, ["Ca56f94637c...", "Ra8dbf4673c..."]);
}

#[tokio::test]
async fn conflict_on_push_means_already_delivered() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        PUSH,
        line_error(409, "The retry key is already accepted").insert_header(
            "x-line-accepted-request-id",
            "123e4567-e89b-12d3-a456-426614174000",
        ),
    )
    .await;
    mount_once(&server, PUSH, ResponseTemplate::new(409)).await;
    let work = work(&server, USER_TEXT);
    for _ in 0..2 {
        work.delivery
            .deliver(vec![Reply::text("once")], EXPIRED)
            .await
            .unwrap();
    }
    assert_eq!(requests_to(&server, PUSH).await.len(), 2);
}

#[tokio::test]
async fn server_error_is_retried() {
    let server = MockServer::start().await;
    mount_once(&server, REPLY, line_error(500, "Internal server error")).await;
    mount(&server, REPLY, ok()).await;
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], FRESH)
        .await
        .unwrap();
    let replies = requests_to(&server, REPLY).await;
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].body, replies[1].body);
}

#[tokio::test]
async fn server_errors_give_up_after_the_policy_s_attempts() {
    let server = MockServer::start().await;
    mount(&server, PUSH, line_error(503, "Service unavailable")).await;
    let err = work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], EXPIRED)
        .await
        .unwrap_err();
    assert!(
        err.retryable,
        "LINE may be back later: worth a retry of the event"
    );
    let e = reply_error(err);
    assert!(
        matches!(
            e,
            ReplyError::Api {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(
        text.contains("/v2/bot/message/push") && text.contains("after 3 attempt"),
        "{text}"
    );
    assert_eq!(requests_to(&server, PUSH).await.len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    mount(
        &server,
        PUSH,
        ResponseTemplate::new(400).set_body_json(json!({
            "message": "The request body has 1 error(s)",
            "details": [{"message": "May not be empty", "property": "messages[0].text"}]
        })),
    )
    .await;
    let err = work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("x")], EXPIRED)
        .await
        .unwrap_err();
    assert_eq!(requests_to(&server, PUSH).await.len(), 1);
    assert!(
        !err.retryable,
        "a refused request fails the same way every time"
    );
    match reply_error(err) {
        ReplyError::Api {
            status,
            message,
            details,
            attempts,
            ..
        } => {
            assert_eq!((status, attempts), (400, 1));
            assert_eq!(message, "The request body has 1 error(s)");
            assert_eq!(details[0].property.as_deref(), Some("messages[0].text"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rate_limit_is_retried_honouring_retry_after() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        PUSH,
        line_error(429, "Too many requests").insert_header("retry-after", "1"),
    )
    .await;
    mount(&server, PUSH, ok()).await;
    let started = Instant::now();
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], EXPIRED)
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    let pushes = requests_to(&server, PUSH).await;
    assert_eq!(pushes.len(), 2);
    // The retry carries the same retry key, so LINE delivers it at most once.
    assert_eq!(
        pushes[0].headers.get("x-line-retry-key"),
        pushes[1].headers.get("x-line-retry-key")
    );
}

#[tokio::test]
async fn lasting_rate_limit_is_a_rate_limited_error() {
    let server = MockServer::start().await;
    mount(&server, PUSH, line_error(429, "Too Many Requests")).await;
    let err = work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], EXPIRED)
        .await
        .unwrap_err();
    assert!(err.retryable);
    let e = reply_error(err);
    assert!(
        matches!(e, ReplyError::RateLimited { attempts: 3, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn an_answer_slower_than_the_configured_timeout_is_a_network_error() {
    let server = MockServer::start().await;
    mount(&server, PUSH, ok().set_delay(Duration::from_secs(2))).await;
    let adapter = LineAdapter::new(
        crate::common::config(&server.uri())
            .with_retry(RetryPolicy::fixed(2, Duration::from_millis(5)))
            .with_http_timeout(Duration::from_millis(200)),
    )
    .unwrap();
    let started = Instant::now();
    let err = one_work(&adapter, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], EXPIRED)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait it out"
    );
    assert!(err.retryable);
    let e = reply_error(err);
    assert!(
        matches!(e, ReplyError::Network { attempts: 2, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("timed out after 200 ms"), "{e}");
}

#[tokio::test]
async fn the_monthly_limit_is_not_retried() {
    let server = MockServer::start().await;
    mount(
        &server,
        PUSH,
        line_error(429, "You have reached your monthly limit."),
    )
    .await;
    let err = work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], EXPIRED)
        .await
        .unwrap_err();
    assert!(!err.retryable, "no retry helps before the quota resets");
    let e = reply_error(err);
    assert!(
        matches!(e, ReplyError::MonthlyLimit { attempts: 1, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("monthly message quota"), "{e}");
    assert_eq!(requests_to(&server, PUSH).await.len(), 1);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    // Two seconds ahead, to the second as HTTP-dates are: a wait of one to two seconds.
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    mount_once(
        &server,
        PUSH,
        line_error(503, "Service Unavailable")
            .insert_header("retry-after", httpdate::fmt_http_date(at).as_str()),
    )
    .await;
    mount(&server, PUSH, ok()).await;
    let started = Instant::now();
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], EXPIRED)
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
    assert_eq!(requests_to(&server, PUSH).await.len(), 2);
}

#[tokio::test]
async fn invalid_reply_token_falls_back_to_push() {
    let server = MockServer::start().await;
    mount(&server, REPLY, line_error(400, "Invalid reply token")).await;
    mount(&server, PUSH, ok()).await;
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], FRESH)
        .await
        .unwrap();
    assert_eq!(requests_to(&server, REPLY).await.len(), 1);
    let pushes = requests_to(&server, PUSH).await;
    assert_eq!(pushes.len(), 1);
    let sent: PushMessageRequest = strictly(&pushes[0]);
    assert_eq!(
        (sent.to.as_str(), texts(&sent.messages)),
        (USER_ID, vec!["hi".to_string()])
    );
    assert!(pushes[0].headers.get("x-line-retry-key").is_some());
}

#[tokio::test]
async fn a_token_spent_by_an_uncertain_attempt_is_not_followed_by_a_push() {
    // The first reply answered 500 (LINE may have delivered it), the retry with the same token
    // is refused as invalid: the first went through, so pushing would say it twice.
    let server = MockServer::start().await;
    mount_once(&server, REPLY, line_error(500, "Internal Server Error")).await;
    mount(&server, REPLY, line_error(400, "Invalid reply token")).await;
    mount(&server, PUSH, ok()).await;
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("once")], FRESH)
        .await
        .unwrap();
    assert_eq!(requests_to(&server, REPLY).await.len(), 2);
    assert!(
        requests_to(&server, PUSH).await.is_empty(),
        "no second copy"
    );
}

#[tokio::test]
async fn a_token_refused_after_a_certain_failure_is_followed_by_a_push() {
    // A 429 means LINE did not take the first attempt: an invalid token then is no delivery.
    let server = MockServer::start().await;
    mount_once(
        &server,
        REPLY,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "0")
            .set_body_json(serde_json::json!({"message": "Too Many Requests"})),
    )
    .await;
    mount(&server, REPLY, line_error(400, "Invalid reply token")).await;
    mount(&server, PUSH, ok()).await;
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("once")], FRESH)
        .await
        .unwrap();
    assert_eq!(requests_to(&server, PUSH).await.len(), 1);
}

#[tokio::test]
async fn long_text_is_split_into_messages_that_fit() {
    let server = MockServer::start().await;
    mount(&server, REPLY, ok()).await;
    // 12,000 characters of Japanese and emoji, with no space to split at.
    let text: String = "日本語のテキスト🎌😀".repeat(1_200);
    assert_eq!(text.chars().count(), 12_000);
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text(text.clone())], FRESH)
        .await
        .unwrap();
    let replies = requests_to(&server, REPLY).await;
    assert_eq!(replies.len(), 1);
    let sent: ReplyMessageRequest = strictly(&replies[0]);
    let pieces = texts(&sent.messages);
    assert_eq!(pieces.len(), 3);
    for piece in &pieces {
        assert!(utf16_len(piece) <= 5_000, "{}", utf16_len(piece));
        assert!(piece.encode_utf16().count() <= 5_000);
    }
    assert_eq!(pieces.concat(), text);
}

#[tokio::test]
async fn seven_messages_take_two_requests() {
    let server = MockServer::start().await;
    mount(&server, REPLY, ok()).await;
    mount(&server, PUSH, ok()).await;
    let sticker = json!({"type": "sticker", "packageId": "446", "stickerId": "1988"});
    let replies: Vec<Reply> = (1..=6)
        .map(|i| Reply::text(format!("part {i}")))
        .chain([Reply::text("").with_line_message(sticker.clone())])
        .collect();
    work(&server, USER_TEXT)
        .delivery
        .deliver(replies, FRESH)
        .await
        .unwrap();

    let reply = requests_to(&server, REPLY).await;
    assert_eq!(reply.len(), 1);
    let first: ReplyMessageRequest = strictly(&reply[0]);
    assert_eq!(
        texts(&first.messages),
        ["part 1", "part 2", "part 3", "part 4", "part 5"]
    );

    let push = requests_to(&server, PUSH).await;
    assert_eq!(push.len(), 1);
    let rest: PushMessageRequest = strictly(&push[0]);
    assert_eq!(rest.messages.len(), 2);
    assert!(matches!(&rest.messages[0], Message::TextMessage(t) if t.text == "part 6"));
    assert!(matches!(rest.messages[1], Message::StickerMessage(_)));
    let key = push[0]
        .headers
        .get("x-line-retry-key")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(key, retry_key(USER_EVENT_ID, 1).to_string());
}

#[tokio::test]
async fn seven_messages_by_push_use_one_retry_key_per_batch() {
    let server = MockServer::start().await;
    mount(&server, PUSH, ok()).await;
    let replies: Vec<Reply> = (1..=7).map(|i| Reply::text(format!("{i}"))).collect();
    work(&server, USER_TEXT)
        .delivery
        .deliver(replies, EXPIRED)
        .await
        .unwrap();
    let keys: Vec<String> = requests_to(&server, PUSH)
        .await
        .iter()
        .map(|r| {
            r.headers
                .get("x-line-retry-key")
                .unwrap()
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        keys,
        [
            retry_key(USER_EVENT_ID, 0).to_string(),
            retry_key(USER_EVENT_ID, 1).to_string()
        ]
    );
}

#[tokio::test]
async fn no_replies_send_nothing() {
    let server = MockServer::start().await;
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![], FRESH)
        .await
        .unwrap();
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn loading_animation_in_one_to_one_chats() {
    let server = MockServer::start().await;
    mount(
        &server,
        LOADING,
        ResponseTemplate::new(202).set_body_json(json!({})),
    )
    .await;
    let work = work(&server, USER_TEXT);
    assert!(work.delivery.can_show_progress());
    work.delivery.show_progress(7).await.unwrap();
    work.delivery.show_progress(600).await.unwrap();
    let sent: Vec<ShowLoadingAnimationRequest> = requests_to(&server, LOADING)
        .await
        .iter()
        .map(strictly)
        .collect();
    assert_eq!(sent[0].chat_id, USER_ID);
    assert_eq!(sent[0].loading_seconds, Some(10));
    assert_eq!(sent[1].loading_seconds, Some(60));
}

#[tokio::test]
async fn events_without_a_destination_cannot_be_pushed() {
    let server = MockServer::start().await;
    let work = work(&server, include_str!("../data/bot_suspended.json"));
    assert!(!work.delivery.can_show_progress());
    let err = work
        .delivery
        .deliver(vec![Reply::text("hi")], FRESH)
        .await
        .unwrap_err();
    assert_eq!(reply_error(err), ReplyError::NoDestination);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn errors_never_contain_the_token() {
    let server = MockServer::start().await;
    // Even if LINE echoed the token back, it must not reach an error.
    mount(
        &server,
        PUSH,
        line_error(401, &format!("Authentication failed for Bearer {TOKEN}")),
    )
    .await;
    let err = work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], EXPIRED)
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("401"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn unreachable_api_is_a_network_error_after_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let adapter = adapter(&format!("http://127.0.0.1:{port}"));
    let err = one_work(&adapter, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], EXPIRED)
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains(TOKEN), "{text}");
    let e = reply_error(err);
    assert!(
        matches!(e, ReplyError::Network { attempts: 3, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn timeouts_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PUSH))
        .respond_with(ok().set_delay(Duration::from_secs(2)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(&server, PUSH, ok()).await;
    let adapter = LineAdapter::new(
        crate::common::config(&server.uri())
            .with_retry(RetryPolicy::fixed(3, Duration::from_millis(5)))
            .with_http_timeout(Duration::from_millis(200)),
    )
    .unwrap();
    one_work(&adapter, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("hi")], EXPIRED)
        .await
        .unwrap();
    assert_eq!(requests_to(&server, PUSH).await.len(), 2);
}

// --- Reply::to_conversation --------------------------------------------------------------------

const GROUP_ID: &str = "Ca56f94637c2f5e6a4c9f7e8d1b2a3c4d";

fn retry_key_of(request: &Request) -> Option<Uuid> {
    let key = request.headers.get("x-line-retry-key")?.to_str().ok()?;
    Some(Uuid::parse_str(key).expect("a UUID"))
}

#[tokio::test]
async fn a_reply_to_another_conversation_is_pushed_there() {
    let server = MockServer::start().await;
    mount(&server, REPLY, ok()).await;
    mount(&server, PUSH, ok()).await;
    let replies = vec![
        Reply::text("to the group").to_conversation(GROUP_ID),
        Reply::text("here"),
    ];
    work(&server, USER_TEXT)
        .delivery
        .deliver(replies, FRESH)
        .await
        .unwrap();

    // The token belongs to the event's own chat: it answers the reply meant for it.
    let sent = requests_to(&server, REPLY).await;
    assert_eq!(sent.len(), 1);
    let reply: ReplyMessageRequest = strictly(&sent[0]);
    assert_eq!(texts(&reply.messages), ["here"]);
    let pushes = requests_to(&server, PUSH).await;
    assert_eq!(pushes.len(), 1);
    let push: PushMessageRequest = strictly(&pushes[0]);
    assert_eq!(push.to, GROUP_ID);
    assert_eq!(texts(&push.messages), ["to the group"]);
    assert_eq!(
        retry_key_of(&pushes[0]),
        Some(conversation_retry_key(USER_EVENT_ID, 0, 0)),
        "reply 0, batch 0"
    );
}

#[tokio::test]
async fn a_reply_elsewhere_leaves_the_token_unused() {
    let server = MockServer::start().await;
    mount(&server, PUSH, ok()).await;
    work(&server, USER_TEXT)
        .delivery
        .deliver(vec![Reply::text("x").to_conversation(GROUP_ID)], FRESH)
        .await
        .unwrap();
    assert!(requests_to(&server, REPLY).await.is_empty());
    assert_eq!(requests_to(&server, PUSH).await.len(), 1);
}

#[tokio::test]
async fn replies_elsewhere_keep_their_retry_keys_when_the_event_is_retried() {
    let server = MockServer::start().await;
    mount(&server, REPLY, ok()).await;
    mount(&server, PUSH, ok()).await;
    let sticker = json!({"type": "sticker", "packageId": "446", "stickerId": "1988"});
    let replies = || {
        let mut long = Reply::text("seven messages").to_conversation(GROUP_ID);
        for _ in 0..6 {
            long = long.with_line_message(sticker.clone());
        }
        vec![
            Reply::text("here"),
            long,
            Reply::text("to the user").to_conversation(USER_ID),
        ]
    };
    for _ in 0..2 {
        // A Lambda retry parses the Envelope again and runs the handler again.
        work(&server, USER_TEXT)
            .delivery
            .deliver(replies(), EXPIRED)
            .await
            .unwrap();
    }

    let pushes = requests_to(&server, PUSH).await;
    let sent: Vec<(String, usize, Option<Uuid>)> = pushes
        .iter()
        .map(|r| {
            let push: PushMessageRequest = strictly(r);
            (push.to, push.messages.len(), retry_key_of(r))
        })
        .collect();
    let once = [
        (USER_ID.to_string(), 1, Some(retry_key(USER_EVENT_ID, 0))),
        (
            GROUP_ID.to_string(),
            5,
            Some(conversation_retry_key(USER_EVENT_ID, 1, 0)),
        ),
        (
            GROUP_ID.to_string(),
            2,
            Some(conversation_retry_key(USER_EVENT_ID, 1, 1)),
        ),
        (
            USER_ID.to_string(),
            1,
            Some(conversation_retry_key(USER_EVENT_ID, 2, 0)),
        ),
    ];
    assert_eq!(sent, [once.clone(), once].concat());
    assert!(
        requests_to(&server, REPLY).await.is_empty(),
        "token expired"
    );
}

#[tokio::test]
async fn a_reply_to_a_conversation_without_an_id_is_refused() {
    let server = MockServer::start().await;
    mount(&server, REPLY, ok()).await;
    for bad in ["", " "] {
        let err = work(&server, USER_TEXT)
            .delivery
            .deliver(vec![Reply::text("x").to_conversation(bad)], FRESH)
            .await
            .unwrap_err();
        assert!(!err.retryable);
        let e = reply_error(err);
        assert!(matches!(e, ReplyError::InvalidRequest { .. }), "{e:?}");
    }
    assert!(requests_to(&server, PUSH).await.is_empty());
}
