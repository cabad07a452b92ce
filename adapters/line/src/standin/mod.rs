//! A stand-in of the LINE Messaging API: reply, push, the loading animation and profiles, with
//! the documented answers (a reply token works once; a repeated accepted `X-Line-Retry-Key` is
//! 409; a profile of an unknown user is 404).

// Handlers return early with a ready response; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use ackbot_core::testing::{Recorded, Recorder};

/// A running LINE API stand-in on loopback.
pub struct LineStandIn {
    addr: SocketAddr,
    recorder: Recorder,
}

#[derive(Clone, Default)]
struct Api {
    recorder: Recorder,
    used_reply_tokens: Arc<Mutex<HashSet<String>>>,
    accepted_retry_keys: Arc<Mutex<HashSet<String>>>,
}

impl LineStandIn {
    /// Starts the stand-in on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let api = Api::default();
        let recorder = api.recorder.clone();
        let app = axum::Router::new()
            .route("/v2/bot/message/reply", post(reply))
            .route("/v2/bot/message/push", post(push))
            .route("/v2/bot/chat/loading/start", post(loading))
            .route("/v2/bot/chat/markAsRead", post(mark_as_read))
            .route("/v2/bot/profile/{user_id}", get(profile))
            .with_state(api);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, recorder })
    }

    /// The base URL to use as `LINE_API_URL`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the stand-in received.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }
}

fn error(status: StatusCode, message: &str, details: Value) -> Response {
    (
        status,
        Json(json!({ "message": message, "details": details })),
    )
        .into_response()
}

/// Records the call, then checks what every endpoint checks: the bearer token and valid JSON.
fn admit(api: &Api, path: &str, headers: &HeaderMap, body: &str) -> Result<Value, Response> {
    let value: Value = serde_json::from_str(body).map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            "The request body has 1 error(s)",
            json!([{"message": "invalid JSON"}]),
        )
    })?;
    api.recorder.record(Recorded::now(
        path,
        Recorded::headers_of(headers),
        value.clone(),
    ));
    authorize(headers)?;
    Ok(value)
}

/// Whether the request carries a bearer token, as LINE checks first.
fn authorize(headers: &HeaderMap) -> Result<(), Response> {
    let authed = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer ") && v.len() > 7);
    if !authed {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "Authentication failed. Confirm that the access token in the authorization header is valid.",
            json!([]),
        ));
    }
    Ok(())
}

fn check_messages(body: &Value) -> Result<(), Response> {
    let Some(messages) = body.get("messages").and_then(Value::as_array) else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "The request body has 1 error(s)",
            json!([{"message": "must be specified", "property": "messages"}]),
        ));
    };
    if messages.is_empty() || messages.len() > 5 {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "The request body has 1 error(s)",
            json!([{"message": "Size must be between 1 and 5", "property": "messages"}]),
        ));
    }
    for (i, m) in messages.iter().enumerate() {
        if let Some(text) = m.get("text").and_then(Value::as_str)
            && text.encode_utf16().count() > 5000
        {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "The request body has 1 error(s)",
                json!([{"message": "Length must be between 0 and 5000", "property": format!("messages[{i}].text")}]),
            ));
        }
    }
    Ok(())
}

fn sent(count: usize) -> Value {
    let messages: Vec<Value> = (0..count)
        .map(|i| json!({"id": format!("{}", 461_230_966_842_064_897u64 + i as u64), "quoteToken": "IStG5h1Tz7b..."}))
        .collect();
    json!({ "sentMessages": messages })
}

async fn reply(State(api): State<Api>, headers: HeaderMap, body: String) -> Response {
    let body = match admit(&api, "/v2/bot/message/reply", &headers, &body)
        .and_then(|b| check_messages(&b).map(|_| b))
    {
        Ok(body) => body,
        Err(response) => return response,
    };
    let token = body
        .get("replyToken")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if token.is_empty()
        || !api
            .used_reply_tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(token)
    {
        return error(StatusCode::BAD_REQUEST, "Invalid reply token", json!([]));
    }
    let count = body["messages"].as_array().map_or(0, Vec::len);
    Json(sent(count)).into_response()
}

