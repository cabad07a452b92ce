//! What a stand-in of a platform's API received, for tests and the demo to wait for and read.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

/// One API call a stand-in received.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// The request path, e.g. `/api/chat.postMessage`.
    pub path: String,
    /// The JSON body.
    pub body: serde_json::Value,
    /// Request headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// When it arrived, ms since the epoch.
    pub at_ms: i64,
}

impl Recorded {
    /// A call to `path` with these headers (names in lower case) and JSON body, arriving now.
    pub fn now(
        path: impl Into<String>,
        headers: impl IntoIterator<Item = (String, String)>,
        body: serde_json::Value,
    ) -> Self {
        Self {
            path: path.into(),
            body,
            headers: headers.into_iter().collect(),
            at_ms: crate::runtime::now_ms(),
        }
    }

    /// A request's headers as a call keeps them: names in lower case (as HTTP/1 and `http` give
    /// them), values as text.
    #[cfg(feature = "http")]
    pub fn headers_of(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
        (headers.iter())
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_string(), value)
            })
            .collect()
    }

    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The calls a stand-in received, shared with whoever waits for them.
#[derive(Clone, Default)]
pub struct Recorder {
    calls: Arc<Mutex<Vec<Recorded>>>,
    arrived: Arc<Notify>,
}

impl Recorder {
    /// Records a call and wakes the waiters.
    pub fn record(&self, call: Recorded) {
        self.calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(call);
        self.arrived.notify_waiters();
    }

    /// Forgets every call so far.
    pub fn clear(&self) {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Recorded> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits up to `timeout` for a call that satisfies `wanted`.
    pub async fn wait_for(
        &self,
        wanted: impl Fn(&Recorded) -> bool,
        timeout: Duration,
    ) -> Option<Recorded> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.arrived.notified();
            if let Some(found) = self.calls().into_iter().find(|c| wanted(c)) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.calls().into_iter().find(|c| wanted(c));
            }
        }
    }
}
