//! The demo's last part: Slack in many workspaces. A second edge, in distribution mode, with
//! its installations in memory; two workspaces install the app through the install link, the
//! stand-in's authorize page and the OAuth redirect, as a browser would; then a mention from
//! each is answered with that workspace's own token.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ackbot_core::runtime::{Worker, now_ms};
use ackbot_core::{Dispatcher, SecretString};
use ackbot_slack::oauth::{Distribution, MemoryInstallations};
use ackbot_slack::standin::SlackStandIn;
use ackbot_slack::{EVENTS_ROUTE, SlackAdapter, SlackConfig};

use super::DemoError;
use crate::{EdgeSettings, ServeSettings, Signing};

/// The demo app's client credentials (throwaway, like its signing secret).
const CLIENT_ID: &str = "1000000000.2000000000000";

/// Installs two workspaces and mentions the bot from each; how many of the steps behaved.
pub(super) async fn run(
    dispatcher: Dispatcher,
    api: &SlackStandIn,
    numbered_from: usize,
) -> Result<(usize, usize), DemoError> {
    let secret = SecretString::from(format!("demo-slack-oauth-{:x}", now_ms()));
    let settings = ServeSettings {
        edge: EdgeSettings {
            workers: 2,
            ..EdgeSettings::default()
        },
        ack_deadline: Duration::from_millis(2500),
        signing: Signing {
            slack: Some(secret.clone()),
            line: None,
            discord: None,
        },
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(DemoError::StandIn)?;
    let addr: SocketAddr = listener.local_addr().map_err(DemoError::StandIn)?;
    drop(listener);
    let public = format!("http://{addr}");
    let client_secret = format!("{:032x}", now_ms());
    let distribution = Distribution::new(
        CLIENT_ID,
        client_secret,
        public.clone(),
        Arc::new(MemoryInstallations::new()),
    )
    .with_scopes(["chat:write", "app_mentions:read", "commands"]);
    let slack = SlackConfig::new(secret.clone())
        .with_api_url(api.api_url())
        .with_distribution(distribution);
    let slack = SlackAdapter::new(slack).map_err(|e| DemoError::Adapter(e.to_string()))?;
    let worker = Worker::new(dispatcher).with_adapter(Arc::new(slack));
    let edge = crate::start(&settings, worker, addr).await?;
    println!("── Slack, many workspaces (OAuth install) ────────────────\n");
    println!("  a second edge, in distribution mode           {public}");
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(DemoError::Unreachable)?;
    let (mut passed, mut total) = (0, 0);
    for team in ["T0DEMO1", "T0DEMO2"] {
        total += 1;
        let n = numbered_from + total;
        match install(&browser, &public, team).await? {
            Ok(page) => {
                passed += 1;
                println!(
                    "{n}. install in {team}: GET /slack/install → Slack's authorize page → GET /slack/oauth_redirect"
                );
                println!("   ✓ {page}");
            }
            Err(why) => println!("{n}. install in {team}\n   ✗ {why}"),
        }
    }
    for team in ["T0DEMO1", "T0DEMO2"] {
        total += 1;
        let n = numbered_from + total;
        let text = format!("hello from {team}");
        let body = ackbot_slack::sample::app_mention(
            &format!("echo {text}"),
            "C0DEMO",
            &format!("Ev{team}{}", now_ms()),
        )
        .replace("T061EG9R6", team);
        let signature = ackbot_slack::sign(&secret, now_ms() / 1000, body.as_bytes());
        let sent = browser
            .post(format!("{public}{EVENTS_ROUTE}"))
            .header("content-type", "application/json")
            .header(
                ackbot_slack::TIMESTAMP_HEADER,
                (now_ms() / 1000).to_string(),
            )
            .header(ackbot_slack::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .map_err(DemoError::Unreachable)?;
        let reply = api
            .recorder()
            .wait_for(
                |c| c.path.starts_with("/api/chat.post") && c.body["text"] == text.as_str(),
                Duration::from_secs(10),
            )
            .await;
        let token = reply
            .as_ref()
            .and_then(|c| c.header("authorization").map(str::to_string));
        println!("{n}. mention from {team} (ack {})", sent.status().as_u16());
        match token {
            Some(token) if token.starts_with(&format!("Bearer xoxb-{team}-")) => {
                passed += 1;
                println!("   ✓ answered with {team}'s own bot token");
            }
            Some(_) => println!("   ✗ answered with another workspace's token"),
            None => println!("   ✗ no reply (does the bot have `echo`?)"),
        }
    }
    println!();
    edge.stop_after(async {}, Duration::from_secs(5)).await?;
    Ok((passed, total))
}

/// One install as a browser makes it: `Ok` with the success page's words, or why it failed.
async fn install(
    browser: &reqwest::Client,
    public: &str,
    team: &str,
) -> Result<Result<String, String>, DemoError> {
    let start = browser
        .get(format!("{public}/slack/install"))
        .send()
        .await
        .map_err(DemoError::Unreachable)?;
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (Some(authorize), Some(cookie)) =
        (header(&start, "location"), header(&start, "set-cookie"))
    else {
        return Ok(Err(format!("the install link answered {}", start.status())));
    };
    let approved = browser
        .get(format!("{authorize}&team={team}"))
        .send()
        .await
        .map_err(DemoError::Unreachable)?;
    let Some(back) = header(&approved, "location") else {
        return Ok(Err(
            "the authorize page did not send the browser back".into()
        ));
    };
    let cookie = cookie.split(';').next().unwrap_or_default().to_string();
    let finished = browser
        .get(back)
        .header("cookie", cookie)
        .send()
        .await
        .map_err(DemoError::Unreachable)?;
    let status = finished.status().as_u16();
    let page = finished.text().await.unwrap_or_default();
    let words = page
        .split("<p>")
        .nth(1)
        .and_then(|p| p.split("</p>").next())
        .unwrap_or_default()
        .to_string();
    Ok(match status {
        200 => Ok(words),
        _ => Err(format!("{status}: {words}")),
    })
}
