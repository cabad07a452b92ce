//! ackbot's built-in commands (`echo`, `help`, `ping`, `wait`, `feedback`, `choose`, the LINE
//! welcome, the assistant's `ask`), and the examples to copy when writing your own: they use
//! only `ackbot::` paths, as your bot's code does.
//!
//! Each command is a value: a plain async function whose arguments are extractors, registered
//! with its name, description and usage so `help` can list them. Change a built-in's words by
//! calling `.about(…)` or `.usage(…)` on it again.
//!
//! ```
//! use ackbot::Bot;
//!
//! let bot = Bot::new()
//!     .mount(ackbot::handlers::builtins())
//!     .command(ackbot::handlers::echo().about("テキストをそのまま返します").usage("テキスト"));
//! let names: Vec<_> = bot.catalog().into_iter().map(|c| c.name).collect();
//! assert_eq!(names, ["help", "ping", "wait", "feedback", "choose", "echo"]);
//! ```

mod ask;
mod assistant;
mod choose;
mod echo;
mod feedback;
mod help;
mod ping;
mod wait;
mod welcome;

pub use ask::{ask, assistant};
#[cfg(feature = "dev")]
pub use assistant::standin;
pub use assistant::{Assistant, Model, ModelConfig, ModelError};
pub use choose::choose;
pub use echo::echo;
pub use feedback::{FeedbackTexts, feedback, feedback_with};
pub use help::help;
pub use ping::ping;
pub use wait::{Seconds, SecondsError, wait};
pub use welcome::welcome;

use ackbot::Bot;

/// The built-in commands as a group to mount: `echo`, `help`, `ping`, `wait` and [`feedback`]
/// (with its modal), and a [`welcome`] for LINE's `follow` and `join` events.
pub fn builtins() -> Bot {
    Bot::new()
        .command(echo())
        .command(help())
        .command(ping())
        .command(wait())
        .mount(feedback())
        .mount(choose())
        .on("follow", welcome)
        .on("join", welcome)
}
