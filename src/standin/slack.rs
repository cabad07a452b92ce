//! A stand-in of Slack's `response_url` endpoint and of the Web API methods handlers call:
//! `chat.postMessage`, `chat.postEphemeral`, `chat.update`, `views.open`, `views.update`,
//! `views.push`, `reactions.add` and `users.info`, with Slack's documented answers (HTTP 200 with
//! `{"ok": false, "error": "…"}` on failure).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use reqwest::Url;
use serde_json::{json, Map, Value};

use super::{Recorded, Recorder};

/// A running Slack stand-in on loopback.
pub struct SlackStandIn {
    addr: SocketAddr,
    recorder: Recorder,
}

/// What the Web API handlers share: the recorder, a counter for message `ts`s and view ids,
/// and the reactions already added (Slack answers `already_reacted` to a second one).
#[derive(Clone, Default)]
struct Api {
    recorder: Recorder,
    serial: Arc<AtomicU64>,
    reactions: Arc<Mutex<HashSet<(String, String, String)>>>,
}

impl Api {
    fn next(&self) -> u64 {
        self.serial.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A message timestamp as Slack writes them, `seconds.micros`, unique within this stand-in.
    fn ts(&self) -> String {
        format!(
            "{}.{:06}",
            ackbot_core::now_ms() / 1000,
            self.next() % 1_000_000
        )
    }
}

impl SlackStandIn {
    /// Starts the stand-in on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let api = Api::default();
        let recorder = api.recorder.clone();
        let app = axum::Router::new()
            .route("/commands/{team}/{id}/{token}", post(response_url))
            .route("/api/{method}", post(web_api).get(web_api))
            .with_state(api);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, recorder })
    }

    /// The Web API base URL to use as `SLACK_API_URL`.
    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// A `response_url` for the command with id `id`.
    pub fn response_url(&self, id: &str) -> String {
        format!("http://{}/commands/T0001/{id}/standin-token", self.addr)
    }

    /// What the stand-in received.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }
}

// Slack answers a response_url post with 200 `ok`, or 4xx with a short error word.
async fn response_url(
    State(api): State<Api>,
    Path((team, id, token)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let Some(Json(body)) = body else {
        return (StatusCode::BAD_REQUEST, "invalid_payload").into_response();
    };
    api.recorder.record(Recorded::now(
        format!("/commands/{team}/{id}/{token}"),
        &headers,
        body.clone(),
    ));
    let has_text = body.get("text").is_some_and(Value::is_string) || body.get("blocks").is_some();
    let type_ok = matches!(
        body.get("response_type").and_then(Value::as_str),
        None | Some("ephemeral") | Some("in_channel")
    );
    match (has_text, type_ok) {
        (false, _) => (StatusCode::BAD_REQUEST, "no_text").into_response(),
        (_, false) => (StatusCode::BAD_REQUEST, "invalid_response_type").into_response(),
        _ => (StatusCode::OK, "ok").into_response(),
    }
}

/// An API error as Slack answers it: HTTP 200, `ok: false` and the error word.
fn failed(error: &str) -> Value {
    json!({"ok": false, "error": error})
}

/// `invalid_arguments`, with the detail Slack gives in `response_metadata.messages`.
fn invalid_arguments(message: &str) -> Value {
    json!({
        "ok": false,
        "error": "invalid_arguments",
        "response_metadata": {"messages": [format!("[ERROR] {message}")]},
    })
}

/// One Web API call: records it (path, and the arguments as a JSON object, form fields
/// included), checks the bearer token, then answers as the method does.
async fn web_api(
    State(api): State<Api>,
    Path(method): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Json<Value> {
    let path = format!("/api/{method}");
    // users.info "does not currently accept application/json": its JSON bodies go unread.
    let accepts_json = method != "users.info";
    let args = match arguments(&headers, uri.query(), &body, accepts_json) {
        Ok(args) => args,
        Err(raw) => {
            api.recorder.record(Recorded::now(path, &headers, raw));
            return Json(failed("invalid_json"));
        }
    };
    api.recorder
        .record(Recorded::now(path, &headers, Value::Object(args.clone())));
    if let Err(error) = authorize(&headers) {
        return Json(failed(error));
    }
    let answer = match method.as_str() {
        "chat.postMessage" => chat_post_message(&api, &args),
        "chat.postEphemeral" => chat_post_ephemeral(&api, &args),
        "chat.update" => chat_update(&args),
        "views.open" => views_open(&api, &args, "views.open"),
        "views.push" => views_open(&api, &args, "views.push"),
        "views.update" => views_update(&api, &args),
        "reactions.add" => reactions_add(&api, &args),
        "users.info" => users_info(&args),
        _ => json!({"ok": false, "error": "unknown_method", "req_method": method}),
    };
    Json(answer)
}

/// The call's arguments as one JSON object: the query string, then the body — JSON, or form
/// fields (whose JSON-valued fields, such as `view` and `blocks`, are decoded). `Err` carries a
/// JSON body that does not parse, as a string, for the record.
fn arguments(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
    accepts_json: bool,
) -> Result<Map<String, Value>, Value> {
    let mut args = form_fields(query.unwrap_or_default());
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/json") {
        if !accepts_json {
            return Ok(args);
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(fields)) => args.extend(fields),
            _ => return Err(Value::String(String::from_utf8_lossy(body).into_owned())),
        }
    } else {
        args.extend(form_fields(&String::from_utf8_lossy(body)));
    }
    Ok(args)
}

