//! Slack's distribution mode (many workspaces): on when `SLACK_CLIENT_ID` and
//! `SLACK_CLIENT_SECRET` are both set; its scopes, public URL and installation store.

use std::path::PathBuf;

use ackbot_core::SecretString;

use super::{ConfigError, required_secret};

/// The local stores' directory when `ACKBOT_DATA_DIR` is unset.
pub(crate) const DEFAULT_DATA_DIR: &str = ".ackbot";

/// Distribution mode's settings.
#[derive(Clone, Debug)]
pub(crate) struct DistributionSettings {
    /// `SLACK_CLIENT_ID`.
    pub client_id: String,
    /// `SLACK_CLIENT_SECRET`.
    pub client_secret: SecretString,
    /// `SLACK_SCOPES`: bot scopes beyond those the registrations need.
    pub scopes: Vec<String>,
    /// `SLACK_USER_SCOPES`.
    pub user_scopes: Vec<String>,
    /// `ACKBOT_PUBLIC_URL`: the https base URL the install routes are reached at.
    pub public_url: String,
    /// `ACKBOT_OAUTH_SUCCESS_URL`.
    pub success_url: Option<String>,
    /// `ACKBOT_INSTALLATION_TABLE`: DynamoDB; unset, a file in `data_dir`.
    pub table: Option<String>,
    /// `ACKBOT_DATA_DIR` (default `.ackbot/`), where `serve` keeps the file.
    #[cfg_attr(not(feature = "serve"), allow(dead_code))]
    pub data_dir: PathBuf,
}

impl DistributionSettings {
    /// The settings, when both client credentials are set.
    pub(super) fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let (client_id, client_secret) = match (set("SLACK_CLIENT_ID"), set("SLACK_CLIENT_SECRET"))
        {
            (None, None) => return Ok(None),
            (Some(id), Some(secret)) => (id.trim().to_string(), secret),
            (Some(_), None) => return Err(half("SLACK_CLIENT_SECRET")),
            (None, Some(_)) => return Err(half("SLACK_CLIENT_ID")),
        };
        let public_url = set("ACKBOT_PUBLIC_URL").ok_or(ConfigError::Invalid {
            name: "ACKBOT_PUBLIC_URL",
            value: String::new(),
            expected: "the https URL the app is reached at (its redirect_uri is that URL + \
                       /slack/oauth_redirect), e.g. https://abc.execute-api.us-east-1.amazonaws.com/prod",
        })?;
        let public_url = web_url("ACKBOT_PUBLIC_URL", &public_url)?;
        let success_url = set("ACKBOT_OAUTH_SUCCESS_URL")
            .map(|url| web_url("ACKBOT_OAUTH_SUCCESS_URL", &url))
            .transpose()?;
        let table = set("ACKBOT_INSTALLATION_TABLE").map(|t| t.trim().to_string());
        if table.is_none() && lookup("AWS_LAMBDA_RUNTIME_API").is_some() {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_INSTALLATION_TABLE",
                value: String::new(),
                expected: "the DynamoDB table of installations: under Lambda they cannot live on disk \
                           (the stack sets it with slack.distribution)",
            });
        }
        Ok(Some(Self {
            client_id,
            client_secret: required_secret("SLACK_CLIENT_SECRET", client_secret)?,
            scopes: list(set("SLACK_SCOPES")),
            user_scopes: list(set("SLACK_USER_SCOPES")),
            public_url,
            success_url,
            table,
            data_dir: set("ACKBOT_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
        }))
    }
}

fn half(missing: &'static str) -> ConfigError {
    ConfigError::Invalid {
        name: missing,
        value: String::new(),
        expected: "set too: distribution mode needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET \
                   (from the app's Basic Information page)",
    }
}

/// An absolute https URL (http only on a loopback host, for a laptop), without a trailing `/`.
fn web_url(name: &'static str, raw: &str) -> Result<String, ConfigError> {
    let invalid = || ConfigError::Invalid {
        name,
        value: raw.to_string(),
        expected: "an absolute https URL (http only on localhost or 127.0.0.1)",
    };
    match ackbot_slack::oauth::is_public_url(raw) {
        true => Ok(raw.trim().trim_end_matches('/').to_string()),
        false => Err(invalid()),
    }
}

/// A comma-separated list, trimmed, blanks skipped.
fn list(raw: Option<String>) -> Vec<String> {
    (raw.unwrap_or_default().split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;

    const ON: [(&str, &str); 4] = [
        ("SLACK_SIGNING_SECRET", "s"),
        ("SLACK_CLIENT_ID", "1234.5678"),
        ("SLACK_CLIENT_SECRET", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
        ("ACKBOT_PUBLIC_URL", "https://bots.example.com/prod/"),
    ];

    #[test]
    fn both_credentials_turn_it_on() {
        let mut vars = ON.to_vec();
        vars.push(("SLACK_SCOPES", "reactions:write, ,users:read"));
        let c = config(&vars).unwrap();
        let d = c.slack.unwrap().distribution.unwrap();
        assert_eq!(d.public_url, "https://bots.example.com/prod");
        assert_eq!(d.scopes, ["reactions:write", "users:read"]);
        assert_eq!(d.data_dir.to_str(), Some(".ackbot"));
        assert!(
            !format!("{d:?}").contains("0f1e2d3c"),
            "the secret never shows"
        );
        assert!(
            config(&ON[..1])
                .unwrap()
                .slack
                .unwrap()
                .distribution
                .is_none()
        );
    }

    #[test]
    fn half_a_configuration_or_a_bad_url_is_refused() {
        let err = config(&ON[..2]).unwrap_err().to_string();
        assert!(err.contains("SLACK_CLIENT_SECRET"), "{err}");
        let err = config(&ON[..3]).unwrap_err().to_string();
        assert!(err.contains("ACKBOT_PUBLIC_URL"), "{err}");
        for bad in ["http://bots.example.com", "bots.example.com", "ftp://x"] {
            let mut vars = ON.to_vec();
            vars[3].1 = bad;
            let err = config(&vars).unwrap_err().to_string();
            assert!(
                err.contains("ACKBOT_PUBLIC_URL") && err.contains(bad),
                "{err}"
            );
        }
        let mut vars = ON.to_vec();
        vars[3].1 = "http://127.0.0.1:3000";
        assert!(config(&vars).is_ok(), "a laptop may use http");
        vars.push(("ACKBOT_OAUTH_SUCCESS_URL", "http://evil.example.com"));
        assert!(
            config(&vars)
                .unwrap_err()
                .to_string()
                .contains("ACKBOT_OAUTH_SUCCESS_URL")
        );
        let mut vars = ON.to_vec();
        vars.push(("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"));
        let err = config(&vars).unwrap_err().to_string();
        assert!(err.contains("ACKBOT_INSTALLATION_TABLE"), "{err}");
    }
}
