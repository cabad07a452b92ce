//! The floor of a LINE webhook's work: the signature check, and the check plus parsing, of one
//! text message event as the worker receives it (`cargo bench -p ackbot-line`; `make bench` reports it).
// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use ackbot_core::adapter::{Adapter, Envelope};
use ackbot_line::{LineAdapter, LineConfig, sample};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const SECRET: &str = "8c570fa6dd201bb328f1c1eac23a96d8";

fn floor(c: &mut Criterion) {
    let adapter = LineAdapter::new(LineConfig::new(SECRET, "token")).expect("a valid config");
    let body = sample::text_message(
        "echo こんにちは 🍣",
        "U4af4980629a1b2c3d4e5f60718293a4b",
        false,
    );
    let envelope = sample::signed_envelope(&body, SECRET, 1_700_000_000_000);
    let json = serde_json::to_vec(&envelope).expect("an Envelope serialises");
    c.bench_function("line/verify", |b| {
        b.iter(|| adapter.verify(black_box(&envelope)).expect("signed"))
    });
    c.bench_function("line/verify+parse", |b| {
        b.iter(|| {
            adapter.verify(black_box(&envelope)).expect("signed");
            adapter.parse(black_box(&envelope)).expect("a text message")
        })
    });
    c.bench_function("line/envelope+verify+parse", |b| {
        b.iter(|| {
            let envelope: Envelope = serde_json::from_slice(black_box(&json)).expect("an Envelope");
            adapter.verify(&envelope).expect("signed");
            adapter.parse(&envelope).expect("a text message")
        })
    });
}

criterion_group!(benches, floor);
criterion_main!(benches);
