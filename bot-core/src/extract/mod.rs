//! Extractors: the arguments a handler can ask for, each with its own rejection.

mod rejection;

pub use rejection::{ArgsRejection, Rejection, StateRejection, UnavailableRejection};

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
use std::convert::Infallible;
use std::str::FromStr;
use std::sync::Arc;

use crate::{
    Command, CommandInfo, Conversation, Event, Extensions, Incoming, Interaction, Kind, Payload,
    Platform, User,
};

pub(crate) type StateMap = HashMap<TypeId, Arc<dyn Any + Send + Sync>>;

/// Everything an extractor may look at: what came in, how dispatch routed it, the bot's state
/// and its catalog of commands, and the adapter's values.
pub struct Request {
    /// What came in, as the adapter parsed it.
    pub incoming: Incoming,
    /// Whether it reached the `fallback` (a command nobody registered, or free text).
    pub(crate) fallback: bool,
    pub(crate) state: Arc<StateMap>,
    pub(crate) catalog: Arc<[CommandInfo]>,
    pub(crate) extensions: Extensions,
}

impl Request {
    /// A request for `incoming` with no state and no catalog, for testing extractors.
    pub fn new(incoming: Incoming) -> Self {
        Self {
            incoming,
            fallback: false,
            state: Arc::default(),
            catalog: Arc::from(Vec::new()),
            extensions: Extensions::new(),
        }
    }

    /// The same request, as the `fallback` handler receives it.
    pub fn for_fallback(mut self) -> Self {
        self.fallback = true;
        self
    }

    /// Whether it reached the `fallback` handler.
    pub fn is_fallback(&self) -> bool {
        self.fallback
    }

    /// The command, when what came in is one.
    pub fn command(&self) -> Option<&Command> {
        self.incoming.as_command()
    }

    /// The text a command's handler reads: the argument text, or in the `fallback` the whole
    /// input; `None` for an event or an interaction, which carry no typed text.
    pub fn text(&self) -> Option<&str> {
        let command = self.command()?;
        Some(match self.fallback {
            true => &command.input,
            false => &command.text,
        })
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

/// A type a handler can take as an argument, extracted from the request: implement it for a type
/// of your own (see `examples/tenant.rs`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a handler's argument: it does not implement `FromIncoming`",
    label = "not an extractor",
    note = "a handler's arguments are extractors: `Text`, `Args<T>`, `NonEmpty<T>`, `State<T>`, \
            `User`, `Conversation`, `Platform`, `Incoming`, `Command`, `Help`, `Stream`, an adapter's \
            (`Slack`, `Line`), or a type of your own that implements `FromIncoming`"
)]
pub trait FromIncoming: Sized {
    /// Why extraction can fail; `Infallible` when it cannot.
    type Rejection: Into<Rejection>;

    /// Extracts the value, or says why it cannot.
    fn from_incoming(request: &Request) -> Result<Self, Self::Rejection>;

    /// Records what the extractor needs from the bot, so that a bot lacking it fails to build.
    fn requirements(_requirements: &mut Requirements) {}
}

/// The argument text after the command name, exactly as typed (may be empty). In a `fallback`
/// handler it is the whole message. An event or an interaction has none: their handlers are
/// answered "not available" when they ask for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text(pub String);

impl FromIncoming for Text {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        let text = request.text().ok_or(UnavailableRejection {
            what: "typed text (this is an event or an interaction, not a command)",
        })?;
        Ok(Text(text.to_string()))
    }
}

/// An extractor whose value can be empty (blank text, nothing at all): what [`NonEmpty`] refuses.
/// Implement it for an extractor of your own to use it with `NonEmpty`.
pub trait MaybeEmpty {
    /// Whether there is nothing in it.
    fn is_empty(&self) -> bool;
}

impl MaybeEmpty for Text {
    fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl<T> MaybeEmpty for Option<T> {
    fn is_empty(&self) -> bool {
        self.is_none()
    }
}

/// The extractor `T`, refused with [`ArgsRejection::Missing`] when it is empty:
/// `NonEmpty(Text(text)): NonEmpty<Text>` is the text exactly as typed, never blank. Works for
/// every extractor that can be empty ([`MaybeEmpty`]: `Text`, `Option<T>`, yours).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonEmpty<T>(pub T);

impl<T> FromIncoming for NonEmpty<T>
where
    T: FromIncoming + MaybeEmpty,
    T::Rejection: Into<Rejection>,
{
    type Rejection = Rejection;

    fn from_incoming(request: &Request) -> Result<Self, Rejection> {
        let value = T::from_incoming(request).map_err(Into::into)?;
        match value.is_empty() {
            true => Err(Rejection::Args(ArgsRejection::Missing)),
            false => Ok(NonEmpty(value)),
        }
    }

    fn requirements(requirements: &mut Requirements) {
        T::requirements(requirements);
    }
}

/// The argument text, trimmed and parsed with [`FromStr`]; a blank or unparsable text is answered
/// with the command's usage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args<T>(pub T);

impl<T> FromIncoming for Args<T>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    type Rejection = Rejection;

    fn from_incoming(request: &Request) -> Result<Self, Rejection> {
        let Text(text) = Text::from_incoming(request)?;
        let input = text.trim();
        match input.parse::<T>() {
            Ok(value) => Ok(Args(value)),
            Err(_) if input.is_empty() => Err(ArgsRejection::Missing.into()),
            Err(e) => Err(ArgsRejection::invalid(input, e).into()),
        }
    }
}

/// Shared state added with `Bot::state`, cloned out for the handler. A bot whose handlers ask for
/// state it lacks fails to build.
#[derive(Clone, Debug)]
pub struct State<T>(pub T);

