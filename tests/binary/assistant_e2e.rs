//! `ask` end to end: the real binary, as `ackbot serve` and as the Lambda worker, with the
//! model's, Slack's and LINE's stand-ins — the answer streamed, a Lambda near its deadline ending
//! the stream with a note, and on LINE a model slower than the reply token answered by push.
#![cfg(feature = "lambda")]

use std::time::{Duration, Instant};

use ackbot::handlers::standin::{MODEL, ModelStandIn};
use ackbot_core::runtime::now_ms;
use ackbot_slack::standin::SlackStandIn;

use crate::common::Server;
use crate::common::runtime::{Answer, RuntimeApi};
use crate::common::slack::{SECRET, post_signed};

const KEY: &str = "sk-standin-key-never-shown";

/// Posts the Events API `event` to `server`, signed as Slack signs it.
async fn post_event(server: &Server, event: serde_json::Value, event_id: &str) {
    let body = ackbot_slack::sample::event_callback(event, event_id);
    let answer = post_signed(server, "/slack/events", &body, now_ms() / 1000, SECRET, &[]).await;
    assert_eq!(answer.status(), 200);
}

/// The first call to `path` at Slack's stand-in (`what` it stands for, should it not come).
async fn arrived(slack: &SlackStandIn, path: &str, what: &str) -> ackbot_core::testing::Recorded {
    (slack.recorder())
        .wait_for(|c| c.path == path, Duration::from_secs(20))
        .await
        .unwrap_or_else(|| panic!("{what}: no {path}"))
}

/// The environment of a Slack bot with the model configured.
fn slack_env<'a>(model_url: &'a str, api_url: &'a str) -> [(&'static str, &'a str); 6] {
    [
        ("SLACK_SIGNING_SECRET", SECRET),
        ("SLACK_BOT_TOKEN", "xoxb-e2e-token"),
        ("SLACK_API_URL", api_url),
        ("ACKBOT_LLM_URL", model_url),
        ("ACKBOT_LLM_MODEL", MODEL),
        ("ACKBOT_LLM_API_KEY", KEY),
    ]
}

/// The real binary, as `ackbot serve` and as the Lambda worker, answers `ask` from the model's
/// stand-in: the answer streamed in the mention's thread, in a DM's, and in an assistant thread
/// (its status, its first prompt, its context), at Slack's stand-in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_end_to_end_through_serve_and_the_lambda_worker() {
    let model = ModelStandIn::start().await.unwrap();
    let slack = SlackStandIn::start().await.unwrap();
    let (model_url, api_url) = (model.url(), slack.api_url());
    let env = slack_env(&model_url, &api_url);
    let streamed = |text: &'static str| {
        let recorder = slack.recorder().clone();
        async move {
            let stop = recorder
                .wait_for(
                    |c| c.path == "/api/chat.stopStream",
                    Duration::from_secs(20),
                )
                .await
                .expect("the stream ended");
            let calls = recorder.calls();
            let start = calls
                .iter()
                .find(|c| c.path == "/api/chat.startStream")
                .unwrap();
            let mut answer: String = start.body["markdown_text"].as_str().unwrap().to_string();
            // The appends, then the rest that came with the stop.
            for call in calls.iter().filter(|c| {
                matches!(
                    c.path.as_str(),
                    "/api/chat.appendStream" | "/api/chat.stopStream"
                ) && c.body["ts"] == stop.body["ts"]
            }) {
                answer.push_str(call.body["markdown_text"].as_str().unwrap_or_default());
            }
            assert_eq!(answer, ModelStandIn::answer_to(text));
            recorder.clear();
        }
    };

    let server = Server::start(&env);
    let body = ackbot_slack::sample::app_mention("ask how does serve do it?", "C1", "EvServe1");
    let answer = post_signed(
        &server,
        "/slack/events",
        &body,
        now_ms() / 1000,
        SECRET,
        &[],
    )
    .await;
    assert_eq!(answer.status(), 200);
    streamed("how does serve do it?").await;
    // In a DM: in the message's own thread, with no recipient (Slack needs one in channels only).
    let dm = serde_json::json!({"type": "message", "channel_type": "im", "channel": "D0E2E",
        "user": "U1", "text": "ask in private?", "ts": "1729999000.000100"});
    post_event(&server, dm, "EvServeDm").await;
    let start = arrived(&slack, "/api/chat.startStream", "a stream in the DM").await;
    assert_eq!(start.body["thread_ts"], "1729999000.000100");
    assert!(
        start.body.get("recipient_user_id").is_none(),
        "{}",
        start.body
    );
    streamed("in private?").await;
    // An assistant thread: a first prompt, then a plain question with the status shown first.
    let thread = serde_json::json!({"channel_id": "D0E2E", "thread_ts": "1729999100.000100",
        "user_id": "U1", "context": {"channel_id": "C0SEEN"}});
    let started =
        serde_json::json!({"type": "assistant_thread_started", "assistant_thread": thread});
    post_event(&server, started, "EvServeThread").await;
    arrived(
        &slack,
        "/api/assistant.threads.setSuggestedPrompts",
        "a first prompt",
    )
    .await;
    slack.recorder().clear();
    let question = serde_json::json!({"type": "message", "channel_type": "im", "channel": "D0E2E",
        "user": "U1", "text": "why stream?", "thread_ts": "1729999100.000100", "ts": "1729999200.000100"});
    post_event(&server, question, "EvServeAsk").await;
    let start = arrived(
        &slack,
        "/api/chat.startStream",
        "a stream in the assistant thread",
    )
    .await;
    assert_eq!(start.body["thread_ts"], "1729999100.000100");
    let paths: Vec<String> = slack
        .recorder()
        .calls()
        .into_iter()
        .map(|c| c.path)
        .collect();
    assert_eq!(paths[0], "/api/assistant.threads.setStatus", "{paths:?}");
    streamed("why stream?").await;
    let told = model.recorder().calls().last().unwrap().body["messages"][0]["content"].clone();
    assert_eq!(told, "The user is viewing the Slack channel <#C0SEEN>.");
    let logs = serde_json::to_string(&server.logs()).unwrap();
    assert!(!logs.contains(KEY), "the model's key is never logged");

    let runtime = RuntimeApi::start().await;
    let worker = Server::lambda(&runtime.addr.to_string(), &env);
    let body = ackbot_slack::sample::app_mention("ask and the worker?", "C1", "EvLambda1");
    let envelope =
        ackbot_slack::sample::signed_envelope("/slack/events", &body, SECRET, now_ms() / 1000);
    let id = runtime.invoke(String::from_utf8(envelope.to_json()).unwrap());
    assert!(matches!(
        runtime.answer(&id, Duration::from_secs(20)).await,
        Some(Answer::Success(_))
    ));
    streamed("and the worker?").await;
    assert!(!serde_json::to_string(&worker.logs()).unwrap().contains(KEY));
}

