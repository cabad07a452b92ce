//! A stand-in of Discord's API on loopback, as its documentation describes it: the interaction
//! webhook (edit and delete `@original`, follow-ups), messages as the bot, the global commands,
//! `/users/@me`. It checks what Discord checks (the bot token where one is needed, a message
//! that says something, content within 2000 characters) and answers with Discord's error
//! objects (`{code, message}`). Calls are recorded under their endpoint templates, the
//! interaction's token in the pseudo-header `x-interaction-token`.

// Handlers return early with a ready response; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use serde_json::{Value, json};

use ackbot_core::testing::{Recorded, Recorder};

/// The header a recorded webhook call carries its interaction token in.
pub const TOKEN_HEADER: &str = "x-interaction-token";

/// A running Discord API stand-in on loopback.
pub struct DiscordStandIn {
    addr: SocketAddr,
    recorder: Recorder,
}

#[derive(Clone, Default)]
struct Api {
    recorder: Recorder,
    deleted: Arc<Mutex<HashSet<String>>>,
    /// The ids of the follow-ups sent, which may be edited.
    sent: Arc<Mutex<HashSet<String>>>,
    commands: Arc<Mutex<HashMap<Scope, Vec<Value>>>>,
    ids: Arc<AtomicU64>,
}

impl DiscordStandIn {
    /// Starts the stand-in on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let api = Api::default();
        let recorder = api.recorder.clone();
        let message = "/webhooks/{application_id}/{token}/messages/{message}";
        let app = axum::Router::new()
            .route(message, patch(edit_message).delete(delete_original))
            .route("/webhooks/{application_id}/{token}", post(follow_up))
            .route("/channels/{channel_id}/messages", post(create_message))
            .route(
                "/applications/{application_id}/commands",
                get(list_commands).put(overwrite_commands),
            )
            .route(
                "/applications/{application_id}/guilds/{guild_id}/commands",
                get(list_guild_commands).put(overwrite_guild_commands),
            )
            .route("/users/@me", get(me))
            .with_state(api);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, recorder })
    }

    /// The base URL to use as `DISCORD_API_URL`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the stand-in received.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }
}

fn error(status: StatusCode, code: u64, message: &str) -> Response {
    (status, Json(json!({"code": code, "message": message}))).into_response()
}

/// Records the call under `endpoint`, then reads its JSON body (`null` for none).
fn admit(
    api: &Api,
    endpoint: &str,
    headers: &HeaderMap,
    token: Option<&str>,
    body: &str,
) -> Result<Value, Response> {
    let value: Value = match body.trim() {
        "" => Value::Null,
        body => serde_json::from_str(body).map_err(|_| {
            error(
                StatusCode::BAD_REQUEST,
                50109,
                "The request body contains invalid JSON.",
            )
        })?,
    };
    let mut named = Recorded::headers_of(headers);
    named.extend(token.map(|t| (TOKEN_HEADER.to_string(), t.to_string())));
    api.recorder
        .record(Recorded::now(endpoint, named, value.clone()));
    Ok(value)
}

/// Whether the request carries `Authorization: Bot …`, as Discord checks first.
fn bot(headers: &HeaderMap) -> Result<(), Response> {
    let authed = (headers.get("authorization").and_then(|v| v.to_str().ok()))
        .is_some_and(|v| v.strip_prefix("Bot ").is_some_and(|t| !t.trim().is_empty()));
    match authed {
        true => Ok(()),
        false => Err(error(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized")),
    }
}

/// Discord's checks of a message: something to show, content within 2000 characters.
fn check_message(body: &Value) -> Result<(), Response> {
    let content = body
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if content.chars().count() > 2000 {
        return Err((
            StatusCode::BAD_REQUEST,
            Json(json!({"code": 50035, "message": "Invalid Form Body",
            "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
            "message": "Must be 2000 or fewer in length."}]}}})),
        )
            .into_response());
    }
    let shows = |field: &str| {
        body.get(field)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    };
    if content.trim().is_empty() && !shows("embeds") && !shows("components") {
        return Err(error(
            StatusCode::BAD_REQUEST,
            50006,
            "Cannot send an empty message",
        ));
    }
    Ok(())
}

fn message(api: &Api, body: &Value, channel_id: &str) -> Response {
    let id = 1_200_000_000_000_000_000 + api.ids.fetch_add(1, Ordering::Relaxed);
    api.sent.lock().unwrap().insert(id.to_string());
    Json(
        json!({"id": id.to_string(), "type": 0, "channel_id": channel_id,
        "content": body.get("content").cloned().unwrap_or(json!("")),
        "components": body.get("components").cloned().unwrap_or(json!([])),
        "flags": body.get("flags").cloned().unwrap_or(json!(0)),
        "author": {"id": "1100000000000000001", "username": "ackbot", "bot": true}}),
    )
    .into_response()
}

