//! `ackbot doctor` as a user runs it: the real binary in an empty directory with a cleared
//! environment, against stand-ins of LINE's `GET /v2/bot/info` and Slack's `auth.test`.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SLACK_SECRET: &str = "fa2c05deeef5a4077494e89f54394de0";
const SLACK_TOKEN: &str = "xoxb-1111-2222-DistinctiveSlackToken";
const LINE_SECRET: &str = "0123456789abcdef0123456789abcdef";
const LINE_TOKEN: &str = "DistinctiveLineAccessToken/abc+def=";

/// An empty directory of its own, removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "ackbot-doctor-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What `ackbot doctor` printed, and whether it succeeded.
struct Report {
    success: bool,
    stdout: String,
}

/// Runs `ackbot doctor ARGS` in `dir` with only PATH, HOME and `env`.
fn doctor_in(dir: &TempDir, args: &[&str], env: &[(&str, &str)]) -> Report {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ackbot"));
    command.env_clear();
    for name in ["PATH", "HOME"] {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command
        .arg("doctor")
        .args(args)
        .envs(env.iter().copied())
        .current_dir(&dir.0)
        .output()
        .expect("run ackbot doctor");
    let stdout = String::from_utf8(stdout).expect("UTF-8 on stdout");
    let stderr = String::from_utf8_lossy(&stderr);
    assert!(stderr.is_empty(), "stderr: {stderr}\nstdout: {stdout}");
    for secret in [SLACK_SECRET, SLACK_TOKEN, LINE_SECRET, LINE_TOKEN] {
        assert!(
            !stdout.contains(secret),
            "a secret is in the report:\n{stdout}"
        );
    }
    assert!(!stdout.contains("Distinctive"), "{stdout}");
    Report {
        success: status.success(),
        stdout,
    }
}

fn doctor(args: &[&str], env: &[(&str, &str)]) -> Report {
    doctor_in(&TempDir::new("run"), args, env)
}

/// Both platforms configured, their APIs at `line_api` and `slack_api`.
fn configured<'a>(line_api: &'a str, slack_api: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("SLACK_SIGNING_SECRET", SLACK_SECRET),
        ("SLACK_BOT_TOKEN", SLACK_TOKEN),
        ("SLACK_API_URL", slack_api),
        ("LINE_CHANNEL_SECRET", LINE_SECRET),
        ("LINE_CHANNEL_ACCESS_TOKEN", LINE_TOKEN),
        ("LINE_API_URL", line_api),
    ]
}

