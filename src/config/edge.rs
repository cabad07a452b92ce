//! The local edge's settings (`serve`, `demo`): acknowledgements, the queue, the inspector.

use std::time::Duration;

use ackbot_core::{ExposeSecret, SecretString};

use super::{number, required_secret, ConfigError};

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

#[cfg(feature = "serve")]
impl EdgeSettings {
    pub(super) fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
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
            inspect_token: inspect_token(lookup)?,
        })
    }
}

/// The fewest characters `ACKBOT_INSPECT_TOKEN` may have: it guards Replay, which sends real
/// messages with the platforms' tokens.
pub(crate) const MIN_INSPECT_TOKEN_CHARS: usize = 32;

/// `ACKBOT_INSPECT_TOKEN`, when set: not blank, and at least [`MIN_INSPECT_TOKEN_CHARS`] long.
fn inspect_token(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<SecretString>, ConfigError> {
    let Some(token) = lookup("ACKBOT_INSPECT_TOKEN") else {
        return Ok(None);
    };
    let name = "ACKBOT_INSPECT_TOKEN";
    let token = required_secret(name, token)?;
    let chars = token.expose_secret().trim().chars().count();
    if chars < MIN_INSPECT_TOKEN_CHARS {
        return Err(ConfigError::ShortSecret {
            name,
            chars,
            min: MIN_INSPECT_TOKEN_CHARS,
        });
    }
    Ok(Some(token))
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

#[cfg(test)]
mod tests {
    use super::super::tests::config;

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
        let short = "t0ken-of-31-characters-00000000";
        let error = edge(&[("ACKBOT_INSPECT_TOKEN", short)])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("ACKBOT_INSPECT_TOKEN has 31 characters") && !error.contains(short),
            "{error}"
        );
        let long = "t0ken-of-32-characters-000000000";
        let token = edge(&[("ACKBOT_INSPECT_TOKEN", long)])
            .unwrap()
            .inspect_token;
        assert!(token.is_some_and(|t| !format!("{t:?}").contains("t0ken")));
    }
}
