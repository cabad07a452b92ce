//! A test kit for bot authors (feature `testing`): drive a [`Bot`] in-process, with no edge and
//! no socket for the webhook, and see what it answered and which API calls it made.
//!
//! ```no_run
//! use ackbot::prelude::*;
//! use ackbot::testing::TestBot;
//!
//! async fn shout(Text(text): Text) -> Reply {
//!     Reply::text(text.to_uppercase())
//! }
//!
//! # async fn doc() -> Result<(), ackbot::Error> {
//! let bot = TestBot::new(Bot::new().command(cmd("shout", shout))).await?;
//!
//! let slack = bot.slack_command("/shout hi").await;
//! assert_eq!(slack.texts(), ["HI"]);
//!
//! let line = bot.line_text("shout hi").await;
//! assert_eq!(line.texts(), ["HI"]);
//!
//! let forged = bot.slack_command("/shout hi").signed_with("not the secret").await;
//! assert!(forged.rejection().unwrap().contains("signature"));
//! # Ok(()) }
//! ```
//!
//! Each webhook is built as the platform sends it, signed with the kit's secrets ([`SLACK_SIGNING_SECRET`],
//! [`LINE_CHANNEL_SECRET`], Discord's test key pair) or not, and handed to the same worker
//! `ackbot serve` and the Lambda function run — through the front door first on the routes it
//! answers (Slack events and interactions, Discord), so the computed ack (a URL-verification
//! challenge, a modal's `response_action`, menu options, Discord's deferral or modal) comes back
//! too. The replies go through the real Slack, LINE and Discord clients to stand-ins of their
//! APIs on loopback, which answer as the platforms document and record every call.
//!
//! The clock is fixed (at [`START_MS`]) and moves only when told ([`TestBot::advance`]), so
//! signature freshness and the LINE reply token's age are the same on every run.

mod click;
mod delivered;
mod delivery;
pub mod payload;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ackbot_core::Bot;
use ackbot_core::adapter::PageRequest;
use ackbot_core::runtime::{Observation, Worker};
use ackbot_core::testing::FixedClock;

use crate::Error;
use crate::config::Config;
use ackbot_discord::standin::DiscordStandIn;
use ackbot_line::standin::LineStandIn;
use ackbot_slack::oauth::MemoryInstallations;
use ackbot_slack::standin::SlackStandIn;

pub use delivered::{Ack, ApiCall, Delivered};
pub use delivery::Delivery;

/// The Slack signing secret the kit signs with and the bot verifies with.
pub const SLACK_SIGNING_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
/// The Slack bot token the bot calls the (stand-in) Web API with.
pub const SLACK_BOT_TOKEN: &str = "xoxb-test-bot-token";
/// The LINE channel secret the kit signs with and the bot verifies with.
pub const LINE_CHANNEL_SECRET: &str = "8c570fa6dd201bb328f1c1eac23a96d8";
/// The LINE channel access token the bot calls the (stand-in) Messaging API with.
pub const LINE_CHANNEL_ACCESS_TOKEN: &str = "test-channel-access-token";
/// The Discord bot token the kit configures (interactions are signed with the test key pair of
/// `ackbot::discord::sample`).
pub const DISCORD_BOT_TOKEN: &str = "test-discord-bot-token";
/// The app's client id in [`TestBot::in_workspaces`].
pub const SLACK_CLIENT_ID: &str = "1111111111.2222222222222";
/// The app's client secret in [`TestBot::in_workspaces`].
pub const SLACK_CLIENT_SECRET: &str = "00112233445566778899aabbccddeeff";
/// Where the bot is reached in [`TestBot::in_workspaces`] (its OAuth redirect's base).
pub const PUBLIC_URL: &str = "https://bot.ackbot.test";
/// Where the kit's clock starts: 2023-11-14T22:13:20Z, in ms since the epoch.
pub const START_MS: i64 = ackbot_core::testing::RECEIVED_AT_MS;

/// A bot under test, with its worker, a fixed clock and stand-ins of the Slack and LINE APIs.
pub struct TestBot {
    worker: Worker,
    clock: Arc<FixedClock>,
    config: Config,
    slack: SlackStandIn,
    line: LineStandIn,
    discord: DiscordStandIn,
    /// The worker's stages since the current delivery began.
    stages: Arc<Mutex<Vec<Observation>>>,
    /// One delivery at a time, so every recorded API call belongs to the delivery that made it.
    turn: tokio::sync::Mutex<()>,
}

impl TestBot {
    /// Builds `bot` (failing as `run` would if a handler lacks its state) and starts the stand-ins,
    /// with both platforms configured.
    pub async fn new(bot: Bot) -> Result<Self, Error> {
        Self::with_env(bot, &[]).await
    }

