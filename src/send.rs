//! `ackbot send`: sign and POST a realistic webhook to a running edge, and show what came back.

use std::time::{Duration, Instant};

use bot_core::{now_ms, ExposeSecret, SecretString};

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
    let body = bot_slack::sample::slash_command(typed, &response_url);
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
    let first = line
        .channel_secret
        .expose_secret()
        .split(',')
        .next()
        .unwrap_or_default()
        .trim();
    let body = bot_line::sample::text_message(text, user_id, redelivery);
    let signature = bot_line::sign(&SecretString::from(first), body.as_bytes());
    let started = Instant::now();
    let request = reqwest::Client::new()
        .post(format!("{}/line/webhook", to.trim_end_matches('/')))
        .header("content-type", "application/json; charset=utf-8")
        .header("x-line-signature", signature)
        .body(body);
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
    let timestamp = now_ms() / 1000;
    let signature = bot_slack::sign(secret, timestamp, body.as_bytes());
    let request = reqwest::Client::new()
        .post(format!("{}/slack/commands", to.trim_end_matches('/')))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp.to_string())
        .header("x-slack-signature", signature)
        .body(body);
    acknowledged(request, to).await.map(drop)
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
