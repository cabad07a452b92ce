//! The local edge: an axum app that acknowledges each webhook at once and queues its Envelope.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ackbot_core::adapter::{Envelope, Headers, PageRequest};
use ackbot_core::runtime::{Ack, Worker, now_ms};
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

#[cfg(feature = "dev")]
use crate::inspector::{Inspector, history::History};
use crate::pool::{Queue, Refused};
use crate::{EdgeSettings, ServeSettings};

/// The largest body the edge accepts; larger ones get 413.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

struct Edge {
    queue: Queue,
    /// The front door of function-ack routes: the same code as the Lambda front door's.
    front: Worker,
    settings: EdgeSettings,
    ack_deadline: std::time::Duration,
    ack_status: StatusCode,
    platforms: Vec<&'static str>,
    /// The routes the front door always answers (Discord's), whatever `ACKBOT_FUNCTION_ACK` says.
    front_door_only: Vec<&'static str>,
    next_id: AtomicU64,
    /// The inspector's history, when the inspector is on: every webhook and its ack go there.
    #[cfg(feature = "dev")]
    history: Option<Arc<History>>,
}

/// The edge's routes: the webhook routes of `front`'s adapters and `GET /healthz`. Routes of a
/// platform that is not configured answer 404. Function-ack routes (`ACKBOT_FUNCTION_ACK`, and
/// Discord's always) are answered by `front`, as the Lambda front door answers them; the others get the static ack.
pub(crate) fn app(queue: Queue, front: Worker, settings: &ServeSettings) -> axum::Router {
    router(queue, front, settings, None)
}

/// The edge's routes with the inspector's (`GET /_ackbot/` and below), which sees every webhook.
#[cfg(feature = "dev")]
pub(crate) fn app_with_inspector(
    queue: Queue,
    front: Worker,
    settings: &ServeSettings,
    inspector: Arc<Inspector>,
) -> axum::Router {
    router(queue, front, settings, Some(inspector))
}

#[cfg(not(feature = "dev"))]
type Inspector = std::convert::Infallible;

fn router(
    queue: Queue,
    front: Worker,
    settings: &ServeSettings,
    inspector: Option<Arc<Inspector>>,
) -> axum::Router {
    let (routes, pages) = (front.routes(), front.pages());
    let front_door_only = front.front_door_routes();
    let platforms = (front.platforms().into_iter())
        .map(|p| p.as_str())
        .collect();
    let edge = Arc::new(Edge {
        queue,
        front,
        settings: settings.edge.clone(),
        ack_deadline: settings.ack_deadline,
        // The configuration admits 2xx statuses only.
        ack_status: StatusCode::from_u16(settings.edge.ack_status).unwrap_or(StatusCode::OK),
        platforms,
        front_door_only,
        next_id: AtomicU64::new(0),
        #[cfg(feature = "dev")]
        history: inspector.as_ref().map(|i| i.history()),
    });
    let mut router = axum::Router::new().route("/healthz", get(healthz));
    for route in pages {
        router = router.route(
            route,
            get(move |edge: State<Arc<Edge>>, parts: Parts| page(edge, route, parts)),
        );
    }
    for route in routes {
        router = router.route(
            route,
            post(move |edge: State<Arc<Edge>>, parts: Parts, body| {
                webhook(edge, route, parts, body)
            }),
        );
    }
    let router = router
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: this route is not configured\n",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(edge);
    match inspector {
        #[cfg(feature = "dev")]
        Some(inspector) => router.merge(crate::inspector::routes(inspector)),
        #[cfg(not(feature = "dev"))]
        Some(never) => match *never {},
        None => router,
    }
}

