//! `ackbot serve`: the local edge and its workers until SIGTERM or Ctrl-C, then a drain.

use std::net::SocketAddr;

use axum::http::StatusCode;
use bot_core::Worker;

use crate::config::Config;
use crate::edge::{self, AckSettings};
use crate::pool::Pool;
use crate::Error;

/// Serves the edge on `addr` with `worker` behind it until a shutdown signal, then drains.
pub async fn run(config: &Config, worker: Worker, addr: SocketAddr) -> Result<(), Error> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr()?;
    let pool = Pool::start(worker, config.workers, config.queue_capacity);
    let app = edge::app(
        pool.queue(),
        ack_settings(config)?,
        config.slack.as_ref().map(|s| s.signing_secret.clone()),
        config.line.is_some(),
    );
    let platforms: Vec<&str> = [
        config.slack.as_ref().map(|_| "slack"),
        config.line.as_ref().map(|_| "line"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if platforms.is_empty() {
        tracing::warn!("no platform is configured (set SLACK_SIGNING_SECRET or LINE_CHANNEL_SECRET): every webhook route answers 404");
    }
    tracing::info!(addr = %local, platforms = ?platforms, workers = config.workers, queue = config.queue_capacity, "listening on http://{local}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    let left = pool.drain(config.drain_timeout).await;
    tracing::info!(left, "stopped");
    Ok(())
}

/// The acknowledgement settings from the configuration.
pub fn ack_settings(config: &Config) -> Result<AckSettings, Error> {
    Ok(AckSettings {
        status: StatusCode::from_u16(config.ack_status)
            .map_err(|e| Error::Config(format!("ACKBOT_ACK_STATUS: {e}")))?,
        slack_command_body: config.slack_command_ack_body.clone(),
    })
}

async fn shutdown_signal() {
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
