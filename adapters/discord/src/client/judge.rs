//! Discord's rules for an answer: 2xx is success (204 has no body); a 429 carries `retry_after`
//! in seconds (in the JSON, and as `Retry-After`); 5xx is retried; any other status is Discord
//! refusing the request, with its JSON error `{code, message}`.

use std::time::Duration;

use ackbot_core::http::{Response, Verdict, redact, shorten};
use ackbot_core::retry::Failure;
use serde::Deserialize;
use serde_json::Value;

use crate::ReplyError;

/// How much of Discord's message an error keeps.
const MESSAGE_CHARS: usize = 300;

/// What one failed attempt came to, before the attempt count is known.
pub(super) enum AttemptError {
    Api {
        status: u16,
        code: u64,
        message: String,
    },
    RateLimited {
        retry_after: Option<Duration>,
    },
    Network(String),
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    code: u64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    retry_after: Option<f64>,
}

impl AttemptError {
    /// Discord's message (or the network's reason) for an observer.
    pub(super) fn summary(&self) -> String {
        match self {
            AttemptError::Api { code, message, .. } => format!("{message} (code {code})"),
            AttemptError::RateLimited { .. } => "rate limited".to_string(),
            AttemptError::Network(reason) => reason.clone(),
        }
    }

    pub(super) fn into_error(self, endpoint: &str, attempts: u32) -> ReplyError {
        let endpoint = endpoint.to_string();
        match self {
            AttemptError::Api {
                status,
                code,
                message,
            } => ReplyError::Api {
                endpoint,
                status,
                code,
                message,
                attempts,
            },
            AttemptError::RateLimited { retry_after } => ReplyError::RateLimited {
                endpoint,
                retry_after_ms: retry_after.map(|d| d.as_millis() as u64),
                attempts,
            },
            AttemptError::Network(reason) => ReplyError::Network {
                endpoint,
                reason,
                attempts,
            },
        }
    }
}

/// Judges one answer; `secrets` (the tokens of the call) are scrubbed from anything kept.
pub(super) fn judge(answer: Response, secrets: &[&str]) -> Result<Value, Failure<AttemptError>> {
    let text = redact(answer.body.text(), secrets);
    let verdict = answer.verdict();
    if verdict == Verdict::Success {
        return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
    }
    let body: ErrorBody = serde_json::from_str(&text).unwrap_or_default();
    match verdict {
        Verdict::RateLimited => {
            let in_body = (body.retry_after)
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64);
            let retry_after = answer.retry_after.or(in_body);
            Err(Failure::Transient {
                error: AttemptError::RateLimited { retry_after },
                retry_after,
            })
        }
        _ => {
            let message = match body.message.is_empty() {
                true => shorten(&text, MESSAGE_CHARS),
                false => shorten(&body.message, MESSAGE_CHARS),
            };
            let error = AttemptError::Api {
                status: answer.status.as_u16(),
                code: body.code,
                message,
            };
            Err(match verdict {
                Verdict::ServerError => Failure::transient(error),
                _ => Failure::Permanent(error),
            })
        }
    }
}
