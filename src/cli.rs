//! The command line: `serve`, `demo`, `send` and `lambda`.

use std::net::SocketAddr;

use bot_core::Dispatcher;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::Error;

/// Slack and LINE webhook bots that acknowledge at once and do the work afterwards.
#[derive(Debug, Parser)]
#[command(name = "ackbot", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Run the local edge and its workers (the routes /slack/commands, /slack/interactions,
    /// /slack/events, /line/webhook and GET /healthz).
    Serve {
        /// The address to listen on.
        #[arg(long, env = "ACKBOT_ADDR", default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
    },
    /// Start the edge with stand-ins of the Slack and LINE APIs, send signed samples and show
    /// each one's life. Needs no configuration.
    #[cfg(feature = "dev")]
    Demo,
    /// Sign and POST a realistic webhook to a running `ackbot serve`.
    #[cfg(feature = "dev")]
    Send {
        #[command(subcommand)]
        platform: SendTo,
    },
    /// Run the Lambda worker (what the binary does by itself when AWS_LAMBDA_RUNTIME_API is set).
    #[cfg(feature = "lambda")]
    Lambda,
}

#[cfg(feature = "dev")]
#[derive(Debug, Subcommand)]
enum SendTo {
    /// A slash command, e.g. `ackbot send slack '/echo hi'`. Signed with SLACK_SIGNING_SECRET.
    Slack {
        /// The command as typed in Slack, e.g. `/echo hi`.
        text: String,
        /// The running edge.
        #[arg(long, default_value = "http://127.0.0.1:3000")]
        to: String,
        /// The `response_url` to put in the request. By default `send` listens on a loopback port
        /// itself and prints the reply that arrives there.
        #[arg(long)]
        response_url: Option<String>,
        /// How long to wait for the reply, in seconds.
        #[arg(long, default_value_t = 15)]
        wait: u64,
    },
    /// A text message event, e.g. `ackbot send line 'echo こんにちは'`. Signed with
    /// LINE_CHANNEL_SECRET (the first one, if several).
    Line {
        /// The message text.
        text: String,
        /// The running edge.
        #[arg(long, default_value = "http://127.0.0.1:3000")]
        to: String,
        /// The sender's LINE user id.
        #[arg(long, default_value = "U4af4980629a1b2c3d4e5f60718293a4b")]
        user_id: String,
        /// Mark the event as a redelivery.
        #[arg(long)]
        redelivery: bool,
    },
}

/// Parses the command line and runs it with the bot's commands.
pub(crate) async fn run(dispatcher: Dispatcher) -> Result<(), Error> {
    let cli = Cli::parse();
    match cli.command {
        #[cfg(feature = "dev")]
        Verb::Demo => crate::demo::run(dispatcher).await,
        #[cfg(feature = "lambda")]
        Verb::Lambda => crate::lambda::run(dispatcher).await,
        Verb::Serve { addr } => {
            let config = Config::from_env()?;
            crate::logging::init(config.log_format, "info");
            let worker = crate::wiring::worker(dispatcher, &config)?;
            crate::serve::run(&config, worker, addr).await
        }
        #[cfg(feature = "dev")]
        Verb::Send { platform } => {
            let config = Config::from_env()?;
            crate::logging::init(config.log_format, "warn");
            match platform {
                SendTo::Slack {
                    text,
                    to,
                    response_url,
                    wait,
                } => {
                    let wait = std::time::Duration::from_secs(wait);
                    crate::send::slack(&config, &text, &to, response_url, wait).await
                }
                SendTo::Line {
                    text,
                    to,
                    user_id,
                    redelivery,
                } => crate::send::line(&config, &text, &to, &user_id, redelivery).await,
            }
        }
    }
}
