//! `Bot`: the router of a bot author's commands, and `run`, which picks Lambda or the CLI.

use std::sync::Arc;

use bot_core::{Handler, Router, Worker};
use bot_line::{LineAdapter, LineConfig};
use bot_slack::{SlackAdapter, SlackConfig};

use crate::config::Config;
use crate::Error;

/// A bot: its commands, event handlers and state.
#[derive(Default)]
pub struct Bot {
    router: Router,
}

impl Bot {
    /// A bot with no commands.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` for the command `name` (`echo` answers `/echo` on Slack and `echo` on
    /// LINE).
    pub fn command<H: Handler<T>, T>(self, name: &str, handler: H) -> Self {
        Self {
            router: self.router.command(name, handler),
        }
    }

    /// Sets the one-line description of the command registered last.
    pub fn about(self, about: &str) -> Self {
        Self {
            router: self.router.about(about),
        }
    }

    /// Sets the argument synopsis of the command registered last, e.g. `TEXT`.
    pub fn usage(self, usage: &str) -> Self {
        Self {
            router: self.router.usage(usage),
        }
    }

    /// Marks the command registered last as slow (LINE shows its loading animation first).
    pub fn slow(self) -> Self {
        Self {
            router: self.router.slow(),
        }
    }

    /// Registers `handler` for a platform event such as LINE `follow`.
    pub fn on<H: Handler<T>, T>(self, event: &str, handler: H) -> Self {
        Self {
            router: self.router.on(event, handler),
        }
    }

    /// Adds shared state for the `State<T>` extractor.
    pub fn state<T: Clone + Send + Sync + 'static>(self, value: T) -> Self {
        Self {
            router: self.router.state(value),
        }
    }

    /// Mounts a group of commands, e.g. `bot_handlers::builtins()`.
    pub fn mount(self, group: Router) -> Self {
        Self {
            router: self.router.mount(group),
        }
    }

    /// The bot's router.
    pub fn into_router(self) -> Router {
        self.router
    }

    /// Runs the bot: the Lambda worker when `AWS_LAMBDA_RUNTIME_API` is set, else the command line
    /// (`serve`, `demo`, `send`).
    pub async fn run(self) -> Result<(), Error> {
        if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
            crate::lambda::run(self.router).await
        } else {
            crate::cli::run(self.router).await
        }
    }
}

/// A worker for `router` with an adapter for every configured platform.
pub(crate) fn worker(router: Router, config: &Config) -> Result<Worker, Error> {
    let mut worker = Worker::new(router.build());
    if let Some(slack) = &config.slack {
        let mut settings =
            SlackConfig::new(slack.signing_secret.clone()).with_api_url(&slack.api_url);
        if let Some(token) = &slack.bot_token {
            settings = settings.with_bot_token(token.clone());
        }
        let adapter = SlackAdapter::new(settings).map_err(|e| Error::Adapter(e.to_string()))?;
        worker = worker.with_adapter(Arc::new(adapter));
    }
    if let Some(line) = &config.line {
        let settings = LineConfig::new(line.channel_secret.expose(), line.access_token.clone())
            .with_api_url(&line.api_url)
            .with_reply_token_ttl_ms(line.reply_token_ttl_ms);
        let adapter = LineAdapter::new(settings).map_err(|e| Error::Adapter(e.to_string()))?;
        worker = worker.with_adapter(Arc::new(adapter));
    }
    Ok(worker)
}
