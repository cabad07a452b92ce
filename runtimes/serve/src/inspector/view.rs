//! What the inspector lists of a webhook: its summary and stages as the page's JSON, every text
//! cut to a bound (the detail view, with headers and body, is in [`detail`](super::detail)).

use ackbot_core::Outcome;
use ackbot_core::adapter::Envelope;
use ackbot_core::runtime::Stage;
use serde::Serialize;
use serde_json::Value;

/// The longest label in the list (the command as typed, or the message's text), in characters.
pub(crate) const MAX_LABEL_CHARS: usize = 200;
/// The longest text a stage keeps (a reply, a reason), in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 1000;
/// The most reply texts a `replied` stage keeps.
const MAX_REPLIES: usize = 10;
/// The most stages a webhook keeps; later ones are counted, not kept (but the last, `done`).
pub(crate) const MAX_STEPS: usize = 100;

/// One webhook in the page's list.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Summary {
    /// The request id.
    pub(crate) id: String,
    /// When the edge received it (ms since the Unix epoch); a replay's own time.
    pub(crate) received_at_ms: i64,
    /// `slack` or `line`.
    pub(crate) platform: &'static str,
    /// The route it was posted to.
    pub(crate) route: String,
    /// The command as typed or the event's kind, once known.
    pub(crate) what: Option<String>,
    /// For a replay, the request id of the webhook it repeats.
    pub(crate) replay_of: Option<String>,
    /// `pending` until the worker is done, then how it ended (the log's `outcome` word), or
    /// `refused` when the edge answered 503 and no worker will see it.
    pub(crate) state: &'static str,
    /// The stages so far, in order.
    #[serde(rename = "stages")]
    pub(crate) steps: Vec<Step>,
    /// How many stages past [`MAX_STEPS`] were not kept.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) dropped_stages: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// A new webhook's summary, with nothing done yet.
    pub(crate) fn new(envelope: &Envelope, what: Option<String>) -> Self {
        Self {
            id: envelope.request_id.clone(),
            received_at_ms: ackbot_core::runtime::now_ms(),
            platform: platform(&envelope.route),
            route: clip(&envelope.route, MAX_LABEL_CHARS),
            what: what.map(|w| clip(&w, MAX_LABEL_CHARS)),
            replay_of: envelope.replay_of.clone(),
            state: "pending",
            steps: Vec::new(),
            dropped_stages: 0,
        }
    }

    /// Adds a stage; past [`MAX_STEPS`] only the final one is kept, the others counted.
    pub(crate) fn push(&mut self, step: Step) {
        let last = matches!(step.kind, StepKind::Done { .. });
        if self.steps.len() < MAX_STEPS || last {
            self.steps.push(step);
        } else {
            self.dropped_stages += 1;
        }
    }

    /// About how many bytes the summary takes, kept and as JSON.
    pub(crate) fn cost(&self) -> usize {
        let texts = [&self.id, &self.route]
            .into_iter()
            .chain(&self.what)
            .chain(&self.replay_of)
            .map(String::len)
            .sum::<usize>();
        texts + 128 + self.steps.iter().map(|s| s.kind.cost()).sum::<usize>()
    }

    /// The summary as JSON.
    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a summary always serialises")
    }
}

/// One stage, timed in milliseconds from the webhook's receipt.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Step {
    /// When the stage was reached, in ms after the edge received the webhook.
    pub(crate) at_ms: f64,
    /// The stage.
    #[serde(flatten)]
    pub(crate) kind: StepKind,
}

/// A stage as the page shows it.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum StepKind {
    /// The edge acknowledged the webhook.
    Acked { status: u16 },
    /// The function-ack front door answered it.
    Answered { status: u16 },
    /// The signature checked out.
    Verified,
    /// The signature or freshness check failed.
    Rejected { reason: String },
    /// The body could not be parsed.
    Invalid { reason: String },
    /// An item needed no work.
    Skipped { reason: String },
    /// An event seen before.
    Duplicate { key: String },
    /// The handler ran for `ms`.
    Handled {
        command: String,
        outcome: String,
        ms: f64,
    },
    /// One HTTP call to the platform's API, `ms` long.
    Call {
        target: String,
        status: Option<u16>,
        error: Option<String>,
        ms: f64,
        text: Option<String>,
    },
    /// The replies went out.
    Replied { command: String, texts: Vec<String> },
    /// The replies could not be delivered.
    DeliveryFailed { command: String, error: String },
    /// The worker is done with it.
    Done { status: &'static str },
}

