//! What a user asked for, in platform-neutral words.

use serde_json::Value;

use crate::Platform;

/// What a [`Command`] is: a command a user typed, a platform event, or an interaction with
/// something the bot showed (a button, a modal, a menu, a shortcut).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A command typed by a user: a Slack slash command, a mention, a LINE text message.
    Command,
    /// A platform event that handlers register for with `Bot::on`, e.g. LINE `follow`.
    Event,
    /// A block action (Slack `block_actions`): a button clicked, a menu item chosen. The name is
    /// the element's `action_id`.
    Action,
    /// A modal submitted or closed (Slack `view_submission`, `view_closed`). The name is the
    /// view's `callback_id`.
    View,
    /// A menu asking for its options as the user types (Slack `block_suggestion`). The name is the
    /// element's `action_id`.
    Options,
    /// A global or message shortcut (Slack `shortcut`, `message_action`). The name is its
    /// `callback_id`.
    Shortcut,
}

impl Kind {
    /// Whether the platform's acknowledgement of this kind carries the handler's answer (a modal's
    /// `response_action`, a menu's options), so the handler runs before the acknowledgement.
    pub fn answers_in_ack(self) -> bool {
        matches!(self, Kind::View | Kind::Options)
    }

    /// Whether this is an interaction (`Action`, `View`, `Options`, `Shortcut`).
    pub fn is_interaction(self) -> bool {
        !matches!(self, Kind::Command | Kind::Event)
    }
}

/// The user who sent a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The platform the user is on.
    pub platform: Platform,
    /// The platform's user id (`U2CERLKJA` on Slack, `U4af49…` on LINE). Empty when unknown.
    pub id: String,
    /// A display name, when the platform sends one.
    pub name: Option<String>,
}

impl User {
    /// A user of `platform` with the platform's user id.
    pub fn new(platform: Platform, id: impl Into<String>) -> Self {
        Self {
            platform,
            id: id.into(),
            name: None,
        }
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// How to mention the user in a reply: `<@U123>` on Slack, the name (or id) on LINE, whose
    /// text messages cannot mention.
    pub fn mention(&self) -> String {
        match self.platform {
            Platform::Slack if !self.id.is_empty() => format!("<@{}>", self.id),
            _ => self.name.clone().unwrap_or_else(|| self.id.clone()),
        }
    }
}

/// What kind of place a conversation is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConversationKind {
    /// A one-to-one chat with the bot.
    Direct,
    /// A group chat or channel.
    #[default]
    Group,
    /// A LINE multi-person chat ("room").
    Room,
}

/// Where a command was sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversation {
    /// The platform's id of the channel, group, room or user chat.
    pub id: String,
    /// A name, when the platform sends one (Slack `channel_name`).
    pub name: Option<String>,
    /// What kind of conversation it is.
    pub kind: ConversationKind,
}

/// A command (or event) ready for dispatch: the platform, the name, the argument text, who and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// The platform the command came from.
    pub platform: Platform,
    /// Whether this is a typed command or a platform event.
    pub kind: Kind,
    /// The command name, lower case, without a leading `/` (`echo`); for events the event type;
    /// for interactions the `action_id` or `callback_id`, exactly as sent.
    pub name: String,
    /// The argument text after the command name, exactly as the user typed it. For an
    /// interaction, the platform's payload type (`block_actions`, `view_closed`…).
    pub text: String,
    /// The whole text as the user typed it: a LINE message, a mention without the mention, a
    /// slash command with its name (`/echo hi`). A `fallback` handler reads this as its `Text`.
    pub input: String,
    /// Who sent it.
    pub user: User,
    /// Where it was sent.
    pub conversation: Conversation,
    /// The platform's payload the command was parsed from (the slash command's form fields, the
    /// LINE event object) for anything ackbot does not model.
    pub raw: Value,
}

