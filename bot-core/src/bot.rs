//! `Bot`: the registrations of a bot, or of a group of commands a crate exports for a bot to
//! [`mount`](Bot::mount). [`Bot::build`] checks them and freezes them for dispatch.

use std::any::{Any, TypeId};
use std::sync::Arc;

use crate::cmd::{CommandDef, CommandInfo, ErrorHook};
use crate::dispatch::{Dispatcher, Tables};
use crate::extract::StateMap;
use crate::handler::{BoxedHandler, Handler};
use crate::{BuildError, DispatchError, InteractionKind, Reply};

/// A bot's commands, event handlers, fallback, state and error hook.
///
/// ```
/// use ackbot_core::{cmd, Bot, NonEmpty, Reply, Text};
///
/// async fn echo(NonEmpty(Text(text)): NonEmpty<Text>) -> Reply {
///     Reply::text(text)
/// }
///
/// let bot = Bot::new().command(cmd("echo", echo).about("Reply with TEXT exactly").usage("TEXT"));
/// assert_eq!(bot.catalog()[0].name, "echo");
/// assert!(bot.build().is_ok());
/// ```
#[derive(Clone, Default)]
pub struct Bot {
    commands: Vec<CommandDef>,
    events: Vec<(String, BoxedHandler)>,
    interactions: Vec<((InteractionKind, String), BoxedHandler)>,
    fallback: Option<BoxedHandler>,
    fallback_scope: FallbackScope,
    state: StateMap,
    on_error: Option<ErrorHook>,
}

impl Bot {
    /// A bot with nothing registered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a command built with [`cmd`](crate::cmd). A later command of the same name
    /// replaces an earlier one.
    pub fn command(mut self, command: CommandDef) -> Self {
        self.commands.retain(|c| c.info.name != command.info.name);
        self.commands.push(command);
        self
    }

    /// Registers `handler` for the platform event `event` (e.g. LINE `follow`, `join`,
    /// `postback`, Slack `reaction_added`). A later handler of the same event replaces an earlier one.
    pub fn on<H: Handler<T>, T>(mut self, event: &str, handler: H) -> Self {
        self.events.retain(|(name, _)| name != event);
        self.events
            .push((event.to_string(), BoxedHandler::new(handler)));
        self
    }

    /// Registers `handler` for clicks on the block element whose `action_id` is `action_id`
    /// (Slack `block_actions`). Its replies go to the message's `response_url`.
    pub fn action<H: Handler<T>, T>(self, action_id: &str, handler: H) -> Self {
        self.interaction(InteractionKind::Action, action_id, handler)
    }

    /// Registers `handler` for the modal whose `callback_id` is `callback_id`: its submission
    /// (`view_submission`) and, when it was opened with `notify_on_close`, its closing
    /// (`view_closed`). The handler runs before the acknowledgement and may answer in it: Slack's
    /// `ViewResponse` closes the modal, shows errors per block, updates it or pushes a new one.
    pub fn view<H: Handler<T>, T>(self, callback_id: &str, handler: H) -> Self {
        self.interaction(InteractionKind::View, callback_id, handler)
    }

    /// Registers `handler` for a select menu with external options whose `action_id` is
    /// `action_id` (Slack `block_suggestion`): it answers the options in the acknowledgement.
    pub fn options<H: Handler<T>, T>(self, action_id: &str, handler: H) -> Self {
        self.interaction(InteractionKind::Options, action_id, handler)
    }

    /// Registers `handler` for the global or message shortcut whose `callback_id` is
    /// `callback_id` (Slack `shortcut`, `message_action`).
    pub fn shortcut<H: Handler<T>, T>(self, callback_id: &str, handler: H) -> Self {
        self.interaction(InteractionKind::Shortcut, callback_id, handler)
    }

    fn interaction<H: Handler<T>, T>(
        mut self,
        kind: InteractionKind,
        id: &str,
        handler: H,
    ) -> Self {
        let key = (kind, id.to_string());
        self.interactions.retain(|(k, _)| *k != key);
        self.interactions.push((key, BoxedHandler::new(handler)));
        self
    }

