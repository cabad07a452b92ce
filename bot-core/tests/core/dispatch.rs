//! Registration and dispatch: commands as values, help from the registrations, every failure
//! answered through the error hooks, the fallback, and the checks made when a bot is built.

use ackbot_core::testing::{LINE, SLACK};
use std::sync::Arc;

use ackbot_core::{
    Args, ArgsRejection, Bot, BuildError, DispatchError, Dispatched, Dispatcher, HandlerError,
    Help, Incoming, NonEmpty, Outcome, Rejection, Reply, State, Text, User, cmd,
};

async fn echo(NonEmpty(Text(text)): NonEmpty<Text>) -> Reply {
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
    format!("welcome {}", user.mention())
}

fn bot() -> Bot {
    Bot::new()
        .command(
            cmd("echo", echo)
                .about("Reply with TEXT exactly")
                .usage("TEXT"),
        )
        .command(cmd("/Add", add).about("Add N to the base").usage("N"))
        .command(cmd("fail", fail))
        .command(cmd("refuse", refuse))
        .command(cmd("boom", boom))
        .command(cmd("help", help).about("List the commands"))
        .on("follow", greet)
        .state(40u32)
}

fn built() -> Dispatcher {
    bot().build().expect("the bot has every state it needs")
}

fn slack(typed: &str) -> Incoming {
    Incoming::typed(SLACK, typed)
}