async fn edit_message(
    State(api): State<Api>,
    Path((_app, token, id)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let endpoint = match id.as_str() {
        "@original" => "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original",
        _ => "PATCH /webhooks/{application.id}/{interaction.token}/messages/{message.id}",
    };
    let body = match admit(&api, endpoint, &headers, Some(&token), &body) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let sent = api.sent.lock().unwrap().contains(&id);
    if id == "@original" && api.deleted.lock().unwrap().contains(&token)
        || id != "@original" && !sent
    {
        return error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
    }
    if let Err(refused) = check_message(&body) {
        return refused;
    }
    message(&api, &body, "0")
}

async fn delete_original(
    State(api): State<Api>,
    Path((_app, token, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let endpoint = "DELETE /webhooks/{application.id}/{interaction.token}/messages/@original";
    if id != "@original" {
        // Follow-ups are never deleted by ackbot: not modelled.
        return error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
    }
    if let Err(refused) = admit(&api, endpoint, &headers, Some(&token), "") {
        return refused;
    }
    match api.deleted.lock().unwrap().insert(token) {
        true => StatusCode::NO_CONTENT.into_response(),
        false => error(StatusCode::NOT_FOUND, 10008, "Unknown Message"),
    }
}

async fn follow_up(
    State(api): State<Api>,
    Path((_app, token)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let endpoint = "POST /webhooks/{application.id}/{interaction.token}";
    match admit(&api, endpoint, &headers, Some(&token), &body)
        .and_then(|b| check_message(&b).map(|()| b))
    {
        Ok(body) => message(&api, &body, "0"),
        Err(refused) => refused,
    }
}

async fn create_message(
    State(api): State<Api>,
    Path(channel_id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let endpoint = "POST /channels/{channel.id}/messages";
    let admitted = admit(&api, endpoint, &headers, None, &body)
        .and_then(|b| bot(&headers).map(|()| b))
        .and_then(|b| check_message(&b).map(|()| b));
    match admitted {
        Ok(body) => message(&api, &body, &channel_id),
        Err(refused) => refused,
    }
}

/// The global commands (`None`) or a server's.
type Scope = Option<String>;

async fn list_commands(State(api): State<Api>, headers: HeaderMap) -> Response {
    list(&api, &headers, None)
}

async fn list_guild_commands(
    State(api): State<Api>,
    Path((_app, guild)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    list(&api, &headers, Some(guild))
}

async fn overwrite_commands(
    State(api): State<Api>,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    overwrite(&api, &app, &headers, &body, None)
}

async fn overwrite_guild_commands(
    State(api): State<Api>,
    Path((app, guild)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    overwrite(&api, &app, &headers, &body, Some(guild))
}

fn list(api: &Api, headers: &HeaderMap, scope: Scope) -> Response {
    let endpoint = match scope {
        None => "GET /applications/{application.id}/commands",
        Some(_) => "GET /applications/{application.id}/guilds/{guild.id}/commands",
    };
    if let Err(refused) = admit(api, endpoint, headers, None, "").and_then(|_| bot(headers)) {
        return refused;
    }
    let commands = api.commands.lock().unwrap().get(&scope).cloned();
    Json(Value::Array(commands.unwrap_or_default())).into_response()
}

/// Replaces the commands of `scope`, as `PUT` does: each gets an id and a version.
fn overwrite(api: &Api, app: &str, headers: &HeaderMap, body: &str, scope: Scope) -> Response {
    let endpoint = match scope {
        None => "PUT /applications/{application.id}/commands",
        Some(_) => "PUT /applications/{application.id}/guilds/{guild.id}/commands",
    };
    let body =
        match admit(api, endpoint, headers, None, body).and_then(|b| bot(headers).map(|()| b)) {
            Ok(body) => body,
            Err(refused) => return refused,
        };
    let Some(commands) = body.as_array() else {
        return error(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body");
    };
    let stored: Vec<Value> = (commands.iter())
        .map(|command| {
            let id = 1_300_000_000_000_000_000 + api.ids.fetch_add(1, Ordering::Relaxed);
            let mut command = command.clone();
            command["id"] = json!(id.to_string());
            command["application_id"] = json!(app);
            command["version"] = json!(id.to_string());
            if let Some(guild) = &scope {
                command["guild_id"] = json!(guild);
            }
            command
        })
        .collect();
    api.commands.lock().unwrap().insert(scope, stored.clone());
    Json(Value::Array(stored)).into_response()
}

async fn me(State(api): State<Api>, headers: HeaderMap) -> Response {
    if let Err(refused) =
        admit(&api, "GET /users/@me", &headers, None, "").and_then(|_| bot(&headers))
    {
        return refused;
    }
    Json(json!({"id": "1100000000000000001", "username": "ackbot", "bot": true})).into_response()
}