/// `application/x-www-form-urlencoded` fields; the Block Kit ones decoded from their JSON.
fn form_fields(encoded: &str) -> Map<String, Value> {
    let mut url = Url::parse("http://standin.invalid/").expect("a valid URL");
    url.set_query(Some(encoded));
    url.query_pairs()
        .map(|(name, value)| {
            let value = match name.as_ref() {
                "view" | "blocks" | "attachments" => {
                    serde_json::from_str(&value).unwrap_or(Value::String(value.into_owned()))
                }
                _ => Value::String(value.into_owned()),
            };
            (name.into_owned(), value)
        })
        .collect()
}

/// Slack answers `not_authed` when no token comes with the call, `invalid_auth` for one it
/// does not know; this stand-in knows any `xox…` token sent as `Authorization: Bearer`.
fn authorize(headers: &HeaderMap) -> Result<(), &'static str> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    if token.is_empty() {
        Err("not_authed")
    } else if !token.starts_with("xox") {
        Err("invalid_auth")
    } else {
        Ok(())
    }
}

/// A non-empty string argument.
fn text_arg<'a>(args: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// Whether the arguments describe a message: a `text`, or `blocks` (`attachments`).
fn has_content(args: &Map<String, Value>) -> bool {
    text_arg(args, "text").is_some()
        || args.get("blocks").is_some_and(|b| !b.is_null())
        || args.get("attachments").is_some_and(|a| !a.is_null())
}

