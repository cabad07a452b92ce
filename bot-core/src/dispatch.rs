//! Dispatch: a [`Command`] to its handler, and every failure to a [`DispatchError`] that the
//! error hooks answer.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;

use crate::answer::{Answer, Output};
use crate::cmd::{CommandDef, CommandInfo, ErrorHook};
use crate::extract::{Rejection, Request, StateMap};
use crate::handler::{BoxedHandler, HandlerFailure};
use crate::{DispatchError, Extensions, Incoming, InteractionKind, Invocation, Kind, Reply};

/// A built [`Bot`](crate::Bot), cheap to clone and share between workers.
#[derive(Clone)]
pub struct Dispatcher {
    tables: Arc<Tables>,
}

pub(crate) struct Tables {
    pub(crate) catalog: Arc<[CommandInfo]>,
    pub(crate) commands: Vec<CommandDef>,
    pub(crate) events: Vec<(String, BoxedHandler)>,
    pub(crate) interactions: Vec<((InteractionKind, String), BoxedHandler)>,
    pub(crate) fallback: Option<BoxedHandler>,
    pub(crate) fallback_scope: crate::bot::FallbackScope,
    pub(crate) state: Arc<StateMap>,
    pub(crate) on_error: Option<ErrorHook>,
}

/// How a dispatch ended.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// A handler ran and returned its replies (the command's, an event's, or the fallback).
    Handled,
    /// An event or interaction no handler registered for; nothing is sent.
    NoHandler,
    /// It failed; the replies are the error hook's answer.
    Failed(Arc<DispatchError>),
}

/// The replies of one dispatch and how it ended.
#[derive(Clone, Debug)]
pub struct Dispatched {
    /// What to send back, possibly nothing.
    pub replies: Vec<Reply>,
    /// The acknowledgement's answer, when the handler gave one (modals, options).
    pub answer: Option<Answer>,
    /// How the dispatch ended.
    pub outcome: Outcome,
}

impl Dispatched {
    fn nothing() -> Self {
        Self {
            replies: Vec::new(),
            answer: None,
            outcome: Outcome::NoHandler,
        }
    }
}

impl Dispatcher {
    pub(crate) fn new(tables: Tables) -> Self {
        Self {
            tables: Arc::new(tables),
        }
    }

    /// Every registered command, in registration order.
    pub fn catalog(&self) -> &[CommandInfo] {
        &self.tables.catalog
    }

