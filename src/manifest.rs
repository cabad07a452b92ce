//! `ackbot manifest slack`: the Slack app manifest (YAML, for "Create New App → From an app
//! manifest") of the bot the binary runs, derived from what it registered — its slash commands,
//! the events its `on` handlers wait for and the scopes those need, and interactivity.

use std::collections::BTreeSet;

use ackbot_core::{Dispatcher, Kind};

/// What `ackbot manifest slack` was asked for.
#[derive(Clone, Debug)]
pub(crate) struct SlackManifestOptions {
    /// Where the edge is reachable; ackbot's routes (`/slack/commands`, …) go below it.
    pub(crate) base_url: String,
    /// The app's name, also its bot user's display name.
    pub(crate) name: String,
    /// Further bot scopes, for the Web API methods the handlers call (e.g. `reactions:write`).
    pub(crate) scopes: Vec<String>,
}

/// A manifest, and what the person who asked for it should know about it.
#[derive(Clone, Debug)]
pub(crate) struct Manifest {
    /// The manifest, a YAML document.
    pub(crate) yaml: String,
    /// One line each, for stderr: what was left out, shortened, or is left to do by hand.
    pub(crate) notes: Vec<String>,
}

/// Why no Slack app manifest could be made.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// `--base-url` is not an absolute https URL Slack can call.
    #[error("`{url}` is not a usable base URL: {reason}")]
    BaseUrl {
        /// As given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `--name` is empty or too long for Slack.
    #[error("`{name}` is not a usable app name: {reason}")]
    AppName {
        /// As given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A registered command has a name Slack refuses for a slash command.
    #[error("the command `{name}` cannot be a Slack slash command: {reason}")]
    CommandName {
        /// The name as registered.
        name: String,
        /// What Slack would refuse.
        reason: String,
    },
    /// More commands than a Slack app may have.
    #[error(
        "the bot has {count} commands, and a Slack app takes at most {MAX_COMMANDS} slash commands"
    )]
    TooManyCommands {
        /// How many the bot registered.
        count: usize,
    },
    /// A `--scope` that is no scope name.
    #[error(
        "`{scope}` is not a Slack scope: scopes are written like `reactions:write` \
         (lowercase letters, digits and `:._-`)"
    )]
    Scope {
        /// As given.
        scope: String,
    },
}

/// Slack's limits, from its app manifest reference.
const MAX_COMMANDS: usize = 50;
/// A slash command's name, counting its `/`.
const MAX_COMMAND_CHARS: usize = 32;
const MAX_DESCRIPTION_CHARS: usize = 100;
const MAX_USAGE_HINT_CHARS: usize = 1000;
const MAX_APP_NAME_CHARS: usize = 35;

const EXAMPLE_BASE_URL: &str = "https://abc.execute-api.us-east-1.amazonaws.com/prod";

