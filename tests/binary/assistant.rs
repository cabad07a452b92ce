//! `ask`, the built-in assistant, with the kit and a stand-in of an OpenAI-compatible
//! chat-completions endpoint: the answer streamed in a mention's thread, in Discord's
//! "thinking…", on LINE behind the loading animation and as the reply, an apology when the model fails, breaks off or is too
//! slow, and a plain word when no model is configured.

use ackbot::handlers::standin::{MODEL, ModelStandIn};
use ackbot::prelude::*;
use ackbot::testing::TestBot;

const KEY: &str = "sk-standin-key-never-shown";

async fn assistant(model: &ModelStandIn, extra: &[(&str, &str)]) -> TestBot {
    let url = model.url();
    let mut env = vec![
        ("ACKBOT_LLM_URL", url.as_str()),
        ("ACKBOT_LLM_MODEL", MODEL),
        ("ACKBOT_LLM_API_KEY", KEY),
        ("ACKBOT_LLM_SYSTEM_PROMPT", "Answer briefly."),
    ];
    env.extend_from_slice(extra);
    TestBot::with_env(Bot::new().mount(ackbot::handlers::assistant()), &env)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_mention_is_answered_by_the_model_streamed_in_its_thread() {
    let model = ModelStandIn::start().await.unwrap();
    let bot = assistant(&model, &[]).await;
    let out = bot.slack_mention("ask what is a webhook?").await;
    assert_eq!(out.texts(), [ModelStandIn::answer_to("what is a webhook?")]);
    assert!(out.call("chat.startStream").is_some() && out.call("chat.stopStream").is_some());
    let asked = model.recorder().calls();
    let request = &asked[0];
    assert_eq!(request.body["model"], MODEL);
    assert_eq!(request.body["stream"], true);
    assert_eq!(request.body["messages"][0]["role"], "system");
    assert_eq!(request.body["messages"][1]["content"], "what is a webhook?");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(!format!("{:?}", out).contains(KEY));
}

#[tokio::test]
async fn on_discord_the_answer_grows_in_thinking() {
    let model = ModelStandIn::start().await.unwrap();
    let bot = assistant(&model, &[]).await;
    let out = bot.discord_command("/ask what is an interaction?").await;
    let ack = out.ack.as_ref().unwrap().json().unwrap();
    assert_eq!(ack["type"], 5, "deferred: {ack}");
    let answer = ModelStandIn::answer_to("what is an interaction?");
    assert_eq!(
        out.texts(),
        [answer.as_str()],
        "one message, as its last edit"
    );
    let methods: Vec<&str> = out.calls.iter().map(|c| c.method.as_str()).collect();
    assert!(
        methods.len() >= 2,
        "the first words, then the rest: {methods:?}"
    );
    assert!(
        methods.iter().all(|m| m.ends_with("/messages/@original")),
        "{methods:?}"
    );
    let first = out.calls[0].body["content"].as_str().unwrap();
    assert!(
        answer.starts_with(first) && first.len() < answer.len(),
        "{first}"
    );
}

#[tokio::test]
async fn on_line_the_answer_comes_whole_after_the_loading_animation() {
    let model = ModelStandIn::start().await.unwrap();
    let bot = assistant(&model, &[]).await;
    let out = bot.line_text("ask what is LINE?").await;
    let methods: Vec<&str> = out.calls.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(
        methods,
        ["/v2/bot/chat/loading/start", "/v2/bot/message/reply"],
        "`ask` is slow: loading first"
    );
    assert_eq!(out.texts(), [ModelStandIn::answer_to("what is LINE?")]);
}

#[tokio::test]
async fn a_failing_broken_or_slow_model_ends_the_answer_with_an_apology() {
    let model = ModelStandIn::start().await.unwrap();
    let bot = assistant(&model, &[("ACKBOT_LLM_TIMEOUT_SECS", "2")]).await;
    let failed = bot.slack_mention("ask [fail] anything").await;
    assert_eq!(failed.texts().len(), 1, "{:?}", failed.texts());
    assert!(
        failed.texts()[0].starts_with("Sorry: the answer broke off"),
        "{:?}",
        failed.texts()
    );
    let broken = bot
        .slack_mention("ask [break] a long question with many words")
        .await;
    let text = &broken.texts()[0];
    assert!(
        text.starts_with("You asked:") && text.ends_with("Please ask again in a moment."),
        "{text}"
    );
    assert_eq!(broken.outcome(), "processed");
    let slow = bot.line_text("ask [slow] please").await;
    assert!(
        slow.texts()[0].contains("Sorry: the answer broke off"),
        "{:?}",
        slow.texts()
    );
}

#[tokio::test]
async fn without_a_model_ask_says_it_is_not_configured() {
    let bot = TestBot::new(Bot::new().mount(ackbot::handlers::assistant()))
        .await
        .unwrap();
    let out = bot.slack_command("/ask hello").await;
    assert!(
        out.texts()[0].contains("not configured"),
        "{:?}",
        out.texts()
    );
    let empty = bot.slack_command("/ask").await;
    assert_eq!(empty.outcome(), "processed");
}

/// OpenAI's own Python client (`OPENAI_PYTHON`, else the one `make test` installs in
/// `.venv-openai/`) reads the stand-in's stream, and its error, as it reads OpenAI's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openais_own_client_reads_the_stand_in_as_it_reads_openai() {
    let model = ModelStandIn::start().await.unwrap();
    let python = std::env::var_os("OPENAI_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-openai/bin/python")
        });
    assert!(
        python.is_file(),
        "no Python with the openai package at {}: run `make test` (or `make .venv-openai/.installed`), \
         or point OPENAI_PYTHON at one",
        python.display()
    );
    let script = r#"
