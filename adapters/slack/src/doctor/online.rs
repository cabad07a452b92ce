//! Asking Slack whether the bot token works: `auth.test`, one attempt over
//! [`ackbot_core::http::attempt`]. Slack that cannot be asked, or answers something else, is a
//! warning, never a problem; a token Slack refuses is a problem.

use std::time::Duration;

use ackbot_core::ExposeSecret;
use ackbot_core::doctor::{self, Finding, TokenCheck};
use ackbot_core::http::{self, DELIVERY_RESPONSE_CAP, Response, Verdict};
use serde::Deserialize;

use super::{PLATFORM, TOKEN};

/// Slack's answer to `auth.test` (the fields doctor shows).
#[derive(Deserialize)]
struct AuthTest {
    ok: bool,
    error: Option<String>,
    team: Option<String>,
    user: Option<String>,
}

/// Asks Slack (`auth.test` at the check's API URL, one attempt of at most `timeout`) who the bot
/// token belongs to. Never fails: Slack that cannot be asked is a warning.
pub async fn check_token(http: &reqwest::Client, check: &TokenCheck, timeout: Duration) -> Finding {
    let token = check.token.expose_secret();
    let request = (http.post(format!("{}/auth.test", check.api_url)))
        .bearer_auth(token)
        .timeout(timeout);
    match http::attempt(request, DELIVERY_RESPONSE_CAP, timeout).await {
        Ok(answer) => {
            let Finding {
                level,
                subject,
                message,
            } = judge(&answer);
            // Should Slack ever echo the token.
            Finding::new(level, subject, http::redact(message, &[token]))
        }
        Err(no_answer) => doctor::unanswered(TOKEN, PLATFORM, &check.api_url, &no_answer, timeout),
    }
}

/// What Slack's answer says of the token.
fn judge(answer: &Response) -> Finding {
    let status = answer.status;
    let not_the_web_api = "is SLACK_API_URL the Web API, https://slack.com/api?";
    match answer.verdict() {
        Verdict::Success => {}
        Verdict::RateLimited => {
            return Finding::warn(
                TOKEN,
                "could not check: Slack is limiting requests (429); try again in a minute",
            );
        }
        Verdict::ServerError | Verdict::Refused => {
            return Finding::warn(
                TOKEN,
                format!("could not check: Slack answered {status} ({not_the_web_api})"),
            );
        }
    }
    match serde_json::from_slice(&answer.body.bytes) {
        Ok(AuthTest {
            ok: true,
            team,
            user,
            ..
        }) => {
            let who = match (user, team) {
                (Some(user), Some(team)) => format!(": the bot user is “{user}” in “{team}”"),
                (Some(user), None) => format!(": the bot user is “{user}”"),
                _ => String::new(),
            };
            Finding::ok(TOKEN, format!("Slack accepts it{who}"))
        }
        Ok(AuthTest { error, .. }) => {
            let code = error.unwrap_or_default();
            match refusal(&code) {
                Some(why) => Finding::problem(TOKEN, format!("{why} ({code})")),
                None => Finding::warn(TOKEN, format!("could not check: Slack answered `{code}`")),
            }
        }
        Err(_) => Finding::warn(
            TOKEN,
            format!(
                "could not check: Slack answered, but not as auth.test does ({not_the_web_api})"
            ),
        ),
    }
}

