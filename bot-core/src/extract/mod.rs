//! Extractors: the arguments a handler can ask for, each with its own rejection.

mod rejection;

pub use rejection::{ArgsRejection, Rejection, StateRejection, UnavailableRejection};

use std::any::{type_name, Any, TypeId};
use std::collections::HashMap;
use std::convert::Infallible;
use std::str::FromStr;
use std::sync::Arc;

use crate::{Command, CommandInfo, Conversation, Extensions, Platform, User};

pub(crate) type StateMap = HashMap<TypeId, Arc<dyn Any + Send + Sync>>;

/// Everything an extractor may look at: the command, the bot's state and its catalog of commands.
pub struct Request {
    /// The command being dispatched.
    pub command: Command,
    pub(crate) state: Arc<StateMap>,
    pub(crate) catalog: Arc<[CommandInfo]>,
    pub(crate) extensions: Extensions,
}

impl Request {
    /// A request for `command` with no state and no catalog, for testing extractors.
    pub fn new(command: Command) -> Self {
        Self {
            command,
            state: Arc::default(),
            catalog: Arc::from(Vec::new()),
            extensions: Extensions::new(),
        }
    }

    /// Adds the adapter's values for this command (API clients, typed payloads).
    pub fn with_extensions(mut self, extensions: Extensions) -> Self {
        self.extensions = extensions;
        self
    }

    /// The adapter's value of type `T` for this command, if it gave one.
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.extensions.get()
    }

    /// The bot's state of type `T`, if it has one.
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.state.get(&TypeId::of::<T>())?.downcast_ref()
    }
}

/// What a handler's extractors need from the bot, checked when the bot is built.
#[derive(Debug, Default)]
pub struct Requirements {
    pub(crate) states: Vec<(TypeId, &'static str)>,
}

impl Requirements {
    /// The handler needs state of type `T` (added with `Bot::state`).
    pub fn state<T: 'static>(&mut self) {
        self.states.push((TypeId::of::<T>(), type_name::<T>()));
    }
}

/// A type a handler can take as an argument, extracted from the request.
pub trait FromCommand: Sized {
    /// Why extraction can fail; `Infallible` when it cannot.
    type Rejection: Into<Rejection>;

    /// Extracts the value, or says why it cannot.
    fn from_command(request: &Request) -> Result<Self, Self::Rejection>;

    /// Records what the extractor needs from the bot, so that a bot lacking it fails to build.
    fn requirements(_requirements: &mut Requirements) {}
}

/// The argument text after the command name, exactly as typed (may be empty). In a `fallback`
/// handler it is the whole message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text(pub String);

impl FromCommand for Text {
    type Rejection = Infallible;

    fn from_command(request: &Request) -> Result<Self, Infallible> {
        Ok(Text(request.command.text.clone()))
    }
}

/// The extractor `T`, refused with [`ArgsRejection::Missing`] when the argument text is blank:
/// `NonEmpty(Text(text)): NonEmpty<Text>` is the text exactly as typed, never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonEmpty<T>(pub T);

impl FromCommand for NonEmpty<Text> {
    type Rejection = ArgsRejection;

    fn from_command(request: &Request) -> Result<Self, ArgsRejection> {
        if request.command.text.trim().is_empty() {
            return Err(ArgsRejection::Missing);
        }
        Ok(NonEmpty(Text(request.command.text.clone())))
    }
}

/// The argument text, trimmed and parsed with [`FromStr`]; a blank or unparsable text is answered
/// with the command's usage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args<T>(pub T);

impl<T> FromCommand for Args<T>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    type Rejection = ArgsRejection;

    fn from_command(request: &Request) -> Result<Self, ArgsRejection> {
        let input = request.command.text.trim();
        match input.parse::<T>() {
            Ok(value) => Ok(Args(value)),
            Err(_) if input.is_empty() => Err(ArgsRejection::Missing),
            Err(e) => Err(ArgsRejection::invalid(input, e)),
        }
    }
}

/// Shared state added with `Bot::state`, cloned out for the handler. A bot whose handlers ask for
/// state it lacks fails to build.
#[derive(Clone, Debug)]
pub struct State<T>(pub T);

impl<T: Clone + Send + Sync + 'static> FromCommand for State<T> {
    type Rejection = StateRejection;

    fn from_command(request: &Request) -> Result<Self, StateRejection> {
        request
            .state::<T>()
            .map(|value| State(value.clone()))
            .ok_or(StateRejection {
                type_name: type_name::<T>(),
            })
    }

    fn requirements(requirements: &mut Requirements) {
        requirements.state::<T>();
    }
}

