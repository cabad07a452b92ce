//! Distribution mode against the Slack stand-in: the install, every refused redirect (with no
//! exchange made), each workspace's own token, rotation under two workers, uninstall.

use std::sync::Arc;

use ackbot_core::adapter::{Adapter, Inbound, PageRequest, Work};
use ackbot_core::runtime::Clock;
use ackbot_core::testing::FixedClock;
use ackbot_core::{ExposeSecret, Reply};
use ackbot_slack::oauth::{
    Distribution, InstallationKey, InstallationStore, MemoryInstallations, STATE_COOKIE, Stored,
};
use ackbot_slack::standin::SlackStandIn;
use ackbot_slack::{EVENTS_ROUTE, SlackAdapter, SlackConfig, sample};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const CLIENT_SECRET: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const PUBLIC: &str = "https://bots.example.com/prod";

struct Setup {
    standin: SlackStandIn,
    store: Arc<MemoryInstallations>,
    clock: Arc<FixedClock>,
    adapter: SlackAdapter,
}

async fn setup() -> Setup {
    let standin = SlackStandIn::start().await.unwrap();
    let store = Arc::new(MemoryInstallations::new());
    let clock = Arc::new(FixedClock::at(1_800_000_000_000));
    let distribution = Distribution::new("1234.5678", CLIENT_SECRET, PUBLIC, store.clone())
        .with_scopes(["chat:write", "commands"])
        .with_user_scopes(["search:read"])
        .with_clock(clock.clone());
    let config = SlackConfig::new(SECRET)
        .with_api_url(standin.api_url())
        .with_distribution(distribution);
    let adapter = SlackAdapter::new(config).unwrap();
    Setup {
        standin,
        store,
        clock,
        adapter,
    }
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `GET /slack/install`: the authorize URL and the state cookie's value.
async fn start(s: &Setup) -> (String, String) {
    let page = s
        .adapter
        .page(&PageRequest::new("/slack/install", ""))
        .await;
    assert_eq!(page.status, 302, "{}", page.body);
    let location = page.header("location").unwrap().to_string();
    let cookie = page.header("set-cookie").unwrap().to_string();
    for part in [
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Max-Age=600",
        "Path=/prod/slack/oauth_redirect",
    ] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let state = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    (location, state)
}

/// Slack's approval: the query the stand-in sends the browser back with, for `team`.
async fn approve(location: &str, team: &str) -> String {
    let answer = no_redirects()
        .get(format!("{location}&team={team}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    let back = answer.headers()["location"].to_str().unwrap().to_string();
    assert!(
        back.starts_with(&format!("{PUBLIC}/slack/oauth_redirect?")),
        "{back}"
    );
    back.split_once('?').unwrap().1.to_string()
}

fn redirect(query: &str, cookie: Option<&str>) -> PageRequest {
    let mut request = PageRequest::new("/slack/oauth_redirect", query);
    if let Some(state) = cookie {
        request
            .headers
            .append("Cookie", format!("other=1; {STATE_COOKIE}={state}"));
    }
    request
}

async fn install(s: &Setup, team: &str) {
    let (location, state) = start(s).await;
    let query = approve(&location, team).await;
    let page = s.adapter.page(&redirect(&query, Some(&state))).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(&format!("Stand-in {team}")),
        "{}",
        page.body
    );
}

/// The installation of `team` in the store.
async fn stored(s: &Setup, team: &str) -> Option<Stored> {
    let key = InstallationKey::Team(team.into());
    s.store.find(&key).await.unwrap()
}

fn exchanges(s: &Setup) -> usize {
    s.standin
        .recorder()
        .calls()
        .iter()
        .filter(|c| c.path == "/api/oauth.v2.access")
        .count()
}

/// A mention from `team`, parsed and authorized as the worker would.
async fn mention(s: &Setup, team: &str) -> Work {
    let body = sample::app_mention("hi", "C1", &format!("Ev{team}")).replace("T061EG9R6", team);
    let envelope = sample::signed_envelope(EVENTS_ROUTE, &body, SECRET, s.clock.now_ms() / 1000);
    let Inbound::Work(mut work) = s.adapter.parse(&envelope).unwrap().remove(0) else {
        panic!("work")
    };
    s.adapter.authorize(&mut work).await.unwrap();
    work
}

/// The bearer token of the last `chat.postMessage` (or `chat.postEphemeral`).
fn last_token(s: &Setup) -> String {
    let calls = s.standin.recorder().calls();
    let call = (calls.iter().rev())
        .find(|c| c.path.starts_with("/api/chat.post"))
        .unwrap();
    call.header("authorization")
        .unwrap()
        .trim_start_matches("Bearer ")
        .to_string()
}

#[tokio::test]
async fn two_workspaces_install_and_each_request_uses_its_own_token() {
    let s = setup().await;
    let (location, _) = start(&s).await;
    for part in [
        "client_id=1234.5678",
        "scope=chat%3Awrite%2Ccommands",
        "user_scope=search%3Aread",
        "redirect_uri=https%3A%2F%2Fbots.example.com%2Fprod%2Fslack%2Foauth_redirect",
    ] {
        assert!(location.contains(part), "{location}");
    }
    install(&s, "T1").await;
    install(&s, "T2").await;
    let stored = stored(&s, "T1").await.unwrap();
    assert_eq!(stored.record.installation.bot_user_id, "UBT1");
    assert_eq!(
        stored
            .record
            .user
            .unwrap()
            .token
            .expose_secret()
            .split('-')
            .nth(1),
        Some("T1")
    );
    for team in ["T1", "T2"] {
        let work = mention(&s, team).await;
        let installation = work
            .extensions
            .get::<ackbot_slack::oauth::Installation>()
            .unwrap();
        assert_eq!(installation.team_id.as_deref(), Some(team));
        work.delivery
            .deliver(vec![Reply::text("hello")], 0)
            .await
            .unwrap();
        assert!(
            last_token(&s).starts_with(&format!("xoxb-{team}-")),
            "{}",
            last_token(&s)
        );
    }
    // The exchange went with the client's credentials; the stand-in kept none of them.
    let calls = s.standin.recorder().calls();
    let exchange = calls
        .iter()
        .find(|c| c.path == "/api/oauth.v2.access")
        .unwrap();
    assert_eq!(exchange.body["client_id"], "1234.5678");
    assert!(exchange.header("authorization").is_none());
    assert!(!format!("{calls:?}").contains(CLIENT_SECRET));
}

#[tokio::test]
async fn a_workspace_without_an_installation_makes_no_web_api_call() {
    let s = setup().await;
    install(&s, "T1").await;
    let work = mention(&s, "T9").await;
    assert!(
        work.extensions
            .get::<ackbot_slack::oauth::Installation>()
            .is_none()
    );
    let error = work
        .delivery
        .deliver(vec![Reply::text("hello")], 0)
        .await
        .unwrap_err();
    assert!(!error.retryable);
    assert!(
        error.to_string().contains("team T9 has no installation"),
        "{error}"
    );
    assert!(
        !s.standin
            .recorder()
            .calls()
            .iter()
            .any(|c| c.path.starts_with("/api/chat.post"))
    );
}

#[tokio::test]
async fn every_forged_missing_reused_or_expired_state_is_refused_without_an_exchange() {
    let s = setup().await;
    let (location, state) = start(&s).await;
    let query = approve(&location, "T1").await;
    let forged = query.replace(&state, "forged-state");
    let (_, other_browser) = start(&s).await;
    let cases = [
        (
            "no state",
            query.replace(&format!("state={state}"), "state="),
            Some(state.clone()),
        ),
        ("no cookie", query.clone(), None),
        (
            "another browser's cookie",
            query.clone(),
            Some(other_browser.clone()),
        ),
        (
            "forged state with a matching cookie",
            forged,
            Some("forged-state".to_string()),
        ),
    ];
    for (case, query, cookie) in cases {
        let page = s.adapter.page(&redirect(&query, cookie.as_deref())).await;
        assert_eq!(page.status, 400, "{case}: {}", page.body);
        assert!(
            page.header("content-security-policy")
                .unwrap()
                .contains("default-src 'none'")
        );
    }
    assert_eq!(exchanges(&s), 0, "no code was exchanged");
    // The right browser still can, once.
    let page = s.adapter.page(&redirect(&query, Some(&state))).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let again = s.adapter.page(&redirect(&query, Some(&state))).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("expired or was used"), "{}", again.body);
    assert_eq!(exchanges(&s), 1);
    // Eleven minutes later a state is stale.
    let (location, state) = start(&s).await;
    let query = approve(&location, "T2").await;
    s.clock.advance(11 * 60 * 1000);
    let late = s.adapter.page(&redirect(&query, Some(&state))).await;
    assert_eq!(late.status, 400, "{}", late.body);
    assert_eq!(exchanges(&s), 1);
    assert!(stored(&s, "T2").await.is_none());
}

#[tokio::test]
async fn a_cancelled_install_or_a_refused_code_stores_nothing() {
    let s = setup().await;
    let (_, state) = start(&s).await;
    let denied = s
        .adapter
        .page(&redirect(
            &format!("error=access_denied&state={state}"),
            Some(&state),
        ))
        .await;
    assert_eq!(denied.status, 200);
    assert!(denied.body.contains("cancelled"), "{}", denied.body);
    let (_, state) = start(&s).await;
    let page = s
        .adapter
        .page(&redirect(
            &format!("code=made-up&state={state}"),
            Some(&state),
        ))
        .await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("invalid_code"), "{}", page.body);
    let reflected = s
        .adapter
        .page(&redirect("error=<script>x</script>", None))
        .await;
    assert!(!reflected.body.contains("<script>"), "{}", reflected.body);
    assert!(reflected.header("location").is_none());
    assert!(stored(&s, "T0001").await.is_none());
}

