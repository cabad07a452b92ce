//! A reply that grows as it is written: a handler takes a [`Stream`] and writes pieces to it
//! (an AI model's answer, token by token). Where the platform can show a message growing (a
//! Slack thread: `chat.startStream`, `appendStream`, `stopStream`) the adapter gives the work a
//! [`StreamSink`] and the pieces go out as they come (the first words at once, then by batches,
//! from a task of their own so that the writer never waits for the platform); elsewhere (LINE, a slash
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

    /// Ends the message with `rest`, the text not sent yet (often empty), and `note` when the
    /// handler did not finish (an error, a panic, its time ran out) — in the ending call itself
    /// where the platform allows, saving one. Called once, and only after an `append`.
    fn finish(&self, rest: String, note: Option<String>) -> BoxFuture<'_, Result<(), BoxError>>;

    /// How many characters to gather before each `append` after the first (which goes at once,
    /// so the user sees the first words as soon as they come), so that the calls stay inside the
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
    sink: Option<Arc<dyn StreamSink>>,
    state: Mutex<State>,
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
    /// The task sending batches to the sink, while one runs (see [`Stream::write`]).
    sender: Option<tokio::task::JoinHandle<()>>,
    /// Whether the sender is still taking batches; cleared by the sender itself, under the lock,
    /// when nothing is due, so that a piece written after that starts a new one.
    sending: bool,
    /// The last failure to send, reported by the next write.
    failed: Option<BoxError>,
}

impl State {
    /// Whether what is pending should go now: the first words at once, then by batches.
    fn due(&self, batch: usize) -> bool {
        !self.pending.is_empty() && (!self.started || self.pending.chars().count() >= batch)
    }
}

/// Why a piece could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The platform did not take an earlier piece (it is sent again with the next).
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
                sink: sink.map(Arc::from),
                state: Mutex::default(),
                written: Mutex::default(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes `text`. It never waits for the platform: the pieces go out from a task of their
    /// own — the first at once (the message starts as soon as there are words to show), then
    /// what has gathered by the time the last send is done, once it is a batch (or at the end).
    /// So a slow or rate-limited platform neither slows the writer (a model's stream is read at
    /// its own pace) nor gets more calls: the text waiting grows instead. A failed send is
    /// reported by the next write; its text goes with the next batch.
    pub async fn write(&self, text: impl Into<String>) -> Result<(), StreamError> {
        let text = text.into();
        if text.is_empty() {
            return Ok(());
        }
        let mut state = self.state();
        if state.ended {
            return Err(StreamError::Ended);
        }
        self.inner
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_str(&text);
        state.pending.push_str(&text);
        if let Some(sink) = &self.inner.sink
            && !state.sending
            && state.due(sink.batch_chars())
        {
            state.sending = true;
            let sending = self.clone().send_due(Arc::clone(sink));
            // The sender keeps the writer's deadline (its requests never outlast it) and its
            // watchers (the inspector shows its calls as they happen).
            let deadline = crate::Deadline::current();
            let sending = crate::worker::carried(deadline.scope(sending));
            state.sender = Some(tokio::spawn(sending));
        }
        match state.failed.take() {
            Some(e) => Err(StreamError::Send(e)),
            None => Ok(()),
        }
    }

    /// The sender: sends what is due until nothing is.
    async fn send_due(self, sink: Arc<dyn StreamSink>) {
        loop {
            let batch = {
                let mut state = self.state();
                if !state.due(sink.batch_chars()) {
                    state.sending = false;
                    return;
                }
                state.started = true;
                std::mem::take(&mut state.pending)
            };
            if let Err(e) = sink.append(batch.clone()).await {
                tracing::warn!(error = %crate::chain(e.as_ref()), chars = batch.chars().count(),
                    "could not send a piece of the stream: it goes with the next");
                let mut state = self.state();
                state.pending.insert_str(0, &batch);
                state.failed = Some(e);
                state.sending = false;
                return;
            }
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

    /// Ends the stream as `end` says (the worker calls it when the handler is done): once the
    /// sender is done, the rest goes to the sink, which ends the message; without a sink, the
    /// whole text (and the note) is returned as the reply to send. Nothing when nothing was
    /// written; later writes fail.
    pub async fn end(&self, end: StreamEnd) -> Result<Option<Reply>, BoxError> {
        let sender = {
            let mut state = self.state();
            if std::mem::replace(&mut state.ended, true) || !self.is_used() {
                return Ok(None);
            }
            state.sender.take()
        };
        if let Some(sender) = sender
            && let Err(e) = sender.await
        {
            tracing::error!(error = %e, "the stream's sender failed");
        }
        let note = end.note().map(str::to_string);
        let Some(sink) = &self.inner.sink else {
            let text = match &note {
                Some(note) => format!("{}\n{note}", self.text()),
                None => self.text(),
            };
            return Ok(Some(Reply::text(text)));
        };
        let (mut rest, started) = {
            let mut state = self.state();
            (std::mem::take(&mut state.pending), state.started)
        };
        if !started {
            sink.append(std::mem::take(&mut rest)).await?;
        }
        sink.finish(rest, note).await?;
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
