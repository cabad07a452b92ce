//! Whole manifests from bots' registrations, written as YAML and read back as Slack would.

use std::collections::BTreeSet;

use ackbot_core::{Bot, Reply, cmd};
use serde_json::{Value, json};

use super::*;

async fn ok() -> Reply {
    Reply::text("ok")
}

fn options() -> ManifestOptions {
    ManifestOptions::new("https://e.com")
}

/// The manifest of `bot`, written as YAML and read back, and its notes.
fn manifest(bot: Bot, options: &ManifestOptions) -> (Value, Vec<String>) {
    let dispatcher = bot.build().expect("the bot builds");
    let manifest = build(&dispatcher, options).expect("a manifest");
    let yaml = manifest.app.to_yaml();
    let value =
        serde_yaml_ng::from_str(&yaml).unwrap_or_else(|e| panic!("not YAML ({e}):\n{yaml}"));
    (value, manifest.notes)
}

fn error(bot: Bot, options: &ManifestOptions) -> ManifestError {
    let dispatcher = bot.build().expect("the bot builds");
    build(&dispatcher, options).expect_err("no manifest")
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a sequence: {value}"))
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect()
}

#[test]
fn the_document_has_the_manifest_shape() {
    let (m, notes) = manifest(Bot::new(), &options());
    assert_eq!(
        m,
        json!({
            "_metadata": {"major_version": 1, "minor_version": 1},
            "display_information": {"name": "ackbot"},
            "features": {
                "app_home": {
                    "home_tab_enabled": false,
                    "messages_tab_enabled": true,
                    "messages_tab_read_only_enabled": false
                },
                "bot_user": {"display_name": "ackbot", "always_online": true}
            },
            "oauth_config": {"scopes": {"bot": ["app_mentions:read", "chat:write", "im:history"]}},
            "settings": {
                "event_subscriptions": {
                    "request_url": "https://e.com/slack/events",
                    "bot_events": ["app_mention", "message.im"]
                },
                "interactivity": {
                    "is_enabled": true,
                    "request_url": "https://e.com/slack/interactions"
                },
                "org_deploy_enabled": false,
                "socket_mode_enabled": false,
                "token_rotation_enabled": false
            }
        })
    );
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn the_types_read_and_write_slacks_documented_shape() {
    let documented = include_str!("testdata/documented.yaml");
    let app: AppManifest = serde_yaml_ng::from_str(documented).expect("our types read it");
    let expected: Value = serde_yaml_ng::from_str(documented).unwrap();
    let written: Value = serde_yaml_ng::from_str(&app.to_yaml()).unwrap();
    assert_eq!(written, expected);
    assert_eq!(app.features.shortcuts[1].kind, ShortcutKind::Message);
}

#[test]
fn the_keys_come_in_the_order_of_slacks_reference() {
    let dispatcher = Bot::new().command(cmd("roll", ok)).build().unwrap();
    let yaml = build(&dispatcher, &options()).unwrap().app.to_yaml();
    let document: serde_yaml_ng::Mapping = serde_yaml_ng::from_str(&yaml).unwrap();
    let keys = |map: &serde_yaml_ng::Mapping| -> Vec<String> {
        map.keys()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        keys(&document),
        [
            "_metadata",
            "display_information",
            "features",
            "oauth_config",
            "settings"
        ]
    );
    let features = document["features"].as_mapping().unwrap();
    assert_eq!(keys(features), ["app_home", "bot_user", "slash_commands"]);
    let settings = document["settings"].as_mapping().unwrap();
    assert_eq!(
        keys(settings),
        [
            "event_subscriptions",
            "interactivity",
            "org_deploy_enabled",
            "socket_mode_enabled",
            "token_rotation_enabled"
        ]
    );
}

#[test]
fn commands_become_slash_commands_and_line_events_stay_out() {
    let bot = Bot::new()
        .command(cmd("echo", ok).about("Repeat TEXT").usage("TEXT"))
        .command(cmd("ping", ok).about("Answer pong"))
        .on("follow", ok)
        .on("join", ok);
    let (m, notes) = manifest(bot, &ManifestOptions::new("https://example.com/prod/"));
    assert_eq!(
        m["features"]["slash_commands"],
        json!([
            {
                "command": "/echo",
                "url": "https://example.com/prod/slack/commands",
                "description": "Repeat TEXT",
                "usage_hint": "TEXT",
                "should_escape": false
            },
            {
                "command": "/ping",
                "url": "https://example.com/prod/slack/commands",
                "description": "Answer pong",
                "should_escape": false
            }
        ])
    );
    // LINE's follow and join: silently not Slack's.
    assert_eq!(
        strings(&m["settings"]["event_subscriptions"]["bot_events"]),
        ["app_mention", "message.im"]
    );
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        strings(&m["oauth_config"]["scopes"]["bot"]),
        ["app_mentions:read", "chat:write", "commands", "im:history"]
    );
}

