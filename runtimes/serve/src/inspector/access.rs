//! Who may use the inspector: only holders of its token, on loopback too (as Jupyter does), since
//! a reverse proxy or a TCP tunnel in front of a loopback edge makes any request look local. The
//! token is `ACKBOT_INSPECT_TOKEN`, or on a loopback address a fresh random one printed at start.
//! A browser logs in once (the token in the page's address, or the login form) and keeps a
//! session cookie: a random id the inspector remembers for [`SESSION_TTL`], never the token, and
//! forgotten at restart. Scripts send `Authorization: Bearer TOKEN`. Wrong tokens are throttled
//! per client address. On loopback the `Host` must also name a loopback address (a DNS-rebound
//! site cannot use a session), and requests that change something need the
//! `x-ackbot-inspector` header, which a page of another origin cannot send without a CORS
//! preflight the inspector never grants.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ackbot_core::{ExposeSecret, SecretString};
use axum::http::{HeaderMap, header};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::throttle::Throttle;

/// The session cookie's name.
pub(crate) const COOKIE: &str = "ackbot_inspector";
/// The header every request that changes something must carry.
pub(crate) const ACTION_HEADER: &str = "x-ackbot-inspector";
/// How long a session lasts after login.
pub(crate) const SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);
/// How many sessions are remembered at once; a new login past it ends the oldest.
const MAX_SESSIONS: usize = 64;

/// How the inspector is reached, decided once from the address the edge listens on.
pub(crate) struct Access {
    token: SecretString,
    /// Whether the token was made at start (so it is printed) rather than configured.
    fresh: bool,
    /// On a loopback address: the `Host` must name one.
    loopback: bool,
    sessions: Mutex<HashMap<[u8; 32], Instant>>,
    throttle: Throttle,
}

/// Why a request may not use the inspector.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Denied {
    /// Not for this host, or not from the inspector's own page: 403.
    Forbidden(&'static str),
    /// No valid session or token: 401 (the page shows the login form).
    Unauthorized,
    /// Too many wrong tokens from this client: 429, for this long.
    Throttled(Duration),
}

impl Access {
    /// The inspector's access for an edge listening on `addr`: with `token`, or on a loopback
    /// address with a fresh random token; `None` (the inspector is off) elsewhere without one.
    pub(crate) fn for_address(addr: SocketAddr, token: Option<&SecretString>) -> Option<Self> {
        let loopback = addr.ip().is_loopback();
        let (token, fresh) = match token {
            Some(token) => (token.clone(), false),
            None if loopback => (SecretString::from(random_hex()), true),
            None => return None,
        };
        Some(Self {
            token,
            fresh,
            loopback,
            sessions: Mutex::default(),
            throttle: Throttle::default(),
        })
    }

    /// The token to print in the page's address: a fresh one only (a configured token is the
    /// operator's to keep, and is never printed).
    pub(crate) fn printable_token(&self) -> Option<&str> {
        self.fresh.then(|| self.token.expose_secret())
    }

    /// Whether a request with `headers` from `peer` may read the inspector at `now`.
    pub(crate) fn check(
        &self,
        headers: &HeaderMap,
        peer: IpAddr,
        now: Instant,
    ) -> Result<(), Denied> {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "));
        match bearer {
            Some(offered) => self.try_token(offered, peer, now)?,
            None => match cookie(headers).is_some_and(|id| self.is_session(id, now)) {
                true => {}
                false => return Err(Denied::Unauthorized),
            },
        }
        self.check_host(headers)
    }

    /// Whether a request with `headers` may change something: readable, with the action header,
    /// and from the inspector's own origin when the browser says where it came from.
    pub(crate) fn check_action(
        &self,
        headers: &HeaderMap,
        peer: IpAddr,
        now: Instant,
    ) -> Result<(), Denied> {
        self.check(headers, peer, now)?;
        if headers.get(ACTION_HEADER).and_then(|v| v.to_str().ok()) != Some("1") {
            return Err(Denied::Forbidden(
                "an inspector action needs the x-ackbot-inspector: 1 header",
            ));
        }
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
            let same = host.is_some_and(|host| {
                origin == format!("http://{host}") || origin == format!("https://{host}")
            });
            if !same {
                return Err(Denied::Forbidden("an inspector action from another origin"));
            }
        }
        Ok(())
    }

    /// Logs in with `offered` (from the login form or the page's address): a new session's id
    /// for the cookie, if it is the token and `peer` is not throttled.
    pub(crate) fn login(
        &self,
        offered: &str,
        headers: &HeaderMap,
        peer: IpAddr,
        now: Instant,
    ) -> Result<String, Denied> {
        self.try_token(offered, peer, now)?;
        self.check_host(headers)?;
        let id = random_hex();
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, expires| *expires > now);
        if sessions.len() >= MAX_SESSIONS {
            let oldest = sessions.iter().min_by_key(|(_, e)| **e).map(|(k, _)| *k);
            if let Some(oldest) = oldest {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(digest(&id), now + SESSION_TTL);
        Ok(id)
    }

    /// Whether `offered` is the token, counting a wrong one against `peer`.
    fn try_token(&self, offered: &str, peer: IpAddr, now: Instant) -> Result<(), Denied> {
        self.throttle.admit(peer, now).map_err(Denied::Throttled)?;
        if same_token(&self.token, offered) {
            self.throttle.forgive(peer);
            return Ok(());
        }
        tracing::warn!(%peer, "the inspector was offered a wrong token");
        self.throttle.failed(peer, now);
        Err(Denied::Unauthorized)
    }

    fn is_session(&self, id: &str, now: Instant) -> bool {
        let sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        // Looked up by a hash of the id, so the lookup's timing tells nothing about other ids.
        sessions
            .get(&digest(id))
            .is_some_and(|expires| *expires > now)
    }

    /// On a loopback address, the `Host` must name one (a DNS-rebound site names its own).
    fn check_host(&self, headers: &HeaderMap) -> Result<(), Denied> {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        match !self.loopback || is_loopback_host(host) {
            true => Ok(()),
            false => Err(Denied::Forbidden(
                "the inspector answers only at its loopback address (127.0.0.1, localhost or [::1])",
            )),
        }
    }
}

/// Whether `host` (a `Host` header) names a loopback address, on any port (an ssh tunnel may
/// forward another).
fn is_loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(name, "localhost" | "[::1]") || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether the request reached the edge over https (through a proxy that says so), where the
/// session cookie is marked `Secure`.
pub(crate) fn is_https(headers: &HeaderMap) -> bool {
    let said = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    said("x-forwarded-proto").is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
        || said("forwarded").is_some_and(|f| {
            f.split([';', ',']).any(|pair| {
                pair.trim().split_once('=').is_some_and(|(k, v)| {
                    k.eq_ignore_ascii_case("proto") && v.eq_ignore_ascii_case("https")
                })
            })
        })
}

fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

/// 32 random bytes from the operating system, as hex.
fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex::encode(bytes)
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Whether `offered` is the token, compared in constant time (through HMACs of both under a
/// fixed key, so that neither length nor content leaks through timing).
fn same_token(token: &SecretString, offered: &str) -> bool {
    let mac = |key: &[u8]| {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"ackbot inspector token v2")
            .expect("HMAC takes a key of any length");
        mac.update(key);
        mac
    };
    let theirs = mac(offered.as_bytes()).finalize().into_bytes();
    mac(token.expose_secret().as_bytes())
        .verify_slice(&theirs)
        .is_ok()
}

#[cfg(test)]
#[path = "access_tests.rs"]
mod tests;
