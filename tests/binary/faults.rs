//! End to end: the real `ackbot` binary against stand-ins of Slack and LINE that fail on purpose —
//! 5xx, 429 with `Retry-After` in seconds and as an HTTP-date, answers slower than
//! `ACKBOT_HTTP_TIMEOUT_MS`, dropped connections, Slack's `{"ok":false}`, LINE's invalid reply
//! token and monthly limit — on each way a reply leaves: Slack's `response_url` and
//! `chat.postMessage`, LINE's reply and push.
//!
//! Every event ends in one of three ways, under `ackbot serve` and as a Lambda function alike:
//! - a fault that clears: the reply is delivered exactly once, and the Envelope is `processed`
//!   (the invocation succeeds);
//! - a fault that lasts past the retries: nothing is delivered, one error line with the request
//!   id says `failed`, and the invocation fails (`ackbot.DeliveryFailed`) so that Lambda retries
//!   it and finally parks it in the dead-letter queue;
//! - a refusal for good: nothing is delivered, one error line says `undeliverable`, and the
//!   invocation succeeds, since a retry would be refused the same way.
//!
//! The cases of each table run at once: one `ackbot serve` with enough workers, and one Lambda
//! sandbox per case on one Runtime API double, as Lambda runs concurrent invocations.

#[path = "faults/standin.rs"]
mod standin;

use std::time::Duration;

use crate::common::Server;
use crate::common::runtime::{Answer, RuntimeApi};
use ackbot_core::SecretString;
use ackbot_core::runtime::now_ms;
use futures::future::join_all;
use serde_json::{Value, json};
use standin::{Act, FaultyApi, Hit};

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const LINE_SECRET: &str = "channel_secret";
/// The client timeout the binary runs with: short, so that slow answers cost little.
const HTTP_TIMEOUT_MS: &str = "1000";
/// Attempts in all of the default retry policy.
const ATTEMPTS: usize = 4;
/// How long a case may take, retries and `Retry-After`s included.
const CASE_TIMEOUT: Duration = Duration::from_secs(30);

/// Where a reply leaves for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endpoint {
    /// A slash command's `response_url`.
    ResponseUrl,
    /// `chat.postMessage`, for a direct message to the bot.
    PostMessage,
    /// LINE's reply with the event's reply token.
    Reply,
    /// LINE's push, for a redelivered event (its reply token may be used).
    Push,
}

/// How a case must end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Delivered exactly once, after this many requests to the endpoint.
    Delivered { attempts: usize },
    /// Nothing delivered after this many requests; retried later by Lambda.
    Failed { attempts: usize },
    /// Nothing delivered after one request; never retried.
    Undeliverable,
}

/// One row of the matrix.
struct Case {
    name: &'static str,
    endpoint: Endpoint,
    /// The endpoint's first answers, in order…
    first: Vec<Act>,
    /// …and every answer after them.
    then: Act,
    expect: Expect,
    /// At least this long between the first two requests (a `Retry-After` honoured).
    gap: Option<Duration>,
}

fn case(name: &'static str, endpoint: Endpoint, first: &[Act], then: Act, expect: Expect) -> Case {
    Case {
        name,
        endpoint,
        first: first.to_vec(),
        then,
        expect,
        gap: None,
    }
}

impl Case {
    fn with_gap(mut self, gap: Duration) -> Self {
        self.gap = Some(gap);
        self
    }
}

