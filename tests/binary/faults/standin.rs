//! A stand-in of Slack's and LINE's reply endpoints that misbehaves on purpose, on a raw TCP
//! listener: besides wrong answers it can accept a request and close the connection without a
//! word, or answer after the client has stopped waiting.
//!
//! Every request is matched to a test case by what names the conversation in it — a
//! `response_url`'s path, `chat.postMessage`'s `channel`, LINE's `replyToken` or push `to` — and
//! answered by that key's script: its first acts in order, then one act for good. It answers
//! HTTP/1.1 with `Connection: close`, so every attempt is a connection of its own.
//!
//! What counts as delivered is what the platform would have shown the user: a success answer,
//! and for [`Act::SlowAfterAccepting`] a push LINE took before it was too slow to say so. A
//! used reply token answers 400 `Invalid reply token`, and a repeated accepted
//! `X-Line-Retry-Key` 409 with `x-line-accepted-request-id`, as LINE does.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How one request is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Act {
    /// The endpoint's success, as the platform answers it.
    Answer,
    /// This status and LINE's error body `{"message": …}`.
    LineError(u16, &'static str),
    /// HTTP 200 `{"ok": false, "error": …}`, as Slack's Web API refuses.
    SlackError(&'static str),
    /// This status with a short plain-text body (Slack's `response_url` speaks so).
    Status(u16, &'static str),
    /// 429 with `Retry-After` in seconds.
    RetryAfterSeconds(u64),
    /// 429 with `Retry-After` as an HTTP-date this far ahead (to the second, as HTTP-dates are).
    RetryAfterDate(Duration),
    /// Reads the request, then closes the connection without answering.
    Drop,
    /// Answers only after [`SLOW`], long past the client's timeout; nothing is delivered.
    Slow,
    /// A push LINE accepts (its retry key too) but answers only after [`SLOW`].
    SlowAfterAccepting,
}

/// How late [`Act::Slow`] answers.
pub const SLOW: Duration = Duration::from_secs(3);

/// One request the stand-in received, and what became of it.
#[derive(Clone, Debug)]
#[allow(dead_code)] // `path` and `act` are for the failure messages, through `Debug`.
pub struct Hit {
    /// The request path.
    pub path: String,
    /// The `X-Line-Retry-Key` header, if any.
    pub retry_key: Option<String>,
    /// When it arrived.
    pub at: Instant,
    /// How it was answered.
    pub act: Act,
    /// The status answered, `None` when the connection was dropped.
    pub status: Option<u16>,
    /// Whether the user got the message from this request.
    pub delivered: bool,
}

#[derive(Default)]
struct State {
    scripts: HashMap<String, (Vec<Act>, Act)>,
    hits: HashMap<String, Vec<Hit>>,
    used_reply_tokens: HashSet<String>,
    accepted_retry_keys: HashSet<String>,
}

/// A running stand-in; every clone is the same one.
#[derive(Clone)]
pub struct FaultyApi {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

/// A request, as far as the stand-in reads it.
struct Request {
    path: String,
    headers: HashMap<String, String>,
    body: Value,
}

impl FaultyApi {
    /// Starts the stand-in on a free loopback port.
    pub async fn start() -> FaultyApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api = FaultyApi {
            addr: listener.local_addr().unwrap(),
            state: Arc::default(),
        };
        let serving = api.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serving.clone().serve(stream));
            }
        });
        api
    }

    /// The base URL: `LINE_API_URL`, and with `/api` appended `SLACK_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the requests of `key` with `first`, one act each in order, then `then`.
    pub fn script(&self, key: &str, first: &[Act], then: Act) {
        let mut state = self.state.lock().unwrap();
        state
            .scripts
            .insert(key.to_string(), (first.to_vec(), then));
    }

    /// The requests of `key` so far.
    pub fn hits(&self, key: &str) -> Vec<Hit> {
        let state = self.state.lock().unwrap();
        state.hits.get(key).cloned().unwrap_or_default()
    }

    async fn serve(self, mut stream: TcpStream) {
        let Some(request) = read_request(&mut stream).await else {
            return;
        };
        let key = key_of(&request);
        let at = Instant::now();
        let (act, index) = {
            let state = self.state.lock().unwrap();
            let index = state.hits.get(&key).map_or(0, Vec::len);
            let act = match state.scripts.get(&key) {
                Some((first, then)) => first.get(index).unwrap_or(then).clone(),
                None => Act::Answer,
            };
            (act, index)
        };
        let (status, delivered, answer) = match &act {
            Act::Drop => (None, false, None),
            Act::Answer => {
                let (delivered, answer) = self.success(&request);
                (Some(answer.status), delivered, Some(answer))
            }
            Act::SlowAfterAccepting => {
                let (delivered, answer) = self.success(&request);
                (Some(answer.status), delivered, Some(answer))
            }
            Act::Slow => (
                Some(200),
                false,
                Some(Answer::json(200, json!({"ok": true}))),
            ),
            other => {
                let answer = fault(other, &request.path);
                (Some(answer.status), false, Some(answer))
            }
        };
        let hit = Hit {
            path: request.path.clone(),
            retry_key: request.headers.get("x-line-retry-key").cloned(),
            at,
            act: act.clone(),
            status,
            delivered,
        };
        {
            let mut state = self.state.lock().unwrap();
            let hits = state.hits.entry(key).or_default();
            debug_assert_eq!(hits.len(), index);
            hits.push(hit);
        }
        let Some(answer) = answer else {
            return; // Act::Drop: the connection closes unanswered.
        };
        if matches!(act, Act::Slow | Act::SlowAfterAccepting) {
            tokio::time::sleep(SLOW).await;
        }
        // The client may have gone: nothing to do about it.
        let _ = stream.write_all(&answer.to_bytes()).await;
        let _ = stream.shutdown().await;
    }

    /// The endpoint's success answer, and whether it delivered anything.
    fn success(&self, request: &Request) -> (bool, Answer) {
        let mut state = self.state.lock().unwrap();
        let sent = json!({"sentMessages": [{"id": "461230966842064897", "quoteToken": "q"}]});
        match request.path.as_str() {
            "/v2/bot/message/reply" => {
                let token = request.body["replyToken"].as_str().unwrap_or_default();
                if state.used_reply_tokens.insert(token.to_string()) {
                    (true, Answer::json(200, sent))
                } else {
                    let refused = json!({"message": "Invalid reply token"});
                    (false, Answer::json(400, refused))
                }
            }
            "/v2/bot/message/push" => match request.headers.get("x-line-retry-key") {
                Some(key) if !state.accepted_retry_keys.insert(key.clone()) => {
                    let accepted = json!({"message": "The retry key is already accepted"});
                    let answer = Answer::json(409, accepted).with_header(
                        "x-line-accepted-request-id",
                        "4e5c1d1a-d8e7-4d3b-9a1e-3c8e5e7f0a11",
                    );
                    (false, answer)
                }
                _ => (true, Answer::json(200, sent)),
            },
            "/v2/bot/chat/loading/start" => (false, Answer::json(202, json!({}))),
            "/api/chat.postMessage" => {
                let channel = request.body["channel"].clone();
                let ok = json!({"ok": true, "channel": channel, "ts": "1700000000.000100"});
                (true, Answer::json(200, ok))
            }
            path if path.starts_with("/commands/") => (true, Answer::text(200, "ok")),
            _ => (false, Answer::text(404, "not_found")),
        }
    }
}

