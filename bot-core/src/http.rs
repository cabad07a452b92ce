//! The one HTTP attempt every outbound client of ackbot makes — Slack's, LINE's, the AWS calls,
//! `doctor`'s: no redirects and no `Referer` (a Slack `response_url`'s path is a credential, and
//! a redirect would carry it elsewhere); the answer read only up to a cap, so that a hostile or
//! broken server cannot fill the worker's memory; `Retry-After` read; a network failure described
//! without the URL and told apart as certain (nothing was sent) or uncertain (it may have been
//! carried out); the status classified; credentials redacted; the call shown to the Envelope's
//! observers. Each platform keeps only its own rules (Slack's `ok: false`, LINE's 409 and monthly
//! quota, DynamoDB's error codes), judged from a [`Response`].

use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::retry::parse_retry_after;

/// The cap on an answer to a delivery (a `response_url`, a LINE reply or push, an AWS call):
/// the platforms answer these with a few hundred bytes.
pub const DELIVERY_RESPONSE_CAP: usize = 64 * 1024;

/// The cap on an answer that carries data a handler asked for (a Slack Web API method, a LINE
/// call): paginated answers stay well under it.
pub const DATA_RESPONSE_CAP: usize = 4 * 1024 * 1024;

/// A client builder with ackbot's user agent, `timeout` per request, no redirects followed and
/// no `Referer` sent.
pub fn client_builder(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("ackbot/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
}

/// An answer's body, read up to a cap.
#[derive(Debug, Default)]
pub struct Capped {
    /// The bytes read: the whole body, or its first `cap` bytes.
    pub bytes: Vec<u8>,
    /// Whether the body went on past the cap (the rest was not read).
    pub truncated: bool,
}

impl Capped {
    /// The body as text (lossy), with a note when it was cut.
    pub fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes).into_owned();
        match self.truncated {
            true => format!("{text}… (cut at {} bytes)", self.bytes.len()),
            false => text,
        }
    }
}

/// Reads `response`'s body, stopping after `cap` bytes: the rest is never read, and the
/// connection is dropped with the response.
pub async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Capped, reqwest::Error> {
    let mut capped = Capped {
        bytes: Vec::with_capacity(
            response
                .content_length()
                .map_or(0, |n| (n as usize).min(cap)),
        ),
        truncated: false,
    };
    while let Some(chunk) = response.chunk().await? {
        let room = cap - capped.bytes.len();
        if chunk.len() > room {
            capped.bytes.extend_from_slice(&chunk[..room]);
            capped.truncated = true;
            break;
        }
        capped.bytes.extend_from_slice(&chunk);
    }
    Ok(capped)
}

/// What a server answered to one attempt.
#[derive(Debug)]
pub struct Response {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// How long the server asked to wait (`Retry-After`, in seconds or as an HTTP-date).
    pub retry_after: Option<Duration>,
    /// The body, read up to the attempt's cap.
    pub body: Capped,
}

impl Response {
    /// How the status alone classifies the answer, before a platform's own rules.
    pub fn verdict(&self) -> Verdict {
        Verdict::of(self.status)
    }
}

/// How an HTTP status classifies an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx.
    Success,
    /// 429: worth another attempt, after `Retry-After`.
    RateLimited,
    /// 5xx: worth another attempt.
    ServerError,
    /// Any other status: the request itself was refused, and would be again.
    Refused,
}

impl Verdict {
    /// The verdict on `status`.
    pub fn of(status: StatusCode) -> Self {
        match status {
            s if s.is_success() => Verdict::Success,
            StatusCode::TOO_MANY_REQUESTS => Verdict::RateLimited,
            s if s.is_server_error() => Verdict::ServerError,
            _ => Verdict::Refused,
        }
    }
}

/// Why an attempt got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoResponse {
    /// What went wrong, with its causes, never the URL; a timeout says how long it waited.
    pub reason: String,
    /// Whether the request may have reached the server and been carried out (a timeout, a
    /// connection lost after sending): a retry may repeat it.
    pub uncertain: bool,
    /// Whether the request could not even be built (a retry cannot help).
    pub malformed: bool,
    /// Whether it ran out of time (`reason` then says how long it waited).
    pub timed_out: bool,
    /// The innermost cause alone, e.g. `Connection refused (os error 111)`: for a message that
    /// says the rest in its own words.
    pub cause: String,
}

