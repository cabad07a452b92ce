//! Payloads as Slack really sends them (`tests/data`), through the public adapter: signed,
//! verified and parsed by `SlackAdapter`, and the interactions dispatched to a bot whose handlers
//! read them with the typed extractors.

use std::sync::{Arc, Mutex};

use ackbot_core::adapter::{Adapter, Inbound, Work};
use ackbot_core::{
    Answer, Bot, ConversationKind, DispatchError, Dispatched, InteractionKind, Outcome, Reply,
    Text, cmd,
};
use ackbot_slack::{
    BlockSuggestion, COMMANDS_ROUTE, EVENTS_ROUTE, INTERACTIONS_ROUTE, InteractionPayload, Options,
    SlackAdapter, SlackConfig, TriggerId, ViewResponse, ViewSubmission, sample,
};
use serde_json::{Value, json};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
/// When the fixtures are signed (and received): 2023-11-14T22:13:20Z.
const SIGNED_AT: i64 = 1_700_000_000;

// Interactivity payloads: the JSON of the `payload` form field.
const VIEW_SUBMISSION: &str = include_str!("../data/view_submission.json");
const VIEW_CLOSED: &str = include_str!("../data/view_closed.json");
const BLOCK_SUGGESTION: &str = include_str!("../data/block_suggestion.json");
const SHORTCUT: &str = include_str!("../data/shortcut.json");
const MESSAGE_ACTION: &str = include_str!("../data/message_action.json");
const BLOCK_ACTIONS: &str = include_str!("../data/block_actions.json");
const BLOCK_ACTIONS_IN_MODAL: &str = include_str!("../data/block_actions_in_modal.json");

// Events API bodies.
const URL_VERIFICATION: &str = include_str!("../data/url_verification.json");
const APP_MENTION: &str = include_str!("../data/app_mention.json");
const APP_MENTION_IN_THREAD: &str = include_str!("../data/app_mention_in_thread.json");
const MESSAGE_IM: &str = include_str!("../data/message_im.json");
const MESSAGE_CHANGED: &str = include_str!("../data/message_changed.json");
const BOT_MESSAGE: &str = include_str!("../data/bot_message.json");
const REACTION_ADDED: &str = include_str!("../data/reaction_added.json");
const MEMBER_JOINED_CHANNEL: &str = include_str!("../data/member_joined_channel.json");
const APP_HOME_OPENED: &str = include_str!("../data/app_home_opened.json");
const APP_RATE_LIMITED: &str = include_str!("../data/app_rate_limited.json");
const UNKNOWN_EVENT: &str = include_str!("../data/unknown_event.json");

// A slash command's form body.
const SLASH_COMMAND: &str = include_str!("../data/slash_command.txt");

const INTERACTIONS: &[(&str, &str)] = &[
    ("view_submission", VIEW_SUBMISSION),
    ("view_closed", VIEW_CLOSED),
    ("block_suggestion", BLOCK_SUGGESTION),
    ("shortcut", SHORTCUT),
    ("message_action", MESSAGE_ACTION),
    ("block_actions", BLOCK_ACTIONS),
    ("block_actions_in_modal", BLOCK_ACTIONS_IN_MODAL),
];

const EVENTS: &[(&str, &str)] = &[
    ("url_verification", URL_VERIFICATION),
    ("app_mention", APP_MENTION),
    ("app_mention_in_thread", APP_MENTION_IN_THREAD),
    ("message_im", MESSAGE_IM),
    ("message_changed", MESSAGE_CHANGED),
    ("bot_message", BOT_MESSAGE),
    ("reaction_added", REACTION_ADDED),
    ("member_joined_channel", MEMBER_JOINED_CHANNEL),
    ("app_home_opened", APP_HOME_OPENED),
    ("app_rate_limited", APP_RATE_LIMITED),
    ("unknown_event", UNKNOWN_EVENT),
];

fn adapter() -> SlackAdapter {
    SlackAdapter::new(SlackConfig::new(SECRET).with_bot_token("xoxb-test")).unwrap()
}

/// An interactivity body as Slack posts it: `payload=<json>`, form-encoded.
fn form(payload: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", payload)
        .finish()
}

