//! LINE's rules for an answer: a 409 for an accepted retry key is delivery; a 429 is a rate
//! limit, or the monthly quota (not retried); a 5xx is retried; LINE's error body
//! `{message, details[]}` is kept, with the token scrubbed should LINE ever echo it.

use std::time::Duration;

use ackbot_core::http::{Response, Verdict};
use ackbot_core::retry::Failure;
use reqwest::{Method, StatusCode};
use serde::Deserialize;

use super::LineClient;
use crate::{ApiErrorDetail, ReplyError};

/// What LINE's 429 says when the channel's monthly message quota is used up, rather than
/// "Too Many Requests" for a rate limit. Matched case-insensitively, within LINE's `message`.
const MONTHLY_LIMIT: &str = "monthly limit";

/// What one failed attempt came to, before the attempt count is known.
pub(super) enum AttemptError {
    Api {
        status: u16,
        message: String,
        details: Vec<ApiErrorDetail>,
    },
    RateLimited {
        message: String,
        retry_after: Option<Duration>,
    },
    MonthlyLimit {
        message: String,
    },
    Network(String),
}

impl AttemptError {
    /// LINE's message (or the network's reason) for an observer, already scrubbed.
    pub(super) fn summary(&self) -> String {
        match self {
            AttemptError::Api { message, .. } => message.clone(),
            AttemptError::RateLimited { message, .. } => format!("rate limited: {message}"),
            AttemptError::MonthlyLimit { message } => format!("monthly limit: {message}"),
            AttemptError::Network(reason) => reason.clone(),
        }
    }

    pub(super) fn into_error(self, method: Method, endpoint: String, attempts: u32) -> ReplyError {
        match self {
            AttemptError::Api {
                status,
                message,
                details,
            } => ReplyError::Api {
                method,
                endpoint,
                status,
                message,
                details,
                attempts,
            },
            AttemptError::RateLimited {
                message,
                retry_after,
            } => ReplyError::RateLimited {
                method,
                endpoint,
                message,
                retry_after,
                attempts,
            },
            AttemptError::MonthlyLimit { message } => ReplyError::MonthlyLimit {
                method,
                endpoint,
                message,
                attempts,
            },
            AttemptError::Network(reason) => ReplyError::Network {
                method,
                endpoint,
                reason,
                attempts,
            },
        }
    }
}

/// LINE's error body: `{message, details[{message, property}]}`.
#[derive(Deserialize)]
pub(crate) struct ErrorBody {
    /// What went wrong, in LINE's words (empty when LINE said nothing).
    #[serde(default)]
    pub(crate) message: String,
    #[serde(default)]
    details: Vec<ApiErrorDetail>,
}

impl LineClient {
    /// Decides what a response means: done, worth another attempt, or a failure for good.
    pub(super) fn judge(
        &self,
        endpoint: &str,
        answer: Response,
        idempotent: bool,
    ) -> Result<Response, Failure<AttemptError>> {
        let status = answer.status;
        if answer.verdict() == Verdict::Success {
            return Ok(answer);
        }
        if status == StatusCode::CONFLICT && idempotent {
            // The retry key was accepted before: that push was delivered.
            let accepted = (answer.headers.get("x-line-accepted-request-id"))
                .and_then(|v| v.to_str().ok())
                .unwrap_or("unknown")
                .to_string();
            tracing::debug!(endpoint, accepted_request_id = %accepted, "push already accepted");
            return Ok(answer);
        }
        let retry_after = answer.retry_after;
        let (message, details) = self.error_body(&answer);
        if status == StatusCode::TOO_MANY_REQUESTS
            && message.to_ascii_lowercase().contains(MONTHLY_LIMIT)
        {
            // No retry helps before the quota resets next month, or is raised.
            return Err(Failure::Permanent(AttemptError::MonthlyLimit { message }));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(Failure::Transient {
                error: AttemptError::RateLimited {
                    message,
                    retry_after,
                },
                retry_after,
            });
        }
        let error = AttemptError::Api {
            status: status.as_u16(),
            message,
            details,
        };
        Err(if status.is_server_error() {
            Failure::Transient { error, retry_after }
        } else {
            Failure::Permanent(error)
        })
    }

    /// LINE's error message and details, with the token scrubbed should LINE ever echo it.
    fn error_body(&self, answer: &Response) -> (String, Vec<ApiErrorDetail>) {
        let status = answer.status;
        let text = answer.body.text();
        let (message, details) = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) if !body.message.is_empty() => (body.message, body.details),
            _ if text.trim().is_empty() => (
                status.canonical_reason().unwrap_or("error").to_string(),
                Vec::new(),
            ),
            // Scrubbed before it is cut: a cut through the token would leave its start.
            _ => (self.scrub(text).chars().take(300).collect(), Vec::new()),
        };
        let scrub = |s: String| self.scrub(s);
        let details = details
            .into_iter()
            .map(|d| ApiErrorDetail {
                message: d.message.map(scrub),
                property: d.property.map(scrub),
            })
            .collect();
        (self.scrub(message), details)
    }
}
