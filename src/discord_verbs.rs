//! The `ackbot` verbs of Discord: `manifest discord` (the commands' JSON) and `discord register`
//! (sending it).

use std::io::Write;

use ackbot_core::Dispatcher;
use ackbot_discord::{DiscordConfig, commands, is_snowflake};

use crate::Error;
use crate::config::ConfigError;

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

/// Sends the commands to Discord with the bot token — the global ones, or `guild`'s — and
/// prints what changed. Reads `DISCORD_APPLICATION_ID`, `DISCORD_BOT_TOKEN` and
/// `DISCORD_API_URL` (the environment, then `.env`); the public key is not needed.
pub(crate) async fn register(dispatcher: Dispatcher, guild: Option<String>) -> Result<(), Error> {
    if guild.as_deref().is_some_and(|guild| !is_snowflake(guild)) {
        return Err(Error::Unsupported(
            "--guild takes a server's id, digits only (in Discord, with Developer Mode on: \
             right-click the server → Copy Server ID)",
        ));
    }
    let _ = dotenvy::dotenv();
    crate::logging::init(crate::config::LogFormat::Text, "warn");
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let application_id = env("DISCORD_APPLICATION_ID").ok_or(Error::Unsupported(
        "DISCORD_APPLICATION_ID is not set: copy the Application ID from the Developer Portal \
         (your application → General Information)",
    ))?;
    let token = env("DISCORD_BOT_TOKEN").ok_or(Error::Unsupported(
        "DISCORD_BOT_TOKEN is not set: registering commands needs the bot token \
         (Developer Portal → your application → Bot → Reset Token)",
    ))?;
    if !is_snowflake(application_id.trim()) {
        let wrong = ackbot_discord::ConfigError::BadApplicationId(application_id);
        return Err(ConfigError::from(wrong).into());
    }
    let api_url = env("DISCORD_API_URL").unwrap_or_else(|| ackbot_discord::DEFAULT_API_URL.into());
    let (commands, notes) = commands::manifest(&dispatcher);
    for note in &notes {
        eprintln!("ackbot discord register: {note}");
    }
    let settings = DiscordConfig::new("", application_id.trim())
        .with_api_url(api_url.trim_end_matches('/'))
        .with_bot_token(token.trim().to_string());
    let changes = commands::register(&settings, guild.as_deref(), &commands)
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
    let count = commands.as_array().map_or(0, Vec::len);
    match guild {
        Some(guild) => writeln!(
            stdout,
            "the server {guild} has {count} command(s) of this bot, there at once"
        )?,
        None => writeln!(
            stdout,
            "Discord has {count} global command(s) of this bot; new ones reach every server \
             within an hour (`--guild ID` for one server at once)"
        )?,
    }
    Ok(())
}