#[tokio::test]
async fn a_rotating_token_is_refreshed_once_for_two_workers_at_once() {
    let s = setup().await;
    s.standin.rotate_tokens(43_200);
    install(&s, "T1").await;
    let first = stored(&s, "T1")
        .await
        .unwrap()
        .record
        .bot
        .token
        .expose_secret()
        .to_string();
    assert!(first.starts_with("xoxe.xoxb-T1-"), "{first}");
    // Fresh: used as it is.
    mention(&s, "T1")
        .await
        .delivery
        .deliver(vec![Reply::text("a")], 0)
        .await
        .unwrap();
    assert_eq!((last_token(&s), s.standin.refreshes()), (first.clone(), 0));
    // Eleven hours later (an hour before it expires) two workers need it at once.
    s.clock.advance(11 * 60 * 60 * 1000);
    let (a, b) = futures::join!(mention(&s, "T1"), mention(&s, "T1"));
    assert_eq!(s.standin.refreshes(), 1, "the refresh token was spent once");
    let renewed = stored(&s, "T1")
        .await
        .unwrap()
        .record
        .bot
        .token
        .expose_secret()
        .to_string();
    assert_ne!(renewed, first);
    for work in [a, b] {
        work.delivery
            .deliver(vec![Reply::text("b")], 0)
            .await
            .unwrap();
        let used = last_token(&s);
        assert!(used == renewed || used == first, "{used}");
    }
    mention(&s, "T1")
        .await
        .delivery
        .deliver(vec![Reply::text("c")], 0)
        .await
        .unwrap();
    assert_eq!(last_token(&s), renewed);
}

