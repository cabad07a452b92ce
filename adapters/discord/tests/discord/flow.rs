//! An interaction through the front door and the worker, against the stand-in of Discord's API:
//! what Discord gets in the 3 s, and what the worker sends after.

use std::sync::Arc;
use std::time::Duration;

use ackbot_core::runtime::Worker;
use ackbot_core::testing::Recorded;
use ackbot_core::{Bot, Choice, CommandDef, Options, Reply, Stream, Text, User, cmd};
use ackbot_discord::sample::{self, APPLICATION_ID, TEST_PUBLIC_KEY};
use ackbot_discord::standin::{DiscordStandIn, TOKEN_HEADER};
use ackbot_discord::{
    DISCORD, DiscordAdapter, DiscordConfig, Interaction, Modal, TOKEN_LIFETIME_MS, TextInput,
};
use serde_json::{Value, json};

const DEADLINE: Duration = Duration::from_millis(2500);
const ORIGINAL: &str = "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original";
const FOLLOW_UP: &str = "POST /webhooks/{application.id}/{interaction.token}";

async fn echo(Text(text): Text) -> Reply {
    Reply::text(text)
}

async fn shout(Text(text): Text) -> Reply {
    Reply::text(text.to_uppercase()).in_channel()
}

async fn two(user: User) -> Vec<Reply> {
    vec![
        Reply::text(format!("one for {}", user.mention())),
        Reply::text("two").in_channel(),
    ]
}

async fn form(interaction: Interaction) -> Modal {
    let _ = interaction;
    Modal::new("form", "Form").field(TextInput::short("name", "Name").min_length(2))
}

async fn submitted(interaction: Interaction) -> Reply {
    Reply::text(format!(
        "hello {}",
        interaction.field("name").unwrap_or("?")
    ))
    .in_channel()
}

async fn picked(choice: Choice) -> Reply {
    Reply::text(format!("you picked {}", choice.value))
}

async fn pick() -> Reply {
    Reply::text("pick one").choices("pick", ["tea", "coffee"])
}

async fn cities(interaction: Interaction) -> Options {
    let typed = (interaction.focused())
        .and_then(|o| o.text())
        .unwrap_or_default();
    ["Tokyo", "Toronto", "Paris"]
        .into_iter()
        .filter(|c| c.starts_with(&typed))
        .fold(Options::new(), |o, c| o.option(c, c.to_lowercase()))
}

async fn quiet() {}

/// Writes its text in pieces, as a model's answer comes.
async fn tell(Text(text): Text, stream: Stream) -> Result<(), ackbot_core::HandlerError> {
    for word in text.split_inclusive(' ') {
        stream.write(word).await?;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

fn commands() -> Vec<CommandDef> {
    vec![
        cmd("echo", echo).usage("TEXT"),
        cmd("shout", shout).usage("TEXT").in_channel(),
        // Not declared: "thinking…" is the user's alone, the reply is everyone's.
        cmd("loud", shout).usage("TEXT"),
        cmd("two", two),
        cmd("form", form).answers_in_ack(),
        cmd("pick", pick),
        cmd("city", echo).usage("NAME"),
        cmd("quiet", quiet),
        cmd("tell", tell).usage("TEXT"),
    ]
}

struct Setup {
    worker: Worker,
    stand_in: DiscordStandIn,
}

async fn setup() -> Setup {
    let stand_in = DiscordStandIn::start().await.unwrap();
    let bot = (commands().into_iter())
        .fold(Bot::new(), Bot::command)
        .view("form", submitted)
        .action("pick", picked)
        .options("city", cities)
        .build()
        .unwrap();
    let config = DiscordConfig::new(TEST_PUBLIC_KEY, APPLICATION_ID)
        .with_api_url(stand_in.api_url())
        .with_commands(bot.catalog());
    let adapter = DiscordAdapter::new(config).unwrap();
    let worker = Worker::new(bot).with_adapter(Arc::new(adapter));
    Setup { worker, stand_in }
}

fn now_ms() -> i64 {
    ackbot_core::runtime::now_ms()
}

impl Setup {
    /// The front door's answer (as JSON) and the worker's run of what it handed on.
    async fn interact(&self, interaction: &Value) -> (u16, Value, Vec<Recorded>) {
        self.stand_in.recorder().clear();
        let envelope = sample::envelope(interaction, now_ms());
        let ack = self.worker.front(envelope, DEADLINE).await;
        let body = serde_json::from_slice(&ack.body).unwrap_or(Value::Null);
        if let Some(forward) = ack.forward {
            self.worker.process(forward).await;
        }
        (ack.status, body, self.stand_in.recorder().calls())
    }
}

fn token(interaction: &Value) -> &str {
    interaction["token"].as_str().unwrap()
}

#[tokio::test]
async fn a_ping_is_ponged_and_nothing_is_handed_on() {
    let s = setup().await;
    let (status, body, calls) = s.interact(&sample::ping()).await;
    assert_eq!((status, body), (200, json!({"type": 1})));
    assert!(calls.is_empty());
}

#[tokio::test]
async fn a_command_is_deferred_ephemerally_then_its_reply_edits_the_original() {
    let s = setup().await;
    let interaction = sample::command("echo", "hi there");
    let (status, body, calls) = s.interact(&interaction).await;
    assert_eq!(
        (status, body),
        (200, json!({"type": 5, "data": {"flags": 64}}))
    );
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        calls[0].path,
        "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original"
    );
    assert_eq!(calls[0].header(TOKEN_HEADER), Some(token(&interaction)));
    assert_eq!(calls[0].body["content"], "hi there");
    assert!(
        calls[0].body.get("flags").is_none(),
        "an edit keeps the deferral's flags"
    );
    assert_eq!(
        calls[0].body["allowed_mentions"],
        json!({"parse": ["users"]})
    );
}

#[tokio::test]
async fn a_command_declared_in_channel_is_deferred_for_everyone() {
    let s = setup().await;
    let (_, body, calls) = s.interact(&sample::command("shout", "hey")).await;
    assert_eq!(body, json!({"type": 5}));
    assert_eq!(calls[0].body["content"], "HEY");
}

#[tokio::test]
async fn the_rest_are_follow_ups_and_a_reply_that_differs_gets_a_message_of_its_own() {
    let s = setup().await;
    let (_, _, calls) = s.interact(&sample::command("two", "")).await;
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original",
            "POST /webhooks/{application.id}/{interaction.token}",
        ]
    );
    assert_eq!(
        calls[0].body["content"],
        format!("one for <@{}>", sample::USER_ID)
    );
    assert_eq!(calls[1].body["content"], "two");
    assert!(calls[1].body.get("flags").is_none(), "in channel");
    // Deferred for the user alone, answered in channel: a public follow-up, then "thinking…" goes.
    let (_, _, calls) = s.interact(&sample::command("loud", "x")).await;
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "POST /webhooks/{application.id}/{interaction.token}",
            "DELETE /webhooks/{application.id}/{interaction.token}/messages/@original",
        ]
    );
    assert!(calls[0].body.get("flags").is_none());
    let (_, body, calls) = s.interact(&sample::command("quiet", "")).await;
    assert_eq!(body, json!({"type": 5, "data": {"flags": 64}}));
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        ["DELETE /webhooks/{application.id}/{interaction.token}/messages/@original"]
    );
}

