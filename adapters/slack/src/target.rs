//! Where a command's replies go: its `response_url`, a channel (`chat.postMessage`), or nowhere.

use std::fmt;

use crate::client::host_of;

/// Where a command's replies go.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum ReplyTarget {
    /// The `response_url` of a slash command or interaction.
    ResponseUrl(String),
    /// A channel, through `chat.postMessage`; ephemeral replies through `chat.postEphemeral` to
    /// `user` when there is one (not in direct messages, which are private anyway).
    Channel {
        channel: String,
        thread_ts: Option<String>,
        user: Option<String>,
    },
    /// Nowhere: the payload names no place to reply; the reason is logged.
    Nowhere(&'static str),
}

// A `response_url`'s path is a credential: Debug shows only its host.
impl fmt::Debug for ReplyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyTarget::ResponseUrl(url) => write!(f, "ResponseUrl({})", host_of(url)),
            ReplyTarget::Channel {
                channel,
                thread_ts,
                user,
            } => f
                .debug_struct("Channel")
                .field("channel", channel)
                .field("thread_ts", thread_ts)
                .field("user", user)
                .finish(),
            ReplyTarget::Nowhere(reason) => write!(f, "Nowhere({reason})"),
        }
    }
}

impl ReplyTarget {
    /// `chat.postMessage` to `channel` when there is one, else nowhere.
    pub(crate) fn channel(channel: Option<&str>, thread_ts: Option<&str>) -> Self {
        match channel.filter(|c| !c.is_empty()) {
            Some(channel) => ReplyTarget::Channel {
                channel: channel.to_string(),
                thread_ts: thread_ts.filter(|t| !t.is_empty()).map(str::to_string),
                user: None,
            },
            None => ReplyTarget::Nowhere("the payload names no response_url and no channel"),
        }
    }

    /// Shows ephemeral replies in a channel to `user` with `chat.postEphemeral`; nothing changes
    /// for other targets, for a blank user, or in a direct message (`D…`), where every reply is
    /// private already.
    pub(crate) fn ephemeral_to(mut self, user: Option<&str>) -> Self {
        if let ReplyTarget::Channel {
            channel,
            user: slot,
            ..
        } = &mut self
            && !channel.starts_with('D')
        {
            *slot = user.filter(|u| !u.is_empty()).map(str::to_string);
        }
        self
    }

    /// The `response_url` when there is one, else `fallback`.
    pub(crate) fn response_url_or(response_url: Option<&str>, fallback: ReplyTarget) -> Self {
        match response_url.filter(|u| !u.is_empty()) {
            Some(url) => ReplyTarget::ResponseUrl(url.to_string()),
            None => fallback,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOOK_PATH: &str = "/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN";
    const HOOK_SECRET: &str = "96rGlfmibIGlgcZRskXaIFfN";

    #[test]
    fn debug_never_shows_the_response_url_path() {
        let target = ReplyTarget::ResponseUrl(format!("http://127.0.0.1:9{HOOK_PATH}"));
        let text = format!("{target:?}");
        assert!(!text.contains(HOOK_SECRET), "{text}");
        assert_eq!(text, "ResponseUrl(127.0.0.1)");
    }

    #[test]
    fn empty_places_do_not_count() {
        assert!(matches!(
            ReplyTarget::channel(Some(""), Some("1.0")),
            ReplyTarget::Nowhere(_)
        ));
        assert_eq!(
            ReplyTarget::channel(Some("C1"), Some("")),
            ReplyTarget::Channel {
                channel: "C1".into(),
                thread_ts: None,
                user: None,
            }
        );
        let fallback = ReplyTarget::channel(Some("C1"), None);
        assert_eq!(
            ReplyTarget::response_url_or(Some(""), fallback.clone()),
            fallback
        );
        assert_eq!(
            ReplyTarget::response_url_or(Some("https://h/x"), fallback),
            ReplyTarget::ResponseUrl("https://h/x".into())
        );
    }
}