impl NoResponse {
    fn of(error: reqwest::Error, timeout: Duration, reading: bool) -> Self {
        let timed_out = error.is_timeout();
        let (connect, malformed) = (error.is_connect(), error.is_builder());
        let error = error.without_url();
        let cause = innermost(&error);
        let mut reason = crate::chain(&error);
        if timed_out {
            reason = format!("timed out after {} ms ({reason})", timeout.as_millis());
        }
        if reading {
            reason = format!("reading the answer: {reason}");
        }
        Self {
            reason,
            uncertain: reading || !(connect || malformed),
            malformed,
            timed_out,
            cause,
        }
    }
}

/// The innermost of `error`'s causes, or `error` itself when it has none.
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// Sends `request` once and reads its answer, its body up to `cap` bytes; `timeout` is the
/// request's, named in the reason when it runs out — shortened to the time left before the
/// [current deadline](crate::Deadline::current), if that is less.
pub async fn attempt(
    request: reqwest::RequestBuilder,
    cap: usize,
    timeout: Duration,
) -> Result<Response, NoResponse> {
    // One request never outlasts the work's deadline.
    let capped = crate::Deadline::current().cap(timeout);
    let (request, timeout) = match capped < timeout {
        true => (request.timeout(capped), capped),
        false => (request, timeout),
    };
    let response = request
        .send()
        .await
        .map_err(|e| NoResponse::of(e, timeout, false))?;
    let status = response.status();
    let headers = response.headers().clone();
    let retry_after = (headers.get(RETRY_AFTER))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    let body = read_capped(response, cap)
        .await
        .map_err(|e| NoResponse::of(e, timeout, true))?;
    Ok(Response {
        status,
        headers,
        retry_after,
        body,
    })
}

/// Tells the observers of the Envelope being processed (if any) about one attempt that began at
/// `started`: its target (e.g. `chat.postMessage slack.com`, never a credential), the status it
/// got or why it got none, and the text it carried. Nothing is built when nobody observes.
pub fn observe(
    started: Instant,
    target: impl FnOnce() -> String,
    outcome: Result<u16, String>,
    text: impl FnOnce() -> Option<String>,
) {
    crate::adapter::observe_call(|| {
        let (status, error) = match outcome {
            Ok(status) => (Some(status), None),
            Err(error) => (None, Some(error)),
        };
        crate::adapter::Call {
            target: target(),
            status,
            error,
            took: started.elapsed(),
            text: text(),
        }
    });
}

/// `text` with each of `secrets` (longer than one character) replaced by `[redacted]`. Redact
/// before shortening: a cut through a secret would leave its start.
pub fn redact(text: String, secrets: &[&str]) -> String {
    (secrets.iter())
        .filter(|s| s.len() > 1)
        .fold(text, |text, secret| text.replace(secret, "[redacted]"))
}

