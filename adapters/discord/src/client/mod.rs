//! The calls to Discord's API, with bounded retries on 5xx, 429 and network errors. An
//! interaction's replies go to its webhook (`/webhooks/{application.id}/{interaction.token}`),
//! which needs no bot token; the bot token (`Authorization: Bot …`) is for the rest. Neither
//! token reaches an error or a log: endpoints are named by their templates. Each attempt is the
//! shared one of [`ackbot_core::http`]; Discord's own rules (its JSON error `code`, the 429's
//! `retry_after`) are in [`judge`].

mod judge;

use std::time::{Duration, Instant};

use ackbot_core::http::{self, DELIVERY_RESPONSE_CAP};
use ackbot_core::retry::{Failure, RetryPolicy, retry};
use ackbot_core::{ExposeSecret, SecretString};
use reqwest::Method;
use serde_json::Value;

use crate::{ConfigError, DiscordConfig, ReplyError};

/// The most of a data answer read (the commands' list).
const DATA_RESPONSE_CAP: usize = 256 * 1024;

/// A client of Discord's API: one reused HTTP client, the application id, the bot token.
pub(crate) struct DiscordClient {
    http: reqwest::Client,
    api_url: String,
    application_id: String,
    bot_token: Option<SecretString>,
    retry: RetryPolicy,
    timeout: Duration,
}

/// Who a call is made as.
#[derive(Clone, Copy)]
pub(crate) enum Auth<'a> {
    /// An interaction's webhook: the token is in the path.
    Interaction(&'a str),
    /// The bot.
    Bot,
}

/// One request to the API.
pub(crate) struct Call<'a> {
    method: Method,
    /// The endpoint as errors and logs name it, e.g. `POST /webhooks/{application.id}/{interaction.token}`.
    endpoint: &'static str,
    /// The path after the API URL, with the ids and tokens in it.
    path: String,
    body: Option<&'a Value>,
    auth: Auth<'a>,
    cap: usize,
}

impl DiscordClient {
    /// A client for `config`'s API URL, application and bot token.
    pub(crate) fn new(config: &DiscordConfig) -> Result<Self, ConfigError> {
        let http = (http::client_builder(config.http_timeout).build())
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        Ok(Self {
            http,
            api_url: config.api_url.trim_end_matches('/').to_string(),
            application_id: config.application_id.clone(),
            bot_token: config.bot_token.clone(),
            retry: config.retry.clone(),
            timeout: config.http_timeout,
        })
    }

    /// The application's id.
    pub(crate) fn application_id(&self) -> &str {
        &self.application_id
    }

    fn webhook(&self, token: &str, rest: &str) -> String {
        format!("/webhooks/{}/{token}{rest}", self.application_id)
    }

    /// `PATCH /webhooks/{application.id}/{interaction.token}/messages/@original`: the answer
    /// ("thinking…") becomes `message`.
    pub(crate) async fn edit_original(
        &self,
        token: &str,
        message: &Value,
    ) -> Result<Value, ReplyError> {
        self.send(Call {
            method: Method::PATCH,
            endpoint: "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original",
            path: self.webhook(token, "/messages/@original"),
            body: Some(message),
            auth: Auth::Interaction(token),
            cap: DELIVERY_RESPONSE_CAP,
        })
        .await
    }

    /// `PATCH /webhooks/{application.id}/{interaction.token}/messages/{message.id}`: a follow-up
    /// becomes `message`.
    pub(crate) async fn edit_message(
        &self,
        token: &str,
        id: &str,
        message: &Value,
    ) -> Result<Value, ReplyError> {
        self.send(Call {
            method: Method::PATCH,
            endpoint: "PATCH /webhooks/{application.id}/{interaction.token}/messages/{message.id}",
            path: self.webhook(token, &format!("/messages/{}", path_segment(id))),
            body: Some(message),
            auth: Auth::Interaction(token),
            cap: DELIVERY_RESPONSE_CAP,
        })
        .await
    }

    /// `DELETE /webhooks/{application.id}/{interaction.token}/messages/@original`.
    pub(crate) async fn delete_original(&self, token: &str) -> Result<(), ReplyError> {
        self.send(Call {
            method: Method::DELETE,
            endpoint: "DELETE /webhooks/{application.id}/{interaction.token}/messages/@original",
            path: self.webhook(token, "/messages/@original"),
            body: None,
            auth: Auth::Interaction(token),
            cap: DELIVERY_RESPONSE_CAP,
        })
        .await
        .map(drop)
    }

    /// `POST /webhooks/{application.id}/{interaction.token}?wait=true`: a follow-up message; the
    /// answer is the message.
    pub(crate) async fn follow_up(
        &self,
        token: &str,
        message: &Value,
    ) -> Result<Value, ReplyError> {
        self.send(Call {
            method: Method::POST,
            endpoint: "POST /webhooks/{application.id}/{interaction.token}",
            // Discord answers with the message (its id, for a stream to edit) only when asked.
            path: self.webhook(token, "?wait=true"),
            body: Some(message),
            auth: Auth::Interaction(token),
            cap: DELIVERY_RESPONSE_CAP,
        })
        .await
    }

