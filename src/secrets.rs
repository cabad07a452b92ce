//! The platform secrets from AWS Secrets Manager, read once per cold start.
//!
//! One SigV4-signed `GetSecretValue` call over the HTTPS client the worker already has: no AWS
//! SDK (a larger binary and a slower init) and no Parameters and Secrets extension (a second
//! process to start before the first event). Credentials, region and endpoint come from the
//! variables Lambda sets; `AWS_ENDPOINT_URL_SECRETS_MANAGER` (or `AWS_ENDPOINT_URL`) overrides the
//! endpoint, as in the AWS SDKs.

use std::collections::HashMap;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use crate::Error;

/// The keys the JSON secret may hold.
pub const SECRET_KEYS: [&str; 4] = [
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "LINE_CHANNEL_SECRET",
    "LINE_CHANNEL_ACCESS_TOKEN",
];

/// Reads the JSON secret `arn` and returns its values by key. Empty values count as unset.
pub async fn load(
    arn: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<HashMap<String, String>, Error> {
    let fail = |why: String| Error::Config(format!("cannot read the secret {arn}: {why}"));
    let region = arn
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .or_else(|| env("AWS_REGION"))
        .ok_or_else(|| fail("no region in the ARN and AWS_REGION is unset".into()))?;
    let endpoint = env("AWS_ENDPOINT_URL_SECRETS_MANAGER")
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .unwrap_or_else(|| format!("https://secretsmanager.{region}.amazonaws.com"));
    let endpoint = format!("{}/", endpoint.trim_end_matches('/'));
    let (key, secret) = env("AWS_ACCESS_KEY_ID")
        .zip(env("AWS_SECRET_ACCESS_KEY"))
        .ok_or_else(|| fail("AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are unset".into()))?;
    let identity: Identity = Credentials::new(
        key,
        secret,
        env("AWS_SESSION_TOKEN"),
        None,
        "lambda-environment",
    )
    .into();
    let body = serde_json::json!({ "SecretId": arn }).to_string();
    let headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "secretsmanager.GetSecretValue"),
    ];
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&region)
        .name("secretsmanager")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| fail(format!("signing parameters: {e}")))?
        .into();
    let signable = SignableRequest::new(
        "POST",
        &endpoint,
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|e| fail(format!("request: {e}")))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| fail(format!("signing: {e}")))?
        .into_parts();
    let mut request = reqwest::Client::new().post(&endpoint).body(body.clone());
    for (name, value) in headers.into_iter().chain(instructions.headers()) {
        request = request.header(name, value);
    }
    let response = request
        .send()
        .await
        .map_err(|e| fail(e.without_url().to_string()))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| fail(e.to_string()))?;
    if !status.is_success() {
        // AWS error bodies name the error type and message; they never echo the secret.
        return Err(fail(format!(
            "Secrets Manager answered {status}: {}",
            text.chars().take(300).collect::<String>()
        )));
    }
    let answer: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(format!("bad answer: {e}")))?;
    let secret_string = answer
        .get("SecretString")
        .and_then(|v| v.as_str())
        .ok_or_else(|| {
            fail("the secret has no SecretString (binary secrets are not supported)".into())
        })?;
    parse(secret_string).map_err(fail)
}

/// Parses the secret's JSON object; values must be strings, unknown keys are refused.
pub fn parse(secret_string: &str) -> Result<HashMap<String, String>, String> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(secret_string)
        .map_err(|_| "the secret is not a JSON object of strings".to_string())?;
    let mut values = HashMap::new();
    for (key, value) in object {
        if !SECRET_KEYS.contains(&key.as_str()) {
            return Err(format!(
                "unknown key `{key}` in the secret (expected {})",
                SECRET_KEYS.join(", ")
            ));
        }
        let value = value
            .as_str()
            .ok_or_else(|| format!("`{key}` in the secret is not a string"))?;
        if !value.trim().is_empty() {
            values.insert(key, value.to_string());
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strings_and_drops_empty_ones() {
        let values =
            parse(r#"{"SLACK_SIGNING_SECRET":"s3cr3t","LINE_CHANNEL_SECRET":""}"#).unwrap();
        assert_eq!(values.len(), 1);
        assert_eq!(values["SLACK_SIGNING_SECRET"], "s3cr3t");
    }

    #[test]
    fn refuses_other_shapes_without_echoing_values() {
        let err = parse(r#"{"SLACK_SIGNING_SECRET": 42}"#).unwrap_err();
        assert!(err.contains("not a string"));
        assert!(parse(r#"{"TYPO":"x"}"#).unwrap_err().contains("TYPO"));
        let err = parse("not json s3cr3t").unwrap_err();
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}
