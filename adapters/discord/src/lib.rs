//! Discord interactions adapter for ackbot: verifies Discord's Ed25519 signatures, answers
//! within Discord's 3 s (a PONG, a deferral, autocomplete choices, a modal), and finishes the
//! work afterwards through the interaction's webhook: the first reply edits the answer
//! (`@original`), the rest are follow-ups, within the token's 15 minutes.
//!
//! Where an interaction becomes an `Incoming`: `incoming.rs`; the interaction as Discord sends
//! it: [`Interaction`]; what the endpoint answers: `respond.rs` (and [`Modal`] for handlers);
//! the signature: `signature.rs`; a reply as messages: `render.rs`; where they go:
//! `delivery.rs` and `client/`; a handler's stream growing in "thinking…": `stream.rs`; the
//! bot's commands as Discord's: [`commands`].
//!
//! ```
//! use ackbot_discord::{DiscordAdapter, DiscordConfig};
//!
//! // The public key and application id from the Developer Portal.
//! let key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
//! assert!(DiscordAdapter::new(DiscordConfig::new(key, "123456789012345678")).is_ok());
//! let wrong = DiscordAdapter::new(DiscordConfig::new("not hex", "1")).err().unwrap();
//! assert!(wrong.to_string().contains("DISCORD_PUBLIC_KEY"));
//! ```

mod adapter;
mod client;
pub mod commands;
mod config;
mod delivery;
#[cfg(feature = "doctor")]
pub mod doctor;
mod error;
mod extract;
mod incoming;
pub mod interaction;
mod render;
mod respond;
#[cfg(feature = "test-util")]
pub mod sample;
mod signature;
#[cfg(feature = "standin")]
pub mod standin;
mod stream;

pub use adapter::{DiscordAdapter, INTERACTIONS_ROUTE};
pub use config::{CommandAck, DEFAULT_API_URL, DiscordConfig, is_snowflake};
pub use delivery::TOKEN_LIFETIME_MS;
pub use error::{ConfigError, ParseError, ReplyError, VerifyError};
pub use extract::Discord;
pub use interaction::Interaction;
pub use render::{MAX_BUTTONS, MAX_CONTENT_CHARS, MAX_CUSTOM_ID_CHARS, MAX_LABEL_CHARS};
pub use respond::{EPHEMERAL, MAX_CHOICES, Modal, TextInput};
#[cfg(feature = "test-util")]
pub use signature::signing;
pub use signature::{MAX_SKEW_SECS, PublicKey, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify};

/// Discord, as handlers match on it: commands typed `/name`, users mentioned as `<@ID>`.
pub const DISCORD: ackbot_core::Platform = ackbot_core::Platform::new(
    &ackbot_core::PlatformSpec::new("discord", "Discord")
        .with_slash_commands()
        .with_mentions_by_id(),
);