/// The matrix: every fault on every endpoint, and each platform's own refusals. One row a case:
/// its name, the endpoint, its first answers, every answer after them, how it must end.
#[rustfmt::skip]
fn matrix() -> Vec<Case> {
    use Act::*;
    use Endpoint::*;
    let clears = |attempts| Expect::Delivered { attempts };
    let lasts = Expect::Failed { attempts: ATTEMPTS };
    let refused = Expect::Undeliverable;
    let mut cases = Vec::new();
    for endpoint in [ResponseUrl, PostMessage, Reply, Push] {
        let e500 = match endpoint {
            ResponseUrl | PostMessage => Status(500, "internal_error"),
            Reply | Push => LineError(500, "Internal server error"),
        };
        let in_2s = Duration::from_secs(2);
        cases.extend([
            case("500 twice, then 200", endpoint, &[e500.clone(), e500.clone()], Answer, clears(3)),
            case("429 Retry-After: 1", endpoint, &[RetryAfterSeconds(1)], Answer, clears(2))
                .with_gap(Duration::from_millis(950)),
            case("429 Retry-After: HTTP-date 2 s ahead", endpoint, &[RetryAfterDate(in_2s)], Answer, clears(2))
                .with_gap(Duration::from_millis(900)),
            case("one dropped connection", endpoint, &[Drop], Answer, clears(2)),
            case("one answer slower than the timeout", endpoint, &[Slow], Answer, clears(2)),
            case("always 500", endpoint, &[], e500, lasts),
            case("always dropped", endpoint, &[], Drop, lasts),
            case("always slower than the timeout", endpoint, &[], Slow, lasts),
        ]);
    }
    let bad_request = LineError(400, "The request body has 1 error(s)");
    cases.extend([
        case("ok:false ratelimited, then ok", PostMessage, &[SlackError("ratelimited")], Answer, clears(2)),
        case("ok:false channel_not_found", PostMessage, &[], SlackError("channel_not_found"), refused),
        // Longer than the policy's `max_retry_after`: given up at once, for Lambda to retry later.
        case("429 Retry-After beyond the budget", PostMessage, &[], RetryAfterSeconds(3600), Expect::Failed { attempts: 1 }),
        case("404 channel_not_found", ResponseUrl, &[], Status(404, "channel_not_found"), refused),
        // Delivered by the push that follows (see `check_platform`).
        case("400 Invalid reply token", Reply, &[], LineError(400, "Invalid reply token"), clears(1)),
        case("400 other than Invalid reply token", Reply, &[], bad_request.clone(), refused),
        case("400 bad request", Push, &[], bad_request, refused),
        case("429 monthly limit", Push, &[], LineError(429, "You have reached your monthly limit."), refused),
        case("429 rate limit that lasts", Push, &[], RetryAfterSeconds(1), lasts),
        // LINE took the push but answered too late: the retry's key is answered 409, delivered.
        case("accepted, answered after the timeout", Push, &[SlowAfterAccepting], Answer, clears(2)),
    ]);
    cases
}

/// What names one case's conversation, so the stand-in tells the cases apart.
struct Keys {
    /// The `response_url`'s case segment.
    hook: String,
    /// The direct-message channel.
    channel: String,
    /// LINE's reply token.
    reply_token: String,
    /// The LINE user (the push's `to`).
    user: String,
}

impl Keys {
    fn new(id: &str) -> Self {
        Keys {
            hook: format!("hook{id}"),
            channel: format!("D{id}"),
            reply_token: format!("{:0>32}", id.to_lowercase()),
            user: format!("U{:0>32}", id.to_lowercase()),
        }
    }

    /// The key of the requests to `endpoint`.
    fn of(&self, endpoint: Endpoint) -> &str {
        match endpoint {
            Endpoint::ResponseUrl => &self.hook,
            Endpoint::PostMessage => &self.channel,
            Endpoint::Reply => &self.reply_token,
            Endpoint::Push => &self.user,
        }
    }
}

/// The webhook of a case, as the platform would send it: its route and body.
fn webhook(case: &Case, keys: &Keys, api: &FaultyApi) -> (&'static str, String) {
    let text = format!("echo fault: {}", case.name);
    match case.endpoint {
        Endpoint::ResponseUrl => {
            let response_url = format!("{}/commands/T0001/{}/hook-token", api.url(), keys.hook);
            let body = ackbot_slack::sample::slash_command(&format!("/{text}"), &response_url);
            (ackbot_slack::COMMANDS_ROUTE, body)
        }
        Endpoint::PostMessage => (
            ackbot_slack::EVENTS_ROUTE,
            direct_message(&keys.channel, &text),
        ),
        Endpoint::Reply | Endpoint::Push => {
            let event = ackbot_line::sample::text_event(
                &text,
                &keys.user,
                &keys.reply_token,
                &ackbot_line::sample::webhook_event_id(),
                case.endpoint == Endpoint::Push, // redelivered: pushed
                "active",
            );
            (
                ackbot_line::WEBHOOK_ROUTE,
                ackbot_line::sample::webhook(json!([event])),
            )
        }
    }
}

