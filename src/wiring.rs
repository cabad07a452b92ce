//! The one place a worker is put together: the built bot, and an adapter for every platform the
//! configuration enables. `serve`, `demo` and the Lambda worker all start here.

use std::sync::Arc;

use bot_core::{Dispatcher, ExposeSecret, Worker};
use bot_line::{LineAdapter, LineConfig};
use bot_slack::{SlackAdapter, SlackConfig};

use crate::config::Config;
use crate::Error;

/// A worker for `dispatcher` with an adapter for every configured platform.
pub(crate) fn worker(dispatcher: Dispatcher, config: &Config) -> Result<Worker, Error> {
    let mut worker = Worker::new(dispatcher);
    if let Some(slack) = &config.slack {
        let mut settings =
            SlackConfig::new(slack.signing_secret.clone()).with_api_url(&slack.api_url);
        if let Some(token) = &slack.bot_token {
            settings = settings.with_bot_token(token.clone());
        }
        worker = worker.with_adapter(Arc::new(SlackAdapter::new(settings)?));
    }
    if let Some(line) = &config.line {
        let settings = LineConfig::new(
            line.channel_secret.expose_secret(),
            line.access_token.clone(),
        )
        .with_api_url(&line.api_url)
        .with_reply_token_ttl_ms(line.reply_token_ttl_ms);
        worker = worker.with_adapter(Arc::new(LineAdapter::new(settings)?));
    }
    Ok(worker)
}
