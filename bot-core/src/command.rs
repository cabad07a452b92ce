//! What a user asked for, in platform-neutral words.

use serde_json::Value;

use crate::Platform;

/// Whether a [`Command`] is a command a user typed or a platform event (follow, join, postback…).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A command typed by a user: a Slack slash command, a mention, a LINE text message.
    Command,
    /// A platform event that handlers register for with `Router::on`, e.g. LINE `follow`.
    Event,
}

/// The user who sent a command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct User {
    /// The platform's user id (`U2CERLKJA` on Slack, `U4af49…` on LINE). Empty when unknown.
    pub id: String,
    /// A display name, when the platform sends one.
    pub name: Option<String>,
}

impl User {
    /// How to mention the user in a reply: `<@U123>` on Slack, the name (or id) elsewhere.
    pub fn mention_on(&self, platform: Platform) -> String {
        match platform {
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
    /// The command name, lower case, without a leading `/` (`echo`); for events the event type.
    pub name: String,
    /// The argument text after the command name, exactly as the user typed it.
    pub text: String,
    /// Who sent it.
    pub user: User,
    /// Where it was sent.
    pub conversation: Conversation,
    /// The platform's payload the command was parsed from (the slash command's form fields, the
    /// LINE event object) for anything ackbot does not model.
    pub raw: Value,
}

impl Command {
    /// A typed command from `platform` with the given name and argument text.
    pub fn new(platform: Platform, name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            platform,
            kind: Kind::Command,
            name: normalise_name(&name.into()),
            text: text.into(),
            user: User::default(),
            conversation: Conversation::default(),
            raw: Value::Null,
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

    /// Splits typed text into a command and its arguments: the first word (without a leading `/`)
    /// and the rest after the white space that follows it.
    pub fn split_text(text: &str) -> (String, String) {
        let text = text.trim_start();
        let (head, rest) = match text.find(char::is_whitespace) {
            Some(i) => (&text[..i], &text[i..]),
            None => (text, ""),
        };
        let rest = rest
            .strip_prefix(|c: char| c.is_whitespace())
            .unwrap_or(rest);
        (normalise_name(head), rest.to_string())
    }
}

fn normalise_name(name: &str) -> String {
    name.trim().trim_start_matches('/').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_text_takes_the_first_word() {
        assert_eq!(
            Command::split_text("/Echo  hi  there"),
            ("echo".into(), " hi  there".into())
        );
        assert_eq!(Command::split_text("echo"), ("echo".into(), "".into()));
        assert_eq!(
            Command::split_text("echo\nこんにちは"),
            ("echo".into(), "こんにちは".into())
        );
        assert_eq!(Command::split_text(""), ("".into(), "".into()));
    }

    #[test]
    fn names_are_lower_case_without_slash() {
        assert_eq!(Command::new(Platform::Slack, "/Echo", "x").name, "echo");
    }

    #[test]
    fn mention_differs_by_platform() {
        let u = User {
            id: "U1".into(),
            name: Some("ann".into()),
        };
        assert_eq!(u.mention_on(Platform::Slack), "<@U1>");
        assert_eq!(u.mention_on(Platform::Line), "ann");
    }
}
