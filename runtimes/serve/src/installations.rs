//! Slack's installations and OAuth states on disk, for `ackbot serve` in distribution mode:
//! [`LocalInstallations`] keeps them in one [redb](https://www.redb.org) file under
//! `ACKBOT_DATA_DIR` (`.ackbot/` by default), so installs survive a restart.
//!
//! redb: pure Rust with no dependencies of its own (no C toolchain, unlike SQLite), ACID and
//! crash-safe, a stable file format, and one writer at a time — every method here is one write
//! transaction, which is what makes a lease, a replacement or a state's spending atomic. A second
//! process on the same file is refused at open with a clear error.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ackbot_slack::oauth::{
    InstallationKey, InstallationRecord, InstallationStore, StoreError, Stored,
};
use futures::future::BoxFuture;
use redb::{Database, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

/// The file's name in the data directory.
pub const FILE_NAME: &str = "installations.redb";

/// Key (`team:T1`) → the installation's entry, as JSON.
const INSTALLATIONS: TableDefinition<&str, &str> = TableDefinition::new("installations");
/// A state's hash → when it expires, in ms.
const STATES: TableDefinition<&str, i64> = TableDefinition::new("oauth_states");

/// An installation's entry: a deleted one keeps its version (with no record), so a later
/// install never reuses one.
#[derive(Default, Serialize, Deserialize)]
struct Entry {
    record: Option<String>,
    version: u64,
    #[serde(default)]
    lease_until: i64,
}

/// Installations and states in a redb file.
#[derive(Clone)]
pub struct LocalInstallations {
    db: Arc<Database>,
    path: PathBuf,
}

impl std::fmt::Debug for LocalInstallations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalInstallations")
            .field("path", &self.path)
            .finish()
    }
}

impl LocalInstallations {
    /// Opens (or creates) the store in `dir`, creating the directory (readable by its owner
    /// only, on Unix: the file holds tokens).
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            StoreError::new(format!("{what} {}: {e}", dir.display()))
        };
        std::fs::create_dir_all(dir).map_err(|e| fail("cannot create the data directory", &e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let owner_only = std::fs::Permissions::from_mode(0o700);
            std::fs::set_permissions(dir, owner_only)
                .map_err(|e| fail("cannot restrict the data directory", &e))?;
        }
        let path = dir.join(FILE_NAME);
        let db = Database::create(&path).map_err(|e| {
            fail(
                "cannot open the installation store in",
                &format!("{e} (is another `ackbot serve` using it?)"),
            )
        })?;
        let store = Self {
            db: Arc::new(db),
            path,
        };
        store.write(|_, _| Ok(()))?;
        Ok(store)
    }

    /// The file's database, for the other tables kept in it.
    pub(crate) fn database(&self) -> &Database {
        &self.db
    }

    /// Runs `f` in one write transaction on the two tables, and commits.
    fn write<T>(
        &self,
        f: impl FnOnce(
            &mut redb::Table<&str, &str>,
            &mut redb::Table<&str, i64>,
        ) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let txn = self.db.begin_write().map_err(StoreError::new)?;
        let value = {
            let mut installations = txn.open_table(INSTALLATIONS).map_err(StoreError::new)?;
            let mut states = txn.open_table(STATES).map_err(StoreError::new)?;
            f(&mut installations, &mut states)?
        };
        txn.commit().map_err(StoreError::new)?;
        Ok(value)
    }

    /// [`write`](Self::write), off the async threads.
    fn blocking<'a, T: Send + 'static>(
        &'a self,
        f: impl FnOnce(
            &mut redb::Table<&str, &str>,
            &mut redb::Table<&str, i64>,
        ) -> Result<T, StoreError>
        + Send
        + 'static,
    ) -> BoxFuture<'a, Result<T, StoreError>> {
        let store = self.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || store.write(f))
                .await
                .map_err(StoreError::new)?
        })
    }
}

fn entry(table: &redb::Table<&str, &str>, key: &str) -> Result<Entry, StoreError> {
    match table.get(key).map_err(StoreError::new)? {
        Some(json) => serde_json::from_str(json.value())
            .map_err(|e| StoreError::new(format!("the entry of {key} does not parse: {e}"))),
        None => Ok(Entry::default()),
    }
}

fn put(table: &mut redb::Table<&str, &str>, key: &str, entry: &Entry) -> Result<(), StoreError> {
    let json = serde_json::to_string(entry).expect("an entry always serialises");
    table.insert(key, json.as_str()).map_err(StoreError::new)?;
    Ok(())
}

