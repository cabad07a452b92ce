//! What the crate's tests share: workers with real adapters pointed at stand-ins, and settings.

use std::time::Duration;

use ackbot_core::runtime::Worker;
use ackbot_core::{Dispatcher, SecretString};
use ackbot_line::{LineAdapter, LineConfig};
use ackbot_slack::{SlackAdapter, SlackConfig};

use crate::{EdgeSettings, ServeSettings, Signing};

/// One platform's settings for a test: its secret, token and API's address.
pub(crate) struct Platform<'a> {
    pub(crate) secret: &'a str,
    pub(crate) token: &'a str,
    pub(crate) api_url: &'a str,
}

/// A worker for `dispatcher` with an adapter for each platform given, on a loopback edge.
pub(crate) fn worker(
    dispatcher: Dispatcher,
    slack: Option<Platform<'_>>,
    line: Option<Platform<'_>>,
) -> Worker {
    with_discord(dispatcher, slack, line, None)
}

/// As [`worker`], with Discord too when its API's address is given: the test key pair's
/// application (`ackbot_discord::sample`).
pub(crate) fn with_discord(
    dispatcher: Dispatcher,
    slack: Option<Platform<'_>>,
    line: Option<Platform<'_>>,
    discord_api: Option<&str>,
) -> Worker {
    let catalog = dispatcher.catalog().to_vec();
    let mut worker = Worker::new(dispatcher);
    if let Some(api_url) = discord_api {
        use ackbot_discord::sample::{APPLICATION_ID, TEST_PUBLIC_KEY};
        let config = ackbot_discord::DiscordConfig::new(TEST_PUBLIC_KEY, APPLICATION_ID)
            .with_api_url(api_url)
            .with_commands(&catalog);
        let adapter = ackbot_discord::DiscordAdapter::new(config).unwrap();
        worker = worker.with_adapter(std::sync::Arc::new(adapter));
    }
    if let Some(slack) = slack {
        let config = SlackConfig::new(slack.secret)
            .with_bot_token(slack.token)
            .with_api_url(slack.api_url)
            .with_loopback_response_urls(true);
        worker = worker.with_adapter(std::sync::Arc::new(SlackAdapter::new(config).unwrap()));
    }
    if let Some(line) = line {
        let config = LineConfig::new(line.secret, line.token).with_api_url(line.api_url);
        worker = worker.with_adapter(std::sync::Arc::new(LineAdapter::new(config).unwrap()));
    }
    worker
}

/// Settings with the defaults but `edge`'s changes, an ack deadline of `ack_deadline`, and the
/// secrets the inspector's Send signs with.
pub(crate) fn settings(
    edge: impl FnOnce(&mut EdgeSettings),
    ack_deadline: Duration,
    slack_secret: Option<&str>,
    line_secret: Option<&str>,
) -> ServeSettings {
    let mut settings = EdgeSettings::default();
    edge(&mut settings);
    ServeSettings {
        edge: settings,
        ack_deadline,
        signing: Signing {
            slack: slack_secret.map(|s| SecretString::from(s.to_string())),
            line: line_secret.map(|s| SecretString::from(s.to_string())),
            discord: None,
        },
    }
}
