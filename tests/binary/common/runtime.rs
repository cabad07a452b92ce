//! A test double of the Lambda Runtime API: hands events to the function and records its answers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::mpsc;

/// How the function answered one invocation.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// `/response` with this body.
    Success(serde_json::Value),
    /// `/error` with this body.
    Error(serde_json::Value),
}

/// One queued invocation: its id, its event, and how long the function has for it.
type Event = (String, String, Duration);

#[derive(Clone)]
struct Shared {
    events: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Event>>>,
    answers: Arc<Mutex<HashMap<String, Answer>>>,
    first_poll: Arc<Mutex<Option<Instant>>>,
    init_errors: Arc<Mutex<Vec<serde_json::Value>>>,
}

/// A running Runtime API double.
pub struct RuntimeApi {
    pub addr: SocketAddr,
    sender: mpsc::UnboundedSender<Event>,
    shared: Shared,
    next: Mutex<u32>,
}

impl RuntimeApi {
    pub async fn start() -> RuntimeApi {
        let (sender, receiver) = mpsc::unbounded_channel();
        let shared = Shared {
            events: Arc::new(tokio::sync::Mutex::new(receiver)),
            answers: Arc::default(),
            first_poll: Arc::default(),
            init_errors: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        RuntimeApi {
            addr,
            sender,
            shared,
            next: Mutex::new(0),
        }
    }

    /// Queues an event with 30 s to run; returns its invocation id.
    pub fn invoke(&self, event: String) -> String {
        self.invoke_for(event, Duration::from_secs(30))
    }

    /// Queues an event whose deadline (`Lambda-Runtime-Deadline-Ms`) is `time` after it is
    /// handed out; returns its invocation id.
    pub fn invoke_for(&self, event: String, time: Duration) -> String {
        let mut next = self.next.lock().unwrap();
        *next += 1;
        let id = format!("inv-{next:04}");
        self.sender.send((id.clone(), event, time)).unwrap();
        id
    }

    /// Waits for the function's answer to invocation `id`.
    pub async fn answer(&self, id: &str, timeout: Duration) -> Option<Answer> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(a) = self.shared.answers.lock().unwrap().get(id).cloned() {
                return Some(a);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// When the function first asked for an event (its init was done).
    pub fn first_poll(&self) -> Option<Instant> {
        *self.shared.first_poll.lock().unwrap()
    }

    /// Errors the function reported during init.
    pub fn init_errors(&self) -> Vec<serde_json::Value> {
        self.shared.init_errors.lock().unwrap().clone()
    }
}

async fn next(State(shared): State<Shared>) -> Response {
    shared
        .first_poll
        .lock()
        .unwrap()
        .get_or_insert_with(Instant::now);
    let Some((id, event, time)) = shared.events.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    let deadline = ackbot_core::runtime::now_ms() + time.as_millis() as i64;
    let mut headers = HeaderMap::new();
    headers.insert("lambda-runtime-aws-request-id", id.parse().unwrap());
    headers.insert(
        "lambda-runtime-deadline-ms",
        deadline.to_string().parse().unwrap(),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:ackbot"
            .parse()
            .unwrap(),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700".parse().unwrap(),
    );
    headers.insert("content-type", "application/json".parse().unwrap());
    (headers, event).into_response()
}

async fn response(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    body: String,
) -> StatusCode {
    let value = serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body));
    shared
        .answers
        .lock()
        .unwrap()
        .insert(id, Answer::Success(value));
    StatusCode::ACCEPTED
}

async fn error(State(shared): State<Shared>, Path(id): Path<String>, body: String) -> StatusCode {
    let value = serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body));
    shared
        .answers
        .lock()
        .unwrap()
        .insert(id, Answer::Error(value));
    StatusCode::ACCEPTED
}

async fn init_error(State(shared): State<Shared>, body: String) -> StatusCode {
    let value = serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body));
    shared.init_errors.lock().unwrap().push(value);
    StatusCode::ACCEPTED
}
