//! `ackbot demo`: the whole flow on loopback with no configuration — the edge, the workers,
//! stand-ins of Slack's and LINE's APIs, and signed samples whose life is printed step by step.
//! The samples are those the bot can answer (an `echo` sample only if it has `echo`, …), and
//! each is judged by what it should come to in the platforms' terms (a reply, its own text
//! echoed, an answer in the acknowledgement), never by the built-in commands' English.

mod discord;
mod install;
mod samples;
mod verdict;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ackbot_core::runtime::{Observation, Stage, Worker, now_ms};
use ackbot_core::testing::{Recorded, Recorder};
use ackbot_core::{Dispatcher, SecretString};
use ackbot_discord::standin::DiscordStandIn;
use ackbot_discord::{DiscordAdapter, DiscordConfig};
use ackbot_line::standin::LineStandIn;
use ackbot_line::{LineAdapter, LineConfig};
use ackbot_slack::standin::SlackStandIn;
use ackbot_slack::{SlackAdapter, SlackConfig};
use samples::Sample;
use verdict::Sent;

use crate::{EdgeSettings, ServeError, ServeSettings, Signing};

type Observations = Arc<Mutex<Vec<Observation>>>;

/// Why the demo failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// Some samples did not behave as expected (each printed what it expected and what came).
    #[error("{failed} of {total} demo samples did not behave as expected")]
    Misbehaved {
        /// How many misbehaved.
        failed: usize,
        /// How many ran.
        total: usize,
    },
    /// A stand-in could not listen.
    #[error("a stand-in of the platforms' APIs could not start")]
    StandIn(#[source] std::io::Error),
    /// The demo's own adapters refused their settings (a bug, not a setting of yours).
    #[error("the demo's adapters cannot start: {0}")]
    Adapter(String),
    /// The edge could not start or stop.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// A sample could not be sent to the edge.
    #[error("cannot reach the demo's edge")]
    Unreachable(#[source] reqwest::Error),
}

/// Runs the demo of `dispatcher` on `addr` and fails unless every sample behaved as expected;
/// with `inspect`, it then keeps the edge and its inspector running until Ctrl-C.
pub async fn run(dispatcher: Dispatcher, addr: SocketAddr, inspect: bool) -> Result<(), DemoError> {
    let slack_api = SlackStandIn::start().await.map_err(DemoError::StandIn)?;
    let line_api = LineStandIn::start().await.map_err(DemoError::StandIn)?;
    let discord_api = DiscordStandIn::start().await.map_err(DemoError::StandIn)?;
    // Throwaway secrets: the demo signs and verifies like the platforms do, with keys of its own.
    let slack_secret = SecretString::from(format!("demo-slack-{:x}", now_ms()));
    let line_secret = SecretString::from(format!("demo-line-{:x}", now_ms()));
    let settings = ServeSettings {
        edge: EdgeSettings {
            workers: 4,
            queue_capacity: 64,
            drain_timeout: Duration::from_secs(10),
            ..EdgeSettings::default()
        },
        ack_deadline: Duration::from_millis(2500),
        signing: Signing {
            slack: Some(slack_secret.clone()),
            line: Some(line_secret.clone()),
            // Discord signs with a key pair: the demo's is the public test pair.
            discord: Some(ackbot_discord::sample::TEST_PUBLIC_KEY.to_string()),
        },
    };
    let catalog = samples::Catalog::of(&dispatcher);
    let observations: Observations = Arc::default();
    let seen = observations.clone();
    let many = catalog.has("echo").then(|| dispatcher.clone());
    let apis = StandIns {
        slack: &slack_api,
        line: &line_api,
        discord: &discord_api,
    };
    let worker = worker(dispatcher, &settings.signing, &apis)?.with_observer(Arc::new(
        move |o: &Observation| {
            seen.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(o.clone())
        },
    ));
    let edge = crate::start(&settings, worker, addr).await?;

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
        "  stand-in of Discord's API                       {}",
        discord_api.api_url()
    );
    println!(
        "Each sample is signed the way the platform signs it. The edge acks at once; a worker"
    );
    println!("verifies, dispatches and replies afterwards. On the function-ack routes");
    println!("(/slack/events, /slack/interactions, /discord/interactions) a front door verifies");
    println!("first and answers what must be computed: Slack's challenge, a modal's errors,");
    println!("Discord's deferral.\n");

    let client = reqwest::Client::new();
    let mut passed = 0;
    let mut total = 0;
    for (platform, recorder, samples) in [
        (
            "Slack",
            slack_api.recorder(),
            samples::slack_samples(&catalog, &slack_api, &slack_secret),
        ),
        (
            "Slack, the whole surface",
            slack_api.recorder(),
            samples::slack_surface_samples(&catalog, &slack_api, &slack_secret),
        ),
        (
            "LINE",
            line_api.recorder(),
            samples::line_samples(&catalog, &line_secret),
        ),
        (
            "Discord",
            discord_api.recorder(),
            discord::discord_samples(&catalog),
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
    if let Some(dispatcher) = many {
        let (installed, steps) = install::run(dispatcher, &slack_api, total).await?;
        passed += installed;
        total += steps;
    }
    println!("{passed} of {total} samples behaved as expected.");
    match (inspect, &edge.inspector_login) {
        (true, Some(login)) => {
            println!("\nThe inspector shows each sample's life, live, with Replay and Send:");
            println!("inspector: {login}");
            println!("Open it in a browser; Ctrl-C stops the demo.");
            edge.stop_after(crate::shutdown_signal(), Duration::from_secs(5))
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
        Err(DemoError::Misbehaved {
            failed: total - passed,
            total,
        })
    }
}

async fn send(
    client: &reqwest::Client,
    edge: SocketAddr,
    sample: Sample,
) -> Result<Sent, DemoError> {
    let mut request = client
        .post(format!("http://{edge}{}", sample.route))
        .body(sample.body.clone());
    for (name, value) in &sample.headers {
        request = request.header(*name, value);
    }
    let started = Instant::now();
    let started_ms = now_ms();
    let response = request.send().await.map_err(DemoError::Unreachable)?;
    let ack_ms = started.elapsed().as_millis();
    let request_id = crate::send::request_id(&response);
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

/// The stand-ins of the platforms' APIs.
struct StandIns<'a> {
    slack: &'a SlackStandIn,
    line: &'a LineStandIn,
    discord: &'a DiscordStandIn,
}

/// The worker of the demo: `dispatcher` with adapters whose APIs are the stand-ins (its
/// `response_url`s on loopback, as `ackbot send`'s are), and the demo's throwaway secrets.
fn worker(dispatcher: Dispatcher, signing: &Signing, apis: &StandIns) -> Result<Worker, DemoError> {
    let (slack_api, line_api) = (apis.slack, apis.line);
    let secret = |s: &Option<SecretString>| s.clone().unwrap_or_default();
    let slack = SlackConfig::new(secret(&signing.slack))
        .with_bot_token("xoxb-demo-token")
        .with_api_url(slack_api.api_url())
        .with_loopback_response_urls(true);
    let slack = SlackAdapter::new(slack).map_err(|e| DemoError::Adapter(e.to_string()))?;
    let channel_secret =
        ackbot_core::ExposeSecret::expose_secret(&secret(&signing.line)).to_string();
    let line =
        LineConfig::new(&channel_secret, "demo-line-access-token").with_api_url(line_api.api_url());
    let line = LineAdapter::new(line).map_err(|e| DemoError::Adapter(e.to_string()))?;
    let discord = DiscordConfig::new(
        ackbot_discord::sample::TEST_PUBLIC_KEY,
        ackbot_discord::sample::APPLICATION_ID,
    )
    .with_bot_token("demo-discord-bot-token")
    .with_api_url(apis.discord.api_url())
    .with_commands(dispatcher.catalog());
    let discord = DiscordAdapter::new(discord).map_err(|e| DemoError::Adapter(e.to_string()))?;
    Ok(Worker::new(dispatcher)
        .with_adapter(Arc::new(slack))
        .with_adapter(Arc::new(line))
        .with_adapter(Arc::new(discord)))
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

#[cfg(test)]
mod tests {
    use ackbot_core::{Bot, NonEmpty, Reply, Text, cmd};

    use super::*;

    /// The demo judges a bot by what it registered, not by the built-ins' English: a bot with
    /// its own `help` (in other words) and no other built-in passes it.
    #[tokio::test]
    async fn a_bot_with_its_own_help_and_no_builtins_passes_the_demo() {
        async fn echo(NonEmpty(Text(text)): NonEmpty<Text>) -> Reply {
            Reply::text(text)
        }
        async fn help() -> Reply {
            Reply::text("I know two words: /echo, and /help itself (on LINE: echo, help).")
        }
        let bot = Bot::new()
            .command(cmd("echo", echo).about("Echo"))
            .command(cmd("help", help).about("Help"))
            .build()
            .unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        run(bot, addr, false).await.unwrap();
    }
}
