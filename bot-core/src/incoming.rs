//! What came in for the bot, in platform-neutral words: a command a user typed, a platform
//! event, or an interaction with something the bot showed — each its own type, carrying what it
//! is; and who sent it, from where.

use crate::{Payload, Platform};

/// What came in for the bot: what it is ([`Kind`]), who sent it, where, and the platform's own
/// payload. Dispatch reads it and changes nothing in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    /// The platform it came from.
    pub platform: Platform,
    /// What it is: a command, an event or an interaction.
    pub kind: Kind,
    /// Who sent it.
    pub user: User,
    /// Where it was sent.
    pub conversation: Conversation,
    /// The platform's own JSON of it, for anything ackbot does not model.
    pub payload: Payload,
}

/// What an [`Incoming`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A command a user typed: a Slack slash command, a mention, a LINE text message.
    Command(Command),
    /// A platform event, for handlers registered with `Bot::on` (LINE `follow`, Slack
    /// `app_home_opened`).
    Event(Event),
    /// An interaction with something the bot showed: a button, a modal, a menu, a shortcut.
    Interaction(Interaction),
}

/// A command a user typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The command name, lower case, without a leading `/` (`echo`); empty for a bare mention.
    pub name: String,
    /// The argument text after the name, exactly as typed.
    pub text: String,
    /// The whole text as the user typed it: a LINE message, a mention without the mention, a
    /// slash command with its name (`/echo hi`). A `fallback` handler's `Text` is this.
    pub input: String,
    /// Whether the user addressed the bot with a command: a Slack slash command, a mention, or
    /// text starting with `/`. Otherwise it is free text (a LINE chat, a Slack DM), which is
    /// what a `fallback` answers by default.
    pub addressed: bool,
}

/// A platform event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The platform's event type, e.g. `follow`, `app_home_opened`.
    pub event_type: String,
}

/// An interaction with something the bot showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interaction {
    /// What was interacted with.
    pub kind: InteractionKind,
    /// The element's `action_id`, or the view's or shortcut's `callback_id`, exactly as sent.
    pub id: String,
    /// The platform's payload type, e.g. `block_actions`, `view_submission`, `view_closed`.
    pub payload_type: String,
}

/// What an [`Interaction`] is with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InteractionKind {
    /// A block action (Slack `block_actions`): a button clicked, a menu item chosen. The id is the
    /// element's `action_id`.
    Action,
    /// A modal submitted or closed (Slack `view_submission`, `view_closed`). The id is the view's
    /// `callback_id`.
    View,
    /// A menu asking for its options as the user types (Slack `block_suggestion`). The id is the
    /// element's `action_id`.
    Options,
    /// A global or message shortcut (Slack `shortcut`, `message_action`). The id is its
    /// `callback_id`.
    Shortcut,
}

impl InteractionKind {
    /// Whether the platform's acknowledgement of this kind carries the handler's answer (a modal's
    /// `response_action`, a menu's options), so the handler runs before the acknowledgement.
    pub fn answers_in_ack(self) -> bool {
        matches!(self, InteractionKind::View | InteractionKind::Options)
    }
}

impl Incoming {
    /// `kind` from `platform`, from nobody in particular, with no payload.
    pub fn new(platform: Platform, kind: Kind) -> Self {
        Self {
            platform,
            kind,
            user: User::new(platform, ""),
            conversation: Conversation::default(),
            payload: Payload::none(),
        }
    }

    /// The command `name` with the argument text `text`, as a Slack slash command names them.
    pub fn command(platform: Platform, name: impl Into<String>, text: impl Into<String>) -> Self {
        let name = normalise_name(&name.into());
        let text = text.into();
        let input = match (name.is_empty(), text.is_empty()) {
            (true, _) => text.clone(),
            (false, true) => platform.invocation(&name),
            (false, false) => format!("{} {text}", platform.invocation(&name)),
        };
        let addressed = true;
        Self::new(
            platform,
            Kind::Command(Command {
                name,
                text,
                input,
                addressed,
            }),
        )
    }

