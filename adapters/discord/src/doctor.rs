//! `ackbot doctor`'s checks of Discord's variables (feature `doctor`): the shape of
//! `DISCORD_PUBLIC_KEY` (a real Ed25519 key, and not the public test key), the application id,
//! the bot token's presence, a usable `DISCORD_API_URL` ([`check`]); and whether Discord accepts
//! the bot token (`GET /users/@me`, [`check_token`]). No finding prints a token.

use std::time::Duration;

use ackbot_core::doctor::{self, Finding, Lookup, PlatformChecks, TokenCheck};
use ackbot_core::http::{self, DELIVERY_RESPONSE_CAP, Verdict};
use ackbot_core::{ExposeSecret, SecretString};
use reqwest::StatusCode;
use serde::Deserialize;

use crate::{DEFAULT_API_URL, PublicKey, is_snowflake};

const PLATFORM: &str = "Discord";
const KEY: &str = "Discord public key";
const APPLICATION: &str = "Discord application id";
const URL: &str = "Discord API URL";
const TOKEN: &str = "Discord bot token";

/// Where the key and id are shown.
const GENERAL: &str = "Developer Portal → your application → General Information";

/// Checks `DISCORD_PUBLIC_KEY`, `DISCORD_APPLICATION_ID`, `DISCORD_BOT_TOKEN` and
/// `DISCORD_API_URL` as `lookup` sees them; the token is to be shown to Discord when it is set
/// and the URL is usable.
pub fn check(lookup: Lookup<'_>) -> PlatformChecks {
    let url = doctor::api_url(
        lookup("DISCORD_API_URL").as_deref(),
        "DISCORD_API_URL",
        URL,
        DEFAULT_API_URL,
    );
    let mut checks = PlatformChecks {
        platform: PLATFORM,
        token_subject: TOKEN,
        configured: false,
        findings: Vec::new(),
        token: None,
    };
    let Some(key) = lookup("DISCORD_PUBLIC_KEY") else {
        let others = ["DISCORD_APPLICATION_ID", "DISCORD_BOT_TOKEN"].map(|n| lookup(n).is_some());
        checks.findings.push(match others.contains(&true) {
            true => Finding::warn(
                PLATFORM,
                format!(
                    "Discord stays off until DISCORD_PUBLIC_KEY is set too ({GENERAL} → Public Key)"
                ),
            ),
            false => Finding::info(PLATFORM, "off (DISCORD_PUBLIC_KEY is not set)"),
        });
        return checks;
    };
    checks.configured = true;
    checks.findings.push(public_key(&key));
    checks.findings.push(
        match lookup("DISCORD_APPLICATION_ID").as_deref().map(str::trim) {
            None | Some("") => Finding::problem(
                APPLICATION,
                format!("DISCORD_APPLICATION_ID is not set: copy the Application ID ({GENERAL})"),
            ),
            Some(id) if is_snowflake(id) => Finding::ok(APPLICATION, format!("set ({id})")),
            Some(_) => Finding::problem(
                APPLICATION,
                format!("not an application id (digits only): copy it from the {GENERAL} page"),
            ),
        },
    );
    checks.findings.extend(url.finding);
    let token = lookup("DISCORD_BOT_TOKEN").filter(|t| !t.trim().is_empty());
    match &token {
        None => checks.findings.push(Finding::info(
            TOKEN,
            "not set: interactions are answered without it; `ackbot discord register` and \
             replies to another channel need it (Developer Portal → Bot → Reset Token)",
        )),
        Some(token) if token.trim() != token => checks
            .findings
            .push(doctor::padded(TOKEN, "DISCORD_BOT_TOKEN")),
        Some(token) => checks.findings.push(Finding::ok(
            TOKEN,
            format!("set ({} characters)", token.chars().count()),
        )),
    }
    checks.token = match (token, url.usable) {
        (Some(token), Some(api_url)) => Some(TokenCheck {
            api_url,
            token: SecretString::from(token.trim().to_string()),
        }),
        _ => None,
    };
    checks
}

fn public_key(key: &str) -> Finding {
    if key.trim() != key {
        return doctor::padded(KEY, "DISCORD_PUBLIC_KEY");
    }
    match PublicKey::from_hex(key) {
        Err(e) => Finding::problem(KEY, e.to_string()),
        Ok(_) if key.eq_ignore_ascii_case(TEST_PUBLIC_KEY) => test_key(),
        Ok(_) => Finding::ok(KEY, "set (an Ed25519 public key)"),
    }
}

/// ackbot's public test key (`sample::TEST_PUBLIC_KEY`), known here without the samples.
const TEST_PUBLIC_KEY: &str = "6b16b34df8b4f19a55decd9dca6255300a4ac3f52663d44dd0002cc9bb89f344";

