//! The Slack app manifest of a bot (for "Create New App → From an app manifest"), derived from
//! what it registered: its slash commands, the events its `on` handlers wait for and the scopes
//! those need, and interactivity. `ackbot manifest slack` prints it.
//!
//! Slack's manifest as types: `types.rs`; from the registrations to a manifest: `build.rs`, with
//! the slash commands in `commands.rs`, the event subscriptions in `subscriptions.rs` (the event
//! types it knows: `event_types.rs`) and the checks of the options in `options.rs`; what is said
//! on stderr about it: `notes.rs`.
//!
//! ```
//! use ackbot_core::{cmd, Bot, Reply};
//! use ackbot_slack::manifest::{self, ManifestOptions};
//!
//! async fn roll() -> Reply {
//!     Reply::text("4")
//! }
//!
//! let bot = Bot::new().command(cmd("roll", roll).about("Roll a die"));
//! let options = ManifestOptions::new("https://bots.example.com/prod").with_name("Dice");
//! let manifest = manifest::build(&bot.build().unwrap(), &options).unwrap();
//! assert_eq!(manifest.app.features.slash_commands[0].command, "/roll");
//! assert!(manifest.app.to_yaml().contains("url: https://bots.example.com/prod/slack/commands"));
//! assert!(manifest.notes.is_empty());
//! ```

mod build;
mod commands;
mod error;
mod event_types;
mod notes;
mod options;
mod subscriptions;
mod types;

pub use build::{bot_scopes, build};
pub use error::ManifestError;
pub use options::{ManifestOptions, is_scope};
pub use types::{
    AppHome, AppManifest, AssistantView, BotUser, DisplayInformation, EventSubscriptions, Features,
    Interactivity, Metadata, OauthConfig, Scopes, Settings, Shortcut, ShortcutKind, SlashCommand,
};

/// A manifest, and what the person who asked for it should know about it.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The manifest; [`AppManifest::to_yaml`] writes it.
    pub app: AppManifest,
    /// One line each, for stderr: what was left out, shortened, or is left to do by hand.
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests;
