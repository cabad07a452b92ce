//! What the inspector shows of a webhook: its summary and stages as the page's JSON, and a
//! detail view whose headers and body have every credential redacted.

use bot_core::{Envelope, Outcome, Stage};
use serde::Serialize;
use serde_json::Value;

/// What stands in for a redacted value.
pub(crate) const REDACTED: &str = "[redacted]";

/// Header names whose values are credentials, compared case-insensitively; any name containing
/// `signature`, `token`, `secret` or `auth` is redacted too.
const SECRET_HEADERS: &[&str] = &["cookie", "set-cookie", "x-api-key"];
const SECRET_HEADER_WORDS: &[&str] = &["signature", "token", "secret", "auth"];

/// Body fields whose values are credentials: Slack's verification `token` and `response_url`
/// (its path lets anyone post to the channel), LINE's one-time `replyToken`.
const SECRET_FIELDS: &[&str] = &["token", "response_url", "replyToken"];

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
}

impl Summary {
    /// A new webhook's summary, with nothing done yet.
    pub(crate) fn new(envelope: &Envelope, what: Option<String>) -> Self {
        Self {
            id: envelope.request_id.clone(),
            received_at_ms: bot_core::now_ms(),
            platform: platform(&envelope.route),
            route: envelope.route.clone(),
            what,
            replay_of: envelope.replay_of.clone(),
            state: "pending",
            steps: Vec::new(),
        }
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

/// The step a worker's stage makes, updating the summary's state and `what` on the way.
pub(crate) fn step(summary: &mut Summary, stage: &Stage) -> Option<StepKind> {
    let chain = |e: &bot_core::SharedError| bot_core::chain(e.as_ref());
    Some(match stage {
        Stage::Answered { status, .. } => StepKind::Answered { status: *status },
        Stage::Verified => StepKind::Verified,
        Stage::Rejected(e) => StepKind::Rejected { reason: chain(e) },
        Stage::Invalid(e) => StepKind::Invalid { reason: chain(e) },
        Stage::Skipped(reason) => StepKind::Skipped {
            reason: reason.clone(),
        },
        Stage::Duplicate(key) => StepKind::Duplicate { key: key.clone() },
        Stage::Handled {
            command,
            outcome,
            took,
        } => {
            if summary.what.is_none() {
                summary.what = Some(command.clone());
            }
            StepKind::Handled {
                command: command.clone(),
                outcome: match outcome {
                    Outcome::Handled => "handled".to_string(),
                    Outcome::NoHandler => "no handler".to_string(),
                    Outcome::Failed(e) => format!("failed: {}", bot_core::chain(e.as_ref())),
                },
                ms: millis(*took),
            }
        }
        Stage::Call(call) => StepKind::Call {
            target: call.target.clone(),
            status: call.status,
            error: call.error.clone(),
            ms: millis(call.took),
            text: call.text.clone(),
        },
        Stage::Replied { command, texts } => StepKind::Replied {
            command: command.clone(),
            texts: texts.clone(),
        },
        Stage::DeliveryFailed { command, error } => StepKind::DeliveryFailed {
            command: command.clone(),
            error: bot_core::chain(error.as_ref()),
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

/// `slack` or `line`, from the route.
fn platform(route: &str) -> &'static str {
    if route.starts_with("/line") {
        "line"
    } else {
        "slack"
    }
}

/// The command as typed or the event's kind, read from the body for the list: Slack's
/// `/command text`, an event's or interaction's `type`, LINE's first event's text or type.
pub(crate) fn what(envelope: &Envelope) -> Option<String> {
    let body = &envelope.body;
    if envelope.route == bot_slack::COMMANDS_ROUTE {
        let fields: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v);
        let command = field("command")?;
        return Some(match field("text").filter(|t| !t.is_empty()) {
            Some(text) => format!("{command} {text}"),
            None => command.clone(),
        });
    }
    let json: Value = if envelope.route == bot_slack::INTERACTIONS_ROUTE {
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

/// A webhook's detail: its summary with its headers and body, credentials redacted.
#[derive(Serialize)]
pub(crate) struct Detail {
    #[serde(flatten)]
    pub(crate) summary: Summary,
    /// Every header in the order received, credentials redacted.
    pub(crate) headers: Vec<(String, String)>,
    /// The body, made readable: JSON pretty-printed, form fields one per line.
    pub(crate) body: String,
    /// The body's size in bytes.
    pub(crate) body_bytes: usize,
    /// Whether Replay can run it again.
    pub(crate) replayable: bool,
}

impl Detail {
    /// The detail of a stored webhook.
    pub(crate) fn new(summary: Summary, envelope: &Envelope) -> Self {
        Self {
            summary,
            headers: headers(envelope),
            body: body(envelope),
            body_bytes: envelope.body.len(),
            replayable: true,
        }
    }
}

/// Whether the header `name` carries a credential.
pub(crate) fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_HEADERS.contains(&name.as_str()) || SECRET_HEADER_WORDS.iter().any(|w| name.contains(w))
}

fn headers(envelope: &Envelope) -> Vec<(String, String)> {
    envelope
        .headers
        .iter()
        .map(|(name, value)| {
            let value = if is_secret_header(name) {
                REDACTED
            } else {
                value
            };
            (name.to_string(), value.to_string())
        })
        .collect()
}

/// The body made readable with its credentials redacted: JSON pretty-printed, a form one
/// `name = value` per line (Slack's `payload` field as JSON), anything else as lossy text.
pub(crate) fn body(envelope: &Envelope) -> String {
    let bytes = &envelope.body;
    if let Ok(mut json) = serde_json::from_slice::<Value>(bytes) {
        redact_json(&mut json);
        return serde_json::to_string_pretty(&json).unwrap_or_default();
    }
    let form = envelope
        .headers
        .get("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if form {
        let mut lines = Vec::new();
        for (name, value) in form_urlencoded::parse(bytes) {
            let value = if SECRET_FIELDS.contains(&name.as_ref()) {
                redact_value(&name, &value)
            } else if let Ok(mut json) = serde_json::from_str::<Value>(&value) {
                if json.is_object() {
                    redact_json(&mut json);
                    format!(
                        "\n{}",
                        serde_json::to_string_pretty(&json).unwrap_or_default()
                    )
                } else {
                    value.into_owned()
                }
            } else {
                value.into_owned()
            };
            lines.push(format!("{name} = {value}"));
        }
        return lines.join("\n");
    }
    String::from_utf8_lossy(bytes).into_owned()
}

fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if SECRET_FIELDS.contains(&key.as_str()) {
                    if let Value::String(text) = value {
                        *text = redact_value(key, text);
                        continue;
                    }
                }
                redact_json(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// A credential's stand-in: a URL keeps its scheme and host (where the reply goes), nothing else.
fn redact_value(name: &str, value: &str) -> String {
    if name == "response_url" {
        if let Ok(url) = reqwest::Url::parse(value) {
            if let Some(host) = url.host_str() {
                return format!("{}://{host}/{REDACTED}", url.scheme());
            }
        }
    }
    REDACTED.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_headers_and_bodies_are_redacted() {
        let line = Envelope::new(
            "/line/webhook",
            0,
            r#"{"destination":"U1","events":[{"type":"message","replyToken":"r3ply","message":{"type":"text","text":"hi"}}]}"#,
        )
        .with_header("x-line-signature", "c2lnbmF0dXJl")
        .with_header("Authorization", "Bearer abc")
        .with_header("Cookie", "a=b")
        .with_header("x-api-token", "t")
        .with_header("content-type", "application/json");
        let shown: Vec<(String, String)> = headers(&line);
        let values: Vec<&str> = shown.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            values,
            [REDACTED, REDACTED, REDACTED, REDACTED, "application/json"]
        );
        let shown_body = body(&line);
        assert!(
            shown_body.contains("\"replyToken\": \"[redacted]\""),
            "{shown_body}"
        );
        assert!(
            !shown_body.contains("r3ply") && shown_body.contains("\"text\": \"hi\""),
            "{shown_body}"
        );
        assert_eq!(what(&line).as_deref(), Some("hi"));

        let payload = r#"{"type":"block_actions","token":"verif","response_url":"https://hooks.slack.com/actions/T1/1/s3cr3t","response_urls":[{"response_url":"https://hooks.slack.com/app/T1/2/s3cr3t"}]}"#;
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", payload)
            .finish();
        let interaction = Envelope::new("/slack/interactions", 0, form)
            .with_header("content-type", "application/x-www-form-urlencoded");
        let body = body(&interaction);
        assert!(
            !body.contains("s3cr3t") && !body.contains("verif"),
            "{body}"
        );
        assert!(
            body.contains("https://hooks.slack.com/[redacted]"),
            "{body}"
        );
        assert_eq!(what(&interaction).as_deref(), Some("block_actions"));
    }

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
