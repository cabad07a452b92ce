//! Why no Slack app manifest could be made.

use super::commands::MAX_COMMANDS;

/// Why no Slack app manifest could be made: something in the options or the registrations that
/// Slack would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The base URL is not an absolute https URL Slack can call.
    #[error("`{url}` is not a usable base URL: {reason}")]
    BaseUrl {
        /// As given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The app name is empty or too long for Slack.
    #[error("`{name}` is not a usable app name: {reason}")]
    AppName {
        /// As given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A registered command has a name Slack refuses for a slash command.
    #[error("the command `{name}` cannot be a Slack slash command: {reason}")]
    CommandName {
        /// The name as registered.
        name: String,
        /// What Slack would refuse.
        reason: String,
    },
    /// More commands than a Slack app may have.
    #[error(
        "the bot has {count} commands, and a Slack app takes at most {MAX_COMMANDS} slash commands"
    )]
    TooManyCommands {
        /// How many the bot registered.
        count: usize,
    },
    /// A further scope that is no scope name.
    #[error(
        "`{scope}` is not a Slack scope: scopes are written like `reactions:write` \
         (lowercase letters, digits and `:._-`)"
    )]
    Scope {
        /// As given.
        scope: String,
    },
}
