//! Why a dispatch did not end in the handler's own replies, and the default English answers.

use std::fmt;

use crate::{ArgsRejection, HandlerError, Platform, Reply};

/// A command as the user typed it: its platform and name. Displays as typed: `/echo` on Slack,
/// `echo` on LINE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The platform.
    pub platform: Platform,
    /// The command name (or event type), without a leading `/`; empty for a bare mention.
    pub name: String,
}

impl fmt::Display for Invocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.platform.invocation(&self.name))
    }
}

/// Every way a dispatch can fail, as the `on_error` hooks receive it. Each is logged by ackbot
/// whatever the hook answers.
#[derive(Debug)]
#[non_exhaustive]
pub enum DispatchError {
    /// No command of that name, and no `fallback`.
    UnknownCommand {
        /// What was typed.
        invocation: Invocation,
        /// How to ask for `help` (`/help`), when the bot has a `help` command.
        help: Option<String>,
    },
    /// The arguments are missing or did not parse.
    BadArguments {
        /// The command.
        invocation: Invocation,
        /// How the command is typed with its arguments, e.g. `/roll 2d6`.
        usage: String,
        /// Why the extractor refused them.
        rejection: ArgsRejection,
    },
    /// A handler asked for state the bot lacks (only outside a built bot, or by an extractor of
    /// your own: `Bot::build` checks `State<T>`).
    MissingState {
        /// The command.
        invocation: Invocation,
        /// The Rust type name asked for.
        type_name: &'static str,
    },
    /// The command does not carry what the handler asked for, e.g. a Slack client for a LINE
    /// message.
    Unavailable {
        /// The command.
        invocation: Invocation,
        /// What was asked for, in words.
        what: &'static str,
    },
    /// The handler returned an error.
    Handler {
        /// The command.
        invocation: Invocation,
        /// The error.
        error: HandlerError,
    },
    /// The handler panicked; the worker carries on.
    Panic {
        /// The command.
        invocation: Invocation,
        /// The panic's message.
        message: String,
    },
    /// The handler was stopped at its [`Deadline`](crate::Deadline) (under Lambda, shortly
    /// before the function's own time runs out).
    TimedOut {
        /// The command.
        invocation: Invocation,
    },
}

impl DispatchError {
    /// The command the error is about.
    pub fn invocation(&self) -> &Invocation {
        match self {
            DispatchError::UnknownCommand { invocation, .. }
            | DispatchError::BadArguments { invocation, .. }
            | DispatchError::MissingState { invocation, .. }
            | DispatchError::Unavailable { invocation, .. }
            | DispatchError::Handler { invocation, .. }
            | DispatchError::Panic { invocation, .. }
            | DispatchError::TimedOut { invocation } => invocation,
        }
    }

    /// ackbot's own answer in English: what the default `on_error` sends.
    pub fn default_reply(&self) -> Reply {
        Reply::text(match self {
            DispatchError::UnknownCommand { invocation, help } => {
                let asked = if invocation.name.is_empty() {
                    "that".to_string()
                } else {
                    format!("“{invocation}”")
                };
                match help {
                    Some(help) => format!("I don't know {asked}. Try {help} to see what I can do."),
                    None => format!("I don't know {asked}."),
                }
            }
            DispatchError::BadArguments {
                invocation,
                usage,
                rejection,
            } => {
                format!("Couldn't read the arguments of {invocation}: {rejection}.\nUsage: {usage}")
            }
            DispatchError::MissingState { invocation, .. } => {
                format!("Sorry, {invocation} is not set up correctly. The error has been logged.")
            }
            DispatchError::Unavailable { invocation, .. } => {
                format!(
                    "Sorry, {invocation} is not available on {}.",
                    invocation.platform
                )
            }
            // The author's words, as written: the apology is for errors they did not word.
            DispatchError::Handler { invocation, error } => match error.user_message() {
                Some(message) => message.to_string(),
                None => format!("Sorry, {invocation} failed. The error has been logged."),
            },
            DispatchError::Panic { invocation, .. } => {
                format!("Sorry, {invocation} failed unexpectedly. The error has been logged.")
            }
            DispatchError::TimedOut { invocation } => {
                format!("Sorry, {invocation} took too long and was stopped.")
            }
        })
    }

    /// Writes the error's log line, at the level it deserves.
    pub(crate) fn log(&self) {
        let command = self.invocation().to_string();
        match self {
            DispatchError::UnknownCommand { .. } => tracing::info!(%command, "unknown command"),
            DispatchError::BadArguments { rejection, .. } => {
                tracing::info!(%command, error = %rejection, "bad arguments")
            }
            DispatchError::MissingState { type_name, .. } => {
                tracing::error!(%command, type_name, "handler cannot run: missing state")
            }
            DispatchError::Unavailable { what, .. } => {
                tracing::warn!(%command, what, "handler cannot run here")
            }
            DispatchError::Handler { error, .. } => {
                let error = crate::error::chain(error.error());
                tracing::warn!(%command, %error, "handler failed")
            }
            DispatchError::Panic { message, .. } => {
                tracing::error!(%command, panic = %message, "handler panicked")
            }
            DispatchError::TimedOut { .. } => {
                tracing::error!(%command, "handler stopped at its deadline")
            }
        }
    }
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let invocation = self.invocation();
        match self {
            DispatchError::UnknownCommand { .. } => write!(f, "unknown command {invocation}"),
            DispatchError::BadArguments { rejection, .. } => {
                write!(f, "bad arguments to {invocation}: {rejection}")
            }
            DispatchError::MissingState { type_name, .. } => {
                write!(f, "{invocation} needs state of type `{type_name}`")
            }
            DispatchError::Unavailable { what, .. } => {
                write!(
                    f,
                    "{invocation} needs {what}, which this command does not carry"
                )
            }
            DispatchError::Handler { error, .. } => write!(f, "{invocation} failed: {error}"),
            DispatchError::Panic { message, .. } => write!(f, "{invocation} panicked: {message}"),
            DispatchError::TimedOut { .. } => write!(f, "{invocation} ran out of time"),
        }
    }
}

impl std::error::Error for DispatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DispatchError::BadArguments { rejection, .. } => Some(rejection),
            DispatchError::Handler { error, .. } => error.error().source(),
            _ => None,
        }
    }
}
