//! Platform-neutral core of ackbot.
//!
//! An [`Envelope`] (what the edge received) goes to the [`Worker`], which verifies and parses it
//! through a platform [`Adapter`], turns it into [`Command`]s, dispatches each to a handler
//! registered on a [`Bot`], and delivers the handler's [`Reply`]s.
//!
//! ```
//! use ackbot_core::{cmd, Bot, Command, NonEmpty, Platform, Reply, Text};
//!
//! /// Answers `echo TEXT` with TEXT.
//! async fn echo(NonEmpty(Text(text)): NonEmpty<Text>) -> Reply {
//!     Reply::text(text)
//! }
//!
//! # tokio_test_block(async {
//! let bot = Bot::new()
//!     .command(cmd("echo", echo).about("Reply with TEXT exactly").usage("TEXT"))
//!     .build()
//!     .expect("every handler has what it needs");
//! let done = bot.dispatch(Command::typed(Platform::Slack, "echo hi")).await;
//! assert_eq!(done.replies[0].text, "hi");
//! let empty = bot.dispatch(Command::typed(Platform::Line, "echo")).await;
//! assert_eq!(empty.replies[0].text, "Couldn't read the arguments of echo: this command needs arguments.\nUsage: echo TEXT");
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

mod adapter;
mod answer;
mod bot;
mod clock;
mod cmd;
mod command;
mod dedupe;
mod dispatch;
mod dispatch_error;
mod envelope;
mod error;
mod extensions;
mod extract;
mod handler;
pub mod http;
mod platform;
mod reply;
pub mod retry;
mod secret;
#[cfg(any(test, feature = "test-util"))]
pub mod testing;
mod worker;

pub use adapter::{Adapter, Delivery, DeliveryError, Inbound, Work};
pub use answer::{Answer, IntoOutput, Output};
pub use bot::Bot;
pub use clock::{now_ms, Clock, SystemClock};
pub use cmd::{cmd, CommandDef, CommandInfo, ErrorHook};
pub use command::{Command, Conversation, ConversationKind, Kind, User};
pub use dedupe::{Claim, DedupeStore, Expiry, MemoryDedupe};
pub use dispatch::{panic_message, Dispatched, Dispatcher, Outcome};
pub use dispatch_error::{DispatchError, Invocation};
pub use envelope::{Envelope, Headers};
pub use error::{chain, BoxError, BuildError, HandlerError, SharedError};
pub use extensions::Extensions;
pub use extract::{
    Args, ArgsRejection, FromCommand, Help, NonEmpty, Rejection, Request, Requirements, State,
    StateRejection, Text, UnavailableRejection,
};
pub use handler::{Handler, HandlerFailure};
pub use platform::Platform;
pub use reply::{Reply, Visibility};
pub use secret::{is_blank, ExposeSecret, SecretString};
pub use worker::{
    emf, observe_call, Call, Counted, Counts, FrontAnswer, LogBudget, Metrics, Observation,
    Observer, Report, Stage, Status, WorkError, Worker,
};
