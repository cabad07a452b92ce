//! The Envelope JSON that API Gateway's mapping template (infra/lib/envelope-template.ts)
//! renders, with AWS's `$util.escapeJavaScript` (which turns `'` into `\'`) and the template's
//! `.replaceAll("\\'","'")`: for any headers (quotes, backslashes, `\'`, control characters,
//! non-ASCII), request id, source IP and body, the worker decodes exactly what was received.
#![no_main]

use std::fmt::Write as _;

use base64::{engine::general_purpose::STANDARD, Engine as _};
use bot_core::Envelope;
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

/// `$util.escapeJavaScript(value).replaceAll("\\'","'")` as on AWS, quoted.
fn vtl_json_string(value: &str, escape_non_ascii: bool) -> String {
    let mut escaped = String::new();
    for c in value.chars() {
        match c {
            '\'' => escaped.push_str("\\'"),
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            '/' => escaped.push_str("\\/"),
            '\u{8}' => escaped.push_str("\\b"),
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push_str("\\t"),
            '\u{c}' => escaped.push_str("\\f"),
            '\r' => escaped.push_str("\\r"),
            c if (c as u32) < 0x20 => write!(escaped, "\\u{:04X}", c as u32).unwrap(),
            c if (c as u32) > 0x7f && escape_non_ascii => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    write!(escaped, "\\u{unit:04X}").unwrap();
                }
            }
            c => escaped.push(c),
        }
    }
    // Java's replaceAll of the regex `\\'`: left to right, a backslash followed by a quote.
    let mut out = String::with_capacity(escaped.len());
    let mut chars = escaped.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'\'') {
            continue;
        }
        out.push(c);
    }
    format!("\"{out}\"")
}

fuzz_target!(|request: Request| {
    let received_at_ms = request.received_at_ms >> 1; // a JSON number an i64 holds
    let s = |v: &str| vtl_json_string(v, request.escape_non_ascii);
    let mut json = format!(
        "\n{{\n  \"route\": \"/slack/commands\",\n  \"received_at_ms\": {received_at_ms},\n  \
         \"request_id\": {},\n  \"source_ip\": {},\n  \"headers\": {{\n",
        s(&request.request_id),
        s(&request.source_ip)
    );
    for (i, (name, value)) in request.headers.iter().enumerate() {
        let comma = if i + 1 < request.headers.len() {
            ","
        } else {
            ""
        };
        writeln!(json, "    {}: {}{comma}", s(name), s(value)).unwrap();
    }
    write!(
        json,
        "  }},\n  \"body\": \"{}\"\n}}",
        STANDARD.encode(&request.body)
    )
    .unwrap();

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
