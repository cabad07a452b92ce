//! Why an AWS call failed, and AWS's error answer read once for every service.

use std::time::Duration;

use ackbot_core::BoxError;
use ackbot_core::http::{self, NoResponse, Response, Verdict};
use serde_json::Value;

/// Why a signed request failed. Never carries a credential or a signature: AWS's message is cut
/// to its first line (a signature mismatch goes on with the canonical request, whose headers hold
/// the session token), and what that line quotes of the credentials or of a `Signature=` (as a
/// message about a malformed `Authorization` header may) is redacted.
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
    /// alone) or the `x-amzn-errortype` header, and the first line of its message, short, with
    /// `credentials` and signatures redacted.
    pub(crate) fn refused(
        service: &'static str,
        response: &Response,
        credentials: &[&str],
    ) -> Self {
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
            message: first_line(message, credentials),
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

/// The most of AWS's message an error keeps.
const MESSAGE_MAX: usize = 200;

/// The first line of AWS's `message`, without `credentials` or signatures, at most
/// [`MESSAGE_MAX`] characters (redacted before it is cut: a cut through a secret would leave its
/// start).
fn first_line(message: &str, credentials: &[&str]) -> String {
    let line = message.lines().next().unwrap_or_default();
    if line.trim().is_empty() {
        return String::new();
    }
    let line = without_signatures(&http::redact(line.to_string(), credentials));
    http::shorten(&line, MESSAGE_MAX)
}

/// `text` with the hex after each `Signature=` redacted.
fn without_signatures(text: &str) -> String {
    const SIGNATURE: &str = "Signature=";
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(SIGNATURE) {
        let (before, after) = rest.split_at(at + SIGNATURE.len());
        kept.push_str(before);
        let end = (after.find(|c: char| !c.is_ascii_hexdigit())).unwrap_or(after.len());
        if end > 0 {
            kept.push_str("[redacted]");
        }
        rest = &after[end..];
    }
    kept.push_str(rest);
    kept
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
        let error = AwsError::refused("dynamodb", &response(400, &body), &[]);
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
    fn a_quoted_authorization_header_loses_its_credentials_and_signature() {
        let signature = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
        let body = serde_json::json!({
            "__type": "IncompleteSignatureException",
            "message": format!(
                "Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/lambda/\
                 aws4_request, Signature={signature}, X-Amz-Security-Token=IQoJSESSION"
            ),
        })
        .to_string();
        let credentials = ["AKIDEXAMPLE", "wJalrXUtnFEMI", "IQoJSESSION"];
        let error = AwsError::refused("lambda", &response(400, &body), &credentials);
        let text = error.to_string();
        assert!(
            text.contains("Credential=[redacted]/20260101")
                && text.contains("Signature=[redacted],"),
            "{text}"
        );
        for secret in [credentials[0], credentials[2], signature, &signature[..16]] {
            assert!(!text.contains(secret), "{text}");
            assert!(!format!("{error:?}").contains(secret), "{error:?}");
        }
    }

    #[test]
    fn a_long_message_is_cut_and_an_empty_one_stays_empty() {
        let long = serde_json::json!({"__type": "ValidationException", "message": "x".repeat(500)});
        let error = AwsError::refused("dynamodb", &response(400, &long.to_string()), &[]);
        let AwsError::Refused { message, .. } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(message.chars().count(), MESSAGE_MAX + 1, "{message}");
        assert!(message.ends_with('…'), "{message}");
        let empty = AwsError::refused("lambda", &response(503, ""), &[]);
        assert!(matches!(&empty, AwsError::Refused { message, .. } if message.is_empty()));
    }

    #[test]
    fn throttling_and_server_errors_are_worth_another_attempt() {
        let throttled = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException"}"#;
        assert!(AwsError::refused("dynamodb", &response(400, throttled), &[]).is_transient());
        assert!(AwsError::refused("lambda", &response(503, ""), &[]).is_transient());
        assert!(AwsError::refused("lambda", &response(429, ""), &[]).is_transient());
        let denied = r#"{"__type":"AccessDeniedException","Message":"not allowed"}"#;
        let error = AwsError::refused("secretsmanager", &response(400, denied), &[]);
        assert!(!error.is_transient());
        assert_eq!(
            error.to_string(),
            "secretsmanager answered 400 AccessDeniedException: not allowed"
        );
        let unknown = AwsError::refused("lambda", &response(403, "<html>"), &[]);
        assert_eq!(unknown.code(), Some("UnknownError"));
    }
}
