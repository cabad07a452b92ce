//! What a platform adapter implements and uses: the seam between the worker and a platform —
//! verify an [`Envelope`], parse it into [`Inbound`] items, [`deliver`](Delivery::deliver) the
//! replies — and the helpers adapters share (see also `ackbot_core::http`, feature `http`, for their HTTP calls).

use futures::future::BoxFuture;

pub use crate::envelope::{Envelope, Headers};
pub use crate::error::SharedError;
pub use crate::page::{Page, PageRequest};
pub use crate::secret::is_blank;
pub use crate::stream::StreamSink;
pub use crate::worker::{Call, observe_call};
use crate::{Answer, BoxError, Extensions, Incoming, Platform, Reply};

/// A platform adapter: checks an Envelope's signature, parses it into work, and knows how to send
/// the replies back. Slack and LINE each implement it.
pub trait Adapter: Send + Sync {
    /// The platform this adapter speaks to.
    fn platform(&self) -> Platform;

    /// The edge routes whose Envelopes this adapter takes, e.g. `/slack/commands`.
    fn routes(&self) -> &'static [&'static str];

    /// Checks the Envelope's signature over its raw body; freshness is judged against the
    /// Envelope's receive time. The error must not contain a secret or a computed signature.
    fn verify(&self, envelope: &Envelope) -> Result<(), BoxError>;

    /// Parses a verified Envelope into the work it asks for.
    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError>;

    /// Looks up what `work` needs before its handler runs, once it is known not to be a
    /// duplicate: on Slack in many workspaces, the installation of the workspace it came from
    /// and its token. An error is one a later attempt may get past (a store that did not
    /// answer): the worker lets the Envelope be tried again. The default has nothing to look up.
    fn authorize<'a>(&'a self, work: &'a mut Work) -> BoxFuture<'a, Result<(), BoxError>> {
        let _ = work;
        Box::pin(async { Ok(()) })
    }

    /// Whether every acknowledgement of this adapter's routes must come from the front door:
    /// Discord's carries an answer (a deferral at least), and must not be given before the
    /// signature is checked. Its routes are then function-ack whatever the configuration says.
    fn front_door_only(&self) -> bool {
        false
    }

    /// The routes of the pages a browser may `GET` from this adapter (Slack's install link and
    /// OAuth redirect in distribution mode); none by default.
    fn pages(&self) -> &[&'static str] {
        &[]
    }

    /// Answers a browser's `GET` of one of [`pages`](Self::pages).
    fn page<'a>(&'a self, request: &'a PageRequest) -> BoxFuture<'a, Page> {
        let _ = request;
        Box::pin(async { Page::not_found() })
    }

    /// The acknowledgement of `incoming`, whose handler ran at the front door and gave `answer`
    /// (`None`: no answer, or no time to give one); `followed` says whether the worker goes on
    /// with it (replies to send, its slow part, or the whole handler again after a timeout). By
    /// default the answer as it is (Slack's `response_action`, options), else an empty `200`; a
    /// platform with an envelope of its own wraps it (a Discord interaction response).
    fn acknowledge(&self, incoming: &Incoming, answer: Option<Answer>, followed: bool) -> Answer {
        let _ = (incoming, followed);
        answer.unwrap_or_default()
    }
}

/// One item of a verified webhook.
// A webhook holds a handful of items, each moved once: boxing `Work` would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Inbound {
    /// Acknowledged and deliberately left alone (health check, Verify request, standby mode,
    /// an event type nobody handles…).
    Skip {
        /// Why it needs no work, for the log.
        reason: String,
    },
    /// Answered in the acknowledgement itself, with no work after it (Slack's `url_verification`
    /// challenge). Only a function-ack front door or the local edge can send the answer; a
    /// worker behind a static acknowledgement skips it.
    Answered {
        /// The acknowledgement's body.
        answer: Answer,
        /// What it answers, for the log.
        reason: String,
    },
    /// A command, event or interaction to dispatch and answer.
    Work(Work),
}

impl Inbound {
    /// An item that needs no work, for `reason`.
    pub fn skip(reason: impl Into<String>) -> Self {
        Inbound::Skip {
            reason: reason.into(),
        }
    }
}

/// What came in, to dispatch, with what the worker needs to deduplicate it and answer it.
pub struct Work {
    /// What came in, in platform-neutral words.
    pub incoming: Incoming,
    /// The platform's unique id for this delivery (LINE `webhookEventId`, Slack `event_id`); the
    /// same key is processed once.
    pub dedupe_key: Option<String>,
    /// Further identities of the same thing (a Slack message's channel and `ts`, which Slack has
    /// been seen to deliver again under a new `event_id`): a key seen before makes it a duplicate.
    pub dedupe_aliases: Vec<String>,
    /// Where and how to send the replies.
    pub delivery: Box<dyn Delivery>,
    /// The adapter's values for the handler's extractors: the platform's API client, the typed
    /// payload.
    pub extensions: Extensions,
    /// Where a handler's [`Stream`](crate::Stream) goes live, on a platform that shows a message
    /// growing; `None` gathers it into one reply.
    pub stream: Option<Box<dyn StreamSink>>,
    /// Whether the front door runs the handler before it acknowledges, for an answer to put in
    /// the acknowledgement: by default the interactions whose kind
    /// [answers in it](crate::InteractionKind::answers_in_ack); an adapter may say otherwise (a
    /// Discord command declared [`answers_in_ack`](crate::CommandDef::answers_in_ack)).
    pub answers_in_ack: bool,
}