/// A Lambda worker whose invocation has 4.5 s left and a model that writes a word a second: the
/// handler is stopped 2 s before the deadline, the stream ended with a note, the user told, and
/// the invocation answered in time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lambda_worker_near_its_deadline_ends_the_stream_and_says_so() {
    let model = ModelStandIn::start().await.unwrap();
    let slack = SlackStandIn::start().await.unwrap();
    let (model_url, api_url) = (model.url(), slack.api_url());
    let runtime = RuntimeApi::start().await;
    let _worker = Server::lambda(&runtime.addr.to_string(), &slack_env(&model_url, &api_url));
    let body = ackbot_slack::sample::app_mention("ask [slow] a long story", "C1", "EvCut1");
    let envelope =
        ackbot_slack::sample::signed_envelope("/slack/events", &body, SECRET, now_ms() / 1000);
    let started = Instant::now();
    let id = runtime.invoke_for(
        String::from_utf8(envelope.to_json()).unwrap(),
        Duration::from_millis(4_500),
    );
    let answer = runtime.answer(&id, Duration::from_secs(20)).await;
    assert!(matches!(answer, Some(Answer::Success(_))), "{answer:?}");
    // Handed out after the worker's start, so measured from the first poll at the latest.
    let since = runtime.first_poll().unwrap().max(started);
    assert!(
        since.elapsed() < Duration::from_millis(4_500),
        "{:?}",
        since.elapsed()
    );
    let recorder = slack.recorder();
    let stop = (recorder.calls().into_iter())
        .find(|c| c.path == "/api/chat.stopStream")
        .expect("the stream was ended");
    let note = stop.body["markdown_text"].as_str().unwrap_or_default();
    assert!(note.ends_with("(stopped: out of time)"), "{stop:?}");
    let told = recorder
        .wait_for(
            // An error is told to the one who asked.
            |c| c.path == "/api/chat.postEphemeral" && c.body.to_string().contains("took too long"),
            Duration::from_secs(5),
        )
        .await;
    assert!(told.is_some(), "{:#?}", recorder.calls());
    // The model was asked once: a stopped handler is not run again.
    assert_eq!(model.recorder().calls().len(), 1);
}

