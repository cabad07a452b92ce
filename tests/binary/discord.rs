//! Discord end to end through the real binary: `ackbot serve` (its route always answered by the
//! front door), the Lambda front door handing the work to the worker, `manifest discord`,
//! `discord register` and `send discord` — against the stand-in of Discord's API.

use std::process::{Command, Output};
use std::time::Duration;

use crate::common::Server;
use crate::common::lambda_api::LambdaApi;
use crate::common::runtime::{Answer, RuntimeApi};
use ackbot::discord::sample::{self, APPLICATION_ID, TEST_PUBLIC_KEY};
use ackbot::discord::standin::{DiscordStandIn, TOKEN_HEADER};
use ackbot_core::adapter::Envelope;
use ackbot_core::runtime::now_ms;
use ackbot_core::testing::Recorded;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(10);
const ORIGINAL: &str = "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original";
const FOLLOW_UP: &str = "POST /webhooks/{application.id}/{interaction.token}";

fn env(api: &DiscordStandIn) -> Vec<(&'static str, String)> {
    vec![
        ("DISCORD_PUBLIC_KEY", TEST_PUBLIC_KEY.to_string()),
        ("DISCORD_APPLICATION_ID", APPLICATION_ID.to_string()),
        ("DISCORD_BOT_TOKEN", "test-discord-bot-token".to_string()),
        ("DISCORD_API_URL", api.api_url()),
    ]
}

fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

/// Posts `interaction` signed at `at_secs` (by `key`, the test pair by default): the status and
/// the answer's JSON.
async fn post(server: &Server, body: &str, at_secs: i64, key: Option<[u8; 32]>) -> (u16, Value) {
    let key = key.map_or_else(
        sample::key_pair,
        ackbot::discord::signing::KeyPair::from_seed,
    );
    let timestamp = at_secs.to_string();
    let response = reqwest::Client::new()
        .post(format!("{}/discord/interactions", server.url))
        .header("content-type", "application/json")
        .header("x-signature-timestamp", &timestamp)
        .header("x-signature-ed25519", key.sign(&timestamp, body.as_bytes()))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null),
    )
}

async fn interact(server: &Server, interaction: &Value) -> (u16, Value) {
    post(server, &interaction.to_string(), now_ms() / 1000, None).await
}

async fn call_for(api: &DiscordStandIn, interaction: &Value, endpoint: &str) -> Recorded {
    let token = interaction["token"].as_str().unwrap().to_string();
    let wanted =
        |c: &Recorded| c.path == endpoint && c.header(TOKEN_HEADER) == Some(token.as_str());
    (api.recorder().wait_for(wanted, WAIT).await)
        .unwrap_or_else(|| panic!("no {endpoint}: {:?}", api.recorder().calls()))
}

