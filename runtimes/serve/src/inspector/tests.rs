//! The inspector over a real socket, as a browser meets it: the page and its headers, the live
//! stream, a webhook's stages, Replay, Send, redaction and who may get in.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ackbot_core::adapter::Envelope;
use ackbot_core::runtime::now_ms;
use ackbot_core::{Args, Bot, ExposeSecret, Reply, SecretString, Text, cmd};
use serde_json::Value;

use super::assets::CONTENT_SECURITY_POLICY;
use super::history::History;
use crate::{EdgeSettings, Running, start, test_support};
use ackbot_discord::standin::DiscordStandIn;
use ackbot_line::standin::LineStandIn;
use ackbot_slack::standin::SlackStandIn;

/// The inspected bot's `echo`, as the built-in's.
async fn echo(Text(text): Text) -> Reply {
    Reply::text(text)
}

/// `wait SECONDS`: keeps a worker busy.
async fn wait(Args(seconds): Args<u64>) -> Reply {
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    Reply::text(format!("waited {seconds} s"))
}

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const LINE_SECRET: &str = "line-channel-secret-for-tests";
const LINE_TOKEN: &str = "line-access-token-for-tests";
const BOT_TOKEN: &str = "xoxb-bot-token-for-tests";
const INSPECT_TOKEN: &str = "inspect-token-for-tests-0123456789abcdef";

struct Harness {
    running: Running,
    base: String,
    http: reqwest::Client,
    /// The inspector's token: the fresh one in the printed address, or `ACKBOT_INSPECT_TOKEN`.
    token: String,
    slack: SlackStandIn,
    line: LineStandIn,
    discord: DiscordStandIn,
}

async fn harness(addr: &str, edit: impl FnOnce(&mut EdgeSettings)) -> Harness {
    let slack = SlackStandIn::start().await.unwrap();
    let line = LineStandIn::start().await.unwrap();
    let discord = DiscordStandIn::start().await.unwrap();
    let (slack_api, line_api) = (slack.api_url(), line.api_url());
    let settings = test_support::settings(
        |edge| {
            edge.workers = 2;
            edit(edge);
        },
        Duration::from_millis(2500),
        Some(SLACK_SECRET),
        Some(LINE_SECRET),
    );
    let bot = Bot::new()
        .command(cmd("echo", echo))
        .command(cmd("wait", wait))
        .build()
        .unwrap();
    let platform = |secret, token, api_url| test_support::Platform {
        secret,
        token,
        api_url,
    };
    let mut settings = settings;
    // Discord's Send signs with the test key pair, which this edge trusts.
    settings.signing.discord = Some(ackbot_discord::sample::TEST_PUBLIC_KEY.to_string());
    let worker = test_support::with_discord(
        bot,
        Some(platform(SLACK_SECRET, BOT_TOKEN, &slack_api)),
        Some(platform(LINE_SECRET, LINE_TOKEN, &line_api)),
        Some(&discord.api_url()),
    );
    let running = start(&settings, worker, addr.parse::<SocketAddr>().unwrap())
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", running.addr.port());
    let configured = settings.edge.inspect_token.as_ref();
    let token = match (&running.inspector_login, configured) {
        (_, Some(token)) => token.expose_secret().to_string(),
        (Some(login), None) => login.split_once("?token=").unwrap().1.to_string(),
        (None, None) => String::new(),
    };
    Harness {
        running,
        base,
        http: reqwest::Client::new(),
        token,
        slack,
        line,
        discord,
    }
}

