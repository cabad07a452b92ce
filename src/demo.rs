//! `ackbot demo`: the whole flow on loopback with no configuration — the edge, the workers,
//! stand-ins of Slack's and LINE's APIs, and signed samples whose life is printed step by step.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bot_core::{now_ms, Observation, Outcome, Router, Secret, Stage, Status};
use serde_json::{json, Value};

use crate::config::{Config, LineSettings, LogFormat, SlackSettings};
use crate::edge::{self, AckSettings};
use crate::pool::Pool;
use crate::samples;
use crate::standin::line::LineStandIn;
use crate::standin::slack::SlackStandIn;
use crate::standin::{Recorded, Recorder};
use crate::Error;

/// What a sample should come to.
enum Expect {
    /// One reply with exactly this text.
    Exactly(String),
    /// One reply containing this text.
    Containing(&'static str),
    /// No API call at all.
    Nothing,
    /// Recognised as a duplicate: no second reply.
    Duplicate,
}

struct Sample {
    label: String,
    route: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
    /// Which stand-in calls belong to this sample.
    belongs: Box<dyn Fn(&Recorded) -> bool + Send + Sync>,
    expect: Expect,
    /// Wait until the worker is done with it before sending the next sample.
    settle: bool,
}

struct Sent {
    sample: Sample,
    started_ms: i64,
    ack_status: u16,
    ack_ms: u128,
    request_id: String,
}

type Observations = Arc<Mutex<Vec<Observation>>>;

/// Runs the demo and fails unless every sample behaved as expected.
pub async fn run(router: Router) -> Result<(), Error> {
    crate::logging::init(LogFormat::Text, "error");
    let slack_api = SlackStandIn::start().await?;
    let line_api = LineStandIn::start().await?;
    // Throwaway secrets: the demo signs and verifies like the platforms do, with keys of its own.
    let slack_secret = Secret::new(format!("demo-slack-{:x}", now_ms()));
    let line_secret = Secret::new(format!("demo-line-{:x}", now_ms()));
    let config = Config {
        slack: Some(SlackSettings {
            signing_secret: slack_secret.clone(),
            bot_token: Some(Secret::new("xoxb-demo-token")),
            api_url: slack_api.api_url(),
        }),
        line: Some(LineSettings {
            channel_secret: line_secret.clone(),
            access_token: Secret::new("demo-line-access-token"),
            api_url: line_api.api_url(),
            reply_token_ttl_ms: 50_000,
        }),
        log_format: LogFormat::Text,
        workers: 4,
        queue_capacity: 64,
        ack_status: 200,
        slack_command_ack_body: String::new(),
        drain_timeout: Duration::from_secs(10),
    };
    let observations: Observations = Arc::default();
    let seen = observations.clone();
    let worker =
        crate::bot::worker(router, &config)?.with_observer(Arc::new(move |o: &Observation| {
            seen.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(o.clone())
        }));
    let pool = Pool::start(worker, config.workers, config.queue_capacity);
    let app = edge::app(
        pool.queue(),
        AckSettings::default(),
        Some(slack_secret.clone()),
        true,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let edge_addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });

    println!("ackbot demo");
    println!("  edge (what API Gateway or `ackbot serve` does)  http://{edge_addr}");
    println!(
        "  stand-in of Slack's API                         {}",
        slack_api.api_url()
    );
    println!(
        "  stand-in of the LINE Messaging API              {}",
        line_api.api_url()
    );
    println!(
        "Each sample is signed the way the platform signs it. The edge acks at once; a worker"
    );
    println!("verifies, dispatches and replies afterwards.\n");

    let client = reqwest::Client::new();
    let mut passed = 0;
    let mut total = 0;
    for (platform, recorder, samples) in [
        (
            "Slack",
            slack_api.recorder(),
            slack_samples(&slack_api, &slack_secret),
        ),
        ("LINE", line_api.recorder(), line_samples(&line_secret)),
    ] {
        println!("── {platform} ──────────────────────────────────────────────\n");
        let mut sent = Vec::new();
        for sample in samples {
            let settle = sample.settle;
            let s = send(&client, edge_addr, sample).await?;
            if settle {
                wait_done(&observations, &s.request_id, Duration::from_secs(15)).await;
            }
            sent.push(s);
        }
        for s in &sent {
            total += 1;
            wait_done(&observations, &s.request_id, Duration::from_secs(15)).await;
            let calls = settle_calls(recorder, &s.sample).await;
            passed += usize::from(print_life(total, s, &calls, &observations));
        }
    }
    println!("{passed} of {total} samples behaved as expected.");
    pool.drain(Duration::from_secs(5)).await;
    if passed == total {
        Ok(())
    } else {
        Err(Error::Demo(format!(
            "{} sample(s) did not behave as expected",
            total - passed
        )))
    }
}

