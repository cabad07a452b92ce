//! The router: registered commands and event handlers, `help`'s catalog, and dispatch with
//! every failure turned into a reply.

use std::any::{Any, TypeId};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;

use crate::extract::{CommandInfo, Request, StateMap};
use crate::handler::{boxed, BoxedHandler, Handler, HandlerFailure};
use crate::{Command, ExtractError, Kind, Reply};

struct Entry {
    info: CommandInfo,
    slow: bool,
    handler: BoxedHandler,
}

/// The commands and event handlers of a bot, or of a group of commands that a crate exports for an
/// app to [`mount`](Router::mount).
///
/// ```
/// use bot_core::{Router, Text, Reply};
///
/// async fn echo(Text(text): Text) -> Reply {
///     Reply::text(text)
/// }
///
/// let router = Router::new()
///     .command("echo", echo)
///     .about("Reply with TEXT exactly")
///     .usage("TEXT");
/// assert_eq!(router.catalog()[0].name, "echo");
/// ```
#[derive(Default)]
pub struct Router {
    commands: Vec<Entry>,
    events: Vec<(String, BoxedHandler)>,
    state: StateMap,
}

/// How a dispatch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The handler ran and returned its replies.
    Handled,
    /// No command of that name; the reply points to `help`.
    UnknownCommand,
    /// The arguments did not extract; the reply shows the usage.
    BadArguments(String),
    /// The handler returned an error (logged); the reply apologises.
    Failed(String),
    /// The handler panicked (logged); the reply apologises.
    Panicked(String),
    /// An event no handler registered for; nothing is sent.
    NoHandler,
}

