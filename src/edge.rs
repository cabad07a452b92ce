//! The local edge: an axum app that acknowledges each webhook at once and queues its Envelope.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bot_core::{now_ms, Envelope, Headers, Secret};

use crate::pool::{Queue, Refused};

/// The largest body the edge accepts; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The Slack routes.
pub const SLACK_ROUTES: [&str; 3] = ["/slack/commands", "/slack/interactions", "/slack/events"];
/// The LINE route.
pub const LINE_ROUTES: [&str; 1] = ["/line/webhook"];

/// How the edge acknowledges.
#[derive(Clone, Debug)]
pub struct AckSettings {
    /// The status of every ack (200 by default, 202 allowed).
    pub status: StatusCode,
    /// A static body for slash-command acks (empty by default).
    pub slack_command_body: String,
}

impl Default for AckSettings {
    fn default() -> Self {
        Self {
            status: StatusCode::OK,
            slack_command_body: String::new(),
        }
    }
}

struct Edge {
    queue: Queue,
    ack: AckSettings,
    slack_secret: Option<Secret>,
    platforms: Vec<&'static str>,
    next_id: AtomicU64,
}

/// Builds the edge's routes: the configured platforms' webhook routes and `GET /healthz`.
/// Routes of a platform that is not configured answer 404.
pub fn app(
    queue: Queue,
    ack: AckSettings,
    slack_secret: Option<Secret>,
    line: bool,
) -> axum::Router {
    let mut platforms = Vec::new();
    let mut routes: Vec<&'static str> = Vec::new();
    if slack_secret.is_some() {
        platforms.push("slack");
        routes.extend(SLACK_ROUTES);
    }
    if line {
        platforms.push("line");
        routes.extend(LINE_ROUTES);
    }
    let edge = Arc::new(Edge {
        queue,
        ack,
        slack_secret,
        platforms,
        next_id: AtomicU64::new(0),
    });
    let mut router = axum::Router::new().route("/healthz", get(healthz));
    for route in routes {
        router = router.route(
            route,
            post(move |state: State<Arc<Edge>>, request: Request| webhook(state, route, request)),
        );
    }
    router
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: this route is not configured\n",
            )
        })
        .with_state(edge)
}

async fn healthz(State(edge): State<Arc<Edge>>) -> Response {
    let body = serde_json::json!({
        "status": "ok",
        "platforms": edge.platforms,
        "queued": edge.queue.waiting(),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn webhook(State(edge): State<Arc<Edge>>, route: &'static str, request: Request) -> Response {
    let received_at_ms = now_ms();
    let request_id = format!(
        "{received_at_ms:x}-{:04x}",
        edge.next_id.fetch_add(1, Ordering::Relaxed) & 0xffff
    );
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return too_large(route, &request_id);
    }
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(e) if is_length_limit(&e) => return too_large(route, &request_id),
        Err(e) => {
            tracing::warn!(route, request_id, error = %e, "could not read the request body");
            return (StatusCode::BAD_REQUEST, "could not read the request body\n").into_response();
        }
    };
    let headers: Headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let source_ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    let envelope = Envelope {
        route: route.to_string(),
        received_at_ms,
        request_id: request_id.clone(),
        source_ip,
        headers,
        body: body.to_vec(),
    };
    if route == "/slack/events" {
        if let Some(answer) = url_verification(&edge, &envelope) {
            return answer;
        }
    }
    match edge.queue.try_enqueue(envelope) {
        Ok(()) => ack(&edge, route, &request_id),
        Err(refused) => {
            let why = match refused {
                Refused::Full => "the queue is full",
                Refused::Closed => "shutting down",
            };
            tracing::warn!(route, request_id, why, "refused with 503");
            let mut response = (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("busy: {why}, try again\n"),
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
    }
}

fn ack(edge: &Edge, route: &str, request_id: &str) -> Response {
    let body = if route == "/slack/commands" {
        edge.ack.slack_command_body.clone()
    } else {
        String::new()
    };
    let content_type = if body.trim_start().starts_with('{') {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = edge.ack.status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-ackbot-request-id", id);
    }
    tracing::debug!(route, request_id, "acknowledged");
    response
}

/// Slack's Events API asks for the `challenge` back in the ack itself when the URL is set up, so
/// the edge answers that one request after checking its signature.
fn url_verification(edge: &Edge, envelope: &Envelope) -> Option<Response> {
    #[derive(serde::Deserialize)]
    struct Challenge {
        r#type: String,
        challenge: String,
    }
    let challenge: Challenge = serde_json::from_slice(&envelope.body).ok()?;
    if challenge.r#type != "url_verification" {
        return None;
    }
    let secret = edge.slack_secret.as_ref()?;
    let now = envelope.received_at_ms.div_euclid(1000);
    match bot_slack::verify(secret, &envelope.headers, &envelope.body, now) {
        Ok(()) => {
            tracing::info!(request_id = %envelope.request_id, "answered Slack's url_verification");
            let body = serde_json::json!({ "challenge": challenge.challenge }).to_string();
            Some(([(header::CONTENT_TYPE, "application/json")], body).into_response())
        }
        Err(e) => {
            tracing::warn!(request_id = %envelope.request_id, reason = %e, "url_verification rejected");
            Some((StatusCode::UNAUTHORIZED, "signature check failed\n").into_response())
        }
    }
}

fn too_large(route: &str, request_id: &str) -> Response {
    tracing::warn!(
        route,
        request_id,
        limit = MAX_BODY_BYTES,
        "body too large, refused with 413"
    );
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("body larger than {MAX_BODY_BYTES} bytes\n"),
    )
        .into_response()
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<axum::extract::rejection::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}
