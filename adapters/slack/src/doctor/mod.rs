//! `ackbot doctor`'s checks of Slack's variables (feature `doctor`): the shape of
//! `SLACK_SIGNING_SECRET` and `SLACK_BOT_TOKEN`, a usable `SLACK_API_URL` ([`check`]), and
//! whether Slack accepts the token (`auth.test`, [`check_token`]); in distribution mode the
//! client id and secret, `ACKBOT_PUBLIC_URL` and the scopes instead of the token
//! (`distribution.rs`). No finding prints a value: at
//! most its length, or a token's well-known prefix.
//!
//! ```
//! use ackbot_core::doctor::Level;
//!
//! let checks = ackbot_slack::doctor::check(&|name: &str| {
//!     (name == "SLACK_SIGNING_SECRET").then(|| "8f742231b10e8888abcd99a1b2c3d4e5".to_string())
//! });
//! assert!(checks.configured);
//! assert_eq!(checks.findings[0].message, "set (32 characters)");
//! assert_eq!(checks.findings[1].level, Level::Warn, "no bot token");
//! assert!(checks.token.is_none());
//! ```

mod distribution;
mod online;

use ackbot_core::SecretString;
use ackbot_core::doctor::{
    self, Finding, Lookup, PlatformChecks, TokenCheck, is_lowercase_hex, padded,
};

pub use online::check_token;

use crate::DEFAULT_API_URL;

const PLATFORM: &str = "Slack";
const SECRET: &str = "Slack signing secret";
const URL: &str = "Slack API URL";
const TOKEN: &str = "Slack bot token";

/// Where a Slack app's Signing Secret is shown.
const SECRET_WHERE: &str =
    "api.slack.com/apps → your app → Basic Information → App Credentials → Signing Secret";
/// Where a Slack app's bot token is shown.
const TOKEN_WHERE: &str =
    "the Bot User OAuth Token (xoxb-…) from api.slack.com/apps → your app → OAuth & Permissions";

/// Slack's token kinds by prefix, and what each is for.
const TOKEN_KINDS: [(&str, &str); 6] = [
    ("xoxb-", "a bot token"),
    (
        "xoxp-",
        "a user token: it acts as the person who installed the app, not as the bot",
    ),
    (
        "xapp-",
        "an app-level token, for Socket Mode connections: it cannot post messages",
    ),
    (
        "xoxe.xoxb-",
        "a bot token with token rotation on: it expires after 12 hours and ackbot does not renew it",
    ),
    ("xoxe.xoxp-", "a user token with token rotation on"),
    ("xoxe-", "a refresh token, which only obtains new tokens"),
];

/// Checks `SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN` and `SLACK_API_URL` as `lookup` sees them;
/// the token is to be shown to Slack when it is a bot token and the URL is usable.
pub fn check(lookup: Lookup<'_>) -> PlatformChecks {
    let url = doctor::api_url(
        lookup("SLACK_API_URL").as_deref(),
        "SLACK_API_URL",
        URL,
        DEFAULT_API_URL,
    );
    let token = lookup("SLACK_BOT_TOKEN");
    let mut checks = PlatformChecks {
        platform: PLATFORM,
        token_subject: TOKEN,
        configured: false,
        findings: Vec::new(),
        token: None,
    };
    let Some(secret) = lookup("SLACK_SIGNING_SECRET") else {
        checks.findings.push(Finding::info(
            PLATFORM,
            "off (SLACK_SIGNING_SECRET is not set)",
        ));
        if token.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            checks.findings.push(Finding::warn(
                TOKEN,
                format!(
                    "SLACK_BOT_TOKEN is set, but Slack stays off until SLACK_SIGNING_SECRET is \
                     set too ({SECRET_WHERE})"
                ),
            ));
        }
        if lookup("SLACK_CLIENT_ID").is_some() || lookup("SLACK_CLIENT_SECRET").is_some() {
            checks.findings.push(Finding::warn(
                PLATFORM,
                format!(
                    "SLACK_CLIENT_ID or SLACK_CLIENT_SECRET is set, but Slack stays off until                      SLACK_SIGNING_SECRET is set too ({SECRET_WHERE})"
                ),
            ));
        }
        checks.findings.extend(url.finding);
        return checks;
    };
    checks.configured = true;
    checks.findings.extend(signing_secret(&secret));
    checks.findings.extend(url.finding);
    if let Some(findings) = distribution::check(lookup) {
        // Many workspaces: no one token to show Slack.
        checks.findings.extend(findings);
        return checks;
    }
    // The token last, next to what Slack says of it.
    checks.findings.extend(bot_token(token.as_deref()));
    checks.token = match (token.as_deref().map(str::trim), url.usable) {
        (Some(token), Some(api_url)) if token.starts_with("xoxb-") => Some(TokenCheck {
            api_url,
            token: SecretString::from(token.to_string()),
        }),
        _ => None,
    };
    checks
}

