//! Distribution mode end to end on the Lambda side: the real binary as the front door
//! (`ACKBOT_ROLE=front`, fed API Gateway proxy events by a Runtime API double) answering the
//! install pages and handing webhooks on, and as workers; installations in DynamoDB (moto),
//! Slack's API and authorize page on the stand-in. Two workspaces install, a mention from each
//! is answered with its own token, a new worker (a fresh container) keeps them, an uninstall
//! removes one, two workers refreshing at once spend the refresh token once, and every CSRF case
//! is refused with no exchange.

use std::time::Duration;

use crate::common::Server;
use crate::common::lambda_api::LambdaApi;
use crate::common::moto::Moto;
use crate::common::runtime::{Answer, RuntimeApi};
use crate::common::slack::{SECRET, exchanges, token_of_reply};
use ackbot_core::SecretString;
use ackbot_core::runtime::now_ms;
use ackbot_slack::sample;
use ackbot_slack::standin::SlackStandIn;
use serde_json::{Value, json};

const CLIENT_ID: &str = "1234567890.1234567890123";
const CLIENT_SECRET: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const PUBLIC: &str = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod";
const TABLE: &str = "installations";

/// The front door, its workers' shared settings, and the parties they talk to.
struct Deployment {
    moto: Moto,
    standin: SlackStandIn,
    lambda_api: LambdaApi,
    front_runtime: RuntimeApi,
    front_door: Server,
}

impl Deployment {
    async fn start() -> Deployment {
        let moto = Moto::start().await;
        moto.create_table(TABLE).await;
        let standin = SlackStandIn::start().await.unwrap();
        let lambda_api = LambdaApi::start(202).await;
        let front_runtime = RuntimeApi::start().await;
        let mut env = environment(&moto, &standin);
        env.push(("ACKBOT_ROLE", "front".into()));
        env.push(("ACKBOT_WORKER_FUNCTION", "ackbot-worker".into()));
        env.push(("AWS_ENDPOINT_URL_LAMBDA", lambda_api.url.clone()));
        let front = lambda(&front_runtime, &env);
        Deployment {
            moto,
            standin,
            lambda_api,
            front_runtime,
            front_door: front,
        }
    }

    /// A worker function in a fresh container.
    async fn worker(&self) -> (RuntimeApi, Server) {
        let runtime = RuntimeApi::start().await;
        let server = lambda(&runtime, &environment(&self.moto, &self.standin));
        (runtime, server)
    }

    /// The front door's answer to a proxy event.
    async fn front(&self, event: Value) -> Value {
        let id = self.front_runtime.invoke(event.to_string());
        match self
            .front_runtime
            .answer(&id, Duration::from_secs(20))
            .await
        {
            Some(Answer::Success(answer)) => answer,
            other => panic!("the front door answered {other:?}"),
        }
    }

    /// `GET /slack/install`: Slack's authorize URL and the state cookie (`name=value`).
    async fn start_install(&self) -> (String, String) {
        let answer = self.front(get("/slack/install", json!({}), None)).await;
        assert_eq!(answer["statusCode"], 302, "{answer}");
        let headers = &answer["multiValueHeaders"];
        let cookie = headers["set-cookie"][0].as_str().unwrap();
        assert!(
            cookie.contains("Path=/prod/slack/oauth_redirect") && cookie.contains("Secure"),
            "{cookie}"
        );
        let location = headers["location"][0].as_str().unwrap().to_string();
        (location, cookie.split(';').next().unwrap().to_string())
    }

    /// The redirect's query after the stand-in's authorize page approves for `team`.
    async fn approve(&self, location: &str, team: &str) -> Value {
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = browser
            .get(format!("{location}&team={team}"))
            .send()
            .await
            .unwrap();
        let back = answer.headers()["location"].to_str().unwrap();
        let query = back
            .strip_prefix(&format!("{PUBLIC}/slack/oauth_redirect?"))
            .expect("back to ACKBOT_PUBLIC_URL");
        let pairs: serde_json::Map<String, Value> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        Value::Object(pairs)
    }

    async fn install(&self, team: &str) {
        let (location, cookie) = self.start_install().await;
        let query = self.approve(&location, team).await;
        let answer = self
            .front(get("/slack/oauth_redirect", query, Some(&cookie)))
            .await;
        assert_eq!(answer["statusCode"], 200, "{answer}");
    }

