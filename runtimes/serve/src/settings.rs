//! What the local edge needs to know, read from the environment by the caller (the `ackbot`
//! facade's configuration names each variable).

use std::time::Duration;

use ackbot_core::SecretString;

/// The routes that are function-ack by default, locally and in the stack.
pub const DEFAULT_FUNCTION_ACK_ROUTES: &[&str] = &["/slack/events", "/slack/interactions"];

/// Everything `serve` and the demo's edge need besides the worker.
#[derive(Clone, Debug)]
pub struct ServeSettings {
    /// How the edge acknowledges and queues.
    pub edge: EdgeSettings,
    /// How long the front door lets a view or options handler compute its answer
    /// (`ACKBOT_ACK_DEADLINE_MS`).
    pub ack_deadline: Duration,
    /// The secrets the inspector's Send signs its webhooks with, as the platforms would.
    pub signing: Signing,
}

/// The platforms' signing secrets, for webhooks signed on their behalf (the inspector's Send).
#[derive(Clone, Debug, Default)]
pub struct Signing {
    /// Slack's signing secret.
    pub slack: Option<SecretString>,
    /// LINE's channel secrets (comma-separated while one is rotated out).
    pub line: Option<SecretString>,
    /// Discord's public key: Send signs with the test key pair, which only a developer's
    /// machine trusts (`ackbot_discord::sample::TEST_PUBLIC_KEY`).
    pub discord: Option<String>,
}

/// How the local edge acknowledges and queues, and whether it serves the inspector.
#[derive(Clone, Debug)]
pub struct EdgeSettings {
    /// `ACKBOT_WORKERS`: envelopes processed at once (default 64: the work waits on Slack's and
    /// LINE's APIs, so eight workers at 200 ms a reply would cap it at 40 events/s).
    pub workers: usize,
    /// `ACKBOT_QUEUE_CAPACITY`: envelopes waiting for a worker before the edge answers 503
    /// (default 1024).
    pub queue_capacity: usize,
    /// `ACKBOT_ACK_STATUS`: the acknowledgement status, 200 (the platforms' documented code,
    /// default) or 202.
    pub ack_status: u16,
    /// `ACKBOT_SLACK_COMMAND_ACK_BODY`: a static body for slash-command acks, e.g.
    /// `{"response_type":"in_channel"}` (default empty).
    pub slack_command_ack_body: String,
    /// `ACKBOT_DRAIN_TIMEOUT_SECS`: how long `serve` waits for queued work on shutdown (default 60).
    pub drain_timeout: Duration,
    /// `ACKBOT_WORKER_TIMEOUT_SECS`: the time one Envelope's work may take, as a Lambda worker's
    /// timeout (default 900, the most Lambda allows). A handler is stopped 2 s before it (its
    /// stream ended with a note, its error answered), and retries never wait past it.
    pub worker_timeout: Duration,
    /// `ACKBOT_FUNCTION_ACK`: the routes acknowledged by the front door, which verifies them and
    /// may answer from the request (default [`DEFAULT_FUNCTION_ACK_ROUTES`], as the stack deploys
    /// them). The others get the static acknowledgement.
    pub function_ack_routes: Vec<String>,
    /// `ACKBOT_INSPECT`: `off` turns the inspector (`GET /_ackbot/`) off (default on, with its
    /// token; off a loopback address only with `ACKBOT_INSPECT_TOKEN`).
    pub inspect: bool,
    /// `ACKBOT_INSPECT_TOKEN`: the inspector's token (at least 32 characters), instead of a fresh
    /// one printed at start; serves the inspector on a non-loopback address too.
    pub inspect_token: Option<SecretString>,
}

impl Default for EdgeSettings {
    /// The defaults of every variable above.
    fn default() -> Self {
        Self {
            workers: 64,
            queue_capacity: 1024,
            ack_status: 200,
            slack_command_ack_body: String::new(),
            drain_timeout: Duration::from_secs(60),
            worker_timeout: Duration::from_secs(900),
            function_ack_routes: DEFAULT_FUNCTION_ACK_ROUTES
                .iter()
                .map(|r| r.to_string())
                .collect(),
            inspect: true,
            inspect_token: None,
        }
    }
}

impl EdgeSettings {
    /// Whether the front door answers `route` (`ACKBOT_FUNCTION_ACK`), rather than the static ack.
    pub fn is_function_ack(&self, route: &str) -> bool {
        self.function_ack_routes.iter().any(|r| r == route)
    }
}