fn slack_samples(api: &SlackStandIn, secret: &Secret) -> Vec<Sample> {
    let command = |id: &'static str, typed: &str, expect: Expect| {
        let body = samples::slack_command_form(typed, &api.response_url(id));
        let key = format!("/{id}/");
        Sample {
            label: format!("Slack {typed}"),
            route: "/slack/commands",
            headers: slack_headers(secret, &body),
            body,
            belongs: Box::new(move |c| c.path.contains(&key)),
            expect,
            settle: false,
        }
    };
    let echo = "こんにちは、世界 🌏 a+b=100%";
    let mut tampered = command("tampered", "/echo signed text", Expect::Nothing);
    tampered.body = tampered.body.replace("signed", "changed");
    tampered.label = "Slack /echo whose body was changed after signing".into();
    vec![
        command(
            "echo",
            &format!("/echo {echo}"),
            Expect::Exactly(echo.to_string()),
        ),
        command(
            "help",
            "/help",
            Expect::Containing("/echo TEXT — Reply with TEXT exactly"),
        ),
        command("dance", "/dance", Expect::Containing("Try /help")),
        command("wait", "/wait 2", Expect::Exactly("Waited 2 s.".into())),
        tampered,
    ]
}

fn line_samples(secret: &Secret) -> Vec<Sample> {
    let user = "U4af4980629a1b2c3d4e5f60718293a4b";
    let sample = |label: String,
                  events: Value,
                  expect: Expect,
                  belongs: Box<dyn Fn(&Recorded) -> bool + Send + Sync>| {
        let body = samples::line_webhook(events);
        Sample {
            label,
            route: "/line/webhook",
            headers: vec![
                ("content-type", "application/json; charset=utf-8".into()),
                ("x-line-signature", bot_line::sign(secret, body.as_bytes())),
            ],
            body,
            belongs,
            expect,
            settle: true,
        }
    };
    let by_token = |token: String| -> Box<dyn Fn(&Recorded) -> bool + Send + Sync> {
        Box::new(move |c| c.body.get("replyToken").and_then(Value::as_str) == Some(token.as_str()))
    };
    let text_event = |text: &str, token: &str, event_id: &str, redelivery: bool, mode: &str| {
        json!([samples::line_text_event(
            text, user, token, event_id, redelivery, mode
        )])
    };
    let echo = "こんにちは 🍣 LINE";
    let echo_id = samples::webhook_event_id();
    let echo_token = format!("{:032x}", now_ms());
    vec![
        sample(
            format!("LINE “echo {echo}”"),
            text_event(
                &format!("echo {echo}"),
                &echo_token,
                &echo_id,
                false,
                "active",
            ),
            Expect::Exactly(echo.into()),
            by_token(echo_token.clone()),
        ),
        sample(
            "LINE the same event again, redelivered (same webhookEventId)".into(),
            text_event(
                &format!("echo {echo}"),
                &echo_token,
                &echo_id,
                true,
                "active",
            ),
            Expect::Duplicate,
            by_token(echo_token),
        ),
        sample(
            "LINE “/help”".into(),
            text_event(
                "/help",
                "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5",
                &samples::webhook_event_id(),
                false,
                "active",
            ),
            Expect::Containing("echo TEXT — Reply with TEXT exactly"),
            by_token("a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5".into()),
        ),
        sample(
            "LINE the console's Verify request (no events)".into(),
            json!([]),
            Expect::Nothing,
            Box::new(|_| false),
        ),
        sample(
            "LINE a message in standby mode (another channel owns the chat)".into(),
            text_event(
                "echo should stay silent",
                "",
                &samples::webhook_event_id(),
                false,
                "standby",
            ),
            Expect::Nothing,
            Box::new(|c| c.body.to_string().contains("should stay silent")),
        ),
    ]
}

fn slack_headers(secret: &Secret, body: &str) -> Vec<(&'static str, String)> {
    let timestamp = now_ms() / 1000;
    vec![
        ("content-type", "application/x-www-form-urlencoded".into()),
        ("x-slack-request-timestamp", timestamp.to_string()),
        (
            "x-slack-signature",
            bot_slack::sign(secret, timestamp, body.as_bytes()),
        ),
    ]
}