impl Harness {
    /// A GET with the token.
    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    /// A GET without the token, as anyone else would send it.
    async fn anonymous(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn act(&self, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("x-ackbot-inspector", "1");
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    async fn post_slack(&self, typed: &str, secret: &str) -> String {
        let body = ackbot_slack::sample::slash_command(typed, &self.slack.response_url("t"));
        let signed = crate::send::Signed::slack_command(&SecretString::from(secret), body);
        let response = signed.request(&self.http, &self.base).send().await.unwrap();
        request_id(&response)
    }

    /// The summary of `id` once `done` says so, from the detail route.
    async fn wait_for(&self, id: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let response = self.get(&format!("/_ackbot/api/webhooks/{id}")).await;
            if response.status() == 200 {
                let detail: Value = response.json().await.unwrap();
                if done(&detail) {
                    return detail;
                }
            }
            assert!(Instant::now() < deadline, "{id} never got there");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(self) {
        self.running
            .stop_after(async {}, Duration::from_secs(5))
            .await
            .unwrap();
    }
}

fn request_id(response: &reqwest::Response) -> String {
    let id = crate::send::request_id(response);
    assert!(!id.is_empty(), "no x-ackbot-request-id: {response:?}");
    id
}

fn finished(detail: &Value) -> bool {
    detail["state"] != "pending"
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_string())
        .collect()
}

fn assert_no_secret(text: &str) {
    for secret in [
        SLACK_SECRET,
        LINE_SECRET,
        LINE_TOKEN,
        BOT_TOKEN,
        INSPECT_TOKEN,
    ] {
        assert!(!text.contains(secret), "a secret leaked into: {text}");
    }
}

#[tokio::test]
async fn the_page_and_its_files_come_from_the_binary_with_a_strict_policy() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    for (path, kind) in [
        ("/_ackbot/", "text/html"),
        ("/_ackbot/app.js", "text/javascript"),
        ("/_ackbot/app.css", "text/css"),
    ] {
        let response = h.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        assert!(headers["content-type"].to_str().unwrap().starts_with(kind));
        assert_eq!(headers["content-security-policy"], CONTENT_SECURITY_POLICY);
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
    }
    let bare = h.get("/_ackbot").await;
    assert_eq!(bare.status(), 200, "redirected to /_ackbot/");
    // The login form's style and icon are served to anyone; nothing else is.
    assert_eq!(h.anonymous("/_ackbot/app.css").await.status(), 200);
    assert_eq!(h.anonymous("/_ackbot/favicon.svg").await.status(), 200);
    assert_eq!(h.anonymous("/_ackbot/app.js").await.status(), 401);
    // The page is light: HTML, script and style together.
    assert!(
        super::assets::page_bytes() < 40_000,
        "{}",
        super::assets::page_bytes()
    );
    h.stop().await;
}

#[tokio::test]
async fn a_slash_command_shows_every_stage_with_its_reply_and_nothing_secret() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    let id = h
        .post_slack("/echo <img src=x onerror=alert(1)>", SLACK_SECRET)
        .await;
    let detail = h.wait_for(&id, finished).await;
    assert_eq!(detail["state"], "processed");
    assert_eq!(detail["platform"], "slack");
    assert_eq!(detail["what"], "/echo <img src=x onerror=alert(1)>");
    assert_eq!(
        kinds(&detail),
        ["acked", "verified", "handled", "call", "replied", "done"],
        "{detail:#}"
    );
    let stages = detail["stages"].as_array().unwrap();
    assert_eq!(stages[0]["status"], 200);
    let call = &stages[3];
    assert_eq!(call["status"], 200);
    assert_eq!(call["text"], "<img src=x onerror=alert(1)>");
    assert!(
        call["target"]
            .as_str()
            .unwrap()
            .starts_with("response_url 127.0.0.1:")
    );
    assert!(call["ms"].as_f64().unwrap() > 0.0);
    assert!(
        stages
            .windows(2)
            .all(|w| w[0]["at_ms"].as_f64() <= w[1]["at_ms"].as_f64())
    );
    // Headers and body are shown with their credentials redacted.
    let headers: HashMap<String, String> =
        serde_json::from_value::<Vec<(String, String)>>(detail["headers"].clone())
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(headers["x-slack-signature"], "[redacted]");
    assert!(headers["x-slack-request-timestamp"].parse::<i64>().is_ok());
    let body = detail["body"].as_str().unwrap();
    assert!(body.contains("command = /echo"), "{body}");
    assert!(body.contains("token = [redacted]"), "{body}");
    assert!(
        body.contains("response_url = http://127.0.0.1/[redacted]"),
        "{body}"
    );
    assert!(!body.contains("/response/"), "{body}");
    assert_no_secret(&detail.to_string());
    h.stop().await;
}

#[tokio::test]
async fn a_tampered_request_is_shown_rejected_with_its_reason() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    let id = h.post_slack("/echo hi", "not-the-signing-secret").await;
    let detail = h.wait_for(&id, finished).await;
    assert_eq!(detail["state"], "rejected");
    let rejected = &detail["stages"][1];
    assert_eq!(rejected["kind"], "rejected");
    assert!(
        rejected["reason"]
            .as_str()
            .unwrap()
            .contains("Signature does not match"),
        "{rejected}"
    );
    h.stop().await;
}