    /// As [`new`](Self::new), with further configuration as environment variables would give it,
    /// e.g. `[("ACKBOT_LINE_REPLY_TOKEN_TTL_MS", "1000")]`. The secrets, tokens and API URLs are
    /// the kit's own.
    pub async fn with_env(bot: Bot, env: &[(&str, &str)]) -> Result<Self, Error> {
        Self::build(bot, env, false).await
    }

    /// As [`new`](Self::new), with Slack in distribution mode (many workspaces): no workspace
    /// has the app until [`install`](Self::install) installs it, and each request's Web API
    /// calls carry its own workspace's token. Installations live in memory.
    ///
    /// ```no_run
    /// # use ackbot::prelude::*;
    /// # use ackbot::testing::TestBot;
    /// # async fn doc(bot: Bot) -> Result<(), ackbot::Error> {
    /// let bot = TestBot::in_workspaces(bot).await?;
    /// bot.install("T1").await.unwrap();
    /// bot.install("T2").await.unwrap();
    /// let from_t2 = bot.slack_mention("echo hi").from_team("T2").await;
    /// assert!(from_t2.messages()[0].token.as_deref().unwrap().starts_with("xoxb-T2-"));
    /// # Ok(()) }
    /// ```
    pub async fn in_workspaces(bot: Bot) -> Result<Self, Error> {
        Self::build(bot, &[], true).await
    }

    async fn build(bot: Bot, env: &[(&str, &str)], workspaces: bool) -> Result<Self, Error> {
        let dispatcher = bot.build()?;
        let slack = SlackStandIn::start().await?;
        let line = LineStandIn::start().await?;
        let discord = DiscordStandIn::start().await?;
        let (slack_api, line_api) = (slack.api_url(), line.api_url());
        let discord_api = discord.api_url();
        let config = Config::from_lookup(|name| {
            let own = match name {
                "SLACK_SIGNING_SECRET" => Some(SLACK_SIGNING_SECRET),
                "SLACK_BOT_TOKEN" if !workspaces => Some(SLACK_BOT_TOKEN),
                "SLACK_CLIENT_ID" if workspaces => Some(SLACK_CLIENT_ID),
                "SLACK_CLIENT_SECRET" if workspaces => Some(SLACK_CLIENT_SECRET),
                "ACKBOT_PUBLIC_URL" if workspaces => Some(PUBLIC_URL),
                "SLACK_API_URL" => Some(slack_api.as_str()),
                "LINE_CHANNEL_SECRET" => Some(LINE_CHANNEL_SECRET),
                "LINE_CHANNEL_ACCESS_TOKEN" => Some(LINE_CHANNEL_ACCESS_TOKEN),
                "LINE_API_URL" => Some(line_api.as_str()),
                "DISCORD_PUBLIC_KEY" => Some(ackbot_discord::sample::TEST_PUBLIC_KEY),
                "DISCORD_APPLICATION_ID" => Some(ackbot_discord::sample::APPLICATION_ID),
                "DISCORD_BOT_TOKEN" => Some(DISCORD_BOT_TOKEN),
                "DISCORD_API_URL" => Some(discord_api.as_str()),
                _ => None,
            };
            own.or_else(|| env.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
                .map(str::to_string)
        })?;
        let clock = Arc::new(FixedClock::at(START_MS));
        let stages = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&stages);
        let installations = Arc::new(MemoryInstallations::new());
        let worker = crate::wiring::worker_with_installations(dispatcher, &config, installations)?
            .with_clock(clock.clone())
            .with_observer(Arc::new(move |o: &Observation| {
                seen.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(o.clone());
            }));
        Ok(Self {
            worker,
            clock,
            stages,
            config,
            slack,
            line,
            discord,
            turn: tokio::sync::Mutex::new(()),
        })
    }