/// A stand-in answering LINE's bot info and Slack's `auth.test` (under `/api`) for the right
/// tokens only.
async fn platforms(line_status: u16, slack_answer: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    let bot_info = json!({
        "userId": "Ub9952f8", "basicId": "@216ru", "displayName": "Example name",
        "chatMode": "chat", "markAsReadMode": "manual"
    });
    let line_answer = match line_status {
        200 => ResponseTemplate::new(200).set_body_json(bot_info),
        status => ResponseTemplate::new(status).set_body_json(json!({
            "message": "Authentication failed. Confirm that the access token in the authorization header is valid."
        })),
    };
    Mock::given(method("GET"))
        .and(path("/v2/bot/info"))
        .and(header(
            "authorization",
            format!("Bearer {LINE_TOKEN}").as_str(),
        ))
        .respond_with(line_answer)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/auth.test"))
        .and(header(
            "authorization",
            format!("Bearer {SLACK_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(slack_answer))
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn slack_ok() -> serde_json::Value {
    json!({
        "ok": true, "url": "https://acme.slack.com/", "team": "Acme", "user": "ackbot",
        "team_id": "T12345678", "user_id": "U12345678", "bot_id": "B12345678"
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_configuration_passes_and_names_the_bots() {
    let server = platforms(200, slack_ok()).await;
    let slack_api = format!("{}/api", server.uri());
    let report = doctor(&[], &configured(&server.uri(), &slack_api));
    let out = &report.stdout;
    assert!(report.success, "{out}");
    assert!(
        out.contains(
            "✓ LINE channel access token: LINE accepts it: the bot is “Example name” (@216ru)"
        ),
        "{out}"
    );
    assert!(
        out.contains("✓ Slack bot token: Slack accepts it: the bot user is “ackbot” in “Acme”"),
        "{out}"
    );
    assert!(
        out.contains("✓ Slack signing secret: set (32 characters)"),
        "{out}"
    );
    assert!(out.ends_with("doctor: 0 problems, 0 warnings\n"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_line_token_and_a_refused_slack_token_fail() {
    let server = platforms(401, json!({"ok": false, "error": "invalid_auth"})).await;
    let slack_api = format!("{}/api", server.uri());
    let report = doctor(&[], &configured(&server.uri(), &slack_api));
    let out = &report.stdout;
    assert!(!report.success, "{out}");
    assert!(
        out.contains("✗ LINE channel access token: LINE does not accept it: the channel access token is not valid (expired or revoked?)"),
        "{out}"
    );
    assert!(
        out.contains("✗ Slack bot token: Slack does not accept this token"),
        "{out}"
    );
    assert!(out.contains("(invalid_auth)"), "{out}");
    assert!(out.ends_with("doctor: 2 problems, 0 warnings\n"), "{out}");
}

#[test]
fn an_unreachable_api_is_a_warning_not_a_failure() {
    // Nothing listens on a port that was just let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("http://127.0.0.1:{port}");
    let report = doctor(&[], &configured(&closed, &closed));
    let out = &report.stdout;
    assert!(report.success, "{out}");
    for platform in ["LINE", "Slack"] {
        let expected =
            format!("could not check with {platform}: cannot connect to 127.0.0.1:{port}");
        assert!(out.contains(&expected), "{out}");
    }
    assert!(
        out.contains("(offline? use --offline to skip this)"),
        "{out}"
    );
    assert!(out.ends_with("doctor: 0 problems, 2 warnings\n"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_asks_nobody() {
    let server = MockServer::start().await;
    let slack_api = format!("{}/api", server.uri());
    let report = doctor(&["--offline"], &configured(&server.uri(), &slack_api));
    let out = &report.stdout;
    assert!(report.success, "{out}");
    assert!(
        out.contains("· Slack bot token: not checked with Slack (--offline)"),
        "{out}"
    );
    assert!(
        out.contains("· LINE channel access token: not checked with LINE (--offline)"),
        "{out}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn nothing_configured_fails_with_what_to_set() {
    let report = doctor(&["--offline"], &[]);
    let out = &report.stdout;
    assert!(!report.success, "{out}");
    assert!(
        out.contains("✗ Platforms: nothing to serve: set SLACK_SIGNING_SECRET"),
        "{out}"
    );
    assert!(out.ends_with("doctor: 1 problem, 0 warnings\n"), "{out}");
}

#[test]
fn the_dotenv_file_is_read_as_serve_reads_it() {
    let dir = TempDir::new("dotenv");
    std::fs::write(
        dir.0.join(".env"),
        format!("LINE_CHANNEL_SECRET={LINE_SECRET}\nLINE_CHANNEL_ACCESS_TOKEN={LINE_TOKEN}\n"),
    )
    .unwrap();
    let report = doctor_in(&dir, &["--offline"], &[]);
    let out = &report.stdout;
    assert!(report.success, "{out}");
    assert!(out.contains("· .env file: read "), "{out}");
    assert!(
        out.contains("✓ LINE channel secret: set (32 characters)"),
        "{out}"
    );

    // A malformed line stops serve: doctor names the line and its variable, never the value.
    std::fs::write(
        dir.0.join(".env"),
        format!("LINE_CHANNEL_SECRET={LINE_SECRET}\nLINE_CHANNEL_ACCESS_TOKEN=Distinctive token\n"),
    )
    .unwrap();
    let report = doctor_in(&dir, &["--offline"], &[]);
    let out = &report.stdout;
    assert!(!report.success, "{out}");
    assert!(
        out.contains("line 2 (LINE_CHANNEL_ACCESS_TOKEN) is not of the form NAME=value"),
        "{out}"
    );
}

#[tokio::test]
async fn distribution_mode_checks_the_client_and_the_public_url_and_asks_slack_nothing() {
    const CLIENT_SECRET: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let slack = MockServer::start().await;
    let api_url = format!("{}/api", slack.uri());
    let mut env = vec![
        ("SLACK_SIGNING_SECRET", SLACK_SECRET),
        ("SLACK_API_URL", api_url.as_str()),
        ("SLACK_CLIENT_ID", "1234567890.1234567890123"),
        ("SLACK_CLIENT_SECRET", CLIENT_SECRET),
        ("ACKBOT_PUBLIC_URL", "https://bots.example.com/prod"),
    ];
    let good = doctor(&[], &env);
    assert!(good.success, "{}", good.stdout);
    assert!(
        good.stdout
            .contains("https://bots.example.com/prod/slack/oauth_redirect"),
        "{}",
        good.stdout
    );
    assert!(!good.stdout.contains(CLIENT_SECRET), "{}", good.stdout);
    assert!(
        !good.stdout.contains("SLACK_BOT_TOKEN is not set"),
        "{}",
        good.stdout
    );
    let asked = slack.received_requests().await.unwrap_or_default();
    assert!(
        asked.is_empty(),
        "no single token to ask Slack about: {asked:?}"
    );
    env[4].1 = "http://bots.example.com/prod";
    let plain_http = doctor(&["--offline"], &env);
    assert!(!plain_http.success);
    assert!(
        plain_http
            .stdout
            .contains("ACKBOT_PUBLIC_URL must be an absolute https URL"),
        "{}",
        plain_http.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_alone_is_checked_and_its_bot_token_shown_to_discord() {
    let api = ackbot::discord::standin::DiscordStandIn::start()
        .await
        .unwrap();
    let api_url = api.api_url();
    let key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let token = "MTE.Distinctive-discord-token";
    let env = [
        ("DISCORD_PUBLIC_KEY", key),
        ("DISCORD_APPLICATION_ID", "1100000000000000001"),
        ("DISCORD_BOT_TOKEN", token),
        ("DISCORD_API_URL", api_url.as_str()),
    ];
    let report = doctor(&[], &env);
    let out = &report.stdout;
    assert!(report.success, "{out}");
    assert!(
        out.contains("✓ Discord public key: set (an Ed25519 public key)"),
        "{out}"
    );
    assert!(
        out.contains(
            "✓ Discord bot token: Discord accepts it: the bot is “ackbot” (1100000000000000001)"
        ),
        "{out}"
    );
    let asked = api.recorder().calls();
    assert_eq!(asked[0].path, "GET /users/@me");
    assert_eq!(
        asked[0].header("authorization"),
        Some(format!("Bot {token}").as_str())
    );
    let wrong = doctor(&["--offline"], &[("DISCORD_PUBLIC_KEY", "abc")]);
    assert!(!wrong.success);
    assert!(
        wrong
            .stdout
            .contains("✗ Discord public key: DISCORD_PUBLIC_KEY is not an Ed25519"),
        "{}",
        wrong.stdout
    );
    assert!(
        wrong.stdout.contains("✗ Discord application id"),
        "{}",
        wrong.stdout
    );
}