#[test]
fn events_subscribe_with_their_scopes_and_unknown_ones_are_noted() {
    let bot = Bot::new()
        .on("reaction_added", ok)
        .on("member_joined_channel", ok)
        .on("app_home_opened", ok)
        .on("team_join", ok)
        .on("follow", ok)
        .on("memberJoined", ok)
        .on("postback", ok)
        .on("view_submission", ok)
        .on("reaction_add", ok);
    let (m, notes) = manifest(bot, &options());
    assert_eq!(
        strings(&m["settings"]["event_subscriptions"]["bot_events"]),
        [
            "app_home_opened",
            "app_mention",
            "member_joined_channel",
            "message.im",
            "reaction_added",
            "team_join"
        ]
    );
    assert_eq!(
        strings(&m["oauth_config"]["scopes"]["bot"]),
        [
            "app_mentions:read",
            "channels:read",
            "chat:write",
            "groups:read",
            "im:history",
            "reactions:read",
            "users:read"
        ]
    );
    assert_eq!(m["features"]["app_home"]["home_tab_enabled"], true);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("`reaction_add`"), "{notes:?}");
}

#[test]
fn a_message_handler_subscribes_to_channel_messages() {
    let (m, notes) = manifest(Bot::new().on("message", ok), &options());
    assert_eq!(
        strings(&m["settings"]["event_subscriptions"]["bot_events"]),
        [
            "app_mention",
            "message.channels",
            "message.groups",
            "message.im",
            "message.mpim"
        ]
    );
    let scopes = strings(&m["oauth_config"]["scopes"]["bot"]);
    for scope in ["channels:history", "groups:history", "mpim:history"] {
        assert!(scopes.contains(&scope), "{scopes:?}");
    }
    assert!(notes[0].contains("message.channels"), "{notes:?}");

    // A subscription name is subscribed to, and the handler will never be called by that name.
    let (m, notes) = manifest(Bot::new().on("message.groups", ok), &options());
    let events = strings(&m["settings"]["event_subscriptions"]["bot_events"]);
    assert!(events.contains(&"message.groups"), "{events:?}");
    assert!(notes[0].contains("`on(\"message\")`"), "{notes:?}");
}

