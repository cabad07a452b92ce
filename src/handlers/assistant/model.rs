//! An OpenAI-compatible chat-completions endpoint, streamed: `POST {base}/chat/completions` with
//! `stream: true`, its server-sent events read with `eventsource-stream` (each `data:` a
//! `chat.completion.chunk`, `[DONE]` at the end), each piece of the answer handed on as it comes.
//!
//! Not `async-openai`: measured on one streamed completion next to the reqwest 0.12 the worker
//! already has, its 0.43 (`chat-completion` + `rustls` only) brings reqwest 0.13 — a second HTTP
//! and TLS stack — and 108 more crates: the stripped release binary grew from 3.7 MB to 7.6 MB
//! (gzipped 1.7 MB to 3.1 MB, the Lambda zip's currency) for one endpoint's types.

use std::time::Duration;

use ackbot::{ExposeSecret, SecretString};
use eventsource_stream::Eventsource;
use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;

/// The most of an error answer read, and quoted (shortened) in the log.
const ERROR_CAP: usize = 16 * 1024;

/// Where the model is and how to ask it (`ACKBOT_LLM_*`).
#[derive(Clone)]
pub struct ModelConfig {
    /// `ACKBOT_LLM_URL`: an OpenAI-compatible base URL ending in `/v1`.
    pub url: String,
    /// `ACKBOT_LLM_API_KEY`: sent as `Authorization: Bearer`, never logged.
    pub api_key: SecretString,
    /// `ACKBOT_LLM_MODEL`.
    pub model: String,
    /// `ACKBOT_LLM_SYSTEM_PROMPT`, if any.
    pub system_prompt: Option<String>,
    /// `ACKBOT_LLM_TIMEOUT_SECS` (120 by default): an answer still streaming then is cut off.
    pub timeout: Duration,
}

impl std::fmt::Debug for ModelConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelConfig")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why an answer stopped short. Never carries the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The endpoint could not be reached, or the connection broke.
    #[error("the model endpoint could not be reached: {0}")]
    Network(String),
    /// The endpoint refused the request (`{"error": {"message": …}}` with a 4xx or 5xx).
    #[error("the model endpoint answered {status}: {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// Its message, shortened.
        message: String,
    },
    /// The stream ended before `[DONE]` or a `finish_reason`.
    #[error("the answer's stream broke off")]
    Broken,
    /// A chunk was not a `chat.completion.chunk`.
    #[error("the model sent a chunk that is not a chat.completion.chunk: {0}")]
    Malformed(String),
    /// The answer took longer than `ACKBOT_LLM_TIMEOUT_SECS`.
    #[error("the answer took longer than {0:?}")]
    TimedOut(Duration),
}

/// A client of the model, sharing one connection pool. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Model {
    http: reqwest::Client,
    config: ModelConfig,
}

#[derive(Deserialize)]
struct Chunk {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Delta,
    finish_reason: Option<String>,
}

#[derive(Default, Deserialize)]
struct Delta {
    content: Option<String>,
}

impl Model {
    /// A client for `config`.
    pub fn new(config: ModelConfig) -> Result<Self, ModelError> {
        // The whole answer's time is the timeout; one connection's is the client's.
        let http = ackbot::http::client_builder(Duration::from_secs(30))
            .build()
            .map_err(|e| ModelError::Network(e.to_string()))?;
        Ok(Self { http, config })
    }

    /// The configuration.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// `text` without the API key, should an endpoint ever echo it.
    fn redact(&self, text: String) -> String {
        ackbot::http::redact(text, &[self.config.api_key.expose_secret()])
    }

    /// Asks `question` and hands each piece of the answer to `piece` as it comes; the whole of
    /// it within the configured timeout. `context`, if any, is told to the model as a system
    /// message after the configured prompt (e.g. which channel the user is viewing).
    pub async fn ask<F, Fut>(
        &self,
        question: &str,
        context: Option<&str>,
        piece: F,
    ) -> Result<(), ModelError>
    where
        F: FnMut(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        let timeout = self.config.timeout;
        tokio::time::timeout(timeout, self.stream(question, context, piece))
            .await
            .unwrap_or(Err(ModelError::TimedOut(timeout)))
    }

    async fn stream<F, Fut>(
        &self,
        question: &str,
        context: Option<&str>,
        mut piece: F,
    ) -> Result<(), ModelError>
    where
        F: FnMut(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        let mut messages = Vec::new();
        for system in [self.config.system_prompt.as_deref(), context]
            .into_iter()
            .flatten()
        {
            messages.push(json!({"role": "system", "content": system}));
        }
        messages.push(json!({"role": "user", "content": question}));
        let body = json!({"model": self.config.model, "messages": messages, "stream": true});
        let url = format!("{}/chat/completions", self.config.url.trim_end_matches('/'));
        let mut request = (self.http.post(&url))
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .json(&body);
        // A local endpoint may need no key.
        if !self.config.api_key.expose_secret().trim().is_empty() {
            request = request.bearer_auth(self.config.api_key.expose_secret());
        }
        let response = request
            .send()
            .await
            .map_err(|e| ModelError::Network(self.redact(e.without_url().to_string())))?;
        let status = response.status();
        if !status.is_success() {
            let text = match ackbot::http::read_capped(response, ERROR_CAP).await {
                Ok(capped) => capped.text(),
                Err(e) => e.to_string(),
            };
            return Err(ModelError::Refused {
                status: status.as_u16(),
                message: self.redact(error_message(&text)),
            });
        }
        let mut events = response.bytes_stream().eventsource();
        while let Some(event) = events.next().await {
            let event = event.map_err(|e| ModelError::Network(self.redact(e.to_string())))?;
            if event.data.trim() == "[DONE]" {
                return Ok(());
            }
            let chunk: Chunk = serde_json::from_str(&event.data)
                .map_err(|e| ModelError::Malformed(e.to_string()))?;
            let mut finished = false;
            for choice in chunk.choices {
                if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
                    piece(text).await;
                }
                finished |= choice.finish_reason.is_some();
            }
            if finished {
                return Ok(());
            }
        }
        Err(ModelError::Broken)
    }
}

/// The `error.message` of an OpenAI-style error answer, else the answer, shortened.
fn error_message(text: &str) -> String {
    let message = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| text.to_string());
    ackbot::http::shorten(&message, 200)
}
