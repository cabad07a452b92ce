//! Slack adapter for ackbot: verifies Slack's request signatures, turns slash commands, Events
//! API callbacks and interactivity payloads into [`ackbot_core::Incoming`]s, and sends the
//! replies to the `response_url` or with `chat.postMessage`, with bounded retries.
//!
//! Where a slash command becomes an `Incoming`: `slash_command.rs`; an event: `events.rs`; a button
//! click or a modal: `interactions.rs`; the payloads as Slack sends them: [`payload`]; what
//! handlers can ask for (the Web API, typed payloads): `extract.rs`; what they answer in the
//! acknowledgement (`ViewResponse`, `Options`): `respond.rs`; the signature: `signature.rs`;
//! where replies go: `target.rs` (and which `response_url`s are used: `response_url.rs`); sending
//! them: `delivery.rs` and `client/`. The app manifest and the scopes a bot needs: module `manifest` (its YAML behind feature `manifest`);
//! `doctor` the checks of Slack's variables and token for `ackbot doctor` (module `doctor`).
//!
//! ```
//! use ackbot_core::adapter::Headers;
//! use ackbot_core::SecretString;
//! use ackbot_slack::{sign, verify, SlackAdapter, SlackConfig};
//!
//! let secret = SecretString::from("8f742231b10e8888abcd99yyyzzz85a5");
//! let body = b"command=%2Fecho&text=hi";
//! let mut headers = Headers::new();
//! headers.append("X-Slack-Request-Timestamp", "1531420618");
//! headers.append("X-Slack-Signature", sign(&secret, 1_531_420_618, body));
//! assert!(verify(&secret, &headers, body, 1_531_420_618 + 60).is_ok());
//!
//! let adapter = SlackAdapter::new(SlackConfig::new(secret).with_bot_token("xoxb-…"));
//! assert!(adapter.is_ok());
//! assert!(SlackAdapter::new(SlackConfig::new("")).is_err());
//! ```

mod adapter;
mod assistant;
pub mod blocks;
mod client;
mod config;
mod delivery;
#[cfg(feature = "doctor")]
pub mod doctor;
mod error;
mod events;
mod extract;
mod interactions;
pub mod manifest;
pub mod oauth;
mod parsed;
pub mod payload;
mod respond;
mod response_url;
#[cfg(feature = "test-util")]
pub mod sample;
mod signature;
mod slash_command;
#[cfg(feature = "standin")]
pub mod standin;
mod stream;
mod target;
mod tenancy;

pub use ackbot_core::{MAX_OPTIONS, Options};
pub use adapter::{COMMANDS_ROUTE, EVENTS_ROUTE, INTERACTIONS_ROUTE, ROUTES, SlackAdapter};
pub use assistant::{
    AssistantContext, AssistantThread, KEEP_CONTEXT_FOR, MemoryThreadContexts, SuggestedPrompt,
    ThreadContexts, ThreadKey,
};
pub use client::{MAX_STREAM_CHARS, SlackClient, StreamPlace};
pub use config::{DEFAULT_API_URL, SlackConfig, ThreadContextStore};
pub use delivery::RESPONSE_URL_MAX_USES;
pub use error::{ConfigError, ParseError, ReplyError, VerifyError};
pub use extract::{BlockSuggestion, Slack, TriggerId, ViewSubmission};
/// The payload of a Slack interaction, typed; an extractor in interaction handlers.
pub use payload::InteractionPayload;
pub use respond::ViewResponse;
pub use response_url::SLACK_HOOK_HOSTS;
pub use signature::{MAX_SKEW_SECS, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify};

/// Slack, as handlers match on it: commands typed `/name`, users mentioned as `<@U…>`.
pub const SLACK: ackbot_core::Platform = ackbot_core::Platform::new(
    &ackbot_core::PlatformSpec::new("slack", "Slack")
        .with_slash_commands()
        .with_mentions_by_id(),
);
