//! The bot's commands as Slack slash commands: their names checked against what Slack takes,
//! their descriptions and usage hints on one line and within Slack's limits.

use crate::SLACK;
use ackbot_core::CommandInfo;

use super::notes::Notes;
use super::{ManifestError, SlashCommand};

/// How many slash commands a Slack app may have.
pub(super) const MAX_COMMANDS: usize = 50;
/// A slash command's name, counting its `/`.
const MAX_COMMAND_CHARS: usize = 32;
const MAX_DESCRIPTION_CHARS: usize = 100;
const MAX_USAGE_HINT_CHARS: usize = 1000;

/// Slack's own slash commands: an app's command of the same name is never reached.
const SLACK_BUILT_IN_COMMANDS: &[&str] = &[
    "active", "away", "archive", "call", "collapse", "dm", "dnd", "expand", "feed", "invite",
    "join", "kick", "leave", "me", "msg", "mute", "open", "prefs", "remind", "remove", "rename",
    "search", "shrug", "status", "topic", "who",
];

/// The slash commands of `catalog`, each posted to `url`.
pub(super) fn slash_commands(
    catalog: &[CommandInfo],
    url: &str,
    notes: &mut Notes,
) -> Result<Vec<SlashCommand>, ManifestError> {
    if catalog.len() > MAX_COMMANDS {
        return Err(ManifestError::TooManyCommands {
            count: catalog.len(),
        });
    }
    catalog
        .iter()
        .map(|info| slash_command(info, url, notes))
        .collect()
}

fn slash_command(
    info: &CommandInfo,
    url: &str,
    notes: &mut Notes,
) -> Result<SlashCommand, ManifestError> {
    let command = command_name(&info.name, notes)?;
    let about = one_line(info.about_on(SLACK));
    let about = match about.is_empty() {
        true => format!("Runs {command}"),
        false => about,
    };
    let description = shorten(&about, MAX_DESCRIPTION_CHARS, &command, notes);
    let usage = one_line(info.usage_on(SLACK));
    let usage_hint =
        (!usage.is_empty()).then(|| shorten(&usage, MAX_USAGE_HINT_CHARS, &command, notes));
    Ok(SlashCommand {
        command,
        url: url.to_string(),
        description,
        usage_hint,
        should_escape: false,
    })
}

/// `/name`, if Slack takes it as a slash command: at most 32 characters with the `/`, lowercase,
/// no white space, only `-`, `_` and `.` besides letters and digits.
pub(super) fn command_name(name: &str, notes: &mut Notes) -> Result<String, ManifestError> {
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
        notes.built_in_command(name);
    }
    Ok(format!("/{name}"))
}

