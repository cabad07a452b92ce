//! The signed samples the demo sends, each with what it should come to.

use ackbot_core::runtime::now_ms;
use ackbot_core::{Dispatcher, InteractionKind, Platform, SecretString};
use ackbot_line::LINE;
use ackbot_slack::SLACK;
use serde_json::{Value, json};

use ackbot_core::testing::Recorded;
use ackbot_slack::standin::SlackStandIn;

/// The channel the `ask` sample is asked in, so that its stream's calls are told apart.
const ASK_CHANNEL: &str = "C0DEMOASK";

/// What a sample should come to, in the platforms' terms: never a built-in command's English,
/// which a bot may replace.
pub(super) enum Expect {
    /// One reply with exactly this text (the sample's own, echoed).
    Exactly(String),
    /// One reply, whatever its text.
    Replied,
    /// One reply that names each of these (the commands, as `help` lists them).
    Naming(Vec<String>),
    /// No API call at all.
    Nothing,
    /// Recognised as a duplicate: no second reply.
    Duplicate,
    /// Answered in the acknowledgement with a body containing this, and no API call.
    Answered(&'static str),
    /// One call to this Web API path (e.g. `/api/views.open`).
    Called(&'static str),
    /// A streamed message: `chat.startStream`, `chat.appendStream`…, `chat.stopStream`.
    Streamed,
    /// Refused at the front door (401), and no API call.
    Refused,
}

/// What the bot registered, so that only the samples it can answer are sent.
pub(super) struct Catalog {
    commands: Vec<String>,
    views: Vec<String>,
}

impl Catalog {
    /// The commands and modal views of `dispatcher`.
    pub(super) fn of(dispatcher: &Dispatcher) -> Self {
        Self {
            commands: (dispatcher.catalog().iter())
                .map(|c| c.name.clone())
                .collect(),
            views: (dispatcher.interactions())
                .filter(|(kind, _)| *kind == InteractionKind::View)
                .map(|(_, id)| id.to_string())
                .collect(),
        }
    }

    pub(super) fn has(&self, command: &str) -> bool {
        self.commands.iter().any(|c| c == command)
    }

    /// Whether a `.view(id)` handler is registered.
    pub(super) fn has_view(&self, id: &str) -> bool {
        self.views.iter().any(|v| v == id)
    }

    /// Each command as typed on `platform`, for a `help` to name.
    pub(super) fn named(&self, platform: Platform) -> Vec<String> {
        (self.commands.iter())
            .map(|c| platform.invocation(c))
            .collect()
    }
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
pub(super) fn slack_samples(
    catalog: &Catalog,
    api: &SlackStandIn,
    secret: &SecretString,
) -> Vec<Sample> {
    let command = |id: &'static str, typed: &str, expect: Expect| {
        let body = ackbot_slack::sample::slash_command(typed, &api.response_url(id));
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
    let mut samples = Vec::new();
    if catalog.has("echo") {
        let typed = format!("/echo {echo}");
        samples.push(command("echo", &typed, Expect::Exactly(echo.to_string())));
    }
    if catalog.has("help") {
        let named = catalog.named(SLACK);
        samples.push(command("help", "/help", Expect::Naming(named)));
    }
    // A command nobody registered is answered (how is the bot's choice), never silently lost.
    samples.push(command(
        "dance",
        "/dance-nobody-registered",
        Expect::Replied,
    ));
    if catalog.has("wait") {
        samples.push(command("wait", "/wait 2", Expect::Replied));
    }
    samples.push(tampered);
    samples
}

/// The rest of Slack's surface, through the front door of the function-ack routes: the Events
/// API's challenge, a mention answered in its thread, and the `feedback` modal's whole loop.
pub(super) fn slack_surface_samples(
    catalog: &Catalog,
    api: &SlackStandIn,
    secret: &SecretString,
) -> Vec<Sample> {
    let signed =
        |label: &str, route: &'static str, body: String, expect, belongs: Belongs| Sample {
            label: label.to_string(),
            route,
            headers: slack_headers(secret, &body),
            body,
            belongs,
            expect,
            settle: true,
        };
    let challenge = json!({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "type": "url_verification",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"});
    let mention_text = "a mention, answered in its thread ✉";
    let feedback = ackbot_slack::sample::slash_command("/feedback", &api.response_url("feedback"));
    let trigger_id = form_urlencoded::parse(feedback.as_bytes())
        .find(|(name, _)| name == "trigger_id")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let channel = "C2147483705";
    let submit =
        |text| ackbot_slack::sample::view_submission("feedback", "feedback", "text", text, channel);
    let mut samples = vec![signed(
        "Slack Events API url_verification (the Request URL check)",
        "/slack/events",
        challenge.to_string(),
        Expect::Answered("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
        Box::new(|_| false),
    )];
    if catalog.has("echo") {
        samples.push(signed(
            "Slack @mention “echo …” (Events API app_mention)",
            "/slack/events",
            ackbot_slack::sample::app_mention(
                &format!("echo {mention_text}"),
                "C0LAN2Q65",
                &format!("Ev{:010X}", now_ms()),
            ),
            Expect::Exactly(mention_text.into()),
            Box::new(move |c| c.body.to_string().contains(mention_text)),
        ));
    }
    // The assistant, when the bot has it: its answer (from the model's stand-in) streamed in
    // the mention's thread.
    if catalog.has("ask") {
        samples.push(signed(
            "Slack @mention “ask …” streamed from the model (chat.startStream → appendStream → stopStream)",
            "/slack/events",
            ackbot_slack::sample::app_mention(
                "ask what does the asynchronous pattern buy us?",
                ASK_CHANNEL,
                &format!("Ev{:010X}", now_ms() + 1),
            ),
            Expect::Streamed,
            Box::new(|c| c.body.get("channel").and_then(Value::as_str) == Some(ASK_CHANNEL)),
        ));
    }
    // The built-in feedback modal's loop, when the bot has it: its ids are the built-in's.
    if catalog.has("feedback") && catalog.has_view("feedback") {
        samples.extend([
            signed(
                "Slack /feedback opens a modal (views.open with the command's trigger_id)",
                "/slack/commands",
                feedback,
                Expect::Called("/api/views.open"),
                Box::new(move |c| {
                    c.body.get("trigger_id").and_then(Value::as_str) == Some(&trigger_id)
                }),
            ),
            signed(
                "Slack feedback modal submitted with “ok” (too short)",
                "/slack/interactions",
                submit("ok"),
                Expect::Answered(r#""response_action":"errors""#),
                Box::new(|c| c.body.to_string().contains(": ok")),
            ),
            signed(
                "Slack feedback modal submitted",
                "/slack/interactions",
                submit("Love the ack-then-work idea"),
                Expect::Replied,
                Box::new(|c| {
                    c.path == "/api/chat.postMessage"
                        && c.body.to_string().contains("Love the ack-then-work idea")
                }),
            ),
        ]);
    }
    samples
}

/// The LINE samples: text messages, a redelivery, the console's Verify request and standby mode.
pub(super) fn line_samples(catalog: &Catalog, secret: &SecretString) -> Vec<Sample> {
    let user = "U4af4980629a1b2c3d4e5f60718293a4b";
    let sample = |label: String, events: Value, expect: Expect, belongs: Belongs| {
        let body = ackbot_line::sample::webhook(events);
        Sample {
            label,
            route: "/line/webhook",
            headers: vec![
                ("content-type", "application/json; charset=utf-8".into()),
                (
                    "x-line-signature",
                    ackbot_line::sign(secret, body.as_bytes()),
                ),
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
        json!([ackbot_line::sample::text_event(
            text, user, token, event_id, redelivery, mode
        )])
    };
    let echo = "こんにちは 🍣 LINE";
    let echo_id = ackbot_line::sample::webhook_event_id();
    let echo_token = format!("{:032x}", now_ms());
    let mut samples = Vec::new();
    if catalog.has("echo") {
        let typed = format!("echo {echo}");
        samples.extend([
            sample(
                format!("LINE “{typed}”"),
                text_event(&typed, &echo_token, &echo_id, false, "active"),
                Expect::Exactly(echo.into()),
                by_token(echo_token.clone()),
            ),
            sample(
                "LINE the same event again, redelivered (same webhookEventId)".into(),
                text_event(&typed, &echo_token, &echo_id, true, "active"),
                Expect::Duplicate,
                by_token(echo_token),
            ),
        ]);
    }
    if catalog.has("help") {
        let token = "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5";
        let event_id = ackbot_line::sample::webhook_event_id();
        samples.push(sample(
            "LINE “/help”".into(),
            text_event("/help", token, &event_id, false, "active"),
            Expect::Naming(catalog.named(LINE)),
            by_token(token.into()),
        ));
    }
    samples.extend([
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
                &ackbot_line::sample::webhook_event_id(),
                false,
                "standby",
            ),
            Expect::Nothing,
            Box::new(|c| c.body.to_string().contains("should stay silent")),
        ),
    ]);
    samples
}

fn slack_headers(secret: &SecretString, body: &str) -> Vec<(&'static str, String)> {
    let timestamp = now_ms() / 1000;
    vec![
        ("content-type", "application/x-www-form-urlencoded".into()),
        ("x-slack-request-timestamp", timestamp.to_string()),
        (
            "x-slack-signature",
            ackbot_slack::sign(secret, timestamp, body.as_bytes()),
        ),
    ]
}
