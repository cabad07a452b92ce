//! Asking LINE whether the token works: `GET /v2/bot/info`. LINE that cannot be asked is a
//! warning, never a problem.

use ackbot_core::doctor::{Finding, TokenCheck};
use ackbot_core::ExposeSecret;
use serde::Deserialize;

use super::{LINE_TOKEN, ONLINE_TIMEOUT};

/// LINE's answer to `GET /v2/bot/info` (the fields doctor shows).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BotInfo {
    display_name: String,
    basic_id: String,
}

/// LINE's error body.
#[derive(Deserialize)]
struct LineError {
    message: String,
}

/// The answer's body as `T`, read up to a cap (a platform's answer here is a few hundred bytes).
async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, ()> {
    let body = ackbot_core::http::read_capped(response, ackbot_core::http::DELIVERY_ANSWER_CAP)
        .await
        .map_err(drop)?;
    serde_json::from_slice(&body.bytes).map_err(drop)
}

/// Asks LINE who the channel access token belongs to.
pub(super) async fn line(http: &reqwest::Client, target: &TokenCheck) -> Finding {
    let response = match http
        .get(format!("{}/v2/bot/info", target.api_url))
        .bearer_auth(target.token.expose_secret())
        .send()
        .await
    {
        Ok(response) => response,
        Err(e) => return unchecked(LINE_TOKEN, "LINE", &e),
    };
    let status = response.status();
    match status.as_u16() {
        200 => match json::<BotInfo>(response).await {
            Ok(bot) => Finding::ok(
                LINE_TOKEN,
                format!(
                    "LINE accepts it: the bot is “{}” ({})",
                    bot.display_name, bot.basic_id
                ),
            ),
            Err(_) => Finding::warn(
                LINE_TOKEN,
                "could not check: LINE answered, but not with the bot's profile (is LINE_API_URL \
                 the Messaging API, https://api.line.me?)",
            ),
        },
        401 => Finding::problem(
            LINE_TOKEN,
            "LINE does not accept it: the channel access token is not valid (expired or \
             revoked?). Issue a new one in the LINE Developers console → your channel → \
             Messaging API, and set LINE_CHANNEL_ACCESS_TOKEN to it",
        ),
        429 => Finding::warn(
            LINE_TOKEN,
            "could not check: LINE is limiting requests (429); try again in a minute",
        ),
        _ => {
            let said = match json::<LineError>(response).await {
                Ok(error) => format!(": {}", error.message),
                Err(_) => String::new(),
            };
            Finding::warn(
                LINE_TOKEN,
                format!("could not check: LINE answered {status}{said}"),
            )
        }
    }
}

/// The platform could not be asked: say why, as a warning.
fn unchecked(subject: &'static str, platform: &str, error: &reqwest::Error) -> Finding {
    let reason = if error.is_timeout() {
        format!("no answer within {} s", ONLINE_TIMEOUT.as_secs())
    } else if error.is_connect() {
        let whom = error
            .url()
            .and_then(|url| {
                let host = url.host_str()?;
                Some(match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_string(),
                })
            })
            .unwrap_or_else(|| platform.to_string());
        format!("cannot connect to {whom} ({})", root_cause(error))
    } else {
        ackbot_core::chain(error)
    };
    Finding::warn(
        subject,
        format!("could not check with {platform}: {reason} (offline? use --offline to skip this)"),
    )
}

/// The innermost cause, e.g. `Connection refused (os error 111)`.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use ackbot_core::doctor::Level;

    use ackbot_core::SecretString;

    use super::*;

    const TOKEN: &str = "Distinctive-Token-Value";

    fn target(server: &MockServer) -> TokenCheck {
        TokenCheck {
            api_url: server.uri(),
            token: SecretString::from(TOKEN),
        }
    }

    async fn answering(verb: &str, route: &str, answer: ResponseTemplate) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method(verb))
            .and(path(route))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
        server
    }

    fn http() -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(ONLINE_TIMEOUT)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn line_names_the_bot_of_a_good_token() {
        let info = json!({
            "userId": "Ub9952f8", "basicId": "@216ru", "displayName": "Example name",
            "chatMode": "chat", "markAsReadMode": "manual"
        });
        let server = answering(
            "GET",
            "/v2/bot/info",
            ResponseTemplate::new(200).set_body_json(info),
        )
        .await;
        let f = line(&http(), &target(&server)).await;
        assert_eq!(
            f,
            Finding::ok(
                LINE_TOKEN,
                "LINE accepts it: the bot is “Example name” (@216ru)"
            )
        );
    }

    #[tokio::test]
    async fn line_401_is_a_token_that_is_not_valid() {
        let body = json!({"message": "Authentication failed. Confirm that the access token in the authorization header is valid."});
        let server = answering(
            "GET",
            "/v2/bot/info",
            ResponseTemplate::new(401).set_body_json(body),
        )
        .await;
        let f = line(&http(), &target(&server)).await;
        assert_eq!(f.level, Level::Problem);
        assert!(f.message.contains("(expired or revoked?)"), "{}", f.message);
        assert!(!f.message.contains(TOKEN));
    }

    #[tokio::test]
    async fn line_5xx_cannot_tell() {
        let server = answering(
            "GET",
            "/v2/bot/info",
            ResponseTemplate::new(500).set_body_json(json!({"message": "Internal error"})),
        )
        .await;
        let f = line(&http(), &target(&server)).await;
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message
                .contains("500 Internal Server Error: Internal error"),
            "{}",
            f.message
        );
    }

    #[tokio::test]
    async fn a_slow_api_is_a_warning() {
        let server = answering(
            "GET",
            "/v2/bot/info",
            ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(2)),
        )
        .await;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_millis(100))
            .build()
            .unwrap();
        let f = line(&http, &target(&server)).await;
        assert_eq!(f.level, Level::Warn);
        assert!(f.message.contains("no answer within"), "{}", f.message);
    }
}
