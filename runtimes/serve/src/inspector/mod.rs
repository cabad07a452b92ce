//! The inspector: a page at `GET /_ackbot/` that shows every webhook the edge receives, live,
//! with each stage its worker went through; Replay runs a stored webhook again, Send posts a
//! signed one. Served from the binary (no network) to holders of its token: a fresh one printed
//! at start on a loopback address, or `ACKBOT_INSPECT_TOKEN` (see [`access`]).

mod access;
mod assets;
mod detail;
mod feed;
pub(crate) mod history;
mod login;
mod throttle;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ackbot_core::SecretString;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::{OnceCell, watch};

use crate::pool::{Queue, Refused};
use crate::send::Signed;
use crate::{EdgeSettings, ServeSettings};
pub(crate) use access::Access;
use ackbot_slack::standin::SlackStandIn;
use detail::Detail;
use history::History;
use login::{Actor, Reader};

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
    /// Discord's public key: Send signs with the test key pair when it is the test key.
    discord_key: Option<String>,
    /// Where the Slack commands sent from the page have their `response_url`, started on the
    /// first Send.
    catcher: OnceCell<SlackStandIn>,
    client: reqwest::Client,
    replays: AtomicU64,
    closing: watch::Receiver<bool>,
}

/// Who may use the inspector of an edge listening on `addr` (with a fresh token on a loopback
/// address unless `ACKBOT_INSPECT_TOKEN` is set), or `None` when it is off there (not on a
/// loopback address and no `ACKBOT_INSPECT_TOKEN`, or `ACKBOT_INSPECT=off`): then nothing is
/// recorded at all.
pub(crate) fn access(settings: &EdgeSettings, addr: SocketAddr) -> Option<Access> {
    if !settings.inspect {
        return None;
    }
    let access = Access::for_address(addr, settings.inspect_token.as_ref());
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
        settings: &ServeSettings,
        worker: &ackbot_core::runtime::Worker,
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
            platforms: (worker.platforms().into_iter())
                .map(|p| p.as_str())
                .collect(),
            slack_secret: settings.signing.slack.clone(),
            line_secret: settings.signing.line.clone(),
            discord_key: settings.signing.discord.clone(),
            catcher: OnceCell::new(),
            client: reqwest::Client::new(),
            replays: AtomicU64::new(0),
            closing,
        }
    }

    /// The page's address, for the log.
    pub(crate) fn url(&self) -> String {
        format!("{}{PREFIX}/", self.edge_url)
    }

    /// The line `serve` and `demo --inspect` print: the page's address with a fresh token, which
    /// logs the browser in, or the address and where its token is.
    pub(crate) fn login_line(&self) -> String {
        match self.access.printable_token() {
            Some(token) => format!("{}?token={token}", self.url()),
            None => format!("{} (log in with ACKBOT_INSPECT_TOKEN)", self.url()),
        }
    }

    /// The history the edge and the workers record into.
    pub(crate) fn history(&self) -> Arc<History> {
        Arc::clone(&self.history)
    }
}

/// The inspector's routes, every answer with its security headers.
pub(crate) fn routes(inspector: Arc<Inspector>) -> axum::Router {
    axum::Router::new()
        .route(PREFIX, get(|| async { Redirect::permanent("/_ackbot/") }))
        .route("/_ackbot/", get(login::page))
        .route(
            "/_ackbot/app.js",
            get(|_: Reader| async { assets::script() }),
        )
        .route("/_ackbot/app.css", get(|| async { assets::style() }))
        .route("/_ackbot/favicon.svg", get(|| async { assets::icon() }))
        .route("/_ackbot/login", post(login::login))
        .route("/_ackbot/events", get(events))
        .route("/_ackbot/api/webhooks/{id}", get(detail))
        .route("/_ackbot/api/webhooks/{id}/replay", post(replay))
        .route("/_ackbot/api/send", post(send))
        .layer(axum::middleware::map_response(assets::secure))
        .with_state(inspector)
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// The page's event stream: `hello` with every webhook kept, then `webhook` with each change;
/// `hello` again when the page fell too far behind. It ends when the edge stops.
async fn events(_: Reader, State(inspector): State<Arc<Inspector>>) -> Response {
    struct Following {
        inspector: Arc<Inspector>,
        changes: feed::Reader,
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
    let Some(changes) = inspector.history.subscribe() else {
        let most = feed::MAX_READERS;
        let message = format!("{most} pages follow the inspector already: close one");
        return error(StatusCode::SERVICE_UNAVAILABLE, &message);
    };
    let feed = Following {
        changes,
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
            next = feed.changes.next() => match next {
                feed::Next::Change(change) => Event::default().event("webhook").data(&*change),
                feed::Next::Lagged => hello(&feed.inspector),
            },
        };
        Some((Ok::<_, std::convert::Infallible>(event), feed))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
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

/// Posts a signed Slack slash command, LINE text or Discord command to the edge, as `ackbot
/// send` does.
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
                ackbot_slack::sample::slash_command(text, &response_url),
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
                ackbot_line::sample::text_message(text, SEND_USER_ID, false),
            )
        }
        "discord" => {
            let test = ackbot_discord::sample::TEST_PUBLIC_KEY;
            if !(inspector.discord_key.as_deref()).is_some_and(|k| k.eq_ignore_ascii_case(test)) {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Send signs Discord interactions with ackbot's test key pair: set \
                     DISCORD_PUBLIC_KEY to the test key (ackbot::discord::sample::TEST_PUBLIC_KEY) \
                     to use it on this machine",
                );
            }
            if !text.starts_with('/') || text.len() < 2 {
                return error(
                    StatusCode::BAD_REQUEST,
                    "a slash command starts with /, e.g. /echo hi",
                );
            }
            Signed::discord(ackbot_discord::sample::typed(text).to_string())
        }
        other => {
            let message = format!("unknown platform {other:?}: slack, line or discord");
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
