//! The streaming benchmark: `ackbot serve` (the release binary) answering `ask` from a model
//! stand-in that writes a word every 20 ms (about 65 tokens a second), with Slack's and LINE's
//! stand-ins on loopback. It reports, as the stand-ins see it:
//!
//! - Slack: the model's first word handed to the connection → `chat.startStream` arriving at
//!   Slack, p50 and p99; and the Slack calls (start, appends, stop) per 1,000 characters streamed;
//! - LINE: the webhook posted → `loading/start` arriving at LINE, p50 and p99 (the loading
//!   animation starts before the model is asked, so it is timed from the webhook).
//!
//! `make bench-stream` builds the binary and runs it; `stream-bench BINARY [RUNS] [WORD_GAP_MS]`.

use std::time::{Duration, Instant};

use ackbot::handlers::standin::{MODEL, ModelStandIn};
use ackbot_core::SecretString;
use ackbot_core::runtime::now_ms;
use ackbot_line::standin::LineStandIn;
use ackbot_slack::standin::SlackStandIn;

const SLACK_SECRET: &str = "bench-slack-signing-secret";
const LINE_SECRET: &str = "bench-line-channel-secret";

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let binary = args
        .next()
        .unwrap_or_else(|| "target/release/ackbot".into());
    let runs: usize = args.next().map_or(30, |n| n.parse().expect("RUNS"));
    let gap: u64 = args.next().map_or(20, |n| n.parse().expect("WORD_GAP_MS"));

    let model = ModelStandIn::start_paced(Duration::from_millis(gap))
        .await
        .unwrap();
    let slack = SlackStandIn::start().await.unwrap();
    let line = LineStandIn::start().await.unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut serve = std::process::Command::new(&binary)
        .args(["serve", "--addr", &addr])
        .envs([
            ("SLACK_SIGNING_SECRET", SLACK_SECRET.to_string()),
            ("SLACK_BOT_TOKEN", "xoxb-bench".into()),
            ("SLACK_API_URL", slack.api_url()),
            ("LINE_CHANNEL_SECRET", LINE_SECRET.into()),
            ("LINE_CHANNEL_ACCESS_TOKEN", "line-bench".into()),
            ("LINE_API_URL", line.api_url()),
            ("ACKBOT_LLM_URL", model.url()),
            ("ACKBOT_LLM_MODEL", MODEL.into()),
            ("ACKBOT_LLM_API_KEY", "sk-bench".into()),
            ("ACKBOT_INSPECT", "off".into()),
            ("RUST_LOG", "warn".into()),
        ])
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {binary}: {e} (build it: cargo build --release)"));
    let started = Instant::now();
    while tokio::net::TcpStream::connect(&addr).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "serve did not listen"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let http = reqwest::Client::new();
    // About 1,100 characters of answer: the stand-in repeats the question in it.
    let question: String = (0..150).map(|n| format!("word{n} ")).collect();

    let (mut first_call_ms, mut per_thousand) = (Vec::new(), Vec::new());
    for run in 0..runs {
        slack.recorder().clear();
        let body = ackbot_slack::sample::app_mention(
            &format!("ask {question}"),
            "C0BENCH",
            &format!("EvBench{run}"),
        );
        let at = now_ms() / 1000;
        let signature = ackbot_slack::sign(&SecretString::from(SLACK_SECRET), at, body.as_bytes());
        let answer = http
            .post(format!("http://{addr}/slack/events"))
            .header("content-type", "application/json")
            .header(ackbot_slack::TIMESTAMP_HEADER, at.to_string())
            .header(ackbot_slack::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let stopped = slack
            .recorder()
            .wait_for(
                |c| c.path == "/api/chat.stopStream",
                Duration::from_secs(60),
            )
            .await;
        assert!(stopped.is_some(), "run {run}: the stream did not end");
        let calls = slack.recorder().calls();
        let start = calls
            .iter()
            .find(|c| c.path == "/api/chat.startStream")
            .expect("a start");
        let first_token_us = model.first_tokens()[run];
        first_call_ms.push(start.at_ms as f64 - first_token_us as f64 / 1000.0);
        let streaming: Vec<_> = calls
            .iter()
            .filter(|c| c.path.starts_with("/api/chat.") && c.path.contains("Stream"))
            .collect();
        let chars: usize = streaming
            .iter()
            .filter_map(|c| c.body["markdown_text"].as_str())
            .map(|t| t.chars().count())
            .sum();
        per_thousand.push(streaming.len() as f64 * 1000.0 / chars as f64);
    }

    let mut loading_ms = Vec::new();
    for run in 0..runs {
        line.recorder().clear();
        let body =
            ackbot_line::sample::text_message("ask how fast?", &format!("Ubench{run:028}"), false);
        let signature = ackbot_line::sign(&SecretString::from(LINE_SECRET), body.as_bytes());
        let posted = now_ms();
        let answer = http
            .post(format!("http://{addr}/line/webhook"))
            .header("content-type", "application/json; charset=utf-8")
            .header("x-line-signature", signature)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let loading = line
            .recorder()
            .wait_for(
                |c| c.path == "/v2/bot/chat/loading/start",
                Duration::from_secs(30),
            )
            .await;
        loading_ms.push((loading.expect("loading started").at_ms - posted) as f64);
        line.recorder()
            .wait_for(
                |c| c.path.starts_with("/v2/bot/message/"),
                Duration::from_secs(30),
            )
            .await;
    }
    let _ = serve.kill();
    let _ = serve.wait();

    println!("| figure ({runs} runs, a word every {gap} ms) | p50 | p99 |");
    println!("|---|---|---|");
    println!(
        "| Slack: model's first word → `chat.startStream` at Slack (ms) | {:.1} | {:.1} |",
        pct(&first_call_ms, 50.0),
        pct(&first_call_ms, 99.0)
    );
    println!(
        "| Slack: calls (start + appends + stop) per 1,000 characters | {:.2} | {:.2} |",
        pct(&per_thousand, 50.0),
        pct(&per_thousand, 99.0)
    );
    println!(
        "| LINE: webhook posted → `loading/start` at LINE (ms) | {:.1} | {:.1} |",
        pct(&loading_ms, 50.0),
        pct(&loading_ms, 99.0)
    );
}

/// The `p`th percentile (nearest rank).
fn pct(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}
