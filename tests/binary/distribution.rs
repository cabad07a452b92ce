//! Distribution mode end to end through the real `ackbot serve`, with Slack's API and authorize
//! page on the stand-in: two workspaces install, a mention from each is answered with its own
//! token, a restart keeps them, an uninstall removes one, every CSRF case is refused with no
//! exchange made, and no secret reaches the log.

use std::time::Duration;

use crate::common::slack::{SECRET, exchanges, post_signed, token_of_reply};
use crate::common::{Server, TempDir};
use ackbot_core::runtime::now_ms;
use ackbot_slack::sample;
use ackbot_slack::standin::SlackStandIn;
use serde_json::json;

const CLIENT_ID: &str = "1234567890.1234567890123";
const CLIENT_SECRET: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const PUBLIC: &str = "https://bots.example.com";

fn serve(standin: &SlackStandIn, data: &TempDir) -> Server {
    let api_url = standin.api_url();
    Server::start(&[
        ("SLACK_SIGNING_SECRET", SECRET),
        ("SLACK_API_URL", &api_url),
        ("SLACK_CLIENT_ID", CLIENT_ID),
        ("SLACK_CLIENT_SECRET", CLIENT_SECRET),
        ("SLACK_SCOPES", "reactions:write"),
        ("ACKBOT_PUBLIC_URL", PUBLIC),
        ("ACKBOT_DATA_DIR", data.0.to_str().unwrap()),
    ])
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `GET /slack/install`: Slack's authorize URL and the state cookie (`name=value`).
async fn start(server: &Server) -> (String, String) {
    let answer = browser()
        .get(format!("{}/slack/install", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    let csp = answer.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    let cookie = answer.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure"),
        "{cookie}"
    );
    (location, cookie.split(';').next().unwrap().to_string())
}

/// Slack's page approves for `team`: the redirect's path and query, on our server.
async fn approve(location: &str, team: &str) -> String {
    let answer = browser()
        .get(format!("{location}&team={team}"))
        .send()
        .await
        .unwrap();
    let back = answer.headers()["location"].to_str().unwrap();
    back.strip_prefix(PUBLIC)
        .expect("back to ACKBOT_PUBLIC_URL")
        .to_string()
}

async fn finish(server: &Server, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut request = browser().get(format!("{}{path}", server.url));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let answer = request.send().await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

async fn install(server: &Server, team: &str) {
    let (location, cookie) = start(server).await;
    let path = approve(&location, team).await;
    let (status, page) = finish(server, &path, Some(&cookie)).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("Stand-in {team}")), "{page}");
}

/// Mentions the bot from `team` with `echo TEXT`; the request id.
async fn mention(server: &Server, team: &str, text: &str) -> String {
    let event_id = format!("Ev{}", ackbot_core::testing::unique());
    let body =
        sample::app_mention(&format!("echo {text}"), "C1", &event_id).replace("T061EG9R6", team);
    let answer = post_signed(server, "/slack/events", &body, now_ms() / 1000, SECRET, &[]).await;
    assert_eq!(answer.status(), 200);
    answer.headers()["x-ackbot-request-id"]
        .to_str()
        .unwrap()
        .to_string()
}

/// What the inspector shows of the request `id`, once its reply went out.
async fn inspected(server: &Server, id: &str) -> String {
    let login = server.inspector_login().await;
    let token = login.split_once("?token=").unwrap().1.to_string();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let answer = reqwest::Client::new()
            .get(format!("{}/_ackbot/api/webhooks/{id}", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let shown = answer.text().await.unwrap();
        if shown.contains("\"replied\"") || std::time::Instant::now() > deadline {
            return shown;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn two_workspaces_install_each_is_answered_with_its_own_token_and_a_restart_keeps_them() {
    let standin = SlackStandIn::start().await.unwrap();
    let data = TempDir::new();
    let mut server = serve(&standin, &data);
    let (location, _) = start(&server).await;
    for part in [
        format!("client_id={CLIENT_ID}"),
        "reactions%3Awrite".into(),
        "chat%3Awrite".into(),
        "redirect_uri=https%3A%2F%2Fbots.example.com%2Fslack%2Foauth_redirect".into(),
    ] {
        assert!(location.contains(&part), "{location}");
    }
    install(&server, "T1").await;
    install(&server, "T2").await;
    let one = mention(&server, "T1", "one").await;
    mention(&server, "T2", "two").await;
    let t1_token = token_of_reply(&standin, "one").await;
    assert!(t1_token.starts_with("xoxb-T1-"), "{t1_token}");
    let shown = inspected(&server, &one).await;
    assert!(
        shown.contains("chat.post") && !shown.contains(&t1_token),
        "{shown}"
    );
    assert!(
        token_of_reply(&standin, "two")
            .await
            .starts_with("xoxb-T2-")
    );

    // A restart keeps the installs.
    server.drain().await;
    let logs_before = server.logs();
    let server = serve(&standin, &data);
    mention(&server, "T1", "again").await;
    assert!(
        token_of_reply(&standin, "again")
            .await
            .starts_with("xoxb-T1-")
    );

    // Uninstalled: T2's requests make no Web API call, and the log says why.
    let uninstalled = json!({"type": "event_callback", "team_id": "T2", "event_id": "EvGone",
        "event": {"type": "app_uninstalled"}, "authorizations": [{"team_id": "T2"}]})
    .to_string();
    let answer = post_signed(
        &server,
        "/slack/events",
        &uninstalled,
        now_ms() / 1000,
        SECRET,
        &[],
    )
    .await;
    assert_eq!(answer.status(), 200);
    server
        .wait_for_log(
            |l| {
                l["message"]
                    == "deleted the installation: the app was uninstalled or its bot token revoked"
            },
            Duration::from_secs(10),
        )
        .await
        .expect("the uninstall is logged");
    mention(&server, "T2", "nobody").await;
    let warned = server
        .wait_for_log(
            |l| l["workspace"].as_str().is_some_and(|w| w.contains("T2")) && l["level"] == "WARN",
            Duration::from_secs(10),
        )
        .await;
    assert!(warned.is_some(), "a warning names the team");
    mention(&server, "T1", "still").await;
    assert!(
        token_of_reply(&standin, "still")
            .await
            .starts_with("xoxb-T1-")
    );
    assert!(
        !standin
            .recorder()
            .calls()
            .iter()
            .any(|c| c.body["text"] == "nobody")
    );

    // No secret, code or token in any log line.
    let mut logs = logs_before;
    logs.extend(server.logs());
    let text = serde_json::to_string(&logs).unwrap();
    for secret in [CLIENT_SECRET, "standin-code-", "xoxb-T1-", "xoxb-T2-"] {
        assert!(!text.contains(secret), "{secret} in the log");
    }
}

#[tokio::test]
async fn every_csrf_case_is_refused_with_no_exchange() {
    let standin = SlackStandIn::start().await.unwrap();
    let data = TempDir::new();
    let server = serve(&standin, &data);
    let (location, cookie) = start(&server).await;
    let path = approve(&location, "T1").await;
    let state = cookie.split_once('=').unwrap().1.to_string();
    let (_, other) = start(&server).await;
    let cases = [
        ("no cookie", path.clone(), None),
        ("another browser's cookie", path.clone(), Some(other)),
        (
            "a forged state",
            path.replace(&state, "forged"),
            Some("ackbot-slack-oauth-state=forged".to_string()),
        ),
        (
            "no state",
            path.replace(&format!("state={state}"), "state="),
            Some(cookie.clone()),
        ),
    ];
    for (case, path, cookie) in cases {
        let (status, page) = finish(&server, &path, cookie.as_deref()).await;
        assert_eq!(status, 400, "{case}: {page}");
    }
    assert_eq!(exchanges(&standin), 0);
    let (status, _) = finish(&server, &path, Some(&cookie)).await;
    assert_eq!(status, 200);
    let (status, page) = finish(&server, &path, Some(&cookie)).await;
    assert_eq!(
        (status, page.contains("used already")),
        (400, true),
        "{page}"
    );
    assert_eq!(exchanges(&standin), 1);
    let (status, page) = finish(&server, "/slack/oauth_redirect?error=access_denied", None).await;
    assert_eq!(status, 200);
    assert!(page.contains("cancelled"), "{page}");
    // A code Slack refuses: a page naming its error, nothing stored, nothing logged.
    let (location, cookie) = start(&server).await;
    let path = approve(&location, "T2").await;
    let (before, after) = (path.find("code=").unwrap(), path.find("&state=").unwrap());
    let made_up = format!("{}code=made-up{}", &path[..before], &path[after..]);
    let (status, page) = finish(&server, &made_up, Some(&cookie)).await;
    assert_eq!(
        (status, page.contains("invalid_code")),
        (400, true),
        "{page}"
    );
    let text = serde_json::to_string(&server.logs()).unwrap();
    for secret in [CLIENT_SECRET, "standin-code-", state.as_str(), "xoxb-T1-"] {
        assert!(!text.contains(secret), "{secret} in the log");
    }
}