impl StepKind {
    /// About how many bytes the stage takes: its texts and what surrounds them.
    fn cost(&self) -> usize {
        let texts = match self {
            StepKind::Rejected { reason }
            | StepKind::Invalid { reason }
            | StepKind::Skipped { reason } => reason.len(),
            StepKind::Duplicate { key } => key.len(),
            StepKind::Handled {
                command, outcome, ..
            } => command.len() + outcome.len(),
            StepKind::Call {
                target,
                error,
                text,
                ..
            } => {
                target.len()
                    + error.as_ref().map_or(0, String::len)
                    + text.as_ref().map_or(0, String::len)
            }
            StepKind::Replied { command, texts } => {
                command.len() + texts.iter().map(|t| t.len() + 8).sum::<usize>()
            }
            StepKind::DeliveryFailed { command, error } => command.len() + error.len(),
            StepKind::Acked { .. }
            | StepKind::Answered { .. }
            | StepKind::Verified
            | StepKind::Done { .. } => 0,
        };
        texts + 96
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The step a worker's stage makes, updating the summary's state and `what` on the way. Every
/// text is cut to [`MAX_TEXT_CHARS`] (the label to [`MAX_LABEL_CHARS`]).
pub(crate) fn step(summary: &mut Summary, stage: &Stage) -> Option<StepKind> {
    let chain = |e: &ackbot_core::adapter::SharedError| {
        clip(&ackbot_core::chain(e.as_ref()), MAX_TEXT_CHARS)
    };
    let text = |t: &str| clip(t, MAX_TEXT_CHARS);
    Some(match stage {
        Stage::Answered { status, .. } => StepKind::Answered { status: *status },
        Stage::Verified => StepKind::Verified,
        Stage::Rejected(e) => StepKind::Rejected { reason: chain(e) },
        Stage::Invalid(e) => StepKind::Invalid { reason: chain(e) },
        Stage::Skipped(reason) => StepKind::Skipped {
            reason: text(reason),
        },
        Stage::Duplicate(key) => StepKind::Duplicate { key: text(key) },
        Stage::Handled {
            command,
            outcome,
            took,
        } => {
            if summary.what.is_none() {
                summary.what = Some(clip(command, MAX_LABEL_CHARS));
            }
            StepKind::Handled {
                command: clip(command, MAX_LABEL_CHARS),
                outcome: match outcome {
                    Outcome::Handled => "handled".to_string(),
                    Outcome::NoHandler => "no handler".to_string(),
                    Outcome::Failed(e) => {
                        format!("failed: {}", text(&ackbot_core::chain(e.as_ref())))
                    }
                },
                ms: millis(*took),
            }
        }
        Stage::Call(call) => StepKind::Call {
            target: text(&call.target),
            status: call.status,
            error: call.error.as_deref().map(text),
            ms: millis(call.took),
            text: call.text.as_deref().map(text),
        },
        Stage::Replied { command, texts } => StepKind::Replied {
            command: clip(command, MAX_LABEL_CHARS),
            texts: texts.iter().take(MAX_REPLIES).map(|t| text(t)).collect(),
        },
        Stage::DeliveryFailed { command, error } => StepKind::DeliveryFailed {
            command: clip(command, MAX_LABEL_CHARS),
            error: text(&ackbot_core::chain(error.as_ref())),
        },
        Stage::Done(status) => {
            // A webhook whose every item was a duplicate or skipped says so.
            let only = |kind: fn(&StepKind) -> bool| {
                let work: Vec<&Step> = (summary.steps.iter())
                    .filter(|s| !matches!(s.kind, StepKind::Acked { .. } | StepKind::Verified))
                    .collect();
                !work.is_empty() && work.iter().all(|s| kind(&s.kind))
            };
            let label = match status.label() {
                "processed" if only(|k| matches!(k, StepKind::Duplicate { .. })) => "duplicate",
                "processed"
                    if only(|k| {
                        matches!(k, StepKind::Skipped { .. } | StepKind::Answered { .. })
                    }) =>
                {
                    "skipped"
                }
                label => label,
            };
            summary.state = label;
            StepKind::Done { status: label }
        }
    })
}

/// `elapsed` in milliseconds, to the microsecond.
pub(crate) fn millis(elapsed: std::time::Duration) -> f64 {
    (elapsed.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// `slack`, `line` or `discord`, from the route.
fn platform(route: &str) -> &'static str {
    if route.starts_with("/line") {
        "line"
    } else if route.starts_with("/discord") {
        "discord"
    } else {
        "slack"
    }
}

/// The command as typed or the event's kind, read from the body for the list: Slack's
/// `/command text`, an event's or interaction's `type`, LINE's first event's text or type,
/// Discord's `/command text`, a component's or modal's `custom_id`, or PING.
pub(crate) fn what(envelope: &Envelope) -> Option<String> {
    let body = &envelope.body;
    if envelope.route == ackbot_discord::INTERACTIONS_ROUTE {
        let interaction: ackbot_discord::Interaction = serde_json::from_slice(body).ok()?;
        let data = interaction.data.unwrap_or_default();
        return Some(match (interaction.kind, data.name, data.custom_id) {
            (1, _, _) => "PING".to_string(),
            (_, Some(name), _) => {
                let text = ackbot_discord::commands::text_of(&data.options);
                format!("/{name} {text}").trim_end().to_string()
            }
            (_, None, Some(custom_id)) => custom_id,
            (kind, None, None) => format!("interaction type {kind}"),
        });
    }
    if envelope.route == ackbot_slack::COMMANDS_ROUTE {
        let fields: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v);
        let command = field("command")?;
        return Some(match field("text").filter(|t| !t.is_empty()) {
            Some(text) => format!("{command} {text}"),
            None => command.clone(),
        });
    }
    let json: Value = if envelope.route == ackbot_slack::INTERACTIONS_ROUTE {
        let payload = form_urlencoded::parse(body)
            .find(|(n, _)| n == "payload")?
            .1;
        serde_json::from_str(&payload).ok()?
    } else {
        serde_json::from_slice(body).ok()?
    };
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    if let Some(events) = json.get("events").and_then(Value::as_array) {
        let Some(first) = events.first() else {
            return Some("verify (no events)".into());
        };
        let kind = text(first, "type").unwrap_or_else(|| "event".into());
        let more = match events.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        return Some(match first.get("message").and_then(|m| text(m, "text")) {
            Some(said) => format!("{said}{more}"),
            None => format!("{kind}{more}"),
        });
    }
    if let Some(event) = json.get("event") {
        return text(event, "type").or_else(|| text(&json, "type"));
    }
    text(&json, "type")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_commands_and_events() {
        let command = Envelope::new(
            "/slack/commands",
            0,
            "command=%2Fecho&text=hi+there&token=t&response_url=x",
        );
        assert_eq!(what(&command).as_deref(), Some("/echo hi there"));
        let event = Envelope::new(
            "/slack/events",
            0,
            r#"{"type":"event_callback","event":{"type":"app_mention","text":"<@U1> hi"}}"#,
        );
        assert_eq!(what(&event).as_deref(), Some("app_mention"));
        let discord = |body: serde_json::Value| {
            what(&Envelope::new("/discord/interactions", 0, body.to_string()))
        };
        let command = ackbot_discord::sample::command("roll", "2d6");
        assert_eq!(discord(command).as_deref(), Some("/roll 2d6"));
        let click = ackbot_discord::sample::button("pick:tea");
        assert_eq!(discord(click).as_deref(), Some("pick:tea"));
        assert_eq!(
            discord(ackbot_discord::sample::ping()).as_deref(),
            Some("PING")
        );
        let verify = Envelope::new("/line/webhook", 0, r#"{"destination":"U1","events":[]}"#);
        assert_eq!(what(&verify).as_deref(), Some("verify (no events)"));
        let follow = Envelope::new(
            "/line/webhook",
            0,
            r#"{"events":[{"type":"follow"},{"type":"unfollow"}]}"#,
        );
        assert_eq!(what(&follow).as_deref(), Some("follow (+1 more)"));
        assert_eq!(what(&Envelope::new("/line/webhook", 0, "not json")), None);
    }
}
