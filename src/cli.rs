//! The command line of `Bot::run`: `serve`, `demo`, `send`, `manifest`, `discord`, `doctor` and
//! `lambda`.
//!
//! A tool may add verbs of its own around these, as the `ackbot` tool adds `new`: flatten
//! [`Verb`] into its own `clap` subcommands and hand the verb it parsed to
//! [`Run::run_command`](crate::Run::run_command).

use std::io::Write;
use std::net::SocketAddr;

use ackbot_core::Dispatcher;
use ackbot_slack::manifest::ManifestOptions;
use clap::{Parser, Subcommand};

use crate::Error;
use crate::config::Config;

/// Slack, LINE and Discord webhook bots that acknowledge at once and do the work afterwards.
#[derive(Debug, Parser)]
#[command(name = "ackbot", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Verb,
}

/// What the command line of a bot's binary can do.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum Verb {
    /// Run the local edge and its workers (the routes /slack/commands, /slack/interactions,
    /// /slack/events, /line/webhook, /discord/interactions and GET /healthz).
    Serve {
        /// The address to listen on.
        #[arg(long, env = "ACKBOT_ADDR", default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
    },
    /// Start the edge with stand-ins of the Slack, LINE and Discord APIs, send signed samples
    /// and show each one's life. Needs no configuration.
    #[cfg(feature = "dev")]
    Demo {
        /// Keep running afterwards with the inspector open (every webhook's life, live, with
        /// Replay and Send) until Ctrl-C.
        #[arg(long)]
        inspect: bool,
        /// The address of the demo's edge (and inspector); a free loopback port by default.
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
    },
    /// Sign and POST a realistic webhook to a running `ackbot serve`.
    #[cfg(feature = "dev")]
    Send {
        /// The platform whose webhook to sign.
        #[command(subcommand)]
        platform: SendTo,
    },
    /// Print what a platform needs to call this bot, e.g. `ackbot manifest slack --base-url URL`
    /// for a Slack app manifest.
    Manifest {
        /// The platform the manifest is for.
        #[command(subcommand)]
        platform: ManifestFor,
    },
    /// Check this bot's configuration (the environment and .env) and say what is wrong.
    ///
    /// Looks at each secret's shape without printing it, the API URLs and the other settings,
    /// then asks LINE and Slack whether the tokens work. Exits non-zero when it finds a problem.
    Doctor {
        /// Skip asking LINE and Slack about the tokens.
        #[arg(long)]
        offline: bool,
    },
    /// Discord: `ackbot discord register` replaces the application's global commands with this
    /// bot's (DISCORD_BOT_TOKEN, DISCORD_APPLICATION_ID) and says what changed.
    Discord {
        /// What to do.
        #[command(subcommand)]
        action: DiscordAction,
    },
    /// Run the Lambda worker (what the binary does by itself when AWS_LAMBDA_RUNTIME_API is set).
    #[cfg(feature = "lambda")]
    Lambda,
}

/// What `ackbot discord` does.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum DiscordAction {
    /// Send this bot's commands to Discord as its global slash commands (`PUT
    /// /applications/{id}/commands`, which replaces them all), and print what was added,
    /// changed and removed. Global commands reach every server within an hour.
    Register {
        /// A server's id: register the commands there only, where they appear at once (for
        /// trying them out; `--guild` again with the same id replaces them).
        #[arg(long, value_name = "ID")]
        guild: Option<String>,
    },
}

