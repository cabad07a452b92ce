//! The security table: hostile and malformed webhooks through the real `ackbot serve` (and the
//! real binary as a Lambda worker on a Runtime API double), each row with the answer it must get
//! and the one log line (with its reason) it must leave. No row may reach the platform stand-in,
//! and no log line may hold a secret, a token or a signature computed over a request's body.
//!
//! `/slack/commands` and `/line/webhook` are acknowledged at once and judged by the worker (a log
//! line with `outcome` and `reason`); `/slack/events` and `/slack/interactions` are function-ack
//! routes whose front door answers an unsigned request 401 at once and queues nothing.
//!
//! The table is printed (row, expected, observed); any row not as expected fails the test. After
//! the tables: the inspector behind a proxy, its login and its memory under floods; duplicates
//! that never show a signature; `response_url`s that are not Slack's, redirect or never end;
//! and `lambda_runtime` at TRACE.

use std::time::Duration;

use crate::common::Server;
use crate::common::runtime::{Answer, RuntimeApi};
use ackbot_core::SecretString;
use ackbot_core::runtime::now_ms;
use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SLACK_SECRET: &str = "sec-table-slack-signing-0f3e9a7c21b54d68";
const SLACK_TOKEN: &str = "xoxb-sec-table-bot-token-6a1f0c9e2d7b";
const LINE_SECRET: &str = "sec-table-line-channel-secret-93be4d";
const LINE_TOKEN: &str = "sec-table-line-access-token-57c2a8f1";
const USER: &str = "U4af4980629a1b2c3d4e5f60718293a4b";

/// The largest body the edge accepts.
const MAX_BODY: usize = 1024 * 1024;

/// Why the worker refuses a Slack request whose signature does not match.
/// A signature header sent twice is refused whichever copy is valid.
const REPEATED: &str = "header was sent more than once";
const SLACK_MISMATCH: &str = "X-Slack-Signature does not match the request body";
/// Why the worker refuses a LINE webhook whose signature does not match.
const LINE_MISMATCH: &str = "does not match the body for any configured channel secret";

/// One HTTP request: route, headers in order (repeats kept), raw body.
#[derive(Clone, Debug)]
struct Request {
    route: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn new(route: &'static str, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            route,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// `body` signed for Slack at `at` (Unix seconds), with the content type of `route`.
    fn slack(route: &'static str, body: impl Into<Vec<u8>>, at: i64) -> Self {
        let content_type = if route == "/slack/events" {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let request = Self::new(route, content_type, body);
        let signature = slack_signature(at, &request.body);
        request
            .header("X-Slack-Request-Timestamp", at.to_string())
            .header("X-Slack-Signature", signature)
    }

    /// `body` signed for LINE with the channel secret.
    fn line(route: &'static str, body: impl Into<Vec<u8>>) -> Self {
        let request = Self::new(route, "application/json; charset=utf-8", body);
        let signature = line_signature(LINE_SECRET, &request.body);
        request.header("X-Line-Signature", signature)
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Without the headers named `name` (in any case).
    fn without(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// The value of the first header named `name`.
    fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Renames the headers named `from` to `to`, keeping their values.
    fn rename(mut self, from: &str, to: &str) -> Self {
        for (name, _) in &mut self.headers {
            if name.eq_ignore_ascii_case(from) {
                *name = to.to_string();
            }
        }
        self
    }

    /// The body changed after signing.
    fn tamper(mut self, from: &str, to: &str) -> Self {
        let text = String::from_utf8(self.body).unwrap();
        assert!(text.contains(from), "{from} not in {text}");
        self.body = text.replacen(from, to, 1).into_bytes();
        self
    }

    /// Every signature that could be computed over this body (Slack's for its timestamp, LINE's
    /// with each secret): none may ever be logged.
    fn computed_signatures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(at) = self
            .get("X-Slack-Request-Timestamp")
            .and_then(|t| t.parse::<i64>().ok())
        {
            let signature = slack_signature(at, &self.body);
            out.push(signature.trim_start_matches("v0=").to_string());
        }
        for secret in [LINE_SECRET, SLACK_SECRET] {
            out.push(line_signature(secret, &self.body));
        }
        out
    }

    async fn send(&self, base_url: &str) -> reqwest::Response {
        let mut request = reqwest::Client::new()
            .post(format!("{base_url}{}", self.route))
            .body(self.body.clone());
        for (name, value) in &self.headers {
            // `header` appends: a repeated name is sent twice.
            request = request.header(name.as_str(), value.as_str());
        }
        request.send().await.expect("the edge answers")
    }
}

fn slack_signature(at: i64, body: &[u8]) -> String {
    ackbot_slack::sign(&SecretString::from(SLACK_SECRET), at, body)
}

fn line_signature(secret: &str, body: &[u8]) -> String {
    ackbot_line::sign(&SecretString::from(secret), body)
}

/// A slash command whose reply would go to the stand-in, under `/commands/{id}/`.
fn slash_command(api: &MockServer, id: &str, typed: &str) -> String {
    ackbot_slack::sample::slash_command(typed, &format!("{}/commands/T1/{id}/hook", api.uri()))
}

fn line_text(text: &str) -> String {
    ackbot_line::sample::text_message(text, USER, false)
}

fn app_mention(text: &str) -> String {
    let event_id = format!("Ev{}", now_ms());
    ackbot_slack::sample::app_mention(text, "C2147483705", &event_id)
}

fn block_action() -> String {
    ackbot_slack::sample::interaction(&json!({
        "type": "block_actions",
        "user": {"id": "U1", "username": "steve"},
        "channel": {"id": "C1", "name": "general"},
        "actions": [{"action_id": "approve", "block_id": "b", "type": "button", "value": "1"}],
        "response_url": "https://hooks.slack.com/actions/T1/1/x",
        "trigger_id": "1.2.3"
    }))
}

/// What a row must come to.
#[derive(Clone, Debug)]
enum Expect {
    /// Acknowledged 200; the worker logs `outcome: rejected` with a reason containing this.
    Rejected(&'static str),
    /// Acknowledged 200; the worker logs `outcome: invalid` with a reason containing this.
    Invalid(&'static str),
    /// The function-ack front door answers this status at once and logs this reason; nothing is
    /// queued.
    FrontDoor(u16, &'static str),
    /// The edge refuses with this status before anything is queued, and logs this message.
    Refused(u16, &'static str),
    /// Acknowledged 200; the reply is not delivered (`outcome: undeliverable`: not retried) with
    /// a reason containing this.
    Undeliverable(&'static str),
    /// Acknowledged 200; processed as a duplicate (`duplicates: 1`), no reply.
    Duplicate,
    /// Acknowledged 200; processed with nothing to do (`skipped: 1`), no reply.
    Skipped,
    /// A control row: acknowledged 200, processed, answered.
    Answered,
}

impl Expect {
    fn describe(&self) -> String {
        match self {
            Expect::Rejected(why) => format!("200, rejected: {why}"),
            Expect::Invalid(why) => format!("200, invalid: {why}"),
            Expect::FrontDoor(status, why) => format!("{status} at once: {why}"),
            Expect::Refused(status, why) => format!("{status}: {why}"),
            Expect::Undeliverable(why) => format!("200, undeliverable: {why}"),
            Expect::Duplicate => "200, duplicates: 1, no reply".into(),
            Expect::Skipped => "200, skipped: 1, no reply".into(),
            Expect::Answered => "200, processed, answered (control)".into(),
        }
    }
}

/// What happened to a row's request.
#[derive(Debug, Default)]
struct Observed {
    status: u16,
    outcome: Option<String>,
    reason: Option<String>,
    duplicates: u64,
    skipped: u64,
    replies: usize,
    /// Log lines about the request (its request id, or the edge's refusal).
    lines: usize,
    /// The request id of a request the front door kept, to check after the drain that no
    /// worker had it.
    front_door_id: Option<String>,
}

impl Observed {
    fn describe(&self) -> String {
        let mut text = format!("{}", self.status);
        if let Some(outcome) = &self.outcome {
            text += &format!(", {outcome}");
        }
        if let Some(reason) = &self.reason {
            text += &format!(": {reason}");
        }
        if self.duplicates > 0 {
            text += &format!(", duplicates: {}", self.duplicates);
        }
        if self.skipped > 0 {
            text += &format!(", skipped: {}", self.skipped);
        }
        format!(
            "{text}; {} repl{} to the stand-in; {} log line{}",
            self.replies,
            if self.replies == 1 { "y" } else { "ies" },
            self.lines,
            if self.lines == 1 { "" } else { "s" }
        )
    }

    fn matches(&self, expect: &Expect) -> bool {
        let reason = |why: &str| self.reason.as_deref().is_some_and(|r| r.contains(why));
        let outcome = |o: &str| self.outcome.as_deref() == Some(o);
        let quiet = self.replies == 0 && self.lines == 1;
        match expect {
            Expect::Rejected(why) => {
                self.status == 200 && outcome("rejected") && reason(why) && quiet
            }
            Expect::Invalid(why) => {
                self.status == 200 && outcome("invalid") && reason(why) && quiet
            }
            Expect::FrontDoor(status, why) => self.status == *status && reason(why) && quiet,
            Expect::Refused(status, why) => self.status == *status && reason(why) && quiet,
            Expect::Undeliverable(why) => {
                self.status == 200 && outcome("undeliverable") && reason(why) && self.lines == 1
            }
            Expect::Duplicate => {
                self.status == 200 && outcome("processed") && self.duplicates == 1 && quiet
            }
            Expect::Skipped => {
                self.status == 200 && outcome("processed") && self.skipped == 1 && quiet
            }
            Expect::Answered => {
                self.status == 200 && outcome("processed") && self.replies >= 1 && self.lines == 1
            }
        }
    }
}

/// How a row's requests are made, when it runs: (the stand-in, now in Unix seconds) → requests.
/// Every request but the last is set-up that must be answered; the last is judged.
type Build = Box<dyn Fn(&MockServer, i64) -> Vec<Request>>;

struct Row {
    name: &'static str,
    build: Build,
    expect: Expect,
}

fn row(
    name: &'static str,
    expect: Expect,
    build: impl Fn(&MockServer, i64) -> Vec<Request> + 'static,
) -> Row {
    Row {
        name,
        build: Box::new(build),
        expect,
    }
}

/// A stand-in of both platforms' APIs that answers every call with success, but a
/// `response_url` under `/redirect/`, which redirects to a port nobody listens on.
async fn stand_in() -> MockServer {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex("^/redirect/"))
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", "http://127.0.0.1:9/stolen"),
        )
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"ok": true, "channel": "C1", "ts": "1.2", "sentMessages": [{"id": "1", "quoteToken": "q"}]}),
        ))
        .mount(&api)
        .await;
    api
}

async fn calls(api: &MockServer) -> usize {
    api.received_requests().await.unwrap_or_default().len()
}

fn field(line: &Value, name: &str) -> Option<String> {
    line.get(name).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    })
}