impl<T: Clone + Send + Sync + 'static> FromIncoming for State<T> {
    type Rejection = StateRejection;

    fn from_incoming(request: &Request) -> Result<Self, StateRejection> {
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
                match info.about_on(self.platform) {
                    "" => format!("• {synopsis}"),
                    about => format!("• {synopsis} — {about}"),
                }
            })
            .collect()
    }

    /// The lines under the header `Commands:`. Use [`render_under`](Help::render_under) for a
    /// header of your own.
    pub fn render(&self) -> String {
        self.render_under("Commands:")
    }

    /// The lines under `header` (e.g. `コマンド一覧:`), or alone when it is empty.
    pub fn render_under(&self, header: &str) -> String {
        let mut lines = self.lines();
        if !header.is_empty() {
            lines.insert(0, header.to_string());
        }
        lines.join("\n")
    }
}

impl FromIncoming for Help {
    type Rejection = Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Infallible> {
        Ok(Help {
            commands: request.catalog.clone(),
            platform: request.incoming.platform,
        })
    }
}

impl FromIncoming for User {
    type Rejection = Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Infallible> {
        Ok(request.incoming.user.clone())
    }
}

impl FromIncoming for Conversation {
    type Rejection = Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Infallible> {
        Ok(request.incoming.conversation.clone())
    }
}

impl FromIncoming for Platform {
    type Rejection = Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Infallible> {
        Ok(request.incoming.platform)
    }
}

impl FromIncoming for Incoming {
    type Rejection = Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Infallible> {
        Ok(request.incoming.clone())
    }
}

/// The platform's own JSON, to [`parse`](Payload::parse) into a type of your own.
impl FromIncoming for Payload {
    type Rejection = Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Infallible> {
        Ok(request.incoming.payload.clone())
    }
}

/// What a command's handler, or an event's, or an interaction's, is handed: the one it was
/// registered for; asked for by a handler of another kind, "not available".
macro_rules! kind_extractor {
    ($type:ident, $variant:ident, $what:literal) => {
        impl FromIncoming for $type {
            type Rejection = UnavailableRejection;

            fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
                match &request.incoming.kind {
                    Kind::$variant(value) => Ok(value.clone()),
                    _ => Err(UnavailableRejection { what: $what }),
                }
            }
        }
    };
}

kind_extractor!(Command, Command, "a typed command");
kind_extractor!(Event, Event, "a platform event");
kind_extractor!(Interaction, Interaction, "an interaction");

/// `None` instead of a rejection; requires nothing, so `Option<State<T>>` builds without `T`.
impl<T: FromIncoming> FromIncoming for Option<T> {
    type Rejection = Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Infallible> {
        Ok(T::from_incoming(request).ok())
    }
}

/// The rejection itself, for a handler that answers it in its own words.
impl<T: FromIncoming> FromIncoming for Result<T, T::Rejection> {
    type Rejection = Infallible;

    fn from_incoming(request: &Request) -> Result<Self, Infallible> {
        Ok(T::from_incoming(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{LINE, SLACK};

    fn request(text: &str) -> Request {
        Request::new(Incoming::command(SLACK, "x", text))
    }

    #[test]
    fn non_empty_text_keeps_the_text_exactly() {
        let NonEmpty(Text(text)) = NonEmpty::<Text>::from_incoming(&request(" a+b ")).unwrap();
        assert_eq!(text, " a+b ");
        let rejected = NonEmpty::<Text>::from_incoming(&request(" \n ")).unwrap_err();
        assert_eq!(rejected, Rejection::Args(ArgsRejection::Missing));
    }

    #[test]
    fn non_empty_works_for_every_extractor_that_can_be_empty() {
        let missing = NonEmpty::<Option<State<u32>>>::from_incoming(&request("x")).unwrap_err();
        assert_eq!(missing, Rejection::Args(ArgsRejection::Missing));
    }

    #[test]
    fn text_belongs_to_commands_and_the_fallback_reads_the_whole_input() {
        let typed = Request::new(Incoming::typed(LINE, "echo hi there"));
        assert_eq!(Text::from_incoming(&typed).unwrap().0, "hi there");
        let fallback = Request::new(Incoming::typed(LINE, "echo hi there")).for_fallback();
        assert_eq!(Text::from_incoming(&fallback).unwrap().0, "echo hi there");
        let event = Request::new(Incoming::event(LINE, "follow"));
        assert!(Text::from_incoming(&event).is_err());
        assert!(Command::from_incoming(&event).is_err());
        assert_eq!(Event::from_incoming(&event).unwrap().event_type, "follow");
    }

    #[test]
    fn args_say_whether_missing_or_invalid() {
        assert_eq!(
            Args::<u32>::from_incoming(&request(" 7 ")).unwrap(),
            Args(7)
        );
        assert_eq!(
            Args::<u32>::from_incoming(&request("")).unwrap_err(),
            Rejection::Args(ArgsRejection::Missing)
        );
        assert_eq!(
            Args::<u32>::from_incoming(&request("seven")).unwrap_err(),
            Rejection::Args(ArgsRejection::invalid(
                "seven",
                "invalid digit found in string"
            ))
        );
    }

    #[test]
    fn state_is_required_unless_optional() {
        let mut needs = Requirements::default();
        State::<u32>::requirements(&mut needs);
        Option::<State<u32>>::requirements(&mut needs);
        assert_eq!(needs.states, [(TypeId::of::<u32>(), "u32")]);
        let missing = State::<u32>::from_incoming(&request("")).unwrap_err();
        assert_eq!(missing.type_name, "u32");
    }

    #[test]
    fn a_handler_can_take_the_rejection_itself() {
        let result = Result::<Args<u32>, Rejection>::from_incoming(&request("x")).unwrap();
        assert!(matches!(
            result,
            Err(Rejection::Args(ArgsRejection::Invalid { .. }))
        ));
    }
}