    /// A mention from `team` through the front door: the Envelope it handed on.
    async fn mention(&self, team: &str, text: &str) -> String {
        let before = self.lambda_api.invokes().len();
        let body = sample::app_mention(
            &format!("echo {text}"),
            "C1",
            &format!("Ev{}", ackbot_core::testing::unique()),
        )
        .replace("T061EG9R6", team);
        let answer = self.front(post_event(&body)).await;
        assert_eq!(answer["statusCode"], 200, "{answer}");
        let invokes = self.lambda_api.invokes();
        assert_eq!(invokes.len(), before + 1, "handed on");
        String::from_utf8(invokes[before].body.clone()).unwrap()
    }
}

/// What every function of the deployment gets, as the stack sets it.
fn environment(moto: &Moto, standin: &SlackStandIn) -> Vec<(&'static str, String)> {
    let mut env = moto.env();
    env.extend([
        ("SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("SLACK_API_URL", standin.api_url()),
        ("SLACK_CLIENT_ID", CLIENT_ID.into()),
        ("SLACK_CLIENT_SECRET", CLIENT_SECRET.into()),
        ("ACKBOT_PUBLIC_URL", PUBLIC.into()),
        ("ACKBOT_INSTALLATION_TABLE", TABLE.into()),
    ]);
    env
}

fn lambda(runtime: &RuntimeApi, env: &[(&'static str, String)]) -> Server {
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    Server::lambda(&runtime.addr.to_string(), &env)
}

/// API Gateway's proxy event of a browser's `GET route?query`, with its cookie.
fn get(route: &str, query: Value, cookie: Option<&str>) -> Value {
    let multi: serde_json::Map<String, Value> = (query.as_object().into_iter().flatten())
        .map(|(k, v)| (k.clone(), json!([v])))
        .collect();
    let empty = query.as_object().is_none_or(|q| q.is_empty());
    let (headers, multi_headers) = match cookie {
        Some(c) => (json!({"Cookie": c}), json!({"Cookie": [c]})),
        None => (json!({}), json!({})),
    };
    json!({
        "resource": route, "path": route, "httpMethod": "GET",
        "headers": headers, "multiValueHeaders": multi_headers,
        "queryStringParameters": if empty { Value::Null } else { query },
        "multiValueQueryStringParameters": if empty { Value::Null } else { Value::Object(multi) },
        "requestContext": {"requestId": format!("get-{}", ackbot_core::testing::unique()),
            "requestTimeEpoch": now_ms(), "stage": "prod", "httpMethod": "GET"},
        "isBase64Encoded": false,
    })
}

/// API Gateway's proxy event of Slack's `POST /slack/events` with `body`, signed now.
fn post_event(body: &str) -> Value {
    let now = now_ms();
    let signature = ackbot_slack::sign(&SecretString::from(SECRET), now / 1000, body.as_bytes());
    let timestamp = (now / 1000).to_string();
    json!({
        "resource": "/slack/events", "path": "/slack/events", "httpMethod": "POST",
        "headers": {"Content-Type": "application/json", "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature},
        "multiValueHeaders": {"Content-Type": ["application/json"], "X-Slack-Request-Timestamp": [timestamp], "X-Slack-Signature": [signature]},
        "body": body, "isBase64Encoded": false,
        "requestContext": {"requestId": format!("post-{}", ackbot_core::testing::unique()), "requestTimeEpoch": now, "stage": "prod"},
    })
}

/// Has `worker` process `envelope`, and waits for its success.
async fn process(worker: &RuntimeApi, envelope: String) {
    let id = worker.invoke(envelope);
    match worker.answer(&id, Duration::from_secs(20)).await {
        Some(Answer::Success(_)) => {}
        other => panic!("the worker answered {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn installs_through_the_front_door_answer_each_workspace_with_its_own_token() {
    let d = Deployment::start().await;
    d.install("T1").await;
    d.install("T2").await;
    let (worker, server) = d.worker().await;
    process(&worker, d.mention("T1", "one").await).await;
    process(&worker, d.mention("T2", "two").await).await;
    assert!(
        token_of_reply(&d.standin, "one")
            .await
            .starts_with("xoxb-T1-")
    );
    assert!(
        token_of_reply(&d.standin, "two")
            .await
            .starts_with("xoxb-T2-")
    );

    // A fresh container finds them in the table.
    let (fresh, fresh_server) = d.worker().await;
    process(&fresh, d.mention("T2", "fresh").await).await;
    assert!(
        token_of_reply(&d.standin, "fresh")
            .await
            .starts_with("xoxb-T2-")
    );

    // Uninstalled: the item goes, and T2's mentions make no Web API call.
    let uninstalled = json!({"type": "event_callback", "team_id": "T2", "event_id": "EvGone",
        "event": {"type": "app_uninstalled"}, "authorizations": [{"team_id": "T2"}]})
    .to_string();
    let answer = d.front(post_event(&uninstalled)).await;
    assert_eq!(answer["statusCode"], 200);
    let envelope = String::from_utf8(d.lambda_api.invokes().last().unwrap().body.clone()).unwrap();
    process(&fresh, envelope).await;
    let item = d.moto.item(TABLE, "installation#team:T2").await.unwrap();
    assert!(item.get("record").is_none(), "deleted: {item}");
    process(&fresh, d.mention("T2", "gone").await).await;
    process(&fresh, d.mention("T1", "here").await).await;
    assert!(
        token_of_reply(&d.standin, "here")
            .await
            .starts_with("xoxb-T1-")
    );
    assert!(
        !d.standin
            .recorder()
            .calls()
            .iter()
            .any(|c| c.body["text"] == "gone")
    );
    let warned = fresh_server
        .wait_for_log(
            |l| l["workspace"].as_str().is_some_and(|w| w.contains("T2")),
            Duration::from_secs(5),
        )
        .await;
    assert!(
        warned.is_some(),
        "the worker names the team it cannot answer"
    );

    // No client secret, code or token in any function's log.
    let mut logs = d.front_door.logs();
    logs.extend(server.logs());
    logs.extend(fresh_server.logs());
    let text = serde_json::to_string(&logs).unwrap();
    assert!(
        text.contains("\"installed\""),
        "the installs are logged: {text}"
    );
    for secret in [CLIENT_SECRET, "standin-code-", "xoxb-T1-", "xoxb-T2-"] {
        assert!(!text.contains(secret), "{secret} in a log");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_needing_a_refresh_at_once_spend_the_refresh_token_once() {
    let d = Deployment::start().await;
    // Tokens that expire within the two hours before which ackbot refreshes them.
    d.standin.rotate_tokens(3_600);
    d.install("T1").await;
    // Refreshed tokens last 12 hours: however the two workers' turns fall, one refresh is due.
    d.standin.rotate_tokens(43_200);
    let (a, _a) = d.worker().await;
    let (b, _b) = d.worker().await;
    let (first, second) = (
        d.mention("T1", "left").await,
        d.mention("T1", "right").await,
    );
    tokio::join!(process(&a, first), process(&b, second));
    assert_eq!(d.standin.refreshes(), 1, "the refresh token was spent once");
    for text in ["left", "right"] {
        assert!(
            token_of_reply(&d.standin, text)
                .await
                .starts_with("xoxe.xoxb-T1-")
        );
    }
    let item = d.moto.item(TABLE, "installation#team:T1").await.unwrap();
    assert_eq!(
        item["version"]["N"], "2",
        "installed, then refreshed once: {item}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_csrf_case_at_the_front_door_is_refused_with_no_exchange() {
    let d = Deployment::start().await;
    let (location, cookie) = d.start_install().await;
    let query = d.approve(&location, "T1").await;
    let state = query["state"].as_str().unwrap().to_string();
    let (_, other) = d.start_install().await;
    let mut forged = query.clone();
    forged["state"] = json!("forged");
    let mut no_state = query.clone();
    no_state.as_object_mut().unwrap().remove("state");
    let forged_cookie = "ackbot-slack-oauth-state=forged".to_string();
    for (case, query, cookie) in [
        ("no cookie", query.clone(), None),
        ("another browser's cookie", query.clone(), Some(other)),
        ("a forged state", forged, Some(forged_cookie)),
        ("no state", no_state, Some(cookie.clone())),
    ] {
        let answer = d
            .front(get("/slack/oauth_redirect", query, cookie.as_deref()))
            .await;
        assert_eq!(answer["statusCode"], 400, "{case}: {answer}");
    }
    assert_eq!(exchanges(&d.standin), 0);
    let answer = d
        .front(get("/slack/oauth_redirect", query.clone(), Some(&cookie)))
        .await;
    assert_eq!(answer["statusCode"], 200, "{answer}");
    // Spent: another container (the state lives in the table) refuses it too.
    let again = d
        .front(get("/slack/oauth_redirect", query, Some(&cookie)))
        .await;
    assert_eq!(again["statusCode"], 400);
    assert_eq!(exchanges(&d.standin), 1);
    let items = d.moto.items(TABLE).await;
    let text = serde_json::to_string(&items).unwrap();
    assert!(!text.contains(&state), "states are stored hashed");
}