#[tokio::test]
async fn a_command_answering_in_the_ack_opens_its_modal_and_the_submission_follows_up() {
    let s = setup().await;
    let (_, body, calls) = s.interact(&sample::command("form", "")).await;
    assert_eq!(body["type"], 9);
    assert_eq!(body["data"]["custom_id"], "form");
    assert_eq!(
        body["data"]["components"][0]["components"][0]["min_length"],
        2
    );
    assert!(calls.is_empty());
    let (_, body, calls) = s
        .interact(&sample::modal_submit("form", &[("name", "Ann")]))
        .await;
    assert_eq!(body, json!({"type": 6}));
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].path,
        "POST /webhooks/{application.id}/{interaction.token}"
    );
    assert_eq!(calls[0].body["content"], "hello Ann");
}

#[tokio::test]
async fn choices_are_buttons_and_a_click_reaches_the_action_with_its_choice() {
    let s = setup().await;
    let (_, _, calls) = s.interact(&sample::command("pick", "")).await;
    let row = &calls[0].body["components"][0];
    assert_eq!(row["components"][1]["custom_id"], "pick:coffee");
    let (_, body, calls) = s.interact(&sample::button("pick:coffee")).await;
    assert_eq!(body, json!({"type": 6}));
    assert_eq!(
        calls[0].path,
        "POST /webhooks/{application.id}/{interaction.token}"
    );
    assert_eq!(calls[0].body["content"], "you picked coffee");
    assert_eq!(calls[0].body["flags"], 64);
}

#[tokio::test]
async fn autocomplete_is_answered_in_the_ack_with_choices() {
    let s = setup().await;
    let (_, body, calls) = s.interact(&sample::autocomplete("city", "To")).await;
    assert_eq!(
        body,
        json!({"type": 8, "data": {"choices": [
        {"name": "Tokyo", "value": "tokyo"}, {"name": "Toronto", "value": "toronto"}]}})
    );
    assert!(calls.is_empty());
}

#[tokio::test]
async fn a_replayed_interaction_is_answered_once() {
    let s = setup().await;
    let interaction = sample::command("echo", "once");
    s.interact(&interaction).await;
    let (status, _, calls) = s.interact(&interaction).await;
    assert_eq!(status, 200);
    assert!(calls.is_empty(), "{calls:?}");
}

#[tokio::test]
async fn a_bad_signature_is_refused_with_401_and_nothing_is_handed_on() {
    let s = setup().await;
    let mut envelope = sample::envelope(&sample::command("echo", "x"), now_ms());
    envelope.body.push(b' ');
    let ack = s.worker.front(envelope, DEADLINE).await;
    assert_eq!(ack.status, 401);
    assert!(ack.forward.is_none());
}

