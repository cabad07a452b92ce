//! The floor of a Slack webhook's work: the signature check, and the check plus parsing, of one
//! slash command as the worker receives it (`cargo bench -p ackbot-slack`; `make bench` reports it).
// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use ackbot_core::adapter::{Adapter, Envelope};
use ackbot_slack::{COMMANDS_ROUTE, SlackAdapter, SlackConfig, sample};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

fn floor(c: &mut Criterion) {
    let adapter = SlackAdapter::new(SlackConfig::new(SECRET)).expect("a valid config");
    let body = sample::slash_command(
        "/echo こんにちは 🍣",
        "https://hooks.slack.com/commands/T0001/1/x",
    );
    let envelope = sample::signed_envelope(COMMANDS_ROUTE, &body, SECRET, 1_700_000_000);
    let json = serde_json::to_vec(&envelope).expect("an Envelope serialises");
    c.bench_function("slack/verify", |b| {
        b.iter(|| adapter.verify(black_box(&envelope)).expect("signed"))
    });
    c.bench_function("slack/verify+parse", |b| {
        b.iter(|| {
            adapter.verify(black_box(&envelope)).expect("signed");
            adapter
                .parse(black_box(&envelope))
                .expect("a slash command")
        })
    });
    c.bench_function("slack/envelope+verify+parse", |b| {
        b.iter(|| {
            let envelope: Envelope = serde_json::from_slice(black_box(&json)).expect("an Envelope");
            adapter.verify(&envelope).expect("signed");
            adapter.parse(&envelope).expect("a slash command")
        })
    });
}

criterion_group!(benches, floor);
criterion_main!(benches);