/// Sends one row's requests to `server` and observes what became of the last.
async fn observe(
    server: &Server,
    api: &MockServer,
    requests: &[Request],
    expect: &Expect,
) -> Observed {
    let (last, setup) = requests.split_last().expect("a row sends a request");
    for request in setup {
        let response = request.send(&server.url).await;
        let id = request_id(&response);
        wait_outcome(server, &id).await;
    }
    let replies_before = calls(api).await;
    let lines_before = server.logs().len();
    let response = last.send(&server.url).await;
    let status = response.status().as_u16();
    let id = request_id(&response);
    let mut observed = Observed {
        status,
        ..Observed::default()
    };
    match expect {
        Expect::Refused(_, message) => {
            // Refused before a request id is handed out: the edge's own line, logged before it
            // answered (the wait is for the log pipe, and ends when the line is read).
            let on_route = |l: &Value| field(l, "route").as_deref() == Some(last.route);
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while !server.logs().split_off(lines_before).iter().any(on_route)
                && std::time::Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let new: Vec<Value> = server.logs().split_off(lines_before);
            let refusals: Vec<&Value> = new
                .iter()
                .filter(|l| field(l, "route").as_deref() == Some(last.route))
                .collect();
            observed.lines = refusals.len();
            observed.reason = refusals
                .first()
                .and_then(|l| field(l, "message"))
                .filter(|m| m.contains(message));
        }
        Expect::FrontDoor(..) => {
            // The front door's line, logged before it answered. That no worker ever had the
            // request is checked once the server has drained (`handed_on`).
            server
                .wait_for_log(|l| l["request_id"] == id, Duration::from_secs(5))
                .await;
            observed.front_door_id = Some(id.clone());
            let lines = server.logs_for(&id);
            observed.lines = lines.len();
            if let Some(line) = lines.first() {
                observed.reason = field(line, "reason");
                observed.outcome = field(line, "outcome").or_else(|| field(line, "message"));
            }
        }
        _ => {
            if let Some(line) = wait_outcome(server, &id).await {
                observed.outcome = field(&line, "outcome");
                observed.reason = field(&line, "reason");
                observed.duplicates = line["duplicates"].as_u64().unwrap_or(0);
                observed.skipped = line["skipped"].as_u64().unwrap_or(0);
            }
            observed.lines = server.logs_for(&id).len();
        }
    }
    // The outcome line is the worker's last word, logged after every reply it sent; a row the
    // front door refused was never handed on. So the count is final here.
    observed.replies = calls(api).await - replies_before;
    pace_rejection_lines().await;
    observed
}

fn request_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-ackbot-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn wait_outcome(server: &Server, request_id: &str) -> Option<Value> {
    if request_id.is_empty() {
        return None;
    }
    server
        .wait_for_log(
            |l| l["request_id"] == request_id && l.get("outcome").is_some(),
            Duration::from_secs(15),
        )
        .await
}

/// One printed line of the table.
fn print_row(name: &str, expected: &str, observed: &str, verdict: &str) {
    eprintln!("| {name} | {expected} | {observed} | {verdict} |");
}

