//! The token of one request in distribution mode: empty when the request is parsed, set once
//! by the adapter's `authorize` before its handler runs, read by every Web API call the handler
//! and its replies make.

use std::sync::OnceLock;

use ackbot_core::SecretString;

use super::Workspace;

/// One request's bot token, or why it has none.
#[derive(Debug)]
pub(crate) struct Grant {
    pub(crate) workspace: Workspace,
    token: OnceLock<Result<SecretString, String>>,
}

impl Grant {
    /// A grant for a request from `workspace`, not yet looked up.
    pub(crate) fn pending(workspace: Workspace) -> Self {
        Self {
            workspace,
            token: OnceLock::new(),
        }
    }

    /// Sets the token, or why there is none; later calls change nothing.
    pub(crate) fn set(&self, token: Result<SecretString, String>) {
        let _ = self.token.set(token);
    }

    /// The token, or why the Web API cannot be called for this request.
    pub(crate) fn token(&self) -> Result<&SecretString, String> {
        match self.token.get() {
            Some(Ok(token)) => Ok(token),
            Some(Err(why)) => Err(why.clone()),
            None => Err(format!(
                "the installation of {} was not looked up before the call",
                self.workspace.describe()
            )),
        }
    }
}