async fn send(client: &reqwest::Client, edge: SocketAddr, sample: Sample) -> Result<Sent, Error> {
    let mut request = client
        .post(format!("http://{edge}{}", sample.route))
        .body(sample.body.clone());
    for (name, value) in &sample.headers {
        request = request.header(*name, value);
    }
    let started = Instant::now();
    let started_ms = now_ms();
    let response = request
        .send()
        .await
        .map_err(|e| Error::Demo(format!("the edge did not answer: {e}")))?;
    let ack_ms = started.elapsed().as_millis();
    let request_id = response
        .headers()
        .get("x-ackbot-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    Ok(Sent {
        ack_status: response.status().as_u16(),
        ack_ms,
        request_id,
        started_ms,
        sample,
    })
}

/// Waits until the worker has finished the Envelope `request_id`.
async fn wait_done(observations: &Observations, request_id: &str, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let done = observations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|o| o.request_id == request_id && matches!(o.stage, Stage::Done(_)));
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The stand-in calls of a sample, after a moment for any stray ones to arrive.
async fn settle_calls(recorder: &Recorder, sample: &Sample) -> Vec<Recorded> {
    tokio::time::sleep(Duration::from_millis(100)).await;
    recorder
        .calls()
        .into_iter()
        .filter(|c| (sample.belongs)(c))
        .collect()
}

fn reply_text(call: &Recorded) -> String {
    if let Some(text) = call.body.get("text").and_then(Value::as_str) {
        return text.to_string();
    }
    call.body
        .get("messages")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|m| m.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn print_life(n: usize, s: &Sent, calls: &[Recorded], observations: &Observations) -> bool {
    let stages: Vec<Observation> = observations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter(|o| o.request_id == s.request_id)
        .cloned()
        .collect();
    println!("{n}. {}", s.sample.label);
    println!("   acked      {} in {} ms", s.ack_status, s.ack_ms);
    let mut duplicate = false;
    for o in &stages {
        let after = o.at_ms - s.started_ms;
        match &o.stage {
            Stage::Verified => println!("   verified   signature ok (+{after} ms)"),
            Stage::Rejected(why) => println!("   rejected   {why} (+{after} ms)"),
            Stage::Invalid(why) => println!("   invalid    {why} (+{after} ms)"),
            Stage::Skipped(why) => println!("   skipped    {why}: nothing to send (+{after} ms)"),
            Stage::Duplicate(key) => {
                duplicate = true;
                println!("   duplicate  {key} was handled already (+{after} ms)")
            }
            Stage::Handled { command, outcome } => println!(
                "   handled    {command} → {} (+{after} ms)",
                describe(outcome)
            ),
            Stage::DeliveryFailed { error, .. } => println!("   failed     {error} (+{after} ms)"),
            Stage::Done(Status::Failed(why) | Status::Undeliverable(why)) => {
                println!("   failed     {why}")
            }
            Stage::Replied { .. } | Stage::Done(_) => {}
        }
    }
    for call in calls.iter().filter(|c| c.at_ms >= s.started_ms) {
        println!(
            "   replied    {} in {} ms: {}",
            call.path,
            call.at_ms - s.started_ms,
            quote(&reply_text(call))
        );
    }
    let mine: Vec<&Recorded> = calls.iter().filter(|c| c.at_ms >= s.started_ms).collect();
    let ok = s.ack_status == 200
        && match &s.sample.expect {
            Expect::Exactly(want) => mine.len() == 1 && reply_text(mine[0]) == *want,
            Expect::Containing(want) => mine.len() == 1 && reply_text(mine[0]).contains(want),
            Expect::Nothing => mine.is_empty() && calls.is_empty(),
            Expect::Duplicate => duplicate && mine.is_empty() && calls.len() == 1,
        };
    if ok && matches!(s.sample.expect, Expect::Nothing | Expect::Duplicate) {
        println!("   no API call, as it should be");
    }
    println!(
        "   {}\n",
        if ok {
            "✓ as expected"
        } else {
            "✗ NOT as expected"
        }
    );
    ok
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Handled => "handler ran".into(),
        Outcome::UnknownCommand => "unknown command, pointed to help".into(),
        Outcome::BadArguments(e) => format!("bad arguments ({e})"),
        Outcome::Failed(e) => format!("handler failed ({e})"),
        Outcome::Panicked(e) => format!("handler panicked ({e})"),
        Outcome::NoHandler => "no handler for this event".into(),
    }
}

fn quote(text: &str) -> String {
    if text.contains('\n') {
        format!("\n      {}", text.replace('\n', "\n      "))
    } else {
        format!("“{text}”")
    }
}