/// `body` signed for `route`, verified and parsed by the adapter.
fn parse(route: &str, body: &str) -> Vec<Inbound> {
    let adapter = adapter();
    let envelope = sample::signed_envelope(route, body, SECRET, SIGNED_AT);
    adapter
        .verify(&envelope)
        .unwrap_or_else(|e| panic!("a signed body verifies: {e}"));
    adapter
        .parse(&envelope)
        .unwrap_or_else(|e| panic!("a fixture parses: {e}\n{body}"))
}

/// The one item `body` parses into.
fn one(route: &str, body: &str) -> Inbound {
    let mut items = parse(route, body);
    assert_eq!(items.len(), 1, "one item for {body}");
    items.pop().unwrap()
}

fn describe(item: &Inbound) -> String {
    match item {
        Inbound::Skip { reason } => format!("Skip({reason})"),
        Inbound::Answered { answer, reason } => format!("Answered({reason}: {answer:?})"),
        Inbound::Work(work) => format!("Work({:?})", work.incoming),
    }
}

fn work(item: Inbound) -> Work {
    match item {
        Inbound::Work(work) => work,
        other => panic!("expected work, got {}", describe(&other)),
    }
}

fn skip_reason(item: Inbound) -> String {
    match item {
        Inbound::Skip { reason } => reason,
        other => panic!("expected a skip, got {}", describe(&other)),
    }
}

/// The work of an interactivity payload.
fn interaction(payload: &str) -> Work {
    work(one(INTERACTIONS_ROUTE, &form(payload)))
}

/// The one item of an Events API body.
fn event(body: &str) -> Inbound {
    one(EVENTS_ROUTE, body)
}

fn fixture(json: &str) -> Value {
    serde_json::from_str(json).expect("fixtures are JSON")
}

/// Dispatches `work` to `bot` with the adapter's extensions, as the worker does.
async fn dispatch(bot: Bot, work: Work) -> Dispatched {
    let dispatcher = bot.build().expect("the test bot builds");
    dispatcher
        .dispatch_with(work.incoming, work.extensions)
        .await
}

/// What a handler saw, for the test to look at after the dispatch.
#[derive(Clone)]
struct Seen<T>(Arc<Mutex<Option<T>>>);

impl<T> Seen<T> {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(None)))
    }

    fn put(&self, value: T) {
        *self.0.lock().unwrap() = Some(value);
    }

    fn take(&self) -> T {
        self.0
            .lock()
            .unwrap()
            .take()
            .expect("the handler ran and saw its arguments")
    }
}

fn assert_handled(dispatched: &Dispatched) {
    assert!(
        matches!(dispatched.outcome, Outcome::Handled),
        "{:?}",
        dispatched.outcome
    );
}

// --- Every fixture -----------------------------------------------------------------------------

#[test]
fn every_fixture_is_a_json_object_with_a_type() {
    for (name, json) in INTERACTIONS.iter().chain(EVENTS) {
        let value = fixture(json);
        assert!(value.is_object(), "{name}");
        assert!(value["type"].is_string(), "{name} has a type");
    }
}

#[test]
fn every_fixture_verifies_signed_and_fails_tampered() {
    let adapter = adapter();
    let bodies = INTERACTIONS
        .iter()
        .map(|(name, json)| (*name, INTERACTIONS_ROUTE, form(json)))
        .chain(
            EVENTS
                .iter()
                .map(|(name, json)| (*name, EVENTS_ROUTE, json.to_string())),
        )
        .chain([("slash_command", COMMANDS_ROUTE, SLASH_COMMAND.to_string())]);
    for (name, route, body) in bodies {
        let envelope = sample::signed_envelope(route, &body, SECRET, SIGNED_AT);
        assert!(adapter.verify(&envelope).is_ok(), "{name}");
        let mut tampered = envelope.clone();
        tampered.body.push(b' ');
        assert!(adapter.verify(&tampered).is_err(), "{name} tampered");
        let other = sample::signed_envelope(route, &body, "another-secret", SIGNED_AT);
        assert!(adapter.verify(&other).is_err(), "{name} signed elsewhere");
    }
}

