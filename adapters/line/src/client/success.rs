//! What a successful call got back, read into the reply's `sentMessages` or a handler's JSON.

use ackbot_core::http::Response;
use reqwest::Method;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{ReplyError, SentMessage};

/// What a successful call got back: its status and body, read up to the call's cap.
pub(crate) struct Success {
    pub(super) response: Response,
    pub(super) method: Method,
    pub(super) endpoint: String,
}

impl Success {
    /// The body as text; an error if it went on past the call's cap.
    pub(crate) fn text(self) -> Result<(u16, String), ReplyError> {
        let status = self.response.status.as_u16();
        let body = self.response.body;
        match body.truncated {
            true => Err(ReplyError::InvalidResponse {
                method: self.method,
                endpoint: self.endpoint,
                status,
                reason: format!(
                    "the answer is larger than {} bytes: not read",
                    body.bytes.len()
                ),
            }),
            false => Ok((status, String::from_utf8_lossy(&body.bytes).into_owned())),
        }
    }

    /// The `sentMessages` of a reply or push (or of a 409 for an accepted retry key). Lenient:
    /// the messages are sent whatever the body says, so an unreadable body gives none.
    pub(crate) fn sent_messages(self) -> Vec<SentMessage> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Sent {
            #[serde(default)]
            sent_messages: Vec<SentMessage>,
        }
        let endpoint = self.endpoint.clone();
        match self.text() {
            Ok((_, text)) => serde_json::from_str::<Sent>(&text)
                .map(|sent| sent.sent_messages)
                .unwrap_or_else(|e| {
                    tracing::debug!(%endpoint, error = %e, "no sentMessages in LINE's answer");
                    Vec::new()
                }),
            Err(e) => {
                tracing::debug!(%endpoint, error = %e, "could not read LINE's answer");
                Vec::new()
            }
        }
    }

    /// The body as the JSON `T`, or [`ReplyError::InvalidResponse`]; `scrub` takes the token
    /// out of the parser's message.
    pub(crate) fn json<T: DeserializeOwned>(
        self,
        scrub: impl Fn(String) -> String,
    ) -> Result<T, ReplyError> {
        self.decode(scrub, None)
    }

    /// The body as JSON, `Value::Null` when it is empty.
    pub(crate) fn value(self, scrub: impl Fn(String) -> String) -> Result<Value, ReplyError> {
        self.decode(scrub, Some(Value::Null))
    }

    fn decode<T: DeserializeOwned>(
        self,
        scrub: impl Fn(String) -> String,
        if_empty: Option<T>,
    ) -> Result<T, ReplyError> {
        let (method, endpoint) = (self.method.clone(), self.endpoint.clone());
        let (status, text) = self.text()?;
        if let (Some(empty), true) = (if_empty, text.trim().is_empty()) {
            return Ok(empty);
        }
        serde_json::from_str(&text).map_err(|e| ReplyError::InvalidResponse {
            method,
            endpoint,
            status,
            reason: scrub(e.to_string()),
        })
    }
}