impl Work {
    /// Work for `incoming` whose replies go through `delivery`, with no dedupe key.
    pub fn new(incoming: Incoming, delivery: Box<dyn Delivery>) -> Self {
        let answers_in_ack = (incoming.as_interaction()).is_some_and(|i| i.kind.answers_in_ack());
        Self {
            answers_in_ack,
            incoming,
            dedupe_key: None,
            dedupe_aliases: Vec::new(),
            delivery,
            extensions: Extensions::new(),
            stream: None,
        }
    }

    /// Has a handler's stream go live through `sink`.
    pub fn with_stream(mut self, sink: Box<dyn StreamSink>) -> Self {
        self.stream = Some(sink);
        self
    }

    /// Has the front door run the handler before it acknowledges (or not).
    pub fn answering_in_ack(mut self, yes: bool) -> Self {
        self.answers_in_ack = yes;
        self
    }

    /// Sets the dedupe key.
    pub fn with_dedupe_key(mut self, key: Option<String>) -> Self {
        self.dedupe_key = key;
        self
    }

    /// Adds a further identity of the same thing.
    pub fn with_dedupe_alias(mut self, alias: String) -> Self {
        self.dedupe_aliases.push(alias);
        self
    }

    /// Sets the values the handler's extractors may take.
    pub fn with_extensions(mut self, extensions: Extensions) -> Self {
        self.extensions = extensions;
        self
    }

    /// Every dedupe key of this work: the key, then the aliases.
    pub fn dedupe_keys(&self) -> impl Iterator<Item = &str> {
        self.dedupe_key
            .iter()
            .chain(&self.dedupe_aliases)
            .map(String::as_str)
    }
}

/// Why replies could not be delivered, and whether processing the Envelope again could help.
#[derive(Debug)]
pub struct DeliveryError {
    /// What went wrong; never contains a token or secret.
    pub error: BoxError,
    /// `true` when the platform may accept a later attempt (5xx, 429, network errors after the
    /// client's own retries); `false` when it refused the request itself (other 4xx, a missing
    /// token), so a retry would fail the same way.
    pub retryable: bool,
    /// Which of the replies (their places in the list given to `deliver`) were delivered before
    /// the failure: a retry of the Envelope sends only the others.
    pub delivered: Vec<usize>,
}

impl DeliveryError {
    /// A failure a later attempt may get past.
    pub fn retryable(error: impl Into<BoxError>) -> Self {
        Self::new(error, true)
    }

    /// A failure no retry can fix.
    pub fn permanent(error: impl Into<BoxError>) -> Self {
        Self::new(error, false)
    }

    /// A failure that a later attempt may get past when `retryable`, that no retry can fix
    /// otherwise: how the adapters turn their own classified errors into one.
    pub fn new(error: impl Into<BoxError>, retryable: bool) -> Self {
        Self {
            error: error.into(),
            retryable,
            delivered: Vec::new(),
        }
    }

    /// Says which replies (by their place in the list) went out before the failure.
    pub fn after(mut self, delivered: Vec<usize>) -> Self {
        self.delivered = delivered;
        self
    }
}

impl std::fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.error, f)
    }
}

// Transparent: it is the adapter's error, with a flag beside it.
impl std::error::Error for DeliveryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// Sends a command's replies back to the place it came from.
pub trait Delivery: Send + Sync {
    /// Sends `replies`; `now_ms` is the worker's clock, for judging reply-token freshness. On
    /// failure, says which of them went out ([`DeliveryError::delivered`]).
    fn deliver(&self, replies: Vec<Reply>, now_ms: i64)
    -> BoxFuture<'_, Result<(), DeliveryError>>;

    /// Called instead of [`deliver`](Self::deliver) when the handler had no replies: a platform
    /// that showed a placeholder (Discord's "thinking…") takes it down. A failure is the
    /// adapter's to log.
    fn no_replies(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }

    /// Told before [`deliver`](Self::deliver) that the handler's first replies went out on an
    /// earlier attempt, so `replies` are the rest: Discord then leaves its `@original` as that
    /// attempt edited it.
    fn resuming(&self) {}

    /// Called once as the handler starts (not for a duplicate): LINE marks the message read
    /// here when asked to (`ACKBOT_LINE_MARK_AS_READ=on`). A failure is the adapter's to log.
    fn handler_starting(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }

    /// Whether this conversation can show that the bot is working (LINE's loading animation in
    /// one-to-one chats).
    fn can_show_progress(&self) -> bool {
        false
    }

    /// Shows that the bot is working, for about `seconds`.
    fn show_progress(&self, _seconds: u32) -> BoxFuture<'_, Result<(), BoxError>> {
        Box::pin(async { Ok(()) })
    }
}