    /// Installs the app in the workspace `team` (e.g. `T1`) the way a browser does: the
    /// install link, the stand-in's authorize page approving it, the OAuth redirect. `Err`
    /// carries the page that refused it (distribution mode is off unless the kit was built
    /// with [`in_workspaces`](Self::in_workspaces)).
    pub async fn install(&self, team: &str) -> Result<(), String> {
        let start = PageRequest::new(ackbot_slack::oauth::INSTALL_ROUTE, "");
        let page = self
            .worker
            .page(&start)
            .await
            .ok_or("distribution mode is off")?;
        let (Some(location), Some(cookie)) = (page.header("location"), page.header("set-cookie"))
        else {
            return Err(page.body);
        };
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let approved = (browser.get(format!("{location}&team={team}")).send().await)
            .map_err(|e| e.to_string())?;
        let back = approved
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok());
        let query = back
            .and_then(|b| b.split_once('?'))
            .map(|(_, q)| q)
            .unwrap_or_default();
        let mut redirect = PageRequest::new(ackbot_slack::oauth::OAUTH_REDIRECT_ROUTE, query);
        let state_cookie = cookie.split(';').next().unwrap_or_default();
        redirect.headers.append("Cookie", state_cookie);
        let page = self
            .worker
            .page(&redirect)
            .await
            .ok_or("distribution mode is off")?;
        match page.status {
            200 => Ok(()),
            _ => Err(page.body),
        }
    }

    /// The kit's clock now, in ms since the epoch: when the next webhook is received.
    pub fn now_ms(&self) -> i64 {
        ackbot_core::runtime::Clock::now_ms(self.clock.as_ref())
    }

    /// Moves the clock forward, e.g. past a LINE reply token's life.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by.as_millis() as i64);
    }

    /// Every API call the stand-ins received so far, in order.
    pub fn calls(&self) -> Vec<ApiCall> {
        let mut calls: Vec<ApiCall> = (self.slack.recorder().calls().into_iter())
            .map(ApiCall::slack)
            .chain(self.line.recorder().calls().into_iter().map(ApiCall::line))
            .chain((self.discord.recorder().calls().into_iter()).map(ApiCall::discord))
            .collect();
        calls.sort_by_key(|c| c.at_ms);
        calls
    }

    /// A slash command as typed in Slack, e.g. `/echo hi`, from user `U2147483697` in channel
    /// `C2147483705`, with a `response_url` on the stand-in.
    pub fn slack_command(&self, typed: &str) -> Delivery<'_> {
        let response_url = self
            .slack
            .response_url(&format!("{}", ackbot_core::testing::unique()));
        let body = ackbot_slack::sample::slash_command(typed, &response_url);
        Delivery::new(self, ackbot_slack::COMMANDS_ROUTE, body)
    }

    /// An Events API delivery of `event` (the inner object, e.g. `{"type": "app_mention", …}`),
    /// wrapped in an `event_callback` with a new `event_id`, as Slack sends it.
    pub fn slack_event(&self, event: serde_json::Value) -> Delivery<'_> {
        let body = payload::event_callback(event).to_string();
        Delivery::new(self, ackbot_slack::EVENTS_ROUTE, body)
    }

    /// An Events API body exactly as given, e.g. a `url_verification` or a repeated `event_id`.
    pub fn slack_events_body(&self, body: serde_json::Value) -> Delivery<'_> {
        Delivery::new(self, ackbot_slack::EVENTS_ROUTE, body.to_string())
    }

    /// A mention of the bot followed by `text` in channel [`payload::CHANNEL`], e.g. `echo hi`.
    pub fn slack_mention(&self, text: &str) -> Delivery<'_> {
        let event_id = format!("Ev{:010X}", ackbot_core::testing::unique());
        let body = ackbot_slack::sample::app_mention(text, payload::CHANNEL, &event_id);
        Delivery::new(self, ackbot_slack::EVENTS_ROUTE, body)
    }

    /// An interactivity request carrying `payload` (a `block_actions`, `view_submission`,
    /// `shortcut`, … object; [`payload`] builds the common ones).
    pub fn slack_interaction(&self, payload: serde_json::Value) -> Delivery<'_> {
        let body = ackbot_slack::sample::interaction(&payload);
        Delivery::new(self, ackbot_slack::INTERACTIONS_ROUTE, body)
    }

    /// A LINE text message from a user in a one-to-one chat, with a fresh reply token.
    pub fn line_text(&self, text: &str) -> Delivery<'_> {
        let body = ackbot_line::sample::text_message(text, payload::LINE_USER_ID, false);
        Delivery::new(self, ackbot_line::WEBHOOK_ROUTE, body)
    }

    /// A LINE webhook carrying `event` (e.g. a `follow` or a `postback`); `webhookEventId`,
    /// `deliveryContext`, `timestamp` and `mode` are filled in when missing.
    pub fn line_event(&self, event: serde_json::Value) -> Delivery<'_> {
        let body =
            ackbot_line::sample::webhook(serde_json::Value::Array(vec![payload::line_event(
                event,
                self.now_ms(),
            )]));
        Delivery::new(self, ackbot_line::WEBHOOK_ROUTE, body)
    }

    /// A LINE webhook body exactly as given, e.g. several events, or a redelivery.
    pub fn line_webhook_body(&self, body: serde_json::Value) -> Delivery<'_> {
        Delivery::new(self, ackbot_line::WEBHOOK_ROUTE, body.to_string())
    }

    /// A Discord slash command as typed, e.g. `/echo hi` (its text in the `text` option), from
    /// user [`ackbot::discord::sample::USER_ID`](ackbot_discord::sample::USER_ID) in a server's
    /// channel, signed with the test key pair.
    pub fn discord_command(&self, typed: &str) -> Delivery<'_> {
        self.discord_interaction(ackbot_discord::sample::typed(typed))
    }

    /// A Discord interaction exactly as given: a click, a modal's submission, an autocomplete
    /// (`ackbot::discord::sample` builds them).
    pub fn discord_interaction(&self, interaction: serde_json::Value) -> Delivery<'_> {
        Delivery::new(
            self,
            ackbot_discord::INTERACTIONS_ROUTE,
            interaction.to_string(),
        )
    }
}
