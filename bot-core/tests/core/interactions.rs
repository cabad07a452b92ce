//! Interactions (block actions, modals, options, shortcuts): registration by `action_id` or
//! `callback_id`, the answer in the acknowledgement, the adapter's extensions, and the worker
//! delivering what the front door already computed.

use ackbot_core::testing::{LINE, SLACK};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ackbot_core::adapter::{Adapter, Delivery, DeliveryError, Envelope, Inbound, Work};
use ackbot_core::runtime::Worker;
use ackbot_core::testing::envelope;
use ackbot_core::{
    Answer, Bot, BoxError, BuildError, DispatchError, Extensions, FromIncoming, Incoming,
    InteractionKind, Outcome, Platform, Reply, Request, State, UnavailableRejection,
};
use futures::future::BoxFuture;
use serde_json::json;

fn interaction(kind: InteractionKind, id: &str, payload_type: &str) -> Incoming {
    Incoming::interaction(SLACK, kind, id, payload_type)
}

#[tokio::test]
async fn interactions_find_their_handler_by_kind_and_id() {
    let bot = Bot::new()
        .action("approve", || async { "approved" })
        .view("survey", || async {
            Answer::json(json!({"response_action": "clear"}))
        })
        .options("team", || async { Answer::json(json!({"options": []})) })
        .shortcut("new_ticket", || async { "ticket" })
        .on("block_actions", || async { "some other button" })
        .build()
        .unwrap();
    let done = bot
        .dispatch(interaction(
            InteractionKind::Action,
            "approve",
            "block_actions",
        ))
        .await;
    assert_eq!(done.replies, vec![Reply::text("approved")]);
    let done = bot
        .dispatch(interaction(
            InteractionKind::View,
            "survey",
            "view_submission",
        ))
        .await;
    assert!(done.replies.is_empty());
    assert_eq!(
        done.answer,
        Some(Answer::json(json!({"response_action": "clear"})))
    );
    let done = bot
        .dispatch(interaction(
            InteractionKind::Shortcut,
            "new_ticket",
            "shortcut",
        ))
        .await;
    assert_eq!(done.replies[0].text, "ticket");
    // A kind is part of the key: an action named like the shortcut is not the shortcut.
    let done = bot
        .dispatch(interaction(
            InteractionKind::Action,
            "new_ticket",
            "block_actions",
        ))
        .await;
    assert_eq!(
        done.replies[0].text, "some other button",
        "the payload type's `on` handler"
    );
    let done = bot
        .dispatch(interaction(InteractionKind::View, "unknown", "view_closed"))
        .await;
    assert!(matches!(done.outcome, Outcome::NoHandler));
    assert!(done.replies.is_empty() && done.answer.is_none());
}

#[tokio::test]
async fn a_mounted_groups_interactions_come_along_and_state_is_checked() {
    let group = Bot::new().view(
        "survey",
        |State(n): State<u8>| async move { format!("{n}") },
    );
    assert!(matches!(
        Bot::new().mount(group.clone()).build(),
        Err(BuildError::MissingState { .. })
    ));
    let bot = Bot::new().state(7u8).mount(group).build().unwrap();
    let done = bot
        .dispatch(interaction(
            InteractionKind::View,
            "survey",
            "view_submission",
        ))
        .await;
    assert_eq!(done.replies[0].text, "7");
    assert_eq!(
        bot.interactions().collect::<Vec<_>>(),
        [(InteractionKind::View, "survey")]
    );
}

/// An API client an adapter puts in a command's extensions.
#[derive(Clone)]
struct Client(&'static str);

impl FromIncoming for Client {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        request
            .extension::<Client>()
            .cloned()
            .ok_or(UnavailableRejection {
                what: "the test API",
            })
    }
}

