//! Property tests of the Envelope, the worker's one input: its JSON round-trips whatever the
//! headers and body, the JSON API Gateway's mapping template renders decodes to exactly what was
//! received, and no input makes decoding panic. Bounded (256 cases each) so CI stays fast; the
//! unbounded search is `make fuzz`.

use ackbot_core::adapter::{Envelope, Headers};
use ackbot_core::testing::mapping_template_json;
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
        let json = mapping_template_json(
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
        let json = mapping_template_json("/line/webhook", 1, "r", "1.2.3.4", &headers, &body, false);
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
