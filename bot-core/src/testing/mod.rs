//! Test helpers shared by every crate's tests (feature `test-util`): Envelope builders, a clock
//! that says what it is told, a fake platform adapter that records what it was asked to send, the
//! recorder the platforms' API stand-ins keep their calls in, and an HTTP server that never stops
//! answering.

mod endless;
mod recorder;

pub use endless::EndlessServer;
pub use recorder::{Recorded, Recorder};

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use base64::{Engine as _, engine::general_purpose::STANDARD};

use futures::future::BoxFuture;

use crate::adapter::{Adapter, Delivery, DeliveryError, Envelope, Inbound, Work};
use crate::runtime::Clock;
use crate::{BoxError, Incoming, Platform, PlatformSpec, Reply};

/// Slack as its adapter describes it (`ackbot_slack::SLACK`, which equals this), for the tests of
/// crates that do not depend on the adapter.
pub const SLACK: Platform = Platform::new(
    &PlatformSpec::new("slack", "Slack")
        .with_slash_commands()
        .with_mentions_by_id(),
);

/// LINE as its adapter describes it (`ackbot_line::LINE`, which equals this), for the tests of
/// crates that do not depend on the adapter. The fake adapter speaks it.
pub const LINE: Platform = Platform::new(&PlatformSpec::new("line", "LINE"));

/// When test Envelopes are received: 2023-11-14T22:13:20Z.
pub const RECEIVED_AT_MS: i64 = 1_700_000_000_000;

/// An Envelope for `route` with `body`, received at [`RECEIVED_AT_MS`], with a request id of its
/// own (`test-request-N`), as every request through a gateway has.
pub fn envelope(route: &str, body: impl Into<Vec<u8>>) -> Envelope {
    Envelope::new(route, RECEIVED_AT_MS, body).with_request_id(format!("test-request-{}", unique()))
}

/// A number no earlier call in this process got, for sample ids that must differ.
pub fn unique() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A clock that says what it is told.
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock stopped at `ms`.
    pub fn at(ms: i64) -> Self {
        Self(AtomicI64::new(ms))
    }

    /// Moves the clock to `ms`.
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }

    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// What a [`FakeAdapter`] was asked to do.
#[derive(Debug, Default)]
pub struct Calls {
    delivered: Mutex<Vec<(String, i64)>>,
    progress: Mutex<u32>,
}

impl Calls {
    /// Every reply text delivered, with the worker's clock at delivery.
    pub fn delivered(&self) -> Vec<(String, i64)> {
        self.delivered.lock().unwrap().clone()
    }

    /// How often progress was shown.
    pub fn progress_shown(&self) -> u32 {
        *self.progress.lock().unwrap()
    }
}

/// How a [`FakeAdapter`]'s deliveries end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deliveries {
    /// Every delivery succeeds.
    Succeed,
    /// Every delivery fails in a way a retry may fix (`platform down`).
    FailRetryable,
    /// Every delivery is refused for good (`HTTP 400: invalid_payload`).
    FailPermanently,
}

/// A platform on route `/fake` whose body is typed text (`echo hi`), prefixed `KEY:` to carry a
/// dedupe key, or `skip`. An Envelope passes verification when its `signature` header is `ok`.
#[derive(Clone)]
pub struct FakeAdapter {
    calls: Arc<Calls>,
    deliveries: Deliveries,
    progress: bool,
}

impl FakeAdapter {
    /// The route the fake platform posts to.
    pub const ROUTE: &'static str = "/fake";

    /// A fake platform whose deliveries end as `deliveries`; `progress` says whether it can show
    /// progress (as LINE's loading animation).
    pub fn new(deliveries: Deliveries, progress: bool) -> Self {
        Self {
            calls: Arc::default(),
            deliveries,
            progress,
        }
    }

    /// What it was asked to do.
    pub fn calls(&self) -> Arc<Calls> {
        self.calls.clone()
    }

    /// An Envelope of the fake platform with `body`, signed when `signature` is `ok`.
    pub fn envelope(body: &str, signature: &str) -> Envelope {
        envelope(Self::ROUTE, body).with_header("Signature", signature)
    }
}

struct FakeDelivery {
    calls: Arc<Calls>,
    deliveries: Deliveries,
    progress: bool,
}

impl Delivery for FakeDelivery {
    fn deliver(
        &self,
        replies: Vec<Reply>,
        now_ms: i64,
    ) -> BoxFuture<'_, Result<(), DeliveryError>> {
        Box::pin(async move {
            match self.deliveries {
                Deliveries::FailRetryable => return Err(DeliveryError::retryable("platform down")),
                Deliveries::FailPermanently => {
                    return Err(DeliveryError::permanent("HTTP 400: invalid_payload"));
                }
                Deliveries::Succeed => {}
            }
            let mut delivered = self.calls.delivered.lock().unwrap();
            delivered.extend(replies.into_iter().map(|reply| (reply.text, now_ms)));
            Ok(())
        })
    }

    fn can_show_progress(&self) -> bool {
        self.progress
    }

    fn show_progress(&self, _seconds: u32) -> BoxFuture<'_, Result<(), BoxError>> {
        *self.calls.progress.lock().unwrap() += 1;
        Box::pin(async { Ok(()) })
    }
}

impl Adapter for FakeAdapter {
    fn platform(&self) -> Platform {
        LINE
    }

    fn routes(&self) -> &'static [&'static str] {
        &[Self::ROUTE]
    }

    fn verify(&self, envelope: &Envelope) -> Result<(), BoxError> {
        match envelope.headers.get("signature") {
            Some("ok") => Ok(()),
            _ => Err("bad signature".into()),
        }
    }

    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
        let body = std::str::from_utf8(&envelope.body)?;
        if body == "skip" {
            return Ok(vec![Inbound::skip("nothing to do")]);
        }
        let (key, text) = match body.split_once(':') {
            Some((key, text)) => (Some(key.to_string()), text),
            None => (None, body),
        };
        let delivery = Box::new(FakeDelivery {
            calls: self.calls.clone(),
            deliveries: self.deliveries,
            progress: self.progress,
        });
        Ok(vec![Inbound::Work(
            Work::new(Incoming::typed(LINE, text), delivery).with_dedupe_key(key),
        )])
    }
}

/// `$util.escapeJavaScript(value).replaceAll("\\'","'")` as API Gateway evaluates it on AWS:
/// Apache Commons Lang's escapeJavaScript (which also escapes `'` and `/`, and with
/// `escape_non_ascii` every UTF-16 unit above 0x7F), then the regex `\\'` (a backslash and a
/// quote) replaced by a quote, left to right. See infra/contract/render.py.
pub fn vtl_json_string(value: &str, escape_non_ascii: bool) -> String {
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

/// The Envelope JSON infra/lib/envelope-template.ts renders for a request, as AWS evaluates it:
/// for property tests and the fuzz target that check the worker decodes exactly what was received.
pub fn mapping_template_json(
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