#[test]
fn every_fixture_parses_into_one_item() {
    for (name, json) in INTERACTIONS {
        assert_eq!(parse(INTERACTIONS_ROUTE, &form(json)).len(), 1, "{name}");
    }
    for (name, json) in EVENTS {
        assert_eq!(parse(EVENTS_ROUTE, json).len(), 1, "{name}");
    }
}

#[test]
fn interactions_are_keyed_by_their_signature_against_replays() {
    // Slack gives interactions no delivery id: the signature over the timestamp and the body is
    // their identity, so the same signed request sent again is a replay.
    for (name, json) in INTERACTIONS {
        let body = form(json);
        let envelope = sample::signed_envelope(INTERACTIONS_ROUTE, &body, SECRET, SIGNED_AT);
        let signature = envelope
            .headers
            .get("x-slack-signature")
            .unwrap()
            .to_string();
        let work = interaction(json);
        assert!(work.incoming.as_interaction().is_some(), "{name}");
        // A hash of the signature, never the signature itself: keys are logged and shown.
        let digest = <sha2::Sha256 as sha2::Digest>::digest(signature.as_bytes());
        assert_eq!(
            work.dedupe_key,
            Some(format!("slack:replay:{}", hex::encode(digest))),
            "{name}"
        );
        assert!(work.dedupe_aliases.is_empty(), "{name}");
    }
}

// --- Interactions ------------------------------------------------------------------------------

#[tokio::test]
async fn view_submission_reaches_the_views_handler_with_its_values() {
    let work = interaction(VIEW_SUBMISSION);
    let command = &work.incoming;
    assert_eq!(
        command.as_interaction().map(|i| i.kind),
        Some(InteractionKind::View)
    );
    assert_eq!(command.name(), "feedback");
    assert_eq!(
        command.as_interaction().unwrap().payload_type,
        "view_submission"
    );
    assert_eq!(command.invocation(), "view_submission feedback");
    assert_eq!(command.user.id, "U061F7AUR");
    assert_eq!(command.user.name.as_deref(), Some("ann.takahashi"));
    assert_eq!(command.payload.value()["view"]["id"], "V06A8L3KJ2Q");
    assert_eq!(
        command.payload.value()["view"]["app_installed_team_id"],
        "T061EG9R6"
    );

    let seen = Seen::new();
    let bot = Bot::new().view("feedback", {
        let seen = seen.clone();
        move |view: ViewSubmission, TriggerId(trigger): TriggerId| {
            let seen = seen.clone();
            async move {
                seen.put((view, trigger));
                ViewResponse::close()
            }
        }
    });
    let dispatched = dispatch(bot, work).await;
    assert_handled(&dispatched);
    // Closing the modal is an empty acknowledgement.
    assert_eq!(dispatched.answer, Some(Answer::empty()));
    assert!(dispatched.replies.is_empty());

    let (view, trigger) = seen.take();
    assert!(!view.closed);
    assert_eq!(view.user_id, "U061F7AUR");
    assert_eq!(view.callback_id, "feedback");
    assert_eq!(view.private_metadata, "C0LAN2Q65");
    assert_eq!(view.value("feedback", "text"), Some("Great bot 👍 <&>"));
    assert_eq!(view.value("feedback", "missing"), None);
    assert_eq!(view.value("intro", "text"), None);
    let modal = view.payload.view.as_ref().unwrap();
    assert_eq!(modal.id.as_deref(), Some("V06A8L3KJ2Q"));
    assert_eq!(modal.view_type.as_deref(), Some("modal"));
    assert_eq!(modal.hash.as_deref(), Some("1700000123.Qf9CcXvb"));
    assert_eq!(modal.root_view_id.as_deref(), Some("V06A8L3KJ2Q"));
    assert!(view.payload.response_urls.is_empty());
    assert_eq!(view.payload.response_url(), None);
    assert_eq!(
        trigger,
        "6011345678903.6061457798.5b1c3e2f9d8a7b6c5d4e3f2a1b0c9d8e"
    );
}

