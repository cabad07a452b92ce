//! The bot's commands as Discord's application commands: the JSON array `ackbot manifest
//! discord` prints and `ackbot discord register` sends (`PUT /applications/{id}/commands`,
//! which replaces the global commands), and what a registration changed.

use std::collections::BTreeMap;

use ackbot_core::{CommandInfo, Dispatcher, InteractionKind};
use serde_json::{Value, json};

use crate::client::DiscordClient;
use crate::{DISCORD, DiscordAdapter, DiscordConfig, ReplyError};

/// A slash command's text as ackbot reads it: its options' values in order, a sub-command by its
/// name (the inspector's list shows a command with it).
pub use crate::incoming::command_text as text_of;

/// The name of the one string option that carries a command's text.
pub const TEXT_OPTION: &str = "text";
/// The most characters of a command's or option's description.
pub const MAX_DESCRIPTION_CHARS: usize = 100;

/// The application commands of `dispatcher`'s commands, in its order, and a note for each command
/// Discord cannot take (its name): the body of `PUT /applications/{id}/commands`.
pub fn manifest(dispatcher: &Dispatcher) -> (Value, Vec<String>) {
    let autocompleted: Vec<&str> = (dispatcher.interactions())
        .filter(|(kind, _)| *kind == InteractionKind::Options)
        .map(|(_, id)| id)
        .collect();
    let mut notes = Vec::new();
    let commands: Vec<Value> = (dispatcher.catalog().iter())
        .filter_map(|info| {
            if !valid_name(&info.name) {
                notes.push(format!(
                    "/{} is left out: a Discord command's name is 1-32 lower-case letters, \
                     digits, `-` or `_`",
                    info.name
                ));
                return None;
            }
            Some(command(info, autocompleted.contains(&info.name.as_str())))
        })
        .collect();
    (Value::Array(commands), notes)
}

/// One command: a slash command (`type` 1) whose text is one optional string option, described
/// by its usage; none when it has no usage.
fn command(info: &CommandInfo, autocomplete: bool) -> Value {
    let about = info.about_on(DISCORD);
    let description = match about.trim() {
        "" => format!("/{}", info.name),
        about => cut(about),
    };
    let mut command = json!({"name": info.name, "type": 1, "description": description});
    let usage = info.usage_on(DISCORD).trim();
    if !usage.is_empty() || autocomplete {
        let described = match usage {
            "" => "text".to_string(),
            usage => cut(usage),
        };
        command["options"] = json!([{"type": 3, "name": TEXT_OPTION, "description": described,
            "required": false, "autocomplete": autocomplete}]);
    }
    command
}

fn cut(text: &str) -> String {
    match text.chars().nth(MAX_DESCRIPTION_CHARS) {
        None => text.to_string(),
        Some(_) => {
            let kept: String = text.chars().take(MAX_DESCRIPTION_CHARS - 1).collect();
            format!("{kept}…")
        }
    }
}

/// Whether Discord takes `name` as a slash command's (ASCII subset of its pattern: lower case).
fn valid_name(name: &str) -> bool {
    let count = name.chars().count();
    (1..=32).contains(&count)
        && (name.chars()).all(|c| c.is_lowercase() || c.is_numeric() || c == '-' || c == '_')
}

/// What a registration changed, by command name.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Commands Discord did not have.
    pub added: Vec<String>,
    /// Commands whose description or options changed.
    pub changed: Vec<String>,
    /// Commands Discord had that the bot no longer does (removed by the overwrite).
    pub removed: Vec<String>,
    /// Commands that stayed as they were.
    pub unchanged: Vec<String>,
}

/// Replaces the commands of `config`'s application with `commands` (as [`manifest`] builds
/// them) — the global ones, which reach every server within an hour, or those of the server
/// `guild`, at once (for trying them out) — and says what changed. Needs the bot token; the
/// public key is not used.
pub async fn register(
    config: &DiscordConfig,
    guild: Option<&str>,
    commands: &Value,
) -> Result<Changes, ReplyError> {
    let client =
        DiscordClient::new(config).map_err(|e| ReplyError::InvalidRequest(e.to_string()))?;
    let before = client.commands(guild).await?;
    client.overwrite_commands(guild, commands).await?;
    Ok(changes(&before, commands))
}

