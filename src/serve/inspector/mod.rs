//! The inspector: a page at `GET /_ackbot/` that shows every webhook the edge receives, live,
//! with each stage its worker went through; Replay runs a stored webhook again, Send posts a
//! signed one. Served from the binary (no network), on a loopback address, or elsewhere only
//! with `ACKBOT_INSPECT_TOKEN` (see [`access`]).

mod access;
mod assets;
pub(crate) mod history;
mod view;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use bot_core::SecretString;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::{broadcast, watch, OnceCell};

use crate::config::Config;
use crate::send::Signed;
use crate::serve::pool::{Queue, Refused};
use crate::standin::slack::SlackStandIn;
pub(crate) use access::Access;
use access::Denied;
use history::History;
use view::Detail;

/// The inspector's path prefix; the webhook routes never start with it.
pub(crate) const PREFIX: &str = "/_ackbot";
/// The LINE user the inspector's Send writes as.
const SEND_USER_ID: &str = "U4af4980629a1b2c3d4e5f60718293a4b";

/// The inspector of one edge.
pub(crate) struct Inspector {
    history: Arc<History>,
    access: Access,
    queue: Queue,
    /// The edge's own address, where Send posts.
    edge_url: String,
    platforms: Vec<&'static str>,
    slack_secret: Option<SecretString>,
    line_secret: Option<SecretString>,
    /// Where the Slack commands sent from the page have their `response_url`, started on the
    /// first Send.
    catcher: OnceCell<SlackStandIn>,
    client: reqwest::Client,
    replays: AtomicU64,
    closing: watch::Receiver<bool>,
}

/// Who may use the inspector of an edge listening on `addr`, or `None` when it is off there (not
/// on a loopback address and no `ACKBOT_INSPECT_TOKEN`, or `ACKBOT_INSPECT=off`): then nothing
/// is recorded at all.
pub(crate) fn access(config: &Config, addr: SocketAddr) -> Option<Access> {
    if !config.edge.inspect {
        return None;
    }
    let access = Access::for_address(addr, config.edge.inspect_token.as_ref());
    if access.is_none() {
        tracing::info!(%addr, "the inspector is off on a non-loopback address: set ACKBOT_INSPECT_TOKEN to serve it there");
    }
    access
}

impl Inspector {
    /// The inspector of an edge listening on `addr`, reached as `access` allows, over the
    /// `history` its workers record into.
    pub(crate) fn new(
        access: Access,
        config: &Config,
        addr: SocketAddr,
        history: Arc<History>,
        queue: Queue,
        closing: watch::Receiver<bool>,
    ) -> Self {
        let edge_url = match addr.ip().is_unspecified() {
            true => format!("http://127.0.0.1:{}", addr.port()),
            false => format!("http://{addr}"),
        };
        Self {
            history,
            access,
            queue,
            edge_url,
            platforms: config.platforms(),
            slack_secret: config.slack.as_ref().map(|s| s.signing_secret.clone()),
            line_secret: config.line.as_ref().map(|l| l.channel_secret.clone()),
            catcher: OnceCell::new(),
            client: reqwest::Client::new(),
            replays: AtomicU64::new(0),
            closing,
        }
    }

    /// The page's address, for the log and the demo.
    pub(crate) fn url(&self) -> String {
        format!("{}{PREFIX}/", self.edge_url)
    }

    /// The history the edge and the workers record into.
    pub(crate) fn history(&self) -> Arc<History> {
        Arc::clone(&self.history)
    }

    /// Whether the page asks for `ACKBOT_INSPECT_TOKEN`.
    pub(crate) fn needs_token(&self) -> bool {
        self.access.needs_token()
    }
}

/// The inspector's routes, every answer with its security headers.
pub(crate) fn routes(inspector: Arc<Inspector>) -> axum::Router {
    axum::Router::new()
        .route(PREFIX, get(|| async { Redirect::permanent("/_ackbot/") }))
        .route("/_ackbot/", get(page))
        .route("/_ackbot/app.js", get(|| async { assets::script() }))
        .route("/_ackbot/app.css", get(|| async { assets::style() }))
        .route("/_ackbot/favicon.svg", get(|| async { assets::icon() }))
        .route("/_ackbot/login", post(login))
        .route("/_ackbot/events", get(events))
        .route("/_ackbot/api/webhooks/{id}", get(detail))
        .route("/_ackbot/api/webhooks/{id}/replay", post(replay))
        .route("/_ackbot/api/send", post(send))
        .layer(axum::middleware::map_response(assets::secure))
        .with_state(inspector)
}