#[tokio::test]
async fn extensions_reach_the_extractors_and_their_absence_is_answered() {
    let bot = Bot::new()
        .command(ackbot_core::cmd("who", |Client(name): Client| async move {
            name
        }))
        .build()
        .unwrap();
    let with = Extensions::new().with(Client("the client"));
    let done = bot.dispatch_with(Incoming::typed(LINE, "who"), with).await;
    assert_eq!(done.replies[0].text, "the client");
    let done = bot.dispatch(Incoming::typed(LINE, "who")).await;
    let Outcome::Failed(error) = &done.outcome else {
        panic!("expected a failure")
    };
    assert!(matches!(
        error.as_ref(),
        DispatchError::Unavailable {
            what: "the test API",
            ..
        }
    ));
    assert_eq!(done.replies[0].text, "Sorry, who is not available on LINE.");
}

/// A platform whose every webhook is one modal submission.
struct Modals {
    delivered: Arc<Mutex<Vec<Reply>>>,
}

struct Recording(Arc<Mutex<Vec<Reply>>>);

impl Delivery for Recording {
    fn deliver(&self, replies: Vec<Reply>, _: i64) -> BoxFuture<'_, Result<(), DeliveryError>> {
        self.0.lock().unwrap().extend(replies);
        Box::pin(async { Ok(()) })
    }
}

impl Adapter for Modals {
    fn platform(&self) -> Platform {
        SLACK
    }

    fn routes(&self) -> &'static [&'static str] {
        &["/modals"]
    }

    fn verify(&self, envelope: &Envelope) -> Result<(), BoxError> {
        match envelope.headers.get("signature") {
            Some("ok") => Ok(()),
            _ => Err("bad signature".into()),
        }
    }

    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
        let kind = match envelope.body.as_slice() {
            b"options" => InteractionKind::Options,
            _ => InteractionKind::View,
        };
        let command = interaction(kind, "survey", "view_submission");
        let delivery = Box::new(Recording(self.delivered.clone()));
        Ok(vec![Inbound::Work(Work::new(command, delivery))])
    }
}

fn modal_worker(runs: Arc<AtomicUsize>) -> (Worker, Arc<Mutex<Vec<Reply>>>) {
    let delivered: Arc<Mutex<Vec<Reply>>> = Arc::default();
    let bot = Bot::new()
        .view("survey", move || {
            let runs = runs.clone();
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                (Answer::empty(), Reply::text("thanks").to_conversation("C1"))
            }
        })
        .options("survey", || async { Answer::json(json!({"options": []})) })
        .build()
        .unwrap();
    let adapter = Modals {
        delivered: delivered.clone(),
    };
    (Worker::new(bot).with_adapter(Arc::new(adapter)), delivered)
}

fn signed(body: &str) -> Envelope {
    let mut e = envelope("/modals", body).with_header("signature", "ok");
    e.received_at_ms = ackbot_core::runtime::now_ms();
    e
}

#[tokio::test]
async fn the_front_door_runs_the_handler_once_and_the_worker_delivers_its_replies() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (worker, delivered) = modal_worker(runs.clone());
    let front = worker
        .front(signed("view"), std::time::Duration::from_secs(2))
        .await;
    assert_eq!((front.status, front.body_text()), (200, String::new()));
    let forwarded = front.forward.expect("the replies are left for the worker");
    let report = worker.process(forwarded).await;
    assert_eq!((report.handled, report.replied), (1, 1));
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "the handler ran once, at the front"
    );
    assert_eq!(
        delivered.lock().unwrap()[0].conversation.as_deref(),
        Some("C1")
    );
}

#[tokio::test]
async fn behind_a_static_ack_the_worker_runs_the_view_and_skips_options() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (worker, delivered) = modal_worker(runs.clone());
    let report = worker.process(signed("view")).await;
    assert_eq!((report.handled, report.replied), (1, 1));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let report = worker.process(signed("options")).await;
    assert_eq!(
        (report.handled, report.skipped),
        (0, 1),
        "options exist only in an ack"
    );
    assert_eq!(delivered.lock().unwrap().len(), 1);
    // And the front door answers options without handing anything on.
    let front = worker
        .front(signed("options"), std::time::Duration::from_secs(2))
        .await;
    assert_eq!(front.body_text(), r#"{"options":[]}"#);
    assert!(front.forward.is_none());
    let refused = worker
        .front(
            envelope("/modals", "view"),
            std::time::Duration::from_secs(2),
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(refused.forward.is_none());
}
