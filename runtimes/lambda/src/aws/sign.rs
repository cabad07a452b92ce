//! SigV4: Lambda's credentials, and the headers that sign one request.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use super::AwsError;

/// Lambda's credentials from the environment.
pub(super) fn credentials(env: &impl Fn(&str) -> Option<String>) -> Result<Identity, AwsError> {
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

/// The credentials in `identity`, to keep out of what AWS's answers quote back.
pub(super) fn secrets(identity: &Identity) -> Vec<&str> {
    let Some(credentials) = identity.data::<Credentials>() else {
        return Vec::new();
    };
    let mut secrets = vec![credentials.access_key_id(), credentials.secret_access_key()];
    secrets.extend(credentials.session_token());
    secrets
}

/// The headers that sign `POST url` with `headers` and `body` for `(service, region)`, now.
pub(super) fn headers(
    (service, region): (&'static str, &str),
    identity: &Identity,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Vec<(String, String)>, AwsError> {
    let signing = |e: Box<dyn std::error::Error + Send + Sync>| AwsError::Signing(e);
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name(service)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| signing(e.into()))?
        .into();
    let signable = SignableRequest::new(
        "POST",
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| signing(e.into()))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| signing(e.into()))?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect())
}