async fn healthz(State(edge): State<Arc<Edge>>) -> Response {
    let counts = edge.front.metrics().counts();
    let body = serde_json::json!({
        "status": "ok",
        "platforms": edge.platforms,
        "queued": edge.queue.waiting(),
        "outcomes": {
            "processed": counts.processed,
            "rejected": counts.rejected,
            "duplicate": counts.duplicate,
            "failed": counts.failed,
        },
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn webhook(
    State(edge): State<Arc<Edge>>,
    route: &'static str,
    parts: Parts,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let received_at_ms = now_ms();
    let request_id = format!(
        "{received_at_ms:x}-{:04x}",
        edge.next_id.fetch_add(1, Ordering::Relaxed) & 0xffff
    );
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                tracing::warn!(
                    route,
                    request_id,
                    limit = MAX_BODY_BYTES,
                    "body too large, refused with 413"
                );
                let text = format!("body larger than {MAX_BODY_BYTES} bytes\n");
                return (status, text).into_response();
            }
            tracing::warn!(route, request_id, error = %rejection, "could not read the request body");
            return (status, "could not read the request body\n").into_response();
        }
    };
    let headers: Headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str(), value)
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
        answered_replies: None,
        replay_of: None,
    };
    #[cfg(feature = "dev")]
    if let Some(history) = &edge.history {
        history.received(&envelope);
    }
    let response = if edge.settings.is_function_ack(route) || edge.front_door_only.contains(&route)
    {
        let answer = edge.front.front(envelope, edge.ack_deadline).await;
        front_door(&edge, route, &request_id, answer)
    } else {
        match edge.queue.try_enqueue(envelope) {
            Ok(()) => ack(&edge, route, &request_id),
            Err(refused) => busy(route, &request_id, refused),
        }
    };
    #[cfg(feature = "dev")]
    if let Some(history) = &edge.history {
        history.acked(&request_id, response.status().as_u16());
    }
    response
}

/// A browser's `GET` of an adapter's page (Slack's install link and OAuth redirect): answered
/// by the adapter, as the Lambda front door answers it. The query (an OAuth code) is not logged.
async fn page(State(edge): State<Arc<Edge>>, route: &'static str, parts: Parts) -> Response {
    let mut request = PageRequest::new(route, parts.uri.query().unwrap_or_default());
    request.request_id = format!(
        "{:x}-{:04x}",
        now_ms(),
        edge.next_id.fetch_add(1, Ordering::Relaxed) & 0xffff
    );
    for (name, value) in &parts.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        request.headers.append(name.as_str(), value);
    }
    let Some(page) = edge.front.page(&request).await else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    tracing::info!(route, request_id = %request.request_id, status = page.status, "page");
    let mut response = Response::new(Body::from(page.body));
    *response.status_mut() = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    for (name, value) in page.headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    response
}

fn busy(route: &str, request_id: &str, refused: Refused) -> Response {
    let why = match refused {
        Refused::Full => "the queue is full",
        Refused::Closed => "shutting down",
    };
    tracing::warn!(route, request_id, why, "refused with 503");
    let busy = format!("busy: {why}, try again\n");
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, busy).into_response();
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    // The refusal names its request id too, as the log line and the inspector do.
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-ackbot-request-id", id);
    }
    response
}

/// The front door's answer, after queueing what it hands on to the workers.
fn front_door(edge: &Edge, route: &str, request_id: &str, answer: Ack) -> Response {
    let Ack {
        status,
        content_type,
        body,
        forward,
    } = answer;
    if let Some(envelope) = forward
        && let Err(refused) = edge.queue.try_enqueue(envelope)
    {
        return busy(route, request_id, refused);
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-ackbot-request-id", id);
    }
    tracing::debug!(route, request_id, status, "answered by the front door");
    response
}

fn ack(edge: &Edge, route: &str, request_id: &str) -> Response {
    let body = if route == ackbot_slack::COMMANDS_ROUTE {
        edge.settings.slack_command_ack_body.clone()
    } else {
        String::new()
    };
    let content_type = if body.trim_start().starts_with('{') {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = edge.ack_status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-ackbot-request-id", id);
    }
    tracing::debug!(route, request_id, "acknowledged");
    response
}

#[cfg(test)]
#[path = "edge_tests.rs"]
mod tests;
