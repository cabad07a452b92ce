//! A slash command: the `application/x-www-form-urlencoded` form Slack posts to the command's
//! Request URL.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::lenient;

/// A slash command's form fields, as Slack documents them. Every field is optional: parsing
/// decides which ones a request needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SlashCommand {
    /// The deprecated verification token; ackbot checks the signature instead.
    #[serde(deserialize_with = "lenient")]
    pub token: Option<String>,
    /// The workspace's id, e.g. `T0001`.
    #[serde(deserialize_with = "lenient")]
    pub team_id: Option<String>,
    /// The workspace's domain, e.g. `example`.
    #[serde(deserialize_with = "lenient")]
    pub team_domain: Option<String>,
    /// The Enterprise Grid organisation's id, when there is one.
    #[serde(deserialize_with = "lenient")]
    pub enterprise_id: Option<String>,
    /// The Enterprise Grid organisation's name, when there is one.
    #[serde(deserialize_with = "lenient")]
    pub enterprise_name: Option<String>,
    /// The channel the command was typed in (`C…`, `G…`, or `D…` for a direct message).
    #[serde(deserialize_with = "lenient")]
    pub channel_id: Option<String>,
    /// The channel's name; `directmessage` in a direct message.
    #[serde(deserialize_with = "lenient")]
    pub channel_name: Option<String>,
    /// The id of the user who typed the command.
    #[serde(deserialize_with = "lenient")]
    pub user_id: Option<String>,
    /// The user's name (deprecated by Slack, still sent).
    #[serde(deserialize_with = "lenient")]
    pub user_name: Option<String>,
    /// The command as typed, with its slash: `/echo`.
    #[serde(deserialize_with = "lenient")]
    pub command: Option<String>,
    /// What the user typed after the command.
    #[serde(deserialize_with = "lenient")]
    pub text: Option<String>,
    /// Where to post up to five replies within 30 minutes; its path is a credential.
    #[serde(deserialize_with = "lenient")]
    pub response_url: Option<String>,
    /// A short-lived id for opening a modal.
    #[serde(deserialize_with = "lenient")]
    pub trigger_id: Option<String>,
    /// The app's id.
    #[serde(deserialize_with = "lenient")]
    pub api_app_id: Option<String>,
    /// `1` in Slack's certificate check, which is signed but asks for nothing.
    #[serde(deserialize_with = "lenient")]
    pub ssl_check: Option<String>,
}

impl SlashCommand {
    /// Every field of a form body as a JSON object of strings (what `Incoming::payload` carries); of a
    /// repeated name, the first value is kept. Bytes that are not UTF-8 become U+FFFD.
    pub fn form_fields(body: &[u8]) -> Map<String, Value> {
        let mut fields = Map::new();
        for (name, value) in form_urlencoded::parse(body) {
            fields
                .entry(name.into_owned())
                .or_insert_with(|| Value::String(value.into_owned()));
        }
        fields
    }

    /// Reads the fields [`SlashCommand::form_fields`] gives; absent fields are `None`.
    pub fn from_fields(fields: &Map<String, Value>) -> Self {
        // Cannot fail: every field is optional and read leniently.
        Self::deserialize(fields).unwrap_or_default()
    }

    /// Whether this is Slack's certificate check (`ssl_check=1`).
    pub fn is_ssl_check(&self) -> bool {
        self.ssl_check.as_deref() == Some("1")
    }
}
