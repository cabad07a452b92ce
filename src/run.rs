//! `Bot::run`: the Lambda worker under AWS, the command line elsewhere.

use std::future::Future;

use bot_core::{Bot, Dispatcher};

use crate::Error;

/// Runs a [`Bot`]: `bot.run().await` in your `main`.
pub trait Run {
    /// Builds the bot (failing at once if a handler lacks its state), then runs it: the Lambda
    /// worker when `AWS_LAMBDA_RUNTIME_API` is set, else the command line (`serve`, `demo`,
    /// `send`, `lambda`) that the enabled features provide.
    fn run(self) -> impl Future<Output = Result<(), Error>>;
}

impl Run for Bot {
    async fn run(self) -> Result<(), Error> {
        let dispatcher = self.build()?;
        let under_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
        run(dispatcher, under_lambda).await
    }
}

#[cfg(feature = "serve")]
async fn run(dispatcher: Dispatcher, under_lambda: bool) -> Result<(), Error> {
    #[cfg(feature = "lambda")]
    if under_lambda {
        return crate::lambda::run(dispatcher).await;
    }
    if under_lambda {
        return Err(Error::Unsupported(
            "AWS_LAMBDA_RUNTIME_API is set, but this bot was built without the `lambda` feature",
        ));
    }
    crate::cli::run(dispatcher).await
}

#[cfg(all(feature = "lambda", not(feature = "serve")))]
async fn run(dispatcher: Dispatcher, under_lambda: bool) -> Result<(), Error> {
    if !under_lambda {
        return Err(Error::Unsupported(
            "this bot was built with only the `lambda` feature: it runs under AWS Lambda, where \
             AWS_LAMBDA_RUNTIME_API is set (build it with the `serve` feature to run it locally)",
        ));
    }
    crate::lambda::run(dispatcher).await
}

#[cfg(not(any(feature = "lambda", feature = "serve")))]
async fn run(_: Dispatcher, _: bool) -> Result<(), Error> {
    Err(Error::Unsupported(
        "this bot was built with neither the `lambda` nor the `serve` feature: it cannot run",
    ))
}
