//! The `ackbot` verbs of Discord: `manifest discord` (the commands' JSON) and `discord register`
//! (sending it).

use std::io::Write;

use ackbot_core::Dispatcher;
use ackbot_discord::{DiscordAdapter, DiscordConfig, commands};

use crate::Error;
use crate::config::{Config, ConfigError};

/// Prints the commands' JSON (stdout) and what was left out (stderr).
pub(crate) fn print_manifest(dispatcher: &Dispatcher) -> Result<(), Error> {
    let (commands, notes) = commands::manifest(dispatcher);
    for note in &notes {
        eprintln!("ackbot manifest: {note}");
    }
    let mut stdout = std::io::stdout().lock();
    let json = serde_json::to_string_pretty(&commands).expect("JSON serialises");
    writeln!(stdout, "{json}")?;
    stdout.flush()?;
    Ok(())
}

/// Sends the commands to Discord with the bot token and prints what changed.
pub(crate) async fn register(dispatcher: Dispatcher) -> Result<(), Error> {
    let config = Config::from_env()?;
    crate::logging::init(config.log_format, "warn");
    let Some(discord) = &config.discord else {
        return Err(Error::Unsupported(
            "Discord is not configured: set DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID and \
             DISCORD_BOT_TOKEN (Developer Portal → your application → General Information, Bot)",
        ));
    };
    let Some(token) = &discord.bot_token else {
        return Err(Error::Unsupported(
            "DISCORD_BOT_TOKEN is not set: registering commands needs the bot token \
             (Developer Portal → your application → Bot → Reset Token)",
        ));
    };
    let (commands, notes) = commands::manifest(&dispatcher);
    for note in &notes {
        eprintln!("ackbot discord register: {note}");
    }
    let settings = DiscordConfig::new(&discord.public_key, &discord.application_id)
        .with_api_url(&discord.api_url)
        .with_bot_token(token.clone());
    let adapter = DiscordAdapter::new(settings).map_err(ConfigError::from)?;
    let changes = adapter
        .register(&commands)
        .await
        .map_err(|e| Error::Discord(Box::new(e)))?;
    let mut stdout = std::io::stdout().lock();
    for (what, names) in [
        ("added", &changes.added),
        ("changed", &changes.changed),
        ("removed", &changes.removed),
        ("unchanged", &changes.unchanged),
    ] {
        if !names.is_empty() {
            let names: Vec<String> = names.iter().map(|n| format!("/{n}")).collect();
            writeln!(stdout, "{what:<10} {}", names.join(" "))?;
        }
    }
    writeln!(
        stdout,
        "Discord has {} global command(s) of this bot; new ones reach every server within an hour.",
        commands.as_array().map_or(0, Vec::len)
    )?;
    Ok(())
}
