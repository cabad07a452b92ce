//! A command as a value: its name, handler, description, usage and error hook travel together.

use std::sync::Arc;

use crate::handler::{BoxedHandler, Handler};
use crate::{DispatchError, Platform, Reply, Visibility};

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
    /// A platform's own usage and description, where they differ (see
    /// [`CommandDef::on_platform`]).
    pub per_platform: Vec<PlatformWords>,
    /// Who its replies are for, as declared with [`CommandDef::in_channel`] (ephemeral unless
    /// said): a platform that shows a placeholder before the handler runs (Discord's
    /// "thinking…") shows it to them.
    pub visibility: Visibility,
    /// Whether its handler runs at the front door, for an answer that only the acknowledgement
    /// can carry: see [`CommandDef::answers_in_ack`].
    pub answers_in_ack: bool,
}

/// A command's usage and description on one platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformWords {
    /// The platform.
    pub platform: Platform,
    /// Its usage there.
    pub usage: String,
    /// Its description there.
    pub about: String,
}

impl CommandInfo {
    /// How the command is typed on `platform`, with its arguments: `/echo TEXT` on Slack.
    pub fn synopsis(&self, platform: Platform) -> String {
        let invocation = platform.invocation(&self.name);
        let usage = self.usage_on(platform);
        if usage.is_empty() {
            invocation
        } else {
            format!("{invocation} {usage}")
        }
    }

    /// Its usage on `platform`: that platform's own, else the common one.
    pub fn usage_on(&self, platform: Platform) -> &str {
        self.words(platform).map_or(&self.usage, |w| &w.usage)
    }

    /// Its description on `platform`: that platform's own, else the common one.
    pub fn about_on(&self, platform: Platform) -> &str {
        self.words(platform).map_or(&self.about, |w| &w.about)
    }

    fn words(&self, platform: Platform) -> Option<&PlatformWords> {
        self.per_platform.iter().find(|w| w.platform == platform)
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
            per_platform: Vec::new(),
            visibility: Visibility::Ephemeral,
            answers_in_ack: false,
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

    /// Its usage and description on `platform`, where they differ from the common ones (set with
    /// [`usage`](Self::usage) and [`about`](Self::about)): e.g. a LINE-only way of typing
    /// arguments kept out of Slack's manifest and `help`.
    pub fn on_platform(
        mut self,
        platform: Platform,
        usage: impl Into<String>,
        about: impl Into<String>,
    ) -> Self {
        self.info.per_platform.retain(|w| w.platform != platform);
        self.info.per_platform.push(PlatformWords {
            platform,
            usage: usage.into(),
            about: about.into(),
        });
        self
    }

    /// Declares that the command answers in the channel, for everyone to see (its replies are
    /// [`Reply::in_channel`]): on Discord, the "thinking…" shown while it runs is then public
    /// too. It is a declaration, known before the handler runs: a reply that says otherwise
    /// still goes as it says (on Discord as a message of its own).
    pub fn in_channel(mut self) -> Self {
        self.info.visibility = Visibility::InChannel;
        self
    }

    /// Runs the handler at the front door, before the acknowledgement, so that its
    /// [`Answer`](crate::Answer) can go in it where a platform takes an answer only there: a
    /// Discord modal (its interaction response). Within the acknowledgement's deadline it must
    /// answer quickly; its replies are still sent by the worker, and its slow part belongs in
    /// [`Later`](crate::Later). Where the platform has no such answer (Slack, LINE) the handler
    /// runs in the worker as usual.
    pub fn answers_in_ack(mut self) -> Self {
        self.info.answers_in_ack = true;
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
