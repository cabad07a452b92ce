//! `ackbot demo`: the whole flow on loopback with no configuration — the edge, the workers,
//! stand-ins of Slack's and LINE's APIs, and signed samples whose life is printed step by step.

mod samples;
mod verdict;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ackbot_core::{now_ms, Dispatcher, Observation, SecretString, Stage};

use crate::config::{Config, EdgeSettings, LineSettings, LogFormat, SlackSettings};
use crate::Error;
use ackbot_core::testing::{Recorded, Recorder};
use ackbot_line::standin::LineStandIn;
use ackbot_slack::standin::SlackStandIn;
use samples::Sample;
use verdict::Sent;

type Observations = Arc<Mutex<Vec<Observation>>>;

/// Runs the demo on `addr` and fails unless every sample behaved as expected; with `inspect`, it
/// then keeps the edge and its inspector running until Ctrl-C.
pub(crate) async fn run(
    dispatcher: Dispatcher,
    addr: SocketAddr,
    inspect: bool,
) -> Result<(), Error> {
    crate::logging::init(LogFormat::Text, "error");
    let slack_api = SlackStandIn::start().await?;
    let line_api = LineStandIn::start().await?;
    // Throwaway secrets: the demo signs and verifies like the platforms do, with keys of its own.
    let slack_secret = SecretString::from(format!("demo-slack-{:x}", now_ms()));
    let line_secret = SecretString::from(format!("demo-line-{:x}", now_ms()));
    let config = Config {
        slack: Some(SlackSettings {
            signing_secret: slack_secret.clone(),
            bot_token: Some(SecretString::from("xoxb-demo-token")),
            api_url: slack_api.api_url(),
        }),
        line: Some(LineSettings {
            channel_secret: line_secret.clone(),
            access_token: SecretString::from("demo-line-access-token"),
            api_url: line_api.api_url(),
            reply_token_ttl_ms: ackbot_line::DEFAULT_REPLY_TOKEN_TTL_MS,
        }),
        log_format: LogFormat::Text,
        ack_deadline: Duration::from_millis(2500),
        http_timeout: ackbot_core::retry::DEFAULT_HTTP_TIMEOUT,
        idempotency: Default::default(),
        edge: EdgeSettings {
            workers: 4,
            queue_capacity: 64,
            ack_status: 200,
            slack_command_ack_body: String::new(),
            drain_timeout: Duration::from_secs(10),
            function_ack_routes: (ackbot_serve::DEFAULT_FUNCTION_ACK_ROUTES.iter())
                .map(|r| r.to_string())
                .collect(),
            inspect: true,
            inspect_token: None,
        },
    };
    let observations: Observations = Arc::default();
    let seen = observations.clone();
    let worker = crate::wiring::worker(dispatcher, &config)?.with_observer(Arc::new(
        move |o: &Observation| {
            seen.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(o.clone())
        },
    ));
    let edge = ackbot_serve::start(&config.serve_settings(), worker, addr).await?;

    println!("ackbot demo");
    println!(
        "  edge (what API Gateway or `ackbot serve` does)  http://{}",
        edge.addr
    );
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
    println!("verifies, dispatches and replies afterwards. On the function-ack routes");
    println!("(/slack/events, /slack/interactions) a front door verifies first and answers what");
    println!("must be computed: Slack's challenge, a modal's errors.\n");

    let client = reqwest::Client::new();
    let mut passed = 0;
    let mut total = 0;
    for (platform, recorder, samples) in [
        (
            "Slack",
            slack_api.recorder(),
            samples::slack_samples(&slack_api, &slack_secret),
        ),
        (
            "Slack, the whole surface",
            slack_api.recorder(),
            samples::slack_surface_samples(&slack_api, &slack_secret),
        ),
        (
            "LINE",
            line_api.recorder(),
            samples::line_samples(&line_secret),
        ),
    ] {
        println!("── {platform} ──────────────────────────────────────────────\n");
        let mut sent = Vec::new();
        for sample in samples {
            let settle = sample.settle;
            let s = send(&client, edge.addr, sample).await?;
            if settle {
                wait_done(&observations, &s.request_id, Duration::from_secs(15)).await;
            }
            sent.push(s);
        }
        for s in &sent {
            total += 1;
            wait_done(&observations, &s.request_id, Duration::from_secs(15)).await;
            let calls = settle_calls(recorder, &s.sample).await;
            let stages = stages_of(&observations, &s.request_id);
            passed += usize::from(verdict::print_life(total, s, &stages, &calls));
        }
    }
    println!("{passed} of {total} samples behaved as expected.");
    match (inspect, &edge.inspector_login) {
        (true, Some(login)) => {
            println!("\nThe inspector shows each sample's life, live, with Replay and Send:");
            println!("inspector: {login}");
            println!("Open it in a browser; Ctrl-C stops the demo.");
            edge.stop_after(ackbot_serve::shutdown_signal(), Duration::from_secs(5))
                .await?;
        }
        (true, None) => {
            println!("\nThe inspector is off on {addr}: use a loopback address.");
            edge.stop_after(async {}, Duration::from_secs(5)).await?;
        }
        (false, _) => {
            edge.stop_after(async {}, Duration::from_secs(5)).await?;
        }
    }
    if passed == total {
        Ok(())
    } else {
        Err(Error::Demo {
            failed: total - passed,
            total,
        })
    }
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
        .map_err(|source| crate::SendError::Unreachable {
            to: format!("http://{edge}"),
            source,
        })?;
    let ack_ms = started.elapsed().as_millis();
    let request_id = ackbot_serve::send::request_id(&response);
    let ack_status = response.status().as_u16();
    let ack_body = response.text().await.unwrap_or_default();
    Ok(Sent {
        ack_status,
        ack_body,
        ack_ms,
        request_id,
        started_ms,
        sample,
    })
}

fn stages_of(observations: &Observations, request_id: &str) -> Vec<Observation> {
    observations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter(|o| o.request_id == request_id)
        .cloned()
        .collect()
}

/// Waits until the worker has finished the Envelope `request_id`.
async fn wait_done(observations: &Observations, request_id: &str, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let done = stages_of(observations, request_id)
            .iter()
            .any(|o| matches!(o.stage, Stage::Done(_)));
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