/// The replies of one dispatch and how it ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispatched {
    /// What to send back, possibly nothing.
    pub replies: Vec<Reply>,
    /// How the dispatch ended.
    pub outcome: Outcome,
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` for the command `name` (case-insensitive, a leading `/` is ignored).
    /// A later registration of the same name replaces the earlier one.
    pub fn command<H: Handler<T>, T>(mut self, name: &str, handler: H) -> Self {
        let name = name.trim().trim_start_matches('/').to_lowercase();
        self.commands.retain(|e| e.info.name != name);
        self.commands.push(Entry {
            info: CommandInfo {
                name,
                about: String::new(),
                usage: String::new(),
            },
            slow: false,
            handler: boxed(handler),
        });
        self
    }

    /// Sets the one-line description of the command registered last, shown by `help`.
    pub fn about(mut self, about: &str) -> Self {
        self.last("about").info.about = about.to_string();
        self
    }

    /// Sets the arguments of the command registered last as `help` shows them, e.g. `TEXT`.
    pub fn usage(mut self, usage: &str) -> Self {
        self.last("usage").info.usage = usage.to_string();
        self
    }

    /// Marks the command registered last as slow, so platforms that can show progress (LINE's
    /// loading animation) do so before it runs.
    pub fn slow(mut self) -> Self {
        self.last("slow").slow = true;
        self
    }

    /// Registers `handler` for the platform event `event` (e.g. LINE `follow`, `join`, `postback`).
    pub fn on<H: Handler<T>, T>(mut self, event: &str, handler: H) -> Self {
        self.events.retain(|(name, _)| name != event);
        self.events.push((event.to_string(), boxed(handler)));
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

    /// Adds every command, event handler and state of `group`; its commands replace any of the
    /// same name.
    pub fn mount(mut self, group: Router) -> Self {
        for entry in group.commands {
            self.commands.retain(|e| e.info.name != entry.info.name);
            self.commands.push(entry);
        }
        for (event, handler) in group.events {
            self.events.retain(|(name, _)| *name != event);
            self.events.push((event, handler));
        }
        self.state.extend(group.state);
        self
    }

    /// Every registered command, in registration order.
    pub fn catalog(&self) -> Vec<CommandInfo> {
        self.commands.iter().map(|e| e.info.clone()).collect()
    }

    /// Freezes the router for dispatch.
    pub fn build(self) -> Dispatcher {
        let catalog: Arc<[CommandInfo]> = self.catalog().into();
        let Router {
            commands,
            events,
            state,
        } = self;
        Dispatcher {
            catalog,
            state: Arc::new(state),
            router: Arc::new(RouterTables { commands, events }),
        }
    }

    fn last(&mut self, what: &str) -> &mut Entry {
        self.commands.last_mut().unwrap_or_else(|| {
            panic!("Router::{what} applies to the command registered before it; register one first")
        })
    }
}

struct RouterTables {
    commands: Vec<Entry>,
    events: Vec<(String, BoxedHandler)>,
}

/// A frozen [`Router`], cheap to clone and share between workers.
#[derive(Clone)]
pub struct Dispatcher {
    catalog: Arc<[CommandInfo]>,
    state: Arc<StateMap>,
    router: Arc<RouterTables>,
}

impl Dispatcher {
    /// Every registered command, in registration order.
    pub fn catalog(&self) -> &[CommandInfo] {
        &self.catalog
    }

    /// Whether `command` names a command marked slow.
    pub fn is_slow(&self, command: &Command) -> bool {
        command.kind == Kind::Command
            && self
                .router
                .commands
                .iter()
                .any(|e| e.info.name == command.name && e.slow)
    }

    /// Runs the handler for `command` and returns its replies. Never fails: unknown commands, bad
    /// arguments, handler errors and panics each become a reply for the user and a log line.
    pub async fn dispatch(&self, command: Command) -> Dispatched {
        let invocation = command.platform.invocation(&command.name);
        let handler = match command.kind {
            Kind::Command => self
                .router
                .commands
                .iter()
                .find(|e| e.info.name == command.name)
                .map(|e| (e.handler.clone(), Some(e.info.clone()))),
            Kind::Event => self
                .router
                .events
                .iter()
                .find(|(name, _)| *name == command.name)
                .map(|(_, h)| (h.clone(), None)),
        };
        let Some((handler, info)) = handler else {
            return match command.kind {
                Kind::Event => Dispatched {
                    replies: Vec::new(),
                    outcome: Outcome::NoHandler,
                },
                Kind::Command => Dispatched {
                    replies: vec![self.unknown_reply(&command)],
                    outcome: Outcome::UnknownCommand,
                },
            };
        };
        let platform = command.platform;
        let request = Request {
            command,
            state: self.state.clone(),
            catalog: self.catalog.clone(),
        };
        let result = match std::panic::catch_unwind(AssertUnwindSafe(|| handler(request))) {
            Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
            Err(panic) => Err(panic),
        };
        match result {
            Ok(Ok(replies)) => Dispatched {
                replies,
                outcome: Outcome::Handled,
            },
            Ok(Err(HandlerFailure::Extract(e @ ExtractError::MissingState { .. }))) => {
                tracing::error!(command = %invocation, error = %e, "handler cannot run");
                Dispatched {
                    replies: vec![Reply::text(format!(
                        "Sorry, {invocation} is not set up correctly. The error has been logged."
                    ))],
                    outcome: Outcome::Failed(e.to_string()),
                }
            }
            Ok(Err(HandlerFailure::Extract(e))) => {
                tracing::info!(command = %invocation, error = %e, "bad arguments");
                let usage = info
                    .map(|i| i.synopsis(platform))
                    .unwrap_or_else(|| invocation.clone());
                Dispatched {
                    replies: vec![Reply::text(format!(
                        "Couldn't read the arguments of {invocation}: {e}.\nUsage: {usage}"
                    ))],
                    outcome: Outcome::BadArguments(e.to_string()),
                }
            }
            Ok(Err(HandlerFailure::Handler(e))) => {
                tracing::warn!(command = %invocation, error = %e, "handler failed");
                let text = match e.user_message() {
                    Some(message) => format!("Sorry, {invocation} failed: {message}"),
                    None => format!("Sorry, {invocation} failed. The error has been logged."),
                };
                Dispatched {
                    replies: vec![Reply::text(text)],
                    outcome: Outcome::Failed(e.to_string()),
                }
            }
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                tracing::error!(command = %invocation, panic = %message, "handler panicked");
                Dispatched {
                    replies: vec![Reply::text(format!(
                        "Sorry, {invocation} failed unexpectedly. The error has been logged."
                    ))],
                    outcome: Outcome::Panicked(message),
                }
            }
        }
    }

    fn unknown_reply(&self, command: &Command) -> Reply {
        let platform = command.platform;
        let asked = if command.name.is_empty() {
            "that".to_string()
        } else {
            format!("“{}”", platform.invocation(&command.name))
        };
        if self.catalog.iter().any(|c| c.name == "help") {
            Reply::text(format!(
                "I don't know {asked}. Try {} to see what I can do.",
                platform.invocation("help")
            ))
        } else {
            Reply::text(format!("I don't know {asked}."))
        }
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Args, Help, Platform, State, Text, User};

    async fn echo(Text(text): Text) -> Reply {
        Reply::text(text)
    }

    async fn add(Args(n): Args<u32>, State(base): State<u32>) -> String {
        format!("{}", base + n)
    }

    async fn fail() -> Result<Reply, HandlerError> {
        Err(std::io::Error::other("disk on fire").into())
    }

    async fn refuse() -> Result<Reply, HandlerError> {
        Err(HandlerError::user("you may not do that"))
    }

    async fn boom(_: User) -> Reply {
        panic!("kaboom")
    }

    async fn help(help: Help) -> String {
        help.render()
    }

    async fn greet(user: User) -> String {
        format!("welcome {}", user.id)
    }

    use crate::HandlerError;

    fn router() -> Dispatcher {
        Router::new()
            .command("echo", echo)
            .about("Reply with TEXT exactly")
            .usage("TEXT")
            .command("/Add", add)
            .about("Add N to the base")
            .usage("N")
            .command("fail", fail)
            .command("refuse", refuse)
            .command("boom", boom)
            .command("help", help)
            .about("List the commands")
            .on("follow", greet)
            .state(40u32)
            .build()
    }

    fn slack(name: &str, text: &str) -> Command {
        Command::new(Platform::Slack, name, text)
    }

    #[tokio::test]
    async fn echo_replies_text_exactly() {
        let d = router()
            .dispatch(slack("echo", " こんにちは 👋 a+b%20 "))
            .await;
        assert_eq!(d.outcome, Outcome::Handled);
        assert_eq!(d.replies, vec![Reply::text(" こんにちは 👋 a+b%20 ")]);
    }

    #[tokio::test]
    async fn typed_arguments_and_state() {
        let d = router().dispatch(slack("add", "2")).await;
        assert_eq!(d.replies[0].text, "42");
    }

    #[tokio::test]
    async fn typed_argument_error_shows_usage() {
        let d = router().dispatch(slack("add", "two")).await;
        assert!(matches!(d.outcome, Outcome::BadArguments(_)));
        assert_eq!(
            d.replies[0].text,
            "Couldn't read the arguments of /add: `two` is not valid: invalid digit found in string.\nUsage: /add N"
        );
    }

    #[tokio::test]
    async fn missing_argument_says_so() {
        let d = router().dispatch(slack("add", "  ")).await;
        assert_eq!(
            d.outcome,
            Outcome::BadArguments("this command needs arguments".into())
        );
    }

    #[tokio::test]
    async fn missing_state_is_a_setup_error() {
        let d = Router::new()
            .command("add", add)
            .build()
            .dispatch(slack("add", "1"))
            .await;
        assert!(matches!(d.outcome, Outcome::Failed(ref e) if e.contains("u32")));
        assert!(d.replies[0].text.contains("not set up correctly"));
    }

    #[tokio::test]
    async fn unknown_command_points_to_help() {
        let d = router().dispatch(slack("nope", "")).await;
        assert_eq!(d.outcome, Outcome::UnknownCommand);
        assert_eq!(
            d.replies[0].text,
            "I don't know “/nope”. Try /help to see what I can do."
        );
        let line = router()
            .dispatch(Command::new(Platform::Line, "nope", ""))
            .await;
        assert_eq!(
            line.replies[0].text,
            "I don't know “nope”. Try help to see what I can do."
        );
    }

    #[tokio::test]
    async fn help_lists_registrations() {
        let d = router().dispatch(slack("help", "")).await;
        let text = &d.replies[0].text;
        assert!(
            text.contains("• /echo TEXT — Reply with TEXT exactly"),
            "{text}"
        );
        assert!(text.contains("• /add N — Add N to the base"), "{text}");
        assert!(text.contains("• /fail\n"), "{text}");
        let line = router()
            .dispatch(Command::new(Platform::Line, "help", ""))
            .await;
        assert!(line.replies[0]
            .text
            .contains("• echo TEXT — Reply with TEXT exactly"));
    }

    #[tokio::test]
    async fn handler_error_is_answered_without_details() {
        let d = router().dispatch(slack("fail", "")).await;
        assert_eq!(d.outcome, Outcome::Failed("disk on fire".into()));
        assert_eq!(
            d.replies[0].text,
            "Sorry, /fail failed. The error has been logged."
        );
        let d = router().dispatch(slack("refuse", "")).await;
        assert_eq!(
            d.replies[0].text,
            "Sorry, /refuse failed: you may not do that"
        );
    }

    #[tokio::test]
    async fn panic_is_caught_and_answered() {
        let r = router();
        let d = r.dispatch(slack("boom", "")).await;
        assert_eq!(d.outcome, Outcome::Panicked("kaboom".into()));
        assert!(d.replies[0].text.contains("failed unexpectedly"));
        // The dispatcher keeps working after a panic.
        assert_eq!(
            r.dispatch(slack("echo", "still here")).await.replies[0].text,
            "still here"
        );
    }

    #[tokio::test]
    async fn events_reach_their_handlers_only() {
        let r = router();
        let follow = Command::event(Platform::Line, "follow").with_user(User {
            id: "U9".into(),
            name: None,
        });
        assert_eq!(r.dispatch(follow).await.replies[0].text, "welcome U9");
        let d = r.dispatch(Command::event(Platform::Line, "unfollow")).await;
        assert_eq!(
            d,
            Dispatched {
                replies: vec![],
                outcome: Outcome::NoHandler
            }
        );
    }

    #[tokio::test]
    async fn mount_merges_groups_and_later_wins() {
        async fn other() -> &'static str {
            "mounted"
        }
        let group = Router::new().command("echo", other).about("mounted echo");
        let r = Router::new().command("echo", echo).mount(group).build();
        assert_eq!(r.catalog().len(), 1);
        assert_eq!(
            r.dispatch(slack("echo", "x")).await.replies[0].text,
            "mounted"
        );
    }

    #[test]
    fn slow_commands_are_known() {
        async fn wait() {}
        let r = Router::new().command("wait", wait).slow().build();
        assert!(r.is_slow(&slack("wait", "1")));
        assert!(!r.is_slow(&slack("echo", "1")));
    }
}
