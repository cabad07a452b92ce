//! `ackbot doctor`'s checks of LINE's variables (feature `doctor`): the shape of
//! `LINE_CHANNEL_SECRET` (each secret while rotating) and `LINE_CHANNEL_ACCESS_TOKEN`, a usable
//! `LINE_API_URL` ([`check`]), and whether LINE accepts the token (`GET /v2/bot/info`,
//! [`check_token`]). No finding prints a value: at most its length.
//!
//! ```
//! use ackbot_core::doctor::Level;
//!
//! let checks = ackbot_line::doctor::check(&|name: &str| match name {
//!     "LINE_CHANNEL_SECRET" => Some("0123456789abcdef0123456789abcdef".to_string()),
//!     _ => None,
//! });
//! assert!(checks.configured);
//! assert_eq!(checks.findings[0].message, "set (32 characters)");
//! assert_eq!(checks.findings[1].level, Level::Problem, "no access token");
//! assert!(checks.token.is_none());
//! ```

mod online;

use ackbot_core::SecretString;
use ackbot_core::doctor::{
    self, Finding, Lookup, PlatformChecks, TokenCheck, is_lowercase_hex, padded,
};

pub use online::check_token;

use crate::DEFAULT_API_URL;
use crate::config::split_secrets;

const PLATFORM: &str = "LINE";
const SECRET: &str = "LINE channel secret";
const URL: &str = "LINE API URL";
const TOKEN: &str = "LINE channel access token";

/// Where a LINE channel's secret is shown.
const SECRET_WHERE: &str =
    "LINE Developers console → your channel → Basic settings → Channel secret";
/// Where a LINE channel's access token is issued.
const TOKEN_WHERE: &str =
    "LINE Developers console → your channel → Messaging API → Channel access token";

/// Checks `LINE_CHANNEL_SECRET`, `LINE_CHANNEL_ACCESS_TOKEN` and `LINE_API_URL` as `lookup` sees
/// them; the token is to be shown to LINE when it is set and the URL is usable.
pub fn check(lookup: Lookup<'_>) -> PlatformChecks {
    let url = doctor::api_url(
        lookup("LINE_API_URL").as_deref(),
        "LINE_API_URL",
        URL,
        DEFAULT_API_URL,
    );
    let token = lookup("LINE_CHANNEL_ACCESS_TOKEN");
    let mut checks = PlatformChecks {
        platform: PLATFORM,
        token_subject: TOKEN,
        configured: false,
        findings: Vec::new(),
        token: None,
    };
    let Some(secret) = lookup("LINE_CHANNEL_SECRET") else {
        checks.findings.push(match token {
            Some(_) => Finding::warn(
                PLATFORM,
                format!(
                    "LINE_CHANNEL_ACCESS_TOKEN is set, but LINE stays off until \
                     LINE_CHANNEL_SECRET is set too ({SECRET_WHERE})"
                ),
            ),
            None => Finding::info(PLATFORM, "off (LINE_CHANNEL_SECRET is not set)"),
        });
        checks.findings.extend(url.finding);
        return checks;
    };
    checks.configured = true;
    // The token last, next to what LINE says of it.
    checks.findings.extend(channel_secrets(&secret));
    checks.findings.extend(url.finding);
    checks.findings.extend(access_token(token.as_deref()));
    checks.token = match (token.as_deref().map(str::trim), url.usable) {
        (Some(token), Some(api_url)) if !token.is_empty() => Some(TokenCheck {
            api_url,
            token: SecretString::from(token.to_string()),
        }),
        _ => None,
    };
    checks
}