/// A request allowed to read the inspector.
struct Reader;

/// A request allowed to change something (Replay, Send).
struct Actor;

impl FromRequestParts<Arc<Inspector>> for Reader {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        inspector: &Arc<Inspector>,
    ) -> Result<Self, Response> {
        inspector
            .access
            .check(&parts.headers)
            .map(|()| Reader)
            .map_err(refuse)
    }
}

impl FromRequestParts<Arc<Inspector>> for Actor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        inspector: &Arc<Inspector>,
    ) -> Result<Self, Response> {
        inspector
            .access
            .check_action(&parts.headers)
            .map(|()| Actor)
            .map_err(refuse)
    }
}

fn refuse(denied: Denied) -> Response {
    match denied {
        Denied::Forbidden(why) => error(StatusCode::FORBIDDEN, why),
        Denied::Unauthorized => error(
            StatusCode::UNAUTHORIZED,
            "the inspector needs ACKBOT_INSPECT_TOKEN: log in at /_ackbot/",
        ),
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

async fn page(State(inspector): State<Arc<Inspector>>, parts: Parts) -> Response {
    match inspector.access.check(&parts.headers) {
        Ok(()) => assets::page(),
        Err(Denied::Unauthorized) => assets::login(StatusCode::UNAUTHORIZED, None),
        Err(denied) => refuse(denied),
    }
}

/// The login form's post: `token=…`, form-encoded.
async fn login(State(inspector): State<Arc<Inspector>>, form: Bytes) -> Response {
    if !inspector.needs_token() {
        return error(
            StatusCode::NOT_FOUND,
            "this inspector has no token to log in with",
        );
    }
    let token = form_urlencoded::parse(&form)
        .find(|(name, _)| name == "token")
        .map(|(_, token)| token.into_owned())
        .unwrap_or_default();
    match inspector.access.login(&token) {
        Some(session) => {
            let cookie = format!(
                "{}={session}; Path={PREFIX}/; HttpOnly; SameSite=Strict",
                access::COOKIE
            );
            let mut response = Redirect::to("/_ackbot/").into_response();
            if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        None => {
            tracing::warn!("inspector login with a wrong token");
            assets::login(StatusCode::UNAUTHORIZED, Some("That token is not right."))
        }
    }
}

/// The page's event stream: `hello` with every webhook kept, then `webhook` with each change;
/// `hello` again when the page fell too far behind. It ends when the edge stops.
async fn events(
    _: Reader,
    State(inspector): State<Arc<Inspector>>,
) -> Sse<impl futures::Stream<Item = Result<Event, std::convert::Infallible>>> {
    struct Feed {
        inspector: Arc<Inspector>,
        changes: broadcast::Receiver<history::Change>,
        closing: watch::Receiver<bool>,
        hello: bool,
    }
    fn hello(inspector: &Inspector) -> Event {
        let hello = json!({
            "platforms": inspector.platforms,
            "capacity": inspector.history.capacity(),
            "webhooks": inspector.history.summaries(),
        });
        Event::default().event("hello").data(hello.to_string())
    }
    let feed = Feed {
        changes: inspector.history.subscribe(),
        closing: inspector.closing.clone(),
        inspector,
        hello: true,
    };
    let stream = futures::stream::unfold(feed, |mut feed| async move {
        if std::mem::take(&mut feed.hello) {
            let event = hello(&feed.inspector);
            return Some((Ok(event), feed));
        }
        if *feed.closing.borrow() {
            return None;
        }
        let event = tokio::select! {
            _ = feed.closing.changed() => return None,
            change = feed.changes.recv() => match change {
                Ok(change) => Event::default().event("webhook").data(&*change),
                Err(broadcast::error::RecvError::Lagged(_)) => hello(&feed.inspector),
                Err(broadcast::error::RecvError::Closed) => return None,
            },
        };
        Some((Ok(event), feed))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn detail(
    _: Reader,
    State(inspector): State<Arc<Inspector>>,
    Path(id): Path<String>,
) -> Response {
    match inspector.history.get(&id) {
        Some((summary, envelope)) => Json(Detail::new(summary, &envelope)).into_response(),
        None => gone(&id),
    }
}

fn gone(id: &str) -> Response {
    let message =
        format!("no webhook {id:?} in the history: it may have been dropped to keep memory flat");
    error(StatusCode::NOT_FOUND, &message)
}

/// Queues a stored webhook again as a new delivery marked as a replay: it bypasses
/// deduplication, and its replies go out again.
async fn replay(
    _: Actor,
    State(inspector): State<Arc<Inspector>>,
    Path(id): Path<String>,
) -> Response {
    let Some((_, mut envelope)) = inspector.history.get(&id) else {
        return gone(&id);
    };
    let n = inspector.replays.fetch_add(1, Ordering::Relaxed) + 1;
    envelope.request_id = format!("{id}-r{n}");
    envelope.replay_of = Some(id.clone());
    // The original receipt time stays: the signature's freshness is judged by it.
    let request_id = envelope.request_id.clone();
    inspector.history.received(&envelope);
    match inspector.queue.try_enqueue(envelope) {
        Ok(()) => {
            tracing::info!(request_id, replay_of = id, "replay queued by the inspector");
            (StatusCode::ACCEPTED, Json(json!({ "id": request_id }))).into_response()
        }
        Err(refused) => {
            let why = match refused {
                Refused::Full => "the queue is full: try again",
                Refused::Closed => "the edge is shutting down",
            };
            inspector.history.refused(&request_id, why);
            error(StatusCode::SERVICE_UNAVAILABLE, why)
        }
    }
}

#[derive(Deserialize)]
struct SendRequest {
    platform: String,
    text: String,
}

/// Posts a signed Slack slash command or LINE text to the edge, as `ackbot send` does.
async fn send(
    _: Actor,
    State(inspector): State<Arc<Inspector>>,
    Json(request): Json<SendRequest>,
) -> Response {
    let text = request.text.trim();
    if text.is_empty() {
        return error(StatusCode::BAD_REQUEST, "write something to send");
    }
    let signed = match request.platform.as_str() {
        "slack" => {
            let Some(secret) = &inspector.slack_secret else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Slack is not configured (SLACK_SIGNING_SECRET)",
                );
            };
            if !text.starts_with('/') || text.len() < 2 {
                return error(
                    StatusCode::BAD_REQUEST,
                    "a slash command starts with /, e.g. /echo hi",
                );
            }
            let catcher = inspector.catcher.get_or_try_init(SlackStandIn::start).await;
            let response_url = match catcher {
                Ok(catcher) => catcher.response_url("inspector"),
                Err(e) => {
                    tracing::error!(error = %e, "could not start the inspector's response_url");
                    return error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "could not listen for the reply",
                    );
                }
            };
            Signed::slack_command(
                secret,
                bot_slack::sample::slash_command(text, &response_url),
            )
        }
        "line" => {
            let Some(secret) = &inspector.line_secret else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "LINE is not configured (LINE_CHANNEL_SECRET)",
                );
            };
            Signed::line(
                secret,
                bot_line::sample::text_message(text, SEND_USER_ID, false),
            )
        }
        other => {
            let message = format!("unknown platform {other:?}: slack or line");
            return error(StatusCode::BAD_REQUEST, &message);
        }
    };
    let answer = signed
        .request(&inspector.client, &inspector.edge_url)
        .send()
        .await;
    match answer {
        Ok(response) => {
            let status = response.status().as_u16();
            let id = crate::send::request_id(&response);
            (
                StatusCode::ACCEPTED,
                Json(json!({ "id": id, "status": status })),
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "the inspector could not post to its own edge");
            error(StatusCode::BAD_GATEWAY, "could not reach the edge")
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
