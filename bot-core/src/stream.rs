//! A reply that grows as it is written: a handler takes a [`Stream`] and writes pieces to it
//! (an AI model's answer, token by token). Where the platform can show a message growing (a
//! Slack thread: `chat.startStream`, `appendStream`, `stopStream`) the adapter gives the work a
//! [`StreamSink`] and the pieces go out in batches as they come; elsewhere (LINE, a slash
//! command's `response_url`) the text is gathered and sent whole as the handler's reply. Either
//! way the worker ends the stream when the handler returns — also when it fails or panics, with
//! a short note saying so.

use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use crate::extract::{FromIncoming, Request, UnavailableRejection};
use crate::{BoxError, Reply};

/// Where a stream's pieces go on a platform that shows a message growing.
pub trait StreamSink: Send + Sync {
    /// Sends the next `text` (never empty): the first call starts the message, the next ones
    /// add to it.
    fn append(&self, text: String) -> BoxFuture<'_, Result<(), BoxError>>;

    /// Ends the message, with `note` added when the handler did not finish (an error, a panic,
    /// its time ran out). Called once, and only after an `append`.
    fn finish(&self, note: Option<String>) -> BoxFuture<'_, Result<(), BoxError>>;

    /// How many characters to gather before an `append`, so that the calls stay inside the
    /// platform's rate limits (Slack's `appendStream`: 256, as Bolt's `ChatStreamer`).
    fn batch_chars(&self) -> usize {
        256
    }
}

/// How a stream ended, for its last words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamEnd {
    /// The handler returned.
    Finished,
    /// The handler failed or panicked.
    Failed,
    /// The handler ran out of time.
    TimedOut,
}

impl StreamEnd {
    /// The note added to the stream, if any.
    pub fn note(self) -> Option<&'static str> {
        match self {
            StreamEnd::Finished => None,
            StreamEnd::Failed => Some("(stopped: something went wrong)"),
            StreamEnd::TimedOut => Some("(stopped: out of time)"),
        }
    }
}

/// A reply a handler writes piece by piece; an extractor in the worker (not at the front door,
/// which must answer within the acknowledgement's deadline).
///
/// ```
/// use ackbot_core::{HandlerError, Stream};
///
/// async fn count(stream: Stream) -> Result<(), HandlerError> {
///     for n in 1..=3 {
///         stream.write(format!("{n}… ")).await?;
///     }
///     Ok(())
/// }
/// ```
#[derive(Clone)]
pub struct Stream {
    inner: Arc<Inner>,
}

struct Inner {
    sink: Option<Box<dyn StreamSink>>,
    state: tokio::sync::Mutex<State>,
    /// Everything written, for the log, the inspector and a gathered reply.
    written: Mutex<String>,
}

#[derive(Default)]
struct State {
    /// Written but not sent yet.
    pending: String,
    /// Whether the sink has been appended to.
    started: bool,
    /// Whether the stream has ended.
    ended: bool,
}

/// Why a piece could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The platform did not take it.
    #[error("the stream could not be sent")]
    Send(#[source] BoxError),
    /// The stream has ended (its handler returned).
    #[error("the stream has ended")]
    Ended,
}

impl Stream {
    /// A stream whose pieces go to `sink` as they come; without one, they are gathered and
    /// sent whole at the end.
    pub fn new(sink: Option<Box<dyn StreamSink>>) -> Self {
        Self {
            inner: Arc::new(Inner {
                sink,
                state: tokio::sync::Mutex::default(),
                written: Mutex::default(),
            }),
        }
    }

    /// Writes `text`: sent once enough has gathered (or at the end).
    pub async fn write(&self, text: impl Into<String>) -> Result<(), StreamError> {
        let text = text.into();
        if text.is_empty() {
            return Ok(());
        }
        let mut state = self.inner.state.lock().await;
        if state.ended {
            return Err(StreamError::Ended);
        }
        self.inner
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_str(&text);
        state.pending.push_str(&text);
        match &self.inner.sink {
            Some(sink) if state.pending.chars().count() >= sink.batch_chars() => {
                let batch = std::mem::take(&mut state.pending);
                state.started = true;
                sink.append(batch).await.map_err(StreamError::Send)
            }
            _ => Ok(()),
        }
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        self.inner
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether anything was written.
    pub fn is_used(&self) -> bool {
        !self
            .inner
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Ends the stream as `end` says (the worker calls it when the handler is done): the rest
    /// goes to the sink, which ends the message; without a sink, the whole text (and the note)
    /// is returned as the reply to send. Nothing when nothing was written; later writes fail.
    pub async fn end(&self, end: StreamEnd) -> Result<Option<Reply>, BoxError> {
        let mut state = self.inner.state.lock().await;
        if std::mem::replace(&mut state.ended, true) || !self.is_used() {
            return Ok(None);
        }
        let note = end.note().map(str::to_string);
        let Some(sink) = &self.inner.sink else {
            let text = match &note {
                Some(note) => format!("{}\n{note}", self.text()),
                None => self.text(),
            };
            return Ok(Some(Reply::text(text)));
        };
        let rest = std::mem::take(&mut state.pending);
        if !rest.is_empty() || !state.started {
            sink.append(rest).await?;
        }
        sink.finish(note).await?;
        Ok(None)
    }
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("live", &self.inner.sink.is_some())
            .field("chars", &self.text().chars().count())
            .finish()
    }
}

impl FromIncoming for Stream {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        request
            .extension::<Stream>()
            .cloned()
            .ok_or(UnavailableRejection {
                what: "a stream (it is given to handlers in the worker, not at the front door)",
            })
    }
}
