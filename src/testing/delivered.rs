//! What one delivery produced: the computed ack, how the worker ended, and the API calls made.

use ackbot_core::Platform;
use ackbot_core::runtime::{Report, Stage, Status};
use ackbot_discord::DISCORD;
use ackbot_line::LINE;
use ackbot_slack::SLACK;
use serde_json::Value;

use ackbot_core::testing::Recorded;

/// The front door's [`Ack`](ackbot_core::runtime::Ack) as text: what the platform got at once,
/// where the front door computed it (Slack events and interactions; slash commands and LINE get
/// the gateway's static ack).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ack {
    /// The HTTP status: 200, or 401 for a bad signature, 400 for a body that does not parse.
    pub status: u16,
    /// The `Content-Type` of `body`.
    pub content_type: String,
    /// The body: empty, a challenge, or JSON such as `{"response_action":"errors",…}`.
    pub body: String,
}

impl Ack {
    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// One call the bot made to a platform's API, as the stand-in received it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiCall {
    /// Whose API.
    pub platform: Platform,
    /// Slack: the Web API method (`chat.postMessage`, `views.open`, …) or `response_url`.
    /// LINE: the path (`/v2/bot/message/reply`, `/v2/bot/message/push`, …).
    /// Discord: the method and endpoint template
    /// (`PATCH /webhooks/{application.id}/{interaction.token}/messages/@original`, …).
    pub method: String,
    /// The JSON body sent.
    pub body: Value,
    /// The bearer token it carried (the stand-ins' tokens, e.g. `xoxb-T1-standin-3` for a
    /// workspace the kit installed), or Discord's bot token; `None` for a `response_url` and
    /// an interaction's webhook.
    pub token: Option<String>,
    /// When it arrived, ms since the epoch (the real clock, for ordering).
    pub(crate) at_ms: i64,
}

/// The bearer (or Discord bot) token of `call`, if it carried one.
fn bearer(call: &Recorded) -> Option<String> {
    let value = call.header("authorization")?;
    (value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("Bot ")))
    .map(|t| t.trim().to_string())
}

impl ApiCall {
    pub(super) fn slack(call: Recorded) -> Self {
        let method = match call.path.strip_prefix("/api/") {
            Some(method) => method.to_string(),
            None => "response_url".to_string(),
        };
        Self {
            platform: SLACK,
            method,
            token: bearer(&call),
            body: call.body,
            at_ms: call.at_ms,
        }
    }

    pub(super) fn discord(call: Recorded) -> Self {
        Self {
            platform: DISCORD,
            token: bearer(&call),
            method: call.path,
            body: call.body,
            at_ms: call.at_ms,
        }
    }

    pub(super) fn line(call: Recorded) -> Self {
        Self {
            platform: LINE,
            token: bearer(&call),
            method: call.path,
            body: call.body,
            at_ms: call.at_ms,
        }
    }

    /// When it arrived at the stand-in, in ms since the epoch (the real clock).
    pub fn at_ms(&self) -> i64 {
        self.at_ms
    }

    /// Whether it sent messages: a `response_url` post or `chat.*` (a streamed message's start)
    /// on Slack, a reply or push on LINE, an edit of `@original`, a follow-up or a channel
    /// message on Discord.
    pub fn is_message(&self) -> bool {
        match self.platform {
            SLACK => {
                self.method == "response_url"
                    || matches!(
                        self.method.as_str(),
                        "chat.postMessage"
                            | "chat.postEphemeral"
                            | "chat.update"
                            | "chat.startStream"
                    )
            }
            LINE => self.method.starts_with("/v2/bot/message/"),
            DISCORD => matches!(
                self.method.as_str(),
                ORIGINAL | FOLLOW_UP | EDITED | "POST /channels/{channel.id}/messages"
            ),
            _ => false,
        }
    }

