//! What the payload parsers hand the adapter: items with a reply target, not yet a `Delivery`,
//! so the parsers need no HTTP client and tests can look at where replies would go.

use std::sync::Arc;

use bot_core::{Command, ConversationKind, Inbound, Work};

use crate::client::SlackClient;
use crate::delivery::SlackDelivery;
use crate::target::ReplyTarget;

/// One parsed item of a Slack request.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// Nothing to do, for this reason.
    Skip(String),
    /// A command to dispatch and where its replies go.
    Work {
        /// Boxed: a `Command` is large next to a skip reason.
        command: Box<Command>,
        dedupe_key: Option<String>,
        target: ReplyTarget,
    },
}

impl Parsed {
    pub(crate) fn skip(reason: impl Into<String>) -> Self {
        Parsed::Skip(reason.into())
    }

    pub(crate) fn into_inbound(self, client: &Arc<SlackClient>) -> Inbound {
        match self {
            Parsed::Skip(reason) => Inbound::skip(reason),
            Parsed::Work {
                command,
                dedupe_key,
                target,
            } => Inbound::Work(Work {
                command: *command,
                dedupe_key,
                delivery: Box::new(SlackDelivery::new(client.clone(), target)),
            }),
        }
    }
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
