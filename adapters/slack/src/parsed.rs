//! What the payload parsers hand the adapter: items with a reply target, not yet a `Delivery`,
//! so the parsers need no HTTP client and tests can look at where replies would go.

use std::sync::Arc;

use ackbot_core::adapter::{Inbound, Work};
use ackbot_core::{Answer, Choice, ConversationKind, Extensions, Incoming, InteractionKind};
use serde_json::Value;

use crate::client::SlackClient;
use crate::delivery::SlackDelivery;
use crate::extract::Slack;
use crate::oauth::{Grant, Workspace};
use crate::stream::SlackStream;
use crate::target::ReplyTarget;

/// One parsed item of a Slack request.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// Nothing to do, for this reason.
    Skip(String),
    /// Answered in the acknowledgement itself (the `url_verification` challenge).
    Answered(Answer, &'static str),
    /// A command to dispatch and where its replies go.
    Work {
        /// Boxed: a `Incoming` is large next to a skip reason.
        command: Box<Incoming>,
        dedupe_key: Option<String>,
        /// Further identities of the same thing (a message's channel and `ts`).
        aliases: Vec<String>,
        target: ReplyTarget,
    },
}

impl Parsed {
    pub(crate) fn skip(reason: impl Into<String>) -> Self {
        Parsed::Skip(reason.into())
    }

    /// Work for `command` whose replies go to `target`, with no dedupe key.
    pub(crate) fn work(command: Incoming, target: ReplyTarget) -> Self {
        Parsed::Work {
            command: Box::new(command),
            dedupe_key: None,
            aliases: Vec::new(),
            target,
        }
    }

    /// Keys work that has no dedupe key of its own by `key`.
    pub(crate) fn with_replay_key(mut self, key: Option<&str>) -> Self {
        if let (Parsed::Work { dedupe_key, .. }, Some(key)) = (&mut self, key) {
            dedupe_key.get_or_insert_with(|| key.to_string());
        }
        self
    }

    /// The item as the worker takes it; in distribution mode its client carries the token of
    /// the workspace it came from, set by the adapter's `authorize`.
    pub(crate) fn into_inbound(self, client: &Arc<SlackClient>, distribution: bool) -> Inbound {
        match self {
            Parsed::Skip(reason) => Inbound::skip(reason),
            Parsed::Answered(answer, reason) => Inbound::Answered {
                answer,
                reason: reason.to_string(),
            },
            Parsed::Work {
                command,
                dedupe_key,
                aliases,
                target,
            } => {
                let mut extensions = Extensions::new();
                let in_channel = matches!(target, ReplyTarget::Channel { .. });
                let action =
                    (command.as_interaction()).is_some_and(|i| i.kind == InteractionKind::Action);
                // Read once, by whichever needs it: the workspace, the stream, the choice.
                let payload: Value = match distribution || in_channel || action {
                    true => command.payload.parse().unwrap_or_default(),
                    false => Value::Null,
                };
                let client = match distribution {
                    true => {
                        let grant = Arc::new(Grant::pending(Workspace::of(&payload)));
                        extensions.insert(Arc::clone(&grant));
                        Arc::new(client.for_request(grant))
                    }
                    false => Arc::clone(client),
                };
                if let Some(choice) = choice(&payload).filter(|_| action) {
                    extensions.insert(choice);
                }
                let stream = SlackStream::for_event(&client, &target, &payload);
                let delivery = Box::new(SlackDelivery::new(client.clone(), target));
                extensions.insert(Slack::new(client));
                let mut work = Work::new(*command, delivery)
                    .with_dedupe_key(dedupe_key)
                    .with_extensions(extensions);
                if let Some(stream) = stream {
                    work = work.with_stream(Box::new(stream));
                }
                for alias in aliases {
                    work = work.with_dedupe_alias(alias);
                }
                Inbound::Work(work)
            }
        }
    }
}

/// The option a `block_actions` click picked: its action's `action_id` (a choice's `ID:N`) and
/// `value` — a button's, or the selected option's of a select, overflow or radio buttons.
fn choice(payload: &Value) -> Option<Choice> {
    let action = payload.pointer("/actions/0")?;
    let value = (action.get("value"))
        .or_else(|| action.pointer("/selected_option/value"))
        .and_then(Value::as_str);
    let action_id = action.get("action_id").and_then(Value::as_str)?;
    Some(Choice::from_wire(action_id, value))
}

/// What kind of conversation a Slack channel is: `D…` ids, `directmessage` and `im` are
/// one-to-one chats with the bot.
pub(crate) fn conversation_kind(
    id: &str,
    name: Option<&str>,
    channel_type: Option<&str>,
) -> ConversationKind {
    if id.starts_with('D') || name == Some("directmessage") || channel_type == Some("im") {
        ConversationKind::Direct
    } else {
        ConversationKind::Group
    }
}
