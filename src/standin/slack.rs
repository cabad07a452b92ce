//! A stand-in of Slack's `response_url` endpoint and Web API `chat.postMessage`.

use std::net::SocketAddr;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde_json::{json, Value};

use super::{Recorded, Recorder};

/// A running Slack stand-in on loopback.
pub struct SlackStandIn {
    addr: SocketAddr,
    recorder: Recorder,
}

impl SlackStandIn {
    /// Starts the stand-in on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let recorder = Recorder::default();
        let app = axum::Router::new()
            .route("/commands/{team}/{id}/{token}", post(response_url))
            .route("/api/chat.postMessage", post(post_message))
            .with_state(recorder.clone());
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

fn record(recorder: &Recorder, path: String, headers: &HeaderMap, body: &Value) {
    recorder.record(Recorded::now(path, headers, body.clone()));
}

// Slack answers a response_url post with 200 `ok`, or 4xx with a short error word.
async fn response_url(
    State(recorder): State<Recorder>,
    Path((team, id, token)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let Some(Json(body)) = body else {
        return (StatusCode::BAD_REQUEST, "invalid_payload").into_response();
    };
    record(
        &recorder,
        format!("/commands/{team}/{id}/{token}"),
        &headers,
        &body,
    );
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

// chat.postMessage answers HTTP 200 with `ok: false` and an error code on failure.
async fn post_message(
    State(recorder): State<Recorder>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Json<Value> {
    let Some(Json(body)) = body else {
        return Json(json!({"ok": false, "error": "invalid_json"}));
    };
    record(&recorder, "/api/chat.postMessage".into(), &headers, &body);
    let authed = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer ") && v.len() > 7);
    if !authed {
        return Json(json!({"ok": false, "error": "not_authed"}));
    }
    let Some(channel) = body.get("channel").and_then(Value::as_str) else {
        return Json(json!({"ok": false, "error": "channel_not_found"}));
    };
    if body.get("text").is_none() && body.get("blocks").is_none() {
        return Json(json!({"ok": false, "error": "no_text"}));
    }
    let ts = format!("{}.000100", bot_core::now_ms() / 1000);
    Json(json!({"ok": true, "channel": channel, "ts": ts, "message": {"text": body.get("text")}}))
}
