//! The signed samples the demo sends, each with what it should come to.

use bot_core::{now_ms, SecretString};
use serde_json::{json, Value};

use crate::standin::slack::SlackStandIn;
use crate::standin::Recorded;

/// What a sample should come to.
pub(super) enum Expect {
    /// One reply with exactly this text.
    Exactly(String),
    /// One reply containing this text.
    Containing(&'static str),
    /// No API call at all.
    Nothing,
    /// Recognised as a duplicate: no second reply.
    Duplicate,
}

/// Which stand-in calls belong to a sample.
pub(super) type Belongs = Box<dyn Fn(&Recorded) -> bool + Send + Sync>;

/// One webhook to send, as the platform would.
pub(super) struct Sample {
    pub(super) label: String,
    pub(super) route: &'static str,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: String,
    /// Which stand-in calls belong to this sample.
    pub(super) belongs: Belongs,
    pub(super) expect: Expect,
    /// Wait until the worker is done with it before sending the next sample.
    pub(super) settle: bool,
}

/// The Slack samples: slash commands through the edge to the stand-in's `response_url`.
pub(super) fn slack_samples(api: &SlackStandIn, secret: &SecretString) -> Vec<Sample> {
    let command = |id: &'static str, typed: &str, expect: Expect| {
        let body = bot_slack::sample::slash_command(typed, &api.response_url(id));
        let key = format!("/{id}/");
        Sample {
            label: format!("Slack {typed}"),
            route: "/slack/commands",
            headers: slack_headers(secret, &body),
            body,
            belongs: Box::new(move |c| c.path.contains(&key)),
            expect,
            settle: false,
        }
    };
    let echo = "こんにちは、世界 🌏 a+b=100%";
    let mut tampered = command("tampered", "/echo signed text", Expect::Nothing);
    tampered.body = tampered.body.replace("signed", "changed");
    tampered.label = "Slack /echo whose body was changed after signing".into();
    vec![
        command(
            "echo",
            &format!("/echo {echo}"),
            Expect::Exactly(echo.to_string()),
        ),
        command(
            "help",
            "/help",
            Expect::Containing("/echo TEXT — Reply with TEXT exactly"),
        ),
        command("dance", "/dance", Expect::Containing("Try /help")),
        command("wait", "/wait 2", Expect::Exactly("Waited 2 s.".into())),
        tampered,
    ]
}

/// The LINE samples: text messages, a redelivery, the console's Verify request and standby mode.
pub(super) fn line_samples(secret: &SecretString) -> Vec<Sample> {
    let user = "U4af4980629a1b2c3d4e5f60718293a4b";
    let sample = |label: String, events: Value, expect: Expect, belongs: Belongs| {
        let body = bot_line::sample::webhook(events);
        Sample {
            label,
            route: "/line/webhook",
            headers: vec![
                ("content-type", "application/json; charset=utf-8".into()),
                ("x-line-signature", bot_line::sign(secret, body.as_bytes())),
            ],
            body,
            belongs,
            expect,
            settle: true,
        }
    };
    let by_token = |token: String| -> Belongs {
        Box::new(move |c| c.body.get("replyToken").and_then(Value::as_str) == Some(token.as_str()))
    };
    let text_event = |text: &str, token: &str, event_id: &str, redelivery: bool, mode: &str| {
        json!([bot_line::sample::text_event(
            text, user, token, event_id, redelivery, mode
        )])
    };
    let echo = "こんにちは 🍣 LINE";
    let echo_id = bot_line::sample::webhook_event_id();
    let echo_token = format!("{:032x}", now_ms());
    vec![
        sample(
            format!("LINE “echo {echo}”"),
            text_event(
                &format!("echo {echo}"),
                &echo_token,
                &echo_id,
                false,
                "active",
            ),
            Expect::Exactly(echo.into()),
            by_token(echo_token.clone()),
        ),
        sample(
            "LINE the same event again, redelivered (same webhookEventId)".into(),
            text_event(
                &format!("echo {echo}"),
                &echo_token,
                &echo_id,
                true,
                "active",
            ),
            Expect::Duplicate,
            by_token(echo_token),
        ),
        sample(
            "LINE “/help”".into(),
            text_event(
                "/help",
                "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5",
                &bot_line::sample::webhook_event_id(),
                false,
                "active",
            ),
            Expect::Containing("echo TEXT — Reply with TEXT exactly"),
            by_token("a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5".into()),
        ),
        sample(
            "LINE the console's Verify request (no events)".into(),
            json!([]),
            Expect::Nothing,
            Box::new(|_| false),
        ),
        sample(
            "LINE a message in standby mode (another channel owns the chat)".into(),
            text_event(
                "echo should stay silent",
                "",
                &bot_line::sample::webhook_event_id(),
                false,
                "standby",
            ),
            Expect::Nothing,
            Box::new(|c| c.body.to_string().contains("should stay silent")),
        ),
    ]
}

fn slack_headers(secret: &SecretString, body: &str) -> Vec<(&'static str, String)> {
    let timestamp = now_ms() / 1000;
    vec![
        ("content-type", "application/x-www-form-urlencoded".into()),
        ("x-slack-request-timestamp", timestamp.to_string()),
        (
            "x-slack-signature",
            bot_slack::sign(secret, timestamp, body.as_bytes()),
        ),
    ]
}
