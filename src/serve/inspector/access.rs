//! Who may use the inspector. On a loopback address: requests that name the loopback address
//! as their `Host` and did not come through a proxy (a tunnel such as ngrok, opened for the
//! platforms' webhooks, must not expose the inspector, nor may a DNS-rebound site). Elsewhere:
//! only holders of `ACKBOT_INSPECT_TOKEN`, by a session cookie set at login or a bearer token.
//! Requests that change something also need the `x-ackbot-inspector` header, which a page of
//! another origin cannot send without a CORS preflight the inspector never grants.

use std::net::SocketAddr;

use axum::http::{header, HeaderMap};
use bot_core::{ExposeSecret, SecretString};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The session cookie's name.
pub(crate) const COOKIE: &str = "ackbot_inspector";
/// The header every request that changes something must carry.
pub(crate) const ACTION_HEADER: &str = "x-ackbot-inspector";
/// What the session cookie's value is an HMAC of, with the token as the key.
const SESSION_LABEL: &[u8] = b"ackbot inspector session v1";

/// How the inspector is reached, decided once from the address the edge listens on.
pub(crate) enum Access {
    /// On a loopback address: any local request that names it.
    Loopback {
        /// The port the edge listens on.
        port: u16,
    },
    /// Elsewhere: only with the token.
    Token(SecretString),
}

/// Why a request may not use the inspector.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Denied {
    /// Not for this host, or came through a proxy: 403.
    Forbidden(&'static str),
    /// No valid session or token: 401 (the page shows the login form).
    Unauthorized,
}

impl Access {
    /// The inspector's access for an edge listening on `addr`: on loopback, open to local
    /// requests; elsewhere only with `token`; `None` (the inspector is off) otherwise.
    pub(crate) fn for_address(addr: SocketAddr, token: Option<&SecretString>) -> Option<Self> {
        if addr.ip().is_loopback() {
            return Some(Access::Loopback { port: addr.port() });
        }
        token.map(|t| Access::Token(t.clone()))
    }

    /// Whether the token is needed.
    pub(crate) fn needs_token(&self) -> bool {
        matches!(self, Access::Token(_))
    }

    /// Whether a request with `headers` may read the inspector.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<(), Denied> {
        match self {
            Access::Loopback { port } => {
                let forwarded = [
                    "forwarded",
                    "x-forwarded-for",
                    "x-forwarded-host",
                    "x-real-ip",
                ];
                if forwarded.iter().any(|name| headers.contains_key(*name)) {
                    return Err(Denied::Forbidden(
                        "the inspector is not served through a proxy: open it on the loopback address",
                    ));
                }
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or_default();
                if !is_loopback_host(host, *port) {
                    return Err(Denied::Forbidden(
                        "the inspector answers only at its loopback address (127.0.0.1, localhost or [::1])",
                    ));
                }
                Ok(())
            }
            Access::Token(token) => {
                let bearer = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|h| h.to_str().ok())
                    .and_then(|h| h.strip_prefix("Bearer "));
                if let Some(offered) = bearer {
                    return match same_token(token, offered) {
                        true => Ok(()),
                        false => Err(Denied::Unauthorized),
                    };
                }
                match cookie(headers).is_some_and(|value| is_session(token, value)) {
                    true => Ok(()),
                    false => Err(Denied::Unauthorized),
                }
            }
        }
    }

    /// Whether a request with `headers` may change something: readable, with the action header,
    /// and from the inspector's own origin when the browser says where it came from.
    pub(crate) fn check_action(&self, headers: &HeaderMap) -> Result<(), Denied> {
        self.check(headers)?;
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

    /// The session cookie's value for a login with `offered`, if it is the token.
    pub(crate) fn login(&self, offered: &str) -> Option<String> {
        match self {
            Access::Token(token) if same_token(token, offered) => Some(session(token)),
            _ => None,
        }
    }
}

