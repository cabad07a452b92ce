//! A command as a value: its name, handler, description, usage and error hook travel together.

use std::sync::Arc;

use crate::handler::{BoxedHandler, Handler};
use crate::{DispatchError, Platform, Reply};

/// A hook that answers a [`DispatchError`]: the reply to send, or `None` to send nothing.
pub type ErrorHook = Arc<dyn Fn(&DispatchError) -> Option<Reply> + Send + Sync>;

/// One command as `help` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandInfo {
    /// The command name, e.g. `echo`.
    pub name: String,
    /// The one-line description.
    pub about: String,
    /// The arguments as typed after the name, e.g. `TEXT`.
    pub usage: String,
}

impl CommandInfo {
    /// How the command is typed on `platform`, with its arguments: `/echo TEXT` on Slack.
    pub fn synopsis(&self, platform: Platform) -> String {
        let invocation = platform.invocation(&self.name);
        if self.usage.is_empty() {
            invocation
        } else {
            format!("{invocation} {}", self.usage)
        }
    }
}

/// A command ready to register with [`Bot::command`](crate::Bot::command): build it with [`cmd`].
#[derive(Clone)]
pub struct CommandDef {
    pub(crate) info: CommandInfo,
    pub(crate) slow: bool,
    pub(crate) handler: BoxedHandler,
    pub(crate) on_error: Option<ErrorHook>,
}

/// The command `name` (case-insensitive, a leading `/` ignored), answered by `handler`.
///
/// ```
/// use ackbot_core::{cmd, Args, Reply};
///
/// async fn roll(Args(sides): Args<u32>) -> Reply {
///     Reply::text(format!("1d{sides}"))
/// }
///
/// let roll = cmd("roll", roll).about("Roll a die").usage("SIDES");
/// assert_eq!(roll.info().name, "roll");
/// ```
pub fn cmd<H: Handler<T>, T>(name: &str, handler: H) -> CommandDef {
    CommandDef {
        info: CommandInfo {
            name: crate::incoming::normalise_name(name),
            about: String::new(),
            usage: String::new(),
        },
        slow: false,
        handler: BoxedHandler::new(handler),
        on_error: None,
    }
}

impl CommandDef {
    /// The one-line description `help` shows.
    pub fn about(mut self, about: impl Into<String>) -> Self {
        self.info.about = about.into();
        self
    }

    /// The arguments as `help` and the usage hint show them, e.g. `TEXT` or `2d6`.
    pub fn usage(mut self, usage: impl Into<String>) -> Self {
        self.info.usage = usage.into();
        self
    }

    /// Marks the command as slow, so platforms that can show progress (LINE's loading animation)
    /// do so before it runs.
    pub fn slow(mut self) -> Self {
        self.slow = true;
        self
    }

    /// Answers this command's errors (bad arguments, handler errors, panics) instead of the bot's
    /// `on_error`.
    pub fn on_error(
        mut self,
        hook: impl Fn(&DispatchError) -> Option<Reply> + Send + Sync + 'static,
    ) -> Self {
        self.on_error = Some(Arc::new(hook));
        self
    }

    /// The name, description and usage.
    pub fn info(&self) -> &CommandInfo {
        &self.info
    }
}