#[tokio::test]
async fn view_submission_can_keep_the_modal_open_with_errors() {
    let bot = Bot::new().view("feedback", |view: ViewSubmission| async move {
        match view.value("feedback", "text") {
            Some(text) if text.contains('<') => {
                ViewResponse::error("feedback", "No markup, please")
            }
            _ => ViewResponse::close(),
        }
    });
    let dispatched = dispatch(bot, interaction(VIEW_SUBMISSION)).await;
    assert_handled(&dispatched);
    assert_eq!(
        dispatched.answer.unwrap().body,
        Some(json!({"response_action": "errors", "errors": {"feedback": "No markup, please"}}))
    );
}

#[tokio::test]
async fn view_closed_reaches_the_same_handler_marked_closed() {
    let work = interaction(VIEW_CLOSED);
    let command = &work.incoming;
    assert_eq!(
        command.as_interaction().map(|i| i.kind),
        Some(InteractionKind::View)
    );
    assert_eq!(command.name(), "feedback");
    assert_eq!(
        command.as_interaction().unwrap().payload_type,
        "view_closed"
    );
    assert_eq!(command.user.id, "U061F7AUR");
    assert_eq!(command.payload.value()["is_cleared"], false);

    let seen = Seen::new();
    let bot = Bot::new().view("feedback", {
        let seen = seen.clone();
        move |view: ViewSubmission| {
            let seen = seen.clone();
            async move { seen.put(view) }
        }
    });
    assert_handled(&dispatch(bot, work).await);
    let view = seen.take();
    assert!(view.closed);
    assert_eq!(view.user_id, "U061F7AUR");
    assert_eq!(view.callback_id, "feedback");
    assert_eq!(view.private_metadata, "C0LAN2Q65");
    // The input was left empty: Slack sends `"value": null`.
    assert_eq!(view.value("feedback", "text"), None);
}

