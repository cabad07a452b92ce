//! Logs through `tracing`: human-readable locally, JSON lines under Lambda or on request.

use std::io::IsTerminal;

use tracing::Metadata;
use tracing_subscriber::filter::{LevelFilter, Targets, filter_fn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogFormat;

/// Installs the global subscriber. `RUST_LOG` overrides `default_filter`. Safe to call twice.
///
/// `RUST_LOG` is a list of `target=level` and `level` directives, e.g. `info` or
/// `warn,ackbot_slack=debug` (`tracing_subscriber::filter::Targets`: no regex engine in the binary, no
/// pattern to compile at a cold start). One it cannot read is reported and `default_filter` used.
/// `lambda_runtime` never logs at TRACE, where it prints every event whole.
pub(crate) fn init(format: LogFormat, default_filter: &str) {
    let (filter, unreadable) = filter(std::env::var("RUST_LOG").ok().as_deref(), default_filter);
    let builder = tracing_subscriber::fmt()
        .with_max_level(tracing::level_filters::LevelFilter::TRACE)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .finish()
            .with(filter)
            .with(filter_fn(not_a_second_error_line))
            .try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .finish()
            .with(filter)
            .with(filter_fn(not_a_second_error_line))
            .try_init(),
    };
    if let Some(error) = unreadable {
        tracing::warn!(%error, default = default_filter, "RUST_LOG is not a filter ackbot can read; using the default");
    }
    // Panics reach the log as one line, not only stderr's free text.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| l.to_string()).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(panic = %message, %location, "panic");
    }));
}

/// Targets whose TRACE lines print whole payloads: `lambda_runtime` logs every raw event it
/// receives ("raw JSON event received from Lambda"), with its `response_url` and reply tokens.
const PAYLOAD_TARGETS: &[&str] = &["lambda_runtime", "lambda_runtime_api_client"];

/// Whether an event is anything but `lambda_runtime`'s own ERROR line about a handler's error
/// (`error!("{error:?}")`, without the request id): the worker has logged that failure already,
/// with its request id, and an ERROR metric filter would count it twice. Its line about a panic
/// (which carries an `error` field) still passes.
fn not_a_second_error_line(metadata: &Metadata<'_>) -> bool {
    !(metadata.target() == "lambda_runtime::layers::panic"
        && *metadata.level() == tracing::Level::ERROR
        && metadata.fields().field("error").is_none())
}

/// The filter `RUST_LOG` names (`None`, or blank: `default_filter`), and why it was unreadable.
/// Whatever it says, the [`PAYLOAD_TARGETS`] log at DEBUG at most.
fn filter(rust_log: Option<&str>, default_filter: &str) -> (Targets, Option<String>) {
    let default = || default_filter.parse().unwrap_or_else(|_| Targets::new());
    let (targets, unreadable) = match rust_log.map(str::trim).filter(|v| !v.is_empty()) {
        None => (default(), None),
        Some(value) => match value.parse::<Targets>() {
            Ok(targets) => (targets, None),
            Err(e) => (default(), Some(e.to_string())),
        },
    };
    (without_payloads(targets), unreadable)
}

/// `targets` with the [`PAYLOAD_TARGETS`] (and any target under them) held at DEBUG.
fn without_payloads(targets: Targets) -> Targets {
    let is_payload = |target: &str| PAYLOAD_TARGETS.iter().any(|p| target.starts_with(p));
    let mut held = match targets.default_level() {
        Some(level) => Targets::new().with_default(level),
        None => Targets::new(),
    };
    for (target, level) in targets.iter() {
        let level = match is_payload(target) {
            true => level.min(LevelFilter::DEBUG),
            false => level,
        };
        held = held.with_target(target, level);
    }
    for target in PAYLOAD_TARGETS {
        if held.would_enable(target, &tracing::Level::TRACE) {
            held = held.with_target(*target, LevelFilter::DEBUG);
        }
    }
    held
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn reads_levels_and_targets() {
        let (targets, error) = filter(Some("warn,ackbot_slack=debug"), "info");
        assert!(error.is_none());
        assert!(targets.would_enable("ackbot_slack::client", &Level::DEBUG));
        assert!(!targets.would_enable("ackbot_line::client", &Level::INFO));
        assert!(targets.would_enable("ackbot_line::client", &Level::WARN));
    }

    #[test]
    fn falls_back_to_the_default() {
        let (targets, error) = filter(None, "info");
        assert!(error.is_none());
        assert!(targets.would_enable("ackbot", &Level::INFO));
        assert!(!targets.would_enable("ackbot", &Level::DEBUG));
        let (targets, error) = filter(Some("  "), "warn");
        assert!(error.is_none());
        assert!(!targets.would_enable("ackbot", &Level::INFO));
    }

    #[test]
    fn lambda_runtime_never_logs_payloads_whatever_rust_log_says() {
        let raw_event = "lambda_runtime::layers::api_response";
        for rust_log in [
            "trace",
            "lambda_runtime=trace",
            "info,lambda_runtime::layers::api_response=trace",
            "warn,lambda_runtime_api_client=trace",
        ] {
            let (targets, error) = filter(Some(rust_log), "info");
            assert!(error.is_none(), "{rust_log}");
            assert!(
                !targets.would_enable(raw_event, &Level::TRACE),
                "{rust_log}"
            );
            assert!(
                !targets.would_enable("lambda_runtime_api_client", &Level::TRACE),
                "{rust_log}"
            );
        }
        let (targets, _) = filter(Some("trace"), "info");
        assert!(targets.would_enable(raw_event, &Level::DEBUG));
        assert!(targets.would_enable("ackbot_slack::client", &Level::TRACE));
        let (targets, _) = filter(Some("warn,ackbot_slack=debug"), "info");
        assert!(!targets.would_enable(raw_event, &Level::INFO));
        assert!(targets.would_enable("ackbot_slack::client", &Level::DEBUG));
    }

    #[test]
    fn an_unreadable_filter_is_reported_and_the_default_used() {
        let (targets, error) = filter(Some("ackbot_slack=loud"), "info");
        assert!(error.is_some());
        assert!(targets.would_enable("ackbot", &Level::INFO));
    }
}