fn signing_secret(secret: &str) -> Vec<Finding> {
    let value = secret.trim();
    if value.is_empty() {
        return vec![Finding::problem(
            SECRET,
            format!(
                "SLACK_SIGNING_SECRET is set but empty, so ackbot refuses to start: paste the \
                 Signing Secret ({SECRET_WHERE}), or unset it to turn Slack off"
            ),
        )];
    }
    let chars = value.chars().count();
    let shape = if is_lowercase_hex(value, 32) {
        None
    } else if let Some((prefix, kind)) = token_kind(value) {
        Some(format!(
            "SLACK_SIGNING_SECRET starts with {prefix}, so it is {kind}, not the Signing Secret \
             ({SECRET_WHERE})"
        ))
    } else if chars == 24 && value.chars().all(|c| c.is_ascii_alphanumeric()) {
        Some(format!(
            "SLACK_SIGNING_SECRET has 24 letters and digits, the shape of the Verification Token, \
             which does not sign requests: use the Signing Secret, 32 characters of 0-9 and a-f \
             ({SECRET_WHERE})"
        ))
    } else {
        Some(format!(
            "SLACK_SIGNING_SECRET has {chars} characters, but a Slack Signing Secret is 32 \
             characters of 0-9 and a-f: check it is not the Client Secret or the Verification \
             Token shown beside it ({SECRET_WHERE})"
        ))
    };
    let mut findings = vec![match shape {
        None => Finding::ok(SECRET, format!("set ({chars} characters)")),
        Some(warning) => Finding::warn(SECRET, warning),
    }];
    // The verifier uses the secret as it is: a stray newline fails every signature.
    if value != secret {
        findings.push(Finding::problem(
            SECRET,
            "SLACK_SIGNING_SECRET has spaces or a line break around it, so no request from Slack \
             will pass the signature check: remove them",
        ));
    }
    findings
}

fn bot_token(token: Option<&str>) -> Vec<Finding> {
    let Some(raw) = token.filter(|t| !t.trim().is_empty()) else {
        let state = match token {
            Some(_) => "SLACK_BOT_TOKEN is set but empty, so it counts as not set",
            None => "SLACK_BOT_TOKEN is not set",
        };
        return vec![Finding::warn(
            TOKEN,
            format!(
                "{state}: slash commands still answer through their response_url, but replies \
                 to mentions, direct messages and other events, and modals, need it: \
                 {TOKEN_WHERE}"
            ),
        )];
    };
    let value = raw.trim();
    let chars = value.chars().count();
    let mut findings = vec![match token_kind(value) {
        Some(("xoxb-", _)) => Finding::ok(TOKEN, format!("set (xoxb-…, {chars} characters)")),
        Some((prefix, kind)) => Finding::problem(
            TOKEN,
            format!(
                "SLACK_BOT_TOKEN starts with {prefix}, so it is {kind}; ackbot needs {TOKEN_WHERE}"
            ),
        ),
        None => Finding::problem(
            TOKEN,
            format!("SLACK_BOT_TOKEN does not start with xoxb-; ackbot needs {TOKEN_WHERE}"),
        ),
    }];
    if value != raw {
        findings.push(padded(TOKEN, "SLACK_BOT_TOKEN"));
    }
    findings
}

