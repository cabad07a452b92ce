//! Discord's settings: present when `DISCORD_PUBLIC_KEY` is set.

use ackbot_core::SecretString;

use super::{ConfigError, url};

/// Discord settings; present when `DISCORD_PUBLIC_KEY` is set.
#[derive(Clone, Debug)]
pub(crate) struct DiscordSettings {
    /// `DISCORD_PUBLIC_KEY`: the application's public key, 64 hex digits.
    pub public_key: String,
    /// `DISCORD_APPLICATION_ID`.
    pub application_id: String,
    /// `DISCORD_BOT_TOKEN`: registering commands, messages to other channels.
    pub bot_token: Option<SecretString>,
    /// `DISCORD_API_URL`.
    pub api_url: String,
}

/// Discord's settings from `lookup`, checked as the adapter will check them.
pub(crate) fn from_lookup(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<DiscordSettings>, ConfigError> {
    let Some(public_key) = lookup("DISCORD_PUBLIC_KEY") else {
        return Ok(None);
    };
    ackbot_discord::PublicKey::from_hex(&public_key)?;
    let application_id = (lookup("DISCORD_APPLICATION_ID"))
        .filter(|id| !id.trim().is_empty())
        .ok_or(ConfigError::MissingDiscordApplicationId)?;
    let application_id = application_id.trim().to_string();
    if !ackbot_discord::is_snowflake(&application_id) {
        return Err(ackbot_discord::ConfigError::BadApplicationId(application_id).into());
    }
    Ok(Some(DiscordSettings {
        public_key: public_key.trim().to_string(),
        application_id,
        bot_token: (lookup("DISCORD_BOT_TOKEN"))
            .filter(|t| !t.trim().is_empty())
            .map(SecretString::from),
        api_url: url(lookup, "DISCORD_API_URL", ackbot_discord::DEFAULT_API_URL),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;

    const KEY: &str = ackbot_discord::sample::TEST_PUBLIC_KEY;

    #[test]
    fn unset_is_off_and_set_needs_the_application_id() {
        assert!(config(&[]).unwrap().discord.is_none());
        let missing = config(&[("DISCORD_PUBLIC_KEY", KEY)]).unwrap_err();
        assert!(
            missing.to_string().contains("DISCORD_APPLICATION_ID"),
            "{missing}"
        );
        let discord = config(&[
            ("DISCORD_PUBLIC_KEY", KEY),
            ("DISCORD_APPLICATION_ID", " 42 "),
        ])
        .unwrap()
        .discord
        .unwrap();
        assert_eq!(discord.application_id, "42");
        assert_eq!(discord.api_url, "https://discord.com/api/v10");
        assert!(discord.bot_token.is_none());
    }

    #[test]
    fn a_key_of_the_wrong_shape_is_refused_without_its_value() {
        let wrong = config(&[
            ("DISCORD_PUBLIC_KEY", "Bot.abc.def"),
            ("DISCORD_APPLICATION_ID", "1"),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            wrong.contains("DISCORD_PUBLIC_KEY") && !wrong.contains("Bot.abc"),
            "{wrong}"
        );
        let id = config(&[
            ("DISCORD_PUBLIC_KEY", KEY),
            ("DISCORD_APPLICATION_ID", "my-app"),
        ]);
        assert!(id.unwrap_err().to_string().contains("digits only"));
    }
}
