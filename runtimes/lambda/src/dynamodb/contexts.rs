//! Slack assistant threads' contexts in DynamoDB: [`DynamoThreadContexts`], kept in the
//! idempotency table every worker already shares, beside (never among) its keys.

use ackbot_core::BoxError;
use ackbot_slack::{AssistantContext, KEEP_CONTEXT_FOR, ThreadContexts, ThreadKey};
use serde_json::{Value, json};

use super::{Answer, BoxFuture, DynamoError, Table};

/// The prefix of a context's `id`, before its thread's key.
const CONTEXT: &str = "slack-assistant-context#";

/// [`ThreadContexts`] in a DynamoDB table (partition key `id` of type S, TTL attribute
/// `expiration`: the idempotency table's layout): a thread's context is the item
/// `slack-assistant-context#<team>:<channel>:<thread_ts>` with `context` (S, the context as
/// JSON) and `expiration` (N, epoch seconds, [`KEEP_CONTEXT_FOR`] after it was set). One
/// `PutItem` to keep it, one consistent `GetItem` to find it, retried as the table's other
/// calls are.
#[derive(Debug)]
pub struct DynamoThreadContexts {
    table: Table,
}

impl DynamoThreadContexts {
    /// Contexts in `table`, with the region, the credentials and the endpoint read through
    /// `env` as for [`DynamoDedupe`](super::DynamoDedupe). No request is made until the first
    /// call.
    pub fn from_env(
        table: impl Into<String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, DynamoError> {
        Ok(Self {
            table: Table::from_env(table.into(), env)?,
        })
    }

    fn id(thread: &ThreadKey) -> Value {
        json!({"id": {"S": format!("{CONTEXT}{}", thread.id())}})
    }

    async fn save_context(
        &self,
        thread: &ThreadKey,
        context: &AssistantContext,
    ) -> Result<(), BoxError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let expiration = (now + KEEP_CONTEXT_FOR).as_secs();
        let mut item = Self::id(thread);
        item["context"] = json!({"S": serde_json::to_string(context)?});
        item["expiration"] = json!({"N": expiration.to_string()});
        let request = json!({"TableName": self.table.name, "Item": item});
        self.table.call("PutItem", &request).await?;
        Ok(())
    }

    async fn find_context(&self, thread: &ThreadKey) -> Result<Option<AssistantContext>, BoxError> {
        let request =
            json!({"TableName": self.table.name, "Key": Self::id(thread), "ConsistentRead": true});
        let Answer::Done(answer) = self.table.call("GetItem", &request).await? else {
            return Err(format!("GetItem on `{}` answered a condition", self.table.name).into());
        };
        let Some(context) = answer.pointer("/Item/context/S").and_then(Value::as_str) else {
            return Ok(None);
        };
        let context = serde_json::from_str(context).map_err(|e| {
            format!(
                "the context of assistant thread {} in `{}` cannot be read ({:?} error)",
                thread.id(),
                self.table.name,
                e.classify()
            )
        })?;
        Ok(Some(context))
    }
}

impl ThreadContexts for DynamoThreadContexts {
    fn save<'a>(
        &'a self,
        thread: &'a ThreadKey,
        context: &'a AssistantContext,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(self.save_context(thread, context))
    }

    fn find<'a>(
        &'a self,
        thread: &'a ThreadKey,
    ) -> BoxFuture<'a, Result<Option<AssistantContext>, BoxError>> {
        Box::pin(self.find_context(thread))
    }
}
