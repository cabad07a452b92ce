//! Platform-neutral core of ackbot.
//!
//! An [`Envelope`] (what the edge received) goes to the [`Worker`], which verifies and parses it
//! through a platform [`Adapter`], turns it into [`Command`]s, dispatches each to a handler
//! registered on a [`Router`], and delivers the handler's [`Reply`]s.
//!
//! ```
//! use bot_core::{Command, Platform, Reply, Router, Text};
//!
//! async fn echo(Text(text): Text) -> Reply {
//!     Reply::text(text)
//! }
//!
//! # tokio_test_block(async {
//! let bot = Router::new().command("echo", echo).about("Echo TEXT").build();
//! let done = bot.dispatch(Command::new(Platform::Slack, "echo", "hi")).await;
//! assert_eq!(done.replies[0].text, "hi");
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

mod adapter;
mod clock;
mod command;
mod dedupe;
mod envelope;
mod error;
mod extract;
mod handler;
mod platform;
mod reply;
pub mod retry;
mod router;
mod secret;
mod worker;

pub use adapter::{Adapter, Delivery, DeliveryError, Inbound, Work};
pub use clock::{now_ms, Clock, FixedClock, SystemClock};
pub use command::{Command, Conversation, ConversationKind, Kind, User};
pub use dedupe::{DedupeStore, MemoryDedupe};
pub use envelope::{Envelope, Headers};
pub use error::{BoxError, ExtractError, HandlerError};
pub use extract::{Args, CommandInfo, FromCommand, Help, Request, State, Text};
pub use handler::{Handler, HandlerFailure, IntoReplies};
pub use platform::Platform;
pub use reply::{Reply, Visibility};
pub use router::{Dispatched, Dispatcher, Outcome, Router};
pub use secret::Secret;
pub use worker::{Observation, Observer, Report, Stage, Status, Worker};
