//! The one input type of the worker: what the edge received, byte for byte.

use std::fmt;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// A webhook as the edge received it: route, receive time, request id, source IP, headers and the
/// exact body bytes.
///
/// API Gateway's mapping template and the local edge build the same JSON, so the worker does not
/// know where it runs. The body travels as base64 of the bytes that were signed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The route the webhook was posted to, e.g. `/slack/commands`.
    pub route: String,
    /// When the gateway received the request, in milliseconds since the Unix epoch.
    pub received_at_ms: i64,
    /// The gateway's request id.
    #[serde(default)]
    pub request_id: String,
    /// The caller's IP address, when the gateway knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
    /// Every request header, names compared case-insensitively, order kept.
    #[serde(default)]
    pub headers: Headers,
    /// The raw request body.
    #[serde(with = "base64_bytes")]
    pub body: Vec<u8>,
    /// Set by the function-ack front door when it already ran the handler of an interaction
    /// answered in the acknowledgement (a modal's submission): that handler's replies, for the
    /// worker to deliver instead of running the handler a second time. API Gateway's template
    /// never sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_replies: Option<Vec<crate::Reply>>,
    /// Set when the Envelope is a replay, asked for on purpose (the inspector's Replay): the
    /// request id of the delivery it repeats. A replay bypasses deduplication, and platforms
    /// whose reply credentials work once (LINE's reply token) send it as new messages. Neither
    /// the edges nor API Gateway's template ever set it from a request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_of: Option<String>,
}

impl Envelope {
    /// An Envelope for `route` received at `received_at_ms`, with no headers and no request id.
    pub fn new(route: impl Into<String>, received_at_ms: i64, body: impl Into<Vec<u8>>) -> Self {
        Self {
            route: route.into(),
            received_at_ms,
            request_id: String::new(),
            source_ip: None,
            headers: Headers::new(),
            body: body.into(),
            answered_replies: None,
            replay_of: None,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = request_id.into();
        self
    }

    /// Reads an Envelope from its JSON form.
    pub fn from_json(json: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(json)
    }

    /// Writes the Envelope's JSON form.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an Envelope always serialises")
    }
}

/// HTTP headers with case-insensitive lookup that keep their order and repeats.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// An empty set of headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header, keeping any earlier one of the same name.
    pub fn append(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// The first value of the header `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of the header `name`, in the order received, compared case-insensitively.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many times the header `name` was sent, compared case-insensitively: a signature
    /// header sent twice is refused, since proxies disagree on which copy counts.
    pub fn count(&self, name: &str) -> usize {
        self.0
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// Every header in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Headers {
    // Header values can carry credentials (signatures, tokens): list names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(n, _)| n))
            .finish()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        )
    }
}

impl Serialize for Headers {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HeadersVisitor;
        impl<'de> Visitor<'de> for HeadersVisitor {
            type Value = Headers;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of header names to string values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Headers, A::Error> {
                let mut headers = Headers::new();
                while let Some((name, value)) = map.next_entry::<String, Option<String>>()? {
                    headers.append(name, value.unwrap_or_default());
                }
                Ok(headers)
            }
            fn visit_unit<E>(self) -> Result<Headers, E> {
                Ok(Headers::new())
            }
        }
        deserializer.deserialize_any(HeadersVisitor)
    }
}

mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD
            .decode(text.trim())
            .map_err(|e| serde::de::Error::custom(format!("body is not valid base64: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Envelope {
        Envelope {
            route: "/slack/commands".into(),
            received_at_ms: 1_531_420_618_000,
            request_id: "req-1".into(),
            source_ip: Some("203.0.113.9".into()),
            headers: [
                ("X-Slack-Signature", "v0=abc"),
                ("Content-Type", "text/plain"),
            ]
            .into_iter()
            .collect(),
            body: "text=%E3%81%93+hi&x=\u{1F600}".as_bytes().to_vec(),
            answered_replies: None,
            replay_of: None,
        }
    }

    #[test]
    fn json_round_trip_keeps_bytes_and_header_order() {
        let env = sample();
        let back = Envelope::from_json(&env.to_json()).unwrap();
        assert_eq!(back, env);
        let names: Vec<_> = back.headers.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["X-Slack-Signature", "Content-Type"]);
    }

    #[test]
    fn header_lookup_ignores_case() {
        let env = sample();
        assert_eq!(env.headers.get("x-slack-signature"), Some("v0=abc"));
        assert_eq!(env.headers.get("CONTENT-TYPE"), Some("text/plain"));
        assert_eq!(env.headers.get("missing"), None);
    }

    #[test]
    fn reads_the_mapping_template_shape() {
        let json = br#"{"route":"/line/webhook","received_at_ms":1700000000000,"request_id":"abc",
            "source_ip":"1.2.3.4","headers":{"x-line-signature":"s=","Host":"h"},"body":"e30="}"#;
        let env = Envelope::from_json(json).unwrap();
        assert_eq!(env.body, b"{}");
        assert_eq!(env.headers.get("X-Line-Signature"), Some("s="));
    }

    #[test]
    fn bad_base64_is_a_clear_error() {
        let json = br#"{"route":"/x","received_at_ms":1,"headers":{},"body":"***"}"#;
        let err = Envelope::from_json(json).unwrap_err().to_string();
        assert!(err.contains("base64"), "{err}");
    }

    #[test]
    fn debug_hides_header_values() {
        let text = format!("{:?}", sample().headers);
        assert!(!text.contains("v0=abc"));
        assert!(text.contains("X-Slack-Signature"));
    }
}
