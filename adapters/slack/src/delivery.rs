//! Sending one command's replies to its [`ReplyTarget`]: a `response_url` takes at most
//! [`RESPONSE_URL_MAX_USES`] posts, a channel one `chat.postMessage` per reply.

use std::sync::Arc;

use ackbot_core::adapter::{Delivery, DeliveryError};
use ackbot_core::{Reply, Visibility};
use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::ReplyError;
use crate::client::SlackClient;
use crate::target::ReplyTarget;

/// How many times one `response_url` may be used.
pub const RESPONSE_URL_MAX_USES: usize = 5;

/// Sends one command's replies to its [`ReplyTarget`].
pub(crate) struct SlackDelivery {
    client: Arc<SlackClient>,
    target: ReplyTarget,
}

impl SlackDelivery {
    pub(crate) fn new(client: Arc<SlackClient>, target: ReplyTarget) -> Self {
        Self { client, target }
    }

    /// Sends the replies; on failure, the error and the places of the replies that went out.
    async fn send(&self, replies: Vec<Reply>) -> Result<(), (ReplyError, Vec<usize>)> {
        let mut sent = Vec::new();
        self.send_each(replies, &mut sent)
            .await
            .map_err(|e| (e, sent))
    }

    async fn send_each(
        &self,
        replies: Vec<Reply>,
        sent: &mut Vec<usize>,
    ) -> Result<(), ReplyError> {
        // Replies addressed to another conversation are posted there, whatever the target.
        let (elsewhere, here): (Vec<_>, Vec<_>) = replies
            .into_iter()
            .enumerate()
            .partition(|(_, r)| r.conversation.is_some());
        match &self.target {
            ReplyTarget::ResponseUrl(url) => {
                let (places, here): (Vec<usize>, Vec<Reply>) = here.into_iter().unzip();
                let fitted = fit_response_url(here);
                let last = fitted.len().saturating_sub(1);
                for (i, reply) in fitted.into_iter().enumerate() {
                    self.client.respond(url, &reply).await?;
                    // The last post may carry several replies merged.
                    match i == last {
                        true => sent.extend(&places[i..]),
                        false => sent.push(places[i]),
                    }
                }
            }
            ReplyTarget::Channel {
                channel,
                thread_ts,
                user,
            } => {
                for (place, reply) in here {
                    let thread_ts = thread_ts.as_deref();
                    match user {
                        Some(user) if reply.visibility == Visibility::Ephemeral => {
                            self.client
                                .chat_post_ephemeral(channel, user, thread_ts, &reply)
                                .await?;
                        }
                        _ => self.client.post_message(channel, thread_ts, &reply).await?,
                    }
                    sent.push(place);
                }
            }
            ReplyTarget::Nowhere(reason) if !here.is_empty() => {
                tracing::info!(replies = here.len(), reason, "nowhere to send the replies");
            }
            ReplyTarget::Nowhere(_) => {}
        }
        for (place, reply) in elsewhere {
            let channel = reply.conversation.as_deref().unwrap_or_default();
            self.client.post_message(channel, None, &reply).await?;
            sent.push(place);
        }
        Ok(())
    }
}

impl Delivery for SlackDelivery {
    fn deliver(
        &self,
        replies: Vec<Reply>,
        _now_ms: i64,
    ) -> BoxFuture<'_, Result<(), DeliveryError>> {
        Box::pin(async move {
            self.send(replies).await.map_err(|(e, sent)| {
                let retryable = e.is_retryable();
                DeliveryError::new(e, retryable).after(sent)
            })
        })
    }
}

/// At most [`RESPONSE_URL_MAX_USES`] replies: the fifth and any later ones become one.
fn fit_response_url(mut replies: Vec<Reply>) -> Vec<Reply> {
    if replies.len() > RESPONSE_URL_MAX_USES {
        let extras = replies.split_off(RESPONSE_URL_MAX_USES - 1);
        replies.push(merge(extras));
    }
    replies
}

