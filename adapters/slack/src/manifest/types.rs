//! Slack's app manifest, the parts ackbot writes, in the order and with the names of Slack's
//! manifest reference (<https://docs.slack.dev/reference/app-manifest>). A key ackbot has nothing
//! for is left out, never written empty.

use std::collections::BTreeSet;

use serde::Serialize;

/// A Slack app manifest (version 1), as "Create New App → From an app manifest" takes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct AppManifest {
    /// The manifest schema this document follows.
    #[serde(rename = "_metadata")]
    pub metadata: Metadata,
    /// How the app appears in Slack.
    pub display_information: DisplayInformation,
    /// The app's surfaces: its Home, bot user, shortcuts and slash commands.
    pub features: Features,
    /// What the app may do: its bot scopes.
    pub oauth_config: OauthConfig,
    /// Where Slack sends events and interactions, and how the app connects.
    pub settings: Settings,
}

/// `_metadata`: the manifest schema version.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct Metadata {
    /// `1`: the schema of apps that are not workflow apps.
    pub major_version: u32,
    /// The minor version of that schema.
    pub minor_version: u32,
}

/// `display_information`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct DisplayInformation {
    /// The app's name, at most 35 characters.
    pub name: String,
}

/// `features`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct Features {
    /// The Home and Messages tabs.
    pub app_home: AppHome,
    /// The bot user that answers.
    pub bot_user: BotUser,
    /// Global and message shortcuts. ackbot leaves it empty: a registration carries a
    /// shortcut's `callback_id`, but not its name, type or description (a note says so).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shortcuts: Vec<Shortcut>,
    /// The slash commands, at most 50.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slash_commands: Vec<SlashCommand>,
    /// Slack's AI app (*Agents & AI Apps*): the assistant's split view, on when the bot handles
    /// `assistant_thread_started`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistant_view: Option<AssistantView>,
}

/// `features.assistant_view`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct AssistantView {
    /// What the assistant does, shown to users (at most 200 characters).
    pub assistant_description: String,
}

/// `features.app_home`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct AppHome {
    /// Whether the app has a Home tab (it publishes it on `app_home_opened`).
    pub home_tab_enabled: bool,
    /// Whether users can write to the app in its Messages tab.
    pub messages_tab_enabled: bool,
    /// Whether the Messages tab only shows what the app sends.
    pub messages_tab_read_only_enabled: bool,
}

/// `features.bot_user`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct BotUser {
    /// The bot user's name in conversations.
    pub display_name: String,
    /// Whether the bot shows as online whatever its connection.
    pub always_online: bool,
}

/// One of `features.shortcuts`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct Shortcut {
    /// The name users pick it by.
    pub name: String,
    /// Where it is offered.
    #[serde(rename = "type")]
    pub kind: ShortcutKind,
    /// The `callback_id` of the interaction payload it sends.
    pub callback_id: String,
    /// What it does, in a few words.
    pub description: String,
}

/// Where a shortcut is offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShortcutKind {
    /// In the shortcuts menu and the search bar (a `shortcut` payload).
    Global,
    /// On a message's "More actions" menu (a `message_action` payload).
    Message,
}

/// One of `features.slash_commands`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct SlashCommand {
    /// `/name`, at most 32 characters.
    pub command: String,
    /// Where Slack posts the command.
    pub url: String,
    /// What it does, at most 100 characters.
    pub description: String,
    /// Its arguments as shown while typing, at most 1,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_hint: Option<String>,
    /// Whether Slack rewrites mentions and channels in the text to their ids.
    pub should_escape: bool,
}

/// `oauth_config`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct OauthConfig {
    /// Where Slack may send the browser after an install (distribution mode: the edge's
    /// `/slack/oauth_redirect`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirect_urls: Vec<String>,
    /// The scopes the app asks for at install.
    pub scopes: Scopes,
}

/// `oauth_config.scopes`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct Scopes {
    /// The bot token's scopes, sorted and each once.
    pub bot: BTreeSet<String>,
    /// The installing user's token's scopes (distribution mode, `SLACK_USER_SCOPES`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub user: BTreeSet<String>,
}

/// `settings`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct Settings {
    /// The Events API subscriptions.
    pub event_subscriptions: EventSubscriptions,
    /// Where interaction payloads go.
    pub interactivity: Interactivity,
    /// Whether the app can be installed on a whole Enterprise Grid org.
    pub org_deploy_enabled: bool,
    /// Whether Slack talks to the app over a WebSocket instead of HTTP requests.
    pub socket_mode_enabled: bool,
    /// Whether the app's tokens expire and are refreshed.
    pub token_rotation_enabled: bool,
}

/// `settings.event_subscriptions`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct EventSubscriptions {
    /// Where Slack posts the events.
    pub request_url: String,
    /// The event types the bot subscribes to, sorted and each once.
    pub bot_events: BTreeSet<String>,
}

/// `settings.interactivity`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct Interactivity {
    /// Whether Slack sends interaction payloads at all.
    pub is_enabled: bool,
    /// Where Slack posts button clicks, modal submissions and shortcuts.
    pub request_url: String,
    /// Where Slack asks a menu with an external data source for its options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_menu_options_url: Option<String>,
}

impl AppManifest {
    /// The manifest as a YAML document, block style. Strings are quoted where a YAML 1.2 reader
    /// would take them for something else (`null`, `1e3`, `- x`); words only YAML 1.1 takes for
    /// booleans (`yes`, `on`) stay plain. Feature `manifest`.
    #[cfg(feature = "manifest")]
    pub fn to_yaml(&self) -> String {
        serde_yaml_ng::to_string(self)
            .expect("a manifest is string-keyed maps, sequences and scalars, which YAML holds")
    }
}
