//! An installation of the app — in one workspace, or org-wide in an Enterprise Grid org — as
//! handlers see it ([`Installation`], without tokens) and as the store keeps it
//! ([`InstallationRecord`], with them); the key it is found by; and the workspace a request came
//! from ([`Workspace`]).

use std::fmt;

use ackbot_core::{ExposeSecret, FromIncoming, Request, SecretString, UnavailableRejection};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An installation of the app, without its tokens: an extractor for handlers in distribution
/// mode (`SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` set).
///
/// ```
/// use ackbot_slack::oauth::Installation;
///
/// async fn whoami(installation: Installation) -> String {
///     format!("installed in {} by <@{}>", installation.team_name.unwrap_or_default(), installation.user_id)
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Installation {
    /// The app's id (`A…`).
    pub app_id: String,
    /// The workspace (`T…`); `None` for an org-wide install.
    pub team_id: Option<String>,
    /// The workspace's name.
    pub team_name: Option<String>,
    /// The Enterprise Grid org (`E…`), if any.
    pub enterprise_id: Option<String>,
    /// The org's name.
    pub enterprise_name: Option<String>,
    /// Whether the app was installed for the whole org.
    pub is_enterprise_install: bool,
    /// The bot user's id (`U…`).
    pub bot_user_id: String,
    /// The bot token's scopes.
    pub bot_scopes: Vec<String>,
    /// The user who installed the app.
    pub user_id: String,
    /// The scopes that user granted the app, if it asked for user scopes.
    pub user_scopes: Vec<String>,
    /// When it was installed, in ms since the epoch.
    pub installed_at_ms: i64,
}

impl Installation {
    /// The key it is stored under: the org for an org-wide install, else the workspace.
    pub fn key(&self) -> InstallationKey {
        match (&self.enterprise_id, &self.team_id) {
            (Some(enterprise), _) if self.is_enterprise_install => {
                InstallationKey::Enterprise(enterprise.clone())
            }
            (_, Some(team)) => InstallationKey::Team(team.clone()),
            (Some(enterprise), None) => InstallationKey::Enterprise(enterprise.clone()),
            (None, None) => InstallationKey::Team(String::new()),
        }
    }
}

impl FromIncoming for Installation {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        request
            .extension::<Installation>()
            .cloned()
            .ok_or(UnavailableRejection {
                what: "the Slack installation (distribution mode, a workspace that installed the app)",
            })
    }
}

/// What an installation is found by: the workspace, or the org for an org-wide install.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstallationKey {
    /// A workspace (`T…`).
    Team(String),
    /// An Enterprise Grid org (`E…`), installed org-wide.
    Enterprise(String),
}

impl fmt::Display for InstallationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstallationKey::Team(id) => write!(f, "team:{id}"),
            InstallationKey::Enterprise(id) => write!(f, "enterprise:{id}"),
        }
    }
}

/// A token and, with token rotation on, what renews it.
#[derive(Clone, Debug)]
pub struct Token {
    /// The token (`xoxb-…`, `xoxe.xoxb-…` with rotation, `xoxp-…` for a user).
    pub token: SecretString,
    /// The refresh token (`xoxe-…`), with rotation on.
    pub refresh_token: Option<SecretString>,
    /// When the token expires, in ms since the epoch, with rotation on.
    pub expires_at_ms: Option<i64>,
}

impl Token {
    /// The token in an `oauth.v2.access` answer (or its `authed_user`) given at `now_ms`:
    /// `access_token`, and with rotation on `refresh_token` and `expires_in`.
    pub(crate) fn from_answer(answer: &Value, now_ms: i64) -> Option<Self> {
        let text = |name: &str| answer.get(name).and_then(Value::as_str).map(str::to_string);
        Some(Self {
            token: text("access_token")?.into(),
            refresh_token: text("refresh_token").map(Into::into),
            expires_at_ms: (answer.get("expires_in").and_then(Value::as_i64))
                .map(|secs| now_ms + secs * 1000),
        })
    }

    /// A token that does not expire.
    pub fn new(token: impl Into<SecretString>) -> Self {
        Self {
            token: token.into(),
            refresh_token: None,
            expires_at_ms: None,
        }
    }
}

/// An installation as the store keeps it: with its bot token and the installing user's token.
#[derive(Clone, Debug)]
pub struct InstallationRecord {
    /// The installation.
    pub installation: Installation,
    /// The bot token.
    pub bot: Token,
    /// The installing user's token, when the app asked for user scopes.
    pub user: Option<Token>,
    /// Whether its refresh token was refused (`invalid_grant`): only a new install helps.
    pub needs_reinstall: bool,
}

