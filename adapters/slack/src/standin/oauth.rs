//! Slack's OAuth v2 install as the stand-in plays it: `GET /oauth/v2/authorize` approves at
//! once (for the workspace named by `team`, `T0001` by default) and sends the browser back to
//! the `redirect_uri` with a code; `oauth.v2.access` exchanges a code once, and, with token
//! rotation on, spends each refresh token once (a stale one is `invalid_grant`), answering as
//! Slack documents.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{Api, failed, text_arg};

/// The stand-in's installs: codes waiting for their exchange, live refresh tokens.
#[derive(Clone, Default)]
pub(super) struct Installs {
    inner: Arc<Mutex<Issued>>,
    refreshes: Arc<AtomicUsize>,
}

#[derive(Default)]
struct Issued {
    /// Code → (team, client id, redirect URI, bot scopes, user scopes).
    codes: HashMap<String, Grant>,
    /// Refresh token → team.
    refresh_tokens: HashMap<String, Grant>,
    /// Tokens expire after this many seconds, with rotation on.
    rotation: Option<i64>,
}

#[derive(Clone)]
struct Grant {
    team: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    user_scope: String,
}

impl Installs {
    /// Turns token rotation on: tokens expire `expires_in` seconds after they are issued.
    pub(super) fn rotate(&self, expires_in: i64) {
        self.inner.lock().expect("not poisoned").rotation = Some(expires_in);
    }

    /// How many refresh tokens were spent.
    pub(super) fn refreshes(&self) -> usize {
        self.refreshes.load(Ordering::Relaxed)
    }
}

/// `GET /oauth/v2/authorize`: the user approves at once.
pub(super) async fn authorize(
    State(api): State<Api>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| query.get(name).cloned().unwrap_or_default();
    let (client_id, redirect_uri, state) =
        (field("client_id"), field("redirect_uri"), field("state"));
    if client_id.is_empty() || redirect_uri.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            "invalid_client_id or missing redirect_uri",
        )
            .into_response();
    }
    let team = query.get("team").cloned().unwrap_or_else(|| "T0001".into());
    let code = format!("standin-code-{team}-{}", api.next());
    let grant = Grant {
        team,
        client_id,
        redirect_uri: redirect_uri.clone(),
        scope: field("scope"),
        user_scope: field("user_scope"),
    };
    api.installs
        .inner
        .lock()
        .expect("not poisoned")
        .codes
        .insert(code.clone(), grant);
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("code", &code)
        .append_pair("state", &state)
        .finish();
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{separator}{query}");
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// `oauth.v2.access`: a code's exchange, or a refresh.
pub(super) fn access(api: &Api, args: &Map<String, Value>) -> Value {
    let (Some(client_id), Some(_secret)) =
        (text_arg(args, "client_id"), text_arg(args, "client_secret"))
    else {
        return failed("invalid_client_id");
    };
    let mut issued = api.installs.inner.lock().expect("not poisoned");
    let grant = match text_arg(args, "grant_type") {
        Some("refresh_token") => {
            let Some(grant) =
                text_arg(args, "refresh_token").and_then(|r| issued.refresh_tokens.remove(r))
            else {
                return failed("invalid_grant");
            };
            api.installs.refreshes.fetch_add(1, Ordering::Relaxed);
            grant
        }
        _ => {
            let Some(grant) = text_arg(args, "code").and_then(|c| issued.codes.remove(c)) else {
                return failed("invalid_code");
            };
            if text_arg(args, "redirect_uri") != Some(grant.redirect_uri.as_str()) {
                return failed("bad_redirect_uri");
            }
            grant
        }
    };
    if grant.client_id != client_id {
        return failed("invalid_client_id");
    }
    let n = api.next();
    let team = &grant.team;
    let mut answer = json!({
        "ok": true, "token_type": "bot", "scope": grant.scope,
        "bot_user_id": format!("UB{team}"), "app_id": "A0STANDIN",
        "team": {"id": team, "name": format!("Stand-in {team}")},
        "enterprise": null, "is_enterprise_install": false,
        "authed_user": {"id": "U0INSTALLER"},
    });
    match issued.rotation {
        Some(expires_in) => {
            let refresh = format!("xoxe-1-{team}-standin-{n}");
            answer["access_token"] = json!(format!("xoxe.xoxb-{team}-standin-{n}"));
            answer["refresh_token"] = json!(refresh);
            answer["expires_in"] = json!(expires_in);
            issued.refresh_tokens.insert(refresh, grant.clone());
        }
        None => answer["access_token"] = json!(format!("xoxb-{team}-standin-{n}")),
    }
    if !grant.user_scope.is_empty() {
        answer["authed_user"] = json!({
            "id": "U0INSTALLER", "scope": grant.user_scope, "token_type": "user",
            "access_token": format!("xoxp-{team}-standin-{n}"),
        });
    }
    answer
}

/// The arguments as recorded: the client secret, the code and the refresh token are never kept.
pub(super) fn redacted(mut args: Map<String, Value>) -> Map<String, Value> {
    for name in ["client_secret", "code", "refresh_token"] {
        if let Some(value) = args.get_mut(name) {
            *value = Value::String("[redacted]".into());
        }
    }
    args
}