impl Command {
    /// A command from `platform` with the given name and argument text, as a Slack slash command
    /// names them.
    pub fn new(platform: Platform, name: impl Into<String>, text: impl Into<String>) -> Self {
        let name = normalise_name(&name.into());
        let text = text.into();
        let input = match (name.is_empty(), text.is_empty()) {
            (true, _) => text.clone(),
            (false, true) => platform.invocation(&name),
            (false, false) => format!("{} {text}", platform.invocation(&name)),
        };
        Self {
            platform,
            kind: Kind::Command,
            name,
            text,
            input,
            user: User::new(platform, ""),
            conversation: Conversation::default(),
            raw: Value::Null,
        }
    }

    /// A command typed as free text (a LINE message, a Slack mention or direct message): the first
    /// word, without a leading `/`, is the name and the rest after the white space that follows it
    /// is the argument text.
    pub fn typed(platform: Platform, input: impl Into<String>) -> Self {
        let input = input.into();
        let trimmed = input.trim_start();
        let (head, rest) = match trimmed.find(char::is_whitespace) {
            Some(i) => (&trimmed[..i], &trimmed[i..]),
            None => (trimmed, ""),
        };
        let rest = rest
            .strip_prefix(|c: char| c.is_whitespace())
            .unwrap_or(rest);
        let (name, text) = (normalise_name(head), rest.to_string());
        Self {
            input,
            ..Self::new(platform, name, text)
        }
    }

    /// A platform event of type `event` (e.g. `follow`).
    pub fn event(platform: Platform, event: impl Into<String>) -> Self {
        Self {
            kind: Kind::Event,
            name: event.into(),
            ..Self::new(platform, "", "")
        }
    }

    /// An interaction of `kind` with the element or view `id` (`action_id`, `callback_id`),
    /// whose platform payload type (e.g. `block_actions`) is `payload_type`.
    pub fn interaction(
        platform: Platform,
        kind: Kind,
        id: impl Into<String>,
        payload_type: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            name: id.into(),
            text: payload_type.into(),
            ..Self::new(platform, "", "")
        }
    }

    /// Sets the user.
    pub fn with_user(mut self, user: User) -> Self {
        self.user = user;
        self
    }

    /// Sets the conversation.
    pub fn with_conversation(mut self, conversation: Conversation) -> Self {
        self.conversation = conversation;
        self
    }

    /// Sets the raw platform payload.
    pub fn with_raw(mut self, raw: Value) -> Self {
        self.raw = raw;
        self
    }

    /// How the command is typed on its platform: `/echo` on Slack, `echo` on LINE.
    /// For an interaction: its payload type and id, e.g. `view_submission feedback`.
    pub fn invocation(&self) -> String {
        if self.kind.is_interaction() {
            return format!("{} {}", self.text, self.name);
        }
        self.platform.invocation(&self.name)
    }
}

pub(crate) fn normalise_name(name: &str) -> String {
    name.trim().trim_start_matches('/').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> (String, String) {
        let command = Command::typed(Platform::Line, text);
        assert_eq!(command.input, text, "the input is kept as typed");
        (command.name, command.text)
    }

    #[test]
    fn typed_text_takes_the_first_word() {
        assert_eq!(
            split("/Echo  hi  there"),
            ("echo".into(), " hi  there".into())
        );
        assert_eq!(split("echo"), ("echo".into(), "".into()));
        assert_eq!(
            split("echo\nこんにちは"),
            ("echo".into(), "こんにちは".into())
        );
        assert_eq!(split(""), ("".into(), "".into()));
    }

    #[test]
    fn names_are_lower_case_without_slash() {
        let command = Command::new(Platform::Slack, "/Echo", "x");
        assert_eq!(command.name, "echo");
        assert_eq!(command.input, "/echo x");
        assert_eq!(Command::new(Platform::Line, "ping", "").input, "ping");
    }

    #[test]
    fn mention_differs_by_platform() {
        let on = |platform| User::new(platform, "U1").with_name("ann");
        assert_eq!(on(Platform::Slack).mention(), "<@U1>");
        assert_eq!(on(Platform::Line).mention(), "ann");
        assert_eq!(User::new(Platform::Line, "U2").mention(), "U2");
    }
}