/// Slack Events API types a handler can register for with `Bot::on`, each with the bot scopes its
/// subscription needs. `message` is special: see [`CHANNEL_MESSAGES`].
const EVENTS: &[(&str, &[&str])] = &[
    ("app_home_opened", &[]),
    ("app_mention", &["app_mentions:read"]),
    ("app_uninstalled", &[]),
    ("assistant_thread_context_changed", &["assistant:write"]),
    ("assistant_thread_started", &["assistant:write"]),
    ("channel_archive", &["channels:read"]),
    ("channel_created", &["channels:read"]),
    ("channel_deleted", &["channels:read"]),
    ("channel_history_changed", &["channels:history"]),
    ("channel_id_changed", &["channels:read"]),
    ("channel_left", &["channels:read"]),
    ("channel_rename", &["channels:read"]),
    ("channel_shared", &["channels:read"]),
    ("channel_unarchive", &["channels:read"]),
    ("channel_unshared", &["channels:read"]),
    ("dnd_updated_user", &["dnd:read"]),
    ("emoji_changed", &["emoji:read"]),
    ("file_change", &["files:read"]),
    ("file_created", &["files:read"]),
    ("file_deleted", &["files:read"]),
    ("file_public", &["files:read"]),
    ("file_shared", &["files:read"]),
    ("file_unshared", &["files:read"]),
    ("group_archive", &["groups:read"]),
    ("group_close", &["groups:read"]),
    ("group_deleted", &["groups:read"]),
    ("group_history_changed", &["groups:history"]),
    ("group_left", &["groups:read"]),
    ("group_open", &["groups:read"]),
    ("group_rename", &["groups:read"]),
    ("group_unarchive", &["groups:read"]),
    ("im_close", &["im:read"]),
    ("im_created", &["im:read"]),
    ("im_history_changed", &["im:history"]),
    ("im_open", &["im:read"]),
    ("link_shared", &["links:read"]),
    ("member_joined_channel", &["channels:read", "groups:read"]),
    ("member_left_channel", &["channels:read", "groups:read"]),
    ("message.channels", &["channels:history"]),
    ("message.groups", &["groups:history"]),
    ("message.im", &["im:history"]),
    ("message.mpim", &["mpim:history"]),
    ("message_metadata_deleted", &["metadata.message:read"]),
    ("message_metadata_posted", &["metadata.message:read"]),
    ("message_metadata_updated", &["metadata.message:read"]),
    ("pin_added", &["pins:read"]),
    ("pin_removed", &["pins:read"]),
    ("reaction_added", &["reactions:read"]),
    ("reaction_removed", &["reactions:read"]),
    ("subteam_created", &["usergroups:read"]),
    ("subteam_members_changed", &["usergroups:read"]),
    ("subteam_self_added", &["usergroups:read"]),
    ("subteam_self_removed", &["usergroups:read"]),
    ("subteam_updated", &["usergroups:read"]),
    ("team_domain_change", &["team:read"]),
    ("team_join", &["users:read"]),
    ("team_rename", &["team:read"]),
    ("tokens_revoked", &[]),
    ("user_change", &["users:read"]),
    ("user_profile_changed", &["users:read"]),
    ("user_status_changed", &["users:read"]),
];

/// Slack delivers every message event with the type `message`, which is what an `on("message")`
/// handler receives; the subscriptions are per conversation type. Direct messages are commands
/// (`message.im`, always subscribed), so such a handler wants the others.
const CHANNEL_MESSAGES: &[&str] = &["message.channels", "message.groups", "message.mpim"];

/// Interactivity payload types an `on` handler may take: they arrive at the interactivity
/// request URL, which is always set, and need no event subscription.
const INTERACTION_PAYLOADS: &[&str] = &[
    "block_actions",
    "block_suggestion",
    "message_action",
    "shortcut",
    "view_closed",
    "view_submission",
];

/// LINE's webhook event types: a bot that serves both platforms registers them, and they have no
/// place in a Slack app.
const LINE_EVENTS: &[&str] = &[
    "accountLink",
    "activated",
    "beacon",
    "botResumed",
    "botSuspended",
    "deactivated",
    "follow",
    "join",
    "leave",
    "memberJoined",
    "memberLeft",
    "membership",
    "module",
    "postback",
    "things",
    "unfollow",
    "unsend",
    "videoPlayComplete",
];

/// Slack's own slash commands: an app's command of the same name is never reached.
const SLACK_BUILT_IN_COMMANDS: &[&str] = &[
    "active", "away", "archive", "call", "collapse", "dm", "dnd", "expand", "feed", "invite",
    "join", "kick", "leave", "me", "msg", "mute", "open", "prefs", "remind", "remove", "rename",
    "search", "shrug", "status", "topic", "who",
];

