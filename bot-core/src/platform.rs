//! The chat platforms ackbot speaks to: each adapter defines its own as a value, so a new
//! platform needs nothing from this crate.

use std::fmt;

use serde::{Serialize, Serializer};

/// A chat platform, as its adapter describes it: its name and the few ways of it that
/// platform-neutral code needs (how a command is typed, how a user is mentioned). A pointer to
/// its [`PlatformSpec`], so it is as cheap to copy and compare as an enum.
///
/// Adapters define one constant each (`ackbot::slack::SLACK`, `ackbot::line::LINE`,
/// `ackbot::discord::DISCORD`), which handlers match on:
///
/// ```
/// use ackbot_core::{Platform, PlatformSpec};
///
/// const CHAT: Platform = Platform::new(&PlatformSpec::new("chat", "Chat").with_slash_commands());
///
/// fn greeting(platform: Platform) -> &'static str {
///     match platform {
///         CHAT => "hello, chat",
///         _ => "hello",
///     }
/// }
/// assert_eq!(greeting(CHAT), "hello, chat");
/// assert_eq!(CHAT.invocation("echo"), "/echo");
/// assert_eq!(CHAT.to_string(), "Chat");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Platform(&'static PlatformSpec);

/// What a [`Platform`] is, built in a constant.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PlatformSpec {
    id: &'static str,
    name: &'static str,
    slash_commands: bool,
    mentions_by_id: bool,
}

impl PlatformSpec {
    /// The platform `id` (lower case, as in routes and configuration: `slack`), shown to people
    /// as `name` (`Slack`). Its commands are typed bare, and a user is mentioned by name.
    pub const fn new(id: &'static str, name: &'static str) -> Self {
        Self {
            id,
            name,
            slash_commands: false,
            mentions_by_id: false,
        }
    }

    /// Its commands are typed with a leading `/` (Slack's and Discord's slash commands).
    pub const fn with_slash_commands(mut self) -> Self {
        self.slash_commands = true;
        self
    }

    /// A user is mentioned in text as `<@ID>` (Slack, Discord).
    pub const fn with_mentions_by_id(mut self) -> Self {
        self.mentions_by_id = true;
        self
    }
}

impl Platform {
    /// The platform `spec` describes.
    pub const fn new(spec: &'static PlatformSpec) -> Self {
        Self(spec)
    }

    /// How a user types a command on this platform, e.g. `/echo` on Slack and `echo` on LINE.
    pub fn invocation(self, command: &str) -> String {
        match self.0.slash_commands {
            true => format!("/{command}"),
            false => command.to_string(),
        }
    }

    /// Whether a user is mentioned in text as `<@ID>`.
    pub fn mentions_by_id(self) -> bool {
        self.0.mentions_by_id
    }

    /// The platform's id in lower case: `slack`, `line`, `discord`.
    pub fn as_str(self) -> &'static str {
        self.0.id
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

/// Serialised as its id, e.g. `"slack"`.
impl Serialize for Platform {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.id)
    }
}
