//! The platform's own JSON of what came in, kept as it was received.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

/// The platform's own JSON of what came in — a LINE event, a Slack event callback or interaction
/// payload, a slash command's fields — for anything ackbot does not model. It is kept as the
/// text it arrived as, parsed only when asked: into a type of your own with [`parse`](Self::parse),
/// or into a [`Value`] with [`value`](Self::value). Cheap to clone.
#[derive(Clone, Default)]
pub struct Payload(Option<Arc<RawValue>>);

impl Payload {
    /// No payload (a command made in a test).
    pub fn none() -> Self {
        Self(None)
    }

    /// The payload an adapter kept as received.
    pub fn raw(raw: Box<RawValue>) -> Self {
        Self(Some(Arc::from(raw)))
    }

    /// The JSON text `json`, kept exactly as received; an error if it is not JSON.
    pub fn from_json(json: impl Into<String>) -> Result<Self, serde_json::Error> {
        RawValue::from_string(json.into()).map(Self::raw)
    }

    /// The JSON bytes `json` (a webhook's body), kept exactly as received; an error if they are
    /// not JSON.
    pub fn from_slice(json: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(json).map(Self::raw)
    }

    /// A payload the adapter built as a value (a slash command's form fields).
    pub fn from_value(value: &Value) -> Self {
        // A Value always serialises (its keys are strings), so `none` is never reached.
        match serde_json::value::to_raw_value(value) {
            Ok(raw) => Self::raw(raw),
            Err(_) => Self::none(),
        }
    }

    /// The JSON text; `null` when there is none.
    pub fn json(&self) -> &str {
        self.0.as_deref().map_or("null", RawValue::get)
    }

    /// The payload as the type `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.json())
    }

    /// The payload as a JSON value (`Value::Null` when there is none).
    pub fn value(&self) -> Value {
        self.parse().unwrap_or(Value::Null)
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        self.json() == other.json()
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Payload({} bytes)", self.json().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_as_text_and_parsed_when_asked() {
        let raw = RawValue::from_string(r#"{"type":"follow","n":1}"#.into()).unwrap();
        let payload = Payload::raw(raw);
        assert_eq!(payload.json(), r#"{"type":"follow","n":1}"#);
        assert_eq!(payload.value()["type"], "follow");
        #[derive(serde::Deserialize)]
        struct Mine {
            n: u32,
        }
        assert_eq!(payload.parse::<Mine>().unwrap().n, 1);
        assert_eq!(Payload::none().value(), Value::Null);
        assert_eq!(Payload::from_json(" [1] ").unwrap().json(), "[1]");
        assert!(Payload::from_json("{").is_err());
        assert_eq!(
            Payload::from_slice(b"{\"a\": 1}").unwrap().json(),
            "{\"a\": 1}"
        );
        assert!(Payload::from_slice(b"{\"a\": \"\xff\"}").is_err());
        let built = Payload::from_value(&serde_json::json!({"command": "/echo"}));
        assert_eq!(built.value()["command"], "/echo");
        assert_eq!(format!("{built:?}"), "Payload(19 bytes)");
    }
}