    /// The texts of the messages it sent: Slack's `text`, each LINE text message's `text`,
    /// Discord's `content`.
    pub fn texts(&self) -> Vec<String> {
        if !self.is_message() {
            return Vec::new();
        }
        let text = |v: &Value| v.get("text").and_then(Value::as_str).map(str::to_string);
        match self.platform {
            SLACK => text(&self.body).into_iter().collect(),
            LINE => (self.body.get("messages").and_then(Value::as_array))
                .map(|messages| messages.iter().filter_map(text).collect())
                .unwrap_or_default(),
            DISCORD => (self.body.get("content").and_then(Value::as_str))
                .map(str::to_string)
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Discord's edit of the interaction's answer, a follow-up, and an edit of one.
const ORIGINAL: &str = "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original";
const FOLLOW_UP: &str = "POST /webhooks/{application.id}/{interaction.token}";
const EDITED: &str = "PATCH /webhooks/{application.id}/{interaction.token}/messages/{message.id}";

/// What delivering one webhook produced.
#[derive(Clone, Debug)]
pub struct Delivered {
    /// The computed ack, on the routes the front door answers.
    pub ack: Option<Ack>,
    /// Every API call made while the webhook was handled, in order.
    pub calls: Vec<ApiCall>,
    /// The worker's report; `None` when the front door kept the webhook (refused, or answered
    /// it with nothing left to do).
    report: Option<Report>,
    /// The stages the front door and the worker went through.
    stages: Vec<Stage>,
}

impl Delivered {
    pub(super) fn new(
        ack: Option<Ack>,
        report: Option<Report>,
        calls: Vec<ApiCall>,
        stages: Vec<Stage>,
    ) -> Self {
        Self {
            ack,
            calls,
            report,
            stages,
        }
    }

    /// The texts of every message sent, in order; a streamed Slack message (`chat.startStream`,
    /// `appendStream`…, `stopStream`) as one text, and a Discord message as its last edit.
    pub fn texts(&self) -> Vec<String> {
        let mut texts = Vec::new();
        let mut streamed: Option<String> = None;
        // Discord: where `@original`'s text is, and the last follow-up's (an edit replaces it).
        let (mut original, mut follow_up): (Option<usize>, Option<usize>) = (None, None);
        for call in &self.calls {
            let piece = call.body.get("markdown_text").and_then(Value::as_str);
            let edited = |at: Option<usize>, texts: &mut Vec<String>| {
                let text = call.texts().concat();
                match at {
                    Some(at) => {
                        texts[at] = text;
                        at
                    }
                    None => {
                        texts.push(text);
                        texts.len() - 1
                    }
                }
            };
            match (call.platform, call.method.as_str()) {
                (DISCORD, ORIGINAL) => original = Some(edited(original, &mut texts)),
                (DISCORD, EDITED) => follow_up = Some(edited(follow_up, &mut texts)),
                (DISCORD, FOLLOW_UP) => follow_up = Some(edited(None, &mut texts)),
                (SLACK, "chat.startStream") => {
                    texts.extend(streamed.take());
                    streamed = Some(piece.unwrap_or_default().to_string());
                }
                (SLACK, "chat.appendStream" | "chat.stopStream") => {
                    let text = streamed.get_or_insert_with(String::new);
                    if let Some(piece) = piece {
                        text.push_str(piece);
                    }
                    if call.method == "chat.stopStream" {
                        texts.extend(streamed.take());
                    }
                }
                _ => texts.extend(call.texts()),
            }
        }
        texts.extend(streamed);
        texts
    }

    /// The first message's text, if any was sent.
    pub fn text(&self) -> Option<String> {
        self.texts().into_iter().next()
    }

    /// The calls that sent messages (see [`ApiCall::is_message`]).
    pub fn messages(&self) -> Vec<&ApiCall> {
        self.calls.iter().filter(|c| c.is_message()).collect()
    }

    /// The first call of `method` (e.g. `views.open`, `response_url`, `/v2/bot/message/push`).
    pub fn call(&self, method: &str) -> Option<&ApiCall> {
        self.calls.iter().find(|c| c.method == method)
    }

    /// How the webhook ended, as the log's `outcome` field says it: `processed`, `rejected`,
    /// `invalid`, `failed`, `undeliverable`, `in_progress`, `no_route`; `answered` when the front
    /// door answered it with nothing to hand on.
    pub fn outcome(&self) -> &'static str {
        match (&self.report, &self.ack) {
            (Some(report), _) => report.status.label(),
            (None, Some(ack)) if ack.status == 401 => "rejected",
            (None, Some(ack)) if ack.status == 400 => "invalid",
            (None, _) => "answered",
        }
    }

    /// Why the webhook was refused (bad signature, stale, unparsable), in plain words.
    pub fn rejection(&self) -> Option<String> {
        self.stages.iter().find_map(|stage| match stage {
            Stage::Rejected(e) | Stage::Invalid(e) => Some(ackbot_core::chain(e.as_ref())),
            _ => None,
        })
    }

    /// The handlers that ran, as the commands were typed (`/echo`, `echo`, an action id, …).
    pub fn handlers(&self) -> Vec<String> {
        (self.stages.iter())
            .filter_map(|stage| match stage {
                Stage::Handled { command, .. } => Some(command.clone()),
                _ => None,
            })
            .collect()
    }

    /// Why the work failed after the webhook was accepted (a reply not delivered, …).
    pub fn failure(&self) -> Option<String> {
        let report = self.report.as_ref()?;
        match &report.status {
            Status::Failed(_) | Status::Undeliverable(_) | Status::InProgress(_) => {
                report.status.reason()
            }
            _ => None,
        }
    }

    /// How many commands or events were handled.
    pub fn handled(&self) -> usize {
        self.report.as_ref().map_or(0, |r| r.handled)
    }

    /// How many items were skipped as duplicates of earlier deliveries.
    pub fn duplicates(&self) -> usize {
        self.report.as_ref().map_or(0, |r| r.duplicates)
    }
}