/// The Slack app manifest of the bot `dispatcher` runs, reachable at `options.base_url`.
pub(crate) fn slack(
    dispatcher: &Dispatcher,
    options: &SlackManifestOptions,
) -> Result<Manifest, ManifestError> {
    let mut notes = Vec::new();
    let base = base_url(&options.base_url, &mut notes)?;
    let name = app_name(&options.name)?;

    let catalog = dispatcher.catalog();
    if catalog.len() > MAX_COMMANDS {
        return Err(ManifestError::TooManyCommands {
            count: catalog.len(),
        });
    }
    let commands_url = format!("{base}/slack/commands");
    let mut slash_commands = Vec::with_capacity(catalog.len());
    for info in catalog {
        let command = slash_command(&info.name, &mut notes)?;
        let about = one_line(&info.about);
        let about = if about.is_empty() {
            format!("Runs {command}")
        } else {
            about
        };
        let mut entry = vec![
            ("command", Yaml::str(&command)),
            ("url", Yaml::str(&commands_url)),
            (
                "description",
                Yaml::Str(shorten(&about, MAX_DESCRIPTION_CHARS, &command, &mut notes)),
            ),
        ];
        let usage = one_line(&info.usage);
        if !usage.is_empty() {
            let usage = shorten(&usage, MAX_USAGE_HINT_CHARS, &command, &mut notes);
            entry.push(("usage_hint", Yaml::Str(usage)));
        }
        entry.push(("should_escape", Yaml::Bool(false)));
        slash_commands.push(Yaml::Map(entry));
    }

    // Commands by mention and in direct messages, whatever else the bot registered.
    let mut bot_events: BTreeSet<&str> = BTreeSet::from(["app_mention", "message.im"]);
    let mut scopes: BTreeSet<String> = ["chat:write", "app_mentions:read", "im:history"]
        .into_iter()
        .map(String::from)
        .collect();
    let mut options_menus = false;
    let mut shortcuts = Vec::new();
    for event in dispatcher.events() {
        let subscriptions: &[&str] = match event {
            "message" => {
                notes.push(format!(
                    "the `message` handler subscribes to {}: channel messages (direct messages \
                     are commands); drop them if the handler is meant for LINE only",
                    CHANNEL_MESSAGES.join(", ")
                ));
                CHANNEL_MESSAGES
            }
            "block_suggestion" => {
                options_menus = true;
                continue;
            }
            "shortcut" | "message_action" => {
                shortcuts.push(event.to_string());
                continue;
            }
            _ if INTERACTION_PAYLOADS.contains(&event) || LINE_EVENTS.contains(&event) => continue,
            _ if EVENTS.iter().any(|(known, _)| *known == event) => {
                if event.starts_with("message.") {
                    notes.push(format!(
                        "`{event}` is a subscription name: Slack delivers these events with the \
                         type `message`, so register the handler with `on(\"message\")`"
                    ));
                }
                std::slice::from_ref(&event)
            }
            _ => {
                notes.push(format!(
                    "`{event}` is not a Slack event type ackbot knows: left out of bot_events \
                     (add it by hand, with the scopes it needs, if Slack has it)"
                ));
                continue;
            }
        };
        bot_events.extend(subscriptions.iter().copied());
    }
    for event in &bot_events {
        let needs = EVENTS.iter().find(|(known, _)| known == event);
        scopes.extend(
            needs
                .into_iter()
                .flat_map(|(_, s)| s.iter().map(|s| s.to_string())),
        );
    }
    for (kind, id) in dispatcher.interactions() {
        match kind {
            Kind::Options => options_menus = true,
            Kind::Shortcut => shortcuts.push(id.to_string()),
            _ => {}
        }
    }
    if !shortcuts.is_empty() {
        notes.push(format!(
            "shortcuts are registered ({}): add them under features.shortcuts by hand, each with \
             its type (global or message), name and description",
            shortcuts.join(", ")
        ));
    }
    if !catalog.is_empty() || !shortcuts.is_empty() {
        scopes.insert("commands".to_string());
    }
    for scope in &options.scopes {
        let scope = scope.trim();
        if scope.is_empty() {
            continue;
        }
        if !scope
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ":._-".contains(c))
        {
            return Err(ManifestError::Scope {
                scope: scope.to_string(),
            });
        }
        scopes.insert(scope.to_string());
    }

    let interactions_url = format!("{base}/slack/interactions");
    let mut interactivity = vec![
        ("is_enabled", Yaml::Bool(true)),
        ("request_url", Yaml::str(&interactions_url)),
    ];
    if options_menus {
        interactivity.push(("message_menu_options_url", Yaml::str(&interactions_url)));
    }
    let mut features = vec![
        (
            "app_home",
            Yaml::Map(vec![
                // A handler of `app_home_opened` publishes the Home tab; without one it is blank.
                (
                    "home_tab_enabled",
                    Yaml::Bool(bot_events.contains("app_home_opened")),
                ),
                // Direct messages are commands: the Messages tab must take them.
                ("messages_tab_enabled", Yaml::Bool(true)),
                ("messages_tab_read_only_enabled", Yaml::Bool(false)),
            ]),
        ),
        (
            "bot_user",
            Yaml::Map(vec![
                ("display_name", Yaml::str(&name)),
                ("always_online", Yaml::Bool(true)),
            ]),
        ),
    ];
    if !slash_commands.is_empty() {
        features.push(("slash_commands", Yaml::Seq(slash_commands)));
    }
    let manifest = Yaml::Map(vec![
        (
            "_metadata",
            Yaml::Map(vec![
                ("major_version", Yaml::Int(1)),
                ("minor_version", Yaml::Int(1)),
            ]),
        ),
        (
            "display_information",
            Yaml::Map(vec![("name", Yaml::str(&name))]),
        ),
        ("features", Yaml::Map(features)),
        (
            "oauth_config",
            Yaml::Map(vec![(
                "scopes",
                Yaml::Map(vec![(
                    "bot",
                    Yaml::Seq(scopes.iter().map(|s| Yaml::str(s)).collect()),
                )]),
            )]),
        ),
        (
            "settings",
            Yaml::Map(vec![
                (
                    "event_subscriptions",
                    Yaml::Map(vec![
                        ("request_url", Yaml::Str(format!("{base}/slack/events"))),
                        (
                            "bot_events",
                            Yaml::Seq(bot_events.iter().map(|e| Yaml::str(e)).collect()),
                        ),
                    ]),
                ),
                ("interactivity", Yaml::Map(interactivity)),
                ("org_deploy_enabled", Yaml::Bool(false)),
                ("socket_mode_enabled", Yaml::Bool(false)),
                ("token_rotation_enabled", Yaml::Bool(false)),
            ]),
        ),
    ]);
    Ok(Manifest {
        yaml: manifest.render(),
        notes,
    })
}