    /// The state of type `T` the bot was given with [`Bot::state`](crate::Bot::state): how a
    /// runtime finds the hooks a bot brings (Slack's own `authorize`).
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.tables
            .state
            .get(&std::any::TypeId::of::<T>())?
            .downcast_ref()
    }

    /// Whether `incoming` is a command marked slow.
    pub fn is_slow(&self, incoming: &Incoming) -> bool {
        (incoming.as_command()).is_some_and(|c| self.command(&c.name).is_some_and(|def| def.slow))
    }

    /// The event types handlers registered for with `Bot::on`, in registration order.
    pub fn events(&self) -> impl Iterator<Item = &str> {
        self.tables.events.iter().map(|(event, _)| event.as_str())
    }

    /// The interactions handlers registered for: their kind and `action_id` or `callback_id`.
    pub fn interactions(&self) -> impl Iterator<Item = (InteractionKind, &str)> {
        self.tables
            .interactions
            .iter()
            .map(|((kind, id), _)| (*kind, id.as_str()))
    }

    /// Runs the handler for `incoming` and returns its replies. Never fails: an unknown command, a
    /// rejected argument, a handler error or a panic is logged and answered by the error hooks.
    pub async fn dispatch(&self, incoming: Incoming) -> Dispatched {
        self.dispatch_with(incoming, Extensions::new()).await
    }

    /// Like [`dispatch`](Self::dispatch), with the adapter's values for it (its API client, typed
    /// payload) for the extractors.
    pub async fn dispatch_with(&self, incoming: Incoming, extensions: Extensions) -> Dispatched {
        let invocation = Invocation {
            platform: incoming.platform,
            name: incoming.name().to_string(),
        };
        let (handler, def, fallback) = match &incoming.kind {
            Kind::Event(event) => match self.event(&event.event_type) {
                Some(handler) => (handler, None, false),
                None => return Dispatched::nothing(),
            },
            // An interaction without a handler of its own goes to an `on` handler of its payload
            // type (e.g. `block_actions`), if there is one.
            Kind::Interaction(interaction) => {
                let find = |wanted: &str| {
                    (self.tables.interactions.iter())
                        .find(|((kind, id), _)| *kind == interaction.kind && id == wanted)
                        .map(|(_, handler)| handler)
                };
                // A choice's action id `ID:…` is answered by the handler of `ID`.
                let own = find(&interaction.id).or_else(|| {
                    let (id, _) = interaction.id.split_once(crate::choice::CHOICE_SEPARATOR)?;
                    find(id).filter(|_| interaction.kind == InteractionKind::Action)
                });
                match own.or_else(|| self.event(&interaction.payload_type)) {
                    Some(handler) => (handler, None, false),
                    None => return Dispatched::nothing(),
                }
            }
            Kind::Command(command) => match (self.command(&command.name), &self.tables.fallback) {
                (Some(def), _) => (&def.handler, Some(def), false),
                (None, Some(fallback))
                    if !command.addressed
                        || self.tables.fallback_scope == crate::bot::FallbackScope::Commands =>
                {
                    (fallback, None, true)
                }
                (None, _) => return self.unknown(&invocation),
            },
        };
        let deadline = extensions
            .get::<crate::Deadline>()
            .copied()
            .unwrap_or_default();
        let request = Request {
            incoming,
            fallback,
            state: self.tables.state.clone(),
            catalog: self.tables.catalog.clone(),
            extensions,
        };
        let result = match std::panic::catch_unwind(AssertUnwindSafe(|| handler.call(request))) {
            Ok(future) => {
                let running = AssertUnwindSafe(future).catch_unwind();
                match deadline.stop(running).await {
                    Some(done) => done,
                    None => return self.fail(def, DispatchError::TimedOut { invocation }),
                }
            }
            Err(panic) => Err(panic),
        };
        let error = match result {
            Ok(Ok(Output { replies, answer })) => {
                return Dispatched {
                    replies,
                    answer,
                    outcome: Outcome::Handled,
                };
            }
            Ok(Err(HandlerFailure::Rejected(Rejection::Args(rejection)))) => {
                let usage = def.map_or_else(
                    || invocation.to_string(),
                    |d| d.info.synopsis(invocation.platform),
                );
                DispatchError::BadArguments {
                    invocation,
                    usage,
                    rejection,
                }
            }
            Ok(Err(HandlerFailure::Rejected(Rejection::State(missing)))) => {
                DispatchError::MissingState {
                    invocation,
                    type_name: missing.type_name,
                }
            }
            // A fallback that takes what this request lacks (an assistant thread, a platform's
            // API) is not for it: the command stays unknown.
            Ok(Err(HandlerFailure::Rejected(Rejection::Unavailable(_)))) if fallback => {
                return self.unknown(&invocation);
            }
            Ok(Err(HandlerFailure::Rejected(Rejection::Unavailable(rejection)))) => {
                DispatchError::Unavailable {
                    invocation,
                    what: rejection.what,
                }
            }
            Ok(Err(HandlerFailure::Handler(error))) => DispatchError::Handler { invocation, error },
            Err(panic) => DispatchError::Panic {
                invocation,
                message: panic_message(panic.as_ref()),
            },
        };
        self.fail(def, error)
    }

    fn event(&self, name: &str) -> Option<&BoxedHandler> {
        let found = self.tables.events.iter().find(|(e, _)| e == name);
        found.map(|(_, handler)| handler)
    }

    fn command(&self, name: &str) -> Option<&CommandDef> {
        self.tables.commands.iter().find(|c| c.info.name == name)
    }

    /// The work a handler left for later (see [`Later`](crate::Later)) ran out of time: answered
    /// as a handler that did, after the replies it had already given.
    pub(crate) fn later_timed_out(&self, invocation: Invocation, before: Vec<Reply>) -> Dispatched {
        let def = self.command(&invocation.name);
        let mut failed = self.fail(def, DispatchError::TimedOut { invocation });
        failed.replies.splice(0..0, before);
        failed
    }

    /// A command nobody registered (nor a fallback took), pointing at `help` if the bot has it.
    fn unknown(&self, invocation: &Invocation) -> Dispatched {
        let help = (self.command("help")).map(|_| invocation.platform.invocation("help"));
        let invocation = invocation.clone();
        self.fail(None, DispatchError::UnknownCommand { invocation, help })
    }

    /// Logs the error and answers it with the command's hook, the bot's, or ackbot's default.
    fn fail(&self, def: Option<&CommandDef>, error: DispatchError) -> Dispatched {
        error.log();
        let hook = def
            .and_then(|d| d.on_error.as_ref())
            .or(self.tables.on_error.as_ref());
        let reply = match hook {
            None => Some(error.default_reply()),
            Some(hook) => std::panic::catch_unwind(AssertUnwindSafe(|| hook(&error)))
                .unwrap_or_else(|panic| {
                    let panic = panic_message(panic.as_ref());
                    tracing::error!(%panic, "the on_error hook panicked: answering with the default");
                    Some(error.default_reply())
                }),
        };
        Dispatched {
            replies: reply.into_iter().collect(),
            answer: None,
            outcome: Outcome::Failed(Arc::new(error)),
        }
    }
}

/// The message a caught panic carries (`panic!("…")`'s text), or says it has none.
pub fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".to_string())
}
