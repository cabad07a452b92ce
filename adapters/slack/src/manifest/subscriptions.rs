//! What the bot's `on` and interaction handlers ask of a Slack app: the Events API types to
//! subscribe to (and so the scopes), whether menus ask for their options, and shortcuts.

use std::collections::BTreeSet;

use ackbot_core::{Dispatcher, InteractionKind};

use super::event_types::{CHANNEL_MESSAGES, INTERACTION_PAYLOADS, LINE_EVENTS, scopes_of};
use super::notes::Notes;

/// Commands come by mention and in direct messages, whatever else the bot registered.
const ALWAYS_SUBSCRIBED: [&str; 2] = ["app_mention", "message.im"];

/// The Slack side of a bot's `on`, `options` and `shortcut` registrations.
#[derive(Debug)]
pub(super) struct Subscriptions {
    /// The Events API types to subscribe to.
    pub(super) bot_events: BTreeSet<&'static str>,
    /// Whether a menu asks for its options (`block_suggestion`).
    pub(super) options_menus: bool,
    /// The shortcuts' `callback_id`s (or payload types), in registration order.
    pub(super) shortcuts: Vec<String>,
}

impl Subscriptions {
    /// What `dispatcher`'s registrations need, with a note on what the manifest cannot say.
    pub(super) fn of(dispatcher: &Dispatcher, notes: &mut Notes) -> Self {
        let mut subscriptions = Subscriptions {
            bot_events: BTreeSet::from(ALWAYS_SUBSCRIBED),
            options_menus: false,
            shortcuts: Vec::new(),
        };
        for event in dispatcher.events() {
            subscriptions.add_event(event, notes);
        }
        for (kind, id) in dispatcher.interactions() {
            match kind {
                InteractionKind::Options => subscriptions.options_menus = true,
                InteractionKind::Shortcut => subscriptions.shortcuts.push(id.to_string()),
                _ => {}
            }
        }
        if !subscriptions.shortcuts.is_empty() {
            notes.shortcuts(&subscriptions.shortcuts);
        }
        subscriptions
    }

    /// The bot scopes the subscriptions need.
    pub(super) fn scopes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.bot_events
            .iter()
            .filter_map(|event| scopes_of(event))
            .flat_map(|(_, scopes)| scopes.iter().copied())
    }

    /// An `on(event)` handler: a subscription, an interaction, LINE's, or unknown.
    fn add_event(&mut self, event: &str, notes: &mut Notes) {
        match event {
            "message" => {
                notes.channel_messages(CHANNEL_MESSAGES);
                self.bot_events.extend(CHANNEL_MESSAGES);
            }
            "block_suggestion" => self.options_menus = true,
            "shortcut" | "message_action" => self.shortcuts.push(event.to_string()),
            _ if INTERACTION_PAYLOADS.contains(&event) || LINE_EVENTS.contains(&event) => {}
            _ => match scopes_of(event) {
                Some((known, _)) => {
                    if known.starts_with("message.") {
                        notes.subscription_name(known);
                    }
                    self.bot_events.insert(known);
                }
                None => notes.unknown_event(event),
            },
        }
    }
}
