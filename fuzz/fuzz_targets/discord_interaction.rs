//! Discord interaction bodies: the adapter's `verify` with arbitrary headers and `parse` on
//! arbitrary bytes never panic; a parsed body is one item (an answer, a skip or work), and the
//! acknowledgement of its work is always an interaction response (a JSON `type`).
#![no_main]

use std::sync::OnceLock;

use ackbot_core::adapter::{Adapter, Envelope, Inbound};
use ackbot_discord::{DiscordAdapter, DiscordConfig, INTERACTIONS_ROUTE, sample};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

fn adapter() -> &'static DiscordAdapter {
    static ADAPTER: OnceLock<DiscordAdapter> = OnceLock::new();
    ADAPTER.get_or_init(|| {
        let config = DiscordConfig::new(sample::TEST_PUBLIC_KEY, sample::APPLICATION_ID);
        DiscordAdapter::new(config).unwrap()
    })
}

#[derive(Arbitrary, Debug)]
struct Input {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    received_at_ms: i64,
}

fuzz_target!(|input: Input| {
    let mut envelope = Envelope::new(INTERACTIONS_ROUTE, input.received_at_ms, input.body);
    for (name, value) in input.headers {
        envelope = envelope.with_header(name, value);
    }
    let _ = adapter().verify(&envelope);
    let Ok(items) = adapter().parse(&envelope) else {
        return;
    };
    assert!(!items.is_empty() && items.len() <= 2, "{} items", items.len());
    for item in &items {
        if let Inbound::Work(work) = item {
            for followed in [false, true] {
                let answer = adapter().acknowledge(&work.incoming, None, followed);
                let body = answer.body.expect("Discord's acknowledgement is JSON");
                assert!(body.get("type").is_some_and(|t| t.is_u64()), "{body}");
            }
        }
    }
});