import sys, openai
client = openai.OpenAI(base_url=sys.argv[1], api_key="sk-standin", max_retries=0)
stream = client.chat.completions.create(model="standin-model", stream=True,
    messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "what is a webhook?"}])
pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
print("ANSWER " + "".join(pieces))
try:
    client.chat.completions.create(model="standin-model", stream=True,
        messages=[{"role": "user", "content": "[fail] now"}])
except openai.InternalServerError as e:
    print("ERROR", e.status_code, e.body["message"])
"#;
    let url = model.url();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .args(["-c", script, &url])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("ANSWER {}", ModelStandIn::answer_to("what is a webhook?")).as_str())
    );
    assert_eq!(
        lines.next(),
        Some("ERROR 500 The server had an error while processing your request.")
    );
}

/// Greets a new assistant thread with suggested prompts and a title.
async fn greet(
    thread: ackbot::slack::AssistantThread,
    slack: ackbot::slack::Slack,
) -> Result<(), HandlerError> {
    use ackbot::slack::SuggestedPrompt;
    let prompts = [SuggestedPrompt {
        title: "Explain".into(),
        message: "ask what is the asynchronous pattern?".into(),
    }];
    slack
        .assistant_threads_set_suggested_prompts(&thread, &prompts, Some("Try"))
        .await?;
    slack
        .assistant_threads_set_title(&thread, "A new question")
        .await?;
    Ok(())
}

