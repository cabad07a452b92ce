//! `ackbot send`: sign and POST a realistic webhook to a running edge, and show what came back;
//! and the signed webhooks themselves ([`Signed`]), which the inspector's Send posts too.

use std::time::{Duration, Instant};

use ackbot_core::runtime::now_ms;
use ackbot_core::{ExposeSecret, SecretString};
use ackbot_slack::standin::SlackStandIn;

/// Why `ackbot send` could not deliver its webhook, or saw no reply.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The platform's secret is not set, so nothing can be signed.
    #[error("{variable} is not set: `send` signs with the same secret as `serve`")]
    NotConfigured {
        /// The variable to set.
        variable: &'static str,
    },
    /// The loopback `response_url` could not listen.
    #[error("cannot listen for the reply")]
    Listen(#[source] std::io::Error),
    /// The edge could not be reached.
    #[error("cannot reach {to}")]
    Unreachable {
        /// The edge's address.
        to: String,
        /// Why not.
        #[source]
        source: reqwest::Error,
    },
    /// The edge answered with an error status.
    #[error("the edge answered {status}: {body}")]
    Refused {
        /// The status.
        status: u16,
        /// What it said.
        body: String,
    },
    /// Discord's public key is the application's own, whose private half only Discord holds.
    #[error(
        "DISCORD_PUBLIC_KEY is not ackbot's test key: `send` signs with the test key pair, which \
         a local `serve` trusts only with DISCORD_PUBLIC_KEY={test} (a new project's \
         .env.example says so); never set that key on a deployed bot"
    )]
    NotTheTestKey {
        /// The test key's public half.
        test: &'static str,
    },
    /// No reply arrived at the loopback `response_url` in time.
    #[error(
        "no reply within {seconds} s (is `ackbot serve` running with the same SLACK_SIGNING_SECRET? its log says why)"
    )]
    NoReply {
        /// How long `send` waited.
        seconds: u64,
    },
}

/// Sends `typed` (e.g. `/echo hi`) as a signed slash command to the edge at `to`, then prints the
/// ack and, unless `response_url` is given, the reply that arrives at a loopback `response_url`.
pub async fn slack(
    signing_secret: Option<&SecretString>,
    typed: &str,
    to: &str,
    response_url: Option<String>,
    wait: Duration,
) -> Result<(), SendError> {
    let secret = signing_secret.ok_or(SendError::NotConfigured {
        variable: "SLACK_SIGNING_SECRET",
    })?;
    let catcher = match response_url {
        Some(_) => None,
        None => Some(SlackStandIn::start().await.map_err(SendError::Listen)?),
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
        }),
    }
}

/// Sends `text` as a signed LINE text-message webhook to the edge at `to` and prints the ack. The
/// reply goes to the LINE API the server is configured with (`api_url`, `LINE_API_URL`).
pub async fn line(
    channel_secret: Option<&SecretString>,
    api_url: &str,
    text: &str,
    to: &str,
    user_id: &str,
    redelivery: bool,
) -> Result<(), SendError> {
    let secret = channel_secret.ok_or(SendError::NotConfigured {
        variable: "LINE_CHANNEL_SECRET",
    })?;
    let body = ackbot_line::sample::text_message(text, user_id, redelivery);
    let started = Instant::now();
    let request = Signed::line(secret, body).request(&reqwest::Client::new(), to);
    let (status, _) = acknowledged(request, to).await?;
    println!(
        "acked {} in {} ms; the reply goes to the LINE API at {api_url}",
        status.as_u16(),
        started.elapsed().as_millis(),
    );
    Ok(())
}

/// Sends `typed` (e.g. `/echo hi`) as a slash command interaction signed with the test key pair
/// to the edge at `to`, and prints the interaction response (a deferral, a modal…). The replies
/// go to the Discord API the server is configured with (`api_url`, `DISCORD_API_URL`).
pub async fn discord(
    public_key: Option<&str>,
    api_url: &str,
    typed: &str,
    to: &str,
) -> Result<(), SendError> {
    let public_key = public_key.ok_or(SendError::NotConfigured {
        variable: "DISCORD_PUBLIC_KEY",
    })?;
    let test = ackbot_discord::sample::TEST_PUBLIC_KEY;
    if !public_key.trim().eq_ignore_ascii_case(test) {
        return Err(SendError::NotTheTestKey { test });
    }
    let interaction = ackbot_discord::sample::typed(typed);
    let started = Instant::now();
    let request = Signed::discord(interaction.to_string()).request(&reqwest::Client::new(), to);
    let (status, body) = acknowledged(request, to).await?;
    println!(
        "answered {} in {} ms: {}\nthe replies go to the Discord API at {api_url}",
        status.as_u16(),
        started.elapsed().as_millis(),
        body.trim()
    );
    Ok(())
}

async fn post_slack(to: &str, secret: &SecretString, body: String) -> Result<(), SendError> {
    let request = Signed::slack_command(secret, body).request(&reqwest::Client::new(), to);
    acknowledged(request, to).await.map(drop)
}

/// The request id an edge's answer names (`x-ackbot-request-id`), empty when it names none.
pub fn request_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-ackbot-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A webhook signed the way its platform signs it, ready to post to an edge: what `ackbot send`
/// and the inspector's Send post.
pub struct Signed {
    route: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Signed {
    /// A slash command's form `body`, signed with Slack's signing secret as of now.
    pub fn slack_command(secret: &SecretString, body: String) -> Self {
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
    pub fn line(channel_secrets: &SecretString, body: String) -> Self {
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

    /// A Discord interaction `body`, signed with the test key pair as of now (see
    /// [`discord`]: only a `serve` configured with the test key trusts it).
    pub fn discord(body: String) -> Self {
        let key = ackbot_discord::sample::key_pair();
        let headers =
            ackbot_discord::sample::signature_headers(&key, body.as_bytes(), now_ms() / 1000);
        Self {
            route: ackbot_discord::INTERACTIONS_ROUTE,
            headers: [("content-type", "application/json".to_string())]
                .into_iter()
                .chain(headers)
                .collect(),
            body,
        }
    }

    /// The POST of this webhook to the edge at `to` (e.g. `http://127.0.0.1:3000`).
    pub fn request(self, client: &reqwest::Client, to: &str) -> reqwest::RequestBuilder {
        let mut request = client.post(format!("{}{}", to.trim_end_matches('/'), self.route));
        for (name, value) in self.headers {
            request = request.header(name, value);
        }
        request.body(self.body)
    }
}

/// Sends `request` to the edge at `to` and returns the ack's status and body, or says why there
/// was none.
async fn acknowledged(
    request: reqwest::RequestBuilder,
    to: &str,
) -> Result<(reqwest::StatusCode, String), SendError> {
    let response = request
        .send()
        .await
        .map_err(|source| SendError::Unreachable {
            to: to.to_string(),
            source,
        })?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(SendError::Refused {
            status: status.as_u16(),
            body: body.trim().to_string(),
        });
    }
    Ok((status, body))
}
