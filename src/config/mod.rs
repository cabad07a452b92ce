//! Configuration from the environment (and a `.env` file), as DESIGN.md lists it: the platforms
//! here, the idempotency store in [`idempotency`], the local edge in [`edge`].

mod discord;
mod distribution;
#[cfg(feature = "serve")]
mod edge;
mod idempotency;
mod llm;

use std::time::Duration;

use ackbot_core::SecretString;
use ackbot_core::adapter::is_blank;

pub(crate) use discord::DiscordSettings;
pub(crate) use distribution::DistributionSettings;
#[cfg(feature = "serve")]
pub(crate) use edge::EdgeSettings;
pub(crate) use idempotency::IdempotencySettings;

/// The default Slack Web API base URL.
pub(crate) const DEFAULT_SLACK_API_URL: &str = ackbot_slack::DEFAULT_API_URL;
/// The default LINE Messaging API base URL.
pub(crate) const DEFAULT_LINE_API_URL: &str = ackbot_line::DEFAULT_API_URL;

/// Why the configuration in the environment cannot be used. Never carries a secret's value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A `.env` file exists but could not be read: why, never quoting the file (a malformed line
    /// may hold a secret).
    #[error("{0}")]
    DotEnv(String),
    /// A secret is set to an empty value.
    #[error(
        "{name} is set but empty: refusing to start with no secret (unset it to disable the platform)"
    )]
    EmptySecret {
        /// The variable.
        name: &'static str,
    },
    /// A secret is too short to resist guessing; its length is told, never its value.
    #[error(
        "{name} has {chars} characters: it must have at least {min} (make one with \
         `openssl rand -hex 32`)"
    )]
    ShortSecret {
        /// The variable.
        name: &'static str,
        /// How many characters it has.
        chars: usize,
        /// How many it needs.
        min: usize,
    },
    /// LINE is half configured.
    #[error(
        "LINE_CHANNEL_SECRET is set but LINE_CHANNEL_ACCESS_TOKEN is not: set it to the channel \
         access token from the LINE Developers console"
    )]
    MissingLineAccessToken,
    /// Discord is half configured.
    #[error(
        "DISCORD_PUBLIC_KEY is set but DISCORD_APPLICATION_ID is not: set it to the Application \
         ID from the Developer Portal's General Information page"
    )]
    MissingDiscordApplicationId,
    /// A Discord setting is not of its form (the adapter's words, never a value that may be a
    /// secret pasted in the wrong place).
    #[error(transparent)]
    Discord(#[from] ackbot_discord::ConfigError),
    /// A setting's value is not of the expected form.
    #[error("{name} must be {expected}, not `{value}`")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// The secrets could not be read from AWS Secrets Manager.
    #[cfg(feature = "lambda")]
    #[error("cannot read the secret {arn}")]
    Secret {
        /// The secret's ARN.
        arn: String,
        /// Why not.
        #[source]
        source: ackbot_lambda::SecretsError,
    },
    /// The idempotency table cannot be used.
    #[cfg(feature = "lambda")]
    #[error("cannot use the idempotency table {table}")]
    Idempotency {
        /// The table (`ACKBOT_IDEMPOTENCY_TABLE`).
        table: String,
        /// Why not (boxed: AWS's errors are large, and this one is rare).
        #[source]
        source: Box<ackbot_lambda::DynamoError>,
    },
    /// The installation store cannot be opened.
    #[error("cannot use the installation store")]
    Installations(#[source] ackbot_slack::oauth::StoreError),
    /// The idempotency table is set in a build without DynamoDB.
    #[cfg(not(feature = "lambda"))]
    #[error(
        "ACKBOT_IDEMPOTENCY_TABLE is set, but this build has no DynamoDB client: enable ackbot's \
         `lambda` feature, or unset it to keep idempotency keys in memory"
    )]
    IdempotencyNeedsLambda,
}

