//! What a runtime drives (the Lambda function, the local edge): the [`Worker`] that turns an
//! [`Envelope`](crate::adapter::Envelope) into replies, its idempotency store, its clock, and what
//! it tells observers and metrics about each Envelope.

pub use crate::clock::{Clock, SystemClock, now_ms};
pub use crate::dedupe::{Claim, DedupeStore, Expiry, MemoryDedupe};
pub use crate::dispatch::panic_message;
pub use crate::worker::{
    Ack, Counted, Counts, LogBudget, Metrics, Observation, Observer, Report, Stage, Status,
    WorkError, Worker, emf,
};