    /// `POST /channels/{channel.id}/messages` as the bot.
    pub(crate) async fn create_message(
        &self,
        channel_id: &str,
        message: &Value,
    ) -> Result<Value, ReplyError> {
        self.send(Call {
            method: Method::POST,
            endpoint: "POST /channels/{channel.id}/messages",
            path: format!("/channels/{}/messages", path_segment(channel_id)),
            body: Some(message),
            auth: Auth::Bot,
            cap: DELIVERY_RESPONSE_CAP,
        })
        .await
    }

    /// The path and endpoint of the commands: the global ones, or one server's (`guild`).
    fn commands_at(&self, guild: Option<&str>) -> (String, &'static str, &'static str) {
        let app = &self.application_id;
        match guild {
            None => (
                format!("/applications/{app}/commands"),
                "GET /applications/{application.id}/commands",
                "PUT /applications/{application.id}/commands",
            ),
            Some(guild) => (
                format!(
                    "/applications/{app}/guilds/{}/commands",
                    path_segment(guild)
                ),
                "GET /applications/{application.id}/guilds/{guild.id}/commands",
                "PUT /applications/{application.id}/guilds/{guild.id}/commands",
            ),
        }
    }

    /// `GET /applications/{application.id}/commands` (or a server's) as the bot.
    pub(crate) async fn commands(&self, guild: Option<&str>) -> Result<Value, ReplyError> {
        let (path, endpoint, _) = self.commands_at(guild);
        self.send(Call {
            method: Method::GET,
            endpoint,
            path,
            body: None,
            auth: Auth::Bot,
            cap: DATA_RESPONSE_CAP,
        })
        .await
    }

    /// `PUT /applications/{application.id}/commands` (or a server's) as the bot: replaces them.
    pub(crate) async fn overwrite_commands(
        &self,
        guild: Option<&str>,
        commands: &Value,
    ) -> Result<Value, ReplyError> {
        let (path, _, endpoint) = self.commands_at(guild);
        self.send(Call {
            method: Method::PUT,
            endpoint,
            path,
            body: Some(commands),
            auth: Auth::Bot,
            cap: DATA_RESPONSE_CAP,
        })
        .await
    }

    /// `GET /users/@me` as the bot: who the token is.
    pub(crate) async fn me(&self) -> Result<Value, ReplyError> {
        self.send(Call {
            method: Method::GET,
            endpoint: "GET /users/@me",
            path: "/users/@me".to_string(),
            body: None,
            auth: Auth::Bot,
            cap: DELIVERY_RESPONSE_CAP,
        })
        .await
    }

    /// Makes `call`, retried by the policy; the answer's JSON (`null` for none).
    async fn send(&self, call: Call<'_>) -> Result<Value, ReplyError> {
        let endpoint = call.endpoint;
        let bot_token = match call.auth {
            Auth::Bot => Some(
                (self.bot_token.as_ref().map(ExposeSecret::expose_secret))
                    .ok_or(ReplyError::NoBotToken(endpoint))?,
            ),
            Auth::Interaction(_) => None,
        };
        let secrets: Vec<&str> = match call.auth {
            Auth::Interaction(token) => vec![token],
            Auth::Bot => bot_token.into_iter().collect(),
        };
        let url = format!("{}{}", self.api_url, call.path);
        let call = &call;
        let secrets = &secrets;
        let result = retry(&self.retry, |attempt| {
            let mut request = self.http.request(call.method.clone(), &url);
            if let Some(token) = bot_token {
                request = request.header(reqwest::header::AUTHORIZATION, format!("Bot {token}"));
            }
            if let Some(body) = call.body {
                request = request.json(body);
            }
            async move {
                let started = Instant::now();
                match http::attempt(request, call.cap, self.timeout).await {
                    Ok(answer) => {
                        let status = answer.status.as_u16();
                        let judged = judge::judge(answer, secrets);
                        let outcome = match &judged {
                            Ok(_) => Ok(status),
                            Err(failure) => Err(failure.error().summary()),
                        };
                        http::observe(
                            started,
                            || endpoint.to_string(),
                            outcome,
                            || texts(call.body),
                        );
                        judged
                    }
                    Err(no_answer) => {
                        let reason = no_answer.reason;
                        http::observe(
                            started,
                            || endpoint.to_string(),
                            Err(reason.clone()),
                            || texts(call.body),
                        );
                        tracing::debug!(endpoint, attempt, %reason, "Discord API call failed");
                        let error = judge::AttemptError::Network(reason);
                        Err(match no_answer.malformed {
                            true => Failure::Permanent(error),
                            false => Failure::transient(error),
                        })
                    }
                }
            }
        })
        .await;
        result.map_err(|gave_up| gave_up.error.into_error(endpoint, gave_up.attempts))
    }
}

/// A value placed in a path, kept to one segment (an id never holds a `/`, but a bad one must
/// not reach another endpoint).
fn path_segment(id: &str) -> String {
    id.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// The text a message carries, for the observers.
fn texts(body: Option<&Value>) -> Option<String> {
    body?.get("content")?.as_str().map(str::to_string)
}