/// The stored form: the same fields with the tokens as plain strings.
#[derive(Serialize, Deserialize)]
struct Stored {
    installation: Installation,
    bot: StoredToken,
    user: Option<StoredToken>,
    #[serde(default)]
    needs_reinstall: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredToken {
    token: String,
    refresh_token: Option<String>,
    expires_at_ms: Option<i64>,
}

impl From<&Token> for StoredToken {
    fn from(t: &Token) -> Self {
        Self {
            token: t.token.expose_secret().to_string(),
            refresh_token: t
                .refresh_token
                .as_ref()
                .map(|r| r.expose_secret().to_string()),
            expires_at_ms: t.expires_at_ms,
        }
    }
}

impl From<StoredToken> for Token {
    fn from(t: StoredToken) -> Self {
        Self {
            token: t.token.into(),
            refresh_token: t.refresh_token.map(Into::into),
            expires_at_ms: t.expires_at_ms,
        }
    }
}

impl InstallationRecord {
    /// The record as JSON, tokens included, for a store to keep: what protects it at rest is
    /// the store's (DynamoDB's encryption and IAM, the data directory's file permissions).
    pub fn to_json(&self) -> String {
        let stored = Stored {
            installation: self.installation.clone(),
            bot: (&self.bot).into(),
            user: self.user.as_ref().map(Into::into),
            needs_reinstall: self.needs_reinstall,
        };
        serde_json::to_string(&stored).expect("a record always serialises")
    }

    /// A record from [`to_json`](Self::to_json)'s form.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        let stored: Stored = serde_json::from_str(json)?;
        Ok(Self {
            installation: stored.installation,
            bot: stored.bot.into(),
            user: stored.user.map(Into::into),
            needs_reinstall: stored.needs_reinstall,
        })
    }

    /// The record of a successful `oauth.v2.access` exchange (`answer`) at `now_ms`.
    pub(crate) fn from_access(answer: &Value, now_ms: i64) -> Option<Self> {
        let text = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).map(str::to_string);
        let scopes = |v: &Value| {
            text(v, "scope")
                .map(|s| {
                    s.split(',')
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default()
        };
        let team = answer.get("team").filter(|t| !t.is_null());
        let enterprise = answer.get("enterprise").filter(|e| !e.is_null());
        let authed_user = answer.get("authed_user").cloned().unwrap_or(Value::Null);
        let installation = Installation {
            app_id: text(answer, "app_id").unwrap_or_default(),
            team_id: team.and_then(|t| text(t, "id")),
            team_name: team.and_then(|t| text(t, "name")),
            enterprise_id: enterprise.and_then(|e| text(e, "id")),
            enterprise_name: enterprise.and_then(|e| text(e, "name")),
            is_enterprise_install: answer.get("is_enterprise_install") == Some(&Value::Bool(true)),
            bot_user_id: text(answer, "bot_user_id").unwrap_or_default(),
            bot_scopes: scopes(answer),
            user_id: text(&authed_user, "id").unwrap_or_default(),
            user_scopes: scopes(&authed_user),
            installed_at_ms: now_ms,
        };
        let has_place = installation.team_id.is_some() || installation.enterprise_id.is_some();
        Some(Self {
            bot: Token::from_answer(answer, now_ms).filter(|_| has_place)?,
            user: Token::from_answer(&authed_user, now_ms),
            installation,
            needs_reinstall: false,
        })
    }
}

/// The workspace a request came from, as its payload names it: where its installation is
/// looked up, and what a custom [`Authorize`](super::Authorize) hook is given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Workspace {
    /// The workspace (`T…`).
    pub team_id: Option<String>,
    /// The Enterprise Grid org (`E…`).
    pub enterprise_id: Option<String>,
    /// Whether the app that received it is installed org-wide.
    pub is_enterprise_install: bool,
}

