//! The Web API methods the stand-in answers, each as Slack documents it.

use serde_json::{Map, Value, json};

use super::{Api, failed, has_content, invalid_arguments, text_arg};

pub(super) fn chat_post_message(api: &Api, args: &Map<String, Value>) -> Value {
    let Some(channel) = text_arg(args, "channel") else {
        return failed("channel_not_found");
    };
    if !has_content(args) {
        return failed("no_text");
    }
    let ts = api.ts();
    let mut message = json!({"type": "message", "text": args.get("text"), "ts": ts});
    for field in ["blocks", "thread_ts"] {
        if let Some(value) = args.get(field) {
            message[field] = value.clone();
        }
    }
    json!({"ok": true, "channel": channel, "ts": ts, "message": message})
}

pub(super) fn chat_post_ephemeral(api: &Api, args: &Map<String, Value>) -> Value {
    if text_arg(args, "channel").is_none() {
        return failed("channel_not_found");
    }
    if text_arg(args, "user").is_none() {
        return failed("user_not_found");
    }
    if !has_content(args) {
        return failed("no_text");
    }
    json!({"ok": true, "message_ts": api.ts()})
}

pub(super) fn chat_update(args: &Map<String, Value>) -> Value {
    let Some(channel) = text_arg(args, "channel") else {
        return failed("channel_not_found");
    };
    let Some(ts) = text_arg(args, "ts") else {
        return failed("message_not_found");
    };
    if !has_content(args) {
        return failed("no_text");
    }
    let text = args.get("text").cloned().unwrap_or_else(|| "".into());
    let mut message = json!({"type": "message", "text": text});
    if let Some(blocks) = args.get("blocks") {
        message["blocks"] = blocks.clone();
    }
    json!({"ok": true, "channel": channel, "ts": ts, "text": text, "message": message})
}

/// `views.open` and `views.push`: a `trigger_id` and a modal `view`.
pub(super) fn views_open(api: &Api, args: &Map<String, Value>, method: &str) -> Value {
    if text_arg(args, "trigger_id").is_none() {
        return invalid_arguments(&format!("{method}: missing required field: trigger_id"));
    }
    match check_view(args) {
        Ok(view) => opened(api, view, None),
        Err(answer) => answer,
    }
}

/// `views.update`: `view_id` or `external_id`, a `view`, and perhaps a `hash`.
pub(super) fn views_update(api: &Api, args: &Map<String, Value>) -> Value {
    let view_id = text_arg(args, "view_id");
    if view_id.is_none() && text_arg(args, "external_id").is_none() {
        return invalid_arguments("views.update: either view_id or external_id is required");
    }
    match check_view(args) {
        Ok(view) => opened(api, view, view_id),
        Err(answer) => answer,
    }
}

/// The `view` argument, if it is a modal with a `title` and `blocks`.
fn check_view(args: &Map<String, Value>) -> Result<&Map<String, Value>, Value> {
    let Some(view) = args.get("view").and_then(Value::as_object) else {
        return Err(invalid_arguments(
            "must provide an object [json-pointer:/view]",
        ));
    };
    if view.get("type").and_then(Value::as_str) != Some("modal") {
        return Err(invalid_arguments(
            "must be a valid enum value [json-pointer:/view/type]",
        ));
    }
    if !view.get("title").is_some_and(Value::is_object) {
        return Err(invalid_arguments(
            "must provide an object [json-pointer:/view/title]",
        ));
    }
    if !view.get("blocks").is_some_and(Value::is_array) {
        return Err(invalid_arguments(
            "must provide an array [json-pointer:/view/blocks]",
        ));
    }
    Ok(view)
}

/// The view as Slack answers it: the one sent, with an `id`, a `hash` and Slack's defaults.
fn opened(api: &Api, view: &Map<String, Value>, id: Option<&str>) -> Value {
    let n = api.next();
    let id = id.map_or_else(|| format!("V{n:08}"), str::to_string);
    let mut answered = json!({
        "id": id,
        "team_id": "T0001",
        "app_id": "A0STANDIN",
        "bot_id": "B0STANDIN",
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        "state": {"values": {}},
        "clear_on_close": false,
        "notify_on_close": false,
        "root_view_id": id,
        "previous_view_id": null,
    });
    let fields = answered.as_object_mut().expect("an object");
    fields.extend(view.iter().map(|(k, v)| (k.clone(), v.clone())));
    fields.insert(
        "hash".into(),
        format!("{}.{n:08x}", ackbot_core::runtime::now_ms() / 1000).into(),
    );
    json!({"ok": true, "view": answered})
}

pub(super) fn reactions_add(api: &Api, args: &Map<String, Value>) -> Value {
    let (Some(channel), Some(timestamp)) = (text_arg(args, "channel"), text_arg(args, "timestamp"))
    else {
        return failed("no_item_specified");
    };
    let Some(name) = text_arg(args, "name") else {
        return failed("invalid_name");
    };
    if name.starts_with(':') || name.ends_with(':') || name.contains(char::is_whitespace) {
        return failed("invalid_name");
    }
    let key = (channel.to_string(), timestamp.to_string(), name.to_string());
    if !api
        .reactions
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key)
    {
        return failed("already_reacted");
    }
    json!({"ok": true})
}

pub(super) fn users_info(args: &Map<String, Value>) -> Value {
    let Some(user) = text_arg(args, "user") else {
        return invalid_arguments("missing required field: user");
    };
    if !(user.starts_with('U') || user.starts_with('W')) {
        return failed("user_not_found");
    }
    let name = format!("user-{}", user.to_lowercase());
    json!({
        "ok": true,
        "user": {
            "id": user,
            "team_id": "T0001",
            "name": name,
            "deleted": false,
            "real_name": "Stand-in User",
            "tz": "Asia/Tokyo",
            "tz_label": "Japan Standard Time",
            "tz_offset": 32400,
            "is_bot": false,
            "is_app_user": false,
            "profile": {
                "real_name": "Stand-in User",
                "real_name_normalized": "Stand-in User",
                "display_name": name,
                "display_name_normalized": name,
                "team": "T0001",
            },
        },
    })
}