#[tokio::test]
async fn the_event_stream_says_hello_then_sends_each_change_and_ends_with_the_edge() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    let mut stream = h.get("/_ackbot/events").await;
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let mut seen = String::new();
    let mut next =
        async || String::from_utf8(stream.chunk().await.unwrap().unwrap().to_vec()).unwrap();
    seen.push_str(&next().await);
    assert!(seen.starts_with("event: hello\ndata: {"), "{seen}");
    let id = h.post_slack("/echo streamed", SLACK_SECRET).await;
    while !seen.contains("\"kind\":\"done\"") {
        seen.push_str(&next().await);
    }
    assert!(seen.contains(&format!("\"id\":\"{id}\"")));
    assert!(seen.contains("\"text\":\"streamed\""));
    assert_no_secret(&seen);
    // An open stream does not hold the shutdown up.
    tokio::time::timeout(Duration::from_secs(5), h.stop())
        .await
        .expect("stopped with a stream open");
}

#[tokio::test]
async fn replay_runs_a_webhook_again_past_deduplication_marked_as_a_replay() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    // LINE: the first delivery replies with the reply token; a replay cannot, so it pushes,
    // each replay under a retry key of its own.
    let body =
        ackbot_line::sample::text_message("echo again", "U1234567890abcdef1234567890abcdef", false);
    let signed = crate::send::Signed::line(&SecretString::from(LINE_SECRET), body);
    let response = signed.request(&h.http, &h.base).send().await.unwrap();
    let id = request_id(&response);
    h.wait_for(&id, finished).await;
    let mut replays = Vec::new();
    for _ in 0..2 {
        let response = h
            .act(&format!("/_ackbot/api/webhooks/{id}/replay"), None)
            .await;
        assert_eq!(response.status(), 202);
        let replay: Value = response.json().await.unwrap();
        let replay_id = replay["id"].as_str().unwrap().to_string();
        let detail = h.wait_for(&replay_id, finished).await;
        assert_eq!(detail["replay_of"], id.as_str());
        assert_eq!(detail["state"], "processed", "{detail:#}");
        assert!(
            kinds(&detail).contains(&"replied".to_string()),
            "{detail:#}"
        );
        replays.push(replay_id);
    }
    let calls = h.line.recorder().calls();
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    let replies = paths
        .iter()
        .filter(|p| p.ends_with("/message/reply"))
        .count();
    let pushes: Vec<_> = calls
        .iter()
        .filter(|c| c.path.ends_with("/message/push"))
        .collect();
    assert_eq!(replies, 1, "{paths:?}");
    assert_eq!(pushes.len(), 2, "{paths:?}");
    let key = |c: &&ackbot_core::testing::Recorded| {
        (c.headers.iter())
            .find(|(n, _)| n == "x-line-retry-key")
            .map(|(_, v)| v.clone())
    };
    assert_ne!(
        key(&pushes[0]),
        key(&pushes[1]),
        "each replay has its own retry key"
    );
    assert!(
        pushes
            .iter()
            .all(|p| p.body["messages"][0]["text"] == "again")
    );
    // The original is listed once, each replay after it.
    let mut hello = h.get("/_ackbot/events").await;
    let first = String::from_utf8(hello.chunk().await.unwrap().unwrap().to_vec()).unwrap();
    assert!(first.contains(&format!("\"replay_of\":\"{id}\"")));
    drop(hello);
    h.stop().await;
}