/// Prints the results, then fails on any row that did not come out as expected.
fn report(title: &str, results: &[(String, String, String, bool)]) {
    eprintln!("\n{title}\n| row | expected | observed | result |\n|---|---|---|---|");
    let mut failed = Vec::new();
    for (name, expected, observed, ok) in results {
        let verdict = match ok {
            true => "ok",
            false => {
                failed.push(name.clone());
                "FAILED"
            }
        };
        print_row(name, expected, observed, verdict);
    }
    assert!(failed.is_empty(), "rows not as expected: {failed:?}");
}

/// No log line may hold a secret, a token, or a signature computed over a request's body.
fn assert_no_secret_logged(logs: &[Value], signatures: &[String]) {
    let lines: Vec<String> = logs.iter().map(Value::to_string).collect();
    for secret in [SLACK_SECRET, SLACK_TOKEN, LINE_SECRET, LINE_TOKEN]
        .iter()
        .map(|s| s.to_string())
        .chain(signatures.iter().cloned())
    {
        let found: Vec<&String> = lines.iter().filter(|l| l.contains(&secret)).collect();
        assert!(found.is_empty(), "{secret} logged: {found:?}");
    }
}

fn serve_rows() -> Vec<Row> {
    use Expect::*;
    const C: &str = "/slack/commands";
    const E: &str = "/slack/events";
    const I: &str = "/slack/interactions";
    const L: &str = "/line/webhook";
    let cmd = |api: &MockServer, id: &str| slash_command(api, id, "/echo pay 10");
    vec![
        row(
            "control: a signed slash command",
            Answered,
            move |api, now| vec![Request::slack(C, cmd(api, "control"), now)],
        ),
        row("control: a signed LINE message", Answered, |_, _| {
            vec![Request::line(L, line_text("echo hi"))]
        }),
        row(
            "control: a signed app_mention (function ack)",
            Answered,
            |_, now| vec![Request::slack(E, app_mention("echo hi"), now)],
        ),
        row(
            "missing X-Slack-Signature",
            Rejected("missing X-Slack-Signature"),
            move |api, now| {
                vec![Request::slack(C, cmd(api, "r1"), now).without("X-Slack-Signature")]
            },
        ),
        row(
            "missing X-Slack-Request-Timestamp",
            Rejected("missing X-Slack-Request-Timestamp"),
            move |api, now| {
                vec![Request::slack(C, cmd(api, "r2"), now).without("X-Slack-Request-Timestamp")]
            },
        ),
        row(
            "empty X-Slack-Signature",
            Rejected("is not a `v0=` signature"),
            move |api, now| {
                vec![
                    Request::slack(C, cmd(api, "r3"), now)
                        .without("X-Slack-Signature")
                        .header("X-Slack-Signature", ""),
                ]
            },
        ),
        row(
            "two X-Slack-Signature headers, a forged one first",
            Rejected(REPEATED),
            move |api, now| {
                let request = Request::slack(C, cmd(api, "r4"), now);
                let valid = request.get("X-Slack-Signature").unwrap().to_string();
                vec![
                    request
                        .without("X-Slack-Signature")
                        .header("X-Slack-Signature", format!("v0={}", "0".repeat(64)))
                        .header("X-Slack-Signature", valid),
                ]
            },
        ),
        row(
            "two X-Slack-Signature headers, the valid one first",
            Rejected("X-Slack-Signature"),
            move |api, now| {
                vec![
                    Request::slack(C, cmd(api, "r5"), now)
                        .header("X-Slack-Signature", format!("v0={}", "0".repeat(64))),
                ]
            },
        ),
        row(
            "wrong scheme `v1=`",
            Rejected("is not a `v0=` signature"),
            move |api, now| {
                let request = Request::slack(C, cmd(api, "r6"), now);
                let v1 = request
                    .get("X-Slack-Signature")
                    .unwrap()
                    .replacen("v0=", "v1=", 1);
                vec![
                    request
                        .without("X-Slack-Signature")
                        .header("X-Slack-Signature", v1),
                ]
            },
        ),
        // The edge's receive time is whole seconds after `now`: 302 s stays beyond 300 s either
        // way (the Lambda table checks exactly ±301 s against a set receive time).
        row(
            "stale timestamp (302 s old)",
            Rejected("s before the receive time"),
            move |api, now| vec![Request::slack(C, cmd(api, "r7"), now - 302)],
        ),
        row(
            "future timestamp (302 s ahead)",
            Rejected("s after the receive time"),
            move |api, now| vec![Request::slack(C, cmd(api, "r8"), now + 302)],
        ),
        row(
            "body changed after signing",
            Rejected(SLACK_MISMATCH),
            move |api, now| {
                vec![Request::slack(C, cmd(api, "r9"), now).tamper("pay+10", "pay+1000")]
            },
        ),
        row(
            "signed with another secret",
            Rejected(SLACK_MISMATCH),
            move |api, now| {
                let request = Request::slack(C, cmd(api, "r10"), now);
                let forged = ackbot_slack::sign(&SecretString::from("guessed"), now, &request.body);
                vec![
                    request
                        .without("X-Slack-Signature")
                        .header("X-Slack-Signature", forged),
                ]
            },
        ),
        row(
            "a valid slash command replayed",
            Duplicate,
            move |api, now| {
                let request = Request::slack(C, cmd(api, "r11"), now);
                vec![request.clone(), request]
            },
        ),
        row(
            "a valid slash command replayed, its signature in upper-case hex",
            Duplicate,
            move |api, now| {
                let request = Request::slack(C, cmd(api, "r12"), now);
                let upper = request
                    .get("X-Slack-Signature")
                    .unwrap()
                    .to_ascii_uppercase()
                    .replacen("V0=", "v0=", 1);
                let replay = request
                    .clone()
                    .without("X-Slack-Signature")
                    .header("X-Slack-Signature", upper);
                vec![request, replay]
            },
        ),
        row(
            "a response_url at the cloud's metadata address",
            Undeliverable("is not Slack's"),
            move |_, now| {
                let hook = "http://169.254.169.254/latest/meta-data/iam/security-credentials/x";
                let body = ackbot_slack::sample::slash_command("/echo pay 10", hook);
                vec![Request::slack(C, body, now)]
            },
        ),
        row(
            "a response_url that redirects (not followed)",
            Undeliverable("Slack answered HTTP 307"),
            move |api, now| {
                let hook = format!("{}/redirect/T1/1/hook", api.uri());
                let body = ackbot_slack::sample::slash_command("/echo pay 10", &hook);
                vec![Request::slack(C, body, now)]
            },
        ),
        row("a signed LINE event three days old", Skipped, |_, _| {
            let three_days_ms = 3 * 24 * 60 * 60 * 1000;
            let mut event =
                ackbot_line::sample::text_event("echo old", USER, "r", "01HOLD", false, "active");
            event["timestamp"] = json!(now_ms() - three_days_ms);
            vec![Request::line(
                L,
                ackbot_line::sample::webhook(json!([event])),
            )]
        }),
        row(
            "signed `ssl_check=1` smuggling /echo",
            Skipped,
            move |api, now| {
                let body = format!("ssl_check=1&{}", cmd(api, "r13"));
                vec![Request::slack(C, body, now)]
            },
        ),
        row(
            "unsigned `ssl_check=1` smuggling /echo",
            Rejected("missing X-Slack-Request-Timestamp"),
            move |api, now| {
                let body = format!("ssl_check=1&{}", cmd(api, "r14"));
                vec![
                    Request::slack(C, body, now)
                        .without("X-Slack-Signature")
                        .without("X-Slack-Request-Timestamp"),
                ]
            },
        ),
        row(
            "oversized slash command (1 MiB + 1)",
            Refused(413, "body too large"),
            |_, now| vec![Request::slack(C, vec![b'a'; MAX_BODY + 1], now)],
        ),
        row(
            "oversized LINE webhook (1 MiB + 1)",
            Refused(413, "body too large"),
            |_, _| vec![Request::line(L, vec![b' '; MAX_BODY + 1])],
        ),
        row(
            "oversized event (1 MiB + 1, function ack)",
            Refused(413, "body too large"),
            |_, now| vec![Request::slack(E, vec![b' '; MAX_BODY + 1], now)],
        ),
        row(
            "invalid UTF-8 slash command, forged",
            Rejected(SLACK_MISMATCH),
            |_, now| {
                let mut request =
                    Request::slack(C, b"command=%2Fecho&text=\xff\xfe\xc3".to_vec(), now);
                request.body.push(0x80);
                vec![request]
            },
        ),
        row(
            "invalid UTF-8 LINE webhook, signed",
            Invalid("not a {destination, events[]} JSON object"),
            |_, _| {
                vec![Request::line(
                    L,
                    b"{\"destination\":\"U1\",\"events\":[\"\xff\"]}".to_vec(),
                )]
            },
        ),
        row(
            "invalid UTF-8 event, signed (function ack)",
            FrontDoor(400, "not valid JSON"),
            |_, now| {
                vec![Request::slack(
                    E,
                    b"{\"type\":\"event_callback\",\"x\":\"\xff\xfe\"}".to_vec(),
                    now,
                )]
            },
        ),
        row(
            "X-SLACK-SIGNATURE, X-SLACK-REQUEST-TIMESTAMP in upper case (control)",
            Answered,
            move |api, now| {
                vec![
                    Request::slack(C, cmd(api, "r15"), now)
                        .rename("X-Slack-Signature", "X-SLACK-SIGNATURE")
                        .rename("X-Slack-Request-Timestamp", "X-SLACK-REQUEST-TIMESTAMP"),
                ]
            },
        ),
        row(
            "x-LiNe-SiGnAtUrE in odd case (control)",
            Answered,
            |_, _| {
                vec![
                    Request::line(L, line_text("echo odd case"))
                        .rename("X-Line-Signature", "x-LiNe-SiGnAtUrE"),
                ]
            },
        ),
        row(
            "look-alike X-Slack-Signature-V2 only",
            Rejected("missing X-Slack-Signature"),
            move |api, now| {
                vec![
                    Request::slack(C, cmd(api, "r16"), now)
                        .rename("X-Slack-Signature", "X-Slack-Signature-V2"),
                ]
            },
        ),
        row(
            "look-alike X_Slack_Signature only",
            Rejected("missing X-Slack-Signature"),
            move |api, now| {
                vec![
                    Request::slack(C, cmd(api, "r17"), now)
                        .rename("X-Slack-Signature", "X_Slack_Signature"),
                ]
            },
        ),
        row(
            "look-alike x-line-signature2 only",
            Rejected("no x-line-signature header"),
            |_, _| {
                vec![
                    Request::line(L, line_text("echo hi"))
                        .rename("X-Line-Signature", "x-line-signature2"),
                ]
            },
        ),
        row(
            "look-alike x_line_signature only",
            Rejected("no x-line-signature header"),
            |_, _| {
                vec![
                    Request::line(L, line_text("echo hi"))
                        .rename("X-Line-Signature", "x_line_signature"),
                ]
            },
        ),
        row(
            "LINE webhook signed with another secret",
            Rejected(LINE_MISMATCH),
            |_, _| {
                let body = line_text("echo hi");
                let forged = line_signature("guessed", body.as_bytes());
                vec![
                    Request::line(L, body)
                        .without("X-Line-Signature")
                        .header("X-Line-Signature", forged),
                ]
            },
        ),
        row(
            "LINE webhook changed after signing",
            Rejected(LINE_MISMATCH),
            |_, _| vec![Request::line(L, line_text("echo pay 10")).tamper("pay 10", "pay 99")],
        ),
        row(
            "a Slack request sent to the LINE route",
            Rejected("no x-line-signature header"),
            move |api, now| vec![Request::slack(C, cmd(api, "r18"), now).to(L)],
        ),
        row(
            "a LINE request sent to the slash command route",
            Rejected("missing X-Slack-Request-Timestamp"),
            |_, _| vec![Request::line(L, line_text("echo hi")).to(C)],
        ),
        row(
            "a LINE request sent to the events route",
            FrontDoor(401, "missing X-Slack-Request-Timestamp"),
            |_, _| vec![Request::line(L, line_text("echo hi")).to(E)],
        ),
        row(
            "LINE signature made with the Slack secret",
            Rejected(LINE_MISMATCH),
            |_, _| {
                let body = line_text("echo hi");
                let confused = line_signature(SLACK_SECRET, body.as_bytes());
                vec![
                    Request::line(L, body)
                        .without("X-Line-Signature")
                        .header("X-Line-Signature", confused),
                ]
            },
        ),
        row(
            "event without a signature (function ack)",
            FrontDoor(401, "missing X-Slack-Signature"),
            |_, now| {
                vec![Request::slack(E, app_mention("echo hi"), now).without("X-Slack-Signature")]
            },
        ),
        row(
            "stale event (function ack)",
            FrontDoor(401, "s before the receive time"),
            |_, now| vec![Request::slack(E, app_mention("echo hi"), now - 302)],
        ),
        row(
            "interaction changed after signing (function ack)",
            FrontDoor(401, SLACK_MISMATCH),
            |_, now| vec![Request::slack(I, block_action(), now).tamper("approve", "reject")],
        ),
        row(
            "interaction with scheme `v1=` (function ack)",
            FrontDoor(401, "is not a `v0=` signature"),
            |_, now| {
                let request = Request::slack(I, block_action(), now);
                let v1 = request
                    .get("X-Slack-Signature")
                    .unwrap()
                    .replacen("v0=", "v1=", 1);
                vec![
                    request
                        .without("X-Slack-Signature")
                        .header("X-Slack-Signature", v1),
                ]
            },
        ),
    ]
}

