//! `ackbot send` against a running `ackbot serve`: signed requests a real server accepts.

use std::process::Command;
use std::time::Duration;

use crate::common::{Server, TempDir};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn send(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let dir = TempDir::new();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ackbot"));
    command.arg("send").args(args).current_dir(&dir.0);
    for (name, _) in std::env::vars() {
        if ["SLACK_", "LINE_", "ACKBOT_"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            command.env_remove(name);
        }
    }
    command
        .envs(env.iter().copied())
        .output()
        .expect("run ackbot send")
}

#[tokio::test(flavor = "multi_thread")]
async fn send_slack_prints_the_reply_from_its_own_response_url() {
    let server = Server::start(&[("SLACK_SIGNING_SECRET", "send-test-secret")]);
    let out = send(
        &[
            "slack",
            "/echo こんにちは 🍙 1+1",
            "--to",
            &server.url,
            "--wait",
            "10",
        ],
        &[("SLACK_SIGNING_SECRET", "send-test-secret")],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("acked in"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "こんにちは 🍙 1+1"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn send_slack_with_the_wrong_secret_says_no_reply_came() {
    let server = Server::start(&[("SLACK_SIGNING_SECRET", "the-real-secret")]);
    let out = send(
        &["slack", "/ping", "--to", &server.url, "--wait", "2"],
        &[("SLACK_SIGNING_SECRET", "a-wrong-secret")],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no reply within 2 s"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn send_line_posts_a_webhook_that_serve_verifies_and_answers() {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sentMessages": []})))
        .mount(&api)
        .await;
    let url = api.uri();
    let env = [
        ("LINE_CHANNEL_SECRET", "new-secret,old-secret"),
        ("LINE_CHANNEL_ACCESS_TOKEN", "tok"),
        ("LINE_API_URL", url.as_str()),
    ];
    let server = Server::start(&env);
    let out = send(&["line", "echo こんにちは", "--to", &server.url], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut received = Vec::new();
    for _ in 0..200 {
        received = api.received_requests().await.unwrap();
        if !received.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(received.len(), 1);
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(
        body["messages"],
        json!([{"type": "text", "text": "こんにちは"}])
    );
}

#[test]
fn send_without_a_secret_explains_what_to_set() {
    let out = send(&["slack", "/ping"], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SLACK_SIGNING_SECRET is not set"));
}
