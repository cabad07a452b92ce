//! What the person who asked for a manifest should know about it: what was left out, shortened,
//! or is left to do by hand. Every sentence `ackbot manifest slack` prints on stderr is here.

/// The notes gathered while a manifest is built, one line each, in the order they arose.
#[derive(Debug, Default)]
pub(super) struct Notes(Vec<String>);

impl Notes {
    /// The lines, for stderr.
    pub(super) fn into_lines(self) -> Vec<String> {
        self.0
    }

    /// The base URL is plain http on loopback: good for trying things out, not for Slack.
    pub(super) fn not_https(&mut self, url: &str) {
        self.0.push(format!(
            "warning: {url} is not https: Slack sends requests only to https URLs it can reach, \
             so this manifest is for trying things out (give a tunnel's https URL to install it)"
        ));
    }

    /// A command shares its name with one of Slack's own, which wins.
    pub(super) fn built_in_command(&mut self, name: &str) {
        self.0.push(format!(
            "Slack has a built-in /{name}, which comes first: users will not reach this command \
             on Slack (give it another name)"
        ));
    }

    /// A command's description or usage hint was cut to Slack's limit.
    pub(super) fn shortened(&mut self, command: &str, max: usize) {
        self.0.push(format!(
            "{command}: its text is longer than Slack's {max} characters, so it was shortened"
        ));
    }

    /// An `on("message")` handler: which subscriptions it brings.
    pub(super) fn channel_messages(&mut self, subscriptions: &[&str]) {
        self.0.push(format!(
            "the `message` handler subscribes to {}: channel messages (direct messages \
             are commands); drop them if the handler is meant for LINE only",
            subscriptions.join(", ")
        ));
    }

    /// A handler registered for a subscription name (`message.channels`), which never arrives
    /// as an event type.
    pub(super) fn subscription_name(&mut self, event: &str) {
        self.0.push(format!(
            "`{event}` is a subscription name: Slack delivers these events with the \
             type `message`, so register the handler with `on(\"message\")`"
        ));
    }

    /// A handler registered for an event type ackbot does not know.
    pub(super) fn unknown_event(&mut self, event: &str) {
        self.0.push(format!(
            "`{event}` is not a Slack event type ackbot knows: left out of bot_events \
             (add it by hand, with the scopes it needs, if Slack has it)"
        ));
    }

    /// Shortcuts are registered, and the manifest cannot describe them.
    pub(super) fn shortcuts(&mut self, callback_ids: &[String]) {
        self.0.push(format!(
            "shortcuts are registered ({}): add them under features.shortcuts by hand, each with \
             its type (global or message), name and description",
            callback_ids.join(", ")
        ));
    }

    /// Distribution mode: where installs start.
    pub(super) fn distribution(&mut self, base: &str) {
        self.0.push(format!(
            "distribution mode: install the app with {base}/slack/install (not from Slack's \
             page), once the manifest's redirect URL is saved; for other organisations, turn on \
             Manage Distribution → public distribution"
        ));
    }
}
