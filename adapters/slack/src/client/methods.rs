//! Slack's Web API methods, named in Slack's words; each is a thin wrapper over
//! [`SlackClient::call`].

use ackbot_core::Reply;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{SlackClient, message};
use crate::ReplyError;

impl SlackClient {
    /// `chat.postMessage`: sends `reply` (its `text` and `blocks`) to `channel`, in the thread
    /// `thread_ts` if given. The response carries the message's `ts` and `channel`.
    pub async fn chat_post_message(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        reply: &Reply,
    ) -> Result<Value, ReplyError> {
        let mut body = Map::new();
        body.insert("channel".into(), channel.into());
        body.extend(message(reply));
        if let Some(thread_ts) = thread_ts {
            body.insert("thread_ts".into(), thread_ts.into());
        }
        self.call("chat.postMessage", &Value::Object(body)).await
    }

    /// `chat.postEphemeral`: sends `reply` to `user` only, in `channel` (and the thread
    /// `thread_ts` if given). The response carries the `message_ts`.
    pub async fn chat_post_ephemeral(
        &self,
        channel: &str,
        user: &str,
        thread_ts: Option<&str>,
        reply: &Reply,
    ) -> Result<Value, ReplyError> {
        let mut body = Map::new();
        body.insert("channel".into(), channel.into());
        body.insert("user".into(), user.into());
        body.extend(message(reply));
        if let Some(thread_ts) = thread_ts {
            body.insert("thread_ts".into(), thread_ts.into());
        }
        self.call("chat.postEphemeral", &Value::Object(body)).await
    }

    /// `chat.update`: replaces the message `ts` in `channel` (a channel ID) with `reply`.
    ///
    /// A reply without blocks sends `"blocks": []`, which Slack documents as the way to remove
    /// the message's previous blocks, so the message shows the new text.
    pub async fn chat_update(
        &self,
        channel: &str,
        ts: &str,
        reply: &Reply,
    ) -> Result<Value, ReplyError> {
        let mut body = Map::new();
        body.insert("channel".into(), channel.into());
        body.insert("ts".into(), ts.into());
        body.extend(message(reply));
        body.entry("blocks")
            .or_insert_with(|| Value::Array(Vec::new()));
        self.call("chat.update", &Value::Object(body)).await
    }

    /// `views.open`: opens the modal `view` (a [`View`](crate::blocks::View), or its JSON) with
    /// a `trigger_id` (valid for 3 s, once). The response carries the `view` with its `id` and
    /// `hash`.
    pub async fn views_open(
        &self,
        trigger_id: &str,
        view: &(impl Serialize + ?Sized),
    ) -> Result<Value, ReplyError> {
        let body = serde_json::json!({"trigger_id": trigger_id, "view": view});
        self.call("views.open", &body).await
    }

    /// `views.update`: replaces the open view `view_id` with `view`; with `hash` (from the
    /// last response or payload), Slack refuses with `hash_conflict` if the view changed since.
    pub async fn views_update(
        &self,
        view_id: &str,
        hash: Option<&str>,
        view: &(impl Serialize + ?Sized),
    ) -> Result<Value, ReplyError> {
        let mut body = serde_json::json!({"view_id": view_id, "view": view});
        if let Some(hash) = hash {
            body["hash"] = hash.into();
        }
        self.call("views.update", &body).await
    }

    /// `views.push`: pushes `view` onto the stack of an open modal, with a `trigger_id` from an
    /// interaction in it. The response carries the new `view`.
    pub async fn views_push(
        &self,
        trigger_id: &str,
        view: &(impl Serialize + ?Sized),
    ) -> Result<Value, ReplyError> {
        let body = serde_json::json!({"trigger_id": trigger_id, "view": view});
        self.call("views.push", &body).await
    }

    /// `reactions.add`: adds the reaction (emoji) `name` to the message `timestamp` in `channel`.
    /// `name` is without colons (`thumbsup`); surrounding colons (`:thumbsup:`) are removed.
    pub async fn reactions_add(
        &self,
        channel: &str,
        timestamp: &str,
        name: &str,
    ) -> Result<(), ReplyError> {
        let body = serde_json::json!({
            "channel": channel,
            "timestamp": timestamp,
            "name": name.trim().trim_matches(':'),
        });
        self.call("reactions.add", &body).await.map(drop)
    }

    /// `users.info`: the `user` object (`id`, `name`, `real_name`, `profile`, …) of `user`.
    /// Sent form-encoded: Slack's `users.info` does not accept JSON bodies.
    pub async fn users_info(&self, user: &str) -> Result<Value, ReplyError> {
        let mut response = self.call_form("users.info", &[("user", user)]).await?;
        match response.get_mut("user").map(Value::take) {
            Some(user @ Value::Object(_)) => Ok(user),
            _ => Err(ReplyError::Api {
                status: 200,
                message: "not a Slack API response: users.info answered without a `user`".into(),
            }),
        }
    }
}