fn error(dispatched: &Dispatched) -> &DispatchError {
    match &dispatched.outcome {
        Outcome::Failed(error) => error,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn echo_replies_text_exactly() {
    let d = built()
        .dispatch(Incoming::command(SLACK, "echo", " こんにちは 👋 a+b%20 "))
        .await;
    assert!(matches!(d.outcome, Outcome::Handled));
    assert_eq!(d.replies, vec![Reply::text(" こんにちは 👋 a+b%20 ")]);
}

#[tokio::test]
async fn typed_arguments_and_state() {
    let d = built().dispatch(slack("add 2")).await;
    assert_eq!(d.replies[0].text, "42");
}

#[tokio::test]
async fn typed_argument_error_shows_usage() {
    let d = built().dispatch(slack("add two")).await;
    assert!(matches!(
        error(&d),
        DispatchError::BadArguments { rejection: ArgsRejection::Invalid { input, .. }, .. } if input == "two"
    ));
    assert_eq!(
        d.replies[0].text,
        "Couldn't read the arguments of /add: `two` is not valid: invalid digit found in string.\nUsage: /add N"
    );
}

#[tokio::test]
async fn missing_argument_says_so_with_the_usage() {
    let d = built().dispatch(slack("echo  ")).await;
    assert!(matches!(
        error(&d),
        DispatchError::BadArguments {
            rejection: ArgsRejection::Missing,
            ..
        }
    ));
    assert_eq!(
        d.replies[0].text,
        "Couldn't read the arguments of /echo: this command needs arguments.\nUsage: /echo TEXT"
    );
}

#[test]
fn missing_state_is_found_when_the_bot_is_built() {
    let result = Bot::new().command(cmd("add", add)).build();
    let error = result
        .err()
        .expect("a bot without its state must not build");
    assert_eq!(
        error,
        BuildError::MissingState {
            handler: "the command `add`".into(),
            type_name: "u32"
        }
    );
    assert!(error.to_string().contains(".state(…)"), "{error}");
    async fn optional(state: Option<State<String>>) -> String {
        format!("{}", state.is_some())
    }
    assert!(Bot::new().fallback(optional).build().is_ok());
    let event = Bot::new().on("follow", add).build().err().unwrap();
    assert!(
        matches!(event, BuildError::MissingState { ref handler, .. } if handler.contains("follow"))
    );
}

#[test]
fn names_nobody_could_type_are_refused_at_build() {
    for name in ["", "/", "two words"] {
        let error = Bot::new().command(cmd(name, echo)).build().err().unwrap();
        assert!(matches!(error, BuildError::InvalidName { .. }), "{name}");
    }
}

#[tokio::test]
async fn unknown_command_points_to_help() {
    let d = built().dispatch(slack("nope")).await;
    assert!(
        matches!(error(&d), DispatchError::UnknownCommand { help: Some(h), .. } if h == "/help")
    );
    assert_eq!(
        d.replies[0].text,
        "I don't know “/nope”. Try /help to see what I can do."
    );
    let line = built().dispatch(Incoming::typed(LINE, "nope")).await;
    assert_eq!(
        line.replies[0].text,
        "I don't know “nope”. Try help to see what I can do."
    );
    let without_help = Bot::new().build().unwrap().dispatch(slack("nope")).await;
    assert_eq!(without_help.replies[0].text, "I don't know “/nope”.");
}

#[tokio::test]
async fn help_lists_registrations() {
    let d = built().dispatch(slack("help")).await;
    let text = &d.replies[0].text;
    assert!(text.starts_with("Commands:\n"), "{text}");
    assert!(
        text.contains("• /echo TEXT — Reply with TEXT exactly"),
        "{text}"
    );
    assert!(text.contains("• /add N — Add N to the base"), "{text}");
    assert!(text.contains("• /fail\n"), "{text}");
    let line = built().dispatch(Incoming::typed(LINE, "help")).await;
    assert!(
        line.replies[0]
            .text
            .contains("• echo TEXT — Reply with TEXT exactly")
    );
}

#[tokio::test]
async fn handler_error_is_answered_without_details() {
    let d = built().dispatch(slack("fail")).await;
    let DispatchError::Handler { error, .. } = error(&d) else {
        panic!("expected a handler error")
    };
    assert!(error.error().downcast_ref::<std::io::Error>().is_some());
    assert_eq!(
        d.replies[0].text,
        "Sorry, /fail failed. The error has been logged."
    );
    let d = built().dispatch(slack("refuse")).await;
    assert_eq!(d.replies[0].text, "you may not do that");
}

#[tokio::test]
async fn panic_is_caught_and_answered() {
    let bot = built();
    let d = bot.dispatch(slack("boom")).await;
    assert!(matches!(error(&d), DispatchError::Panic { message, .. } if message == "kaboom"));
    assert_eq!(
        d.replies[0].text,
        "Sorry, /boom failed unexpectedly. The error has been logged."
    );
    // The dispatcher keeps working after a panic.
    assert_eq!(
        bot.dispatch(slack("echo still here")).await.replies[0].text,
        "still here"
    );
}

#[tokio::test]
async fn events_reach_their_handlers_only() {
    let bot = built();
    let follow = Incoming::event(SLACK, "follow").with_user(User::new(SLACK, "U9"));
    assert_eq!(bot.dispatch(follow).await.replies[0].text, "welcome <@U9>");
    let d = bot.dispatch(Incoming::event(LINE, "unfollow")).await;
    assert!(matches!(d.outcome, Outcome::NoHandler));
    assert!(d.replies.is_empty());
}

#[tokio::test]
async fn mount_merges_groups_and_later_wins() {
    async fn other() -> &'static str {
        "mounted"
    }
    let group = Bot::new().command(cmd("echo", other).about("mounted echo"));
    let bot = Bot::new()
        .command(cmd("echo", echo))
        .mount(group)
        .build()
        .unwrap();
    assert_eq!(bot.catalog().len(), 1);
    assert_eq!(bot.catalog()[0].about, "mounted echo");
    assert_eq!(
        bot.dispatch(slack("echo x")).await.replies[0].text,
        "mounted"
    );
}

#[test]
fn slow_commands_are_known() {
    async fn wait() {}
    let bot = Bot::new()
        .command(cmd("wait", wait).slow())
        .build()
        .unwrap();
    assert!(bot.is_slow(&slack("wait 1")));
    assert!(!bot.is_slow(&slack("echo 1")));
    assert!(!bot.is_slow(&Incoming::event(LINE, "wait")));
}

#[tokio::test]
async fn on_error_replaces_every_answer() {
    let japanese = |error: &DispatchError| {
        Some(Reply::text(match error {
            DispatchError::UnknownCommand { invocation, .. } => {
                format!("「{invocation}」というコマンドはありません。")
            }
            DispatchError::BadArguments { usage, .. } => format!("使い方: {usage}"),
            other => other.default_reply().text,
        }))
    };
    let bot = bot().on_error(japanese).build().unwrap();
    let line = |typed: &str| Incoming::typed(LINE, typed);
    assert_eq!(
        bot.dispatch(line("おはよう")).await.replies[0].text,
        "「おはよう」というコマンドはありません。"
    );
    assert_eq!(
        bot.dispatch(line("add two")).await.replies[0].text,
        "使い方: add N"
    );
    assert_eq!(
        bot.dispatch(line("fail")).await.replies[0].text,
        "Sorry, fail failed. The error has been logged."
    );
}

#[tokio::test]
async fn a_command_hook_comes_before_the_bot_hook_and_may_stay_silent() {
    let bot = bot()
        .command(cmd("fail", fail).on_error(|_| None))
        .on_error(|_| Some(Reply::text("bot hook")))
        .build()
        .unwrap();
    let quiet = bot.dispatch(slack("fail")).await;
    assert!(quiet.replies.is_empty());
    assert!(
        matches!(error(&quiet), DispatchError::Handler { .. }),
        "still an error"
    );
    assert_eq!(
        bot.dispatch(slack("boom")).await.replies[0].text,
        "bot hook"
    );
}

#[tokio::test]
async fn a_groups_hook_answers_its_own_commands() {
    let group = Bot::new()
        .command(cmd("refuse", refuse))
        .on_error(|e| Some(Reply::text(format!("group: {}", e.invocation()))));
    let bot = Bot::new()
        .command(cmd("fail", fail))
        .mount(group)
        .build()
        .unwrap();
    assert_eq!(
        bot.dispatch(slack("refuse")).await.replies[0].text,
        "group: /refuse"
    );
    assert_eq!(
        bot.dispatch(slack("fail")).await.replies[0].text,
        "Sorry, /fail failed. The error has been logged."
    );
}

#[tokio::test]
async fn a_panicking_hook_falls_back_to_the_default_answer() {
    let bot = bot()
        .on_error(|_| panic!("the hook itself is broken"))
        .build()
        .unwrap();
    assert_eq!(
        bot.dispatch(slack("nope")).await.replies[0].text,
        "I don't know “/nope”. Try /help to see what I can do."
    );
}

#[tokio::test]
async fn fallback_answers_free_text_with_the_whole_message() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let chat = move |Text(text): Text| {
        record.lock().unwrap().push(text.clone());
        async move { format!("you said: {text}") }
    };
    let bot = bot().fallback(chat).build().unwrap();
    let d = bot
        .dispatch(Incoming::typed(LINE, "Hello there, ackbot"))
        .await;
    assert!(matches!(d.outcome, Outcome::Handled));
    assert_eq!(d.replies[0].text, "you said: Hello there, ackbot");
    // Commands still reach their handlers.
    assert_eq!(
        bot.dispatch(Incoming::typed(LINE, "echo hi")).await.replies[0].text,
        "hi"
    );
    assert_eq!(*seen.lock().unwrap(), ["Hello there, ackbot"]);
}