#[tokio::test]
async fn serve_answers_discord_at_its_front_door_and_finishes_through_the_webhook() {
    let api = DiscordStandIn::start().await.unwrap();
    let env = env(&api);
    let server = Server::start(&borrowed(&env));
    assert_eq!(server.health().await["platforms"], json!(["discord"]));

    assert_eq!(
        interact(&server, &sample::ping()).await,
        (200, json!({"type": 1}))
    );

    let echo = sample::command("echo", "こんにちは Discord");
    let (status, answer) = interact(&server, &echo).await;
    assert_eq!(
        (status, answer),
        (200, json!({"type": 5, "data": {"flags": 64}}))
    );
    let edited = call_for(&api, &echo, ORIGINAL).await;
    assert_eq!(edited.body["content"], "こんにちは Discord");

    // Discord retrying the same interaction: answered, not handled again.
    let before = api.recorder().calls().len();
    assert_eq!(interact(&server, &echo).await.0, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(api.recorder().calls().len(), before, "handled once");

    // Buttons, and a click on one.
    let choose = sample::command("choose", "tea coffee");
    interact(&server, &choose).await;
    let offered = call_for(&api, &choose, ORIGINAL).await;
    let button = &offered.body["components"][0]["components"][1];
    assert_eq!(button["label"], "coffee");
    let click = sample::button(button["custom_id"].as_str().unwrap());
    assert_eq!(interact(&server, &click).await, (200, json!({"type": 6})));
    let picked = call_for(&api, &click, FOLLOW_UP).await;
    assert!(
        picked.body["content"].as_str().unwrap().contains("coffee"),
        "{}",
        picked.body
    );

    // Autocomplete is answered in the acknowledgement (the built-ins offer no choices).
    let typed = sample::autocomplete("echo", "he");
    assert_eq!(
        interact(&server, &typed).await,
        (200, json!({"type": 8, "data": {"choices": []}}))
    );

    // The built-in feedback: its modal in the acknowledgement, its thanks a follow-up.
    let (_, modal) = interact(&server, &sample::command("feedback", "")).await;
    assert_eq!(
        (modal["type"].as_u64(), modal["data"]["custom_id"].as_str()),
        (Some(9), Some("feedback"))
    );
    let submitted = sample::modal_submit("feedback", &[("text", "Works on Discord")]);
    assert_eq!(
        interact(&server, &submitted).await,
        (200, json!({"type": 6}))
    );
    let thanks = call_for(&api, &submitted, FOLLOW_UP).await;
    assert_eq!(
        thanks.body["content"],
        format!("Thanks <@{}>: Works on Discord", sample::USER_ID)
    );
}

#[tokio::test]
async fn serve_refuses_discords_probe_a_stale_signature_and_an_unconfigured_route() {
    let api = DiscordStandIn::start().await.unwrap();
    let env = env(&api);
    let server = Server::start(&borrowed(&env));
    let body = sample::command("echo", "probe").to_string();
    let (status, _) = post(&server, &body, now_ms() / 1000, Some([3; 32])).await;
    assert_eq!(status, 401, "Discord's invalid-signature probe");
    let (status, _) = post(&server, &body, now_ms() / 1000 - 600, None).await;
    assert_eq!(status, 401, "ten minutes old");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(api.recorder().calls().is_empty(), "nothing handled");
    let stale = server.logs().into_iter().any(|l| {
        l["reason"]
            .as_str()
            .is_some_and(|r| r.contains("at most 300 s allowed"))
    });
    assert!(stale, "the log names the window: {:?}", server.logs());

    let slack_only = Server::start(&[("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5")]);
    let (status, _) = post(&slack_only, &body, now_ms() / 1000, None).await;
    assert_eq!(status, 404);
}

/// An interaction, what the front door answers it, and the call and text the worker sends after
/// (none: nothing is handed on).
type Case = (&'static str, Value, Value, Option<(&'static str, String)>);

