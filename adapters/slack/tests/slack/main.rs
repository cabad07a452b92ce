//! The Slack adapter's integration tests, in one binary: one link instead of one per file.

mod adapter;
mod client;
mod fixtures;
mod oauth;
mod payload;
mod props;