/// `text` on one line, its runs of white space (line breaks included) made single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut to at most `max` characters (never inside one), ending in `…` when cut.
fn shorten(text: &str, max: usize, command: &str, notes: &mut Notes) -> String {
    match text.char_indices().nth(max - 1) {
        Some((end, _)) if text[end..].chars().nth(1).is_some() => {
            notes.shortened(command, max);
            format!("{}…", text[..end].trim_end())
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::testing::LINE;

    fn info(name: &str, about: &str, usage: &str) -> CommandInfo {
        async fn nothing() {}
        let def = ackbot_core::cmd(name, nothing).about(about).usage(usage);
        def.info().clone()
    }

    fn command(info: &CommandInfo) -> (SlashCommand, Vec<String>) {
        let mut notes = Notes::default();
        let command = slash_command(info, "https://e.com/slack/commands", &mut notes).unwrap();
        (command, notes.into_lines())
    }

    #[test]
    fn a_command_keeps_its_catalog_text() {
        let (c, notes) = command(&info("roll", "Roll dice", "[N]d[SIDES]"));
        assert_eq!(
            c,
            SlashCommand {
                command: "/roll".into(),
                url: "https://e.com/slack/commands".into(),
                description: "Roll dice".into(),
                usage_hint: Some("[N]d[SIDES]".into()),
                should_escape: false,
            }
        );
        assert!(notes.is_empty(), "{notes:?}");
        let (c, _) = command(&info("ping", "Answer pong", ""));
        assert_eq!(c.usage_hint, None);
        // A LINE-only way of typing it stays out of Slack's manifest.
        let mut standup = info("standup", "Post your standup", "");
        standup.per_platform.push(ackbot_core::PlatformWords {
            platform: LINE,
            usage: "YESTERDAY | TODAY".into(),
            about: "Post your standup: what you did, what you will do".into(),
        });
        let (c, _) = command(&standup);
        assert_eq!(
            (c.usage_hint, c.description.as_str()),
            (None, "Post your standup")
        );
    }

    #[test]
    fn descriptions_fall_back_and_are_shortened_on_character_boundaries() {
        assert_eq!(command(&info("quiet", "", "")).0.description, "Runs /quiet");

        let (c, notes) = command(&info("long", &"説明".repeat(60), "A\n  B"));
        assert_eq!(c.description.chars().count(), MAX_DESCRIPTION_CHARS);
        assert!(c.description.ends_with("説…"), "{}", c.description);
        assert_eq!(c.usage_hint.as_deref(), Some("A B"));
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("/long:"), "{notes:?}");

        let exact = "x".repeat(MAX_DESCRIPTION_CHARS);
        let (c, notes) = command(&info("exact", &exact, ""));
        assert_eq!(c.description, exact);
        assert!(notes.is_empty(), "{notes:?}");

        let (c, notes) = command(&info("usage", "", &"u ".repeat(MAX_USAGE_HINT_CHARS)));
        let usage = c.usage_hint.unwrap();
        assert_eq!(usage.chars().count(), MAX_USAGE_HINT_CHARS);
        assert!(usage.ends_with("u…"), "{usage}");
        assert!(notes[0].contains("1000 characters"), "{notes:?}");
    }

    #[test]
    fn names_slack_refuses_are_refused() {
        let too_long = "a".repeat(MAX_COMMAND_CHARS);
        for (name, expected) in [
            (too_long.as_str(), "at most 31 characters"),
            ("roll!", "'!'"),
            ("a/b", "'/'"),
            ("", "empty"),
        ] {
            let e = command_name(name, &mut Notes::default()).unwrap_err();
            let message = e.to_string();
            assert!(
                matches!(e, ManifestError::CommandName { .. }) && message.contains(expected),
                "{name}: {message}"
            );
            assert!(message.contains(&format!("`{name}`")), "{message}");
        }
        // ackbot-core lowercases names as they are registered; a name from elsewhere is checked too.
        let e = command_name("Deploy", &mut Notes::default()).unwrap_err();
        assert!(e.to_string().contains("register it as `deploy`"), "{e}");

        let longest = "a".repeat(MAX_COMMAND_CHARS - 1);
        for name in [longest.as_str(), "おみくじ", "dice-2_d6.v1"] {
            let mut notes = Notes::default();
            assert_eq!(command_name(name, &mut notes).unwrap(), format!("/{name}"));
            assert!(notes.into_lines().is_empty());
        }
    }

    #[test]
    fn slack_built_in_names_are_kept_with_a_note() {
        let mut notes = Notes::default();
        assert_eq!(command_name("remind", &mut notes).unwrap(), "/remind");
        let notes = notes.into_lines();
        assert!(notes[0].contains("built-in /remind"), "{notes:?}");
    }

    #[test]
    fn too_many_commands_are_refused() {
        let catalog: Vec<_> = (0..=MAX_COMMANDS)
            .map(|i| info(&format!("c{i}"), "", ""))
            .collect();
        let e = slash_commands(&catalog, "https://e.com", &mut Notes::default()).unwrap_err();
        assert_eq!(e, ManifestError::TooManyCommands { count: 51 });
        let fifty = slash_commands(&catalog[1..], "https://e.com", &mut Notes::default());
        assert_eq!(fifty.unwrap().len(), MAX_COMMANDS);
    }
}
