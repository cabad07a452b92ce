//! The LINE Messaging API inside handlers: the [`Line`] extractor, holding the shared client and
//! the event's reply token and source.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ackbot_core::{FromIncoming, Request, UnavailableRejection};
use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

use ackbot_core::http::DATA_RESPONSE_CAP;

use crate::client::{Call, LineClient, PROFILE_ENDPOINT, PUSH_PATH};
use crate::webhook::Source;
use crate::{MAX_MESSAGES_PER_REQUEST, Profile, ReplyError, SentMessage};

/// The longest path [`Line::call`] takes, and the longest id put into a path.
const MAX_PATH_CHARS: usize = 300;

/// The message-sending endpoints that take an `X-Line-Retry-Key`.
const RETRY_KEY_PATHS: [&str; 4] = [
    PUSH_PATH,
    "/v2/bot/message/multicast",
    "/v2/bot/message/narrowcast",
    "/v2/bot/message/broadcast",
];

/// Whether an event's reply token was used, shared by the event's [`Line`] handle and its
/// delivery: once a handler replied with it, the delivery of the handler's replies pushes.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReplyTokenSpent(Arc<AtomicBool>);

impl ReplyTokenSpent {
    /// Marks the token spent; `true` if it was spent already.
    pub(crate) fn spend(&self) -> bool {
        self.0.swap(true, Ordering::SeqCst)
    }

