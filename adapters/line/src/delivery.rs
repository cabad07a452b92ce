//! Sending a command's replies: by reply token while it is fresh and unused, by push otherwise;
//! a reply meant for another conversation by push to it.

use crate::messages::{Action, QuickReply};
use std::sync::Arc;

use ackbot_core::adapter::{Delivery, DeliveryError};
use ackbot_core::{BoxError, Reply};
use futures::future::BoxFuture;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::ReplyError;
use crate::api::ReplyTokenSpent;
use crate::client::LineClient;
use crate::split::{MAX_TEXT_UTF16, split_text};

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
    /// Whether the reply token was used, by a handler through `Line::reply` or by this delivery.
    pub(crate) reply_token_spent: ReplyTokenSpent,
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
    /// The message's `markAsReadToken`, when read receipts are on.
    pub(crate) mark_as_read_token: Option<String>,
    /// The event's `webhookEventId`, the seed of the push retry keys.
    pub(crate) webhook_event_id: String,
}

impl LineDelivery {
    /// Whether the reply token can still be used at `now_ms`.
    fn usable_reply_token(&self, now_ms: i64) -> Option<&str> {
        let token = self.reply_token.as_deref().filter(|t| !t.is_empty())?;
        let age_ms = now_ms - self.received_at_ms;
        if self.reply_token_spent.is_spent() {
            tracing::debug!("the handler used the reply token: pushing instead of replying");
            None
        } else if self.is_redelivery {
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

    /// Replies to the event's own chat first (while the token is fresh), then pushes each reply
    /// meant for another conversation there. On failure, the error and the places of the
    /// replies that went out.
    async fn send(&self, replies: Vec<Reply>, now_ms: i64) -> Result<(), (ReplyError, Vec<usize>)> {
        let (elsewhere, here): (Vec<_>, Vec<_>) = replies
            .into_iter()
            .enumerate()
            .partition(|(_, reply)| reply.conversation.is_some());
        let (places, here): (Vec<usize>, Vec<Reply>) = here.into_iter().unzip();
        let mut sent = Vec::new();
        if let Err(e) = self.send_here(&here, now_ms, &places, &mut sent).await {
            return Err((e, sent));
        }
        for (index, reply) in elsewhere {
            let to = reply.conversation.as_deref().unwrap_or_default();
            if let Err(e) = self.send_elsewhere(to, index, &reply).await {
                return Err((e, sent));
            }
            sent.push(index);
        }
        Ok(())
    }

    /// Sends `replies` (at `places` among all) to the event's own chat, in batches of up to 5
    /// messages; a reply counts as sent once every batch holding its messages went out.
    async fn send_here(
        &self,
        replies: &[Reply],
        now_ms: i64,
        places: &[usize],
        sent: &mut Vec<usize>,
    ) -> Result<(), ReplyError> {
        // The index of each reply's last message, to tell when all of it is out.
        let mut ends = Vec::with_capacity(replies.len());
        let mut messages = Vec::new();
        for reply in replies {
            messages.extend(messages_for(std::slice::from_ref(reply)));
            ends.push(messages.len());
        }
        let mut reply_token = self.usable_reply_token(now_ms);
        let mut out = 0;
        for (index, batch) in messages.chunks(MAX_MESSAGES_PER_REQUEST).enumerate() {
            let mut pushed = true;
            if let Some(token) = reply_token.take() {
                self.reply_token_spent.spend();
                match self.client.reply(token, batch).await {
                    Ok(_) => pushed = false,
                    // Erring towards one message rather than two: see the error's doc.
                    Err(e @ ReplyError::SpentByEarlierAttempt { .. }) => {
                        tracing::warn!(error = %e, "not pushing what the reply most likely delivered");
                        pushed = false;
                    }
                    Err(e) if e.is_invalid_reply_token() => {
                        tracing::info!("LINE refused the reply token: pushing instead");
                    }
                    Err(e) => return Err(e),
                }
            }
            if pushed {
                let to = self.push_to.as_deref().ok_or(ReplyError::NoDestination)?;
                self.client.push(to, batch, self.retry_key(index)).await?;
            }
            out += batch.len();
            let done = ends.iter().zip(places).filter(|(end, _)| **end <= out);
            for (_, place) in done.skip(sent.len()) {
                sent.push(*place);
            }
        }
        Ok(())
    }

    /// Pushes reply `index` to the conversation `to`, each batch with a retry key of its own.
    async fn send_elsewhere(
        &self,
        to: &str,
        index: usize,
        reply: &Reply,
    ) -> Result<(), ReplyError> {
        if to.trim().is_empty() {
            return Err(ReplyError::InvalidRequest {
                reason: format!("reply {index} is for a conversation with an empty id"),
            });
        }
        let messages = messages_for(std::slice::from_ref(reply));
        for (batch_index, batch) in messages.chunks(MAX_MESSAGES_PER_REQUEST).enumerate() {
            let key = (!self.webhook_event_id.is_empty())
                .then(|| conversation_retry_key(&self.webhook_event_id, index, batch_index));
            self.client.push(to, batch, key).await?;
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
            self.send(replies, now_ms).await.map_err(|(e, sent)| {
                let retryable = e.is_retryable();
                DeliveryError::new(e, retryable).after(sent)
            })
        })
    }

    fn handler_starting(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Some(token) = &self.mark_as_read_token
                && let Err(e) = self.client.mark_as_read(token).await
            {
                tracing::warn!(error = %e, "could not mark the message read");
            }
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
/// `line_messages`. An empty text adds no text message. A reply's choices are quick-reply
/// postbacks on its last message.
pub fn messages_for(replies: &[Reply]) -> Vec<Value> {
    replies
        .iter()
        .flat_map(|reply| {
            let mut messages: Vec<Value> = split_text(&reply.text, MAX_TEXT_UTF16)
                .into_iter()
                .map(|text| json!({ "type": "text", "text": text }))
                .chain(reply.line_messages.iter().cloned())
                .collect();
            if let (Some(choices), Some(last)) = (&reply.choices, messages.last_mut()) {
                last["quickReply"] = quick_reply(choices);
            }
            messages
        })
        .collect()
}

/// A choice's options as quick-reply postbacks: `data` `ID:VALUE`, the label the option's first
/// 20 characters (LINE's most), and the chat showing the whole option as the user's answer.
fn quick_reply(choices: &ackbot_core::Choices) -> Value {
    let actions = choices.options.iter().map(|option| {
        let label: String = match option.chars().count() > 20 {
            true => option.chars().take(19).chain(['…']).collect(),
            false => option.clone(),
        };
        let data = choices.wire_id(option);
        let mut action = Action::postback(label, data);
        if let Action::Postback(postback) = &mut action {
            postback.display_text = Some(option.clone());
        }
        action
    });
    serde_json::to_value(QuickReply::new(actions)).unwrap_or_default()
}

/// The deterministic `X-Line-Retry-Key` of batch `index` of the replies to `webhook_event_id`.
pub fn retry_key(webhook_event_id: &str, index: usize) -> Uuid {
    Uuid::new_v5(
        &RETRY_KEY_NAMESPACE,
        format!("{webhook_event_id}:{index}").as_bytes(),
    )
}

/// The deterministic `X-Line-Retry-Key` of batch `batch` of reply `reply_index` (its place among
/// the handler's replies) to `webhook_event_id`, when that reply is for another conversation
/// ([`Reply::to_conversation`]). Never equal to a [`retry_key`].
pub fn conversation_retry_key(webhook_event_id: &str, reply_index: usize, batch: usize) -> Uuid {
    Uuid::new_v5(
        &RETRY_KEY_NAMESPACE,
        format!("{webhook_event_id}:to:{reply_index}:{batch}").as_bytes(),
    )
}

/// The deterministic `X-Line-Retry-Key` of the `n`th push (or other retry-key call) a handler
/// makes itself through [`Line`](crate::Line) for `webhook_event_id`: when a Lambda retry runs
/// the handler again, its calls repeat in the same order with the same keys, and LINE answers
/// the repeats 409 (delivered) instead of sending twice. Never equal to the delivery's keys.
pub fn handler_retry_key(webhook_event_id: &str, n: usize) -> Uuid {
    Uuid::new_v5(
        &RETRY_KEY_NAMESPACE,
        format!("{webhook_event_id}:handler:{n}").as_bytes(),
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
    fn conversation_retry_keys_differ_from_the_own_chat_keys() {
        let id = "01FZ74A0TDDPYRVKNK77XKC3ZR";
        let a = conversation_retry_key(id, 1, 0);
        assert_eq!(a, conversation_retry_key(id, 1, 0));
        assert_ne!(a, conversation_retry_key(id, 1, 1));
        assert_ne!(a, conversation_retry_key(id, 2, 0));
        assert!((0..10).all(|i| retry_key(id, i) != a));
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
