//! Configuration from the environment (and a `.env` file), as DESIGN.md lists it.

use std::time::Duration;

use bot_core::{is_blank, Expiry, SecretString};

/// The default Slack Web API base URL.
pub(crate) const DEFAULT_SLACK_API_URL: &str = bot_slack::DEFAULT_API_URL;
/// The default LINE Messaging API base URL.
pub(crate) const DEFAULT_LINE_API_URL: &str = bot_line::DEFAULT_API_URL;

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
    /// LINE is half configured.
    #[error(
        "LINE_CHANNEL_SECRET is set but LINE_CHANNEL_ACCESS_TOKEN is not: set it to the channel \
         access token from the LINE Developers console"
    )]
    MissingLineAccessToken,
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
        source: crate::secrets::SecretsError,
    },
    /// The idempotency table cannot be used.
    #[cfg(feature = "lambda")]
    #[error("cannot use the idempotency table {table}")]
    Idempotency {
        /// The table (`ACKBOT_IDEMPOTENCY_TABLE`).
        table: String,
        /// Why not.
        #[source]
        source: crate::dynamodb::DynamoError,
    },
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
    /// How the local edge acknowledges and queues.
    #[cfg(feature = "serve")]
    pub edge: EdgeSettings,
}

/// The idempotency store's settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IdempotencySettings {
    /// `ACKBOT_IDEMPOTENCY_TABLE`: the DynamoDB table every worker shares (partition key `id` of
    /// type S, TTL attribute `expiration`); unset, each process keeps its keys in memory.
    pub table: Option<String>,
    /// `ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS`: how long a claim in progress holds before another
    /// delivery may take the work up (default 120,000, as Powertools' in-progress expiry; longer
    /// than a handler may run); completed keys are remembered 24 hours.
    pub expiry: Expiry,
}

/// The local edge's settings (`serve`, `demo`).
#[cfg(feature = "serve")]
#[derive(Clone, Debug)]
pub(crate) struct EdgeSettings {
    /// `ACKBOT_WORKERS`: envelopes processed at once by `serve` (default 64: the work waits on
    /// Slack's and LINE's APIs, so eight workers at 200 ms a reply would cap it at 40 events/s).
    pub workers: usize,
    /// `ACKBOT_QUEUE_CAPACITY`: envelopes waiting for a worker before `serve` answers 503
    /// (default 1024).
    pub queue_capacity: usize,
    /// `ACKBOT_ACK_STATUS`: the acknowledgement status, 200 (the platforms' documented code,
    /// default) or 202.
    pub ack_status: u16,
    /// `ACKBOT_SLACK_COMMAND_ACK_BODY`: a static body for slash-command acks, e.g.
    /// `{"response_type":"in_channel"}` (default empty).
    pub slack_command_ack_body: String,
    /// `ACKBOT_DRAIN_TIMEOUT_SECS`: how long `serve` waits for queued work on shutdown (default 60).
    pub drain_timeout: Duration,
    /// `ACKBOT_FUNCTION_ACK`: the routes acknowledged by the front door, which verifies them and
    /// may answer from the request (comma-separated; default `/slack/events,/slack/interactions`,
    /// as the stack deploys them; `none` for none). The others get the static acknowledgement.
    pub function_ack_routes: Vec<String>,
    /// `ACKBOT_INSPECT`: `off` turns the inspector (`GET /_ackbot/`) off (default `on`: served on
    /// a loopback address, elsewhere only with a token).
    #[cfg_attr(not(feature = "dev"), allow(dead_code))]
    pub inspect: bool,
    /// `ACKBOT_INSPECT_TOKEN`: serves the inspector on a non-loopback address too, to those who
    /// log in with this token.
    #[cfg_attr(not(feature = "dev"), allow(dead_code))]
    pub inspect_token: Option<SecretString>,
}

#[cfg(feature = "serve")]
impl EdgeSettings {
    /// Whether the front door answers `route` (`ACKBOT_FUNCTION_ACK`), rather than the static ack.
    pub fn is_function_ack(&self, route: &str) -> bool {
        self.function_ack_routes.iter().any(|r| r == route)
    }
}

/// The routes that are function-ack by default, locally and in the stack.
#[cfg(feature = "serve")]
pub(crate) const DEFAULT_FUNCTION_ACK_ROUTES: &str = "/slack/events,/slack/interactions";

/// Every webhook route ackbot serves.
#[cfg(feature = "serve")]
const WEBHOOK_ROUTES: [&str; 4] = [
    "/slack/commands",
    "/slack/interactions",
    "/slack/events",
    "/line/webhook",
];

impl Config {
    /// Reads the configuration from the process environment, after loading `.env` if present.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is worth saying.
        if let Err(e) = dotenvy::dotenv() {
            if !e.not_found() {
                let file = crate::dotenv::find_dotenv();
                return Err(ConfigError::DotEnv(crate::dotenv::unreadable(
                    &e,
                    file.as_deref(),
                )));
            }
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The configured platforms' names, `slack` then `line`.
    #[cfg(feature = "serve")]
    pub fn platforms(&self) -> Vec<&'static str> {
        [
            self.slack.as_ref().map(|_| "slack"),
            self.line.as_ref().map(|_| "line"),
        ]
        .into_iter()
        .flatten()
        .collect()
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
                })
            }
        };
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
                })
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
            bot_core::retry::DEFAULT_HTTP_TIMEOUT.as_millis() as usize,
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
            log_format,
            ack_deadline: Duration::from_millis(ack_deadline_ms as u64),
            http_timeout: Duration::from_millis(http_timeout_ms as u64),
            idempotency: IdempotencySettings::from_lookup(&lookup)?,
            #[cfg(feature = "serve")]
            edge: EdgeSettings::from_lookup(&lookup)?,
        })
    }
}

