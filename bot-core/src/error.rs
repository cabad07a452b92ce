//! The errors of the handler layer: what a handler returns and why arguments failed to extract.

use std::fmt;

/// Any error, boxed, as adapters hand it to the worker.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error a handler returns.
///
/// Build it from any error with `?`, or with [`HandlerError::user`] to say exactly what the user
/// should read. Only a `user` message is shown to the user; any other error is logged and the user
/// gets a short apology.
pub struct HandlerError {
    user_message: Option<String>,
    source: BoxError,
}

impl HandlerError {
    /// An error whose message is shown to the user as it is.
    pub fn user(message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            user_message: Some(message.clone()),
            source: message.into(),
        }
    }

    /// An error with a message for the log only.
    pub fn msg(message: impl Into<String>) -> Self {
        Self {
            user_message: None,
            source: message.into().into(),
        }
    }

    /// The message meant for the user, if the handler gave one.
    pub fn user_message(&self) -> Option<&str> {
        self.user_message.as_deref()
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for HandlerError {
    fn from(error: E) -> Self {
        Self {
            user_message: None,
            source: Box::new(error),
        }
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.source, f)
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.source, f)
    }
}

/// Why an extractor could not give a handler its argument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The command needs arguments and got none.
    #[error("this command needs arguments")]
    TooFewArguments,
    /// The arguments did not parse.
    #[error("`{input}` is not valid: {reason}")]
    IncorrectFormat {
        /// The text that failed to parse.
        input: String,
        /// The parser's reason.
        reason: String,
    },
    /// The handler asked for `State<T>` and the bot has no state of that type.
    #[error("no state of type `{type_name}` was added to the bot (Router::state)")]
    MissingState {
        /// The Rust type name asked for.
        type_name: &'static str,
    },
}