/// An Events API `message.im`: a direct message to the bot, answered with `chat.postMessage`.
fn direct_message(channel: &str, text: &str) -> String {
    let seconds = now_ms() / 1000;
    let ts = format!("{seconds}.{:06}", now_ms() % 1_000_000);
    json!({
        "token": "ZZZZZZWSxiZZZ2yIvs3peJ",
        "team_id": "T061EG9R6",
        "api_app_id": "A0MDYCDME",
        "event": {
            "type": "message",
            "channel": channel,
            "channel_type": "im",
            "user": "U061F7AUR",
            "text": text,
            "ts": ts,
            "event_ts": ts,
        },
        "type": "event_callback",
        "event_id": format!("Ev{channel}"),
        "event_time": seconds,
    })
    .to_string()
}

/// The binary's environment: both platforms on the stand-in, and the short client timeout.
fn env(api: &FaultyApi) -> Vec<(&'static str, String)> {
    vec![
        ("SLACK_SIGNING_SECRET", SLACK_SECRET.to_string()),
        ("SLACK_BOT_TOKEN", "xoxb-faults".to_string()),
        ("SLACK_API_URL", format!("{}/api", api.url())),
        ("LINE_CHANNEL_SECRET", LINE_SECRET.to_string()),
        ("LINE_CHANNEL_ACCESS_TOKEN", "line-faults-token".to_string()),
        ("LINE_API_URL", api.url()),
        ("ACKBOT_HTTP_TIMEOUT_MS", HTTP_TIMEOUT_MS.to_string()),
    ]
}

fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Scripts the stand-in for `case`, under the keys of `id`.
fn arm(api: &FaultyApi, case: &Case, id: &str) -> Keys {
    let keys = Keys::new(id);
    api.script(keys.of(case.endpoint), &case.first, case.then.clone());
    keys
}

/// How a case ended, as one line of the report.
struct Observed {
    name: &'static str,
    endpoint: Endpoint,
    outcome: String,
    attempts: usize,
    delivered: usize,
}

/// Checks what the stand-in saw of `case`; returns (requests to the endpoint, deliveries).
fn check_platform(api: &FaultyApi, case: &Case, keys: &Keys, label: &str) -> (usize, usize) {
    let hits = api.hits(keys.of(case.endpoint));
    let pushes = api.hits(&keys.user);
    let all: Vec<Hit> = [&keys.hook, &keys.channel, &keys.reply_token, &keys.user]
        .into_iter()
        .flat_map(|key| api.hits(key))
        .collect();
    let delivered = all.iter().filter(|h| h.delivered).count();
    let attempts = hits.len();
    match case.expect {
        Expect::Delivered { attempts: wanted } => {
            assert_eq!(delivered, 1, "{label}: delivered exactly once: {all:#?}");
            assert_eq!(attempts, wanted, "{label}: requests: {hits:#?}");
        }
        Expect::Failed { attempts: wanted } => {
            assert_eq!(delivered, 0, "{label}: nothing delivered: {all:#?}");
            assert_eq!(attempts, wanted, "{label}: requests: {hits:#?}");
        }
        Expect::Undeliverable => {
            assert_eq!(delivered, 0, "{label}: nothing delivered: {all:#?}");
            assert_eq!(attempts, 1, "{label}: never retried: {hits:#?}");
        }
    }
    // A reply token LINE refused as invalid is the only way from a reply to a push.
    let falls_back_to_push = matches!(
        &case.then,
        Act::LineError(400, message) if message.contains("Invalid reply token")
    );
    if case.endpoint == Endpoint::Reply {
        let wanted = usize::from(falls_back_to_push);
        assert_eq!(pushes.len(), wanted, "{label}: pushes: {pushes:#?}");
    }
    // Every push, retries included, carries the same retry key: LINE delivers it at most once.
    if !pushes.is_empty() {
        let first = pushes[0].retry_key.clone();
        assert!(first.is_some(), "{label}: a push without X-Line-Retry-Key");
        assert!(
            pushes.iter().all(|p| p.retry_key == first),
            "{label}: retry keys changed: {pushes:#?}"
        );
    }
    // A push LINE took but answered too late: the retry is told it was accepted (409).
    if case.first.contains(&Act::SlowAfterAccepting) {
        let statuses: Vec<Option<u16>> = hits.iter().map(|h| h.status).collect();
        assert_eq!(statuses, [Some(200), Some(409)], "{label}");
    }
    if let Some(gap) = case.gap {
        let waited = hits[1].at - hits[0].at;
        assert!(
            waited >= gap,
            "{label}: retried after {waited:?}, not {gap:?}"
        );
    }
    (attempts, delivered)
}

