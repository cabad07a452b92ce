//! The Envelope JSON that API Gateway's mapping template (infra/lib/envelope-template.ts)
//! renders, with AWS's `$util.escapeJavaScript` (which turns `'` into `\'`) and the template's
//! `.replaceAll("\\'","'")`: for any headers (quotes, backslashes, `\'`, control characters,
//! non-ASCII), request id, source IP and body, the worker decodes exactly what was received.
#![no_main]

use ackbot_core::testing::mapping_template_json;
use ackbot_core::adapter::Envelope;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Request {
    headers: Vec<(String, String)>,
    request_id: String,
    source_ip: String,
    received_at_ms: u64,
    /// Commons Lang escapes every UTF-16 unit above 0x7F; also try the raw characters.
    escape_non_ascii: bool,
    body: Vec<u8>,
}

fuzz_target!(|request: Request| {
    let received_at_ms = request.received_at_ms >> 1; // a JSON number an i64 holds
    let json = mapping_template_json(
        "/slack/commands",
        received_at_ms as i64,
        &request.request_id,
        &request.source_ip,
        &request.headers,
        &request.body,
        request.escape_non_ascii,
    );

    let envelope = Envelope::from_json(json.as_bytes())
        .unwrap_or_else(|e| panic!("the template's JSON does not decode: {e}\n{json}"));
    let headers: Vec<(&str, &str)> = envelope.headers.iter().collect();
    let sent: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(headers, sent);
    assert_eq!(envelope.body, request.body);
    assert_eq!(envelope.request_id, request.request_id);
    assert_eq!(
        envelope.source_ip.as_deref(),
        Some(request.source_ip.as_str())
    );
    assert_eq!(envelope.received_at_ms as u64, received_at_ms);
});