async fn push(State(api): State<Api>, headers: HeaderMap, body: String) -> Response {
    let body = match admit(&api, "/v2/bot/message/push", &headers, &body)
        .and_then(|b| check_messages(&b).map(|_| b))
    {
        Ok(body) => body,
        Err(response) => return response,
    };
    if body
        .get("to")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return error(
            StatusCode::BAD_REQUEST,
            "The request body has 1 error(s)",
            json!([{"message": "must be specified", "property": "to"}]),
        );
    }
    if let Some(key) = headers
        .get("x-line-retry-key")
        .and_then(|v| v.to_str().ok())
        && !api
            .accepted_retry_keys
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.to_string())
    {
        let mut response = error(
            StatusCode::CONFLICT,
            "The retry key is already accepted",
            json!([]),
        );
        response.headers_mut().insert(
            "x-line-accepted-request-id",
            HeaderValue::from_static("a1b2c3d4-0000-4000-8000-standin"),
        );
        return response;
    }
    let count = body["messages"].as_array().map_or(0, Vec::len);
    Json(sent(count)).into_response()
}

async fn loading(State(api): State<Api>, headers: HeaderMap, body: String) -> Response {
    let body = match admit(&api, "/v2/bot/chat/loading/start", &headers, &body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let seconds = body
        .get("loadingSeconds")
        .and_then(Value::as_u64)
        .unwrap_or(20);
    if body.get("chatId").and_then(Value::as_str).is_none()
        || !(5..=60).contains(&seconds)
        || seconds % 5 != 0
    {
        return error(
            StatusCode::BAD_REQUEST,
            "The request body has 1 error(s)",
            json!([{"message": "invalid", "property": "loadingSeconds"}]),
        );
    }
    (StatusCode::ACCEPTED, Json(json!({}))).into_response()
}

/// `POST /v2/bot/chat/markAsRead`: 200 `{}` for a `markAsReadToken`, 400 without one.
async fn mark_as_read(State(api): State<Api>, headers: HeaderMap, body: String) -> Response {
    let body = match admit(&api, "/v2/bot/chat/markAsRead", &headers, &body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    match body.get("markAsReadToken").and_then(Value::as_str) {
        Some(token) if !token.is_empty() => Json(json!({})).into_response(),
        _ => error(
            StatusCode::BAD_REQUEST,
            "An invalid markAsReadToken is specified.",
            json!([]),
        ),
    }
}

/// `GET /v2/bot/profile/{userId}`: a plausible profile for a user ID (`U…`), 404 for anything
/// else, as LINE answers for a user who is not a friend of the bot. Recorded with a null body.
async fn profile(
    State(api): State<Api>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v2/bot/profile/{user_id}");
    api.recorder.record(Recorded::now(
        path,
        Recorded::headers_of(&headers),
        Value::Null,
    ));
    if let Err(response) = authorize(&headers) {
        return response;
    }
    if !(user_id.len() > 1 && user_id.starts_with('U')) {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "Not found" })),
        )
            .into_response();
    }
    Json(json!({
        "displayName": "Stand-in User",
        "userId": user_id,
        "pictureUrl": "https://profile.line-scdn.net/0hStandInUserPicture",
        "statusMessage": "Standing in for LINE",
        "language": "en"
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get_profile(
        stand_in: &LineStandIn,
        user_id: &str,
        token: Option<&str>,
    ) -> (u16, Value) {
        let mut request =
            reqwest::Client::new().get(format!("{}/v2/bot/profile/{user_id}", stand_in.api_url()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the stand-in answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON answer"))
    }

    #[tokio::test]
    async fn profile_answers_a_user_id_with_a_plausible_profile() {
        let stand_in = LineStandIn::start().await.unwrap();
        let user_id = "U4af4980629b1c5d0e3f2a7b8c9d0e1f2";
        let (status, body) = get_profile(&stand_in, user_id, Some("token")).await;
        assert_eq!(status, 200);
        assert_eq!(body["displayName"], "Stand-in User");
        assert_eq!(body["userId"], user_id);
        assert_eq!(body["language"], "en");
        assert!(body["pictureUrl"].as_str().unwrap().starts_with("https://"));
        assert!(body["statusMessage"].is_string());

        let calls = stand_in.recorder().calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].path, format!("/v2/bot/profile/{user_id}"));
        assert_eq!(calls[0].body, Value::Null);
    }

    #[tokio::test]
    async fn profile_of_an_unknown_looking_id_is_not_found() {
        let stand_in = LineStandIn::start().await.unwrap();
        for id in ["C4af4980629", "U", "nobody"] {
            let (status, body) = get_profile(&stand_in, id, Some("token")).await;
            assert_eq!(
                (status, body),
                (404, json!({"message": "Not found"})),
                "{id}"
            );
        }
    }

    #[tokio::test]
    async fn profile_needs_the_bearer_token() {
        let stand_in = LineStandIn::start().await.unwrap();
        let (status, body) = get_profile(&stand_in, "U1", None).await;
        assert_eq!(status, 401);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("Authentication failed")
        );
        assert_eq!(
            stand_in.recorder().calls().len(),
            1,
            "recorded all the same"
        );
    }
}
