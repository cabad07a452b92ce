//! `ackbot doctor`'s checks of distribution mode (many workspaces): the client id's and
//! secret's shapes, `ACKBOT_PUBLIC_URL` (https, as Slack's redirect URLs must be), the success
//! URL and the extra scopes. The client secret is never shown: at most its length.

use ackbot_core::doctor::{Finding, Lookup, is_lowercase_hex};

use crate::manifest::is_scope;
use crate::oauth::is_public_url;

const SUBJECT: &str = "Slack distribution";
const CREDENTIALS_WHERE: &str =
    "api.slack.com/apps → your app → Basic Information → App Credentials";

/// The findings when distribution mode is on or half on; `None` when neither client variable
/// is set (one workspace, with `SLACK_BOT_TOKEN`).
pub(super) fn check(lookup: Lookup<'_>) -> Option<Vec<Finding>> {
    let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let (id, secret) = match (set("SLACK_CLIENT_ID"), set("SLACK_CLIENT_SECRET")) {
        (None, None) => return None,
        (Some(_), None) | (None, Some(_)) => {
            return Some(vec![Finding::problem(
                SUBJECT,
                format!(
                    "only one of SLACK_CLIENT_ID and SLACK_CLIENT_SECRET is set, and ackbot refuses \
                     to start: set both ({CREDENTIALS_WHERE}) for many workspaces, or neither for one"
                ),
            )]);
        }
        (Some(id), Some(secret)) => (id, secret),
    };
    let mut findings = vec![Finding::info(
        SUBJECT,
        "on (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set): tokens come from each workspace's \
         install, so SLACK_BOT_TOKEN is not used",
    )];
    findings.push(client_id(id.trim()));
    findings.push(client_secret(secret.trim()));
    if set("SLACK_SIGNING_SECRET").is_some_and(|s| s.trim() == secret.trim()) {
        findings.push(Finding::problem(
            SUBJECT,
            format!(
                "SLACK_CLIENT_SECRET is the same as SLACK_SIGNING_SECRET: they are two different                  values, shown one under the other ({CREDENTIALS_WHERE})"
            ),
        ));
    }
    findings.push(public_url(set("ACKBOT_PUBLIC_URL").as_deref()));
    if let Some(url) = set("ACKBOT_OAUTH_SUCCESS_URL")
        && !is_public_url(url.trim())
    {
        findings.push(Finding::problem(
            SUBJECT,
            "ACKBOT_OAUTH_SUCCESS_URL must be an absolute https URL (http only on localhost)",
        ));
    }
    for name in ["SLACK_SCOPES", "SLACK_USER_SCOPES"] {
        let bad: Vec<String> = (set(name).unwrap_or_default().split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty() && !is_scope(s))
            .map(|s| format!("{s:?}"))
            .collect();
        if !bad.is_empty() {
            findings.push(Finding::problem(
                SUBJECT,
                format!(
                    "{name} holds {} that is not a Slack scope (lowercase words with `:`, e.g. \
                     reactions:write)",
                    bad.join(", ")
                ),
            ));
        }
    }
    Some(findings)
}

/// Slack's client ids are two numbers joined by a dot, e.g. `1234567890.1234567890123`.
fn client_id(id: &str) -> Finding {
    let numbers = id.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && (a.bytes().chain(b.bytes())).all(|c| c.is_ascii_digit())
    });
    match numbers {
        true => Finding::ok(SUBJECT, format!("SLACK_CLIENT_ID {id}")),
        false => Finding::problem(
            SUBJECT,
            format!(
                "SLACK_CLIENT_ID is not the shape of a Slack client id (two numbers joined by a \
                 dot, e.g. 1234567890.1234567890123): copy the Client ID ({CREDENTIALS_WHERE})"
            ),
        ),
    }
}

/// The client secret: 32 characters of 0-9 and a-f. Only its length is ever shown.
fn client_secret(secret: &str) -> Finding {
    let chars = secret.chars().count();
    match is_lowercase_hex(secret, 32) {
        true => Finding::ok(
            SUBJECT,
            format!("SLACK_CLIENT_SECRET set ({chars} characters)"),
        ),
        false => Finding::problem(
            SUBJECT,
            format!(
                "SLACK_CLIENT_SECRET has {chars} characters, but a Slack Client Secret is 32 \
                 characters of 0-9 and a-f: check it is not the Signing Secret or the \
                 Verification Token shown beside it ({CREDENTIALS_WHERE})"
            ),
        ),
    }
}