/// What `auth.test`'s error code says about the token; `None` when it says nothing about it.
fn refusal(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_auth" => {
            "Slack does not accept this token: it is mistyped, or not current (was the app \
             reinstalled?); copy the Bot User OAuth Token again from OAuth & Permissions"
        }
        "token_revoked" => {
            "Slack says the token was revoked (the app was uninstalled, or its tokens were \
             regenerated): reinstall the app and copy the new Bot User OAuth Token from OAuth & \
             Permissions"
        }
        "not_authed" => "Slack saw no token in the request",
        "token_expired" => {
            "Slack says the token expired: the app has token rotation on, and ackbot needs a \
             token that does not expire; turn rotation off in OAuth & Permissions"
        }
        "account_inactive" => {
            "Slack says the token belongs to a deactivated bot user or a closed workspace"
        }
        "not_allowed_token_type" => "Slack does not take this kind of token here",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use ackbot_core::SecretString;
    use ackbot_core::doctor::Level;
    use serde_json::json;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    const SECRET_TOKEN: &str = "xoxb-Distinctive-Token-Value";
    const TIMEOUT: Duration = Duration::from_secs(5);

    fn target(api_url: String) -> TokenCheck {
        TokenCheck {
            api_url,
            token: SecretString::from(SECRET_TOKEN),
        }
    }

    /// What doctor says when Slack answers `auth.test` with `answer`.
    async fn asked(answer: ResponseTemplate) -> Finding {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/auth.test"))
            .and(header(
                "authorization",
                format!("Bearer {SECRET_TOKEN}").as_str(),
            ))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
        let http = http::client_builder(TIMEOUT).build().unwrap();
        let target = target(format!("{}/api", server.uri()));
        let finding = check_token(&http, &target, TIMEOUT).await;
        assert!(
            !finding.message.contains("Distinctive"),
            "{}",
            finding.message
        );
        finding
    }

    #[tokio::test]
    async fn slack_names_the_bot_and_workspace() {
        let body = json!({"ok": true, "url": "https://acme.slack.com/", "team": "Acme",
                          "user": "ackbot", "team_id": "T1", "user_id": "U1", "bot_id": "B1"});
        let f = asked(ResponseTemplate::new(200).set_body_json(body)).await;
        assert_eq!(
            f,
            Finding::ok(
                TOKEN,
                "Slack accepts it: the bot user is “ackbot” in “Acme”"
            )
        );
    }

    #[tokio::test]
    async fn slack_refusals_are_explained() {
        for (code, says) in [
            ("invalid_auth", "does not accept this token"),
            ("token_revoked", "revoked"),
            ("not_authed", "no token"),
        ] {
            let answer = json!({"ok": false, "error": code});
            let f = asked(ResponseTemplate::new(200).set_body_json(answer)).await;
            assert_eq!(f.level, Level::Problem, "{code}");
            assert!(f.message.contains(says), "{code}: {}", f.message);
            assert!(f.message.ends_with(&format!("({code})")), "{}", f.message);
        }
        let answer = json!({"ok": false, "error": "fatal_error"});
        let f = asked(ResponseTemplate::new(200).set_body_json(answer)).await;
        assert_eq!(f.level, Level::Warn, "{}", f.message);
    }

    #[tokio::test]
    async fn what_is_not_auth_test_cannot_tell() {
        let f = asked(ResponseTemplate::new(429)).await;
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message.contains("limiting requests (429)"),
            "{}",
            f.message
        );
        let f = asked(ResponseTemplate::new(404)).await;
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message
                .starts_with("could not check: Slack answered 404 Not Found (is"),
            "{}",
            f.message
        );
        let f = asked(ResponseTemplate::new(200).set_body_string("<html>")).await;
        assert_eq!(f.level, Level::Warn);
        assert!(f.message.contains("not as auth.test does"), "{}", f.message);
    }

    #[tokio::test]
    async fn a_token_slack_echoes_is_not_shown() {
        let answer = json!({"ok": false, "error": format!("bad_{SECRET_TOKEN}")});
        let f = asked(ResponseTemplate::new(200).set_body_json(answer)).await;
        assert_eq!(
            f.message,
            "could not check: Slack answered `bad_[redacted]`"
        );
    }

    #[tokio::test]
    async fn an_unreachable_api_is_a_warning() {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let http = http::client_builder(TIMEOUT).build().unwrap();
        let target = target(format!("http://127.0.0.1:{port}/api"));
        let f = check_token(&http, &target, TIMEOUT).await;
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message.starts_with(&format!(
                "could not check with Slack: cannot connect to 127.0.0.1:{port} ("
            )),
            "{}",
            f.message
        );
        assert!(
            f.message.ends_with("(offline? use --offline to skip this)"),
            "{}",
            f.message
        );
    }

    #[tokio::test]
    async fn a_slow_api_is_a_warning() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
            .mount(&server)
            .await;
        // The client's own timeout is longer: the check's is the one that counts.
        let http = http::client_builder(TIMEOUT).build().unwrap();
        let target = target(server.uri());
        let f = check_token(&http, &target, Duration::from_millis(100)).await;
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message
                .starts_with("could not check with Slack: no answer within 100 ms"),
            "{}",
            f.message
        );
    }
}
