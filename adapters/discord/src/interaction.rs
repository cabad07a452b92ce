//! Discord's interaction object as it arrives (discord-api-docs `interactions/receiving-and-responding`),
//! typed where ackbot reads it; the JSON as received stays the handler's payload.

use serde::Deserialize;
use serde_json::Value;

/// `PING`: Discord checking the endpoint.
pub const PING: u8 = 1;
/// `APPLICATION_COMMAND`: a slash command (or a user or message command).
pub const APPLICATION_COMMAND: u8 = 2;
/// `MESSAGE_COMPONENT`: a button clicked, a select menu chosen.
pub const MESSAGE_COMPONENT: u8 = 3;
/// `APPLICATION_COMMAND_AUTOCOMPLETE`: an option being typed asks for choices.
pub const APPLICATION_COMMAND_AUTOCOMPLETE: u8 = 4;
/// `MODAL_SUBMIT`: a modal submitted.
pub const MODAL_SUBMIT: u8 = 5;

/// An interaction: what ackbot reads of it. An extractor in handlers (`Option<Interaction>`
/// outside Discord).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Interaction {
    /// Its id (a snowflake): the dedupe key.
    pub id: String,
    /// The application it is for.
    pub application_id: String,
    /// Its type: [`PING`], [`APPLICATION_COMMAND`], …
    #[serde(rename = "type")]
    pub kind: u8,
    /// What was invoked, clicked or submitted.
    #[serde(default)]
    pub data: Option<InteractionData>,
    /// The server, absent in a DM.
    #[serde(default)]
    pub guild_id: Option<String>,
    /// The channel it came from.
    #[serde(default)]
    pub channel_id: Option<String>,
    /// The channel, partly.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// The member who sent it, in a server.
    #[serde(default)]
    pub member: Option<Member>,
    /// The user who sent it, in a DM.
    #[serde(default)]
    pub user: Option<DiscordUser>,
    /// The continuation token: replies for 15 minutes, without the bot token.
    #[serde(default)]
    pub token: String,
    /// The message a component was on.
    #[serde(default)]
    pub message: Option<Value>,
    /// The user's language, e.g. `en-US`.
    #[serde(default)]
    pub locale: Option<String>,
}

/// An interaction's `data`: a command's name and options, a component's `custom_id` and values,
/// a modal's `custom_id` and fields.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct InteractionData {
    /// A command's name.
    #[serde(default)]
    pub name: Option<String>,
    /// A command's type: 1 a slash command, 2 a user command, 3 a message command.
    #[serde(default, rename = "type")]
    pub command_type: Option<u8>,
    /// A command's options as typed.
    #[serde(default)]
    pub options: Vec<CommandOption>,
    /// A component's or modal's `custom_id`.
    #[serde(default)]
    pub custom_id: Option<String>,
    /// A component's type: 2 a button, 3 a string select, …
    #[serde(default)]
    pub component_type: Option<u8>,
    /// A select menu's chosen values.
    #[serde(default)]
    pub values: Vec<String>,
    /// A modal's fields: action rows (or labels) holding text inputs.
    #[serde(default)]
    pub components: Vec<Value>,
}

/// One option of a command as the user typed it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct CommandOption {
    /// Its name.
    pub name: String,
    /// Its type: 1 a sub-command, 2 a group, 3 a string, 4 an integer…
    #[serde(rename = "type")]
    pub kind: u8,
    /// Its value, for a value option.
    #[serde(default)]
    pub value: Option<Value>,
    /// A sub-command's own options.
    #[serde(default)]
    pub options: Vec<CommandOption>,
    /// Whether the user is typing it (autocomplete).
    #[serde(default)]
    pub focused: bool,
}

/// A channel, as much of it as an interaction carries.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Channel {
    /// Its id.
    pub id: String,
    /// Its type: 1 a DM, 3 a group DM, 0 a server's text channel…
    #[serde(default, rename = "type")]
    pub kind: Option<u8>,
    /// Its name (not in DMs).
    #[serde(default)]
    pub name: Option<String>,
}

/// A member of a server.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Member {
    /// The user.
    pub user: DiscordUser,
    /// Their nickname on this server.
    #[serde(default)]
    pub nick: Option<String>,
}

/// A Discord user.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct DiscordUser {
    /// Their id.
    pub id: String,
    /// Their unique username.
    #[serde(default)]
    pub username: String,
    /// Their display name, if set.
    #[serde(default)]
    pub global_name: Option<String>,
}

impl Interaction {
    /// The user who sent it, a member's or a DM's.
    pub fn sender(&self) -> Option<&DiscordUser> {
        (self.member.as_ref().map(|m| &m.user)).or(self.user.as_ref())
    }

    /// The name shown for the sender: their nickname here, display name, or username.
    pub fn sender_name(&self) -> Option<String> {
        let nick = self.member.as_ref().and_then(|m| m.nick.clone());
        let user = self.sender()?;
        nick.or_else(|| user.global_name.clone())
            .or_else(|| Some(user.username.clone()).filter(|n| !n.is_empty()))
    }

    /// The channel it came from.
    pub fn channel_id(&self) -> Option<&str> {
        (self.channel_id.as_deref()).or(self.channel.as_ref().map(|c| c.id.as_str()))
    }

    /// The value of the option being typed, in an autocomplete.
    pub fn focused(&self) -> Option<&CommandOption> {
        fn find(options: &[CommandOption]) -> Option<&CommandOption> {
            options.iter().find_map(|o| match o.focused {
                true => Some(o),
                false => find(&o.options),
            })
        }
        find(&self.data.as_ref()?.options)
    }

    /// A modal's field `custom_id`: the text typed in it.
    pub fn field(&self, custom_id: &str) -> Option<&str> {
        fn find<'a>(components: &'a [Value], custom_id: &str) -> Option<&'a str> {
            components.iter().find_map(|c| {
                if c.get("custom_id").and_then(Value::as_str) == Some(custom_id) {
                    return c.get("value").and_then(Value::as_str);
                }
                // An action row's `components`, or a label's one `component`.
                let inner = c.get("components").and_then(Value::as_array);
                let one = c.get("component").map(std::slice::from_ref);
                inner
                    .map(Vec::as_slice)
                    .or(one)
                    .and_then(|i| find(i, custom_id))
            })
        }
        find(&self.data.as_ref()?.components, custom_id)
    }
}

impl CommandOption {
    /// The value as text: a string as it is, a number or a boolean written out.
    pub fn text(&self) -> Option<String> {
        match self.value.as_ref()? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }
}
