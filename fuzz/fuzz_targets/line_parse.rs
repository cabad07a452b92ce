//! LINE webhook bodies: `CallbackRequest::from_slice` and the adapter's `parse` on arbitrary
//! bytes never panic, and every event of a parsed body is accounted for.
#![no_main]

use std::sync::OnceLock;

use ackbot_core::adapter::{Adapter, Envelope};
use ackbot_line::webhook::CallbackRequest;
use ackbot_line::{LineAdapter, LineConfig, WEBHOOK_ROUTE};
use libfuzzer_sys::fuzz_target;

fn adapter() -> &'static LineAdapter {
    static ADAPTER: OnceLock<LineAdapter> = OnceLock::new();
    ADAPTER.get_or_init(|| LineAdapter::new(LineConfig::new("fuzz-secret", "fuzz-token")).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let _ = CallbackRequest::from_slice(data);
    let received_at_ms = data.len() as i64 * 1_000_003 - 7;
    let envelope = Envelope::new(WEBHOOK_ROUTE, received_at_ms, data.to_vec());
    let parsed = adapter().parse(&envelope);
    // serde skips the fields it ignores without checking their UTF-8, so a body the adapter takes
    // need not be valid JSON text as a whole; count its events when it is.
    if let (Ok(items), Ok(value)) = (parsed, serde_json::from_slice::<serde_json::Value>(data)) {
        // serde also reads a struct from an array: `[[…]]` is `{"events": […]}`.
        let events = match &value {
            serde_json::Value::Array(fields) => fields.first(),
            _ => value.get("events"),
        };
        let events = events.and_then(|e| e.as_array()).map_or(0, Vec::len);
        assert_eq!(items.len(), events.max(1));
    }
});
