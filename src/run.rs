//! `Bot::run`: the Lambda worker under AWS, the command line elsewhere.

use std::future::Future;

use ackbot_core::{Bot, Dispatcher};
#[cfg(any(feature = "lambda", feature = "serve"))]
use tokio::runtime::{Builder, Handle, RuntimeFlavor};

use crate::Error;

/// Runs a [`Bot`]: `bot.run().await` in your `main`.
pub trait Run {
    /// Builds the bot (failing at once if a handler lacks its state), then runs it: the Lambda
    /// worker when `AWS_LAMBDA_RUNTIME_API` is set, else the command line (`serve`, `demo`,
    /// `send`, `lambda`) that the enabled features provide.
    fn run(self) -> impl Future<Output = Result<(), Error>>;

    /// Builds the bot, then runs `verb` of its command line: for a tool that parsed its own
    /// command line around [`cli::Verb`](crate::cli::Verb), as the `ackbot` tool does.
    #[cfg(feature = "serve")]
    fn run_command(self, verb: crate::cli::Verb) -> impl Future<Output = Result<(), Error>>;
}

impl Run for Bot {
    async fn run(self) -> Result<(), Error> {
        let dispatcher = self.build()?;
        let under_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
        run(dispatcher, under_lambda).await
    }

    #[cfg(feature = "serve")]
    async fn run_command(self, verb: crate::cli::Verb) -> Result<(), Error> {
        let dispatcher = self.build()?;
        on_runtime(RuntimeFlavor::MultiThread, "ackbot", move || {
            crate::cli::run_verb(dispatcher, verb)
        })
        .await
    }
}

#[cfg(feature = "serve")]
async fn run(dispatcher: Dispatcher, under_lambda: bool) -> Result<(), Error> {
    #[cfg(feature = "lambda")]
    if under_lambda {
        return on_one_thread(dispatcher).await;
    }
    if under_lambda {
        return Err(Error::Unsupported(
            "AWS_LAMBDA_RUNTIME_API is set, but this bot was built without the `lambda` feature",
        ));
    }
    on_every_core(dispatcher).await
}

/// Runs the command line (`serve` and the rest) on a multi-thread runtime, so that the edge and
/// its workers use every core, even under a `main` on a current-thread runtime (the quickest start
/// under Lambda).
#[cfg(feature = "serve")]
async fn on_every_core(dispatcher: Dispatcher) -> Result<(), Error> {
    on_runtime(RuntimeFlavor::MultiThread, "ackbot", move || {
        crate::cli::run(dispatcher)
    })
    .await
}

#[cfg(all(feature = "lambda", not(feature = "serve")))]
async fn run(dispatcher: Dispatcher, under_lambda: bool) -> Result<(), Error> {
    if !under_lambda {
        return Err(Error::Unsupported(
            "this bot was built with only the `lambda` feature: it runs under AWS Lambda, where \
             AWS_LAMBDA_RUNTIME_API is set (build it with the `serve` feature to run it locally)",
        ));
    }
    on_one_thread(dispatcher).await
}

/// Runs the Lambda function on a current-thread runtime. A Lambda environment handles one event at
/// a time, so the worker threads of a multi-thread runtime only add wake-ups between threads
/// (futexes, the I/O driver's eventfd) to every HTTP exchange: on one thread an event costs about
/// a third less CPU (`make bench`, warm CPU per event), and a `main` on a current-thread runtime
/// starts no threads at all. Under a current-thread runtime it runs in place; else on a thread of
/// its own while the caller's runtime idles (state a handler built on it, such as a connection
/// pool, keeps working).
#[cfg(feature = "lambda")]
async fn on_one_thread(dispatcher: Dispatcher) -> Result<(), Error> {
    on_runtime(RuntimeFlavor::CurrentThread, "ackbot-lambda", move || {
        crate::lambda::run(dispatcher)
    })
    .await
}

/// Runs the future `work` makes on a runtime of `flavor`: in place when the caller's runtime is
/// one, else on a new thread named `name` with a runtime of its own, waiting for it there.
#[cfg(any(feature = "lambda", feature = "serve"))]
async fn on_runtime<W, F>(flavor: RuntimeFlavor, name: &str, work: W) -> Result<(), Error>
where
    W: FnOnce() -> F + Send + 'static,
    F: Future<Output = Result<(), Error>>,
{
    if Handle::current().runtime_flavor() == flavor {
        return work().await;
    }
    let mut builder = match flavor {
        RuntimeFlavor::CurrentThread => Builder::new_current_thread(),
        _ => Builder::new_multi_thread(),
    };
    let (done, finished) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let result = builder
                .enable_all()
                .build()
                .map_err(Error::Io)
                .and_then(|runtime| runtime.block_on(work()));
            let _ = done.send(result);
        })?;
    finished.await.unwrap_or(Err(Error::Unsupported(
        "the bot's thread ended without a result (it panicked: see the log)",
    )))
}

#[cfg(not(any(feature = "lambda", feature = "serve")))]
async fn run(_: Dispatcher, _: bool) -> Result<(), Error> {
    Err(Error::Unsupported(
        "this bot was built with neither the `lambda` nor the `serve` feature: it cannot run",
    ))
}

#[cfg(all(test, any(feature = "lambda", feature = "serve")))]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_work_moves_to_a_thread_with_the_runtime_it_needs() {
        let result = on_runtime(RuntimeFlavor::CurrentThread, "ackbot-test", || async {
            assert_eq!(
                Handle::current().runtime_flavor(),
                RuntimeFlavor::CurrentThread
            );
            assert_eq!(std::thread::current().name(), Some("ackbot-test"));
            Err(Error::Unsupported("the work's own error"))
        })
        .await;
        assert!(
            matches!(result, Err(Error::Unsupported("the work's own error"))),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn a_current_thread_caller_gets_every_core_for_the_command_line() {
        let result = on_runtime(RuntimeFlavor::MultiThread, "ackbot-test", || async {
            assert_eq!(
                Handle::current().runtime_flavor(),
                RuntimeFlavor::MultiThread
            );
            Ok(())
        })
        .await;
        assert!(result.is_ok(), "{result:?}");
    }

    #[tokio::test]
    async fn on_the_runtime_it_needs_the_work_stays_in_place() {
        let caller = std::thread::current().id();
        let result = on_runtime(
            RuntimeFlavor::CurrentThread,
            "ackbot-test",
            move || async move {
                assert_eq!(std::thread::current().id(), caller);
                Ok(())
            },
        )
        .await;
        assert!(result.is_ok(), "{result:?}");
    }

    #[tokio::test]
    async fn a_panic_on_that_thread_is_an_error_not_a_hang() {
        let result = on_runtime(RuntimeFlavor::MultiThread, "ackbot-test", || async {
            panic!("the work panicked")
        })
        .await;
        let Err(Error::Unsupported(why)) = result else {
            panic!("{result:?}")
        };
        assert!(why.contains("panicked"), "{why}");
    }
}
