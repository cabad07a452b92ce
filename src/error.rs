//! The binary's error type.

/// Why ackbot could not start or finish a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is missing or wrong.
    #[error("configuration: {0}")]
    Config(String),
    /// A platform adapter refused its settings.
    #[error("{0}")]
    Adapter(String),
    /// Reading, writing or listening failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// `ackbot send` could not deliver its webhook.
    #[error("send: {0}")]
    Send(String),
    /// Some demo samples did not get their expected reply.
    #[error("demo: {0}")]
    Demo(String),
    /// The Lambda runtime failed.
    #[error("lambda: {0}")]
    Lambda(String),
}