fn chat_post_message(api: &Api, args: &Map<String, Value>) -> Value {
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

fn chat_post_ephemeral(api: &Api, args: &Map<String, Value>) -> Value {
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

fn chat_update(args: &Map<String, Value>) -> Value {
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
fn views_open(api: &Api, args: &Map<String, Value>, method: &str) -> Value {
    if text_arg(args, "trigger_id").is_none() {
        return invalid_arguments(&format!("{method}: missing required field: trigger_id"));
    }
    match check_view(args) {
        Ok(view) => opened(api, view, None),
        Err(answer) => answer,
    }
}

/// `views.update`: `view_id` or `external_id`, a `view`, and perhaps a `hash`.
fn views_update(api: &Api, args: &Map<String, Value>) -> Value {
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
        format!("{}.{n:08x}", ackbot_core::now_ms() / 1000).into(),
    );
    json!({"ok": true, "view": answered})
}

fn reactions_add(api: &Api, args: &Map<String, Value>) -> Value {
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

fn users_info(args: &Map<String, Value>) -> Value {
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ackbot_core::retry::RetryPolicy;
    use ackbot_core::Reply;
    use ackbot_slack::{ReplyError, SlackClient, SlackConfig};

    use super::*;

    fn client(standin: &SlackStandIn) -> SlackClient {
        let config = SlackConfig::new("signing")
            .with_bot_token("xoxb-standin-test")
            .with_api_url(standin.api_url())
            .with_retry(RetryPolicy::fixed(2, Duration::ZERO));
        SlackClient::new(&config).unwrap()
    }

    fn modal() -> Value {
        json!({
            "type": "modal",
            "title": {"type": "plain_text", "text": "Deploy"},
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Ship it?"}}],
        })
    }

    fn api_error(message: &str) -> ReplyError {
        ReplyError::Api {
            status: 200,
            message: message.into(),
        }
    }

    /// The calls to `path`, their recorded bodies.
    fn bodies(standin: &SlackStandIn, path: &str) -> Vec<Value> {
        let calls = standin.recorder().calls();
        calls
            .into_iter()
            .filter(|c| c.path == path)
            .map(|c| c.body)
            .collect()
    }

    #[tokio::test]
    async fn messages_are_posted_updated_and_whispered() {
        let standin = SlackStandIn::start().await.unwrap();
        let c = client(&standin);
        let posted = c
            .chat_post_message("C1", Some("1.000001"), &Reply::text("hi"))
            .await
            .unwrap();
        let ts = posted["ts"].as_str().unwrap().to_string();
        assert_eq!(posted["channel"], "C1");
        assert_eq!(posted["message"]["thread_ts"], "1.000001");
        let again = c
            .chat_post_message("C1", None, &Reply::text("hi"))
            .await
            .unwrap();
        assert_ne!(again["ts"], ts.as_str(), "every message has its own ts");

        let updated = c
            .chat_update("C1", &ts, &Reply::text("edited"))
            .await
            .unwrap();
        assert_eq!(
            (&updated["channel"], &updated["ts"], &updated["text"]),
            (&json!("C1"), &json!(ts), &json!("edited"))
        );
        let whispered = c
            .chat_post_ephemeral("C1", "U1", None, &Reply::text("psst"))
            .await
            .unwrap();
        assert!(whispered["message_ts"]
            .as_str()
            .is_some_and(|t| t.contains('.')));

        assert_eq!(
            bodies(&standin, "/api/chat.update"),
            [json!({"channel": "C1", "ts": ts, "text": "edited", "blocks": []})]
        );
        assert_eq!(
            bodies(&standin, "/api/chat.postEphemeral"),
            [json!({"channel": "C1", "user": "U1", "text": "psst"})]
        );
        let call = &standin.recorder().calls()[0];
        assert!(call
            .headers
            .contains(&("authorization".into(), "Bearer xoxb-standin-test".into())));
    }

    #[tokio::test]
    async fn message_methods_refuse_what_slack_refuses() {
        let standin = SlackStandIn::start().await.unwrap();
        let c = client(&standin);
        let refused = |body: Value| {
            let c = c.clone();
            async move {
                c.call("chat.postEphemeral", &body)
                    .await
                    .unwrap_err()
                    .to_string()
            }
        };
        assert!(refused(json!({"user": "U1", "text": "x"}))
            .await
            .contains("channel_not_found"));
        assert!(refused(json!({"channel": "C1", "text": "x"}))
            .await
            .contains("user_not_found"));
        assert!(refused(json!({"channel": "C1", "user": "U1"}))
            .await
            .contains("no_text"));
        let error = c
            .call("chat.update", &json!({"channel": "C1", "text": "x"}))
            .await
            .unwrap_err();
        assert_eq!(error, api_error("message_not_found"));
        let error = c
            .call("conversations.kick", &json!({"channel": "C1"}))
            .await
            .unwrap_err();
        assert_eq!(error, api_error("unknown_method"));
    }

    #[tokio::test]
    async fn views_open_push_and_update() {
        let standin = SlackStandIn::start().await.unwrap();
        let c = client(&standin);
        let opened = c.views_open("1.2.abc", &modal()).await.unwrap();
        let view = &opened["view"];
        let id = view["id"].as_str().unwrap();
        assert!(id.starts_with('V'), "{id}");
        assert_eq!(view["type"], "modal");
        assert_eq!(view["title"], modal()["title"]);
        assert_eq!(view["blocks"], modal()["blocks"]);
        assert!(view["hash"].as_str().is_some_and(|h| !h.is_empty()));

        let hash = view["hash"].as_str().unwrap();
        let updated = c.views_update(id, Some(hash), &modal()).await.unwrap();
        assert_eq!(updated["view"]["id"], id);
        assert_ne!(updated["view"]["hash"], hash);
        let pushed = c.views_push("3.4.def", &modal()).await.unwrap();
        assert_ne!(pushed["view"]["id"], id);

        assert_eq!(
            bodies(&standin, "/api/views.open"),
            [json!({"trigger_id": "1.2.abc", "view": modal()})]
        );
        assert_eq!(
            bodies(&standin, "/api/views.update"),
            [json!({"view_id": id, "hash": hash, "view": modal()})]
        );
    }

    #[tokio::test]
    async fn views_need_a_trigger_and_a_modal() {
        let standin = SlackStandIn::start().await.unwrap();
        let c = client(&standin);
        let error = c.views_open("", &modal()).await.unwrap_err();
        assert_eq!(error, api_error("invalid_arguments"));
        let mut untitled = modal();
        untitled.as_object_mut().unwrap().remove("title");
        let error = c.views_push("1.2.3", &untitled).await.unwrap_err();
        assert_eq!(error, api_error("invalid_arguments"));
        let home = json!({"type": "home", "title": {}, "blocks": []});
        let error = c.views_open("1.2.3", &home).await.unwrap_err();
        assert_eq!(error, api_error("invalid_arguments"));
        let error = c
            .call("views.update", &json!({"view": modal()}))
            .await
            .unwrap_err();
        assert_eq!(error, api_error("invalid_arguments"));
        // The detail Slack gives, for whoever reads the raw answer.
        let raw = reqwest::Client::new()
            .post(format!("{}/views.open", standin.api_url()))
            .bearer_auth("xoxb-1")
            .json(&json!({"trigger_id": "1.2.3"}))
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), 200);
        let raw: Value = raw.json().await.unwrap();
        assert_eq!(
            raw["response_metadata"]["messages"][0],
            "[ERROR] must provide an object [json-pointer:/view]"
        );
    }

    #[tokio::test]
    async fn reactions_add_once_per_message_and_name() {
        let standin = SlackStandIn::start().await.unwrap();
        let c = client(&standin);
        c.reactions_add("C1", "1.000001", ":tada:").await.unwrap();
        let error = c.reactions_add("C1", "1.000001", "tada").await.unwrap_err();
        assert_eq!(error, api_error("already_reacted"));
        c.reactions_add("C1", "1.000002", "tada").await.unwrap();
        let error = c
            .call("reactions.add", &json!({"name": "tada"}))
            .await
            .unwrap_err();
        assert_eq!(error, api_error("no_item_specified"));
        let error = c
            .call(
                "reactions.add",
                &json!({"channel": "C1", "timestamp": "1.3", "name": ":tada:"}),
            )
            .await
            .unwrap_err();
        assert_eq!(error, api_error("invalid_name"));
        assert_eq!(
            bodies(&standin, "/api/reactions.add")[0],
            json!({"channel": "C1", "timestamp": "1.000001", "name": "tada"})
        );
    }

    #[tokio::test]
    async fn users_info_reads_a_form_and_records_its_fields() {
        let standin = SlackStandIn::start().await.unwrap();
        let c = client(&standin);
        let user = c.users_info("U0G9QF9C6").await.unwrap();
        assert_eq!(user["id"], "U0G9QF9C6");
        assert_eq!(user["name"], "user-u0g9qf9c6");
        assert_eq!(user["real_name"], "Stand-in User");
        assert_eq!(user["profile"]["display_name"], "user-u0g9qf9c6");
        assert_eq!(
            bodies(&standin, "/api/users.info"),
            [json!({"user": "U0G9QF9C6"})]
        );
        let error = c.users_info("C123").await.unwrap_err();
        assert_eq!(error, api_error("user_not_found"));
        // As on Slack, a JSON body is not read.
        let error = c
            .call("users.info", &json!({"user": "U0G9QF9C6"}))
            .await
            .unwrap_err();
        assert_eq!(error, api_error("invalid_arguments"));
        // Nor does a GET with a query string go unanswered.
        let raw: Value = reqwest::Client::new()
            .get(format!("{}/users.info?user=W1", standin.api_url()))
            .bearer_auth("xoxb-1")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(raw["user"]["id"], "W1");
    }

    #[tokio::test]
    async fn every_method_wants_a_bearer_token_and_records_the_call() {
        let standin = SlackStandIn::start().await.unwrap();
        let http = reqwest::Client::new();
        let methods = [
            "chat.postMessage",
            "chat.postEphemeral",
            "chat.update",
            "views.open",
            "views.update",
            "views.push",
            "reactions.add",
            "users.info",
        ];
        for method in methods {
            let url = format!("{}/{method}", standin.api_url());
            let answer: Value = http
                .post(&url)
                .json(&json!({"channel": "C1", "text": "x"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(answer, failed("not_authed"), "{method}");
            let answer: Value = http
                .post(&url)
                .bearer_auth("not-a-slack-token")
                .json(&json!({}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(answer, failed("invalid_auth"), "{method}");
        }
        let paths: Vec<String> = standin
            .recorder()
            .calls()
            .into_iter()
            .map(|c| c.path)
            .collect();
        assert_eq!(paths.len(), 2 * methods.len());
        for method in methods {
            assert!(paths.contains(&format!("/api/{method}")), "{method}");
        }
        let answer: Value = http
            .post(format!("{}/chat.postMessage", standin.api_url()))
            .bearer_auth("xoxb-1")
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer, failed("invalid_json"));
    }

    #[tokio::test]
    async fn form_encoded_messages_are_read_too() {
        let standin = SlackStandIn::start().await.unwrap();
        let answer: Value = reqwest::Client::new()
            .post(format!("{}/chat.postMessage", standin.api_url()))
            .bearer_auth("xoxb-1")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("channel=C1&text=a+b%26c&blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["ok"], true, "{answer}");
        assert_eq!(answer["message"]["text"], "a b&c");
        assert_eq!(
            bodies(&standin, "/api/chat.postMessage"),
            [json!({"channel": "C1", "text": "a b&c", "blocks": [{"type": "divider"}]})]
        );
    }
}