    /// Whether the token was spent.
    pub(crate) fn is_spent(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Gives the token back: LINE refused the request without using it.
    fn restore(&self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// What a handle knows of the event it was made for.
struct EventContext {
    webhook_event_id: String,
    /// What the handler's own retry keys derive from: the event's id (and, for a replay asked
    /// for on purpose, the replay's), and how many such calls it made so far.
    retry_key_seed: String,
    retry_key_calls: AtomicUsize,
    reply_token: Option<String>,
    reply_token_spent: ReplyTokenSpent,
    source: Option<Source>,
}

/// The LINE Messaging API for a handler: the shared client (its token, API URL and bounded
/// retries) and the event's reply token and source. Take it as a handler argument; a command
/// from another platform is answered "not available".
///
/// ```no_run
/// use ackbot_core::{HandlerError, Reply};
/// use ackbot_line::Line;
///
/// /// Greets the user by their LINE display name.
/// async fn who(line: Line) -> Result<Reply, HandlerError> {
///     let user_id = line
///         .user_id()
///         .ok_or_else(|| HandlerError::user("I can't see who you are here."))?;
///     let profile = line.profile(user_id).await?;
///     Ok(Reply::text(format!("Hello, {}!", profile.display_name)))
/// }
/// ```
#[derive(Clone)]
pub struct Line {
    client: Arc<LineClient>,
    event: Arc<EventContext>,
}

impl Line {
    pub(crate) fn new(
        client: Arc<LineClient>,
        webhook_event_id: String,
        retry_key_seed: String,
        reply_token: Option<String>,
        reply_token_spent: ReplyTokenSpent,
        source: Option<Source>,
    ) -> Self {
        let reply_token = reply_token.filter(|t| !t.is_empty());
        Self {
            client,
            event: Arc::new(EventContext {
                webhook_event_id,
                retry_key_seed,
                retry_key_calls: AtomicUsize::new(0),
                reply_token,
                reply_token_spent,
                source,
            }),
        }
    }

    /// The event's `webhookEventId`.
    pub fn webhook_event_id(&self) -> &str {
        &self.event.webhook_event_id
    }

    /// The event's reply token, if it has one (none in standby mode); it works once, within
    /// about a minute.
    pub fn reply_token(&self) -> Option<&str> {
        self.event.reply_token.as_deref()
    }

    /// Where the event came from: a user, a group or a room.
    pub fn source(&self) -> Option<&Source> {
        self.event.source.as_ref()
    }

    /// The ID of the user who caused the event, if LINE sent one.
    pub fn user_id(&self) -> Option<&str> {
        self.source().and_then(Source::user_id)
    }

    /// The group ID, when the event came from a group chat.
    pub fn group_id(&self) -> Option<&str> {
        match self.source() {
            Some(Source::Group { group_id, .. }) => Some(group_id),
            _ => None,
        }
    }

    /// The room ID, when the event came from a multi-person chat.
    pub fn room_id(&self) -> Option<&str> {
        match self.source() {
            Some(Source::Room { room_id, .. }) => Some(room_id),
            _ => None,
        }
    }

    /// The ID to push to for the event's own chat: the group, the room, or the user.
    pub fn push_target(&self) -> Option<&str> {
        self.source().and_then(Source::push_target)
    }

    /// `POST /v2/bot/message/reply`: replies with 1–5 messages using the event's reply token.
    ///
    /// The token works once: after this call the worker pushes the handler's own replies instead
    /// of replying (unless LINE refused the request with a 4xx that left the token unused, such
    /// as a malformed message). A second call fails with [`ReplyError::ReplyTokenUsed`] without
    /// a request, an event without a token with [`ReplyError::NoReplyToken`]; LINE refuses an
    /// expired one (`Invalid reply token`). [`ReplyError::is_invalid_reply_token`] tells all
    /// three: push then.
    pub async fn reply(&self, messages: Vec<Value>) -> Result<Vec<SentMessage>, ReplyError> {
        check_messages(&messages)?;
        let token = self.reply_token().ok_or(ReplyError::NoReplyToken)?;
        let spent = &self.event.reply_token_spent;
        if spent.spend() {
            return Err(ReplyError::ReplyTokenUsed);
        }
        let result = self.client.reply(token, &messages).await;
        if let Err(e) = &result
            && refused_without_using_the_token(e)
        {
            spent.restore();
        }
        result
    }

    /// `POST /v2/bot/message/push`: sends 1–5 messages to a user, group or room, with an
    /// `X-Line-Retry-Key` kept across its retries and derived from the event and this call's
    /// place among the handler's calls ([`handler_retry_key`](crate::handler_retry_key)), so
    /// neither a retry of the request nor a Lambda retry of the whole event sends twice. Counts
    /// against the monthly message quota.
    pub async fn push(
        &self,
        to: &str,
        messages: Vec<Value>,
    ) -> Result<Vec<SentMessage>, ReplyError> {
        check_messages(&messages)?;
        let key = self.next_retry_key();
        self.client.push(to, &messages, Some(key)).await
    }

    /// The retry key of the handler's next call that takes one.
    fn next_retry_key(&self) -> Uuid {
        let n = self.event.retry_key_calls.fetch_add(1, Ordering::SeqCst);
        crate::handler_retry_key(&self.event.retry_key_seed, n)
    }

    /// `GET /v2/bot/profile/{userId}`: the profile of a user who is a friend of the bot.
    pub async fn profile(&self, user_id: &str) -> Result<Profile, ReplyError> {
        if !is_id(user_id) {
            return Err(self.refused(format!(
                "{} is not a LINE user ID (letters, digits, `-` and `_` only)",
                self.shown(user_id)
            )));
        }
        let path = format!("/v2/bot/profile/{user_id}");
        let call = Call {
            method: Method::GET,
            endpoint: PROFILE_ENDPOINT,
            path: &path,
            body: None,
            retry_key: None,
            cap: DATA_RESPONSE_CAP,
        };
        let client = &self.client;
        client.call(call).await?.json(|s| client.scrub(s))
    }

    /// Calls any Messaging API endpoint: `method` on `path` (starting `/v2/` or `/v3/`, no
    /// query), with `body` as JSON. Returns LINE's JSON answer, `Value::Null` for an empty one.
    ///
    /// The call has the retries of every other: 5xx, 429 and timeouts are tried again, so a
    /// `POST` LINE may have carried out is sent again; a `POST` to the push, multicast,
    /// narrowcast or broadcast endpoint gets an `X-Line-Retry-Key` (derived as
    /// [`push`](Self::push)'s are) to make that safe. A path
    /// with `..`, `?`, `#`, `%` or characters other than letters, digits, `/`, `-`, `_`, `.`
    /// and `~` is refused with [`ReplyError::InvalidRequest`] without a request. Endpoints of
    /// `api-data.line.me` (message content, rich menu images) are not reached this way.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ReplyError> {
        if let Err(why) = check_path(path) {
            return Err(self.refused(format!("the path {} {why}", self.shown(path))));
        }
        let retry_key = (method == Method::POST && RETRY_KEY_PATHS.contains(&path))
            .then(|| self.next_retry_key());
        let call = Call {
            method,
            endpoint: path,
            path,
            body,
            retry_key,
            cap: DATA_RESPONSE_CAP,
        };
        let client = &self.client;
        client.call(call).await?.value(|s| client.scrub(s))
    }

    /// A refused call, its reason without the token.
    fn refused(&self, reason: String) -> ReplyError {
        ReplyError::InvalidRequest {
            reason: self.client.scrub(reason),
        }
    }

    /// A caller's text for an error message: shortened and quoted.
    fn shown(&self, text: &str) -> String {
        let text = self.client.scrub(text.to_string());
        format!("{:?}", text.chars().take(100).collect::<String>())
    }
}

impl fmt::Debug for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Line")
            .field("webhook_event_id", &self.event.webhook_event_id)
            .field(
                "reply_token",
                &self.event.reply_token.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "reply_token_spent",
                &self.event.reply_token_spent.is_spent(),
            )
            .field("source", &self.event.source)
            .finish_non_exhaustive()
    }
}