/// Slack settings; present when `SLACK_SIGNING_SECRET` is set.
#[derive(Clone, Debug)]
pub(crate) struct SlackSettings {
    /// `SLACK_SIGNING_SECRET`.
    pub signing_secret: SecretString,
    /// `SLACK_BOT_TOKEN`, for `chat.postMessage`.
    pub bot_token: Option<SecretString>,
    /// `SLACK_API_URL`.
    pub api_url: String,
    /// Distribution mode, when `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` are set.
    pub distribution: Option<DistributionSettings>,
}

/// LINE settings; present when `LINE_CHANNEL_SECRET` is set.
#[derive(Clone, Debug)]
pub(crate) struct LineSettings {
    /// `LINE_CHANNEL_SECRET`, one or several comma-separated secrets.
    pub channel_secret: SecretString,
    /// `LINE_CHANNEL_ACCESS_TOKEN`.
    pub access_token: SecretString,
    /// `LINE_API_URL`.
    pub api_url: String,
    /// `ACKBOT_LINE_REPLY_TOKEN_TTL_MS`: how long after receipt the reply token is still used
    /// (default 50,000, inside LINE's one minute); later replies are pushed.
    pub reply_token_ttl_ms: i64,
    /// `ACKBOT_LINE_MARK_AS_READ`: `on` marks each message read when its handler starts.
    pub mark_as_read: bool,
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object a line (`ACKBOT_LOG_FORMAT=json`), as in Lambda.
    Json,
}

/// Everything ackbot reads from its environment.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    /// Slack, when configured.
    pub slack: Option<SlackSettings>,
    /// LINE, when configured.
    pub line: Option<LineSettings>,
    /// Discord, when configured.
    pub discord: Option<DiscordSettings>,
    /// `ACKBOT_LOG_FORMAT`: `text` (default locally) or `json` (default under Lambda).
    pub log_format: LogFormat,
    /// `ACKBOT_ACK_DEADLINE_MS`: how long a function-ack route (the Lambda front door, or the
    /// local edge) lets a handler compute its answer before it acknowledges without it (default
    /// 2,500, inside Slack's 3 s).
    #[cfg_attr(not(any(feature = "serve", feature = "lambda")), allow(dead_code))]
    pub ack_deadline: Duration,
    /// `ACKBOT_HTTP_TIMEOUT_MS`: the timeout of one HTTP request to Slack's or LINE's API
    /// (default 10,000); a slower answer is retried like a network error.
    pub http_timeout: Duration,
    /// Where idempotency keys are kept, and how long a claim holds.
    pub idempotency: IdempotencySettings,
    /// The assistant's model (`ACKBOT_LLM_*`), when configured.
    pub llm: Option<crate::handlers::ModelConfig>,
    /// How the local edge acknowledges and queues.
    #[cfg(feature = "serve")]
    pub edge: EdgeSettings,
}

