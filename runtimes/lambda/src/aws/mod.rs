//! One AWS JSON client, shared by Secrets Manager, Lambda `Invoke` and the DynamoDB store: each
//! request SigV4-signed (`sign.rs`) and sent through the one HTTP attempt of every ackbot client
//! (`ackbot_core::http::attempt`: its answer read up to a cap, `Retry-After`, a network failure
//! described without the URL and told certain or uncertain), each attempt shown to the observers
//! of the Envelope being processed, and AWS's error answer read in one place (`error.rs`). No AWS
//! SDK: a larger binary and a slower cold start. Credentials and region come from the variables
//! Lambda sets; `AWS_ENDPOINT_URL_<SERVICE>` (or `AWS_ENDPOINT_URL`) overrides the endpoint, as in
//! the AWS SDKs, so tests point it at a local stand-in.

mod error;
mod sign;

use std::time::{Duration, Instant};

use ackbot_core::http::{self, Response};
use aws_smithy_runtime_api::client::identity::Identity;

pub use error::AwsError;

/// One AWS service's API in one region, signed with Lambda's credentials.
pub(crate) struct AwsClient {
    /// The service's signing name, e.g. `dynamodb`.
    service: &'static str,
    region: String,
    /// The service's endpoint, without a trailing slash.
    endpoint: String,
    identity: Identity,
    http: reqwest::Client,
}

impl std::fmt::Debug for AwsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsClient")
            .field("service", &self.service)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// A request to one of the service's operations.
pub(crate) struct Call<'a> {
    /// The operation, in AWS's words (e.g. `PutItem`, `Invoke`): what the observers see called.
    pub operation: &'static str,
    /// The path after the endpoint, e.g. `/` or `/2015-03-31/functions/f/invocations`.
    pub path: &'a str,
    /// The headers to sign and send, e.g. `x-amz-target`.
    pub headers: &'a [(&'a str, &'a str)],
    /// The JSON body.
    pub body: Vec<u8>,
    /// How long the attempt may take.
    pub timeout: Duration,
    /// The most of the answer read.
    pub cap: usize,
}

