//! Local stand-ins of the Slack and LINE APIs, speaking their documented request and response
//! shapes on loopback, for `ackbot demo`, `ackbot send` and tests.

pub mod line;
mod recorder;
pub mod slack;

pub use recorder::{Recorded, Recorder};