/// The answer of a fault act other than a drop or a slow answer.
fn fault(act: &Act, path: &str) -> Answer {
    let too_many = || {
        if path.starts_with("/v2/") {
            Answer::json(429, json!({"message": "Too Many Requests"}))
        } else {
            Answer::text(429, "")
        }
    };
    match act {
        Act::LineError(status, message) => Answer::json(*status, json!({"message": message})),
        Act::SlackError(error) => Answer::json(200, json!({"ok": false, "error": error})),
        Act::Status(status, text) => Answer::text(*status, text),
        Act::RetryAfterSeconds(seconds) => {
            too_many().with_header("retry-after", &seconds.to_string())
        }
        Act::RetryAfterDate(ahead) => {
            let at = httpdate::fmt_http_date(SystemTime::now() + *ahead);
            too_many().with_header("retry-after", &at)
        }
        Act::Answer | Act::Drop | Act::Slow | Act::SlowAfterAccepting => {
            unreachable!("answered by the stand-in itself")
        }
    }
}

/// Which test case a request belongs to: what names the conversation in it.
fn key_of(request: &Request) -> String {
    let field = |name: &str| request.body[name].as_str().unwrap_or_default().to_string();
    match request.path.as_str() {
        "/api/chat.postMessage" => field("channel"),
        "/v2/bot/message/reply" => field("replyToken"),
        "/v2/bot/message/push" => field("to"),
        "/v2/bot/chat/loading/start" => field("chatId"),
        // `/commands/{team}/{case}/{token}`
        path => path.split('/').nth(3).unwrap_or(path).to_string(),
    }
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = serde_json::from_slice(&buffer[head_end..head_end + length]).unwrap_or(Value::Null);
    Some(Request {
        path,
        headers,
        body,
    })
}

/// An HTTP answer about to be written.
struct Answer {
    status: u16,
    content_type: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
