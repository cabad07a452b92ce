//! Where an interaction's replies go: the first edits the answer Discord shows ("thinking…",
//! `@original`), the rest are follow-up messages, a reply to another channel is the bot's
//! message there. All within the interaction token's 15 minutes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ackbot_core::Reply;
use ackbot_core::adapter::{Delivery, DeliveryError};
use futures::future::BoxFuture;
use serde_json::Value;

use crate::ReplyError;
use crate::client::DiscordClient;
use crate::render::messages;
use crate::respond::EPHEMERAL;

/// How long an interaction's token takes replies: 15 minutes.
pub const TOKEN_LIFETIME_MS: i64 = 15 * 60 * 1000;

/// What Discord shows of the interaction before the replies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Original {
    /// "thinking…" (a deferred command), ephemeral or not: the first reply edits it.
    Deferred {
        /// Whether only the user who asked sees it.
        ephemeral: bool,
    },
    /// Nothing of the bot's (a click or a modal acknowledged quietly): replies are follow-ups.
    Quiet,
}

/// Sends an interaction's replies.
pub(crate) struct DiscordDelivery {
    pub(crate) client: Arc<DiscordClient>,
    pub(crate) token: String,
    pub(crate) original: Original,
    pub(crate) received_at_ms: i64,
    /// Set once `@original` holds something of the handler's: an earlier attempt's first reply,
    /// or the handler's stream. It is then neither edited by a reply nor deleted.
    pub(crate) original_used: Arc<AtomicBool>,
}

impl DiscordDelivery {
    fn expired(&self, now_ms: i64) -> Option<ReplyError> {
        let age_ms = now_ms.saturating_sub(self.received_at_ms);
        (age_ms > TOKEN_LIFETIME_MS).then_some(ReplyError::TokenExpired {
            age_s: age_ms / 1000,
        })
    }

    /// Whether "thinking…" still waits for the first reply.
    fn placeholder(&self) -> Option<bool> {
        match self.original {
            Original::Deferred { ephemeral } if !self.original_used.load(Ordering::Relaxed) => {
                Some(ephemeral)
            }
            _ => None,
        }
    }

    async fn send(&self, reply: &Reply, open: &mut Option<bool>) -> Result<(), ReplyError> {
        let pieces = messages(reply)?;
        if let Some(channel) = &reply.conversation {
            for piece in &pieces {
                self.client
                    .create_message(channel, &without_flags(piece))
                    .await?;
            }
            return Ok(());
        }
        for piece in &pieces {
            let Some(deferred_ephemeral) = *open else {
                self.client.follow_up(&self.token, piece).await?;
                continue;
            };
            let ephemeral = piece.get("flags").and_then(Value::as_u64) == Some(EPHEMERAL);
            *open = None;
            if ephemeral != deferred_ephemeral {
                // An edit cannot change who sees "thinking…": a message of its own, then the
                // placeholder goes.
                self.client.follow_up(&self.token, piece).await?;
                self.take_down().await;
                continue;
            }
            match self
                .client
                .edit_original(&self.token, &without_flags(piece))
                .await
            {
                Ok(_) => {}
                // Nothing to edit (a modal was the answer): a follow-up instead.
                Err(e) if e.is_unknown_message() => {
                    self.client.follow_up(&self.token, piece).await?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Deletes "thinking…"; a failure is logged, the replies it waited for having gone out.
    async fn take_down(&self) {
        if let Err(e) = self.client.delete_original(&self.token).await {
            tracing::warn!(error = %e, "could not delete Discord's \"thinking…\" message");
        }
    }
}

/// `message` without `flags`, which an edit or a channel message cannot set.
fn without_flags(message: &Value) -> Value {
    let mut message = message.clone();
    if let Some(fields) = message.as_object_mut() {
        fields.remove("flags");
    }
    message
}

impl Delivery for DiscordDelivery {
    fn deliver(
        &self,
        replies: Vec<Reply>,
        now_ms: i64,
    ) -> BoxFuture<'_, Result<(), DeliveryError>> {
        Box::pin(async move {
            if let Some(expired) = self.expired(now_ms) {
                return Err(DeliveryError::permanent(expired));
            }
            let mut open = self.placeholder();
            let mut delivered = Vec::new();
            for (place, reply) in replies.iter().enumerate() {
                if let Err(e) = self.send(reply, &mut open).await {
                    let retryable = e.is_retryable();
                    return Err(DeliveryError::new(e, retryable).after(delivered));
                }
                delivered.push(place);
            }
            if open.is_some() {
                // Every reply went to another channel: "thinking…" has nothing left to wait for.
                self.take_down().await;
            }
            Ok(())
        })
    }

    fn resuming(&self) {
        self.original_used.store(true, Ordering::Relaxed);
    }

    fn no_replies(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let now_ms = ackbot_core::runtime::now_ms();
            if self.placeholder().is_some() && self.expired(now_ms).is_none() {
                self.take_down().await;
            }
        })
    }
}
