//! The errors of the bot layer: what a handler returns, and why a bot could not be built.

use std::fmt;
use std::sync::Arc;

/// Any error, boxed, as adapters hand it to the worker. Downcast it to the adapter's own type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A typed error shared between observers and the log: cheap to clone, still downcastable.
pub type SharedError = Arc<dyn std::error::Error + Send + Sync + 'static>;

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

    /// The error itself, to downcast or to walk its sources.
    pub fn error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self.source.as_ref()
    }
}

// Like `anyhow::Error`, `HandlerError` is not an `Error` itself, so that `?` converts any error.
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

/// Why [`Bot::build`](crate::Bot::build) refused a bot: found when the bot starts, not at the first
/// command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// A handler takes `State<T>` and no state of that type was added with `Bot::state`.
    #[error(
        "{handler} takes State<{type_name}>, but no state of that type was added: \
         call .state(…) with a {type_name} on the bot"
    )]
    MissingState {
        /// Which handler, e.g. "the command `roll`".
        handler: String,
        /// The Rust type name asked for.
        type_name: &'static str,
    },
    /// A command name is empty or contains white space, so nobody could type it.
    #[error("`{name}` is not a command name: use one word without spaces, e.g. `roll`")]
    InvalidName {
        /// The name as registered.
        name: String,
    },
}

/// An error and its sources on one line, `outer: inner: innermost`, for logs.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Wrappers that print their source themselves would say it twice.
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("reply not delivered")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn chain_lists_every_source_once() {
        let error = Outer(std::io::Error::other("connection reset"));
        assert_eq!(chain(&error), "reply not delivered: connection reset");
        let io = std::io::Error::other("alone");
        assert_eq!(chain(&io), "alone");
    }

    #[test]
    fn handler_errors_keep_their_source() {
        let error: HandlerError = std::io::Error::other("disk on fire").into();
        assert!(error.error().downcast_ref::<std::io::Error>().is_some());
        assert_eq!(error.user_message(), None);
        assert_eq!(HandlerError::user("no").user_message(), Some("no"));
    }
}
