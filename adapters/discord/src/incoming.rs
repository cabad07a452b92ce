//! Where an interaction becomes what came in: a command, a click, a modal, an autocomplete.

use ackbot_core::{Conversation, ConversationKind, Incoming, InteractionKind, User};

use crate::DISCORD;
use crate::interaction::{
    APPLICATION_COMMAND, APPLICATION_COMMAND_AUTOCOMPLETE, CommandOption, Interaction,
    MESSAGE_COMPONENT, MODAL_SUBMIT,
};

/// What an interaction is, in platform-neutral words; `None` for one ackbot has no word for.
pub(crate) fn incoming(interaction: &Interaction) -> Option<Incoming> {
    let data = interaction.data.as_ref();
    let incoming = match interaction.kind {
        APPLICATION_COMMAND => {
            let data = data?;
            let name = data.name.as_deref()?;
            match data.command_type.unwrap_or(1) {
                1 => Incoming::command(DISCORD, name, command_text(&data.options)),
                // A user's or a message's context menu: a shortcut by the command's name.
                2 => {
                    Incoming::interaction(DISCORD, InteractionKind::Shortcut, name, "user_command")
                }
                _ => Incoming::interaction(
                    DISCORD,
                    InteractionKind::Shortcut,
                    name,
                    "message_command",
                ),
            }
        }
        MESSAGE_COMPONENT => {
            let id = data?.custom_id.as_deref()?;
            Incoming::interaction(DISCORD, InteractionKind::Action, id, "message_component")
        }
        APPLICATION_COMMAND_AUTOCOMPLETE => {
            let name = data?.name.as_deref()?;
            Incoming::interaction(DISCORD, InteractionKind::Options, name, "autocomplete")
        }
        MODAL_SUBMIT => {
            let id = data?.custom_id.as_deref()?;
            Incoming::interaction(DISCORD, InteractionKind::View, id, "modal_submit")
        }
        _ => return None,
    };
    Some(
        incoming
            .with_user(user(interaction))
            .with_conversation(conversation(interaction)),
    )
}

/// A slash command's text: its options' values in order, a sub-command by its name; ackbot's own
/// commands have one, `text`.
pub fn command_text(options: &[CommandOption]) -> String {
    let mut words = Vec::new();
    for option in options {
        match option.kind {
            // A sub-command or a group of them: its name, then its own options.
            1 | 2 => {
                words.push(option.name.clone());
                let inner = command_text(&option.options);
                if !inner.is_empty() {
                    words.push(inner);
                }
            }
            _ => words.extend(option.text().filter(|t| !t.is_empty())),
        }
    }
    words.join(" ")
}

fn user(interaction: &Interaction) -> User {
    let Some(sender) = interaction.sender() else {
        return User::new(DISCORD, "");
    };
    let user = User::new(DISCORD, sender.id.clone());
    match interaction.sender_name() {
        Some(name) => user.with_name(name),
        None => user,
    }
}

fn conversation(interaction: &Interaction) -> Conversation {
    let channel = interaction.channel.as_ref();
    let kind = match (interaction.guild_id.as_ref(), channel.and_then(|c| c.kind)) {
        (None, Some(3)) => ConversationKind::Group,
        (None, _) => ConversationKind::Direct,
        (Some(_), _) => ConversationKind::Group,
    };
    Conversation {
        id: interaction.channel_id().unwrap_or_default().to_string(),
        name: channel.and_then(|c| c.name.clone()),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(value: serde_json::Value) -> Interaction {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_slash_commands_text_is_its_options_values_in_order() {
        let i = parsed(
            json!({"id": "1", "application_id": "9", "type": 2, "token": "t",
            "channel_id": "C1", "guild_id": "G1",
            "member": {"user": {"id": "U1", "username": "ann", "global_name": "Ann"}, "nick": "annie"},
            "data": {"name": "echo", "type": 1, "options": [{"name": "text", "type": 3, "value": "hi there"}]}}),
        );
        let incoming = incoming(&i).unwrap();
        let command = incoming.as_command().unwrap();
        assert_eq!(
            (command.name.as_str(), command.text.as_str()),
            ("echo", "hi there")
        );
        assert_eq!(command.input, "/echo hi there");
        assert!(command.addressed);
        assert_eq!(incoming.user.id, "U1");
        assert_eq!(incoming.user.name.as_deref(), Some("annie"));
        assert_eq!(incoming.user.mention(), "<@U1>");
        assert_eq!(incoming.conversation.id, "C1");
        assert_eq!(incoming.conversation.kind, ConversationKind::Group);
    }

    #[test]
    fn sub_commands_are_words_and_numbers_are_written_out() {
        let options = vec![CommandOption {
            name: "roll".into(),
            kind: 1,
            value: None,
            options: vec![CommandOption {
                name: "dice".into(),
                kind: 4,
                value: Some(json!(2)),
                options: vec![],
                focused: false,
            }],
            focused: false,
        }];
        assert_eq!(command_text(&options), "roll 2");
    }

    #[test]
    fn a_dm_is_direct_and_clicks_modals_and_autocomplete_are_interactions() {
        let dm = parsed(
            json!({"id": "2", "application_id": "9", "type": 3, "token": "t",
            "channel_id": "D1", "user": {"id": "U2", "username": "bob"},
            "data": {"custom_id": "choose:sushi", "component_type": 2}}),
        );
        let click = incoming(&dm).unwrap();
        assert_eq!(click.conversation.kind, ConversationKind::Direct);
        assert_eq!(click.user.name.as_deref(), Some("bob"));
        let i = click.as_interaction().unwrap();
        assert_eq!(
            (i.kind, i.id.as_str()),
            (InteractionKind::Action, "choose:sushi")
        );
        let modal = parsed(
            json!({"id": "3", "application_id": "9", "type": 5, "token": "t",
            "data": {"custom_id": "feedback", "components": [{"type": 1, "components": [
                {"type": 4, "custom_id": "text", "value": "great"}]}]}}),
        );
        assert_eq!(modal.field("text"), Some("great"));
        assert_eq!(
            incoming(&modal).unwrap().as_interaction().unwrap().kind,
            InteractionKind::View
        );
        let auto = parsed(
            json!({"id": "4", "application_id": "9", "type": 4, "token": "t",
            "data": {"name": "city", "type": 1, "options": [{"name": "text", "type": 3, "value": "To", "focused": true}]}}),
        );
        assert_eq!(
            auto.focused().and_then(CommandOption::text).as_deref(),
            Some("To")
        );
        assert_eq!(
            incoming(&auto).unwrap().as_interaction().unwrap().kind,
            InteractionKind::Options
        );
    }

    #[test]
    fn a_modal_field_inside_a_label_is_found_too() {
        let modal = parsed(
            json!({"id": "3", "application_id": "9", "type": 5, "token": "t",
            "data": {"custom_id": "f", "components": [{"type": 18, "component":
                {"type": 4, "custom_id": "text", "value": "nested"}}]}}),
        );
        assert_eq!(modal.field("text"), Some("nested"));
        assert_eq!(modal.field("other"), None);
    }
}
