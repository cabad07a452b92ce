//! Where installations and OAuth states are kept: one trait, [`InstallationStore`], with a
//! memory implementation here, an embedded one on disk in `ackbot-serve` and DynamoDB in
//! `ackbot-lambda`, all held to the same contract (`contract`, feature `test-util`).

use std::collections::HashMap;
use std::sync::Mutex;

use ackbot_core::BoxError;
use futures::future::BoxFuture;

use super::{InstallationKey, InstallationRecord};

/// Why the store could not answer; a later attempt may succeed.
#[derive(Debug, thiserror::Error)]
#[error("the installation store failed")]
pub struct StoreError(#[source] pub BoxError);

impl StoreError {
    /// A failure for `error`.
    pub fn new(error: impl Into<BoxError>) -> Self {
        Self(error.into())
    }
}

/// An installation as found, with its version: every save and replacement makes a new one, so
/// that a change can be made only to the version it was read at.
#[derive(Clone, Debug)]
pub struct Stored {
    /// The installation and its tokens.
    pub record: InstallationRecord,
    /// Its version, from 1.
    pub version: u64,
}

/// Keeps installations, and the OAuth states that protect an install, across processes:
/// every method is one atomic step of the store, so two workers cannot both win a
/// [`lease`](Self::lease), a [`replace`](Self::replace) or a [`spend_state`](Self::spend_state).
pub trait InstallationStore: Send + Sync {
    /// Saves `record` under its key — a new install, or a re-install replacing the old one —
    /// as a new version, with no lease.
    fn save<'a>(&'a self, record: &'a InstallationRecord) -> BoxFuture<'a, Result<(), StoreError>>;

    /// The installation under `key`, if there is one.
    fn find<'a>(
        &'a self,
        key: &'a InstallationKey,
    ) -> BoxFuture<'a, Result<Option<Stored>, StoreError>>;

    /// Deletes the installation under `key`; whether there was one. Its versions are not
    /// reused: a later install of the same workspace gets a version above any before.
    fn delete<'a>(&'a self, key: &'a InstallationKey) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Takes the right to refresh `key`'s token until `until_ms`: only while the installation
    /// is still at `version` and nobody else holds a lease that is live at `now_ms`.
    fn lease<'a>(
        &'a self,
        key: &'a InstallationKey,
        version: u64,
        now_ms: i64,
        until_ms: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Replaces the installation at `version` with `record` as the next version (dropping any
    /// lease); `false`, changing nothing, when it is no longer at `version` or is gone.
    fn replace<'a>(
        &'a self,
        key: &'a InstallationKey,
        version: u64,
        record: &'a InstallationRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Records the OAuth state `state` (already hashed by the caller), usable until
    /// `expires_at_ms`.
    fn issue_state<'a>(
        &'a self,
        state: &'a str,
        expires_at_ms: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Spends `state`: `true` once, when it was issued and is not expired at `now_ms`; `false`
    /// for any other and ever after.
    fn spend_state<'a>(
        &'a self,
        state: &'a str,
        now_ms: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
}

/// Installations and states in this process's memory: for tests and the test kit. A restart
/// forgets them.
#[derive(Debug, Default)]
pub struct MemoryInstallations {
    inner: Mutex<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    installations: HashMap<InstallationKey, (InstallationRecord, u64, i64)>,
    versions: HashMap<InstallationKey, u64>,
    states: HashMap<String, i64>,
}

impl MemoryInstallations {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Memory) -> T) -> Result<T, StoreError> {
        let mut memory = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        Ok(f(&mut memory))
    }
}

impl Memory {
    /// The next version of `key`: never one used before, even after a delete.
    fn next_version(&mut self, key: &InstallationKey) -> u64 {
        let version = self.versions.entry(key.clone()).or_default();
        *version += 1;
        *version
    }
}

impl InstallationStore for MemoryInstallations {
    fn save<'a>(&'a self, record: &'a InstallationRecord) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.with(|m| {
                let key = record.installation.key();
                let version = m.next_version(&key);
                m.installations.insert(key, (record.clone(), version, 0));
            })
        })
    }

    fn find<'a>(
        &'a self,
        key: &'a InstallationKey,
    ) -> BoxFuture<'a, Result<Option<Stored>, StoreError>> {
        Box::pin(async move {
            self.with(|m| {
                (m.installations.get(key)).map(|(record, version, _)| Stored {
                    record: record.clone(),
                    version: *version,
                })
            })
        })
    }

    fn delete<'a>(&'a self, key: &'a InstallationKey) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move { self.with(|m| m.installations.remove(key).is_some()) })
    }

    fn lease<'a>(
        &'a self,
        key: &'a InstallationKey,
        version: u64,
        now_ms: i64,
        until_ms: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            self.with(|m| match m.installations.get_mut(key) {
                Some((_, v, lease)) if *v == version && *lease <= now_ms => {
                    *lease = until_ms;
                    true
                }
                _ => false,
            })
        })
    }

    fn replace<'a>(
        &'a self,
        key: &'a InstallationKey,
        version: u64,
        record: &'a InstallationRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            self.with(|m| {
                let current = m.installations.get(key).map(|(_, v, _)| *v);
                if current != Some(version) {
                    return false;
                }
                let next = m.next_version(key);
                m.installations
                    .insert(key.clone(), (record.clone(), next, 0));
                true
            })
        })
    }

    fn issue_state<'a>(
        &'a self,
        state: &'a str,
        expires_at_ms: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.with(|m| {
                m.states.insert(state.to_string(), expires_at_ms);
            })
        })
    }

    fn spend_state<'a>(
        &'a self,
        state: &'a str,
        now_ms: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            self.with(|m| {
                let live = m
                    .states
                    .remove(state)
                    .is_some_and(|expires| expires > now_ms);
                m.states.retain(|_, expires| *expires > now_ms);
                live
            })
        })
    }
}
