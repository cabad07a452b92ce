//! A handler's `Stream` in the worker: live through a sink in batches, or gathered into one reply;
//! its end always sent, with a note after a failure or a panic.

use std::sync::{Arc, Mutex};

use ackbot_core::adapter::{Adapter, Envelope, Inbound, StreamSink};
use ackbot_core::runtime::{Status, Worker};
use ackbot_core::testing::{Calls, Deliveries, FakeAdapter};
use ackbot_core::{Bot, BoxError, HandlerError, Platform, Stream, StreamEnd, Text, cmd};
use futures::future::BoxFuture;

type Log = Arc<Mutex<Vec<String>>>;

/// A sink that records `append:TEXT` and `finish:NOTE`, sending every 5 characters.
struct Recording(Log);

impl StreamSink for Recording {
    fn append(&self, text: String) -> BoxFuture<'_, Result<(), BoxError>> {
        self.0.lock().unwrap().push(format!("append:{text}"));
        Box::pin(async { Ok(()) })
    }
    fn finish(&self, rest: String, note: Option<String>) -> BoxFuture<'_, Result<(), BoxError>> {
        self.0
            .lock()
            .unwrap()
            .push(format!("finish:{rest}{}", note.unwrap_or_default()));
        Box::pin(async { Ok(()) })
    }
    fn batch_chars(&self) -> usize {
        5
    }
}

/// The fake platform, its work streaming live into a [`Recording`] when `live`.
struct Streaming {
    inner: FakeAdapter,
    live: bool,
    log: Log,
}

impl Adapter for Streaming {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }
    fn routes(&self) -> &'static [&'static str] {
        self.inner.routes()
    }
    fn verify(&self, envelope: &Envelope) -> Result<(), BoxError> {
        self.inner.verify(envelope)
    }
    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
        let mut items = self.inner.parse(envelope)?;
        for item in &mut items {
            if let (Inbound::Work(work), true) = (item, self.live) {
                work.stream = Some(Box::new(Recording(self.log.clone())));
            }
        }
        Ok(items)
    }
}

/// Writes each word of its text (letting the stream's sender run between words, as a model's
/// stream does while it waits for the next), then fails if the last word is `fail`, panics on
/// `panic`.
async fn words(Text(text): Text, stream: Stream) -> Result<(), HandlerError> {
    for word in text.split(' ') {
        match word {
            "fail" => return Err(HandlerError::msg("the model went away")),
            "panic" => panic!("the model broke"),
            word => stream.write(format!("{word} ")).await?,
        }
        tokio::task::yield_now().await;
    }
    Ok(())
}

fn setup(live: bool) -> (Worker, Log, Arc<Calls>) {
    let inner = FakeAdapter::new(Deliveries::Succeed, false);
    let calls = inner.calls();
    let log: Log = Arc::default();
    let adapter = Streaming {
        inner,
        live,
        log: log.clone(),
    };
    let bot = Bot::new().command(cmd("words", words)).build().unwrap();
    (Worker::new(bot).with_adapter(Arc::new(adapter)), log, calls)
}

fn delivered(calls: &Calls) -> Vec<String> {
    calls
        .delivered()
        .into_iter()
        .map(|(text, _)| text)
        .collect()
}

#[tokio::test]
async fn a_live_stream_goes_out_in_batches_and_ends() {
    let (worker, log, calls) = setup(true);
    let report = worker
        .process(FakeAdapter::envelope("words one two three", "ok"))
        .await;
    assert!(
        matches!(report.status, Status::Processed),
        "{:?}",
        report.status
    );
    assert_eq!(
        *log.lock().unwrap(),
        ["append:one ", "append:two three ", "finish:"]
    );
    assert!(delivered(&calls).is_empty(), "nothing else to send");
}

/// A sink that takes 100 ms a call, as a rate-limited platform does.
struct Slow(Log);

