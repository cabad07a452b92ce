//! What a handler can ask for on Slack: the Web API client, the `trigger_id`, and the typed
//! payload of an interaction ([`InteractionPayload`] is an extractor too).

use crate::SLACK;
use std::ops::Deref;
use std::sync::Arc;

use ackbot_core::{FromIncoming, InteractionKind, Request, UnavailableRejection};
use serde::Deserialize;
use serde_json::Value;

use crate::client::SlackClient;
use crate::payload::InteractionPayload;

/// The Slack Web API for the workspace the command came from: `chat.postMessage`,
/// `views.open`, `reactions.add`, `users.info`, or any method with `call`. Unavailable on LINE.
///
/// ```no_run
/// use ackbot_slack::{Slack, TriggerId};
/// use serde_json::json;
///
/// async fn survey(slack: Slack, TriggerId(trigger_id): TriggerId) -> Result<(), ackbot_slack::ReplyError> {
///     let view = json!({"type": "modal", "title": {"type": "plain_text", "text": "Survey"}, "blocks": []});
///     slack.views_open(&trigger_id, &view).await?;
///     Ok(())
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Slack {
    client: Arc<SlackClient>,
}

impl Slack {
    /// A handle on `client`.
    pub fn new(client: Arc<SlackClient>) -> Self {
        Self { client }
    }
}

impl Deref for Slack {
    type Target = SlackClient;

    fn deref(&self) -> &SlackClient {
        &self.client
    }
}

impl FromIncoming for Slack {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        request
            .extension::<Slack>()
            .cloned()
            .ok_or(UnavailableRejection {
                what: "the Slack Web API",
            })
    }
}

/// The `trigger_id` of a slash command, shortcut or block action: it opens a modal with
/// `views.open`, once, within 3 seconds of the user's action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriggerId(pub String);

impl FromIncoming for TriggerId {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        #[derive(Deserialize)]
        struct Trigger {
            trigger_id: Option<String>,
        }
        let incoming = &request.incoming;
        (incoming.platform == SLACK)
            .then(|| incoming.payload.parse::<Trigger>().ok())
            .flatten()
            .and_then(|t| t.trigger_id)
            .filter(|id| !id.is_empty())
            .map(TriggerId)
            .ok_or(UnavailableRejection {
                what: "a Slack trigger_id",
            })
    }
}

/// The payload of any Slack interaction (block action, view submission, options request,
/// shortcut), typed; [`Incoming::payload`](ackbot_core::Incoming::payload) keeps the rest.
impl FromIncoming for InteractionPayload {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        let incoming = &request.incoming;
        if incoming.as_interaction().is_none() || incoming.platform != SLACK {
            return Err(UnavailableRejection {
                what: "a Slack interaction payload",
            });
        }
        // Every field is read leniently: a payload that parsed once always reads again.
        Ok(incoming.payload.parse().unwrap_or_default())
    }
}

/// Whether `request` is an interaction of `kind`.
fn is(request: &Request, kind: InteractionKind) -> bool {
    request
        .incoming
        .as_interaction()
        .is_some_and(|interaction| interaction.kind == kind)
}

/// A modal submitted (`view_submission`) or closed (`view_closed`), with its inputs' values and
/// the `private_metadata` it was opened with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewSubmission {
    /// `true` for `view_closed`: the user cancelled the modal.
    pub closed: bool,
    /// For `view_closed`: whether the whole stack of modals was cleared, not just this one.
    pub cleared: bool,
    /// The user's id.
    pub user_id: String,
    /// The view's `callback_id`.
    pub callback_id: String,
    /// What the modal was opened with in `private_metadata`, as it was.
    pub private_metadata: String,
    /// The whole payload.
    pub payload: InteractionPayload,
}

impl ViewSubmission {
    /// The value of the input `action_id` in the block `block_id`: a text input's `value`, or
    /// the `value` of a select's chosen option.
    pub fn value(&self, block_id: &str, action_id: &str) -> Option<&str> {
        let state = self.payload.view.as_ref()?.state.as_ref()?;
        let element = state.values.as_ref()?.get(block_id)?.get(action_id)?;
        element
            .get("value")
            .and_then(Value::as_str)
            .or_else(|| element.get("selected_option")?.get("value")?.as_str())
    }
}

impl FromIncoming for ViewSubmission {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        let unavailable = UnavailableRejection {
            what: "a Slack view submission",
        };
        if !is(request, InteractionKind::View) {
            return Err(unavailable);
        }
        let payload = InteractionPayload::from_incoming(request)?;
        let view = payload.view.clone().unwrap_or_default();
        Ok(ViewSubmission {
            closed: payload.payload_type.as_deref() == Some("view_closed"),
            cleared: payload.is_cleared == Some(true),
            user_id: request.incoming.user.id.clone(),
            callback_id: view.callback_id.unwrap_or_default(),
            private_metadata: view.private_metadata.unwrap_or_default(),
            payload,
        })
    }
}

/// A select menu asking for options as the user types (`block_suggestion`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockSuggestion {
    /// The menu's `action_id`.
    pub action_id: String,
    /// The menu's `block_id`.
    pub block_id: String,
    /// What the user has typed so far.
    pub value: String,
}

impl FromIncoming for BlockSuggestion {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        if !is(request, InteractionKind::Options) {
            return Err(UnavailableRejection {
                what: "a Slack options request",
            });
        }
        let payload = InteractionPayload::from_incoming(request)?;
        Ok(BlockSuggestion {
            action_id: payload.action_id.unwrap_or_default(),
            block_id: payload.block_id.unwrap_or_default(),
            value: payload.value.unwrap_or_default(),
        })
    }
}