impl Config {
    /// Reads the configuration from the process environment, after loading `.env` if present.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is worth saying.
        if let Err(e) = dotenvy::dotenv()
            && !e.not_found()
        {
            let file = crate::dotenv::find_dotenv();
            return Err(ConfigError::DotEnv(crate::dotenv::unreadable(
                &e,
                file.as_deref(),
            )));
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// What the local edge needs: its settings, the front door's deadline, and the secrets the
    /// inspector's Send signs with.
    #[cfg(feature = "serve")]
    pub fn serve_settings(&self) -> ackbot_serve::ServeSettings {
        ackbot_serve::ServeSettings {
            edge: self.edge.clone(),
            ack_deadline: self.ack_deadline,
            signing: ackbot_serve::Signing {
                slack: self.slack.as_ref().map(|s| s.signing_secret.clone()),
                line: self.line.as_ref().map(|l| l.channel_secret.clone()),
                discord: self.discord.as_ref().map(|d| d.public_key.clone()),
            },
        }
    }

    /// Reads the configuration through `lookup` (the environment, or a test's map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let slack = match lookup("SLACK_SIGNING_SECRET") {
            None => None,
            Some(secret) => Some(SlackSettings {
                signing_secret: required_secret("SLACK_SIGNING_SECRET", secret)?,
                bot_token: lookup("SLACK_BOT_TOKEN")
                    .filter(|t| !t.trim().is_empty())
                    .map(SecretString::from),
                api_url: url(&lookup, "SLACK_API_URL", DEFAULT_SLACK_API_URL),
                distribution: DistributionSettings::from_lookup(&lookup)?,
            }),
        };
        let line = match lookup("LINE_CHANNEL_SECRET") {
            None => None,
            Some(secret) => {
                let channel_secret = required_secret("LINE_CHANNEL_SECRET", secret)?;
                let token = lookup("LINE_CHANNEL_ACCESS_TOKEN")
                    .ok_or(ConfigError::MissingLineAccessToken)?;
                Some(LineSettings {
                    channel_secret,
                    access_token: required_secret("LINE_CHANNEL_ACCESS_TOKEN", token)?,
                    api_url: url(&lookup, "LINE_API_URL", DEFAULT_LINE_API_URL),
                    reply_token_ttl_ms: number(&lookup, "ACKBOT_LINE_REPLY_TOKEN_TTL_MS", 50_000)?
                        as i64,
                    mark_as_read: switch(&lookup, "ACKBOT_LINE_MARK_AS_READ")?,
                })
            }
        };
        let discord = discord::from_lookup(&lookup)?;
        let under_lambda = lookup("AWS_LAMBDA_RUNTIME_API").is_some();
        let log_format = match lookup("ACKBOT_LOG_FORMAT").as_deref().map(str::trim) {
            Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            None | Some("") if under_lambda => LogFormat::Json,
            None | Some("") => LogFormat::Text,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "ACKBOT_LOG_FORMAT",
                    value: other.to_string(),
                    expected: "`text` or `json`",
                });
            }
        };
        let ack_deadline_ms = number(&lookup, "ACKBOT_ACK_DEADLINE_MS", 2500)?;
        if !(1..=29_000).contains(&ack_deadline_ms) {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_ACK_DEADLINE_MS",
                value: ack_deadline_ms.to_string(),
                expected: "milliseconds from 1 to 29000 (Slack waits 3000)",
            });
        }
        let http_timeout_ms = number(
            &lookup,
            "ACKBOT_HTTP_TIMEOUT_MS",
            ackbot_core::retry::DEFAULT_HTTP_TIMEOUT.as_millis() as usize,
        )?;
        if !(1..=300_000).contains(&http_timeout_ms) {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_HTTP_TIMEOUT_MS",
                value: http_timeout_ms.to_string(),
                expected: "milliseconds from 1 to 300000",
            });
        }
        Ok(Self {
            slack,
            line,
            discord,
            log_format,
            ack_deadline: Duration::from_millis(ack_deadline_ms as u64),
            http_timeout: Duration::from_millis(http_timeout_ms as u64),
            idempotency: IdempotencySettings::from_lookup(&lookup)?,
            llm: llm::from_lookup(&lookup)?,
            #[cfg(feature = "serve")]
            edge: edge::edge_settings(&lookup)?,
        })
    }
}

fn required_secret(name: &'static str, value: String) -> Result<SecretString, ConfigError> {
    let secret = SecretString::from(value);
    if is_blank(&secret) {
        return Err(ConfigError::EmptySecret { name });
    }
    Ok(secret)
}