impl FromIncoming for Line {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        request
            .extension::<Line>()
            .cloned()
            .ok_or(UnavailableRejection {
                what: "the LINE Messaging API",
            })
    }
}

/// Whether LINE refused a reply outright, leaving the token unused: a 4xx other than an invalid
/// token or a rate limit. After a 5xx, a timeout or a 429 nobody knows, so the token counts as
/// spent and the delivery pushes.
fn refused_without_using_the_token(error: &ReplyError) -> bool {
    matches!(
        error,
        ReplyError::Api {
            status: 400..=499,
            ..
        }
    ) && !error.is_invalid_reply_token()
}

fn check_messages(messages: &[Value]) -> Result<(), ReplyError> {
    if messages.is_empty() || messages.len() > MAX_MESSAGES_PER_REQUEST {
        return Err(ReplyError::InvalidRequest {
            reason: format!(
                "LINE takes 1 to {MAX_MESSAGES_PER_REQUEST} messages a request, not {}",
                messages.len()
            ),
        });
    }
    Ok(())
}

/// Whether `id` is a LINE user, group or room ID as far as a path is concerned: letters, digits,
/// `-` and `_`, so it cannot change the path or add a query.
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_PATH_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Why `path` may not be called, if it may not.
fn check_path(path: &str) -> Result<(), &'static str> {
    if !(path.starts_with("/v2/") || path.starts_with("/v3/")) {
        return Err("does not start with /v2/ or /v3/");
    }
    if path.len() > MAX_PATH_CHARS {
        return Err("is too long");
    }
    if path.contains("..") || path.contains("//") {
        return Err("has `..` or an empty segment");
    }
    let allowed =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~');
    if !path.bytes().all(allowed) {
        return Err(
            "has characters other than letters, digits, `/`, `-`, `_`, `.` and `~` (no query, fragment or escapes)",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_change_the_path() {
        assert!(is_id("U4af4980629b1c5d0e3f2a7b8c9d0e1f2"));
        assert!(is_id("Cabc-123_x"));
        for bad in [
            "",
            "U1/../info",
            "U1?x=1",
            "U1#f",
            "U1%2F",
            "U 1",
            ".",
            "..",
            "U1\n",
        ] {
            assert!(!is_id(bad), "{bad:?}");
        }
        assert!(!is_id(&"U".repeat(MAX_PATH_CHARS + 1)));
    }

    #[test]
    fn paths_are_messaging_api_paths_only() {
        for good in [
            "/v2/bot/info",
            "/v2/bot/group/C1/members/count",
            "/v3/module/auth/v1/token",
            "/v2/bot/richmenu/alias/richmenu-alias_a.b~c",
        ] {
            assert_eq!(check_path(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "/v1/oauth/accessToken",
            "v2/bot/info",
            "/v2",
            "/v2/../oauth2/v2.1/token",
            "/v2/bot/x/..",
            "/v2/bot/followers/ids?limit=1",
            "/v2/bot/info#x",
            "/v2/bot/%2e%2e/x",
            "/v2//bot",
            "/v2/bot/ info",
            "/v2/bot/\\info",
            "/v2/bot/info\r\nX: y",
            "https://evil/v2/",
            "//evil/v2/",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_token_is_spent_once_until_given_back() {
        let spent = ReplyTokenSpent::default();
        assert!(!spent.is_spent());
        assert!(!spent.spend());
        assert!(spent.spend());
        spent.restore();
        assert!(!spent.clone().spend());
        assert!(spent.is_spent());
    }
}
