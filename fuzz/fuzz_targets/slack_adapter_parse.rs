//! The Slack adapter's `parse` of each route (`ackbot_core::adapter::Adapter::parse`) on an Envelope with an
//! arbitrary body, raw and as an interaction's `payload` field: never a panic.
#![no_main]

use std::sync::OnceLock;

use ackbot_core::adapter::{Adapter, Envelope};
use ackbot_slack::{SlackAdapter, SlackConfig, COMMANDS_ROUTE, EVENTS_ROUTE, INTERACTIONS_ROUTE};
use libfuzzer_sys::fuzz_target;

fn adapter() -> &'static SlackAdapter {
    static ADAPTER: OnceLock<SlackAdapter> = OnceLock::new();
    ADAPTER.get_or_init(|| {
        SlackAdapter::new(SlackConfig::new("fuzz-secret").with_bot_token("xoxb-fuzz")).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    for route in [
        COMMANDS_ROUTE,
        EVENTS_ROUTE,
        INTERACTIONS_ROUTE,
        "/elsewhere",
    ] {
        let envelope = Envelope::new(route, 1_700_000_000_000, data.to_vec())
            .with_header("X-Slack-Signature", "v0=00");
        let _ = adapter().parse(&envelope);
    }
    // The JSON of an interaction arrives inside a form field.
    let payload: String = form_urlencoded::byte_serialize(data).collect();
    let envelope = Envelope::new(INTERACTIONS_ROUTE, 0, format!("payload={payload}"));
    let _ = adapter().parse(&envelope);
});