    /// Registers the handler for free text that names no command — a LINE chat, a Slack DM —
    /// e.g. a chat bot's answer. Its `Text` is the whole message. An unknown command the user
    /// addressed to the bot (a slash command, a mention, text starting with `/`) keeps the
    /// unknown-command answer; [`fallback_for_commands`](Self::fallback_for_commands) takes those
    /// too. A fallback whose extractors a request lacks (`Line` on Slack) does not apply to it.
    pub fn fallback<H: Handler<T>, T>(mut self, handler: H) -> Self {
        self.fallback = Some(BoxedHandler::new(handler));
        self.fallback_scope = FallbackScope::FreeText;
        self
    }

    /// [`fallback`](Self::fallback) for every command nobody registered: free text, and unknown
    /// slash commands and mentions too.
    pub fn fallback_for_commands<H: Handler<T>, T>(mut self, handler: H) -> Self {
        self.fallback = Some(BoxedHandler::new(handler));
        self.fallback_scope = FallbackScope::Commands;
        self
    }

    /// Adds shared state that handlers take with [`State<T>`](crate::State).
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(
            TypeId::of::<T>(),
            Arc::new(value) as Arc<dyn Any + Send + Sync>,
        );
        self
    }

    /// Answers dispatch errors: unknown commands, bad arguments, missing state, handler errors and
    /// panics. Return the reply to send, or `None` to send nothing; fall back to ackbot's English
    /// with [`DispatchError::default_reply`]. A command's own [`on_error`](CommandDef::on_error)
    /// comes first.
    pub fn on_error(
        mut self,
        hook: impl Fn(&DispatchError) -> Option<Reply> + Send + Sync + 'static,
    ) -> Self {
        self.on_error = Some(Arc::new(hook));
        self
    }

    /// Adds every command, event handler and state of `group`, and its fallback if it has one;
    /// they replace any of the same name. The group's `on_error` answers the errors of its own
    /// commands that have no hook of their own.
    pub fn mount(mut self, group: Bot) -> Self {
        for mut command in group.commands {
            if command.on_error.is_none() {
                command.on_error.clone_from(&group.on_error);
            }
            self = self.command(command);
        }
        for (event, handler) in group.events {
            self.events.retain(|(name, _)| *name != event);
            self.events.push((event, handler));
        }
        for (key, handler) in group.interactions {
            self.interactions.retain(|(k, _)| *k != key);
            self.interactions.push((key, handler));
        }
        if group.fallback.is_some() {
            self.fallback = group.fallback;
            self.fallback_scope = group.fallback_scope;
        }
        self.state.extend(group.state);
        self
    }

    /// Every registered command, in registration order.
    pub fn catalog(&self) -> Vec<CommandInfo> {
        self.commands.iter().map(|c| c.info.clone()).collect()
    }

    /// Checks the registrations and freezes them for dispatch: every name can be typed, and every
    /// `State<T>` a handler takes was added.
    pub fn build(self) -> Result<Dispatcher, BuildError> {
        for command in &self.commands {
            let name = &command.info.name;
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(BuildError::InvalidName { name: name.clone() });
            }
        }
        let handlers = self
            .commands
            .iter()
            .map(|c| (format!("the command `{}`", c.info.name), &c.handler))
            .chain(
                self.events
                    .iter()
                    .map(|(event, h)| (format!("the `{event}` event handler"), h)),
            )
            .chain(
                self.interactions
                    .iter()
                    .map(|((kind, id), h)| (format!("the {kind:?} handler of `{id}`"), h)),
            )
            .chain(
                self.fallback
                    .iter()
                    .map(|h| ("the fallback".to_string(), h)),
            );
        for (handler, boxed) in handlers {
            let missing = boxed
                .requirements
                .states
                .iter()
                .find(|(id, _)| !self.state.contains_key(id));
            if let Some((_, type_name)) = missing {
                return Err(BuildError::MissingState { handler, type_name });
            }
        }
        Ok(Dispatcher::new(Tables {
            catalog: self.catalog().into(),
            commands: self.commands,
            events: self.events,
            interactions: self.interactions,
            fallback: self.fallback,
            fallback_scope: self.fallback_scope,
            state: Arc::new(self.state),
            on_error: self.on_error,
        }))
    }
}

/// What a fallback answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum FallbackScope {
    /// Free text only (a LINE chat, a Slack DM).
    #[default]
    FreeText,
    /// Every command nobody registered.
    Commands,
}
