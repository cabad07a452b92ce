//! `EventsRequest::from_value` on whatever JSON arbitrary bytes hold, and on the interaction
//! payload model: never a panic.
#![no_main]

use ackbot_slack::payload::{EventsRequest, InteractionPayload};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if let Ok(EventsRequest::EventCallback(callback)) = EventsRequest::from_value(&value) {
        if let Some(event) = &callback.event {
            let _ = (event.user_id(), event.channel_id(), event.is_from_bot());
        }
    }
    if let Ok(payload) = serde_json::from_value::<InteractionPayload>(value) {
        let _ = (
            payload.handler_id(),
            payload.channel_id(),
            payload.response_url(),
        );
    }
});
