//! The Discord adapter's integration tests: one binary.

mod flow;
mod signature;
