//! The `ackbot` tool: the built-in commands on the local edge, in the demo, or under Lambda —
//! every verb a bot's own binary has (`Bot::run`) — and `ackbot new`, which only the tool has.
//! Built with the `lambda` feature alone it is the Lambda function's `bootstrap`: no command line.

#[cfg(feature = "serve")]
mod new;

use std::process::ExitCode;

use ackbot::prelude::*;
#[cfg(feature = "serve")]
use clap::{Parser, Subcommand};

/// Slack, LINE and Discord webhook bots that acknowledge at once and do the work afterwards.
#[cfg(feature = "serve")]
#[derive(Debug, Parser)]
#[command(name = "ackbot", version, about)]
struct Tool {
    #[command(subcommand)]
    verb: ToolVerb,
}

#[cfg(feature = "serve")]
#[derive(Debug, Subcommand)]
enum ToolVerb {
    /// Create a new bot project in ./NAME: a Cargo package with the built-ins and a command of
    /// its own, its tests, the CDK app that deploys it, a Makefile and a README. Nothing that
    /// exists is overwritten.
    New {
        /// The bot's name: its folder, package, binary and (in PascalCase) stack, e.g. `mybot`.
        name: String,
        /// Use this local ackbot checkout instead of ackbot's git repository.
        #[arg(long, value_name = "DIR")]
        ackbot_path: Option<std::path::PathBuf>,
    },
    /// Every verb of a bot's own binary.
    #[command(flatten)]
    Bot(ackbot::cli::Verb),
}

#[tokio::main(flavor = "current_thread")] // the quickest cold start; `serve` still uses every core
async fn main() -> ExitCode {
    // `ask` answers once ACKBOT_LLM_URL and ACKBOT_LLM_MODEL name a model, and says so until then.
    let bot = Bot::new()
        .mount(ackbot::handlers::builtins())
        .mount(ackbot::handlers::assistant());
    // Under Lambda there is no command line: the bot runs as the runtime tells it.
    #[cfg(feature = "serve")]
    let result = match std::env::var_os("AWS_LAMBDA_RUNTIME_API") {
        Some(_) => bot.run().await.map_err(report),
        None => match Tool::parse().verb {
            ToolVerb::New { name, ackbot_path } => new_project(&name, ackbot_path),
            ToolVerb::Bot(verb) => bot.run_command(verb).await.map_err(report),
        },
    };
    #[cfg(not(feature = "serve"))]
    let result = bot.run().await.map_err(report);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ackbot: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `ackbot new NAME`: the project, and what to do next.
#[cfg(feature = "serve")]
fn new_project(name: &str, ackbot_path: Option<std::path::PathBuf>) -> Result<(), String> {
    let source = match ackbot_path {
        Some(dir) => new::AckbotSource::Path(dir),
        None => new::AckbotSource::default_git(),
    };
    let here = std::env::current_dir().map_err(|e| report(e.into()))?;
    let created = new::create(&here, name, &source).map_err(|e| ackbot_core::chain(&e))?;
    println!("{created}");
    Ok(())
}

fn report(error: ackbot::Error) -> String {
    ackbot_core::chain(&error)
}
