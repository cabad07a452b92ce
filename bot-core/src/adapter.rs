//! The seam between the worker and a platform: verify, parse, deliver.

use futures::future::BoxFuture;

use crate::{BoxError, Command, Envelope, Platform, Reply};

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
    /// A command or event to dispatch and answer.
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

/// A command to dispatch, with what the worker needs to deduplicate it and answer it.
pub struct Work {
    /// The platform-neutral command or event.
    pub command: Command,
    /// The platform's unique id for this delivery (LINE `webhookEventId`, Slack `event_id`); the
    /// same key is processed once.
    pub dedupe_key: Option<String>,
    /// Where and how to send the replies.
    pub delivery: Box<dyn Delivery>,
}

/// Sends a command's replies back to the place it came from.
pub trait Delivery: Send + Sync {
    /// Sends `replies`; `now_ms` is the worker's clock, for judging reply-token freshness.
    fn deliver(&self, replies: Vec<Reply>, now_ms: i64) -> BoxFuture<'_, Result<(), BoxError>>;

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
