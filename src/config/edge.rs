//! The local edge's settings (`serve`, `demo`): acknowledgements, the queue, the inspector.

use std::time::Duration;

use ackbot_core::{ExposeSecret, SecretString};
use ackbot_serve::DEFAULT_FUNCTION_ACK_ROUTES;
pub(crate) use ackbot_serve::EdgeSettings;

use super::{ConfigError, number, required_secret};

/// Every webhook route ackbot serves.
const WEBHOOK_ROUTES: [&str; 5] = [
    "/slack/commands",
    "/slack/interactions",
    "/slack/events",
    "/line/webhook",
    // Always function-ack; named here it changes nothing.
    "/discord/interactions",
];

/// The local edge's settings from `lookup`: `ACKBOT_WORKERS`, `ACKBOT_QUEUE_CAPACITY`,
/// `ACKBOT_ACK_STATUS`, `ACKBOT_SLACK_COMMAND_ACK_BODY`, `ACKBOT_DRAIN_TIMEOUT_SECS`,
/// `ACKBOT_WORKER_TIMEOUT_SECS`, `ACKBOT_FUNCTION_ACK`, `ACKBOT_INSPECT`, `ACKBOT_INSPECT_TOKEN` (see [`EdgeSettings`]).
pub(super) fn edge_settings(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<EdgeSettings, ConfigError> {
    {
        let ack_status = number(lookup, "ACKBOT_ACK_STATUS", 200)?;
        if !(200..300).contains(&ack_status) {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_ACK_STATUS",
                value: ack_status.to_string(),
                expected: "a 2xx status such as 200 or 202",
            });
        }
        Ok(EdgeSettings {
            workers: number(lookup, "ACKBOT_WORKERS", 64)?.max(1),
            queue_capacity: number(lookup, "ACKBOT_QUEUE_CAPACITY", 1024)?.max(1),
            ack_status: ack_status as u16,
            slack_command_ack_body: lookup("ACKBOT_SLACK_COMMAND_ACK_BODY").unwrap_or_default(),
            drain_timeout: Duration::from_secs(
                number(lookup, "ACKBOT_DRAIN_TIMEOUT_SECS", 60)? as u64
            ),
            worker_timeout: worker_timeout(lookup)?,
            function_ack_routes: function_ack_routes(lookup)?,
            inspect: switch(lookup, "ACKBOT_INSPECT", true)?,
            inspect_token: inspect_token(lookup)?,
        })
    }
}

/// `ACKBOT_WORKER_TIMEOUT_SECS`: 3 to 86,400 seconds (a handler is stopped 2 s before it).
fn worker_timeout(lookup: &impl Fn(&str) -> Option<String>) -> Result<Duration, ConfigError> {
    let seconds = number(lookup, "ACKBOT_WORKER_TIMEOUT_SECS", 900)?;
    if !(3..=86_400).contains(&seconds) {
        return Err(ConfigError::Invalid {
            name: "ACKBOT_WORKER_TIMEOUT_SECS",
            value: seconds.to_string(),
            expected: "seconds from 3 to 86400 (a handler is stopped 2 s before the limit)",
        });
    }
    Ok(Duration::from_secs(seconds as u64))
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

fn function_ack_routes(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, ConfigError> {
    let value = lookup("ACKBOT_FUNCTION_ACK")
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_FUNCTION_ACK_ROUTES.join(","));
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
                           /slack/events, /line/webhook, /discord/interactions, or `none`",
            }),
        })
        .collect()
}

/// `on` or `off` (also `true`/`false`, `1`/`0`), `default` when unset or blank.
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

    #[test]
    fn a_webhooks_work_gets_fifteen_minutes_unless_told_otherwise() {
        let timeout = |vars: &[(&str, &str)]| config(vars).map(|c| c.edge.worker_timeout);
        assert_eq!(timeout(&[]).unwrap().as_secs(), 900);
        let set = [("ACKBOT_WORKER_TIMEOUT_SECS", "150")];
        assert_eq!(timeout(&set).unwrap().as_secs(), 150);
        for wrong in ["2", "86401", "soon"] {
            let error = timeout(&[("ACKBOT_WORKER_TIMEOUT_SECS", wrong)]).unwrap_err();
            assert!(
                error.to_string().contains("ACKBOT_WORKER_TIMEOUT_SECS"),
                "{error}"
            );
        }
    }
}
