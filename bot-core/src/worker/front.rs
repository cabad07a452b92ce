//! The function-ack front door: verifies a webhook over its exact bytes, answers what must be
//! answered in the acknowledgement (Slack's challenge, a modal's `response_action`, a menu's
//! options) within a deadline, and says which Envelope to hand on to the worker.
//!
//! The local edge and the Lambda front door (`ACKBOT_ROLE=front`) both call
//! [`Worker::front`], so the two behave alike.

use std::sync::Arc;
use std::time::Duration;

use crate::adapter::Envelope;
use crate::adapter::Inbound;
use crate::worker::metrics::Counted;
use crate::worker::report::REJECTIONS;
use crate::worker::{Stage, Status, Worker};
use crate::{Answer, Incoming, InteractionKind, Later};

/// The front door's acknowledgement of a webhook (status, body), and the Envelope to hand on to
/// the worker, if any.
#[derive(Debug)]
pub struct Ack {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` of `body`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// The Envelope the worker must process, with the replies of any handler the front door
    /// already ran; `None` when nothing is left to do (a challenge, options, a rejection).
    pub forward: Option<Envelope>,
}

impl Ack {
    fn text(status: u16, text: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            body: text.as_bytes().to_vec(),
            forward: None,
        }
    }

    fn answer(answer: Answer) -> Self {
        match answer.body {
            None => Self::text(200, ""),
            Some(body) => Self {
                status: 200,
                content_type: "application/json",
                body: serde_json::to_vec(&body).expect("a JSON value always serialises"),
                forward: None,
            },
        }
    }

    /// The body as text, for logs and tests.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Why the front door refused a request.
#[derive(Clone, Copy)]
enum Refusal {
    /// The signature or freshness check failed: 401.
    Signature,
    /// The body could not be parsed: 400.
    Payload,
}

impl Worker {
    /// Refuses `envelope` without handing it on: counted, logged within the budget, observed,
    /// and answered 401 or 400.
    fn refuse(&self, envelope: &Envelope, error: crate::BoxError, why: Refusal) -> Ack {
        let (request_id, route) = (envelope.request_id.as_str(), envelope.route.as_str());
        let reason = crate::chain(error.as_ref());
        self.metrics.record(Counted::Rejected);
        if let Some(suppressed) = REJECTIONS.admit(crate::runtime::now_ms()) {
            match why {
                Refusal::Signature => tracing::warn!(request_id, route, %reason, suppressed,
                    "rejected at the front door"),
                Refusal::Payload => tracing::warn!(request_id, route, %reason, suppressed,
                    "invalid payload at the front door"),
            }
        }
        let error = Arc::from(error);
        let (stage, status, answer) = match why {
            Refusal::Signature => (
                Stage::Rejected(Arc::clone(&error)),
                Status::Rejected(error),
                Ack::text(401, "signature check failed\n"),
            ),
            Refusal::Payload => (
                Stage::Invalid(Arc::clone(&error)),
                Status::Invalid(error),
                Ack::text(400, "invalid payload\n"),
            ),
        };
        self.observe(envelope, stage);
        self.observe(envelope, Stage::Done(status));
        answer
    }

    /// Answers `envelope` as a function-ack front door: `401` when the signature fails, the
    /// computed answer when there is one, else an empty `200`. A handler that runs longer than
    /// `deadline` is abandoned for the plain acknowledgement (and a warning), and the worker runs
    /// it again from the forwarded Envelope.
    pub async fn front(&self, mut envelope: Envelope, deadline: Duration) -> Ack {
        let request_id = envelope.request_id.clone();
        let route = envelope.route.clone();
        let Some(adapter) = self.adapter_for(&route).cloned() else {
            return Ack::text(404, "not found: this route is not configured\n");
        };
        if let Err(e) = adapter.verify(&envelope) {
            return self.refuse(&envelope, e, Refusal::Signature);
        }
        let items = match adapter.parse(&envelope) {
            Ok(items) => items,
            Err(e) => return self.refuse(&envelope, e, Refusal::Payload),
        };
        let mut answer = Answer::empty();
        let mut forward = false;
        for item in items {
            match item {
                Inbound::Answered { answer: a, reason } => {
                    tracing::info!(request_id, route, %reason, "answered in the acknowledgement");
                    answer = a;
                }
                Inbound::Skip { reason } => {
                    tracing::debug!(request_id, route, %reason, "nothing to hand on");
                }
                Inbound::Work(mut work) if work.answers_in_ack => {
                    // A menu's options exist only in the acknowledgement: nothing is left for the
                    // worker to do with them.
                    let options = is_options(&work.incoming);
                    let invocation = work.incoming.invocation();
                    let incoming = work.incoming.clone();
                    let (adapter, request_id) = (adapter.as_ref(), request_id.as_str());
                    // The slow part is the worker's: never run here, so never twice.
                    let later = Later::in_the_worker();
                    work.extensions.insert(later.clone());
                    let dispatch = async move {
                        if let Err(e) = adapter.authorize(&mut work).await {
                            // The handler still answers; its own Web API calls say what is missing.
                            tracing::warn!(request_id, error = %crate::chain(e.as_ref()),
                                "could not authorize the work at the front door");
                        }
                        self.dispatcher
                            .dispatch_with(work.incoming, work.extensions)
                            .await
                    };
                    let dispatch = tokio::time::timeout(deadline, dispatch);
                    // Whether the worker goes on with this item.
                    let mut followed = false;
                    let given = match self.watching(&envelope, dispatch).await {
                        Ok(done) if later.is_requested() => {
                            // The worker runs the handler again, and its slow part, once.
                            followed = !options;
                            done.answer
                        }
                        Ok(done) => {
                            if !done.replies.is_empty() && !options {
                                envelope.answered_replies = Some(done.replies);
                                followed = true;
                            }
                            done.answer
                        }
                        Err(_) => {
                            tracing::warn!(request_id, command = %invocation,
                                deadline_ms = deadline.as_millis() as u64,
                                "the handler is slower than the acknowledgement deadline: acknowledged \
                                 without its answer; the worker runs it again");
                            followed = !options;
                            None
                        }
                    };
                    answer = adapter.acknowledge(&incoming, given, followed);
                    forward |= followed;
                }
                Inbound::Work(_) => forward = true,
            }
        }
        let mut front = Ack::answer(answer);
        self.observe(
            &envelope,
            Stage::Answered {
                status: front.status,
                body: front.body_text(),
            },
        );
        if forward {
            front.forward = Some(envelope);
        } else {
            self.metrics.record(Counted::Processed);
            self.observe(&envelope, Stage::Done(Status::Processed));
        }
        front
    }
}

/// Whether `incoming` asks a menu for its options.
pub(super) fn is_options(incoming: &Incoming) -> bool {
    (incoming.as_interaction()).is_some_and(|i| i.kind == InteractionKind::Options)
}
