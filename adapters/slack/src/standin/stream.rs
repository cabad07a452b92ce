//! Slack's streamed messages as the stand-in plays them: `chat.startStream` (in a thread; in a
//! channel only with `recipient_user_id` and `recipient_team_id`), `chat.appendStream` to a
//! message still streaming, `chat.stopStream` once; each answered with Slack's documented errors.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use super::{Api, failed, text_arg};

const MAX_MARKDOWN_CHARS: usize = 12_000;

/// The messages started with `chat.startStream`, by `(channel, ts)`: whether still streaming.
#[derive(Clone, Default)]
pub(super) struct Streams(Arc<Mutex<HashMap<(String, String), bool>>>);

pub(super) fn start(api: &Api, args: &Map<String, Value>) -> Value {
    let Some(channel) = text_arg(args, "channel") else {
        return failed("channel_not_found");
    };
    if text_arg(args, "thread_ts").is_none() {
        return super::invalid_arguments("missing required field: thread_ts");
    }
    if let Err(error) = markdown(args, false) {
        return failed(error);
    }
    if !channel.starts_with('D') {
        if text_arg(args, "recipient_user_id").is_none() {
            return failed("missing_recipient_user_id");
        }
        if text_arg(args, "recipient_team_id").is_none() {
            return failed("missing_recipient_team_id");
        }
    }
    let ts = api.ts();
    let key = (channel.to_string(), ts.clone());
    api.streams
        .0
        .lock()
        .expect("not poisoned")
        .insert(key, true);
    json!({"ok": true, "channel": channel, "ts": ts})
}

pub(super) fn append(api: &Api, args: &Map<String, Value>) -> Value {
    if let Err(error) = streaming(api, args) {
        return failed(error);
    }
    match markdown(args, true) {
        Ok(()) => json!({"ok": true, "channel": args["channel"], "ts": args["ts"]}),
        Err(error) => failed(error),
    }
}

pub(super) fn stop(api: &Api, args: &Map<String, Value>) -> Value {
    let key = match streaming(api, args) {
        Ok(key) => key,
        Err(error) => return failed(error),
    };
    if let Err(error) = markdown(args, false) {
        return failed(error);
    }
    api.streams
        .0
        .lock()
        .expect("not poisoned")
        .insert(key, false);
    json!({"ok": true, "channel": args["channel"], "ts": args["ts"]})
}

/// The message `args` name, if it is still streaming.
fn streaming(api: &Api, args: &Map<String, Value>) -> Result<(String, String), &'static str> {
    let (Some(channel), Some(ts)) = (text_arg(args, "channel"), text_arg(args, "ts")) else {
        return Err("invalid_arguments");
    };
    let key = (channel.to_string(), ts.to_string());
    match api.streams.0.lock().expect("not poisoned").get(&key) {
        None => Err("message_not_found"),
        Some(false) => Err("message_not_in_streaming_state"),
        Some(true) => Ok(key),
    }
}

/// `markdown_text` within Slack's limit (and present when `required`).
fn markdown(args: &Map<String, Value>, required: bool) -> Result<(), &'static str> {
    match args.get("markdown_text").and_then(Value::as_str) {
        None if required => Err("invalid_arguments"),
        Some(text) if text.chars().count() > MAX_MARKDOWN_CHARS => Err("msg_too_long"),
        _ => Ok(()),
    }
}

/// `assistant.threads.setStatus`, `setSuggestedPrompts` and `setTitle`: a thread named by
/// `channel_id` and `thread_ts`, and what each sets.
pub(super) fn assistant(method: &str, args: &Map<String, Value>) -> Value {
    if text_arg(args, "channel_id").is_none() || text_arg(args, "thread_ts").is_none() {
        return super::invalid_arguments("missing required field: channel_id or thread_ts");
    }
    let ok = match method {
        "assistant.threads.setStatus" => args.get("status").is_some_and(Value::is_string),
        "assistant.threads.setTitle" => text_arg(args, "title").is_some(),
        _ => args
            .get("prompts")
            .and_then(Value::as_array)
            .is_some_and(|prompts| {
                (1..=4).contains(&prompts.len())
                    && prompts
                        .iter()
                        .all(|p| p["title"].is_string() && p["message"].is_string())
            }),
    };
    match ok {
        true => json!({"ok": true}),
        false => failed("invalid_arguments"),
    }
}
