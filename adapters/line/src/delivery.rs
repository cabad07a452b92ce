//! Sending a command's replies: by reply token while it is fresh, by push otherwise.

use std::sync::Arc;

use bot_core::{BoxError, Delivery, DeliveryError, Reply};
use futures::future::BoxFuture;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::client::LineClient;
use crate::split::{split_text, MAX_TEXT_UTF16};
use crate::ReplyError;

/// The most messages one reply or push request may carry.
pub const MAX_MESSAGES_PER_REQUEST: usize = 5;

/// The namespace of the UUID v5 `X-Line-Retry-Key`s, so the same event and batch always get the
/// same key.
const RETRY_KEY_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a4e_0b9d_5c37_8e21_4d6a_a3f0_7b15);

/// Where and how to answer one LINE event.
pub(crate) struct LineDelivery {
    pub(crate) client: Arc<LineClient>,
    /// The event's reply token, if it has one.
    pub(crate) reply_token: Option<String>,
    /// When the gateway received the webhook.
    pub(crate) received_at_ms: i64,
    /// How long after receipt the reply token is still used.
    pub(crate) reply_token_ttl_ms: i64,
    /// Whether LINE redelivered the event (its reply token may have been used).
    pub(crate) is_redelivery: bool,
    /// The user, group or room to push to.
    pub(crate) push_to: Option<String>,
    /// The user of a one-to-one chat, where the loading animation can be shown.
    pub(crate) loading_chat_id: Option<String>,
    /// The event's `webhookEventId`, the seed of the push retry keys.
    pub(crate) webhook_event_id: String,
}

impl LineDelivery {
    /// Whether the reply token can still be used at `now_ms`.
    fn usable_reply_token(&self, now_ms: i64) -> Option<&str> {
        let token = self.reply_token.as_deref().filter(|t| !t.is_empty())?;
        let age_ms = now_ms - self.received_at_ms;
        if self.is_redelivery {
            tracing::debug!("redelivered event: pushing instead of replying");
            None
        } else if age_ms >= self.reply_token_ttl_ms {
            tracing::debug!(age_ms, "reply token too old: pushing instead of replying");
            None
        } else {
            Some(token)
        }
    }

    /// The `X-Line-Retry-Key` of batch `index` of this event's replies.
    fn retry_key(&self, index: usize) -> Option<Uuid> {
        (!self.webhook_event_id.is_empty()).then(|| retry_key(&self.webhook_event_id, index))
    }

    async fn send(&self, replies: Vec<Reply>, now_ms: i64) -> Result<(), ReplyError> {
        let messages = messages_for(&replies);
        let mut reply_token = self.usable_reply_token(now_ms);
        for (index, batch) in messages.chunks(MAX_MESSAGES_PER_REQUEST).enumerate() {
            if let Some(token) = reply_token.take() {
                match self.client.reply(token, batch).await {
                    Ok(()) => continue,
                    Err(e) if e.is_invalid_reply_token() => {
                        tracing::info!("LINE refused the reply token: pushing instead");
                    }
                    Err(e) => return Err(e),
                }
            }
            let to = self.push_to.as_deref().ok_or(ReplyError::NoDestination)?;
            self.client.push(to, batch, self.retry_key(index)).await?;
        }
        Ok(())
    }
}

impl Delivery for LineDelivery {
    fn deliver(
        &self,
        replies: Vec<Reply>,
        now_ms: i64,
    ) -> BoxFuture<'_, Result<(), DeliveryError>> {
        Box::pin(async move {
            self.send(replies, now_ms).await.map_err(|e| {
                if e.is_retryable() {
                    DeliveryError::retryable(e)
                } else {
                    DeliveryError::permanent(e)
                }
            })
        })
    }

    fn can_show_progress(&self) -> bool {
        self.loading_chat_id.is_some()
    }

    fn show_progress(&self, seconds: u32) -> BoxFuture<'_, Result<(), BoxError>> {
        Box::pin(async move {
            let Some(chat_id) = self.loading_chat_id.as_deref() else {
                return Ok(());
            };
            self.client
                .show_loading(chat_id, loading_seconds(seconds))
                .await
                .map_err(BoxError::from)
        })
    }
}

/// The LINE message objects for `replies`: each reply's text (split to fit) and then its
/// `line_messages`. An empty text adds no text message.
pub fn messages_for(replies: &[Reply]) -> Vec<Value> {
    replies
        .iter()
        .flat_map(|reply| {
            split_text(&reply.text, MAX_TEXT_UTF16)
                .into_iter()
                .map(|text| json!({ "type": "text", "text": text }))
                .chain(reply.line_messages.iter().cloned())
        })
        .collect()
}

/// The deterministic `X-Line-Retry-Key` of batch `index` of the replies to `webhook_event_id`.
pub fn retry_key(webhook_event_id: &str, index: usize) -> Uuid {
    Uuid::new_v5(
        &RETRY_KEY_NAMESPACE,
        format!("{webhook_event_id}:{index}").as_bytes(),
    )
}

/// `seconds` as LINE's loading animation takes it: a multiple of 5 (rounded up) within 5..=60.
pub fn loading_seconds(seconds: u32) -> u32 {
    seconds.div_ceil(5).saturating_mul(5).clamp(5, 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loading_seconds_are_multiples_of_five_within_range() {
        assert_eq!(loading_seconds(0), 5);
        assert_eq!(loading_seconds(1), 5);
        assert_eq!(loading_seconds(5), 5);
        assert_eq!(loading_seconds(6), 10);
        assert_eq!(loading_seconds(59), 60);
        assert_eq!(loading_seconds(600), 60);
        assert_eq!(loading_seconds(u32::MAX), 60);
    }

    #[test]
    fn retry_keys_are_deterministic_per_event_and_batch() {
        let a = retry_key("01FZ74A0TDDPYRVKNK77XKC3ZR", 0);
        assert_eq!(a, retry_key("01FZ74A0TDDPYRVKNK77XKC3ZR", 0));
        assert_ne!(a, retry_key("01FZ74A0TDDPYRVKNK77XKC3ZR", 1));
        assert_ne!(a, retry_key("01FZ74A0TDDPYRVKNK77XKC3ZS", 0));
        assert_eq!(a.get_version_num(), 5);
    }

    #[test]
    fn messages_are_text_then_line_extras() {
        let sticker = json!({"type": "sticker", "packageId": "446", "stickerId": "1988"});
        let replies = vec![
            Reply::text("hi").with_line_message(sticker.clone()),
            Reply::text(""),
            Reply::text("bye"),
        ];
        assert_eq!(
            messages_for(&replies),
            [
                json!({"type": "text", "text": "hi"}),
                sticker,
                json!({"type": "text", "text": "bye"}),
            ]
        );
    }
}
