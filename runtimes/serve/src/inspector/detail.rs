//! A webhook's detail view: its summary with its headers and body, every credential redacted on
//! the server, before anything reaches the page.

use ackbot_core::adapter::Envelope;
use serde::Serialize;
use serde_json::Value;

use super::view::Summary;

/// What stands in for a redacted value.
pub(crate) const REDACTED: &str = "[redacted]";

/// Header names whose values are credentials, compared case-insensitively; any name containing
/// `signature`, `token`, `secret` or `auth` is redacted too.
const SECRET_HEADERS: &[&str] = &["cookie", "set-cookie", "x-api-key"];
const SECRET_HEADER_WORDS: &[&str] = &["signature", "token", "secret", "auth"];

/// Body fields whose values are credentials: Slack's verification `token` and `response_url`
/// (its path lets anyone post to the channel), LINE's one-time `replyToken`, a Discord
/// interaction's `token` (its webhook's for 15 minutes).
const SECRET_FIELDS: &[&str] = &["token", "response_url", "replyToken"];

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
                if SECRET_FIELDS.contains(&key.as_str())
                    && let Value::String(text) = value
                {
                    *text = redact_value(key, text);
                    continue;
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
    if name == "response_url"
        && let Ok(url) = reqwest::Url::parse(value)
        && let Some(host) = url.host_str()
    {
        return format!("{}://{host}/{REDACTED}", url.scheme());
    }
    REDACTED.to_string()
}

#[cfg(test)]
mod tests {
    use super::super::view::what;
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
}
