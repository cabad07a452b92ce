//! The LINE Messaging API inside handlers (`ackbot_line::Line`): reply, push, profile and any
//! endpoint, against a local stand-in of the API; the extractor through a built bot.

use ackbot_core::testing::SLACK;
use std::time::{Duration, Instant};

use crate::common::{TOKEN, adapter, one_work, signed};
use ackbot_core::adapter::Work;
use ackbot_core::testing::RECEIVED_AT_MS;
use ackbot_core::{Bot, DispatchError, Incoming, Outcome, Reply, cmd};
use ackbot_line::sample::{text_event, webhook};
use ackbot_line::{Line, Profile, ReplyError, SentMessage, handler_retry_key, retry_key};
use line_bot_sdk_rust::line_messaging_api::models::{PushMessageRequest, ReplyMessageRequest};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const REPLY: &str = "/v2/bot/message/reply";
const PUSH: &str = "/v2/bot/message/push";

const EVENT_ID: &str = "01H810YECXQQZ37VAXPF6H9E6U";
const USER_ID: &str = "U4af4980629b1c5d0e3f2a7b8c9d0e1f2";
const GROUP_ID: &str = "Ca56f94637c2f5e6a4c9f7e8d1b2a3c4d";
const REPLY_TOKEN: &str = "0f3779fba3b349968c5d07db31eab56f";
const UNFOLLOW: &str = include_str!("../data/unfollow.json");

const FRESH: i64 = RECEIVED_AT_MS + 1_000;

/// A webhook body with one text message `text` from [`USER_ID`] carrying [`REPLY_TOKEN`].
fn text_body(text: &str) -> String {
    webhook(json!([text_event(
        text,
        USER_ID,
        REPLY_TOKEN,
        EVENT_ID,
        false,
        "active"
    )]))
}

fn work(server: &MockServer, text: &str) -> Work {
    one_work(&adapter(&server.uri()), &text_body(text))
}

fn line_of(work: &Work) -> Line {
    work.extensions
        .get::<Line>()
        .expect("every LINE work carries a Line")
        .clone()
}

fn text(text: &str) -> Value {
    json!({"type": "text", "text": text})
}

fn sent() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "sentMessages": [{"id": "461230966842064897", "quoteToken": "IStG5h1Tz7b..."}]
    }))
}

fn line_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "message": message }))
}

