//! What follows a handler: the work it left for later, then the end of its stream.

use super::Worker;
use crate::adapter::Envelope;
use crate::{Deadline, DispatchError, Dispatched, Invocation, Later, Outcome, Stream, StreamEnd};

/// What the handler left behind.
pub(super) struct After {
    pub later: Option<Later>,
    pub stream: Option<Stream>,
    /// The command (or event) the handler answered, for an error hook.
    pub named: Invocation,
    pub deadline: Deadline,
}

impl Worker {
    /// Runs the work left for later (once, here, stopped at the deadline as a handler is), then
    /// ends the stream — always, also after a failure, a panic or a timeout, with a note saying
    /// so. A gathered stream becomes the first reply.
    pub(super) async fn after_handler(
        &self,
        envelope: &Envelope,
        dispatched: &mut Dispatched,
        after: After,
    ) {
        if let Some(later) = after.later {
            match after.deadline.stop(later.finish()).await {
                Some(replies) => dispatched.replies.extend(replies),
                None => {
                    let before = std::mem::take(&mut dispatched.replies);
                    *dispatched = self.dispatcher.later_timed_out(after.named, before);
                }
            }
        }
        if let Some(stream) = after.stream {
            let end = match &dispatched.outcome {
                Outcome::Failed(e) if matches!(**e, DispatchError::TimedOut { .. }) => {
                    StreamEnd::TimedOut
                }
                Outcome::Failed(_) => StreamEnd::Failed,
                _ => StreamEnd::Finished,
            };
            match stream.end(end).await {
                Ok(Some(gathered)) => dispatched.replies.insert(0, gathered),
                Ok(None) => {}
                Err(e) => tracing::warn!(request_id = %envelope.request_id,
                    error = %crate::chain(e.as_ref()), "could not end the stream"),
            }
        }
    }
}