/// The level, request id and outcome of a log line.
fn field<'a>(line: &'a Value, name: &str) -> &'a str {
    line.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// Checks the log lines of one Envelope: one error line for a failure, none for a delivery.
fn check_log(logs: &[Value], request_id: &str, case: &Case, label: &str) -> String {
    let mine: Vec<&Value> = logs
        .iter()
        .filter(|l| field(l, "request_id") == request_id)
        .collect();
    let errors: Vec<&&Value> = mine
        .iter()
        .filter(|l| field(l, "level") == "ERROR")
        .collect();
    let done: Vec<&&Value> = mine.iter().filter(|l| l.get("outcome").is_some()).collect();
    assert_eq!(done.len(), 1, "{label}: one outcome line: {mine:#?}");
    let outcome = field(done[0], "outcome").to_string();
    let (wanted, error_lines) = match case.expect {
        Expect::Delivered { .. } => ("processed", 0),
        Expect::Failed { .. } => ("failed", 1),
        Expect::Undeliverable => ("undeliverable", 1),
    };
    assert_eq!(outcome, wanted, "{label}: {}", done[0]);
    assert_eq!(errors.len(), error_lines, "{label}: error lines: {mine:#?}");
    if wanted == "processed" {
        assert_eq!(done[0]["replied"], 1, "{label}: {}", done[0]);
    }
    outcome
}

/// Every error line names a request id the cases know (no error without its request), but for
/// those `also` allows.
fn check_stray_errors(logs: &[Value], request_ids: &[String], also: impl Fn(&Value) -> bool) {
    for line in logs
        .iter()
        .filter(|l| field(l, "level") == "ERROR" && !also(l))
    {
        let id = field(line, "request_id");
        assert!(
            request_ids.iter().any(|r| r == id),
            "an error line without a case's request id: {line}"
        );
    }
}