#[tokio::test]
async fn a_refused_refresh_token_marks_the_installation_for_a_reinstall() {
    let s = setup().await;
    s.standin.rotate_tokens(43_200);
    install(&s, "T1").await;
    let key = InstallationKey::Team("T1".into());
    let mut stale = stored(&s, "T1").await.unwrap();
    stale.record.bot.refresh_token = Some("xoxe-1-stale".to_string().into());
    assert!(
        s.store
            .replace(&key, stale.version, &stale.record)
            .await
            .unwrap()
    );
    s.clock.advance(13 * 60 * 60 * 1000);
    let work = mention(&s, "T1").await;
    assert!(stored(&s, "T1").await.unwrap().record.needs_reinstall);
    let error = work
        .delivery
        .deliver(vec![Reply::text("x")], 0)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("no installation"), "{error}");
    // A new install mends it.
    install(&s, "T1").await;
    assert!(!stored(&s, "T1").await.unwrap().record.needs_reinstall);
}

#[tokio::test]
async fn app_uninstalled_and_tokens_revoked_change_the_store() {
    let s = setup().await;
    install(&s, "T1").await;
    install(&s, "T2").await;
    let event = |team: &str, event: serde_json::Value| {
        let body = serde_json::json!({"type": "event_callback", "team_id": team, "event_id": format!("Ev{}", event["type"]),
            "event": event, "authorizations": [{"team_id": team, "is_enterprise_install": false}]}).to_string();
        sample::signed_envelope(EVENTS_ROUTE, &body, SECRET, s.clock.now_ms() / 1000)
    };
    let revoked = event(
        "T2",
        serde_json::json!({"type": "tokens_revoked", "tokens": {"oauth": ["U0INSTALLER"], "bot": []}}),
    );
    let Inbound::Work(mut work) = s.adapter.parse(&revoked).unwrap().remove(0) else {
        panic!()
    };
    s.adapter.authorize(&mut work).await.unwrap();
    let t2 = stored(&s, "T2").await.unwrap();
    assert!(
        t2.record.user.is_none(),
        "the user's token is gone, the bot's stays"
    );
    let uninstalled = event("T1", serde_json::json!({"type": "app_uninstalled"}));
    let Inbound::Work(mut work) = s.adapter.parse(&uninstalled).unwrap().remove(0) else {
        panic!()
    };
    s.adapter.authorize(&mut work).await.unwrap();
    assert!(stored(&s, "T1").await.is_none());
    assert!(stored(&s, "T2").await.is_some());
}
