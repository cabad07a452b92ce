//! Checks of the values themselves: set or not, of the shape the platforms issue, usable URLs and
//! settings. None prints a value: at most its length.

use ackbot_core::doctor::{
    self, is_lowercase_hex, padded, Finding, Lookup, PlatformChecks, TokenCheck,
};
use ackbot_core::SecretString;

use super::LINE_TOKEN;
use crate::config::{Config, ConfigError, DEFAULT_LINE_API_URL};

const LINE: &str = "LINE";
const LINE_SECRET: &str = "LINE channel secret";
const LINE_URL: &str = "LINE API URL";
const SETTINGS: &str = "Other settings";

/// Where a LINE channel's secret is shown.
const LINE_SECRET_WHERE: &str =
    "LINE Developers console → your channel → Basic settings → Channel secret";
/// Where a LINE channel's access token is issued.
const LINE_TOKEN_WHERE: &str =
    "LINE Developers console → your channel → Messaging API → Channel access token";

/// LINE: `LINE_CHANNEL_SECRET`, `LINE_CHANNEL_ACCESS_TOKEN`, `LINE_API_URL`.
pub(super) fn line(lookup: Lookup<'_>) -> PlatformChecks {
    let (url_finding, api_url) = api_url(lookup, "LINE_API_URL", LINE_URL, DEFAULT_LINE_API_URL);
    let token = lookup("LINE_CHANNEL_ACCESS_TOKEN");
    let mut findings = Vec::new();
    let Some(secret) = lookup("LINE_CHANNEL_SECRET") else {
        findings.push(match token {
            Some(_) => Finding::warn(
                LINE,
                format!(
                    "LINE_CHANNEL_ACCESS_TOKEN is set, but LINE stays off until \
                     LINE_CHANNEL_SECRET is set too ({LINE_SECRET_WHERE})"
                ),
            ),
            None => Finding::info(LINE, "off (LINE_CHANNEL_SECRET is not set)"),
        });
        findings.extend(url_finding);
        return PlatformChecks {
            platform: LINE,
            token_subject: LINE_TOKEN,
            configured: false,
            findings,
            token: None,
        };
    };
    findings.extend(line_channel_secrets(&secret));
    findings.extend(url_finding);
    findings.extend(line_access_token(token.as_deref()));
    let token = match (token.as_deref().map(str::trim), api_url) {
        (Some(token), Some(api_url)) if !token.is_empty() => Some(TokenCheck {
            api_url,
            token: SecretString::from(token.to_string()),
        }),
        _ => None,
    };
    PlatformChecks {
        platform: LINE,
        token_subject: LINE_TOKEN,
        configured: true,
        findings,
        token,
    }
}