    /// A command typed as free text (a LINE message, a Slack mention or direct message): the
    /// first word, without a leading `/`, is the name and the rest after the white space that
    /// follows it is the argument text.
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
        let addressed = head.starts_with('/');
        let name = normalise_name(head);
        let text = rest.to_string();
        Self::new(
            platform,
            Kind::Command(Command {
                name,
                text,
                input,
                addressed,
            }),
        )
    }

    /// A command typed after a mention of the bot: [`typed`](Self::typed), addressed to the bot
    /// whether or not it starts with `/`.
    pub fn mentioned(platform: Platform, input: impl Into<String>) -> Self {
        let mut incoming = Self::typed(platform, input);
        if let Kind::Command(command) = &mut incoming.kind {
            command.addressed = true;
        }
        incoming
    }

    /// A platform event of type `event_type` (e.g. `follow`).
    pub fn event(platform: Platform, event_type: impl Into<String>) -> Self {
        let event_type = event_type.into();
        Self::new(platform, Kind::Event(Event { event_type }))
    }

    /// An interaction of `kind` with the element or view `id` (`action_id`, `callback_id`),
    /// whose platform payload type (e.g. `block_actions`) is `payload_type`.
    pub fn interaction(
        platform: Platform,
        kind: InteractionKind,
        id: impl Into<String>,
        payload_type: impl Into<String>,
    ) -> Self {
        let (id, payload_type) = (id.into(), payload_type.into());
        let interaction = Interaction {
            kind,
            id,
            payload_type,
        };
        Self::new(platform, Kind::Interaction(interaction))
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

    /// Sets the platform's payload.
    pub fn with_payload(mut self, payload: Payload) -> Self {
        self.payload = payload;
        self
    }

    /// The command, if it is one.
    pub fn as_command(&self) -> Option<&Command> {
        match &self.kind {
            Kind::Command(command) => Some(command),
            _ => None,
        }
    }

    /// The event, if it is one.
    pub fn as_event(&self) -> Option<&Event> {
        match &self.kind {
            Kind::Event(event) => Some(event),
            _ => None,
        }
    }

    /// The interaction, if it is one.
    pub fn as_interaction(&self) -> Option<&Interaction> {
        match &self.kind {
            Kind::Interaction(interaction) => Some(interaction),
            _ => None,
        }
    }

    /// What it names, for logs and errors: the command name, the event type, or the
    /// interaction's id.
    pub fn name(&self) -> &str {
        match &self.kind {
            Kind::Command(command) => &command.name,
            Kind::Event(event) => &event.event_type,
            Kind::Interaction(interaction) => &interaction.id,
        }
    }

    /// How it reads in a log line: a command as typed on its platform (`/echo` on Slack, `echo`
    /// on LINE), an event by its type, an interaction by its payload type and id
    /// (`view_submission feedback`).
    pub fn invocation(&self) -> String {
        match &self.kind {
            Kind::Command(command) => self.platform.invocation(&command.name),
            Kind::Event(event) => event.event_type.clone(),
            Kind::Interaction(i) => format!("{} {}", i.payload_type, i.id),
        }
    }
}

/// The user who sent it.
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
            platform if platform.mentions_by_id() && !self.id.is_empty() => {
                format!("<@{}>", self.id)
            }
            _ => self.name.clone().unwrap_or_else(|| self.id.clone()),
        }
    }
}

/// What kind of place a conversation is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConversationKind {
    /// A one-to-one chat with the bot.
    Direct,
    /// A group chat or channel.
    #[default]
    Group,
    /// A LINE multi-person chat ("room").
    Room,
}

/// Where it was sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversation {
    /// The platform's id of the channel, group, room or user chat.
    pub id: String,
    /// A name, when the platform sends one (Slack `channel_name`).
    pub name: Option<String>,
    /// What kind of conversation it is.
    pub kind: ConversationKind,
}

pub(crate) fn normalise_name(name: &str) -> String {
    name.trim().trim_start_matches('/').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{LINE, SLACK};

    fn split(text: &str) -> (String, String) {
        let incoming = Incoming::typed(LINE, text);
        let command = incoming.as_command().unwrap();
        assert_eq!(command.input, text, "the input is kept as typed");
        (command.name.clone(), command.text.clone())
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
        let incoming = Incoming::command(SLACK, "/Echo", "x");
        let command = incoming.as_command().unwrap();
        assert_eq!(
            (command.name.as_str(), command.input.as_str()),
            ("echo", "/echo x")
        );
        let ping = Incoming::command(LINE, "ping", "");
        assert_eq!(ping.as_command().unwrap().input, "ping");
    }

    #[test]
    fn each_kind_says_what_it_is() {
        let event = Incoming::event(LINE, "follow");
        assert_eq!(
            (event.name(), event.invocation().as_str()),
            ("follow", "follow")
        );
        assert!(event.as_command().is_none());
        let view =
            Incoming::interaction(SLACK, InteractionKind::View, "feedback", "view_submission");
        assert_eq!(view.invocation(), "view_submission feedback");
        assert!(view.as_interaction().unwrap().kind.answers_in_ack());
        assert_eq!(Incoming::typed(SLACK, "echo hi").invocation(), "/echo");
    }

    #[test]
    fn mention_differs_by_platform() {
        let on = |platform| User::new(platform, "U1").with_name("ann");
        assert_eq!(on(SLACK).mention(), "<@U1>");
        assert_eq!(on(LINE).mention(), "ann");
        assert_eq!(User::new(LINE, "U2").mention(), "U2");
    }
}
