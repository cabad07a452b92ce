//! The local runtime of ackbot: an edge (axum) that acknowledges each webhook at once, as API
//! Gateway does, and queues its Envelope to a pool of workers in the same process; function-ack
//! routes are answered by the same front door as on Lambda. Started the same way by `ackbot
//! serve` and `ackbot demo`, and stopped with a drain of the queued work.
//!
//! With the `dev` feature it also serves the inspector (`GET /_ackbot/`, see [`inspector`]) and
//! signs sample webhooks for a running edge ([`send`]).

#[cfg(feature = "dev")]
pub mod demo;
mod edge;
#[cfg(feature = "dev")]
pub mod inspector;
pub mod installations;
mod pool;
#[cfg(feature = "dev")]
pub mod send;
mod settings;
#[cfg(test)]
mod test_support;
mod thread_contexts;

#[cfg(feature = "dev")]
pub use send::SendError;
pub use settings::{DEFAULT_FUNCTION_ACK_ROUTES, EdgeSettings, ServeSettings, Signing};

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use ackbot_core::runtime::Worker;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::pool::Pool;

/// Why the edge could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The edge could not listen on its address.
    #[error("cannot listen on {addr}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// Why not.
        #[source]
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("the edge stopped with an error")]
    Io(#[from] std::io::Error),
}

/// The edge, listening, with its workers behind it.
pub struct Running {
    /// The address the edge listens on (the demo posts its samples there).
    pub addr: SocketAddr,
    /// The inspector's page with its token (the line printed at start), when it is on.
    pub inspector_login: Option<String>,
    pool: Pool,
    stop: oneshot::Sender<()>,
    /// Tells the inspector's event streams to end, so the graceful shutdown is not held open.
    closing: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
}

/// Starts the edge on `addr` with `settings.edge.workers` copies of `worker` behind a queue of
/// `settings.edge.queue_capacity`. The webhook routes are those `worker`'s adapters take; the
/// others answer 404.
pub async fn start(
    settings: &ServeSettings,
    worker: Worker,
    addr: SocketAddr,
) -> Result<Running, ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Listen { addr, source })?;
    let addr = listener.local_addr()?;
    let (closing, closed) = watch::channel(false);
    // The pool's queue is created with the pool, and the pool needs the observed worker: the
    // observer is added first, and the inspector is built once the queue exists.
    #[cfg(feature = "dev")]
    let (worker, inspected) = match inspector::access(&settings.edge, addr) {
        Some(access) => {
            use inspector::history::{BUDGET, CAPACITY, History};
            let history = std::sync::Arc::new(History::new(CAPACITY, BUDGET));
            (
                worker.with_observer(history.observer()),
                Some((access, history)),
            )
        }
        None => (worker, None),
    };
    #[cfg(not(feature = "dev"))]
    let _ = closed;
    let front = worker.clone();
    let front_platforms = front.platforms();
    let edge_settings = &settings.edge;
    let pool = Pool::start(
        worker,
        edge_settings.workers,
        edge_settings.queue_capacity,
        edge_settings.worker_timeout,
    );
    #[cfg(feature = "dev")]
    let (app, inspector_login) = match inspected {
        Some((access, history)) => {
            let inspector = inspector::Inspector::new(
                access,
                settings,
                &front,
                addr,
                history,
                pool.queue(),
                closed,
            );
            let inspector = std::sync::Arc::new(inspector);
            let url = inspector.url();
            tracing::info!(%url, "the inspector shows every webhook live at {url} (its address with the token is on standard output)");
            let login = inspector.login_line();
            let app = edge::app_with_inspector(pool.queue(), front, settings, inspector);
            (app, Some(login))
        }
        None => (edge::app(pool.queue(), front, settings), None),
    };
    #[cfg(not(feature = "dev"))]
    let (app, inspector_login) = (edge::app(pool.queue(), front, settings), None);
    let (stop, stopped) = oneshot::channel::<()>();
    // An ack is one small write: without TCP_NODELAY, Nagle's algorithm holds it back while an
    // earlier segment waits for its ACK, which doubled the ack latency under load (`make bench`).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set");
        }
    });
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
    });
    let platforms: Vec<&str> = (front_platforms.iter()).map(|p| p.as_str()).collect();
    if platforms.is_empty() {
        tracing::warn!(
            "no platform is configured (set SLACK_SIGNING_SECRET or LINE_CHANNEL_SECRET): every webhook route answers 404"
        );
    }
    tracing::info!(%addr, ?platforms, workers = edge_settings.workers, queue = edge_settings.queue_capacity, "listening on http://{addr}");
    Ok(Running {
        addr,
        inspector_login,
        pool,
        stop,
        closing,
        server,
    })
}