#[test]
fn options_menus_get_the_options_url_and_shortcuts_the_commands_scope() {
    let (m, _) = manifest(Bot::new().action("approve", ok), &options());
    assert!(
        m["settings"]["interactivity"]
            .get("message_menu_options_url")
            .is_none()
    );
    assert!(!strings(&m["oauth_config"]["scopes"]["bot"]).contains(&"commands"));

    for bot in [
        Bot::new().options("pick_user", ok),
        Bot::new().on("block_suggestion", ok),
    ] {
        let (m, notes) = manifest(bot, &options());
        let interactivity = &m["settings"]["interactivity"];
        assert_eq!(
            interactivity["message_menu_options_url"],
            "https://e.com/slack/interactions"
        );
        assert_eq!(
            interactivity["request_url"],
            "https://e.com/slack/interactions"
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    let bot = Bot::new()
        .on("message_action", ok)
        .shortcut("new_ticket", ok);
    let (m, notes) = manifest(bot, &options());
    assert!(strings(&m["oauth_config"]["scopes"]["bot"]).contains(&"commands"));
    assert!(m["features"].get("shortcuts").is_none(), "{m}");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("(message_action, new_ticket)"),
        "{notes:?}"
    );
}

#[test]
fn extra_scopes_are_merged_sorted_and_checked() {
    let opts = options().with_scopes(["users:read", "reactions:write", "chat:write", " "]);
    let (m, _) = manifest(Bot::new().on("team_join", ok), &opts);
    assert_eq!(
        strings(&m["oauth_config"]["scopes"]["bot"]),
        [
            "app_mentions:read",
            "chat:write",
            "im:history",
            "reactions:write",
            "users:read"
        ]
    );

    let e = error(Bot::new(), &options().with_scopes(["Reactions Write"]));
    assert!(matches!(e, ManifestError::Scope { ref scope } if scope == "Reactions Write"));
}

#[test]
fn the_app_name_names_the_bot_user_too() {
    let opts = options().with_name("  Deploy Bot 🚀 ");
    let (m, _) = manifest(Bot::new(), &opts);
    assert_eq!(m["display_information"]["name"], "Deploy Bot 🚀");
    assert_eq!(m["features"]["bot_user"]["display_name"], "Deploy Bot 🚀");
    let e = error(Bot::new(), &options().with_name(" "));
    assert!(matches!(e, ManifestError::AppName { .. }), "{e}");
}

#[test]
fn registrations_slack_refuses_are_refused() {
    let e = error(Bot::new().command(cmd("roll!", ok)), &options());
    assert!(matches!(e, ManifestError::CommandName { ref name, .. } if name == "roll!"));
    let bot = (0..=50).fold(Bot::new(), |bot, i| bot.command(cmd(&format!("c{i}"), ok)));
    let e = error(bot, &options());
    assert_eq!(e, ManifestError::TooManyCommands { count: 51 });
    // The base URL is checked first.
    let e = error(
        Bot::new().command(cmd("roll!", ok)),
        &ManifestOptions::new("e.com"),
    );
    assert!(matches!(e, ManifestError::BaseUrl { .. }), "{e}");
    // ackbot-core lowercases names as they are registered.
    let (m, _) = manifest(Bot::new().command(cmd("/Deploy", ok)), &options());
    assert_eq!(m["features"]["slash_commands"][0]["command"], "/deploy");
}

#[test]
fn notes_come_in_the_order_they_arose() {
    let bot = Bot::new()
        .command(cmd("remind", ok).about("x".repeat(101)))
        .on("message", ok)
        .on("reaction_add", ok)
        .shortcut("new_ticket", ok);
    let opts = ManifestOptions::new("http://localhost:3000");
    let (_, notes) = manifest(bot, &opts);
    let starts: Vec<&str> = notes.iter().map(|n| &n[..n.len().min(20)]).collect();
    assert_eq!(
        starts,
        [
            "warning: http://loca",
            "Slack has a built-in",
            "/remind: its text is",
            "the `message` handle",
            "`reaction_add` is no",
            "shortcuts are regist"
        ]
    );
}

#[test]
fn texts_read_back_exactly() {
    let samples = [
        "plain",
        "key: value # not a comment",
        "\"quoted\" and 'single' \\ backslash",
        "- looks like a list",
        "yes",
        "null",
        "1e3",
        "[TEXT]",
        "日本語 🍙 émoji",
        "tab\tnew\nline\rcr",
        "\u{0}\u{1b}\u{7f}\u{85}\u{9f}\u{a0}",
        "line\u{2028}para\u{2029}bom\u{feff}non\u{fffe}\u{ffff}",
        "{ [ & * ! | > % @ `",
        " padded ",
        "",
    ];
    let dispatcher = Bot::new().command(cmd("roll", ok)).build().unwrap();
    let mut app = build(&dispatcher, &options()).unwrap().app;
    for text in samples {
        app.display_information.name = text.to_string();
        app.features.slash_commands[0].usage_hint = Some(text.to_string());
        let yaml = app.to_yaml();
        let back: AppManifest =
            serde_yaml_ng::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
        assert_eq!(back, app, "{yaml}");
    }
}

#[test]
fn distribution_adds_the_redirect_url_the_user_scopes_and_the_uninstall_events() {
    let bot = || Bot::new().command(cmd("ok", ok));
    let (plain, _) = manifest(bot(), &options());
    assert!(
        plain["oauth_config"].get("redirect_urls").is_none(),
        "{plain}"
    );
    assert!(
        plain["oauth_config"]["scopes"].get("user").is_none(),
        "{plain}"
    );
    let many = ManifestOptions::new("https://e.com/prod/")
        .with_distribution(true)
        .with_user_scopes(["search:read", " "]);
    let (m, notes) = manifest(bot(), &many);
    assert_eq!(
        strings(&m["oauth_config"]["redirect_urls"]),
        ["https://e.com/prod/slack/oauth_redirect"]
    );
    assert_eq!(
        strings(&m["oauth_config"]["scopes"]["user"]),
        ["search:read"]
    );
    let events = strings(&m["settings"]["event_subscriptions"]["bot_events"]);
    assert!(
        events.contains(&"app_uninstalled") && events.contains(&"tokens_revoked"),
        "{events:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("https://e.com/prod/slack/install")),
        "{notes:?}"
    );
    // The install asks for exactly the bot scopes the manifest lists.
    let dispatcher = bot().build().unwrap();
    let scopes = bot_scopes(&dispatcher, &["reactions:write"]).unwrap();
    let (with_extra, _) = manifest(bot(), &options().with_scopes(["reactions:write"]));
    let listed: BTreeSet<String> = strings(&with_extra["oauth_config"]["scopes"]["bot"])
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(scopes, listed);
    assert!(bot_scopes(&dispatcher, &["Not A Scope"]).is_err());
}