/// The first `max` characters of `text`, trimmed, with an ellipsis when cut; a placeholder when
/// it is empty.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.is_empty() {
        return "(empty response)".to_string();
    }
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::EndlessServer;

    #[tokio::test]
    async fn an_endless_body_is_read_up_to_the_cap_only() {
        let server = EndlessServer::start("HTTP/1.1 200 OK");
        let client = client_builder(Duration::from_secs(5)).build().unwrap();
        let response = client.get(&server.url).send().await.unwrap();
        let capped = read_capped(response, 20_000).await.unwrap();
        assert_eq!(capped.bytes.len(), 20_000);
        assert!(capped.truncated);
        assert!(capped.text().ends_with("(cut at 20000 bytes)"));
        assert!(server.written() < 32 * 1024 * 1024);
    }

    #[tokio::test]
    async fn a_short_body_is_read_whole() {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("ok"))
            .mount(&server)
            .await;
        let client = client_builder(Duration::from_secs(5)).build().unwrap();
        let response = client.get(server.uri()).send().await.unwrap();
        let capped = read_capped(response, 64 * 1024).await.unwrap();
        assert_eq!((capped.bytes, capped.truncated), (b"ok".to_vec(), false));
    }

    #[tokio::test]
    async fn an_attempt_reads_the_answer_or_says_why_there_was_none() {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(
                wiremock::ResponseTemplate::new(429)
                    .insert_header("retry-after", "7")
                    .set_body_string("slow down"),
            )
            .mount(&server)
            .await;
        let timeout = Duration::from_secs(5);
        let client = client_builder(timeout).build().unwrap();
        let answer = attempt(client.get(server.uri()), 1024, timeout)
            .await
            .unwrap();
        assert_eq!(answer.verdict(), Verdict::RateLimited);
        assert_eq!(answer.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(answer.body.text(), "slow down");
        // Nobody listens there: certain, nothing was sent; the URL is not in the reason.
        let refused = attempt(client.get("http://127.0.0.1:9/secret-path"), 1024, timeout)
            .await
            .unwrap_err();
        assert!(!refused.uncertain && !refused.malformed, "{refused:?}");
        assert!(!refused.reason.contains("secret-path"), "{refused:?}");
        assert!(!refused.timed_out, "{refused:?}");
        assert!(
            refused.reason.ends_with(&refused.cause) && refused.cause.len() < refused.reason.len(),
            "{refused:?}"
        );
        // An answer slower than the timeout: uncertain, and the reason says how long it waited.
        let slow = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(wiremock::ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
            .mount(&slow)
            .await;
        let quick = Duration::from_millis(100);
        let client = client_builder(quick).build().unwrap();
        let timed_out = attempt(client.get(slow.uri()), 1024, quick)
            .await
            .unwrap_err();
        assert!(timed_out.uncertain && timed_out.timed_out, "{timed_out:?}");
        assert!(
            timed_out.reason.starts_with("timed out after 100 ms"),
            "{timed_out:?}"
        );
        // Under a deadline 300 ms away, a request allowed 5 s gives up when the deadline comes.
        let client = client_builder(timeout).build().unwrap();
        let deadline = crate::Deadline::after(Duration::from_millis(300));
        let cut = deadline
            .scope(attempt(client.get(slow.uri()), 1024, timeout))
            .await
            .unwrap_err();
        assert!(cut.timed_out, "{cut:?}");
        let waited: u64 = (cut.reason.strip_prefix("timed out after "))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|ms| ms.parse().ok())
            .unwrap_or_else(|| panic!("{cut:?}"));
        assert!((200..=300).contains(&waited), "{cut:?}");
    }

    #[test]
    fn verdicts_redaction_and_shortening() {
        assert_eq!(Verdict::of(StatusCode::OK), Verdict::Success);
        assert_eq!(
            Verdict::of(StatusCode::SERVICE_UNAVAILABLE),
            Verdict::ServerError
        );
        assert_eq!(Verdict::of(StatusCode::NOT_FOUND), Verdict::Refused);
        let text = redact(
            "token xoxb-1 in /hook/path".into(),
            &["xoxb-1", "/hook/path", "x"],
        );
        assert_eq!(text, "token [redacted] in [redacted]");
        assert_eq!(shorten("  ", 5), "(empty response)");
        assert_eq!(shorten("こんにちは世界", 5), "こんにちは…");
    }

    #[tokio::test]
    async fn redirects_are_not_followed_and_no_referer_is_sent() {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::path("/here"))
            .respond_with(wiremock::ResponseTemplate::new(307).insert_header("location", "/there"))
            .mount(&server)
            .await;
        let client = client_builder(Duration::from_secs(5)).build().unwrap();
        let url = format!("{}/here", server.uri());
        let response = client.post(&url).body("x").send().await.unwrap();
        assert_eq!(response.status(), 307, "the redirect is the answer");
        let seen = server.received_requests().await.unwrap();
        assert_eq!(seen.len(), 1, "nothing went to /there");
        assert!(!seen[0].headers.contains_key("referer"));
    }
}
