//! A stand-in of an OpenAI-compatible chat-completions endpoint on loopback (feature
//! `standin`): `POST /v1/chat/completions` with `stream: true` answers `text/event-stream` as
//! OpenAI documents it — `chat.completion.chunk`s (a first with the role, one a word, a last with
//! `finish_reason: "stop"`) and `data: [DONE]`. The answer is made from the question; a question
//! containing `[fail]` gets a 500 error answer, `[break]` a stream that breaks off halfway,
//! `[slow]` a pause of a second between words, `[late]` a pause of two seconds before the first
//! (a model that thinks first).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// A test double, not a built-in: the recorder the platforms' stand-ins share.
use ackbot_core::testing::{Recorded, Recorder};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures::StreamExt;
use serde_json::{Value, json};

/// The model the stand-in says it is.
pub const MODEL: &str = "standin-model";

/// A running stand-in of a chat-completions endpoint.
pub struct ModelStandIn {
    addr: SocketAddr,
    recorder: Recorder,
    first_tokens: FirstTokens,
}

/// When each answer's first word was sent, in µs since the epoch, in the order of the requests.
type FirstTokens = Arc<Mutex<Vec<i64>>>;

#[derive(Clone)]
struct Model {
    recorder: Recorder,
    first_tokens: FirstTokens,
    /// The pause before each word (a model's pace); none by default.
    word_gap: Duration,
}

impl ModelStandIn {
    /// Starts it on a free loopback port, sending each answer's words at once.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_paced(Duration::ZERO).await
    }

    /// Starts it sending a word every `word_gap`, as a model writes (20 ms: 50 words a second,
    /// about 65 tokens).
    pub async fn start_paced(word_gap: Duration) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let model = Model {
            recorder: Recorder::default(),
            first_tokens: FirstTokens::default(),
            word_gap,
        };
        let (recorder, first_tokens) = (model.recorder.clone(), model.first_tokens.clone());
        let app = axum::Router::new()
            .route("/v1/chat/completions", post(completions))
            .with_state(model);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            recorder,
            first_tokens,
        })
    }

    /// When each streamed answer's first word was handed to the connection, µs since the epoch,
    /// in the order the answers started (for the benchmark's first token → first call).
    pub fn first_tokens(&self) -> Vec<i64> {
        self.first_tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The base URL to use as `ACKBOT_LLM_URL` (ending in `/v1`).
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The requests received.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The answer the stand-in streams for `question`.
    pub fn answer_to(question: &str) -> String {
        answer_words(question).concat()
    }
}

/// The answer to `question`, word by word (each with its space).
fn answer_words(question: &str) -> Vec<String> {
    let mut words: Vec<String> = ["You", "asked:"].map(String::from).to_vec();
    words.extend(question.split_whitespace().map(str::to_string));
    words.extend(
        "— and here is a considered answer, written one word at a time."
            .split(' ')
            .map(str::to_string),
    );
    let last = words.len() - 1;
    (words.into_iter().enumerate())
        .map(|(i, w)| if i == last { w } else { format!("{w} ") })
        .collect()
}

async fn completions(State(model): State<Model>, headers: HeaderMap, body: String) -> Response {
    let Model {
        recorder,
        first_tokens,
        word_gap,
    } = model;
    let request: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    recorder.record(Recorded::now(
        "/v1/chat/completions",
        Recorded::headers_of(&headers),
        request.clone(),
    ));
    let error = |status: StatusCode, message: &str, kind: &str| {
        let body =
            json!({"error": {"message": message, "type": kind, "param": null, "code": null}});
        (status, Json(body)).into_response()
    };
    if !headers
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes().starts_with(b"Bearer "))
    {
        return error(
            StatusCode::UNAUTHORIZED,
            "You didn't provide an API key.",
            "invalid_request_error",
        );
    }
    let question = (request["messages"].as_array().and_then(|m| m.last()))
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default()
        .to_string();
    if request["model"].as_str().is_none() || question.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "'messages' and 'model' are required",
            "invalid_request_error",
        );
    }
    if question.contains("[fail]") {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server had an error while processing your request.",
            "server_error",
        );
    }
    let words = answer_words(&question);
    let (slow, broken) = (question.contains("[slow]"), question.contains("[break]"));
    let late = question.contains("[late]");
    let take = if broken { words.len() / 2 } else { words.len() };
    let model = request["model"].as_str().unwrap_or(MODEL).to_string();
    let chunk = move |delta: Value, finish: Value| {
        let chunk = json!({"id": "chatcmpl-standin", "object": "chat.completion.chunk",
            "created": 1_700_000_000, "model": model, "system_fingerprint": null,
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]});
        format!("data: {chunk}\n\n")
    };
    let mut events = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    events.extend(
        words
            .into_iter()
            .take(take)
            .map(|w| chunk(json!({"content": w}), Value::Null)),
    );
    if !broken {
        events.push(chunk(json!({}), json!("stop")));
        events.push("data: [DONE]\n\n".to_string());
    }
    let body = futures::stream::iter(events.into_iter().enumerate()).then(move |(i, event)| {
        let first_tokens = first_tokens.clone();
        async move {
            if slow {
                tokio::time::sleep(Duration::from_secs(1)).await;
            } else if late && i == 1 {
                tokio::time::sleep(Duration::from_secs(2)).await;
            } else if i > 0 && !word_gap.is_zero() {
                tokio::time::sleep(word_gap).await;
            }
            if i == 1 {
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
                let micros = now.map_or(0, |d| d.as_micros() as i64);
                first_tokens
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(micros);
            }
            Ok::<_, std::convert::Infallible>(event)
        }
    });
    let mut response = Response::new(Body::from_stream(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        "text/event-stream".parse().expect("a header value"),
    );
    response
}
