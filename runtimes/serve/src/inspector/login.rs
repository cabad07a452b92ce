//! Who is let in, as the routes see it: the extractors that check every request, the page with
//! its login (`?token=` or the form) and the answers to those refused (401, 403, 429).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::access::{self, Denied};
use super::{Inspector, PREFIX, assets, error};

/// A request allowed to read the inspector.
pub(super) struct Reader;

/// A request allowed to change something (Replay, Send).
pub(super) struct Actor;

impl FromRequestParts<Arc<Inspector>> for Reader {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        inspector: &Arc<Inspector>,
    ) -> Result<Self, Response> {
        let access = &inspector.access;
        (access.check(&parts.headers, peer(parts), Instant::now()))
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
        let access = &inspector.access;
        (access.check_action(&parts.headers, peer(parts), Instant::now()))
            .map(|()| Actor)
            .map_err(refuse)
    }
}

/// The client's address, as the edge's listener saw it.
fn peer(parts: &Parts) -> IpAddr {
    (parts.extensions.get::<ConnectInfo<SocketAddr>>())
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

fn refuse(denied: Denied) -> Response {
    match denied {
        Denied::Forbidden(why) => error(StatusCode::FORBIDDEN, why),
        Denied::Unauthorized => error(
            StatusCode::UNAUTHORIZED,
            "the inspector needs its token: open the address `ackbot serve` printed, or log in \
             at /_ackbot/",
        ),
        Denied::Throttled(wait) => throttled(
            error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many wrong tokens from this address: wait, then try again",
            ),
            wait,
        ),
    }
}

/// `response` with a `Retry-After` of `wait`, rounded up to whole seconds.
fn throttled(mut response: Response, wait: std::time::Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    response
}

#[derive(Deserialize)]
pub(super) struct PageQuery {
    token: Option<String>,
}

/// The page; with `?token=…` (the address `serve` prints), a login that drops the token from
/// the address bar.
pub(super) async fn page(
    State(inspector): State<Arc<Inspector>>,
    Query(query): Query<PageQuery>,
    parts: Parts,
) -> Response {
    if let Some(token) = query.token {
        return logged_in(&inspector, &token, &parts);
    }
    match inspector
        .access
        .check(&parts.headers, peer(&parts), Instant::now())
    {
        Ok(()) => assets::page(),
        Err(Denied::Unauthorized) => assets::login(StatusCode::UNAUTHORIZED, None),
        Err(denied) => refuse(denied),
    }
}

/// The login form's post: `token=…`, form-encoded.
pub(super) async fn login(
    State(inspector): State<Arc<Inspector>>,
    parts: Parts,
    form: Bytes,
) -> Response {
    let token = form_urlencoded::parse(&form)
        .find(|(name, _)| name == "token")
        .map(|(_, token)| token.into_owned())
        .unwrap_or_default();
    logged_in(&inspector, &token, &parts)
}

/// A login with `token`: to the page with a session cookie, or the form again with why not.
fn logged_in(inspector: &Inspector, token: &str, parts: &Parts) -> Response {
    let now = Instant::now();
    match inspector
        .access
        .login(token, &parts.headers, peer(parts), now)
    {
        Ok(session) => {
            let secure = match access::is_https(&parts.headers) {
                true => "; Secure",
                false => "",
            };
            let cookie = format!(
                "{}={session}; Path={PREFIX}/; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
                access::COOKIE,
                access::SESSION_TTL.as_secs(),
            );
            let mut response = Redirect::to("/_ackbot/").into_response();
            if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(Denied::Unauthorized) => {
            assets::login(StatusCode::UNAUTHORIZED, Some("That token is not right."))
        }
        Err(Denied::Throttled(wait)) => throttled(
            assets::login(
                StatusCode::TOO_MANY_REQUESTS,
                Some("Too many wrong tokens from this address: wait a while, then try again."),
            ),
            wait,
        ),
        Err(denied) => refuse(denied),
    }
}