#[tokio::test]
async fn on_lambda_every_interaction_type_is_answered_by_the_front_door_and_finished_by_the_worker()
{
    let api = DiscordStandIn::start().await.unwrap();
    let runtime = RuntimeApi::start().await;
    let lambda_api = LambdaApi::start(202).await;
    let mut front_env = env(&api);
    front_env.extend([
        ("ACKBOT_ROLE", "front".to_string()),
        ("ACKBOT_WORKER_FUNCTION", "ackbot-worker".to_string()),
        ("AWS_ENDPOINT_URL_LAMBDA", lambda_api.url.clone()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_ACCESS_KEY_ID", "AKIDFRONTDOORTEST".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "front-door-secret-key".to_string()),
    ]);
    let _front = Server::lambda(&runtime.addr.to_string(), &borrowed(&front_env));
    let worker_runtime = RuntimeApi::start().await;
    let worker_env = env(&api);
    let _worker = Server::lambda(&worker_runtime.addr.to_string(), &borrowed(&worker_env));

    // Each interaction: what the front door answers, and what the worker then sends (if it is
    // handed on at all).
    let submitted = sample::modal_submit("feedback", &[("text", "Lambda too")]);
    let thanks = format!("Thanks <@{}>: Lambda too", sample::USER_ID);
    let cases: [Case; 6] = [
        ("ping", sample::ping(), json!({"type": 1}), None),
        (
            "command",
            sample::command("echo", "from Lambda"),
            json!({"type": 5, "data": {"flags": 64}}),
            Some((ORIGINAL, "from Lambda".into())),
        ),
        (
            "modal",
            sample::command("feedback", ""),
            json!("modal"),
            None,
        ),
        (
            "submission",
            submitted,
            json!({"type": 6}),
            Some((FOLLOW_UP, thanks)),
        ),
        (
            "click",
            sample::button("choose:tea"),
            json!({"type": 6}),
            Some((FOLLOW_UP, format!("<@{}> chose tea", sample::USER_ID))),
        ),
        // The built-ins have no autocomplete: no choices, and nothing handed on.
        (
            "autocomplete",
            sample::autocomplete("echo", "he"),
            json!({"type": 8, "data": {"choices": []}}),
            None,
        ),
    ];
    for (i, (what, interaction, answered, sent)) in cases.into_iter().enumerate() {
        let before = lambda_api.invokes().len();
        let envelope = sample::envelope(&interaction, now_ms());
        let id = runtime.invoke(proxy_event(&envelope, &format!("req-discord-{i}")));
        let answer = match runtime.answer(&id, Duration::from_secs(20)).await {
            Some(Answer::Success(answer)) => answer,
            other => panic!("{what}: expected an answer, got {other:?}"),
        };
        assert_eq!(answer["statusCode"], 200, "{what}");
        let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
        match answered.as_str() {
            Some("modal") => assert_eq!(body["type"], 9, "{what}: {body}"),
            _ => assert_eq!(body, answered, "{what}"),
        }
        let invokes = lambda_api.invokes();
        let Some((endpoint, text)) = sent else {
            assert_eq!(invokes.len(), before, "{what}: nothing handed on");
            continue;
        };
        assert_eq!(invokes.len(), before + 1, "{what}: handed on once");
        let handed = Envelope::from_json(&invokes[before].body).unwrap();
        assert_eq!(handed.route, "/discord/interactions");
        assert_eq!(handed.body, envelope.body, "{what}: the exact bytes");
        let handled =
            worker_runtime.invoke(String::from_utf8(invokes[before].body.clone()).unwrap());
        match worker_runtime
            .answer(&handled, Duration::from_secs(20))
            .await
        {
            Some(Answer::Success(report)) => assert_eq!(report["replied"], 1, "{what}: {report}"),
            other => panic!("{what}: expected a report, got {other:?}"),
        }
        let call = call_for(&api, &interaction, endpoint).await;
        assert_eq!(call.body["content"], text.as_str(), "{what}");
    }
}

/// An API Gateway proxy event carrying `envelope`'s body and headers, as the gateway sends it.
fn proxy_event(envelope: &Envelope, request_id: &str) -> String {
    let mut event: Value =
        serde_json::from_str(include_str!("../fixtures/apigw_proxy_slack_events.json")).unwrap();
    event["headers"] = json!({});
    event["multiValueHeaders"] = json!({});
    for (name, value) in envelope.headers.iter() {
        event["headers"][name] = json!(value);
        event["multiValueHeaders"][name] = json!([value]);
    }
    event["body"] = json!(String::from_utf8(envelope.body.clone()).unwrap());
    event["resource"] = json!("/discord/interactions");
    event["path"] = json!("/discord/interactions");
    event["requestContext"]["resourcePath"] = json!("/discord/interactions");
    event["requestContext"]["path"] = json!("/prod/discord/interactions");
    event["requestContext"]["requestTimeEpoch"] = json!(envelope.received_at_ms);
    event["requestContext"]["requestId"] = json!(request_id);
    event.to_string()
}

/// Runs the binary off the runtime's thread, which serves the stand-in meanwhile.
async fn ackbot_async(args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = (env.iter())
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        ackbot(&args, &env)
    })
    .await
    .unwrap()
}

fn ackbot(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ackbot"));
    for (name, _) in std::env::vars() {
        if ["AWS_", "ACKBOT_", "SLACK_", "LINE_", "DISCORD_"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            command.env_remove(name);
        }
    }
    command
        .args(args)
        .envs(env.iter().copied())
        .current_dir(std::env::temp_dir());
    command.output().expect("run ackbot")
}

