//! Platform-neutral core of ackbot.
//!
//! Its root is what a bot author uses: a [`Bot`] of handlers — async functions whose arguments
//! are extractors ([`Text`], [`Args`], [`State`], [`User`], …) and which return a [`Reply`] —
//! and what they are handed: an [`Incoming`] command, event or interaction. Two modules serve the
//! layers below a bot: [`adapter`], what a platform adapter implements and uses (verify, parse,
//! deliver an [`Envelope`](adapter::Envelope)), and [`runtime`], what a runtime (Lambda, the local
//! edge) drives (the [`Worker`](runtime::Worker), its idempotency store, its observations).
//! [`http`] is the one HTTP attempt every outbound client makes, and [`doctor`] the words in
//! which each adapter reports a configuration check.
//!
//! ```
//! use ackbot_core::{cmd, Bot, Incoming, NonEmpty, Platform, PlatformSpec, Reply, Text};
//!
//! // Each adapter names its platform (`ackbot_slack::SLACK`); two made here for the example.
//! const SLACK: Platform = Platform::new(&PlatformSpec::new("slack", "Slack").with_slash_commands());
//! const LINE: Platform = Platform::new(&PlatformSpec::new("line", "LINE"));
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
//! let done = bot.dispatch(Incoming::typed(SLACK, "echo hi")).await;
//! assert_eq!(done.replies[0].text, "hi");
//! let empty = bot.dispatch(Incoming::typed(LINE, "echo")).await;
//! assert_eq!(empty.replies[0].text, "Couldn't read the arguments of echo: this command needs arguments.\nUsage: echo TEXT");
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

pub mod adapter;
mod answer;
mod bot;
mod choice;
mod clock;
mod cmd;
mod deadline;
mod dedupe;
mod dispatch;
mod dispatch_error;
#[cfg(feature = "http")]
pub mod doctor;
mod envelope;
mod error;
mod extensions;
mod extract;
mod handler;
#[cfg(feature = "http")]
pub mod http;
mod incoming;
mod later;
mod options;
mod page;
mod payload;
mod platform;
mod reply;
pub mod retry;
pub mod runtime;
mod secret;
mod stream;
#[doc(hidden)]
pub mod tagged;
#[cfg(any(test, feature = "test-util"))]
pub mod testing;
mod worker;

pub use answer::{Answer, IntoOutput, Output};
pub use bot::Bot;
pub use choice::{CHOICE_SEPARATOR, Choice, Choices};
pub use cmd::{CommandDef, CommandInfo, ErrorHook, PlatformWords, cmd};
pub use deadline::Deadline;
pub use dispatch::{Dispatched, Dispatcher, Outcome};
pub use dispatch_error::{DispatchError, Invocation};
pub use error::{BoxError, BuildError, HandlerError, chain};
pub use extensions::Extensions;
pub use extract::{
    Args, ArgsRejection, FromIncoming, Help, MaybeEmpty, NonEmpty, Rejection, Request,
    Requirements, State, StateRejection, Text, UnavailableRejection,
};
pub use handler::{Handler, HandlerFailure};
pub use incoming::{
    Command, Conversation, ConversationKind, Event, Incoming, Interaction, InteractionKind, Kind,
    User,
};
pub use later::Later;
pub use options::{MAX_OPTIONS, Options};
pub use payload::Payload;
pub use platform::{Platform, PlatformSpec};
pub use reply::{Reply, Visibility};
pub use secret::{ExposeSecret, SecretString};
pub use stream::{Stream, StreamEnd, StreamError};
