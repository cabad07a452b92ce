//! The assistant's model (`ask`): an OpenAI-compatible chat-completions endpoint, configured when
//! `ACKBOT_LLM_URL` and `ACKBOT_LLM_MODEL` are set.

use std::time::Duration;

use crate::handlers::ModelConfig;
use ackbot_core::SecretString;

use super::{ConfigError, number};

/// The default of `ACKBOT_LLM_TIMEOUT_SECS`.
const DEFAULT_TIMEOUT_SECS: usize = 120;

/// The model's settings, when `ACKBOT_LLM_URL` and `ACKBOT_LLM_MODEL` are set.
pub(super) fn from_lookup(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<ModelConfig>, ConfigError> {
    let set = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let (url, model) = match (set("ACKBOT_LLM_URL"), set("ACKBOT_LLM_MODEL")) {
        (None, None) => return Ok(None),
        (Some(url), Some(model)) => (url, model),
        (Some(_), None) => return Err(missing("ACKBOT_LLM_MODEL")),
        (None, Some(_)) => return Err(missing("ACKBOT_LLM_URL")),
    };
    match reqwest::Url::parse(&url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
        _ => {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_LLM_URL",
                value: url,
                expected: "an http(s) base URL ending in /v1, e.g. https://api.openai.com/v1",
            });
        }
    }
    let timeout_secs = number(lookup, "ACKBOT_LLM_TIMEOUT_SECS", DEFAULT_TIMEOUT_SECS)?;
    if !(1..=900).contains(&timeout_secs) {
        return Err(ConfigError::Invalid {
            name: "ACKBOT_LLM_TIMEOUT_SECS",
            value: timeout_secs.to_string(),
            expected: "seconds from 1 to 900",
        });
    }
    Ok(Some(ModelConfig {
        url: url.trim_end_matches('/').to_string(),
        api_key: SecretString::from(lookup("ACKBOT_LLM_API_KEY").unwrap_or_default()),
        model,
        system_prompt: set("ACKBOT_LLM_SYSTEM_PROMPT"),
        timeout: Duration::from_secs(timeout_secs as u64),
    }))
}

fn missing(name: &'static str) -> ConfigError {
    ConfigError::Invalid {
        name,
        value: String::new(),
        expected: "set too: the assistant needs ACKBOT_LLM_URL and ACKBOT_LLM_MODEL",
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;

    #[test]
    fn the_model_is_configured_by_url_and_model_and_its_key_never_shows() {
        assert!(config(&[]).unwrap().llm.is_none());
        let c = config(&[
            ("ACKBOT_LLM_URL", "https://api.example.com/v1/"),
            ("ACKBOT_LLM_MODEL", "gpt-x"),
            ("ACKBOT_LLM_API_KEY", "sk-very-secret"),
        ])
        .unwrap();
        let llm = c.llm.unwrap();
        assert_eq!(
            (llm.url.as_str(), llm.timeout.as_secs()),
            ("https://api.example.com/v1", 120)
        );
        assert!(!format!("{llm:?}").contains("sk-very-secret"));
        let half = config(&[("ACKBOT_LLM_URL", "https://api.example.com/v1")]).unwrap_err();
        assert!(half.to_string().contains("ACKBOT_LLM_MODEL"), "{half}");
        let slow = [
            ("ACKBOT_LLM_URL", "https://x/v1"),
            ("ACKBOT_LLM_MODEL", "m"),
            ("ACKBOT_LLM_TIMEOUT_SECS", "901"),
        ];
        assert!(
            config(&slow)
                .unwrap_err()
                .to_string()
                .contains("ACKBOT_LLM_TIMEOUT_SECS")
        );
    }
}