#[tokio::test]
async fn manifest_prints_the_commands_and_register_sends_them_and_says_what_changed() {
    let out = ackbot(&["manifest", "discord"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let commands: Value = serde_json::from_slice(&out.stdout).unwrap();
    let echo = (commands.as_array().unwrap().iter())
        .find(|c| c["name"] == "echo")
        .unwrap();
    assert_eq!(echo["type"], 1);
    assert_eq!(
        echo["options"][0],
        json!({"type": 3, "name": "text", "description": "TEXT",
        "required": false, "autocomplete": false})
    );

    let api = DiscordStandIn::start().await.unwrap();
    let env = env(&api);
    let env = borrowed(&env);
    let first = ackbot_async(&["discord", "register"], &env[1..]).await;
    let said = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(said.contains("added") && said.contains("/echo"), "{said}");
    let put = (api.recorder().calls().into_iter())
        .find(|c| c.path == "PUT /applications/{application.id}/commands")
        .expect("the commands were sent");
    assert_eq!(
        put.header("authorization"),
        Some("Bot test-discord-bot-token")
    );
    assert_eq!(put.body, commands);
    let second = ackbot_async(&["discord", "register"], &env[1..]).await;
    let said = String::from_utf8_lossy(&second.stdout);
    assert!(
        said.contains("unchanged") && !said.contains("added"),
        "{said}"
    );
    // One server's, at once: its own list, the global one untouched.
    let guild = ackbot_async(
        &["discord", "register", "--guild", "290926798626357999"],
        &env[1..],
    )
    .await;
    let said = String::from_utf8_lossy(&guild.stdout);
    assert!(
        guild.status.success() && said.contains("added") && said.contains("at once"),
        "{said}"
    );
    let put = (api.recorder().calls().into_iter())
        .filter(|c| c.path == "PUT /applications/{application.id}/guilds/{guild.id}/commands")
        .count();
    assert_eq!(put, 1);
    let bad = ackbot_async(&["discord", "register", "--guild", "general"], &env[1..]).await;
    assert!(String::from_utf8_lossy(&bad.stderr).contains("server's id"));
    // The public key is not needed; the token is: says which variable, sends nothing.
    let no_token = ackbot_async(&["discord", "register"], &env[1..2]).await;
    assert!(!no_token.status.success());
    assert!(String::from_utf8_lossy(&no_token.stderr).contains("DISCORD_BOT_TOKEN"));
}

#[tokio::test]
async fn send_signs_with_the_test_key_and_refuses_an_applications_own() {
    let api = DiscordStandIn::start().await.unwrap();
    let env = env(&api);
    let server = Server::start(&borrowed(&env));
    let mut with_url = borrowed(&env);
    with_url.truncate(2);
    let url = server.url.clone();
    let sent = tokio::task::spawn_blocking(move || {
        ackbot(
            &["send", "discord", "/echo sent", "--to", &url],
            &[
                ("DISCORD_PUBLIC_KEY", TEST_PUBLIC_KEY),
                ("DISCORD_APPLICATION_ID", APPLICATION_ID),
            ],
        )
    })
    .await
    .unwrap();
    let said = String::from_utf8_lossy(&sent.stdout);
    assert!(
        sent.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    assert!(said.contains(r#"{"data":{"flags":64},"type":5}"#), "{said}");
    let edited = api
        .recorder()
        .wait_for(|c| c.path == ORIGINAL, WAIT)
        .await
        .unwrap();
    assert_eq!(edited.body["content"], "sent");
    let own_key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let refused = ackbot(
        &["send", "discord", "/echo x"],
        &[
            ("DISCORD_PUBLIC_KEY", own_key),
            ("DISCORD_APPLICATION_ID", APPLICATION_ID),
        ],
    );
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("not ackbot's test key") && said.contains(TEST_PUBLIC_KEY),
        "{said}"
    );
}

/// A Discord that fails every call with a body echoing the request's path (which holds the
/// interaction's token) and `Authorization` header.
struct Echo;

impl wiremock::Respond for Echo {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let auth = (request.headers.get("authorization"))
            .and_then(|v| v.to_str().ok())
            .unwrap_or("(none)");
        let message = format!("bad request to {} as {auth}", request.url.path());
        wiremock::ResponseTemplate::new(400)
            .set_body_json(json!({"code": 50035, "message": message}))
    }
}

#[tokio::test]
async fn an_interactions_token_never_reaches_a_log_even_when_discord_echoes_it() {
    let api = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(Echo)
        .mount(&api)
        .await;
    let bot_token = "MTE.Distinctive-discord-bot-token";
    let server = Server::start(&[
        ("DISCORD_PUBLIC_KEY", TEST_PUBLIC_KEY),
        ("DISCORD_APPLICATION_ID", APPLICATION_ID),
        ("DISCORD_BOT_TOKEN", bot_token),
        ("DISCORD_API_URL", &api.uri()),
    ]);
    let echo = sample::command("echo", "refused");
    let token = echo["token"].as_str().unwrap().to_string();
    assert_eq!(interact(&server, &echo).await.0, 200);
    let failed = server
        .wait_for_log(|l| l.to_string().contains("50035"), WAIT)
        .await
        .unwrap_or_else(|| panic!("the refusal is logged: {:?}", server.logs()));
    assert!(failed.to_string().contains("[redacted]"), "{failed}");
    let requests = api.received_requests().await.unwrap();
    assert!(
        requests[0].url.path().contains(&token),
        "the token was in the path"
    );
    for line in server.logs() {
        let line = line.to_string();
        assert!(
            !line.contains(&token) && !line.contains(bot_token),
            "{line}"
        );
    }
}
