//! The core's integration tests, in one binary: one link instead of one per file.

mod authorize;
mod deadline;
mod dispatch;
mod interactions;
mod progress;
mod props;
mod stream;
mod worker;