/// The registered commands, for `help`.
#[derive(Clone, Debug)]
pub struct Help {
    /// Every command in registration order.
    pub commands: Arc<[CommandInfo]>,
    /// The platform the help is for.
    pub platform: Platform,
}

impl Help {
    /// One line a command: `• /echo TEXT — Reply with TEXT exactly`.
    pub fn lines(&self) -> Vec<String> {
        self.commands
            .iter()
            .map(|info| {
                let synopsis = info.synopsis(self.platform);
                if info.about.is_empty() {
                    format!("• {synopsis}")
                } else {
                    format!("• {synopsis} — {}", info.about)
                }
            })
            .collect()
    }

    /// The lines under the header `Commands:`. Use [`lines`](Help::lines) for a header of your own.
    pub fn render(&self) -> String {
        let mut text = String::from("Commands:");
        for line in self.lines() {
            text.push('\n');
            text.push_str(&line);
        }
        text
    }
}

impl FromCommand for Help {
    type Rejection = Infallible;

    fn from_command(request: &Request) -> Result<Self, Infallible> {
        Ok(Help {
            commands: request.catalog.clone(),
            platform: request.command.platform,
        })
    }
}

impl FromCommand for User {
    type Rejection = Infallible;

    fn from_command(request: &Request) -> Result<Self, Infallible> {
        Ok(request.command.user.clone())
    }
}

impl FromCommand for Conversation {
    type Rejection = Infallible;

    fn from_command(request: &Request) -> Result<Self, Infallible> {
        Ok(request.command.conversation.clone())
    }
}

impl FromCommand for Platform {
    type Rejection = Infallible;

    fn from_command(request: &Request) -> Result<Self, Infallible> {
        Ok(request.command.platform)
    }
}

impl FromCommand for Command {
    type Rejection = Infallible;

    fn from_command(request: &Request) -> Result<Self, Infallible> {
        Ok(request.command.clone())
    }
}

/// `None` instead of a rejection; requires nothing, so `Option<State<T>>` builds without `T`.
impl<T: FromCommand> FromCommand for Option<T> {
    type Rejection = Infallible;

    fn from_command(request: &Request) -> Result<Self, Infallible> {
        Ok(T::from_command(request).ok())
    }
}

/// The rejection itself, for a handler that answers it in its own words.
impl<T: FromCommand> FromCommand for Result<T, T::Rejection> {
    type Rejection = Infallible;

    fn from_command(request: &Request) -> Result<Self, Infallible> {
        Ok(T::from_command(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str) -> Request {
        Request::new(Command::new(Platform::Slack, "x", text))
    }

    #[test]
    fn non_empty_text_keeps_the_text_exactly() {
        let NonEmpty(Text(text)) = NonEmpty::<Text>::from_command(&request(" a+b ")).unwrap();
        assert_eq!(text, " a+b ");
        let rejected = NonEmpty::<Text>::from_command(&request(" \n ")).unwrap_err();
        assert_eq!(rejected, ArgsRejection::Missing);
    }

    #[test]
    fn args_say_whether_missing_or_invalid() {
        assert_eq!(Args::<u32>::from_command(&request(" 7 ")).unwrap(), Args(7));
        assert_eq!(
            Args::<u32>::from_command(&request("")).unwrap_err(),
            ArgsRejection::Missing
        );
        assert_eq!(
            Args::<u32>::from_command(&request("seven")).unwrap_err(),
            ArgsRejection::invalid("seven", "invalid digit found in string")
        );
    }

    #[test]
    fn state_is_required_unless_optional() {
        let mut needs = Requirements::default();
        State::<u32>::requirements(&mut needs);
        Option::<State<u32>>::requirements(&mut needs);
        assert_eq!(needs.states, [(TypeId::of::<u32>(), "u32")]);
        let missing = State::<u32>::from_command(&request("")).unwrap_err();
        assert_eq!(missing.type_name, "u32");
    }

    #[test]
    fn a_handler_can_take_the_rejection_itself() {
        let result = Result::<Args<u32>, ArgsRejection>::from_command(&request("x")).unwrap();
        assert!(matches!(result, Err(ArgsRejection::Invalid { .. })));
    }
}