impl StreamSink for Slow {
    fn append(&self, text: String) -> BoxFuture<'_, Result<(), BoxError>> {
        Box::pin(async move {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            self.0.lock().unwrap().push(format!("append:{text}"));
            Ok(())
        })
    }
    fn finish(&self, rest: String, _note: Option<String>) -> BoxFuture<'_, Result<(), BoxError>> {
        self.0.lock().unwrap().push(format!("finish:{rest}"));
        Box::pin(async { Ok(()) })
    }
    fn batch_chars(&self) -> usize {
        5
    }
}

#[tokio::test(start_paused = true)]
async fn a_slow_platform_neither_slows_the_writer_nor_gets_more_calls() {
    let log: Log = Arc::default();
    let stream = Stream::new(Some(Box::new(Slow(log.clone()))));
    let started = tokio::time::Instant::now();
    for n in 0..20 {
        stream.write(format!("w{n} ")).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    // Twenty writes a millisecond apart: done while the platform still takes the first.
    assert!(started.elapsed() < std::time::Duration::from_millis(100));
    assert!(log.lock().unwrap().is_empty());
    stream.end(StreamEnd::Finished).await.unwrap();
    let rest: String = (1..20).map(|n| format!("w{n} ")).collect();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "append:w0 ".to_string(),
            format!("append:{rest}"),
            "finish:".into()
        ]
    );
}

/// A sink whose first call fails, as a platform's brief outage.
struct FailsOnce(Log);

impl StreamSink for FailsOnce {
    fn append(&self, text: String) -> BoxFuture<'_, Result<(), BoxError>> {
        let mut log = self.0.lock().unwrap();
        let first = log.is_empty();
        log.push(match first {
            true => "failed".into(),
            false => format!("append:{text}"),
        });
        Box::pin(async move { if first { Err("503".into()) } else { Ok(()) } })
    }
    fn finish(&self, rest: String, _note: Option<String>) -> BoxFuture<'_, Result<(), BoxError>> {
        self.0.lock().unwrap().push(format!("finish:{rest}"));
        Box::pin(async { Ok(()) })
    }
    fn batch_chars(&self) -> usize {
        5
    }
}

#[tokio::test]
async fn a_piece_the_platform_refused_is_reported_and_goes_with_the_next() {
    let log: Log = Arc::default();
    let stream = Stream::new(Some(Box::new(FailsOnce(log.clone()))));
    stream.write("a ").await.unwrap();
    tokio::task::yield_now().await;
    let reported = stream.write("b ").await.unwrap_err();
    assert!(
        matches!(reported, ackbot_core::StreamError::Send(_)),
        "{reported:?}"
    );
    stream.end(StreamEnd::Finished).await.unwrap();
    assert_eq!(*log.lock().unwrap(), ["failed", "finish:a b "]);
}

#[tokio::test]
async fn a_failure_or_a_panic_still_ends_the_stream_with_a_note() {
    for (text, kind) in [("words a b fail", "error"), ("words a b panic", "panic")] {
        let (worker, log, calls) = setup(true);
        worker.process(FakeAdapter::envelope(text, "ok")).await;
        let log = log.lock().unwrap().clone();
        assert_eq!(
            log,
            ["append:a ", "finish:b (stopped: something went wrong)"],
            "{kind}"
        );
        // The error hook's reply goes out too.
        assert_eq!(delivered(&calls).len(), 1, "{kind}");
    }
}

#[tokio::test]
async fn without_a_sink_the_stream_is_gathered_into_the_first_reply() {
    let (worker, log, calls) = setup(false);
    worker
        .process(FakeAdapter::envelope("words one two three", "ok"))
        .await;
    assert!(log.lock().unwrap().is_empty());
    assert_eq!(delivered(&calls), ["one two three "]);
    let (worker, _, calls) = setup(false);
    worker
        .process(FakeAdapter::envelope("words a fail", "ok"))
        .await;
    let sent = delivered(&calls);
    assert_eq!(sent[0], "a \n(stopped: something went wrong)", "{sent:?}");
}

