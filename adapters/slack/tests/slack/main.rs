//! The Slack adapter's integration tests, in one binary: one link instead of one per file.

mod adapter;
mod blocks;
mod client;
mod fixtures;
mod oauth;
mod payload;
mod props;
