//! The facade's error type: why ackbot could not start or finish, with the typed errors of the
//! layers below as sources.

use std::fmt;

use crate::ConfigError;

/// Why ackbot could not start or finish a command. Its `Debug` prints the whole chain of causes
/// on one line, so `fn main() -> Result<(), ackbot::Error>` says what is wrong in plain words.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bot's registrations are wrong (a handler lacks its state, a name nobody can type).
    #[error("the bot cannot start")]
    Build(#[from] ackbot_core::BuildError),
    /// The configuration is missing or wrong.
    #[error("the configuration is not usable")]
    Config(#[from] ConfigError),
    /// The Slack adapter refused its settings.
    #[error("the Slack adapter cannot start")]
    Slack(#[from] ackbot_slack::ConfigError),
    /// The LINE adapter refused its settings.
    #[error("the LINE adapter cannot start")]
    Line(#[from] ackbot_line::ConfigError),
    /// The local edge could not start, or stopped with an error.
    #[cfg(feature = "serve")]
    #[error("the local edge failed")]
    Serve(#[from] ackbot_serve::ServeError),
    /// Reading, writing or serving failed.
    #[error("input/output failed")]
    Io(#[from] std::io::Error),
    /// The Lambda function failed.
    #[cfg(feature = "lambda")]
    #[error("the Lambda function failed")]
    Lambda(#[from] ackbot_lambda::LambdaError),
    /// `ackbot send` could not deliver its webhook.
    #[cfg(feature = "dev")]
    #[error("send failed")]
    Send(#[from] ackbot_serve::SendError),
    /// The demo failed, or some of its samples did not behave as expected.
    #[cfg(feature = "dev")]
    #[error("the demo failed")]
    Demo(#[from] ackbot_serve::demo::DemoError),
    /// `ackbot manifest` could not write a manifest Slack would take.
    #[cfg(feature = "serve")]
    #[error("no manifest")]
    Manifest(#[from] ackbot_slack::manifest::ManifestError),
    /// Discord refused or did not answer a call of `ackbot discord`.
    #[error("Discord's API failed")]
    Discord(#[source] Box<ackbot_discord::ReplyError>),
    /// The bot was asked to run somewhere its features do not cover.
    #[error("{0}")]
    Unsupported(&'static str),
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&ackbot_core::chain(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_typed_cause() {
        let error = Error::from(ackbot_slack::ConfigError::EmptySigningSecret);
        let debug = format!("{error:?}");
        assert!(
            debug.starts_with("the Slack adapter cannot start: "),
            "{debug}"
        );
        assert!(debug.contains("SLACK_SIGNING_SECRET"), "{debug}");
        let source = std::error::Error::source(&error).unwrap();
        assert!(source.downcast_ref::<ackbot_slack::ConfigError>().is_some());
    }
}
