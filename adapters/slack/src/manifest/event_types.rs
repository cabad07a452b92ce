//! The event and payload types a bot registers `on` handlers for, sorted by where they go in a
//! Slack app: Events API subscriptions (with the bot scopes each needs), interactivity payloads,
//! and LINE's webhook events, which have no place in it.

/// Slack Events API types a handler can register for with `Bot::on`, each with the bot scopes its
/// subscription needs. `message` is special: see [`CHANNEL_MESSAGES`].
pub(super) const EVENTS: &[(&str, &[&str])] = &[
    ("app_home_opened", &[]),
    ("app_mention", &["app_mentions:read"]),
    ("app_uninstalled", &[]),
    ("assistant_thread_context_changed", &["assistant:write"]),
    ("assistant_thread_started", &["assistant:write"]),
    ("channel_archive", &["channels:read"]),
    ("channel_created", &["channels:read"]),
    ("channel_deleted", &["channels:read"]),
    ("channel_history_changed", &["channels:history"]),
    ("channel_id_changed", &["channels:read"]),
    ("channel_left", &["channels:read"]),
    ("channel_rename", &["channels:read"]),
    ("channel_shared", &["channels:read"]),
    ("channel_unarchive", &["channels:read"]),
    ("channel_unshared", &["channels:read"]),
    ("dnd_updated_user", &["dnd:read"]),
    ("emoji_changed", &["emoji:read"]),
    ("file_change", &["files:read"]),
    ("file_created", &["files:read"]),
    ("file_deleted", &["files:read"]),
    ("file_public", &["files:read"]),
    ("file_shared", &["files:read"]),
    ("file_unshared", &["files:read"]),
    ("group_archive", &["groups:read"]),
    ("group_close", &["groups:read"]),
    ("group_deleted", &["groups:read"]),
    ("group_history_changed", &["groups:history"]),
    ("group_left", &["groups:read"]),
    ("group_open", &["groups:read"]),
    ("group_rename", &["groups:read"]),
    ("group_unarchive", &["groups:read"]),
    ("im_close", &["im:read"]),
    ("im_created", &["im:read"]),
    ("im_history_changed", &["im:history"]),
    ("im_open", &["im:read"]),
    ("link_shared", &["links:read"]),
    ("member_joined_channel", &["channels:read", "groups:read"]),
    ("member_left_channel", &["channels:read", "groups:read"]),
    ("message.channels", &["channels:history"]),
    ("message.groups", &["groups:history"]),
    ("message.im", &["im:history"]),
    ("message.mpim", &["mpim:history"]),
    ("message_metadata_deleted", &["metadata.message:read"]),
    ("message_metadata_posted", &["metadata.message:read"]),
    ("message_metadata_updated", &["metadata.message:read"]),
    ("pin_added", &["pins:read"]),
    ("pin_removed", &["pins:read"]),
    ("reaction_added", &["reactions:read"]),
    ("reaction_removed", &["reactions:read"]),
    ("subteam_created", &["usergroups:read"]),
    ("subteam_members_changed", &["usergroups:read"]),
    ("subteam_self_added", &["usergroups:read"]),
    ("subteam_self_removed", &["usergroups:read"]),
    ("subteam_updated", &["usergroups:read"]),
    ("team_domain_change", &["team:read"]),
    ("team_join", &["users:read"]),
    ("team_rename", &["team:read"]),
    ("tokens_revoked", &[]),
    ("user_change", &["users:read"]),
    ("user_profile_changed", &["users:read"]),
    ("user_status_changed", &["users:read"]),
];

/// Slack delivers every message event with the type `message`, which is what an `on("message")`
/// handler receives; the subscriptions are per conversation type. Direct messages are commands
/// (`message.im`, always subscribed), so such a handler wants the others.
pub(super) const CHANNEL_MESSAGES: &[&str] =
    &["message.channels", "message.groups", "message.mpim"];

/// Interactivity payload types an `on` handler may take: they arrive at the interactivity
/// request URL, which is always set, and need no event subscription.
pub(super) const INTERACTION_PAYLOADS: &[&str] = &[
    "block_actions",
    "block_suggestion",
    "message_action",
    "shortcut",
    "view_closed",
    "view_submission",
];

/// LINE's webhook event types: a bot that serves both platforms registers them, and they have no
/// place in a Slack app.
pub(super) const LINE_EVENTS: &[&str] = &[
    "accountLink",
    "activated",
    "beacon",
    "botResumed",
    "botSuspended",
    "deactivated",
    "follow",
    "join",
    "leave",
    "memberJoined",
    "memberLeft",
    "membership",
    "module",
    "postback",
    "things",
    "unfollow",
    "unsend",
    "videoPlayComplete",
];

/// The scopes a subscription to the Events API type `event` needs, if ackbot knows the type; the
/// type as the table holds it.
pub(super) fn scopes_of(event: &str) -> Option<(&'static str, &'static [&'static str])> {
    EVENTS.iter().find(|(known, _)| *known == event).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_sorted_and_apart() {
        assert!(EVENTS.windows(2).all(|w| w[0].0 < w[1].0));
        for name in CHANNEL_MESSAGES {
            assert!(scopes_of(name).is_some(), "{name}");
        }
        for name in INTERACTION_PAYLOADS.iter().chain(LINE_EVENTS) {
            assert!(scopes_of(name).is_none(), "{name}");
        }
        assert_eq!(
            scopes_of("reaction_added"),
            Some(("reaction_added", &["reactions:read"][..]))
        );
        assert_eq!(scopes_of("reaction_add"), None);
    }
}
