//! ackbot: Slack and LINE webhook bots on the asynchronous pattern.
//!
//! The edge (API Gateway, or `ackbot serve`) acknowledges the platform's webhook at once; the work —
//! signature check, dispatch to your handler, the reply through the platform's API — runs
//! afterwards in a worker (a Lambda function invoked asynchronously, or a task in the same process).
//!
//! ```no_run
//! use ackbot::prelude::*;
//!
//! /// Echo the text back.
//! async fn shout(Text(text): Text) -> Reply {
//!     Reply::text(text.to_uppercase()).in_channel()
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), ackbot::Error> {
//!     Bot::new()
//!         .mount(bot_handlers::builtins()) // echo, help, ping, wait
//!         .command("shout", shout)
//!         .about("Repeat TEXT, loudly")
//!         .usage("TEXT")
//!         .run() // the Lambda worker under AWS, the command line (serve, demo, send) otherwise
//!         .await
//! }
//! ```

mod bot;
mod cli;
pub mod config;
mod demo;
pub mod edge;
mod error;
mod lambda;
mod logging;
pub mod pool;
pub mod samples;
mod secrets;
mod send;
mod serve;
pub mod standin;

/// The README's code blocks, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use bot::Bot;
pub use error::Error;

pub use bot_core::{
    Args, Command, Conversation, ConversationKind, Envelope, HandlerError, Help, Platform, Reply,
    Router, State, Text, User, Visibility,
};

/// Everything a bot author needs in one `use`.
pub mod prelude {
    pub use crate::Bot;
    pub use bot_core::{
        Args, Command, Conversation, ConversationKind, HandlerError, Help, Platform, Reply, Router,
        State, Text, User, Visibility,
    };
}