fn print_report(title: &str, observed: &[Observed]) {
    println!("{title}");
    for o in observed {
        println!(
            "  {:<12} {:<40} {:<28} requests {}  delivered {}",
            format!("{:?}", o.endpoint),
            o.name,
            o.outcome,
            o.attempts,
            o.delivered
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_under_serve_ends_replied_once_or_as_one_error_line() {
    let api = FaultyApi::start().await;
    let mut env = env(&api);
    env.push(("ACKBOT_WORKERS", "64".to_string()));
    let server = Server::start(&borrowed(&env));
    let cases = matrix();
    let runs = cases.iter().enumerate().map(|(i, case)| {
        let (api, server) = (&api, &server);
        async move {
            let keys = arm(api, case, &format!("S{i:02}"));
            let (route, body) = webhook(case, &keys, api);
            let request_id = post(server, route, &body).await;
            server
                .wait_for_log(
                    |l| field(l, "request_id") == request_id && l.get("outcome").is_some(),
                    CASE_TIMEOUT,
                )
                .await
                .unwrap_or_else(|| panic!("serve, {}: no outcome line", case.name));
            (request_id, keys)
        }
    });
    let ran = join_all(runs).await;
    let logs = server.logs();
    let mut observed = Vec::new();
    for (case, (request_id, keys)) in cases.iter().zip(&ran) {
        let label = format!("serve, {:?}, {}", case.endpoint, case.name);
        let outcome = check_log(&logs, request_id, case, &label);
        let (attempts, delivered) = check_platform(&api, case, keys, &label);
        observed.push(Observed {
            name: case.name,
            endpoint: case.endpoint,
            outcome,
            attempts,
            delivered,
        });
    }
    let request_ids: Vec<String> = ran.into_iter().map(|(id, _)| id).collect();
    check_stray_errors(&logs, &request_ids, |_| false);
    print_report("ackbot serve", &observed);
}

/// Posts a signed webhook to the edge; returns the request id it answered with.
async fn post(server: &Server, route: &str, body: &str) -> String {
    let response = if route == ackbot_line::WEBHOOK_ROUTE {
        let signature = ackbot_line::sign(&SecretString::from(LINE_SECRET), body.as_bytes());
        reqwest::Client::new()
            .post(format!("{}{route}", server.url))
            .header("content-type", "application/json; charset=utf-8")
            .header("x-line-signature", signature)
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    } else {
        let now = now_ms() / 1000;
        crate::common::slack::post_signed(server, route, body, now, SLACK_SECRET, &[]).await
    };
    assert_eq!(response.status(), 200, "acknowledged whatever follows");
    response
        .headers()
        .get("x-ackbot-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_string()
}

/// The Envelope API Gateway's mapping template would hand the worker for this webhook.
fn envelope(route: &str, body: &str, request_id: &str) -> String {
    let envelope = if route == ackbot_line::WEBHOOK_ROUTE {
        ackbot_line::sample::signed_envelope(body, LINE_SECRET, now_ms())
    } else {
        ackbot_slack::sample::signed_envelope(route, body, SLACK_SECRET, now_ms() / 1000)
    };
    String::from_utf8(envelope.with_request_id(request_id).to_json()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_under_lambda_ends_replied_once_or_as_a_failure_for_the_dlq() {
    let api = FaultyApi::start().await;
    let env = env(&api);
    let runtime = RuntimeApi::start().await;
    let cases = matrix();
    // One sandbox per case: Lambda runs concurrent invocations in environments of their own.
    let sandboxes: Vec<Server> = cases
        .iter()
        .map(|_| Server::lambda(&runtime.addr.to_string(), &borrowed(&env)))
        .collect();
    let runs = cases.iter().enumerate().map(|(i, case)| {
        let (api, runtime) = (&api, &runtime);
        async move {
            let id = format!("L{i:02}");
            let keys = arm(api, case, &id);
            let (route, body) = webhook(case, &keys, api);
            let request_id = format!("req-{id}");
            let invocation = runtime.invoke(envelope(route, &body, &request_id));
            let answer = runtime
                .answer(&invocation, CASE_TIMEOUT)
                .await
                .unwrap_or_else(|| panic!("Lambda, {}: no answer", case.name));
            (request_id, keys, answer)
        }
    });
    let ran = join_all(runs).await;
    let logs: Vec<Value> = sandboxes.iter().flat_map(Server::logs).collect();
    let mut observed = Vec::new();
    for (case, (request_id, keys, answer)) in cases.iter().zip(&ran) {
        let label = format!("Lambda, {:?}, {}", case.endpoint, case.name);
        let logged = check_log(&logs, request_id, case, &label);
        let (attempts, delivered) = check_platform(&api, case, keys, &label);
        let invocation = match (case.expect, answer) {
            (Expect::Delivered { .. }, Answer::Success(value)) => {
                assert_eq!(value, &json!({"handled": 1, "replied": 1}), "{label}");
                "success"
            }
            (Expect::Undeliverable, Answer::Success(value)) => {
                assert_eq!(value, &json!({"handled": 1, "replied": 0}), "{label}");
                "success"
            }
            (Expect::Failed { .. }, Answer::Error(error)) => {
                assert_eq!(error["errorType"], "ackbot.DeliveryFailed", "{label}");
                "error (DLQ)"
            }
            (_, other) => panic!("{label}: {other:?}"),
        };
        observed.push(Observed {
            name: case.name,
            endpoint: case.endpoint,
            outcome: format!("{logged}, {invocation}"),
            attempts,
            delivered,
        });
    }
    let request_ids: Vec<String> = ran.into_iter().map(|(id, _, _)| id).collect();
    // lambda_runtime logs every error a handler returns once more, under its invocation id.
    let runtime_lines = |l: &Value| {
        field(l, "target") == "lambda_runtime::layers::panic"
            && field(l, "message").contains("ackbot.DeliveryFailed")
    };
    check_stray_errors(&logs, &request_ids, runtime_lines);
    print_report("Lambda", &observed);
}
