//! Why an extractor refused a command: each extractor's own rejection, and the one the
//! dispatcher receives.

use std::convert::Infallible;

/// Why the argument text could not give a handler its argument: what `Args<T>` and `NonEmpty<Text>`
/// answer. The dispatcher turns it into a reply that shows the command's usage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgsRejection {
    /// The command needs arguments and got none.
    #[error("this command needs arguments")]
    Missing,
    /// The arguments did not parse.
    #[error("`{input}` is not valid: {reason}")]
    Invalid {
        /// The text that failed to parse.
        input: String,
        /// The parser's reason.
        reason: String,
    },
}

impl ArgsRejection {
    /// Arguments that did not parse, for `reason`.
    pub fn invalid(input: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        ArgsRejection::Invalid {
            input: input.into(),
            reason: reason.to_string(),
        }
    }
}

/// `State<T>` found no state of type `T`. [`Bot::build`](crate::Bot::build) catches this for
/// every registered handler, so it is met only by extractors run outside a built bot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no state of type `{type_name}` was added to the bot (Bot::state)")]
pub struct StateRejection {
    /// The Rust type name asked for.
    pub type_name: &'static str,
}

/// What the handler asked for is not there for this command: a platform's API client on another
/// platform, an interaction's payload for a typed command. Answered as "not available here".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} is not available for this command")]
pub struct UnavailableRejection {
    /// What was asked for, in words (e.g. "the Slack Web API").
    pub what: &'static str,
}

/// A rejection of any extractor, as the dispatcher receives it. An extractor of your own
/// rejects with an [`ArgsRejection`] (answered with the usage) or a [`StateRejection`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The arguments are missing or invalid.
    #[error(transparent)]
    Args(#[from] ArgsRejection),
    /// The bot lacks the state the handler asked for.
    #[error(transparent)]
    State(#[from] StateRejection),
    /// The command does not carry what the handler asked for (e.g. a Slack client on LINE).
    #[error(transparent)]
    Unavailable(#[from] UnavailableRejection),
}

impl From<Infallible> for Rejection {
    fn from(never: Infallible) -> Self {
        match never {}
    }
}
