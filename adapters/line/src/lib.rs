//! LINE Messaging API adapter for ackbot.
//!
//! [`LineAdapter`] takes the Envelopes of `/line/webhook`: it checks `x-line-signature` against
//! the raw body ([`verify`]), parses the events ([`webhook`]), turns text messages and `/`
//! postbacks into commands and every other event into an event (`incoming.rs`), answers through the
//! reply token while it is fresh, by push (with a deterministic `X-Line-Retry-Key`) otherwise,
//! and never in standby mode. Handlers that take a [`Line`] argument call the Messaging API
//! themselves: reply, push, profiles, any other endpoint.
//!
//! Feature `test-util` adds the module `sample`: realistic webhook bodies for tests, the
//! demo and `ackbot send`; `doctor` the checks of LINE's variables and token for
//! `ackbot doctor` (module `doctor`).
//!
//! ```
//! use ackbot_core::adapter::{Adapter, Envelope, Inbound};
//! use ackbot_core::SecretString;
//! use ackbot_line::{sign, LineAdapter, LineConfig, WEBHOOK_ROUTE};
//!
//! let adapter = LineAdapter::new(LineConfig::new("channel-secret", "access-token")).unwrap();
//!
//! let body = br#"{"destination":"U0123456789abcdef0123456789abcdef","events":[]}"#;
//! let signature = sign(&SecretString::from("channel-secret"), body);
//! let envelope = Envelope::new(WEBHOOK_ROUTE, 1_700_000_000_000, body.to_vec())
//!     .with_header("X-Line-Signature", signature);
//! adapter.verify(&envelope).unwrap();
//! // The console's Verify request: acknowledged, nothing to do.
//! let items = adapter.parse(&envelope).unwrap();
//! assert!(matches!(&items[..], [Inbound::Skip { .. }]));
//! ```

mod adapter;
mod api;
mod client;
mod config;
mod delivery;
#[cfg(feature = "doctor")]
pub mod doctor;
mod error;
mod incoming;
pub mod messages;
mod models;
#[cfg(feature = "test-util")]
pub mod sample;
mod signature;
mod split;
#[cfg(feature = "standin")]
pub mod standin;
pub mod webhook;

pub use adapter::{LineAdapter, WEBHOOK_ROUTE};
pub use api::Line;
pub use config::{DEFAULT_API_URL, DEFAULT_REPLY_TOKEN_TTL_MS, LineConfig};
pub use delivery::{
    MAX_MESSAGES_PER_REQUEST, conversation_retry_key, handler_retry_key, loading_seconds,
    messages_for, retry_key,
};
pub use error::{ApiErrorDetail, ConfigError, ParseError, ReplyError, VerifyError};
pub use models::{Profile, SentMessage};
pub use signature::{SIGNATURE_HEADER, sign, verify};
pub use split::{MAX_TEXT_UTF16, split_text, utf16_len};

/// LINE, as handlers match on it: commands typed bare (`echo hi`), users named, not tagged (a
/// text message cannot mention).
pub const LINE: ackbot_core::Platform =
    ackbot_core::Platform::new(&ackbot_core::PlatformSpec::new("line", "LINE"));