/// The platform `manifest` writes for.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum ManifestFor {
    /// A Slack app manifest (YAML) for api.slack.com/apps → Create New App → From an app
    /// manifest: this bot's slash commands, event subscriptions, interactivity and bot scopes.
    ///
    /// The manifest goes to stdout; notes on what was left out or needs doing by hand go to
    /// stderr.
    Slack {
        /// Where the edge is reachable over https, e.g. the API Gateway stage URL
        /// https://abc.execute-api.us-east-1.amazonaws.com/prod; the routes /slack/commands,
        /// /slack/events and /slack/interactions go below it.
        #[arg(long, value_name = "URL")]
        base_url: String,
        /// The app's name, also its bot user's display name (default: this program's name, as
        /// `cargo run` in your project builds it — your package's).
        #[arg(long)]
        name: Option<String>,
        /// A further bot scope, for the Web API methods your handlers call, e.g. reactions:write
        /// (repeat it, or separate scopes with commas).
        #[arg(long = "scope", value_name = "SCOPE", value_delimiter = ',')]
        scope: Vec<String>,
        /// For an app installed in many workspaces: adds the OAuth redirect URL
        /// (BASE/slack/oauth_redirect), SLACK_SCOPES and SLACK_USER_SCOPES, and the
        /// app_uninstalled and tokens_revoked events. On by itself when SLACK_CLIENT_ID and
        /// SLACK_CLIENT_SECRET are set.
        #[arg(long)]
        distribution: bool,
    },
    /// Discord's application commands (JSON) for `PUT /applications/{id}/commands`: each
    /// command a slash command whose text is one optional `text` option, described by its
    /// usage. `ackbot discord register` sends them.
    Discord,
}