fn record_of(key: &str, entry: &Entry) -> Result<Option<InstallationRecord>, StoreError> {
    (entry.record.as_deref())
        .map(|json| {
            InstallationRecord::from_json(json)
                .map_err(|e| StoreError::new(format!("the installation {key} does not parse: {e}")))
        })
        .transpose()
}

impl InstallationStore for LocalInstallations {
    fn save<'a>(&'a self, record: &'a InstallationRecord) -> BoxFuture<'a, Result<(), StoreError>> {
        let (key, json) = (record.installation.key().to_string(), record.to_json());
        self.blocking(move |table, _| {
            let old = entry(table, &key)?;
            let new = Entry {
                record: Some(json),
                version: old.version + 1,
                lease_until: 0,
            };
            put(table, &key, &new)
        })
    }

    fn find<'a>(
        &'a self,
        key: &'a InstallationKey,
    ) -> BoxFuture<'a, Result<Option<Stored>, StoreError>> {
        let key = key.to_string();
        self.blocking(move |table, _| {
            let entry = entry(table, &key)?;
            Ok(record_of(&key, &entry)?.map(|record| Stored {
                record,
                version: entry.version,
            }))
        })
    }

    fn delete<'a>(&'a self, key: &'a InstallationKey) -> BoxFuture<'a, Result<bool, StoreError>> {
        let key = key.to_string();
        self.blocking(move |table, _| {
            let mut entry = entry(table, &key)?;
            let had = entry.record.take().is_some();
            if had {
                entry.lease_until = 0;
                put(table, &key, &entry)?;
            }
            Ok(had)
        })
    }

    fn lease<'a>(
        &'a self,
        key: &'a InstallationKey,
        version: u64,
        now_ms: i64,
        until_ms: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let key = key.to_string();
        self.blocking(move |table, _| {
            let mut entry = entry(table, &key)?;
            if entry.record.is_none() || entry.version != version || entry.lease_until > now_ms {
                return Ok(false);
            }
            entry.lease_until = until_ms;
            put(table, &key, &entry)?;
            Ok(true)
        })
    }

    fn replace<'a>(
        &'a self,
        key: &'a InstallationKey,
        version: u64,
        record: &'a InstallationRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let (key, json) = (key.to_string(), record.to_json());
        self.blocking(move |table, _| {
            let old = entry(table, &key)?;
            if old.record.is_none() || old.version != version {
                return Ok(false);
            }
            put(
                table,
                &key,
                &Entry {
                    record: Some(json),
                    version: version + 1,
                    lease_until: 0,
                },
            )?;
            Ok(true)
        })
    }

    fn issue_state<'a>(
        &'a self,
        state: &'a str,
        expires_at_ms: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let state = state.to_string();
        self.blocking(move |_, states| {
            states
                .insert(state.as_str(), expires_at_ms)
                .map_err(StoreError::new)?;
            Ok(())
        })
    }

    fn spend_state<'a>(
        &'a self,
        state: &'a str,
        now_ms: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let state = state.to_string();
        self.blocking(move |_, states| {
            let expires = states
                .remove(state.as_str())
                .map_err(StoreError::new)?
                .map(|v| v.value());
            // Expired states go too, so the file does not grow with abandoned installs.
            states
                .retain(|_, expires| expires > now_ms)
                .map_err(StoreError::new)?;
            Ok(expires.is_some_and(|expires| expires > now_ms))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ackbot-installations-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[tokio::test]
    async fn keeps_the_contract() {
        let dir = dir("contract");
        ackbot_slack::oauth::contract::check(&LocalInstallations::open(&dir).unwrap()).await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn installs_survive_a_reopen_and_one_process_holds_the_file() {
        let dir = dir("reopen");
        let key = InstallationKey::Team("T1".into());
        {
            let store = LocalInstallations::open(&dir).unwrap();
            store
                .save(&ackbot_slack::oauth::contract::record("T1", "xoxb-kept"))
                .await
                .unwrap();
            let error = LocalInstallations::open(&dir).unwrap_err();
            assert!(
                ackbot_core::chain(&error).contains("another `ackbot serve`"),
                "{}",
                ackbot_core::chain(&error)
            );
        }
        let store = LocalInstallations::open(&dir).unwrap();
        let found = store.find(&key).await.unwrap().unwrap();
        assert_eq!(found.record.installation.team_id.as_deref(), Some("T1"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
