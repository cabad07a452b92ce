//! The platform secrets from AWS Secrets Manager, read once per cold start.
//!
//! One SigV4-signed `GetSecretValue` call over the HTTPS client the worker already has: no AWS
//! SDK (a larger binary and a slower init) and no Parameters and Secrets extension (a second
//! process to start before the first event). Credentials, region and endpoint come from the
//! variables Lambda sets; `AWS_ENDPOINT_URL_SECRETS_MANAGER` (or `AWS_ENDPOINT_URL`) overrides the
//! endpoint, as in the AWS SDKs.

use std::collections::HashMap;

use crate::aws::{AwsClient, AwsError, Call};

/// How long the read of the secret may take.
const SECRETS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The cap on Secrets Manager's answer: a secret holds at most 64 KiB, which JSON may escape.
const SECRET_RESPONSE_CAP: usize = 256 * 1024;

/// The keys the JSON secret may hold.
pub const SECRET_KEYS: [&str; 9] = [
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "LINE_CHANNEL_SECRET",
    "LINE_CHANNEL_ACCESS_TOKEN",
    // Discord's public key is public, but kept with the bot token it belongs with.
    "DISCORD_PUBLIC_KEY",
    "DISCORD_BOT_TOKEN",
    "ACKBOT_LLM_API_KEY",
];

/// Why the secret could not be read. Never carries a secret's value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretsError {
    /// Neither the ARN nor `AWS_REGION` names a region.
    #[error("no region in the ARN and AWS_REGION is unset")]
    NoRegion,
    /// The call failed: no credentials, the network, or Secrets Manager refused it (AWS's error
    /// answers name the error and never echo the secret).
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The answer is not GetSecretValue's JSON.
    #[error("Secrets Manager's answer is not JSON")]
    BadAnswer(#[source] serde_json::Error),
    /// The secret is binary.
    #[error("the secret has no SecretString (binary secrets are not supported)")]
    Binary,
    /// The secret is not a JSON object.
    #[error("the secret is not a JSON object of strings")]
    NotAnObject,
    /// The secret holds a key ackbot does not know.
    #[error("unknown key `{key}` in the secret (expected {})", SECRET_KEYS.join(", "))]
    UnknownKey {
        /// The key.
        key: String,
    },
    /// A value is not a string.
    #[error("`{key}` in the secret is not a string")]
    NotAString {
        /// The key.
        key: String,
    },
}

/// Reads the JSON secret `arn` and returns its values by key. Empty values count as unset.
pub async fn read(
    arn: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<HashMap<String, String>, SecretsError> {
    let region = arn
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .or_else(|| env("AWS_REGION"))
        .ok_or(SecretsError::NoRegion)?;
    let aws = AwsClient::from_env(
        &env,
        "secretsmanager",
        ("SECRETS_MANAGER", "secretsmanager"),
        region,
    )?;
    let response = aws
        .post(Call {
            operation: "GetSecretValue",
            path: "/",
            headers: &[
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", "secretsmanager.GetSecretValue"),
            ],
            body: serde_json::json!({ "SecretId": arn })
                .to_string()
                .into_bytes(),
            timeout: SECRETS_TIMEOUT,
            cap: SECRET_RESPONSE_CAP,
        })
        .await?;
    #[derive(serde::Deserialize)]
    struct GetSecretValue {
        #[serde(rename = "SecretString")]
        secret_string: Option<String>,
    }
    let answer: GetSecretValue =
        serde_json::from_slice(&response.body.bytes).map_err(SecretsError::BadAnswer)?;
    parse(&answer.secret_string.ok_or(SecretsError::Binary)?)
}

/// Parses the secret's JSON object; values must be strings, unknown keys are refused.
fn parse(secret_string: &str) -> Result<HashMap<String, String>, SecretsError> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(secret_string).map_err(|_| SecretsError::NotAnObject)?;
    let mut values = HashMap::new();
    for (key, value) in object {
        if !SECRET_KEYS.contains(&key.as_str()) {
            return Err(SecretsError::UnknownKey { key });
        }
        let Some(value) = value.as_str() else {
            return Err(SecretsError::NotAString { key });
        };
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
        assert!(
            matches!(err, SecretsError::NotAString { ref key } if key == "SLACK_SIGNING_SECRET")
        );
        let err = parse(r#"{"TYPO":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("TYPO"), "{err}");
        let err = parse("not json s3cr3t").unwrap_err();
        assert!(matches!(err, SecretsError::NotAnObject));
        assert!(!ackbot_core::chain(&err).contains("s3cr3t"), "{err}");
    }
}
