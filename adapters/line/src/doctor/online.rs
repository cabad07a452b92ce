//! Asking LINE whether the channel access token works: `GET /v2/bot/info`, one attempt over
//! [`ackbot_core::http::attempt`]. LINE that cannot be asked, or answers something else, is a
//! warning, never a problem; a token LINE refuses (401) is a problem.

use std::time::Duration;

use ackbot_core::ExposeSecret;
use ackbot_core::doctor::{self, Finding, TokenCheck};
use ackbot_core::http::{self, DELIVERY_RESPONSE_CAP, Response, Verdict};
use reqwest::StatusCode;
use serde::Deserialize;

use super::{PLATFORM, TOKEN};
use crate::client::ErrorBody;

/// `GET /v2/bot/info`: the bot the token belongs to.
const BOT_INFO_PATH: &str = "/v2/bot/info";

/// LINE's answer to `GET /v2/bot/info` (the fields doctor shows).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BotInfo {
    display_name: String,
    basic_id: String,
}

/// Asks LINE (`GET /v2/bot/info` at the check's API URL, one attempt of at most `timeout`) who
/// the channel access token belongs to. Never fails: LINE that cannot be asked is a warning.
pub async fn check_token(http: &reqwest::Client, check: &TokenCheck, timeout: Duration) -> Finding {
    let token = check.token.expose_secret();
    let request = (http.get(format!("{}{BOT_INFO_PATH}", check.api_url)))
        .bearer_auth(token)
        .timeout(timeout);
    match http::attempt(request, DELIVERY_RESPONSE_CAP, timeout).await {
        Ok(answer) => {
            let Finding {
                level,
                subject,
                message,
            } = judge(&answer);
            // Should LINE ever echo the token.
            Finding::new(level, subject, http::redact(message, &[token]))
        }
        Err(no_answer) => doctor::unanswered(TOKEN, PLATFORM, &check.api_url, &no_answer, timeout),
    }
}

/// What LINE's answer says of the token.
fn judge(answer: &Response) -> Finding {
    let status = answer.status;
    match answer.verdict() {
        Verdict::Success => match serde_json::from_slice::<BotInfo>(&answer.body.bytes) {
            Ok(bot) => Finding::ok(
                TOKEN,
                format!(
                    "LINE accepts it: the bot is “{}” ({})",
                    bot.display_name, bot.basic_id
                ),
            ),
            Err(_) => Finding::warn(
                TOKEN,
                "could not check: LINE answered, but not with the bot's profile (is LINE_API_URL \
                 the Messaging API, https://api.line.me?)",
            ),
        },
        _ if status == StatusCode::UNAUTHORIZED => Finding::problem(
            TOKEN,
            "LINE does not accept it: the channel access token is not valid (expired or \
             revoked?). Issue a new one in the LINE Developers console → your channel → \
             Messaging API, and set LINE_CHANNEL_ACCESS_TOKEN to it",
        ),
        Verdict::RateLimited => Finding::warn(
            TOKEN,
            "could not check: LINE is limiting requests (429); try again in a minute",
        ),
        Verdict::ServerError | Verdict::Refused => {
            let said = match serde_json::from_slice::<ErrorBody>(&answer.body.bytes) {
                Ok(error) if !error.message.is_empty() => format!(": {}", error.message),
                _ => String::new(),
            };
            Finding::warn(
                TOKEN,
                format!("could not check: LINE answered {status}{said}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use ackbot_core::SecretString;
    use ackbot_core::doctor::Level;
    use serde_json::json;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    const SECRET_TOKEN: &str = "Distinctive-Token-Value";
    const TIMEOUT: Duration = Duration::from_secs(5);

    fn target(api_url: String) -> TokenCheck {
        TokenCheck {
            api_url,
            token: SecretString::from(SECRET_TOKEN),
        }
    }

    /// What doctor says when LINE answers `GET /v2/bot/info` with `answer`.
    async fn asked(answer: ResponseTemplate) -> Finding {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(BOT_INFO_PATH))
            .and(header(
                "authorization",
                format!("Bearer {SECRET_TOKEN}").as_str(),
            ))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
        let http = http::client_builder(TIMEOUT).build().unwrap();
        let finding = check_token(&http, &target(server.uri()), TIMEOUT).await;
        assert!(
            !finding.message.contains("Distinctive"),
            "{}",
            finding.message
        );
        finding
    }

    #[tokio::test]
    async fn line_names_the_bot_of_a_good_token() {
        let info = json!({
            "userId": "Ub9952f8", "basicId": "@216ru", "displayName": "Example name",
            "chatMode": "chat", "markAsReadMode": "manual"
        });
        let f = asked(ResponseTemplate::new(200).set_body_json(info)).await;
        assert_eq!(
            f,
            Finding::ok(TOKEN, "LINE accepts it: the bot is “Example name” (@216ru)")
        );
        let f = asked(ResponseTemplate::new(200).set_body_string("<html>")).await;
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message.contains("not with the bot's profile"),
            "{}",
            f.message
        );
    }

    #[tokio::test]
    async fn line_401_is_a_token_that_is_not_valid() {
        let body = json!({"message": "Authentication failed. Confirm that the access token in the authorization header is valid."});
        let f = asked(ResponseTemplate::new(401).set_body_json(body)).await;
        assert_eq!(f.level, Level::Problem);
        assert!(f.message.contains("(expired or revoked?)"), "{}", f.message);
    }

    #[tokio::test]
    async fn line_5xx_and_429_cannot_tell() {
        let body = json!({"message": "Internal error"});
        let f = asked(ResponseTemplate::new(500).set_body_json(body)).await;
        assert_eq!(f.level, Level::Warn);
        assert_eq!(
            f.message,
            "could not check: LINE answered 500 Internal Server Error: Internal error"
        );
        let f = asked(ResponseTemplate::new(503).set_body_string("down")).await;
        assert_eq!(
            f.message,
            "could not check: LINE answered 503 Service Unavailable"
        );
        let f = asked(ResponseTemplate::new(502).set_body_json(json!({}))).await;
        assert_eq!(f.message, "could not check: LINE answered 502 Bad Gateway");
        let f = asked(ResponseTemplate::new(429)).await;
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message.contains("limiting requests (429)"),
            "{}",
            f.message
        );
    }

    #[tokio::test]
    async fn a_token_line_echoes_is_not_shown() {
        let body = json!({"message": format!("bad token {SECRET_TOKEN}")});
        let f = asked(ResponseTemplate::new(400).set_body_json(body)).await;
        assert_eq!(
            f.message,
            "could not check: LINE answered 400 Bad Request: bad token [redacted]"
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
        let f = check_token(&http, &target(format!("http://127.0.0.1:{port}")), TIMEOUT).await;
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message.starts_with(&format!(
                "could not check with LINE: cannot connect to 127.0.0.1:{port} ("
            )),
            "{}",
            f.message
        );
    }

    #[tokio::test]
    async fn a_slow_api_is_a_warning() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
            .mount(&server)
            .await;
        // The client's own timeout is longer: the check's is the one that counts.
        let http = http::client_builder(TIMEOUT).build().unwrap();
        let f = check_token(&http, &target(server.uri()), Duration::from_millis(100)).await;
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message
                .starts_with("could not check with LINE: no answer within 100 ms"),
            "{}",
            f.message
        );
    }
}