#[tokio::test]
async fn view_closed_has_no_trigger_id() {
    // Slack sends none with `view_closed`: a handler asking for one is refused, not panicking.
    let bot = Bot::new().view("feedback", |TriggerId(_): TriggerId| async {});
    let dispatched = dispatch(bot, interaction(VIEW_CLOSED)).await;
    match &dispatched.outcome {
        Outcome::Failed(error) => assert!(
            matches!(error.as_ref(), DispatchError::Unavailable { .. }),
            "{error:?}"
        ),
        other => panic!("expected the TriggerId to be unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn block_suggestion_asks_the_menus_handler_for_options() {
    let work = interaction(BLOCK_SUGGESTION);
    let command = &work.incoming;
    assert_eq!(
        command.as_interaction().map(|i| i.kind),
        Some(InteractionKind::Options)
    );
    assert_eq!(command.name(), "team_select");
    assert_eq!(
        command.as_interaction().unwrap().payload_type,
        "block_suggestion"
    );
    assert_eq!(command.user.id, "U061F7AUR");
    // Asked from a modal: no channel.
    assert_eq!(command.conversation.id, "");

    let seen = Seen::new();
    let bot = Bot::new().options("team_select", {
        let seen = seen.clone();
        move |suggestion: BlockSuggestion, payload: InteractionPayload| {
            let seen = seen.clone();
            async move {
                let typed = suggestion.value.clone();
                seen.put((suggestion, payload));
                Options::new()
                    .option("Tokyo 東京", "tyo")
                    .option(format!("“{typed}”"), typed)
            }
        }
    });
    let dispatched = dispatch(bot, work).await;
    assert_handled(&dispatched);
    assert_eq!(
        dispatched.answer.unwrap().body.unwrap()["options"][1],
        json!({"text": {"type": "plain_text", "text": "“tok”"}, "value": "tok"})
    );

    let (suggestion, payload) = seen.take();
    assert_eq!(suggestion.action_id, "team_select");
    assert_eq!(suggestion.block_id, "team");
    assert_eq!(suggestion.value, "tok");
    let container = payload.container.unwrap();
    assert_eq!(container.container_type.as_deref(), Some("view"));
    assert_eq!(container.view_id.as_deref(), Some("V06B2N7PQ4R"));
    assert_eq!(payload.view.unwrap().callback_id.as_deref(), Some("ticket"));
    assert_eq!(payload.team.unwrap().domain.as_deref(), Some("ackbot-dev"));
}

#[tokio::test]
async fn global_shortcut_reaches_its_handler_with_a_trigger_id() {
    let work = interaction(SHORTCUT);
    let command = &work.incoming;
    assert_eq!(
        command.as_interaction().map(|i| i.kind),
        Some(InteractionKind::Shortcut)
    );
    assert_eq!(command.name(), "new_ticket");
    assert_eq!(command.as_interaction().unwrap().payload_type, "shortcut");
    assert_eq!(command.user.id, "U061F7AUR");
    assert_eq!(command.user.name.as_deref(), Some("ann.takahashi"));
    // A global shortcut happens nowhere in particular.
    assert_eq!(command.conversation.id, "");

    let seen = Seen::new();
    let bot = Bot::new().shortcut("new_ticket", {
        let seen = seen.clone();
        move |TriggerId(trigger): TriggerId, payload: InteractionPayload| {
            let seen = seen.clone();
            async move { seen.put((trigger, payload)) }
        }
    });
    assert_handled(&dispatch(bot, work).await);
    let (trigger, payload) = seen.take();
    assert_eq!(
        trigger,
        "6011345678903.6061457798.0f6a1c2b3d4e5f60718293a4b5c6d7e8"
    );
    assert_eq!(payload.callback_id.as_deref(), Some("new_ticket"));
    assert_eq!(payload.handler_id(), Some("new_ticket"));
    assert_eq!(
        payload.user.as_ref().unwrap().team_id.as_deref(),
        Some("T061EG9R6")
    );
    assert_eq!(payload.response_url(), None);
}

#[tokio::test]
async fn message_shortcut_carries_the_message_and_its_channel() {
    let work = interaction(MESSAGE_ACTION);
    let command = &work.incoming;
    assert_eq!(
        command.as_interaction().map(|i| i.kind),
        Some(InteractionKind::Shortcut)
    );
    assert_eq!(command.name(), "save_message");
    assert_eq!(
        command.as_interaction().unwrap().payload_type,
        "message_action"
    );
    assert_eq!(command.user.id, "U061F7AUR");
    assert_eq!(command.conversation.id, "C0LAN2Q65");
    assert_eq!(command.conversation.name.as_deref(), Some("general"));
    assert_eq!(command.conversation.kind, ConversationKind::Group);

    let seen = Seen::new();
    let bot = Bot::new().shortcut("save_message", {
        let seen = seen.clone();
        move |payload: InteractionPayload, TriggerId(trigger): TriggerId| {
            let seen = seen.clone();
            async move {
                seen.put((payload, trigger));
                Reply::text("Saved")
            }
        }
    });
    let dispatched = dispatch(bot, work).await;
    assert_handled(&dispatched);
    assert_eq!(dispatched.replies[0].text, "Saved");
    assert_eq!(dispatched.answer, None);

    let (payload, trigger) = seen.take();
    assert_eq!(
        trigger,
        "6011345678903.6061457798.9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
    );
    assert_eq!(
        payload.response_url(),
        Some("https://hooks.slack.com/app/T061EG9R6/6011345678904/yk1S9ndf35Q1flupVG5JbpM6")
    );
    let message = payload.message.unwrap();
    assert_eq!(message["ts"], "1699999000.000200");
    assert_eq!(message["user"], "U0G9QF9C6");
    // The message's text as Slack escapes it: the payload is handed over as it came.
    assert_eq!(message["text"], "Ship it on Friday &amp; tell <@U0LAN0Z89>");
}

#[tokio::test]
async fn button_in_a_modal_is_an_action_with_its_view() {
    let work = interaction(BLOCK_ACTIONS_IN_MODAL);
    let command = &work.incoming;
    assert_eq!(
        command.as_interaction().map(|i| i.kind),
        Some(InteractionKind::Action)
    );
    assert_eq!(command.name(), "add_item");
    assert_eq!(
        command.as_interaction().unwrap().payload_type,
        "block_actions"
    );
    assert_eq!(command.user.id, "U061F7AUR");
    // In a modal: no channel, no response_url.
    assert_eq!(command.conversation.id, "");
    assert_eq!(command.payload.value().get("response_url"), None);

    let seen = Seen::new();
    let bot = Bot::new().action("add_item", {
        let seen = seen.clone();
        move |payload: InteractionPayload, TriggerId(trigger): TriggerId| {
            let seen = seen.clone();
            async move { seen.put((payload, trigger)) }
        }
    });
    assert_handled(&dispatch(bot, work).await);
    let (payload, trigger) = seen.take();
    assert_eq!(
        trigger,
        "6011345678903.6061457798.1a2b3c4d5e6f708192a3b4c5d6e7f809"
    );
    assert_eq!(payload.response_url(), None);
    assert_eq!(payload.channel_id(), None);
    let container = payload.container.as_ref().unwrap();
    assert_eq!(container.container_type.as_deref(), Some("view"));
    assert_eq!(container.view_id.as_deref(), Some("V06C4R9ST6U"));
    let view = payload.view.as_ref().unwrap();
    assert_eq!(view.id.as_deref(), Some("V06C4R9ST6U"));
    assert_eq!(view.callback_id.as_deref(), Some("order"));
    assert_eq!(view.private_metadata.as_deref(), Some("{\"order\":42}"));
    assert_eq!(view.hash.as_deref(), Some("1700000500.Hk2Lm3Np"));
    let action = &payload.actions[0];
    assert_eq!(action.action_type.as_deref(), Some("button"));
    assert_eq!(action.block_id.as_deref(), Some("more"));
    assert_eq!(action.value.as_deref(), Some("order-42"));
}

#[tokio::test]
async fn button_in_a_modal_is_no_view_submission() {
    // `ViewSubmission` is for `view_submission` and `view_closed` only, even with a `view`.
    let bot = Bot::new().action("add_item", |_: ViewSubmission| async {});
    let dispatched = dispatch(bot, interaction(BLOCK_ACTIONS_IN_MODAL)).await;
    assert!(
        matches!(&dispatched.outcome, Outcome::Failed(e) if matches!(e.as_ref(), DispatchError::Unavailable { .. })),
        "{:?}",
        dispatched.outcome
    );
}

#[tokio::test]
async fn button_in_a_message_reaches_its_action_or_the_payload_types_handler() {
    let work = interaction(BLOCK_ACTIONS);
    assert_eq!(
        work.incoming.as_interaction().map(|i| i.kind),
        Some(InteractionKind::Action)
    );
    assert_eq!(work.incoming.name(), "approve");
    assert_eq!(work.incoming.user.id, "U0CA5");
    assert_eq!(work.incoming.conversation.id, "C0CA5");

    let bot = Bot::new().action("approve", |p: InteractionPayload| async move {
        Reply::text(format!(
            "approved {}",
            p.actions[0].value.as_deref().unwrap()
        ))
    });
    let dispatched = dispatch(bot, work).await;
    assert_handled(&dispatched);
    assert_eq!(dispatched.replies[0].text, "approved order-42");

    // Without a handler of its own, the `block_actions` handler takes it.
    let bot = Bot::new().on("block_actions", || async { Reply::text("clicked") });
    let dispatched = dispatch(bot, interaction(BLOCK_ACTIONS)).await;
    assert_eq!(dispatched.replies[0].text, "clicked");
}

#[tokio::test]
async fn interactions_without_a_handler_do_nothing() {
    for (name, json) in INTERACTIONS {
        let dispatched = dispatch(Bot::new(), interaction(json)).await;
        assert!(
            matches!(dispatched.outcome, Outcome::NoHandler),
            "{name}: {:?}",
            dispatched.outcome
        );
        assert!(dispatched.replies.is_empty(), "{name}");
        assert_eq!(dispatched.answer, None, "{name}");
    }
}

// --- Events ------------------------------------------------------------------------------------

#[test]
fn url_verification_is_answered_with_its_challenge() {
    match event(URL_VERIFICATION) {
        Inbound::Answered { answer, reason } => {
            assert_eq!(reason, "url_verification");
            assert_eq!(
                answer.body,
                Some(json!({"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}))
            );
        }
        other => panic!("expected an answer, got {}", describe(&other)),
    }
}

#[tokio::test]
async fn direct_message_is_a_command_with_slacks_escapes_undone() {
    let work = work(event(MESSAGE_IM));
    let command = &work.incoming;
    assert!(command.as_command().is_some());
    assert_eq!(command.name(), "echo");
    assert_eq!(command.as_command().unwrap().text, "hi & bye");
    assert_eq!(command.as_command().unwrap().input, "echo hi & bye");
    assert_eq!(command.user.id, "U061F7AUR");
    assert_eq!(command.conversation.id, "D0LAN2Q66");
    assert_eq!(command.conversation.kind, ConversationKind::Direct);
    assert_eq!(
        command.payload.value()["event"]["client_msg_id"],
        "e1f3c9a4-2b7d-4c8e-9f10-3a5b7c9d1e2f"
    );
    assert_eq!(work.dedupe_key.as_deref(), Some("Ev06DMECHO01"));
    assert!(
        work.dedupe_aliases
            .iter()
            .any(|alias| alias.contains("1700000600.000100")),
        "the message's ts is an alias: {:?}",
        work.dedupe_aliases
    );

    let bot = Bot::new().command(cmd(
        "echo",
        |Text(text): Text| async move { Reply::text(text) },
    ));
    let dispatched = dispatch(bot, work).await;
    assert_handled(&dispatched);
    assert_eq!(dispatched.replies[0].text, "hi & bye");
}

#[test]
fn edited_messages_are_skipped() {
    let reason = skip_reason(event(MESSAGE_CHANGED));
    assert!(!reason.is_empty());
}

#[test]
fn bot_messages_are_skipped() {
    let reason = skip_reason(event(BOT_MESSAGE));
    assert!(reason.contains("bot"), "{reason}");
}

#[test]
fn mention_is_a_command_without_the_mention() {
    let work = work(event(APP_MENTION));
    assert!(work.incoming.as_command().is_some());
    assert_eq!(work.incoming.name(), "echo");
    assert_eq!(
        work.incoming.as_command().unwrap().text,
        "こんにちは 👋 a+b"
    );
    assert_eq!(work.dedupe_key.as_deref(), Some("Ev0LAN670R"));
}

#[test]
fn mention_in_a_thread_is_deduplicated_by_event_and_by_message() {
    let work = work(event(APP_MENTION_IN_THREAD));
    let command = &work.incoming;
    assert!(command.as_command().is_some());
    assert_eq!(command.name(), "echo");
    assert_eq!(command.as_command().unwrap().text, "in the thread <3");
    assert_eq!(command.user.id, "U061F7AUR");
    assert_eq!(command.conversation.id, "C0LAN2Q65");
    assert_eq!(command.conversation.kind, ConversationKind::Group);
    assert_eq!(
        command.payload.value()["event"]["thread_ts"],
        "1700000750.000400"
    );
    assert_eq!(work.dedupe_key.as_deref(), Some("Ev06THREAD01"));
    assert!(!work.dedupe_aliases.is_empty());
    assert!(
        work.dedupe_aliases
            .iter()
            .all(|alias| alias != "Ev06THREAD01"),
        "{:?}",
        work.dedupe_aliases
    );
    assert!(
        work.dedupe_aliases
            .iter()
            .any(|alias| alias.contains("C0LAN2Q65") && alias.contains("1700000800.000500")),
        "the mention's own channel and ts: {:?}",
        work.dedupe_aliases
    );
}

#[tokio::test]
async fn reaction_added_is_an_event_in_the_items_channel() {
    let work = work(event(REACTION_ADDED));
    let command = &work.incoming;
    assert!(command.as_event().is_some());
    assert_eq!(command.name(), "reaction_added");
    assert_eq!(command.user.id, "U061F7AUR");
    assert_eq!(command.conversation.id, "C0LAN2Q65");
    assert_eq!(work.dedupe_key.as_deref(), Some("Ev06REACTN01"));

    let bot = Bot::new().on("reaction_added", |request: RawEvent| async move {
        Reply::text(format!(
            ":{}: noted",
            request.0["event"]["reaction"].as_str().unwrap()
        ))
    });
    let dispatched = dispatch(bot, work).await;
    assert_handled(&dispatched);
    assert_eq!(dispatched.replies[0].text, ":thumbsup: noted");
}

#[test]
fn member_joined_channel_is_an_event() {
    let work = work(event(MEMBER_JOINED_CHANNEL));
    let command = &work.incoming;
    assert!(command.as_event().is_some());
    assert_eq!(command.name(), "member_joined_channel");
    assert_eq!(command.user.id, "U0G9QF9C6");
    assert_eq!(command.conversation.id, "C0LAN2Q65");
    assert_eq!(command.conversation.kind, ConversationKind::Group);
    assert_eq!(command.payload.value()["event"]["inviter"], "U061F7AUR");
    assert_eq!(work.dedupe_key.as_deref(), Some("Ev06JOINED01"));
}

#[tokio::test]
async fn app_home_opened_is_an_event_not_an_interaction() {
    let work = work(event(APP_HOME_OPENED));
    let command = &work.incoming;
    assert!(command.as_event().is_some());
    assert_eq!(command.name(), "app_home_opened");
    assert_eq!(command.user.id, "U061F7AUR");
    assert_eq!(command.conversation.id, "D0LAN2Q66");
    assert_eq!(command.conversation.kind, ConversationKind::Direct);
    assert_eq!(command.payload.value()["event"]["tab"], "home");
    assert_eq!(command.payload.value()["event"]["view"]["type"], "home");
    assert_eq!(work.dedupe_key.as_deref(), Some("Ev06HOMEOP01"));

    // Its `view` is no interaction payload: the typed extractor refuses it.
    let bot = Bot::new().on("app_home_opened", |_: InteractionPayload| async {});
    let dispatched = dispatch(bot, work).await;
    assert!(
        matches!(dispatched.outcome, Outcome::Failed(_)),
        "{:?}",
        dispatched.outcome
    );
}

#[test]
fn app_rate_limited_is_skipped() {
    let reason = skip_reason(event(APP_RATE_LIMITED));
    assert!(reason.contains("app_rate_limited"), "{reason}");
}

#[tokio::test]
async fn unknown_event_is_tolerated_as_an_event_of_its_type() {
    let work = work(event(UNKNOWN_EVENT));
    let command = &work.incoming;
    assert!(command.as_event().is_some());
    assert_eq!(command.name(), "future_thing_happened");
    assert_eq!(command.user.id, "U061F7AUR");
    assert_eq!(command.conversation.id, "");
    assert_eq!(
        command.payload.value()["event"]["thing"]["id"],
        "Th06FUTURE1"
    );
    assert_eq!(work.dedupe_key.as_deref(), Some("Ev06FUTURE01"));
    // No `ts`, no channel: no alias.
    assert!(work.dedupe_aliases.is_empty(), "{:?}", work.dedupe_aliases);

    let dispatched = dispatch(Bot::new(), work).await;
    assert!(
        matches!(dispatched.outcome, Outcome::NoHandler),
        "{:?}",
        dispatched.outcome
    );
    let bot = Bot::new().on("future_thing_happened", || async { Reply::text("seen") });
    let dispatched = dispatch(bot, self::work(event(UNKNOWN_EVENT))).await;
    assert_eq!(dispatched.replies[0].text, "seen");
}

#[test]
fn slash_command_fixture_is_a_command() {
    let work = work(one(COMMANDS_ROUTE, SLASH_COMMAND));
    assert!(work.incoming.as_command().is_some());
    assert_eq!(work.incoming.name(), "webhook-collect");
    assert_eq!(work.incoming.as_command().unwrap().text, "");
    assert_eq!(work.incoming.user.id, "U2CERLKJA");
    assert_eq!(work.incoming.conversation.id, "G8PSS9T3V");
}

/// The raw payload of a command, for event handlers in these tests.
struct RawEvent(Value);

impl ackbot_core::FromIncoming for RawEvent {
    type Rejection = std::convert::Infallible;

    fn from_incoming(request: &ackbot_core::Request) -> Result<Self, Self::Rejection> {
        Ok(RawEvent(request.incoming.payload.value()))
    }
}