impl Request {
    /// The same request, posted to another route.
    fn to(mut self, route: &'static str) -> Self {
        self.route = route;
        self
    }
}

/// Both platforms' settings, with their APIs at `api`, plus `extra`.
fn platforms(api: &MockServer, extra: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("SLACK_SIGNING_SECRET", SLACK_SECRET.to_string()),
        ("SLACK_BOT_TOKEN", SLACK_TOKEN.to_string()),
        ("SLACK_API_URL", format!("{}/api", api.uri())),
        ("LINE_CHANNEL_SECRET", LINE_SECRET.to_string()),
        ("LINE_CHANNEL_ACCESS_TOKEN", LINE_TOKEN.to_string()),
        ("LINE_API_URL", api.uri()),
    ];
    env.extend(extra.iter().map(|(name, value)| (*name, value.to_string())));
    env
}

fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

/// `ackbot serve` on loopback with both platforms' APIs at `api`.
fn serve(api: &MockServer) -> Server {
    Server::start(&borrowed(&platforms(api, &[])))
}

/// The binary as a Lambda worker on `runtime`, both platforms' APIs at `api`, plus `extra`.
fn lambda(runtime: &RuntimeApi, api: &MockServer, extra: &[(&'static str, &str)]) -> Server {
    Server::lambda(&runtime.addr.to_string(), &borrowed(&platforms(api, extra)))
}

#[tokio::test]
async fn hostile_webhooks_through_serve() {
    let api = stand_in().await;
    let mut server = serve(&api);
    let mut results = Vec::new();
    let mut signatures = Vec::new();
    let mut kept = Vec::new();
    for row in serve_rows() {
        let requests = (row.build)(&api, now_ms() / 1000);
        for request in &requests {
            signatures.extend(request.computed_signatures());
        }
        let observed = observe(&server, &api, &requests, &row.expect).await;
        let ok = observed.matches(&row.expect);
        if !ok {
            eprintln!(
                "row failed: {}\n  expected {}\n  observed {observed:?}",
                row.name,
                row.expect.describe()
            );
        }
        results.push((
            row.name.to_string(),
            row.expect.describe(),
            observed.describe(),
            ok,
        ));
        kept.extend(observed.front_door_id.map(|id| (results.len() - 1, id)));
    }
    // Drained, every request handed on has been handled: one the front door kept must have no
    // worker's outcome line.
    server.drain().await;
    for (row, id) in kept {
        let handed_on: Vec<Value> = (server.logs_for(&id).into_iter())
            .filter(|l| l.get("outcome").is_some())
            .collect();
        if !handed_on.is_empty() {
            eprintln!(
                "row failed: {}\n  a worker had it: {handed_on:?}",
                results[row].0
            );
            results[row].2 += ", handed on to a worker";
            results[row].3 = false;
        }
    }
    report("`ackbot serve`", &results);
    assert_no_secret_logged(&server.logs(), &signatures);
}

/// What an Envelope handed to the Lambda worker must come to.
#[derive(Clone, Debug)]
enum LambdaExpect {
    /// Answered with success (a retry cannot help); `outcome: rejected` with this reason.
    Rejected(&'static str),
    /// Answered with success; `outcome: no_route`.
    NoRoute,
    /// Answered with success; processed with nothing to do (`skipped: 1`), no reply.
    Skipped,
    /// The runtime cannot read the Envelope: an error answer and one log line with this in it.
    Undecodable(&'static str),
    /// A control row: answered with success, a reply sent.
    Answered,
}

impl LambdaExpect {
    fn describe(&self) -> String {
        match self {
            LambdaExpect::Rejected(why) => format!("success, rejected: {why}"),
            LambdaExpect::NoRoute => "success, no_route".into(),
            LambdaExpect::Skipped => "success, skipped: 1, no reply".into(),
            LambdaExpect::Undecodable(why) => format!("error answer: {why}"),
            LambdaExpect::Answered => "success, processed, answered (control)".into(),
        }
    }
}

/// (the stand-in, the receive time in ms, the row's request id) → the Envelope's JSON.
type LambdaBuild = Box<dyn Fn(&MockServer, i64, &str) -> String>;

struct LambdaRow {
    name: &'static str,
    build: LambdaBuild,
    expect: LambdaExpect,
}

fn lambda_row(
    name: &'static str,
    expect: LambdaExpect,
    build: impl Fn(&MockServer, i64, &str) -> String + 'static,
) -> LambdaRow {
    LambdaRow {
        name,
        build: Box::new(build),
        expect,
    }
}

/// An Envelope of `body` for `route` received at `received_at_ms`, with `headers`.
fn envelope(
    route: &str,
    received_at_ms: i64,
    request_id: &str,
    body: &[u8],
    headers: &[(&str, String)],
) -> ackbot_core::adapter::Envelope {
    let mut envelope = ackbot_core::adapter::Envelope::new(route, received_at_ms, body.to_vec())
        .with_request_id(request_id);
    envelope.source_ip = Some("203.0.113.7".into());
    for (name, value) in headers {
        envelope = envelope.with_header(*name, value.clone());
    }
    envelope
}

/// The headers of a Slack request signed at `at`, under the given names.
fn slack_headers(
    at: i64,
    body: &[u8],
    names: (&'static str, &'static str),
) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", "application/x-www-form-urlencoded".into()),
        (names.0, at.to_string()),
        (names.1, slack_signature(at, body)),
    ]
}

const SLACK_NAMES: (&str, &str) = ("X-Slack-Request-Timestamp", "X-Slack-Signature");

fn to_json(envelope: ackbot_core::adapter::Envelope) -> String {
    String::from_utf8(envelope.to_json()).unwrap()
}

/// A signed slash command's Envelope JSON with its `body` field replaced by `body_json`.
fn with_body(api: &MockServer, received_at_ms: i64, id: &str, body_json: Value) -> String {
    let body = slash_command(api, id, "/echo hi");
    let headers = slack_headers(received_at_ms / 1000, body.as_bytes(), SLACK_NAMES);
    let mut value: Value = serde_json::from_str(&to_json(envelope(
        "/slack/commands",
        received_at_ms,
        id,
        body.as_bytes(),
        &headers,
    )))
    .unwrap();
    value["body"] = body_json;
    value.to_string()
}

fn lambda_rows() -> Vec<LambdaRow> {
    use LambdaExpect::*;
    const C: &str = "/slack/commands";
    const L: &str = "/line/webhook";
    let command = |api: &MockServer,
                   at_ms: i64,
                   id: &str,
                   names: (&'static str, &'static str),
                   signed_at: i64| {
        let body = slash_command(api, id, "/echo hi");
        let headers = slack_headers(signed_at, body.as_bytes(), names);
        to_json(envelope(C, at_ms, id, body.as_bytes(), &headers))
    };
    let line_body = |at_ms: i64, id: &str, body: String| {
        let headers = [
            (
                "Content-Type",
                "application/json; charset=utf-8".to_string(),
            ),
            (
                "x-line-signature",
                line_signature(LINE_SECRET, body.as_bytes()),
            ),
        ];
        to_json(envelope(L, at_ms, id, body.as_bytes(), &headers))
    };
    let line = |at_ms: i64, id: &str, name: &str| {
        let body = line_text("echo hi");
        let headers = [
            (
                "Content-Type",
                "application/json; charset=utf-8".to_string(),
            ),
            (name, line_signature(LINE_SECRET, body.as_bytes())),
        ];
        to_json(envelope(L, at_ms, id, body.as_bytes(), &headers))
    };
    vec![
        lambda_row(
            "control: a signed slash command",
            Answered,
            move |api, at, id| command(api, at, id, SLACK_NAMES, at / 1000),
        ),
        lambda_row(
            "control: a signed LINE message",
            Answered,
            move |_, at, id| line(at, id, "x-line-signature"),
        ),
        lambda_row(
            "body not base64 (`%%%`)",
            Undecodable("base64"),
            |api, at, id| with_body(api, at, id, json!("%%%")),
        ),
        lambda_row(
            "body base64 with a line break inside",
            Undecodable("base64"),
            |api, at, id| with_body(api, at, id, json!("Y29tbWFuZD0l\nMkZlY2hv")),
        ),
        lambda_row(
            "body in the URL-safe base64 alphabet",
            Undecodable("base64"),
            |api, at, id| with_body(api, at, id, json!("-_-_")),
        ),
        lambda_row("body not a string", Undecodable("body"), |api, at, id| {
            with_body(api, at, id, json!(12))
        }),
        lambda_row(
            "X-SLACK-SIGNATURE, X-SLACK-REQUEST-TIMESTAMP in upper case (control)",
            Answered,
            move |api, at, id| {
                command(
                    api,
                    at,
                    id,
                    ("X-SLACK-REQUEST-TIMESTAMP", "X-SLACK-SIGNATURE"),
                    at / 1000,
                )
            },
        ),
        lambda_row(
            "x-LiNe-SiGnAtUrE in odd case (control)",
            Answered,
            move |_, at, id| line(at, id, "x-LiNe-SiGnAtUrE"),
        ),
        lambda_row(
            "look-alike X-Slack-Sіgnature (Cyrillic і)",
            Rejected("missing X-Slack-Signature"),
            move |api, at, id| {
                command(
                    api,
                    at,
                    id,
                    ("X-Slack-Request-Timestamp", "X-Slack-Sіgnature"),
                    at / 1000,
                )
            },
        ),
        lambda_row(
            "look-alike `X-Slack-Signature ` (trailing space)",
            Rejected("missing X-Slack-Signature"),
            move |api, at, id| {
                command(
                    api,
                    at,
                    id,
                    ("X-Slack-Request-Timestamp", "X-Slack-Signature "),
                    at / 1000,
                )
            },
        ),
        lambda_row(
            "look-alike x‑line‑signature (U+2011 hyphens)",
            Rejected("no x-line-signature header"),
            move |_, at, id| line(at, id, "x\u{2011}line\u{2011}signature"),
        ),
        lambda_row(
            "timestamp exactly 301 s before the receive time",
            Rejected("301 s before the receive time"),
            move |api, at, id| command(api, at, id, SLACK_NAMES, at / 1000 - 301),
        ),
        lambda_row(
            "timestamp exactly 301 s after the receive time",
            Rejected("301 s after the receive time"),
            move |api, at, id| command(api, at, id, SLACK_NAMES, at / 1000 + 301),
        ),
        lambda_row(
            "timestamp 300 s before the receive time (control)",
            Answered,
            move |api, at, id| command(api, at, id, SLACK_NAMES, at / 1000 - 300),
        ),
        lambda_row(
            "timestamp 300 s after the receive time (control)",
            Answered,
            move |api, at, id| command(api, at, id, SLACK_NAMES, at / 1000 + 300),
        ),
        lambda_row(
            "headers repeated in the Envelope, a forged signature first",
            Rejected(REPEATED),
            |api, at, id| {
                let body = slash_command(api, id, "/echo hi");
                let mut headers = slack_headers(at / 1000, body.as_bytes(), SLACK_NAMES);
                headers.insert(1, ("x-slack-signature", format!("v0={}", "0".repeat(64))));
                to_json(envelope(C, at, id, body.as_bytes(), &headers))
            },
        ),
        lambda_row(
            "a Slack Envelope on the LINE route",
            Rejected("no x-line-signature header"),
            |api, at, id| {
                let body = slash_command(api, id, "/echo hi");
                let headers = slack_headers(at / 1000, body.as_bytes(), SLACK_NAMES);
                to_json(envelope(L, at, id, body.as_bytes(), &headers))
            },
        ),
        lambda_row(
            "a LINE Envelope on the slash command route",
            Rejected("missing X-Slack-Request-Timestamp"),
            |_, at, id| {
                let body = line_text("echo hi");
                let headers = [(
                    "x-line-signature",
                    line_signature(LINE_SECRET, body.as_bytes()),
                )];
                to_json(envelope(C, at, id, body.as_bytes(), &headers))
            },
        ),
        lambda_row(
            "headers null",
            Rejected("missing X-Slack-Request-Timestamp"),
            |api, at, id| {
                let body = slash_command(api, id, "/echo hi");
                let mut value: Value =
                    serde_json::from_str(&to_json(envelope(C, at, id, body.as_bytes(), &[])))
                        .unwrap();
                value["headers"] = Value::Null;
                value.to_string()
            },
        ),
        lambda_row(
            "a signed LINE event three days older than the receive time",
            Skipped,
            move |_, at, id| {
                let mut event =
                    ackbot_line::sample::text_event("echo old", USER, "r", id, false, "active");
                event["timestamp"] = json!(at - 3 * 24 * 60 * 60 * 1000);
                line_body(at, id, ackbot_line::sample::webhook(json!([event])))
            },
        ),
        lambda_row(
            "a route in another case (`/SLACK/COMMANDS`)",
            NoRoute,
            move |api, at, id| {
                command(api, at, id, SLACK_NAMES, at / 1000)
                    .replace("/slack/commands", "/SLACK/COMMANDS")
            },
        ),
    ]
}

#[tokio::test]
async fn hostile_envelopes_to_the_lambda_worker() {
    let api = stand_in().await;
    let runtime = RuntimeApi::start().await;
    let function = lambda(&runtime, &api, &[]);
    let mut results = Vec::new();
    let mut signatures = Vec::new();
    for (n, row) in lambda_rows().into_iter().enumerate() {
        let request_id = format!("lambda-row-{n}");
        let json = (row.build)(&api, now_ms(), &request_id);
        if let Ok(envelope) = ackbot_core::adapter::Envelope::from_json(json.as_bytes()) {
            let request = Request {
                route: "/",
                headers: envelope
                    .headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                body: envelope.body,
            };
            signatures.extend(request.computed_signatures());
        }
        let replies_before = calls(&api).await;
        let lines_before = function.logs().len();
        let invocation = runtime.invoke(json);
        // The function answers once its replies are sent: the count is final.
        let answer = runtime.answer(&invocation, Duration::from_secs(30)).await;
        let replies = calls(&api).await - replies_before;
        pace_rejection_lines().await;
        let lines = function.logs_for(&request_id);
        let line = lines.first().cloned().unwrap_or(Value::Null);
        let (answer_kind, answer_text) = match &answer {
            Some(Answer::Success(v)) => ("success", v.to_string()),
            Some(Answer::Error(v)) => ("error", v.to_string()),
            None => ("no answer", String::new()),
        };
        let (ok, observed) = match &row.expect {
            LambdaExpect::Undecodable(why) => {
                // The Envelope never became one, so its request id is unknown: the runtime's own
                // line about this invocation is what there is.
                let new: Vec<Value> = function.logs().split_off(lines_before);
                let about: Vec<&Value> = new
                    .iter()
                    .filter(|l| l.to_string().contains("deserializ"))
                    .collect();
                let ok = answer_kind == "error"
                    && about.len() == 1
                    && about[0].to_string().contains(why)
                    && replies == 0;
                let shown = about
                    .first()
                    .map(|l| field(l, "error").unwrap_or_else(|| l.to_string()))
                    .unwrap_or_default();
                (
                    ok,
                    format!(
                        "{answer_kind} {answer_text}; log: {shown}; {replies} replies; {} log lines",
                        about.len()
                    ),
                )
            }
            expect => {
                let outcome = field(&line, "outcome").unwrap_or_default();
                let reason = field(&line, "reason").unwrap_or_default();
                let ok = answer_kind == "success"
                    && lines.len() == 1
                    && match expect {
                        LambdaExpect::Rejected(why) => {
                            outcome == "rejected" && reason.contains(why) && replies == 0
                        }
                        LambdaExpect::NoRoute => outcome == "no_route" && replies == 0,
                        LambdaExpect::Skipped => {
                            outcome == "processed" && line["skipped"] == 1 && replies == 0
                        }
                        _ => outcome == "processed" && replies >= 1,
                    };
                (
                    ok,
                    format!(
                        "{answer_kind} {answer_text}, {outcome}{}{reason}; {replies} replies; {} log lines",
                        if reason.is_empty() { "" } else { ": " },
                        lines.len()
                    ),
                )
            }
        };
        if !ok {
            eprintln!(
                "row failed: {}\n  expected {}\n  observed {observed}",
                row.name,
                row.expect.describe()
            );
        }
        results.push((row.name.to_string(), row.expect.describe(), observed, ok));
    }
    report("the Lambda worker (Runtime API double)", &results);
    assert_no_secret_logged(&function.logs(), &signatures);
}

// --- The inspector, duplicates, outbound calls and the runtime's own logs ---------------------

/// One printed row of a check: what it is, what it must be, what it was, whether it was.
type Check = (String, String, String, bool);

fn check(name: &str, expected: &str, observed: impl std::fmt::Display, ok: bool) -> Check {
    (name.into(), expected.into(), observed.to_string(), ok)
}

#[tokio::test]
async fn the_inspector_needs_its_token_behind_a_proxy_and_throttles_guesses() {
    let api = stand_in().await;
    let server = serve(&api);
    let login = server.inspector_login().await;
    let token = login
        .split_once("?token=")
        .map(|(_, t)| t.to_string())
        .unwrap();
    let response = Request::line("/line/webhook", line_text("echo stored"))
        .send(&server.url)
        .await;
    let id = request_id(&response);
    wait_outcome(&server, &id).await.expect("processed");
    let calls_before = calls(&api).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let port = server.url.rsplit(':').next().unwrap().to_string();
    let mut checks = Vec::new();
    // nginx's default `proxy_pass http://127.0.0.1:PORT;` sends the upstream's Host and no
    // X-Forwarded-For; a TCP tunnel carries whatever Host its client wrote.
    for (via, host) in [
        ("nginx's default proxy_pass", format!("127.0.0.1:{port}")),
        ("a TCP tunnel naming localhost", format!("localhost:{port}")),
        (
            "a tunnel naming its public host",
            "bot.example.com".to_string(),
        ),
    ] {
        for (what, method, path) in [
            ("the page", "GET", "/_ackbot/".to_string()),
            ("the event stream", "GET", "/_ackbot/events".to_string()),
            (
                "a stored webhook",
                "GET",
                format!("/_ackbot/api/webhooks/{id}"),
            ),
            (
                "Replay",
                "POST",
                format!("/_ackbot/api/webhooks/{id}/replay"),
            ),
            ("Send", "POST", "/_ackbot/api/send".to_string()),
        ] {
            let mut request = match method {
                "GET" => http.get(format!("{}{path}", server.url)),
                _ => http
                    .post(format!("{}{path}", server.url))
                    .header("x-ackbot-inspector", "1")
                    .json(&json!({"platform": "line", "text": "echo pwned"})),
            };
            request = request.header("host", &host).header("connection", "close");
            let status = request.send().await.unwrap().status().as_u16();
            checks.push(check(
                &format!("{what} through {via}"),
                "401",
                status,
                status == 401,
            ));
        }
    }
    let sent = calls(&api).await - calls_before;
    checks.push(check(
        "messages sent by those requests",
        "0",
        sent,
        sent == 0,
    ));
    // The printed address logs the browser in and leaves the token out of the address bar.
    let answer = http.get(&login).send().await.unwrap();
    let location = answer
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let cookie = answer
        .headers()
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().to_string());
    let fine = answer.status() == 303
        && location.as_deref() == Some("/_ackbot/")
        && cookie.as_ref().is_some_and(|c| {
            c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Max-Age=")
        })
        && !cookie.as_ref().unwrap().contains(&token);
    checks.push(check(
        "the printed address",
        "303 to /_ackbot/, an expiring HttpOnly session cookie without the token",
        format!("{} {location:?} {cookie:?}", answer.status()),
        fine,
    ));
    // 2,000 guesses: five are answered, then the address waits, whatever it offers.
    let mut statuses = std::collections::BTreeMap::new();
    for n in 0..2_000 {
        let status = http
            .post(format!("{}/_ackbot/login", server.url))
            .form(&[("token", format!("guess-{n:032}"))])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        *statuses.entry(status).or_insert(0) += 1;
    }
    let right = http.get(&login).send().await.unwrap().status().as_u16();
    // Each lock-out doubles from 1 s: a slow run may see a lock pass, and one more guess answered.
    let answered = statuses.get(&401).copied().unwrap_or(0);
    let waited = statuses.get(&429).copied().unwrap_or(0);
    checks.push(check(
        "2,000 wrong tokens, then the right one",
        "5 answered (one more for each lock-out a slow run outlasts), the rest 429; then 429",
        format!("{statuses:?}, then {right}"),
        (5..=15).contains(&answered) && answered + waited == 2_000 && right == 429,
    ));
    report("the inspector", &checks);
    let logs: Vec<String> = server.logs().iter().map(Value::to_string).collect();
    let printed = logs.iter().filter(|l| l.contains(&token)).count();
    assert_eq!(
        printed, 1,
        "the token is printed once, on standard output, never logged"
    );
}

#[tokio::test]
async fn a_duplicate_never_shows_its_signature() {
    let api = stand_in().await;
    let server = serve(&api);
    let login = server.inspector_login().await;
    let token = login
        .split_once("?token=")
        .map(|(_, t)| t.to_string())
        .unwrap();
    let request = Request::slack(
        "/slack/commands",
        slash_command(&api, "dup", "/wait 1"),
        now_ms() / 1000,
    );
    let signatures = request.computed_signatures();
    // Sent twice at once: one delivery does the work, the other finds it in progress (which is
    // which is the pool's choice); and again once it is done.
    let first = request_id(&request.send(&server.url).await);
    let at_work = request_id(&request.send(&server.url).await);
    let (a, b) = (
        wait_outcome(&server, &first).await.unwrap(),
        wait_outcome(&server, &at_work).await.unwrap(),
    );
    let in_progress = match a["outcome"] == "in_progress" {
        true => a,
        false => b,
    };
    let done = request_id(&request.send(&server.url).await);
    let duplicate = wait_outcome(&server, &done).await.unwrap();
    let mut checks = vec![
        check(
            "sent again while the first is at work",
            "in_progress, keyed by a hash",
            &in_progress,
            in_progress["outcome"] == "in_progress"
                && field(&in_progress, "reason").is_some_and(|r| r.contains("slack:replay:")),
        ),
        check(
            "sent again once it is done",
            "processed, duplicates: 1",
            &duplicate,
            duplicate["duplicates"] == 1,
        ),
    ];
    let http = reqwest::Client::new();
    let mut shown = String::new();
    for id in [&first, &at_work, &done] {
        let detail = http
            .get(format!("{}/_ackbot/api/webhooks/{id}", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        shown.push_str(&detail.text().await.unwrap());
    }
    let keys = shown.matches("slack:replay:").count();
    let leaked = signatures.iter().any(|s| shown.contains(s.as_str()));
    checks.push(check(
        "the inspector's details of all three",
        "the key's hash, never the signature",
        format!("{keys} keys shown, signature shown: {leaked}"),
        keys >= 1 && !leaked,
    ));
    report("duplicates", &checks);
    assert_no_secret_logged(&server.logs(), &signatures);
}

#[tokio::test]
async fn a_response_url_that_never_stops_answering_is_read_no_further_than_the_cap() {
    let api = stand_in().await;
    let server = serve(&api);
    let endless = ackbot_core::testing::EndlessServer::start("HTTP/1.1 200 OK");
    let hook = format!("{}/commands/T1/1/secret-path", endless.url);
    let body = ackbot_slack::sample::slash_command("/echo hi", &hook);
    let request = Request::slack("/slack/commands", body, now_ms() / 1000);
    let id = request_id(&request.send(&server.url).await);
    let line = wait_outcome(&server, &id).await.unwrap();
    let written = endless.written();
    let (_, peak) = server.memory();
    report(
        "a response_url answering without end",
        &[
            check(
                "the reply",
                "processed (the 200 came)",
                &line["outcome"],
                line["outcome"] == "processed",
            ),
            check(
                "what the target could write before ackbot hung up",
                "well under 64 MiB",
                format!("{written} B"),
                written < 32 * 1024 * 1024,
            ),
            check(
                "the edge's peak memory",
                "under 100 MiB",
                format!("{} MiB", peak >> 20),
                peak < 100 << 20,
            ),
        ],
    );
}

#[tokio::test]
async fn unsigned_floods_with_a_stalled_inspector_page_keep_memory_flat() {
    let api = stand_in().await;
    let server = serve(&api);
    let login = server.inspector_login().await;
    let token = login
        .split_once("?token=")
        .map(|(_, t)| t.to_string())
        .unwrap();
    // A page that follows the live stream and never reads it.
    let stalled = reqwest::Client::new()
        .get(format!("{}/_ackbot/events", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(stalled.status(), 200);
    let (before, _) = server.memory();
    let text = "A".repeat(1024 * 1024 - 300);
    const FLOOD: u64 = 150;
    for n in 0..FLOOD {
        let body = json!({"destination": "U1", "events": [{"type": "message",
            "message": {"type": "text", "text": text}}]});
        let mut request = Request::new("/line/webhook", "application/json", body.to_string())
            .header("X-Line-Signature", "bm90LWEtc2lnbmF0dXJl");
        if n % 2 == 0 {
            request = request.header("X-Padding", "h".repeat(370 * 1024));
        }
        assert_eq!(request.send(&server.url).await.status(), 200);
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while server.health().await["outcomes"]["rejected"].as_u64() < Some(FLOOD) {
        assert!(
            std::time::Instant::now() < deadline,
            "the workers did not finish"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (after, peak) = server.memory();
    drop(stalled);
    report(
        "150 unsigned 1 MB posts (half with 370 KB of headers), a page stalled on the stream",
        &[check(
            "the edge's memory",
            "peak under 120 MiB (the inspector's budget is 16 MiB)",
            format!(
                "{} → {} MiB, peak {} MiB",
                before >> 20,
                after >> 20,
                peak >> 20
            ),
            peak < 120 << 20,
        )],
    );
}

#[tokio::test]
async fn lambda_runtime_at_trace_never_logs_a_payload() {
    let api = stand_in().await;
    let runtime = RuntimeApi::start().await;
    let function = lambda(&runtime, &api, &[("RUST_LOG", "trace")]);
    let at = now_ms();
    let body = slash_command(&api, "trace-hook-secret", "/echo hi");
    let slack = envelope(
        "/slack/commands",
        at,
        "trace-slack",
        body.as_bytes(),
        &slack_headers(at / 1000, body.as_bytes(), SLACK_NAMES),
    );
    let line_body = line_text("echo hi");
    let reply_token: Value = serde_json::from_str(&line_body).unwrap();
    let reply_token = reply_token["events"][0]["replyToken"]
        .as_str()
        .unwrap()
        .to_string();
    let line = envelope(
        "/line/webhook",
        at,
        "trace-line",
        line_body.as_bytes(),
        &[(
            "x-line-signature",
            line_signature(LINE_SECRET, line_body.as_bytes()),
        )],
    );
    // What a payload looks like in a log line: as sent (the Envelope's body is base64), or
    // decoded.
    let mut payloads = vec!["trace-hook-secret".to_string(), reply_token];
    for envelope in [slack, line] {
        let json: Value = serde_json::from_slice(&envelope.to_json()).unwrap();
        payloads.push(json["body"].as_str().unwrap().to_string());
        let invocation = runtime.invoke(to_json(envelope));
        let answer = runtime.answer(&invocation, Duration::from_secs(30)).await;
        assert!(matches!(answer, Some(Answer::Success(_))), "{answer:?}");
    }
    let logs: Vec<String> = function.logs().iter().map(Value::to_string).collect();
    let traced = logs.iter().filter(|l| l.contains("\"TRACE\"")).count();
    let leaked: Vec<&String> = (logs.iter())
        .filter(|l| payloads.iter().any(|p| l.contains(p.as_str())))
        .collect();
    report(
        "the Lambda worker with RUST_LOG=trace",
        &[check(
            "lines holding an event, its response_url's path or its reply token",
            "none (lambda_runtime held at DEBUG)",
            format!(
                "{} of {} lines ({traced} at TRACE)",
                leaked.len(),
                logs.len()
            ),
            leaked.is_empty() && traced > 0,
        )],
    );
}

/// Keeps the rows under the worker's budget of 10 rejection log lines a second, beyond which
/// lines are suppressed (and the tables count lines). Pacing only: no row waits here for
/// something to happen, or not happen.
async fn pace_rejection_lines() {
    tokio::time::sleep(Duration::from_millis(150)).await;
}