#[tokio::test]
async fn send_posts_a_signed_slack_command_and_line_text_through_the_edge() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    for (platform, text, reply) in [
        ("slack", "/echo from the page", "from the page"),
        ("line", "echo from the page", "from the page"),
        ("discord", "/echo from the page", "from the page"),
    ] {
        let response = h
            .act(
                "/_ackbot/api/send",
                Some(serde_json::json!({"platform": platform, "text": text})),
            )
            .await;
        assert_eq!(response.status(), 202, "{platform}");
        let sent: Value = response.json().await.unwrap();
        assert_eq!(sent["status"], 200);
        let detail = h.wait_for(sent["id"].as_str().unwrap(), finished).await;
        assert_eq!(detail["state"], "processed", "{detail:#}");
        let call = detail["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == "call")
            .unwrap_or_else(|| panic!("{detail:#}"));
        assert_eq!(call["text"], reply);
    }
    // Discord's reply edited the interaction's "thinking…" on its stand-in.
    let edited = h.discord.recorder().calls();
    assert!(
        edited[0].path.ends_with("/messages/@original"),
        "{edited:?}"
    );
    assert_eq!(edited[0].body["content"], "from the page");
    for (body, why) in [
        (
            serde_json::json!({"platform": "slack", "text": "echo no slash"}),
            "starts with /",
        ),
        (
            serde_json::json!({"platform": "teams", "text": "/echo"}),
            "unknown platform",
        ),
        (
            serde_json::json!({"platform": "discord", "text": "echo no slash"}),
            "starts with /",
        ),
        (
            serde_json::json!({"platform": "line", "text": "  "}),
            "write something",
        ),
    ] {
        let response = h.act("/_ackbot/api/send", Some(body)).await;
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.unwrap();
        assert!(error["error"].as_str().unwrap().contains(why), "{error}");
    }
    h.stop().await;
}

#[tokio::test]
async fn a_webhook_refused_for_a_full_queue_ends_refused_not_pending() {
    let h = harness("127.0.0.1:0", |edge| {
        edge.workers = 1;
        edge.queue_capacity = 1;
    })
    .await;
    // One worker busy for a second, one Envelope waiting: the next is refused.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let body = ackbot_slack::sample::slash_command("/wait 1", &h.slack.response_url("t"));
        let signed = crate::send::Signed::slack_command(&SecretString::from(SLACK_SECRET), body);
        let response = signed.request(&h.http, &h.base).send().await.unwrap();
        statuses.push((response.status().as_u16(), request_id(&response)));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, refused) = statuses.last().unwrap().clone();
    assert_eq!(status, 503, "{statuses:?}");
    let detail = h.wait_for(&refused, |d| d["state"] == "refused").await;
    assert_eq!(kinds(&detail), ["acked"]);
    assert_eq!(detail["stages"][0]["status"], 503);
    h.stop().await;
}

#[tokio::test]
async fn actions_need_the_inspector_header_and_its_own_origin() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    let send = serde_json::json!({"platform": "slack", "text": "/echo csrf"});
    let plain = h
        .http
        .post(format!("{}/_ackbot/api/send", h.base))
        .bearer_auth(&h.token)
        .json(&send)
        .send()
        .await
        .unwrap();
    assert_eq!(
        plain.status(),
        403,
        "a cross-site form or fetch cannot add the header"
    );
    let other_origin = h
        .http
        .post(format!("{}/_ackbot/api/send", h.base))
        .bearer_auth(&h.token)
        .header("x-ackbot-inspector", "1")
        .header("origin", "http://evil.example")
        .json(&send)
        .send()
        .await
        .unwrap();
    assert_eq!(other_origin.status(), 403);
    // A DNS-rebound name gets nothing, even with the token.
    let rebound = h
        .http
        .get(format!("{}/_ackbot/api/webhooks/x", h.base))
        .bearer_auth(&h.token)
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    // A webhook route never reaches the inspector, whatever it carries.
    let id = h.post_slack("/echo x-ackbot-inspector", SLACK_SECRET).await;
    let detail = h.wait_for(&id, finished).await;
    assert_eq!(detail["replay_of"], Value::Null);
    let missing = h.act("/_ackbot/api/webhooks/nope/replay", None).await;
    assert_eq!(missing.status(), 404);
    h.stop().await;
}