#[tokio::test]
async fn an_unknown_command_addressed_to_the_bot_stays_unknown_unless_the_fallback_takes_commands()
{
    async fn chat(Text(text): Text) -> String {
        format!("you said: {text}")
    }
    let unknown = |d: &ackbot_core::Dispatched| matches!(&d.outcome, Outcome::Failed(e) if matches!(**e, DispatchError::UnknownCommand { .. }));
    let addressed = [
        Incoming::command(SLACK, "dance", ""),   // a slash command
        Incoming::mentioned(SLACK, "dance now"), // after a mention
        Incoming::typed(LINE, "/dance"),         // a `/` command on LINE
    ];
    let free = [
        Incoming::typed(LINE, "dance with me"),
        Incoming::typed(SLACK, "dance with me"), // a DM
    ];
    let free_text_only = bot().fallback(chat).build().unwrap();
    for incoming in addressed.clone() {
        let d = free_text_only.dispatch(incoming.clone()).await;
        assert!(unknown(&d), "{incoming:?}");
    }
    for incoming in free.clone() {
        let d = free_text_only.dispatch(incoming).await;
        assert_eq!(d.replies[0].text, "you said: dance with me");
    }
    // Opted in: every command nobody registered.
    let every_command = bot().fallback_for_commands(chat).build().unwrap();
    for incoming in addressed.into_iter().chain(free) {
        let d = every_command.dispatch(incoming.clone()).await;
        assert!(d.replies[0].text.starts_with("you said: "), "{incoming:?}");
    }
}

#[tokio::test]
async fn a_handler_may_answer_its_own_rejection() {
    async fn strict(args: Result<Args<u8>, Rejection>) -> String {
        match args {
            Ok(Args(n)) => format!("got {n}"),
            Err(Rejection::Args(ArgsRejection::Invalid { input, .. })) => format!("no: {input}"),
            Err(rejection) => format!("no: {rejection}"),
        }
    }
    let bot = Bot::new().command(cmd("n", strict)).build().unwrap();
    let d = bot.dispatch(slack("n 300")).await;
    assert!(matches!(d.outcome, Outcome::Handled));
    assert_eq!(d.replies[0].text, "no: 300");
}

#[tokio::test]
async fn a_command_may_be_typed_and_described_differently_per_platform() {
    async fn standup(Text(text): Text) -> String {
        text
    }
    let bot = Bot::new()
        .command(cmd("help", help))
        .command(
            cmd("standup", standup)
                .about("Post your standup")
                .usage("(opens a form)")
                .on_platform(LINE, "YESTERDAY | TODAY", "Post yesterday and today"),
        )
        .build()
        .unwrap();
    let on = |platform| Incoming::command(platform, "help", "");
    let slack = bot.dispatch(on(SLACK)).await.replies[0].text.clone();
    assert!(
        slack.contains("• /standup (opens a form) — Post your standup"),
        "{slack}"
    );
    let line = bot.dispatch(on(LINE)).await.replies[0].text.clone();
    assert!(
        line.contains("• standup YESTERDAY | TODAY — Post yesterday and today"),
        "{line}"
    );
}