#[tokio::test]
async fn a_stream_nobody_wrote_sends_nothing_and_an_ended_one_takes_no_more() {
    let (worker, log, calls) = setup(true);
    worker
        .process(FakeAdapter::envelope("words fail", "ok"))
        .await;
    assert!(log.lock().unwrap().is_empty(), "no message was started");
    assert_eq!(delivered(&calls).len(), 1, "only the error hook's reply");
    let stream = Stream::new(None);
    stream.write("x").await.unwrap();
    assert!(
        stream
            .end(StreamEnd::TimedOut)
            .await
            .unwrap()
            .unwrap()
            .text
            .ends_with("(stopped: out of time)")
    );
    assert!(stream.write("y").await.is_err());
    assert_eq!(
        stream.end(StreamEnd::Finished).await.unwrap(),
        None,
        "ended once"
    );
}

/// Writes a word, then dawdles far past any deadline.
async fn dawdle(stream: Stream) -> Result<(), HandlerError> {
    stream.write("a ").await?;
    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    stream.write("b").await?;
    Ok(())
}

#[tokio::test]
async fn a_handler_is_stopped_before_its_deadline_and_its_stream_ended() {
    let inner = FakeAdapter::new(Deliveries::Succeed, false);
    let calls = inner.calls();
    let log: Log = Arc::default();
    let adapter = Streaming {
        inner,
        live: true,
        log: log.clone(),
    };
    let bot = Bot::new().command(cmd("dawdle", dawdle)).build().unwrap();
    let worker = Worker::new(bot).with_adapter(Arc::new(adapter));
    // Lambda's deadline 2.3 s away: the handler is stopped 2 s before it.
    let deadline = ackbot_core::Deadline::at(
        std::time::Instant::now() + std::time::Duration::from_millis(2_300),
    );
    let started = std::time::Instant::now();
    worker
        .process_until(FakeAdapter::envelope("dawdle", "ok"), deadline)
        .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        *log.lock().unwrap(),
        ["append:a ", "finish:(stopped: out of time)"]
    );
    let sent = delivered(&calls);
    assert_eq!(sent, ["Sorry, dawdle took too long and was stopped."]);
}

/// A sink whose calls are observed, as the platform clients' are.
struct Observed;

impl StreamSink for Observed {
    fn append(&self, text: String) -> BoxFuture<'_, Result<(), BoxError>> {
        ackbot_core::adapter::observe_call(|| ackbot_core::adapter::Call {
            target: format!("append {text}"),
            status: Some(200),
            error: None,
            took: std::time::Duration::ZERO,
            text: Some(text.clone()),
        });
        Box::pin(async { Ok(()) })
    }
    fn finish(&self, _rest: String, _note: Option<String>) -> BoxFuture<'_, Result<(), BoxError>> {
        Box::pin(async { Ok(()) })
    }
}

/// The fake platform, streaming into an [`Observed`] sink.
struct ObservedStreams(FakeAdapter);

impl Adapter for ObservedStreams {
    fn platform(&self) -> Platform {
        self.0.platform()
    }
    fn routes(&self) -> &'static [&'static str] {
        self.0.routes()
    }
    fn verify(&self, envelope: &Envelope) -> Result<(), BoxError> {
        self.0.verify(envelope)
    }
    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
        let mut items = self.0.parse(envelope)?;
        for item in &mut items {
            if let Inbound::Work(work) = item {
                work.stream = Some(Box::new(Observed));
            }
        }
        Ok(items)
    }
}

#[tokio::test]
async fn the_senders_calls_are_seen_by_the_envelopes_observers() {
    let seen: Log = Arc::default();
    let observer: ackbot_core::runtime::Observer = {
        let seen = seen.clone();
        Arc::new(move |o: &ackbot_core::runtime::Observation| {
            if let ackbot_core::runtime::Stage::Call(call) = &o.stage {
                seen.lock().unwrap().push(call.target.clone());
            }
        })
    };
    let adapter = ObservedStreams(FakeAdapter::new(Deliveries::Succeed, false));
    let bot = Bot::new().command(cmd("words", words)).build().unwrap();
    let worker = Worker::new(bot)
        .with_adapter(Arc::new(adapter))
        .with_observer(observer);
    worker
        .process(FakeAdapter::envelope("words one two", "ok"))
        .await;
    // The first piece went from the stream's own task; the rest with the end, from the worker's.
    assert_eq!(*seen.lock().unwrap(), ["append one "]);
}