impl Running {
    /// When `signal` resolves, stops taking webhooks, then gives the queued ones up to
    /// `drain_timeout` to finish. Returns how many were left unprocessed.
    pub async fn stop_after(
        self,
        signal: impl Future<Output = ()>,
        drain_timeout: Duration,
    ) -> Result<usize, ServeError> {
        let Running {
            pool,
            stop,
            closing,
            mut server,
            ..
        } = self;
        // In-flight requests finish (and queue their Envelopes) before the queue closes.
        let served = tokio::select! {
            () = signal => {
                let _ = closing.send(true);
                let _ = stop.send(());
                (&mut server).await
            }
            served = &mut server => served,
        };
        let left = pool.drain(drain_timeout).await;
        tracing::info!(left, "stopped");
        served.map_err(std::io::Error::other)??;
        Ok(left)
    }
}

/// `ackbot serve`: serves until SIGTERM or Ctrl-C, then drains. The inspector's address with its
/// token goes to standard output, as one line, never to the log.
pub async fn run(
    settings: &ServeSettings,
    worker: Worker,
    addr: SocketAddr,
) -> Result<(), ServeError> {
    let running = start(settings, worker, addr).await?;
    if let Some(login) = &running.inspector_login {
        println!("inspector: {login}");
    }
    running
        .stop_after(shutdown_signal(), settings.edge.drain_timeout)
        .await
        .map(drop)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received: no new webhooks, finishing queued work");
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use ackbot_core::runtime::now_ms;
    use ackbot_core::{Bot, Reply, SecretString};
    use ackbot_slack::ViewResponse;

    use super::*;

    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

    /// Through a real socket, as Slack meets `ackbot serve`: a modal whose handler needs 5 s is
    /// acknowledged within the deadline, and the worker still runs it for its replies.
    #[tokio::test]
    async fn a_slow_view_handler_is_acked_in_time_over_the_wire() {
        let settings = test_support::settings(|_| {}, Duration::from_millis(300), None, None);
        let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = runs.clone();
        let bot = Bot::new().view("slow", move || {
            let runs = counted.clone();
            async move {
                runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(5)).await;
                (ViewResponse::error("b", "too late"), Reply::text("late"))
            }
        });
        let slack = test_support::Platform {
            secret: SECRET,
            token: "xoxb-test",
            api_url: "http://127.0.0.1:9/api",
        };
        let worker = test_support::worker(bot.build().unwrap(), Some(slack), None);
        let running = start(&settings, worker, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let body = ackbot_slack::sample::view_submission("slow", "b", "a", "text", "C1");
        let timestamp = now_ms() / 1000;
        let signature = ackbot_slack::sign(&SecretString::from(SECRET), timestamp, body.as_bytes());
        let started = Instant::now();
        let response = reqwest::Client::new()
            .post(format!("http://{}/slack/interactions", running.addr))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", timestamp.to_string())
            .header("x-slack-signature", signature)
            .body(body)
            .send()
            .await
            .unwrap();
        let took = started.elapsed();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "", "the plain ack");
        assert!(took < Duration::from_millis(1500), "acked after {took:?}");
        // The worker picks the Envelope up and runs the handler again for its replies.
        let deadline = Instant::now() + Duration::from_secs(3);
        while runs.load(std::sync::atomic::Ordering::SeqCst) < 2 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 2);
        running
            .stop_after(async {}, Duration::from_millis(10))
            .await
            .unwrap();
    }
}
