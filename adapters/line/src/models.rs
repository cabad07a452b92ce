//! The LINE API's answers that handlers read, typed after the OpenAPI spec
//! (`messaging-api.yml`).

use serde::{Deserialize, Serialize};

/// A user's profile (`UserProfileResponse` of `GET /v2/bot/profile/{userId}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The user's display name.
    pub display_name: String,
    /// The user ID.
    pub user_id: String,
    /// The `https` URL of the profile image; absent when the user has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture_url: Option<String>,
    /// The user's status message; absent when the user has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// The user's language as a BCP 47 tag; absent until the user consents to LINE's Privacy
    /// Policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// One message a reply or push sent (`SentMessage` of `sentMessages`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentMessage {
    /// The ID of the sent message.
    pub id: String,
    /// The quote token of the message, when it can be quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn profile_reads_the_spec_example_and_tolerates_missing_optionals() {
        let example = json!({
            "displayName": "LINE taro",
            "userId": "U4af4980629...",
            "language": "en",
            "pictureUrl": "https://obs.line-apps.com/...",
            "statusMessage": "Hello, LINE!"
        });
        let profile: Profile = serde_json::from_value(example.clone()).unwrap();
        assert_eq!(profile.display_name, "LINE taro");
        assert_eq!(profile.language.as_deref(), Some("en"));
        assert_eq!(serde_json::to_value(&profile).unwrap(), example);

        let bare: Profile =
            serde_json::from_value(json!({"displayName": "x", "userId": "U1"})).unwrap();
        assert_eq!(bare.picture_url, None);
        assert_eq!(bare.status_message, None);
        assert!(serde_json::from_value::<Profile>(json!({"userId": "U1"})).is_err());
    }
}
