//! A bot's registrations, made a Slack app manifest: the routes below the base URL, the slash
//! commands, the subscriptions and the scopes they need.

use std::collections::BTreeSet;

use ackbot_core::Dispatcher;

use super::commands::slash_commands;
use super::notes::Notes;
use super::options::{app_name, base_url, extra_scopes};
use super::subscriptions::Subscriptions;
use super::{
    AppHome, AppManifest, AssistantView, BotUser, DisplayInformation, EventSubscriptions, Features,
    Interactivity, Manifest, ManifestError, ManifestOptions, Metadata, OauthConfig, Scopes,
    Settings, SlashCommand,
};
use crate::oauth::OAUTH_REDIRECT_ROUTE;
use crate::{COMMANDS_ROUTE, EVENTS_ROUTE, INTERACTIONS_ROUTE};

/// What every ackbot app asks for: to answer, and to read what it is sent by mention and in
/// direct messages.
const BASE_SCOPES: [&str; 3] = ["chat:write", "app_mentions:read", "im:history"];

/// The events distribution mode subscribes to, whatever the bot registered: an uninstall and
/// revoked tokens change its installations.
const DISTRIBUTION_EVENTS: [&str; 2] = ["app_uninstalled", "tokens_revoked"];

/// The Slack app manifest of the bot `dispatcher` runs, reachable at the options' base URL.
pub fn build(
    dispatcher: &Dispatcher,
    options: &ManifestOptions,
) -> Result<Manifest, ManifestError> {
    let mut notes = Notes::default();
    let base = base_url(&options.base_url, &mut notes)?;
    let name = app_name(&options.name)?;
    let catalog = dispatcher.catalog();
    let slash_commands = slash_commands(catalog, &format!("{base}{COMMANDS_ROUTE}"), &mut notes)?;
    let mut subscriptions = Subscriptions::of(dispatcher, &mut notes);
    let mut scopes = needed_scopes(dispatcher, &subscriptions);
    scopes.extend(extra_scopes(&options.scopes)?);
    let user_scopes = extra_scopes(&options.user_scopes)?.into_iter().collect();
    let redirect_urls = match options.distribution {
        true => {
            // Installations are kept by these two (they need no scope).
            subscriptions.bot_events.extend(DISTRIBUTION_EVENTS);
            notes.distribution(&base);
            vec![format!("{base}{OAUTH_REDIRECT_ROUTE}")]
        }
        false => Vec::new(),
    };

    let app = AppManifest {
        metadata: Metadata {
            major_version: 1,
            minor_version: 1,
        },
        display_information: DisplayInformation { name: name.clone() },
        features: features(name, slash_commands, &subscriptions),
        oauth_config: OauthConfig {
            redirect_urls,
            scopes: Scopes {
                bot: scopes,
                user: user_scopes,
            },
        },
        settings: settings(&base, &subscriptions),
    };
    Ok(Manifest {
        app,
        notes: notes.into_lines(),
    })
}

/// The bot scopes `dispatcher`'s registrations need, and `extra` ones (blank ones skipped), as
/// the manifest asks for them: what Slack's OAuth install asks for too.
pub fn bot_scopes<S: AsRef<str>>(
    dispatcher: &Dispatcher,
    extra: &[S],
) -> Result<BTreeSet<String>, ManifestError> {
    let subscriptions = Subscriptions::of(dispatcher, &mut Notes::default());
    let mut scopes = needed_scopes(dispatcher, &subscriptions);
    let extra: Vec<String> = extra.iter().map(|s| s.as_ref().to_string()).collect();
    scopes.extend(extra_scopes(&extra)?);
    Ok(scopes)
}

fn needed_scopes(dispatcher: &Dispatcher, subscriptions: &Subscriptions) -> BTreeSet<String> {
    let mut scopes: BTreeSet<String> = BASE_SCOPES.map(String::from).into();
    scopes.extend(subscriptions.scopes().map(String::from));
    if !dispatcher.catalog().is_empty() || !subscriptions.shortcuts.is_empty() {
        scopes.insert("commands".to_string());
    }
    scopes
}

fn features(
    name: String,
    slash_commands: Vec<SlashCommand>,
    subscriptions: &Subscriptions,
) -> Features {
    Features {
        app_home: AppHome {
            // A handler of `app_home_opened` publishes the Home tab; without one it is blank.
            home_tab_enabled: subscriptions.bot_events.contains("app_home_opened"),
            // Direct messages are commands: the Messages tab must take them.
            messages_tab_enabled: true,
            messages_tab_read_only_enabled: false,
        },
        bot_user: BotUser {
            display_name: name,
            always_online: true,
        },
        shortcuts: Vec::new(),
        slash_commands,
        assistant_view: (subscriptions
            .bot_events
            .contains("assistant_thread_started"))
        .then(|| AssistantView {
            assistant_description: "Answers your questions as they are written.".into(),
        }),
    }
}

fn settings(base: &str, subscriptions: &Subscriptions) -> Settings {
    let interactions_url = format!("{base}{INTERACTIONS_ROUTE}");
    Settings {
        event_subscriptions: EventSubscriptions {
            request_url: format!("{base}{EVENTS_ROUTE}"),
            bot_events: subscriptions
                .bot_events
                .iter()
                .map(|e| e.to_string())
                .collect(),
        },
        interactivity: Interactivity {
            is_enabled: true,
            message_menu_options_url: subscriptions
                .options_menus
                .then(|| interactions_url.clone()),
            request_url: interactions_url,
        },
        org_deploy_enabled: false,
        socket_mode_enabled: false,
        token_rotation_enabled: false,
    }
}