#[tokio::test]
async fn a_reply_after_fifteen_minutes_is_undeliverable_and_not_retried() {
    let s = setup().await;
    let at = now_ms() - TOKEN_LIFETIME_MS - 60_000;
    let envelope = sample::envelope(&sample::command("echo", "late"), at);
    // The signature was fresh when the gateway received it; the worker runs 16 minutes later.
    let report = s.worker.process(envelope).await;
    assert!(!report.should_retry(), "{report:?}");
    let ackbot_core::runtime::Status::Undeliverable(error) = &report.status else {
        panic!("not undeliverable: {:?}", report.status);
    };
    let error = ackbot_core::chain(error.as_ref());
    assert!(
        error.contains("token expired") && error.contains("15 minutes"),
        "{error}"
    );
    assert!(s.stand_in.recorder().calls().is_empty());
}

#[test]
fn the_platform_is_discords() {
    assert_eq!(DISCORD.invocation("echo"), "/echo");
    assert_eq!(DISCORD.to_string(), "Discord");
}

#[tokio::test]
async fn a_retried_delivery_leaves_the_edited_original_alone_and_sends_only_the_rest() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let api = MockServer::start().await;
    let message = ResponseTemplate::new(200).set_body_json(json!({"id": "1", "content": ""}));
    Mock::given(method("PATCH"))
        .respond_with(message.clone())
        .mount(&api)
        .await;
    // The first follow-up meets a Discord that is down; the retry finds it back.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .respond_with(message)
        .mount(&api)
        .await;
    let bot = Bot::new().command(cmd("two", two)).build().unwrap();
    let config = DiscordConfig::new(TEST_PUBLIC_KEY, APPLICATION_ID)
        .with_api_url(api.uri())
        .with_retry(ackbot_core::retry::RetryPolicy::fixed(1, Duration::ZERO))
        .with_commands(bot.catalog());
    let worker = Worker::new(bot).with_adapter(Arc::new(DiscordAdapter::new(config).unwrap()));
    let envelope = sample::envelope(&sample::command("two", ""), now_ms());
    let first = worker.process(envelope.clone()).await;
    assert!(first.should_retry(), "{first:?}");
    let second = worker.process(envelope).await;
    assert!(!second.should_retry(), "{second:?}");
    let calls: Vec<String> = (api.received_requests().await.unwrap().iter())
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(calls, ["PATCH", "POST", "POST"], "the original edited once");
}

#[tokio::test]
async fn a_stream_grows_in_the_original_then_in_follow_ups_past_two_thousand_characters() {
    let s = setup().await;
    let short = "the first words come at once and the rest in batches";
    let (_, _, calls) = s.interact(&sample::command("tell", short)).await;
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    assert!(
        paths.iter().all(|p| *p == ORIGINAL),
        "edits only, nothing deleted: {paths:?}"
    );
    assert_eq!(calls[0].body["content"], "the ", "the first words at once");
    assert_eq!(calls.last().unwrap().body["content"], short);
    // 2,400 characters: the original fills to 2,000, a follow-up takes the rest.
    let long: String = (0..120)
        .map(|i| format!("w{i:03}{} ", "x".repeat(15)))
        .collect();
    let (_, _, calls) = s.interact(&sample::command("tell", long.trim_end())).await;
    let last_original = calls.iter().rev().find(|c| c.path == ORIGINAL).unwrap();
    let first = last_original.body["content"].as_str().unwrap();
    assert_eq!(first.chars().count(), 2000);
    let follow_up = calls
        .iter()
        .find(|c| c.path == FOLLOW_UP)
        .expect("a follow-up");
    assert_eq!(
        follow_up.body["flags"], 64,
        "for the user alone, as the deferral"
    );
    let edited = (calls.iter().rev()).find(|c| c.path.ends_with("/messages/{message.id}"));
    let rest = edited.map_or(&follow_up.body, |c| &c.body)["content"]
        .as_str()
        .unwrap();
    assert_eq!(format!("{first}{rest}"), long.trim_end());
}

#[tokio::test]
async fn a_rate_limited_edit_waits_discords_retry_after_and_goes_out() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let api = MockServer::start().await;
    // Discord's 429: its wait in the JSON (seconds, fractional), as its documentation shows.
    let limited = ResponseTemplate::new(429).set_body_json(
        json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": false}),
    );
    Mock::given(method("PATCH"))
        .respond_with(limited)
        .up_to_n_times(1)
        .mount(&api)
        .await;
    let message = ResponseTemplate::new(200).set_body_json(json!({"id": "1", "content": "hi"}));
    Mock::given(method("PATCH"))
        .respond_with(message)
        .mount(&api)
        .await;
    let bot = Bot::new().command(cmd("echo", echo)).build().unwrap();
    let config = DiscordConfig::new(TEST_PUBLIC_KEY, APPLICATION_ID).with_api_url(api.uri());
    let worker = Worker::new(bot).with_adapter(Arc::new(DiscordAdapter::new(config).unwrap()));
    let started = std::time::Instant::now();
    let report = worker
        .process(sample::envelope(&sample::command("echo", "hi"), now_ms()))
        .await;
    assert_eq!(report.replied, 1, "{report:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(50),
        "waited Discord's retry_after"
    );
    assert_eq!(api.received_requests().await.unwrap().len(), 2);
}