/// On LINE a model that thinks longer than the reply token is fresh (1 s here; LINE's tokens last
/// about a minute): the loading animation first, then the answer pushed, not replied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_line_a_model_slower_than_the_reply_token_is_answered_by_push() {
    use ackbot_line::standin::LineStandIn;
    let model = ModelStandIn::start().await.unwrap();
    let line = LineStandIn::start().await.unwrap();
    let (model_url, api_url) = (model.url(), line.api_url());
    let secret = "line-channel-secret-e2e";
    let server = Server::start(&[
        ("LINE_CHANNEL_SECRET", secret),
        ("LINE_CHANNEL_ACCESS_TOKEN", "line-token-e2e"),
        ("LINE_API_URL", api_url.as_str()),
        ("ACKBOT_LINE_REPLY_TOKEN_TTL_MS", "1000"),
        ("ACKBOT_LLM_URL", model_url.as_str()),
        ("ACKBOT_LLM_MODEL", MODEL),
        ("ACKBOT_LLM_API_KEY", KEY),
    ]);
    let user = "U4af4980629a1b2c3d4e5f60718293a4b";
    let body = ackbot_line::sample::text_message("ask [late] are you there?", user, false);
    let response = reqwest::Client::new()
        .post(format!("{}/line/webhook", server.url))
        .header("content-type", "application/json; charset=utf-8")
        .header(
            "X-Line-Signature",
            ackbot_line::sign(&ackbot_core::SecretString::from(secret), body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let recorder = line.recorder();
    let push = recorder
        .wait_for(
            |c| c.path == "/v2/bot/message/push",
            Duration::from_secs(20),
        )
        .await
        .unwrap_or_else(|| panic!("{:#?}", recorder.calls()));
    assert_eq!(push.body["to"], user);
    assert_eq!(
        push.body["messages"][0]["text"],
        ModelStandIn::answer_to("[late] are you there?")
    );
    let paths: Vec<String> = recorder.calls().into_iter().map(|c| c.path).collect();
    assert_eq!(
        paths,
        ["/v2/bot/chat/loading/start", "/v2/bot/message/push"]
    );
    assert!(!serde_json::to_string(&server.logs()).unwrap().contains(KEY));
}

/// Two Lambda workers — two processes, as two containers — share the idempotency table: the one
/// that gets `assistant_thread_started` keeps the thread's context there, and the one that gets
/// the question in the thread reads it and tells the model which channel the user is viewing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_threads_context_is_kept_in_dynamodb_for_every_worker() {
    use crate::common::moto::Moto;
    use serde_json::json;

    let moto = Moto::start().await;
    moto.create_table("ackbot-keys").await;
    let model = ModelStandIn::start().await.unwrap();
    let slack = SlackStandIn::start().await.unwrap();
    let (model_url, api_url) = (model.url(), slack.api_url());
    let aws = moto.env();
    let mut env: Vec<(&str, &str)> = slack_env(&model_url, &api_url).to_vec();
    env.extend(aws.iter().map(|(k, v)| (*k, v.as_str())));
    env.push(("ACKBOT_IDEMPOTENCY_TABLE", "ackbot-keys"));
    let thread = json!({"channel_id": "D0ASSIST", "thread_ts": "1729999327.187299", "user_id": "U1",
        "context": {"channel_id": "C0VIEWED", "team_id": "T061EG9R6"}});
    let events = [
        json!({"type": "assistant_thread_started", "assistant_thread": thread, "event_ts": "1729999327.187300"}),
        json!({"type": "message", "channel_type": "im", "channel": "D0ASSIST", "user": "U1",
            "text": "ask what is here?", "thread_ts": "1729999327.187299", "ts": "1729999400.000100"}),
    ];
    for (n, event) in events.into_iter().enumerate() {
        let runtime = RuntimeApi::start().await;
        let _worker = Server::lambda(&runtime.addr.to_string(), &env);
        let body = ackbot_slack::sample::event_callback(event, &format!("EvContext{n}"));
        let envelope =
            ackbot_slack::sample::signed_envelope("/slack/events", &body, SECRET, now_ms() / 1000);
        let id = runtime.invoke(String::from_utf8(envelope.to_json()).unwrap());
        let answer = runtime.answer(&id, Duration::from_secs(20)).await;
        assert!(matches!(answer, Some(Answer::Success(_))), "{answer:?}");
    }
    let item = moto
        .item(
            "ackbot-keys",
            "slack-assistant-context#T061EG9R6:D0ASSIST:1729999327.187299",
        )
        .await
        .expect("the context's item");
    let kept: serde_json::Value =
        serde_json::from_str(item["context"]["S"].as_str().unwrap()).unwrap();
    assert_eq!(kept["channel_id"], "C0VIEWED");
    let expires: u64 = item["expiration"]["N"].as_str().unwrap().parse().unwrap();
    let month = (now_ms() / 1000) as u64 + 30 * 24 * 3600;
    assert!(expires.abs_diff(month) < 60, "kept for 30 days: {expires}");
    let asked = model.recorder().calls();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(
        asked[0].body["messages"][0]["content"],
        "The user is viewing the Slack channel <#C0VIEWED>."
    );
}