/// A client that does not follow redirects, to see the login's answer itself.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn through_a_default_reverse_proxy_nothing_is_served_without_the_token() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    let id = h.post_slack("/echo behind nginx", SLACK_SECRET).await;
    h.wait_for(&id, finished).await;
    // As nginx's `proxy_pass http://127.0.0.1:PORT;` forwards a request: `Host` is the upstream's
    // loopback address, no `X-Forwarded-For`; and as a TCP tunnel carries one, whatever `Host`
    // its client wrote.
    let port = h.running.addr.port();
    let hosts = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "bot.example.com".to_string(),
    ];
    for host in &hosts {
        let get = |path: String| {
            let request = h.http.get(format!("{}{path}", h.base));
            request.header("host", host).header("connection", "close")
        };
        let page = get("/_ackbot/".into()).send().await.unwrap();
        assert_eq!(page.status(), 401, "{host}");
        assert!(page.text().await.unwrap().contains("name=\"token\""));
        for path in [
            "/_ackbot/events".to_string(),
            format!("/_ackbot/api/webhooks/{id}"),
            "/_ackbot/app.js".to_string(),
        ] {
            assert_eq!(
                get(path.clone()).send().await.unwrap().status(),
                401,
                "{host} {path}"
            );
        }
        for (path, body) in [
            (format!("/_ackbot/api/webhooks/{id}/replay"), None),
            (
                "/_ackbot/api/send".to_string(),
                Some(serde_json::json!({"platform": "line", "text": "echo pwned"})),
            ),
        ] {
            let mut post = h.http.post(format!("{}{path}", h.base));
            post = post.header("host", host).header("x-ackbot-inspector", "1");
            if let Some(body) = body {
                post = post.json(&body);
            }
            assert_eq!(post.send().await.unwrap().status(), 401, "{host} {path}");
        }
    }
    assert!(
        h.line.recorder().calls().is_empty(),
        "no replay or send went out"
    );
    h.stop().await;
}

