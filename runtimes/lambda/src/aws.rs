//! One SigV4-signed AWS request over the HTTPS client ackbot already has: no AWS SDK (a larger
//! binary and a slower cold start). Credentials and region come from the variables Lambda sets;
//! `AWS_ENDPOINT_URL_<SERVICE>` (or `AWS_ENDPOINT_URL`) overrides the endpoint, as in the AWS SDKs,
//! so tests point it at a local stand-in.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use ackbot_core::BoxError;

/// Why a signed request could not be sent. Never carries a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AwsError {
    /// Lambda's credentials are not in the environment.
    #[error("AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are unset")]
    NoCredentials,
    /// The request could not be signed.
    #[error("the request could not be signed")]
    Signing(#[source] BoxError),
    /// The service could not be reached.
    #[error("{service} could not be reached")]
    Unreachable {
        /// The service's signing name, e.g. `lambda`.
        service: &'static str,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
}

/// A service's endpoint: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else `default`;
/// without a trailing slash.
pub(crate) fn endpoint(
    env: &impl Fn(&str) -> Option<String>,
    service_variable: &str,
    default: String,
) -> String {
    env(&format!("AWS_ENDPOINT_URL_{service_variable}"))
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .unwrap_or(default)
        .trim_end_matches('/')
        .to_string()
}

/// Lambda's credentials from the environment.
pub(crate) fn credentials(env: &impl Fn(&str) -> Option<String>) -> Result<Identity, AwsError> {
    let (key, secret) = env("AWS_ACCESS_KEY_ID")
        .zip(env("AWS_SECRET_ACCESS_KEY"))
        .ok_or(AwsError::NoCredentials)?;
    Ok(Credentials::new(
        key,
        secret,
        env("AWS_SESSION_TOKEN"),
        None,
        "lambda-environment",
    )
    .into())
}

/// A request to sign and send: `POST url` with `headers` and `body`, for `service` in `region`,
/// within `timeout` when one is given (else the client's own).
pub(crate) struct SignedPost<'a> {
    pub service: &'static str,
    pub region: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Vec<u8>,
    pub timeout: Option<std::time::Duration>,
}

impl SignedPost<'_> {
    /// Signs the request with `identity` and sends it with `http`.
    pub(crate) async fn send(
        self,
        http: &reqwest::Client,
        identity: &Identity,
    ) -> Result<reqwest::Response, AwsError> {
        let signing = |e: BoxError| AwsError::Signing(e);
        let params = v4::SigningParams::builder()
            .identity(identity)
            .region(self.region)
            .name(self.service)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| signing(e.into()))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            self.url,
            self.headers.iter().copied(),
            SignableBody::Bytes(&self.body),
        )
        .map_err(|e| signing(e.into()))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| signing(e.into()))?
            .into_parts();
        let mut request = http.post(self.url);
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        for (name, value) in self.headers.iter().copied().chain(instructions.headers()) {
            request = request.header(name, value);
        }
        let service = self.service;
        request
            .body(self.body)
            .send()
            .await
            .map_err(|e| AwsError::Unreachable {
                service,
                source: e.without_url(),
            })
    }
}
