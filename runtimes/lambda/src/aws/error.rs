//! Why an AWS call failed, and AWS's error answer read once for every service.

use std::time::Duration;

use ackbot_core::BoxError;
use ackbot_core::http::{NoResponse, Response, Verdict};
use serde_json::Value;

/// Why a signed request failed. Never carries a credential or a signature: AWS's message is cut
/// to its first line (a signature mismatch goes on with the canonical request, whose headers hold
/// the session token).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AwsError {
    /// Lambda's credentials are not in the environment.
    #[error("AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are unset")]
    NoCredentials,
    /// The request could not be signed.
    #[error("the request could not be signed")]
    Signing(#[source] BoxError),
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client")]
    Client(#[source] reqwest::Error),
    /// No answer: the network failed or the attempt ran out of time.
    #[error("{service} could not be reached: {}", .no_response.reason)]
    Unreachable {
        /// The service's signing name, e.g. `lambda`.
        service: &'static str,
        /// What went wrong, and whether the request may have been carried out.
        no_response: NoResponse,
    },
    /// The service refused the request.
    #[error("{service} answered {status} {code}: {message}")]
    Refused {
        /// The service's signing name.
        service: &'static str,
        /// The HTTP status.
        status: u16,
        /// AWS's error code, e.g. `ThrottlingException` (`UnknownError` when it named none).
        code: String,
        /// The first line of AWS's message, short.
        message: String,
        /// How long the service asked to wait (`Retry-After`).
        retry_after: Option<Duration>,
    },
    /// The answer went on past what the call reads.
    #[error("{service}'s answer is larger than {cap} bytes: not read")]
    TooLarge {
        /// The service's signing name.
        service: &'static str,
        /// The most the call reads.
        cap: usize,
    },
}

impl AwsError {
    /// AWS's refusal in `response`: its code from `__type` (`com.amazonaws…#Code`, or the code
    /// alone) or the `x-amzn-errortype` header, and its message.
    pub(crate) fn refused(service: &'static str, response: &Response) -> Self {
        let body: Value = serde_json::from_slice(&response.body.bytes).unwrap_or(Value::Null);
        let header = (response.headers.get("x-amzn-errortype"))
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(':').next().unwrap_or(v));
        let kind = (body["__type"].as_str())
            .or(header)
            .unwrap_or("UnknownError");
        let code = kind.rsplit('#').next().unwrap_or(kind).to_string();
        let message = (body["message"].as_str())
            .or_else(|| body["Message"].as_str())
            .unwrap_or_default();
        AwsError::Refused {
            service,
            status: response.status.as_u16(),
            code,
            message: message
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect(),
            retry_after: response.retry_after,
        }
    }

    /// AWS's error code, for a refusal.
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether another attempt may succeed: no answer, a throttled request, or a server error.
    pub fn is_transient(&self) -> bool {
        match self {
            AwsError::Unreachable { no_response, .. } => !no_response.malformed,
            AwsError::Refused { status, code, .. } => {
                THROTTLED.contains(&code.as_str())
                    || matches!(
                        Verdict::of(reqwest::StatusCode::from_u16(*status).unwrap_or_default()),
                        Verdict::RateLimited | Verdict::ServerError
                    )
            }
            _ => false,
        }
    }
}

/// The codes of a throttled request, which AWS answers with 400.
const THROTTLED: [&str; 4] = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
];

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::http::Capped;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            retry_after: None,
            body: Capped {
                bytes: body.as_bytes().to_vec(),
                truncated: false,
            },
        }
    }

    #[test]
    fn a_refusal_names_its_code_and_the_first_line_of_its_message() {
        let body = serde_json::json!({
            "__type": "com.amazon.coral.service#InvalidSignatureException",
            "message": "The request signature we calculated does not match.\n\nThe Canonical \
                String for this request should have been\n'POST\n/\n\nx-amz-security-token:IQoJb3JpZ2luX2VjEJr'"
        })
        .to_string();
        let error = AwsError::refused("dynamodb", &response(400, &body));
        assert_eq!(error.code(), Some("InvalidSignatureException"));
        let text = error.to_string();
        assert_eq!(
            text,
            "dynamodb answered 400 InvalidSignatureException: The request signature we calculated \
             does not match."
        );
        assert!(!text.contains("IQoJ"), "no session token: {text}");
        assert!(!error.is_transient());
    }

    #[test]
    fn throttling_and_server_errors_are_worth_another_attempt() {
        let throttled = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException"}"#;
        assert!(AwsError::refused("dynamodb", &response(400, throttled)).is_transient());
        assert!(AwsError::refused("lambda", &response(503, "")).is_transient());
        assert!(AwsError::refused("lambda", &response(429, "")).is_transient());
        let denied = r#"{"__type":"AccessDeniedException","Message":"not allowed"}"#;
        let error = AwsError::refused("secretsmanager", &response(400, denied));
        assert!(!error.is_transient());
        assert_eq!(
            error.to_string(),
            "secretsmanager answered 400 AccessDeniedException: not allowed"
        );
        let unknown = AwsError::refused("lambda", &response(403, "<html>"));
        assert_eq!(unknown.code(), Some("UnknownError"));
    }
}
