//! `ackbot manifest slack`: the Slack app manifest of the built-in bot, read back with a YAML
//! parser as Slack would read it.

use std::process::{Command, Output};

use ackbot::slack::manifest::{self, ManifestOptions};
use serde_json::Value;

const BASE: &str = "https://abc.execute-api.us-east-1.amazonaws.com/prod";

fn ackbot(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ackbot"));
    // Nothing may turn the binary into the Lambda worker or feed it configuration.
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") || name.starts_with("ACKBOT_") || name.starts_with("SLACK_") {
            command.env_remove(name);
        }
    }
    command
        .args(["manifest", "slack"])
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run ackbot manifest slack")
}

fn manifest(args: &[&str]) -> (Value, String) {
    let out = ackbot(args);
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 on stdout");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}\n{stdout}");
    let value = serde_yaml_ng::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not YAML ({e}):\n{stdout}"));
    (value, stderr)
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a sequence: {value}"))
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect()
}

#[test]
fn the_builtins_become_a_slack_app() {
    let (m, stderr) = manifest(&["--base-url", BASE]);
    // `follow` and `join` (the LINE welcome) are no Slack events: nothing to say about them.
    assert!(stderr.is_empty(), "{stderr}");

    assert_eq!(m["display_information"]["name"], "ackbot");
    assert_eq!(m["features"]["bot_user"]["display_name"], "ackbot");
    assert_eq!(m["features"]["app_home"]["messages_tab_enabled"], true);

    let catalog = ackbot::handlers::builtins().catalog();
    let commands = m["features"]["slash_commands"].as_array().unwrap();
    let names: Vec<&str> = commands
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    for expected in ["/echo", "/help", "/ping", "/wait"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    for info in &catalog {
        let slash = format!("/{}", info.name);
        let command = commands
            .iter()
            .find(|c| c["command"] == slash.as_str())
            .unwrap_or_else(|| panic!("{slash} is missing"));
        assert_eq!(command["description"], info.about.as_str(), "{slash}");
        assert_eq!(
            command["url"],
            format!("{BASE}/slack/commands").as_str(),
            "{slash}"
        );
        if !info.usage.is_empty() {
            assert_eq!(command["usage_hint"], info.usage.as_str(), "{slash}");
        }
        assert_eq!(command["should_escape"], false, "{slash}");
    }

    let settings = &m["settings"];
    let events = &settings["event_subscriptions"];
    assert_eq!(
        events["request_url"],
        format!("{BASE}/slack/events").as_str()
    );
    let bot_events = strings(&events["bot_events"]);
    // The assistant's (`ask`): Slack's AI app view, and the events that keep a thread's context.
    for expected in [
        "app_mention",
        "message.im",
        "assistant_thread_started",
        "assistant_thread_context_changed",
    ] {
        assert!(bot_events.contains(&expected), "{bot_events:?}");
    }
    assert!(
        (m["features"]["assistant_view"]["assistant_description"].as_str())
            .is_some_and(|d| !d.is_empty() && d.chars().count() <= 200),
        "{}",
        m["features"]
    );
    for line_only in ["follow", "join", "postback", "memberJoined"] {
        assert!(!bot_events.contains(&line_only), "{bot_events:?}");
    }

    assert_eq!(settings["interactivity"]["is_enabled"], true);
    assert_eq!(
        settings["interactivity"]["request_url"],
        format!("{BASE}/slack/interactions").as_str()
    );
    assert_eq!(settings["socket_mode_enabled"], false);
    assert_eq!(settings["org_deploy_enabled"], false);
    assert_eq!(settings["token_rotation_enabled"], false);

    let scopes = strings(&m["oauth_config"]["scopes"]["bot"]);
    for expected in [
        "app_mentions:read",
        "assistant:write",
        "chat:write",
        "commands",
        "im:history",
    ] {
        assert!(scopes.contains(&expected), "{scopes:?}");
    }
    let mut sorted = scopes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(scopes, sorted, "sorted and without duplicates");
}

#[test]
fn stdout_is_the_manifest_the_slack_adapter_builds_and_stderr_its_notes() {
    let url = "http://localhost:3000";
    let (printed, stderr) = manifest(&[
        "--base-url",
        url,
        "--name",
        "Dice: 1d6 #1",
        "--scope",
        "reactions:write",
    ]);

    // The tool's bot: the built-ins and the assistant.
    let bot = ackbot::Bot::new()
        .mount(ackbot::handlers::builtins())
        .mount(ackbot::handlers::assistant());
    let options = ManifestOptions::new(url)
        .with_name("Dice: 1d6 #1")
        .with_scopes(["reactions:write"]);
    let built = manifest::build(&bot.build().unwrap(), &options).unwrap();
    assert_eq!(printed, serde_json::to_value(&built.app).unwrap());

    // The http warning, prefixed, one a line.
    let expected: Vec<String> = built
        .notes
        .iter()
        .map(|note| format!("ackbot manifest: {note}"))
        .collect();
    assert_eq!(stderr.lines().collect::<Vec<_>>(), expected);
    assert_eq!(expected.len(), 1, "{expected:?}");
}

#[test]
fn name_and_scopes_come_from_the_command_line() {
    let (m, _) = manifest(&[
        "--base-url",
        &format!("{BASE}/"),
        "--name",
        "Deploy: \"prod\" #1 デプロイ",
        "--scope",
        "reactions:write",
        "--scope",
        "users:read,chat:write",
    ]);
    assert_eq!(
        m["display_information"]["name"],
        "Deploy: \"prod\" #1 デプロイ"
    );
    assert_eq!(
        m["features"]["bot_user"]["display_name"],
        "Deploy: \"prod\" #1 デプロイ"
    );
    let scopes = strings(&m["oauth_config"]["scopes"]["bot"]);
    for expected in ["reactions:write", "users:read"] {
        assert!(scopes.contains(&expected), "{scopes:?}");
    }
    assert_eq!(scopes.iter().filter(|s| **s == "chat:write").count(), 1);
    // The trailing slash of the base URL does not double.
    assert_eq!(
        m["settings"]["event_subscriptions"]["request_url"],
        format!("{BASE}/slack/events").as_str()
    );
}

#[test]
fn http_is_accepted_for_localhost_with_a_warning() {
    let (m, stderr) = manifest(&["--base-url", "http://localhost:3000"]);
    assert_eq!(
        m["settings"]["interactivity"]["request_url"],
        "http://localhost:3000/slack/interactions"
    );
    assert!(
        stderr.contains("warning") && stderr.contains("https"),
        "{stderr}"
    );
}

#[test]
fn a_bad_base_url_is_refused_with_its_reason() {
    for (url, reason) in [
        ("http://example.com/prod", "only to https"),
        (
            "abc.execute-api.us-east-1.amazonaws.com/prod",
            "relative URL",
        ),
        ("ftp://example.com", "scheme is `ftp`"),
        ("https://example.com/prod?stage=1", "query"),
    ] {
        let out = ackbot(&["--base-url", url]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{url} was accepted");
        assert!(out.stdout.is_empty(), "{url}: printed a manifest anyway");
        assert!(
            stderr.contains(&format!("`{url}` is not a usable base URL"))
                && stderr.contains(reason),
            "{url}: {stderr}"
        );
    }
}

#[test]
fn a_bad_scope_is_refused() {
    let out = ackbot(&["--base-url", BASE, "--scope", "Reactions Write"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("`Reactions Write` is not a Slack scope"),
        "{stderr}"
    );
}

#[test]
fn the_base_url_is_required() {
    let out = ackbot(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("--base-url"), "{stderr}");
}

#[test]
fn distribution_mode_adds_the_redirect_url_by_flag_or_by_the_client_variables() {
    let redirect = |m: &Value| {
        m["oauth_config"]
            .get("redirect_urls")
            .map(|r| strings(r).join(","))
    };
    let (plain, _) = manifest(&["--base-url", BASE]);
    assert_eq!(redirect(&plain), None);
    let (flagged, stderr) = manifest(&["--base-url", BASE, "--distribution"]);
    assert_eq!(
        redirect(&flagged).as_deref(),
        Some(format!("{BASE}/slack/oauth_redirect").as_str())
    );
    assert!(stderr.contains("/slack/install"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_ackbot"))
        .args(["manifest", "slack", "--base-url", BASE])
        .env("SLACK_CLIENT_ID", "1234567890.1234567890123")
        .env("SLACK_CLIENT_SECRET", "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
        .env("SLACK_USER_SCOPES", "search:read")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success());
    let detected: Value = serde_yaml_ng::from_slice(&out.stdout).unwrap();
    assert_eq!(redirect(&detected), redirect(&flagged));
    assert_eq!(
        strings(&detected["oauth_config"]["scopes"]["user"]),
        ["search:read"]
    );
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!text.contains("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
}
