//! What a handler may ask for on Discord: the API ([`Discord`]) and the interaction itself.

use std::sync::Arc;

use ackbot_core::{FromIncoming, Request, UnavailableRejection};
use serde_json::Value;

use crate::client::DiscordClient;
use crate::{Interaction, ReplyError};

/// Discord's API for a handler: the interaction it answers, its webhook (follow-ups, edits of the
/// answer) and calls as the bot. An extractor; `Option<Discord>` elsewhere.
#[derive(Clone)]
pub struct Discord {
    client: Arc<DiscordClient>,
    interaction: Arc<Interaction>,
}

impl std::fmt::Debug for Discord {
    // The interaction's token stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (f.debug_struct("Discord"))
            .field("interaction", &self.interaction.id)
            .finish_non_exhaustive()
    }
}

impl Discord {
    pub(crate) fn new(client: Arc<DiscordClient>, interaction: Arc<Interaction>) -> Self {
        Self {
            client,
            interaction,
        }
    }

    /// The interaction being answered.
    pub fn interaction(&self) -> &Interaction {
        &self.interaction
    }

    /// The application's id.
    pub fn application_id(&self) -> &str {
        self.client.application_id()
    }

    /// Sends a follow-up message (a message object: `content`, `embeds`, `components`, `flags`…)
    /// through the interaction's webhook; Discord's answer is the message.
    pub async fn follow_up(&self, message: &Value) -> Result<Value, ReplyError> {
        self.client
            .follow_up(&self.interaction.token, message)
            .await
    }

    /// Edits the interaction's answer (`@original`) into `message`.
    pub async fn edit_original(&self, message: &Value) -> Result<Value, ReplyError> {
        self.client
            .edit_original(&self.interaction.token, message)
            .await
    }

    /// Posts `message` in `channel_id` as the bot (needs `DISCORD_BOT_TOKEN`).
    pub async fn create_message(
        &self,
        channel_id: &str,
        message: &Value,
    ) -> Result<Value, ReplyError> {
        self.client.create_message(channel_id, message).await
    }
}

impl FromIncoming for Discord {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        (request.extension::<Discord>().cloned()).ok_or(UnavailableRejection {
            what: "the Discord API",
        })
    }
}

impl FromIncoming for Interaction {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        (request.extension::<Discord>())
            .map(|d| d.interaction().clone())
            .ok_or(UnavailableRejection {
                what: "a Discord interaction",
            })
    }
}