/// Whether `host` (a `Host` header) names the loopback address on `port`.
fn is_loopback_host(host: &str, port: u16) -> bool {
    let Some((name, named_port)) = host.rsplit_once(':') else {
        return false;
    };
    named_port.parse() == Ok(port) && matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

fn mac(token: &SecretString) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(token.expose_secret().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(SESSION_LABEL);
    mac
}

/// The session cookie's value: an HMAC of a fixed label under the token, so the cookie never
/// holds the token itself.
fn session(token: &SecretString) -> String {
    hex::encode(mac(token).finalize().into_bytes())
}

/// Whether `value` is the session of `token`, compared in constant time.
fn is_session(token: &SecretString, value: &str) -> bool {
    hex::decode(value).is_ok_and(|bytes| mac(token).verify_slice(&bytes).is_ok())
}

/// Whether `offered` is the token, compared in constant time (through their sessions).
fn same_token(token: &SecretString, offered: &str) -> bool {
    let offered = SecretString::from(offered.to_string());
    let theirs = mac(&offered).finalize().into_bytes();
    mac(token).verify_slice(&theirs).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn loopback_is_open_to_requests_naming_it_and_not_through_a_proxy() {
        let access = Access::for_address("127.0.0.1:3000".parse().unwrap(), None).unwrap();
        for host in ["127.0.0.1:3000", "localhost:3000", "[::1]:3000"] {
            assert_eq!(access.check(&headers(&[("host", host)])), Ok(()), "{host}");
        }
        for host in ["evil.example:3000", "127.0.0.1:3001", "localhost", ""] {
            assert!(
                matches!(
                    access.check(&headers(&[("host", host)])),
                    Err(Denied::Forbidden(_))
                ),
                "{host}"
            );
        }
        let tunnelled = headers(&[("host", "127.0.0.1:3000"), ("x-forwarded-for", "1.2.3.4")]);
        assert!(matches!(
            access.check(&tunnelled),
            Err(Denied::Forbidden(_))
        ));
    }

    #[test]
    fn elsewhere_it_is_off_without_a_token_and_asks_for_it_with_one() {
        let public: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        assert!(Access::for_address(public, None).is_none());
        let token = SecretString::from("s3cret-inspect");
        let access = Access::for_address(public, Some(&token)).unwrap();
        assert!(access.needs_token());
        let host = ("host", "bot.example:3000");
        assert_eq!(access.check(&headers(&[host])), Err(Denied::Unauthorized));
        let bearer = headers(&[host, ("authorization", "Bearer s3cret-inspect")]);
        assert_eq!(access.check(&bearer), Ok(()));
        let wrong = headers(&[host, ("authorization", "Bearer s3cret-inspecT")]);
        assert_eq!(access.check(&wrong), Err(Denied::Unauthorized));
        assert_eq!(access.login("nope"), None);
        let session = access.login("s3cret-inspect").unwrap();
        assert!(
            !session.contains("s3cret"),
            "the cookie never holds the token"
        );
        let cookie = format!("other=1; {COOKIE}={session}");
        assert_eq!(access.check(&headers(&[host, ("cookie", &cookie)])), Ok(()));
        let forged = format!("{COOKIE}={}", "0".repeat(64));
        assert_eq!(
            access.check(&headers(&[host, ("cookie", &forged)])),
            Err(Denied::Unauthorized)
        );
    }

    #[test]
    fn actions_need_the_header_and_the_same_origin() {
        let access = Access::for_address("127.0.0.1:3000".parse().unwrap(), None).unwrap();
        let host = ("host", "127.0.0.1:3000");
        assert!(matches!(
            access.check_action(&headers(&[host])),
            Err(Denied::Forbidden(_))
        ));
        assert_eq!(
            access.check_action(&headers(&[host, (ACTION_HEADER, "1")])),
            Ok(())
        );
        let same = headers(&[
            host,
            (ACTION_HEADER, "1"),
            ("origin", "http://127.0.0.1:3000"),
        ]);
        assert_eq!(access.check_action(&same), Ok(()));
        let other = headers(&[
            host,
            (ACTION_HEADER, "1"),
            ("origin", "http://evil.example"),
        ]);
        assert!(matches!(
            access.check_action(&other),
            Err(Denied::Forbidden(_))
        ));
    }
}