fn test_key() -> Finding {
    Finding::warn(
        KEY,
        "this is ackbot's public test key, which signs `ackbot send discord` on a developer's \
         machine: Discord never signs with it, and anyone can. Set your application's own on \
         any bot that is reachable",
    )
}

/// Discord's answer to `GET /users/@me` (what doctor shows).
#[derive(Deserialize)]
struct Me {
    id: String,
    username: String,
}

/// Asks Discord (`GET /users/@me`, one attempt of at most `timeout`) who the bot token is.
/// Never fails: Discord that cannot be asked is a warning.
pub async fn check_token(http: &reqwest::Client, check: &TokenCheck, timeout: Duration) -> Finding {
    let token = check.token.expose_secret();
    let request = (http.get(format!("{}/users/@me", check.api_url)))
        .header(reqwest::header::AUTHORIZATION, format!("Bot {token}"))
        .timeout(timeout);
    let answer = match http::attempt(request, DELIVERY_RESPONSE_CAP, timeout).await {
        Ok(answer) => answer,
        Err(no_answer) => {
            return doctor::unanswered(TOKEN, PLATFORM, &check.api_url, &no_answer, timeout);
        }
    };
    let status = answer.status;
    let finding = match answer.verdict() {
        Verdict::Success => match serde_json::from_slice::<Me>(&answer.body.bytes) {
            Ok(me) => Finding::ok(
                TOKEN,
                format!(
                    "Discord accepts it: the bot is “{}” ({})",
                    me.username, me.id
                ),
            ),
            Err(_) => Finding::warn(
                TOKEN,
                "could not check: Discord answered, but not with a user (is DISCORD_API_URL https://discord.com/api/v10?)",
            ),
        },
        _ if status == StatusCode::UNAUTHORIZED => Finding::problem(
            TOKEN,
            "Discord does not accept it (401): reset the token (Developer Portal → Bot → Reset \
             Token) and set DISCORD_BOT_TOKEN to the new one",
        ),
        Verdict::RateLimited => Finding::warn(
            TOKEN,
            "could not check: Discord is limiting requests (429); try again in a minute",
        ),
        Verdict::ServerError | Verdict::Refused => {
            Finding::warn(TOKEN, format!("could not check: Discord answered {status}"))
        }
    };
    Finding::new(
        finding.level,
        finding.subject,
        http::redact(finding.message, &[token]),
    )
}

#[cfg(test)]
mod tests {
    use ackbot_core::doctor::Level;

    use super::*;

    fn checked(vars: &[(&str, &str)]) -> PlatformChecks {
        check(&|name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    const RFC_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    #[test]
    fn off_without_the_key_and_a_warning_when_only_the_rest_is_set() {
        assert_eq!(checked(&[]).findings[0].level, Level::Info);
        let half = checked(&[("DISCORD_BOT_TOKEN", "x")]);
        assert!(!half.configured);
        assert_eq!(half.findings[0].level, Level::Warn);
    }

    #[test]
    fn a_good_configuration_and_the_token_to_ask_about() {
        let checks = checked(&[
            ("DISCORD_PUBLIC_KEY", RFC_KEY),
            ("DISCORD_APPLICATION_ID", "42"),
            ("DISCORD_BOT_TOKEN", "MTE.secret-token-value"),
        ]);
        let levels: Vec<Level> = checks.findings.iter().map(|f| f.level).collect();
        assert_eq!(levels, [Level::Ok, Level::Ok, Level::Ok]);
        assert!(!format!("{:?}", checks.findings).contains("secret-token-value"));
        assert_eq!(checks.token.unwrap().api_url, DEFAULT_API_URL);
    }

    #[test]
    fn a_wrong_key_an_id_that_is_not_one_and_the_test_key_are_said() {
        let checks = checked(&[
            ("DISCORD_PUBLIC_KEY", "MTE.looks-like-a-token"),
            ("DISCORD_APPLICATION_ID", "app"),
        ]);
        assert_eq!(checks.findings[0].level, Level::Problem);
        assert!(
            !checks.findings[0].message.contains("looks-like"),
            "{:?}",
            checks.findings
        );
        assert_eq!(checks.findings[1].level, Level::Problem);
        let test = checked(&[
            ("DISCORD_PUBLIC_KEY", TEST_PUBLIC_KEY),
            ("DISCORD_APPLICATION_ID", "1"),
        ]);
        assert_eq!(test.findings[0].level, Level::Warn);
        assert!(test.findings[0].message.contains("test key"));
    }
}