impl AwsClient {
    /// The client of `service` (its signing name) in `region`, at `AWS_ENDPOINT_URL_<variable>`,
    /// else `AWS_ENDPOINT_URL`, else `https://<host>.<region>.amazonaws.com`, with the
    /// credentials in `env`.
    pub(crate) fn from_env(
        env: &impl Fn(&str) -> Option<String>,
        service: &'static str,
        (variable, host): (&str, &str),
        region: String,
    ) -> Result<Self, AwsError> {
        let endpoint = env(&format!("AWS_ENDPOINT_URL_{variable}"))
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| format!("https://{host}.{region}.amazonaws.com"))
            .trim_end_matches('/')
            .to_string();
        let identity = sign::credentials(env)?;
        // Each call sets its own timeout; this one only bounds a call that forgot to.
        let http = http::client_builder(Duration::from_secs(30))
            .build()
            .map_err(|e| AwsError::Client(e.without_url()))?;
        Ok(Self {
            service,
            region,
            endpoint,
            identity,
            http,
        })
    }

    /// The service's endpoint (the region's, or the one the environment names).
    #[cfg(test)]
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Signs `call` as a `POST`, sends it once, and reads the answer: a 2xx response, or AWS's
    /// refusal read into [`AwsError::Refused`] (its code, the first line of its message without a
    /// credential or a signature, its `Retry-After`).
    pub(crate) async fn post(&self, call: Call<'_>) -> Result<Response, AwsError> {
        let response = self.send(call).await?;
        match response.status.is_success() {
            true => Ok(response),
            false => Err(self.refused(&response)),
        }
    }

    /// AWS's refusal in `response`, read as [`AwsError::refused`] reads it, without this client's
    /// credentials (for a caller of [`send`](Self::send) that has its own rules for some codes).
    pub(crate) fn refused(&self, response: &Response) -> AwsError {
        AwsError::refused(self.service, response, &sign::secrets(&self.identity))
    }

    /// Signs `call` as a `POST`, sends it once, and reads the answer, whatever its status (for
    /// a service whose refusals carry data, as DynamoDB's failed condition carries the item).
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<Response, AwsError> {
        let url = format!("{}{}", self.endpoint, call.path);
        let signed = sign::headers(
            (self.service, &self.region),
            &self.identity,
            &url,
            call.headers,
            &call.body,
        )?;
        let mut request = self.http.post(&url).timeout(call.timeout);
        for (name, value) in call.headers.iter().copied() {
            request = request.header(name, value);
        }
        for (name, value) in &signed {
            request = request.header(name.as_str(), value.as_str());
        }
        let (service, operation) = (self.service, call.operation);
        let started = Instant::now();
        let attempt = http::attempt(request.body(call.body), call.cap, call.timeout).await;
        let outcome = match &attempt {
            Ok(response) => Ok(response.status.as_u16()),
            Err(no_response) => Err(no_response.reason.clone()),
        };
        http::observe(
            started,
            || format!("{operation} {service}"),
            outcome,
            || None,
        );
        let response = attempt.map_err(|no_response| AwsError::Unreachable {
            service,
            no_response,
        })?;
        if response.body.truncated {
            return Err(AwsError::TooLarge {
                service,
                cap: call.cap,
            });
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiremock::matchers::{header, header_regex, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const SESSION: &str = "IQoJb3JpZ2luX2VjEJrSESSION";

    fn client(endpoint: &str) -> AwsClient {
        let env = |name: &str| match name {
            "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE".to_string()),
            "AWS_SECRET_ACCESS_KEY" => Some("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_string()),
            "AWS_SESSION_TOKEN" => Some(SESSION.to_string()),
            "AWS_ENDPOINT_URL_DYNAMODB" => Some(format!("{endpoint}/")),
            _ => None,
        };
        AwsClient::from_env(
            &env,
            "dynamodb",
            ("DYNAMODB", "dynamodb"),
            "eu-west-1".into(),
        )
        .unwrap()
    }

    fn call(body: &str, cap: usize) -> Call<'static> {
        Call {
            operation: "GetItem",
            path: "/",
            headers: &[
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", "DynamoDB_20120810.GetItem"),
            ],
            body: body.as_bytes().to_vec(),
            timeout: Duration::from_secs(2),
            cap,
        }
    }

    #[tokio::test]
    async fn a_call_is_signed_for_its_service_and_region_with_its_headers() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/"))
            .and(header("x-amz-target", "DynamoDB_20120810.GetItem"))
            .and(header("x-amz-security-token", SESSION))
            .and(header_regex(
                "authorization",
                "^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/[0-9]{8}/eu-west-1/dynamodb/aws4_request, \
                 SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"Item":{}}"#))
            .expect(1)
            .mount(&server)
            .await;
        let response = client(&server.uri()).post(call("{}", 1024)).await.unwrap();
        assert_eq!(response.body.text(), r#"{"Item":{}}"#);
    }

    #[tokio::test]
    async fn refusals_carry_the_code_and_retry_after_and_a_long_answer_is_not_read() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(400)
                    .insert_header("retry-after", "3")
                    .set_body_string(r#"{"__type":"x#ThrottlingException","message":"slow down"}"#),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(5000)))
            .mount(&server)
            .await;
        let aws = client(&server.uri());
        let refused = aws.post(call("{}", 1024)).await.unwrap_err();
        assert!(refused.is_transient(), "{refused}");
        assert!(
            matches!(&refused, AwsError::Refused { status: 400, code, retry_after: Some(after), .. }
                if code == "ThrottlingException" && *after == Duration::from_secs(3)),
            "{refused:?}"
        );
        let long = aws.post(call("{}", 1024)).await.unwrap_err();
        assert!(
            matches!(long, AwsError::TooLarge { cap: 1024, .. }),
            "{long:?}"
        );
    }

    #[tokio::test]
    async fn a_refusal_quoting_the_request_names_no_credential_or_signature() {
        let server = MockServer::start().await;
        // As a refusal of a malformed `Authorization` header does: the header quoted back.
        Mock::given(method("POST"))
            .respond_with(|request: &wiremock::Request| {
                let quoted = |name: &str| request.headers[name].to_str().unwrap().to_string();
                let authorization = quoted("authorization");
                let signature = authorization.rsplit("Signature=").next().unwrap();
                let message = format!(
                    "Signature={signature} X-Amz-Security-Token={} Authorization={authorization}",
                    quoted("x-amz-security-token"),
                );
                let body = serde_json::json!({
                    "__type": "IncompleteSignatureException",
                    "message": message,
                });
                ResponseTemplate::new(400).set_body_string(body.to_string())
            })
            .mount(&server)
            .await;
        let error = client(&server.uri())
            .post(call("{}", 1024))
            .await
            .unwrap_err();
        let requests = server.received_requests().await.unwrap();
        let authorization = requests[0].headers["authorization"].to_str().unwrap();
        let signature = authorization.rsplit("Signature=").next().unwrap();
        assert_eq!(signature.len(), 64, "{authorization}");
        let text = ackbot_core::chain(&error);
        assert_eq!(error.code(), Some("IncompleteSignatureException"), "{text}");
        assert!(
            text.contains("Signature=[redacted] X-Amz-Security-Token=[redacted]")
                && text.contains("Credential=[redacted]/"),
            "{text}"
        );
        for secret in [SESSION, "AKIDEXAMPLE", signature] {
            assert!(!text.contains(secret), "{text}");
            assert!(!format!("{error:?}").contains(secret), "{error:?}");
        }
    }

    /// The HTTP calls a worker with observers shows them while it processes `body` with
    /// `endpoint` as its idempotency table's.
    async fn observed(endpoint: &str, body: &str) -> Vec<ackbot_core::adapter::Call> {
        use ackbot_core::runtime::{Observation, Stage, Worker};
        use ackbot_core::testing::{Deliveries, FakeAdapter};
        use std::sync::{Arc, Mutex};
        let env = |name: &str| match name {
            "AWS_REGION" => Some("eu-west-1".to_string()),
            "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE".to_string()),
            "AWS_SECRET_ACCESS_KEY" => Some("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_string()),
            "AWS_ENDPOINT_URL_DYNAMODB" => Some(endpoint.to_string()),
            _ => None,
        };
        let store = crate::DynamoDedupe::from_env("t", env).unwrap().with_retry(
            ackbot_core::retry::RetryPolicy::fixed(2, Duration::from_millis(1)),
        );
        let bot = ackbot_core::Bot::new()
            .command(ackbot_core::cmd(
                "echo",
                |text: ackbot_core::Text| async move { text.0 },
            ))
            .build()
            .unwrap();
        let calls: Arc<Mutex<Vec<_>>> = Arc::default();
        let seen = Arc::clone(&calls);
        let worker = Worker::new(bot)
            .with_adapter(Arc::new(FakeAdapter::new(Deliveries::Succeed, false)))
            .with_dedupe(Arc::new(store))
            .with_observer(Arc::new(move |o: &Observation| {
                if let Stage::Call(call) = &o.stage {
                    seen.lock().unwrap().push(call.clone());
                }
            }));
        worker.process(FakeAdapter::envelope(body, "ok")).await;
        calls.lock().unwrap().clone()
    }

    #[tokio::test]
    async fn each_attempt_is_shown_to_the_observers_of_the_envelope_being_processed() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&server)
            .await;
        let calls = observed(&server.uri(), "key-1:echo hi").await;
        let seen: Vec<_> = (calls.iter())
            .map(|c| {
                (
                    c.target.as_str(),
                    c.status,
                    c.error.as_deref(),
                    c.text.as_deref(),
                )
            })
            .collect();
        // One per request the store made (its claims, then their completion).
        let requests = server.received_requests().await.unwrap();
        assert!(!requests.is_empty());
        let put = ("PutItem dynamodb", Some(200), None, None);
        assert_eq!(seen, vec![put; requests.len()]);

        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let uri = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let calls = observed(&uri, "key-2:echo hi").await;
        assert_eq!(calls.len(), 2, "one per attempt: {calls:?}");
        for call in calls {
            assert_eq!(
                (call.target.as_str(), call.status),
                ("PutItem dynamodb", None)
            );
            let error = call.error.unwrap();
            assert!(
                !error.contains(&uri) && !error.contains("127.0.0.1"),
                "{error}"
            );
        }
    }

    #[tokio::test]
    async fn no_answer_is_told_apart_and_names_no_url_or_credential() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let uri = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let aws = client(&uri);
        let error = aws.post(call("{}", 1024)).await.unwrap_err();
        let text = ackbot_core::chain(&error);
        assert!(text.starts_with("dynamodb could not be reached"), "{text}");
        assert!(error.is_transient());
        for secret in [SESSION, "wJalrXUtnFEMI", &uri] {
            assert!(!text.contains(secret), "{text}");
            assert!(!format!("{error:?}").contains(secret), "{error:?}");
        }
        for secret in [SESSION, "wJalrXUtnFEMI"] {
            assert!(!format!("{aws:?}").contains(secret), "{aws:?}");
        }
    }
}