impl Workspace {
    /// The workspace a payload names: a slash command's `team_id` and `enterprise_id`, an
    /// interaction's `team` and `enterprise`, an event callback's `authorizations` or `team_id`.
    pub fn of(payload: &Value) -> Self {
        let text = |v: Option<&Value>| {
            v.and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let id_of = |name: &str| {
            text(payload.get(format!("{name}_id").as_str()))
                .or_else(|| text(payload.get(name).and_then(|o| o.get("id"))))
        };
        let authorization = payload
            .get("authorizations")
            .and_then(|a| a.get(0))
            .cloned()
            .unwrap_or(Value::Null);
        let flag = |v: Option<&Value>| {
            matches!(v, Some(Value::Bool(true))) || text(v).as_deref() == Some("true")
        };
        Self {
            team_id: id_of("team").or_else(|| text(authorization.get("team_id"))),
            enterprise_id: id_of("enterprise").or_else(|| text(authorization.get("enterprise_id"))),
            is_enterprise_install: flag(payload.get("is_enterprise_install"))
                || flag(authorization.get("is_enterprise_install")),
        }
    }

    /// The keys its installation may be under, the likelier first.
    pub fn keys(&self) -> Vec<InstallationKey> {
        let team = self.team_id.clone().map(InstallationKey::Team);
        let enterprise = self.enterprise_id.clone().map(InstallationKey::Enterprise);
        match self.is_enterprise_install {
            true => enterprise.into_iter().chain(team).collect(),
            false => team.into_iter().chain(enterprise).collect(),
        }
    }

    /// How the log names it.
    pub fn describe(&self) -> String {
        match (&self.team_id, &self.enterprise_id) {
            (Some(team), Some(enterprise)) => format!("team {team} (org {enterprise})"),
            (Some(team), None) => format!("team {team}"),
            (None, Some(enterprise)) => format!("org {enterprise}"),
            (None, None) => "an unnamed workspace".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_access_answer_becomes_a_record_keyed_by_team_or_org() {
        // As Slack documents oauth.v2.access's answer.
        let answer = json!({
            "ok": true, "access_token": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
            "token_type": "bot", "scope": "commands,incoming-webhook",
            "bot_user_id": "U0KRQLJ9H", "app_id": "A0KRD7HC3",
            "team": {"name": "Slack Softball Team", "id": "T9TK3CUKW"},
            "enterprise": {"name": "slack-sports", "id": "E12345678"},
            "authed_user": {"id": "U1234", "scope": "chat:write", "access_token": "xoxp-1234", "token_type": "user"}
        });
        let record = InstallationRecord::from_access(&answer, 1_000).unwrap();
        let i = &record.installation;
        assert_eq!(i.key(), InstallationKey::Team("T9TK3CUKW".into()));
        assert_eq!(i.bot_scopes, ["commands", "incoming-webhook"]);
        assert_eq!(
            (i.user_id.as_str(), &i.user_scopes[..]),
            ("U1234", &["chat:write".to_string()][..])
        );
        assert_eq!(
            record.user.as_ref().unwrap().token.expose_secret(),
            "xoxp-1234"
        );
        assert!(record.bot.expires_at_ms.is_none());
        let back = InstallationRecord::from_json(&record.to_json()).unwrap();
        assert_eq!(back.installation, record.installation);
        assert_eq!(
            back.bot.token.expose_secret(),
            record.bot.token.expose_secret()
        );
        assert!(!format!("{record:?}").contains("pdFZKVeTuE8sk7oOcBrzbqgy"));

        let org = json!({
            "ok": true, "access_token": "xoxe.xoxb-1-x", "refresh_token": "xoxe-1-y", "expires_in": 43200,
            "bot_user_id": "U0", "app_id": "A0", "team": null,
            "enterprise": {"id": "E1", "name": "Org"}, "is_enterprise_install": true,
            "authed_user": {"id": "U9"}
        });
        let record = InstallationRecord::from_access(&org, 1_000).unwrap();
        assert_eq!(
            record.installation.key(),
            InstallationKey::Enterprise("E1".into())
        );
        assert_eq!(record.bot.expires_at_ms, Some(1_000 + 43_200_000));
        assert!(record.user.is_none());
        assert!(
            InstallationRecord::from_access(&json!({"ok": true, "team": {"id": "T1"}}), 0)
                .is_none()
        );
    }

    #[test]
    fn the_workspace_is_read_from_every_kind_of_payload() {
        let command =
            json!({"team_id": "T1", "enterprise_id": "", "is_enterprise_install": "false"});
        assert_eq!(
            Workspace::of(&command).keys(),
            [InstallationKey::Team("T1".into())]
        );
        let interaction = json!({"team": {"id": "T2"}, "enterprise": {"id": "E2"}, "is_enterprise_install": true});
        assert_eq!(
            Workspace::of(&interaction).keys(),
            [
                InstallationKey::Enterprise("E2".into()),
                InstallationKey::Team("T2".into())
            ]
        );
        let event = json!({"team_id": "T3", "authorizations": [{"enterprise_id": "E3", "team_id": "T3", "is_enterprise_install": false}]});
        let w = Workspace::of(&event);
        assert_eq!(
            w.keys(),
            [
                InstallationKey::Team("T3".into()),
                InstallationKey::Enterprise("E3".into())
            ]
        );
        assert_eq!(w.describe(), "team T3 (org E3)");
        assert!(Workspace::of(&json!({})).keys().is_empty());
    }
}
