//! An interactivity payload: the JSON in the `payload` field of the form Slack posts when a user
//! clicks a button, uses a shortcut or submits a modal.

use serde::Deserialize;

use super::{lenient, object, objects};

/// An interactivity payload (`block_actions`, `shortcut`, `message_action`, `view_submission`,
/// …): the fields ackbot reads, whatever the type. The rest stays in `Incoming::payload`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct InteractionPayload {
    /// The payload type, e.g. `block_actions`.
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub payload_type: Option<String>,
    /// The deprecated verification token.
    #[serde(deserialize_with = "lenient")]
    pub token: Option<String>,
    /// The app's id.
    #[serde(deserialize_with = "lenient")]
    pub api_app_id: Option<String>,
    /// A short-lived id for opening a modal.
    #[serde(deserialize_with = "lenient")]
    pub trigger_id: Option<String>,
    /// The shortcut's or modal's callback id.
    #[serde(deserialize_with = "lenient")]
    pub callback_id: Option<String>,
    /// The user who interacted.
    #[serde(deserialize_with = "object")]
    pub user: Option<InteractionUser>,
    /// The workspace.
    #[serde(deserialize_with = "object")]
    pub team: Option<Team>,
    /// The channel the interaction happened in, when there is one.
    #[serde(deserialize_with = "object")]
    pub channel: Option<InteractionChannel>,
    /// Where the interactive element is: a message, a view…
    #[serde(deserialize_with = "object")]
    pub container: Option<Container>,
    /// Where to post replies (block actions, message shortcuts); its path is a credential.
    #[serde(deserialize_with = "lenient")]
    pub response_url: Option<String>,
    /// A modal's places to reply, when its blocks ask for a conversation.
    #[serde(deserialize_with = "objects")]
    pub response_urls: Vec<ResponseUrl>,
    /// The block actions the user performed.
    #[serde(deserialize_with = "objects")]
    pub actions: Vec<Action>,
    /// The modal submitted or closed (`view_submission`, `view_closed`), or the view an action
    /// happened in.
    #[serde(deserialize_with = "object")]
    pub view: Option<View>,
    /// The element asking for options (`block_suggestion`).
    #[serde(deserialize_with = "lenient")]
    pub action_id: Option<String>,
    /// The block of the element asking for options (`block_suggestion`).
    #[serde(deserialize_with = "lenient")]
    pub block_id: Option<String>,
    /// What the user has typed so far (`block_suggestion`).
    #[serde(deserialize_with = "lenient")]
    pub value: Option<String>,
    /// The message a message shortcut was used on, or the message of a block action.
    #[serde(deserialize_with = "lenient")]
    pub message: Option<serde_json::Value>,
    /// For `view_closed`: whether the whole stack of modals was cleared, not just this one.
    #[serde(deserialize_with = "lenient")]
    pub is_cleared: Option<bool>,
}

impl InteractionPayload {
    /// The id handlers are registered by: the first action's `action_id` (`block_actions`), the
    /// view's `callback_id` (`view_submission`, `view_closed`), the element's `action_id`
    /// (`block_suggestion`), or the shortcut's `callback_id`.
    pub fn handler_id(&self) -> Option<&str> {
        match self.payload_type.as_deref()? {
            "block_actions" => self.actions.first()?.action_id.as_deref(),
            "view_submission" | "view_closed" => self.view.as_ref()?.callback_id.as_deref(),
            "block_suggestion" => self.action_id.as_deref(),
            _ => self.callback_id.as_deref(),
        }
    }

    /// The channel's id: the `channel`'s, or else the `container`'s.
    pub fn channel_id(&self) -> Option<&str> {
        let channel = self.channel.as_ref().and_then(|c| c.id.as_deref());
        channel.or_else(|| self.container.as_ref()?.channel_id.as_deref())
    }

    /// Where to reply: the `response_url`, or the first of a modal's `response_urls`.
    pub fn response_url(&self) -> Option<&str> {
        self.response_url
            .as_deref()
            .or_else(|| self.response_urls.first()?.response_url.as_deref())
    }
}

/// The user of an interaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct InteractionUser {
    /// The user's id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// The user's handle.
    #[serde(deserialize_with = "lenient")]
    pub username: Option<String>,
    /// The user's name (deprecated by Slack).
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
    /// The user's workspace.
    #[serde(deserialize_with = "lenient")]
    pub team_id: Option<String>,
}

/// The workspace of an interaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Team {
    /// The workspace's id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// The workspace's domain.
    #[serde(deserialize_with = "lenient")]
    pub domain: Option<String>,
}

/// The channel of an interaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct InteractionChannel {
    /// The channel's id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// The channel's name.
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
}

/// Where an interactive element is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Container {
    /// `message`, `view`, …
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub container_type: Option<String>,
    /// The timestamp of the message.
    #[serde(deserialize_with = "lenient")]
    pub message_ts: Option<String>,
    /// The channel of the message.
    #[serde(deserialize_with = "lenient")]
    pub channel_id: Option<String>,
    /// Whether the message is ephemeral.
    #[serde(deserialize_with = "lenient")]
    pub is_ephemeral: Option<bool>,
    /// The id of the view.
    #[serde(deserialize_with = "lenient")]
    pub view_id: Option<String>,
}

/// One of a modal's places to reply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ResponseUrl {
    /// The block that asked for a conversation.
    #[serde(deserialize_with = "lenient")]
    pub block_id: Option<String>,
    /// The action that asked for it.
    #[serde(deserialize_with = "lenient")]
    pub action_id: Option<String>,
    /// The conversation chosen.
    #[serde(deserialize_with = "lenient")]
    pub channel_id: Option<String>,
    /// Where to post; its path is a credential.
    #[serde(deserialize_with = "lenient")]
    pub response_url: Option<String>,
}

/// A block action: a button clicked, an option chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Action {
    /// The element's type, e.g. `button`.
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub action_type: Option<String>,
    /// The element's action id.
    #[serde(deserialize_with = "lenient")]
    pub action_id: Option<String>,
    /// The block the element is in.
    #[serde(deserialize_with = "lenient")]
    pub block_id: Option<String>,
    /// A button's value.
    #[serde(deserialize_with = "lenient")]
    pub value: Option<String>,
    /// When the action happened.
    #[serde(deserialize_with = "lenient")]
    pub action_ts: Option<String>,
}

/// A modal view as an interaction payload carries it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct View {
    /// The view's id, for `views.update`.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// `modal` or `home`.
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub view_type: Option<String>,
    /// The callback id the view was opened with: what `Bot::view` registers by.
    #[serde(deserialize_with = "lenient")]
    pub callback_id: Option<String>,
    /// Whatever the opener put there (up to 3,000 characters), returned as it was.
    #[serde(deserialize_with = "lenient")]
    pub private_metadata: Option<String>,
    /// The view's version, for `views.update` without races.
    #[serde(deserialize_with = "lenient")]
    pub hash: Option<String>,
    /// The id of the view this one was pushed on, or of the first view of the stack.
    #[serde(deserialize_with = "lenient")]
    pub root_view_id: Option<String>,
    /// The values of the view's inputs, by `block_id` then `action_id`.
    #[serde(deserialize_with = "object")]
    pub state: Option<ViewState>,
}

/// The inputs' values of a submitted view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ViewState {
    /// `block_id` → `action_id` → the element's state (`{"type": "plain_text_input", "value": …}`).
    #[serde(deserialize_with = "lenient")]
    pub values: Option<
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, serde_json::Value>>,
    >,
}
