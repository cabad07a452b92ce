//! An interactivity payload: the JSON in the `payload` field of the form Slack posts when a user
//! clicks a button, uses a shortcut or submits a modal.

use serde::Deserialize;

use super::{lenient, object, objects};

/// An interactivity payload (`block_actions`, `shortcut`, `message_action`, `view_submission`,
/// …): the fields ackbot reads, whatever the type. The rest stays in `Command::raw`.
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
}

impl InteractionPayload {
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
