//! Slack assistant threads' contexts in `serve`'s file of installations (distribution mode), so
//! that they survive a restart as the installations do: one more table in the same redb file.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ackbot_core::BoxError;
use ackbot_slack::{AssistantContext, KEEP_CONTEXT_FOR, ThreadContexts, ThreadKey};
use futures::future::BoxFuture;
use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use crate::installations::LocalInstallations;

/// A thread's key (`T1:D1:1729999327.187299`) → (the context as JSON, until when it is kept, in
/// epoch seconds). An expired one reads as absent and is replaced by the next save.
const CONTEXTS: TableDefinition<&str, (&str, u64)> = TableDefinition::new("assistant_contexts");

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

impl LocalInstallations {
    fn save_context(&self, key: String, json: String) -> Result<(), BoxError> {
        let until = (now() + KEEP_CONTEXT_FOR).as_secs();
        let txn = self.database().begin_write()?;
        txn.open_table(CONTEXTS)?
            .insert(key.as_str(), (json.as_str(), until))?;
        txn.commit()?;
        Ok(())
    }

    fn find_context(&self, key: String) -> Result<Option<AssistantContext>, BoxError> {
        let txn = self.database().begin_read()?;
        let table = match txn.open_table(CONTEXTS) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(found) = table.get(key.as_str())? else {
            return Ok(None);
        };
        let (json, until) = found.value();
        if until <= now().as_secs() {
            return Ok(None);
        }
        let context = serde_json::from_str(json).map_err(|e| {
            format!(
                "the context of assistant thread {key} cannot be read ({:?} error)",
                e.classify()
            )
        })?;
        Ok(Some(context))
    }
}

impl ThreadContexts for LocalInstallations {
    fn save<'a>(
        &'a self,
        thread: &'a ThreadKey,
        context: &'a AssistantContext,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        let (store, key) = (self.clone(), thread.id());
        let json = serde_json::to_string(context);
        Box::pin(async move {
            let json = json?;
            tokio::task::spawn_blocking(move || store.save_context(key, json)).await?
        })
    }

    fn find<'a>(
        &'a self,
        thread: &'a ThreadKey,
    ) -> BoxFuture<'a, Result<Option<AssistantContext>, BoxError>> {
        let (store, key) = (self.clone(), thread.id());
        Box::pin(async move { tokio::task::spawn_blocking(move || store.find_context(key)).await? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_context_is_kept_in_the_file_and_survives_a_reopen() {
        let dir = std::env::temp_dir().join(format!("ackbot-contexts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let thread = ThreadKey {
            team_id: "T1".into(),
            channel_id: "D1".into(),
            thread_ts: "1729999327.187299".into(),
        };
        let viewing = AssistantContext {
            channel_id: Some("C1".into()),
            ..AssistantContext::default()
        };
        {
            let store = LocalInstallations::open(&dir).unwrap();
            assert_eq!(store.find(&thread).await.unwrap(), None, "no table yet");
            store.save(&thread, &viewing).await.unwrap();
        }
        let store = LocalInstallations::open(&dir).unwrap();
        assert_eq!(store.find(&thread).await.unwrap(), Some(viewing));
        let other = ThreadKey {
            thread_ts: "1.2".into(),
            ..thread
        };
        assert_eq!(store.find(&other).await.unwrap(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
