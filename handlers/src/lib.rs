//! ackbot's built-in commands, and the example to copy when writing your own.
//!
//! Each command is a plain async function whose arguments are extractors; [`builtins`] registers
//! them with a one-line description and usage so `help` can list them.
//!
//! ```
//! let router = bot_core::Router::new().mount(bot_handlers::builtins());
//! let names: Vec<_> = router.catalog().into_iter().map(|c| c.name).collect();
//! assert_eq!(names, ["echo", "help", "ping", "wait"]);
//! ```

mod echo;
mod help;
mod ping;
mod wait;
mod welcome;

pub use echo::echo;
pub use help::help;
pub use ping::ping;
pub use wait::{wait, Seconds};
pub use welcome::welcome;

use bot_core::Router;

/// The built-in commands as a group to mount: `echo`, `help`, `ping` and `wait`, and a
/// [`welcome`] for LINE's `follow` and `join` events.
pub fn builtins() -> Router {
    Router::new()
        .command("echo", echo)
        .about("Reply with TEXT exactly")
        .usage("TEXT")
        .command("help", help)
        .about("List the commands this bot knows")
        .command("ping", ping)
        .about("Check that the bot answers")
        .command("wait", wait)
        .about("Wait SECONDS (up to 60) before answering, to show the ack never waits for the work")
        .usage("SECONDS")
        .slow()
        .on("follow", welcome)
        .on("join", welcome)
}
