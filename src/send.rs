//! `ackbot send`: sign and POST a realistic webhook to a running edge, and show what came back.

use std::time::{Duration, Instant};

use ackbot_core::{now_ms, ExposeSecret, SecretString};

use crate::config::Config;
use crate::standin::slack::SlackStandIn;
use crate::{Error, SendError};

/// Sends `typed` (e.g. `/echo hi`) as a signed slash command to the edge at `to`, then prints the
/// ack and, unless `response_url` is given, the reply that arrives at a loopback `response_url`.
pub(crate) async fn slack(
    config: &Config,
    typed: &str,
    to: &str,
    response_url: Option<String>,
    wait: Duration,
) -> Result<(), Error> {
    let secret = &config
        .slack
        .as_ref()
        .ok_or(SendError::NotConfigured {
            variable: "SLACK_SIGNING_SECRET",
        })?
        .signing_secret;
    let catcher = match response_url {
        Some(_) => None,
        None => Some(SlackStandIn::start().await?),
    };
    let response_url = response_url.unwrap_or_else(|| {
        catcher
            .as_ref()
            .map(|c| c.response_url("send"))
            .unwrap_or_default()
    });
    let body = ackbot_slack::sample::slash_command(typed, &response_url);
    let started = Instant::now();
    post_slack(to, secret, body).await?;
    println!("acked in {} ms", started.elapsed().as_millis());
    let Some(catcher) = catcher else {
        println!("the reply goes to {response_url}");
        return Ok(());
    };
    match catcher.recorder().wait_for(|_| true, wait).await {
        Some(reply) => {
            println!(
                "reply after {} ms ({}):\n{}",
                started.elapsed().as_millis(),
                reply
                    .body
                    .get("response_type")
                    .and_then(|v| v.as_str())
                    .unwrap_or("ephemeral"),
                reply
                    .body
                    .get("text")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
            );
            Ok(())
        }
        None => Err(SendError::NoReply {
            seconds: wait.as_secs(),
        }
        .into()),
    }
}

/// Sends `text` as a signed LINE text-message webhook to the edge at `to` and prints the ack. The
/// reply goes to the LINE API the server is configured with (`LINE_API_URL`).
pub(crate) async fn line(
    config: &Config,
    text: &str,
    to: &str,
    user_id: &str,
    redelivery: bool,
) -> Result<(), Error> {
    let line = config.line.as_ref().ok_or(SendError::NotConfigured {
        variable: "LINE_CHANNEL_SECRET",
    })?;
    let body = ackbot_line::sample::text_message(text, user_id, redelivery);
    let started = Instant::now();
    let request = Signed::line(&line.channel_secret, body).request(&reqwest::Client::new(), to);
    let status = acknowledged(request, to).await?;
    println!(
        "acked {} in {} ms; the reply goes to the LINE API at {}",
        status.as_u16(),
        started.elapsed().as_millis(),
        line.api_url
    );
    Ok(())
}

async fn post_slack(to: &str, secret: &SecretString, body: String) -> Result<(), Error> {
    let request = Signed::slack_command(secret, body).request(&reqwest::Client::new(), to);
    acknowledged(request, to).await.map(drop)
}

/// The request id an edge's answer names (`x-ackbot-request-id`), empty when it names none.
pub(crate) fn request_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-ackbot-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A webhook signed the way its platform signs it, ready to post to an edge: what `ackbot send`
/// and the inspector's Send post.
pub(crate) struct Signed {
    route: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Signed {
    /// A slash command's form `body`, signed with Slack's signing secret as of now.
    pub(crate) fn slack_command(secret: &SecretString, body: String) -> Self {
        let timestamp = now_ms() / 1000;
        let signature = ackbot_slack::sign(secret, timestamp, body.as_bytes());
        Self {
            route: ackbot_slack::COMMANDS_ROUTE,
            headers: vec![
                ("content-type", "application/x-www-form-urlencoded".into()),
                ("x-slack-request-timestamp", timestamp.to_string()),
                ("x-slack-signature", signature),
            ],
            body,
        }
    }

    /// A LINE webhook `body`, signed with the first of the channel secrets (comma-separated
    /// while one is rotated out).
    pub(crate) fn line(channel_secrets: &SecretString, body: String) -> Self {
        let first = (channel_secrets.expose_secret().split(','))
            .next()
            .unwrap_or_default()
            .trim();
        let signature = ackbot_line::sign(&SecretString::from(first), body.as_bytes());
        Self {
            route: ackbot_line::WEBHOOK_ROUTE,
            headers: vec![
                ("content-type", "application/json; charset=utf-8".into()),
                ("x-line-signature", signature),
            ],
            body,
        }
    }

    /// The POST of this webhook to the edge at `to` (e.g. `http://127.0.0.1:3000`).
    pub(crate) fn request(self, client: &reqwest::Client, to: &str) -> reqwest::RequestBuilder {
        let mut request = client.post(format!("{}{}", to.trim_end_matches('/'), self.route));
        for (name, value) in self.headers {
            request = request.header(name, value);
        }
        request.body(self.body)
    }
}

/// Sends `request` to the edge at `to` and returns the ack's status, or says why there was none.
async fn acknowledged(
    request: reqwest::RequestBuilder,
    to: &str,
) -> Result<reqwest::StatusCode, Error> {
    let response = request
        .send()
        .await
        .map_err(|source| SendError::Unreachable {
            to: to.to_string(),
            source,
        })?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(SendError::Refused {
            status: status.as_u16(),
            body: body.trim().to_string(),
        }
        .into());
    }
    Ok(status)
}
