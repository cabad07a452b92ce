//! Extractors: the arguments a handler can ask for.

use std::any::{type_name, Any, TypeId};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use crate::{Command, Conversation, ExtractError, Platform, User};

/// One registered command as `help` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandInfo {
    /// The command name, e.g. `echo`.
    pub name: String,
    /// The one-line description.
    pub about: String,
    /// The arguments as typed after the name, e.g. `TEXT`.
    pub usage: String,
}

impl CommandInfo {
    /// How the command is typed on `platform`, with its arguments: `/echo TEXT` on Slack.
    pub fn synopsis(&self, platform: Platform) -> String {
        let invocation = platform.invocation(&self.name);
        if self.usage.is_empty() {
            invocation
        } else {
            format!("{invocation} {}", self.usage)
        }
    }
}

pub(crate) type StateMap = HashMap<TypeId, Arc<dyn Any + Send + Sync>>;

/// Everything an extractor may look at: the command, the bot's state and its catalog of commands.
pub struct Request {
    /// The command being dispatched.
    pub command: Command,
    pub(crate) state: Arc<StateMap>,
    pub(crate) catalog: Arc<[CommandInfo]>,
}

impl Request {
    /// A request for `command` with no state and no catalog, for testing extractors.
    pub fn for_command(command: Command) -> Self {
        Self {
            command,
            state: Arc::default(),
            catalog: Arc::from(Vec::new()),
        }
    }
}

/// A type a handler can take as an argument, extracted from the request.
pub trait FromCommand: Sized {
    /// Extracts the value, or says why it cannot.
    fn from_command(request: &Request) -> Result<Self, ExtractError>;
}

/// The argument text after the command name, exactly as typed (may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text(pub String);

impl FromCommand for Text {
    fn from_command(request: &Request) -> Result<Self, ExtractError> {
        Ok(Text(request.command.text.clone()))
    }
}

/// The argument text parsed with [`FromStr`]; a parse failure is answered with the command's usage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args<T>(pub T);

impl<T> FromCommand for Args<T>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    fn from_command(request: &Request) -> Result<Self, ExtractError> {
        let input = request.command.text.trim();
        match input.parse::<T>() {
            Ok(value) => Ok(Args(value)),
            Err(_) if input.is_empty() => Err(ExtractError::TooFewArguments),
            Err(e) => Err(ExtractError::IncorrectFormat {
                input: input.to_string(),
                reason: e.to_string(),
            }),
        }
    }
}

/// Shared state added with `Router::state`, cloned out for the handler.
#[derive(Clone, Debug)]
pub struct State<T>(pub T);

impl<T: Clone + Send + Sync + 'static> FromCommand for State<T> {
    fn from_command(request: &Request) -> Result<Self, ExtractError> {
        request
            .state
            .get(&TypeId::of::<T>())
            .and_then(|any| any.downcast_ref::<T>())
            .map(|value| State(value.clone()))
            .ok_or(ExtractError::MissingState {
                type_name: type_name::<T>(),
            })
    }
}

/// The registered commands, for `help`.
#[derive(Clone, Debug)]
pub struct Help {
    /// Every visible command in registration order.
    pub commands: Arc<[CommandInfo]>,
    /// The platform the help is for.
    pub platform: Platform,
}

impl Help {
    /// One line a command: `/echo TEXT — Echo TEXT back.`
    pub fn render(&self) -> String {
        let mut lines = vec!["Commands:".to_string()];
        for info in self.commands.iter() {
            let synopsis = info.synopsis(self.platform);
            if info.about.is_empty() {
                lines.push(format!("• {synopsis}"));
            } else {
                lines.push(format!("• {synopsis} — {}", info.about));
            }
        }
        lines.join("\n")
    }
}

impl FromCommand for Help {
    fn from_command(request: &Request) -> Result<Self, ExtractError> {
        Ok(Help {
            commands: request.catalog.clone(),
            platform: request.command.platform,
        })
    }
}

impl FromCommand for User {
    fn from_command(request: &Request) -> Result<Self, ExtractError> {
        Ok(request.command.user.clone())
    }
}

impl FromCommand for Conversation {
    fn from_command(request: &Request) -> Result<Self, ExtractError> {
        Ok(request.command.conversation.clone())
    }
}

impl FromCommand for Platform {
    fn from_command(request: &Request) -> Result<Self, ExtractError> {
        Ok(request.command.platform)
    }
}

impl FromCommand for Command {
    fn from_command(request: &Request) -> Result<Self, ExtractError> {
        Ok(request.command.clone())
    }
}

impl<T: FromCommand> FromCommand for Option<T> {
    fn from_command(request: &Request) -> Result<Self, ExtractError> {
        Ok(T::from_command(request).ok())
    }
}