fn line_channel_secrets(secret: &str) -> Vec<Finding> {
    if secret.trim().is_empty() {
        return vec![Finding::problem(
            LINE_SECRET,
            format!(
                "LINE_CHANNEL_SECRET is set but empty, so ackbot refuses to start: paste the \
                 channel secret ({LINE_SECRET_WHERE}), or unset it to turn LINE off"
            ),
        )];
    }
    // As the adapter reads it: comma-separated while rotating, spaces around each ignored.
    let secrets: Vec<&str> = secret
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if secrets.is_empty() {
        return vec![Finding::problem(
            LINE_SECRET,
            "LINE_CHANNEL_SECRET holds only commas, no secret",
        )];
    }
    let count = secrets.len();
    let lengths: Vec<usize> = secrets.iter().map(|s| s.chars().count()).collect();
    let warnings: Vec<Finding> = secrets
        .iter()
        .zip(&lengths)
        .enumerate()
        .filter_map(|(i, (value, &chars))| {
            let which = match count {
                1 => "LINE_CHANNEL_SECRET".to_string(),
                _ => format!("secret {} of {count} in LINE_CHANNEL_SECRET", i + 1),
            };
            let what = if is_lowercase_hex(value, 32) {
                return None;
            } else if chars == 10 && value.chars().all(|c| c.is_ascii_digit()) {
                "is 10 digits, the shape of the Channel ID, not of the channel secret".to_string()
            } else if chars > 100 {
                format!(
                    "has {chars} characters, the shape of a channel access token, not of the \
                     channel secret"
                )
            } else {
                format!(
                    "has {chars} characters, but a LINE channel secret is 32 characters of 0-9 \
                     and a-f"
                )
            };
            Some(Finding::warn(
                LINE_SECRET,
                format!("{which} {what} ({LINE_SECRET_WHERE})"),
            ))
        })
        .collect();
    if !warnings.is_empty() {
        return warnings;
    }
    vec![Finding::ok(
        LINE_SECRET,
        match lengths.as_slice() {
            [one] => format!("set ({one} characters)"),
            many => format!(
                "set: {count} secrets while rotating ({} characters)",
                many.iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        },
    )]
}

fn line_access_token(token: Option<&str>) -> Vec<Finding> {
    let raw = match token {
        None => {
            return vec![Finding::problem(
                LINE_TOKEN,
                format!(
                    "LINE_CHANNEL_ACCESS_TOKEN is not set, and LINE needs it to reply, so ackbot \
                     refuses to start: issue a long-lived token ({LINE_TOKEN_WHERE}) and set it"
                ),
            )]
        }
        Some(t) if t.trim().is_empty() => {
            return vec![Finding::problem(
                LINE_TOKEN,
                format!(
                    "LINE_CHANNEL_ACCESS_TOKEN is set but empty, so ackbot refuses to start: \
                     issue a long-lived token ({LINE_TOKEN_WHERE}) and set it"
                ),
            )]
        }
        Some(t) => t,
    };
    let value = raw.trim();
    let chars = value.chars().count();
    let mut findings = vec![match is_lowercase_hex(value, 32) {
        true => Finding::warn(
            LINE_TOKEN,
            format!(
                "LINE_CHANNEL_ACCESS_TOKEN has 32 characters of 0-9 and a-f, the shape of a \
                 channel secret, not of an access token ({LINE_TOKEN_WHERE})"
            ),
        ),
        false => Finding::ok(LINE_TOKEN, format!("set ({chars} characters)")),
    }];
    if value != raw {
        findings.push(padded(LINE_TOKEN, "LINE_CHANNEL_ACCESS_TOKEN"));
    }
    findings
}

/// Checks an API base URL variable; returns the URL to call (without a trailing `/`) unless it
/// is unusable.
fn api_url(
    lookup: Lookup<'_>,
    name: &'static str,
    subject: &'static str,
    default: &str,
) -> (Option<Finding>, Option<String>) {
    let checked = doctor::api_url(lookup(name).as_deref(), name, subject, default);
    (checked.finding, checked.usable)
}

/// The other settings, as `Config` reads them: each unusable one is a problem.
pub(super) fn settings(lookup: Lookup<'_>) -> Vec<Finding> {
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

    use super::super::tests::{line_about, report};
    use super::*;

    fn levels(findings: &[Finding]) -> Vec<Level> {
        findings.iter().map(|f| f.level).collect()
    }

    const SLACK_SECRET_OK: &str = "fa2c05deeef5a4077494e89f54394de0";

    #[test]
    fn line_channel_secrets_are_checked_one_by_one() {
        let good = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            line_channel_secrets(good),
            [Finding::ok(LINE_SECRET, "set (32 characters)")]
        );
        assert_eq!(
            line_channel_secrets(&format!("{good}, {good}")),
            [Finding::ok(
                LINE_SECRET,
                "set: 2 secrets while rotating (32 and 32 characters)"
            )]
        );
        let f = line_channel_secrets(&format!("{good},1653387193"));
        assert_eq!(levels(&f), [Level::Warn]);
        assert!(
            f[0].message.starts_with("secret 2 of 2"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("Channel ID"), "{}", f[0].message);
        assert!(!f[0].message.contains("1653387193"), "{}", f[0].message);

        let f = line_channel_secrets("short-secret-value");
        assert!(
            f[0].message.contains("has 18 characters"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("short-secret"), "{}", f[0].message);
        assert_eq!(levels(&line_channel_secrets(" , ")), [Level::Problem]);
        assert_eq!(levels(&line_channel_secrets("")), [Level::Problem]);
    }

    #[test]
    fn the_line_access_token_is_required_with_the_secret() {
        assert_eq!(levels(&line_access_token(None)), [Level::Problem]);
        assert_eq!(levels(&line_access_token(Some(""))), [Level::Problem]);
        let f = line_access_token(Some("0123456789abcdef0123456789abcdef"));
        assert!(
            f[0].message.contains("shape of a channel secret"),
            "{}",
            f[0].message
        );
        let f = line_access_token(Some("tokenvalue\n"));
        assert_eq!(levels(&f), [Level::Ok, Level::Warn]);
        assert_eq!(f[0].message, "set (10 characters)");
    }

    #[tokio::test]
    async fn a_token_without_its_secret_is_a_warning() {
        let (d, text) = report(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("LINE_CHANNEL_ACCESS_TOKEN", "t"),
        ])
        .await;
        assert!(
            line_about(&text, "Slack bot token").contains("stays off"),
            "{text}"
        );
        assert!(line_about(&text, "LINE").contains("stays off"), "{text}");
        assert_eq!(d.warnings(), 2, "{text}");
    }

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
        let f = settings(&|_| None);
        assert_eq!(levels(&f), [Level::Ok]);
    }

    #[tokio::test]
    async fn no_secret_value_reaches_the_report() {
        let secrets = [
            ("SLACK_SIGNING_SECRET", "S1GN1NG-Distinctive-Value"),
            ("SLACK_BOT_TOKEN", "xoxp-Distinctive-User-Token"),
            (
                "LINE_CHANNEL_SECRET",
                "L1NE-Distinctive-Secret,0123456789abcdef0123456789abcdef",
            ),
            (
                "LINE_CHANNEL_ACCESS_TOKEN",
                " L1NE-Distinctive-Access-Token ",
            ),
        ];
        let (_, text) = report(&secrets).await;
        for needle in ["Distinctive", "S1GN", "L1NE", "0123456789abcdef"] {
            assert!(!text.contains(needle), "{needle} leaked:\n{text}");
        }
        let (_, text) = report(&[
            ("SLACK_SIGNING_SECRET", "fa2c05deeef5a4077494e89f54394de0"),
            ("SLACK_BOT_TOKEN", "xoxb-Distinctive-Bot-Token"),
        ])
        .await;
        assert!(
            !text.contains("fa2c05") && !text.contains("Distinctive"),
            "{text}"
        );
    }
}