/// The base URL without its trailing slashes, if Slack can call it.
fn base_url(raw: &str, notes: &mut Vec<String>) -> Result<String, ManifestError> {
    let fail = |reason: String| ManifestError::BaseUrl {
        url: raw.to_string(),
        reason,
    };
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| {
        fail(format!(
            "{e}; give an absolute https URL such as {EXAMPLE_BASE_URL}"
        ))
    })?;
    let host = url.host_str().unwrap_or_default();
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match url.scheme() {
        "https" => {}
        "http" if loopback => notes.push(format!(
            "warning: {raw} is not https: Slack sends requests only to https URLs it can reach, \
             so this manifest is for trying things out (give a tunnel's https URL to install it)"
        )),
        "http" => {
            return Err(fail(
                "Slack sends requests only to https URLs (http is accepted for localhost and \
                 127.0.0.1, to try things out)"
                    .to_string(),
            ))
        }
        other => {
            return Err(fail(format!(
                "its scheme is `{other}`; give an absolute https URL such as {EXAMPLE_BASE_URL}"
            )))
        }
    }
    if host.is_empty() {
        return Err(fail("it has no host".to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(fail(
            "it carries a user name or password, which Slack does not send".to_string(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(fail(
            "it has a query (`?…`) or fragment (`#…`); ackbot's routes go after its path"
                .to_string(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn app_name(raw: &str) -> Result<String, ManifestError> {
    let name = raw.trim();
    let fail = |reason: String| ManifestError::AppName {
        name: raw.to_string(),
        reason,
    };
    if name.is_empty() {
        return Err(fail("it is empty".to_string()));
    }
    if name.chars().count() > MAX_APP_NAME_CHARS {
        return Err(fail(format!(
            "Slack takes at most {MAX_APP_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(fail("it contains a control character".to_string()));
    }
    Ok(name.to_string())
}

/// `/name`, if Slack takes it as a slash command: at most 32 characters with the `/`, lowercase,
/// no white space, only `-`, `_` and `.` besides letters and digits.
fn slash_command(name: &str, notes: &mut Vec<String>) -> Result<String, ManifestError> {
    let fail = |reason: String| ManifestError::CommandName {
        name: name.to_string(),
        reason,
    };
    let length = name.chars().count();
    if length == 0 {
        return Err(fail("it is empty".to_string()));
    }
    if length + 1 > MAX_COMMAND_CHARS {
        return Err(fail(format!(
            "Slack takes at most {} characters after the `/`, and it has {length}",
            MAX_COMMAND_CHARS - 1
        )));
    }
    if name.chars().any(char::is_uppercase) {
        return Err(fail(format!(
            "Slack takes only lowercase names (register it as `{}`)",
            name.to_lowercase()
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(fail(format!(
            "it contains {c:?}; Slack takes letters, digits, `-`, `_` and `.`"
        )));
    }
    if SLACK_BUILT_IN_COMMANDS.contains(&name) {
        notes.push(format!(
            "Slack has a built-in /{name}, which comes first: users will not reach this command \
             on Slack (give it another name)"
        ));
    }
    Ok(format!("/{name}"))
}

/// `text` on one line, its runs of white space (line breaks included) made single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut to at most `max` characters (never inside one), ending in `…` when cut.
fn shorten(text: &str, max: usize, command: &str, notes: &mut Vec<String>) -> String {
    match text.char_indices().nth(max - 1) {
        Some((end, _)) if text[end..].chars().nth(1).is_some() => {
            notes.push(format!(
                "{command}: its text is longer than Slack's {max} characters, so it was shortened"
            ));
            format!("{}…", text[..end].trim_end())
        }
        _ => text.to_string(),
    }
}

/// A YAML node: just what a manifest needs, every string double-quoted.
enum Yaml {
    Str(String),
    Bool(bool),
    Int(u32),
    Seq(Vec<Yaml>),
    Map(Vec<(&'static str, Yaml)>),
}

impl Yaml {
    fn str(text: &str) -> Self {
        Yaml::Str(text.to_string())
    }

    /// The node as a block-style YAML document (a map at the top).
    fn render(&self) -> String {
        let mut out = String::new();
        match self {
            Yaml::Map(entries) if !entries.is_empty() => write_map(entries, 0, &mut out),
            other => {
                write_inline(other, &mut out);
                out.push('\n');
            }
        }
        out
    }
}

fn write_map(entries: &[(&'static str, Yaml)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str(key);
        out.push(':');
        match value {
            Yaml::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                write_map(inner, indent + 2, out);
            }
            Yaml::Seq(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(items, indent + 2, out);
            }
            scalar => {
                out.push(' ');
                write_inline(scalar, out);
                out.push('\n');
            }
        }
    }
}

fn write_seq(items: &[Yaml], indent: usize, out: &mut String) {
    for item in items {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str("- ");
        // A nested block starts on the dash's line: written as if indented past the dash, less
        // that first indentation.
        let mut block = String::new();
        match item {
            Yaml::Map(inner) if !inner.is_empty() => write_map(inner, indent + 2, &mut block),
            Yaml::Seq(inner) if !inner.is_empty() => write_seq(inner, indent + 2, &mut block),
            scalar => {
                write_inline(scalar, out);
                out.push('\n');
                continue;
            }
        }
        out.push_str(&block[indent + 2..]);
    }
}

fn write_inline(node: &Yaml, out: &mut String) {
    match node {
        Yaml::Str(text) => quote(text, out),
        Yaml::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Yaml::Int(value) => out.push_str(&value.to_string()),
        Yaml::Seq(_) => out.push_str("[]"),
        Yaml::Map(_) => out.push_str("{}"),
    }
}

/// `text` as a YAML double-quoted scalar. The escapes are JSON's, which YAML shares; besides
/// JSON's control characters, YAML wants escaped what it would read as a line break (NEL, LS, PS)
/// or cannot hold raw (DEL, C1 controls, the byte-order mark, U+FFFE/U+FFFF).
fn quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::{cmd, Bot, Reply};
    use serde_json::{json, Value};

    async fn ok() -> Reply {
        Reply::text("ok")
    }

    fn options(base_url: &str) -> SlackManifestOptions {
        SlackManifestOptions {
            base_url: base_url.to_string(),
            name: "ackbot".to_string(),
            scopes: Vec::new(),
        }
    }

    fn manifest(bot: Bot, options: &SlackManifestOptions) -> (Value, Vec<String>) {
        let dispatcher = bot.build().expect("the bot builds");
        let manifest = slack(&dispatcher, options).expect("a manifest");
        let value = serde_yaml_ng::from_str(&manifest.yaml)
            .unwrap_or_else(|e| panic!("not YAML ({e}):\n{}", manifest.yaml));
        (value, manifest.notes)
    }

    fn error(bot: Bot, options: &SlackManifestOptions) -> ManifestError {
        let dispatcher = bot.build().expect("the bot builds");
        slack(&dispatcher, options).expect_err("no manifest")
    }

    fn strings(value: &Value) -> Vec<&str> {
        value
            .as_array()
            .expect("a sequence")
            .iter()
            .map(|v| v.as_str().expect("a string"))
            .collect()
    }

    #[test]
    fn the_builtins_become_slash_commands_with_their_catalog_text() {
        let bot = Bot::new().mount(ackbot_handlers::builtins());
        let catalog = bot.catalog();
        let (m, notes) = manifest(bot, &options("https://example.com/prod/"));
        let commands = m["features"]["slash_commands"].as_array().unwrap();
        assert_eq!(commands.len(), catalog.len());
        for (command, info) in commands.iter().zip(&catalog) {
            assert_eq!(command["command"], format!("/{}", info.name));
            assert_eq!(command["url"], "https://example.com/prod/slack/commands");
            assert_eq!(command["description"], info.about.as_str());
            if info.usage.is_empty() {
                assert!(command.get("usage_hint").is_none(), "{command}");
            } else {
                assert_eq!(command["usage_hint"], info.usage.as_str());
            }
            assert_eq!(command["should_escape"], false);
        }
        // LINE's follow and join are the builtins' too: silently not Slack's.
        assert_eq!(
            strings(&m["settings"]["event_subscriptions"]["bot_events"]),
            ["app_mention", "message.im"]
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            strings(&m["oauth_config"]["scopes"]["bot"]),
            ["app_mentions:read", "chat:write", "commands", "im:history"]
        );
    }

    #[test]
    fn the_document_has_the_manifest_shape() {
        let (m, _) = manifest(Bot::new(), &options("https://example.com"));
        assert_eq!(
            m,
            json!({
                "_metadata": {"major_version": 1, "minor_version": 1},
                "display_information": {"name": "ackbot"},
                "features": {
                    "app_home": {
                        "home_tab_enabled": false,
                        "messages_tab_enabled": true,
                        "messages_tab_read_only_enabled": false
                    },
                    "bot_user": {"display_name": "ackbot", "always_online": true}
                },
                "oauth_config": {"scopes": {"bot": ["app_mentions:read", "chat:write", "im:history"]}},
                "settings": {
                    "event_subscriptions": {
                        "request_url": "https://example.com/slack/events",
                        "bot_events": ["app_mention", "message.im"]
                    },
                    "interactivity": {
                        "is_enabled": true,
                        "request_url": "https://example.com/slack/interactions"
                    },
                    "org_deploy_enabled": false,
                    "socket_mode_enabled": false,
                    "token_rotation_enabled": false
                }
            })
        );
    }

    #[test]
    fn events_subscribe_with_their_scopes_and_unknown_ones_are_noted() {
        let bot = Bot::new()
            .on("reaction_added", ok)
            .on("member_joined_channel", ok)
            .on("app_home_opened", ok)
            .on("team_join", ok)
            .on("follow", ok)
            .on("memberJoined", ok)
            .on("postback", ok)
            .on("reaction_add", ok);
        let (m, notes) = manifest(bot, &options("https://example.com"));
        assert_eq!(
            strings(&m["settings"]["event_subscriptions"]["bot_events"]),
            [
                "app_home_opened",
                "app_mention",
                "member_joined_channel",
                "message.im",
                "reaction_added",
                "team_join"
            ]
        );
        assert_eq!(
            strings(&m["oauth_config"]["scopes"]["bot"]),
            [
                "app_mentions:read",
                "channels:read",
                "chat:write",
                "groups:read",
                "im:history",
                "reactions:read",
                "users:read"
            ]
        );
        assert_eq!(m["features"]["app_home"]["home_tab_enabled"], true);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("`reaction_add`"), "{notes:?}");
    }

    #[test]
    fn a_message_handler_subscribes_to_channel_messages() {
        let (m, notes) = manifest(Bot::new().on("message", ok), &options("https://e.com"));
        assert_eq!(
            strings(&m["settings"]["event_subscriptions"]["bot_events"]),
            [
                "app_mention",
                "message.channels",
                "message.groups",
                "message.im",
                "message.mpim"
            ]
        );
        let scopes = strings(&m["oauth_config"]["scopes"]["bot"]);
        for scope in ["channels:history", "groups:history", "mpim:history"] {
            assert!(scopes.contains(&scope), "{scopes:?}");
        }
        assert!(notes[0].contains("message.channels"), "{notes:?}");
    }

    #[test]
    fn options_menus_get_the_options_url_and_shortcuts_the_commands_scope() {
        let base = "https://e.com";
        let (m, _) = manifest(Bot::new().action("approve", ok), &options(base));
        assert!(m["settings"]["interactivity"]
            .get("message_menu_options_url")
            .is_none());

        for bot in [
            Bot::new().options("pick_user", ok),
            Bot::new().on("block_suggestion", ok),
        ] {
            let (m, notes) = manifest(bot, &options(base));
            let interactivity = &m["settings"]["interactivity"];
            assert_eq!(
                interactivity["message_menu_options_url"],
                "https://e.com/slack/interactions"
            );
            assert_eq!(
                interactivity["request_url"],
                "https://e.com/slack/interactions"
            );
            assert!(notes.is_empty(), "{notes:?}");
        }

        let (m, notes) = manifest(Bot::new().shortcut("new_ticket", ok), &options(base));
        assert!(strings(&m["oauth_config"]["scopes"]["bot"]).contains(&"commands"));
        assert!(notes[0].contains("new_ticket"), "{notes:?}");
    }

    #[test]
    fn extra_scopes_are_merged_sorted_and_checked() {
        let mut opts = options("https://e.com");
        opts.scopes = vec![
            "users:read".into(),
            "reactions:write".into(),
            "chat:write".into(),
            " ".into(),
        ];
        let (m, _) = manifest(Bot::new().on("team_join", ok), &opts);
        assert_eq!(
            strings(&m["oauth_config"]["scopes"]["bot"]),
            [
                "app_mentions:read",
                "chat:write",
                "im:history",
                "reactions:write",
                "users:read"
            ]
        );

        opts.scopes = vec!["Reactions Write".into()];
        let e = error(Bot::new(), &opts);
        assert!(matches!(e, ManifestError::Scope { ref scope } if scope == "Reactions Write"));
    }

    #[test]
    fn descriptions_fall_back_and_are_shortened_on_character_boundaries() {
        let long = "説明".repeat(60);
        let bot = Bot::new()
            .command(cmd("quiet", ok))
            .command(cmd("long", ok).about(&long).usage("A\n  B"));
        let (m, notes) = manifest(bot, &options("https://e.com"));
        let commands = &m["features"]["slash_commands"];
        assert_eq!(commands[0]["description"], "Runs /quiet");
        let description = commands[1]["description"].as_str().unwrap();
        assert_eq!(description.chars().count(), MAX_DESCRIPTION_CHARS);
        assert!(description.ends_with("説…"), "{description}");
        assert_eq!(commands[1]["usage_hint"], "A B");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("/long:"), "{notes:?}");

        let exact = "x".repeat(MAX_DESCRIPTION_CHARS);
        let (m, notes) = manifest(
            Bot::new().command(cmd("exact", ok).about(&exact)),
            &options("https://e.com"),
        );
        assert_eq!(m["features"]["slash_commands"][0]["description"], exact);
        assert!(notes.is_empty());
    }

    #[test]
    fn names_slack_refuses_are_refused() {
        let too_long = "a".repeat(MAX_COMMAND_CHARS);
        for (name, expected) in [
            (too_long.as_str(), "at most 31 characters"),
            ("roll!", "'!'"),
            ("a/b", "'/'"),
        ] {
            let e = error(Bot::new().command(cmd(name, ok)), &options("https://e.com"));
            let message = e.to_string();
            assert!(
                matches!(e, ManifestError::CommandName { .. }) && message.contains(expected),
                "{name}: {message}"
            );
            assert!(message.contains(&format!("`{name}`")), "{message}");
        }
        // ackbot-core lowercases names as they are registered; a name from elsewhere is checked too.
        let e = slash_command("Deploy", &mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("register it as `deploy`"), "{e}");
        let (m, _) = manifest(
            Bot::new().command(cmd("/Deploy", ok)),
            &options("https://e.com"),
        );
        assert_eq!(m["features"]["slash_commands"][0]["command"], "/deploy");

        let longest = "a".repeat(MAX_COMMAND_CHARS - 1);
        for name in [longest.as_str(), "おみくじ", "dice-2_d6.v1"] {
            let (m, _) = manifest(Bot::new().command(cmd(name, ok)), &options("https://e.com"));
            assert_eq!(
                m["features"]["slash_commands"][0]["command"],
                format!("/{name}")
            );
        }
        let (_, notes) = manifest(
            Bot::new().command(cmd("remind", ok)),
            &options("https://e.com"),
        );
        assert!(notes[0].contains("built-in /remind"), "{notes:?}");
    }

    #[test]
    fn too_many_commands_are_refused() {
        let bot =
            (0..=MAX_COMMANDS).fold(Bot::new(), |bot, i| bot.command(cmd(&format!("c{i}"), ok)));
        let e = error(bot, &options("https://e.com"));
        assert!(
            matches!(e, ManifestError::TooManyCommands { count: 51 }),
            "{e}"
        );
    }

    #[test]
    fn base_urls_must_be_https_without_query() {
        for (url, expected) in [
            ("https://e.com/prod", "https://e.com/prod"),
            ("https://e.com/prod/", "https://e.com/prod"),
            ("https://E.com:8443", "https://e.com:8443"),
            (" https://e.com ", "https://e.com"),
        ] {
            let mut notes = Vec::new();
            assert_eq!(base_url(url, &mut notes).unwrap(), expected);
            assert!(notes.is_empty());
        }
        for url in [
            "http://localhost:3000",
            "http://127.0.0.1:3000/",
            "http://[::1]:3000",
        ] {
            let mut notes = Vec::new();
            assert!(base_url(url, &mut notes).is_ok(), "{url}");
            assert!(notes[0].starts_with("warning:"), "{notes:?}");
        }
        for (url, expected) in [
            ("http://e.com", "only to https"),
            ("ftp://e.com", "scheme is `ftp`"),
            ("e.com/prod", "relative URL"),
            ("", "relative URL"),
            ("https://u:p@e.com", "user name or password"),
            ("https://e.com/prod?stage=1", "query"),
            ("https://e.com/#top", "fragment"),
            ("file:///tmp", "scheme is `file`"),
        ] {
            let e = base_url(url, &mut Vec::new()).expect_err(url);
            let message = e.to_string();
            assert!(message.contains(expected), "{url}: {message}");
            assert!(message.contains(&format!("`{url}`")), "{message}");
        }
    }

    #[test]
    fn app_names_are_checked() {
        let mut opts = options("https://e.com");
        opts.name = "  Deploy Bot 🚀 ".to_string();
        let (m, _) = manifest(Bot::new(), &opts);
        assert_eq!(m["display_information"]["name"], "Deploy Bot 🚀");
        assert_eq!(m["features"]["bot_user"]["display_name"], "Deploy Bot 🚀");
        for name in ["", "   ", &"n".repeat(MAX_APP_NAME_CHARS + 1)] {
            opts.name = name.to_string();
            let e = error(Bot::new(), &opts);
            assert!(matches!(e, ManifestError::AppName { .. }), "{e}");
        }
    }

    #[test]
    fn quoted_strings_read_back_exactly() {
        let samples = [
            "plain",
            "key: value # not a comment",
            "\"quoted\" and 'single' \\ backslash",
            "- looks like a list",
            "yes",
            "null",
            "1e3",
            "日本語 🍙 émoji",
            "tab\tnew\nline\rcr",
            "\u{0}\u{1b}\u{7f}\u{85}\u{9f}\u{a0}",
            "line\u{2028}para\u{2029}bom\u{feff}non\u{fffe}\u{ffff}",
            "{ [ & * ! | > % @ `",
            "",
        ];
        for text in samples {
            let mut yaml = String::from("k: ");
            quote(text, &mut yaml);
            let back: Value =
                serde_yaml_ng::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            assert_eq!(back["k"], text, "{yaml}");
        }
    }

    #[test]
    fn nested_blocks_render_as_block_yaml() {
        let doc = Yaml::Map(vec![
            (
                "list",
                Yaml::Seq(vec![
                    Yaml::Map(vec![("a", Yaml::str("1")), ("b", Yaml::Bool(true))]),
                    Yaml::Seq(vec![Yaml::Int(2), Yaml::str("x")]),
                    Yaml::str("s"),
                    Yaml::Seq(vec![]),
                ]),
            ),
            ("empty", Yaml::Map(vec![])),
        ]);
        let yaml = doc.render();
        assert_eq!(
            yaml,
            "list:\n  - a: \"1\"\n    b: true\n  - - 2\n    - \"x\"\n  - \"s\"\n  - []\nempty: {}\n"
        );
        let back: Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(
            back,
            json!({"list": [{"a": "1", "b": true}, [2, "x"], "s", []], "empty": {}})
        );
    }
}