pub(super) fn url(lookup: &impl Fn(&str) -> Option<String>, name: &str, default: &str) -> String {
    lookup(name)
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// An `on`/`off` setting (also `true`/`false`, `1`/`0`), off when unset.
fn switch(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<bool, ConfigError> {
    match lookup(name).as_deref().map(str::trim) {
        None | Some("") | Some("off") | Some("false") | Some("0") => Ok(false),
        Some("on") | Some("true") | Some("1") => Ok(true),
        Some(other) => Err(ConfigError::Invalid {
            name,
            value: other.to_string(),
            expected: "`on` or `off`",
        }),
    }
}

fn number(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: usize,
) -> Result<usize, ConfigError> {
    match lookup(name) {
        None => Ok(default),
        Some(v) if v.trim().is_empty() => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| ConfigError::Invalid {
            name,
            value: v,
            expected: "a whole number",
        }),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::collections::HashMap;

    pub(super) fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn nothing_configured_means_no_platform() {
        let c = config(&[]).unwrap();
        assert!(c.slack.is_none() && c.line.is_none());
        assert_eq!(
            (c.edge.ack_status, c.edge.workers, c.log_format),
            (200, 64, LogFormat::Text)
        );
    }

    #[test]
    fn empty_signing_secret_is_refused() {
        let err = config(&[("SLACK_SIGNING_SECRET", " ")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("SLACK_SIGNING_SECRET is set but empty"),
            "{err}"
        );
    }

    #[test]
    fn line_needs_its_token() {
        let err = config(&[("LINE_CHANNEL_SECRET", "s")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("LINE_CHANNEL_ACCESS_TOKEN"), "{err}");
    }

    #[test]
    fn urls_default_and_lose_trailing_slash() {
        let c = config(&[
            ("SLACK_SIGNING_SECRET", "s"),
            ("SLACK_API_URL", "http://x/api/"),
        ])
        .unwrap();
        assert_eq!(c.slack.unwrap().api_url, "http://x/api");
        let c = config(&[
            ("LINE_CHANNEL_SECRET", "s"),
            ("LINE_CHANNEL_ACCESS_TOKEN", "t"),
        ])
        .unwrap();
        assert_eq!(c.line.unwrap().api_url, DEFAULT_LINE_API_URL);
    }

    #[test]
    fn bad_numbers_and_statuses_are_refused() {
        assert!(config(&[("ACKBOT_WORKERS", "many")]).is_err());
        assert!(config(&[("ACKBOT_ACK_STATUS", "500")]).is_err());
        assert_eq!(
            config(&[("ACKBOT_ACK_STATUS", "202")])
                .unwrap()
                .edge
                .ack_status,
            202
        );
        assert!(config(&[("ACKBOT_LOG_FORMAT", "xml")]).is_err());
    }

    #[test]
    fn the_http_timeout_is_a_setting() {
        assert_eq!(config(&[]).unwrap().http_timeout, Duration::from_secs(10));
        let c = config(&[("ACKBOT_HTTP_TIMEOUT_MS", "300")]).unwrap();
        assert_eq!(c.http_timeout, Duration::from_millis(300));
        for bad in ["0", "soon", "300001"] {
            let err = config(&[("ACKBOT_HTTP_TIMEOUT_MS", bad)]).unwrap_err();
            assert!(err.to_string().contains("ACKBOT_HTTP_TIMEOUT_MS"), "{err}");
        }
    }

    #[test]
    fn line_read_receipts_are_a_switch() {
        let line = [
            ("LINE_CHANNEL_SECRET", "s"),
            ("LINE_CHANNEL_ACCESS_TOKEN", "t"),
        ];
        assert!(!config(&line).unwrap().line.unwrap().mark_as_read);
        let on = [line[0], line[1], ("ACKBOT_LINE_MARK_AS_READ", "on")];
        assert!(config(&on).unwrap().line.unwrap().mark_as_read);
        let bad = [line[0], line[1], ("ACKBOT_LINE_MARK_AS_READ", "yes please")];
        assert!(
            config(&bad)
                .unwrap_err()
                .to_string()
                .contains("ACKBOT_LINE_MARK_AS_READ")
        );
    }

    #[test]
    fn lambda_defaults_to_json_logs() {
        let c = config(&[("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")]).unwrap();
        assert_eq!(c.log_format, LogFormat::Json);
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let c = config(&[
            ("SLACK_SIGNING_SECRET", "topsecret"),
            ("SLACK_BOT_TOKEN", "xoxb-1"),
        ])
        .unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("topsecret") && !debug.contains("xoxb-1"));
    }
}
