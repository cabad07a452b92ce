//! The assistant's model, for `ask` (`ask.rs`, the command to copy): an OpenAI-compatible
//! chat-completions endpoint (`ACKBOT_LLM_URL`, `ACKBOT_LLM_API_KEY`, `ACKBOT_LLM_MODEL`,
//! `ACKBOT_LLM_SYSTEM_PROMPT`) the runtime configures in the [`Assistant`] state. The client:
//! `model.rs`; a stand-in of the endpoint (feature `dev`): `standin.rs`.

mod model;
#[cfg(feature = "dev")]
pub mod standin;

use std::sync::{Arc, OnceLock};

pub use model::{Model, ModelConfig, ModelError};

/// The assistant's model. The group [`assistant`](super::assistant) holds one, empty; the runtime that reads the
/// configuration gives it its model ([`configure`](Self::configure)). Cheap to clone.
#[derive(Clone, Default)]
pub struct Assistant {
    model: Arc<OnceLock<Model>>,
}

impl Assistant {
    /// Gives the assistant its model; `false` when it already had one.
    pub fn configure(&self, model: Model) -> bool {
        self.model.set(model).is_ok()
    }

    /// The model, when configured.
    pub fn model(&self) -> Option<&Model> {
        self.model.get()
    }
}