/// The kind of Slack token `value` is by its prefix; the prefix is all of it that is shown.
fn token_kind(value: &str) -> Option<(&'static str, &'static str)> {
    TOKEN_KINDS
        .into_iter()
        .find(|(prefix, _)| value.starts_with(prefix))
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

    const SECRET_OK: &str = "fa2c05deeef5a4077494e89f54394de0";

    fn checked(vars: &[(&str, &str)]) -> PlatformChecks {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        check(&|name: &str| map.get(name).map(|v| v.to_string()))
    }

    #[test]
    fn a_signing_secret_of_the_right_shape_shows_only_its_length() {
        let f = signing_secret(SECRET_OK);
        assert_eq!(f, [Finding::ok(SECRET, "set (32 characters)")]);
    }

    #[test]
    fn a_signing_secret_of_another_shape_says_what_it_may_be() {
        // The Verification Token from Slack's own documentation.
        let f = signing_secret("xyzz0WbapA4vBCDEFasx0q6G");
        assert_eq!(levels(&f), [Level::Warn]);
        assert!(
            f[0].message.contains("Verification Token"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("xyzz0Wbap"), "{}", f[0].message);

        let f = signing_secret("xoxb-12345-67890-secretpart");
        assert!(
            f[0].message.contains("starts with xoxb-"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("secretpart"), "{}", f[0].message);

        let f = signing_secret("Zz-not-a-signing-secret");
        assert!(
            f[0].message.contains("has 23 characters"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("Client Secret"), "{}", f[0].message);
        assert!(!f[0].message.contains("not-a-signing"), "{}", f[0].message);
    }

    #[test]
    fn a_signing_secret_with_a_newline_fails_every_signature() {
        let f = signing_secret(&format!("{SECRET_OK}\n"));
        assert_eq!(levels(&f), [Level::Ok, Level::Problem]);
        assert!(f[1].message.contains("line break"), "{}", f[1].message);
        assert_eq!(levels(&signing_secret("  ")), [Level::Problem]);
    }

    #[test]
    fn token_kinds_are_told_apart() {
        let ok = bot_token(Some("xoxb-1-2-secretbits"));
        assert_eq!(ok, [Finding::ok(TOKEN, "set (xoxb-…, 19 characters)")]);

        let missing = bot_token(None);
        assert_eq!(levels(&missing), [Level::Warn]);
        assert!(
            missing[0].message.contains("modals"),
            "{}",
            missing[0].message
        );
        let blank = bot_token(Some(" "));
        assert!(
            blank[0].message.contains("set but empty"),
            "{}",
            blank[0].message
        );

        for (token, says) in [
            ("xoxp-1-2-secretbits", "a user token"),
            ("xapp-1-A2-secretbits", "app-level token, for Socket Mode"),
            ("xoxe.xoxb-1-secretbits", "rotation"),
            ("secretbits", "does not start with xoxb-"),
        ] {
            let f = bot_token(Some(token));
            assert_eq!(levels(&f), [Level::Problem], "{token}");
            assert!(f[0].message.contains(says), "{token}: {}", f[0].message);
            assert!(
                f[0].message.contains("OAuth & Permissions"),
                "{}",
                f[0].message
            );
            assert!(!f[0].message.contains("secretbits"), "{}", f[0].message);
        }
    }

    #[test]
    fn only_a_bot_token_at_a_usable_url_is_shown_to_slack() {
        let with = |token: &str, url: &str| {
            checked(&[
                ("SLACK_SIGNING_SECRET", SECRET_OK),
                ("SLACK_BOT_TOKEN", token),
                ("SLACK_API_URL", url),
            ])
            .token
        };
        let shown = with(" xoxb-1-2 ", "http://127.0.0.1:9/api/").unwrap();
        assert_eq!(shown.api_url, "http://127.0.0.1:9/api");
        assert_eq!(shown.token.expose_secret(), "xoxb-1-2");
        assert_eq!(
            with("xoxb-1-2", "").unwrap().api_url,
            crate::DEFAULT_API_URL
        );
        assert!(with("xoxp-1-2", "").is_none());
        assert!(with("xoxb-1-2", "ftp://slack.com/api").is_none());
    }

    #[test]
    fn off_without_its_secret_and_the_token_alone_is_a_warning() {
        let off = checked(&[("SLACK_BOT_TOKEN", "xoxb-1")]);
        assert!(!off.configured && off.token.is_none());
        assert_eq!(levels(&off.findings), [Level::Info, Level::Warn]);
        assert!(off.findings[1].message.contains("stays off"));
        let off = checked(&[]);
        assert_eq!(
            off.findings,
            [Finding::info(
                PLATFORM,
                "off (SLACK_SIGNING_SECRET is not set)"
            )]
        );
        assert_eq!((off.platform, off.token_subject), ("Slack", TOKEN));
        let client_only = checked(&[("SLACK_CLIENT_ID", "1.2")]);
        assert_eq!(levels(&client_only.findings), [Level::Info, Level::Warn]);
        assert!(client_only.findings[1].message.contains("stays off"));
    }
}
