//! What the Discord adapter needs to know: the application's public key and id, the bot token,
//! the API URL, the retry policy, and how the bot's commands are answered.

use std::collections::HashMap;
use std::time::Duration;

use ackbot_core::retry::{DEFAULT_HTTP_TIMEOUT, RetryPolicy};
use ackbot_core::{CommandInfo, SecretString, Visibility};

/// Discord's API base URL, version 10.
pub const DEFAULT_API_URL: &str = "https://discord.com/api/v10";

/// Whether `id` is a Discord id (a snowflake: an application's, a server's): digits only.
pub fn is_snowflake(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_digit())
}

/// Configuration of the Discord adapter; build it with [`DiscordConfig::new`] and the `with_*`
/// methods.
#[derive(Clone, Debug)]
pub struct DiscordConfig {
    /// The application's public key, 64 hex digits (`DISCORD_PUBLIC_KEY`).
    pub public_key: String,
    /// The application's id (`DISCORD_APPLICATION_ID`).
    pub application_id: String,
    /// The bot token (`DISCORD_BOT_TOKEN`): registering commands, messages to other channels.
    pub bot_token: Option<SecretString>,
    /// The API base URL (`DISCORD_API_URL`), `https://discord.com/api/v10` by default.
    pub api_url: String,
    /// Retries of API calls on 5xx, 429 and network errors.
    pub retry: RetryPolicy,
    /// The timeout of one HTTP request (`ACKBOT_HTTP_TIMEOUT_MS`).
    pub http_timeout: Duration,
    /// How each of the bot's commands is acknowledged, by name.
    pub commands: HashMap<String, CommandAck>,
}

/// How a command is acknowledged, as its definition declares: known before its handler runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommandAck {
    /// Whether "thinking…" is shown to everyone ([`CommandDef::in_channel`]), not only to the
    /// user who asked.
    ///
    /// [`CommandDef::in_channel`]: ackbot_core::CommandDef::in_channel
    pub in_channel: bool,
    /// Whether the handler runs at the front door, for an answer (a modal) in the
    /// acknowledgement ([`CommandDef::answers_in_ack`]).
    ///
    /// [`CommandDef::answers_in_ack`]: ackbot_core::CommandDef::answers_in_ack
    pub answers_in_ack: bool,
}

impl DiscordConfig {
    /// A configuration with the application's public key and id, no bot token, the default API
    /// URL and retries.
    pub fn new(public_key: impl Into<String>, application_id: impl Into<String>) -> Self {
        Self {
            public_key: public_key.into(),
            application_id: application_id.into(),
            bot_token: None,
            api_url: DEFAULT_API_URL.to_string(),
            retry: RetryPolicy::default(),
            http_timeout: DEFAULT_HTTP_TIMEOUT,
            commands: HashMap::new(),
        }
    }

    /// Sets the bot token.
    pub fn with_bot_token(mut self, token: impl Into<SecretString>) -> Self {
        self.bot_token = Some(token.into());
        self
    }

    /// Sets the API base URL, e.g. a local stand-in of the API.
    pub fn with_api_url(mut self, api_url: impl Into<String>) -> Self {
        self.api_url = api_url.into();
        self
    }

    /// Sets the retry policy of API calls.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the timeout of one HTTP request.
    pub fn with_http_timeout(mut self, timeout: Duration) -> Self {
        self.http_timeout = timeout;
        self
    }

    /// Learns how the bot's commands are acknowledged from their definitions.
    pub fn with_commands<'a>(
        mut self,
        commands: impl IntoIterator<Item = &'a CommandInfo>,
    ) -> Self {
        self.commands = (commands.into_iter())
            .map(|info| {
                let ack = CommandAck {
                    in_channel: info.visibility == Visibility::InChannel,
                    answers_in_ack: info.answers_in_ack,
                };
                (info.name.clone(), ack)
            })
            .collect();
        self
    }
}