async fn mount(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn mount_once(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

async fn requests_to(server: &MockServer, route: &str) -> Vec<Request> {
    let all = requests(server).await;
    all.into_iter().filter(|r| r.url.path() == route).collect()
}

fn json_body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

fn retry_key_of(request: &Request) -> Option<Uuid> {
    let key = request.headers.get("x-line-retry-key")?.to_str().ok()?;
    Some(Uuid::parse_str(key).expect("a UUID"))
}

// --- the handle ------------------------------------------------------------------------------

#[tokio::test]
async fn the_handle_knows_the_event_s_token_and_source() {
    let server = MockServer::start().await;
    let line = line_of(&work(&server, "who"));
    assert_eq!(line.reply_token(), Some(REPLY_TOKEN));
    assert_eq!(line.webhook_event_id(), EVENT_ID);
    assert_eq!(line.user_id(), Some(USER_ID));
    assert_eq!(line.push_target(), Some(USER_ID));
    assert_eq!((line.group_id(), line.room_id()), (None, None));

    let join = one_work(&adapter(&server.uri()), include_str!("../data/join.json"));
    let line = line_of(&join);
    assert_eq!(line.group_id(), Some("C4af4980629..."));
    assert_eq!(line.push_target(), line.group_id());
    assert_eq!(line.user_id(), None);
}

#[tokio::test]
async fn debug_shows_neither_token() {
    let server = MockServer::start().await;
    let line = line_of(&work(&server, "who"));
    let shown = format!("{line:?}");
    assert!(shown.contains(EVENT_ID), "{shown}");
    assert!(!shown.contains(REPLY_TOKEN), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

// --- reply -----------------------------------------------------------------------------------

#[tokio::test]
async fn reply_uses_the_event_s_reply_token() {
    let server = MockServer::start().await;
    mount(&server, "POST", REPLY, sent()).await;
    let line = line_of(&work(&server, "who"));

    let sent = line.reply(vec![text("hello")]).await.unwrap();
    assert_eq!(
        sent,
        [SentMessage {
            id: "461230966842064897".into(),
            quote_token: Some("IStG5h1Tz7b...".into())
        }]
    );
    let replies = requests_to(&server, REPLY).await;
    assert_eq!(replies.len(), 1);
    let request: ReplyMessageRequest = serde_json::from_value(json_body(&replies[0])).unwrap();
    assert_eq!(request.reply_token, REPLY_TOKEN);
    assert_eq!(
        json_body(&replies[0]),
        json!({"replyToken": REPLY_TOKEN, "messages": [text("hello")]})
    );
    assert!(retry_key_of(&replies[0]).is_none());
}

#[tokio::test]
async fn a_handler_s_reply_makes_the_delivery_push() {
    let server = MockServer::start().await;
    mount(&server, "POST", REPLY, sent()).await;
    mount(&server, "POST", PUSH, sent()).await;

    async fn greet(line: Line) -> Result<Reply, ReplyError> {
        line.reply(vec![text("first, by reply")]).await?;
        Ok(Reply::text("then, by push"))
    }
    let bot = Bot::new().command(cmd("greet", greet)).build().unwrap();
    let work = work(&server, "greet");
    let done = bot.dispatch_with(work.incoming, work.extensions).await;
    assert!(
        matches!(done.outcome, Outcome::Handled),
        "{:?}",
        done.outcome
    );
    // The token is still fresh, but spent: the delivery must not try it again.
    work.delivery.deliver(done.replies, FRESH).await.unwrap();

    let replies = requests_to(&server, REPLY).await;
    assert_eq!(replies.len(), 1, "the spent token is not tried again");
    assert_eq!(
        json_body(&replies[0])["messages"],
        json!([text("first, by reply")])
    );
    let pushes = requests_to(&server, PUSH).await;
    assert_eq!(pushes.len(), 1);
    let push: PushMessageRequest = serde_json::from_value(json_body(&pushes[0])).unwrap();
    assert_eq!(push.to, USER_ID);
    assert_eq!(
        json_body(&pushes[0])["messages"],
        json!([text("then, by push")])
    );
    assert_eq!(retry_key_of(&pushes[0]), Some(retry_key(EVENT_ID, 0)));
}

#[tokio::test]
async fn without_the_handler_s_reply_the_delivery_replies_as_before() {
    let server = MockServer::start().await;
    mount(&server, "POST", REPLY, sent()).await;
    let work = work(&server, "greet");
    let _unused = line_of(&work);
    work.delivery
        .deliver(vec![Reply::text("hi")], FRESH)
        .await
        .unwrap();
    assert_eq!(requests_to(&server, REPLY).await.len(), 1);
    assert!(requests_to(&server, PUSH).await.is_empty());
}

#[tokio::test]
async fn the_token_works_once() {
    let server = MockServer::start().await;
    mount(&server, "POST", REPLY, sent()).await;
    let line = line_of(&work(&server, "who"));
    line.reply(vec![text("one")]).await.unwrap();

    let again = line.clone().reply(vec![text("two")]).await.unwrap_err();
    assert_eq!(again, ReplyError::ReplyTokenUsed);
    assert!(again.is_invalid_reply_token(), "tells the handler to push");
    assert!(!again.is_retryable());
    assert_eq!(requests_to(&server, REPLY).await.len(), 1);
}

#[tokio::test]
async fn a_reply_refused_for_its_body_leaves_the_token_to_the_delivery() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        "POST",
        REPLY,
        ResponseTemplate::new(400).set_body_json(json!({
            "message": "The request body has 1 error(s)",
            "details": [{"message": "must be specified", "property": "messages[0].type"}]
        })),
    )
    .await;
    mount(&server, "POST", REPLY, sent()).await;
    let work = work(&server, "who");
    let err = line_of(&work)
        .reply(vec![json!({"text": "no type"})])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReplyError::Api {
                status: 400,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );

    work.delivery
        .deliver(vec![Reply::text("fixed")], FRESH)
        .await
        .unwrap();
    let replies = requests_to(&server, REPLY).await;
    assert_eq!(
        replies.len(),
        2,
        "LINE did not use the token: the delivery can"
    );
    assert_eq!(json_body(&replies[1])["replyToken"], REPLY_TOKEN);
    assert!(requests_to(&server, PUSH).await.is_empty());
}

#[tokio::test]
async fn a_reply_lost_to_server_errors_counts_as_spent() {
    let server = MockServer::start().await;
    mount(&server, "POST", REPLY, line_error(500, "Internal error")).await;
    mount(&server, "POST", PUSH, sent()).await;
    let work = work(&server, "who");
    let err = line_of(&work).reply(vec![text("x")]).await.unwrap_err();
    assert!(
        matches!(
            err,
            ReplyError::Api {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    work.delivery
        .deliver(vec![Reply::text("y")], FRESH)
        .await
        .unwrap();
    assert_eq!(requests_to(&server, REPLY).await.len(), 3);
    assert_eq!(requests_to(&server, PUSH).await.len(), 1);
}

#[tokio::test]
async fn an_event_without_a_reply_token_cannot_reply() {
    let server = MockServer::start().await;
    let line = line_of(&one_work(&adapter(&server.uri()), UNFOLLOW));
    assert_eq!(line.reply_token(), None);
    let err = line.reply(vec![text("bye")]).await.unwrap_err();
    assert_eq!(err, ReplyError::NoReplyToken);
    assert!(err.is_invalid_reply_token());
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn message_counts_outside_one_to_five_are_refused_without_a_request() {
    let server = MockServer::start().await;
    let line = line_of(&work(&server, "who"));
    for messages in [vec![], vec![text("x"); 6]] {
        let err = line.reply(messages.clone()).await.unwrap_err();
        assert!(matches!(err, ReplyError::InvalidRequest { .. }), "{err:?}");
        let err = line.push(USER_ID, messages).await.unwrap_err();
        assert!(matches!(err, ReplyError::InvalidRequest { .. }), "{err:?}");
    }
    assert!(requests(&server).await.is_empty());
    assert!(line.reply_token().is_some());
}

// --- push ------------------------------------------------------------------------------------

#[tokio::test]
async fn push_sends_to_the_id_with_a_retry_key_kept_across_retries() {
    let server = MockServer::start().await;
    mount_once(&server, "POST", PUSH, line_error(500, "Internal error")).await;
    mount(&server, "POST", PUSH, sent()).await;
    let line = line_of(&work(&server, "who"));

    let sent = line
        .push(GROUP_ID, vec![text("to the group")])
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    line.push(GROUP_ID, vec![text("again")]).await.unwrap();

    let pushes = requests_to(&server, PUSH).await;
    assert_eq!(pushes.len(), 3, "one retry, then a second push");
    assert_eq!(
        json_body(&pushes[0]),
        json!({"to": GROUP_ID, "messages": [text("to the group")]})
    );
    let request: PushMessageRequest = serde_json::from_value(json_body(&pushes[0])).unwrap();
    assert_eq!(request.to, GROUP_ID);
    let keys: Vec<Uuid> = pushes.iter().map(|r| retry_key_of(r).unwrap()).collect();
    assert_eq!(keys[0], keys[1], "a retry keeps its key");
    assert_ne!(keys[1], keys[2], "a new push has a new key");
    assert_eq!(keys[0], handler_retry_key(EVENT_ID, 0));
    assert_eq!(keys[2], handler_retry_key(EVENT_ID, 1));
}

/// A Lambda retry runs the handler again on a fresh parse of the same event: its pushes repeat
/// in the same order with the same keys (LINE answers them 409: delivered, not sent twice). Another
/// event's pushes, and a replay asked for on purpose, have keys of their own.
#[tokio::test]
async fn a_handlers_pushes_have_the_same_keys_when_the_event_is_run_again() {
    let server = MockServer::start().await;
    mount(&server, "POST", PUSH, sent()).await;
    let run = |body: String| {
        let server = &server;
        async move {
            let line = line_of(&one_work(&adapter(&server.uri()), &body));
            for text_ in ["first", "second"] {
                line.push(GROUP_ID, vec![text(text_)]).await.unwrap();
            }
        }
    };
    run(text_body("who")).await;
    run(text_body("who")).await;
    let other = webhook(json!([text_event(
        "who",
        USER_ID,
        REPLY_TOKEN,
        "01OTHEREVENT",
        false,
        "active"
    )]));
    run(other).await;
    let keys: Vec<Uuid> = (requests_to(&server, PUSH).await.iter())
        .map(|r| retry_key_of(r).unwrap())
        .collect();
    assert_eq!(keys.len(), 6);
    assert_eq!(
        keys[0..2],
        keys[2..4],
        "the same event: the same keys, in order"
    );
    assert_ne!(keys[0], keys[1]);
    assert!(
        keys[4..6].iter().all(|k| !keys[0..2].contains(k)),
        "another event's differ"
    );
    // A replay (the inspector's, on purpose) derives its keys from its own request id.
    let mut envelope = signed(&text_body("who"));
    envelope.replay_of = Some("req-1".into());
    envelope.request_id = "req-1-r1".into();
    let adapter = adapter(&server.uri());
    let mut items = ackbot_core::adapter::Adapter::parse(&adapter, &envelope).unwrap();
    let ackbot_core::adapter::Inbound::Work(work) = items.remove(0) else {
        panic!("work")
    };
    line_of(&work)
        .push(GROUP_ID, vec![text("replayed")])
        .await
        .unwrap();
    let replayed = retry_key_of(requests_to(&server, PUSH).await.last().unwrap()).unwrap();
    assert!(!keys.contains(&replayed), "a replay has keys of its own");
}

#[tokio::test]
async fn a_push_whose_key_was_accepted_is_delivered() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        PUSH,
        ResponseTemplate::new(409)
            .insert_header("x-line-accepted-request-id", "a1b2c3d4")
            .set_body_json(json!({
                "message": "The retry key is already accepted",
                "sentMessages": [{"id": "461230966842064897"}]
            })),
    )
    .await;
    let line = line_of(&work(&server, "who"));
    let sent = line.push(USER_ID, vec![text("x")]).await.unwrap();
    assert_eq!(sent[0].id, "461230966842064897");
    assert_eq!(sent[0].quote_token, None);
}

// --- profile ---------------------------------------------------------------------------------

#[tokio::test]
async fn profile_gets_the_user_s_profile() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        &format!("/v2/bot/profile/{USER_ID}"),
        ResponseTemplate::new(200).set_body_json(json!({
            "displayName": "LINE taro",
            "userId": USER_ID,
            "language": "en",
            "pictureUrl": "https://obs.line-apps.com/abc",
            "statusMessage": "Hello, LINE!"
        })),
    )
    .await;
    let line = line_of(&work(&server, "who"));
    let profile = line.profile(USER_ID).await.unwrap();
    assert_eq!(
        profile,
        Profile {
            display_name: "LINE taro".into(),
            user_id: USER_ID.into(),
            picture_url: Some("https://obs.line-apps.com/abc".into()),
            status_message: Some("Hello, LINE!".into()),
            language: Some("en".into()),
        }
    );
    let [request] = &requests(&server).await[..] else {
        panic!("one request");
    };
    assert!(request.body.is_empty(), "a GET has no body");
    assert!(request.headers.get("content-type").is_none());
}

#[tokio::test]
async fn profile_refuses_ids_that_would_change_the_path() {
    let server = MockServer::start().await;
    let line = line_of(&work(&server, "who"));
    for bad in [
        "",
        "U1/../../v2/bot/info",
        "U1?x=1",
        "U1#x",
        "U1%2F",
        "U 1",
        "..",
        "U\u{e9}",
    ] {
        let err = line.profile(bad).await.unwrap_err();
        assert!(
            matches!(err, ReplyError::InvalidRequest { .. }),
            "{bad:?}: {err:?}"
        );
        assert!(!err.is_retryable());
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn profile_of_a_stranger_is_not_found_and_not_retried() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        &format!("/v2/bot/profile/{USER_ID}"),
        line_error(404, "Not found"),
    )
    .await;
    let line = line_of(&work(&server, "who"));
    let err = line.profile(USER_ID).await.unwrap_err();
    match &err {
        ReplyError::Api {
            method,
            endpoint,
            status,
            message,
            attempts,
            ..
        } => {
            assert_eq!((method, *status, *attempts), (&Method::GET, 404, 1));
            assert_eq!(endpoint, "/v2/bot/profile/{userId}");
            assert_eq!(message, "Not found");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "LINE GET /v2/bot/profile/{userId} failed with HTTP 404: Not found (after 1 attempt(s))"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_profile_that_is_not_a_profile_is_an_invalid_response() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        &format!("/v2/bot/profile/{USER_ID}"),
        ResponseTemplate::new(200).set_body_json(json!({"userId": USER_ID})),
    )
    .await;
    let line = line_of(&work(&server, "who"));
    let err = line.profile(USER_ID).await.unwrap_err();
    assert!(
        matches!(&err, ReplyError::InvalidResponse { status: 200, reason, .. } if reason.contains("displayName")),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}

// --- any endpoint ----------------------------------------------------------------------------

#[tokio::test]
async fn call_sends_method_path_and_body_and_returns_the_json() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/v2/bot/info",
        ResponseTemplate::new(200).set_body_json(json!({"userId": "Ub1", "basicId": "@216ru"})),
    )
    .await;
    mount(
        &server,
        "POST",
        "/v2/bot/richmenu",
        ResponseTemplate::new(200).set_body_json(json!({"richMenuId": "richmenu-1"})),
    )
    .await;
    mount(
        &server,
        "DELETE",
        "/v2/bot/richmenu/richmenu-1",
        ResponseTemplate::new(200),
    )
    .await;
    mount(
        &server,
        "POST",
        "/v2/bot/user/all/richmenu/richmenu-1",
        ResponseTemplate::new(200).set_body_json(json!({})),
    )
    .await;
    let line = line_of(&work(&server, "who"));

    let info = line.call(Method::GET, "/v2/bot/info", None).await.unwrap();
    assert_eq!(info["basicId"], "@216ru");
    let menu = json!({"size": {"width": 2500, "height": 843}, "selected": false});
    let created = line
        .call(Method::POST, "/v2/bot/richmenu", Some(&menu))
        .await
        .unwrap();
    assert_eq!(created, json!({"richMenuId": "richmenu-1"}));
    let deleted = line
        .call(Method::DELETE, "/v2/bot/richmenu/richmenu-1", None)
        .await
        .unwrap();
    assert_eq!(deleted, Value::Null, "an empty answer");
    let linked = line
        .call(Method::POST, "/v2/bot/user/all/richmenu/richmenu-1", None)
        .await
        .unwrap();
    assert_eq!(linked, json!({}));

    let all = requests(&server).await;
    assert_eq!(all.len(), 4);
    assert!(all[0].body.is_empty());
    assert_eq!(json_body(&all[1]), menu);
    assert_eq!(
        all[1].headers.get("content-type").unwrap(),
        "application/json"
    );
    for request in &all {
        assert_eq!(
            request.headers.get("authorization").unwrap(),
            format!("Bearer {TOKEN}").as_str()
        );
        assert!(retry_key_of(request).is_none(), "{}", request.url);
    }
}

#[tokio::test]
async fn call_gives_message_sending_posts_a_retry_key() {
    let server = MockServer::start().await;
    let multicast = "/v2/bot/message/multicast";
    mount_once(&server, "POST", multicast, line_error(502, "Bad gateway")).await;
    mount(
        &server,
        "POST",
        multicast,
        ResponseTemplate::new(200).set_body_json(json!({})),
    )
    .await;
    let line = line_of(&work(&server, "who"));
    let body = json!({"to": [USER_ID], "messages": [text("hi all")]});
    line.call(Method::POST, multicast, Some(&body))
        .await
        .unwrap();

    let sent = requests_to(&server, multicast).await;
    assert_eq!(sent.len(), 2);
    let key = retry_key_of(&sent[0]).expect("a retry key");
    assert_eq!(retry_key_of(&sent[1]), Some(key), "kept across the retry");
}

#[tokio::test]
async fn call_refuses_paths_outside_the_messaging_api() {
    let server = MockServer::start().await;
    let line = line_of(&work(&server, "who"));
    for bad in [
        "",
        "/oauth2/v2.1/token",
        "/v2/../oauth2/v2.1/token",
        "/v2/bot/followers/ids?limit=1000",
        "/v2/bot/info#top",
        "/v2/bot/%2e%2e/info",
        "https://example.com/v2/bot/info",
        "//example.com/v2/bot/info",
        "/v2/bot/info\r\nX-Injected: 1",
    ] {
        let err = line.call(Method::GET, bad, None).await.unwrap_err();
        assert!(
            matches!(err, ReplyError::InvalidRequest { .. }),
            "{bad:?}: {err:?}"
        );
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn call_retries_server_errors() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        "GET",
        "/v2/bot/info",
        line_error(503, "Unavailable"),
    )
    .await;
    mount(
        &server,
        "GET",
        "/v2/bot/info",
        ResponseTemplate::new(200).set_body_json(json!({"userId": "Ub1"})),
    )
    .await;
    let line = line_of(&work(&server, "who"));
    let info = line.call(Method::GET, "/v2/bot/info", None).await.unwrap();
    assert_eq!(info["userId"], "Ub1");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn call_retries_rate_limits_after_retry_after() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        "GET",
        "/v2/bot/message/quota",
        line_error(429, "Too Many Requests").insert_header("retry-after", "1"),
    )
    .await;
    mount(
        &server,
        "GET",
        "/v2/bot/message/quota",
        ResponseTemplate::new(200).set_body_json(json!({"type": "limited", "value": 1000})),
    )
    .await;
    let line = line_of(&work(&server, "who"));
    let started = Instant::now();
    let quota = line
        .call(Method::GET, "/v2/bot/message/quota", None)
        .await
        .unwrap();
    assert_eq!(quota["value"], 1000);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "honours Retry-After"
    );
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn lasting_rate_limits_and_server_errors_give_up_after_the_policy() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/v2/bot/info",
        line_error(429, "Too Many Requests"),
    )
    .await;
    mount(&server, "POST", PUSH, line_error(500, "Internal error")).await;
    let line = line_of(&work(&server, "who"));
    let err = line
        .call(Method::GET, "/v2/bot/info", None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ReplyError::RateLimited { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable());
    let err = line.push(USER_ID, vec![text("x")]).await.unwrap_err();
    assert!(
        matches!(
            err,
            ReplyError::Api {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(requests_to(&server, "/v2/bot/info").await.len(), 3);
    assert_eq!(requests_to(&server, PUSH).await.len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        "/v2/bot/group/C1/leave",
        ResponseTemplate::new(400).set_body_json(json!({
            "message": "The request body has 1 error(s)",
            "details": [{"message": "invalid", "property": "groupId"}]
        })),
    )
    .await;
    let line = line_of(&work(&server, "who"));
    let err = line
        .call(Method::POST, "/v2/bot/group/C1/leave", None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "LINE POST /v2/bot/group/C1/leave failed with HTTP 400: The request body has 1 \
         error(s) (groupId: invalid) (after 1 attempt(s))"
    );
    assert!(!err.is_retryable());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn errors_never_show_the_token() {
    let server = MockServer::start().await;
    let echo = ResponseTemplate::new(401).set_body_json(json!({
        "message": format!("Authentication failed for Bearer {TOKEN}"),
        "details": [{"message": TOKEN, "property": format!("header {TOKEN}")}]
    }));
    mount(&server, "GET", "/v2/bot/info", echo.clone()).await;
    mount(
        &server,
        "GET",
        &format!("/v2/bot/profile/{USER_ID}"),
        echo.clone(),
    )
    .await;
    mount(&server, "POST", PUSH, echo.clone()).await;
    mount(&server, "POST", REPLY, echo).await;
    let line = line_of(&work(&server, "who"));

    let errors = [
        line.call(Method::GET, "/v2/bot/info", None)
            .await
            .unwrap_err(),
        line.profile(USER_ID).await.unwrap_err(),
        line.push(USER_ID, vec![text("x")]).await.unwrap_err(),
        line.reply(vec![text("x")]).await.unwrap_err(),
        // A caller who puts the token where an id or path goes.
        line.profile(TOKEN).await.unwrap_err(),
        line.call(Method::GET, &format!("/v2/bot/{TOKEN}"), None)
            .await
            .unwrap_err(),
    ];
    for err in errors {
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains(REPLY_TOKEN), "{shown}");
    }
}

// --- the extractor ---------------------------------------------------------------------------

/// Greets the user by their LINE display name.
async fn who(line: Line) -> Result<Reply, ReplyError> {
    let user_id = line.user_id().unwrap_or_default();
    let profile = line.profile(user_id).await?;
    Ok(Reply::text(format!("Hello, {}!", profile.display_name)))
}

#[tokio::test]
async fn a_handler_takes_line_as_an_argument() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        &format!("/v2/bot/profile/{USER_ID}"),
        ResponseTemplate::new(200)
            .set_body_json(json!({"displayName": "LINE taro", "userId": USER_ID})),
    )
    .await;
    let bot = Bot::new().command(cmd("who", who)).build().unwrap();
    let work = work(&server, "who");
    let done = bot.dispatch_with(work.incoming, work.extensions).await;
    assert!(
        matches!(done.outcome, Outcome::Handled),
        "{:?}",
        done.outcome
    );
    assert_eq!(done.replies[0].text, "Hello, LINE taro!");
}

#[tokio::test]
async fn a_command_without_line_is_answered_unavailable() {
    let bot = Bot::new().command(cmd("who", who)).build().unwrap();
    let done = bot.dispatch(Incoming::typed(SLACK, "/who")).await;
    match &done.outcome {
        Outcome::Failed(error) => assert!(
            matches!(
                error.as_ref(),
                DispatchError::Unavailable {
                    what: "the LINE Messaging API",
                    ..
                }
            ),
            "{error:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        done.replies[0].text,
        "Sorry, /who is not available on Slack."
    );
}
