//! Signed Slack requests to a running `ackbot serve`, and a Web API stand-in (wiremock) that
//! answers every method `ok`.

use std::time::{Duration, Instant};

use ackbot_core::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::Server;

/// The signing secret of Slack's documented example.
pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// A stand-in of Slack: `response_url`s answer `ok`, Web API methods `{"ok":true,…}`.
pub async fn api() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex("^/api/views\\."))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"ok": true, "view": {"id": "V0001", "type": "modal", "hash": "1.a"}}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex("^/api/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": true, "channel": "C1", "ts": "1.2"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    server
}

/// `ackbot serve` for Slack with `api` as the Web API, plus `extra` variables.
pub fn serve(api: &MockServer, extra: &[(&str, &str)]) -> Server {
    let api_url = format!("{}/api", api.uri());
    let mut env = vec![
        ("SLACK_SIGNING_SECRET", SECRET),
        ("SLACK_BOT_TOKEN", "xoxb-test-token"),
        ("SLACK_API_URL", api_url.as_str()),
    ];
    env.extend_from_slice(extra);
    Server::start(&env)
}

/// Posts `body` to `route`, signed with `secret` at `timestamp`, with `headers` besides.
pub async fn post_signed(
    server: &Server,
    route: &str,
    body: &str,
    timestamp: i64,
    secret: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let content_type = if route == "/slack/events" {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    let signature = ackbot_slack::sign(&SecretString::from(secret), timestamp, body.as_bytes());
    let mut request = reqwest::Client::new()
        .post(format!("{}{route}", server.url))
        .header("content-type", content_type)
        .header("X-Slack-Request-Timestamp", timestamp.to_string())
        .header("X-Slack-Signature", signature)
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// The Web API calls of `method` (e.g. `chat.postMessage`) so far, as JSON bodies.
pub async fn calls(api: &MockServer, method: &str) -> Vec<Value> {
    let wanted = format!("/api/{method}");
    api.received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r: &&Request| r.url.path() == wanted)
        .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
        .collect()
}

/// Waits until `method` has been called `count` times, and returns the calls.
pub async fn wait_calls(api: &MockServer, method: &str, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = calls(api, method).await;
        if seen.len() >= count || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The bearer token of the stand-in's reply saying `text` (waiting for it).
pub async fn token_of_reply(standin: &ackbot_slack::standin::SlackStandIn, text: &str) -> String {
    let call = standin
        .recorder()
        .wait_for(
            |c| c.path.starts_with("/api/chat.post") && c.body["text"] == text,
            Duration::from_secs(20),
        )
        .await
        .unwrap_or_else(|| panic!("no reply saying {text}"));
    let token = call
        .header("authorization")
        .expect("a Web API call carries a token");
    token.trim_start_matches("Bearer ").to_string()
}

/// How many `oauth.v2.access` calls (exchanges and refreshes) the stand-in received.
pub fn exchanges(standin: &ackbot_slack::standin::SlackStandIn) -> usize {
    let calls = standin.recorder().calls();
    calls
        .iter()
        .filter(|c| c.path == "/api/oauth.v2.access")
        .count()
}
