//! Property tests of the Envelope, the worker's one input: its JSON round-trips whatever the
//! headers and body, the JSON API Gateway's mapping template renders decodes to exactly what was
//! received, and no input makes decoding panic. Bounded (256 cases each) so CI stays fast; the
//! unbounded search is `make fuzz`.

use std::fmt::Write as _;

use base64::{engine::general_purpose::STANDARD, Engine as _};
use bot_core::{Envelope, Headers};
use proptest::prelude::*;

/// Characters that break naive JSON templates, mixed with any character at all.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        2 => proptest::char::range(' ', '~'),
        1 => prop::sample::select(vec!['\'', '"', '\\', '/', '\n', '\r', '\t', '\u{0}', '\u{1f}', '\u{7f}', '\u{2028}', 'é', '😀']),
    ]
}

/// A string of up to `max` tricky characters, sometimes with AWS's `\'` escape in it already.
fn tricky_string(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(tricky_char(), 0..max).prop_map(|c| c.into_iter().collect()),
        1 => prop::collection::vec(prop::sample::select(vec!["\\'", "\\", "'", "\\\\'", "a"]), 0..6)
            .prop_map(|parts| parts.concat()),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((tricky_string(24), tricky_string(48)), 0..8)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048)
}

/// `$util.escapeJavaScript(value).replaceAll("\\'","'")` as API Gateway evaluates it on AWS:
/// Apache Commons Lang's escapeJavaScript (which also escapes `'` and `/`, and with
/// `escape_non_ascii` every UTF-16 unit above 0x7F), then the regex `\\'` (a backslash and a
/// quote) replaced by a quote, left to right. See infra/contract/render.py.
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
    let mut out = String::with_capacity(escaped.len());
    let mut chars = escaped.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'\'') {
            continue; // the quote that follows is kept
        }
        out.push(c);
    }
    format!("\"{out}\"")
}

/// The Envelope JSON infra/lib/envelope-template.ts renders for a request.
fn render_template(
    route: &str,
    received_at_ms: i64,
    request_id: &str,
    source_ip: &str,
    headers: &[(String, String)],
    body: &[u8],
    escape_non_ascii: bool,
) -> String {
    let s = |v: &str| vtl_json_string(v, escape_non_ascii);
    let mut json = format!(
        "\n{{\n  \"route\": \"{route}\",\n  \"received_at_ms\": {received_at_ms},\n  \
         \"request_id\": {},\n  \"source_ip\": {},\n  \"headers\": {{\n",
        s(request_id),
        s(source_ip)
    );
    for (i, (name, value)) in headers.iter().enumerate() {
        let comma = if i + 1 < headers.len() { "," } else { "" };
        writeln!(json, "    {}: {}{comma}", s(name), s(value)).unwrap();
    }
    write!(json, "  }},\n  \"body\": \"{}\"\n}}", STANDARD.encode(body)).unwrap();
    json
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn envelope_json_round_trips(
        route in tricky_string(32),
        received_at_ms in any::<i64>(),
        request_id in tricky_string(32),
        source_ip in proptest::option::of(tricky_string(40)),
        headers in headers(),
        body in body(),
    ) {
        let mut envelope = Envelope::new(route, received_at_ms, body).with_request_id(request_id);
        envelope.source_ip = source_ip;
        envelope.headers = headers.into_iter().collect();
        let back = Envelope::from_json(&envelope.to_json()).unwrap();
        prop_assert_eq!(back, envelope);
    }

    #[test]
    fn the_mapping_templates_json_decodes_to_what_was_received(
        headers in headers(),
        body in body(),
        request_id in tricky_string(24),
        source_ip in tricky_string(24),
        received_at_ms in 0i64..=i64::MAX,
        escape_non_ascii in any::<bool>(),
    ) {
        let json = render_template(
            "/slack/commands", received_at_ms, &request_id, &source_ip, &headers, &body,
            escape_non_ascii,
        );
        let envelope = Envelope::from_json(json.as_bytes())
            .map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
        let expected: Headers = headers.into_iter().collect();
        prop_assert_eq!(envelope.headers.iter().collect::<Vec<_>>(), expected.iter().collect::<Vec<_>>());
        prop_assert_eq!(envelope.body, body);
        prop_assert_eq!(envelope.request_id, request_id);
        prop_assert_eq!(envelope.source_ip, Some(source_ip));
        prop_assert_eq!(envelope.received_at_ms, received_at_ms);
    }

    #[test]
    fn header_names_are_found_in_any_ascii_case(
        name in "[A-Za-z0-9-]{1,24}",
        value in tricky_string(32),
        flips in prop::collection::vec(any::<bool>(), 24),
    ) {
        let envelope = Envelope::new("/x", 0, Vec::new()).with_header(name.clone(), value.clone());
        let asked: String = name
            .chars()
            .zip(flips)
            .map(|(c, flip)| if flip { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect();
        prop_assert_eq!(envelope.headers.get(&asked), Some(value.as_str()));
        prop_assert_eq!(envelope.headers.get(&format!("{asked}x")), None);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let _ = Envelope::from_json(&bytes);
    }

    #[test]
    fn damaged_envelopes_never_panic(
        headers in headers(),
        body in body(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        truncate in any::<bool>(),
    ) {
        let json = render_template("/line/webhook", 1, "r", "1.2.3.4", &headers, &body, false);
        let mut bytes = json.into_bytes();
        let i = at.index(bytes.len());
        if truncate {
            bytes.truncate(i);
        } else {
            bytes[i] = byte;
        }
        if let Ok(envelope) = Envelope::from_json(&bytes) {
            // Whatever decodes, encodes and decodes to itself.
            prop_assert_eq!(Envelope::from_json(&envelope.to_json()).unwrap(), envelope);
        }
    }
}