/// The platform `send` signs for.
#[cfg(feature = "dev")]
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum SendTo {
    /// A slash command, e.g. `ackbot send slack '/echo hi'`. Signed with SLACK_SIGNING_SECRET.
    Slack {
        /// The command as typed in Slack, e.g. `/echo hi`.
        text: String,
        /// The running edge (`--url` works too).
        #[arg(long, visible_alias = "url", default_value = "http://127.0.0.1:3000")]
        to: String,
        /// The `response_url` to put in the request. By default `send` listens on a loopback port
        /// itself and prints the reply that arrives there.
        #[arg(long)]
        response_url: Option<String>,
        /// How long to wait for the reply, in seconds.
        #[arg(long, default_value_t = 15)]
        wait: u64,
    },
    /// A slash command interaction, e.g. `ackbot send discord '/echo hi'`, signed with ackbot's
    /// test key pair: the `serve` it goes to must have DISCORD_PUBLIC_KEY set to the test key
    /// (ackbot::discord::sample::TEST_PUBLIC_KEY), as a new project's .env.example says.
    Discord {
        /// The command as typed in Discord, e.g. `/echo hi`.
        text: String,
        /// The running edge (`--url` works too).
        #[arg(long, visible_alias = "url", default_value = "http://127.0.0.1:3000")]
        to: String,
    },
    /// A text message event, e.g. `ackbot send line 'echo こんにちは'`. Signed with
    /// LINE_CHANNEL_SECRET (the first one, if several).
    Line {
        /// The message text.
        text: String,
        /// The running edge (`--url` works too).
        #[arg(long, visible_alias = "url", default_value = "http://127.0.0.1:3000")]
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
    run_verb(dispatcher, Cli::parse().command).await
}

/// Runs `verb` with the bot's commands.
pub(crate) async fn run_verb(dispatcher: Dispatcher, verb: Verb) -> Result<(), Error> {
    match verb {
        #[cfg(feature = "dev")]
        Verb::Demo { inspect, addr } => {
            crate::logging::init(crate::config::LogFormat::Text, "error");
            // The assistant answers from a stand-in of a model, as the platforms' APIs are.
            let _model = demo_model(&dispatcher).await?;
            Ok(ackbot_serve::demo::run(dispatcher, addr, inspect).await?)
        }
        #[cfg(feature = "lambda")]
        Verb::Lambda => crate::lambda::run(dispatcher).await,
        Verb::Doctor { offline } => match crate::doctor::run(offline).await? {
            true => Ok(()),
            // The report on stdout has said what is wrong; nothing to add on stderr.
            false => std::process::exit(1),
        },
        Verb::Manifest {
            platform: ManifestFor::Discord,
        } => crate::discord_verbs::print_manifest(&dispatcher),
        Verb::Discord {
            action: DiscordAction::Register { guild },
        } => crate::discord_verbs::register(dispatcher, guild).await,
        Verb::Manifest {
            platform:
                ManifestFor::Slack {
                    base_url,
                    name,
                    scope,
                    distribution,
                },
        } => {
            let options = ManifestOptions::new(base_url)
                .with_name(name.unwrap_or_else(program_name))
                .with_scopes(scope);
            let options = distribution_options(options, distribution);
            let manifest = ackbot_slack::manifest::build(&dispatcher, &options)?;
            for note in &manifest.notes {
                eprintln!("ackbot manifest: {note}");
            }
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(manifest.app.to_yaml().as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
        Verb::Serve { addr } => {
            let config = Config::from_env()?;
            crate::logging::init(config.log_format, "info");
            let worker = crate::wiring::local_worker(dispatcher, &config, addr)?;
            Ok(ackbot_serve::run(&config.serve_settings(), worker, addr).await?)
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
                    let secret = config.slack.as_ref().map(|s| &s.signing_secret);
                    Ok(ackbot_serve::send::slack(secret, &text, &to, response_url, wait).await?)
                }
                SendTo::Line {
                    text,
                    to,
                    user_id,
                    redelivery,
                } => {
                    let (secret, api_url) = match &config.line {
                        Some(line) => (Some(&line.channel_secret), line.api_url.as_str()),
                        None => (None, ""),
                    };
                    let sent =
                        ackbot_serve::send::line(secret, api_url, &text, &to, &user_id, redelivery);
                    Ok(sent.await?)
                }
                SendTo::Discord { text, to } => {
                    let (key, api_url) = match &config.discord {
                        Some(d) => (Some(d.public_key.as_str()), d.api_url.as_str()),
                        None => (None, ""),
                    };
                    Ok(ackbot_serve::send::discord(key, api_url, &text, &to).await?)
                }
            }
        }
    }
}

/// The manifest's options in distribution mode — asked for with `--distribution`, or on when
/// the environment (or `.env`) sets `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` — with the
/// scopes the install asks for (`SLACK_SCOPES`, `SLACK_USER_SCOPES`).
fn distribution_options(options: ManifestOptions, asked: bool) -> ManifestOptions {
    let _ = dotenvy::dotenv();
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let on = asked || (env("SLACK_CLIENT_ID").is_some() && env("SLACK_CLIENT_SECRET").is_some());
    if !on {
        return options;
    }
    let list = |name: &str| -> Vec<String> {
        (env(name).unwrap_or_default().split(','))
            .map(str::to_string)
            .collect()
    };
    options
        .with_distribution(true)
        .with_scopes(list("SLACK_SCOPES"))
        .with_user_scopes(list("SLACK_USER_SCOPES"))
}

/// For the demo: a stand-in of a chat-completions endpoint, given to the bot's assistant (if it
/// has one and no model yet), kept running as long as it is held.
#[cfg(feature = "dev")]
async fn demo_model(
    dispatcher: &ackbot_core::Dispatcher,
) -> Result<Option<crate::handlers::standin::ModelStandIn>, Error> {
    let Some(assistant) = dispatcher.state::<crate::handlers::Assistant>() else {
        return Ok(None);
    };
    let standin = crate::handlers::standin::ModelStandIn::start().await?;
    let model = crate::handlers::Model::new(crate::handlers::ModelConfig {
        url: standin.url(),
        api_key: "demo-model-key".to_string().into(),
        model: crate::handlers::standin::MODEL.into(),
        system_prompt: None,
        timeout: std::time::Duration::from_secs(30),
    })
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    assistant.configure(model);
    Ok(Some(standin))
}

/// This program's name, from its file (`standup` for a project's `target/debug/standup`).
fn program_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|path| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "ackbot".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bots_own_command_line_has_no_new() {
        let error = Cli::try_parse_from(["mybot", "new", "other"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::InvalidSubcommand);
        assert!(Cli::try_parse_from(["mybot", "doctor", "--offline"]).is_ok());
    }

    #[cfg(feature = "dev")]
    #[test]
    fn send_takes_url_for_to() {
        let cli =
            Cli::try_parse_from(["mybot", "send", "slack", "/echo hi", "--url", "http://h:1"]);
        let debug = format!("{:?}", cli.unwrap());
        assert!(debug.contains("to: \"http://h:1\""), "{debug}");
    }

    #[test]
    fn the_manifest_is_named_after_the_program() {
        let name = program_name();
        assert!(!name.is_empty() && !name.contains('/'), "{name}");
    }
}