impl DiscordAdapter {
    /// Who the bot token is (`GET /users/@me`): `doctor`'s online check.
    pub async fn bot_user(&self) -> Result<Value, ReplyError> {
        self.client().me().await
    }
}

/// What replacing `before` (Discord's list) with `after` changes.
pub fn changes(before: &Value, after: &Value) -> Changes {
    let by_name = |list: &Value| -> BTreeMap<String, Value> {
        (list.as_array().into_iter().flatten())
            .filter_map(|c| Some((c.get("name")?.as_str()?.to_string(), c.clone())))
            .collect()
    };
    let (before, after) = (by_name(before), by_name(after));
    let mut changes = Changes::default();
    for (name, command) in &after {
        match before.get(name) {
            None => changes.added.push(name.clone()),
            Some(old) if same(old, command) => changes.unchanged.push(name.clone()),
            Some(_) => changes.changed.push(name.clone()),
        }
    }
    changes.removed = before
        .keys()
        .filter(|n| !after.contains_key(*n))
        .cloned()
        .collect();
    changes
}

/// Whether Discord's `old` says what `new` says: its description and options (Discord adds ids,
/// versions and defaults of its own).
fn same(old: &Value, new: &Value) -> bool {
    let options = |c: &Value| -> Vec<(Value, Value, bool, bool)> {
        (c.get("options")
            .and_then(Value::as_array)
            .into_iter()
            .flatten())
        .map(|o| {
            let flag = |name| o.get(name).and_then(Value::as_bool).unwrap_or(false);
            (
                o["name"].clone(),
                o["description"].clone(),
                flag("required"),
                flag("autocomplete"),
            )
        })
        .collect()
    };
    old.get("description") == new.get("description") && options(old) == options(new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::{Bot, Options, cmd};

    async fn nothing() {}

    #[test]
    fn each_command_is_a_slash_command_with_its_usage_as_one_optional_text() {
        let bot = Bot::new()
            .command(
                cmd("echo", nothing)
                    .about("Reply with TEXT exactly")
                    .usage("TEXT"),
            )
            .command(cmd("ping", nothing))
            .command(cmd("city", nothing).about("Pick a city").usage("NAME"))
            .command(cmd("Ünïcode", nothing).about("é"))
            .options("city", || async { Options::new() })
            .build()
            .unwrap();
        let (commands, notes) = manifest(&bot);
        assert_eq!(
            commands[0],
            json!({"name": "echo", "type": 1, "description": "Reply with TEXT exactly",
                "options": [{"type": 3, "name": "text", "description": "TEXT",
                "required": false, "autocomplete": false}]})
        );
        assert_eq!(
            commands[1],
            json!({"name": "ping", "type": 1, "description": "/ping"})
        );
        assert_eq!(commands[2]["options"][0]["autocomplete"], true);
        assert_eq!(commands[3]["name"], "ünïcode");
        assert_eq!(commands.as_array().unwrap().len(), 4);
        assert!(notes.is_empty(), "{notes:?}");
        assert!(valid_name("a-b_9") && !valid_name("has.dot") && !valid_name(&"x".repeat(33)));
    }

    #[test]
    fn a_long_description_is_cut_to_a_hundred() {
        let info = cmd("x", nothing).about("a".repeat(150));
        let c = command(info.info(), false);
        assert_eq!(c["description"].as_str().unwrap().chars().count(), 100);
    }

    #[test]
    fn changes_compare_what_the_bot_says_not_discords_own_fields() {
        let before = json!([
            {"id": "1", "version": "9", "name": "echo", "type": 1, "description": "Echo",
             "options": [{"type": 3, "name": "text", "description": "TEXT"}]},
            {"id": "2", "name": "old", "type": 1, "description": "Old"},
            {"id": "3", "name": "ping", "type": 1, "description": "Ping"}]);
        let after = json!([
            {"name": "echo", "type": 1, "description": "Echo",
             "options": [{"type": 3, "name": "text", "description": "TEXT", "required": false,
             "autocomplete": false}]},
            {"name": "ping", "type": 1, "description": "Ping!"},
            {"name": "new", "type": 1, "description": "New"}]);
        let changes = changes(&before, &after);
        assert_eq!(changes.unchanged, ["echo"]);
        assert_eq!(changes.changed, ["ping"]);
        assert_eq!(changes.added, ["new"]);
        assert_eq!(changes.removed, ["old"]);
    }
}
