//! A stand-in of Slack's `response_url` endpoint and of the Web API methods handlers call:
//! `chat.postMessage`, `chat.postEphemeral`, `chat.update`, `views.open`, `views.update`,
//! `views.push`, `reactions.add`, `users.info` and the streamed messages (`stream.rs`), with Slack's documented answers (HTTP 200 with
//! `{"ok": false, "error": "…"}` on failure); and of Slack's OAuth v2 install (`oauth.rs`).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use reqwest::Url;
use serde_json::{Map, Value, json};

use ackbot_core::testing::{Recorded, Recorder};

mod methods;
mod oauth;
mod stream;
use methods::{
    chat_post_ephemeral, chat_post_message, chat_update, reactions_add, users_info, views_open,
    views_update,
};

/// A running Slack stand-in on loopback.
pub struct SlackStandIn {
    addr: SocketAddr,
    recorder: Recorder,
    installs: oauth::Installs,
}

/// What the Web API handlers share: the recorder, a counter for message `ts`s and view ids,
/// and the reactions already added (Slack answers `already_reacted` to a second one).
#[derive(Clone, Default)]
pub(super) struct Api {
    recorder: Recorder,
    serial: Arc<AtomicU64>,
    reactions: Arc<Mutex<HashSet<(String, String, String)>>>,
    installs: oauth::Installs,
    streams: stream::Streams,
}

impl Api {
    pub(super) fn next(&self) -> u64 {
        self.serial.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A message timestamp as Slack writes them, `seconds.micros`, unique within this stand-in.
    pub(super) fn ts(&self) -> String {
        format!(
            "{}.{:06}",
            ackbot_core::runtime::now_ms() / 1000,
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
        let (recorder, installs) = (api.recorder.clone(), api.installs.clone());
        let app = axum::Router::new()
            .route("/oauth/v2/authorize", get(oauth::authorize))
            .route("/commands/{team}/{id}/{token}", post(response_url))
            .route("/api/{method}", post(web_api).get(web_api))
            .with_state(api);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            recorder,
            installs,
        })
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

    /// Turns token rotation on for installs from now: tokens expire `expires_in` seconds after
    /// they are issued, and come with a refresh token that can be spent once.
    pub fn rotate_tokens(&self, expires_in: i64) {
        self.installs.rotate(expires_in);
    }

    /// How many refresh tokens were spent.
    pub fn refreshes(&self) -> usize {
        self.installs.refreshes()
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
        Recorded::headers_of(&headers),
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
pub(super) fn failed(error: &str) -> Value {
    json!({"ok": false, "error": error})
}

/// `invalid_arguments`, with the detail Slack gives in `response_metadata.messages`.
pub(super) fn invalid_arguments(message: &str) -> Value {
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
            api.recorder
                .record(Recorded::now(path, Recorded::headers_of(&headers), raw));
            return Json(failed("invalid_json"));
        }
    };
    if method == "oauth.v2.access" {
        let recorded = Value::Object(oauth::redacted(args.clone()));
        api.recorder.record(Recorded::now(
            path,
            Recorded::headers_of(&headers),
            recorded,
        ));
        return Json(oauth::access(&api, &args));
    }
    api.recorder.record(Recorded::now(
        path,
        Recorded::headers_of(&headers),
        Value::Object(args.clone()),
    ));
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
        "chat.startStream" => stream::start(&api, &args),
        "chat.appendStream" => stream::append(&api, &args),
        "chat.stopStream" => stream::stop(&api, &args),
        m if m.starts_with("assistant.threads.") => stream::assistant(m, &args),
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
pub(super) fn text_arg<'a>(args: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// Whether the arguments describe a message: a `text`, or `blocks` (`attachments`).
pub(super) fn has_content(args: &Map<String, Value>) -> bool {
    text_arg(args, "text").is_some()
        || args.get("blocks").is_some_and(|b| !b.is_null())
        || args.get("attachments").is_some_and(|a| !a.is_null())
}

#[cfg(test)]
mod tests;
