//! The LINE adapter's integration tests, in one binary: one link instead of one per file.

mod api;
mod common;
mod delivery;
mod mapping;
mod messages;
mod props;
mod signature;
mod webhook;