#[tokio::test]
async fn the_printed_address_logs_the_browser_in_and_drops_the_token() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    let login = h.running.inspector_login.clone().unwrap();
    assert!(
        login.starts_with(&format!("{}/_ackbot/?token=", h.base)),
        "{login}"
    );
    assert_eq!(h.token.len(), 64);
    let http = no_redirects();
    let answer = http.get(&login).send().await.unwrap();
    assert_eq!(answer.status(), 303);
    assert_eq!(
        answer.headers()["location"],
        "/_ackbot/",
        "the token leaves the address bar"
    );
    let cookie = answer.headers()["set-cookie"].to_str().unwrap().to_string();
    for part in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/_ackbot/",
        "Max-Age=43200",
    ] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure") && !cookie.contains(&h.token),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_string();
    let page = http
        .get(format!("{}/_ackbot/", h.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    // Behind a proxy that says it took https, the cookie is `Secure`.
    let https = http
        .get(&login)
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let cookie = https.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let wrong = http
        .get(format!("{}/_ackbot/?token=guess", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    h.stop().await;
}

#[tokio::test]
async fn wrong_tokens_are_throttled() {
    let h = harness("127.0.0.1:0", |_| {}).await;
    let http = no_redirects();
    let login = |token: &str| {
        http.post(format!("{}/_ackbot/login", h.base))
            .form(&[("token", token.to_string())])
            .send()
    };
    for n in 0..super::throttle::FREE_FAILURES {
        assert_eq!(login(&format!("guess-{n}")).await.unwrap().status(), 401);
    }
    // Locked out: even the right token waits, and so does a bearer from the same address.
    let locked = login(&h.token).await.unwrap();
    assert_eq!(locked.status(), 429);
    let wait: u64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&wait), "{wait}");
    assert_eq!(h.get("/_ackbot/").await.status(), 429);
    h.stop().await;
}

#[tokio::test]
async fn off_a_loopback_address_it_is_off_without_a_token_and_asks_for_it_with_one() {
    let off = harness("0.0.0.0:0", |_| {}).await;
    assert!(off.running.inspector_login.is_none());
    assert_eq!(off.get("/_ackbot/").await.status(), 404);
    assert_eq!(off.get("/_ackbot/events").await.status(), 404);
    off.stop().await;

    let on = harness("0.0.0.0:0", |edge| {
        edge.inspect_token = Some(SecretString::from(INSPECT_TOKEN));
    })
    .await;
    let login = on.running.inspector_login.clone().unwrap();
    assert!(
        !login.contains(INSPECT_TOKEN),
        "a configured token is never printed: {login}"
    );
    let page = on.anonymous("/_ackbot/").await;
    assert_eq!(page.status(), 401);
    let login_page = page.text().await.unwrap();
    assert!(login_page.contains("name=\"token\""), "{login_page}");
    assert_eq!(on.anonymous("/_ackbot/events").await.status(), 401);
    let http = no_redirects();
    let wrong = http
        .post(format!("{}/_ackbot/login", on.base))
        .form(&[("token", "guess")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    let right = http
        .post(format!("{}/_ackbot/login", on.base))
        .form(&[("token", INSPECT_TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 303);
    let cookie = right.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert_no_secret(&cookie);
    let session = cookie.split(';').next().unwrap().to_string();
    let page = http
        .get(format!("{}/_ackbot/", on.base))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let bearer = on.get("/_ackbot/events").await;
    assert_eq!(bearer.status(), 200);
    drop(bearer);
    on.stop().await;

    let disabled = harness("127.0.0.1:0", |edge| edge.inspect = false).await;
    assert_eq!(disabled.get("/_ackbot/").await.status(), 404);
    disabled.stop().await;
}

#[test]
fn the_history_keeps_the_newest_within_its_count_and_its_budget() {
    let budget = 1024 * 1024;
    let history = History::new(500, budget);
    for i in 0..600 {
        let envelope = Envelope::new("/slack/commands", now_ms(), vec![b'x'; 100])
            .with_request_id(format!("r{i}"));
        history.received(&envelope);
    }
    assert_eq!(history.size().0, 500);
    assert!(history.get("r99").is_none() && history.get("r100").is_some());
    let big =
        Envelope::new("/line/webhook", now_ms(), vec![b'y'; 600 * 1024]).with_request_id("big");
    history.received(&big);
    let (count, bytes) = history.size();
    assert!(bytes <= budget, "{bytes}");
    assert!(count < 500 && history.get("big").is_some() && history.get("r599").is_some());
    // One larger than the whole budget is listed without its body.
    let huge =
        Envelope::new("/line/webhook", now_ms(), vec![b'z'; 2 * budget]).with_request_id("huge");
    history.received(&huge);
    let (_, kept) = history.get("huge").unwrap();
    assert!(kept.body.is_empty());
    assert!(history.size().1 <= budget);
}

#[tokio::test]
async fn unsigned_floods_with_a_stalled_page_cost_at_most_the_budget() {
    use ackbot_core::runtime::{Observation, Stage};
    let budget = 4 * 1024 * 1024;
    let history = History::new(500, budget);
    // A page that follows the feed and never reads.
    let _stalled = history.subscribe().unwrap();
    let text = "A".repeat(1024 * 1024 - 200);
    for i in 0..300 {
        let body = serde_json::json!({"events": [{"type": "message", "message": {"type": "text", "text": text}}]});
        let mut envelope = Envelope::new("/line/webhook", now_ms(), body.to_string())
            .with_request_id(format!("u{i}"));
        if i % 2 == 0 {
            envelope = envelope.with_header("x-padding", "h".repeat(370 * 1024));
        }
        history.received(&envelope);
        let error: ackbot_core::adapter::SharedError =
            std::sync::Arc::new(std::io::Error::other(format!("no signature: {text}")));
        for stage in [
            Stage::Rejected(error.clone()),
            Stage::Done(ackbot_core::runtime::Status::Rejected(error)),
        ] {
            history.observe(&Observation {
                request_id: format!("u{i}"),
                at_ms: now_ms(),
                stage,
            });
        }
        let (_, bytes) = history.size();
        assert!(bytes <= budget, "after {i}: {bytes} bytes");
    }
    for summary in history.summaries() {
        let label = summary.what.clone().unwrap();
        assert!(
            label.chars().count() <= super::view::MAX_LABEL_CHARS + 1,
            "{}",
            label.len()
        );
        assert!(
            summary.to_json().len() < 8 * 1024,
            "{}",
            summary.to_json().len()
        );
    }
}

#[test]
fn a_replay_the_queue_refused_ends_refused_with_the_reason() {
    let history = History::new(10, 1024);
    let replay =
        Envelope::new("/slack/commands", now_ms(), "command=%2Fecho").with_request_id("r1");
    history.received(&replay);
    history.refused("r1", "the queue is full: try again");
    let (summary, _) = history.get("r1").unwrap();
    assert_eq!(summary.state, "refused");
    let json: Value = serde_json::from_str(&summary.to_json()).unwrap();
    assert_eq!(json["stages"][0]["kind"], "skipped");
    assert_eq!(
        json["stages"][0]["reason"],
        "not queued: the queue is full: try again"
    );
}
