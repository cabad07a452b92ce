//! The settings other than the platforms' secrets and tokens, as `Config` reads them: each
//! unusable one is a problem, told in `Config`'s own words (which never quote a secret).

use ackbot_core::doctor::{Finding, Lookup};

use crate::config::{Config, ConfigError};

const SETTINGS: &str = "Other settings";

/// The other settings, as `Config` reads them: each unusable one is a problem.
pub(super) fn check(lookup: Lookup<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut left_out: Vec<&'static str> = Vec::new();
    // Config stops at the first bad setting: leave each one out once told, to find the next.
    for _ in 0..32 {
        let others = |name: &str| -> Option<String> {
            if left_out.contains(&name) {
                return None;
            }
            // The checks above judge the secrets; stand-ins keep them from failing here while
            // still turning the platforms' own settings on.
            let stand_in = || Some("stand-in".to_string());
            match name {
                "SLACK_SIGNING_SECRET" | "LINE_CHANNEL_SECRET" => {
                    lookup(name).and_then(|_| stand_in())
                }
                "LINE_CHANNEL_ACCESS_TOKEN" => {
                    lookup("LINE_CHANNEL_SECRET").and_then(|_| stand_in())
                }
                "SLACK_BOT_TOKEN" => None,
                _ => lookup(name),
            }
        };
        let Err(error) = Config::from_lookup(others) else {
            break;
        };
        findings.push(Finding::problem(SETTINGS, ackbot_core::chain(&error)));
        match error {
            ConfigError::Invalid { name, .. } | ConfigError::ShortSecret { name, .. } => {
                left_out.push(name)
            }
            _ => break,
        }
    }
    if findings.is_empty() {
        findings.push(Finding::ok(
            SETTINGS,
            "usable (ACKBOT_WORKERS, ACKBOT_ACK_STATUS, …)",
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use ackbot_core::doctor::Level;

    use super::super::tests::report;
    use super::*;

    fn levels(findings: &[Finding]) -> Vec<Level> {
        findings.iter().map(|f| f.level).collect()
    }

    const SLACK_SECRET_OK: &str = "fa2c05deeef5a4077494e89f54394de0";

    #[tokio::test]
    async fn every_bad_setting_is_named_in_plain_words() {
        let (d, text) = report(&[
            ("SLACK_SIGNING_SECRET", SLACK_SECRET_OK),
            ("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef"),
            ("LINE_CHANNEL_ACCESS_TOKEN", "t"),
            ("ACKBOT_WORKERS", "many"),
            ("ACKBOT_ACK_STATUS", "500"),
            ("ACKBOT_LINE_REPLY_TOKEN_TTL_MS", "soon"),
        ])
        .await;
        assert_eq!(d.problems(), 3, "{text}");
        assert!(
            text.contains("✗ Other settings: ACKBOT_WORKERS must be a whole number, not `many`"),
            "{text}"
        );
        assert!(
            text.contains("ACKBOT_ACK_STATUS must be a 2xx status"),
            "{text}"
        );
        assert!(text.contains("ACKBOT_LINE_REPLY_TOKEN_TTL_MS"), "{text}");
    }

    #[tokio::test]
    async fn a_short_inspector_token_is_a_problem_told_by_its_length() {
        let short = "inspector-token-of-31-characters";
        let (d, text) = report(&[
            ("SLACK_SIGNING_SECRET", SLACK_SECRET_OK),
            ("ACKBOT_INSPECT_TOKEN", &short[1..]),
            ("ACKBOT_WORKERS", "many"),
        ])
        .await;
        assert_eq!(d.problems(), 2, "{text}");
        assert!(
            text.contains("ACKBOT_INSPECT_TOKEN has 31 characters: it must have at least 32"),
            "{text}"
        );
        assert!(!text.contains(&short[1..]), "{text}");
        assert!(text.contains("ACKBOT_WORKERS"), "{text}");
    }

    #[test]
    fn usable_settings_are_one_line() {
        let f = check(&|_| None);
        assert_eq!(levels(&f), [Level::Ok]);
    }
}