impl IdempotencySettings {
    fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let table = lookup("ACKBOT_IDEMPOTENCY_TABLE")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let mut expiry = Expiry::default();
        let in_progress_ms = number(
            lookup,
            "ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS",
            expiry.in_progress_ms as usize,
        )?;
        if !(1..=expiry.completed_ms as usize).contains(&in_progress_ms) {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS",
                value: in_progress_ms.to_string(),
                expected: "milliseconds from 1 to 86400000 (a day, how long completed keys last)",
            });
        }
        expiry.in_progress_ms = in_progress_ms as i64;
        Ok(Self { table, expiry })
    }
}

#[cfg(feature = "serve")]
impl EdgeSettings {
    fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let ack_status = number(lookup, "ACKBOT_ACK_STATUS", 200)?;
        if !(200..300).contains(&ack_status) {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_ACK_STATUS",
                value: ack_status.to_string(),
                expected: "a 2xx status such as 200 or 202",
            });
        }
        Ok(Self {
            workers: number(lookup, "ACKBOT_WORKERS", 64)?.max(1),
            queue_capacity: number(lookup, "ACKBOT_QUEUE_CAPACITY", 1024)?.max(1),
            ack_status: ack_status as u16,
            slack_command_ack_body: lookup("ACKBOT_SLACK_COMMAND_ACK_BODY").unwrap_or_default(),
            drain_timeout: Duration::from_secs(
                number(lookup, "ACKBOT_DRAIN_TIMEOUT_SECS", 60)? as u64
            ),
            function_ack_routes: function_ack_routes(lookup)?,
            inspect: switch(lookup, "ACKBOT_INSPECT", true)?,
            inspect_token: match lookup("ACKBOT_INSPECT_TOKEN") {
                None => None,
                Some(token) => Some(required_secret("ACKBOT_INSPECT_TOKEN", token)?),
            },
        })
    }
}

#[cfg(feature = "serve")]
fn function_ack_routes(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, ConfigError> {
    let value = lookup("ACKBOT_FUNCTION_ACK")
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_FUNCTION_ACK_ROUTES.to_string());
    if value.trim() == "none" {
        return Ok(Vec::new());
    }
    value
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|route| match WEBHOOK_ROUTES.contains(&route) {
            true => Ok(route.to_string()),
            false => Err(ConfigError::Invalid {
                name: "ACKBOT_FUNCTION_ACK",
                value: value.clone(),
                expected: "comma-separated routes among /slack/commands, /slack/interactions, \
                           /slack/events, /line/webhook, or `none`",
            }),
        })
        .collect()
}

fn required_secret(name: &'static str, value: String) -> Result<SecretString, ConfigError> {
    let secret = SecretString::from(value);
    if is_blank(&secret) {
        return Err(ConfigError::EmptySecret { name });
    }
    Ok(secret)
}

fn url(lookup: &impl Fn(&str) -> Option<String>, name: &str, default: &str) -> String {
    lookup(name)
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// `on` or `off` (also `true`/`false`, `1`/`0`), `default` when unset or blank.
#[cfg(feature = "serve")]
fn switch(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match lookup(name) {
        None => Ok(default),
        Some(v) => match v.trim().to_ascii_lowercase().as_str() {
            "" => Ok(default),
            "on" | "true" | "1" => Ok(true),
            "off" | "false" | "0" => Ok(false),
            _ => Err(ConfigError::Invalid {
                name,
                value: v,
                expected: "on or off",
            }),
        },
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
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
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

    #[cfg(feature = "serve")]
    #[test]
    fn the_inspector_is_on_by_default_and_its_token_cannot_be_blank() {
        let edge = |vars: &[(&str, &str)]| config(vars).map(|c| c.edge);
        let default = edge(&[]).unwrap();
        assert!(default.inspect && default.inspect_token.is_none());
        assert!(!edge(&[("ACKBOT_INSPECT", "off")]).unwrap().inspect);
        assert!(edge(&[("ACKBOT_INSPECT", " ON ")]).unwrap().inspect);
        let wrong = edge(&[("ACKBOT_INSPECT", "maybe")])
            .unwrap_err()
            .to_string();
        assert!(
            wrong.contains("ACKBOT_INSPECT") && wrong.contains("on or off"),
            "{wrong}"
        );
        assert!(edge(&[("ACKBOT_INSPECT_TOKEN", "  ")]).is_err());
        let token = edge(&[("ACKBOT_INSPECT_TOKEN", "t0ken")])
            .unwrap()
            .inspect_token;
        assert!(token.is_some_and(|t| !format!("{t:?}").contains("t0ken")));
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
    fn idempotency_is_in_memory_unless_a_table_is_named() {
        let c = config(&[]).unwrap();
        assert_eq!(c.idempotency, IdempotencySettings::default());
        let c = config(&[
            ("ACKBOT_IDEMPOTENCY_TABLE", " ackbot-idempotency "),
            ("ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS", "1500"),
        ])
        .unwrap();
        assert_eq!(c.idempotency.table.as_deref(), Some("ackbot-idempotency"));
        assert_eq!(c.idempotency.expiry.in_progress_ms, 1500);
        assert_eq!(
            c.idempotency.expiry.completed_ms,
            Expiry::default().completed_ms
        );
        assert!(config(&[("ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS", "0")]).is_err());
        assert!(config(&[("ACKBOT_IDEMPOTENCY_TABLE", "")])
            .unwrap()
            .idempotency
            .table
            .is_none());
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
