//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::time::Duration;

use ackbot_core::adapter::{Adapter, Envelope, Inbound, Work};
use ackbot_core::retry::RetryPolicy;
use ackbot_core::testing;
use ackbot_line::{LineAdapter, LineConfig};

/// The channel secret the tests sign with.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef";
/// The access token the tests configure; it must never appear in an error.
pub const TOKEN: &str = "tok3n-Very-Secret-Access-Token/abc=";

/// The oldest event these tests accept: LINE's documented sample events (`tests/data/`) are
/// years older than the tests' receipt time. The window itself is tested in `mapping.rs`.
pub const FIXTURES_WINDOW_MS: i64 = 10 * 365 * 24 * 60 * 60 * 1000;

/// A configuration for the API at `api_url` that accepts the fixtures.
pub fn config(api_url: &str) -> LineConfig {
    LineConfig::new(SECRET, TOKEN)
        .with_api_url(api_url)
        .with_max_event_age_ms(FIXTURES_WINDOW_MS)
}

/// An adapter for the API at `api_url` with fast retries.
pub fn adapter(api_url: &str) -> LineAdapter {
    LineAdapter::new(config(api_url).with_retry(RetryPolicy::fixed(3, Duration::from_millis(5))))
        .expect("valid config")
}

/// A webhook Envelope of `body` as the edge builds it: received at [`testing::RECEIVED_AT_MS`],
/// signed with [`SECRET`].
pub fn signed(body: &str) -> Envelope {
    ackbot_line::sample::signed_envelope(body, SECRET, testing::RECEIVED_AT_MS)
}

/// Verifies and parses `body`, expecting exactly one item.
pub fn one_item(adapter: &LineAdapter, body: &str) -> Inbound {
    let env = signed(body);
    adapter.verify(&env).expect("signed correctly");
    let mut items = adapter.parse(&env).expect("parses");
    assert_eq!(items.len(), 1, "one event in the fixture");
    items.remove(0)
}

/// Verifies and parses `body`, expecting one item of work.
pub fn one_work(adapter: &LineAdapter, body: &str) -> Work {
    match one_item(adapter, body) {
        Inbound::Work(work) => work,
        Inbound::Skip { reason } => panic!("expected work, got a skip: {reason}"),
        Inbound::Answered { reason, .. } => panic!("expected work, got an answer: {reason}"),
    }
}