#[tokio::test]
async fn in_an_assistant_thread_the_status_shows_until_the_answer_streams() {
    let model = ModelStandIn::start().await.unwrap();
    let url = model.url();
    let bot = Bot::new()
        .mount(ackbot::handlers::assistant())
        .on("assistant_thread_started", greet);
    let env = [
        ("ACKBOT_LLM_URL", url.as_str()),
        ("ACKBOT_LLM_MODEL", MODEL),
        ("ACKBOT_LLM_API_KEY", KEY),
    ];
    let bot = TestBot::with_env(bot, &env).await.unwrap();
    let started = bot
        .slack_event(serde_json::json!({"type": "assistant_thread_started",
            "assistant_thread": {"user_id": "U1", "channel_id": "D0ASSIST", "thread_ts": "1729999327.187299",
                "context": {"channel_id": "C0VIEWED", "team_id": "T0001"}}}))
        .await;
    let methods: Vec<&str> = started.calls.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(
        methods,
        [
            "assistant.threads.setSuggestedPrompts",
            "assistant.threads.setTitle"
        ]
    );
    assert_eq!(started.calls[0].body["prompts"][0]["title"], "Explain");
    let asked = bot
        .slack_event(serde_json::json!({"type": "message", "channel_type": "im", "channel": "D0ASSIST",
            "user": "U1", "text": "ask why stream?", "thread_ts": "1729999327.187299", "ts": "1729999400.000100"}))
        .await;
    let methods: Vec<&str> = asked.calls.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(
        methods.first(),
        Some(&"assistant.threads.setStatus"),
        "{methods:?}"
    );
    assert_eq!(asked.calls[0].body["status"], "is thinking…");
    assert_eq!(methods[1], "chat.startStream", "{methods:?}");
    assert_eq!(asked.calls[1].body["thread_ts"], "1729999327.187299");
    assert_eq!(asked.texts(), [ModelStandIn::answer_to("why stream?")]);
    // The message carried no context: the one its thread started with was kept for it, and the
    // model told; a change of channel replaces it.
    let told = |model: &ModelStandIn| {
        let calls = model.recorder().calls();
        let messages = calls.last().unwrap().body["messages"].clone();
        messages.as_array().unwrap()[0]["content"].clone()
    };
    assert_eq!(
        told(&model),
        "The user is viewing the Slack channel <#C0VIEWED>."
    );
    bot.slack_event(serde_json::json!({"type": "assistant_thread_context_changed",
        "assistant_thread": {"user_id": "U1", "channel_id": "D0ASSIST", "thread_ts": "1729999327.187299",
            "context": {"channel_id": "C0OTHER", "team_id": "T0001"}}}))
        .await;
    bot.slack_event(serde_json::json!({"type": "message", "channel_type": "im", "channel": "D0ASSIST",
        "user": "U1", "text": "ask and now?", "thread_ts": "1729999327.187299", "ts": "1729999500.000100"}))
        .await;
    assert_eq!(
        told(&model),
        "The user is viewing the Slack channel <#C0OTHER>."
    );
}

/// In an assistant thread a message that names no command is a question; a new thread gets a
/// first prompt; outside a thread such text stays an unknown command.
#[tokio::test]
async fn in_an_assistant_thread_plain_text_is_a_question() {
    let model = ModelStandIn::start().await.unwrap();
    let bot = assistant(&model, &[]).await;
    let started = bot
        .slack_event(serde_json::json!({"type": "assistant_thread_started",
            "assistant_thread": {"user_id": "U1", "channel_id": "D0PLAIN", "thread_ts": "1729999327.187299",
                "context": {}}}))
        .await;
    let prompts = started
        .call("assistant.threads.setSuggestedPrompts")
        .unwrap();
    assert_eq!(prompts.body["prompts"][0]["message"], "What can you do?");
    let asked = bot
        .slack_event(serde_json::json!({"type": "message", "channel_type": "im", "channel": "D0PLAIN",
            "user": "U1", "text": "What can you do?", "thread_ts": "1729999327.187299", "ts": "1729999400.000100"}))
        .await;
    assert_eq!(asked.texts(), [ModelStandIn::answer_to("What can you do?")]);
    assert_eq!(asked.calls[0].method, "assistant.threads.setStatus");
    let elsewhere = bot
        .slack_event(
            serde_json::json!({"type": "message", "channel_type": "im", "channel": "D0PLAIN",
            "user": "U1", "text": "What can you do?", "ts": "1729999500.000100"}),
        )
        .await;
    let text = elsewhere.text().unwrap_or_default();
    assert!(
        text.contains("don't know") || text.contains("nknown"),
        "{text}"
    );
    assert_eq!(model.recorder().calls().len(), 1, "asked once");
}