fn channel_secrets(secret: &str) -> Vec<Finding> {
    if secret.trim().is_empty() {
        return vec![Finding::problem(
            SECRET,
            format!(
                "LINE_CHANNEL_SECRET is set but empty, so ackbot refuses to start: paste the \
                 channel secret ({SECRET_WHERE}), or unset it to turn LINE off"
            ),
        )];
    }
    // As the adapter reads it: comma-separated while rotating, spaces around each ignored.
    let secrets: Vec<&str> = split_secrets(secret).collect();
    if secrets.is_empty() {
        return vec![Finding::problem(
            SECRET,
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
                SECRET,
                format!("{which} {what} ({SECRET_WHERE})"),
            ))
        })
        .collect();
    if !warnings.is_empty() {
        return warnings;
    }
    vec![Finding::ok(
        SECRET,
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

fn access_token(token: Option<&str>) -> Vec<Finding> {
    let raw = match token {
        None => {
            return vec![Finding::problem(
                TOKEN,
                format!(
                    "LINE_CHANNEL_ACCESS_TOKEN is not set, and LINE needs it to reply, so ackbot \
                     refuses to start: issue a long-lived token ({TOKEN_WHERE}) and set it"
                ),
            )];
        }
        Some(t) if t.trim().is_empty() => {
            return vec![Finding::problem(
                TOKEN,
                format!(
                    "LINE_CHANNEL_ACCESS_TOKEN is set but empty, so ackbot refuses to start: \
                     issue a long-lived token ({TOKEN_WHERE}) and set it"
                ),
            )];
        }
        Some(t) => t,
    };
    let value = raw.trim();
    let chars = value.chars().count();
    let mut findings = vec![match is_lowercase_hex(value, 32) {
        true => Finding::warn(
            TOKEN,
            format!(
                "LINE_CHANNEL_ACCESS_TOKEN has 32 characters of 0-9 and a-f, the shape of a \
                 channel secret, not of an access token ({TOKEN_WHERE})"
            ),
        ),
        false => Finding::ok(TOKEN, format!("set ({chars} characters)")),
    }];
    if value != raw {
        findings.push(padded(TOKEN, "LINE_CHANNEL_ACCESS_TOKEN"));
    }
    findings
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use ackbot_core::ExposeSecret;
    use ackbot_core::doctor::Level;

    use super::*;

    fn levels(findings: &[Finding]) -> Vec<Level> {
        findings.iter().map(|f| f.level).collect()
    }

    const GOOD: &str = "0123456789abcdef0123456789abcdef";

    fn checked(vars: &[(&str, &str)]) -> PlatformChecks {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        check(&|name: &str| map.get(name).map(|v| v.to_string()))
    }

    #[test]
    fn channel_secrets_are_checked_one_by_one() {
        assert_eq!(
            channel_secrets(GOOD),
            [Finding::ok(SECRET, "set (32 characters)")]
        );
        assert_eq!(
            channel_secrets(&format!("{GOOD}, {GOOD}")),
            [Finding::ok(
                SECRET,
                "set: 2 secrets while rotating (32 and 32 characters)"
            )]
        );
        let f = channel_secrets(&format!("{GOOD},1653387193"));
        assert_eq!(levels(&f), [Level::Warn]);
        assert!(
            f[0].message.starts_with("secret 2 of 2"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("Channel ID"), "{}", f[0].message);
        assert!(!f[0].message.contains("1653387193"), "{}", f[0].message);

        let f = channel_secrets("short-secret-value");
        assert!(
            f[0].message.contains("has 18 characters"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("short-secret"), "{}", f[0].message);
        let f = channel_secrets(&"x".repeat(172));
        assert!(
            f[0].message.contains("shape of a channel access token"),
            "{}",
            f[0].message
        );
        assert_eq!(levels(&channel_secrets(" , ")), [Level::Problem]);
        assert_eq!(levels(&channel_secrets("")), [Level::Problem]);
    }

    #[test]
    fn the_access_token_is_required_with_the_secret() {
        assert_eq!(levels(&access_token(None)), [Level::Problem]);
        assert_eq!(levels(&access_token(Some(""))), [Level::Problem]);
        let f = access_token(Some(GOOD));
        assert!(
            f[0].message.contains("shape of a channel secret"),
            "{}",
            f[0].message
        );
        let f = access_token(Some("tokenvalue\n"));
        assert_eq!(levels(&f), [Level::Ok, Level::Warn]);
        assert_eq!(f[0].message, "set (10 characters)");
    }

    #[test]
    fn the_token_is_shown_to_line_at_a_usable_url_only() {
        let with = |token: &str, url: &str| {
            checked(&[
                ("LINE_CHANNEL_SECRET", GOOD),
                ("LINE_CHANNEL_ACCESS_TOKEN", token),
                ("LINE_API_URL", url),
            ])
            .token
        };
        let shown = with(" a-token ", "http://127.0.0.1:9/").unwrap();
        assert_eq!(shown.api_url, "http://127.0.0.1:9");
        assert_eq!(shown.token.expose_secret(), "a-token");
        assert_eq!(with("t", "").unwrap().api_url, crate::DEFAULT_API_URL);
        assert!(with(" ", "").is_none());
        assert!(with("t", "ftp://api.line.me").is_none());
    }

    #[test]
    fn off_without_its_secret_and_the_token_alone_is_a_warning() {
        let off = checked(&[("LINE_CHANNEL_ACCESS_TOKEN", "t")]);
        assert!(!off.configured && off.token.is_none());
        assert_eq!(levels(&off.findings), [Level::Warn]);
        assert!(off.findings[0].message.contains("stays off"));
        let off = checked(&[]);
        assert_eq!(
            off.findings,
            [Finding::info(
                PLATFORM,
                "off (LINE_CHANNEL_SECRET is not set)"
            )]
        );
        assert_eq!((off.platform, off.token_subject), ("LINE", TOKEN));
    }
}
