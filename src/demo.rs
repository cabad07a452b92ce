//! `ackbot demo`: the whole flow on loopback with no configuration — the edge, the workers,
//! stand-ins of Slack's and LINE's APIs, and signed samples whose life is printed step by step.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bot_core::{now_ms, Observation, Router, Secret, Stage};

use crate::config::{Config, LogFormat, SlackSettings};
use crate::edge::{self, AckSettings};
use crate::pool::Pool;
use crate::samples;
use crate::standin::slack::SlackStandIn;
use crate::standin::Recorded;
use crate::Error;

/// What a sample should come to.
enum Expect {
    /// A reply with exactly this text.
    Exactly(String),
    /// A reply containing this text.
    Containing(&'static str),
    /// No reply at all (the worker drops the request).
    Nothing,
}

struct Sample {
    label: String,
    route: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
    /// Picks this sample's reply among the stand-ins' calls.
    reply_key: String,
    expect: Expect,
}

struct Sent {
    sample: Sample,
    started_ms: i64,
    ack_status: u16,
    ack_ms: u128,
    request_id: String,
}

/// Runs the demo and fails unless every sample got its expected reply.
pub async fn run(router: Router) -> Result<(), Error> {
    crate::logging::init(LogFormat::Text, "error");
    let slack_api = SlackStandIn::start().await?;
    let slack_secret = Secret::new(format!("demo-{:x}", now_ms()));
    let config = Config {
        slack: Some(SlackSettings {
            signing_secret: slack_secret.clone(),
            bot_token: Some(Secret::new("xoxb-demo-token")),
            api_url: slack_api.api_url(),
        }),
        line: None,
        log_format: LogFormat::Text,
        workers: 4,
        queue_capacity: 64,
        ack_status: 200,
        slack_command_ack_body: String::new(),
        drain_timeout: Duration::from_secs(10),
    };
    let observations: Arc<Mutex<Vec<Observation>>> = Arc::default();
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
        false,
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

    println!(
        "ackbot demo: the edge on http://{edge_addr}, a stand-in of Slack's API on {}",
        slack_api.api_url()
    );
    println!("Every sample is signed like the real platform signs it; the edge acks at once and a worker does the rest.\n");

    let samples = slack_samples(&slack_api, &slack_secret);
    let client = reqwest::Client::new();
    let mut sent = Vec::new();
    for sample in samples {
        sent.push(send(&client, edge_addr, sample).await?);
    }

    let mut passed = 0;
    let total = sent.len();
    for (i, s) in sent.iter().enumerate() {
        let reply = match &s.sample.expect {
            Expect::Nothing => {
                // Give the worker time to decide, then make sure nothing arrived.
                wait_for_stage(&observations, &s.request_id, Duration::from_secs(5)).await;
                tokio::time::sleep(Duration::from_millis(200)).await;
                slack_api
                    .recorder()
                    .calls()
                    .into_iter()
                    .find(|c| c.path.contains(&s.sample.reply_key))
            }
            _ => {
                slack_api
                    .recorder()
                    .wait_for(
                        |c| c.path.contains(&s.sample.reply_key),
                        Duration::from_secs(15),
                    )
                    .await
            }
        };
        let ok = print_life(i + 1, s, reply.as_ref(), &observations);
        passed += usize::from(ok);
    }
    println!("{passed} of {total} samples behaved as expected.");
    pool.drain(Duration::from_secs(5)).await;
    if passed == total {
        Ok(())
    } else {
        Err(Error::Demo(format!(
            "{} sample(s) did not get their expected reply",
            total - passed
        )))
    }
}

fn slack_samples(api: &SlackStandIn, secret: &Secret) -> Vec<Sample> {
    let command = |id: &str, typed: &str, expect: Expect| {
        let body = samples::slack_command_form(typed, &api.response_url(id));
        Sample {
            label: format!("Slack {typed}"),
            route: "/slack/commands",
            headers: slack_headers(secret, &body),
            body,
            reply_key: format!("/{id}/"),
            expect,
        }
    };
    let echo = "こんにちは、世界 🌏 a+b=100%";
    let mut list = vec![
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
    ];
    // A body changed after signing: verified by nobody, answered by nobody.
    let mut tampered = command("tampered", "/echo signed text", Expect::Nothing);
    tampered.body = tampered.body.replace("signed", "changed");
    tampered.label = "Slack /echo with a body changed after signing".into();
    list.push(tampered);
    list
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

async fn wait_for_stage(
    observations: &Mutex<Vec<Observation>>,
    request_id: &str,
    timeout: Duration,
) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let done = observations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|o| {
                o.request_id == request_id
                    && matches!(
                        o.stage,
                        Stage::Rejected(_)
                            | Stage::Handled { .. }
                            | Stage::Skipped(_)
                            | Stage::Duplicate(_)
                    )
            });
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn print_life(
    n: usize,
    s: &Sent,
    reply: Option<&Recorded>,
    observations: &Mutex<Vec<Observation>>,
) -> bool {
    let stages: Vec<Observation> = observations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter(|o| o.request_id == s.request_id)
        .cloned()
        .collect();
    println!("{n}. {}", s.sample.label);
    println!("   acked     {} in {} ms", s.ack_status, s.ack_ms);
    for o in &stages {
        let after = o.at_ms - s.started_ms;
        match &o.stage {
            Stage::Verified => println!("   verified  signature ok (+{after} ms)"),
            Stage::Rejected(why) => println!("   rejected  {why} (+{after} ms)"),
            Stage::Invalid(why) => println!("   invalid   {why} (+{after} ms)"),
            Stage::Skipped(why) => println!("   skipped   {why} (+{after} ms)"),
            Stage::Duplicate(key) => {
                println!("   duplicate {key}: not handled again (+{after} ms)")
            }
            Stage::Handled { command, outcome } => {
                println!("   handled   {command} → {outcome:?} (+{after} ms)")
            }
            Stage::DeliveryFailed { error, .. } => println!("   failed    {error} (+{after} ms)"),
            Stage::Replied { .. } => {}
        }
    }
    let text = reply
        .and_then(|r| r.body.get("text"))
        .and_then(|t| t.as_str());
    if let (Some(r), Some(text)) = (reply, text) {
        println!(
            "   replied   in {} ms: {}",
            r.at_ms - s.started_ms,
            quote(text)
        );
    }
    let ok = s.ack_status == 200
        && match (&s.sample.expect, text) {
            (Expect::Exactly(want), Some(got)) => got == want,
            (Expect::Containing(want), Some(got)) => got.contains(want),
            (Expect::Nothing, None) => {
                println!("   no reply, as expected");
                true
            }
            _ => false,
        };
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

fn quote(text: &str) -> String {
    if text.contains('\n') {
        format!("\n      {}", text.replace('\n', "\n      "))
    } else {
        format!("“{text}”")
    }
}