/// The replies as one: their texts on separate lines, ephemeral if any of them is.
fn merge(replies: Vec<Reply>) -> Reply {
    let text = replies
        .iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    // Private stays private: one ephemeral reply makes the merged one ephemeral.
    let visibility = if replies
        .iter()
        .all(|r| r.visibility == Visibility::InChannel)
    {
        Visibility::InChannel
    } else {
        Visibility::Ephemeral
    };
    // Slack shows blocks instead of text, so text-only replies become section blocks.
    let slack_blocks = replies.iter().any(|r| r.slack_blocks.is_some()).then(|| {
        let mut blocks = Vec::new();
        for reply in &replies {
            match &reply.slack_blocks {
                Some(Value::Array(items)) => blocks.extend(items.iter().cloned()),
                Some(other) => blocks.push(other.clone()),
                None if reply.text.is_empty() => {}
                None => blocks.push(json!({
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": reply.text},
                })),
            }
        }
        Value::Array(blocks)
    });
    Reply {
        text,
        visibility,
        slack_blocks,
        ..Reply::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use ackbot_core::retry::RetryPolicy;
    use wiremock::matchers::{body_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crate::SlackConfig;

    const HOOK_PATH: &str = "/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN";

    fn client(server: &MockServer) -> SlackClient {
        let config = SlackConfig::new("signing")
            .with_bot_token("xoxb-1234-very-secret-token")
            .with_api_url(format!("{}/api/", server.uri()))
            .with_retry(RetryPolicy::fixed(3, Duration::from_millis(5)));
        SlackClient::new(&config).unwrap()
    }

    fn hook(server: &MockServer) -> String {
        format!("{}{HOOK_PATH}", server.uri())
    }

    fn ok_json() -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
    }

    #[tokio::test]
    async fn more_than_five_replies_use_the_response_url_five_times() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(HOOK_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .expect(5)
            .mount(&server)
            .await;
        let delivery = SlackDelivery::new(
            Arc::new(client(&server)),
            ReplyTarget::ResponseUrl(hook(&server)),
        );
        let replies = (1..=7).map(|i| Reply::text(i.to_string())).collect();
        delivery.deliver(replies, 0).await.unwrap();
        let sent = server.received_requests().await.unwrap();
        let last: Value = serde_json::from_slice(&sent[4].body).unwrap();
        assert_eq!(last["text"], "5\n6\n7");
    }

    #[tokio::test]
    async fn channel_delivery_posts_each_reply_in_the_thread() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/chat.postMessage"))
            .and(body_json(
                json!({"channel": "C9", "text": "a", "thread_ts": "1.2"}),
            ))
            .respond_with(ok_json())
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/chat.postMessage"))
            .and(body_json(
                json!({"channel": "C9", "text": "b", "thread_ts": "1.2"}),
            ))
            .respond_with(ok_json())
            .expect(1)
            .mount(&server)
            .await;
        let delivery = SlackDelivery::new(
            Arc::new(client(&server)),
            ReplyTarget::channel(Some("C9"), Some("1.2")),
        );
        delivery
            .deliver(vec![Reply::text("a"), Reply::text("b")], 0)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_failure_part_way_says_which_replies_went_out() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/chat.postMessage"))
            .and(body_json(json!({"channel": "C9", "text": "a"})))
            .respond_with(ok_json())
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/chat.postMessage"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"ok": false, "error": "channel_not_found"})),
            )
            .mount(&server)
            .await;
        let delivery = SlackDelivery::new(
            Arc::new(client(&server)),
            ReplyTarget::channel(Some("C9"), None),
        );
        let replies = vec![Reply::text("a"), Reply::text("b"), Reply::text("c")];
        let error = delivery.deliver(replies, 0).await.unwrap_err();
        assert_eq!(error.delivered, vec![0]);
        assert!(!error.retryable);
    }

    #[tokio::test]
    async fn nowhere_delivery_succeeds_without_sending() {
        let server = MockServer::start().await;
        let delivery =
            SlackDelivery::new(Arc::new(client(&server)), ReplyTarget::channel(None, None));
        delivery.deliver(vec![Reply::text("a")], 0).await.unwrap();
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[test]
    fn five_or_fewer_replies_are_untouched() {
        let replies: Vec<_> = (0..5).map(|i| Reply::text(i.to_string())).collect();
        assert_eq!(fit_response_url(replies.clone()), replies);
    }

    #[test]
    fn merging_keeps_privacy_and_blocks() {
        let blocks = json!([{"type": "divider"}]);
        let mut replies: Vec<_> = (1..=4)
            .map(|i| Reply::text(i.to_string()).in_channel())
            .collect();
        replies.push(Reply::text("5").in_channel());
        replies.push(Reply::text("6").ephemeral());
        replies.push(Reply::text("7").in_channel().with_slack_blocks(blocks));
        let fitted = fit_response_url(replies);
        assert_eq!(fitted.len(), 5);
        let merged = &fitted[4];
        assert_eq!(merged.text, "5\n6\n7");
        assert_eq!(merged.visibility, Visibility::Ephemeral);
        let blocks = merged.slack_blocks.as_ref().unwrap().as_array().unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0]["text"]["text"], "5");
        assert_eq!(blocks[2]["type"], "divider");
    }
}