fn public_url(url: Option<&str>) -> Finding {
    const EXAMPLE: &str =
        "e.g. https://abc123.execute-api.us-east-1.amazonaws.com/prod (the stack sets it)";
    match url.map(str::trim) {
        None => Finding::problem(
            SUBJECT,
            format!(
                "ACKBOT_PUBLIC_URL is not set: the OAuth redirect_uri is built from it, {EXAMPLE}"
            ),
        ),
        Some(url) if is_public_url(url) => Finding::ok(
            SUBJECT,
            format!(
                "redirect_uri {}/slack/oauth_redirect",
                url.trim_end_matches('/')
            ),
        ),
        Some(_) => Finding::problem(
            SUBJECT,
            format!(
                "ACKBOT_PUBLIC_URL must be an absolute https URL (Slack takes no other redirect \
                 URL; http only on localhost), {EXAMPLE}"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use ackbot_core::doctor::Level;

    use super::*;

    const SECRET: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    fn run(vars: &[(&str, &str)]) -> Option<Vec<Finding>> {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        check(&|name: &str| map.get(name).map(|v| v.to_string()))
    }

    fn problems(findings: &[Finding]) -> Vec<&str> {
        (findings.iter())
            .filter(|f| f.level == Level::Problem)
            .map(|f| f.message.as_str())
            .collect()
    }

    #[test]
    fn off_without_the_client_variables_and_refused_with_one() {
        assert!(run(&[("SLACK_BOT_TOKEN", "xoxb-1")]).is_none());
        let half = run(&[("SLACK_CLIENT_ID", "1.2")]).unwrap();
        assert!(problems(&half)[0].contains("only one of"), "{half:?}");
        let half = run(&[("SLACK_CLIENT_SECRET", SECRET)]).unwrap();
        assert!(!format!("{half:?}").contains(SECRET));
    }

    #[test]
    fn the_signing_secret_pasted_as_the_client_secret_is_a_problem() {
        let f = run(&[
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_CLIENT_ID", "1.2"),
            ("SLACK_CLIENT_SECRET", SECRET),
            ("ACKBOT_PUBLIC_URL", "https://bots.example.com"),
        ])
        .unwrap();
        assert_eq!(problems(&f).len(), 1, "{f:?}");
        assert!(problems(&f)[0].contains("same as SLACK_SIGNING_SECRET"));
        assert!(!format!("{f:?}").contains(SECRET));
    }

    #[test]
    fn a_good_configuration_has_no_problem() {
        let f = run(&[
            ("SLACK_CLIENT_ID", "1234567890.1234567890123"),
            ("SLACK_CLIENT_SECRET", SECRET),
            ("ACKBOT_PUBLIC_URL", "https://bots.example.com/prod/"),
            ("SLACK_SCOPES", "reactions:write, users:read"),
        ])
        .unwrap();
        assert!(problems(&f).is_empty(), "{f:?}");
        let text = format!("{f:?}");
        assert!(
            text.contains("https://bots.example.com/prod/slack/oauth_redirect"),
            "{text}"
        );
        assert!(
            text.contains("(32 characters)") && !text.contains(SECRET),
            "{text}"
        );
    }

    #[test]
    fn every_bad_shape_is_named_and_the_secret_never_shown() {
        let bad_secret = "Not-A-Secret-But-Long-Enough-1234567";
        let f = run(&[
            ("SLACK_CLIENT_ID", "A0123456"),
            ("SLACK_CLIENT_SECRET", bad_secret),
            ("ACKBOT_PUBLIC_URL", "http://bots.example.com"),
            ("ACKBOT_OAUTH_SUCCESS_URL", "javascript:alert(1)"),
            ("SLACK_USER_SCOPES", "search:read,Search Read"),
        ])
        .unwrap();
        let found = problems(&f);
        for (i, word) in [
            "SLACK_CLIENT_ID",
            "SLACK_CLIENT_SECRET",
            "ACKBOT_PUBLIC_URL",
            "ACKBOT_OAUTH_SUCCESS_URL",
            "SLACK_USER_SCOPES",
        ]
        .iter()
        .enumerate()
        {
            assert!(found[i].contains(word), "{found:?}");
        }
        assert!(!format!("{f:?}").contains(bad_secret));
        let missing = run(&[("SLACK_CLIENT_ID", "1.2"), ("SLACK_CLIENT_SECRET", SECRET)]).unwrap();
        assert!(
            problems(&missing)
                .iter()
                .any(|p| p.contains("ACKBOT_PUBLIC_URL is not set"))
        );
        let local = run(&[
            ("SLACK_CLIENT_ID", "1.2"),
            ("SLACK_CLIENT_SECRET", SECRET),
            ("ACKBOT_PUBLIC_URL", "http://127.0.0.1:3000"),
        ])
        .unwrap();
        assert!(problems(&local).is_empty(), "{local:?}");
    }
}
