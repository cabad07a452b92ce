//! The `ackbot` binary end to end — `serve`, the Lambda worker and front door on a Runtime API
//! double, `send`, `doctor`, `manifest` — and the test kit, in one binary: one link instead
//! of one per file. Each module needs the features its binary runs with.

#[cfg(feature = "testing")]
mod assistant;
mod assistant_e2e;
#[cfg(feature = "testing")]
mod builtins;
#[cfg(feature = "testing")]
mod choices;
#[cfg(feature = "testing")]
mod choices_e2e;
mod common;
#[cfg(all(feature = "lambda", feature = "dev"))]
mod discord;
#[cfg(feature = "dev")]
mod distribution;
#[cfg(all(feature = "lambda", feature = "dev"))]
mod distribution_lambda;
#[cfg(feature = "serve")]
mod doctor;
#[cfg(all(feature = "lambda", feature = "dev"))]
mod faults;
#[cfg(all(feature = "lambda", feature = "dev"))]
mod front;
#[cfg(all(feature = "lambda", feature = "dev"))]
mod idempotency;
#[cfg(all(feature = "lambda", feature = "dev"))]
mod installations;
#[cfg(all(feature = "lambda", feature = "dev"))]
mod lambda;
#[cfg(feature = "dev")]
mod line;
#[cfg(feature = "serve")]
mod line_ja;
#[cfg(feature = "serve")]
mod manifest;
#[cfg(all(feature = "lambda", feature = "dev"))]
mod secrets;
#[cfg(all(feature = "lambda", feature = "dev"))]
mod security;
#[cfg(feature = "dev")]
mod send;
#[cfg(feature = "dev")]
mod slack;
#[cfg(feature = "dev")]
mod slack_surface;
#[cfg(feature = "testing")]
mod testing;
