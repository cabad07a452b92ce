//! ackbot: Slack, LINE and Discord webhook bots on the asynchronous pattern.
//!
//! The edge (API Gateway, or `ackbot serve`) acknowledges the platform's webhook at once; the work —
//! signature check, dispatch to your handler, the reply through the platform's API — runs
//! afterwards in a worker (a Lambda function invoked asynchronously, or a task in the same process).
//!
//! ```no_run
//! use ackbot::prelude::*;
//!
//! /// Repeats the text, loudly, for everyone in the channel.
//! async fn shout(NonEmpty(Text(text)): NonEmpty<Text>) -> Reply {
//!     Reply::text(text.to_uppercase()).in_channel()
//! }
//!
//! #[tokio::main(flavor = "current_thread")] // the quickest cold start; `serve` still uses every core
//! async fn main() -> Result<(), ackbot::Error> {
//!     Bot::new()
//!         .mount(ackbot::handlers::builtins()) // echo, help, ping, wait
//!         .command(cmd("shout", shout).about("Repeat TEXT, loudly").usage("TEXT"))
//!         .run() // the Lambda worker under AWS, the command line (serve, demo, send) otherwise
//!         .await
//! }
//! ```
//!
//! # Features
//! - `lambda`: the Lambda worker (`lambda_runtime`, secrets from Secrets Manager, and the
//!   DynamoDB idempotency store, [`DynamoDedupe`]).
//! - `serve`: the local edge, `ackbot serve`.
//! - `dev`: `ackbot demo` and `ackbot send`, with stand-ins of the platforms' APIs.
//! - `testing` (off by default; for `[dev-dependencies]`): [`testing::TestBot`] drives a bot
//!   in-process and shows its replies and API calls.
//!
//! All but `testing` are on by default. A bot that only ever runs on Lambda builds with
//! `default-features = false, features = ["lambda"]`: no axum, no command line, a smaller
//! `bootstrap`.

// Without `lambda` or `serve` a bot can be built and dispatched to, but not run.
#![cfg_attr(not(any(feature = "lambda", feature = "serve")), allow(dead_code))]

// The built-ins are written as a bot's own code is, with `ackbot::` paths, so they can be copied.
extern crate self as ackbot;

mod config;
mod dotenv;
mod error;
mod logging;
mod run;
mod wiring;

pub mod handlers;

#[cfg(feature = "serve")]
pub mod cli;
#[cfg(feature = "serve")]
mod discord_verbs;
#[cfg(feature = "serve")]
mod doctor;
#[cfg(feature = "lambda")]
mod lambda;
#[cfg(feature = "testing")]
pub mod testing;

/// The README's code blocks, compiled as doctests (`testing` for its test kit's example; it
/// implies `serve`; `make test` turns it on).
#[cfg(all(doctest, feature = "testing"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(feature = "lambda")]
pub use ackbot_lambda::{
    DynamoDedupe, DynamoError, DynamoInstallations, InstallationsError, SecretsError,
};
#[cfg(feature = "dev")]
pub use ackbot_serve::SendError;
pub use config::ConfigError;
pub use error::Error;
pub use run::Run;

/// The Discord adapter: the `Discord` extractor (follow-ups, edits, calls as the bot), the
/// `Interaction`, `Modal`s a command answers with, and the commands' JSON (`discord::commands`).
pub use ackbot_discord as discord;
/// The LINE adapter: the `Line` extractor (the Messaging API in handlers) and LINE's types.
pub use ackbot_line as line;
/// The Slack adapter: the `Slack` extractor (the Web API in handlers), modal and menu answers
/// (`ViewResponse`, `Options`), typed interaction payloads and Slack's types; `slack::oauth`,
/// many workspaces (the `Installation` extractor, a bot's own `Authorize`).
pub use ackbot_slack as slack;
/// `serde_json`, as ackbot uses it: `ackbot::serde_json::json!` for raw Block Kit or LINE JSON,
/// and the `Value`s some APIs answer (`users_info`), without a dependency of your own.
pub use serde_json;
/// `tracing`, whose macros ackbot's logs go through: `ackbot::tracing::warn!(…)` in a handler
/// lands in the same log, as JSON under Lambda.
pub use tracing;

pub use ackbot_core::adapter::Envelope;
/// The one HTTP attempt ackbot's own clients share, for yours: a request sent once with its
/// timeout capped by the handler's [`Deadline`], its answer read up to a cap, `Retry-After`, and
/// [`redact`](http::redact) for an answer that echoes a credential.
pub use ackbot_core::http;
pub use ackbot_core::{
    Answer, Args, ArgsRejection, Bot, BoxError, BuildError, Choice, Choices, Command, CommandDef,
    CommandInfo, Conversation, ConversationKind, Deadline, DispatchError, Dispatched, Dispatcher,
    ErrorHook, Event, Extensions, FromIncoming, Handler, HandlerError, Help, Incoming, Interaction,
    InteractionKind, IntoOutput, Invocation, Kind, Later, MaybeEmpty, NonEmpty, Options, Outcome,
    Output, Payload, Platform, Rejection, Reply, Request, Requirements, State, StateRejection,
    Stream, StreamError, Text, UnavailableRejection, User, Visibility, cmd,
};
pub use ackbot_core::{ExposeSecret, PlatformSpec, SecretString};

/// Everything a bot author needs in one `use`.
pub mod prelude {
    pub use crate::Run;
    pub use ackbot_core::{
        Args, ArgsRejection, Bot, Choice, Conversation, ConversationKind, DispatchError,
        HandlerError, Help, Incoming, NonEmpty, Platform, Rejection, Reply, State, Stream, Text,
        User, Visibility, cmd,
    };
    pub use ackbot_discord::{DISCORD, Discord};
    pub use ackbot_line::{LINE, Line};
    pub use ackbot_slack::{SLACK, Slack, TriggerId, ViewResponse, ViewSubmission};
}
